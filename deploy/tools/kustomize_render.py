#!/usr/bin/env python3
"""Renders the kustomize base in deploy/k8s without kubectl or kustomize.

scripts/check-deploy uses `kubectl kustomize` or `kustomize build` when either is installed and
falls back to this script otherwise. It implements exactly the features deploy/k8s/kustomization.yaml
uses, the way kustomize does: `resources` (files, in order), `labels` (added to metadata.labels
only, as kustomize does without includeSelectors/includeTemplates), `configMapGenerator` (files;
name suffixed with kustomize's content hash, references in Deployments rewritten) and `images`
(newName/newTag). Anything else in the kustomization is an error, so the fallback cannot silently
drift from kustomize. Output: the multi-document YAML on stdout.

Usage: kustomize_render.py DIR
"""

import hashlib
import json
import sys
from pathlib import Path

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "labels", "configMapGenerator", "images"}


def config_map_hash(cm: dict) -> str:
    """kustomize's name suffix: sha256 of the ConfigMap's canonical JSON, then its encoding.

    kustomize 5 hashes a generated ConfigMap while its name is still empty, hence "name": "".
    """
    canonical = {"kind": "ConfigMap", "name": "", "data": cm.get("data", {})}
    if cm.get("binaryData"):
        canonical["binaryData"] = cm["binaryData"]
    text = json.dumps(canonical, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    # Go's encoding/json, which kustomize hashes with, escapes these for embedding in HTML.
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return encode_hash(digest)


def encode_hash(hex_digest: str) -> str:
    """kustomize's encodeHash: the first 10 hex characters, vowels and look-alikes replaced."""
    swap = {"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}
    return "".join(swap.get(c, c) for c in hex_digest[:10])


def add_labels(doc: dict, pairs: dict) -> None:
    meta = doc.setdefault("metadata", {})
    meta.setdefault("labels", {}).update(pairs)


def set_image(container: dict, images: list) -> None:
    ref = container.get("image", "")
    name, _, _tag = ref.partition(":")
    for img in images:
        if img["name"] == name:
            new = img.get("newName", name)
            tag = img.get("newTag", _tag)
            container["image"] = f"{new}:{tag}" if tag else new


def render(root: Path) -> list:
    kust = yaml.safe_load((root / "kustomization.yaml").read_text())
    unknown = set(kust) - SUPPORTED
    if unknown:
        sys.exit(f"kustomize_render.py: unsupported kustomization fields {sorted(unknown)}")
    docs = []
    for res in kust.get("resources", []):
        for doc in yaml.safe_load_all((root / res).read_text()):
            if doc:
                docs.append(doc)
    renames = {}
    for gen in kust.get("configMapGenerator", []):
        if set(gen) - {"name", "files"}:
            sys.exit(f"kustomize_render.py: unsupported configMapGenerator fields in {gen}")
        data = {}
        for f in gen.get("files", []):
            key, _, path = f.partition("=") if "=" in f else (Path(f).name, "", f)
            data[key] = (root / path).read_text()
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data}
        hashed = f"{gen['name']}-{config_map_hash(cm)}"
        renames[gen["name"]] = hashed
        cm["metadata"]["name"] = hashed
        docs.append(cm)
    for label_set in kust.get("labels", []):
        if set(label_set) - {"pairs"}:
            sys.exit(f"kustomize_render.py: unsupported labels options in {label_set}")
        for doc in docs:
            add_labels(doc, label_set["pairs"])
    for doc in docs:
        spec = doc.get("spec", {}).get("template", {}).get("spec")
        if doc.get("kind") != "Deployment" or spec is None:
            continue
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            set_image(c, kust.get("images", []))
            for env in c.get("env", []):
                ref = env.get("valueFrom", {}).get("configMapKeyRef")
                if ref and ref.get("name") in renames:
                    ref["name"] = renames[ref["name"]]
        for vol in spec.get("volumes", []):
            ref = vol.get("configMap")
            if ref and ref.get("name") in renames:
                ref["name"] = renames[ref["name"]]
    return docs


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    docs = render(Path(sys.argv[1]))
    sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=True, allow_unicode=True))


if __name__ == "__main__":
    main()
