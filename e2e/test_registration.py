"""A reseller registers a defect, a commercial return and a transport damage (photos from the
phone page of the QR code) in one cart, submits, and the confirmation mail goes out as a file
and through a real SMTP server."""
import email
import email.policy
import glob
import os
import socket
import subprocess
import tempfile
import unittest

from aiosmtpd.controller import Controller
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import BASE, PASSWORD, BrowserTest, chromium

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_once(**extra):
    env = dict(os.environ, **extra)
    subprocess.run([os.environ["RETOUR_BINARY"], "worker", "--once"], env=env, check=True, capture_output=True)


def mail_text(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message["To"], message["Subject"], message.get_body().get_content()


class RegisterSubmitAndMail(BrowserTest):
    def line_id(self, invoice):
        self.open(f"/search?numberType=invoice&number={invoice}")
        return self.find("tbody.line").get_attribute("id").split("-", 1)[1]

    def add_position(self, line, reason, fill):
        self.open(f"/register/{line}?reason={reason}")
        self.find(f"#reason-{reason}")
        fill()
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/address"))
        self.find("#address-submit").click()
        self.wait.until(EC.url_contains("/added"))
        self.assertIn("succesvol toegevoegd", self.find("#added").text)
        # "Meer posities toevoegen" goes back to the last search's results, not to an empty search.
        self.assertIn("/search?numberType=invoice&number=", self.find("#more").get_attribute("href"))

    def check(self, css):
        box = self.find(css)
        if not box.is_selected():
            box.click()

    def test_one_cart_three_reasons(self):
        self.login("jan@pcpartner.nl")
        webcam = self.line_id("0962405087")
        samsung = self.line_id("0962350553")
        netgear = self.line_id("0962405090")

        def defect():
            Select(self.find("#f-fault")).select_by_value("no_response")
            self.find("#f-description").send_keys("Geen beeld na opstarten")
            self.check("input[name='serials[]'][value='2119LZ90X2V9']")

        def commercial_return():
            self.check("input[name='f[sealedDeclaration]']")
            self.check("input[name='serials[]'][value='S4EVNM0R820837']")
            self.check("input[name='serials[]'][value='S4EVNM0R820839']")
            self.assertIn("return fee", self.find("#credit-preview").text)

        def transport_damage():
            self.assertIn("48 uur", self.find("#transport-warning").text)
            self.assertIn("Speciale prijs als tegemoetkoming", self.find("#keep-offer").text)
            self.check("input[name='f[damageNoted]'][value='yes']")
            self.check("input[name='f[keep]'][value='no']")
            self.find("#f-comment").send_keys("Doos en switch ingedeukt")
            link = self.find("#phone-link").get_attribute("href")
            with tempfile.TemporaryDirectory() as folder:
                paths = []
                for name in ("pallet.png", "retail-box.png", "label.png"):
                    path = os.path.join(folder, name)
                    with open(path, "wb") as f:
                        f.write(PNG)
                    paths.append(path)
                phone = chromium(390, 844)
                try:
                    phone.get(link)
                    phone.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys("\n".join(paths))
                    phone.find_element(By.ID, "phone-submit").click()
                    notice = WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "phone-notice")))
                    self.assertIn("3 bestanden ontvangen", notice.text)
                finally:
                    phone.quit()
            # The photos appear on the form without a reload.
            WebDriverWait(self.driver, 20).until(
                lambda driver: len(driver.find_elements(By.CSS_SELECTOR, "#uploaded li.from-phone")) == 3)

        self.add_position(webcam, "defect", defect)
        self.add_position(samsung, "commercial_return", commercial_return)
        self.add_position(netgear, "transport_damage", transport_damage)

        self.open("/cart")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "tr[id^=position-]")), 3)
        self.find("#submit-cart").click()
        self.find("#no-entitlement")
        page = self.driver.find_element(By.TAG_NAME, "main").text
        rma_numbers = [element.text for element in self.driver.find_elements(By.CSS_SELECTOR, ".rma-number")]
        self.assertEqual(len(rma_numbers), 2)
        self.assertIn("NIET DIRECT opsturen", page)
        self.assertIn("Inundatiedok 18", page)

        # File transport: the worker writes the confirmation as .eml.
        worker_once()
        confirmations = []
        for path in glob.glob(os.path.join(os.environ["RETOUR_MAIL_DIR"], "*.eml")):
            with open(path, "rb") as f:
                parsed = mail_text(f.read())
            if rma_numbers[0] in parsed[2] and parsed[1].startswith("Retour: "):
                confirmations.append(parsed)
        self.assertEqual(len(confirmations), 1)
        to, subject, body = confirmations[0]
        self.assertEqual(to, "jan@pcpartner.nl")
        # A short subject, and every RMA number in the body.
        self.assertRegex(subject, r"^Retour: \d+ posities ontvangen, 2 RMA-nummers$")
        for number in rma_numbers:
            self.assertIn(number, body)
        self.assertNotIn("U ontvangt per e-mail", body)
        self.assertIn("NIET DIRECT", body)

        # SMTP: an administrator sends it again, through a real SMTP server.
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            admin = chromium()
            try:
                admin.get(BASE + "/login")
                admin.find_element(By.ID, "email").send_keys("admin@retour.example")
                admin.find_element(By.ID, "password").send_keys(PASSWORD)
                admin.find_element(By.ID, "login-submit").click()
                WebDriverWait(admin, 10).until(lambda d: "/login" not in d.current_url)
                admin.get(BASE + "/admin/mails")
                status = admin.find_element(By.CSS_SELECTOR, "tr[id^=mail-] .status")
                self.assertEqual(status.get_attribute("data-status"), "sent")
                self.assertIn("Verzonden", status.text, "the status in the reader's language")
                admin.find_element(By.CSS_SELECTOR, "button.resend").click()
                WebDriverWait(admin, 10).until(EC.presence_of_element_located((By.ID, "notice")))
            finally:
                admin.quit()
            worker_once(RETOUR_MAIL="smtp", RETOUR_SMTP_HOST="127.0.0.1", RETOUR_SMTP_PORT=str(port))
            self.assertEqual(len(collector.messages), 1)
            envelope = collector.messages[0]
            self.assertEqual(envelope.rcpt_tos, ["jan@pcpartner.nl"])
            _, _, smtp_body = mail_text(envelope.original_content)
            for number in rma_numbers:
                self.assertIn(number, smtp_body)
        finally:
            controller.stop()


if __name__ == "__main__":
    unittest.main()
