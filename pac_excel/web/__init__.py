"""``pac-excel serve``: the review campaign in a browser, server-rendered (FastAPI, Jinja2),
French by default, on the review-history store.

Who sees what:
- anyone: the public page (a blank workbook; a workbook analysed — nothing uploaded is kept);
- a team, through its link (``/t/<token>``, 192 random bits, revocable): its own page only;
- the director: with ``Authorization: Bearer <token>`` (API) or the signed session cookie the
  sign-in page sets (browser); every form carries a CSRF token.
Anything else answers 404, so that links cannot be probed. Every upload is capped while it
streams and read in the bounded reader; nothing the app keeps lives in memory (two server
processes on one PostgreSQL serve one campaign alike).
"""

from __future__ import annotations

import base64
import io
import json
import re
import tempfile
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select, update

from .. import __version__, schema
from ..errors import PacError
from ..i18n import money, tx
from ..store import Store, StoreError
from ..store.tables import campaign_teams, campaigns
from .auth import SESSION_COOKIE, Keys, team_token

HERE = Path(__file__).parent
STATUSES = ("received", "late", "invalid", "missing")
_READERS = threading.BoundedSemaphore(2)  # files read at once (2 cores): the rest wait their turn


class TooLarge(Exception):
    pass


class UploadLimit:
    """An ASGI middleware: a request body beyond ``limit`` bytes is refused with 413 — at once
    from its Content-Length, else as soon as the streamed bytes pass the limit (nothing more is
    read, nothing is buffered here)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(send)
            return
        seen = 0
        started = False

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        async def watched(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await _too_large(send)


async def _too_large(send: Any) -> None:
    body = b"Fichier trop volumineux / file too large"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def create_app(db: str | None = None, max_upload_mb: int = 20, admin_token: str | None = None,
               lang: str = "fr") -> FastAPI:
    """The app on the store at ``db`` (default: ``PAC_EXCEL_DB``, else the SQLite file)."""
    import os

    store = Store(db)
    keys = Keys(store, admin_token or os.environ.get("PAC_EXCEL_ADMIN_TOKEN"))
    app = FastAPI(title="pac-excel", version=__version__, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Campagnes de revue du Plan d'Action Commercial : API du directeur et des équipes.")
    app.state.store, app.state.keys, app.state.lang = store, keys, lang
    app.state.max_upload = max_upload_mb << 20
    app.add_middleware(UploadLimit, limit=max_upload_mb << 20)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    from ..problems import CODES

    templates.env.globals.update(money=money, tx=tx, schema=schema,
                                 todo=lambda code, la: CODES[code].meaning(la) if code in CODES else "")
    _preload()

    def page(request: Request, template_name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("lang", lang)
        ctx.setdefault("admin", director(request) is not None)
        ctx.setdefault("csrf", keys.csrf(_csrf_scope(request)))
        return templates.TemplateResponse(request, template_name, ctx, status_code=status)

    def director(request: Request) -> dict[str, Any] | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and keys.is_admin_token(auth[7:].strip()):
            return {"admin": True, "sid": "bearer"}
        return keys.session(request.cookies.get(SESSION_COOKIE))

    def _csrf_scope(request: Request) -> str:
        s = keys.session(request.cookies.get(SESSION_COOKIE))
        return f"session:{s['sid']}" if s else "public"

    def need_director(request: Request) -> dict[str, Any]:
        d = director(request)
        if d is None:
            raise HTTPException(404)
        return d

    async def form_checked(request: Request, scope: str | None = None) -> Any:
        form = await request.form()
        if not keys.csrf_ok(scope or _csrf_scope(request), str(form.get("csrf") or "")):
            raise HTTPException(403, "CSRF")
        return form

    # ------------------------------------------------------------------ public
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        from ..templates import all_templates

        return page(request, "home.html", templates_=all_templates(), year=date.today().year)

    @app.post("/new", include_in_schema=False)
    async def new_workbook(request: Request) -> Response:
        from ..generator import GenerateOptions, generate

        form = await form_checked(request)
        try:
            rows = int(str(form.get("actions") or 50))
            year = int(str(form.get("year") or date.today().year))
            options = GenerateOptions(template=str(form.get("template") or "pac"), lang=str(form.get("lang") or lang),
                                      company=_field(form, "company"), team=_field(form, "team"), year=year,
                                      currency=str(form.get("currency") or schema.DEFAULT_CURRENCY).upper(),
                                      actions=rows)
            with tempfile.TemporaryDirectory(prefix="pac-web-") as tmp:
                data = generate(Path(tmp) / "plan.xlsx", options).read_bytes()
        except (PacError, ValueError) as err:
            message = err.message(lang) if isinstance(err, PacError) else str(err)
            return page(request, "home.html", status=400, error=message, templates_=_templates(),
                        year=date.today().year)
        return _xlsx(data, f"PAC-{options.team or options.company or 'plan'}-{year}.xlsx")

    @app.post("/analyze", response_class=HTMLResponse, include_in_schema=False)
    async def analyze_upload(request: Request) -> HTMLResponse:
        form = await form_checked(request)
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise HTTPException(400, "file")
        with tempfile.TemporaryDirectory(prefix="pac-web-") as tmp:
            path = await _save(upload, Path(tmp))
            try:
                with _READERS:
                    from ..analysis import analyze

                    result = analyze(path, lang=lang)
            except PacError as err:
                return page(request, "report.html", status=422, error=err.message(lang), name=_display(upload))
            result.source = _display(upload)
            downloads = _report_downloads(result, Path(tmp), lang)
        return page(request, "report.html", a=result, name=_display(upload), downloads=downloads,
                    charts=_charts(result.group("category"), result.group("status"), result.currency))

    # ------------------------------------------------------------------ director: sign in
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html")

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await form_checked(request, "public")
        if not keys.is_admin_token(str(form.get("token") or "")):
            return page(request, "login.html", status=401, error=tx("web.login.bad", lang))
        r = RedirectResponse("/campaigns", status_code=303)
        r.set_cookie(SESSION_COOKIE, keys.session_cookie(), httponly=True, samesite="lax",
                     secure=request.url.scheme == "https", max_age=14 * 86400)
        return r

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        await form_checked(request)
        r = RedirectResponse("/", status_code=303)
        r.delete_cookie(SESSION_COOKIE)
        return r

    # ------------------------------------------------------------------ director: campaigns
    @app.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
    def campaigns_page(request: Request) -> Response:
        if director(request) is None:
            return RedirectResponse("/login", status_code=303)
        from ..templates import all_templates

        return page(request, "campaigns.html", campaigns=_campaigns(store), templates_=all_templates(),
                    today=date.today())

    @app.post("/campaigns", include_in_schema=False)
    async def create_campaign_form(request: Request) -> Response:
        need_director(request)
        form = await form_checked(request)
        teams, emails = [], {}
        for line in str(form.get("teams") or "").splitlines():
            name, _, email = line.partition(";")
            if name.strip():
                teams.append(name.strip())
                if email.strip():
                    emails[name.strip()] = email.strip()
        try:
            cid, _ = _create_campaign(store, {
                "name": str(form.get("name") or ""), "review": str(form.get("review") or ""),
                "deadline": str(form.get("deadline") or ""), "template": str(form.get("template") or "pac"),
                "lang": str(form.get("lang") or lang), "company": _field(form, "company"),
                "currency": str(form.get("currency") or schema.DEFAULT_CURRENCY),
                "year": str(form.get("year") or ""), "teams": teams, "emails": emails})
        except ValueError as err:
            from ..templates import all_templates

            return page(request, "campaigns.html", status=400, error=str(err), campaigns=_campaigns(store),
                        templates_=all_templates(), today=date.today())
        return RedirectResponse(f"/campaigns/{cid}", status_code=303)

    @app.get("/campaigns/{cid}", response_class=HTMLResponse, include_in_schema=False)
    def board(request: Request, cid: int) -> HTMLResponse:
        need_director(request)
        c = _campaign(store, cid)
        status = _status(store, c)
        figures = _figures(status)
        base = str(request.base_url).rstrip("/")
        trend = store.trend()
        return page(request, "board.html", c=c, teams=status, figures=figures, base=base, trend=trend,
                    counts={s: sum(t["status"] == s for t in status) for s in STATUSES},
                    charts=_charts(figures["by_category"], figures["by_status"], figures["currency"])
                    if figures else None,
                    team_chart=_bars([(t["name"], (t["totals"] or {}).get("budget_planned") or 0) for t in status],
                                     label=lambda v: money(v, figures["currency"] if figures else None))
                    if status else "")

    @app.get("/campaigns/{cid}/teams/{tid}", response_class=HTMLResponse, include_in_schema=False)
    def team_detail(request: Request, cid: int, tid: int) -> HTMLResponse:
        need_director(request)
        c = _campaign(store, cid)
        team = _team_of(store, cid, tid)
        subs = [s for s in store.submissions(c["review"], team["name"]) if s.campaign == cid] \
            if _has_review(store, c["review"]) else []
        snap = store.snapshot(subs[-1].id) if subs else None
        previous = store.latest_snapshot(team["name"], before=c["review"]) if snap else None
        d = None
        if snap is not None and previous is not None:
            from ..history import diff, numbers_of

            d = diff(previous.analysis, snap.analysis, numbers_of(previous.plan), numbers_of(snap.plan))
        return page(request, "team_detail.html", c=c, team=team, subs=subs, a=snap.analysis if snap else None, d=d)

    @app.post("/campaigns/{cid}/teams/{tid}/revoke", include_in_schema=False)
    async def revoke(request: Request, cid: int, tid: int) -> Response:
        need_director(request)
        await form_checked(request)
        _team_of(store, cid, tid)
        with store.engine.begin() as conn:
            conn.execute(update(campaign_teams).where(campaign_teams.c.id == tid)
                         .values(revoked_at=datetime.now(UTC)))
        return RedirectResponse(f"/campaigns/{cid}", status_code=303)

    @app.get("/campaigns/{cid}/consolidated.{ext}", include_in_schema=False)
    def consolidated(request: Request, cid: int, ext: str) -> Response:
        need_director(request)
        return _consolidated(store, _campaign(store, cid), ext, lang)

    # ------------------------------------------------------------------ teams
    @app.get("/t/{token}", response_class=HTMLResponse, include_in_schema=False)
    def team_page(request: Request, token: str) -> HTMLResponse:
        team, c = _by_token(store, token)
        subs = [s for s in store.submissions(c["review"], team["name"]) if s.campaign == c["id"]] \
            if _has_review(store, c["review"]) else []
        return page(request, "team.html", c=c, team=team, subs=subs, csrf=keys.csrf(f"team:{token}"),
                    token=token, late=date.today() > c["deadline"])

    @app.get("/t/{token}/workbook.xlsx", include_in_schema=False)
    def team_workbook(token: str) -> Response:
        team, c = _by_token(store, token)
        return _xlsx(_team_workbook(store, c, team), f"PAC-{team['name']}-{c['review']}.xlsx")

    @app.get("/t/{token}/calendar.ics", include_in_schema=False)
    def team_calendar(token: str) -> Response:
        """The team's plan in a calendar: its last upload in this campaign, else its last plan."""
        from ..ical import build

        team, c = _by_token(store, token)
        subs = [s for s in store.submissions(c["review"], team["name"]) if s.campaign == c["id"]] \
            if _has_review(store, c["review"]) else []
        snap = store.snapshot(subs[-1].id) if subs else store.latest_snapshot(team["name"])
        if snap is None:
            raise HTTPException(404)
        name = f"PAC-{team['name']}-{c['review']}"[:100] + ".ics"
        return Response(build(snap.plan.data, c["lang"]).to_ical(), media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": _attachment(name)})

    @app.post("/t/{token}", summary="Envoyer le plan d'une équipe (lien de l'équipe)")
    async def team_upload(request: Request, token: str) -> Response:
        """Multipart field ``file``. With ``Accept: application/json``: ``{"status": "accepted" |
        "rejected", "code", "problems", "totals", "currency", "late", "duplicate"}``; else the verdict page."""
        team, c = _by_token(store, token)
        wants_json = "application/json" in request.headers.get("accept", "")
        form = await request.form()
        if not wants_json and not keys.csrf_ok(f"team:{token}", str(form.get("csrf") or "")):
            raise HTTPException(403, "CSRF")
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise HTTPException(400, "file")
        verdict = await _receive(store, c, team, upload, lang)
        if wants_json:
            return JSONResponse(verdict)
        subs = [s for s in store.submissions(c["review"], team["name"]) if s.campaign == c["id"]] \
            if _has_review(store, c["review"]) else []
        return page(request, "team.html", c=c, team=team, subs=subs, csrf=keys.csrf(f"team:{token}"),
                    token=token, verdict=verdict, late=date.today() > c["deadline"])

    # ------------------------------------------------------------------ JSON API (director)
    @app.post("/api/campaigns", status_code=201, summary="Créer une campagne")
    async def api_create(request: Request) -> JSONResponse:
        """JSON ``{"name", "review", "deadline": "YYYY-MM-DD", "template", "lang", "currency"?, "teams": [...]}``
        → ``201 {"id", "teams": [{"name", "link"}]}``."""
        need_director(request)
        try:
            body = await request.json()
            cid, teams = _create_campaign(store, body if isinstance(body, dict) else {})
        except (ValueError, json.JSONDecodeError) as err:
            return JSONResponse({"error": str(err)}, status_code=422)
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"id": cid, "teams": [{"name": n, "link": f"{base}/t/{t}"} for n, t in teams]},
                            status_code=201)

    @app.get("/api/campaigns", summary="Les campagnes")
    def api_list(request: Request) -> JSONResponse:
        need_director(request)
        return JSONResponse([_public(c) for c in _campaigns(store)])

    @app.get("/api/campaigns/{cid}", summary="Statut des équipes et totaux d'une campagne")
    def api_campaign(request: Request, cid: int) -> JSONResponse:
        """``{"teams": [{"name", "status", "submitted_at", "problems"}], "totals": {...}}``; status
        is one of ``received``, ``missing``, ``late``, ``invalid``."""
        need_director(request)
        from .. import aggregate

        c = _campaign(store, cid)
        status = _status(store, c)
        figures = _figures(status)
        base = str(request.base_url).rstrip("/")
        return JSONResponse({**_public(c), "teams": [
            {"name": t["name"], "status": t["status"], "submitted_at": t["submitted_at"], "problems": t["problems"],
             "link": f"{base}/t/{t['token']}" if not t["revoked"] else None} for t in status],
            "totals": {k: figures[k] for k in aggregate.total_keys()} if figures else None,
            "totals_currency": figures["currency"] if figures else None})

    @app.get("/api/campaigns/{cid}/consolidated.xlsx", summary="Le classeur consolidé d'une campagne")
    def api_consolidated(request: Request, cid: int) -> Response:
        need_director(request)
        return _consolidated(store, _campaign(store, cid), "xlsx", lang)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any) -> Response:
        if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": "not found"}, status_code=404)
        return page(request, "error.html", status=404, message=tx("web.not_found", lang))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        if "no_review" in exc.key or "no_submission" in exc.key:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"error": exc.message(lang)}, status_code=500)

    return app


