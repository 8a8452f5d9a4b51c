"""pac-excel benchmarks, side by side with what a user would otherwise run.

    python -m bench            # full sizes (a few minutes; data cached in bench/.cache)
    python -m bench --quick    # tiny sizes, one run: checks that the bench still works

Every scenario runs several times in one process tree; the table shows medians, the goal and
whether it is met. Whole-process figures are measured with os.wait4 (wall time and the child's
own peak RSS). Timings drift 5–20 % between runs on these machines: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
AS_OF = "2026-11-16"

FULL = {"runs": 5, "plan": 1_000, "big": 100_000, "teams": 500, "team_rows": 50, "generate": 100_000,
        "reviews": 12, "review_teams": 200}
QUICK = {"runs": 1, "plan": 40, "big": 300, "teams": 4, "team_rows": 5, "generate": 200, "reviews": 2,
         "review_teams": 3}


# ------------------------------------------------------------------------------------ measuring
# Peak RSS is a high-water mark that survives exec: a child forked from this process (pandas
# loaded) would start high. A small fresh wrapper spawns the command and reports its figures.
_WRAPPER = """
import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
code = os.waitstatus_to_exitcode(status)
sys.stderr.write(p.stderr.read().decode()[-2000:])
print(wall, usage.ru_maxrss, code)
"""


def proc(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run a command; (wall seconds, peak RSS of that process in MiB)."""
    r = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, text=True)
    wall, rss, code = r.stdout.split()
    # 1 is a verdict (problems found), not a failure; a traceback always is (the tool never shows one)
    if int(code) not in (0, 1) or "Traceback" in r.stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {r.stderr}")
    return float(wall), int(rss) / 1024


def median_proc(cmd: list[str], runs: int, **kw: Any) -> tuple[float, float]:
    results = [proc(cmd, **kw) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def median_call(fn: Callable[[], Any], runs: int) -> float:
    """Median wall time of ``fn``: at least ``runs`` calls, more for a fast one (up to 50, or
    about a second in all when there are several runs), so that one noisy call weighs little."""
    times: list[float] = []
    while len(times) < runs or (runs > 1 and len(times) < 50 and sum(times) < 1.0):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def pac_excel() -> list[str]:
    exe = shutil.which("pac-excel")
    return [exe] if exe else [sys.executable, "-m", "pac_excel.cli"]


# ------------------------------------------------------------------------------------ data
def action_rows(n: int, seed: int = 0) -> list[dict[str, Any]]:
    cats, statuses = ["Prospection", "Communication", "Fidélisation"], ["Terminé", "En cours", "À faire"]
    return [dict(action=f"Action {seed}-{i}", owner=f"Owner {i % 7}", category=cats[i % 3], status=statuses[i % 3],
                 objective="OBJ-1", budget_planned=1000 + i + seed, budget_actual=900 + i,
                 start=date(2026, 1, 1) + timedelta(days=i % 200), end=date(2026, 3, 1) + timedelta(days=i % 250),
                 target=100, result=80 + i % 40, indicator="Contacts", steps="Préparer ; réaliser ; relancer")
            for i in range(n)]


def our_plan(path: Path, n: int, team: str = "", seed: int = 0) -> Path:
    """A plan written by pac-excel itself and filled (the 12-sheet template)."""
    from pac_excel import GenerateOptions, PlanData, generate

    if not path.exists():
        generate(path, GenerateOptions(actions=n, force=True, year=2026),
                 PlanData(team=team, as_of=date(2026, 11, 16), actions=action_rows(n, seed)))
    return path


def big_plan(path: Path, n: int) -> Path:
    """A large plan on one sheet, streamed with xlsxwriter's constant_memory mode (our own
    generator holds a whole workbook in memory; the scenario measures reading, not writing)."""
    if path.exists():
        return path
    import xlsxwriter

    from pac_excel import schema

    cols = ["action", "owner", "category", "status", "objective", "budget_planned", "budget_actual", "start", "end",
            "target", "result", "indicator", "steps"]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Plan d’actions")
    dfmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, [schema.ACTIONS.column(c).label("fr") for c in cols])
    for r, row in enumerate(action_rows(n), 1):
        for c, key in enumerate(cols):
            v = row[key]
            if isinstance(v, date):
                ws.write_datetime(r, c, v, dfmt)
            else:
                ws.write(r, c, v)
    wb.close()
    return path


