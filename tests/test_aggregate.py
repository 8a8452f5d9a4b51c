"""One aggregation, one rule: an amount column absent from every plan is unknown (null) in the
analysis, the consolidation and their breakdowns alike; budget figures read together."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import xlsxwriter

from pac_excel.analysis import analyze
from pac_excel.consolidation import consolidate

AS_OF = date(2026, 11, 16)


def plan(path: Path, rows: list[tuple], header: tuple[str, ...]) -> Path:
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def test_an_absent_column_is_null_everywhere(tmp_path):
    rows = [("Salon", "Ann", "Prospection", 2000.0), ("Mailing", "Bo", "Prospection", 450.5)]
    folder = tmp_path / "teams"
    folder.mkdir()
    plan(folder / "lyon.xlsx", rows, ("Action", "Qui", "Catégorie", "Budget prévu"))
    a = analyze(folder / "lyon.xlsx", as_of=AS_OF)
    c = consolidate([folder], as_of=AS_OF, jobs=1)
    for totals in (a.totals(), c.totals()):
        assert totals["budget_planned"] == 2450.5
        assert totals["budget_actual"] is None and totals["budget_variance"] is None
        assert totals["budget_unspent"] is None and totals["revenue_actual"] is None
    for groups in (a.group("category"), c.group("category")):
        assert groups == {"Prospection": {"actions": 2, "budget_planned": 2450.5, "budget_actual": None}}


def test_budget_variance_and_unspent_read_together(tmp_path):
    """Planned 35 500, actuals entered for some actions: the variance covers those actions, the
    rest of the planned budget is not yet spent — figures computed here from the rows."""
    rows = [("A", 10000.0, 9000.0), ("B", 15000.0, 16500.0), ("C", 8500.0, None), ("D", 2000.0, None)]
    t = analyze(plan(tmp_path / "p.xlsx", rows, ("Action", "Budget prévu", "Budget réel")), as_of=AS_OF).totals()
    planned = math.fsum(r[1] for r in rows)
    actual = math.fsum(r[2] for r in rows if r[2] is not None)
    variance = math.fsum(r[2] - r[1] for r in rows if r[2] is not None)
    unspent = math.fsum(r[1] for r in rows if r[2] is None)
    assert (t["budget_planned"], t["budget_actual"]) == (planned, actual)
    assert (t["budget_variance"], t["budget_unspent"]) == (variance, unspent) == (500.0, 10500.0)
    assert t["budget_actual"] - t["budget_planned"] == t["budget_variance"] - t["budget_unspent"]


def test_consolidated_totals_are_the_sum_of_the_files(tmp_path):
    folder = tmp_path / "teams"
    folder.mkdir()
    plan(folder / "a.xlsx", [("A", 100.0, 90.0), ("B", 50.0, None)], ("Action", "Budget prévu", "Budget réel"))
    plan(folder / "b.xlsx", [("C", "Cy", 70.0)], ("Action", "Qui", "Budget prévu"))  # no actual column at all
    c = consolidate([folder], as_of=AS_OF, jobs=1)
    parts = [analyze(folder / n, as_of=AS_OF).totals() for n in ("a.xlsx", "b.xlsx")]
    t = c.totals()
    assert t["budget_planned"] == parts[0]["budget_planned"] + parts[1]["budget_planned"] == 220.0
    assert t["budget_actual"] == parts[0]["budget_actual"] == 90.0 and parts[1]["budget_actual"] is None
    assert t["budget_unspent"] == 50.0  # the plan without the column knows nothing of what it spent


def test_problems_as_data_located_by_row_and_column(tmp_path):
    """A problem says its sheet, row and column; a report flattens and merges; a consolidation
    names each problem's file without changing the file's own analysis."""
    from pac_excel.problems import Report

    folder = tmp_path / "teams"
    folder.mkdir()
    plan(folder / "a.xlsx", [("A", "Ann", "2 000 €"), ("B", "Bo", "1,234")], ("Action", "Qui", "Budget prévu"))
    a = analyze(folder / "a.xlsx", as_of=AS_OF)
    rep = a.report
    errors = Report(rep.errors)
    assert not rep.valid
    assert errors.flatten(["sheet", "row", "column", "code"]) == [["Plan", 3, "C", "ambiguous_number"]]
    assert {p.code for p in rep.warnings} == {"missing_column"}
    c = consolidate([folder], as_of=AS_OF, jobs=1)
    assert Report(c.report.errors).flatten(["file", "row", "code"]) == [[str(folder / "a.xlsx"), 3, "ambiguous_number"]]
    assert c.files[0].analysis.problems[0].file is None  # merged as copies
    both = rep.merge(Report(c.report.errors))
    assert len(both.problems) == len(rep.problems) + 1 and both.to_dict()["valid"] is False
