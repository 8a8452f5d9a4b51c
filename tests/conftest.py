from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gnumeric import ssconvert
from libreoffice import soffice

ROOT = Path(__file__).resolve().parent.parent


def _require(found: str | None, application: str, package: str) -> None:
    """Tests of a real application run everywhere it is installed; in CI its absence is a failure."""
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{application} is required in CI (.ci/run installs {package})")
        pytest.skip(f"{application} is not installed on this machine")


@pytest.fixture(scope="session")
def lo_available() -> None:
    _require(soffice(), "LibreOffice (soffice)", "libreoffice-calc-nogui")


@pytest.fixture(scope="session")
def pdf_tools_available(lo_available) -> None:
    import shutil

    _require(shutil.which("pdftotext"), "poppler-utils (pdftotext)", "poppler-utils")


@pytest.fixture(scope="session")
def gnumeric_available() -> None:
    _require(ssconvert(), "Gnumeric (ssconvert)", "gnumeric")


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a real PostgreSQL server (a throwaway cluster, or PAC_EXCEL_TEST_PG)."""
    from postgres import Cluster, binaries

    if os.environ.get("PAC_EXCEL_TEST_PG"):
        yield os.environ["PAC_EXCEL_TEST_PG"]
        return
    _require(str(binaries()) if binaries() else None, "PostgreSQL (initdb, pg_ctl)", "postgresql")
    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


_DATABASES = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A new, empty store of each kind: a SQLite file, a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    from postgres import create_database

    return create_database(request.getfixturevalue("pg_server"), f"pac_test_{os.getpid()}_{next(_DATABASES)}")


def pytest_terminal_summary(terminalreporter):
    """The corpus figures, one line, at the end of every run (README records it)."""
    try:
        from test_corpus import SUMMARY
    except ImportError:
        return
    for line in SUMMARY:
        terminalreporter.write_line(f"corpus: {line}")
