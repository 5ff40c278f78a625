"""Saving and reading uploaded files through Django's storage: on disk (FileSystemStorage) against in
PostgreSQL (`boardkeeper.files.storage.DatabaseStorage`, `BOARDKEEPER_FILES=database`).

    .venv/bin/python bench/files.py --database-url postgres://root@127.0.0.1:5432/test [--repeat 5]

The database is one of the benchmark's own (bench/own_database.py: a new name, created, migrated, dropped
after); the disk is a temporary folder. For each storage and each size (1 MB, 20 MB of random bytes, as
PDFs and Word files are: already compressed), in a fresh process each (pinned to one CPU):

* save: `storage.save(name, ContentFile(data))`, the median of --repeat saves (each a new name);
* read: `storage.open(name)` then `read(65536)` to the end, as a download streams it, the median of --repeat;
* peak memory: the process's peak resident memory (ru_maxrss) above what it was before the first
  operation (after Django, the connection and a small warm-up), and tracemalloc's peak of Python
  allocations during one more operation, traced apart. The bytes given to `save` are made before the baseline, so a save
  that holds one copy of the file shows about 0 MB above it; a read that held the whole file would show
  the file's size. The file read is saved beforehand by another process, so its saving is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from common import _pin_to_one_cpu, machine
from own_database import own_database

ROOT = Path(__file__).resolve().parent.parent
SIZES = [1 << 20, 20 << 20]
BLOCK = 65536


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(op: str, size: int, repeat: int) -> dict[str, Any]:
    _pin_to_one_cpu()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boardkeeper.settings")
    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    def read_all(name: str) -> int:
        total = 0
        with default_storage.open(name, "rb") as f:
            while chunk := f.read(BLOCK):
                total += len(chunk)
        return total

    warm = default_storage.save("bench/warm", ContentFile(b"x" * 1000))
    read_all(warm)
    data = os.urandom(size) if op != "read" else b""
    if (
        op == "put"
    ):  # the file the read worker reads, saved by a process of its own: its memory is not counted
        return {"name": default_storage.save(f"bench/{size}-read", ContentFile(data))}
    names = [f"bench/{size}-read"] if op == "read" else []

    def once(n: int) -> None:
        if op == "save":
            names.append(default_storage.save(f"bench/{size}-{n}", ContentFile(data)))
        else:
            assert read_all(names[0]) == size

    base = _rss_mb()
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        once(n)
        times.append(time.perf_counter() - start)
    rss_above = _rss_mb() - base
    tracemalloc.start()  # once more, traced apart: tracing costs time and memory of its own
    once(repeat)
    traced_peak = tracemalloc.get_traced_memory()[1] / 1048576
    tracemalloc.stop()
    for name in [warm, *names]:
        default_storage.delete(name)
    return {
        "median_s": statistics.median(times),
        "mb_per_s": size / 1048576 / statistics.median(times),
        "rss_above_mb": rss_above,
        "traced_peak_mb": traced_peak,
    }


def run(storage: str, op: str, size: int, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", op, str(size), "--repeat", str(repeat)],
        env={**env, "BOARDKEEPER_FILES": storage},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: the {storage} {op} worker failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", nargs=2, metavar=("OP", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.repeat)))
        return
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: give --database-url postgres://... (a server: the database is made here)")
    print(machine())
    with own_database(args.database_url, "files") as url, tempfile.TemporaryDirectory() as data:
        env = {
            k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "BOARDKEEPER_TASKS")
        }
        env.update(DATABASE_URL=url, BOARDKEEPER_DATA=data, PYTHONPATH=str(ROOT))
        subprocess.run(
            [sys.executable, "-m", "boardkeeper.cli", "migrate", "--verbosity", "0"], env=env, check=True
        )
        print(
            f"{'storage':<10}{'op':<6}{'size':>6}  {'median':>9}  {'MB/s':>7}  {'RSS above':>10}  {'traced peak':>11}"
        )
        for size in SIZES:
            for storage in ("disk", "database"):
                run(storage, "put", size, 1, env)
                for op in ("save", "read"):
                    r = run(storage, op, size, args.repeat, env)
                    print(
                        f"{storage:<10}{op:<6}{size >> 20:>4}MB  {r['median_s'] * 1000:>7.1f}ms  "
                        f"{r['mb_per_s']:>7.0f}  {r['rss_above_mb']:>8.1f}MB  {r['traced_peak_mb']:>9.1f}MB"
                    )


if __name__ == "__main__":
    main()
