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


def commands_under(heading: str) -> list[str]:
    block = README.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```sh\n(.+?)\n```", block, re.S)]


def _serves(job: str, cwd: Path, data: Path, wait: float) -> str:
    """Run ``job`` in a shell as a user would: the web app must answer on the README's address,
    keep its data where the README says, print the director's token once and stop on Ctrl+C
    (SIGINT). Returns what it printed."""
    import os
    import signal
    import time
    import urllib.request

    url = re.search(r"<(http://127\.0\.0\.1:\d+/)>", README.split("## Install and run", 1)[1])[1]
    env = {k: v for k, v in os.environ.items() if k not in ("PAC_EXCEL_DB", "PAC_EXCEL_ADMIN_TOKEN", "VIRTUAL_ENV")}
    env["XDG_DATA_HOME"] = str(data)  # a fresh machine: no store yet
    proc = subprocess.Popen(["bash", "-c", job], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        page = None
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(url, timeout=2).read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                time.sleep(0.2)
        assert page is not None and "pac-excel" in page
        assert (data / "pac-excel" / "history.db").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert re.search(r"Jeton du directeur .*: \S{30,}", out), out
    return out


def test_readme_main_job_works(tmp_path):
    """The first command starts the web app (the package itself is installed for the tests)."""
    cmd = commands_under("Install and run")[0]
    assert cmd.startswith("python -m pip install . && ")
    _serves(cmd.split("&& ", 1)[1], tmp_path, tmp_path / "data", wait=30)


def test_readme_install_in_a_virtual_environment_on_a_fresh_checkout(tmp_path):
    """What a user of a system Python that refuses global installs does, word for word: on a copy
    of the checkout holding only what git would give, the README's virtual-environment line, then
    its first command, installing the package and its dependencies into the new environment."""
    main_cmd, venv_cmd = commands_under("Install and run")[:2]
    assert venv_cmd == "python -m venv .venv && . .venv/bin/activate"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    checkout = tmp_path / "pac-excel"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            (checkout / name).write_bytes((ROOT / name).read_bytes())
    out = _serves(f"{venv_cmd} && {main_cmd}", checkout, tmp_path / "data", wait=300)
    venv_bin = checkout / ".venv" / "bin"
    assert (venv_bin / "pac-excel").is_file(), out  # installed into the environment, not elsewhere
    r = subprocess.run([str(venv_bin / "pac-excel"), "new", str(tmp_path / "plan.xlsx")], capture_output=True,
                       text=True)
    assert r.returncode == 0 and zipfile.is_zipfile(tmp_path / "plan.xlsx"), r.stderr


def test_readme_blank_workbook_command_works(tmp_path):
    job = re.search(r"`(pac-excel new plan\.xlsx)`", README)[1]
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


def test_readme_python_example_runs(tmp_path):
    """The README's Python block, run as written (from a folder holding a copy of samples/), and
    its one stated figure checked against the sample's data file."""
    import shutil
    import subprocess
    import sys
    import tomllib

    block = README.split("### From Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    code = block.replace('plan.totals()["budget_planned"]', 'print(plan.totals()["budget_planned"])')
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = tomllib.loads((ROOT / "samples" / "formation_rh.toml").read_text(encoding="utf-8"))
    planned = sum(a["budget_planned"] for a in data["actions"] if "budget_planned" in a)
    stated = float(re.search(r'plan\.totals\(\)\["budget_planned"\]\s+# ([\d.]+)', block)[1])
    assert float(r.stdout.split()[0]) == stated == planned
