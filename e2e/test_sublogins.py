"""A reseller admin creates a sub-login, which can log in until it is disabled."""
import unittest
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import BrowserTest, chromium, BASE


class SubLogins(BrowserTest):
    def test_create_and_disable(self):
        email = f"e2e-{uuid.uuid4().hex[:8]}@pcpartner.nl"
        self.login("jan@pcpartner.nl")
        self.open("/users")
        form = self.find("#new-user")
        form.find_element(By.NAME, "name").send_keys("E2E Collega")
        form.find_element(By.NAME, "email").send_keys(email)
        form.find_element(By.NAME, "password").send_keys("collega wachtwoord")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.assertIn(email, self.find("#notice").text)

        colleague = chromium()
        try:
            colleague.get(BASE + "/login")
            colleague.find_element(By.ID, "email").send_keys(email)
            colleague.find_element(By.ID, "password").send_keys("collega wachtwoord")
            colleague.find_element(By.ID, "login-submit").click()
            WebDriverWait(colleague, 10).until(lambda d: "/login" not in d.current_url)

            row = self.driver.find_element(By.XPATH, f"//tr[td[text()='{email}']]")
            page = self.driver.find_element(By.TAG_NAME, "html")
            row.find_element(By.XPATH, ".//button[text()='Uitschakelen']").click()
            self.left(page)
            self.assertIn("uitgeschakeld", self.find("#notice").text)

            colleague.get(BASE + "/search")
            self.assertIn("/login", colleague.current_url)
        finally:
            colleague.quit()


if __name__ == "__main__":
    unittest.main()
