"""The return-address step only where goods travel back (issue 25, item 10): a wrong invoice goes
straight to the cart, which says nothing ships; a defect's address step names its position and can
be cancelled. Uploads: the number of photos is said before uploading, a file can be taken off again,
and a file too large is refused in the browser before anything is sent (item 1)."""
import os
import tempfile
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from browser import BrowserTest, api, token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class GoodsTravel(BrowserTest):
    def tearDown(self):
        jan = token("jan@pcpartner.nl")
        for position in api("GET", "/api/v1/cart", jan)["positions"]:
            api("DELETE", f"/api/v1/cart/positions/{position['id']}", jan)
        super().tearDown()

    def line_id(self, invoice):
        self.open(f"/search?numberType=invoice&number={invoice}")
        return self.find("tbody.line").get_attribute("id").split("-", 1)[1]

    def test_the_address_step_only_where_goods_travel(self):
        self.login("jan@pcpartner.nl")
        webcam = self.line_id("0962405087")
        self.open(f"/register/{webcam}?reason=wrong_invoicing")
        Select(self.find("#f-subReason")).select_by_value("price")
        self.find("#f-comment").send_keys("Afgesproken prijs was lager")
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/added"))
        self.open("/cart")
        self.assertIn("Niets te verzenden", self.find("table.cart tbody").text)

        self.open(f"/register/{webcam}?reason=defect")
        Select(self.find("#f-fault")).select_by_value("no_response")
        self.find("#f-description").send_keys("Geen beeld")
        box = self.find("input[name='serials[]'][value='2119LZ90X2V9']")
        if not box.is_selected():
            box.click()
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/address"))
        self.assertIn("0962405087", self.find("#address-position").text)
        self.assertTrue(self.find("#country").find_element(By.XPATH, "..").text.startswith("Land *"))
        self.find("#address-cancel").click()
        self.wait.until(EC.url_matches(r".*/cart$"))
        self.assertEqual(len(api("GET", "/api/v1/cart", token("jan@pcpartner.nl"))["positions"]), 2)

    def test_photos_counted_up_front_taken_off_and_checked_before_sending(self):
        self.login("jan@pcpartner.nl")
        netgear = self.line_id("0962405090")
        self.open(f"/register/{netgear}?reason=transport_damage")
        self.assertEqual(self.find("#photos-required").text, "Voeg minstens 3 foto's toe.")
        with tempfile.TemporaryDirectory() as folder:
            large = os.path.join(folder, "groot.png")
            with open(large, "wb") as f:
                f.truncate(21 * 1024 * 1024)
            files = self.find("#files")
            files.send_keys(large)
            error = self.find("#files-error")
            self.wait.until(lambda d: error.is_displayed())
            self.assertIn("groot.png is groter dan 20 MB", error.text)
            self.assertEqual(files.get_attribute("value"), "", "the file is not sent")

            photo = os.path.join(folder, "pallet.png")
            with open(photo, "wb") as f:
                f.write(PNG)
            self.find("input[name='f[damageNoted]'][value='yes']").click()
            self.find("input[name='f[keep]'][value='no']").click()
            self.find("#f-comment").send_keys("Doos ingedeukt")
            self.find("#files").send_keys(photo)
            self.find("#add-position").click()
            # Refused for the count; the form comes back with the photo, which can be taken off.
            self.find("#attachments-error")
            self.assertEqual(self.find("#f-comment").get_attribute("value"), "Doos ingedeukt")
            items = self.driver.find_elements(By.CSS_SELECTOR, "#uploaded li")
            self.assertEqual(len(items), 1)
            self.assertIn("pallet.png", items[0].text)
            items[0].find_element(By.CSS_SELECTOR, "button.remove-upload").click()
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#uploaded li"), [])

    def test_a_form_sent_after_the_session_ended_comes_back_filled_after_signing_in(self):
        self.login("jan@pcpartner.nl")
        webcam = self.line_id("0962405087")
        self.open(f"/register/{webcam}?reason=defect")
        Select(self.find("#f-fault")).select_by_value("no_response")
        self.find("#f-description").send_keys("Geen beeld na een dag")
        # The session ends on the server while the page stays open: the browser still sends the
        # cookie of a session the server no longer knows.
        name = next(c["name"] for c in self.driver.get_cookies() if c["name"].endswith("retour_session"))
        self.driver.delete_cookie(name)
        self.driver.add_cookie({"name": name, "value": "c2Vzc2lvbi1nb25l", "path": "/"})
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/login"))
        self.assertIn("Uw sessie is verlopen", self.find("main").text)
        self.find("#email").send_keys("jan@pcpartner.nl")
        self.find("#password").send_keys("retour-demo-2026")
        self.find("#login-submit").click()
        self.wait.until(EC.url_contains(f"/register/{webcam}?reason=defect"))
        self.assertIn("is teruggezet", self.find("#draft-restored").text)
        self.assertEqual(self.find("#f-description").get_attribute("value"), "Geen beeld na een dag")
        self.assertEqual(Select(self.find("#f-fault")).first_selected_option.get_attribute("value"), "no_response")
        # Sent again, it is accepted; the draft is gone afterwards.
        box = self.find("input[name='serials[]'][value='2119LZ90X2V9']")
        if not box.is_selected():
            box.click()
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/address"))
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('retour.draft')"))


if __name__ == "__main__":
    unittest.main()
