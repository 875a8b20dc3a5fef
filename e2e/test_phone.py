"""Issue 11, item 12: on a phone (390 × 844) the search results, the status overview, the cart and
a request page have no element wider than the screen and no cells printed over each other."""

from selenium.webdriver.common.by import By

from browser import BrowserTest, api, token

WIDER_THAN_THE_SCREEN = """
const width = document.documentElement.clientWidth;
return Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ends at ${Math.round(e.getBoundingClientRect().right)}`);
"""

OVERLAPPING_CELLS = """
const overlaps = [];
document.querySelectorAll('tr').forEach(row => {
  const cells = Array.from(row.children).filter(c => c.getClientRects().length).map(c => [c, c.getBoundingClientRect()]);
  for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) {
    const [a, ra] = cells[i], [b, rb] = cells[j];
    const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (x > 1 && y > 1) overlaps.push(`${row.id}: ${a.textContent.trim().slice(0, 20)} / ${b.textContent.trim().slice(0, 20)}`);
  }
});
return overlaps;
"""




class OnAPhone(BrowserTest):
    def setUp(self):
        super().setUp()
        # Headless Chromium keeps windows at least 500 px wide: emulate the phone's screen instead.
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})

    def test_the_main_pages_fit_a_phone(self):
        bearer = token("inkoop@bytewise.nl")
        document = api("GET", "/api/v1/lines?period=2m&per=5", bearer)["documents"][0]
        line = document["lines"][0]["id"]
        api("POST", "/api/v1/cart/positions", bearer, {
            "line": line, "reason": "wrong_invoicing",
            "fields": {"subReason": "other", "comment": "Een lange toelichting over wat er op de factuur niet klopt"}})
        number = api("POST", "/api/v1/cart/submit", bearer, {})["requests"][0]["number"]
        api("POST", "/api/v1/cart/positions", bearer, {
            "line": line, "reason": "wrong_invoicing",
            "fields": {"subReason": "costs", "comment": "Nog een positie, in de winkelwagen"}})

        self.login("inkoop@bytewise.nl")
        for path in [f"/search?numberType=invoice&number={document['number']}", "/status", "/cart",
                     f"/requests/{number}", "/"]:
            self.open(path)
            self.find("main")
            if path.startswith("/search"):
                self.find("tr.summary").click()
                self.find("tr.details:not([hidden]) .reasons li.reason")
            self.assertEqual(self.driver.execute_script(WIDER_THAN_THE_SCREEN), [], f"{path} is wider than a phone")
            self.assertEqual(self.driver.execute_script(OVERLAPPING_CELLS), [], f"{path} prints cells over each other")
