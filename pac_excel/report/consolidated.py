"""The consolidated workbook: Synthèse, Actions (an Excel Table with Équipe and Source),
Indicateurs, Journal, Problèmes. A new file written atomically; values only, no formulas;
every text from the inputs written as text (a team cell reading "=HYPERLINK(…)" stays text).

The Actions sheet uses the schema's labels, so `pac-excel analyze` reads it back."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..a1 import MAX_CELL_TEXT, cell_text
from ..errors import PacError, WriteError
from ..fileio import atomic_output
from ..i18n import column_label, figure_label, tx
from . import total_figures
from .book import Book, RowStream, Sheet, splice

if TYPE_CHECKING:
    from ..consolidation import Consolidation


def action_keys() -> tuple[str, ...]:
    """The columns of the consolidated action table, in order: team and source, then the
    schema's reported columns (every totalled amount among them)."""
    return ("team", "source", *(c.key for c in schema.ACTIONS.columns if c.record and (c.report or c.totalled)))
KPI_KEYS = ("name", "type", "direction", "initial", "target", "latest", "attainment")


@dataclass
class Rest:
    """Everything of the consolidated workbook but the action rows, as plain data taken from the
    consolidation once: the Synthèse figures and the rows of the other sheets."""

    lang: str
    currency: str | None
    mixed: bool
    counts: tuple[int, int, int]  # consolidated, rejected, skipped
    totals: dict[str, Any]
    by_currency: dict[str, dict[str, Any]]
    groups: list[tuple[str, dict[str, dict[str, Any]], bool]]  # (title, groups, with the late column)
    figures: list[tuple[str, str, str]]  # the totals shown: (label, key of totals, kind)
    kpi_columns: list[tuple[str, str]]  # (header, kind)
    kpi_rows: list[list[Any]]
    journal_rows: list[list[Any]]
    problem_rows: list[list[Any]]


def action_columns(lang: str = "fr") -> list[tuple[str, str, float]]:
    """The Actions sheet's columns: (header, kind of format, width)."""
    widths = {"team": 16, "source": 26, "action": 34, "owner": 18, "category": 14}
    return [(schema.ACTIONS.column(k).label(lang), _kind(k), widths.get(k, 12)) for k in action_keys()]


def rest_of(c: Consolidation, lang: str = "fr") -> Rest:
    t = lambda k: tx(k, lang)  # noqa: E731
    ok, rej = len(c.ok), len(c.rejected)
    journal = []
    for f in c.files:
        r = f.rows()
        journal.append([str(f.path), f.team, t(f"cons.st.{f.status}"), f.code, f.reason_text(lang), r["detected"],
                        r["consolidated"], r["ignored"], r["rejected"]])
    return Rest(
        lang=lang, currency=c.currency, mixed=c.mixed, counts=(ok, rej, len(c.files) - ok - rej), totals=c.totals(),
        by_currency=c.totals_by_currency() if c.mixed else {},
        groups=[(t("cons.by_team"), c.by_team(), True), (t("rep.by_category"), c.group("category"), False)],
        figures=[(figure_label(name, lang), key, kind) for name, key, kind in total_figures()],
        kpi_columns=[(schema.ACTIONS.column("team").label(lang), "t")] + [
            (schema.KPIS.column(k).label(lang), _kind(k, schema.KPIS)) for k in KPI_KEYS],
        kpi_rows=[[f.team] + [getattr(k, key) for key in KPI_KEYS] for f, k in c.kpis()],
        journal_rows=journal,
        problem_rows=[[t("sev." + p.severity), p.code, p.file, p.sheet, p.cell, p.message(lang)]
                      for p in c.all_problems()])


def action_rows(entry: Any, lang: str = "fr") -> tuple[str | None, list[list[Any]]]:
    """The currency and the rows of the Actions sheet of one settled file (none for a file that
    was not consolidated), each value as the writers take it: text within Excel's limit, a
    yes/no in words ("late") or as 1/0 text."""
    if entry.status != "ok" or entry.analysis is None:
        return None, []
    keys = action_keys()
    assert keys[:2] == ("team", "source")
    get = attrgetter(*keys[2:])
    flags = [i for i, k in enumerate(keys) if k != "late" and schema.ACTIONS.column(k).kind == schema.Kind.FLAG]
    i_late = keys.index("late")
    words: dict[Any, str | None] = {True: schema.YES_NO.label("yes", lang), False: schema.YES_NO.label("no", lang),
                                  None: None}
    name, team, limit = entry.path.name, entry.team, MAX_CELL_TEXT
    rows = []
    for a in entry.analysis.actions:
        row = [v if type(v) is not str or len(v) <= limit else cell_text(v)
               for v in (team, f"{name} · {a.sheet}!{a.row}", *get(a))]
        row[i_late] = words[row[i_late]]
        for i in flags:
            if row[i] is not None:
                row[i] = "1" if row[i] else "0"
        rows.append(row)
    return entry.analysis.currency, rows