# ------------------------------------------------------------------------------------ helpers
def _preload() -> None:
    """Everything a reading process needs, imported before any fork (a child forked while
    another thread holds the import lock would wait for ever)."""
    import pac_excel.analysis
    import pac_excel.history
    import pac_excel.planread
    import pac_excel.read.lo
    import pac_excel.read.ods
    import pac_excel.read.ooxml
    import pac_excel.read.xls
    import pac_excel.report.consolidated
    import pac_excel.snapshot  # noqa: F401


def _templates() -> Any:
    from ..templates import all_templates

    return all_templates()


def _field(form: Any, name: str) -> str | None:
    v = str(form.get(name) or "").strip()
    return v[:200] or None


def _display(upload: Any) -> str:
    """An upload's file name as text to show (never a path)."""
    name = Path(str(getattr(upload, "filename", "") or "plan").replace("\\", "/")).name
    return (re.sub(r"[\x00-\x1f]", "", name) or "plan")[:200]


async def _save(upload: Any, folder: Path) -> Path:
    from ..read.workbook import SUPPORTED

    suffix = Path(_display(upload)).suffix.lower()
    path = folder / ("upload" + (suffix if suffix.lstrip(".") in SUPPORTED or suffix in SUPPORTED else ".xlsx"))
    with open(path, "wb") as fh:
        while chunk := await upload.read(1 << 20):
            fh.write(chunk)
    return path


