"""The review history: every submitted plan kept, append-only, in SQLite (default) or
PostgreSQL (a SQLAlchemy URL), through the same SQLAlchemy Core code.

- SQLite: WAL journal, ``busy_timeout`` 30 s, foreign keys on, every write in
  ``BEGIN IMMEDIATE`` (two writers wait for each other instead of failing with "database is
  locked").
- PostgreSQL (``postgresql+psycopg://…``): migrations under an advisory lock, inserts that
  may meet a concurrent twin use ``ON CONFLICT DO NOTHING``.
- The schema is migrated by Alembic on opening (migrations ship in the wheel); a store written
  by a newer pac-excel is refused, never altered. Values only ever travel as parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import PacError, PlanReadError, UsageError, rejection_code
from .tables import blobs, reviews, submissions

#: the schema revision this pac-excel writes (the last migration; a test keeps them equal)
HEAD = "0004"
#: a file larger than this is not stored (a plan is a few hundred KiB)
MAX_FILE_BYTES = 64 << 20
_PG_LOCK = 0x70AC_E8C1  # advisory lock id of pac-excel migrations


class StoreError(PacError):
    """The store cannot be opened or used as asked."""

    exit_code = 1


def default_url() -> str:
    """``PAC_EXCEL_DB``, else a SQLite file in the user's data folder
    (``$XDG_DATA_HOME/pac-excel/history.db``, by default ``~/.local/share/pac-excel/history.db``)."""
    url = os.environ.get("PAC_EXCEL_DB")
    if url:
        return url
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'pac-excel' / 'history.db'}"


def _migrations() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


@dataclass
class Added:
    """What ``add`` did with one file."""

    path: str
    team: str
    status: str  # added | duplicate | rejected
    code: str | None = None
    message: str | None = None
    submission: int | None = None
    actions: int = 0
    problems: int = 0
    #: the plan as read (the analysis: problems, totals), for whoever shows a verdict
    analysis: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "analysis"}


@dataclass
class Submission:
    id: int
    review: str
    team: str
    source: str
    sha256: str
    submitted_at: datetime
    template: str | None
    version: str | None
    lang: str
    actions: int
    problems: int
    errors: int
    current: bool = False
    late: bool = False
    campaign: int | None = None
    totals: dict[str, Any] = field(default_factory=dict)
    kpis: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["submitted_at"] = self.submitted_at.isoformat()
        return out


class Store:
    """One review history. ``Store(url)`` opens it, creating or upgrading its schema."""

    def __init__(self, url: str | None = None) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, SQLAlchemyError

        self.url = url or default_url()
        try:
            if self.url.startswith("sqlite"):
                self._sqlite_folder()
                self.engine = create_engine(self.url, connect_args={"timeout": 30})

                @event.listens_for(self.engine, "connect")
                def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                    dbapi_connection.isolation_level = None  # transactions are begun below, IMMEDIATE
                    cur = dbapi_connection.cursor()
                    cur.execute("PRAGMA busy_timeout=30000")
                    cur.execute("PRAGMA foreign_keys=ON")
                    _wal(cur)
                    cur.close()

                @event.listens_for(self.engine, "begin")
                def _on_begin(conn: Any) -> None:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
        except (ArgumentError, ImportError, ValueError) as exc:
            raise StoreError("store.url", url=self._shown(), detail=exc) from exc
        try:
            self._migrate()
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError("store.open", url=self._shown(), detail=_first_line(exc)) from exc

    # ---------------------------------------------------------------- opening
    def _shown(self) -> str:
        """The URL without its password, for messages."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL is shown as given, cut
            return self.url[:200]

    def _sqlite_folder(self) -> None:
        from sqlalchemy.engine import make_url

        db = make_url(self.url).database
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)

    def _migrate(self) -> None:
        """Bring the schema to HEAD. The common case — a store already at HEAD — is one query;
        Alembic is loaded only to create or upgrade a store."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            current = _revision(conn)
            if current == HEAD:
                return
            from alembic import command
            from alembic.script import ScriptDirectory

            cfg = _migrations()
            script = ScriptDirectory.from_config(cfg)
            if current is not None and current not in {s.revision for s in script.walk_revisions()}:
                raise StoreError("store.newer", url=self._shown(), version=current)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _revision(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Any]:
        with self.engine.begin() as conn:
            yield conn

    def _insert(self, conn: Any, table: Any) -> Any:
        """An INSERT that does nothing when a unique twin exists (a concurrent writer's)."""
        from sqlalchemy.dialects import postgresql, sqlite

        return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)

    # ---------------------------------------------------------------- adding
    def add(self, inputs: list[Path], review: str, team: str | None = None, as_of: date | None = None,
            period: str | None = None, lang: str = "fr", recursive: bool = False, campaign: int | None = None,
            late: bool = False, source: str | None = None) -> list[Added]:
        """Record each plan of ``inputs`` (files and folders) as a submission to ``review``. The
        same bytes for the same team and review are recorded once; a file that cannot be read is
        listed with its code and recorded nowhere. Each submission is one transaction."""
        from ..consolidation import collect, is_lock_file
        from ..snapshot import read_snapshot, to_json
        from .summary import summary_of

        review = _clean_label(review, "--review")
        if team is not None:
            team = _clean_label(team, "--team")
        day = as_of or date.today()
        out: list[Added] = []
        for path in collect(list(inputs), recursive):
            if is_lock_file(path):
                continue
            try:
                data = _bytes_of(path)
                snap = read_snapshot(path, day, lang)
            except PacError as err:
                out.append(Added(str(path), team or path.stem, "rejected", rejection_code(err.key), err.message(lang)))
                continue
            a = snap.analysis
            name = team or a.team or path.stem
            digest = hashlib.sha256(data).hexdigest()
            totals, kpis = summary_of(a)
            errors = sum(p.severity == "error" for p in a.problems)
            with self._write() as conn:
                rid = self._review_id(conn, review, period, as_of)
                conn.execute(self._insert(conn, blobs).values(sha256=digest, size=len(data), data=data)
                             .on_conflict_do_nothing())
                res = conn.execute(self._insert(conn, submissions).values(
                    review_id=rid, team=name, source=source or path.name, sha256=digest,
                    submitted_at=datetime.now(UTC), campaign_id=campaign, late=late,
                    template=(a.template or {}).get("id"), version=(a.template or {}).get("version"),
                    lang=snap.plan.lang, actions=len(a.actions), problems=len(a.problems), errors=errors,
                    snapshot=to_json(snap), totals=json.dumps(totals),
                    kpis=json.dumps(kpis, ensure_ascii=False)).on_conflict_do_nothing()
                    .returning(submissions.c.id))
                sid = res.scalar()
            out.append(Added(str(path), name, "added" if sid is not None else "duplicate", submission=sid,
                             actions=len(a.actions), problems=len(a.problems), analysis=a))
        return out

    def _review_id(self, conn: Any, label: str, period: str | None, as_of: date | None) -> int:
        from sqlalchemy import select

        conn.execute(self._insert(conn, reviews).values(label=label, period=period, as_of=as_of,
                                                        created_at=datetime.now(UTC)).on_conflict_do_nothing())
        return int(conn.execute(select(reviews.c.id).where(reviews.c.label == label)).scalar_one())

    # ---------------------------------------------------------------- reading
    def reviews(self) -> list[dict[str, Any]]:
        """Every review, oldest first."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(reviews).order_by(reviews.c.id)).mappings().all()
        return [{"review": r["label"], "period": r["period"], "as_of": r["as_of"].isoformat() if r["as_of"] else None}
                for r in rows]

    def submissions(self, review: str | None = None, team: str | None = None) -> list[Submission]:
        """Submissions (oldest first), each saying whether it is its team's current plan."""
        from sqlalchemy import select

        cols = [c for c in submissions.c if c.name != "snapshot"]
        q = select(*cols, reviews.c.label).join(reviews, reviews.c.id == submissions.c.review_id)
        if review is not None:
            q = q.where(reviews.c.label == review)
        if team is not None:
            q = q.where(submissions.c.team == team)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(reviews.c.id, submissions.c.id)).mappings().all()
        out = [Submission(r["id"], r["label"], r["team"], r["source"], r["sha256"], _utc(r["submitted_at"]),
                          r["template"], r["version"], r["lang"], r["actions"], r["problems"], r["errors"],
                          late=bool(r["late"]), campaign=r["campaign_id"], totals=json.loads(r["totals"] or "{}"),
                          kpis=json.loads(r["kpis"] or "[]")) for r in rows]
        last: dict[tuple[str, str], Submission] = {}
        for s in out:
            last[s.review, s.team] = s
        for s in last.values():
            s.current = True
        return out

    def listing(self) -> list[dict[str, Any]]:
        """Reviews × teams: submissions, time of the current one, its actions and problems."""
        by: dict[tuple[str, str], list[Submission]] = {}
        for s in self.submissions():
            by.setdefault((s.review, s.team), []).append(s)
        return [{"review": r, "team": t, "submissions": len(subs), "submitted_at": subs[-1].submitted_at.isoformat(),
                 "actions": subs[-1].actions, "problems": subs[-1].problems, "errors": subs[-1].errors}
                for (r, t), subs in by.items()]

    def snapshot(self, submission_id: int) -> Any:
        from sqlalchemy import select

        from ..snapshot import from_json

        with self.engine.connect() as conn:
            text = conn.execute(select(submissions.c.snapshot).where(submissions.c.id == submission_id)).scalar_one()
        return from_json(text)

    def current(self, review: str, team: str) -> Any:
        """The snapshot of a team's current plan in a review."""
        subs = [s for s in self.submissions(review, team) if s.current]
        if not subs:
            raise StoreError("store.no_submission", review=review, team=team)
        return self.snapshot(subs[0].id)

    def review_order(self) -> list[str]:
        """Review labels in time order: by their as-of date when they have one, else when they
        were first recorded."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(reviews.c.label, reviews.c.as_of, reviews.c.created_at, reviews.c.id)).all()
        return [r[0] for r in sorted(rows, key=lambda r: (r[1] or _utc(r[2]).date(), r[3]))]

    def diff(self, team: str, before: str, after: str) -> Any:
        """What changed in a team's plan between two reviews (:class:`pac_excel.history.Diff`)."""
        from ..history import diff, numbers_of

        self._known_review(before)
        self._known_review(after)
        a, b = self.current(before, team), self.current(after, team)
        return diff(a.analysis, b.analysis, numbers_of(a.plan), numbers_of(b.plan))

    def trend(self, team: str | None = None) -> Any:
        """Per review, the figures of the current plans (one team's, or all summed)."""
        from ..history import trend

        return trend(self.submissions(team=team), self.review_order(), team)

    def consolidation(self, review: str, campaign: int | None = None) -> Any:
        """The consolidation of a review's current plans (those sent to ``campaign`` only, if
        given), from the stored snapshots (no file is read again)."""
        from sqlalchemy import select

        from ..consolidation import Consolidation, FileEntry
        from ..snapshot import analysis_only

        self._known_review(review)
        subs = [s for s in self.submissions(review) if campaign is None or s.campaign == campaign]
        last: dict[str, Submission] = {}
        for s in subs:
            last[s.team] = s
        wanted = {s.id: s for s in last.values()}
        entries = []
        with self.engine.connect() as conn:  # one query; each snapshot's analysis decoded as it comes
            rows = conn.execute(select(submissions.c.id, submissions.c.snapshot)
                                .where(submissions.c.id.in_(list(wanted))).order_by(submissions.c.id))
            for sid, text in rows:
                s = wanted[sid]
                entries.append(FileEntry(Path(s.source), s.team, analysis=analysis_only(text), digest=s.sha256))
        as_of = max((e.analysis.as_of for e in entries if e.analysis), default=date.today())
        return Consolidation(entries, as_of)

    def export(self, review: str, output: Path, lang: str = "fr", force: bool = False) -> Any:
        """Write the consolidated workbook of a review (what ``consolidate`` writes)."""
        from ..report.consolidated import write_workbook

        result = self.consolidation(review)
        write_workbook(result, output, lang, force=force)
        return result

    def _known_review(self, label: str) -> None:
        if label not in {r["review"] for r in self.reviews()}:
            raise StoreError("store.no_review", review=label)

    def latest_plan(self, team: str) -> Any:
        """The plan a team typed in its most recent review (a PlanData, for ``generate`` with
        ``prefill=False`` — the next review's workbook), or None when it never submitted."""
        snap = self.latest_snapshot(team)
        return None if snap is None else snap.plan.data

    def latest_snapshot(self, team: str, before: str | None = None) -> Any:
        """The snapshot of a team's most recent current plan (of a review other than
        ``before``), or None."""
        subs = [s for s in self.submissions(team=team) if s.current and s.review != before]
        if not subs:
            return None
        order = {label: i for i, label in enumerate(self.review_order())}
        last = max(subs, key=lambda s: (order.get(s.review, -1), s.id))
        return self.snapshot(last.id)

    def file_bytes(self, sha256: str) -> bytes:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            return bytes(conn.execute(select(blobs.c.data).where(blobs.c.sha256 == sha256)).scalar_one())


def _revision(conn: Any) -> str | None:
    """The store's schema revision (Alembic's table), None for an empty database."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _wal(cur: Any) -> None:
    """The WAL journal (readers never block the writer). It stays once set; switching to it
    needs the file to itself, which SQLite does not wait for: retried while another process
    holds it (busy_timeout does not cover this one statement)."""
    import sqlite3
    import time

    deadline = time.monotonic() + 30
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _utc(v: datetime) -> datetime:
    return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _clean_label(text: str, option: str) -> str:
    """A review or team name: kept exactly, but never empty nor absurdly long."""
    if not text.strip() or len(text) > 200:
        raise UsageError("err.label", option=option)
    return text


def _bytes_of(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PlanReadError("read.file_too_large", path=path, size=f"{size >> 20} Mio", limit="64 Mio")
        return path.read_bytes()
    except OSError as exc:
        raise PlanReadError("read.missing", path=path, detail=str(exc)) from exc
