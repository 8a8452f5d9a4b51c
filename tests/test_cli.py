"""The command line: exit codes, messages in French by default and English on request, and
start-up that imports neither pandas nor openpyxl."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date

import openpyxl
from click.testing import CliRunner

from pac_excel import __version__, schema
from pac_excel.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.output
    r = run("--help")
    assert r.exit_code == 0 and "new" in r.output and "templates" in r.output


def test_templates_lists_one_line_per_template():
    r = run("templates")
    lines = r.output.strip().splitlines()
    assert r.exit_code == 0 and [line.split()[0] for line in lines] == ["pac", "objectif", "trame"]
    assert "Plan d’action commercial complet" in lines[0]
    assert "Complete sales action plan" in run("templates", "--lang", "en").output


def test_new_writes_a_workbook_with_the_options(tmp_path):
    out = tmp_path / "plan.xlsx"
    r = run("new", str(out), "--company", "ACME", "--team", "Lyon", "--actions", "12", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "Workbook created" in r.output and zipfile.is_zipfile(out)
    wb = openpyxl.load_workbook(out)
    assert wb["Strategy"]["B4"].value == "ACME" and wb["Strategy"]["B6"].value == str(date.today().year)
    assert wb["Action plan"].tables["T_Actions"].ref.endswith("16")  # header on row 4 + 12 rows


def test_new_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"mine")
    r = run("new", str(out))
    assert r.exit_code == 1 and "existe déjà" in r.output and "--force" in r.output
    assert out.read_bytes() == b"mine"
    assert run("new", str(out), "--force").exit_code == 0 and zipfile.is_zipfile(out)


def test_usage_errors_exit_2_with_a_clear_line(tmp_path):
    r = run("new", str(tmp_path / "p.xlsx"), "--template", "nope")
    assert r.exit_code == 2 and "modèle inconnu" in r.output and "Traceback" not in r.output
    r = run("new", str(tmp_path / "p.xls"), "--lang", "en")
    assert r.exit_code == 2 and ".xlsx" in r.output
    r = run("new", str(tmp_path / "missing" / "p.xlsx"))
    assert r.exit_code == 2 and "n’existe pas" in r.output
    r = run("new", str(tmp_path / "p.xlsx"), "--year", "1850")
    assert r.exit_code == 2
    assert run("new").exit_code == 2


def test_each_template_from_the_cli(tmp_path):
    for t in ("pac", "trame", "objectif"):
        out = tmp_path / f"{t}.xlsx"
        assert run("new", str(out), "-t", t).exit_code == 0
        wb = openpyxl.load_workbook(out, read_only=True)
        assert wb.sheetnames[0] == schema.sheet_name("guide", "fr")


def test_startup_does_not_import_heavy_libraries():
    code = ("import sys; from pac_excel.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'python_calamine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()}).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_console_script_is_installed():
    r = subprocess.run(["pac-excel", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout
