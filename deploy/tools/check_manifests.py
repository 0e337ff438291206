#!/usr/bin/env python3
"""Checks the rendered kustomize output of deploy/k8s (scripts/check-deploy runs it).

Core Kubernetes kinds are written one per file into OUTDIR for `kubernetes-validate --strict`
(offline JSON schemas). The custom resources (KEDA ScaledObject, Prometheus Operator PodMonitor /
ServiceMonitor / PrometheusRule) have no schema there, so this script checks them itself: YAML
structure, the fields their operators require, that they point at what the base defines, and that
the PrometheusRule holds exactly the groups of deploy/prometheus/rules/akhbar.rules.yml (the file
promtool checks and unit-tests). The KEDA trigger must watch the stream and the consumer that
akhbar is configured with (the rendered ConfigMap's akhbar.toml, the Deployment's AKHBAR_INPUT__…
variables, else the defaults in config/akhbar.toml): on a mismatch KEDA scales on the stream's last
sequence and pins maxReplicaCount. It also checks the cross-references between core objects
(Service and PodMonitor selectors, probe ports, ConfigMap volumes), the disruption budget and the
security settings the base promises.

Usage: check_manifests.py RENDERED.yaml OUTDIR
"""

import sys
import tomllib
from pathlib import Path

import yaml

CRD_GROUPS = ("keda.sh/", "monitoring.coreos.com/")
RULES_FILE = Path(__file__).resolve().parents[1] / "prometheus" / "rules" / "akhbar.rules.yml"
DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "config" / "akhbar.toml"
CONFIG_MOUNT = "/etc/akhbar"
CONFIG_KEY = "akhbar.toml"
errors = []


def fail(msg: str) -> None:
    errors.append(msg)


def need(doc: dict, path: str):
    """The value at dotted `path` in doc, or records an error and returns None."""
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)] if part.isdigit() and int(part) < len(cur) else None
        elif isinstance(cur, dict):
            cur = cur.get(part)
        else:
            cur = None
        if cur is None:
            fail(f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}: missing {path}")
            return None
    return cur


def matches(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def akhbar_input(by_kind: dict) -> dict:
    """The [input] settings akhbar runs with, per Deployment container: the defaults, then the
    akhbar.toml of the ConfigMap mounted at /etc/akhbar, then AKHBAR_INPUT__* variables."""
    defaults = tomllib.loads(DEFAULTS_FILE.read_text()).get("input", {})
    config_maps = {c["metadata"]["name"]: c for c in by_kind.get("ConfigMap", [])}
    found = {}
    for dep in by_kind.get("Deployment", []):
        spec = dep["spec"]["template"]["spec"]
        volumes = {v["name"]: v.get("configMap", {}).get("name") for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            settings = dict(defaults)
            for mount in c.get("volumeMounts", []):
                cm = config_maps.get(volumes.get(mount["name"]))
                if mount.get("mountPath") == CONFIG_MOUNT and cm and CONFIG_KEY in cm.get("data", {}):
                    try:
                        settings.update(tomllib.loads(cm["data"][CONFIG_KEY]).get("input", {}))
                    except tomllib.TOMLDecodeError as e:
                        fail(f"ConfigMap {cm['metadata']['name']}: {CONFIG_KEY} is not TOML: {e}")
            for env in c.get("env", []):
                if env.get("name", "").startswith("AKHBAR_INPUT__") and "value" in env:
                    settings[env["name"].removeprefix("AKHBAR_INPUT__").lower()] = env["value"]
            found[f"{dep['metadata']['name']}/{c['name']}"] = settings
    return found


def check_keda_names(meta: dict, by_kind: dict) -> None:
    for where, settings in akhbar_input(by_kind).items():
        if settings.get("mode", "jetstream") != "jetstream":
            fail(f"{where}: input.mode is {settings.get('mode')!r}; the nats-jetstream trigger needs jetstream")
        for key in ("stream", "consumer"):
            if meta.get(key) != settings.get(key):
                fail(f"nats-jetstream trigger watches {key} {meta.get(key)!r}, but {where} "
                     f"consumes {key} {settings.get(key)!r} (akhbar.toml [input] {key})")


def check_crds(docs: list, by_kind: dict) -> None:
    deployments = by_kind.get("Deployment", [])
    pod_labels = [d["spec"]["template"]["metadata"].get("labels", {}) for d in deployments]
    for doc in docs:
        kind = doc.get("kind")
        for field in ("apiVersion", "kind", "metadata.name", "spec"):
            need(doc, field)
        if kind == "ScaledObject":
            target = need(doc, "spec.scaleTargetRef.name")
            if target and target not in {d["metadata"]["name"] for d in deployments}:
                fail(f"ScaledObject scaleTargetRef.name {target!r} is no Deployment of the base")
            triggers = need(doc, "spec.triggers") or []
            if not triggers:
                fail("ScaledObject has no triggers")
            for t in triggers:
                if t.get("type") == "nats-jetstream":
                    meta = t.get("metadata", {})
                    for key in ("natsServerMonitoringEndpoint", "account", "stream", "consumer", "lagThreshold"):
                        if not meta.get(key):
                            fail(f"nats-jetstream trigger: missing metadata.{key}")
                    for key, value in meta.items():
                        if not isinstance(value, str):
                            fail(f"nats-jetstream trigger: metadata.{key} must be a string")
                    host = str(meta.get("natsServerMonitoringEndpoint", "")).split(":")[0]
                    if not host.split(".")[0].endswith("-headless"):
                        fail(f"nats-jetstream trigger: natsServerMonitoringEndpoint {host!r} is not the "
                             "NATS chart's headless Service (<release>-headless), which carries the "
                             "monitoring port and resolves each server of a cluster")
                    check_keda_names(meta, by_kind)
                elif not t.get("type"):
                    fail("ScaledObject trigger without type")
            lo, hi = doc["spec"].get("minReplicaCount", 0), doc["spec"].get("maxReplicaCount", 100)
            if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi):
                fail("ScaledObject: need 0 <= minReplicaCount <= maxReplicaCount")
            fallback = doc["spec"].get("fallback") or {}
            threshold, replicas = fallback.get("failureThreshold"), fallback.get("replicas")
            if not (isinstance(threshold, int) and threshold > 0):
                fail("ScaledObject: fallback.failureThreshold must be a positive integer")
            if not (isinstance(replicas, int) and isinstance(lo, int) and isinstance(hi, int)
                    and lo <= replicas <= hi):
                fail("ScaledObject: fallback.replicas must lie between minReplicaCount and maxReplicaCount")
        elif kind in ("PodMonitor", "ServiceMonitor"):
            sel = need(doc, "spec.selector.matchLabels") or {}
            eps_key = "podMetricsEndpoints" if kind == "PodMonitor" else "endpoints"
            eps = need(doc, f"spec.{eps_key}") or []
            if not eps:
                fail(f"{kind} has no {eps_key}")
            if kind == "PodMonitor":
                if not any(matches(sel, lab) for lab in pod_labels):
                    fail(f"PodMonitor selector {sel} matches no Deployment's pods")
                ports = {p.get("name") for d in deployments
                         for c in d["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
            else:
                services = [s for s in by_kind.get("Service", []) if matches(sel, s["metadata"].get("labels", {}))]
                if not services:
                    fail(f"ServiceMonitor selector {sel} matches no Service")
                ports = {p.get("name") for s in services for p in s["spec"].get("ports", [])}
            for ep in eps:
                if ep.get("port") not in ports:
                    fail(f"{kind} endpoint port {ep.get('port')!r} is not a named port ({sorted(ports)})")
        elif kind == "PrometheusRule":
            groups = need(doc, "spec.groups")
            if groups != yaml.safe_load(RULES_FILE.read_text()).get("groups"):
                fail(f"PrometheusRule spec.groups differ from {RULES_FILE.name}; copy the groups over")
        else:
            fail(f"unexpected custom resource {kind} ({doc.get('apiVersion')}): teach check_manifests.py")


def check_core(by_kind: dict) -> None:
    config_maps = {c["metadata"]["name"] for c in by_kind.get("ConfigMap", [])}
    for dep in by_kind.get("Deployment", []):
        name = dep["metadata"]["name"]
        tmpl = dep["spec"]["template"]
        spec = tmpl["spec"]
        if not matches(dep["spec"]["selector"].get("matchLabels", {}), tmpl["metadata"].get("labels", {})):
            fail(f"Deployment {name}: selector does not match the pod template labels")
        if not spec.get("securityContext", {}).get("runAsNonRoot"):
            fail(f"Deployment {name}: pod securityContext.runAsNonRoot must be true")
        for vol in spec.get("volumes", []):
            cm = vol.get("configMap", {}).get("name")
            if cm and cm not in config_maps:
                fail(f"Deployment {name}: volume {vol['name']} uses ConfigMap {cm!r}, not in the base")
        for c in spec["containers"]:
            sc = c.get("securityContext", {})
            if sc.get("readOnlyRootFilesystem") is not True:
                fail(f"{name}/{c['name']}: readOnlyRootFilesystem must be true")
            if sc.get("allowPrivilegeEscalation") is not False:
                fail(f"{name}/{c['name']}: allowPrivilegeEscalation must be false")
            for res in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in c.get("resources", {}).get(res, {}):
                        fail(f"{name}/{c['name']}: resources.{res}.{r} missing")
            ports = {p.get("name") for p in c.get("ports", [])} | {p.get("containerPort") for p in c.get("ports", [])}
            for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
                get = c.get(probe, {}).get("httpGet", {})
                if get.get("path") != path:
                    fail(f"{name}/{c['name']}: {probe} must be an HTTP GET of {path}")
                if get.get("port") not in ports:
                    fail(f"{name}/{c['name']}: {probe} port {get.get('port')!r} is not a container port")
    pods = [d["spec"]["template"]["metadata"].get("labels", {}) for d in by_kind.get("Deployment", [])]
    for svc in by_kind.get("Service", []):
        if not any(matches(svc["spec"].get("selector", {}), lab) for lab in pods):
            fail(f"Service {svc['metadata']['name']}: selector matches no Deployment's pods")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        name = pdb["metadata"]["name"]
        if not any(matches(pdb["spec"].get("selector", {}).get("matchLabels", {}), lab) for lab in pods):
            fail(f"PodDisruptionBudget {name}: selector matches no Deployment's pods")
        if "minAvailable" in pdb["spec"] or pdb["spec"].get("maxUnavailable") != 1:
            fail(f"PodDisruptionBudget {name}: use maxUnavailable: 1 (minAvailable blocks every "
                 "node drain while a single replica runs)")


def check(docs: list, out: Path) -> list:
    """Checks the rendered objects, writing the core ones into `out`; returns the problems."""
    errors.clear()
    out.mkdir(parents=True, exist_ok=True)
    by_kind, crds = {}, []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
            fail(f"document {i} is not a Kubernetes object")
            continue
        by_kind.setdefault(doc["kind"], []).append(doc)
        if doc["apiVersion"].startswith(CRD_GROUPS):
            crds.append(doc)
        else:
            (out / f"{i:02d}-{doc['kind'].lower()}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    for kind in ("Deployment", "Service", "ConfigMap", "ScaledObject", "PodDisruptionBudget"):
        if kind not in by_kind:
            fail(f"the base renders no {kind}")
    if "PodMonitor" not in by_kind and "ServiceMonitor" not in by_kind:
        fail("the base renders no PodMonitor or ServiceMonitor")
    check_core(by_kind)
    check_crds(crds, by_kind)
    return list(errors)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    docs = [d for d in yaml.safe_load_all(Path(sys.argv[1]).read_text()) if d]
    problems = check(docs, Path(sys.argv[2]))
    if problems:
        print("\n".join(f"    FAIL {e}" for e in problems), file=sys.stderr)
        sys.exit(1)
    crds = [d for d in docs if d["apiVersion"].startswith(CRD_GROUPS)]
    print(f"    {len(docs) - len(crds)} core objects written for kubernetes-validate; "
          f"{len(crds)} custom resources checked: {', '.join(d['kind'] for d in crds)}")


if __name__ == "__main__":
    main()
