"""The cluster stage (issue 12): three `retour serve` processes behind nginx on one PostgreSQL,
started by scripts/cluster.sh. Checks that the processes share what a user relies on — sessions,
tokens, login throttling, idempotency answers and attachments (each process has its own files
folder, as separate hosts would) — and kills one process under load: only requests in flight on it
fail, and each of those succeeds when retried. Standard library only."""

import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse

FRONT = urllib.parse.urlsplit(os.environ["RETOUR_CLUSTER_URL"])
PORTS = [int(p) for p in os.environ["RETOUR_CLUSTER_PORTS"].split()]
PIDS = [int(p) for p in os.environ["RETOUR_CLUSTER_PIDS"].split()]
PASSWORD = "retour-demo-2026"

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


def request(method, path, body=None, headers=None, port=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port or FRONT.port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
    finally:
        connection.close()


def token(email, port=None):
    status, _, data = request("POST", "/api/v1/auth/token", json.dumps({"email": email, "password": PASSWORD}),
                              {"Content-Type": "application/json"}, port=port)
    if status != 200:
        raise SystemExit(f"cannot get a token for {email}: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def bearer(value, extra=None):
    headers = {"Authorization": f"Bearer {value}", "Content-Type": "application/json"}
    headers.update(extra or {})
    return headers


SIMPLE_FORMS = {"missing_accessories": {"comment": "cluster"},
                "product_complaint": {"condition": "opened", "comment": "cluster"}}


def registrable(value):
    """(line, reason) pairs a reseller may register with a quantity of 1 and a comment."""
    _, _, data = request("GET", "/api/v1/lines?period=2m&per=200", headers=bearer(value))
    pairs = []
    for document in json.loads(data)["documents"]:
        for line in document["lines"]:
            if line["claimableQuantity"] < 1:
                continue
            _, _, reasons = request("GET", f"/api/v1/lines/{line['id']}/reasons", headers=bearer(value))
            for reason in json.loads(reasons)["reasons"]:
                if reason["enabled"] and reason["id"] in SIMPLE_FORMS:
                    pairs.append((line["id"], reason["id"]))
    return pairs


def add_position(value, line, reason, port=None):
    body = {"line": line, "reason": reason, "quantity": 1, "fields": SIMPLE_FORMS[reason]}
    return request("POST", "/api/v1/cart/positions", json.dumps(body), bearer(value), port=port, timeout=10)


# --- what the processes share ---------------------------------------------------------------

def shared_sessions():
    first, second, third = PORTS[:3]
    value = token("jan@pcpartner.nl", port=first)
    for port in (second, third):
        status = request("GET", "/api/v1/requests", headers=bearer(value), port=port)[0]
        check(status == 200, f"a token from one process was refused by another ({status})")
    # A browser session: signed in on one process, at home on the others.
    status, headers, body = request("GET", "/login", port=first)
    cookies = {}
    for name, value_ in headers.items():
        if name == "set-cookie":
            cookies[value_.split("=")[0]] = value_.split("=", 1)[1].split(";")[0]
    csrf = re.search(rb'name="_csrf" value="([^"]*)"', body).group(1).decode()
    form = urllib.parse.urlencode({"_csrf": csrf, "email": "jan@pcpartner.nl", "password": PASSWORD})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", first, timeout=30)
    connection.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    for name, value_ in response.getheaders():
        if name.lower() == "set-cookie":
            cookies[value_.split("=")[0]] = value_.split("=", 1)[1].split(";")[0]
    connection.close()
    check(response.status in (302, 303), f"signing in was answered {response.status}")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    for port in (second, third):
        status, _, page = request("GET", "/status", headers={"Cookie": cookie}, port=port)
        check(status == 200 and b"Jan de Vries" in page,
              f"a browser signed in on one process was not signed in on another ({status})")


def shared_throttling():
    # Wrong passwords for one account spread over the processes: the limit counts them all.
    answers = []
    for attempt in range(7):
        port = PORTS[attempt % len(PORTS)]
        status, _, _ = request("POST", "/api/v1/auth/token",
                               json.dumps({"email": "piet@pcpartner.nl", "password": "wrong"}),
                               {"Content-Type": "application/json"}, port=port)
        answers.append(status)
    check(429 in answers[5:], f"failed logins spread over the processes were not throttled: {answers}")


def shared_idempotency_and_files():
    value = token("inkoop@bytewise.nl")
    pairs = registrable(value)
    check(bool(pairs), "no registrable line for the idempotency check")
    if not pairs:
        return
    line, reason = pairs[0]
    status, _, data = add_position(value, line, reason, port=PORTS[0])
    check(status == 201, f"adding a position was answered {status}: {data[:200]!r}")
    key = {"Idempotency-Key": "cluster-shared-key"}
    first = request("POST", "/api/v1/cart/submit", "{}", bearer(value, key), port=PORTS[0])
    again = request("POST", "/api/v1/cart/submit", "{}", bearer(value, key), port=PORTS[1])
    check(first[0] == 201, f"a submission was answered {first[0]}: {first[2][:200]!r}")
    check(again[0] == first[0] and json.loads(again[2]) == json.loads(first[2]),
          "the same Idempotency-Key on another process did not give the same answer")
    # A photo stored through one process is read through the others.
    png = b"\x89PNG\r\n\x1a\n" + bytes((i * 7) % 256 for i in range(3 * 1024 * 1024))
    boundary = "cluster-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"foto.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
    status, _, data = request("POST", "/api/v1/attachments", body, {
        "Authorization": f"Bearer {value}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
        port=PORTS[0])
    check(status == 201, f"an upload was answered {status}: {data[:200]!r}")
    if status == 201:
        attachment = json.loads(data)["id"]
        for port in PORTS[1:]:
            status, _, read = request("GET", f"/api/v1/attachments/{attachment}", headers=bearer(value), port=port)
            check(status == 200 and read == png, f"a file stored by one process was not read by another ({status})")


# --- one process killed under load ----------------------------------------------------------

def kill_under_load():
    resellers = {email: token(email) for email in ["jan@pcpartner.nl", "inkoop@netwerkdirect.be"]}
    outcomes = []  # (what, ok, detail)
    lock = threading.Lock()
    stop = threading.Event()
    failed = []  # callables that retry a failed request and say whether the retry succeeded
    answered = []  # (token, request number) of every submission answered 201

    def record(what, ok, detail, retry=None):
        with lock:
            outcomes.append((what, ok, detail))
            if not ok and retry:
                failed.append((what, detail, retry))

    def reader(value):
        while not stop.is_set():
            path = "/api/v1/lines?period=2m&per=50"
            try:
                status = request("GET", path, headers=bearer(value), timeout=15)[0]
                record("search", status == 200, status, lambda: request("GET", path, headers=bearer(value))[0] == 200)
            except (OSError, http.client.HTTPException) as error:
                record("search", False, repr(error),
                       lambda: request("GET", path, headers=bearer(value))[0] == 200)

    def writer(email, value, pairs):
        index = 0
        while not stop.is_set() and index < len(pairs):
            line, reason = pairs[index]
            index += 1

            def in_cart(line=line):
                _, _, data = request("GET", "/api/v1/cart", headers=bearer(value))
                return any(p.get("line") == line for p in json.loads(data).get("positions", []))

            try:
                status, _, _ = add_position(value, line, reason)
                ok = status == 201
            except (OSError, http.client.HTTPException) as error:
                status, ok = repr(error), False
            # A careful client retries an add that failed by looking at its cart first.
            record("add", ok or status == 409, status,
                   lambda line=line, reason=reason, in_cart=in_cart:
                   in_cart() or add_position(value, line, reason)[0] == 201)
            if not ok:
                continue
            key = {"Idempotency-Key": f"cluster-{email}-{index}"}

            def submit(key=key):
                return request("POST", "/api/v1/cart/submit", "{}", bearer(value, key), timeout=15)

            try:
                status, _, data = submit()
                if status == 201:
                    with lock:
                        answered.extend((value, r["number"]) for r in json.loads(data)["requests"])
                record("submit", status == 201, status, lambda: submit()[0] == 201)
            except (OSError, http.client.HTTPException) as error:
                record("submit", False, repr(error), lambda: submit()[0] == 201)

    threads = [threading.Thread(target=reader, args=(v,)) for v in resellers.values() for _ in range(3)]
    for email, value in resellers.items():
        threads.append(threading.Thread(target=writer, args=(email, value, registrable(value))))
    for thread in threads:
        thread.start()
    time.sleep(3)
    victim = PIDS[1]
    with lock:
        before = len(outcomes)
    os.kill(victim, signal.SIGKILL)
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()
    errors = [(what, detail) for what, ok, detail in outcomes if not ok]
    print(f"kill -9 of one of {len(PIDS)} processes: {len(outcomes)} requests ({before} before the kill), "
          f"{len(errors)} failed: {errors}", flush=True)
    check(len(outcomes) - before > 20, "the two remaining processes answered almost nothing after the kill")
    # At most one request per client thread was in flight on the killed process.
    check(len(errors) <= len(threads), f"{len(errors)} requests failed, more than were in flight ({len(threads)})")
    for what, detail, retry in failed:
        try:
            check(retry(), f"a {what} that failed in the kill ({detail}) failed again when retried")
        except (OSError, http.client.HTTPException) as error:
            check(False, f"a {what} that failed in the kill ({detail}) failed again when retried: {error!r}")
    # Every request answered 201 is there, seen through the survivors.
    check(len(answered) > 0, "no submission was answered 201 under load")
    for value, number in answered:
        status = request("GET", f"/api/v1/requests/{number}", headers=bearer(value))[0]
        check(status == 200, f"request {number}, answered 201, is not there after the kill ({status})")


class Receiver:
    """A webhook receiver on loopback that checks every signature and can start late."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.secret = None
        self.received = []
        self.bad = []
        self.lock = threading.Lock()
        self.server = None

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                parts = [p.split("=", 1) for p in self.headers.get("Retour-Signature", "").split(",") if "=" in p]
                t = next((v for k, v in parts if k == "t"), "")
                expected = hmac.new(receiver.secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
                with receiver.lock:
                    if any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts):
                        receiver.received.append(json.loads(body))
                    else:
                        receiver.bad.append(body[:100])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def webhooks_across_processes():
    """Events made on three processes reach a receiver that was down when they happened: signed,
    each once, each request's in order, the same events the feed lists."""
    jan = token("jan@pcpartner.nl")
    receiver = Receiver()
    status, _, data = request("POST", "/api/v1/webhooks", json.dumps({
        "url": f"http://127.0.0.1:{receiver.port}/hook",
        "events": ["request.created", "request.status_changed", "request.message_created", "credit_note.created"]}),
        bearer(jan))
    check(status == 201, f"subscribing a webhook answered {status}: {data[:200]!r}")
    if status != 201:
        return
    receiver.secret = json.loads(data)["secret"]
    _, _, feed = request("GET", "/api/v1/events?limit=500", headers=bearer(jan))
    start = json.loads(feed)["next"]
    numbers = []
    for port, (line, reason) in zip(PORTS, registrable(jan)[:3]):
        status, _, _ = add_position(jan, line, reason, port=port)
        check(status == 201, f"adding a position on port {port} answered {status}")
        status, _, data = request("POST", "/api/v1/cart/submit", "{}", bearer(jan), port=port)
        check(status == 201, f"submitting on port {port} answered {status}")
        if status == 201:
            number = json.loads(data)["requests"][0]["number"]
            numbers.append(number)
            status, _, _ = request("POST", f"/api/v1/requests/{number}/messages",
                                   json.dumps({"message": f"via {port}"}), bearer(jan), port=PORTS[(PORTS.index(port) + 1) % len(PORTS)])
            check(status == 200, f"a message answered {status}")
    _, _, feed = request("GET", f"/api/v1/events?limit=500&after={start}", headers=bearer(jan))
    expected = [e["id"] for e in json.loads(feed)["events"]]
    check(len(expected) == 2 * len(numbers), f"the feed lists {len(expected)} events for {len(numbers)} requests")
    time.sleep(7)  # every process's worker tries at least once while the receiver is down
    receiver.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with receiver.lock:
            if len(receiver.received) >= len(expected):
                break
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice would arrive now
    receiver.stop()
    got = [e["id"] for e in receiver.received]
    print(f"webhooks across {len(PORTS)} processes: {len(got)} delivered, {len(receiver.bad)} badly signed", flush=True)
    check(not receiver.bad, f"deliveries with a wrong signature: {receiver.bad}")
    check(sorted(got) == sorted(expected) and len(set(got)) == len(got),
          f"delivered {got}, the feed lists {expected}")
    for number in numbers:
        types = [e["type"] for e in receiver.received if e["data"]["number"] == number]
        check(types == ["request.created", "request.message_created"], f"{number}: delivered out of order: {types}")


def main():
    check(len(PORTS) >= 3, "the cluster has fewer than three processes")
    shared_sessions()
    shared_throttling()
    shared_idempotency_and_files()
    webhooks_across_processes()
    kill_under_load()
    print(f"cluster stage: {len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
