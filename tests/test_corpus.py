"""Every class of broken, odd and hostile workbook gives its expected outcome: no crash, no
hang, memory bounded, every row accounted for."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from corpus import CASES
from gnumeric import convert as gnumeric_convert
from libreoffice import convert

from pac_excel.problems import CODES

ROOT = Path(__file__).resolve().parent.parent
SUMMARY: list[str] = []  # printed at the end of the test run (conftest.py)


@pytest.fixture(scope="module")
def outcomes(lo_available, gnumeric_available, tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    files = {}
    for case in CASES:
        files[case.name] = case.build(d)
    by_format: dict[str, list] = {}  # one LibreOffice start per target format
    for case in CASES:
        if case.via_lo:
            by_format.setdefault(case.via_lo, []).append(case)
    for fmt, cases in by_format.items():
        outs = convert([files[c.name] for c in cases], d / fmt.split(":")[0], fmt=fmt)
        files.update({c.name: out for c, out in zip(cases, outs)})
    for case in CASES:
        if case.via_gnumeric:
            src = files[case.name]
            files[case.name] = gnumeric_convert(src, src.with_name(src.stem + "_gnumeric." + case.via_gnumeric))
        if case.after:
            files[case.name] = case.after(files[case.name])
    manifest = d / "manifest.json"
    manifest.write_text(json.dumps([{"name": c.name, "path": str(files[c.name])} for c in CASES]), encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "corpus_run.py"), str(manifest), "--refresh"],
                       capture_output=True,
                       text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    # nothing from a reading library reaches a person: no panic text, no traceback
    assert "panicked" not in r.stderr and "Traceback" not in r.stderr and "RUST_BACKTRACE" not in r.stderr, r.stderr
    data = json.loads(r.stdout)
    results = {x["name"]: x for x in data["results"]}
    crashes = sum(x["status"] == "crash" for x in results.values())
    hangs = sum(x["status"] == "hang" for x in results.values())
    good = sum(_matches(c, results[c.name]) == [] for c in CASES)
    unaccounted = sum(abs(x.get("unaccounted") or 0) for x in results.values())
    classes = len({c.klass for c in CASES})
    read = [x for x in results.values() if x.get("status") == "ok"]
    same = sum(x["refreshed"] == {**x["refreshed"], "diffs": {}} for x in read)
    SUMMARY.append(f"{classes} classes / {len(CASES)} files: {crashes} crashes, {hangs} hangs, "
                   f"max RSS {data['max_rss_mib']} MiB, {good}/{len(CASES)} expected outcomes, "
                   f"{unaccounted} unaccounted rows; {same}/{len(read)} read refresh to the same actions and totals")
    return data, results


def _matches(case, got) -> list[str]:
    """What differs between the expected and the actual outcome (empty: as expected)."""
    diffs = []
    if case.reject:
        if got.get("status") != "rejected" or got.get("code") != case.reject:
            diffs.append(f"expected rejection {case.reject}, got {got.get('status')} {got.get('code')}")
        elif case.says and case.says not in got["reason"]:
            diffs.append(f"the reason does not say {case.says!r}: {got['reason']}")
        return diffs
    if got.get("status") != "ok":
        return [f"expected ok, got {got.get('status')}: {got.get('error') or got.get('reason')}"]
    missing = case.codes - set(got["codes"])
    if missing:
        diffs.append(f"problem codes missing: {sorted(missing)}")
    unexpected = {c for c in got["codes"] if CODES[c].severity == "error"} - case.codes
    if unexpected:  # an error nobody asked for is a wrong reading, not noise
        diffs.append(f"unexpected error codes: {sorted(unexpected)}")
    f = case.figures
    tot = got["totals"]
    for key in ("actions", "budget_planned", "late", "done"):
        if key in f and tot[key] != f[key]:
            diffs.append(f"{key}: {tot[key]} != {f[key]}")
    if "owners" in f and not f["owners"] <= set(got["owners"]):
        diffs.append(f"owners {got['owners']}")
    if "owner_budget" in f and any(got["owner_budget"].get(k) != v for k, v in f["owner_budget"].items()):
        diffs.append(f"owner budgets {got['owner_budget']}")
    if "objective" in f and got["objective"] != f["objective"]:
        diffs.append(f"objective {got['objective']!r}")
    for key in ("starts", "ends"):
        if key in f and got[key] != [d.isoformat() if isinstance(d, date) else d for d in f[key]]:
            diffs.append(f"{key} {got[key]}")
    if got.get("unaccounted"):
        diffs.append(f"{got['unaccounted']} unaccounted rows")
    again = got.get("refreshed") or {}
    if again.get("error") or again.get("diffs"):
        diffs.append(f"refreshed: {again}")
    return diffs


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_outcome(outcomes, case):
    _, results = outcomes
    got = results[case.name]
    assert got["status"] not in ("crash", "hang"), got
    assert _matches(case, got) == []
    if got["status"] == "rejected":
        assert got["reason"] and case.reject  # every rejection names file, code and reason


def test_no_crash_no_hang_and_memory_bounded(outcomes):
    data, results = outcomes
    assert [n for n, x in results.items() if x["status"] in ("crash", "hang")] == []
    assert data["max_rss_mib"] < 200  # the 100 MiB zip bomb included
    assert all(x["seconds"] < 20 for x in results.values())
