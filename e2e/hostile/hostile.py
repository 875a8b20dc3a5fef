"""Black-box hostile stage (issue 9): drives a running `retour serve` on PostgreSQL the way an
attacker or a careless client would, and checks what they would see. Standard library only.

It owns the server process (it kills and restarts it); the database is started by
scripts/hostile.sh, which passes RETOUR_PG_STOP / RETOUR_PG_START to stop and start it.
Every failure names what a user or an attacker would have seen."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from html.parser import HTMLParser

BINARY = os.environ["RETOUR_BINARY"]
PORT = int(os.environ["RETOUR_PORT"])
DATABASE_URL = os.environ["DATABASE_URL"]
PASSWORD = "retour-demo-2026"
LOG = open(os.environ.get("RETOUR_SERVE_LOG", "/tmp/retour-hostile-serve.log"), "ab")

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


# --- the server -----------------------------------------------------------------------------

server = None


def start_server():
    global server
    server = subprocess.Popen(
        [BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(PORT)], stdout=LOG, stderr=LOG)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("retour serve did not come up")


def rss_kb():
    with open(f"/proc/{server.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# --- HTTP -------------------------------------------------------------------------------------

def request(method, path, body=None, headers=None, timeout=30):
    """Sends raw bytes, so that invalid UTF-8 and odd paths reach the server as they are."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        headers = {}
        for name, value in response.getheaders():
            name = name.lower()
            # Several cookies may be set at once: kept one per line.
            headers[name] = headers[name] + "\n" + value if name == "set-cookie" and name in headers else value
        return response.status, headers, data
    finally:
        connection.close()


def alive():
    try:
        return request("GET", "/healthz", timeout=10)[0] == 200
    except OSError:
        return False