def _attachment(name: str) -> str:
    """A Content-Disposition for a download named after a team ("PAC-Genève-2027-T1.xlsx"): an
    ASCII name for every client (accents folded, anything else "_"), and the name itself,
    UTF-8 and percent-encoded, for those that read it (RFC 6266). Headers are bytes: a raw "è"
    there is not UTF-8 to anyone."""
    import unicodedata
    from urllib.parse import quote

    name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name)[:120]
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9.\- ]", "_", folded) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": _attachment(name)})


def _report_downloads(result: Any, tmp: Path, lang: str) -> dict[str, str]:
    """The report workbook, JSON and CSV as data: URLs — nothing is kept on the server."""
    from ..report.csvout import dialect, write_actions
    from ..report.jsonout import write_analysis
    from ..report.workbook import write_report

    out = {}
    write_report(result, tmp / "report.xlsx", lang)
    out["xlsx"] = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + \
        base64.b64encode((tmp / "report.xlsx").read_bytes()).decode()
    buf = io.StringIO()
    write_analysis(result, buf, lang)
    out["json"] = "data:application/json;base64," + base64.b64encode(buf.getvalue().encode()).decode()
    buf = io.StringIO()
    write_actions(result, buf, dialect(lang))
    out["csv"] = "data:text/csv;charset=utf-8;base64," + base64.b64encode(buf.getvalue().encode()).decode()
    return out


