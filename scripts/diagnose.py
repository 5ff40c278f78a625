"""Print where extraction and a gold annotation disagree (a development aid):

python scripts/diagnose.py tests/fixtures/heldout [STEM]
"""

import json
import re
import subprocess
import sys
from pathlib import Path


def norm(s):
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", (s or "").casefold())).strip()


folder = Path(sys.argv[1])
only = sys.argv[2] if len(sys.argv) > 2 else ""
for gpath in sorted((folder / "gold").glob("*.json")):
    if only and not gpath.name.startswith(only):
        continue
    gold = json.loads(gpath.read_text())
    doc = folder / gold["file"]
    run = subprocess.run(
        [".venv/bin/boardkeeper", "extract", "--json", str(doc)], capture_output=True, text=True
    )
    if run.returncode:
        print(f"== {doc.name}: FAILED {run.stderr.strip()}")
        continue
    out = json.loads(run.stdout)
    lines = []
    gm, om = gold["meeting"], out["meeting"]
    for k in ("date", "next_meeting_date"):
        if gm.get(k) != om.get(k) and om.get(k) not in gm.get(k + "_alt", []):
            lines.append(f"  {k}: got {om.get(k)} want {gm.get(k)}")
    gi = [(i["number"], norm(i["title"])) for i in gold["items"]]
    oi = [(i["number"], norm(i["title"])) for i in out["items"]]
    if gi != oi:
        lines.append(f"  items got  {[(n, t[:25]) for n, t in oi]}")
        lines.append(f"  items want {[(n, t[:25]) for n, t in gi]}")
    gp = {norm(p["name"]): p["attendance"] for p in gold["people"]}
    op = {norm(p["name"]): p["attendance"] for p in out["people"]}
    for n in gp.keys() - op.keys():
        lines.append(f"  person missing: {n} ({gp[n]})")
    for n in op.keys() - gp.keys():
        lines.append(f"  person extra: {n} ({op[n]})")
    for n in gp.keys() & op.keys():
        if gp[n] != op[n]:
            lines.append(f"  attendance {n}: got {op[n]} want {gp[n]}")
    oa = [a for a in out["actions"] if a["origin"] != "prose"]
    for g in gold["actions"]:
        m = [
            a
            for a in oa
            if norm(g["text"]) in norm(a["text"])
            or (norm(a["text"]) and norm(a["text"]) in norm(g["text"]) and len(norm(a["text"])) > 15)
        ]
        if not m:
            lines.append(f"  action missing: [{g['item']}] {g['text'][:70]} ({g['owners']})")
        elif sorted(map(norm, m[0]["owners"])) != sorted(map(norm, g["owners"])):
            lines.append(
                f"  owners of [{g['item']}] {g['text'][:50]}: got {m[0]['owners']} want {g['owners']}"
            )
        elif m and m[0]["item"] != g["item"] and m[0]["item"] not in (g.get("item_alt") or []):
            lines.append(f"  item of {g['text'][:50]}: got {m[0]['item']} want {g['item']}")
    for a in oa:
        if not any(
            norm(g["text"]) in norm(a["text"]) or norm(a["text"]) in norm(g["text"])
            for g in gold["actions"] + gold.get("actions_optional", [])
        ):
            lines.append(f"  action extra: [{a['item']}] {a['text'][:70]}")
    op_ = [a for a in out["actions"] if a["origin"] == "prose"]
    for g in gold.get("prose_actions_core", []):
        gw = set(norm(g["text"]).split())
        if not any(
            len(gw & set(norm(a["text"] + " " + (a["quote"] or "")).split())) / max(1, len(gw)) >= 0.3
            for a in op_
        ):
            lines.append(f"  prose missing: [{g['item']}] {g['text'][:60]} ({g['owners']})")
    for r in gold.get("prose_restating_listed_actions", []):
        rw = set(norm(r["quote"]).split())
        for a in op_:
            aw = set(norm(a["quote"] or a["text"]).split())
            if rw and aw and len(rw & aw) / min(len(rw), len(aw)) >= 0.6:
                lines.append(f"  prose restates: {r['quote'][:70]}")
                break
    print(f"== {doc.name}: {'OK' if not lines else ''}")
    print("\n".join(lines)) if lines else None
