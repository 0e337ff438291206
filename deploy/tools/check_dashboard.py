#!/usr/bin/env python3
"""Checks a Grafana dashboard JSON (scripts/check-deploy runs it on deploy/grafana/akhbar.json).

Structure only: valid JSON, a uid and title, unique panel ids, panels that do not overlap, every
panel querying through the dashboard's data-source variable, counters read through rate() and
histograms through histogram_quantile() over _bucket series. That every metric a query names
exists in akhbar's /metrics is proved by tests/service/monitoring.rs against a running akhbar.

Usage: check_dashboard.py DASHBOARD.json
"""

import json
import re
import sys

errors = []


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    dash = json.load(open(sys.argv[1], encoding="utf-8"))
    for key in ("uid", "title", "panels", "templating"):
        if not dash.get(key):
            errors.append(f"dashboard has no {key}")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource":
        errors.append("no data-source variable named 'datasource'")
    ids, cells = set(), set()
    for p in dash.get("panels", []):
        pid, title = p.get("id"), p.get("title")
        if pid in ids:
            errors.append(f"panel id {pid} ({title}) is not unique")
        ids.add(pid)
        g = p.get("gridPos", {})
        for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
            for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                if (x, y) in cells:
                    errors.append(f"panel {title!r} overlaps another panel at x={x} y={y}")
                    break
                cells.add((x, y))
            else:
                continue
            break
        if g.get("x", 0) + g.get("w", 0) > 24:
            errors.append(f"panel {title!r} is wider than the 24-column grid")
        if p.get("type") == "row":
            continue
        if not p.get("description"):
            errors.append(f"panel {title!r} has no description")
        targets = p.get("targets", [])
        if not targets:
            errors.append(f"panel {title!r} has no query")
        for t in targets:
            ds = t.get("datasource", p.get("datasource", {}))
            if ds.get("uid") != "${datasource}":
                errors.append(f"panel {title!r}: query does not use the ${{datasource}} variable")
            expr = t.get("expr", "")
            if not expr:
                errors.append(f"panel {title!r}: query without expr")
            for name in re.findall(r"\b(akhbar_[a-z0-9_]+)", expr):
                counter = name.endswith("_total") or name.endswith("_bucket")
                if counter and not re.search(r"\b(rate|increase)\(" + name, expr):
                    errors.append(f"panel {title!r}: counter {name} not read through rate()/increase()")
                if name.endswith("_bucket") and "histogram_quantile(" not in expr:
                    errors.append(f"panel {title!r}: {name} not read through histogram_quantile()")
    if errors:
        print("\n".join(f"    FAIL {e}" for e in errors), file=sys.stderr)
        sys.exit(1)
    n = sum(1 for p in dash["panels"] if p.get("type") != "row")
    print(f"    {sys.argv[1]}: {n} panels, structure OK")


if __name__ == "__main__":
    main()
