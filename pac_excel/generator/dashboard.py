"""The Tableau de bord: totals that follow the plan, breakdowns and native charts.

Every figure is a formula over the Excel Tables (so it follows rows added later); the value
computed from the pre-filled data is written with it for readers that do not recalculate."""

from __future__ import annotations

from typing import Any

from .. import compute, schema
from ..a1 import a1
from ..compute import is_number
from ..i18n import figure_label
from ..schema import Kind
from .book import Book, quote_sheet
from .formulas import cached_values

COLS = (34, 14, 13, 13, 13, 12)
#: the attainment chart shows the first indicators of the table
KPI_CHART_ROWS = 10
#: rows of the owner and category breakdowns shown (and printed) beyond the named ones: the rest
#: of the list's rows are there, hidden, and count in every total; `refresh` shows them once named
MIN_OWNER_ROWS, MIN_CATEGORY_ROWS = 6, 5
#: the charts: a 2 × 2 grid right of the tables, in pixels
CHART_W, CHART_H, CHART_GAP = 470, 430, 12
CHART_COL = 7


def _sum(rows: list[dict], key: str) -> float:
    return sum(r[key] for r in rows if is_number(r.get(key)))


def write_dashboard(book: Book, ws: Any, revenue_cells: dict[str, Any] | None) -> None:
    t, lang = book.t, book.lang
    A = schema.ACTIONS
    tn = A.table_name

    def col(key: str) -> str:
        return f"{tn}[{A.column(key).label(lang)}]"

    for i, w in enumerate(COLS):
        ws.set_column(i, i, w)
    ws.set_column(6, 6, 2)
    book.sheet_header(ws, t("dashboard.title"))

    # Pre-filled rows with their computed values, for the cached results.
    rows = []
    for typed in book.data.rows("actions"):
        rr = dict(typed)
        rr.update({k: (None if v == "" else v) for k, v in cached_values("actions", typed, lang, book.as_of).items()})
        rows.append(rr)
    yes, done = book.label("yes_no", "yes"), book.label("status", "done")
    kpi_rows = [cached_values("kpis", k, lang, book.as_of) for k in book.data.rows("kpis")]

    def avg(values: list[Any]) -> Any:
        vs = [v for v in values if is_number(v)]
        return sum(vs) / len(vs) if vs else ""

    planned, actual = _sum(rows, "budget_planned"), _sum(rows, "budget_actual")
    rev_actual = _sum(rows, "revenue_actual")
    tiles: list[tuple[str, str, Kind, Any]] = [
        ("kpi.actions", f"=COUNTA({col('action')})", Kind.INT, sum(1 for r in rows if r.get("action"))),
        ("kpi.done", f'=COUNTIFS({col("status")},"{done}")', Kind.INT, sum(1 for r in rows if r.get("status") == done)),
        ("kpi.late", f'=COUNTIFS({col("late")},"{yes}")', Kind.INT, sum(1 for r in rows if r.get("late") == yes)),
        ("kpi.budget_planned", f"=SUM({col('budget_planned')})", Kind.MONEY, planned),
        ("kpi.budget_actual", f"=SUM({col('budget_actual')})", Kind.MONEY, actual),
        ("kpi.budget_variance", f"=SUM({col('budget_variance')})", Kind.MONEY, _sum(rows, "budget_variance")),
        ("kpi.budget_unspent", f'=SUMIFS({col("budget_planned")},{col("budget_actual")},"=")', Kind.MONEY,
         _sum([r for r in rows if not is_number(r.get("budget_actual"))], "budget_planned")),
        ("kpi.revenue_expected", f"=SUM({col('revenue_expected')})", Kind.MONEY, _sum(rows, "revenue_expected")),
        ("kpi.revenue_actual", f"=SUM({col('revenue_actual')})", Kind.MONEY, rev_actual),
        ("kpi.roi", f'=IF(SUM({col("budget_actual")})=0,"",(SUM({col("revenue_actual")})-SUM({col("budget_actual")}))'
                    f'/SUM({col("budget_actual")}))', Kind.PERCENT, compute.roi(rev_actual, actual) if actual else ""),
        ("kpi.attainment", f'=IFERROR(AVERAGE({col("attainment")}),"")', Kind.PERCENT,
         avg([r.get("attainment") for r in rows])),
    ]
    if book.template.has("kpis"):
        K = schema.KPIS
        tiles.append(("kpi.kpi_attainment",
                      f'=IFERROR(AVERAGE({K.table_name}[{K.column("attainment").label(lang)}]),"")', Kind.PERCENT,
                      avg([k["attainment"] for k in kpi_rows])))
    if "pipeline" in book.tables:
        P = schema.PIPELINE
        weighted = [cached_values("pipeline", row, lang, book.as_of, book.data.stages).get("weighted")
                    for row in book.data.pipeline]
        tiles.append(("kpi.pipeline_weighted", f'=SUM({P.table_name}[{P.column("weighted").label(lang)}])', Kind.MONEY,
                      sum(w for w in weighted if is_number(w))))
    if revenue_cells:
        rs = quote_sheet(book.sheet_name("revenue"))
        ann_row, ann_col = revenue_cells['annual']
        ann = f"{rs}!{a1(ann_row, ann_col, True)}"
        act_rng = f"{rs}!{a1(revenue_cells['first'], 4, True)}:{a1(revenue_cells['last'], 4, True)}"
        annual = book.data.revenue.annual_target
        cum = sum(v for v in book.data.revenue.actuals if is_number(v))
        has_actuals = any(is_number(v) for v in book.data.revenue.actuals)
        tiles += [
            ("kpi.rev_target", f'=IF(ISNUMBER({ann}),{ann},"")', Kind.MONEY, annual if is_number(annual) else ""),
            ("kpi.rev_actual", f'=IF(COUNT({act_rng})=0,"",SUM({act_rng}))', Kind.MONEY, cum if has_actuals else ""),
            ("kpi.rev_progress", f'=IF(AND(ISNUMBER({ann}),COUNT({act_rng})>0),IF({ann}=0,"",SUM({act_rng})/{ann}),"")',
             Kind.PERCENT, compute.attainment(annual, cum) if has_actuals and is_number(annual) and annual else ""),
        ]

    r = 3
    _section(book, ws, r, t("dashboard.summary"))
    for key, formula, kind, cached in tiles:
        r += 1
        ws.set_row(r, 20)
        ws.write_string(r, 0, figure_label(key, lang) if key.startswith("kpi.") else t(key), book.fmt("tile_label"))
        ws.write_formula(r, 1, formula, book.fmt("tile_value", kind), cached)

    # ---- by status
    r += 2
    _section(book, ws, r, t("dashboard.by_status"))
    heads = [A.column("status").label(lang), t("col.count"), A.column("budget_planned").label(lang),
             A.column("budget_actual").label(lang)]
    r += 1
    _heads(book, ws, r, heads)
    status_first = r + 1
    for _key, label in schema.STATUS.values:
        r += 1
        lab = label(lang)
        sel = [x for x in rows if x.get("status") == lab]
        ws.write_string(r, 0, lab, book.fmt("computed", Kind.TEXT))
        ws.write_formula(r, 1, f'=COUNTIFS({col("status")},{a1(r, 0)})', book.fmt("computed", Kind.INT), len(sel))
        ws.write_formula(r, 2, f'=SUMIFS({col("budget_planned")},{col("status")},{a1(r, 0)})',
                         book.fmt("computed", Kind.MONEY), _sum(sel, "budget_planned"))
        ws.write_formula(r, 3, f'=SUMIFS({col("budget_actual")},{col("status")},{a1(r, 0)})',
                         book.fmt("computed", Kind.MONEY), _sum(sel, "budget_actual"))
    status_last = r

    # ---- by category
    r += 2
    _section(book, ws, r, t("dashboard.by_category"))
    r += 1
    _heads(book, ws, r, [A.column("category").label(lang), t("col.count"), A.column("budget_planned").label(lang),
                         A.column("budget_actual").label(lang), A.column("budget_variance").label(lang)])
    cat_first = r + 1
    lists = quote_sheet(book.sheet_name("lists"))
    from .sheets import list_layout

    layout = list_layout(book)
    ccol, cfirst, _ = layout["category"]
    categories = book.categories()
    for i in range(schema.CATEGORY.cells):  # every row of the list: a category added there is counted
        r += 1
        lab = categories[i] if i < len(categories) else ""
        if i >= max(len(categories), MIN_CATEGORY_ROWS):
            ws.set_row(r, None, None, {"hidden": True})  # out of sight and print, and out of the chart
        sel = [x for x in rows if x.get("category") == lab]
        src = f"{lists}!{a1(cfirst + i, ccol, True)}"
        ws.write_formula(r, 0, f'=IF({src}="","",{src})', book.fmt("computed", Kind.TEXT), lab)
        _group_row(book, ws, r, col, "category", sel, variance=True, blank_if_no_name=True, has_name=bool(lab))
    cat_last = r

    # ---- by owner
    r += 2
    _section(book, ws, r, t("dashboard.by_owner"))
    r += 1
    _heads(book, ws, r, [A.column("owner").label(lang), t("col.count"), A.column("budget_planned").label(lang),
                         A.column("budget_actual").label(lang), A.column("late").label(lang)])
    ocol, ofirst, olast = layout["owner"]
    owners = list(book.data.owners)
    owner_first = r + 1
    for i in range(olast - ofirst + 1):
        r += 1
        name = owners[i] if i < len(owners) else ""
        if i >= max(len(owners), MIN_OWNER_ROWS):
            ws.set_row(r, None, None, {"hidden": True})  # empty owner rows stay out of print
        sel = [x for x in rows if name and x.get("owner") == name]
        src = f"{lists}!{a1(ofirst + i, ocol, True)}"
        ws.write_formula(r, 0, f'=IF({src}="","",{src})', book.fmt("computed", Kind.TEXT), name)
        _group_row(book, ws, r, col, "owner", sel, late_yes=yes, blank_if_no_name=True, has_name=bool(name))
    owner_last = r
    r += 1
    others = [x for x in rows if x.get("owner") not in owners]
    ws.write_string(r, 0, t("others"), book.fmt("computed", Kind.TEXT, italic=True))
    for c, (key, kind) in enumerate((("action", Kind.INT), ("budget_planned", Kind.MONEY),
                                     ("budget_actual", Kind.MONEY), ("late", Kind.INT)), start=1):
        rng = f"{a1(owner_first, c)}:{a1(owner_last, c)}"
        if key == "action":
            total = f"COUNTA({col('action')})"
            cached = sum(1 for x in others if x.get("action"))
        elif key == "late":
            total = f'COUNTIFS({col("late")},"{yes}")'
            cached = sum(1 for x in others if x.get("late") == yes)
        else:
            total = f"SUM({col(key)})"
            cached = _sum(others, key)
        ws.write_formula(r, c, f"={total}-SUM({rng})", book.fmt("computed", kind), cached)
    last_row = r

    last_col = _charts(book, ws, status_first, status_last, cat_first, cat_last, revenue_cells)
    book.print_setup(ws, None, last_col, last_row, pages_tall=1)  # one landscape page, charts included
    book.protect(ws, inputs=False)


