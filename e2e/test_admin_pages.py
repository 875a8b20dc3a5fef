"""The administrator runs Retour without a developer (issue 25, item 7): exclusions per reason and
per article, a rules version activated only after a question with the what-if on top, the reseller
companies with their logins, and the distributor's own data."""
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browser import BrowserTest, api, token


class AdminPages(BrowserTest):
    def line_of(self, invoice):
        """The first line of `invoice` as jan sees it: its id and article number."""
        jan = token("jan@pcpartner.nl")
        lines = api("GET", f"/api/v1/lines?numberType=invoice&number={invoice}", jan)["documents"][0]["lines"]
        return lines[0]["id"], lines[0]["article"]

    def commercial_return_refusal(self, invoice):
        self.open(f"/search?numberType=invoice&number={invoice}")
        self.find("button.row-toggle").click()
        item = self.find("li.reason[data-reason='commercial_return']")
        return item.get_attribute("class"), item.text

    def test_an_article_excluded_on_the_page_is_refused_to_the_reseller(self):
        _, article = self.line_of("0962350553")
        self.login("admin@retour.example")
        self.find("#nav-exclusions").click()
        self.wait.until(EC.url_contains("/admin/exclusions"))
        self.find("#exclude-article").send_keys(article)
        self.find("#exclude-article-submit").click()
        self.assertIn("Opgeslagen als versie", self.find("#notice").text)
        self.assertTrue(self.find(f"#excluded-{article}").is_displayed())
        try:
            self.driver.delete_all_cookies()
            self.login("jan@pcpartner.nl")
            classes, text = self.commercial_return_refusal("0962350553")
            self.assertIn("disabled", classes)
            self.assertIn("uitgesloten", text)
        finally:
            self.driver.delete_all_cookies()
            self.login("admin@retour.example")
            self.open("/admin/exclusions")
            row = self.find(f"#excluded-{article}").find_element(By.XPATH, "..")
            row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            self.wait.until(EC.presence_of_element_located((By.ID, "notice")))
            self.assertEqual(self.driver.find_elements(By.ID, f"excluded-{article}"), [])

    def test_a_reasons_boxes_are_named_by_row_and_column(self):
        self.login("admin@retour.example")
        self.open("/admin/exclusions")
        box = self.find("input[name='kind_software.commercial_return']")
        labels = [self.find(f"#{part}").text for part in box.get_attribute("aria-labelledby").split()]
        self.assertEqual(labels, ["Software", "Commerciële retour nieuw(e) product(en)"])

    def test_activating_a_version_asks_first_with_the_what_if_on_top(self):
        self.login("admin@retour.example")
        self.open("/admin/policies")
        before = self.find("#policy-version").text
        window = self.find("input[name='window_commercial_return']")
        window.clear()
        window.send_keys("25")
        self.find("#activate").click()
        question = self.find("#confirm-activation")
        self.assertRegex(question.text, r"Versie \d+ activeren, geldig vanaf")
        what_if = self.find("#what-if-result")
        self.assertLess(question.location["y"], what_if.location["y"])
        self.assertLess(what_if.location["y"], self.find("#policy-form").location["y"])
        self.assertEqual(self.find("input[name='window_commercial_return']").get_attribute("value"), "25")
        # Cancelling saves nothing.
        self.find("#cancel-activation").click()
        self.wait.until(EC.url_matches(r".*/admin/policies$"))
        self.assertEqual(self.find("#policy-version").text, before)
        self.assertEqual(self.find("input[name='window_commercial_return']").get_attribute("value"), "15")

    def test_a_page_that_answers_a_form_leaves_a_page_in_the_history_not_the_form(self):
        """Back and Reload after a form never offer to send it again (item 1)."""
        self.login("admin@retour.example")
        self.open("/admin/policies")
        self.find("#what-if").click()
        self.find("#what-if-result")
        # The form was answered with a redirect: the page came from the one-time answer address.
        loaded_from = self.driver.execute_script("return performance.getEntriesByType('navigation')[0].name")
        self.assertIn("answer=", loaded_from)
        self.assertTrue(self.driver.current_url.endswith("/admin/policies"), self.driver.current_url)
        self.driver.refresh()
        self.find("#policy-form")
        self.assertEqual(self.driver.find_elements(By.ID, "what-if-result"), [], "Reload shows the page afresh")
        self.find("#what-if").click()
        self.find("#what-if-result")
        self.open("/admin/mails")
        self.driver.back()
        self.find("#policy-form")
        self.assertTrue(self.driver.current_url.endswith("/admin/policies"))

    def test_a_companys_login_is_disabled_and_enabled_again(self):
        self.login("admin@retour.example")
        self.find("#nav-companies").click()
        self.find("#companies-q").send_keys("netwerk")
        self.find("#companies-search button").click()
        self.wait.until(EC.url_contains("q=netwerk"))
        links = self.driver.find_elements(By.CSS_SELECTOR, "#companies a")
        self.assertEqual([link.text for link in links], ["Netwerk Direct BVBA"])
        links[0].click()
        row = self.find("#company-users tbody tr")
        self.assertIn("inkoop@netwerkdirect.be", row.text)
        user = row.get_attribute("id").split("-")[1]
        self.find(f"#disable-{user}").click()
        self.assertIn("is uitgeschakeld", self.find("#notice").text)
        self.find(f"#enable-{user}").click()
        # The page that answers replaces one that has a notice too: wait for the new one's words.
        self.wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "weer ingeschakeld"))
        self.assertIn("weer ingeschakeld", self.find("#notice").text)
        self.assertTrue(self.find(f"#disable-{user}").is_displayed())

    def test_the_distributors_data_are_kept_and_a_mistake_is_named_at_its_field(self):
        self.login("admin@retour.example")
        self.find("#nav-distributor").click()
        country = self.find("#seller-country")
        country.clear()
        country.send_keys("N")
        self.driver.execute_script("document.getElementById('distributor-form').noValidate = true")
        self.find("#save-distributor").click()
        self.assertIn("landcode van twee letters", self.find("#sellerCountry-error").text)
        country = self.find("#seller-country")
        country.clear()
        country.send_keys("NL")
        self.find("#save-distributor").click()
        self.assertIn("zijn opgeslagen", self.find("#notice").text)
        self.assertIn("Inundatiedok 18", self.find("#return-address").get_attribute("value"))


if __name__ == "__main__":
    unittest.main()
