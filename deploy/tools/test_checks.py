#!/usr/bin/env python3
"""Tests of the deploy checkers: each change that breaks a promise of the base must be caught.

check_manifests.py on the kustomize render of deploy/k8s (by kustomize_render.py), and
check_rules.py on the alert rules and the runbook, first as shipped (clean), then with one
defect at a time. scripts/check-deploy runs them:  python3 -m unittest discover -s deploy/tools
"""

import copy
import re
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import check_manifests  # noqa: E402
import check_rules  # noqa: E402
import kustomize_render  # noqa: E402

ROOT = HERE.parents[1]
BASE = kustomize_render.render(ROOT / "deploy" / "k8s")


def one(docs: list, kind: str) -> dict:
    found = [d for d in docs if d["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} in the render"
    return found[0]


def trigger(docs: list) -> dict:
    return one(docs, "ScaledObject")["spec"]["triggers"][0]["metadata"]


class ManifestChecks(unittest.TestCase):
    def problems(self, docs: list) -> list:
        with tempfile.TemporaryDirectory() as out:
            return check_manifests.check(docs, Path(out))

    def assert_caught(self, docs: list, *words: str) -> None:
        problems = self.problems(docs)
        self.assertTrue(any(all(w in p for w in words) for p in problems),
                        f"no problem mentions {words}: {problems}")

    def test_the_base_as_shipped_is_clean(self):
        self.assertEqual(self.problems(copy.deepcopy(BASE)), [])

    def test_a_scaledobject_watching_another_stream_is_caught(self):
        docs = copy.deepcopy(BASE)
        trigger(docs)["stream"] = "NEWS_RAW_OLD"
        self.assert_caught(docs, "stream", "'NEWS_RAW_OLD'", "'NEWS_RAW'")

    def test_a_consumer_renamed_in_akhbar_toml_is_caught(self):
        docs = copy.deepcopy(BASE)
        cm = one(docs, "ConfigMap")
        toml = cm["data"]["akhbar.toml"]
        self.assertIn('consumer = "akhbar"', toml)
        cm["data"]["akhbar.toml"] = toml.replace('consumer = "akhbar"', 'consumer = "akhbar-v2"')
        self.assert_caught(docs, "consumer", "'akhbar'", "'akhbar-v2'")

    def test_an_environment_override_of_the_stream_is_caught(self):
        docs = copy.deepcopy(BASE)
        container = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]
        container.setdefault("env", []).append({"name": "AKHBAR_INPUT__STREAM", "value": "RAW_PAGES"})
        self.assert_caught(docs, "stream", "'RAW_PAGES'")

    def test_names_left_out_of_akhbar_toml_are_the_defaults(self):
        docs = copy.deepcopy(BASE)
        cm = one(docs, "ConfigMap")
        cm["data"]["akhbar.toml"] = re.sub(r'(?m)^(stream|consumer) = .*$', "", cm["data"]["akhbar.toml"])
        self.assertEqual(self.problems(copy.deepcopy(docs)), [])
        trigger(docs)["consumer"] = "worker"
        self.assert_caught(docs, "consumer", "'worker'", "'akhbar'")

    def test_the_client_service_as_monitoring_endpoint_is_caught(self):
        docs = copy.deepcopy(BASE)
        trigger(docs)["natsServerMonitoringEndpoint"] = "nats.nats.svc:8222"
        self.assert_caught(docs, "natsServerMonitoringEndpoint", "headless")

    def test_a_scaledobject_without_fallback_is_caught(self):
        docs = copy.deepcopy(BASE)
        del one(docs, "ScaledObject")["spec"]["fallback"]
        self.assert_caught(docs, "fallback")

    def test_a_pdb_with_min_available_is_caught(self):
        docs = copy.deepcopy(BASE)
        spec = one(docs, "PodDisruptionBudget")["spec"]
        del spec["maxUnavailable"]
        spec["minAvailable"] = 1
        self.assert_caught(docs, "PodDisruptionBudget", "maxUnavailable: 1")


class RuleChecks(unittest.TestCase):
    RULES = ROOT / "deploy" / "prometheus" / "rules"

    def problems(self, rules: str, tests: str, runbook: str) -> list:
        with tempfile.TemporaryDirectory() as d:
            paths = [Path(d) / n for n in ("rules.yml", "tests.yml", "runbook.md")]
            for p, text in zip(paths, (rules, tests, runbook)):
                p.write_text(text)
            return check_rules.check(*paths)

    def shipped(self) -> tuple:
        return ((self.RULES / "akhbar.rules.yml").read_text(),
                (self.RULES / "akhbar.rules.test.yml").read_text(),
                (ROOT / "docs" / "runbook.md").read_text())

    def test_the_shipped_rules_are_clean(self):
        self.assertEqual(self.problems(*self.shipped()), [])

    def test_a_missing_runbook_section_is_caught(self):
        rules, tests, runbook = self.shipped()
        runbook = runbook.replace("## AkhbarPublishErrors", "## Publish errors")
        problems = self.problems(rules, tests, runbook)
        self.assertTrue(any("AkhbarPublishErrors" in p and "no section" in p for p in problems), problems)

    def test_an_alert_without_a_quiet_case_is_caught(self):
        rules, tests, runbook = self.shipped()
        tests = re.sub(r"(?m)^      - eval_time: \d+m\n        alertname: AkhbarAbsent\n        exp_alerts: \[\]\n",
                       "", tests)
        problems = self.problems(rules, tests, runbook)
        self.assertIn("AkhbarAbsent: no unit test in which it does not fire", problems)


if __name__ == "__main__":
    unittest.main()
