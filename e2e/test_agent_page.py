"""The agent's request page (issue 25, item 6): after receipt only the next steps, a return-fee
field for a buy back that computes the credit, one message box that says who reads it; and the
reseller's confirmation of one request says where it stands now."""
import unittest

from selenium.webdriver.support import expected_conditions as EC

from browser import BrowserTest, api, token


def buyback_line(token_):
    """A line of the reseller's last two months that a buy back may take now."""
    found = api("GET", "/api/v1/lines?period=2m&per=200", token_)
    for document in found["documents"]:
        for line in document["lines"]:
            if line["claimableQuantity"] < 1 or (line["serials"] and not line["claimableSerials"]):
                continue
            reasons = api("GET", f"/api/v1/lines/{line['id']}/reasons", token_)["reasons"]
            if any(r["id"] == "buyback" and r["enabled"] for r in reasons):
                return line
    raise AssertionError("no line of the demo allows a buy back")


class AgentPage(BrowserTest):
    def test_after_receipt_the_credit_with_a_fee_of_the_agents_choice(self):
        jan = token("jan@pcpartner.nl")
        agent = token("rma@retour.example")
        line = buyback_line(jan)
        body = {"line": line["id"], "reason": "buyback", "fields": {"condition": "unopened", "comment": "Over"}}
        serials = line["claimableSerials"][:1]
        if line["serials"]:
            body["serials"] = serials
        else:
            body["quantity"] = 1
        api("POST", "/api/v1/cart/positions", jan, body)
        number = api("POST", "/api/v1/cart/submit", jan, {})["requests"][0]["number"]
        api("POST", f"/api/v1/requests/{number}/decision", agent, {"decision": "approve"})
        api("POST", f"/api/v1/requests/{number}/receipt", agent,
            {"quantity": 1, "serials": serials, "condition": "as_expected"})

        self.login("rma@retour.example")
        self.open(f"/requests/{number}")
        self.assertEqual(self.driver.find_elements("id", "decision-form"), [], "no decision after receipt")
        self.assertIn("Bericht aan de klant", self.find("#message-form").text)
        self.assertIn("De klant leest dit", self.find("#message-readers").text)
        fee = self.find("#credit-fee")
        self.assertEqual(fee.get_attribute("value"), "0")
        fee.clear()
        fee.send_keys("15")
        self.find("#credit").click()
        self.wait.until(EC.presence_of_element_located(("id", "credit-note")))
        request = api("GET", f"/api/v1/requests/{number}", agent)
        value = round(float(line["unitPrice"]) * 100)
        self.assertEqual(request["creditNote"]["amount"], f"{(value - round(value * 0.15)) / 100:.2f}")

        self.logout_and_login("jan@pcpartner.nl")
        self.open(f"/requests/{number}/confirmation")
        sections = self.driver.find_elements("css selector", "section.confirmation")
        self.assertEqual([s.get_attribute("id") for s in sections], [f"request-{number}"])
        self.assertIn("staat nu op: Gecrediteerd", sections[0].text)

    def logout_and_login(self, email):
        self.driver.delete_all_cookies()
        self.login(email)


if __name__ == "__main__":
    unittest.main()