# ------------------------------------------------------------------------------------ scenarios
Row = tuple[str, str, str, str, bool | None]  # scenario, measure, value, goal, met


def s1_startup(cfg: dict[str, int]) -> list[Row]:
    runs = max(cfg["runs"] * 2, 1)
    click_t, _ = median_proc([sys.executable, "-c", "import click"], runs)
    out: list[Row] = [("1 start-up", "python -c 'import click'", f"{click_t * 1000:.0f} ms", "reference", None)]
    for arg in ("--version", "--help"):
        t, _ = median_proc(pac_excel() + [arg], runs)
        out.append(("1 start-up", f"pac-excel {arg}", f"{t * 1000:.0f} ms ({t / click_t:.2f}×)", "≤ 2× click",
                    t <= 2 * click_t))
    return out


def s2_new(cfg: dict[str, int], tmp: Path) -> list[Row]:
    t, rss = median_proc(pac_excel() + ["new", str(tmp / "new.xlsx"), "--force"], cfg["runs"])
    return [("2 new", "pac-excel new (whole process)", f"{t:.2f} s, {rss:.0f} MiB", "< 0.5 s", t < 0.5)]


def _floor(path: Path, part: str) -> None:
    import xml.parsers.expat
    import zipfile

    with zipfile.ZipFile(path) as z:
        for name in (part, "xl/sharedStrings.xml"):
            if name in z.namelist():
                p = xml.parsers.expat.ParserCreate()
                p.Parse(z.read(name), True)


def _sheet_part(path: Path, sheet: str) -> str:
    import zipfile

    from pac_excel.read.package import Package

    with zipfile.ZipFile(path) as z:
        part = Package(z).layout().sheets[sheet]
    assert part is not None
    return part


def s3_analyze_plan(cfg: dict[str, int]) -> list[Row]:
    import pandas as pd

    from pac_excel import schema
    from pac_excel.analysis import analyze
    from pac_excel.read.tables import find_table
    from pac_excel.read.workbook import open_workbook

    n, runs = cfg["plan"], cfg["runs"]
    path = our_plan(CACHE / f"plan_{n}.xlsx", n)
    sheet = schema.sheet_name("actions", "fr")
    part = _sheet_part(path, sheet)

    def read() -> None:
        wb = open_workbook(path)
        try:
            find_table(wb, schema.ACTIONS, "action", [sheet])
        finally:
            wb.close()

    floor = median_call(lambda: _floor(path, part), runs)
    reading = median_call(read, runs)
    whole = median_call(lambda: analyze(path, bounded=False), runs)
    bounded = median_call(lambda: analyze(path), runs)
    pandas_t = median_call(lambda: pd.read_excel(path, sheet_name=sheet, header=3, engine="openpyxl"), runs)
    proc_t, _ = median_proc(pac_excel() + ["analyze", str(path), "--as-of", AS_OF, "--format", "json"], runs)
    return [
        ("3 analyze 1k", f"floor: unzip + expat of the sheet ({n:,} actions)", f"{floor * 1000:.0f} ms", "reference",
         None),
        ("3 analyze 1k", "reading (calamine + XML scan + table detection)", f"{reading * 1000:.0f} ms "
         f"({reading / floor:.1f}× floor)", "≤ 2× floor", reading <= 2 * floor),
        ("3 analyze 1k", "analyze(bounded=False), in process", f"{whole * 1000:.0f} ms ({whole / floor:.1f}× floor)",
         "", None),
        ("3 analyze 1k", "analyze(), read in a bounded process (the default)", f"{bounded * 1000:.0f} ms "
         f"(+{(bounded - whole) * 1000:.0f} ms)", "", None),
        ("3 analyze 1k", "pd.read_excel(engine='openpyxl'), same sheet", f"{pandas_t * 1000:.0f} ms "
         f"({pandas_t / whole:.1f}× analyze in process)", "analyze ≥ 5× faster", pandas_t >= 5 * whole),
        ("3 analyze 1k", "pac-excel analyze --format json (whole process)", f"{proc_t:.2f} s", "", None),
    ]


