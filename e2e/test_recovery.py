"""Vendor recovery in the browser: a defective webcam received and marked for Logitech on the
request page, its claim's evidence packet downloaded, the claim sent and paid in part."""
import datetime
import io
import urllib.request
import zipfile

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from browser import BASE, BrowserTest, api, token

INVOICE = "E2E-RECOVERY-1"
SERIAL = "E2E-LOGI-0001"


class DefectBackToItsVendor(BrowserTest):
    def download(self, path, kind):
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(BASE + path, headers={"Cookie": cookies})
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.headers["Content-Type"], kind)
            return response.read()

    def shows(self, element_id, status):
        """Waits until the page (after a form's reload) shows `status` on `element_id`."""
        def check(driver):
            try:
                return driver.find_element("id", element_id).get_attribute("data-status") == status
            except WebDriverException:
                return False
        self.wait.until(check)

    def submitted_defect(self):
        """The ERP invoices Netwerk Direct a webcam; its reseller reports it defective."""
        admin = token("admin@retour.example")
        day = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
        api("POST", "/api/v1/import", admin, {"invoices": [{
            "number": INVOICE, "company": "100400", "date": day, "currency": "EUR",
            "lines": [{"position": 100, "article": "1948782", "quantity": 1, "unitPrice": "71.50",
                       "serials": [SERIAL]}]}]})
        reseller = token("inkoop@netwerkdirect.be")
        line = api("GET", f"/api/v1/lines?numberType=invoice&number={INVOICE}", reseller)["documents"][0]["lines"][0]
        api("POST", "/api/v1/cart/positions", reseller, {
            "line": line["id"], "reason": "defect", "serials": [SERIAL],
            "fields": {"fault": "no_response", "description": "Camera geeft geen beeld meer"}})
        return api("POST", "/api/v1/cart/submit", reseller, {})["requests"][0]["number"]

    def test_disposition_at_receipt_packet_send_and_partial_credit(self):
        number = self.submitted_defect()
        self.login("rma@retour.example")
        self.open(f"/requests/{number}")
        # Before the goods arrive the agent sees what Logitech would pay back.
        self.assertIn("LOGITECH neemt artikelen terug", self.find("#recovery-verdict").text)
        self.find("#receive").click()
        self.wait.until(EC.presence_of_element_located(("css selector", "#disposition-form")))
        row = self.find(f"#disposition-units tr[data-serial='{SERIAL}']")
        disposition = Select(row.find_element("css selector", "select[name='disposition.0']"))
        self.assertEqual(disposition.first_selected_option.get_attribute("value"), "return_to_vendor",
                         "a defect of a brand that takes returns goes back to it")
        Select(row.find_element("css selector", "select[name='grade.0']")).select_by_value("defective")
        row.find_element("css selector", "input[name='note.0']").send_keys("Geen beeld, lens intact")
        self.find("#save-disposition").click()
        link = self.find(f"#disposition-units tr[data-serial='{SERIAL}'] a")
        claim = link.text
        self.assertTrue(claim.startswith("VC-"), claim)
        self.find("#credit").click()
        self.shows("request-status", "credited")

        self.open(f"/backoffice/vendor-claims/{claim}")
        packet = zipfile.ZipFile(io.BytesIO(self.download(f"/backoffice/vendor-claims/{claim}/packet.zip",
                                                          "application/zip")))
        names = packet.namelist()
        self.assertIn(f"{claim}-packing-list.pdf", names)
        unit = [n for n in names if n.endswith("unit.txt") and SERIAL in n]
        self.assertTrue(unit, names)
        self.assertIn("Camera geeft geen beeld meer", packet.read(unit[0]).decode())

        self.find("#vendor-rma").send_keys("LOGI-E2E-77")
        self.find("#send-claim").click()
        self.shows("claim-status", "sent")
        self.find("#vendor-credit-amount").send_keys("20,00")
        self.find("#vendor-credit-reference").send_keys("LOGI-CN-1")
        self.find("#record-vendor-credit").click()
        self.shows("claim-status", "partially_credited")
        self.assertIn("20,00", self.find("#claim-received").text)
        self.assertIn("LOGI-CN-1", self.find("#claim-credits").text)

        self.open("/backoffice/recovery")
        self.assertTrue(self.find("#recovery-brands tr[data-brand='LOGITECH']"))
        self.assertIn(claim, self.find("#recovery-oldest").text)