def _section(book: Book, ws: Any, r: int, text: str) -> None:
    ws.set_row(r, 20)
    ws.write_string(r, 0, text, book.fmt("section"))
    for c in range(1, 5):
        ws.write_blank(r, c, None, book.fmt("section"))


def _heads(book: Book, ws: Any, r: int, heads: list[str]) -> None:
    ws.set_row(r, 30)
    for i, h in enumerate(heads):
        ws.write_string(r, i, h, book.fmt("header_c"))


def _group_row(book: Book, ws: Any, r: int, col: Any, key: str, sel: list[dict], variance: bool = False,
               late_yes: str | None = None, blank_if_no_name: bool = False, has_name: bool = True) -> None:
    name = a1(r, 0)
    crit = f"{col(key)},{name}"

    def w(c: int, formula: str, kind: Kind, cached: Any) -> None:
        if blank_if_no_name:
            formula = f'IF({name}="","",{formula})'
            cached = cached if has_name else ""
        ws.write_formula(r, c, "=" + formula, book.fmt("computed", kind), cached)

    w(1, f"COUNTIFS({crit})", Kind.INT, len(sel))
    w(2, f"SUMIFS({col('budget_planned')},{crit})", Kind.MONEY, _sum(sel, "budget_planned"))
    w(3, f"SUMIFS({col('budget_actual')},{crit})", Kind.MONEY, _sum(sel, "budget_actual"))
    if variance:
        w(4, f"SUMIFS({col('budget_variance')},{crit})", Kind.MONEY, _sum(sel, "budget_variance"))
    if late_yes:
        w(4, f'COUNTIFS({crit},{col("late")},"{late_yes}")', Kind.INT,
          sum(1 for x in sel if x.get("late") == late_yes))


