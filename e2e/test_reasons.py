"""On the demo data, commercial return is open on a 10-day-old invoice and closed on a 20-day-old one."""
import datetime
import unittest
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from browser import BrowserTest, reason_count


def dutch(day):
    return f"{day.day}-{day.month}-{day.year}"


class ReasonsOnARow(BrowserTest):
    def open_line(self, invoice):
        self.open(f"/search?numberType=invoice&number={invoice}")
        self.find("tr.summary").click()
        return self.find("li.reason[data-reason='commercial_return']")

    def open_chooser(self):
        """The reason list of the row on screen, opened; its options."""
        button = self.find("button.reason-button")
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        line = button.find_element(By.XPATH, "..").get_attribute("data-line")
        return self.driver.find_elements(By.CSS_SELECTOR, f"#reason-list-{line} li[role=option]")

    def test_the_reason_list_is_browsed_with_the_keyboard_without_leaving_the_page(self):
        self.login("jan@pcpartner.nl")
        self.open("/search?numberType=invoice&number=0962277401")
        here = self.driver.current_url
        button = self.find("button.reason-button")
        line = button.find_element(By.XPATH, "..").get_attribute("data-line")
        button.send_keys(Keys.ARROW_DOWN)
        listbox = self.find(f"#reason-list-{line}")
        self.wait.until(lambda d: listbox.is_displayed())
        self.assertEqual(button.get_attribute("aria-expanded"), "true")
        for _ in range(4):
            listbox.send_keys(Keys.ARROW_DOWN)
        self.assertEqual(self.driver.current_url, here, "browsing does not navigate")
        active = self.find(f"#{listbox.get_attribute('aria-activedescendant')}")
        self.assertEqual(active.get_attribute("aria-selected"), "true")
        options = listbox.find_elements(By.CSS_SELECTOR, "li[role=option]")
        self.assertEqual(len(options), reason_count())
        refused = next(i for i, o in enumerate(options) if o.get_attribute("aria-disabled") == "true")
        self.assertTrue(options[refused].find_element(By.CSS_SELECTOR, ".why").is_displayed())

        def go_to(index):
            listbox.send_keys(Keys.HOME)
            for _ in range(index):
                listbox.send_keys(Keys.ARROW_DOWN)
            self.assertEqual(listbox.get_attribute("aria-activedescendant"), options[index].get_attribute("id"))

        # Enter on a refused reason says why and stays; Escape closes; Enter on an open one leads on.
        go_to(refused)
        listbox.send_keys(Keys.ENTER)
        note = self.find(f".reason-chooser[data-line='{line}'] .reason-note")
        self.assertTrue(note.is_displayed())
        self.assertEqual(self.driver.current_url, here)
        listbox.send_keys(Keys.ESCAPE)
        self.assertFalse(listbox.is_displayed())
        button.send_keys(Keys.ARROW_DOWN)
        self.wait.until(lambda d: listbox.is_displayed())
        go_to(next(i for i, o in enumerate(options) if o.get_attribute("aria-disabled") == "false"))
        listbox.send_keys(Keys.ENTER)
        self.wait.until(EC.url_contains("/register/"))

    def test_commercial_return_window(self):
        today = datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).date()
        self.login("jan@pcpartner.nl")

        recent = self.open_line("0962350553")
        self.assertIn("enabled", recent.get_attribute("class"))
        self.assertIn(f"tot en met {dutch(today + datetime.timedelta(days=5))}", recent.text)
        options = self.open_chooser()
        self.assertEqual(len(options), reason_count())
        self.assertEqual(options[2].get_attribute("aria-disabled"), "false")

        old = self.open_line("0962277401")
        self.assertIn("disabled", old.get_attribute("class"))
        ended = today - datetime.timedelta(days=20) + datetime.timedelta(days=15)
        self.assertIn(f"verlopen op {dutch(ended)}", old.text)
        self.assertIn("Buy back", old.text)
        option = next(o for o in self.open_chooser() if o.get_attribute("data-reason") == "commercial_return")
        self.assertEqual(option.get_attribute("aria-disabled"), "true")
        # The refusal is in sight in the list itself, without opening the row.
        self.assertIn(dutch(ended), option.find_element(By.CSS_SELECTOR, ".why").text)
        buyback = self.find("li.reason[data-reason='buyback']")
        self.assertIn("enabled", buyback.get_attribute("class"))


if __name__ == "__main__":
    unittest.main()