def _bars(items: list[tuple[str, float]], width: int = 420, label: Any = str) -> str:
    """A horizontal bar chart as SVG, drawn here (no script, no asset from the network)."""
    from markupsafe import escape

    items = [(str(n), float(v or 0)) for n, v in items][:30]
    if not items:
        return ""
    top = max((v for _, v in items), default=0) or 1
    h = 22 * len(items) + 8
    rows = []
    for i, (name, v) in enumerate(items):
        y = 4 + 22 * i
        w = max(0.0, v) / top * (width - 230)
        rows.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(name[:28])}</text>'
                    f'<rect x="150" y="{y + 3}" width="{w:.1f}" height="14" fill="#2F5597"/>'
                    f'<text x="{156 + w:.1f}" y="{y + 14}" font-size="11">{escape(label(v))}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img">{"".join(rows)}</svg>'


def _charts(by_category: dict[str, Any], by_status: dict[str, Any], currency: str | None) -> dict[str, str]:
    """The budget by category (nothing to draw when amounts are unknown) and the actions by status."""
    planned = [(k or "—", v["budget_planned"]) for k, v in by_category.items() if v.get("budget_planned") is not None]
    return {"category": _bars(planned, label=lambda v: money(v, currency)),
            "status": _bars([(k or "—", v.get("actions") or 0) for k, v in by_status.items()], label=_count)}