def _charts(book: Book, ws: Any, s0: int, s1: int, c0: int, c1: int, revenue_cells: dict[str, Any] | None) -> int:
    """The dashboard's charts in a 2 × 2 grid right of the tables; the last column they cover.

    Charts of amounts show their values on the bars, with no value axis: an empty chart is then
    clean (no "0 € / 1 € / 1 €" scale made up for no data), and hidden rows (unnamed categories,
    indicators not filled) are not plotted."""
    t, wb = book.t, book.wb
    name = ws.name
    navy, orange = "#2E5C8A", "#ED7D31"
    money_labels = {"value": True, "num_format": book.currency.label_format, "font": {"size": 8}}
    no_axis = {"visible": False, "major_gridlines": {"visible": False}}
    title = {"name_font": {"size": 11}}

    def rng(r0: int, r1: int, c: int) -> list:
        return [name, r0, c, r1, c]

    charts = []
    chart = wb.add_chart({"type": "bar"})  # horizontal: up to 20 category names read well, labels do not collide
    for c, color in ((2, navy), (3, orange)):
        chart.add_series({"name": [name, c0 - 1, c], "categories": rng(c0, c1, 0), "values": rng(c0, c1, c),
                          "fill": {"color": color}, "gap": 60, "data_labels": money_labels})
    chart.set_title({"name": t("dashboard.by_category"), **title})
    chart.set_x_axis({**no_axis, "min": 0})
    chart.set_y_axis({"reverse": True, "major_tick_mark": "none"})
    chart.set_legend({"position": "bottom"})
    charts.append(chart)

    pie = wb.add_chart({"type": "doughnut"})
    pie.add_series({"name": t("dashboard.by_status"), "categories": rng(s0, s1, 0), "values": rng(s0, s1, 1),
                    "data_labels": {"value": True, "num_format": '0;-0;""'},
                    "points": [{"fill": {"color": c}} for c in ("#A5A5A5", "#5B9BD5", "#70AD47", "#FFC000",
                                                                "#7F7F7F")]})
    pie.set_title({"name": t("dashboard.by_status"), **title})
    pie.set_legend({"position": "right"})
    charts.append(pie)

    if "kpis" in book.tables:
        kp = book.tables["kpis"]
        bar = wb.add_chart({"type": "bar"})
        k0, k1 = kp.header_row + 1, min(kp.last_row, kp.header_row + KPI_CHART_ROWS)
        bar.add_series({"name": t("dashboard.kpi_chart"),
                        "categories": [kp.sheet, k0, kp.col("name"), k1, kp.col("name")],
                        "values": [kp.sheet, k0, kp.col("attainment"), k1, kp.col("attainment")],
                        "fill": {"color": navy}, "gap": 60,
                        "data_labels": {"value": True, "num_format": '0%;-0%;""', "font": {"size": 8}}})
        bar.set_title({"name": t("dashboard.kpi_chart"), **title})
        bar.set_x_axis({**no_axis, "min": 0})
        bar.set_y_axis({"reverse": True, "major_tick_mark": "none", "line": {"none": True}})
        bar.set_legend({"none": True})
        charts.append(bar)
    if revenue_cells:
        rs = book.sheet_name("revenue")
        f, l_ = revenue_cells["first"], revenue_cells["last"]
        rev = wb.add_chart({"type": "column"})
        rev.add_series({"name": [rs, f - 1, 4], "categories": [rs, f, 0, l_, 0], "values": [rs, f, 4, l_, 4],
                        "fill": {"color": navy}, "gap": 50,
                        "data_labels": {**money_labels, "position": "inside_end",
                                        "font": {"size": 7, "rotation": -90, "color": "#FFFFFF"}}})
        target = wb.add_chart({"type": "line"})
        target.add_series({"name": [rs, f - 1, 3], "categories": [rs, f, 0, l_, 0], "values": [rs, f, 3, l_, 3],
                           "line": {"color": orange, "width": 2}, "marker": {"type": "circle", "size": 4,
                                                                           "fill": {"color": orange},
                                                                           "border": {"color": orange}}})
        rev.combine(target)
        rev.set_title({"name": t("dashboard.rev_chart"), **title})
        rev.set_y_axis({**no_axis, "min": 0})
        rev.set_x_axis({"num_font": {"size": 8, "rotation": -45}})
        rev.set_legend({"position": "bottom"})
        charts.append(rev)

    for i, ch in enumerate(charts):
        ch.set_size({"width": CHART_W, "height": CHART_H})
        ch.set_chartarea({"border": {"color": "#D9D9D9"}})
        ws.insert_chart(3, CHART_COL, ch, {"x_offset": (i % 2) * (CHART_W + CHART_GAP),
                                           "y_offset": (i // 2) * (CHART_H + CHART_GAP)})
    return CHART_COL + (2 * CHART_W + CHART_GAP) // 64  # columns of the default width (64 px) the grid covers
