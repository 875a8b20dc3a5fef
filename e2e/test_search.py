"""A reseller logs in, finds the manual's webcam line by its serial number and opens it."""
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from browser import BrowserTest


class SearchBySerial(BrowserTest):
    def search_serial(self):
        Select(self.find("#numberType")).select_by_value("serial")
        number = self.find("#number")
        number.clear()
        number.send_keys("2119LZ90X2V9")
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.find("#search-submit").click()
        # Wait for the new page: the week's results of the old one carry the same selectors.
        self.left(page)
        return self.find("section.document h2")

    def test_login_search_and_expand(self):
        self.login("jan@pcpartner.nl")
        # The manual's start page: three buttons; the first leads to the search.
        self.assertIn("Hier kunt u uw aanvraag in werking zetten", self.find("#start").text)
        self.find("#start-registration").click()
        self.wait.until(EC.url_contains("/search"))
        self.assertIn("RMA-registratie", self.driver.title)
        # The default period is one week, as in the manual's screenshot.
        self.assertEqual(Select(self.find("#period")).first_selected_option.text, "1 week")

        header = self.search_serial()
        self.assertRegex(header.text, r"^Nummer: 0962405087 - Factuur van \d{1,2}-\d{1,2}-\d{4}")
        # The period says what applied to the number search: none (not a free range without dates).
        self.assertEqual(Select(self.find("#period")).first_selected_option.text, "Geen periode")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "tr.summary")
        self.assertEqual(len(rows), 1)
        self.assertIn("LOGITECH HD Webcam C930e", rows[0].text)

        details = self.driver.find_element(By.CSS_SELECTOR, "tr.details")
        self.assertFalse(details.is_displayed())
        url = self.driver.current_url
        rows[0].click()
        self.wait.until(EC.visibility_of(details))
        self.assertEqual(self.driver.current_url, url, "opening a row must not load another page")
        self.assertIn("2119LZ90X2V9", details.text)
        self.assertIn("Geleverde serienummers", details.text)
        self.assertIn("71,50 EUR (Eenheidsprijs 71,50 EUR)", details.text)
        rows[0].click()
        self.wait.until(EC.invisibility_of_element(details))
        # With the keyboard: the row's disclosure button says whether it is open.
        toggle = rows[0].find_element(By.CSS_SELECTOR, "button.row-toggle")
        self.assertEqual(toggle.get_attribute("aria-expanded"), "false")
        self.assertEqual(toggle.get_attribute("aria-controls"), details.get_attribute("id"))
        toggle.send_keys(Keys.ENTER)
        self.wait.until(EC.visibility_of(details))
        self.assertEqual(toggle.get_attribute("aria-expanded"), "true")

    def test_invalid_range_is_explained_inline(self):
        self.login("jan@pcpartner.nl")
        self.open("/search?period=custom&from=2021-12-10&to=2021-12-01")
        error = self.find("#to-error")
        self.assertIn("einddatum", error.text)
        self.assertTrue(self.find("#range").is_displayed())

    def test_english_is_one_click_away(self):
        self.login("jan@pcpartner.nl")
        self.open("/search")
        self.search_serial()
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.find(".lang").click()
        self.left(page)
        header = self.find("section.document h2")
        self.assertTrue(header.text.startswith("Number: 0962405087 - Invoice of"), header.text)
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.find(".lang").click()
        self.left(page)
        self.assertTrue(self.find("section.document h2").text.startswith("Nummer: 0962405087"))


class SearchOnAPhone(BrowserTest):
    width, height = 390, 844

    def test_page_fits_a_phone_screen(self):
        self.login("piet@pcpartner.nl")
        self.open("/search?numberType=serial&number=2119LZ90X2V9")
        self.find("tr.summary").click()
        overflow = self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        self.assertLessEqual(overflow, 1, "the page scrolls sideways on a phone")
        self.assertIn("2119LZ90X2V9", self.find("tr.details").text)


if __name__ == "__main__":
    unittest.main()
