#!/usr/bin/env python3
"""`make bench`: Retour on generated data, measured side by side in one run.

usage: bench/run.py BINARY DATABASE RESULTS.json [--lines N] [--duration S] [--cluster]
  DATABASE is sqlite, or postgres (then DATABASE_URL must point at an empty database:
  scripts/with-postgres.sh starts one). Results are appended to RESULTS.json;
  bench/report.py writes them into docs/benchmarks.md. With --cluster, the data is already there
  and several processes serve it behind nginx (scripts/cluster.sh with RETOUR_CLUSTER_DATA=keep
  runs this script): the same routes are measured through nginx.

For each route: wrk -t2 -c32 for S seconds, cycling through many different paths (serials,
invoices, EANs, lines of the largest reseller), req/s, p50, p99, then one request at a time (wrk
-t1 -c1) for p50 and p99; the ratio to the static file's req/s (the framework's ceiling) and, on
PostgreSQL, to pgbench running each search's own SQL as Retour sends it (`retour explain
--pgbench`), prepared, at 32 clients (the database's limit), beside the same answer written plainly;
the server's RSS. Then cart submissions (add a
position, submit it; two resellers at once) and a 20 MB upload, each timed by the client.
"""
import argparse
import datetime
import http.cookiejar
import json
import os
import re
import socket
import statistics
import threading
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from import_bench import peak_of  # the child's own VmHWM, read while it runs

LOGIN = "inkoop@reseller0.example"
PASSWORD = "retour-bench-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    sys.exit("retour serve did not come up")


