"""Run the analyzer over corpus files in a fresh process and report, per file, the outcome;
overall, crashes, hangs and the peak memory. Used by test_corpus.py.

    python tests/corpus_run.py MANIFEST.json [--refresh]  → JSON on stdout

With ``--refresh``, every file read is also refreshed and the new workbook analysed.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from datetime import date

from pac_excel.analysis import analyze
from pac_excel.errors import REJECT_CODES, PacError
from pac_excel.read import bounded

LIMIT_S = 30


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def non_blank_rows_after(path: str, sheet: str, header_row: int) -> int:
    """Rows holding anything (outside computed columns) below the header, read independently of
    the analyzer (calamine's own rows; xlrd's for .xls)."""
    if path.lower().endswith(".xls"):
        import io

        import xlrd

        sh = xlrd.open_workbook(path, logfile=io.StringIO()).sheet_by_name(sheet)
        rows = [sh.row_values(r) for r in range(sh.nrows)]
    else:
        import python_calamine as pc

        rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    # the computed columns of our own templates (by their header labels) hold formula results, not inputs,
    from pac_excel import schema

    # and so does N° when it holds a number: it numbers an empty row by itself (a number alone is
    # no action; a "TOTAL" typed there is a row)
    computed = {c.label(lang) for c in schema.ACTIONS.columns if c.computed for lang in schema.LANGS}
    numbering = {schema.ACTIONS.column("no").label(lang) for lang in schema.LANGS}
    header = rows[header_row - 1] if 0 < header_row <= len(rows) else []
    skip = {i for i, v in enumerate(header) if isinstance(v, str) and v.strip() in computed}
    number_col = {i for i, v in enumerate(header) if isinstance(v, str) and v.strip() in numbering}

    def counts(i: int, v: object) -> bool:
        return v not in ("", None) and i not in skip and not (i in number_col and isinstance(v, (int, float)))

    return sum(1 for row in rows[header_row:] if any(counts(i, v) for i, v in enumerate(row)))


def peak_rss_mib() -> float:
    """This process's own peak RSS. ru_maxrss survives exec (a child of a large parent starts
    high); Linux's VmHWM is reset by exec, so it is preferred where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(path: str, **kw):
    """analyze(), run in the bounded reading process as analyze() runs it by default, with that
    process's own peak RSS (a LibreOffice conversion runs in a process of its own, under its own
    bound, and is not counted)."""
    return analyze(path, bounded=False, **kw), peak_rss_mib()


def refreshed(path: str, before) -> dict:
    """refresh() the file, analyze the new workbook: its actions and totals must be the file's
    (a total the file could not give, its column being absent, is not compared)."""
    import tempfile
    from pathlib import Path

    from pac_excel.refresh import refresh

    with tempfile.TemporaryDirectory() as tmp:
        signal.alarm(LIMIT_S)
        try:
            done = refresh(path, Path(tmp) / "refreshed.xlsx", bounded=False)
            after = analyze(done.output, as_of=date(2026, 11, 16), bounded=False)
        except PacError as err:
            return {"error": err.message("en")}
        finally:
            signal.alarm(0)
    t0, t1 = before.totals(), after.totals()
    diffs = {k: [t0[k], t1.get(k)] for k in t0 if t0[k] is not None and t0[k] != t1.get(k)}
    if [x.action for x in before.actions] != [x.action for x in after.actions]:
        diffs["actions"] = [len(before.actions), len(after.actions)]
    return {"diffs": diffs, "template": done.template}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        manifest = json.load(fh)
    signal.signal(signal.SIGALRM, _alarm)
    out = []
    peaks = [peak_rss_mib()]
    for item in manifest:
        res: dict = {"name": item["name"]}
        t = time.perf_counter()
        signal.alarm(LIMIT_S)
        try:
            a, reader_mib = bounded.run(measured, item["path"], as_of=date(2026, 11, 16))
            signal.alarm(0)
            peaks.append(reader_mib)
            sheet = a.actions[0].sheet if a.actions else None
            try:
                detected = non_blank_rows_after(item["path"], sheet, a.header_row) if sheet else 0
            except BaseException:  # the independent counter cannot read what only a fallback layer reads
                detected = None
            res.update(status="ok", codes=sorted({p.code for p in a.problems}), totals=a.totals(),
                       owners=sorted({x.owner for x in a.actions}),
                       owner_budget={k: v["budget_planned"] for k, v in a.group("owner").items()},
                       objective=a.actions[0].objective if a.actions else None,
                       starts=[x.start.isoformat() if x.start else None for x in a.actions],
                       ends=[x.end.isoformat() if x.end else None for x in a.actions],
                       unaccounted=None if detected is None else detected - len(a.actions) - len(a.ignored_rows))
            if "--refresh" in sys.argv:
                res["refreshed"] = bounded.run(refreshed, item["path"], a)  # in a process of its own: the
            # memory of writing a workbook is not counted in the readers' peak
        except Hang:
            res.update(status="hang")
        except PacError as err:
            signal.alarm(0)
            res.update(status="rejected", code=REJECT_CODES.get(err.key, err.key), reason=err.message("fr"))
        except BaseException as exc:  # a crash is what this harness exists to catch
            signal.alarm(0)
            res.update(status="crash", error=f"{type(exc).__name__}: {exc}"[:300])
        res["seconds"] = round(time.perf_counter() - t, 3)
        out.append(res)
    json.dump({"results": out, "max_rss_mib": round(max(peaks))}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
