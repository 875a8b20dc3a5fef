"""On the demo data, commercial return is open on a 10-day-old invoice and closed on a 20-day-old one."""
import datetime
import unittest
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browser import BrowserTest, reason_count


def dutch(day):
    return f"{day.day}-{day.month}-{day.year}"


class ReasonsOnARow(BrowserTest):
    def open_line(self, invoice):
        self.open(f"/search?numberType=invoice&number={invoice}")
        self.find("tr.summary").click()
        return self.find("li.reason[data-reason='commercial_return']")

    def test_commercial_return_window(self):
        today = datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).date()
        self.login("jan@pcpartner.nl")

        recent = self.open_line("0962350553")
        self.assertIn("enabled", recent.get_attribute("class"))
        self.assertIn(f"tot en met {dutch(today + datetime.timedelta(days=5))}", recent.text)
        options = self.driver.find_elements(By.CSS_SELECTOR, "select.reason-select option[value]:not([value=''])")
        self.assertEqual(len(options), reason_count())
        self.assertTrue(options[2].is_enabled())

        old = self.open_line("0962277401")
        self.assertIn("disabled", old.get_attribute("class"))
        ended = today - datetime.timedelta(days=20) + datetime.timedelta(days=15)
        self.assertIn(f"verlopen op {dutch(ended)}", old.text)
        self.assertIn("Buy back", old.text)
        option = self.driver.find_element(By.CSS_SELECTOR, "select.reason-select option[value='commercial_return']")
        self.assertFalse(option.is_enabled())
        self.assertIn(dutch(ended), option.get_attribute("title"))
        buyback = self.find("li.reason[data-reason='buyback']")
        self.assertIn("enabled", buyback.get_attribute("class"))


if __name__ == "__main__":
    unittest.main()
