"""Rights per user, four-eyes submitting and the integrations page (issue 22, items 3 and 5), in the
browser: a view-only colleague finds lines but sees no reason chooser and is refused by the API; a
colleague's submission waits for the purchasing department, who approves it on /approvals; a
purchasing department makes an API key on /integrations, uses it, and revokes it."""
import json
import unittest
import urllib.error
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import BASE, PASSWORD, BrowserTest, api, chromium, token


def import_user(email, company, rights=None):
    user = {"email": email, "name": "E2E " + email.split("@")[0], "role": "reseller_user", "company": company,
            "password": PASSWORD}
    if rights is not None:
        user["rights"] = rights
    api("POST", "/api/v1/import", token("admin@retour.example"), {"users": [user]})


def status_of(method, path, bearer, body=None):
    try:
        api(method, path, bearer, body)
        return 200
    except urllib.error.HTTPError as error:
        return error.code


def simple_position(bearer):
    """A line of the caller's company and a reason with a short form that is open for it."""
    lines = api("GET", "/api/v1/lines?period=2m&per=50", bearer)
    for document in lines["documents"]:
        for line in document["lines"]:
            reasons = api("GET", f"/api/v1/lines/{line['id']}/reasons", bearer)["reasons"]
            if any(r["id"] == "missing_accessories" and r["enabled"] for r in reasons):
                return {"line": line["id"], "reason": "missing_accessories", "quantity": 1,
                        "fields": {"comment": "e2e four eyes"}}
    raise AssertionError("no line open for missing accessories")


class Rights(BrowserTest):
    def test_a_view_only_colleague_sees_no_reason_chooser(self):
        email = f"e2e-view-{uuid.uuid4().hex[:8]}@pcpartner.nl"
        import_user(email, "100200", ["view"])
        self.login(email)
        self.open("/search?period=2m")
        self.find("table.lines")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, ".reason-chooser"), [])
        self.assertEqual(self.driver.find_elements(By.ID, "nav-cart"), [])
        self.open("/cart")
        self.assertIn("Registreren", self.find("main").text)
        bearer = token(email)
        line = api("GET", "/api/v1/lines?period=2m&per=1", bearer)["documents"][0]["lines"][0]["id"]
        body = {"line": line, "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "x"}}
        self.assertEqual(status_of("POST", "/api/v1/cart/positions", bearer, body), 403)


class FourEyes(BrowserTest):
    def set_rule(self, kind):
        self.open("/users")
        form = self.find("#approval-rule")
        form.find_element(By.CSS_SELECTOR, f"input[value='{kind}']").click()
        page = self.driver.find_element(By.TAG_NAME, "html")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.left(page)
        self.find("#notice")

    def test_a_colleagues_submission_waits_and_is_approved(self):
        email = f"e2e-sub-{uuid.uuid4().hex[:8]}@bytewise.nl"
        import_user(email, "100300")
        self.login("inkoop@bytewise.nl")
        self.set_rule("always")
        colleague = chromium()
        try:
            bearer = token(email)
            api("POST", "/api/v1/cart/positions", bearer, simple_position(bearer))
            colleague.get(BASE + "/login")
            colleague.find_element(By.ID, "email").send_keys(email)
            colleague.find_element(By.ID, "password").send_keys(PASSWORD)
            colleague.find_element(By.ID, "login-submit").click()
            # The session exists once the login's answer is in: only then the cart is the colleague's.
            WebDriverWait(colleague, 10).until(lambda d: "/login" not in d.current_url)
            colleague.get(BASE + "/cart")
            colleague.find_element(By.ID, "submit-cart").click()
            self.wait_for(colleague, "#waiting")
            self.assertIn("Wacht op goedkeuring", colleague.find_element(By.ID, "waiting").text)
            self.assertIn("goedkeuring", colleague.find_element(By.ID, "notice").text)
            colleague.get(BASE + "/status")
            self.assertIn("Wacht op goedkeuring", colleague.find_element(By.ID, "waiting").text)

            before = api("GET", "/api/v1/requests", bearer)["total"]
            self.open("/approvals")
            section = self.find("section.approval")
            self.assertIn(email, section.text)
            page = self.driver.find_element(By.TAG_NAME, "html")
            section.find_element(By.CSS_SELECTOR, "button.approve").click()
            self.left(page)
            self.assertIn("Goedgekeurd", self.find("#notice").text)
            self.assertEqual(api("GET", "/api/v1/requests", bearer)["total"], before + 1, "submitted as the colleague")
        finally:
            colleague.quit()
            self.set_rule("none")

    def wait_for(self, driver, css):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, css))


class IntegrationsPage(BrowserTest):
    def test_a_key_made_on_the_page_works_until_it_is_revoked(self):
        self.login("inkoop@netwerkdirect.be")
        self.open("/integrations")
        form = self.find("#new-key")
        name = f"E2E {uuid.uuid4().hex[:6]}"
        form.find_element(By.NAME, "name").send_keys(name)
        form.find_element(By.CSS_SELECTOR, "input[value='read']").click()
        page = self.driver.find_element(By.TAG_NAME, "html")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.left(page)
        key = self.find("#shown-value").text
        self.assertTrue(key.startswith("rk_"))
        self.assertEqual(status_of("GET", "/api/v1/requests", key), 200)
        row = self.driver.find_element(By.XPATH, f"//tr[td[text()='{name}']]")
        page = self.driver.find_element(By.TAG_NAME, "html")
        row.find_element(By.CSS_SELECTOR, "button.revoke").click()
        self.driver.switch_to.alert.accept()
        self.left(page)
        self.assertIn("ingetrokken", self.find("#notice").text)
        self.assertEqual(status_of("GET", "/api/v1/requests", key), 401)


if __name__ == "__main__":
    unittest.main()
