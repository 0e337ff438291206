#!/usr/bin/env python3
"""Score akhbar's cleaned articles against gold files, overall and per kind of page furniture.

usage: eval_text.py GOLD_DIR OUT_DIR [--json]

GOLD_DIR holds NAME.json gold files: {page, title, published, sources, tags_text, paragraphs,
kinds?}; OUT_DIR holds NAME.json article events from `akhbar clean --out-dir`. A missing
output scores zero. Body quality is bag-of-words precision/recall/F1 over normalised tokens
(Arabic letter variants folded, diacritics and tatweel dropped, punctuation ignored); title,
date, sources and tags are compared after the same normalisation. `kinds` (numbers of the
furniture kinds a page shows, see docs/extraction.md) group the pages in a second table.
Standard library only.
"""
import collections
import json
import os
import re
import sys
import unicodedata

FOLD = str.maketrans({
    "\u06cc": "\u064a", "\u06d2": "\u064a", "\u0649": "\u064a",
    "\u06a9": "\u0643",
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0629": "\u0647",
    "\u0640": None,
})
MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
WORD = re.compile(r"\w+", re.UNICODE)

KINDS = {
    1: "headline placement", 2: "headline printed twice", 3: "short paragraphs, subheads",
    4: "masthead, menus, labels", 5: "bylines, datelines", 6: "tickers, teasers",
    7: "captions, credits", 8: "date lines in body", 9: "widgets, counters",
    10: "follow/subscribe banners", 11: "comment areas", 12: "after the body",
    13: "date traps", 14: "unlabelled tags",
}


def norm(text):
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return " ".join(WORD.findall(MARKS.sub("", text).translate(FOLD).lower()))


def prf(gold, got):
    g, o = collections.Counter(gold), collections.Counter(got)
    hit = sum((g & o).values())
    p = hit / sum(o.values()) if o else (1.0 if not g else 0.0)
    r = hit / sum(g.values()) if g else (1.0 if not o else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold, out):
    body = "\n\n".join(gold.get("paragraphs") or [])
    if out is None:
        return dict(p=0.0, r=0.0, f1=0.0, title=0, date=0, sources=0, tags=0)
    p, r, f = prf(norm(body).split(), norm(out.get("body")).split())
    published = (out.get("published_at") or "")[:10] or None
    return dict(
        p=p, r=r, f1=f,
        title=int(norm(gold.get("title")) == norm(out.get("title"))),
        date=int(gold.get("published") == published),
        sources=int(sorted(map(norm, gold.get("sources") or []))
                    == sorted(map(norm, out.get("sources") or []))),
        tags=int(norm(gold.get("tags_text")) == norm(" ".join(out.get("tags") or []))),
    )


def mean(rows, key):
    return sum(r[key] for r in rows) / len(rows) if rows else 0.0


def line(label, rows):
    return (f"{label:34s} pages={len(rows):3d} body_P={mean(rows, 'p'):.3f} "
            f"body_R={mean(rows, 'r'):.3f} body_F1={mean(rows, 'f1'):.3f} "
            f"title={mean(rows, 'title'):.2f} date={mean(rows, 'date'):.2f} "
            f"sources={mean(rows, 'sources'):.2f} tags={mean(rows, 'tags'):.2f}")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    gold_dir, out_dir = args
    rows, by_kind = [], collections.defaultdict(list)
    for name in sorted(f[:-5] for f in os.listdir(gold_dir) if f.endswith(".json")):
        with open(os.path.join(gold_dir, name + ".json"), encoding="utf-8") as fh:
            gold = json.load(fh)
        path = os.path.join(out_dir, name + ".json")
        out = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                out = json.load(fh)
        row = score(gold, out)
        row["name"] = name
        rows.append(row)
        for kind in gold.get("kinds") or []:
            by_kind[kind].append(row)
    if "--json" in argv:
        print(json.dumps({"pages": rows}, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r['name']:40s} P={r['p']:.3f} R={r['r']:.3f} F1={r['f1']:.3f} "
              f"title={r['title']} date={r['date']} sources={r['sources']} tags={r['tags']}")
    if by_kind:
        print("\nby kind of furniture (pages showing it):")
        for kind in sorted(by_kind):
            print(line(f"  {kind:2d} {KINDS.get(kind, '')}", by_kind[kind]))
    print()
    print(line("all", rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
