"""The terminal summary: rich tables on a terminal, plain aligned text otherwise."""

from __future__ import annotations

from typing import IO

from .. import schema
from ..analysis import Analysis
from ..i18n import column_label, figure_label, money, tx
from . import total_figures

WORST = 5




def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}".replace("%", " %")


def sections(a: Analysis, lang: str, problems_only: bool = False) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) for every part of the summary."""
    t = lambda k: tx(k, lang)  # noqa: E731
    A = lambda k: column_label(k, lang)  # noqa: E731
    out = []
    cur = a.currency
    if not problems_only:
        tot = a.totals()
        out.append((t("rep.totals"), [t("rep.figure"), t("rep.value")],
                    [[figure_label(name, lang), money(tot[key], cur) if kind == "m" else str(tot[key])]
                     for name, key, kind in total_figures()]))
        for key, title in (("category", "rep.by_category"), ("owner", "rep.by_owner")):
            rows = [[name or t("rep.blank"), str(g["actions"]), money(g["budget_planned"], cur),
                     money(g["budget_actual"], cur)]
                    for name, g in sorted(a.group(key).items(), key=lambda kv: -(kv[1]["budget_planned"] or 0))]
            out.append((t(title), [t("rep.name"), t("kpi.actions"), A("budget_planned"), A("budget_actual")], rows))
        if a.pipeline and a.pipeline["opportunities"]:
            pl = a.pipeline
            out.append((t("rep.pipeline"), [t("rep.figure"), t("rep.value")],
                        [[t("rep.pipeline.open"), f"{pl['open']} / {pl['opportunities']}"],
                         [schema.PIPELINE.column("amount").label(lang), money(pl["amount"], cur)],
                         [schema.PIPELINE.column("weighted").label(lang), money(pl["weighted"], cur)],
                         [schema.PIPELINE.column("stale").label(lang), str(pl["stale"])]]))
        if a.funnel and a.funnel["months"]:
            fu, F = a.funnel, schema.FUNNEL
            need = fu["needed"] or {}
            out.append((t("rep.funnel"), [t("rep.figure"), t("rep.value"), t("rep.needed")],
                        [[F.column(k).label(lang), _count(fu[k]), _count(need.get(k))]
                         for k in ("contacts", "meetings", "proposals")] +
                        [[F.column("signed").label(lang), _count(fu["signed"]), _count(fu["target"])]]))
        late = [[f"{x.sheet}!{x.row}", x.action, x.owner, x.end.strftime("%d/%m/%Y") if x.end else "", x.status]
                for x in a.actions if x.late]
        out.append((t("rep.late"), [t("rep.where"), A("action"), A("owner"), A("end"), A("status")], late))
        scored = sorted((x for x in a.actions if x.attainment is not None), key=lambda x: x.attainment)[:WORST]
        out.append((t("rep.worst"), [t("rep.where"), A("action"), A("target"), t("rep.result"), A("attainment")],
                    [[f"{x.sheet}!{x.row}", x.action, f"{x.target:g}", f"{x.result:g}", _pct(x.attainment)]
                     for x in scored]))
    probs = [[t("sev." + p.severity), p.code, f"{p.sheet or ''}!{p.cell or ''}".strip("!"), p.message(lang)]
             for p in a.problems]
    out.append((t("rep.problems"), [t("rep.severity"), "Code", t("rep.where"), "Message"], probs))
    return out


def render(a: Analysis, lang: str, out: IO[str], problems_only: bool = False, terminal: bool | None = None,
           width: int | None = None) -> None:
    """Rich tables on a terminal, plain text otherwise. ``terminal`` and ``width`` say what the
    text will be shown on when ``out`` is not it (rendering in the bounded reading process)."""
    if out.isatty() if terminal is None else terminal:
        _rich(a, lang, out, problems_only, width)
    else:
        _plain(a, lang, out, problems_only)


def _plain(a: Analysis, lang: str, out: IO[str], problems_only: bool) -> None:
    out.write(f"{a.source} — {tx('rep.as_of', lang)} {a.as_of.strftime('%d/%m/%Y')}\n")
    for title, headers, rows in sections(a, lang, problems_only):
        out.write(f"\n{title}\n")
        if not rows:
            out.write(f"  {tx('rep.none', lang)}\n")
            continue
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
        for line in [headers, *rows]:
            out.write("  " + "  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() + "\n")


def _rich(a: Analysis, lang: str, out: IO[str], problems_only: bool, width: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=True, width=width) if width else Console(file=out)
    console.print(f"[bold]{a.source}[/] — {tx('rep.as_of', lang)} {a.as_of.strftime('%d/%m/%Y')}")
    for title, headers, rows in sections(a, lang, problems_only):
        table = Table(title=title, title_justify="left", title_style="bold blue")
        for h in headers:
            table.add_column(h, overflow="fold")
        for r in rows:
            style = "red" if r and r[0] == "error" else "yellow" if r and r[0] == "warning" else None
            table.add_row(*[str(c) for c in r], style=style)
        if not rows:
            console.print(f"[bold blue]{title}[/]: {tx('rep.none', lang)}")
        else:
            console.print(table)


def _count(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"
