"""The README tells the truth: its test command is what CI runs, its main job works, and the
pictures it shows exist."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_under(heading: str) -> str:
    block = README.split(f"## {heading}", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", block, re.S).group(1).strip()


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command_under("Run the tests") in ci.splitlines()


def test_readme_main_job_works(tmp_path):
    cmd = command_under("Install and run")
    assert cmd.startswith("python -m pip install . && ")
    job = cmd.split("&& ", 1)[1]  # the package itself is installed for the tests already
    r = subprocess.run(job, shell=True, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert zipfile.is_zipfile(tmp_path / "plan.xlsx")


def test_pictures_shown_exist():
    for pic in re.findall(r"\]\((docs/[^)]+\.png)\)", README):
        assert (ROOT / pic).is_file(), pic


def test_every_problem_code_is_documented_and_only_those():
    from pac_excel.problems import CODES

    documented = set(re.findall(r"^\| `([a-z_]+)` \| (?:error|warning) \|", README, re.M))
    assert documented == set(CODES)
