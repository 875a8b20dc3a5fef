"""Headless Chromium for the browser tests, with a few helpers."""
import json
import os
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("RETOUR_URL", "http://127.0.0.1:8080")
PASSWORD = "retour-demo-2026"


def api(method, path, token=None, body=None):
    """The JSON API, as the ERP or a script would call it; HTTP errors raise urllib.error.HTTPError."""
    request = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def reason_count():
    """How many reasons the table holds, read from the OpenAPI document's enum of reason ids, so that
    a test counts the catalogue rather than a number it remembers."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            values = node.get("enum")
            if isinstance(values, list) and "commercial_return" in values:
                found.append({value for value in values if value is not None})
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(api("GET", "/api/v1/openapi.json"))
    assert found, "the document lists the reasons"
    return max(len(values) for values in found)


def token(email):
    return api("POST", "/api/v1/auth/token", body={"email": email, "password": PASSWORD})["token"]


def chromium(width=1280, height=900):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class BrowserTest(unittest.TestCase):
    width, height = 1280, 900

    def setUp(self):
        self.driver = chromium(self.width, self.height)
        self.wait = WebDriverWait(self.driver, 10)

    def tearDown(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(BASE + path)

    def left(self, element):
        """Waits until `element`'s page has been replaced (any error reaching it means it has)."""
        def gone(_):
            try:
                element.is_enabled()
                return False
            except WebDriverException:
                return True
        self.wait.until(gone)

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def login(self, email):
        self.open("/login")
        self.find("#email").send_keys(email)
        self.find("#password").send_keys(PASSWORD)
        self.find("#login-submit").click()
        self.wait.until(lambda d: "/login" not in d.current_url)
