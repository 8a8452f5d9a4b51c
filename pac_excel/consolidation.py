"""Many teams' plans → one: every input accounted for, nothing counted twice.

Each input file ends up ``ok``, ``skipped`` (lock file, byte-identical copy) or ``rejected``
(unreadable, encrypted, not a plan), with a reason. For every file read, the ledger holds
rows detected = consolidated + ignored + rejected, and the run totals are the sum of the
files' totals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import aggregate
from .analysis import ActionRecord, Analysis, Kpi, analyze
from .errors import PacError, PlanReadError, rejection_code
from .problems import Problem, Report
from .read.bounded import MEMORY_MIB, TIMEOUT_S, limit_process, outcome_of, read_failure, rebuild
from .read.workbook import SUPPORTED

LOCK_PREFIXES = ("~$", ".~lock.")


@dataclass
class FileEntry:
    path: Path
    team: str = ""
    status: str = "ok"  # ok | rejected | skipped
    code: str | None = None
    reason: str | None = None
    analysis: Analysis | None = None
    digest: str | None = None
    error: PacError | None = None

    def reason_text(self, lang: str = "fr") -> str | None:
        from .i18n import tx

        if self.error is not None:
            return self.error.message(lang)
        if self.code == "lock_file":
            return tx("skip.lock_file", lang)
        if self.code == "duplicate":
            return tx("skip.duplicate", lang).format(path=self.reason)
        return self.reason

    def rows(self) -> dict[str, int]:
        if self.analysis is None:
            return {"detected": 0, "consolidated": 0, "ignored": 0, "rejected": 0}
        consolidated = len(self.analysis.actions)
        ignored = len(self.analysis.ignored_rows)
        return {"detected": consolidated + ignored, "consolidated": consolidated, "ignored": ignored,
                "rejected": 0}

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        out = {"path": str(self.path), "team": self.team, "status": self.status, "code": self.code,
               "reason": self.reason_text(lang), "rows": self.rows()}
        if self.error is not None and self.error.params.get("detail"):
            out["detail"] = str(self.error.params["detail"])  # the technical reason, for whoever debugs
        return out


@dataclass
class Consolidation:
    files: list[FileEntry]
    as_of: date
    problems: list[Problem] = field(default_factory=list)  # run-level (team name clashes)

    @property
    def ok(self) -> list[FileEntry]:
        return [f for f in self.files if f.status == "ok"]

    @property
    def rejected(self) -> list[FileEntry]:
        return [f for f in self.files if f.status == "rejected"]

    def actions(self) -> Iterable[tuple[FileEntry, ActionRecord]]:
        for f in self.ok:
            for a in f.analysis.actions:  # type: ignore[union-attr]
                yield f, a

    def kpis(self) -> Iterable[tuple[FileEntry, Kpi]]:
        for f in self.ok:
            for k in f.analysis.kpis:  # type: ignore[union-attr]
                yield f, k

    @property
    def report(self) -> Report:
        """Every problem of the run: its own (team name clashes), then each file's, naming the file."""
        files = [Report.of_file(str(f.path), f.analysis.problems) for f in self.ok]  # type: ignore[union-attr]
        return Report(list(self.problems)).merge(*files)

    def all_problems(self) -> list[Problem]:
        return self.report.problems

    def actions_frame(self) -> Any:
        """Every consolidated action with its team and source file (dtypes as Analysis.actions_frame)."""
        from .analysis import record_type, records_frame

        pairs = list(self.actions())
        return records_frame([a for _, a in pairs], record_type(), {"team": [f.team for f, _ in pairs],
                                                               "source": [str(f.path) for f, _ in pairs]})

    def columns(self) -> set[str]:
        """The action columns of any consolidated plan: an amount no plan has stays null."""
        return set().union(*(f.analysis.columns for f in self.ok))  # type: ignore[union-attr]

    def currencies(self) -> list[str]:
        """The currencies the consolidated plans name, in order of first appearance; a plan whose
        currency is unknown (a home-made file naming none) is taken to share the others'."""
        return aggregate.currencies(f.analysis.currency for f in self.ok)  # type: ignore[union-attr]

    @property
    def currency(self) -> str | None:
        """The one currency of the consolidation; None when no plan names one, or plans name several."""
        cur = self.currencies()
        return cur[0] if len(cur) == 1 else None

    @property
    def mixed(self) -> bool:
        """Plans in several currencies: their amounts are never added up together."""
        return len(self.currencies()) > 1

    def totals(self) -> dict[str, Any]:
        """The sum of the files' totals (aggregate.combine); amounts unknown (None) when the plans
        are in several currencies — see :meth:`totals_by_currency`."""
        out = aggregate.combine([f.analysis.totals() for f in self.ok])  # type: ignore[union-attr]
        if self.mixed:
            out.update({k: None for k in aggregate.total_keys() if k not in aggregate.COUNTS})
        return out

    def totals_by_currency(self) -> dict[str, dict[str, Any]]:
        """The totals of the plans of each currency named (plans naming none counted with the
        first one named)."""
        cur = self.currencies()
        parts: dict[str, list[dict[str, Any]]] = {c: [] for c in cur}
        for f in self.ok:
            code = f.analysis.currency or (cur[0] if cur else None)  # type: ignore[union-attr]
            if code:
                parts[code].append(f.analysis.totals())  # type: ignore[union-attr]
        return {c: aggregate.combine(p) for c, p in parts.items()}

    def by_team(self) -> dict[str, dict[str, Any]]:
        out = {}
        for f in self.ok:
            t = f.analysis.totals()  # type: ignore[union-attr]
            out[f.team] = {"actions": t["actions"], "budget_planned": t["budget_planned"],
                           "budget_actual": t["budget_actual"], "late": t["late"],
                           "currency": f.analysis.currency}  # type: ignore[union-attr]
        return out

    def group(self, key: str) -> dict[str, dict[str, Any]]:
        """Actions grouped by one field; their amounts unknown when the plans are in several currencies."""
        columns = self.columns() - set(aggregate.amounts()) if self.mixed else self.columns()
        return aggregate.group((a for _, a in self.actions()), columns, key)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        problems = []
        for p in self.all_problems():
            d = p.to_dict(lang)
            problems.append({"severity": d["severity"], "code": d["code"], "file": p.file, "sheet": d["sheet"],
                             "cell": d["cell"], "message": d["message"]})
        return {"files": [f.to_dict(lang) for f in self.files], "currency": self.currency, "totals": self.totals(),
                "totals_by_currency": self.totals_by_currency(), "by_team": self.by_team(),
                "by_category": self.group("category"), "by_owner": self.group("owner"), "problems": problems}


