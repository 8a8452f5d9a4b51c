"""The web app: every security point at the API level, concurrency and two server processes on
SQLite and PostgreSQL, and the whole campaign story in a real browser (Debian's chromium)."""

from __future__ import annotations

import concurrent.futures
import os
import re
import resource
import shutil
from datetime import date, timedelta
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from helpers import table_cells
from web import TOKEN, Server

from pac_excel import GenerateOptions, PlanData, consolidate, generate, schema

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def plan(path: Path, team: str, n: int = 3, bad: bool = False, text: str = "Action") -> Path:
    actions = [dict(no=i, action=f"{text} {i}", owner="Alice", budget_planned=100.0 * i, target=10, result=8,
                    status=schema.STATUS.label("in_progress", "fr"), start=date(2027, 1, 10),
                    end=date(2027, 1, 5) if bad and i == 1 else date(2027, 12, 1)) for i in range(1, n + 1)]
    return generate(path, GenerateOptions(team=team, year=2027, force=True), PlanData(team=team, actions=actions))


@pytest.fixture
def app_client(store_url):
    """The app on each kind of store (SQLite, PostgreSQL), called through its ASGI interface."""
    from pac_excel.web import create_app

    app = create_app(store_url, admin_token=TOKEN)
    with TestClient(app) as c:
        yield c
    app.state.store.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html)[1]


