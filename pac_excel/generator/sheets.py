"""The sheets that are not a single table: guide, strategy, objective, revenue targets,
planning (Gantt), lists and the hidden metadata sheet."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from .. import __version__, compute, schema
from ..a1 import a1, col_letter
from ..i18n import pipeline_summary_heads
from ..schema import MONTHS, MONTHS_SHORT, Kind
from .book import Book, excel_serial, quote_sheet
from .formulas import cached_values
from .tablesheet import write_table, write_value

# Positions other sheets rely on (0-based): the strategy header values are B4, B5, B6.
STRATEGY_FIELD_ROW = 3
STRATEGY_WIDTHS = (22, 44, 26, 14, 14, 13)


# ------------------------------------------------------------------------------------ guide
def _fit(ws: Any, r: int, text: str, width: float) -> None:
    """Give a row the height its wrapped text needs (spreadsheets do not grow rows on load)."""
    lines = max(1, math.ceil(len(text) / (width * 1.05)))
    if lines > 1:
        ws.set_row(r, 14 * lines)


def write_guide(book: Book, ws: Any) -> None:
    t = book.t
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 92)
    ws.hide_gridlines(2)
    ws.set_row(0, 30)
    ws.write_string(0, 1, t("guide.title"), book.fmt("title"))
    ws.merge_range(2, 1, 2, 2, t("guide.intro"), book.fmt("text"))
    _fit(ws, 2, t("guide.intro"), 122)
    r = 4
    ws.write_string(r, 1, t("guide.legend"), book.fmt("section"))
    ws.write_blank(r, 2, None, book.fmt("section"))
    legend = [
        (book.fmt("input"), "guide.legend.input"),
        (book.fmt("computed"), "guide.legend.computed"),
        (book.fmt("header"), "guide.legend.header"),
        (book.fmt("header_c"), "guide.legend.header_c"),
    ]
    for fmt, key in legend:
        r += 1
        ws.write_string(r, 1, "", fmt)
        ws.write_string(r, 2, t(key), book.fmt("text"))
    r += 2
    ws.write_string(r, 1, t("guide.fill"), book.fmt("section"))
    ws.write_blank(r, 2, None, book.fmt("section"))
    for i in range(1, 6):
        r += 1
        ws.write_string(r, 1, f"{i}.", book.fmt("label", align="right"))
        text = t(f"guide.fill.{i}").replace("{mark}", book.currency.mark)  # the workbook's own currency
        ws.write_string(r, 2, text, book.fmt("text"))
        _fit(ws, r, text, 92)
    r += 2
    ws.write_string(r, 1, t("guide.sheets"), book.fmt("section"))
    ws.write_blank(r, 2, None, book.fmt("section"))
    for spec in book.template.sheets:
        r += 1
        ws.write_string(r, 1, book.sheet_name(spec.kind), book.fmt("label"))
        ws.write_string(r, 2, t(f"sheet.{spec.kind}"), book.fmt("text"))
        _fit(ws, r, t(f"sheet.{spec.kind}"), 92)
    r += 2
    ws.write_string(r, 1, t("guide.method"), book.fmt("section"))
    ws.write_blank(r, 2, None, book.fmt("section"))
    for i, step in enumerate(t("guide.method.steps").split("|"), 1):
        r += 1
        ws.write_string(r, 1, f"{i}.", book.fmt("label", align="right"))
        ws.write_string(r, 2, step, book.fmt("text"))
    r += 2
    ws.write_string(r, 1, t("guide.review"), book.fmt("section"))
    ws.write_blank(r, 2, None, book.fmt("section"))
    r += 1
    ws.merge_range(r, 1, r, 2, t("guide.review.text"), book.fmt("text"))
    _fit(ws, r, t("guide.review.text"), 122)
    book.print_setup(ws, None, 2, r)
    ws.set_portrait()
    book.protect(ws, inputs=False)


# ------------------------------------------------------------------------------------ strategy
def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _section(book: Book, ws: Any, r: int, text: str, last_col: int) -> None:
    ws.set_row(r, 20)
    ws.write_string(r, 0, text, book.fmt("section"))
    for c in range(1, last_col + 1):
        ws.write_blank(r, c, None, book.fmt("section"))


def write_strategy(book: Book, ws: Any) -> None:
    d, t, lang = book.data, book.t, book.lang
    for i, w in enumerate(STRATEGY_WIDTHS):
        ws.set_column(i, i, w)
    book.sheet_header(ws, t("strategy.title"), subtitle=_first_upper(t("sheet.strategy")))
    values = {"company": d.company, "team": d.team, "period": d.period or str(book.year)}
    for i, (key, label) in enumerate(schema.STRATEGY_FIELDS):
        r = STRATEGY_FIELD_ROW + i
        ws.write_string(r, 0, label(lang), book.fmt("label"))
        ws.write_string(r, 1, values[key], book.fmt("input"))
    r = 7
    _section(book, ws, r, t("strategy.vision"), 5)
    ws.set_row(r + 1, 48)
    ws.merge_range(r + 1, 0, r + 1, 5, "", book.fmt("big_input"))
    ws.write_string(r + 1, 0, d.vision, book.fmt("big_input"))
    ws.write_string(r + 2, 0, t("strategy.vision.hint"), book.fmt("note", text_wrap=False))

    r += 4
    _section(book, ws, r, schema.OBJECTIVES.title(lang), 5)
    objectives = list(d.objectives) or [{"id": f"OBJ-{i}"} for i in range(1, 9)]
    if d.objectives and len(objectives) < 8:
        objectives += [{"id": f"OBJ-{i}"} for i in range(len(objectives) + 1, 9)]
    place = write_table(book, ws, schema.OBJECTIVES, schema.OBJECTIVES.columns, r + 1, 0, len(objectives),
                        objectives, sheet_widths=STRATEGY_WIDTHS)
    book.tables["objectives"] = place
    book.wb.define_name(schema.OBJECTIVE_IDS, "=" + place.range("id"))

    r = place.last_row + 2
    for tdef, n in ((schema.SEGMENTS, 5),):
        _section(book, ws, r, tdef.title(lang), 5)
        place = write_table(book, ws, tdef, tdef.columns, r + 1, 0, n, d.rows(tdef.key), sheet_widths=STRATEGY_WIDTHS)
        r = place.last_row + 2

    _section(book, ws, r, t("strategy.mix"), 5)
    for key, label in schema.MARKETING_MIX:
        r += 1
        ws.set_row(r, 30)
        ws.write_string(r, 0, label(lang), book.fmt("label"))
        ws.merge_range(r, 1, r, 5, "", book.fmt("big_input"))
        ws.write_string(r, 1, d.mix.get(key, ""), book.fmt("big_input"))

    r += 2
    _section(book, ws, r, t("strategy.swot"), 5)
    quads = schema.SWOT
    for pair in (quads[0:2], quads[2:4]):
        r += 1
        for (key, label), (c0, c1) in zip(pair, ((0, 1), (2, 5))):
            ws.merge_range(r, c0, r, c1, label(lang), book.fmt("header"))
            ws.merge_range(r + 1, c0, r + 1, c1, "", book.fmt("big_input"))
            ws.write_string(r + 1, c0, d.swot.get(key, ""), book.fmt("big_input"))
        ws.set_row(r + 1, 70)
        r += 1

    r += 2
    _section(book, ws, r, schema.REVIEW.title(lang), 5)
    place = write_table(book, ws, schema.REVIEW, schema.REVIEW.columns, r + 1, 0, 5, d.rows("review"),
                        sheet_widths=STRATEGY_WIDTHS)
    book.print_setup(ws, None, 5, place.last_row)
    ws.set_portrait()
    book.protect(ws, inputs=True)


# ------------------------------------------------------------------------- objective (one-objective template)
def write_objective(book: Book, ws: Any) -> None:
    d, t = book.data, book.t
    sheet = d.objective_sheet
    ws.set_column(0, 0, 34)
    ws.set_column(1, 5, 16)
    book.sheet_header(ws, t("objective.title"), subtitle=t("objective.rule"))
    # who and when first (as on the Stratégie sheet of the other templates), then the objective
    values = {"company": d.company, "team": d.team, "period": d.period or str(book.year)}
    rows: list[tuple[str, Any, Kind]] = [(label(book.lang), values[key], Kind.TEXT)
                                         for key, label in schema.STRATEGY_FIELDS]
    rows += [
        (t("objective.reminder"), sheet.get("strategy", ""), Kind.LONG_TEXT),
        (t("objective.objective"), sheet.get("objective", ""), Kind.LONG_TEXT),
        (t("objective.deadline"), sheet.get("deadline"), Kind.DATE),
    ]
    for i, (label_text, value, kind) in enumerate(rows):
        r = 3 + i
        ws.write_string(r, 0, label_text, book.fmt("label"))
        fmt = book.fmt("big_input") if kind is Kind.LONG_TEXT else book.fmt("input", kind)
        if kind is Kind.LONG_TEXT:
            ws.set_row(r, 36)
            ws.merge_range(r, 1, r, 5, "", fmt)
        write_value(ws, r, 1, value, fmt)

    tasks = schema.TASKS
    tk = lambda key: f"{tasks.table_name}[{tasks.column(key).label(book.lang)}]"  # noqa: E731
    kp = f"{schema.KPIS.table_name}[{schema.KPIS.column('attainment').label(book.lang)}]"
    done = book.label("status", "done")
    task_rows = d.rows("tasks")
    budget = sum(r.get("budget") or 0 for r in task_rows if isinstance(r.get("budget"), (int, float)))
    n_done = sum(1 for r in task_rows if r.get("status") == done)
    n_tasks = sum(1 for r in task_rows if r.get("task"))
    attainments = [compute.kpi_attainment(k.get("initial"), k.get("target"),
                                          compute.latest_value([k.get(m) for m in schema.MONTH_KEYS]))
                   for k in d.rows("kpis")]
    kpi_att = [a for a in attainments if a is not None]
    figures = [
        ("objective.budget", f"=SUM({tk('budget')})", Kind.MONEY, budget),
        ("objective.done", f'=COUNTIFS({tk("status")},"{done}")&" / "&COUNTA({tk("task")})', Kind.TEXT,
         f"{n_done} / {n_tasks}"),
        ("objective.kpi", f'=IFERROR(AVERAGE({kp}),"")', Kind.PERCENT,
         sum(kpi_att) / len(kpi_att) if kpi_att else ""),
    ]
    for i, (key, formula, kind, cached) in enumerate(figures):
        r = 3 + len(rows) + 1 + i
        ws.write_string(r, 0, t(key), book.fmt("label"))
        ws.write_formula(r, 1, formula, book.fmt("computed", kind, align="right"), cached)
    book.print_setup(ws, None, 5, 3 + len(rows) + len(figures))
    book.protect(ws, inputs=True)


# ------------------------------------------------------------------------------------ revenue targets
REVENUE_HEADER_ROW = 7


def write_revenue(book: Book, ws: Any) -> dict[str, Any]:
    """Writes the revenue sheet; returns the cells the dashboard uses."""
    d, t, lang = book.data, book.t, book.lang
    cols = schema.REVENUE_COLUMNS
    for i, column in enumerate(cols):
        ws.set_column(i, i, column.width)
    book.sheet_header(ws, t("revenue.title"))
    ws.merge_range(3, 0, 3, 2, t("revenue.annual"), book.fmt("label"))
    annual = d.revenue.annual_target
    write_value(ws, 3, 3, annual, book.fmt("input", Kind.MONEY))
    ws.data_validation(3, 3, 3, 3, {"validate": "decimal", "criteria": ">=", "value": 0,
                                    "input_title": t("val.money.title"), "input_message": t("val.money.msg"),
                                    "error_title": t("val.money.title"), "error_message": t("val.money.err")})
    ws.merge_range(4, 0, 4, 2, t("revenue.year"), book.fmt("label"))
    ws.write_number(4, 3, book.year, book.fmt("input", Kind.INT))
    ws.set_row(5, 28)
    ws.merge_range(5, 0, 5, len(cols) - 1, t("revenue.hint"), book.fmt("note"))

    h = REVENUE_HEADER_ROW
    ws.set_row(h, 32)
    for i, column in enumerate(cols):
        ws.write_string(h, i, column.label(lang), book.fmt("header_c" if column.computed else "header"))
    first, last = h + 1, h + 12
    weights = list(d.revenue.weights) + [None] * (12 - len(d.revenue.weights))
    actuals = list(d.revenue.actuals) + [None] * (12 - len(d.revenue.actuals))
    targets = compute.split_target(annual, weights)
    q = t("revenue.q")
    A = lambda c, r: a1(r, c)  # noqa: E731
    wr = f"{a1(first, 2, True)}:{a1(last, 2, True)}"
    cum_t = cum_a = 0.0
    for m in range(12):
        r = first + m
        ws.write_string(r, 0, MONTHS[m](lang), book.fmt("input", Kind.TEXT, locked=True, bg_color="#F3F6FA"))
        ws.write_string(r, 1, f"{q}{m // 3 + 1}", book.fmt("input", Kind.TEXT, locked=True, bg_color="#F3F6FA",
                                                             align="center"))
        write_value(ws, r, 2, weights[m], book.fmt("input", Kind.NUMBER))
        write_value(ws, r, 4, actuals[m], book.fmt("input", Kind.MONEY))
        tgt, act = targets[m], actuals[m]
        has_act = isinstance(act, (int, float))
        cum_t = cum_t + tgt if tgt is not None else cum_t
        cum_a = cum_a + act if isinstance(act, (int, float)) else cum_a
        cached = {
            3: tgt,
            5: compute.variance(tgt, act),
            6: cum_t if tgt is not None else None,
            7: cum_a if has_act else None,
        }
        cached[8] = compute.variance(cached[6], cached[7])
        cached[9] = compute.attainment(cached[6], cached[7])
        ann = a1(3, 3, True)
        f = {
            3: f'=IF(AND(ISNUMBER({ann}),ISNUMBER({A(2, r)}),SUM({wr})>0),{ann}*{A(2, r)}/SUM({wr}),"")',
            5: f'=IF(AND(ISNUMBER({A(4, r)}),ISNUMBER({A(3, r)})),{A(4, r)}-{A(3, r)},"")',
            6: f'=IF(ISNUMBER({A(3, r)}),SUM({a1(first, 3, True)}:{A(3, r)}),"")',
            7: f'=IF(ISNUMBER({A(4, r)}),SUM({a1(first, 4, True)}:{A(4, r)}),"")',
            8: f'=IF(AND(ISNUMBER({A(7, r)}),ISNUMBER({A(6, r)})),{A(7, r)}-{A(6, r)},"")',
            9: f'=IF(AND(ISNUMBER({A(7, r)}),ISNUMBER({A(6, r)})),IF({A(6, r)}=0,"",{A(7, r)}/{A(6, r)}),"")',
        }
        for c, formula in f.items():
            v = cached[c]
            ws.write_formula(r, c, formula, book.fmt("computed", cols[c].kind), "" if v is None else v)
    ws.data_validation(first, 2, last, 2, {"validate": "decimal", "criteria": ">=", "value": 0,
                                           "error_title": t("val.number.title"), "error_message": t("val.number.err")})
    ws.data_validation(first, 4, last, 4, {"validate": "decimal", "criteria": ">=", "value": 0,
                                           "input_title": t("val.money.title"), "input_message": t("val.money.msg"),
                                           "error_title": t("val.money.title"), "error_message": t("val.money.err")})
    # Total row
    tr = last + 1
    tot_fmt = lambda kind: book.fmt("computed", kind, bold=True, top=2)  # noqa: E731
    ws.write_string(tr, 0, t("total"), tot_fmt(Kind.TEXT))
    ws.write_blank(tr, 1, None, tot_fmt(Kind.TEXT))
    variances = [compute.variance(tg, ac) for tg, ac in zip(targets, actuals)]
    for c, series in ((2, weights), (3, targets), (4, actuals), (5, variances)):
        rng = f"{A(c, first)}:{A(c, last)}"
        vals = [v for v in series if isinstance(v, (int, float))]
        ws.write_formula(tr, c, f'=IF(COUNT({rng})=0,"",SUM({rng}))', tot_fmt(cols[c].kind), sum(vals) if vals else "")
    for c in range(6, 10):
        ws.write_blank(tr, c, None, tot_fmt(cols[c].kind))
    for c in (5, 8):
        rng_cell = A(c, first)
        ws.conditional_format(first, c, last, c, {"type": "formula", "criteria": f"=AND(ISNUMBER({rng_cell}),"
                                                  f"{rng_cell}<0)", "format": book.dxf("red")})
    ws.conditional_format(first, 9, last, 9, {"type": "formula", "criteria": f"=AND(ISNUMBER({A(9, first)}),"
                                              f"{A(9, first)}>=1)", "format": book.dxf("green")})

    # Quarters
    qr = tr + 2
    _section(book, ws, qr, t("revenue.quarters"), 4)
    qh = qr + 1
    ws.set_row(qh, 32)  # "Actual revenue", "Taux d’atteinte" wrap on two lines
    qcols = [cols[1].label(lang), schema.ACTIONS.column("target").label(lang), cols[4].label(lang),
             schema.ACTIONS.column("variance").label(lang), schema.ACTIONS.column("attainment").label(lang)]
    for i, label in enumerate(qcols):
        ws.write_string(qh, i, label, book.fmt("header_c" if i != 0 else "header"))
    for k in range(4):
        r = qh + 1 + k
        m0, m1 = first + 3 * k, first + 3 * k + 2
        tg = [x for x in targets[3 * k:3 * k + 3] if x is not None]
        ac = [x for x in actuals[3 * k:3 * k + 3] if isinstance(x, (int, float))]
        qt = sum(tg) if tg else None
        qa = sum(ac) if ac else None
        complete = len(ac) == 3
        ws.write_string(r, 0, f"{q}{k + 1}", book.fmt("computed", Kind.TEXT, align="center"))
        ws.write_formula(r, 1, f'=IF(COUNT({A(3, m0)}:{A(3, m1)})=0,"",SUM({A(3, m0)}:{A(3, m1)}))',
                         book.fmt("computed", Kind.MONEY), "" if qt is None else qt)
        ws.write_formula(r, 2, f'=IF(COUNT({A(4, m0)}:{A(4, m1)})=0,"",SUM({A(4, m0)}:{A(4, m1)}))',
                         book.fmt("computed", Kind.MONEY), "" if qa is None else qa)
        full = f"COUNT({A(4, m0)}:{A(4, m1)})=3"
        v = compute.variance(qt, qa) if complete else None
        ws.write_formula(r, 3, f'=IF(AND({full},ISNUMBER({A(1, r)})),{A(2, r)}-{A(1, r)},"")',
                         book.fmt("computed", Kind.MONEY), "" if v is None else v)
        at = compute.attainment(qt, qa) if complete else None
        ws.write_formula(r, 4, f'=IF(AND({full},ISNUMBER({A(1, r)})),IF({A(1, r)}=0,"",{A(2, r)}/{A(1, r)}),"")',
                         book.fmt("computed", Kind.PERCENT), "" if at is None else at)
    ws.freeze_panes(h + 1, 1)
    book.print_setup(ws, h, len(cols) - 1, qh + 4)
    book.protect(ws, inputs=True)
    return {"annual": (3, 3), "year": (4, 3), "first": first, "last": last, "total_row": tr}


# ------------------------------------------------------------------------------------ planning
PLANNING_MAX_ROWS = 1000


def write_planning(book: Book, ws: Any) -> None:
    t, lang = book.t, book.lang
    acts = book.tables["actions"]
    tn = schema.ACTIONS.table_name
    n = min(acts.last_row - acts.header_row, PLANNING_MAX_ROWS)
    fields = [("no", 6), ("action", 42), ("owner", 22), ("status", 12), ("start", 11), ("end", 11)]
    with_progress = acts.has("progress")
    if with_progress:  # 100 % done is drawn done, as the plan counts it
        fields.insert(4, ("progress", 11))
    for i, (_, w) in enumerate(fields):
        ws.set_column(i, i, w)
    ws.set_column(len(fields), len(fields) + 11, 6.5)
    book.sheet_header(ws, t("planning.title"))
    ws.write_string(2, 0, t("planning.hint"), book.fmt("note", text_wrap=False))
    hdr = 4  # date header row; month names above it
    for i, (key, _) in enumerate(fields):
        c = schema.ACTIONS.column(key)
        ws.merge_range(hdr - 1, i, hdr, i, c.label(lang), book.fmt("header"))
    for m in range(12):
        col = len(fields) + m
        ws.write_string(hdr - 1, col, MONTHS_SHORT[m](lang), book.fmt("header", font_size=8))
        ws.write_datetime(hdr, col, datetime(book.year, m + 1, 1), book.fmt("header", num_format="mm/yy", font_size=8))
    rows = book.data.rows("actions")
    done = book.label("status", "done")
    closed = [book.label("status", k) for k in schema.CLOSED_STATUSES]
    for k in range(n):
        r = hdr + 1 + k
        row = rows[k] if k < len(rows) else {}

        def idx(key: str, k: int = k) -> str:
            return f"INDEX({tn}[{schema.ACTIONS.column(key).label(lang)}],{k + 1})"

        action_ref = a1(r, 1)
        for i, (key, _) in enumerate(fields):
            c = schema.ACTIONS.column(key)
            if key == "action":
                f = f'=IFERROR(IF({idx(key)}="","",{idx(key)}),"")'
            else:
                f = f'=IF({action_ref}="","",IFERROR(IF({idx(key)}="","",{idx(key)}),""))'
            v = row.get(key) if row.get("action") else None
            if isinstance(v, date):
                v = excel_serial(v)
            kind = c.kind if c.kind in (Kind.DATE, Kind.INT, Kind.PERCENT) else Kind.TEXT
            ws.write_formula(r, i, f, book.fmt("computed", kind, text_wrap=False), "" if v is None else v)
        for m in range(12):
            ws.write_blank(r, len(fields) + m, None, book.fmt("computed", None, border_color="#DDE3EA",
                                                             bg_color="#FFFFFF"))
    if n:
        first, last = hdr + 1, hdr + n
        c0, c1 = len(fields), len(fields) + 11
        month = f"{col_letter(c0)}${hdr + 1}"
        where = {key: f"${col_letter(i)}{first + 1}" for i, (key, _) in enumerate(fields)}
        s, e, st = where["start"], where["end"], where["status"]
        overlap = f"ISNUMBER({s}),ISNUMBER({e}),{s}<=EOMONTH({month},0),{e}>={month}"
        today = f"AND(TODAY()>={month},TODAY()<=EOMONTH({month},0))"
        finished = f'OR({st}="{done}",AND(ISNUMBER({where["progress"]}),{where["progress"]}>=1))' \
            if with_progress else f'{st}="{done}"'
        bars = [
            (f'AND({overlap},{st}="{book.label("status", "cancelled")}")', "gantt_cancelled"),
            (f"AND({overlap},{finished})", "gantt_done"),
            (f'AND({overlap},{e}<TODAY(),{st}<>"{closed[0]}",{st}<>"{closed[1]}")', "gantt_late"),
            (f"AND({overlap})", "gantt_plan"),
        ]
        # The today line: the current month's column framed in red from the header down, bars
        # included. LibreOffice applies only the first true rule of a range, so each bar style has
        # a twin with the frame, tested first; the month's tint runs under the bars.
        rules = [(f"=AND({today},{f})", f"{style}_today") for f, style in bars]
        rules += [(f"={f}", style) for f, style in bars]
        rules.append((f"={today}", "today_column"))
        for formula, style in rules:
            ws.conditional_format(first, c0, last, c1, {"type": "formula", "criteria": formula,
                                                        "format": book.dxf(style)})
        ws.conditional_format(hdr - 1, c0, hdr, c1, {"type": "formula", "criteria": f"={today}",
                                                     "format": book.dxf("today")})
    ws.freeze_panes(hdr + 1, 2)
    book.print_setup(ws, hdr, len(fields) + 11, hdr + max(n, 1))
    book.protect(ws, inputs=False)


# ------------------------------------------------------------------------------------ lists
LISTS_HEADER_ROW = 3


def list_layout(book: Book) -> dict[str, tuple[int, int, int]]:
    """list key → (column, first row, last row) on the Listes sheet."""
    out = {}
    for i, lst in enumerate(schema.LISTS):
        first = LISTS_HEADER_ROW + 1
        out[lst.key] = (i, first, first + lst.cells - 1)
    return out


def define_list_names(book: Book) -> None:
    sheet = quote_sheet(book.sheet_name("lists"))
    for key, (col, first, last) in list_layout(book).items():
        name = f"list_{key}"
        book.wb.define_name(name, f"={sheet}!{a1(first, col, True)}:{a1(last, col, True)}")
        book.list_names[key] = name


def write_lists(book: Book, ws: Any) -> None:
    t, lang = book.t, book.lang
    book.sheet_header(ws, t("lists.title"), subtitle=t("lists.hint"))
    layout = list_layout(book)
    owners = list(book.data.owners)
    for lst in schema.LISTS:
        col, first, _last = layout[lst.key]
        ws.set_column(col, col, 22 if lst.key == "owner" else 17)
        ws.write_string(LISTS_HEADER_ROW, col, lst.title(lang), book.fmt("header"))
        values = owners if lst.key == "owner" else book.categories() if lst.key == "category" else lst.labels(lang)
        editable = lst.editable
        fmt = book.fmt("input") if editable else book.fmt("list_value")
        for i in range(lst.cells):
            v = values[i] if i < len(values) else None
            if v:
                ws.write_string(first + i, col, str(v), fmt)
            else:
                ws.write_blank(first + i, col, None, fmt)
    ws.set_row(LISTS_HEADER_ROW, 30)
    ws.freeze_panes(LISTS_HEADER_ROW + 1, 0)
    book.print_setup(ws, LISTS_HEADER_ROW, len(schema.LISTS) - 1, LISTS_HEADER_ROW + 30)
    book.protect(ws, inputs=False)


# ------------------------------------------------------------------------------------ metadata
def write_meta(book: Book, ws: Any) -> None:
    """Hidden sheet + defined names: template id, version and language, for the reader."""
    items = [("template", book.template.id), ("version", book.template.version), ("lang", book.lang),
             ("generator", f"pac-excel {__version__}"), ("year", str(book.year)),
             ("currency", book.data.currency)]
    for i, (k, v) in enumerate(items):
        ws.write_string(i, 0, k, book.fmt("meta"))
        ws.write_string(i, 1, v, book.fmt("meta"))
        if k in ("template", "version", "lang", "currency"):
            book.wb.define_name(f"pac_{k}", f"={quote_sheet(ws.name)}!{a1(i, 1, True)}")
    ws.hide()
    book.protect(ws, inputs=False)


# ------------------------------------------------------------------------------------ pipeline
def write_pipeline_summary(book: Book, ws: Any, revenue_cells: dict[str, Any] | None) -> None:
    """Above the opportunities: the stages' title, and the weighted pipeline by month of expected
    signature against the monthly revenue target of *Objectifs CA* (gap and coverage), when the
    workbook has that sheet."""
    t, lang = book.t, book.lang
    P = schema.PIPELINE
    tn = P.table_name
    ws.write_string(3, 0, t("pipeline.stages"), book.fmt("label", text_wrap=False))
    ws.write_string(3, 3, t("pipeline.by_month"), book.fmt("label", text_wrap=False))
    heads = pipeline_summary_heads(lang, revenue=bool(revenue_cells))
    h, c0 = 4, 3
    for i, text in enumerate(heads):
        ws.write_string(h, c0 + i, text, book.fmt("header_c" if i else "header"))
    rs = quote_sheet(book.sheet_name("revenue")) if revenue_cells else ""
    yr, yc = revenue_cells["year"] if revenue_cells else (0, 0)
    year = f"{rs}!{a1(yr, yc, True)}" if revenue_cells else str(book.year)  # the year typed on Objectifs CA
    weighted_col, close_col = f"{tn}[{P.column('weighted').label(lang)}]", f"{tn}[{P.column('close').label(lang)}]"
    # cached values: the weighted amounts of the pre-filled opportunities, by month of the plan's year
    by_month: list[float] = [0.0] * 12
    for row in book.data.pipeline:
        w = cached_values("pipeline", row, lang, book.as_of, book.data.stages).get("weighted")
        close = row.get("close")
        if compute.is_number(w) and isinstance(close, date) and close.year == book.year:
            by_month[close.month - 1] += w
    targets = compute.split_target(book.data.revenue.annual_target, list(book.data.revenue.weights) + [None] * 12) \
        if revenue_cells else [None] * 12
    first = h + 1
    for m in range(12):
        r = first + m
        start = f"DATE({year},{m + 1},1)"
        ws.write_string(r, c0, schema.MONTHS[m](lang), book.fmt("computed", Kind.TEXT))
        ws.write_formula(r, c0 + 1, f'=SUMIFS({weighted_col},{close_col},">="&{start},'
                                    f'{close_col},"<="&EOMONTH({start},0))', book.fmt("computed", Kind.MONEY),
                         by_month[m])
        if not revenue_cells:
            continue
        target = f"{rs}!{a1(revenue_cells['first'] + m, 3, True)}"
        w, tg = a1(r, c0 + 1), a1(r, c0 + 2)
        cached_t = targets[m]
        ws.write_formula(r, c0 + 2, f'=IF(ISNUMBER({target}),{target},"")', book.fmt("computed", Kind.MONEY),
                         "" if cached_t is None else cached_t)
        ws.write_formula(r, c0 + 3, f'=IF(ISNUMBER({tg}),{w}-{tg},"")', book.fmt("computed", Kind.MONEY),
                         "" if cached_t is None else by_month[m] - cached_t)
        coverage = compute.ratio(by_month[m], cached_t)
        ws.write_formula(r, c0 + 4, f'=IF(AND(ISNUMBER({tg}),{tg}<>0),{w}/{tg},"")',
                         book.fmt("computed", Kind.PERCENT), "" if coverage is None else coverage)
    tr = first + 12
    ws.write_string(tr, c0, t("total"), book.fmt("computed", Kind.TEXT, bold=True, top=2))
    known = [x for x in targets if x is not None]
    total_target = sum(known) if known else None
    total_w = sum(by_month)
    cached_totals = {1: total_w, 2: total_target, 3: None if total_target is None else total_w - total_target,
                     4: compute.ratio(total_w, total_target)}
    for i in range(1, len(heads)):
        col = c0 + i
        rng = f"{a1(first, col)}:{a1(tr - 1, col)}"
        cached = cached_totals[i]
        if i == 4:
            w, tg = a1(tr, c0 + 1), a1(tr, c0 + 2)
            ws.write_formula(tr, col, f'=IF(AND(ISNUMBER({tg}),{tg}<>0),{w}/{tg},"")',
                             book.fmt("computed", Kind.PERCENT, bold=True, top=2), "" if cached is None else cached)
        else:
            ws.write_formula(tr, col, f'=IF(COUNT({rng})=0,"",SUM({rng}))',
                             book.fmt("computed", Kind.MONEY, bold=True, top=2), "" if cached is None else cached)
    if revenue_cells:
        gap = f"{a1(first, c0 + 3)}:{a1(tr, c0 + 3)}"
        ws.conditional_format(gap, {"type": "cell", "criteria": "<", "value": 0, "format": book.dxf("red")})


# ------------------------------------------------------------------------------------ funnel
def write_funnel_stage(book: Book, ws: Any) -> None:
    """Above the funnel: the business stage, chosen once for the workbook (Démarrage ×3,
    Développement ×2), and the factor it sets, which the table's "needed" columns use."""
    t, lang = book.t, book.lang
    key = book.data.funnel_stage if book.data.funnel_stage in schema.FUNNEL_FACTORS else "startup"
    growth = schema.BUSINESS_STAGE.label("growth", lang)
    ws.merge_range(3, 0, 3, 1, schema.BUSINESS_STAGE.title(lang), book.fmt("label", text_wrap=False))
    ws.merge_range(3, 2, 3, 3, schema.BUSINESS_STAGE.label(key, lang), book.fmt("input", Kind.CHOICE))
    ws.data_validation(3, 2, 3, 2, {"validate": "list", "source": "=" + book.source_of("business_stage"),
                                    "input_title": t("val.list.title"), "input_message": t("funnel.stage.msg"),
                                    "error_title": t("val.list.title"), "error_message": t("val.list.err")})
    ws.write_string(3, 4, t("funnel.factor"), book.fmt("label", text_wrap=False))
    ws.write_formula(3, 5, f'=IF(C4="{growth}",2,3)', book.fmt("computed", Kind.INT),
                     schema.FUNNEL_FACTORS[key])
    ws.write_string(4, 0, t("funnel.hint"), book.fmt("note", text_wrap=False))
