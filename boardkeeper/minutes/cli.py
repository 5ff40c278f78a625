"""`boardkeeper extract FILE [--json]`."""

from __future__ import annotations

import json
import logging
import os
import sys
import textwrap

from . import extract
from .errors import MinutesError
from .model import Minutes
from .readers import MAX_BYTES


def extract_command(path: str, *, as_json: bool) -> int:
    # pdfminer logs its repairs of damaged PDFs; the person running us gets one line from us instead
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise MinutesError(f"the file is {size / 1048576:.0f} MB; the limit is {MAX_BYTES // 1048576} MB")
        with open(path, "rb") as f:
            data = f.read()
        minutes = extract(data, os.path.basename(path))
    except MinutesError as exc:
        print(f"boardkeeper: {path}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"boardkeeper: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    # JSON is UTF-8 whatever the terminal's locale says; the text table falls back to '?' where it must
    text = (
        json.dumps(minutes.to_json(), ensure_ascii=False, indent=2) + "\n"
        if as_json
        else render_text(minutes)
    )
    encoding = "utf-8" if as_json else (sys.stdout.encoding or "utf-8")
    try:
        sys.stdout.buffer.write(text.encode(encoding, errors="replace"))
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped reading ('| head'): not an error of ours, and no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def render_text(m: Minutes) -> str:
    """A readable summary: the meeting, people, items and actions as plain-text tables."""
    out: list[str] = []
    meet = m.meeting
    out.append(f"{meet.title or '(untitled meeting)'}")
    out.append(f"Date: {meet.date or 'unknown'}    Next meeting: {meet.next_meeting_date or 'not given'}")
    if meet.location:
        out.append(f"Location: {meet.location}")
    out.append(f"Source: {m.source.name} ({m.source.format}, sha256 {m.source.sha256[:12]})")
    out.append("")
    out.append(f"People ({len(m.people)})")
    out.append(
        _table(
            ["Name", "Initials", "Attendance", "Role", "Organisation"],
            [
                [p.name, p.initials or "", p.attendance.replace("_", " "), p.role or "", p.organisation or ""]
                for p in m.people
            ],
        )
    )
    out.append(f"Items ({len(m.items)})")
    out.append(
        _table(
            ["No.", "Title", "Decisions"], [[i.number or "", i.title, str(len(i.decisions))] for i in m.items]
        )
    )
    explicit = [a for a in m.actions if a.origin != "prose"]
    prose = [a for a in m.actions if a.origin == "prose"]
    out.append(f"Actions ({len(explicit)})")
    out.append(
        _table(
            ["Item", "Action", "Owner", "From"],
            [
                [
                    a.item or a.section or "",
                    a.text,
                    ", ".join(a.owners) or "(none)",
                    a.origin.replace("_", " "),
                ]
                for a in explicit
            ],
        )
    )
    if prose:
        out.append(f"Commitments in the discussion ({len(prose)})")
        out.append(
            _table(
                ["Item", "Commitment", "Owner"],
                [[a.item or a.section or "", a.text, ", ".join(a.owners)] for a in prose],
            )
        )
    if m.warnings:
        out.append("Warnings")
        out.extend(f"  - {w}" for w in m.warnings)
    return "\n".join(out) + "\n"


def _table(header: list[str], rows: list[list[str]], width: int = 110) -> str:
    if not rows:
        return "  (none)\n"
    n = len(header)
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(n)]
    # give the widest column what is left of the line, wrap the rest of its text
    fixed = sum(min(w, 28) for i, w in enumerate(widths) if i != widths.index(max(widths)))
    wide = widths.index(max(widths))
    widths = [
        min(w, 28) if i != wide else max(20, min(w, width - fixed - 3 * n)) for i, w in enumerate(widths)
    ]
    lines = ["  " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(header))]
    lines.append("  " + "-+-".join("-" * w for w in widths))
    for r in rows:
        cells = [textwrap.wrap(c, widths[i]) or [""] for i, c in enumerate(r)]
        for k in range(max(len(c) for c in cells)):
            lines.append(
                "  " + " | ".join((c[k] if k < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells))
            )
    return "\n".join(lines) + "\n"
