"""The benchmarks stay runnable: one run at tiny sizes (timings are not asserted here: they
are noisy on these machines and belong to `python -m bench`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_every_scenario_at_tiny_sizes():
    r = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith("Machine: ") and "cores" in r.stdout
    scenarios = set(re.findall(r"^\| (\d) ", r.stdout, re.M))
    assert scenarios == {"1", "2", "3", "4", "5", "6", "7", "8", "9"}
    assert re.search(r"\d+ goals met, \d+ missed", r.stdout)
