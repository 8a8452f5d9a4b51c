"""Rebuild the sample workbooks from the data files beside this script.

    python samples/make_samples.py            # rewrites samples/*.xlsx
    python samples/make_samples.py OUT_DIR    # writes them elsewhere (the tests do)

The output is byte-for-byte the same on every run (fixed creation date), so a test can tell
when a committed sample is out of date.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from pac_excel import GenerateOptions, PlanData, generate

HERE = Path(__file__).resolve().parent
CREATED = datetime(2026, 1, 1, 9, 0, 0)

#: data file → (template, output file)
SAMPLES = {
    "formation_rh.toml": ("pac", "pac_formation_rh.xlsx"),
    "trame_piscines.toml": ("trame", "trame_piscines.xlsx"),
}


def build(out_dir: Path = HERE) -> list[Path]:
    written = []
    for data_file, (template, out_name) in SAMPLES.items():
        data = PlanData.from_toml(HERE / data_file)
        year = data.as_of.year if data.as_of else None
        options = GenerateOptions(template=template, lang="fr", year=year, force=True, created=CREATED)
        written.append(generate(Path(out_dir) / out_name, options, data))
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
