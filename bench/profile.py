"""Where the time goes (issue 26, item 1): `perf` samples a release `retour serve` while wrk drives
one route at a time, on generated data (PostgreSQL: run under scripts/with-postgres.sh), and
prints the hottest symbols of each route — Retour's process only, so the database's own work is
what is missing from the samples (its share is the idle time of the server's threads).

    scripts/with-postgres.sh python3 bench/profile.py .build/release/retour --lines 1000000 [--top 20]

Prints, per route, wrk's figures and the top symbols by self time, demangled, as a Markdown table
for docs/benchmarks.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse

from run import LOGIN, PASSWORD, api, free_port, session_cookie, wait_until_up, wrk


def report(data, top, *options):
    """perf's report of `data`: the `top` symbols with their share and object, demangled."""
    text = subprocess.run(
        ["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0.3", *options],
        capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or line.lstrip().startswith("#") or not fields[0].endswith("%"):
            continue
        # With --children: children, self, object, [.], symbol; without: self, object, [.], symbol.
        shares = [f for f in fields if f.endswith("%")]
        rest = line.split("] ", 1)[-1].strip()
        dso = fields[len(shares)]
        rows.append((" / ".join(shares), dso, rest))
        if len(rows) == top:
            break
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"],
                               input="\n".join(symbol for _, _, symbol in rows),
                               capture_output=True, text=True).stdout.splitlines()
    return [(share, dso, demangled[i] if i < len(demangled) else symbol)
            for i, (share, dso, symbol) in enumerate(rows)]


def table(rows, heading):
    print(f"| {heading} | object | symbol |\n|---|---|---|")
    for share, dso, symbol in rows:
        print(f"| {share} | {dso} | `{symbol[:150].replace('|', '/')}` |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("run under scripts/with-postgres.sh")
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, LOG_LEVEL="warning", RETOUR_WORKER_INTERVAL="0",
                   RETOUR_FILES=os.path.join(work, "files"), RETOUR_MAIL_DIR=os.path.join(work, "mail"))
        subprocess.run([binary, "demo", "--lines", str(args.lines), "--companies", "1000"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env)
        try:
            wait_until_up(base)
            token = api(base, "/api/v1/auth/token",
                        body=json.dumps({"email": LOGIN, "password": PASSWORD}).encode())["token"]
            bearer = {"Authorization": "Bearer " + token}
            sample = api(base, "/api/v1/lines?period=2m&per=500", token)
            lines = [line for document in sample["documents"] for line in document["lines"]]
            serials = sorted({serial for line in lines for serial in line["serials"]})
            ids = [line["id"] for line in lines]
            q = urllib.parse.quote
            routes = [
                ("API search, week", ["/api/v1/lines?period=1w"], bearer),
                ("API search by serial", [f"/api/v1/lines?numberType=serial&number={q(s)}" for s in serials], bearer),
                ("API reasons of a line", [f"/api/v1/lines/{i}/reasons" for i in ids], bearer),
                ("search page, week", ["/search?period=1w"], {"Cookie": session_cookie(base)}),
            ]
            for name, paths, headers in routes:
                wrk(base, paths, headers, 2, work)  # warm
                data = os.path.join(work, "perf.data")
                result = {}
                load = threading.Thread(target=lambda: result.update(wrk(base, paths, headers, args.seconds, work)))
                load.start()
                subprocess.run(["perf", "record", "-F", "199", "--call-graph", "dwarf,16384", "-o", data, "-p", str(server.pid), "--",
                                "sleep", str(args.seconds - 1)], capture_output=True, check=True)
                load.join()
                print(f"\n**{name}** — {args.lines} lines, wrk -t2 -c32 under perf: {result['rps']:.0f} req/s, "
                      f"p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms\n")
                print("Retour's own functions, by the share of the samples spent in them and what they call:\n")
                table(report(data, args.top, "--children", "--sort", "symbol", "--dsos", os.path.basename(binary)),
                      "with callees / self")
                print("\nEvery object, by self time:\n")
                table(report(data, args.top, "--no-children", "--sort", "dso,symbol"), "self")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
