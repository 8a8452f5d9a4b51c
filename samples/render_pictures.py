"""Render the README pictures of the sample workbook with LibreOffice (PDF) and pdftoppm (PNG).

    python samples/render_pictures.py      # writes docs/*.png

Needs LibreOffice and poppler-utils (pdftoppm, pdftotext); not used by the tests.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from libreoffice import convert  # noqa: E402

#: picture → (sheet name, printed in each page's header; DPI; crop x, y, width, height in pixels at that DPI)
PICTURES = {
    "plan.png": ("Plan d’actions", 110, 40, 30, 1480, 330),
    "dashboard.png": ("Tableau de bord", 90, 30, 20, 1000, 540),
    "planning.png": ("Planning", 110, 30, 40, 1250, 300),
    "pipeline.png": ("Pipeline", 90, 30, 20, 1000, 340),
}


def main() -> None:
    sample = ROOT / "samples" / "pac_formation_rh.xlsx"
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = convert([sample], Path(tmp), fmt="pdf", locale="fr-FR")[0]
        pages = int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")))
        texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                                text=True, check=True).stdout for p in range(1, pages + 1)]
        for name, (title, dpi, x, y, w, h) in PICTURES.items():
            page = next(i + 1 for i, t in enumerate(texts) if t.lstrip().startswith(title))
            stem = Path(tmp) / name.removesuffix(".png")
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page),
                            "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(stem)], check=True)
            (out / name).write_bytes(stem.with_suffix(".png").read_bytes())
            print(out / name)


if __name__ == "__main__":
    main()
