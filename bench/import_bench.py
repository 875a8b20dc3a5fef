#!/usr/bin/env python3
"""Measures `retour import` of a generated document: wall time and peak memory (max RSS), and
beside it the database's own bulk load of the rows that import wrote (the limit).

usage: bench/import_bench.py BINARY [LINES]   (default 100000 lines, 10 per invoice, 1 serial each)

The limit: the invoices, invoice lines and serial numbers the first import wrote, loaded again into
empty tables with the same columns and indexes — on PostgreSQL written out and read in by `COPY`
(psql's \\copy), on SQLite by `INSERT … SELECT` in one transaction — timed the same way.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

TABLES = ("invoices", "invoice_lines", "serial_numbers")


def document(lines):
    articles = [{"number": f"B{n:05d}", "description": f"Bench article {n}", "brand": "BENCH",
                 "manufacturerModel": f"M-{n}", "ean": f"{8700000000000 + n}", "serialised": True,
                 "kind": "hardware", "price": "10.00"} for n in range(200)]
    invoices = []
    for i in range(lines // 10):
        invoices.append({
            "number": f"9{i:09d}", "company": "900000", "date": "2026-01-%02d" % (i % 28 + 1),
            "customerOrderNumber": f"PO-{i}", "currency": "EUR",
            "lines": [{"position": (p + 1) * 10, "article": f"B{(i + p) % 200:05d}", "quantity": 1,
                       "unitPrice": "12.34", "customerItemNumber": f"CI-{p}",
                       "deliveryNote": {"number": f"6{i:09d}", "date": "2026-01-01"},
                       "order": {"number": f"7{i:09d}", "date": "2026-01-01"},
                       "deliveryAddress": {"street": "Benchstraat 1", "postcode": "1234 AB", "city": "Utrecht",
                                           "country": "NL"},
                       "serials": [f"S{i:08d}{p:02d}"]} for p in range(10)]})
    return {"companies": [{"number": "900000", "name": "Bench BV"}],
            "brands": [{"name": "BENCH", "doaDays": 14}], "articles": articles, "invoices": invoices}


def main():
    binary = os.path.abspath(sys.argv[1])
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "import.json")
        with open(path, "w") as f:
            json.dump(document(lines), f)
        env = dict(os.environ, RETOUR_SQLITE=os.path.join(work, "bench.sqlite"), LOG_LEVEL="warning")
        subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        database = "postgres" if env.get("DATABASE_URL") else "sqlite"
        for attempt in ("first import", "re-import (all upserts)"):
            start = time.monotonic()
            process = subprocess.Popen([binary, "import", path], env=env)
            peak_kb = peak_of(process)
            elapsed = time.monotonic() - start
            if process.returncode != 0:
                sys.exit(f"retour import failed with status {process.returncode}")
            print(f"{database} {attempt}: {lines} lines, {os.path.getsize(path) / 1e6:.1f} MB JSON, "
                  f"{elapsed:.1f} s, {lines / elapsed:.0f} lines/s, peak RSS {peak_kb / 1024:.0f} MB")
            if attempt == "first import":
                first = elapsed
        if database == "postgres":
            limit = copy_again(env["DATABASE_URL"], work)
            how = "COPY out and in again"
        else:
            limit = insert_again(env["RETOUR_SQLITE"])
            how = "INSERT … SELECT"
        print(f"{database} the database's own load of the same rows ({how}, same indexes): {limit:.1f} s, "
              f"{lines / limit:.0f} lines/s; the first import reaches {100 * limit / first:.0f} % of it")


def copy_again(url, work):
    """PostgreSQL: the import's rows out by COPY, then COPY into empty tables made LIKE the import's
    (with its indexes; `bench_` before the name), timed from the first COPY in to the last."""
    def psql(command):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", command], check=True,
                       stdout=subprocess.DEVNULL)
    for table in TABLES:
        psql(f"\\copy {table} TO '{work}/{table}.copy'")
        psql(f"DROP TABLE IF EXISTS bench_{table}; CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
    start = time.monotonic()
    for table in TABLES:
        psql(f"\\copy bench_{table} FROM '{work}/{table}.copy'")
    elapsed = time.monotonic() - start
    for table in TABLES:
        psql(f"DROP TABLE bench_{table}")
    return elapsed


def insert_again(path):
    """SQLite: the import's rows inserted again, in one transaction, into empty tables made from the
    same `CREATE TABLE` and `CREATE INDEX` statements (`bench_` before the names)."""
    connection = sqlite3.connect(path, isolation_level=None)
    schema = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    for table in TABLES:
        for kind, name, owner, sql in sorted(schema, key=lambda row: row[0] != "table"):
            if owner == table:
                # The object's own name, then (an index) the table it is on.
                renamed = re.sub(rf'(["`]?){re.escape(name)}\1', f'"bench_{name}"', sql, count=1)
                if kind == "index":
                    renamed = re.sub(rf'\bON\s+(["`]?){table}\1\s*\(', f'ON "bench_{table}" (', renamed, count=1)
                connection.execute(renamed)
    start = time.monotonic()
    connection.execute("BEGIN")
    for table in TABLES:
        connection.execute(f'INSERT INTO "bench_{table}" SELECT * FROM "{table}"')
    connection.execute("COMMIT")
    elapsed = time.monotonic() - start
    for table in TABLES:
        connection.execute(f'DROP TABLE "bench_{table}"')
    connection.close()
    return elapsed


def peak_of(process):
    """The import's own high-water mark (VmHWM), read while it runs. (`getrusage` of the children
    would also count this script's memory, which a forked child carries until it execs.)"""
    peak = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            break
        time.sleep(0.05)
    return peak


if __name__ == "__main__":
    main()
