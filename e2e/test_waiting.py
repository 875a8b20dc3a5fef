"""Nothing waits unseen (issue 25, item 2): the cart's count in the menu, and a question of the
agent on the start page, leading to the requests that wait for the reseller's answer, first in the
overview, which shows the invoice and the reseller's own reference and finds by it. And a
session that ended is said so on the login page (item 1), which leads back to the page."""
import datetime
import unittest

from selenium.webdriver.support import expected_conditions as EC

from browser import PASSWORD, BrowserTest, api, token

INVOICE = "E2E-WAIT-1"


class NothingWaitsUnseen(BrowserTest):
    def test_the_cart_count_and_a_question_that_waits_for_an_answer(self):
        admin = token("admin@retour.example")
        day = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
        api("POST", "/api/v1/import", admin, {"invoices": [{
            "number": INVOICE, "company": "100300", "date": day, "currency": "EUR",
            "lines": [{"position": 10, "article": "1948782", "quantity": 3, "unitPrice": "71.50"}]}]})
        reseller = token("inkoop@bytewise.nl")
        # Only this test's position goes into the submission: what other tests left in the cart goes.
        for left in api("GET", "/api/v1/cart", reseller)["positions"]:
            api("DELETE", f"/api/v1/cart/positions/{left['id']}", reseller)
        line = api("GET", f"/api/v1/lines?numberType=invoice&number={INVOICE}", reseller)["documents"][0]["lines"][0]
        api("POST", "/api/v1/cart/positions", reseller, {
            "line": line["id"], "reason": "product_complaint", "quantity": 1,
            "fields": {"condition": "opened", "comment": "Beeld flikkert", "positionReference": "BW-REF-77"}})
        in_cart = len(api("GET", "/api/v1/cart", reseller)["positions"])

        self.login("inkoop@bytewise.nl")
        self.open("/status")
        self.assertEqual(self.find("#nav-cart-count").text, f"({in_cart})")

        number = api("POST", "/api/v1/cart/submit", reseller, {})["requests"][0]["number"]
        agent = token("rma@retour.example")
        api("POST", f"/api/v1/requests/{number}/decision", agent,
            {"decision": "request_info", "message": "Welke kabel gebruikt u?"})

        self.open("/")
        self.assertEqual(self.driver.find_elements("id", "nav-cart-count"), [], "the cart is empty again")
        notice = self.find("#waiting-for-answer a")
        self.assertIn("wacht", notice.text)
        notice.click()
        self.wait.until(EC.url_contains("status=information_requested"))
        self.find(f"#request-{number}")
        for row in self.driver.find_elements("css selector", "tr[id^='request-']"):
            self.assertIn("Informatie gevraagd", row.text)

        # The whole overview puts it first, with its invoice and the reseller's own reference, and
        # finds it by that reference typed as it comes.
        self.open("/status")
        first = self.driver.find_elements("css selector", "tr[id^='request-']")[0]
        self.assertEqual(first.get_attribute("id"), f"request-{number}")
        self.assertIn(INVOICE, first.text)
        self.assertIn("BW-REF-77", first.text)
        self.find("#number").send_keys(" bw-ref-77 ")
        self.find("#request-filter button[type=submit]").click()
        self.wait.until(EC.url_contains("number="))
        rows = self.driver.find_elements("css selector", "tr[id^='request-']")
        self.assertEqual([r.get_attribute("id") for r in rows], [f"request-{number}"])

    def test_an_ended_session_is_said_so_and_leads_back(self):
        self.login("jan@pcpartner.nl")
        self.open("/archive")
        session = next(c for c in self.driver.get_cookies() if c["name"].endswith("retour_session"))
        # The server forgot the session (idle too long): the browser still sends its cookie.
        self.driver.delete_cookie(session["name"])
        self.driver.add_cookie({"name": session["name"], "value": "forgotten-by-the-server", "path": "/"})
        self.open("/status")
        self.wait.until(EC.url_contains("/login"))
        self.assertEqual(self.find("#login-notice").text, "Uw sessie is verlopen. Log opnieuw in.")
        self.find("#email").send_keys("jan@pcpartner.nl")
        self.find("#password").send_keys(PASSWORD)
        self.find("#login-submit").click()
        self.wait.until(EC.url_contains("/status"))


if __name__ == "__main__":
    unittest.main()