# ------------------------------------------------------------------------------------ inputs
def is_lock_file(path: Path) -> bool:
    return path.name.startswith(LOCK_PREFIXES)


def collect(inputs: list[Path], recursive: bool = False) -> list[Path]:
    """Files named, plus the spreadsheets found in folders named (recursively with ``recursive``).
    Folder contents that are not spreadsheets are ignored; lock files are kept, to be listed as
    skipped."""
    out: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            pattern = item.rglob("*") if recursive else item.glob("*")
            # shortest name first in each folder: "plan.xlsx" is the original, "plan (1).xlsx" the copy
            found = sorted((p for p in pattern if p.is_file() and (p.suffix.lower() in SUPPORTED or is_lock_file(p))),
                           key=lambda p: (str(p.parent), len(p.name), p.name))
        else:
            found = [item]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()



def consolidate(inputs: list[Path], as_of: date | None = None, recursive: bool = False, jobs: int = 2,
                progress: Callable[[FileEntry], None] | None = None,
                on_entry: Callable[[FileEntry], None] | None = None, timeout: int = TIMEOUT_S,
                lang: str = "fr") -> Consolidation:
    """Read every plan of ``inputs`` (files and folders) and account for each of them.

    ``on_entry`` is called in the calling process for each file, in input order, as soon as it
    is settled and named: a writer can stream its rows while the next files are being read."""
    as_of = as_of or date.today()
    entries = [FileEntry(p) for p in collect(inputs, recursive)]
    result = Consolidation(entries, as_of)
    first_of: dict[str, FileEntry] = {}
    todo: list[FileEntry] = []
    for e in entries:
        if is_lock_file(e.path):
            e.status, e.code, e.reason = "skipped", "lock_file", "lock_file"
            continue
        try:
            e.digest = _digest(e.path)
        except OSError as exc:
            e.error = PlanReadError("read.missing", path=e.path, detail=str(exc))  # vanished, or not readable
            e.status, e.code = "rejected", "missing"
            continue
        if e.digest in first_of:
            e.status, e.code, e.reason = "skipped", "duplicate", str(first_of[e.digest].path)
            continue
        first_of[e.digest] = e
        todo.append(e)
    namer = _TeamNamer(result)

    def settle(e: FileEntry, outcome: tuple[str, Any]) -> None:
        kind, payload = outcome
        if kind == "ok":
            e.analysis = payload
        else:  # a crash is "unreadable", its exception text kept as the detail, out of the message
            e.error = rebuild(outcome, e.path)
            e.status, e.code = "rejected", rejection_code(e.error.key)
        if progress:
            progress(e)

    paths = [e.path for e in todo]
    if jobs > 1 and len(todo) > 1:
        outcome_of = _pooled(paths, as_of, timeout, jobs, lang)
    else:
        outcome_of = (_read_one(path, as_of, timeout, lang=lang) for path in paths)
    try:
        to_read = {id(e) for e in todo}
        for e in entries:
            if id(e) in to_read:
                settle(e, next(outcome_of))  # one outcome per file to read, in the same order
            namer.name(e)
            if on_entry:
                on_entry(e)
    finally:
        outcome_of.close()
    if result.mixed:
        result.problems.append(Problem("currencies_differ", None, None, {"value": ", ".join(result.currencies())}))
    return result


