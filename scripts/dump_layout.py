"""Print a document's layout blocks (a development aid): python scripts/dump_layout.py FILE [WIDTH]

Paragraph flags: H<n> heading, B bold, U underlined, L list entry, C<n> text column; an aside (a
margin note level with the paragraph) follows '>>'; PDF paragraphs show their page and left edge.
"""

import sys

from boardkeeper.minutes.layout import Table
from boardkeeper.minutes.readers import read

width = int(sys.argv[2]) if len(sys.argv) > 2 else 110
with open(sys.argv[1], "rb") as f:
    layout = read(f.read())
print("format", layout.format, "warnings", layout.warnings)
for b in layout.blocks:
    if isinstance(b, Table):
        print(f"TABLE p{b.page}{'' if b.ruled else ' (unruled)'}")
        for row in b.rows:
            print(
                "  ROW",
                [
                    " / ".join(p.text[:50] + (f" >>{p.aside}" if p.aside else "") for p in c.paras)
                    for c in row
                ],
            )
    else:
        flags = "".join(
            f
            for f, on in (
                (f"H{b.heading}", b.heading),
                ("B", b.bold),
                ("U", b.underline),
                ("L", b.list_item),
                (f"C{b.column}", b.column),
            )
            if on
        )
        where = f"p{b.page} x{b.x0:.0f} " if b.x0 is not None else ""
        aside = f"  >>{b.aside}" if b.aside else ""
        print(f"{where}P[{flags}] {b.text[:width]}{aside}")
