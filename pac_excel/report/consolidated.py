"""The consolidated workbook: Synthèse, Actions (an Excel Table with Équipe and Source),
Indicateurs, Journal, Problèmes. A new file written atomically; values only, no formulas;
every text from the inputs written as text (a team cell reading "=HYPERLINK(…)" stays text).

The Actions sheet uses the schema's labels, so `pac-excel analyze` reads it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import schema
from ..a1 import MAX_CELL_TEXT, cell_text
from ..consolidation import Consolidation
from ..fileio import atomic_output
from ..i18n import column_label, figure_label, tx
from . import total_figures


def action_keys() -> tuple[str, ...]:
    """The columns of the consolidated action table, in order: team and source, then the
    schema's reported columns (every totalled amount among them)."""
    return ("team", "source", *(c.key for c in schema.ACTIONS.columns if c.record and (c.report or c.totalled)))
KPI_KEYS = ("name", "type", "direction", "initial", "target", "latest", "attainment")


class ConsolidatedWriter:
    """Streams the Actions sheet file by file (``add``), then writes the other sheets
    (``finish``). Used as a context manager: leaving it on an error, or without ``finish``,
    leaves no file behind."""

    def __init__(self, path: Path, lang: str = "fr", force: bool = False) -> None:
        self.path, self.lang, self.force = Path(path), lang, force
        self.finished = False

    def __enter__(self) -> ConsolidatedWriter:
        import xlsxwriter

        self._out = atomic_output(self.path, force=self.force)
        tmp = self._out.__enter__()
        # constant_memory: rows go to disk as they are written, so serialising the large Actions
        # sheet overlaps with reading the next files instead of waiting for close().
        self.wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                                 "strings_to_numbers": False, "constant_memory": True})
        self.fm = _formats(self.wb)
        lang = self.lang
        self.summary = self.wb.add_worksheet(tx("rep.sheet.summary", lang))
        self.actions = self.wb.add_worksheet(schema.ACTIONS.sheet(lang))
        self.keys = action_keys()
        self.kinds = [_kind(k) for k in self.keys]
        self._writers: dict[str | None, list[Any]] = {}  # per currency: amounts shown in their plan's
        self.headers = [schema.ACTIONS.column(k).label(lang) for k in self.keys]
        self.actions.set_row(0, HEADER_HEIGHT)
        for col, h in enumerate(self.headers):  # the header row first: rows are streamed in order
            self.actions.write_string(0, col, h, self.fm["head"])
        self.yes_no = (schema.YES_NO.label("yes", lang), schema.YES_NO.label("no", lang))
        self.rows = 0
        return self

    def add(self, entry: Any) -> None:
        """Write the actions of one settled file."""
        if entry.status != "ok" or entry.analysis is None:
            return
        yes, no = self.yes_no
        name, team, writers = entry.path.name, entry.team, self.writers(entry.analysis.currency)
        for a in entry.analysis.actions:
            self.rows += 1
            r = self.rows
            for col, k in enumerate(self.keys):
                if k == "team":
                    v: Any = team
                elif k == "source":
                    v = f"{name} · {a.sheet}!{a.row}"
                elif k == "late":
                    v = None if a.late is None else yes if a.late else no
                else:
                    v = getattr(a, k, None)
                writers[col](r, col, v)

    def writers(self, currency: str | None) -> list[Any]:
        """The column writers of the Actions sheet for the plans of one currency."""
        if currency not in self._writers:
            fm = _with_currency(self.wb, self.fm, currency)
            self._writers[currency] = [_column_writer(self.actions, k, fm) for k in self.kinds]
        return self._writers[currency]

    def finish(self, c: Consolidation) -> None:
        lang, fm, wb = self.lang, self.fm, self.wb
        widths = [{"team": 16, "source": 26, "action": 34, "owner": 18, "category": 14}.get(k, 12) for k in self.keys]
        _finish_table(self.actions, fm, "T_Consolidation", self.headers, widths, self.rows)
        _kpis(wb, fm, c, lang)
        _journal(wb, fm, c, lang)
        _problems(wb, fm, c, lang)
        _summary(wb, self.summary, fm, c, lang)
        self.summary.activate()
        self.finished = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None and self.finished:
            self.wb.close()
            self._out.__exit__(None, None, None)
        else:
            self._out.__exit__(exc_type or RuntimeError, exc, tb)  # the temporary file is removed


#: the header row's height: two lines of wrapped text ("Résultat obtenu", "Lignes consolidées")
HEADER_HEIGHT = 30


_BASE = {"font_name": "Calibri", "font_size": 10}


def _formats(wb: Any) -> dict[str, Any]:
    base = _BASE
    return {
        "head": wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864",
                               "text_wrap": True, "valign": "vcenter"}),
        "title": wb.add_format({"font_name": "Calibri", "font_size": 16, "bold": True, "font_color": "#1F3864"}),
        "note": wb.add_format({**base, "italic": True, "font_color": "#6B7785"}),
        "t": wb.add_format(base),
        "n": wb.add_format({**base, "num_format": schema.NUMBER_FORMATS[schema.Kind.NUMBER]}),
        "p": wb.add_format({**base, "num_format": "0%"}),
        "d": wb.add_format({**base, "num_format": "dd/mm/yyyy"}),
    }


