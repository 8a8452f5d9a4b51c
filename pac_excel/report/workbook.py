"""The analysis as a new workbook: Synthèse, Écarts, Retards, Indicateurs, Problèmes.

Always a new file, written atomically; values only (no formulas); every text that came from
the input is written as text, so a cell reading "=HYPERLINK(…)" stays text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from .. import aggregate, schema
from ..a1 import cell_text
from ..analysis import Analysis
from ..fileio import atomic_output
from ..i18n import column_label, figure_label, tx
from . import total_figures

NAVY, GREY = "#1F3864", "#595959"


def write_report(a: Analysis, path: Path, lang: str = "fr", force: bool = False) -> Path:
    import xlsxwriter

    with atomic_output(path, force=force) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        f = _Formats(wb, a.currency)
        t = lambda k: tx(k, lang)  # noqa: E731
        A = lambda k: column_label(k, lang)  # noqa: E731
        _summary(wb, f, a, t, lang)
        amounts = [*aggregate.amounts(), "budget_variance"]  # every totalled amount of the schema
        _table(wb, f, t("rep.sheet.variances"),
               [t("rep.sheet"), t("rep.row"), *(A(k) for k in ("action", "owner", "category", "status", "target")),
                t("rep.result"), A("variance"), A("attainment"),
                *(figure_label(k, lang) for k in amounts)],
               [[x.sheet, x.row, x.action, x.owner, x.category, x.status, x.target, x.result, x.variance,
                 x.attainment, *(getattr(x, k) for k in amounts)]
                for x in sorted(a.actions, key=lambda x: (x.attainment is None, x.attainment or 0))],
               kinds="trttttnnnp" + "m" * len(amounts), rag_col=9)
        _table(wb, f, t("rep.sheet.late"),
               [t("rep.sheet"), t("rep.row"), A("action"), A("owner"), A("end"), A("status"),
                t("rep.days_late")],
               [[x.sheet, x.row, x.action, x.owner, x.end, x.status, (a.as_of - x.end).days]
                for x in sorted((x for x in a.actions if x.late), key=lambda x: x.end)],
               kinds="trttdtn")
        _table(wb, f, t("rep.sheet.kpis"),
               [A("indicator"), *(column_label(k, lang, "kpis") for k in ("type", "direction", "initial")),
                A("target"), column_label("latest", lang, "kpis"), A("attainment")],
               [[k.name, k.type, k.direction, k.initial, k.target, k.latest, k.attainment] for k in a.kpis],
               kinds="tttnnnp", rag_col=6)
        _table(wb, f, t("rep.sheet.problems"),
               [t("rep.severity"), "Code", t("rep.sheet"), t("rep.cell"), "Message"],
               [[t("sev." + p.severity), p.code, p.sheet or "", p.cell or "", p.message(lang)] for p in a.problems],
               kinds="ttttt")
        wb.close()
    return path


class _Formats:
    def __init__(self, wb: Any, currency: str | None = schema.DEFAULT_CURRENCY) -> None:
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top", "border": 1, "border_color": "#BFC8D6"}
        self.head = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "text_wrap": True})
        self.title = wb.add_format({"font_name": "Calibri", "font_size": 16, "bold": True, "font_color": NAVY})
        self.note = wb.add_format({"font_name": "Calibri", "font_size": 10, "italic": True, "font_color": "#6B7785"})
        self.t = wb.add_format({**base, "text_wrap": True})
        self.n = wb.add_format({**base, "num_format": schema.NUMBER_FORMATS[schema.Kind.NUMBER]})
        self.money = schema.money_format(currency)
        self.m = wb.add_format({**base, "num_format": self.money})  # as in the plan
        self.r = wb.add_format({**base, "align": "center"})  # a row number, kept apart from the text beside it
        self.p = wb.add_format({**base, "num_format": "0%"})
        self.d = wb.add_format({**base, "num_format": "dd/mm/yyyy"})
        self.red = wb.add_format({"bg_color": "#F8D7D5", "font_color": "#9C0006"})
        self.amber = wb.add_format({"bg_color": "#FFE9B3", "font_color": "#7F5700"})
        self.green = wb.add_format({"bg_color": "#D5EFD9", "font_color": "#1E6B30"})


def _write(ws: Any, f: _Formats, r: int, c: int, v: Any, kind: str) -> None:
    fmt = {"t": f.t, "n": f.n, "m": f.m, "p": f.p, "d": f.d, "r": f.r}[kind]
    if v is None or v == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, cell_text(v), fmt)
    elif kind == "d":
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    else:
        ws.write_number(r, c, v, fmt)


def _table(wb: Any, f: _Formats, name: str, headers: list[str], rows: list[list[Any]], kinds: str,
           rag_col: int | None = None) -> Any:
    ws = wb.add_worksheet(name)
    ws.set_row(0, 42)  # headers wrap ("Écart budget (actions avec budget réel)": three lines)
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, f.head)
        ws.set_column(c, c, 7 if kinds[c] == "r" else 40 if kinds[c] == "t" and c in (2, 4) and len(headers) > 6
                      else 20 if kinds[c] == "t" and c == 3 else 14)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            _write(ws, f, r, c, v, kinds[c])
    if rows:
        ws.autofilter(0, 0, len(rows), len(headers) - 1)
    if rag_col is not None and rows:
        col = chr(65 + rag_col)
        for crit, fmt in ((f"=AND(ISNUMBER({col}2),{col}2<0.8)", f.red),
                          (f"=AND(ISNUMBER({col}2),{col}2>=0.8,{col}2<1)", f.amber),
                          (f"=AND(ISNUMBER({col}2),{col}2>=1)", f.green)):
            ws.conditional_format(1, rag_col, len(rows), rag_col, {"type": "formula", "criteria": crit, "format": fmt})
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    return ws


def _summary(wb: Any, f: _Formats, a: Analysis, t: Any, lang: str) -> None:
    ws = wb.add_worksheet(t("rep.sheet.summary"))
    ws.set_column(0, 0, 34)
    ws.set_column(1, 4, 15)
    ws.write_string(0, 0, t("rep.title"), f.title)
    ws.write_string(1, 0, f"{a.source} — {t('rep.as_of')} {a.as_of.strftime('%d/%m/%Y')}", f.note)
    tot = a.totals()
    figures = [(name, tot[key], kind) for name, key, kind in total_figures()]
    for i, (name, v, kind) in enumerate(figures):
        ws.write_string(3 + i, 0, figure_label(name, lang), f.t)
        _write(ws, f, 3 + i, 1, v, kind)
    r = 3 + len(figures) + 1
    charts = []
    for key, title in (("category", "rep.by_category"), ("status", "rep.by_status"), ("owner", "rep.by_owner")):
        groups = a.group(key)
        ws.write_string(r, 0, t(title), f.head)
        heads = (t("kpi.actions"), column_label("budget_planned", lang), column_label("budget_actual", lang))
        for c, h in enumerate(heads, 1):
            ws.write_string(r, c, h, f.head)
        first = r + 1
        for name, g in groups.items():
            r += 1
            ws.write_string(r, 0, name or t("rep.blank"), f.t)
            ws.write_number(r, 1, g["actions"], f.n)
            _write(ws, f, r, 2, g["budget_planned"], "m")
            _write(ws, f, r, 3, g["budget_actual"], "m")
        if groups:
            charts.append((title, first, r))
        r += 2
    for i, (title, first, last) in enumerate(charts[:2]):
        chart = wb.add_chart({"type": "column"})
        for c, color in ((2, "#2E5C8A"), (3, "#ED7D31")):
            chart.add_series({"name": [ws.name, first - 1, c], "categories": [ws.name, first, 0, last, 0],
                              "values": [ws.name, first, c, last, c], "fill": {"color": color}})
        chart.set_title({"name": t(title), "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        chart.set_y_axis({"num_format": f.money.split(";")[0]})
        chart.set_size({"width": 520, "height": 280})
        ws.insert_chart(3 + i * 16, 5, chart)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, max(r, 36), 13)
