#!/usr/bin/env python3
"""Checks what promtool does not about the alert rules (scripts/check-deploy runs it).

For every alert of deploy/prometheus/rules/akhbar.rules.yml: a severity label, a summary and a
description; a runbook_url of the form docs/runbook.md#<anchor> whose anchor is a section of
docs/runbook.md (the heading is the alert name, so the forge's anchor is its lower-case form);
and unit tests in akhbar.rules.test.yml both where it fires and where it does not. Every
`## Akhbar…` section of the runbook must belong to an alert.

Usage: check_rules.py [RULES.yml TESTS.yml RUNBOOK.md]   (defaults: the repository's files)
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK_PATH = "docs/runbook.md"


def anchor(heading: str) -> str:
    """The anchor a forge (GitHub, GitLab, Gitea/Forgejo) gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def check(rules_path: Path, tests_path: Path, runbook_path: Path) -> list:
    errors = []
    rules = [r for g in yaml.safe_load(rules_path.read_text())["groups"] for r in g["rules"]]
    alerts = {r["alert"]: r for r in rules if "alert" in r}
    headings = [m.group(1) for m in re.finditer(r"^##\s+(.+?)\s*$", runbook_path.read_text(), re.M)]
    anchors = {anchor(h) for h in headings}
    for name, rule in alerts.items():
        ann = rule.get("annotations", {})
        if not rule.get("labels", {}).get("severity"):
            errors.append(f"{name}: no severity label")
        for key in ("summary", "description"):
            if not ann.get(key):
                errors.append(f"{name}: no {key} annotation")
        url = ann.get("runbook_url", "")
        expected = f"{RUNBOOK_PATH}#{anchor(name)}"
        if url != expected:
            errors.append(f"{name}: runbook_url is {url!r}, expected {expected!r}")
        elif anchor(name) not in anchors:
            errors.append(f"{name}: {RUNBOOK_PATH} has no section '## {name}'")
    for h in headings:
        if h.startswith("Akhbar") and h not in alerts:
            errors.append(f"{RUNBOOK_PATH}: section '## {h}' belongs to no alert")

    fires, quiet = set(), set()
    for test in yaml.safe_load(tests_path.read_text()).get("tests") or []:
        for case in test.get("alert_rule_test") or []:
            (fires if case.get("exp_alerts") else quiet).add(case.get("alertname"))
    for name in alerts:
        if name not in fires:
            errors.append(f"{name}: no unit test in which it fires")
        if name not in quiet:
            errors.append(f"{name}: no unit test in which it does not fire")
    for name in (fires | quiet) - set(alerts):
        errors.append(f"{tests_path.name} tests an alert that does not exist: {name}")
    return errors


def main() -> None:
    if len(sys.argv) == 4:
        paths = [Path(p) for p in sys.argv[1:]]
    elif len(sys.argv) == 1:
        rules_dir = ROOT / "deploy" / "prometheus" / "rules"
        paths = [rules_dir / "akhbar.rules.yml", rules_dir / "akhbar.rules.test.yml", ROOT / RUNBOOK_PATH]
    else:
        sys.exit(__doc__)
    errors = check(*paths)
    if errors:
        print("\n".join(f"    FAIL {e}" for e in errors), file=sys.stderr)
        sys.exit(1)
    n = sum(1 for g in yaml.safe_load(paths[0].read_text())["groups"] for r in g["rules"] if "alert" in r)
    print(f"    {n} alerts: each with severity, summary, description, a runbook section, "
          f"and unit tests where it fires and where it does not")


if __name__ == "__main__":
    main()
