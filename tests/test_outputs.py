"""Outputs people plug into: CSV in the dialect of its readers."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from libreoffice import convert

from pac_excel import schema
from pac_excel.analysis import analyze, json_keys
from pac_excel.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "pac_formation_rh.xlsx"
AS_OF = date(2026, 11, 30)


def run_csv(*args: str) -> str:
    r = CliRunner().invoke(main, ["analyze", str(SAMPLE), "--as-of", AS_OF.isoformat(), "--format", "csv", *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_french_csv_is_what_a_french_excel_expects():
    text = run_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    a = analyze(SAMPLE, as_of=AS_OF)
    keys = list(json_keys())
    assert rows[0][keys.index("action")] == "Action" and rows[0][keys.index("budget_planned")] == "Budget prévu"
    assert len(rows) == 1 + len(a.actions) and all(len(r) == len(keys) for r in rows)
    for row, x in zip(rows[1:], a.actions):
        got = dict(zip(keys, row))
        assert got["action"] == x.action
        assert got["budget_planned"] == ("" if x.budget_planned is None else f"{x.budget_planned:g}".replace(".", ","))
        assert got["revenue_actual"] == ("" if x.revenue_actual is None else f"{x.revenue_actual:g}".replace(".", ","))
        assert got["end"] == (x.end.strftime("%d/%m/%Y") if x.end else "")
        assert got["late"] == {True: "Oui", False: "Non", None: ""}[x.late]
    assert any("," in r[keys.index("attainment")] for r in rows[1:])  # a decimal comma, not a point


def test_english_and_program_dialects():
    en = list(csv.reader(io.StringIO(run_csv("--lang", "en")[1:])))
    assert en[0][list(json_keys()).index("budget_planned")] == "Planned budget"
    assert any(r[list(json_keys()).index("late")] == "Yes" for r in en[1:])
    raw = run_csv("--csv-dialect", "rfc4180")
    assert not raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == list(json_keys())
    assert all(len(r[list(json_keys()).index("end")]) in (0, 10) for r in rows[1:])  # ISO dates


def test_french_csv_opened_by_libreoffice_in_french(lo_available, tmp_path):
    """LibreOffice's French import (« ; », UTF-8, French number recognition) reads numbers as
    numbers, dates as dates and accents right."""
    path = tmp_path / "actions.csv"
    path.write_text(run_csv(), encoding="utf-8")
    (out,) = convert([path], tmp_path / "lo", locale="fr-FR", infilter="CSV:59,34,76,1,,1036")
    ws = openpyxl.load_workbook(out).active
    keys = list(json_keys())
    a = analyze(SAMPLE, as_of=AS_OF)
    header = [c.value for c in ws[1]]
    assert header[keys.index("budget_planned")] == "Budget prévu" and header[keys.index("category")] == "Catégorie"
    for r, x in enumerate(a.actions, 2):
        assert ws.cell(r, keys.index("action") + 1).value == x.action
        assert ws.cell(r, keys.index("budget_planned") + 1).value == x.budget_planned
        end = ws.cell(r, keys.index("end") + 1).value
        assert end is None if x.end is None else end.date() == x.end
        assert ws.cell(r, keys.index("category") + 1).value == x.category
        att = ws.cell(r, keys.index("attainment") + 1).value  # a decimal comma read as a number
        assert att is None if x.attainment is None else abs(att - x.attainment) < 1e-12
    assert schema.CATEGORY.label("prospecting", "fr") in {ws.cell(r, keys.index("category") + 1).value
                                                          for r in range(2, 2 + len(a.actions))}