def _with_currency(wb: Any, fm: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """The formats with amounts in ``currency`` (none shown when it is unknown); cached in ``fm``."""
    key = f"m:{currency}"
    if key not in fm:
        fm[key] = wb.add_format({**_BASE, "num_format": schema.money_format(currency)})
    return {**fm, "m": fm[key]}


def _kind(key: str, table: schema.TableDef | None = None) -> str:
    k = (table or schema.ACTIONS).column(key).kind
    return {schema.Kind.MONEY: "m", schema.Kind.PERCENT: "p", schema.Kind.DATE: "d", schema.Kind.NUMBER: "n",
            schema.Kind.INT: "n"}.get(k, "t")


def _cell(ws: Any, r: int, c: int, v: Any, kind: str, fm: dict[str, Any]) -> None:
    if v is None or v == "":
        return
    if isinstance(v, str):
        ws.write_string(r, c, cell_text(v), fm["t"])
    elif isinstance(v, bool):
        ws.write_string(r, c, (v and "1") or "0", fm["t"])
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fm["d"])
    else:
        ws.write_number(r, c, v, fm[kind])


def _column_writer(ws: Any, kind: str, fm: dict[str, Any]) -> Any:
    """One writer per column, chosen once: per-cell work is a single call (hot path for large
    consolidations). Values of an unexpected type fall back to the general writer."""
    fmt = fm[kind]
    if kind == "t":
        write_string = ws.write_string

        def write(r: int, c: int, v: Any) -> None:
            if type(v) is str:
                if v:  # an empty text is an empty cell: nothing to write
                    write_string(r, c, v if len(v) <= MAX_CELL_TEXT else cell_text(v), fmt)
            elif v is not None:
                _cell(ws, r, c, v, kind, fm)
    elif kind == "d":
        def write(r: int, c: int, v: Any) -> None:
            if v is not None:
                _cell(ws, r, c, v, kind, fm)
    else:
        write_number = ws.write_number

        def write(r: int, c: int, v: Any) -> None:
            if v is None or v == "":
                return
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                write_number(r, c, v, fmt)
            else:
                _cell(ws, r, c, v, kind, fm)
    return write


def _finish_table(ws: Any, fm: dict[str, Any], table_name: str, headers: list[str], widths: Sequence[float],
                  n_rows: int) -> None:
    """The Excel Table over rows already written, header row included.

    xlsxwriter refuses add_table() in constant_memory mode because it cannot go back to write
    the header cells; here they were written first, so the guard is lifted for this call. The
    header strings add_table() stores again are for row 0, already on disk: the row flush only
    writes the current row, so they are dropped (checked by the tests reading the file back)."""
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    streamed = bool(getattr(ws, "constant_memory", False))
    ws.constant_memory = False
    try:
        ws.add_table(0, 0, max(n_rows, 1), len(headers) - 1, {
            "name": table_name, "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": fm["head"]} for h in headers]})
    finally:
        ws.constant_memory = streamed
    if streamed:
        if getattr(ws, "previous_row", 0) > 0:
            ws.table.pop(0, None)  # row 0 is on disk already: drop what add_table stored again
        else:  # no data rows: row 0 is still the current row; write its header cells again, streamed
            for col, h in enumerate(headers):
                ws.write_string(0, col, h, fm["head"])
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _table_sheet(wb: Any, fm: dict[str, Any], name: str, table_name: str, headers: list[str], widths: list[float],
                 rows: list[list[Any]], kinds: list[str]) -> Any:
    ws = wb.add_worksheet(name)
    ws.set_row(0, HEADER_HEIGHT)
    for col, h in enumerate(headers):
        ws.write_string(0, col, h, fm["head"])
    writers = [_column_writer(ws, k, fm) for k in kinds]
    for r, row in enumerate(rows, 1):
        for col, v in enumerate(row):
            writers[col](r, col, v)
    _finish_table(ws, fm, table_name, headers, widths, len(rows))
    return ws


def _kpis(wb: Any, fm: dict[str, Any], c: Consolidation, lang: str) -> None:
    headers = [schema.ACTIONS.column("team").label(lang)] + [schema.KPIS.column(k).label(lang) for k in KPI_KEYS]
    kinds = ["t"] + [_kind(k, schema.KPIS) for k in KPI_KEYS]
    rows = [[f.team] + [getattr(k, key) for key in KPI_KEYS] for f, k in c.kpis()]
    _table_sheet(wb, fm, schema.KPIS.sheet(lang), "T_Consolidation_KPI", headers, [16, 30, 10, 12, 12, 12, 12, 11],
                 rows, kinds)


