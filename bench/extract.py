"""Throughput and memory of `boardkeeper.minutes.extract`, per document format.

    .venv/bin/python bench/extract.py [DIR_OR_FILE ...] [--min-seconds 2] [--json]

Documents come from tests/fixtures, the demo's sample (boardkeeper/meetings/sample), ../shared/corpus
and ../shared/corpus2 (the shared corpus of real minutes beside the clone, when present) plus any
directories or files given (directories are searched recursively for .txt .md .html .htm .php .docx .pdf, README files left
out; the same content under two names is measured once). They are grouped by the format the engine sniffs from their content. Each format is measured
in a fresh process of its own (this script re-run with --worker), pinned to one CPU:

* docs/s: every document of the format is extracted once to warm up (imports,
  regex compilation), then the whole set is extracted repeatedly until at least
  --min-seconds have passed; docs/s = extractions / elapsed.
* pages/s (PDF): the same loop, counting each document's pages.
* peak RSS: the worker's ru_maxrss (resident memory of the whole process: interpreter,
  libraries and extraction) just after import, after the first pass over the documents,
  and at the end of the timed loop. The last can exceed the first pass where freed C
  memory (lxml, zip buffers) stays in glibc's heap rather than going back to the OS.
* tracemalloc peak: the most Python memory one extraction allocates at its peak (above
  what was allocated before it), over every document of the format, traced after the
  timed loop so tracing does not slow the timing.
* beside the libraries, in the same worker and on the same files, alternating file by file:
  PDF: our whole extraction against pdfplumber opening the file and running its own table
  finder on every page (`page.find_tables()`, no text); Word: our whole extraction against
  python-docx opening the file and walking every paragraph and table cell's text.
* one-shot: `boardkeeper extract --json FILE` as a user runs it (a new process: interpreter start,
  imports, reading, extraction, printing), the median of five runs of the format's largest file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from common import _pin_to_one_cpu

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared corpus of real minutes, beside the clone; not in this repository
DEFAULT_DIRS = [
    ROOT / "tests" / "fixtures",
    ROOT / "boardkeeper" / "meetings" / "sample",  # the Word seed minutes, the demo's sample
    *(d for d in (SHARED / "corpus", SHARED / "corpus2") if d.is_dir()),
]
SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".php", ".docx", ".pdf"}
FORMATS = ["text", "markdown", "html", "docx", "pdf"]
# targets: (docs/s, pages/s); memory target applies to every format
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "text": (200, None),
    "docx": (50, None),
    "pdf": (None, 25),
}
MEMORY_TARGET_MB = 100
PDF_VS_PDFPLUMBER = (
    2.5  # our whole reading and extraction at least this many times faster than its table finder
)
DOCX_VS_PYTHON_DOCX = 1.5  # and a Word file within this factor of python-docx opening and walking it
ONE_SHOT_SECONDS = 0.3  # `boardkeeper extract FILE` from start to finish


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def _pages(data: bytes, fmt: str) -> int:
    if fmt != "pdf":
        return 0
    from boardkeeper.minutes.readers import read

    pages = read(data).pages
    if pages:
        return pages
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


# ---------------------------------------------------------------- worker (one format, fresh process)


def worker(fmt: str, paths: list[str], min_seconds: float) -> dict[str, Any]:
    cpu = _pin_to_one_cpu()
    from boardkeeper.minutes import MinutesError, extract

    rss_after_import = _maxrss_mb()
    docs: list[tuple[str, bytes]] = [(Path(p).name, Path(p).read_bytes()) for p in paths]
    failed: dict[str, str] = {}
    ok: list[tuple[str, bytes]] = []
    for name, data in docs:  # warm-up, and weed out documents the engine rejects
        try:
            extract(data, name)
        except MinutesError as exc:
            failed[name] = f"MinutesError: {exc}"
            continue
        except Exception as exc:  # an engine bug: report it, keep measuring the rest
            failed[name] = f"{type(exc).__name__}: {exc}"
            continue
        ok.append((name, data))
    rss_after_warmup = _maxrss_mb()
    result: dict[str, Any] = {"format": fmt, "cpu": cpu, "failed": failed, "docs": len(ok)}
    if not ok:
        return result
    pages = {name: _pages(data, fmt) for name, data in ok}

    extractions = 0
    page_count = 0
    per_doc = dict.fromkeys(pages, 0.0)
    clock = time.perf_counter
    start = clock()
    elapsed = 0.0
    while elapsed < min_seconds:
        for name, data in ok:
            t = clock()
            extract(data, name)
            per_doc[name] += clock() - t
            extractions += 1
            page_count += pages[name]
        elapsed = clock() - start
    runs_each = extractions // len(ok)
    cpu_times = os.times()
    peak_rss = _maxrss_mb()

    result["beside"] = _beside(fmt, ok)

    traced_peak, largest_name = 0, ""
    tracemalloc.start()
    for name, data in ok:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        extract(data, name)
        peak = tracemalloc.get_traced_memory()[1] - base
        if peak > traced_peak:
            traced_peak, largest_name = peak, name
    tracemalloc.stop()

    result.update(
        extractions=extractions,
        seconds=elapsed,
        cpu_seconds=cpu_times.user + cpu_times.system,
        docs_per_s=extractions / elapsed,
        pages=sum(pages.values()),
        pages_per_s=page_count / elapsed if page_count else None,
        bytes=sum(len(d) for _, d in ok),
        rss_after_import_mb=rss_after_import,
        rss_after_warmup_mb=rss_after_warmup,
        peak_rss_mb=peak_rss,
        tracemalloc_peak_mb=traced_peak / (1024 * 1024),
        tracemalloc_doc=largest_name,
        per_doc=[
            {"name": name, "bytes": len(data), "pages": pages[name], "ms": 1000 * per_doc[name] / runs_each}
            for name, data in ok
        ],
    )
    return result


def _beside(fmt: str, docs: list[tuple[str, bytes]]) -> dict[str, float] | None:
    """Seconds per file, ours and the library's, on the same files, alternating, at least 3 rounds."""
    import io

    from boardkeeper.minutes import extract

    if fmt == "pdf":
        import pdfplumber

        def theirs(data: bytes) -> None:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    page.find_tables()
                    page.close()

    elif fmt == "docx":
        import docx

        def theirs(data: bytes) -> None:
            document = docx.Document(io.BytesIO(data))
            texts = [p.text for p in document.paragraphs]
            for table in document.tables:
                texts.extend(c.text for row in table.rows for c in row.cells)

    else:
        return None
    from boardkeeper.minutes.readers import read

    clock = time.perf_counter
    ours_s = reading_s = theirs_s = 0.0
    for _ in range(3):
        for name, data in docs:
            t = clock()
            extract(data, name)
            ours_s += clock() - t
            t = clock()
            read(data)
            reading_s += clock() - t
            t = clock()
            theirs(data)
            theirs_s += clock() - t
    n = 3 * len(docs)
    return {
        "ours_ms": 1000 * ours_s / n,
        "reading_ms": 1000 * reading_s / n,
        "theirs_ms": 1000 * theirs_s / n,
    }


