"""Issue 11 in the browser: claims that send nothing back leave the goods reasons open on the search
row (rulebook §4.6), a number search ignores the default week, a row's reason list is filled
on the first click, and wrong delivery is the manual's form in two steps."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from selenium.webdriver.common.keys import Keys

from browser import BrowserTest, api, reason_count, token


class TheManualsFormsOnTheSearchRow(BrowserTest):
    def test_an_invoice_claim_leaves_the_warranty_open(self):
        jan = token("jan@pcpartner.nl")
        found = api("GET", "/api/v1/lines?numberType=invoice&number=0962405087", jan)
        line = found["documents"][0]["lines"][0]["id"]
        api("POST", "/api/v1/cart/positions", jan, {
            "line": line, "reason": "wrong_invoicing",
            "fields": {"subReason": "payment_term", "comment": "Betaaltermijn klopt niet"}})
        api("POST", "/api/v1/cart/submit", jan, {})

        self.login("jan@pcpartner.nl")
        self.open("/search?numberType=invoice&number=0962405087")
        self.find("tr.summary").click()
        defect = self.find("li.reason[data-reason='defect']")
        self.assertIn("enabled", defect.get_attribute("class"), "an invoice claim must not block the warranty")

    def test_a_number_search_ignores_the_default_week(self):
        self.login("jan@pcpartner.nl")
        self.open("/search")
        self.assertEqual(Select(self.find("#period")).first_selected_option.get_attribute("value"), "1w")
        Select(self.find("#numberType")).select_by_value("invoice")
        self.find("#number").send_keys("0962277446")
        self.find("#search-submit, #search-form button[type=submit]").click()
        self.wait.until(EC.url_contains("number=0962277446"))
        self.assertIn("0962277446", self.find("main").text)
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "tr.summary")) > 0, True)

    def test_the_reason_list_is_filled_before_the_first_click(self):
        self.login("jan@pcpartner.nl")
        self.open("/search?numberType=invoice&number=0962350553")
        button = self.find("button.reason-button")
        # The pointer on its way to the list is enough: the reasons are there when it clicks.
        ActionChains(self.driver).move_to_element(button).perform()
        line = button.find_element(By.XPATH, "..").get_attribute("data-line")
        WebDriverWait(self.driver, 10).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, f"#details-{line} li.reason")) == reason_count())
        self.assertNotEqual(self.driver.switch_to.active_element, button, "nothing was clicked or focused")
        button.click()
        options = self.driver.find_elements(By.CSS_SELECTOR, f"#reason-list-{line} li[role=option]")
        self.assertEqual(len(options), reason_count())

    def test_wrong_delivery_in_two_steps_with_an_honest_lookup(self):
        jan = token("jan@pcpartner.nl")
        found = api("GET", "/api/v1/lines?numberType=invoice&number=0962405087", jan)
        line = found["documents"][0]["lines"][0]["id"]
        self.login("jan@pcpartner.nl")
        self.open(f"/register/{line}?reason=wrong_delivery")
        step_two = self.find("#step-two")
        self.assertFalse(step_two.is_displayed(), "only the choice is asked first")
        self.assertFalse(self.find("#next-step").is_displayed(), "with a script the choice itself goes on")
        self.find("input[name='f[variant]'][value='mismatch']").click()
        self.assertTrue(step_two.is_displayed())
        self.assertTrue(self.find("#row-materialCode").is_displayed())
        self.assertFalse(self.find("#row-keep").is_displayed(), "option 1's question is not shown")
        self.assertFalse(self.find("#keep-offer").is_displayed(), "the offer at the top is option 1's")
        code = self.find("#f-materialCode")
        shown = self.find("#material-found")
        # Typed as people type it: lower case, with a space around it.
        code.send_keys(" stkp10000400 ", Keys.ENTER)
        self.wait.until(lambda d: "SEAGATE" in shown.text)
        self.assertIn("153,84", shown.text)
        self.assertIn("153,07", shown.text)
        # A code that matches nothing replaces the earlier match: it must not look found.
        code.clear()
        code.send_keys("NOPE-123", Keys.ENTER)
        self.wait.until(lambda d: "Geen artikel gevonden voor NOPE-123" in shown.text)
        self.assertNotIn("SEAGATE", shown.text)
        # The article number the reseller sees everywhere finds it too.
        code.clear()
        code.send_keys("4224506", Keys.ENTER)
        self.wait.until(lambda d: "SEAGATE" in shown.text)
        code.clear()
        code.send_keys("NOPE-123", Keys.ENTER)
        self.wait.until(lambda d: "Geen artikel gevonden voor NOPE-123" in shown.text)
        # An unknown article blocks nothing: the position is added without an offer.
        self.find("input[name='f[keepReceived]'][value='yes']").click()
        self.find("input[name='f[wantOriginal]'][value='no']").click()
        quantity = self.driver.find_elements(By.ID, "quantity")
        if quantity and not quantity[0].get_attribute("value"):
            quantity[0].send_keys("1")
        self.find("#add-position").click()
        # The received article is kept: nothing ships, so no return-address step.
        self.wait.until(EC.url_contains("/added"))
        cart = api("GET", "/api/v1/cart", jan)
        added = [p for p in cart["positions"] if p["reason"] == "wrong_delivery"]
        self.assertEqual(added[0]["fields"]["materialCode"], "NOPE-123")
        for position in cart["positions"]:
            api("DELETE", f"/api/v1/cart/positions/{position['id']}", jan)

    def test_the_agent_lands_on_a_to_do_list_with_nothing_preselected(self):
        jan = token("jan@pcpartner.nl")
        found = api("GET", "/api/v1/lines?numberType=invoice&number=0962405086", jan)
        line = found["documents"][0]["lines"][0]["id"]
        api("POST", "/api/v1/cart/positions", jan, {
            "line": line, "reason": "product_complaint", "quantity": 1, "fields": {"condition": "opened"}})
        review = api("POST", "/api/v1/cart/submit", jan, {})["requests"][0]["number"]

        self.login("rma@retour.example")
        self.wait.until(EC.url_contains("/backoffice"))
        row = self.find(f"tr[id='request-{review}']")
        self.assertIn("In behandeling", row.text)
        for status in self.driver.find_elements(By.CSS_SELECTOR, "tr[id^='request-'] td.status"):
            self.assertNotIn("Wacht op goederen", status.text, "goods on their way are not the agent's work yet")
        row.find_element(By.CSS_SELECTOR, "a").click()
        self.wait.until(EC.url_contains(f"/requests/{review}"))
        self.assertIn("PC Partner BV", self.find("#request-customer").text)
        decision = Select(self.find("#decision"))
        self.assertEqual(decision.first_selected_option.get_attribute("value"), "", "no answer is chosen for the agent")
        # Without a choice the browser does not send the form: still in review.
        self.find("#decision").find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
        self.assertEqual(self.find("#request-status").get_attribute("data-status"), "in_review")
