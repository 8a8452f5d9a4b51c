"""Templates and samples as shipped: the wheel carries the templates, the committed samples
are what the sample script makes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from pac_excel.store import HEAD
from pac_excel.templates import all_templates, templates_dir

ROOT = Path(__file__).resolve().parent.parent


def test_templates_are_found_from_the_source_tree():
    assert templates_dir() == ROOT / "templates"
    assert {t.id for t in all_templates()} == {p.stem for p in (ROOT / "templates").glob("*.toml")}


def test_wheel_carries_the_templates_inside_the_package(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("pac_excel-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for toml in (ROOT / "templates").glob("*.toml"):
        assert f"pac_excel/templates/{toml.name}" in names
    assert "pac_excel/py.typed" in names
    # Installed from the wheel (not the source tree), the package finds its templates inside itself.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import pac_excel.templates as t; print(t.templates_dir()); "
            "print(sorted(x.id for x in t.all_templates()))")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         capture_output=True, text=True, cwd=tmp_path, check=True).stdout.splitlines()
    assert out[0] == str(site / "pac_excel" / "templates")
    assert out[1] == "['objectif', 'pac', 'trame']"
    # … and the review history's migrations: a store created from the installed wheel is at the head
    for migration in (ROOT / "pac_excel" / "store" / "migrations" / "versions").glob("*.py"):
        assert f"pac_excel/store/migrations/versions/{migration.name}" in names
    for page in (ROOT / "pac_excel" / "web" / "templates").glob("*.html"):  # the web app's pages
        assert f"pac_excel/web/templates/{page.name}" in names
    code = (f"from pac_excel.store import Store; s = Store('sqlite:///{tmp_path / 'h.db'}'); "
            "import pac_excel.store as m; print(m.__file__); print(s.revision())")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         capture_output=True, text=True, cwd=tmp_path, check=True).stdout.splitlines()
    assert out == [str(site / "pac_excel" / "store" / "__init__.py"), HEAD]


def test_committed_samples_are_up_to_date(tmp_path):
    sys.path.insert(0, str(ROOT / "samples"))
    try:
        import make_samples
    finally:
        sys.path.pop(0)
    for fresh in make_samples.build(tmp_path):
        committed = ROOT / "samples" / fresh.name
        assert committed.exists(), f"{fresh.name} is not committed"
        assert committed.read_bytes() == fresh.read_bytes(), \
            f"samples/{fresh.name} is out of date: run python samples/make_samples.py"
