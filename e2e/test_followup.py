"""A commercial return from submission to credit note, status change, PDF and archive."""
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.request

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import BASE, PASSWORD, BrowserTest, chromium


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True).stdout.decode()


def login(driver, base, email):
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url)


class CommercialReturnToArchive(BrowserTest):
    def download(self, path):
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(BASE + path, headers={"Cookie": cookies})
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            return response.read()

    def status_becomes(self, driver, status):
        def shows(d):
            try:
                return d.find_element(By.ID, "request-status").get_attribute("data-status") == status
            except WebDriverException:
                return False
        WebDriverWait(driver, 10).until(shows)

    def test_submit_receive_credit_archive(self):
        self.login("jan@pcpartner.nl")
        self.open("/search?numberType=invoice&number=0962350553")
        line = self.find("tbody.line").get_attribute("id").split("-", 1)[1]
        self.open(f"/register/{line}?reason=commercial_return")
        self.find("input[name='f[sealedDeclaration]']").click()
        self.find("input[name='serials[]'][value='S4EVNM0R820841']").click()
        self.find("input[name='serials[]'][value='S4EVNM0R820843']").click()
        self.find("#add-position").click()
        self.wait.until(EC.url_contains("/address"))
        self.find("#address-submit").click()
        self.wait.until(EC.url_contains("/added"))
        self.open("/cart")
        self.find("#submit-cart").click()
        number = self.find("section.confirmation h2").text.split(" ")[0]
        self.assertTrue(number.startswith("RET-"), number)

        agent = chromium()
        try:
            login(agent, BASE, "rma@retour.example")
            # Goods on their way are not yet the agent's work: listed under all open requests.
            agent.get(BASE + f"/backoffice?status=open&number={number}")
            self.assertIn(number, agent.find_element(By.TAG_NAME, "main").text)
            agent.get(BASE + f"/requests/{number}")
            agent.find_element(By.ID, "receive").click()
            self.status_becomes(agent, "received")
            self.assertEqual(agent.find_element(By.ID, "credit-amount").get_attribute("value"), "98,91")
            agent.find_element(By.ID, "credit").click()
            self.status_becomes(agent, "credited")

            # The reseller sees the change and downloads the credit note.
            self.open("/status")
            row = self.find(f"tr[id='request-{number}']")
            self.assertIn("Gecrediteerd", row.text)
            self.open(f"/requests/{number}")
            link = self.find("#credit-note")
            credit_number = link.text.split(" ")[0]
            self.assertTrue(credit_number.startswith("CN"), credit_number)
            text = pdf_text(self.download(f"/requests/{number}/credit-note.pdf"))
            self.assertIn(credit_number, text)
            self.assertIn("98,91 EUR", text)
            self.assertIn("10,99 EUR", text)

            agent.get(BASE + f"/requests/{number}")
            agent.find_element(By.ID, "close").click()
            # Closing cannot be undone: the page asks first.
            WebDriverWait(agent, 10).until(EC.alert_is_present()).accept()
            self.status_becomes(agent, "closed")
        finally:
            agent.quit()

        # After the archive period: a copy of the database seen by a server 31 days ahead (one
        # SQLite file serves one `retour serve`).
        port = free_port()
        copy = os.path.join(tempfile.mkdtemp(), "later.sqlite")
        with sqlite3.connect(os.environ["RETOUR_SQLITE"]) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        env = dict(os.environ, RETOUR_CLOCK_OFFSET_DAYS="31", RETOUR_SQLITE=copy)
        server = subprocess.Popen(
            [os.environ["RETOUR_BINARY"], "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            later = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(later + "/login", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            future = chromium()
            try:
                login(future, later, "jan@pcpartner.nl")
                future.get(later + "/archive")
                self.assertIn(number, future.find_element(By.TAG_NAME, "main").text)
                future.get(later + "/status")
                self.assertNotIn(number, future.find_element(By.TAG_NAME, "main").text)
            finally:
                future.quit()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()
