"""What the benchmark scripts share: pinning to one CPU, nearest-rank percentiles, time in the garbage
collector, and the machine line every report starts with."""

from __future__ import annotations

import gc
import math
import os
import platform
import time
from pathlib import Path


def _pin_to_one_cpu() -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _nearest_rank(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class GcClock:
    """Time spent in the cyclic garbage collector (gc.callbacks), to tell it apart from the work itself."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    import sqlite3

    return (
        f"{model}; {os.cpu_count()} CPUs (the benchmark pinned to one); Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}; {platform.platform()}"
    )
