#!/usr/bin/env python3
"""Writes the results of bench/run.py into docs/benchmarks.md, between its bench markers.

usage: bench/report.py RESULTS.json docs/benchmarks.md "the command that made them"
"""
import json
import sys

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def n(value):
    """A whole number with spaces between thousands, as the rest of docs/benchmarks.md writes them."""
    return f"{value:,.0f}".replace(",", " ")


def table(results, command):
    out = [f"Made by `{command}`.", ""]
    for run in results:
        ceiling = run["routes"][0]["rps"]
        limits = run.get("pgbench_tps") or {}
        through = " behind nginx" if run.get("through") == "nginx" else ""
        peak = f", peak RSS {run['load_peak_mb']} MB" if run.get("load_peak_mb") else ""
        loaded = (f"generating and importing took {run['load_seconds']} s "
                  f"({n(run['lines'] / max(run['load_seconds'], 0.1))} lines/s including generation{peak}); "
                  if run["load_seconds"] else "the data of the run above; ")
        out.append(f"**{run['database']}, {n(run['lines'])} lines, {run['processes']} process(es){through}** — "
                   f"{run['date']}; " + loaded +
                   f"`serve` RSS {run['rss_mb']} MB (peak {run['peak_rss_mb']} MB).")
        out.append("")
        out.append("| route | req/s | p50 ms | p99 ms | errors | of the static file | of the database's limit "
                   "| one at a time: p50 / p99 ms | of the API |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        by_name = {route["route"]: route["rps"] for route in run["routes"]}
        # The search page against the API doing the same search.
        same_search = {"search page, week": "API search, week", "search page by serial": "API search by serial"}
        for route in run["routes"]:
            timed = "rps" in route and not route["route"].startswith(("cart submit", "upload", "bulk"))
            share = f"{100 * route['rps'] / ceiling:.0f} %" if timed else ""
            limit = (route.get("limit") or {}).get("retour")
            db = f"{100 * route['rps'] / limit:.0f} %" if limit else ""
            alone = route.get("alone")
            one = f"{alone['p50']:.2f} / {alone['p99']:.2f}" if alone else ""
            compared = same_search.get(route["route"])
            if route["route"].endswith(" (not prepared)"):
                # A search without prepared statements against the same search with them.
                compared = route["route"].removesuffix(" (not prepared)")
            api = by_name.get(compared)
            of_api = f"{100 * route['rps'] / api:.0f} %" if api else ""
            rate = n(route["rps"]) if timed else f"{route['rps']:.1f}"
            out.append(f"| {route['route']} | {rate} | {route['p50']:.2f} | {route['p99']:.2f} | "
                       f"{route['errors']} | {share} | {db} | {one} | {of_api} |")
        if limits:
            out.append("")
            out.append("The database's limit: pgbench -M prepared -c32 of each search as Retour sends it (`retour "
                       "explain --pgbench`: the page with its count, then the lines' serials and claims), beside "
                       "the same answer written plainly (the count, the page, three follow-ups: `lean` in "
                       "`bench/run.py`):")
            out.append("")
            out.append("| search | Retour's SQL, tps | written plainly, tps | Retour's ÷ plain |")
            out.append("|---|---|---|---|")
            for name, limit in limits.items():
                out.append(f"| {name} | {n(limit['retour'])} | {n(limit['lean'])} | "
                           f"{limit['retour'] / limit['lean']:.2f} |")
        if run.get("plans"):
            out.append("")
            out.append(f"<details><summary>Query plans, {run['database']} at {n(run['lines'])} lines "
                       f"(<code>retour explain --email inkoop@reseller0.example</code>)</summary>")
            out.append("")
            out.append("```")
            out.append(run["plans"].strip())
            out.append("```")
            out.append("</details>")
        out.append("")
    return "\n".join(out)


def main():
    results_path, doc_path, command = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(results_path) as f:
        results = json.load(f)
    with open(doc_path) as f:
        doc = f.read()
    # One block per command between the markers: a run with another command (the 10 M run, say)
    # adds its block, a run with the same command replaces its own.
    blocks = []
    if START in doc:
        inside = doc[doc.index(START) + len(START):doc.index(END)].strip()
        for block in inside.split("Made by `")[1:]:
            blocks.append("Made by `" + block.strip())
    ours = table(results, command).strip()
    blocks = [b for b in blocks if not b.startswith(f"Made by `{command}`.")] + [ours]
    section = START + "\n" + "\n\n".join(blocks) + "\n" + END
    if START in doc:
        doc = doc[:doc.index(START)] + section + doc[doc.index(END) + len(END):]
    else:
        doc = doc.replace("# Benchmarks\n", "# Benchmarks\n\n## `make bench`: Retour on generated data\n\n"
                          + section + "\n", 1)
    with open(doc_path, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
