"""Mutation fuzz: valid workbooks damaged at random (seeded, so reproducible) may only be read
or rejected with a documented code, never crash or hang (run in a fresh process). Damage goes
to the parts (bytes flipped, truncated, garbage inserted, parts dropped or swapped) and to the
zip container itself (local headers, central directory, compressed data)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

from pac_excel import GenerateOptions, PlanData, generate
from pac_excel.errors import REJECT_CODES

ROOT = Path(__file__).resolve().parent.parent
N_MUTANTS = 80


def mutate(src: Path, dst: Path, rng: random.Random) -> str:
    """One damage of one kind; returns what was done."""
    with zipfile.ZipFile(src) as z:
        entries = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheets = [n for n in entries if n.startswith("xl/worksheets/sheet") or n == "xl/sharedStrings.xml"]
    kind = rng.choice(["flip", "drop", "truncate", "garbage", "swap", "archive"])
    target = rng.choice(sheets)
    data = bytearray(entries[target])
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        entries[target] = bytes(data)
    elif kind == "drop":
        target = rng.choice(list(entries))
        del entries[target]
    elif kind == "truncate":
        entries[target] = bytes(data[: rng.randrange(len(data))])
    elif kind == "garbage":
        at = rng.randrange(len(data))
        entries[target] = bytes(data[:at]) + rng.choice([b"<c r=\"ZZZ9\"><v>x</v>", b"</row>", b"<<>>", b"\x00\xff",
                                                         b'<c r="A1" t="e"><v>#REF!</v></c>']) + bytes(data[at:])
    elif kind == "swap":  # two parts exchanged
        a, b = rng.sample(sheets, 2) if len(sheets) > 1 else (target, target)
        entries[a], entries[b] = entries[b], entries[a]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    if kind == "archive":  # the container itself: bytes flipped in its headers or its compressed data
        raw = bytearray(dst.read_bytes())
        starts = [i for i in range(len(raw) - 3) if raw[i:i + 4] in (b"PK\x03\x04", b"PK\x01\x02")]
        for _ in range(rng.randint(1, 6)):
            at = rng.choice(starts) + rng.randrange(46) if rng.random() < 0.5 else rng.randrange(len(raw))
            raw[min(at, len(raw) - 1)] = rng.randrange(256)
        dst.write_bytes(bytes(raw))
        target = "zip headers"
    return f"{kind} {target}"


def test_damaged_workbooks_never_crash(tmp_path):
    rows = [dict(action=f"A{i}", owner="Ann", budget_planned=100 + i, objective="OBJ-1") for i in range(20)]
    src = generate(tmp_path / "valid.xlsx", GenerateOptions(actions=25), PlanData(actions=rows))
    rng = random.Random(20261122)
    manifest = []
    for i in range(N_MUTANTS):
        dst = tmp_path / f"mutant{i:03d}.xlsx"
        manifest.append({"name": f"{i}: {mutate(src, dst, rng)}", "path": str(dst)})
    results = read_all(manifest, tmp_path)
    assert any(x["status"] == "ok" for x in results) and any(x["status"] == "rejected" for x in results)


def read_all(manifest: list[dict], tmp_path: Path) -> list[dict]:
    """Read every mutant in a fresh process: none may crash or hang, every rejection has a
    documented code. The results, one per mutant. The layers pac-excel has of its own are
    fuzzed; LibreOffice's conversion, the last one, would take seconds a mutant and is tested
    apart (test_read_layers.py)."""
    (tmp_path / "m.json").write_text(json.dumps(manifest), encoding="utf-8")
    env = {**os.environ, "PAC_EXCEL_NO_LIBREOFFICE": "1"}
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "corpus_run.py"), str(tmp_path / "m.json")],
                       capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads(r.stdout)["results"]
    bad = [x for x in results if x["status"] in ("crash", "hang")]
    assert bad == [], "\n".join(f"{x['name']}: {x.get('error')}" for x in bad)
    documented = set(REJECT_CODES.values())
    assert all(x["code"] in documented for x in results if x["status"] == "rejected")
    return results


def mutate_other(src: Path, dst: Path, rng: random.Random) -> str:
    """One damage to a zip package (its XML parts, or raw bytes) or a .xls (raw bytes)."""
    if zipfile.is_zipfile(src) and rng.random() < 0.6:
        with zipfile.ZipFile(src) as z:
            entries = {i.filename: (i, z.read(i.filename)) for i in z.infolist()}
        parts = sorted(n for n in entries if n.endswith((".xml", ".rels")))
        name = rng.choice([n for n in parts if "content" in n.lower() or "sheet" in n.lower()] * 3 + parts)
        data = bytearray(entries[name][1])
        kind = rng.choice(["flip", "truncate", "garbage"])
        if kind == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            data = data[: rng.randrange(len(data))]
        else:
            at = rng.randrange(len(data))
            data = data[:at] + rng.choice([b'<table:table-cell calcext:value-type="error">', b"</table:table-row>",
                                           b"<<", b"\x00", b'table:number-rows-repeated="99999999"']) + data[at:]
        with zipfile.ZipFile(dst, "w") as z:
            for part, (info, content) in entries.items():
                z.writestr(info, bytes(data) if part == name else content)
        return f"{kind} {name}"
    raw = bytearray(src.read_bytes())
    for _ in range(rng.randint(1, 30)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    dst.write_bytes(bytes(raw))
    return "bytes"


def test_damaged_ods_and_xls_never_crash(lo_available, tmp_path):
    """The formats LibreOffice saves, damaged: python-calamine once aborted the whole process on
    a damaged .xls (a 38 GB allocation) and panicked on others; a damaged content.xml made the
    .ods error scan raise. The tolerant layers get their own seeds: a package with backslash part
    names (the streaming OOXML reader) and an .ods without its mimetype entry (the streaming
    OpenDocument reader). Each may only be read or rejected with a documented code."""
    from libreoffice import convert

    rows = [dict(action=f"A{i}", owner="Ann", budget_planned=100 + i, objective="OBJ-1") for i in range(20)]
    src = generate(tmp_path / "valid.xlsx", GenerateOptions(actions=25), PlanData(actions=rows))
    ods = convert([src], tmp_path / "ods", fmt="ods")[0]
    seeds = {"ods": ods, "xls": convert([src], tmp_path / "xls", fmt="xls")[0],
             "tolerant-xlsx": rename_parts(src, tmp_path / "backslash.xlsx", lambda n: n.replace("/", "\\")),
             "tolerant-ods": rename_parts(ods, tmp_path / "nomime.ods", lambda n: None if n == "mimetype" else n)}
    manifest = []
    for label, seed in seeds.items():
        rng = random.Random(1)
        for i in range(100 if label in ("ods", "xls") else 60):
            dst = tmp_path / f"mutant{i:03d}-{label}{seed.suffix}"
            manifest.append({"name": f"{label} {i}: {mutate_other(seed, dst, rng)}", "path": str(dst)})
    results = read_all(manifest, tmp_path)
    for label in seeds:
        mine = [x for x in results if x["name"].startswith(label + " ")]
        assert any(x["status"] == "ok" for x in mine) and any(x["status"] == "rejected" for x in mine), label


def rename_parts(src: Path, dst: Path, rename) -> Path:
    """A copy of a zip package with its entries renamed (None: left out)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            name = rename(info.filename)
            if name is not None:
                zo.writestr(name, zi.read(info.filename))
    return dst
