"""Print a document's layout blocks (a development aid): python scripts/dump_layout.py FILE"""

import sys

from boardkeeper.minutes.layout import Table
from boardkeeper.minutes.readers import read

with open(sys.argv[1], "rb") as f:
    layout = read(f.read())
print("format", layout.format, "warnings", layout.warnings)
for b in layout.blocks:
    if isinstance(b, Table):
        print(f"TABLE p{b.page}")
        for row in b.rows:
            print("  ROW", [" / ".join(p.text[:50] for p in c.paras) for c in row])
    else:
        flags = "".join(
            f
            for f, on in (
                (f"H{b.heading}", b.heading),
                ("B", b.bold),
                ("U", b.underline),
                ("L", b.list_item),
            )
            if on
        )
        print(f"P[{flags}] {b.text[:110]}")