class Renderer:
    """Writes the workbook to ``path``: the action rows as they come (``rows``), then the rest
    (``finish``); ``close`` removes what it used meanwhile. ``stream`` (the default): the action
    rows are streamed (:class:`.book.RowStream`) and spliced into what XlsxWriter writes around
    them; otherwise XlsxWriter writes every cell (the reference the tests compare with)."""

    def __init__(self, path: str, columns: list[tuple[str, str, float]], lang: str = "fr", stream: bool = True
                 ) -> None:
        import tempfile

        self.path, self.lang = path, lang
        self.headers = [h for h, _, _ in columns]
        self.kinds = [k for _, k, _ in columns]
        self.widths = [w for _, _, w in columns]
        self.stream = RowStream(len(columns)) if stream else None
        self.frame = path
        if self.stream is not None:  # XlsxWriter writes around the rows, in a file of its own
            fd, self.frame = tempfile.mkstemp(prefix="pac-excel-", suffix=".xlsx")
            os.close(fd)
        self.book = Book(self.frame)
        self.fm = _formats(self.book)
        self.summary = self.book.add_sheet(tx("rep.sheet.summary", lang))
        self.actions = self.book.add_sheet(schema.ACTIONS.sheet(lang))
        self.currency_of: dict[str, str | None] = {}  # format key → currency, for amounts ("m:CHF")
        self.n = 0

    def _keys(self, currency: str | None) -> list[str]:
        keys = [f"m:{currency}" if k == "m" else k for k in self.kinds]
        self.currency_of.setdefault(f"m:{currency}", currency)
        return keys

    def _format(self, key: str) -> Any:
        if key.startswith("m:"):
            return _with_currency(self.book, self.fm, self.currency_of[key])["m"]
        return self.fm[key]

    def rows(self, currency: str | None, rows: list[list[Any]]) -> None:
        """The Actions rows of one plan, its amounts in its ``currency``."""
        keys = self._keys(currency)
        if self.stream is not None:
            self.stream.write_rows(self.n + 1, rows, keys)
        else:
            self.actions.write_rows(self.n + 1, rows, [self._format(k) for k in keys])
        self.n += len(rows)

    def finish(self, rest: Rest) -> None:
        book, fm = self.book, self.fm
        probes: dict[str, tuple[int, int]] = {}
        if self.stream is None:
            _table(self.actions, fm, "T_Consolidation", self.headers, self.widths, self.n)
        else:  # one cell per format the rows use, for their style numbers; the Table's size is set by splice()
            width = len(self.headers)
            for i, key in enumerate(self.stream.keys):
                probes[key] = (1 + i // width, i % width)
                self.actions.number(*probes[key], 0, self._format(key))
            _table(self.actions, fm, "T_Consolidation", self.headers, self.widths, max(1, len(probes)) // width + 1)
        _kpis(book, fm, rest)
        _journal(book, fm, rest)
        _problems(book, fm, rest)
        _summary(book, self.summary, fm, rest)
        self.summary.activate()
        book.close()
        if self.stream is not None:
            splice(self.frame, self.path, self.actions.name, self.stream, probes, len(self.headers),
                   ("T_Consolidation", max(self.n, 1)))

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            with contextlib.suppress(OSError):
                os.unlink(self.frame)


def write_workbook(c: Consolidation, path: Path, lang: str = "fr", force: bool = False, stream: bool = True
                   ) -> None:
    """Write the consolidated workbook of ``c`` to ``path``: a new file written atomically (an
    error leaves no file behind). ``stream``: see :class:`Renderer`."""
    with _said(Path(path)), atomic_output(Path(path), force=force) as tmp:
        r = Renderer(str(tmp), action_columns(lang), lang, stream)
        try:
            for e in c.files:
                r.rows(*action_rows(e, lang))
            r.finish(rest_of(c, lang))
        finally:
            r.close()


@contextlib.contextmanager
def _said(path: Path) -> Iterator[None]:
    """A failure to write (a full disk, a folder gone) as the error that names the output."""
    try:
        yield
    except PacError:
        raise
    except OSError as exc:
        raise WriteError("err.write", path=path, detail=exc) from exc


class ConsolidatedWriter:
    """The consolidated workbook written while the files are read: ``add`` each settled file
    (its rows are written at once, while the next files are read), then ``finish``. Used as a
    context manager: leaving it on an error, or without ``finish``, leaves no file behind."""

    def __init__(self, path: Path, lang: str = "fr", force: bool = False) -> None:
        self.path, self.lang, self.force = Path(path), lang, force
        self.finished = False

    def __enter__(self) -> ConsolidatedWriter:
        self._out = atomic_output(self.path, force=self.force)
        tmp = self._out.__enter__()
        try:
            self.renderer = Renderer(str(tmp), action_columns(self.lang), self.lang)
        except BaseException as exc:
            self._out.__exit__(type(exc), exc, None)
            raise
        return self

    def add(self, entry: Any) -> None:
        """Write the actions of one settled file."""
        currency, rows = action_rows(entry, self.lang)
        if rows:
            with _said(self.path):
                self.renderer.rows(currency, rows)

    def finish(self, c: Consolidation) -> None:
        with _said(self.path):
            self.renderer.finish(rest_of(c, self.lang))
        self.finished = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.renderer.close()
        if exc_type is None and self.finished:
            self._out.__exit__(None, None, None)
        else:
            self._out.__exit__(exc_type or RuntimeError, exc, tb)  # the temporary file is removed


#: the header row's height: two lines of wrapped text ("Résultat obtenu", "Lignes consolidées")
HEADER_HEIGHT = 30


_BASE = {"font_name": "Calibri", "font_size": 10}


def _formats(wb: Book) -> dict[str, Any]:
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


def _with_currency(wb: Book, fm: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """The formats with amounts in ``currency`` (none shown when it is unknown); cached in ``fm``."""
    key = f"m:{currency}"
    if key not in fm:
        fm[key] = wb.add_format({**_BASE, "num_format": schema.money_format(currency)})
    return {**fm, "m": fm[key]}


def _kind(key: str, table: schema.TableDef | None = None) -> str:
    k = (table or schema.ACTIONS).column(key).kind
    return {schema.Kind.MONEY: "m", schema.Kind.PERCENT: "p", schema.Kind.DATE: "d", schema.Kind.NUMBER: "n",
            schema.Kind.INT: "n"}.get(k, "t")


def _cell(ws: Sheet, r: int, c: int, v: Any, kind: str, fm: dict[str, Any]) -> None:
    """One cell of a small table: text, a yes/no as 1/0 text, a date, or a number in ``kind``'s
    format; None and "" are no cell."""
    if v is None or v == "":
        return
    if isinstance(v, str):
        ws.text(r, c, cell_text(v), fm["t"])
    elif isinstance(v, bool):
        ws.text(r, c, (v and "1") or "0", fm["t"])
    elif isinstance(v, date):
        ws.day(r, c, v if type(v) is date else date(v.year, v.month, v.day), fm["d"])
    else:
        ws.number(r, c, v, fm[kind])


def _table(ws: Sheet, fm: dict[str, Any], table_name: str, headers: list[str], widths: Sequence[float],
           n_rows: int) -> None:
    """The Excel Table of a sheet (header row 0 and ``n_rows`` rows, one at least); frozen
    header, printed landscape one page wide."""
    ws.row_height(0, HEADER_HEIGHT)
    for c, w in enumerate(widths):
        ws.width(c, w)
    ws.table(max(n_rows, 1), table_name, headers, fm["head"])
    ws.freeze(1, 0)
    ws.page(landscape=True, fit_width=1, repeat_first_row=True)


def _table_sheet(book: Book, fm: dict[str, Any], name: str, table_name: str, headers: list[str],
                 widths: list[float], rows: list[list[Any]], kinds: list[str]) -> Sheet:
    ws = book.add_sheet(name)
    _table(ws, fm, table_name, headers, widths, len(rows))
    for r, row in enumerate(rows, 1):
        for col, v in enumerate(row):
            _cell(ws, r, col, v, kinds[col], fm)
    return ws


def _kpis(wb: Book, fm: dict[str, Any], rest: Rest) -> None:
    headers, kinds = [h for h, _ in rest.kpi_columns], [k for _, k in rest.kpi_columns]
    _table_sheet(wb, fm, schema.KPIS.sheet(rest.lang), "T_Consolidation_KPI", headers, [16, 30, 10, 12, 12, 12, 12, 11],
                 rest.kpi_rows, kinds)


def _journal(wb: Book, fm: dict[str, Any], rest: Rest) -> None:
    lang = rest.lang
    t = lambda k: tx(k, lang)  # noqa: E731
    headers = [t("cons.file"), column_label("team", lang), t("cons.status"), "Code", t("cons.reason"),
               t("cons.detected"), t("cons.consolidated"), t("cons.ignored"), t("cons.rejected")]
    _table_sheet(wb, fm, t("cons.sheet.journal"), "T_Journal", headers, [40, 18, 10, 16, 50, 12, 12, 12, 12],
                 rest.journal_rows, ["t"] * 5 + ["n"] * 4)


def _problems(wb: Book, fm: dict[str, Any], rest: Rest) -> None:
    t = lambda k: tx(k, rest.lang)  # noqa: E731
    _table_sheet(wb, fm, t("rep.sheet.problems"), "T_Problemes",
                 [t("rep.severity"), "Code", t("cons.file"), t("rep.sheet"), t("rep.cell"), "Message"],
                 [10, 22, 36, 16, 8, 80], rest.problem_rows, ["t"] * 6)


def _summary(wb: Book, ws: Sheet, fm: dict[str, Any], c: Rest) -> None:
    lang = c.lang
    t = lambda k: tx(k, lang)  # noqa: E731
    ws.width(0, 34)
    for col in range(1, 5):
        ws.width(col, 15)
    ws.text(0, 0, t("cons.title"), fm["title"])
    ok, rej, skipped = c.counts
    ws.text(1, 0, t("cons.files_line").format(ok=ok, rejected=rej, skipped=skipped), fm["note"])
    tot = c.totals
    figures = [(label, tot[key], kind) for label, key, kind in c.figures]
    cfm = _with_currency(wb, fm, c.currency)
    for i, (label, v, kind) in enumerate(figures):
        ws.text(3 + i, 0, label, fm["t"])
        _cell(ws, 3 + i, 1, v, kind, cfm)
    r = 3 + len(figures) + 1
    if c.mixed:  # amounts in several currencies are never added up: one column of totals per currency
        ws.text(r, 0, t("cons.by_currency"), fm["head"])
        by = c.by_currency
        for col, code in enumerate(by, 1):
            ws.text(r, col, code, fm["head"])
        for i, (label, key, kind) in enumerate(c.figures, 1):
            ws.text(r + i, 0, label, fm["t"])
            for col, code in enumerate(by, 1):
                _cell(ws, r + i, col, by[code][key], kind, _with_currency(wb, fm, code))
        r += len(figures) + 2
    charts = []
    for title, groups, late in c.groups:
        heads = [title, t("kpi.actions"), column_label("budget_planned", lang), column_label("budget_actual", lang)] + (
            [column_label("late", lang)] if late else [])
        for col, h in enumerate(heads):
            ws.text(r, col, h, fm["head"])
        first = r + 1
        for name, g in groups.items():
            r += 1
            ws.text(r, 0, name or t("rep.blank"), fm["t"])
            ws.number(r, 1, g["actions"], fm["n"])
            gfm = _with_currency(wb, fm, g.get("currency", c.currency))
            _cell(ws, r, 2, g["budget_planned"], "m", gfm)
            _cell(ws, r, 3, g["budget_actual"], "m", gfm)
            if late:
                ws.number(r, 4, g["late"], fm["n"])
        if any(g["budget_planned"] is not None or g["budget_actual"] is not None for g in groups.values()):
            charts.append((title, first, r))  # amounts unknown (plans in several currencies): nothing to draw
        r += 2
    for i, (title, first, last) in enumerate(charts):
        horizontal = last - first > 8  # many teams: horizontal bars, whose value axis is x
        wb.bar_chart(ws, 3 + i * 17, 6, horizontal=horizontal, title=title,
                     series=[{"name": (first - 1, col), "categories": (first, 0, last, 0),
                              "values": (first, col, last, col), "color": color}
                             for col, color in ((2, "#2E5C8A"), (3, "#ED7D31"))],
                     num_format=schema.money_format(c.currency).split(";")[0], width=560,
                     height=300 if last - first <= 8 else min(1200, 120 + 18 * (last - first)))
    _print_summary(ws, r)


def _print_summary(ws: Sheet, last_row: int) -> None:
    """Landscape on A4, one page wide, the charts (columns G to O) included."""
    ws.page(landscape=True, paper=9, fit_width=1, area=(0, 0, max(last_row, 40), 14))

