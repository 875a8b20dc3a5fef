"""Accounts in the browser (issue 22): a reseller admin invites a colleague without typing a password;
the colleague follows the link in the e-mail (read from the .eml the file transport wrote), chooses a
password and is signed in; later, having forgotten it, asks for a link on the login page and chooses
a new one."""
import email
import email.policy
import glob
import os
import re
import subprocess
import time
import uuid

from browser import BrowserTest


def send_mail():
    subprocess.run([os.environ["RETOUR_BINARY"], "worker", "--once"], check=True, capture_output=True, timeout=120)


def link_in_mail(recipient):
    """The password link of the newest e-mail to `recipient`."""
    newest = None
    for path in glob.glob(os.path.join(os.environ["RETOUR_MAIL_DIR"], "**", "*.eml"), recursive=True):
        with open(path, "rb") as file:
            message = email.message_from_binary_file(file, policy=email.policy.default)
        if recipient not in str(message["To"]):
            continue
        if newest is None or os.path.getmtime(path) >= newest[0]:
            newest = (os.path.getmtime(path), message)
    assert newest is not None, f"no e-mail to {recipient}"
    body = newest[1].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^\s]+(/password/reset/[A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


class InvitationAndForgottenPassword(BrowserTest):
    def test_invited_colleague_chooses_a_password_and_later_resets_it(self):
        colleague = f"e2e-{uuid.uuid4().hex[:8]}@pcpartner.nl"
        self.login("jan@pcpartner.nl")
        self.open("/users")
        form = self.find("#new-user")
        form.find_element("name", "name").send_keys("Els Uitgenodigd")
        form.find_element("name", "email").send_keys(colleague)
        form.find_element("css selector", "button[type=submit]").click()
        self.assertIn(colleague, self.find("#notice").text)
        self.find("form[action='/logout'] button").click()
        self.wait.until(lambda d: "/login" in d.current_url)

        send_mail()
        self.open(link_in_mail(colleague))
        self.assertIn("Els Uitgenodigd", self.find("main").text)
        self.find("#password").send_keys("mijn eigen lange zin")
        self.find("#reset-submit").click()
        self.wait.until(lambda d: "/password/reset" not in d.current_url)
        self.assertIn("Els Uitgenodigd", self.find("header .who").text)
        self.find("form[action='/logout'] button").click()
        self.wait.until(lambda d: "/login" in d.current_url)

        # Forgotten: the login page links the way back in; the answer does not say whether the
        # address is known.
        self.find("#forgot-password").click()
        self.find("#email").send_keys(colleague)
        self.find("#forgot-submit").click()
        self.assertIn("onderweg", self.find("#notice").text)
        time.sleep(1)
        send_mail()
        link = link_in_mail(colleague)
        self.open(link)
        self.find("#password").send_keys("een heel andere zin")
        self.find("#reset-submit").click()
        self.wait.until(lambda d: "/password/reset" not in d.current_url)
        self.assertIn("Els Uitgenodigd", self.find("header .who").text)
        # Used once: the same link now says so and offers a new one.
        self.open(link)
        self.find("#new-link")