def _journal(wb: Any, fm: dict[str, Any], c: Consolidation, lang: str) -> None:
    t = lambda k: tx(k, lang)  # noqa: E731
    headers = [t("cons.file"), column_label("team", lang), t("cons.status"), "Code", t("cons.reason"),
               t("cons.detected"), t("cons.consolidated"), t("cons.ignored"), t("cons.rejected")]
    rows = []
    for f in c.files:
        r = f.rows()
        rows.append([str(f.path), f.team, t(f"cons.st.{f.status}"), f.code, f.reason_text(lang), r["detected"],
                     r["consolidated"], r["ignored"], r["rejected"]])
    _table_sheet(wb, fm, t("cons.sheet.journal"), "T_Journal", headers, [40, 18, 10, 16, 50, 12, 12, 12, 12], rows,
                 ["t"] * 5 + ["n"] * 4)


def _problems(wb: Any, fm: dict[str, Any], c: Consolidation, lang: str) -> None:
    t = lambda k: tx(k, lang)  # noqa: E731
    rows = [[t("sev." + p.severity), p.code, p.file, p.sheet, p.cell, p.message(lang)] for p in c.all_problems()]
    _table_sheet(wb, fm, t("rep.sheet.problems"), "T_Problemes",
                 [t("rep.severity"), "Code", t("cons.file"), t("rep.sheet"), t("rep.cell"), "Message"],
                 [10, 22, 36, 16, 8, 80], rows, ["t"] * 6)


def _summary(wb: Any, ws: Any, fm: dict[str, Any], c: Consolidation, lang: str) -> None:
    t = lambda k: tx(k, lang)  # noqa: E731
    ws.set_column(0, 0, 34)
    ws.set_column(1, 4, 15)
    ws.write_string(0, 0, t("cons.title"), fm["title"])
    ok, rej = len(c.ok), len(c.rejected)
    skipped = len(c.files) - ok - rej
    ws.write_string(1, 0, t("cons.files_line").format(ok=ok, rejected=rej, skipped=skipped), fm["note"])
    tot = c.totals()
    figures = [(name, tot[key], kind) for name, key, kind in total_figures()]
    cfm = _with_currency(wb, fm, c.currency)
    for i, (name, v, kind) in enumerate(figures):
        ws.write_string(3 + i, 0, figure_label(name, lang), fm["t"])
        _cell(ws, 3 + i, 1, v, kind, cfm)
    r = 3 + len(figures) + 1
    if c.mixed:  # amounts in several currencies are never added up: one column of totals per currency
        ws.write_string(r, 0, t("cons.by_currency"), fm["head"])
        by = c.totals_by_currency()
        for col, code in enumerate(by, 1):
            ws.write_string(r, col, code, fm["head"])
        for i, (name, key, kind) in enumerate(total_figures(), 1):
            ws.write_string(r + i, 0, figure_label(name, lang), fm["t"])
            for col, code in enumerate(by, 1):
                _cell(ws, r + i, col, by[code][key], kind, _with_currency(wb, fm, code))
        r += len(figures) + 2
    charts = []
    for title, groups, late in ((t("cons.by_team"), c.by_team(), True), (t("rep.by_category"), c.group("category"),
                                                                         False)):
        heads = [title, t("kpi.actions"), column_label("budget_planned", lang), column_label("budget_actual", lang)] + (
            [column_label("late", lang)] if late else [])
        for col, h in enumerate(heads):
            ws.write_string(r, col, h, fm["head"])
        first = r + 1
        for name, g in groups.items():
            r += 1
            ws.write_string(r, 0, name or t("rep.blank"), fm["t"])
            ws.write_number(r, 1, g["actions"], fm["n"])
            gfm = _with_currency(wb, fm, g.get("currency", c.currency))
            _cell(ws, r, 2, g["budget_planned"], "m", gfm)
            _cell(ws, r, 3, g["budget_actual"], "m", gfm)
            if late:
                ws.write_number(r, 4, g["late"], fm["n"])
        if any(g["budget_planned"] is not None or g["budget_actual"] is not None for g in groups.values()):
            charts.append((title, first, r))  # amounts unknown (plans in several currencies): nothing to draw
        r += 2
    for i, (title, first, last) in enumerate(charts):
        horizontal = last - first > 8  # many teams: horizontal bars, whose value axis is x
        chart = wb.add_chart({"type": "bar" if horizontal else "column"})
        for col, color in ((2, "#2E5C8A"), (3, "#ED7D31")):
            chart.add_series({"name": [ws.name, first - 1, col], "categories": [ws.name, first, 0, last, 0],
                              "values": [ws.name, first, col, last, col], "fill": {"color": color}})
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        (chart.set_x_axis if horizontal else chart.set_y_axis)({"num_format": schema.money_format(c.currency)
                                                                .split(";")[0]})
        chart.set_size({"width": 560, "height": 300 if last - first <= 8 else min(1200, 120 + 18 * (last - first))})
        ws.insert_chart(3 + i * 17, 6, chart)
    _print_summary(ws, r)


def _print_summary(ws: Any, last_row: int) -> None:
    """Landscape, one page wide, the charts (columns G to O) included."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, max(last_row, 40), 14)
