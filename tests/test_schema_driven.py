"""The schema drives the records: one entry (with its two labels) added to a copy of the
schema gives a money column that is read, totalled, and present in the JSON, the CSV, the
DataFrame, the report workbook and the consolidated workbook — with no other edit."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from datetime import date

import openpyxl
import xlsxwriter

from pac_excel import analyze, consolidate, schema
from pac_excel.report.consolidated import ConsolidatedWriter
from pac_excel.report.csvout import write_actions
from pac_excel.report.jsonout import write_analysis
from pac_excel.report.workbook import write_report
from pac_excel.schema import Column, Kind, Text

AS_OF = date(2026, 11, 16)
ROWS = [("Salon", "Ann", 2000.0, 120.5), ("Mailing", "Bo", 450.5, None), ("Visites", "Ann", 300.0, 80.0)]


def test_one_schema_entry_adds_a_money_column_everywhere(tmp_path, monkeypatch):
    travel = Column("travel_cost", Text("Frais de déplacement", "Travel costs"), Kind.MONEY, 13)
    columns = list(schema.ACTIONS.columns)
    columns.insert(columns.index(schema.ACTIONS.column("revenue_actual")) + 1, travel)
    monkeypatch.setattr(schema, "ACTIONS", dataclasses.replace(schema.ACTIONS, columns=tuple(columns)))

    folder = tmp_path / "teams"
    folder.mkdir()
    wb = xlsxwriter.Workbook(folder / "lyon.xlsx")
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Action", "Qui", "Budget prévu", "Frais de déplacement"])
    for r, row in enumerate(ROWS, 1):
        ws.write_row(r, 0, [v for v in row if v is not None])
    wb.close()
    want = round(math.fsum(r[3] for r in ROWS if r[3] is not None), 2)

    a = analyze(folder / "lyon.xlsx", as_of=AS_OF)  # read in the bounded process, sent back, rebuilt
    assert [x.travel_cost for x in a.actions] == [r[3] for r in ROWS]  # read
    assert a.totals()["travel_cost"] == want  # totalled
    assert not [p for p in a.problems if p.code == "unknown_column"]

    out = io.StringIO()
    write_analysis(a, out)
    doc = json.loads(out.getvalue())
    assert doc["totals"]["travel_cost"] == want and doc["actions"][0]["travel_cost"] == ROWS[0][3]  # JSON
    out = io.StringIO()
    write_actions(a, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [float(r["travel_cost"]) if r["travel_cost"] else None for r in rows] == [r[3] for r in ROWS]  # CSV
    df = a.actions_frame()
    assert df["travel_cost"].dtype == "float64" and df["travel_cost"].sum() == want  # DataFrame

    write_report(a, tmp_path / "report.xlsx", force=True)  # report workbook: the total and the column
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    summary = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert summary["Frais de déplacement"] == want
    variances = list(book.worksheets[1].iter_rows(values_only=True))
    col = variances[0].index("Frais de déplacement")
    assert math.fsum(r[col] for r in variances[1:] if r[col] is not None) == want

    c = consolidate([folder], as_of=AS_OF, jobs=1)  # consolidated workbook: the total and the column
    assert c.totals()["travel_cost"] == want
    with ConsolidatedWriter(tmp_path / "conso.xlsx", force=True) as writer:
        for entry in c.files:
            writer.add(entry)
        writer.finish(c)
    book = openpyxl.load_workbook(tmp_path / "conso.xlsx")
    summary = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert summary["Frais de déplacement"] == want
    table = list(book[schema.ACTIONS.sheet("fr")].iter_rows(values_only=True))
    col = table[0].index("Frais de déplacement")
    assert math.fsum(r[col] for r in table[1:] if r[col] is not None) == want
    assert analyze(tmp_path / "conso.xlsx", as_of=AS_OF).totals()["travel_cost"] == want  # read back