def one_shot(path: Path) -> float:
    """Median wall time of `boardkeeper extract --json FILE` in a new process, five runs."""
    exe = Path(sys.executable).with_name("boardkeeper")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(exe), "extract", "--json", str(path)], capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return sorted(times)[2]


# ---------------------------------------------------------------- driver


def collect(locations: list[Path]) -> list[Path]:
    """Documents under the locations (recursively), each distinct content once."""
    files: list[Path] = []
    for loc in locations:
        if loc.is_file():
            files.append(loc)
        elif loc.is_dir():
            files.extend(
                p
                for p in sorted(loc.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.upper().startswith("README")
            )
        else:
            print(f"bench: {loc}: no such file or directory", file=sys.stderr)
    unique: dict[str, Path] = {}
    for path in files:
        unique.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(unique.values())


def group_by_format(files: list[Path]) -> tuple[dict[str, list[Path]], dict[str, str]]:
    from boardkeeper.minutes import MinutesError
    from boardkeeper.minutes.readers import sniff

    groups: dict[str, list[Path]] = {}
    rejected: dict[str, str] = {}
    for path in files:
        try:
            fmt = sniff(path.read_bytes())
        except MinutesError as exc:
            rejected[str(path)] = str(exc)
            continue
        groups.setdefault(fmt, []).append(path)
    return groups, rejected


def run_worker(fmt: str, paths: list[Path], min_seconds: float) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", fmt, "--min-seconds", str(min_seconds)]
    proc = subprocess.run([*args, *map(str, paths)], capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        return {"format": fmt, "error": proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    return {
        "cpu": model,
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _target(value: float | None, target: float | None, *, above: bool = True) -> str:
    if target is None:
        return "—"
    if value is None:
        return f"{'≥' if above else '<'}{target:g}"
    ok = value >= target if above else value < target
    return f"{'≥' if above else '<'}{target:g} {'ok' if ok else 'MISS'}"


def print_table(results: list[dict[str, Any]]) -> None:
    header = [
        "format",
        "docs",
        "pages",
        "runs",
        "secs",
        "docs/s",
        "target",
        "pages/s",
        "target",
        "RSS import",
        "RSS 1st pass",
        "peak RSS MB",
        "target",
        "tracemalloc MB",
    ]
    rows: list[list[str]] = []
    for r in results:
        if "error" in r or not r.get("docs"):
            rows.append([r["format"], str(r.get("docs", 0)), *["—"] * (len(header) - 2)])
            continue
        docs_target, pages_target = TARGETS.get(r["format"], (None, None))
        rows.append(
            [
                r["format"],
                str(r["docs"]),
                str(r["pages"]) if r["format"] == "pdf" else "—",
                str(r["extractions"]),
                _fmt(r["seconds"], 2),
                _fmt(r["docs_per_s"]),
                _target(r["docs_per_s"], docs_target),
                _fmt(r["pages_per_s"]),
                _target(r["pages_per_s"], pages_target),
                _fmt(r["rss_after_import_mb"]),
                _fmt(r["rss_after_warmup_mb"]),
                _fmt(r["peak_rss_mb"]),
                _target(r["peak_rss_mb"], MEMORY_TARGET_MB, above=False),
                _fmt(r["tracemalloc_peak_mb"], 2),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print(
        "  ".join(
            h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help="more corpus directories or documents")
    parser.add_argument("--min-seconds", type=float, default=2.0, help="timed run per format (default 2)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--no-fixtures",
        action="store_true",
        help="measure only the paths given, not tests/fixtures and the shared corpus",
    )
    parser.add_argument("--worker", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, [str(p) for p in args.paths], args.min_seconds)))
        return 0

    files = collect([*([] if args.no_fixtures else DEFAULT_DIRS), *args.paths])
    groups, rejected = group_by_format(files)
    info = machine()
    print(f"boardkeeper extract benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(
        f"{info['cpu']}; {info['cpus']} CPUs (measured on one); Python {info['python']}; {info['platform']}"
    )
    print(f"{len(files)} documents; at least {args.min_seconds:g} s per format, one process per format\n")

    results = []
    for fmt in [f for f in FORMATS if f in groups] + sorted(set(groups) - set(FORMATS)):
        results.append(run_worker(fmt, groups[fmt], args.min_seconds))
    print_table(results)

    print("\nbeside the libraries (same worker, same files, alternating; ms per file)")
    for r in results:
        beside = r.get("beside")
        if not beside:
            continue
        ours, reading, theirs = beside["ours_ms"], beside["reading_ms"], beside["theirs_ms"]
        if r["format"] == "pdf":
            ratio = theirs / reading
            verdict = "ok" if ratio >= PDF_VS_PDFPLUMBER else "MISS"
            print(
                f"  pdf   our reader (words, geometry, tables) {reading:6.1f}, whole extraction {ours:6.1f};"
                f" pdfplumber's table finder alone {theirs:6.1f}: reading {ratio:.1f}x faster,"
                f" extraction {theirs / ours:.1f}x (target >= {PDF_VS_PDFPLUMBER}x {verdict})"
            )
        else:
            ratio = reading / theirs
            verdict = "ok" if ratio <= DOCX_VS_PYTHON_DOCX else "MISS"
            print(
                f"  docx  our reader {reading:6.1f}, whole extraction {ours:6.1f}; python-docx open and walk"
                f" {theirs:6.1f}: reading {ratio:.2f}x its time, extraction {ours / theirs:.2f}x"
                f" (target <= {DOCX_VS_PYTHON_DOCX}x {verdict})"
            )

    print(
        f"\none-shot `boardkeeper extract --json FILE` (median of 5, the format's largest file; target <= {ONE_SHOT_SECONDS} s)"
    )
    for fmt in [f for f in FORMATS if f in groups]:
        largest = max(groups[fmt], key=lambda p: p.stat().st_size)
        seconds = one_shot(largest)
        verdict = "ok" if seconds <= ONE_SHOT_SECONDS else "MISS"
        print(
            f"  {fmt:8s} {seconds:5.2f} s  {largest.name} ({largest.stat().st_size / 1024:,.0f} KB) {verdict}"
        )

    print("\nper document (mean ms per extraction, slowest first)")
    for r in results:
        for d in sorted(r.get("per_doc", []), key=lambda d: -d["ms"]):
            pages = f", {d['pages']} pages" if d["pages"] else ""
            print(f"  {r['format']:8s} {d['ms']:8.1f} ms  {d['name']} ({d['bytes'] / 1024:,.0f} KB{pages})")

    notes: list[str] = []
    for path, why in rejected.items():
        notes.append(f"not a document (sniff rejected it): {path}: {why}")
    for r in results:
        if "error" in r:
            notes.append(f"{r['format']}: the worker failed: {' '.join(r['error'])}")
        for name, why in r.get("failed", {}).items():
            notes.append(f"{r['format']}: {name} left out: {why}")
        if r.get("tracemalloc_doc"):
            notes.append(f"{r['format']}: tracemalloc peak is from {r['tracemalloc_doc']}")
    missing = [f for f in ("text", "docx", "pdf") if f not in groups]
    if missing:
        notes.append(f"no documents of format(s): {', '.join(missing)}")
    if notes:
        print()
        for note in notes:
            print(f"  * {note}")
    if args.json:
        print(json.dumps({"machine": info, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
