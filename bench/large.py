"""Time and peak memory of the minutes engine on an enormous text, markdown or HTML file (issue 12).

    .venv/bin/python bench/large.py [--mb 45] [--case NAME ...] [--read-only] [--json]

The largest upload accepted is 50 MB (`readers.MAX_BYTES`); the engine's memory target is a peak
under 100 MB (docs/benchmarks.md). Each case builds a file of about --mb megabytes in a temporary
directory from minutes in tests/fixtures and ../shared/corpus2 repeated (generated, never committed),
then measures it in a fresh process of its own (this script re-run with --worker), pinned to one CPU:

* the worker imports the engine, reads the file's bytes (as `boardkeeper extract` and the upload do),
  then runs `readers.read` (the reader alone) or `extract` (reading and extraction);
* **seconds** is the wall time of that call; **peak RSS** is the worker's peak (`VmHWM`) at the end
  (the whole process: interpreter, libraries, the file's bytes, reading and extraction), and
  **RSS before** the same just before the call (interpreter, imports and the bytes).

The cases:

* `tab-html`: the Warwickshire minutes as text (Word tables saved as text: tab-separated cells
  with HTML inside), repeated;
* `tab-plain`: the same with the HTML taken out of the cells (tab-separated cells of plain text);
* `no-tabs`: the plain one with every tab a line break (paragraphs only, no tables);
* `one-line`: the Warwickshire text as one line, no line break in the whole file;
* `tiny-lines`: lines of one to three characters;
* `markdown`: the uwcs markdown minutes (headings, bullets, bold) repeated;
* `html`: the srcf HTML minutes repeated inside one page.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import _pin_to_one_cpu

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "warwickshire-executive-board-2022-02-23.txt"
CORPUS2 = ROOT.parent / "shared" / "corpus2"
MEMORY_TARGET_MB = 100


def _maxrss_mb() -> float:
    """The process's peak resident memory. On Linux VmHWM: ru_maxrss survives exec, so a worker
    would report its parent's peak (the parent built a 45 MB file) whenever that was higher."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def _repeat(unit: bytes, size: int) -> bytes:
    return unit * max(1, size // len(unit))


def _warwickshire() -> bytes:
    return FIXTURE.read_bytes()


def _tab_plain() -> bytes:
    return re.sub(rb"<[^<>\t\n]*>", b" ", _warwickshire())


def _no_tabs() -> bytes:
    return _tab_plain().replace(b"\t", b"\n")


def _one_line() -> bytes:
    return re.sub(rb"\s+", b" ", _tab_plain()) + b" "


def _tiny_lines() -> bytes:
    return b"a\nbc\n\nd e\n1.\n\nxy\n"


def _markdown() -> bytes:
    path = CORPUS2 / "15_uwcs-exec-2009-11-10.md"
    return (
        path.read_bytes() + b"\n\n"
        if path.exists()
        else b"# Minutes\n\n**Present:** A, B\n\n- one\n- two\n\n"
    )


def _html() -> bytes:
    path = CORPUS2 / "13_srcf-committee-2009-04-18.html"
    body = (
        path.read_bytes() if path.exists() else b"<h2>Item</h2><p>Text <b>bold</b></p><ul><li>one</li></ul>"
    )
    m = re.search(rb"(?is)<body[^>]*>(.*)</body>", body)
    return m.group(1) if m else body


CASES: dict[str, Callable[[], bytes]] = {
    "tab-html": _warwickshire,
    "tab-plain": _tab_plain,
    "no-tabs": _no_tabs,
    "one-line": _one_line,
    "tiny-lines": _tiny_lines,
    "markdown": _markdown,
    "html": _html,
}


def build(case: str, size: int, directory: Path) -> Path:
    unit = CASES[case]()
    data = _repeat(unit, size)
    if case == "html":
        data = b"<!DOCTYPE html><html><head><title>Minutes</title></head><body>" + data + b"</body></html>"
    path = directory / f"{case}.txt"
    path.write_bytes(data)
    return path


def worker(path: str, what: str) -> dict[str, Any]:
    _pin_to_one_cpu()
    from boardkeeper.minutes import MinutesError, extract
    from boardkeeper.minutes.readers import read

    rss_import = _maxrss_mb()
    data = Path(path).read_bytes()
    rss_before = _maxrss_mb()
    start = time.perf_counter()
    result: dict[str, Any] = {}
    try:
        if what == "read":
            layout = read(data)
            result["blocks"] = len(layout.blocks)
            result["format"] = layout.format
        else:
            minutes = extract(data, Path(path).name)
            result["items"] = len(minutes.items)
            result["actions"] = len(minutes.actions)
            result["format"] = minutes.source.format
    except MinutesError as exc:
        result["error"] = str(exc)
    result.update(
        seconds=time.perf_counter() - start,
        rss_import_mb=rss_import,
        rss_before_mb=rss_before,
        peak_rss_mb=_maxrss_mb(),
    )
    return result


def run_worker(path: Path, what: str) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", what, str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=45.0, help="size of each generated file (default 45)")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="only these cases")
    parser.add_argument(
        "--read-only", action="store_true", help="measure the reader alone, not the extraction"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--worker", nargs=2, metavar=("WHAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[1], args.worker[0])))
        return 0

    whats = ["read"] if args.read_only else ["read", "extract"]
    results = []
    print(f"{'case':11s} {'MB':>5s} {'step':8s} {'seconds':>8s} {'RSS before':>10s} {'peak RSS':>9s}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.case or list(CASES):
            path = build(case, int(args.mb * 1024 * 1024), Path(tmp))
            size_mb = path.stat().st_size / (1024 * 1024)
            for what in whats:
                r = run_worker(path, what)
                r.update(case=case, step=what, mb=size_mb)
                results.append(r)
                if "seconds" not in r:
                    print(f"{case:11s} {size_mb:5.1f} {what:8s} failed: {r['error']}")
                    continue
                verdict = "ok" if r["peak_rss_mb"] < MEMORY_TARGET_MB else "MISS"
                detail = r.get("error") or ", ".join(
                    f"{k} {r[k]:,}" for k in ("blocks", "items", "actions") if k in r
                )
                print(
                    f"{case:11s} {size_mb:5.1f} {what:8s} {r['seconds']:8.2f} {r['rss_before_mb']:10.1f}"
                    f" {r['peak_rss_mb']:9.1f}  {r.get('format', '')}: {detail} (<{MEMORY_TARGET_MB} MB {verdict})"
                )
            path.unlink()
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