def campaign(client, teams=("Lyon", "Nice"), deadline="2099-01-01") -> dict:
    r = client.post("/api/campaigns", headers=AUTH, json={"name": "Revue T1", "review": "2027-T1",
                                                         "deadline": deadline, "template": "pac", "lang": "fr",
                                                         "teams": list(teams)})
    assert r.status_code == 201, r.text
    return r.json()


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# ------------------------------------------------------------------------------------ security, API level
def test_the_director_needs_the_token_and_nothing_else_opens_the_door(app_client):
    c = app_client
    body = {"name": "x", "review": "r", "deadline": "2099-01-01", "teams": ["A"]}
    assert c.post("/api/campaigns", json=body).status_code == 404
    assert c.post("/api/campaigns", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 404
    created = campaign(c)
    team_token = path_of(created["teams"][0]["link"]).split("/")[2]
    for url in ("/api/campaigns", f"/api/campaigns/{created['id']}", f"/campaigns/{created['id']}",
                f"/api/campaigns/{created['id']}/consolidated.xlsx", f"/campaigns/{created['id']}/teams/1"):
        assert c.get(url).status_code == 404, url
        assert c.get(url, headers={"Authorization": f"Bearer {team_token}"}).status_code == 404, url
        assert c.get(url, headers=AUTH).status_code in (200, 404), url  # 404 only: nothing consolidated yet
    assert c.get("/api/campaigns/999", headers=AUTH).status_code == 404
    assert c.get(f"/t/{'A' * 32}").status_code == 404  # a guessed link


def test_a_team_link_opens_its_own_page_only_and_can_be_revoked(app_client, tmp_path):
    c = app_client
    created = campaign(c)
    lyon, nice = (path_of(t["link"]) for t in created["teams"])
    assert "Lyon" in c.get(lyon).text and "Nice" not in c.get(lyon).text
    r = c.post(lyon, headers={"Accept": "application/json"},
               files={"file": ("lyon.xlsx", plan(tmp_path / "l.xlsx", "Lyon").read_bytes())})
    assert r.json()["status"] == "accepted"
    from icalendar import Calendar

    ics = c.get(lyon + "/calendar.ics")  # the team's plan in its calendar
    assert ics.headers["content-type"].startswith("text/calendar")
    assert len(list(Calendar.from_ical(ics.content).walk("VEVENT"))) == 3
    assert c.get(nice + "/calendar.ics").status_code == 404  # nothing sent, no calendar
    # signed in, the director revokes Nice's link
    html = c.get("/login").text
    c.post("/login", data={"csrf": csrf_of(html), "token": TOKEN}, follow_redirects=False)
    board = c.get(f"/campaigns/{created['id']}").text
    revoke = re.search(r'action="(/campaigns/\d+/teams/(\d+)/revoke)"', board.split("Nice", 1)[1])[1]
    assert c.post(revoke, data={"csrf": csrf_of(board)}, follow_redirects=False).status_code == 303
    c.cookies.clear()
    assert c.get(nice).status_code == 404 and c.get(nice + "/workbook.xlsx").status_code == 404
    assert c.get(lyon).status_code == 200


def test_forms_without_a_valid_csrf_token_are_refused(app_client, tmp_path):
    c = app_client
    created = campaign(c)
    lyon = path_of(created["teams"][0]["link"])
    f = {"file": ("lyon.xlsx", plan(tmp_path / "l.xlsx", "Lyon").read_bytes())}
    assert c.post(lyon, files=f).status_code == 403  # a browser form without the token
    assert c.post(lyon, files=f, data={"csrf": "0" * 64}).status_code == 403
    assert c.post("/login", data={"token": TOKEN}).status_code == 403
    html = c.get("/login").text
    c.post("/login", data={"csrf": csrf_of(html), "token": TOKEN}, follow_redirects=False)
    form = {"name": "x", "review": "r", "deadline": "2099-01-01", "teams": "A"}
    assert c.post("/campaigns", data=form).status_code == 403
    assert c.post("/campaigns", data={**form, "csrf": csrf_of(html)}).status_code == 403  # another session's
    page = c.get("/campaigns").text
    assert c.post("/campaigns", data={**form, "csrf": csrf_of(page)}, follow_redirects=False).status_code == 303


def test_text_from_workbooks_and_team_names_is_escaped(app_client, tmp_path):
    c = app_client
    evil = "<script>alert(1)</script>"
    created = campaign(c, teams=(evil, "Nice"))
    link = path_of(created["teams"][0]["link"])
    f = plan(tmp_path / "e.xlsx", "x", text=evil)
    r = c.post(link, files={"file": ("<b>x</b>.xlsx", f.read_bytes())}, data={"csrf": csrf_of(c.get(link).text)})
    assert r.status_code == 200 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    board = c.get(f"/campaigns/{created['id']}", headers=AUTH).text
    assert "<script>alert" not in board and "&lt;script&gt;alert(1)&lt;/script&gt;" in board
    home = c.get("/").text
    report = c.post("/analyze", data={"csrf": csrf_of(home)}, files={"file": ("a.xlsx", f.read_bytes())}).text
    assert "<script>alert" not in report and "&lt;script&gt;" in report


def test_hostile_uploads_get_their_code_and_are_recorded_nowhere(app_client, tmp_path):
    from corpus import XXE, _with_doctype, b_bomb

    c = app_client
    created = campaign(c)
    link = path_of(created["teams"][0]["link"])
    for build, code in ((b_bomb, "zip_bomb"), (_with_doctype("xxe", XXE), "unsafe_content")):
        f = build(tmp_path)
        r = c.post(link, headers={"Accept": "application/json"}, files={"file": ("../../etc/x.xlsx", f.read_bytes())})
        assert (r.json()["status"], r.json()["code"]) == ("rejected", code)
    teams = c.get(f"/api/campaigns/{created['id']}", headers=AUTH).json()["teams"]
    assert [t["status"] for t in teams] == ["missing", "missing"]
    assert not list(tmp_path.glob("etc*")) and not Path("/etc/x.xlsx").exists()  # a file name is never a path


def test_a_200_mib_upload_is_refused_while_it_streams(app_client):
    c = app_client
    created = campaign(c)
    link = path_of(created["teams"][0]["link"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def body():
        chunk = b"x" * (1 << 20)
        for _ in range(200):
            yield chunk

    r = c.post(link, content=body(), headers={"Content-Type": "multipart/form-data; boundary=b",
                                              "Accept": "application/json"})
    assert r.status_code == 413
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < 60, f"memory grew by {grown:.0f} MiB"
    r = c.post(link, content=b"x" * 10, headers={"Content-Length": str(200 << 20),
                                                  "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


def test_api_and_openapi_page(app_client, tmp_path):
    c = app_client
    spec = c.get("/api/openapi.json").json()
    assert {"/api/campaigns", "/api/campaigns/{cid}", "/api/campaigns/{cid}/consolidated.xlsx",
            "/t/{token}"} <= set(spec["paths"])
    assert c.get("/api/docs").status_code == 200


# ------------------------------------------------------------------------------------ real servers
@pytest.fixture
def server(store_url):
    s = Server(store_url).start()
    yield s
    s.stop()


def test_twenty_uploads_at_the_same_moment_are_all_recorded(server, tmp_path):
    teams = [f"Équipe {i}" for i in range(20)]
    with httpx.Client(base_url=server.url, timeout=120) as c:
        created = c.post("/api/campaigns", headers=AUTH, json={"name": "c", "review": "R", "deadline": "2099-01-01",
                                                                "teams": teams}).json()
        paths = {t["name"]: plan(tmp_path / f"{i}.xlsx", t["name"], n=2 + i % 3)
                 for i, t in enumerate(created["teams"])}
        files = {name: p.read_bytes() for name, p in paths.items()}

        def send(t):
            with httpx.Client(timeout=120) as one:
                return one.post(t["link"], headers={"Accept": "application/json"},
                                files={"file": (f"{t['name']}.xlsx", files[t["name"]])}).json()

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            verdicts = list(pool.map(send, created["teams"]))
        assert [v["status"] for v in verdicts] == ["accepted"] * 20
        board = c.get(f"/api/campaigns/{created['id']}", headers=AUTH).json()
    assert sorted(t["name"] for t in board["teams"] if t["status"] == "received") == sorted(teams)
    assert board["totals"]["actions"] == sum(2 + i % 3 for i in range(20))
    assert board["totals"] == consolidate(list(paths.values())).totals()  # the board's sums are the files' sums


def test_a_restarted_server_keeps_every_acknowledged_upload(server, tmp_path):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        created = c.post("/api/campaigns", headers=AUTH, json={"name": "c", "review": "R", "deadline": "2099-01-01",
                                                                "teams": ["A", "B", "C"]}).json()
        acknowledged = []
        for t in created["teams"][:2]:
            r = c.post(t["link"], headers={"Accept": "application/json"},
                       files={"file": ("p.xlsx", plan(tmp_path / f"{t['name']}.xlsx", t["name"]).read_bytes())})
            assert r.json()["status"] == "accepted"
            acknowledged.append(t["name"])
    server.kill()  # as hard as a power cut, with a third upload possibly in flight
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as c:
        teams = c.get(f"/api/campaigns/{created['id']}", headers=AUTH).json()["teams"]
    assert [t["name"] for t in teams if t["status"] == "received"] == acknowledged


def test_two_server_processes_on_one_database_agree(pg_server, tmp_path):
    from postgres import create_database

    url = create_database(pg_server, "pac_two_servers")
    a, b = Server(url).start(), Server(url).start()
    try:
        created = httpx.post(a.url + "/api/campaigns", headers=AUTH, json={
            "name": "c", "review": "R", "deadline": "2099-01-01", "teams": ["Lyon", "Nice"]}).json()
        link_b = created["teams"][0]["link"].replace(a.url, b.url)
        r = httpx.post(link_b, headers={"Accept": "application/json"}, timeout=60,
                       files={"file": ("l.xlsx", plan(tmp_path / "l.xlsx", "Lyon").read_bytes())})
        assert r.json()["status"] == "accepted"
        for s in (a, b):
            teams = httpx.get(f"{s.url}/api/campaigns/{created['id']}", headers=AUTH).json()["teams"]
            assert [t["status"] for t in teams] == ["received", "missing"]
    finally:
        a.stop()
        b.stop()


# ------------------------------------------------------------------------------------ the story, in a browser
def chrome(download_dir: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--lang=fr-FR"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.implicitly_wait(15)  # a click starts a navigation; the next lookup waits for the new page
    return driver


@pytest.fixture(scope="session")
def browser_available():
    from conftest import _require

    _require(shutil.which("chromium") and shutil.which("chromedriver"), "Chromium and ChromeDriver",
             "chromium chromium-driver")


def wait_for(path: Path, timeout: float = 30) -> Path:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in path.parent.glob(path.name) if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise TimeoutError(path)


def fill(src: Path, dst: Path, rows: list[dict]) -> Path:
    """A team types its actions into the workbook it downloaded."""
    wb = openpyxl.load_workbook(src)
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, cells = table_cells(ws, ws.tables["T_Actions"])
    for row, values in zip(cells, rows):
        for key, v in values.items():
            row[headers.index(schema.ACTIONS.column(key).label("fr"))].value = v
    wb.save(dst)
    return dst


def test_a_campaign_in_a_real_browser(browser_available, tmp_path):
    from datetime import datetime

    from selenium.webdriver.common.by import By

    docs = Path(os.environ.get("PAC_EXCEL_SCREENSHOTS") or tmp_path)  # =docs to refresh the README's pictures
    server = Server(f"sqlite:///{tmp_path / 'h.db'}").start()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chrome(downloads)
    try:
        d = driver
        d.get(server.url + "/")
        d.save_screenshot(str(docs / "web-home.png"))
        d.get(server.url + "/login")
        d.find_element(By.ID, "token").send_keys(TOKEN)
        d.find_element(By.ID, "signin").click()
        d.find_element(By.ID, "name").send_keys("Revue du 1er trimestre")
        d.find_element(By.ID, "review").send_keys("2027-T1")
        d.find_element(By.ID, "company").send_keys("ACME")
        d.execute_script("document.getElementById('deadline').value = arguments[0]", date.today().isoformat())
        d.find_element(By.ID, "teams").send_keys("Lyon;lyon@acme.fr\nMarseille\nNice")
        d.find_element(By.ID, "create").click()
        links = {row.get_attribute("data-team"): row.find_element(By.CLASS_NAME, "link").text
                 for row in d.find_elements(By.CSS_SELECTOR, "#teams tr[data-team]")}
        assert set(links) == {"Lyon", "Marseille", "Nice"} and all("/t/" in x for x in links.values())
        board_url = d.current_url
        typed = {
            "Lyon": [dict(action="Salon", owner="Alice", budget_planned=1000, start=datetime(2027, 2, 1),
                          end=datetime(2027, 1, 1))],  # ends before it starts: an error
            "Marseille": [dict(action="Mailing", owner="Bob", budget_planned=250.5, end=datetime(2027, 3, 1)),
                          dict(action="Webinaire", owner="Bob", budget_planned=99.5, end=datetime(2027, 4, 1))],
            "Nice": [dict(action="Visites", owner="Chloé", budget_planned=400, end=datetime(2027, 5, 1))],
        }
        sent = {}
        for team in ("Lyon", "Marseille", "Nice"):
            if team == "Nice":  # the deadline passes before Nice sends its plan
                import sqlalchemy as sa

                eng = sa.create_engine(server.db)
                with eng.begin() as conn:
                    conn.execute(sa.text("UPDATE campaigns SET deadline = :d"), {"d": date.today() - timedelta(1)})
                eng.dispose()
            d.get(links[team])
            d.find_element(By.ID, "workbook").click()
            got = wait_for(downloads / f"PAC-{team}-2027-T1*.xlsx")
            sent[team] = fill(got, tmp_path / f"{team}.xlsx", typed[team])
            d.find_element(By.ID, "file").send_keys(str(sent[team]))
            d.find_element(By.ID, "send").click()
            verdict = d.find_element(By.ID, "verdict").text
            assert "Plan reçu" in verdict
            if team == "Lyon":
                problems = d.find_element(By.ID, "problems").text  # the error, by cell, in words
                from pac_excel.a1 import col_letter
                from pac_excel.templates import get_template

                end = [c.key for c in get_template("pac").columns("actions")].index("end")
                assert f"Plan d’actions!{col_letter(end)}5" in problems and "antérieure à la date de début" in problems
                d.save_screenshot(str(docs / "web-team.png"))
        d.get(board_url)
        status = {row.get_attribute("data-team"): row.find_element(By.CLASS_NAME, "status").text
                  for row in d.find_elements(By.CSS_SELECTOR, "#teams tr[data-team]")}
        assert status == {"Lyon": "avec erreurs", "Marseille": "reçu", "Nice": "en retard"}
        d.save_screenshot(str(docs / "web-board.png"))
        # the consolidated download, with the director's session cookie, against consolidate on the same files
        cookie = {c["name"]: c["value"] for c in d.get_cookies()}
        cid = board_url.rstrip("/").rsplit("/", 1)[1]
        r = httpx.get(f"{server.url}/campaigns/{cid}/consolidated.xlsx", cookies=cookie)
        (tmp_path / "web.xlsx").write_bytes(r.content)
        direct = consolidate(list(sent.values()))
        wb = openpyxl.load_workbook(tmp_path / "web.xlsx")
        ws = next(w for w in wb.worksheets if "T_Consolidation" in w.tables)
        headers, rows = table_cells(ws, ws.tables["T_Consolidation"])
        budget = sum(r[headers.index(schema.ACTIONS.column("budget_planned").label("fr"))].value or 0 for r in rows)
        assert len(rows) == direct.totals()["actions"] == 4
        assert budget == direct.totals()["budget_planned"] == 1000 + 250.5 + 99.5 + 400
        totals = d.find_element(By.ID, "totals").text
        assert "1 750 €" in totals.replace("\u202f", " ").replace("\u00a0", " ")
    finally:
        driver.quit()
        server.stop()


def test_amounts_show_the_plans_currency_and_counts_show_none(app_client, tmp_path):
    c = app_client
    actions = [dict(no=i, action=f"Action {i}", owner="Alice", budget_planned=1000.0 * i,
                    status=schema.STATUS.label("in_progress", "fr")) for i in range(1, 4)]
    f = generate(tmp_path / "chf.xlsx", GenerateOptions(currency="CHF", force=True), PlanData(actions=actions))
    report = c.post("/analyze", data={"csrf": csrf_of(c.get("/").text)},
                    files={"file": ("chf.xlsx", f.read_bytes())}).text
    planned = f"{sum(a['budget_planned'] for a in actions):,.0f}".replace(",", "\u202f")
    assert f"{planned} CHF" in report and "€" not in report.split("<body", 1)[1]
    # the chart of actions by status labels a count (3), not an amount ("3 CHF")
    assert re.search(r'font-size="11">3</text>', report) and 'font-size="11">3 CHF' not in report
    # a campaign board: a team's upload in francs is shown in francs
    created = campaign(c, teams=("Genève",))
    link = path_of(created["teams"][0]["link"])
    r = c.post(link, files={"file": ("chf.xlsx", f.read_bytes())}, data={"csrf": csrf_of(c.get(link).text)},
               headers={"Accept": "application/json"})
    assert r.json()["currency"] == "CHF"
    board = c.get(f"/campaigns/{created['id']}", headers=AUTH).text
    assert f"{planned} CHF" in board


def test_a_campaign_in_francs_hands_out_workbooks_in_francs(app_client, tmp_path):
    c = app_client
    r = c.post("/api/campaigns", headers=AUTH, json={"name": "Revue CH", "review": "2027-CH", "deadline": "2099-01-01",
                                                      "template": "pac", "lang": "fr", "currency": "chf",
                                                      "teams": ["Genève", "Lausanne"]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert c.get(f"/api/campaigns/{cid}", headers=AUTH).json()["currency"] == "CHF"
    link = path_of(r.json()["teams"][0]["link"])
    blank = tmp_path / "geneve.xlsx"
    got = c.get(f"{link}/workbook.xlsx")
    # a team name with an accent: an ASCII name for every client, the real one for those that read it
    assert got.headers["content-disposition"] == ("attachment; filename=\"PAC-Geneve-2027-CH.xlsx\"; "
                                                  "filename*=UTF-8''PAC-Gen%C3%A8ve-2027-CH.xlsx")
    blank.write_bytes(got.content)
    from pac_excel import analyze

    assert analyze(blank).currency == "CHF"
    # its plan, uploaded and handed back for the next review, stays in francs
    f = generate(tmp_path / "filled.xlsx", GenerateOptions(currency="CHF", force=True),
                 PlanData(team="Genève", actions=[dict(no=1, action="Salon", budget_planned=5000.0)]))
    c.post(link, files={"file": ("filled.xlsx", f.read_bytes())}, data={"csrf": csrf_of(c.get(link).text)})
    again = tmp_path / "again.xlsx"
    again.write_bytes(c.get(f"{link}/workbook.xlsx").content)
    assert analyze(again).currency == "CHF" and analyze(again).totals()["budget_planned"] == 5000.0
    bad = c.post("/api/campaigns", headers=AUTH, json={"name": "X", "review": "X", "deadline": "2099-01-01",
                                                        "teams": ["A"], "currency": "ZZZ"})
    assert bad.status_code in (400, 422) and "ZZZ" in bad.text
    home = c.get("/").text  # the public blank workbook can be asked in a currency too
    wb = c.post("/new", data={"csrf": csrf_of(home), "template": "pac", "lang": "fr", "currency": "XOF",
                              "actions": "10", "year": "2027"})
    assert wb.status_code == 200
    (tmp_path / "xof.xlsx").write_bytes(wb.content)
    assert analyze(tmp_path / "xof.xlsx").currency == "XOF"


def test_campaigns_made_before_the_currency_setting_are_in_euros(store_url):
    import sqlalchemy as sa
    from alembic import command

    from pac_excel.store import HEAD, Store, _migrations

    engine = sa.create_engine(store_url)
    cfg = _migrations()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns (name, review, deadline, template, lang, created_at) "
                             "VALUES ('Old', 'R0', :d, 'pac', 'fr', :t)"),
                     {"d": date(2027, 1, 1), "t": date(2026, 1, 1)})
    engine.dispose()
    with Store(store_url) as store:
        assert store.revision() == HEAD
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT currency FROM campaigns")).scalar_one() == "EUR"