def _pooled(paths: list[Path], as_of: date, timeout: int, jobs: int, lang: str = "fr"
            ) -> Generator[tuple[str, Any], None, None]:
    """The outcomes of reading ``paths`` in worker processes, in input order (so the output is
    the same whatever the timing): the analysis is Python-bound, and processes use the cores
    that threads cannot.

    A worker that dies (python-calamine aborts the process when an allocation fails under the
    memory bound; a crash in native code) breaks the whole pool: the files then awaited are sent
    again one per task, and a file that breaks a pool on its own is read alone, in a fresh
    process, and rejected if it breaks that one too; the other files go on in a new pool.
    Files travel in small groups (:func:`_chunks`): one round trip between processes costs
    about as much as reading a small file."""
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    units = deque(_chunks(paths, jobs))  # groups of files, one task each, in input order
    while units:
        pool = _pool(jobs)
        try:
            pending = deque((unit, pool.submit(_read_chunk, unit, as_of, timeout, lang)) for unit in units)
            while pending:
                unit, future = pending[0]
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    break
                except Exception as exc:  # the results could not come back
                    if len(unit) > 1:  # whose is unknown: each file again, a task of its own
                        singles = [[path] for path in unit]
                        pending.popleft()
                        units.popleft()
                        units.extendleft(reversed(singles))
                        pending.extendleft(reversed([(one, pool.submit(_read_chunk, one, as_of, timeout, lang))
                                                     for one in singles]))
                        continue
                    outcomes = [outcome_of(unit[0], exc)]  # a hostile file must never take the batch down
                pending.popleft()
                units.popleft()
                yield from outcomes
            else:
                return
        finally:
            pool.shutdown(cancel_futures=True)
        unit = units.popleft()  # the group awaited when a worker died
        if len(unit) > 1:
            units.extendleft(reversed([[path] for path in unit]))  # each file again, a task of its own
        else:
            yield _read_alone(unit[0], as_of, timeout, lang)