def s4_analyze_big(cfg: dict[str, int]) -> list[Row]:
    n = cfg["big"]
    path = big_plan(CACHE / f"big_{n}.xlsx", n)
    t, rss = median_proc(pac_excel() + ["analyze", str(path), "--as-of", AS_OF, "--format", "json"],
                         max(1, cfg["runs"] // 2))
    return [("4 analyze 100k", f"pac-excel analyze, {n:,} actions (whole process)", f"{t:.1f} s, {rss:.0f} MiB",
             "≤ 400 MiB", rss <= 400)]


ANALYST = ("import sys, glob, pandas as pd\n"
           "files = sorted(glob.glob(sys.argv[1] + '/*.xlsx'))\n"
           "pd.concat(pd.read_excel(f, sheet_name='Plan d’actions', header=3, engine=sys.argv[2]) for f in files)"
           ".to_excel(sys.argv[3])\n")


def s5_consolidate(cfg: dict[str, int], tmp: Path) -> list[Row]:
    k, n, runs = cfg["teams"], cfg["team_rows"], max(1, cfg["runs"] // 2 + 1)
    folder = CACHE / f"teams_{k}x{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(k):
        our_plan(folder / f"team{i:03d}.xlsx", n, team=f"Team {i}", seed=i)
    return _consolidations("5 consolidate", f"{k} files × {n} actions", folder, ANALYST, 8.0, runs, tmp)


def _consolidations(scenario: str, what: str, folder: Path, analyst: str, openpyxl_factor: float, runs: int,
                    tmp: Path) -> list[Row]:
    """pac-excel consolidate on ``folder`` against the analyst's pandas script with each engine
    (issue 17's goals: ×``openpyxl_factor`` and ×2.5 faster, ≤ 110 MiB), whole processes."""
    script = tmp / "analyst.py"
    script.write_text(analyst, encoding="utf-8")
    ours, rss = median_proc(pac_excel() + ["consolidate", str(folder), "-o", str(tmp / "ours.xlsx"), "--force"], runs)
    out: list[Row] = [(scenario, f"pac-excel consolidate, {what}", f"{ours:.2f} s, {rss:.0f} MiB",
                       "≤ 110 MiB (issue 17)", rss <= 110)]
    for engine, factor in (("openpyxl", openpyxl_factor), ("calamine", 2.5)):
        t, their_rss = median_proc([sys.executable, str(script), str(folder), engine, str(tmp / f"{engine}.xlsx")],
                                   runs)
        out.append((scenario, f"analyst's script, pandas + {engine}",
                    f"{t:.2f} s ({t / ours:.1f}× ours), {their_rss:.0f} MiB", f"ours ≥ {factor:g}× faster (issue 17)",
                    t >= factor * ours))
    return out


#: the nine columns of the classic printed trame (seed 004), as teams type them
TRAME_HEADER = ["ACTIONS", "PHASES, ÉTAPES", "QUI ?", "BUDGET", "DATE DÉBUT", "DATE FIN", "OBJECTIF",
                "RÉSULTAT OBTENU", "ANALYSE ÉCARTS"]
ANALYST_TRAME = ("import sys, glob, pandas as pd\n"
                 "files = sorted(glob.glob(sys.argv[1] + '/*.xlsx'))\n"
                 "pd.concat(pd.read_excel(f, header=2, engine=sys.argv[2]) for f in files).to_excel(sys.argv[3])\n")


def foreign_trame(path: Path, n: int, seed: int) -> Path:
    """A team's home-made trame: one sheet, a title and a blank row above the nine columns of
    seed 004, written by xlsxwriter (not by pac-excel)."""
    if path.exists():
        return path
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan d'action")
    dfmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, f"Plan d'action commercial — équipe {seed}")
    ws.write_row(2, 0, TRAME_HEADER)
    for r, a in enumerate(action_rows(n, seed), 3):
        ws.write_row(r, 0, [a["action"], a["steps"], a["owner"], a["budget_planned"]])
        ws.write_datetime(r, 4, a["start"], dfmt)
        ws.write_datetime(r, 5, a["end"], dfmt)
        ws.write_row(r, 6, [a["target"], a["result"], "" if a["result"] >= a["target"] * 0.8 else "Salon décalé"])
    wb.close()
    return path


def s9_consolidate_trames(cfg: dict[str, int], tmp: Path) -> list[Row]:
    """The files teams more often send: one-sheet home-made trames (issue 17's scenario)."""
    k, n, runs = cfg["teams"], cfg["team_rows"], max(1, cfg["runs"] // 2 + 1)
    folder = CACHE / f"trames_{k}x{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(k):
        foreign_trame(folder / f"trame{i:03d}.xlsx", n, seed=i)
    out = _consolidations("9 consolidate trames", f"{k} home-made trames × {n} actions", folder, ANALYST_TRAME, 5.0,
                          runs, tmp)
    # one file, in process: what consolidating costs per file, against python-calamine's own parse
    files = sorted(folder.glob("*.xlsx"))[:100]
    parse, ours_one = _per_file(files, runs)
    out.append(("9 consolidate trames", f"python-calamine's parse of one {n}-action trame", f"{parse * 1e3:.2f} ms",
                "reference", None))
    out.append(("9 consolidate trames", "reading and analysing it (analyze in process, as a worker does)",
                f"{ours_one * 1e3:.2f} ms ({ours_one / parse:.1f}×)", "≤ 2× calamine (issue 17)",
                ours_one <= 2 * parse))
    floor = _safe_floor(files, runs)
    out.append(("9 consolidate trames", "of which the floor: reading the file, the zip bomb / DOCTYPE check of "
                "its parts, calamine's parse, one record per row (no analysis)",
                f"{floor * 1e3:.2f} ms ({floor / parse:.1f}×)", "", None))
    # how the ratio moves with the size of the plan: a cost per file, then a cost per action
    for size in (1, 4 * n):
        sized = CACHE / f"trames_{size}"
        sized.mkdir(parents=True, exist_ok=True)
        parse, ours_one = _per_file([foreign_trame(sized / f"trame{i:03d}.xlsx", size, seed=i)
                                     for i in range(min(k, 60))], runs)
        out.append(("9 consolidate trames", f"the same for a {size}-action trame (calamine: {parse * 1e3:.2f} ms)",
                    f"{ours_one * 1e3:.2f} ms ({ours_one / parse:.1f}×)", "", None))
    # the same trames as teams send them back: opened and saved by another application
    for app, fmt in (("LibreOffice", "xlsx"), ("LibreOffice", "ods"), ("Gnumeric", "xlsx")):
        what = f"the same {n}-action trame saved by {app} as .{fmt}"
        saved = _saved_by(app, fmt, files[:20], CACHE / f"trames_{k}x{n}_{app.lower()}_{fmt}")
        if saved is None:
            out.append(("9 consolidate trames", what, "not installed", "", None))
            continue
        parse, ours_one = _per_file(saved, runs)
        out.append(("9 consolidate trames", f"{what} (calamine: {parse * 1e3:.2f} ms)",
                    f"{ours_one * 1e3:.2f} ms ({ours_one / parse:.1f}×)", "", None))
    return out


def _saved_by(app: str, fmt: str, files: list[Path], folder: Path) -> list[Path] | None:
    """``files`` opened and saved as ``fmt`` by LibreOffice or Gnumeric (made once, then kept in
    the cache); None when the application is not installed."""
    import tempfile

    exe = shutil.which("soffice" if app == "LibreOffice" else "ssconvert")
    if exe is None:
        return None
    out = [folder / f"{f.stem}.{fmt}" for f in files]
    todo = [f for f, o in zip(files, out) if not o.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    if todo and app == "LibreOffice":  # one start for all, in a throwaway profile
        with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
            subprocess.run([exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                            "--convert-to", fmt, "--outdir", str(folder), *map(str, todo)],
                           capture_output=True, check=True, timeout=600, env={**os.environ, "HOME": profile})
    for f in todo if app == "Gnumeric" else ():
        subprocess.run([exe, str(f), str(folder / f"{f.stem}.{fmt}")], capture_output=True, check=True, timeout=120)
    missing = [o for o in out if not o.exists()]
    if missing:
        raise RuntimeError(f"{app} did not write {missing[0]}")
    return out


def _per_file(files: list[Path], runs: int) -> tuple[float, float]:
    """Per file, in process: python-calamine's parse of the first sheet, and pac-excel's reading
    and analysis (as a consolidation worker does it), each over the same files."""
    import python_calamine

    from pac_excel.analysis import analyze

    def parse_all() -> None:
        for f in files:
            python_calamine.CalamineWorkbook.from_path(str(f)).get_sheet_by_index(0).to_python()

    def analyze_all() -> None:
        for f in files:
            analyze(f, bounded=False, sheets=False)

    parse_all()  # warm: imports and caches, as in a consolidation's workers
    analyze_all()
    return median_call(parse_all, runs) / len(files), median_call(analyze_all, runs) / len(files)


def _safe_floor(files: list[Path], runs: int) -> float:
    """Per file, in process: what any safe reader of an untrusted trame pays before it analyses
    anything. The file is read once and the container check that every workbook gets runs on its
    bytes (zip bombs, DOCTYPE and ENTITY declarations, macros). python-calamine parses the sheet,
    and each row below the header becomes one record, with no checks and no conversion."""
    import io
    import zipfile
    from dataclasses import make_dataclass

    import python_calamine

    from pac_excel.read.guard import check_container

    record = make_dataclass("Record", [f"c{i}" for i in range(len(TRAME_HEADER))], slots=True)

    def floor_all() -> None:
        for f in files:
            data = f.read_bytes()
            parts: dict[str, bytes] = {}
            check_container(zipfile.ZipFile(io.BytesIO(data)), parts, data)
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
            [record(*row[:len(TRAME_HEADER)]) for row in rows[3:]]

    floor_all()
    return median_call(floor_all, runs) / len(files)


_WRITER = """
import pickle, sys, time
from datetime import date
with open(sys.argv[1], "rb") as fh:
    c = pickle.load(fh)
way, out = sys.argv[2], sys.argv[3]
from pac_excel.report.consolidated import action_keys, write_workbook
keys = action_keys()
rows = [[f.team if k == "team" else f"{f.path.name} · {a.sheet}!{a.row}" if k == "source" else getattr(a, k, None)
         for k in keys] for f, a in c.actions()]
rows = [["Oui" if v is True else "Non" if v is False else v for v in row] for row in rows]
t = time.perf_counter()
if way == "none":  # the rows loaded, nothing written: the memory every writer starts from
    pass
elif way == "streamed":
    write_workbook(c, out, force=True)
elif way == "xlsxwriter":
    write_workbook(c, out, force=True, stream=False)
elif way == "rvgsrust":  # the same Table, formats and page setup, every cell in memory until close()
    import rvgsrust_xlsxwriter as rx
    wb = rx.Workbook()
    ws = wb.add_worksheet("Actions")
    base = lambda f: (f.set_font_name("Calibri"), f.set_font_size(10), f)[2]
    t_, n_, d_ = base(wb.add_format()), base(wb.add_format()), base(wb.add_format())
    n_.set_num_format("#,##0.##")
    d_.set_num_format("dd/mm/yyyy")
    fmts = [d_ if isinstance(v, date) else n_ if isinstance(v, float) else t_ for v in rows[0]]
    for j in range(len(keys)):
        col = [r[j] for r in rows]
        if None in col or "" in col:
            for i, v in enumerate(col, 1):
                if v is not None and v != "":
                    ws.write(i, j, v, fmts[j])
        else:
            ws.write_column(1, j, col, fmts[j])
    columns = []
    for k in keys:
        tc = rx.TableColumn()
        tc.set_header(k)
        columns.append(tc)
    table = rx.Table()
    table.set_name("T_Consolidation")
    table.set_columns(columns)
    ws.add_table(0, 0, len(rows), len(keys) - 1, table)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_print_fit_to_pages(1, 0)
    wb.close(out)
elif way == "rustpy":  # no Excel Table in its API
    import rustpy_xlsxwriter
    rustpy_xlsxwriter.write_worksheet([dict(zip(keys, r)) for r in rows], out, sheet_name="Actions")
elif way == "xlsxturbo":  # a DataFrame with the Table; no page setup; its pandas import counted
    import pandas as pd, xlsxturbo
    xlsxturbo.df_to_xlsx(pd.DataFrame(rows, columns=list(keys)), out, sheet_name="Actions", table_style="Light9",
                         table_name="T_Consolidation", freeze_panes=True)
with open(sys.argv[4], "w") as fh:
    fh.write(str(time.perf_counter() - t))
"""


def s10_writers(cfg: dict[str, int], tmp: Path) -> list[Row]:
    """Issue 17: writing the consolidated workbook — the credible writers side by side on the
    same rows (scenario 9's trames, read once, loaded in a fresh process for each writer):
    pac-excel's way (the Actions rows streamed, XlsxWriter writing around them), XlsxWriter
    writing every cell, and the Rust-backed writers built on rust_xlsxwriter when they are
    installed (``pip install rvgsrust-xlsxwriter xlsxturbo rustpy-xlsxwriter``: only this
    measure needs them). Time of the writing alone; peak memory of the process beyond what
    loading the rows takes."""
    import importlib.util
    import pickle

    from pac_excel.consolidation import consolidate

    k, n, runs = cfg["teams"], cfg["team_rows"], max(1, cfg["runs"] // 2 + 1)
    folder = CACHE / f"trames_{k}x{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(k):
        foreign_trame(folder / f"trame{i:03d}.xlsx", n, seed=i)
    c = consolidate([folder], jobs=1)
    data = tmp / "consolidation.pickle"
    data.write_bytes(pickle.dumps(c))
    script = tmp / "writer.py"
    script.write_text(_WRITER, encoding="utf-8")
    n_rows: int = c.totals()["actions"]
    label = f"{n_rows:,} rows × 20 columns".replace(",", " ")

    def run(way: str) -> tuple[float, float]:
        """Median time of the writing alone, and the process's peak memory (whole process, so
        measured by the wrapper: a forked child's high-water mark would start at ours)."""
        results = []
        took = tmp / "took.txt"
        for _ in range(runs):
            _, peak = proc([sys.executable, str(script), str(data), way, str(tmp / f"w_{way}.xlsx"), str(took)])
            results.append((float(took.read_text()), peak))
        return statistics.median(t for t, _ in results), max(m for _, m in results)

    _, loaded = run("none")
    out: list[Row] = []
    ours, ours_mem = run("streamed")
    ours_mem -= loaded
    out.append(("10 writers", f"pac-excel: Actions rows streamed, XlsxWriter around them ({label}, every sheet)",
                f"{ours:.2f} s, +{ours_mem:.0f} MiB", "", None))
    t, mem = run("xlsxwriter")
    mem -= loaded
    out.append(("10 writers", "XlsxWriter writing every cell (the same workbook)",
                f"{t:.2f} s = {t / ours:.1f}× ours, +{mem:.0f} MiB", "", None))
    for way, module, what in (("rvgsrust", "rvgsrust_xlsxwriter", "rvgsrust-xlsxwriter 0.3: the Actions Table only"),
                              ("xlsxturbo", "xlsxturbo", "xlsxturbo: a DataFrame with a Table, no page setup"),
                              ("rustpy", "rustpy_xlsxwriter", "rustpy-xlsxwriter: records, no Excel Table")):
        if importlib.util.find_spec(module) is None:
            out.append(("10 writers", what, "not installed", "", None))
            continue
        t, mem = run(way)
        mem -= loaded
        out.append(("10 writers", what, f"{t:.2f} s = {t / ours:.1f}× ours, +{mem:.0f} MiB", "", None))
    return out


def s6_generate_big(cfg: dict[str, int], tmp: Path) -> list[Row]:
    n = cfg["generate"]
    t, rss = median_proc(pac_excel() + ["new", str(tmp / "big.xlsx"), "--actions", str(n), "--force"], 1)
    return [("6 generate 100k", f"pac-excel new --actions {n:,}", f"{t:.1f} s, {rss:.0f} MiB", "≤ 150 MiB",
             rss <= 150)]


def s7_history(cfg: dict[str, int], tmp: Path) -> list[Row]:
    """The review history on SQLite: adding a plan, a year's trend, exporting a review."""
    import json

    from pac_excel.snapshot import read_snapshot, to_json
    from pac_excel.store import Store
    from pac_excel.store.summary import summary_of
    from pac_excel.store.tables import blobs, reviews, submissions

    k, n, runs = cfg["teams"], cfg["team_rows"], cfg["runs"]
    folder = CACHE / f"teams_{k}x{n}"
    folder.mkdir(parents=True, exist_ok=True)
    files = [our_plan(folder / f"team{i:03d}.xlsx", n, team=f"Team {i}", seed=i) for i in range(k)]
    out: list[Row] = []
    # adding one 50-action plan, beside reading it (both bounded, as the command runs them)
    store = Store(f"sqlite:///{tmp / 'add.db'}")
    day = date.fromisoformat(AS_OF)
    counter = iter(range(10**6))
    read = median_call(lambda: read_snapshot(files[0], day), runs)
    add = median_call(lambda: store.add([files[0]], "R1", team=f"t{next(counter)}", as_of=day), runs)
    store.close()
    out.append(("7 history", f"history add, one {n}-action plan (reading it alone: {read * 1000:.0f} ms)",
                f"{add * 1000:.0f} ms, {(add - read) * 1000:.0f} ms beyond reading", "≤ 50 ms beyond reading",
                add - read <= 0.050))
    # a year of reviews: R reviews × T teams, each a real snapshot (bulk-inserted: the figure is the trend's)
    r_count, t_count = cfg["reviews"], min(cfg["review_teams"], k)
    snaps = {i: read_snapshot(files[i], day) for i in range(k)}
    db = f"sqlite:///{tmp / 'year.db'}"
    store = Store(db)
    now = datetime.now().astimezone()
    with store.engine.begin() as conn:
        conn.execute(blobs.insert(), [{"sha256": f"{i:064d}", "size": 1, "data": b"x"} for i in range(k)])
        labels = [f"2027-M{m:02d}" for m in range(1, r_count + 1)] + ["all"]
        conn.execute(reviews.insert(), [{"label": lab, "created_at": now} for lab in labels])
        rows = []
        for rid, lab in enumerate(labels, 1):
            for i in range(k if lab == "all" else t_count):
                a = snaps[i].analysis
                totals, kpis = summary_of(a)
                rows.append({"review_id": rid, "team": f"Team {i}", "source": files[i].name, "sha256": f"{i:064d}",
                             "submitted_at": now, "template": "pac", "version": "1.1", "lang": "fr",
                             "actions": len(a.actions), "problems": len(a.problems), "errors": 0,
                             "snapshot": to_json(snaps[i]), "totals": json.dumps(totals), "kpis": json.dumps(kpis)})
        conn.execute(submissions.insert(), rows)
    trend = median_call(lambda: store.trend(), runs)
    store.close()
    out.append(("7 history", f"history trend, {r_count} reviews × {t_count} teams × {n} actions",
                f"{trend * 1000:.0f} ms", "< 1 s", trend < 1.0))
    pr = max(1, runs // 2 + 1)
    exp, _ = median_proc(pac_excel() + ["history", "export", "--review", "all", "-o", str(tmp / "exp.xlsx"), "--force",
                                        "--db", db], pr)
    cons, _ = median_proc(pac_excel() + ["consolidate", str(folder), "-o", str(tmp / "cons.xlsx"), "--force"], pr)
    out.append(("7 history", f"history export of a {k}-team review (consolidate on the files: {cons:.2f} s)",
                f"{exp:.2f} s ({cons / exp:.1f}× faster)", "no slower than consolidate", exp <= cons))
    return out


def s8_web(cfg: dict[str, int], tmp: Path) -> list[Row]:
    """The web app, a real server: upload → verdict with 10 uploads at once, and the board of a
    campaign of many teams."""
    import concurrent.futures
    import json

    import httpx

    sys.path.insert(0, str(ROOT / "tests"))
    from web import TOKEN, Server

    from pac_excel.snapshot import read_snapshot, to_json
    from pac_excel.store import Store
    from pac_excel.store.summary import summary_of
    from pac_excel.store.tables import blobs, reviews, submissions

    n, k, runs = cfg["plan"], cfg["teams"], cfg["runs"]
    plan = big_plan(CACHE / f"plan_{n}.xlsx", n)
    db = f"sqlite:///{tmp / 'web.db'}"
    server = Server(db).start()
    out: list[Row] = []
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            created = c.post("/api/campaigns", headers=auth, json={
                "name": "bench", "review": "B1", "deadline": "2099-01-01",
                "teams": [f"T{i}" for i in range(10 * runs)]}).json()
        data = plan.read_bytes()

        def send(t: dict[str, str]) -> float:
            t0 = time.perf_counter()
            with httpx.Client(timeout=120) as one:
                r = one.post(t["link"], headers={"Accept": "application/json"}, files={"file": ("p.xlsx", data)})
            assert r.json()["status"] == "accepted", r.text
            return time.perf_counter() - t0

        times: list[float] = []
        for batch in range(runs):  # 10 uploads at the same moment, several times
            teams = created["teams"][10 * batch:10 * batch + 10]
            with concurrent.futures.ThreadPoolExecutor(10) as pool:
                times += list(pool.map(send, teams))
        med = statistics.median(times)
        out.append(("8 web", f"upload → verdict, {n:,}-action plan, 10 uploads at once (max {max(times):.2f} s)",
                    f"{med:.2f} s", "< 1 s at the median", med < 1.0))
        # a campaign of k teams, each with a real snapshot (bulk-inserted: the figure is the board's)
        folder = CACHE / f"teams_{k}x{cfg['team_rows']}"
        files = [our_plan(folder / f"team{i:03d}.xlsx", cfg["team_rows"], team=f"Team {i}", seed=i) for i in range(k)]
        store = Store(db)
        with httpx.Client(base_url=server.url, timeout=120) as c:
            big = c.post("/api/campaigns", headers=auth, json={
                "name": "board", "review": "B2", "deadline": "2099-01-01", "teams": [f"Team {i}" for i in range(k)]})
            cid = big.json()["id"]
        now = datetime.now().astimezone()
        day = date.fromisoformat(AS_OF)
        with store.engine.begin() as conn:
            conn.execute(blobs.insert(), [{"sha256": f"b{i:063d}", "size": 1, "data": b"x"} for i in range(k)])
            rid = conn.execute(reviews.insert().values(label="B2", created_at=now).returning(reviews.c.id)).scalar()
            rows = []
            for i, f in enumerate(files):
                snap = read_snapshot(f, day)
                totals, kpis = summary_of(snap.analysis)
                rows.append({"review_id": rid, "team": f"Team {i}", "source": f.name, "sha256": f"b{i:063d}",
                             "submitted_at": now, "template": "pac", "version": "1.1", "lang": "fr",
                             "actions": len(snap.analysis.actions), "problems": 0, "errors": 0,
                             "snapshot": to_json(snap), "totals": json.dumps(totals), "kpis": json.dumps(kpis),
                             "campaign_id": cid, "late": False})
            conn.execute(submissions.insert(), rows)
        store.close()
        with httpx.Client(base_url=server.url, timeout=120, headers=auth) as c:
            board = median_call(lambda: c.get(f"/campaigns/{cid}").raise_for_status(), runs)
        out.append(("8 web", f"board of a {k}-team campaign (whole request)", f"{board * 1000:.0f} ms", "< 300 ms",
                    board < 0.3))
    finally:
        server.stop()
    return out


# ------------------------------------------------------------------------------------ report
def machine() -> str:
    from importlib.metadata import version

    libs = ", ".join(f"{m} {version(m)}" for m in ("pac-excel", "xlsxwriter", "openpyxl", "python-calamine", "pandas",
                                                   "click", "rich"))
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; {libs}"


def render(rows: list[Row]) -> str:
    lines = ["| scenario | measure | median | goal | met |", "|---|---|---:|---|:---:|"]
    for scen, what, value, goal, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {scen} | {what} | {value} | {goal} | {mark} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run (used by the tests)")
    ap.add_argument("--only", default="1,2,3,4,5,6,7,8,9,10", help="scenarios to run, e.g. 1,3")
    args = ap.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    global CACHE
    if args.quick:
        CACHE = CACHE / "quick"
    CACHE.mkdir(parents=True, exist_ok=True)
    only = {int(x) for x in args.only.split(",")}
    import tempfile

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="pac-bench-") as t:
        tmp = Path(t)
        for num, fn in ((1, lambda: s1_startup(cfg)), (2, lambda: s2_new(cfg, tmp)), (3, lambda: s3_analyze_plan(cfg)),
                        (4, lambda: s4_analyze_big(cfg)), (5, lambda: s5_consolidate(cfg, tmp)),
                        (6, lambda: s6_generate_big(cfg, tmp)), (7, lambda: s7_history(cfg, tmp)),
                        (8, lambda: s8_web(cfg, tmp)), (9, lambda: s9_consolidate_trames(cfg, tmp)),
                        (10, lambda: s10_writers(cfg, tmp))):
            if num in only:
                rows += fn()
                print(f"scenario {num} done", file=sys.stderr, flush=True)
    print(f"Machine: {machine()}\n")
    print(render(rows))
    missed = [r for r in rows if r[4] is False]
    print(f"\n{len([r for r in rows if r[4]])} goals met, {len(missed)} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
