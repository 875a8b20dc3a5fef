"""Issue 13 in the browser: a purchasing department uploads a spreadsheet on the cart page, checks
it row by row (nothing stored), then adds the checked file without choosing it again; the template
downloads in Dutch with the reseller's own lines and works uploaded unchanged (issue 25, item 4)."""
import os
import tempfile
import urllib.request

from selenium.webdriver.common.by import By

from browser import BASE, BrowserTest, api, token
from test_concurrent_clicks import position_for

RESELLER = "inkoop@netwerkdirect.be"


class BulkUpload(BrowserTest):
    def test_check_then_add_a_file(self):
        reseller = token(RESELLER)
        line, _ = position_for(reseller)
        invoice = next(d["number"] for d in api("GET", "/api/v1/lines?period=2m&per=200", reseller)["documents"]
                       if any(l["id"] == line["id"] for l in d["lines"]))
        rows = ("invoice;position;reason;quantity;comment\r\n"
                f"{invoice};{line['position']};missing_accessories;1;\"Kabel; adapter ontbreken\"\r\n"
                "0000000000;1;missing_accessories;1;Bestaat niet\r\n")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8-sig") as f:
            f.write(rows)
        try:
            self.login(RESELLER)
            self.open("/cart")
            self.find("#bulk-file").send_keys(f.name)
            page = self.driver.find_element(By.TAG_NAME, "html")
            self.find("#bulk-check").click()
            self.left(page)
            self.assertIn("nog niets opgeslagen: 1 kunnen worden toegevoegd, 1 geweigerd",
                          self.find("#bulk-summary").text)
            outcomes = self.driver.find_elements(By.CSS_SELECTOR, "#bulk-rows tbody tr")
            self.assertEqual([o.get_attribute("class") for o in outcomes], ["bulk-added", "bulk-refused"])
            self.assertIn("0000000000", outcomes[1].text)
            self.assertIn("Kan worden toegevoegd", outcomes[0].text)
            self.assertEqual(api("GET", "/api/v1/cart", reseller)["positions"], [])

            # The checked file is kept: adding it needs no second choice.
            self.assertIn(os.path.basename(f.name), self.find("#bulk-checked-file").text)
            page = self.driver.find_element(By.TAG_NAME, "html")
            self.find("#bulk-add").click()
            self.left(page)
            self.assertIn("1 toegevoegd aan de winkelwagen, 1 geweigerd", self.find("#bulk-summary").text)
            positions = api("GET", "/api/v1/cart", reseller)["positions"]
            self.assertEqual([p["line"] for p in positions], [line["id"]])
            self.assertEqual(positions[0]["fields"]["comment"], "Kabel; adapter ontbreken")
            self.assertTrue(self.find(f"#position-{positions[0]['id']}").is_displayed())

            link = self.find("#bulk-template").get_attribute("href")
            request = urllib.request.Request(link, headers={"Cookie": "; ".join(
                f"{c['name']}={c['value']}" for c in self.driver.get_cookies())})
            with urllib.request.urlopen(request) as response:
                template = response.read()
            # In Dutch, with the reseller's own lines: uploaded unchanged, every row can be added.
            self.assertTrue(template.decode("utf-8-sig").startswith("factuur;positie;reden"))
            for position in positions:
                api("DELETE", f"/api/v1/cart/positions/{position['id']}", reseller)
            with open(f.name, "wb") as unchanged:
                unchanged.write(template)
            self.find("#bulk-file").send_keys(f.name)
            page = self.driver.find_element(By.TAG_NAME, "html")
            self.find("#bulk-check").click()
            self.left(page)
            summary = self.find("#bulk-summary").text
            self.assertIn("kunnen worden toegevoegd, 0 geweigerd", summary)
            self.assertNotIn(" 0 kunnen", summary)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    import unittest
    unittest.main()
