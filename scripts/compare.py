"""Compare extraction with a gold file (a development aid): python scripts/compare.py STEM"""

import json
import subprocess
import sys
from pathlib import Path

corpus = Path("/work/shared/corpus")
stem = sys.argv[1]
doc = next(p for p in corpus.iterdir() if p.name.startswith(stem) and p.suffix != ".json")
gold = (
    json.loads(
        (
            corpus
            / "gold"
            / (doc.stem + (doc.suffix + ".json" if doc.suffix in (".docx", ".pdf") else ".json"))
        ).read_text()
    )
    if False
    else None
)
for g in (corpus / "gold").glob("*.json"):
    d = json.loads(g.read_text())
    if d["file"] == doc.name:
        gold = d
out = json.loads(
    subprocess.run(
        [".venv/bin/boardkeeper", "extract", "--json", str(doc)], capture_output=True, text=True
    ).stdout
)
what = sys.argv[2:] or ["meeting", "people", "items", "actions", "prose"]
if "meeting" in what:
    print("MEETING", out["meeting"], "\n   GOLD", gold["meeting"])
if "people" in what:
    print("PEOPLE")
    for p in out["people"]:
        print("  ", p["name"], p.get("initials"), p["attendance"], p.get("role"), p.get("organisation"))
    print(" GOLD:", [p["name"] for p in gold["people"]])
if "items" in what:
    print("ITEMS", [(i["number"], i["title"][:40]) for i in out["items"]])
    print(" GOLD", [(i["number"], i["title"][:40]) for i in gold["items"]])
if "actions" in what:
    print("ACTIONS")
    for a in out["actions"]:
        if a["origin"] != "prose":
            print("  ", a["item"], a["text"][:70], a["owners"], a["owner_text"])
    print(" GOLD")
    for a in gold["actions"]:
        print("  ", a["item"], a["text"][:70], a["owners"])
if "prose" in what:
    print("PROSE")
    for a in out["actions"]:
        if a["origin"] == "prose":
            print("  ", a["item"], a["owners"], a["text"][:70], "|Q:", (a["quote"] or "")[:60])
    print(" GOLD")
    for a in gold.get("prose_actions_core", []):
        print("  ", a["item"], a["owners"], a["text"][:70])
print("WARNINGS", out["warnings"])