#: files sent to a worker at once: fewer round trips between processes (each costs about as much
#: as reading a small file), but a bounded amount of work and of results per trip, and at least
#: CHUNK_GROUPS groups per worker (the work stays shared, the progress shown)
CHUNK_FILES, CHUNK_BYTES, CHUNK_GROUPS = 16, 4 << 20, 8


def _chunks(paths: list[Path], jobs: int) -> list[list[Path]]:
    """Consecutive files in groups of at most CHUNK_FILES and CHUNK_BYTES (one file at least),
    small enough that every worker gets several groups."""
    most = max(1, min(CHUNK_FILES, len(paths) // (jobs * CHUNK_GROUPS)))
    chunks: list[list[Path]] = []
    size = 0
    for path in paths:
        try:
            n = path.stat().st_size
        except OSError:
            n = 0
        if not chunks or len(chunks[-1]) >= most or size + n > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += n
    return chunks


def _read_chunk(paths: list[Path], as_of: date, timeout: int, lang: str = "fr") -> list[tuple[str, Any]]:
    """Several files read in one worker, each within its own time limit."""
    return [_read_one(path, as_of, timeout, False, lang) for path in paths]


def _read_alone(path: Path, as_of: date, timeout: int, lang: str = "fr") -> tuple[str, Any]:
    """A file whose reading killed its worker, read again alone and without python-calamine."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1)
    try:
        return _result(pool.submit(_read_one, path, as_of, timeout, True, lang), path)
    except BrokenProcessPool:
        return read_failure("read.aborted", path=path, mib=MEMORY_MIB)
    finally:
        pool.shutdown(cancel_futures=True)


def _result(future: Any, path: Path) -> tuple[str, Any]:
    """A worker's outcome. Sending it back can fail too (a MemoryError while pickling a large
    analysis under the memory bound, measured): that is the file's rejection, never the batch's."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:
        return outcome_of(path, exc)  # a hostile file must never take the batch down


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _read_one(path: Path, as_of: date, timeout: int = TIMEOUT_S, tolerant: bool = False,
              lang: str = "fr") -> tuple[str, Any]:
    """Analyse one file within a time limit; the outcome travels between processes as plain data.
    It runs in a worker process that is bounded already (or a thread where processes cannot be
    forked), so it reads in that process."""
    import signal
    import threading

    alarm = timeout > 0 and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    if alarm:
        signal.alarm(timeout)
    try:
        return "ok", analyze(path, as_of=as_of, lang=lang, bounded=False, tolerant=tolerant, sheets=False)
    except _Timeout:
        return read_failure("read.timeout", path=path, seconds=timeout)
    except Exception as exc:
        return outcome_of(path, exc)  # a hostile file must never take the batch down
    finally:
        if alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _limit_memory(mib: int) -> None:
    """Worker processes are bounded as any reading process (:mod:`pac_excel.read.bounded`)."""
    limit_process(mib)


def _pool(jobs: int) -> Any:
    """Processes where the platform forks cheaply (memory-bounded); threads elsewhere."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_limit_memory, initargs=(MEMORY_MIB,))
    return ThreadPoolExecutor(max_workers=jobs)


class _TeamNamer:
    """Team = the workbook's own team field, else the file name without extension, verbatim.
    Two files with one name are both kept, the second named "Lyon (2)", with a warning.
    Names are given in input order, so the result does not depend on reading order."""

    def __init__(self, result: Consolidation) -> None:
        self.result = result
        self.used: dict[str, int] = {}

    def name(self, e: FileEntry) -> None:
        base = e.analysis.team if e.analysis and e.analysis.team else e.path.stem
        e.team = base
        if e.status != "ok":
            return
        n = self.used.get(base, 0) + 1
        self.used[base] = n
        if n > 1:
            e.team = f"{base} ({n})"
            self.result.problems.append(Problem("team_name_clash", None, None, {"value": base, "expected": e.team},
                                                file=str(e.path)))