def _count(v: float) -> str:
    return f"{v:,.0f}".replace(",", "\u202f")


def _figures(status: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The campaign's totals and breakdowns, summed from each current plan's stored summary
    (the same sums as the consolidated workbook, without decoding any snapshot)."""
    from .. import aggregate

    sums = [t["totals"] for t in status if t["totals"]]
    if not sums:
        return None
    out: dict[str, Any] = {}
    # plans in several currencies: counts added, amounts never (as in the consolidated workbook)
    currencies = aggregate.currencies(x.get("currency") for x in sums)
    mixed = len(currencies) > 1
    out["currency"] = currencies[0] if len(currencies) == 1 else None
    for k in aggregate.total_keys():
        vals = [x.get(k) for x in sums if x.get(k) is not None]
        if mixed and k not in aggregate.COUNTS:
            vals = []
        out[k] = (aggregate.cents(sum(vals)) if isinstance(vals[0], float) else sum(vals)) if vals else None
    for key in ("by_category", "by_status"):
        merged: dict[str, dict[str, Any]] = {}
        for x in sums:
            for name, g in (x.get(key) or {}).items():
                m = merged.setdefault(name, {})
                for f, v in g.items():
                    if mixed and f != "actions":
                        m[f] = None
                        continue
                    m[f] = (m.get(f) or 0) + v if v is not None else m.get(f)
        out[key] = merged
    return out


def _has_review(store: Store, label: str) -> bool:
    return label in {r["review"] for r in store.reviews()}


def _campaigns(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(campaigns).order_by(campaigns.c.id)).mappings()]


def _public(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["id"], "name": c["name"], "review": c["review"], "deadline": c["deadline"].isoformat(),
            "template": c["template"], "lang": c["lang"], "currency": c["currency"]}


def _campaign(store: Store, cid: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(campaigns).where(campaigns.c.id == cid)).mappings().first()
    if row is None:
        raise HTTPException(404)
    return dict(row)


def _team_of(store: Store, cid: int, tid: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(campaign_teams).where(campaign_teams.c.id == tid,
                                                        campaign_teams.c.campaign_id == cid)).mappings().first()
    if row is None:
        raise HTTPException(404)
    return dict(row)


def _by_token(store: Store, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
        raise HTTPException(404)
    with store.engine.connect() as conn:
        row = conn.execute(select(campaign_teams).where(campaign_teams.c.token == token)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise HTTPException(404)
    return dict(row), _campaign(store, row["campaign_id"])


def _create_campaign(store: Store, body: dict[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    from ..generator import check_currency
    from ..templates import get_template

    name, review = str(body.get("name") or "").strip(), str(body.get("review") or "").strip()
    teams = [str(t).strip() for t in body.get("teams") or [] if str(t).strip()]
    if not name or not review or len(name) > 200 or len(review) > 200:
        raise ValueError(tx("web.err.name", "fr"))
    try:
        deadline = date.fromisoformat(str(body.get("deadline") or ""))
    except ValueError:
        raise ValueError(tx("web.err.deadline", "fr")) from None
    if not teams or len(set(teams)) != len(teams) or any(len(t) > 200 for t in teams):
        raise ValueError(tx("web.err.teams", "fr"))
    template, lang = str(body.get("template") or "pac"), str(body.get("lang") or "fr")
    currency = str(body.get("currency") or schema.DEFAULT_CURRENCY).upper()
    try:
        get_template(template)
        check_currency(currency)
    except PacError as err:
        raise ValueError(err.message("fr")) from None
    if lang not in schema.LANGS:
        raise ValueError(tx("err.lang", "fr").format(lang=lang))
    given = str(body.get("year") or "")
    year = int(given) if given.isdigit() else deadline.year
    emails = body.get("emails") or {}
    tokens = [(t, team_token()) for t in teams]
    with store.engine.begin() as conn:
        cid = conn.execute(campaigns.insert().values(
            name=name, review=review, deadline=deadline, template=template, lang=lang, currency=currency,
            company=(str(body.get("company") or "").strip()[:200] or None), year=year,
            created_at=datetime.now(UTC)).returning(campaigns.c.id)).scalar_one()
        conn.execute(campaign_teams.insert(), [{"campaign_id": cid, "name": t, "token": tok,
                                                "email": str(emails.get(t) or "")[:200] or None}
                                               for t, tok in tokens])
    return int(cid), tokens


def _status(store: Store, c: dict[str, Any]) -> list[dict[str, Any]]:
    """Each expected team with its status: received, late, invalid (errors), missing."""
    with store.engine.connect() as conn:
        teams = conn.execute(select(campaign_teams).where(campaign_teams.c.campaign_id == c["id"])
                             .order_by(campaign_teams.c.id)).mappings().all()
    subs = [s for s in store.submissions(c["review"]) if s.campaign == c["id"]] \
        if _has_review(store, c["review"]) else []
    last: dict[str, Any] = {}
    count: dict[str, int] = {}
    for s in subs:
        last[s.team] = s
        count[s.team] = count.get(s.team, 0) + 1
    out = []
    for t in teams:
        sub = last.get(t["name"])
        status = "missing" if sub is None else "invalid" if sub.errors else "late" if sub.late else "received"
        out.append({"id": t["id"], "name": t["name"], "email": t["email"], "token": t["token"],
                    "revoked": t["revoked_at"] is not None, "status": status,
                    "submitted_at": sub.submitted_at.isoformat() if sub else None,
                    "uploads": count.get(t["name"], 0), "problems": sub.problems if sub else None,
                    "errors": sub.errors if sub else None, "totals": sub.totals if sub else None})
    return out


def _team_workbook(store: Store, c: dict[str, Any], team: dict[str, Any]) -> bytes:
    """The team's workbook: its last plan (a previous campaign's), refreshed; else a blank one
    pre-filled with company, team and year."""
    from ..generator import GenerateOptions, generate
    from ..refresh import rebuild

    with tempfile.TemporaryDirectory(prefix="pac-web-") as tmp:
        out = Path(tmp) / "plan.xlsx"
        previous = store.latest_snapshot(team["name"])
        if previous is not None:
            read = previous.plan
            read.data.team = team["name"]
            read.data.company = c["company"] or read.data.company
            read.data.year = c["year"] or read.data.year
            rebuild(read, out, lang=c["lang"], template=c["template"], currency=c["currency"])
        else:
            generate(out, GenerateOptions(template=c["template"], lang=c["lang"], company=c["company"],
                                          team=team["name"], year=c["year"], currency=c["currency"]))
        return out.read_bytes()


async def _receive(store: Store, c: dict[str, Any], team: dict[str, Any], upload: Any, lang: str) -> dict[str, Any]:
    """Record an upload of a team: the verdict a person (or a script) sees at once."""
    import anyio

    late = date.today() > c["deadline"]
    with tempfile.TemporaryDirectory(prefix="pac-web-") as tmp:
        path = await _save(upload, Path(tmp))

        def record() -> Any:
            with _READERS:
                return store.add([path], c["review"], team=team["name"], as_of=date.today(), lang=lang,
                                 campaign=c["id"], late=late, source=_display(upload))[0]

        added = await anyio.to_thread.run_sync(record)
    if added.status == "rejected":
        return {"status": "rejected", "code": added.code, "message": added.message, "problems": [], "totals": None,
                "late": late, "duplicate": False}
    a = added.analysis
    return {"status": "accepted", "code": None, "message": None, "late": late, "duplicate": added.status == "duplicate",
            "problems": [p.to_dict(lang) for p in a.problems], "totals": a.totals(), "currency": a.currency,
            "errors": sum(p.severity == "error" for p in a.problems)}


def _consolidated(store: Store, c: dict[str, Any], ext: str, lang: str) -> Response:
    if not _has_review(store, c["review"]):
        raise HTTPException(404)
    result = store.consolidation(c["review"], campaign=c["id"])
    if ext == "json":
        return JSONResponse(result.to_dict(lang))
    if ext == "csv":
        from ..report.csvout import dialect, write_consolidated_actions

        buf = io.StringIO()
        write_consolidated_actions(result, buf, dialect(lang))
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="consolidation.csv"'})
    if ext != "xlsx":
        raise HTTPException(404)
    from ..report.consolidated import write_workbook

    with tempfile.TemporaryDirectory(prefix="pac-web-") as tmp:
        out = Path(tmp) / "consolidation.xlsx"
        write_workbook(result, out, lang)
        return _xlsx(out.read_bytes(), f"consolidation-{c['review']}.xlsx")


def serve(db: str | None, host: str, port: int, max_upload_mb: int, lang: str = "fr") -> None:
    import uvicorn

    app = create_app(db, max_upload_mb, lang=lang)
    if app.state.keys.new_token:
        print(tx("web.token", lang).format(token=app.state.keys.new_token), flush=True)
    print(tx("web.listening", lang).format(url=f"http://{host}:{port}/"), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True, forwarded_allow_ips="127.0.0.1")