def api(base, path, token=None, body=None):
    request = urllib.request.Request(base + path, data=body)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def session_cookie(base):
    """Logs in through the form, as a browser does; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": LOGIN, "password": PASSWORD, "_csrf": csrf}).encode()
    opener.open(base + "/login", data=form)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], %(headers)s)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%.1f %%.3f %%.3f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(base, paths, headers, duration, work, connections=32):
    paths_file = os.path.join(work, "paths.txt")
    with open(paths_file, "w") as f:
        f.write("\n".join(paths) + "\n")
    script = os.path.join(work, "rotate.lua")
    lua_headers = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()) + "}" if headers else "nil"
    with open(script, "w") as f:
        f.write(WRK_SCRIPT % {"paths": paths_file, "headers": lua_headers})
    # wrk's own timeout (2 s) would count a slow answer as an error: the vendor-recovery report
    # queued behind 31 others takes longer; 30 s keeps "errors" for errors.
    output = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
                             "-s", script, base],
                            capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", output)
    requests, seconds, p50, p99, errors = match.groups()
    return {"rps": int(requests) / float(seconds), "p50": float(p50), "p99": float(p99), "errors": int(errors)}


def pgbench(url, script, values, duration, clients=32):
    """pgbench -M prepared of one script, with its values as -D variables: transactions a second."""
    defines = [arg for value in values for arg in ("-D", value)]
    output = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(duration), "-M", "prepared",
                             *defines, "-f", script, url], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def lean(script):
    """The same answer as Retour's page and follow-ups, written plainly: the count, the page joined
    to its article and brand, and the serials, claimed serials and claims as three statements."""
    page, follow = script.split(";\n")[:2]
    columns = re.search(r"SELECT counted.total, (.*?)\nFROM \(SELECT COUNT", page, re.S).group(1)
    where = re.search(r"SELECT COUNT\(\*\) AS total FROM invoice_lines l WHERE (.*?)\) counted", page, re.S).group(1)
    order, limit, offset = re.search(r"ORDER BY (.*?) LIMIT (:p\d+) OFFSET (:p\d+)\) page", page, re.S).groups()
    ids, statuses, reasons = re.findall(r"ANY\((:p\d+)\)", follow)[-3:]
    return (f"SELECT COUNT(*) FROM invoice_lines l WHERE {where};\n"
            f"SELECT {columns} FROM invoice_lines l JOIN articles a ON a.id = l.article_id "
            f"JOIN brands b ON b.id = a.brand_id WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset};\n"
            f"SELECT line_id, number FROM serial_numbers WHERE line_id = ANY({ids}) ORDER BY id;\n"
            f"SELECT line_id, serial FROM claimed_serials WHERE line_id = ANY({ids});\n"
            f"SELECT line_id, SUM(quantity) FROM requests WHERE line_id = ANY({ids}) AND status = ANY({statuses}) "
            f"AND reason = ANY({reasons}) GROUP BY line_id;\n")


def database_limits(binary, env, work, duration):
    """Every search Retour runs prepared, as it sends it (`retour explain --pgbench`), through
    pgbench -M prepared at 32 clients as wrk's 32 connections: the database's limit for Retour's
    own SQL; and the same answer written plainly (`lean`). By search name ("week", "by serial …")."""
    directory = os.path.join(work, "pgbench")
    subprocess.run([binary, "explain", "--email", LOGIN, "--pgbench", directory], env=env, check=True)
    limits = {}
    for name_file in sorted(f for f in os.listdir(directory) if f.endswith(".name")):
        stem = os.path.join(directory, name_file[:-5])
        with open(stem + ".name") as f:
            name = f.read().strip()
        with open(stem + ".args") as f:
            values = f.read().split()
        with open(stem + ".sql") as f:
            script = f.read()
        with open(stem + ".lean.sql", "w") as f:
            f.write(lean(script))
        limits[name] = {"retour": pgbench(env["DATABASE_URL"], stem + ".sql", values, duration),
                        "lean": pgbench(env["DATABASE_URL"], stem + ".lean.sql", values, duration)}
        print(f"pgbench -M prepared -c32 {name:36} Retour's SQL {limits[name]['retour']:8.0f} tps   "
              f"the same answer written plainly {limits[name]['lean']:8.0f} tps")
    return limits


# The search a route makes, by the name `retour explain` gives it.
SEARCH_OF_ROUTE = {"API search, week": "week", "API search, two months": "two months",
                   "API search by serial": "by serial", "API search by EAN": "by ean",
                   "API search by invoice": "by invoice", "search page, week": "week",
                   "search page by serial": "by serial"}


def request(base, method, path, token, body=None, content_type="application/json", extra=None):
    req = urllib.request.Request(base + path, data=body, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", content_type)
    for name, value in (extra or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


SIMPLE_FORMS = {"missing_accessories": {"comment": "bench"},
                "product_complaint": {"condition": "opened", "comment": "bench"},
                "wrong_invoicing": {"subReason": "price", "comment": "bench"}}


def submissions(base, tokens, per_reseller):
    """Each reseller adds a position and submits it, `per_reseller` times, all resellers at once.
    Only the submit is timed: it is the state change that locks the lines and writes the requests."""
    latencies, errors = [], []
    lock = threading.Lock()

    def reseller(token):
        pairs = []
        sample = json.loads(request(base, "GET", "/api/v1/lines?period=2m&per=500", token)[1])
        for line in [l for d in sample["documents"] for l in d["lines"] if l["claimableQuantity"] >= 1]:
            reasons = json.loads(request(base, "GET", f"/api/v1/lines/{line['id']}/reasons", token)[1])["reasons"]
            pairs += [(line["id"], r["id"]) for r in reasons if r["enabled"] and r["id"] in SIMPLE_FORMS][:1]
            if len(pairs) >= per_reseller:
                break
        for index, (line, reason) in enumerate(pairs):
            body = {"line": line, "reason": reason, "quantity": 1, "fields": SIMPLE_FORMS[reason]}
            if request(base, "POST", "/api/v1/cart/positions", token, json.dumps(body).encode())[0] != 201:
                continue
            start = time.monotonic()
            status, _ = request(base, "POST", "/api/v1/cart/submit", token, b"{}",
                                extra={"Idempotency-Key": f"bench-{token[:8]}-{index}-{time.time()}"})
            elapsed = (time.monotonic() - start) * 1000
            with lock:
                (latencies if status == 201 else errors).append(elapsed if status == 201 else status)

    threads = [threading.Thread(target=reseller, args=(t,)) for t in tokens]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    return {"route": f"cart submit ({len(tokens)} resellers at once, {len(latencies)} submissions)",
            "rps": len(latencies) / max(sum(latencies) / 1000 / max(len(tokens), 1), 0.001),
            "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "errors": len(errors),
            "wall_seconds": round(seconds, 1)}


def uploads(base, token, megabytes=20, times=4, work="/tmp"):
    """A photo of `megabytes` MB through POST /api/v1/attachments by curl, as a client would send it,
    `times` times (different content each time, so that none is a stored copy already); curl's own
    time from the first byte sent to the answer. (`Expect:` is off: curl would otherwise wait a second
    for a 100 Continue before sending a large body.)"""
    latencies, errors = [], 0
    path = os.path.join(work, "upload.png")
    for index in range(times):
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + os.urandom(megabytes * 1024 * 1024 - 1024))
        answer = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-H", "Expect:", "-H", f"Authorization: Bearer {token}",
             "-F", f"file=@{path};type=image/png", "-w", "%{http_code} %{time_total}", base + "/api/v1/attachments"],
            capture_output=True, text=True).stdout.split()
        if answer and answer[0] == "201":
            latencies.append(float(answer[1]) * 1000)
        else:
            errors += 1
    return {"route": f"upload of {megabytes} MB ({times} times, one at a time)",
            "rps": len(latencies) / max(sum(latencies) / 1000, 0.001), "p50": percentile(latencies, 0.5),
            "p99": max(latencies or [0]), "errors": errors}


def bulk(base, token, rows=1000, times=3):
    """POST /api/v1/cart/bulk?dryRun=true with `rows` rows of the reseller's own lines (missing
    accessories, one each), `times` times: every row is checked by the rules in one transaction and
    rolled back. The issue's target: 1 000 rows answer in under 2 s."""
    lines = []
    for page in (1, 2, 3):
        found = api(base, f"/api/v1/lines?period=2m&per=500&page={page}", token)
        lines += [(d["number"], l["position"]) for d in found["documents"] for l in d["lines"]]
    lines = (lines * (rows // max(len(lines), 1) + 1))[:rows]
    csv = "invoice;position;reason;quantity;comment\r\n" + "".join(
        f"{invoice};{position};missing_accessories;1;bench\r\n" for invoice, position in lines)
    latencies, errors = [], 0
    for _ in range(times):
        request = urllib.request.Request(base + "/api/v1/cart/bulk?dryRun=true", data=csv.encode(), method="POST",
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "text/csv"})
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answered = json.load(response)
            latencies.append((time.monotonic() - start) * 1000)
            if len(answered["rows"]) != rows:
                errors += 1
        except urllib.error.HTTPError:
            errors += 1
    return {"route": f"bulk registration, {rows} rows (dry run, {times} times)",
            "rps": len(latencies) / max(sum(latencies) / 1000, 0.001), "p50": percentile(latencies, 0.5),
            "p99": max(latencies or [0]), "errors": errors}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        values = dict(line.split(":", 1) for line in status)
    return int(values["VmRSS"].split()[0]) // 1024, int(values["VmHWM"].split()[0]) // 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("results")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--cluster", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, LOG_LEVEL="warning", RETOUR_WORKER_INTERVAL="0", RETOUR_UPLOAD_MB_PER_DAY="10000",
                   RETOUR_FILES=os.path.join(work, "files"), RETOUR_MAIL_DIR=os.path.join(work, "mail"))
        if args.database == "sqlite":
            env.pop("DATABASE_URL", None)
            env["RETOUR_SQLITE"] = os.path.join(work, "bench.sqlite")
        elif not env.get("DATABASE_URL"):
            sys.exit("postgres needs DATABASE_URL (scripts/with-postgres.sh)")

        load_seconds, load_peak_mb = 0, None
        if args.cluster:
            base = os.environ["RETOUR_CLUSTER_URL"]
            pids = [int(p) for p in os.environ["RETOUR_CLUSTER_PIDS"].split()]
            server = None
        else:
            start = time.monotonic()
            demo = subprocess.Popen([binary, "demo", "--lines", str(args.lines), "--companies", "1000"], env=env,
                                    stdout=subprocess.PIPE, text=True)
            load_peak_mb = peak_of(demo) // 1024
            generated = demo.stdout.read()
            if demo.wait() != 0:
                sys.exit("retour demo --lines failed")
            load_seconds = time.monotonic() - start
            print(generated.strip(), f"(peak RSS {load_peak_mb} MB)")
            if args.database == "postgres":
                # The demo writes claims and credits after the import; autovacuum would then work
                # through them (and the checkpointer through gigabytes at 10 M lines) while the
                # first routes are measured: a 10 M run measured the static file's p99 one at a
                # time at 21 ms so. Settle first, as a database in daily use is.
                subprocess.run(["psql", "-q", env["DATABASE_URL"], "-c", "VACUUM ANALYZE", "-c", "CHECKPOINT"],
                               check=True)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env)
            pids = [server.pid]
        try:
            wait_until_up(base)
            token = api(base, "/api/v1/auth/token", body=json.dumps({"email": LOGIN, "password": PASSWORD}).encode())["token"]
            bearer = {"Authorization": "Bearer " + token}
            cookie = {"Cookie": session_cookie(base)}
            # Numbers to search for: from the reseller's last two months, many of each.
            sample = api(base, "/api/v1/lines?period=2m&per=500", token)
            lines = [line for document in sample["documents"] for line in document["lines"]]
            invoices = sorted({line["invoice"] for line in lines})
            serials = sorted({serial for line in lines for serial in line["serials"]})
            eans = sorted({line["ean"] for line in lines if line["ean"]})
            ids = [line["id"] for line in lines]
            q = urllib.parse.quote
            admin = api(base, "/api/v1/auth/token",
                        body=json.dumps({"email": "admin@bench.example", "password": PASSWORD}).encode())["token"]
            routes = [
                ("static file /js/app.js (the ceiling)", ["/js/app.js"], {}),
                ("API search, week", ["/api/v1/lines?period=1w"], bearer),
                ("API search, two months", ["/api/v1/lines?period=2m"], bearer),
                ("API search by serial", [f"/api/v1/lines?numberType=serial&number={q(s)}" for s in serials], bearer),
                ("API search by EAN", [f"/api/v1/lines?numberType=ean&number={q(e)}" for e in eans], bearer),
                ("API search by invoice", [f"/api/v1/lines?numberType=invoice&number={q(i)}" for i in invoices],
                 bearer),
                ("API reasons of a line", [f"/api/v1/lines/{i}/reasons" for i in ids], bearer),
                ("search page, week", ["/search?period=1w"], cookie),
                ("search page by serial", [f"/search?numberType=serial&number={q(s)}" for s in serials], cookie),
                # The vendor-recovery report over the generated credits and claims (issue 24: < 200 ms).
                ("API vendor recovery, 12 months", ["/api/v1/vendor-recovery"], {"Authorization": "Bearer " + admin}),
            ]
            measured = []
            for name, paths, headers in routes:
                result = wrk(base, paths, headers, args.duration, work)
                result["route"] = name
                # One request at a time (wrk -t1 -c1): the latency a person feels, without queueing.
                alone = wrk(base, paths, headers, max(args.duration // 2, 3), work, connections=1)
                result["alone"] = {"p50": alone["p50"], "p99": alone["p99"], "rps": alone["rps"]}
                measured.append(result)
                print(f"{args.database:8} {name:40} {result['rps']:8.0f} req/s  p50 {result['p50']:7.2f} ms  "
                      f"p99 {result['p99']:7.2f} ms  errors {result['errors']}   one at a time: "
                      f"p50 {alone['p50']:6.2f} ms  p99 {alone['p99']:6.2f} ms")
            if args.database == "postgres" and not args.cluster:
                # The same searches on a second server that does not prepare its statements
                # (RETOUR_PG_PREPARED=0), side by side: what prepared statements are worth.
                port = free_port()
                plain = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                                         env=dict(env, RETOUR_PG_PREPARED="0"))
                try:
                    plain_base = f"http://127.0.0.1:{port}"
                    wait_until_up(plain_base)
                    for name, paths, headers in routes[1:6]:
                        if "EAN" in name:
                            continue
                        result = wrk(plain_base, paths, headers, args.duration, work)
                        result["route"] = name + " (not prepared)"
                        measured.append(result)
                        print(f"{args.database:8} {result['route']:40} {result['rps']:8.0f} req/s  "
                              f"p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms  errors {result['errors']}")
                finally:
                    plain.terminate()
                    plain.wait(timeout=30)
            other = api(base, "/api/v1/auth/token",
                        body=json.dumps({"email": "inkoop@reseller1.example", "password": PASSWORD}).encode())["token"]
            for result in (submissions(base, [token, other], 100), uploads(base, token, work=work),
                           bulk(base, token)):
                measured.append(result)
                print(f"{args.database:8} {result['route']:40} {result['rps']:8.1f} /s     p50 {result['p50']:7.2f} ms  "
                      f"p99 {result['p99']:7.2f} ms  errors {result['errors']}")
            plans = None
            if not args.cluster:
                # The database's plan of every search shape of the largest reseller, at this size.
                plans = subprocess.run([binary, "explain", "--email", LOGIN], env=env, capture_output=True,
                                       text=True).stdout
            sizes = [rss_mb(pid) for pid in pids]
            rss, peak = sum(r for r, _ in sizes), sum(p for _, p in sizes)
            database_limit = None
            if args.database == "postgres" and not args.cluster:
                database_limit = database_limits(binary, env, work, args.duration)
                for result in measured:
                    search = SEARCH_OF_ROUTE.get(result["route"])
                    found = [v for k, v in database_limit.items() if search and (k == search or k.startswith(search + " "))]
                    if found:
                        result["limit"] = found[0]
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)
        record = {"database": args.database, "lines": args.lines, "date": datetime.date.today().isoformat(),
                  "load_seconds": round(load_seconds, 1), "load_peak_mb": load_peak_mb, "routes": measured, "rss_mb": rss, "peak_rss_mb": peak,
                  "pgbench_tps": database_limit, "processes": len(pids), "plans": plans,
                  "through": "nginx" if args.cluster else "direct",
                  "command": f"bench/run.py {args.binary} {args.database} RESULTS --lines {args.lines} "
                             f"--duration {args.duration}" + (" --cluster" if args.cluster else "")}
        existing = []
        if os.path.exists(args.results):
            with open(args.results) as f:
                existing = json.load(f)
        with open(args.results, "w") as f:
            json.dump(existing + [record], f, indent=1)


if __name__ == "__main__":
    main()