def token(email):
    status, _, data = request("POST", "/api/v1/auth/token", json.dumps({"email": email, "password": PASSWORD}),
                              {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"cannot get a token for {email}: {status} {data[:200]!r}")
    return json.loads(data)["token"]


class Browser:
    """Cookies and the CSRF token of a signed-in browser."""

    def __init__(self):
        self.cookies = {}
        self.csrf = ""
        self.form_answer = (None, {})

    def headers(self, extra=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        headers.update(extra or {})
        return headers

    def remember(self, headers, body):
        for value in headers.get("set-cookie", "").split("\n"):
            if value:
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        match = re.search(rb'name="_csrf" value="([^"]*)"', body or b"")
        if match:
            self.csrf = match.group(1).decode()

    def get(self, path):
        status, headers, body = request("GET", path, headers=self.headers())
        self.remember(headers, body)
        return status, headers, body

    def post(self, path, fields, raw=None):
        """Sends a form and, like a browser, follows the redirect to the page that answers it; the
        form's own answer stays in `form_answer`."""
        body = raw if raw is not None else urllib.parse.urlencode(fields, encoding="utf-8", errors="surrogateescape")
        status, headers, data = request("POST", path, body, self.headers(
            {"Content-Type": "application/x-www-form-urlencoded"}))
        self.remember(headers, data)
        self.form_answer = (status, headers)
        location = headers.get("location", "")
        if status == 303 and re.search(r"[?&]answer=", location):
            return self.get(location)
        return status, headers, data

    def login(self, email):
        self.get("/login")
        status, headers, _ = self.post("/login", {"email": email, "password": PASSWORD, "next": "/search",
                                                  "_csrf": self.csrf})
        if status != 303:
            raise SystemExit(f"cannot log in {email} through the form: {status}")
        self.get(headers.get("location", "/search"))


# --- hostile values ---------------------------------------------------------------------------

NUMBERS = ["9223372036854775807", "-9223372036854775808", "-1", "0", "1e30", "NaN"]
STRINGS = ["x" * 10000, "a\x00b", "\x01\x02\x1b[31m\x7f", "\udcff\udcfe\udcc3(", "' OR 1=1 --", "<script>x</script>"]
VALUES = NUMBERS + STRINGS
JSON_WRONG_TYPES = [{}, [], True, None, 1e30, -1, 9223372036854775807, -9223372036854775808, "string", "x" * 10000]


def quote(value):
    return urllib.parse.quote(value, safe="", encoding="utf-8", errors="surrogateescape")


def judged(what, status, value):
    check(status < 500, f"{what} with {value[:40]!r}: answered {status}; a user would see a server error")


# --- 1. every operation of the OpenAPI document -----------------------------------------------

def resolve(schema, components):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = components["schemas"][schema["$ref"].split("/")[-1]]
    if isinstance(schema, dict) and "oneOf" in schema:
        # One of several bodies (a position per reason): every property any of them has.
        merged = {}
        for variant in schema["oneOf"]:
            merged.update(resolve(variant, components).get("properties", {}))
        return {"type": "object", "properties": merged}
    return schema or {}


def fuzz_api(tokens):
    status, _, data = request("GET", "/api/v1/openapi.json")
    document = json.loads(data)
    components = document.get("components", {})
    operations = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            parameters = operation.get("parameters", [])
            body_schema = resolve(
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"),
                components)
            for who, bearer in tokens.items():
                auth = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
                what = f"{method.upper()} {path} as {who}"
                for value in VALUES:
                    concrete = re.sub(r"\{[^}]+\}", quote(value), path)
                    judged(what + " (path)", request(method.upper(), concrete, "{}" if method != "get" else None,
                                                     auth)[0], value)
                    plain = re.sub(r"\{[^}]+\}", "1", path)
                    for parameter in parameters:
                        if parameter.get("in") != "query":
                            continue
                        status = request(method.upper(), f"{plain}?{parameter['name']}={quote(value)}",
                                         "{}" if method != "get" else None, auth)[0]
                        judged(f"{what} ?{parameter['name']}", status, value)
                        kind = resolve(parameter.get("schema"), components).get("type")
                        if kind == "integer" and value not in ("0", "-1"):
                            check(400 <= status < 500, f"{what} ?{parameter['name']}={value[:30]!r}: "
                                  f"answered {status}, not a 4xx naming the parameter")
                if method == "get":
                    continue
                plain = re.sub(r"\{[^}]+\}", "1", path)
                properties = list(body_schema.get("properties", {}).keys()) or ["x"]
                for wrong in JSON_WRONG_TYPES + NUMBERS + STRINGS:
                    body = json.dumps({name: wrong for name in properties}, ensure_ascii=False) \
                        if not isinstance(wrong, str) or True else None
                    status = request(method.upper(), plain, body.encode("utf-8", "surrogateescape"), auth)[0]
                    judged(what + " (body fields)", status, str(wrong))
                for raw in [b"", b"{", b"[]", b'"x"', b"1e999", b"\xff\xfe\x00{}", b'{"a":' * 5000,
                            json.dumps(["x"] * 20000).encode()]:
                    status = request(method.upper(), plain, raw, auth)[0]
                    judged(what + " (raw body)", status, repr(raw[:20]))
            check(alive(), f"after {method.upper()} {path} the server no longer answers")
    check(operations >= 20, f"only {operations} operations in the OpenAPI document")
    print(f"api: {operations} operations driven", flush=True)


def fuzz_csv(bearer):
    """The one body that is not JSON: bulk registration's CSV, hostile as a file can be."""
    auth = {"Authorization": f"Bearer {bearer}", "Content-Type": "text/csv"}
    header = b"invoice;position;reason;quantity;serials;comment\n"
    bodies = [b"", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b'"' * 100_000, b";" * 100_000, b"\n" * 100_000,
              b"a;b;c\n" * 200_000, header + b'1;1;defect;1;x;"never closed\n',
              header + b"\x00;\x00;\x00;\x00;\x00;\x00\n",
              header + b"1;99999999999999999999;defect;-1;;x\n" + b"1;1e30;defect;NaN;;x\n",
              header + ("9" * 10_000).encode() + b";1;defect;1;;x\n",
              header + b"1;1;defect;1;" + b"S " * 50_000 + b";x\n",
              header + b"1;1;defect;1;;x\n" * 1_001, header + b"x" * (3 * 1024 * 1024)]
    for body in bodies:
        for query in ("?dryRun=true", ""):
            status, _, _ = request("POST", "/api/v1/cart/bulk" + query, body, auth, timeout=60)
            judged("POST /api/v1/cart/bulk (CSV body)", status, repr(body[:30]))
    check(alive(), "after hostile CSV bodies the server no longer answers")


# Addresses as an attacker writes them: ports out of range, every way IPv6 hides IPv4, full-width
# digits, credentials, numeric forms of loopback, and sheer length. One of these, stored, used to
# crash the server at its first delivery and at every restart after (issue 20).
HOSTILE_URLS = (
    [f"http://8.8.8.8:{port}/h" for port in ["0", "65536", "99999", "-1", "1e3", "\uff18\uff10", "18446744073709551617", ""]]
    + [f"http://127.0.0.1:{port}/h" for port in ["99999", "0", "65536"]]
    + [f"http://localhost:{port}/" for port in ["99999", "65536"]]
    + [f"http://[{v6}]/h" for v6 in ["::1", "::", "::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1", "::ffff:0:7f00:1",
                                     "2002:7f00:1::", "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                                     "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "fe80::1%25eth0", "fd00::1", "100::1",
                                     "::ffff:169.254.169.254", "0:0:0:0:0:ffff:7f00:1"]]
    + ["http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://017700000001/", "http://0/",
       "http://\uff11\uff12\uff17.0.0.1/", "http://127\u30020\u30020\u30021/", "http://user:pw@8.8.8.8/",
       "http://8.8.8.8@127.0.0.1/", "http://127.0.0.1#@8.8.8.8/", "http://[::1]:99999/", "http://[::1/",
       "https://" + "a" * 10_000 + ".com/", "http://8.8.8.8/" + "x" * 10_000, "http:///x", "//8.8.8.8/",
       "javascript:alert(1)", "http://\u202e8.8.8.8/", "http://8.8.8.8\t/", "http://8.8.8.8\n/", ""])


def fuzz_urls(tokens):
    """Every route that takes an address, with hostile addresses: refused whole (422), never stored,
    never a crash; and a worker round afterwards finds nothing that takes it down."""
    for who in ("reseller", "admin"):
        auth = {"Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json"}
        for url in HOSTILE_URLS:
            body = json.dumps({"url": url, "events": ["request.created"]}, ensure_ascii=False)
            status, _, data = request("POST", "/api/v1/webhooks", body, auth)
            check(status == 422, f"POST /api/v1/webhooks as {who} with url {url[:50]!r}: answered {status}, "
                  f"not 422 ({data[:120]!r})")
    count = psql("SELECT COUNT(*) FROM webhooks")
    check(count == "0", f"{count} hostile webhook addresses were stored")
    for url in HOSTILE_URLS[:12]:
        for path in (f"/login?next={quote(url)}", f"/lang/en?next={quote(url)}"):
            status, headers, _ = request("GET", path)
            location = headers.get("location", "")
            check(status < 500 and not location.startswith(("http", "//")),
                  f"{path[:60]} answered {status}, sending the browser to {location[:60]!r}")
    worker = subprocess.run([BINARY, "worker", "--once"], stdout=LOG, stderr=LOG, timeout=120)
    check(worker.returncode == 0, f"retour worker --once ended with {worker.returncode} after the hostile addresses")
    check(alive(), "after hostile addresses the server no longer answers")
    print(f"urls: {len(HOSTILE_URLS)} hostile addresses refused", flush=True)


# --- 2. every HTML form ---------------------------------------------------------------------

class Forms(HTMLParser):
    """The page's POST forms with their fields: a field belongs to the form it is in, or to the one
    its `form` attribute names (a form may come after its fields, as on the rules page)."""
    def __init__(self):
        super().__init__()
        self.forms = []
        self.links = []
        self.by_id = {}
        self.open = None

    def form_named(self, form_id):
        if form_id not in self.by_id:
            self.by_id[form_id] = {"action": "", "fields": [], "post": False}
        return self.by_id[form_id]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            form = self.form_named(attrs["id"]) if attrs.get("id") else {"fields": []}
            form["action"] = attrs.get("action") or ""
            form["post"] = (attrs.get("method") or "get").lower() == "post"
            if form["post"]:
                self.forms.append(form)
            self.open = form
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            form = self.form_named(attrs["form"]) if attrs.get("form") else self.open
            if form is not None and attrs.get("type") not in ("submit", "file"):
                form["fields"].append(attrs["name"])
        elif tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = None


DANGEROUS = ("/logout", "/disable", "/enable", "/reset", "/delete")


def fuzz_pages(browser, templates):
    """GET pages with a hostile value in their path or query (`{}` marks where)."""
    for template in templates:
        for value in VALUES:
            judged(f"GET {template}", browser.get(template.replace("{}", quote(value)))[0], value)
        check(alive(), f"after GET {template} the server no longer answers")


def fuzz_forms(browser, pages):
    seen = set()
    forms_driven = 0
    for page in pages:
        status, _, body = browser.get(page)
        check(status < 500, f"GET {page}: {status}")
        parser = Forms()
        parser.feed(body.decode("utf-8", "replace"))
        for form in parser.forms:
            action = form["action"] or page
            key = (re.sub(r"\d+", "N", action), tuple(sorted(form["fields"])))
            if key in seen or any(word in action for word in DANGEROUS):
                continue
            seen.add(key)
            forms_driven += 1
            for value in VALUES:
                fields = {name: value for name in form["fields"] if name != "_csrf"}
                fields["_csrf"] = browser.csrf
                status = browser.post(action, fields)[0]
                judged(f"form {action} ({page})", status, value)
                answered, answer_headers = browser.form_answer
                check(answered == 429 or not answer_headers.get("content-type", "").startswith("text/html"),
                      f"form {action} with {value[:30]!r} answered with a page ({answered}), not a redirect to it: "
                      "Back or Reload would offer to send it again")
                # A form with fields of its own must refuse nonsense in them; one that is only a
                # button (resend, extend) has nothing to refuse.
                inputs = [name for name in form["fields"] if name != "_csrf"]
                check(status != 200 or not inputs,
                      f"form {action} accepted {value[:30]!r} in {inputs} as if it were valid (200)")
            raw = b"_csrf=" + browser.csrf.encode() + b"&" + b"&".join(
                name.encode() + b"=%FF%FE%00" for name in form["fields"] if name != "_csrf")
            judged(f"form {action} (invalid UTF-8)", browser.post(action, {}, raw=raw)[0], "%FF%FE%00")
            check(alive(), f"after form {action} the server no longer answers")
    print(f"forms: {forms_driven} forms driven", flush=True)
    return forms_driven


# --- 3. bodies, redirects, headers ----------------------------------------------------------

def big_anonymous_post(path, megabytes=100):
    """Sends up to `megabytes` of multipart to `path` without being asked to; returns the status
    the server answered and how many bytes it took before answering."""
    boundary = "hostileboundary"
    total = megabytes * 1024 * 1024
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {total}\r\n\r\n").encode()
    sock.sendall(head)
    chunk = b"A" * 65536
    sent = 0
    status = None
    sock.settimeout(0.001)
    try:
        while sent < total:
            try:
                answer = sock.recv(4096)
                if answer:
                    status = int(answer.split(b" ")[1])
                    break
            except (socket.timeout, BlockingIOError):
                pass
            try:
                sock.settimeout(5)
                sock.sendall(chunk)
                sock.settimeout(0.001)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        if status is None:
            sock.settimeout(10)
            try:
                answer = sock.recv(4096)
                status = int(answer.split(b" ")[1]) if answer else None
            except (OSError, IndexError, ValueError):
                pass
    finally:
        sock.close()
    return status, sent


def bodies_and_doors():
    before = rss_kb()
    for path in ["/login", "/api/v1/auth/token", "/api/v1/import", "/m/not-a-valid-link", "/api/v1/attachments"]:
        status, sent = big_anonymous_post(path)
        check(status in (401, 403, 404, 413), f"anonymous 100 MB POST {path}: answered {status}")
        check(alive(), f"after an anonymous 100 MB POST to {path} the server no longer answers")
    grown = rss_kb() - before
    check(grown < 10 * 1024, f"anonymous 100 MB POSTs grew the server by {grown} KB (limit 10 MB)")
    # A part header name with bytes above 127 once crashed the process inside the multipart parser.
    evil = b"--b\r\n\xc2\xbf\xc3\xba: x\r\n\r\nbody\r\n--b--\r\n"
    for path in ["/login", "/m/not-a-valid-link", "/api/v1/attachments", "/api/v1/cart/positions"]:
        status = request("POST", path, evil, {"Content-Type": "multipart/form-data; boundary=b"})[0]
        check(status < 500, f"a multipart header name outside ASCII to {path}: answered {status}")
        check(alive(), f"after a multipart header name outside ASCII to {path} the server no longer answers")
    print(f"bodies: server grew by {grown} KB over five anonymous 100 MB posts", flush=True)

    for target in ["/%09/evil.example", "/\t/x", "//x", "/\\x", "%2F%2Fx", "/%2F/x", "https:x", "/%5C/evil"]:
        status, headers, _ = request("GET", "/lang/en?next=" + quote(target))
        location = headers.get("location", "")
        check(status == 400 or (status in (302, 303) and location == "/"),
              f"/lang/en?next={target!r} sent the browser to {location!r} ({status}), off this site")

    status, headers, _ = request("GET", "/login")
    expected = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    check(headers.get("content-security-policy") == expected, f"/login CSP is {headers.get('content-security-policy')!r}")
    for name, value in [("referrer-policy", "same-origin"), ("x-content-type-options", "nosniff")]:
        check(headers.get(name) == value, f"/login {name} is {headers.get(name)!r}")
    check("permissions-policy" in headers, "/login has no Permissions-Policy")
    check("retour_session" not in headers.get("set-cookie", ""), "looking at /login created a session")


# --- 4. the database goes away and comes back --------------------------------------------

def database_down(jan_token, browser):
    stop, start = os.environ["RETOUR_PG_STOP"], os.environ["RETOUR_PG_START"]
    results = []
    running = threading.Event()
    running.set()

    def load():
        while running.is_set():
            try:
                results.append(request("GET", "/api/v1/requests", headers={"Authorization": f"Bearer {jan_token}"},
                                       timeout=30)[0])
            except OSError:
                results.append("connection")
            time.sleep(0.02)

    workers = [threading.Thread(target=load) for _ in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(1)
    subprocess.run(stop, shell=True, check=True)
    time.sleep(2)
    status, headers, body = request("GET", "/api/v1/requests", headers={"Authorization": f"Bearer {jan_token}"})
    check(status == 503 and "retry-after" in headers,
          f"API while the database is down: {status} {headers.get('retry-after')!r}; expected 503 with Retry-After")
    check(headers.get("content-type", "").startswith("application/problem+json"), "API 503 is not problem+json")
    status, headers, body = request("GET", "/status", headers=browser.headers())
    check(status == 503 and "retry-after" in headers and b"<" in body,
          f"page while the database is down: {status}; expected a plain 503 page with Retry-After")
    check(request("GET", "/healthz")[0] == 200, "/healthz failed while only the database was down")
    check(request("GET", "/readyz")[0] == 503, "/readyz said ready while the database was down")
    subprocess.run(start, shell=True, check=True)
    deadline = time.time() + 30
    while time.time() < deadline and request("GET", "/readyz")[0] != 200:
        time.sleep(0.5)
    time.sleep(1)
    running.clear()
    for worker in workers:
        worker.join()
    check(request("GET", "/readyz")[0] == 200, "Retour did not recover by itself after the database came back")
    status = request("GET", "/api/v1/requests", headers={"Authorization": f"Bearer {jan_token}"})[0]
    check(status == 200, f"after the database came back the API answers {status}")
    errors = [s for s in results if s not in (200, 503)]
    check(not errors, f"under load while the database restarted, answers other than 200/503: {sorted(set(map(str, errors)))}")
    print(f"database down: {len(results)} requests under load, {results.count(503)} answered 503", flush=True)


# --- 5. kill -9 during a burst of submissions -------------------------------------------

def psql(query):
    return subprocess.run(["psql", DATABASE_URL, "-At", "-c", query], check=True, capture_output=True,
                          text=True).stdout.strip()


# Reasons whose form needs no photo: what each needs besides a quantity of 1.
SIMPLE_FORMS = {"missing_accessories": {"comment": "hostile"},
                "product_complaint": {"condition": "opened", "comment": "hostile"}}


def registrable(bearer):
    """(line, reason) pairs a reseller may register with a quantity of 1 and a comment."""
    auth = {"Authorization": f"Bearer {bearer}"}
    status, _, data = request("GET", "/api/v1/lines?period=2m&per=200", headers=auth)
    pairs = []
    for document in json.loads(data)["documents"]:
        for line in document["lines"]:
            if line["claimableQuantity"] < 1:
                continue
            _, _, reasons = request("GET", f"/api/v1/lines/{line['id']}/reasons", headers=auth)
            for reason in json.loads(reasons)["reasons"]:
                if reason["enabled"] and reason["id"] in SIMPLE_FORMS:
                    pairs.append((line["id"], reason["id"]))
    return pairs


def waiting_approval():
    """Netwerk Direct asks for approval of every submission and a sub-login's submission waits,
    so that the approval page has its decision form; returns the purchasing department's browser."""
    netwerk = Browser()
    netwerk.login("inkoop@netwerkdirect.be")
    netwerk.get("/users")
    sub = "hostile-sub@netwerkdirect.be"
    status = netwerk.post("/users", {"name": "Hostile Sub", "email": sub, "password": PASSWORD,
                                     "role": "reseller_user", "_csrf": netwerk.csrf})[0]
    check(status == 200, f"the sub-login for the approval forms was refused: {status}")
    bearer = token(sub)
    status = netwerk.post("/users/approval", {"submitApproval": "always", "_csrf": netwerk.csrf})[0]
    check(status == 200, f"the approval rule was refused: {status}")
    line, reason = registrable(bearer)[0]
    auth = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
    body = {"line": line, "reason": reason, "quantity": 1, "fields": SIMPLE_FORMS[reason]}
    status, _, data = request("POST", "/api/v1/cart/positions", json.dumps(body), auth)
    check(status == 201, f"the sub-login's position was refused: {status} {data[:200]!r}")
    status, _, data = request("POST", "/api/v1/cart/submit", "{}", auth)
    check(status == 202, f"the sub-login's submission did not wait for approval: {status} {data[:200]!r}")
    return netwerk


def kill_during_burst(tokens):
    answered = []
    lock = threading.Lock()
    stop = threading.Event()

    def reseller(email, bearer, pairs):
        auth = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        index = 0
        while not stop.is_set() and index < len(pairs) * 20:
            line, reason = pairs[index % len(pairs)]
            index += 1
            try:
                body = {"line": line, "reason": reason, "quantity": 1, "fields": SIMPLE_FORMS[reason]}
                if request("POST", "/api/v1/cart/positions", json.dumps(body), auth, timeout=10)[0] != 201:
                    continue
                key = f"burst-{email}-{index}"
                status, _, data = request("POST", "/api/v1/cart/submit", "{}",
                                          dict(auth, **{"Idempotency-Key": key}), timeout=10)
                if status == 201:
                    with lock:
                        answered.extend((email, r["number"]) for r in json.loads(data)["requests"])
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                pass

    threads = []
    for email, bearer in tokens.items():
        pairs = registrable(bearer)
        if pairs:
            threads.append(threading.Thread(target=reseller, args=(email, bearer, pairs)))
    check(threads, "no reseller had a line to register for the kill -9 test")
    for thread in threads:
        thread.start()
    time.sleep(3)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    start_server()
    check(len(answered) > 0, "no submission was answered 201 before the kill")
    for email, number in answered:
        status = request("GET", f"/api/v1/requests/{number}", headers={"Authorization": f"Bearer {tokens[email]}"})[0]
        check(status == 200, f"request {number} was answered 201 to {email} but is gone after kill -9 ({status})")
    orphans = {
        "events without a request": "SELECT COUNT(*) FROM request_events e LEFT JOIN requests r ON r.id = e.request_id "
                                    "WHERE r.id IS NULL",
        "claimed serials without a request": "SELECT COUNT(*) FROM claimed_serials c LEFT JOIN requests r "
                                             "ON r.id = c.request_id WHERE r.id IS NULL",
        "requests without their submission event": "SELECT COUNT(*) FROM requests r WHERE NOT EXISTS "
                                                   "(SELECT 1 FROM request_events e WHERE e.request_id = r.id)",
        "lines claimed beyond their quantity": "SELECT COUNT(*) FROM invoice_lines l WHERE l.quantity < "
                                               "(SELECT COALESCE(SUM(r.quantity), 0) FROM requests r WHERE "
                                               "r.line_id = l.id AND r.status <> 'rejected' AND r.reason NOT IN "
                                               "('wrong_invoicing', 'missing_accessories', 'too_much_delivered'))",
    }
    for what, query in orphans.items():
        count = psql(query)
        check(count == "0", f"after kill -9: {count} {what}")
    print(f"kill -9: {len(answered)} answered submissions all kept", flush=True)


def main():
    start_server()
    # Every login first: the hostile part fails logins from this address on purpose.
    resellers = {email: token(email) for email in
                 ["jan@pcpartner.nl", "inkoop@bytewise.nl", "inkoop@netwerkdirect.be"]}
    tokens = {"reseller": resellers["jan@pcpartner.nl"], "admin": token("admin@retour.example"),
              "agent": token("rma@retour.example")}
    jan, admin = Browser(), Browser()
    jan.login("jan@pcpartner.nl")
    admin.login("admin@retour.example")
    netwerk = waiting_approval()

    bodies_and_doors()
    fuzz_api(tokens)
    fuzz_csv(tokens["reseller"])
    fuzz_urls(tokens)
    _, _, data = request("GET", "/api/v1/lines?period=2m&per=5", headers={"Authorization": f"Bearer {tokens['reseller']}"})
    line = json.loads(data)["documents"][0]["lines"][0]["id"]
    # One submitted request and one position left in the cart, so that their forms exist too.
    auth = {"Authorization": f"Bearer {tokens['reseller']}", "Content-Type": "application/json"}
    pairs = registrable(tokens["reseller"])
    first_line, first_reason = pairs[0]
    # The position left in the cart ships goods back, so that its return-address form exists.
    second_line, second_reason = next((p for p in pairs[1:] if p[1] == "product_complaint"), pairs[1])
    body = {"line": first_line, "reason": first_reason, "quantity": 1, "fields": SIMPLE_FORMS[first_reason]}
    status, _, data = request("POST", "/api/v1/cart/positions", json.dumps(body), auth)
    check(status == 201, f"a valid position was refused after the hostile inputs: {status} {data[:300]!r}")
    status, _, data = request("POST", "/api/v1/cart/submit", "{}", auth)
    check(status == 201, f"a valid submission was refused after the hostile inputs: {status} {data[:300]!r}")
    number = json.loads(data)["requests"][0]["number"]
    body = {"line": second_line, "reason": second_reason, "quantity": 1, "fields": SIMPLE_FORMS[second_reason]}
    _, _, data = request("POST", "/api/v1/cart/positions", json.dumps(body), auth)
    position = json.loads(data)["id"]
    jan_pages = ["/search", "/cart", "/status", "/archive", "/users", "/integrations", "/approvals",
                 f"/requests/{number}",
                 f"/cart/positions/{position}/address", f"/register/{second_line}?edit={position}"] + [
        f"/register/{line}?reason={reason}" for reason in
        ["defect", "commercial_return", "wrong_delivery", "too_much_delivered", "transport_damage", "license_return"]]
    fuzz_pages(jan, [f"/register/{second_line}/material?code={{}}", "/requests/{}/confirmation",
                     f"/requests/{number}/confirmation", f"/cart/positions/{position}/added?updated={{}}",
                     f"/cart/positions/{position}/address?updated={{}}", "/m/{}?lang={}",
                     "/approvals?page={}", "/integrations/webhooks/{}", "/login/oidc/callback?state={}&code={}"])
    check(b'id="address-form"' in jan.get(f"/cart/positions/{position}/address")[2],
          "the position left in the cart has no return-address form to drive")
    forms = fuzz_forms(jan, jan_pages)
    fuzz_pages(admin, ["/backoffice/stats?from={}&to=", "/backoffice/stats?to={}", "/backoffice/stats.csv?from={}",
                       "/admin/webhooks?page={}", "/backoffice/recovery?from={}&to={}",
                       "/backoffice/recovery.csv?to={}", "/backoffice/vendor-claims?state={}&page={}",
                       "/backoffice/vendor-claims/{}", "/backoffice/vendor-claims/{}/packet.zip",
                       "/admin/companies?q={}&page={}", "/admin/companies/{}", "/admin/exclusions?page={}&saved={}"])
    # The demo's claims (a settled, a partly paid and an open one) and a request received for one.
    claims = json.loads(request("GET", "/api/v1/vendor-claims?per=10", None,
                                {"Authorization": f"Bearer {tokens['admin']}"})[2])["claims"]
    check(len(claims) == 3, f"the demo's vendor claims are missing: {claims!r}")
    forms += fuzz_forms(admin, ["/backoffice", "/admin/policies", "/admin/mails", "/admin/webhooks",
                                "/admin/exclusions", "/admin/distributor", "/admin/companies",
                                f"/requests/{number}", "/login"]
                        + [f"/backoffice/vendor-claims/{c['number']}" for c in claims]
                        + [f"/requests/{c['units'][0]['request']}" for c in claims if c["units"]])
    # A manufacturer's return terms on the admin page (the demo's Logitech has them).
    _, _, policies = admin.get("/admin/policies")
    terms = re.findall(rb'href="(/admin/brands/[0-9]+/vendor-returns)"', policies)
    check(bool(terms), "the rules page links no brand's return terms")
    forms += fuzz_forms(admin, [t.decode() for t in terms[:2]])
    fuzz_pages(admin, ["/admin/brands/{}/vendor-returns"])
    # The account pages of a login no other part of this stage uses (ending its other sessions and
    # tokens is one of the forms); the forgotten-password form as anyone may send it.
    piet = Browser()
    piet.login("piet@pcpartner.nl")
    forms += fuzz_forms(piet, ["/account", "/password/forgot"])
    forms += fuzz_forms(netwerk, ["/approvals"])
    status, _, approvals = netwerk.get("/approvals")
    check(b'action="/approvals/' in approvals, "the submission no longer waits after the hostile decisions")
    # Netwerk Direct submits without approval again: the burst below counts answered submissions.
    netwerk.get("/users")
    check(netwerk.post("/users/approval", {"submitApproval": "none", "_csrf": netwerk.csrf})[0] == 200,
          "the approval rule could not be switched off")
    check(forms >= 8, f"only {forms} HTML forms were driven")
    check(alive(), "the server no longer answers after the hostile inputs")

    database_down(tokens["reseller"], jan)
    kill_during_burst(resellers)
    server.terminate()
    server.wait()
    print(f"hostile stage: {checks} checks, {len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
