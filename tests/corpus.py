"""The corpus of broken, odd and hostile workbooks (shared/BAD-INPUTS.md), built by code at test
time, each with one expected outcome. Figures expected are computed here from the data each
builder writes."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

HEADER = ["Action", "Qui", "Budget", "Date début", "Date fin", "Statut"]
ROWS = [("Salon", "Ann", 2000.0, date(2026, 2, 10), date(2026, 2, 12), "Terminé"),
        ("Mailing", "Bo", 450.5, date(2026, 3, 1), date(2026, 3, 31), "En cours"),
        ("Webinaire", "Ann", 300.0, date(2026, 4, 1), date(2026, 4, 2), "À faire")]
BUDGET = round(sum(r[2] for r in ROWS), 2)


@dataclass
class Case:
    name: str
    klass: str  # the BAD-INPUTS class
    build: Callable[[Path], Path]
    reject: str | None = None  # expected rejection code
    codes: set[str] = field(default_factory=set)  # problem codes that must be raised
    figures: dict[str, Any] = field(default_factory=dict)  # expected totals / fields
    via_lo: str | None = None  # convert with LibreOffice to this format first
    via_gnumeric: str | None = None  # … or with Gnumeric (ssconvert) to this extension
    after: Callable[[Path], Path] | None = None  # then this change to the converted file
    says: str | None = None  # a rejection's French reason must say this (what the file is)


def plain(path: Path, rows=ROWS, header=HEADER, date1904: bool = False, sheet: str = "Plan",
          above: tuple[tuple[int, str], ...] = (), top: int = 0) -> Path:
    """A home-made one-sheet plan: ``above`` lines (row, text) over a header at row ``top``."""
    wb = xlsxwriter.Workbook(path, {"date_1904": date1904})
    ws = wb.add_worksheet(sheet)
    d = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r, text in above:
        ws.write(r, 0, text)
    ws.write_row(top, 0, header)
    for r, row in enumerate(rows, top + 1):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), d)
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def rewrite(src: Path, dst: Path, fn: Callable[[str, bytes], bytes | None],
            extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = fn(info.filename, zi.read(info.filename))
            if data is not None:
                zo.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zo.writestr(name, data)
    return dst


# ------------------------------------------------------------------------------------ builders
def b_encrypted(d: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    src = plain(d / "enc_src.xlsx")
    with open(src, "rb") as fh, open(d / "encrypted.xlsx", "wb") as out:
        OOXMLFile(fh).encrypt("secret", out)
    return d / "encrypted.xlsx"


def b_lock(d: Path) -> Path:
    (d / "~$plan.xlsx").write_bytes(b"\x05pac\x00" + b"\x00" * 160)
    return d / "~$plan.xlsx"


def b_empty(d: Path) -> Path:
    (d / "empty.xlsx").write_bytes(b"")
    return d / "empty.xlsx"


def b_truncated(d: Path) -> Path:
    data = plain(d / "full.xlsx").read_bytes()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return d / "truncated.xlsx"


def b_csv(d: Path) -> Path:
    (d / "csv.xlsx").write_text("Action;Qui;Budget\nSalon;Ann;2000\n", encoding="utf-8")
    return d / "csv.xlsx"


def b_html(d: Path) -> Path:
    (d / "html.xlsx").write_text("<html><body><table><tr><td>Action</td></tr></table></body></html>")
    return d / "html.xlsx"


def b_xlsb(d: Path) -> Path:
    shutil.copy(plain(d / "b_src.xlsx"), d / "binary.xlsb")
    return d / "binary.xlsb"


def b_lo_source(name: str) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        return plain(d / f"{name}.xlsx")
    return build


def b_strict(d: Path) -> Path:
    return rewrite(plain(d / "s_src.xlsx"), d / "strict.xlsx", lambda n, b: b.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
        .replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                 b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


def b_no_cache(d: Path) -> Path:
    """Our template filled by openpyxl: formulas without any cached value."""
    from pac_excel import GenerateOptions, generate

    blank = generate(d / "nc_model.xlsx", GenerateOptions(actions=5, force=True))
    wb = openpyxl.load_workbook(blank)
    ws = wb["Plan d’actions"]
    heads = [c.value for c in ws[4]]
    for i, (action, owner, budget, start, end, status) in enumerate(ROWS):
        for key, v in (("Action", action), ("Qui", owner), ("Budget prévu", budget), ("Objectif lié", "OBJ-1"),
                       ("Date début", datetime.combine(start, datetime.min.time())),
                       ("Date fin", datetime.combine(end, datetime.min.time())), ("Statut", status)):
            ws.cell(5 + i, heads.index(key) + 1).value = v
    wb.save(d / "no_cache.xlsx")
    return d / "no_cache.xlsx"


def b_errors(d: Path) -> Path:
    wb = xlsxwriter.Workbook(d / "errors.xlsx")
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Action", "Qui", "Budget"])
    ws.write_row(1, 0, ["Salon", "Ann", 2000])
    ws.write_row(2, 0, ["Mailing", "Bo"])
    ws.write_formula(2, 2, "=1/0")
    ws.write_row(3, 0, ["Webinaire", "Ann"])
    ws.write_formula(3, 2, "=NA()")
    wb.close()
    return d / "errors.xlsx"


TEXT_AMOUNTS = [("2 000 €", 2000), ("12 500,50 €", 12500.5), ("1\u00a0234,56", 1234.56), ("1\u202f234,56", 1234.56),
                ("1,234.56", 1234.56), ("15,5", 15.5)]


def b_text_numbers(d: Path) -> Path:
    rows = [(f"A{i}", "Ann", raw, None, None, None) for i, (raw, _) in enumerate(TEXT_AMOUNTS)]
    rows.append(("Ambigu", "Ann", "1,234", None, None, None))
    return plain(d / "text_numbers.xlsx", rows)


def b_na_like(d: Path) -> Path:
    rows = [(f"A{i}", who, 100.0, None, None, None) for i, who in enumerate(["NA", "N/A", "None", "null"])]
    return plain(d / "na_like.xlsx", rows)


def b_leading_zeros(d: Path) -> Path:
    return plain(d / "zeros.xlsx", [("Salon", "Ann", 100.0, None, None, None, "00123")],
                 header=HEADER + ["Objectif lié"])


DATES = [(date(2026, 12, 31), date(2026, 12, 31)), ("31/12/2026", date(2026, 12, 31)),
         ("2026-12-31", date(2026, 12, 31)), (46387, date(2026, 12, 31)), ("15 mars 2026", date(2026, 3, 15))]


def b_dates(d: Path) -> Path:
    rows = [(f"D{i}", "Ann", 1.0, None, raw, None) for i, (raw, _) in enumerate(DATES)]
    rows += [("US", "Ann", 1.0, None, "03/15/2026", None), ("Impossible", "Ann", 1.0, None, "31/02/2026", None)]
    return plain(d / "dates.xlsx", rows)


def b_1904(d: Path) -> Path:
    return plain(d / "mac1904.xlsx", date1904=True)


def three_columns(path: Path, rows: bool = True) -> tuple[Any, Any]:
    """An open workbook with the Action / Qui / Budget header (and the three rows): the
    caller adds its one oddity, then closes it."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Action", "Qui", "Budget"])
    for r, row in enumerate(ROWS if rows else [], 1):
        ws.write_row(r, 0, row[:3])
    return wb, ws


def b_inflated(d: Path) -> Path:
    wb, ws = three_columns(d / "inflated.xlsx")
    bold = wb.add_format({"bold": True})
    ws.write_blank(1_048_575, 0, None, bold)
    ws.write_blank(1_048_575, 16_383, None, bold)
    wb.close()
    return d / "inflated.xlsx"


def b_far_value(name: str, col: int = 16_383, dimension: bool = True) -> Callable[[Path], Path]:
    """A value typed far away (row 1,048,576): python-calamine would allocate the whole grid up
    to it (17 billion cells at XFD1048576) and abort the process."""
    def build(d: Path) -> Path:
        wb, ws = three_columns(d / f"{name}_src.xlsx")
        ws.write(1_048_575, col, "x")
        wb.close()
        if dimension:
            return rewrite(d / f"{name}_src.xlsx", d / f"{name}.xlsx", lambda n, b: b)
        import re

        return rewrite(d / f"{name}_src.xlsx", d / f"{name}.xlsx",
                       lambda n, b: re.sub(rb'<dimension ref="[^"]+"/>', b"", b)
                       if n.startswith("xl/worksheets/") else b)
    return build


def b_dimension(d: Path) -> Path:
    import re

    return rewrite(plain(d / "dim_src.xlsx"), d / "dimension.xlsx",
                   lambda n, b: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:C2"/>', b)
                   if n.startswith("xl/worksheets/") else b)


def b_merged(d: Path) -> Path:
    wb, ws = three_columns(d / "merged.xlsx", rows=False)
    ws.write_row(1, 0, ["Salon"])
    ws.write_row(2, 0, ["Mailing"])
    ws.merge_range(1, 1, 2, 1, "Ann")
    ws.write(1, 2, 2000)
    ws.write(2, 2, 450.5)
    ws.write_row(3, 0, ["Webinaire", "Bo", 300])
    wb.close()
    return d / "merged.xlsx"


def b_hidden(d: Path) -> Path:
    wb, ws = three_columns(d / "hidden.xlsx")
    ws.set_row(2, None, None, {"hidden": True})
    wb.close()
    return d / "hidden.xlsx"


def b_shapes(d: Path) -> Path:
    wb = xlsxwriter.Workbook(d / "shapes.xlsx")
    ws = wb.add_worksheet("PAC")
    ws.write(0, 0, "PLAN D'ACTION COMMERCIALE")
    ws.write(1, 0, "Vision : leader régional")
    ws.write_row(3, 1, ["ACTIONS", "QUI ?", "BUDGET"])
    ws.write_row(4, 1, ROWS[0][:3])
    ws.write_row(6, 1, ["ACTIONS", "QUI ?", "BUDGET"])  # blank row, then the header block again
    ws.write_row(7, 1, ROWS[1][:3])
    ws.write_row(8, 1, ROWS[2][:3])
    ws.write_row(9, 1, ["TOTAL", "", 9999])  # disagrees with the true sum
    ws.write(11, 1, "Liste non limitative")
    wb.close()
    return d / "shapes.xlsx"


def b_headers(d: Path) -> Path:
    header = ["Action", "E\u0301quipe", "Qui", "Budget ", "Budget\u00a0", "Date fin"]
    rows = [(r[0], "Lyon", r[1], r[2], 1.0, r[4]) for r in ROWS]
    return plain(d / "headers.xlsx", rows, header)


def b_table_ref(d: Path) -> Path:
    """Our template with a 3-row Table; a fourth action typed just below it (openpyxl does not
    grow the Table, as Excel would)."""
    from pac_excel import GenerateOptions, PlanData, generate

    data = PlanData(actions=[dict(action=r[0], owner=r[1], budget_planned=r[2], objective="OBJ-1") for r in ROWS])
    src = generate(d / "tref_src.xlsx", GenerateOptions(actions=3, force=True), data)
    wb = openpyxl.load_workbook(src)
    ws = wb["Plan d’actions"]
    heads = [c.value for c in ws[4]]
    ws.cell(8, heads.index("Action") + 1).value = "Below the table"
    ws.cell(8, heads.index("Budget prévu") + 1).value = 77.0
    wb.save(d / "table_ref.xlsx")
    return d / "table_ref.xlsx"


def b_other_version(d: Path) -> Path:
    from pac_excel import GenerateOptions, generate

    src = generate(d / "v_src.xlsx", GenerateOptions(actions=3, force=True))
    wb = openpyxl.load_workbook(src)
    wb["_pac"]["B2"].value = "0.9"
    ws = wb["Plan d’actions"]
    ws.cell(5, 3).value = "Salon"
    wb.save(d / "other_version.xlsx")
    return d / "other_version.xlsx"


def b_long_text(d: Path) -> Path:
    """xlsxwriter refuses text over 32,767 characters: the shared string is rewritten."""
    src = plain(d / "long_src.xlsx", [("LONGTEXT", "Ann", 1.0, None, None, None)])
    return rewrite(src, d / "long_text.xlsx",
                   lambda n, b: b.replace(b">LONGTEXT<", b">" + b"A" * 40_000 + b"<")
                   if n == "xl/sharedStrings.xml" else b)


def _with_doctype(name: str, doctype: bytes) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        return rewrite(plain(d / f"{name}_src.xlsx"), d / f"{name}.xlsx",
                       lambda n, b: b.replace(b"?>", b"?>" + doctype, 1) if n == "xl/sharedStrings.xml" else b)
    return build


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def b_bomb(d: Path) -> Path:
    big = b"A" * (100 << 20)  # 100 MiB of one character: compresses to ~100 KiB
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           b"<si><t>" + big + b"</t></si></sst>")
    return rewrite(plain(d / "bomb_src.xlsx"), d / "bomb.xlsx",
                   lambda n, b: sst if n == "xl/sharedStrings.xml" else b)


def b_macros(d: Path) -> Path:
    return rewrite(plain(d / "m_src.xlsx"), d / "macros.xlsm", lambda n, b: b,
                   extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 2000})



# ------------------------------------------------------------------ other applications' files
# (issue: files that LibreOffice opens must be read; nothing may crash or exhaust the machine)
def renamed_parts(name: str, rename: Callable[[str], str], edit: Callable[[str, bytes], bytes] | None = None
                  ) -> Callable[[Path], Path]:
    """A plain plan whose package part names are changed as other writers name them."""
    def build(d: Path) -> Path:
        src = plain(d / f"{name}_src.xlsx")
        with zipfile.ZipFile(src) as zi, zipfile.ZipFile(d / f"{name}.xlsx", "w", zipfile.ZIP_DEFLATED) as zo:
            for info in zi.infolist():
                data = zi.read(info.filename)
                zo.writestr(rename(info.filename), edit(info.filename, data) if edit else data)
        return d / f"{name}.xlsx"
    return build


def _outside_xl(name: str, data: bytes) -> bytes:
    if name in ("_rels/.rels", "[Content_Types].xml"):
        return data.replace(b"/xl/", b"/wb/").replace(b'"xl/', b'"wb/')
    return data


def _mixed_case(name: str) -> str:
    name = "XL/" + name[3:] if name.startswith("xl/") else name
    return name.replace("workbook.xml", "Workbook.xml").replace("sheet1.xml", "Sheet1.xml")


def _add_sheet(rel_type: bytes, target: bytes | None, state: bytes = b"visible") -> Callable[[str, bytes], bytes]:
    """Edit a package: one more sheet in workbook.xml, with a relationship (or none at all)."""
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", b'<sheet name="Extra" sheetId="9" state="' + state
                                + b'" r:id="rId99"/></sheets>')
        if name == "xl/_rels/workbook.xml.rels" and target is not None:
            return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="' + rel_type + b'" Target="'
                                + target + b'"/></Relationships>')
        return data
    return edit


MACRO_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xm:macrosheet '
               b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
               b'<c r="A1" t="str"><f>ALERT("x")</f><v>x</v></c></row></sheetData></xm:macrosheet>')


def b_macro_sheet(d: Path) -> Path:
    """An Excel 4 macro sheet beside the plan (python-calamine: "Unrecognized sheet type")."""
    edit = _add_sheet(b"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                      b"macrosheets/sheet1.xml", b"hidden")
    return rewrite(plain(d / "xl4_src.xlsx"), d / "xl4_macros.xlsm", edit,
                   extra={"xl/macrosheets/sheet1.xml": MACRO_SHEET})


def b_dangling(target: bytes | None) -> Callable[[Path], Path]:
    """workbook.xml names a sheet whose relationship is missing, or points to no part."""
    def build(d: Path) -> Path:
        name = "dangling_part" if target else "dangling_rel"
        edit = _add_sheet(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", target)
        return rewrite(plain(d / f"{name}_src.xlsx"), d / f"{name}.xlsx", edit)
    return build


def b_odd_error(d: Path) -> Path:
    """One cell holding an error string no standard knows (Gnumeric writes such strings): the
    budget of the second action. python-calamine refuses the whole sheet."""
    import re

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rb'<c r="C3"[^>]*>.*?</c>', b'<c r="C3" t="e"><v>#N/D(Table1[[#This Row],[X]])</v></c>', data,
                      flags=re.S)
    return rewrite(plain(d / "odd_error_src.xlsx"), d / "odd_error.xlsx", edit)


def b_gnumeric_table(d: Path) -> Path:
    """A plan with an Excel Table and a structured-reference formula: Gnumeric cannot convert
    the formula and writes a non-standard error string in each of its cells."""
    wb = xlsxwriter.Workbook(d / "gnm_src.xlsx")
    ws = wb.add_worksheet("Plan")
    fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    data = [[r[0], r[1], r[2], datetime.combine(r[4], datetime.min.time()), r[5]] for r in ROWS]
    ws.add_table(0, 0, len(ROWS), 5, {"name": "T_Plan", "data": data, "columns": [
        {"header": "Action"}, {"header": "Qui"}, {"header": "Budget"}, {"header": "Date fin", "format": fmt},
        {"header": "Statut"}, {"header": "Écart budget"}]})
    for r in range(1, len(ROWS) + 1):  # a text result cached, as a spreadsheet application leaves it
        ws.write_formula(r, 5, '=IF(T_Plan[[#This Row],[Budget]]>0,"",0)', None, "")
    wb.close()
    return d / "gnm_src.xlsx"


def drop_mimetype(path: Path) -> Path:
    """An .ods as Google Sheets exports it: no ``mimetype`` entry."""
    out = path.with_name(path.stem + "_nomime.ods")
    with zipfile.ZipFile(path) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            if info.filename != "mimetype":
                zo.writestr(info.filename, zi.read(info.filename))
    return out


def embed_zip(path: Path) -> Path:
    """A legacy .xls that carries a zip (as Excel writes its theme inside .xls): ``zipfile``
    finds the inner end record, the first bytes say OLE."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("theme/theme/theme1.xml", "<a:theme/>")
    out = path.with_name(path.stem + "_with_zip.xls")
    out.write_bytes(path.read_bytes() + buf.getvalue())
    return out


def raw_biff(path: Path) -> Path:
    """The BIFF stream of a .xls without its OLE container (Excel 2–4 wrote such files)."""
    from pac_excel.read.biff import workbook_stream

    out = path.with_name(path.stem + "_raw.xls")
    out.write_bytes(workbook_stream(path.read_bytes()))
    return out


def formatted_blanks(path: Path, rows: int = 2000) -> Path:
    """A .xls whose sheet holds formatted blank cells (MULBLANK records) over 256 columns: xlrd
    asked for formatting makes a cell of each (a 113 KiB file took 697 MiB)."""
    import struct

    from pac_excel.read.biff import workbook_stream

    stream = workbook_stream(path.read_bytes())
    assert stream[-4:] == b"\x0a\x00\x00\x00"  # the sheet's EOF record ends the stream
    blanks = b"".join(struct.pack("<HHHH", 0x00BE, 6 + 2 * 256, r, 0) + struct.pack("<256H", *[15] * 256)
                      + struct.pack("<H", 255) for r in range(10, 10 + rows))
    out = path.with_name(path.stem + "_blanks.xls")
    out.write_bytes(stream[:-4] + blanks + stream[-4:])
    return out


def b_alone(d: Path) -> Path:
    """A sheet whose only value sits in XFD1048576, with the matching one-cell <dimension>:
    python-calamine panicked ("chunk size must be non-zero") and printed Rust panic text."""
    wb = xlsxwriter.Workbook(d / "alone.xlsx")
    wb.add_worksheet("Plan").write(1_048_575, 16_383, "x")
    wb.close()
    return d / "alone.xlsx"


def b_spreadsheetml(d: Path) -> Path:
    """Excel's XML Spreadsheet 2003, saved as .xls as web exporters do: LibreOffice opens it."""
    rows = "".join("<Row>" + "".join(
        f'<Cell><Data ss:Type="{"Number" if isinstance(v, float) else "String"}">{v}</Data></Cell>'
        for v in row[:3]) + "</Row>" for row in [HEADER, *ROWS])
    (d / "export2003.xls").write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Plan"><Table>'
        + rows + "</Table></Worksheet></Workbook>", encoding="utf-8")
    return d / "export2003.xls"


def b_image(d: Path) -> Path:
    (d / "photo.xls").write_bytes(b"BM" + (2000).to_bytes(4, "little") + b"\x00" * 1994)
    return d / "photo.xls"


def b_gzip(d: Path) -> Path:
    import gzip

    (d / "export.xlsx").write_bytes(gzip.compress(b"Action;Qui\nSalon;Ann\n" * 50))
    return d / "export.xlsx"


def b_total_only(d: Path) -> Path:
    """A numbered trame whose last row holds only "TOTAL", in the numbering column."""
    wb = xlsxwriter.Workbook(d / "total_only.xlsx")
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["N°", *HEADER[:3]])
    for r, row in enumerate(ROWS, 1):
        ws.write_row(r, 0, [r, *row[:3]])
    ws.write(len(ROWS) + 1, 0, "TOTAL")
    wb.close()
    return d / "total_only.xlsx"


TRACKER = [("Brief agency", "Ann", date(2026, 9, 1), date(2026, 9, 5), 1.0),
           ("Choose CMS", "Bo", date(2026, 9, 6), date(2026, 9, 15), 0.5),
           ("Write pages", "Ann", date(2026, 10, 1), date(2026, 10, 20), 100),  # 100 typed: 100 %
           ("SEO audit", "Cy", date(2026, 12, 1), date(2026, 12, 10), 0.0)]
AS_OF = date(2026, 11, 16)  # corpus_run.py reads every file as of this date


def b_tracker(d: Path) -> Path:
    """A task tracker saved by a spreadsheet application: # | Phase | Task | Owner | Start Date |
    Days | End Date | % Done."""
    wb = xlsxwriter.Workbook(d / "tracker.xlsx")
    ws = wb.add_worksheet("Project plan")
    day, pct = wb.add_format({"num_format": "dd/mm/yyyy"}), wb.add_format({"num_format": "0%"})
    ws.write(0, 0, "Website relaunch")
    ws.write_row(2, 0, ["#", "Phase", "Task", "Owner", "Start Date", "Days", "End Date", "% Done"])
    for r, (task, owner, start, end, done) in enumerate(TRACKER, 3):
        ws.write_row(r, 0, [r - 2, "Build", task, owner])
        ws.write_datetime(r, 4, datetime.combine(start, datetime.min.time()), day)
        ws.write(r, 5, (end - start).days)
        ws.write_datetime(r, 6, datetime.combine(end, datetime.min.time()), day)
        ws.write(r, 7, done, pct)
    wb.close()
    return d / "tracker.xlsx"


TRACKER_DONE = sum(1 for *_, p in TRACKER if (p / 100 if p > 1 else p) >= 1)
TRACKER_LATE = sum(1 for _, _, _, end, p in TRACKER if end < AS_OF and (p / 100 if p > 1 else p) < 1)

PLAIN = {"actions": 3, "budget_planned": BUDGET}
CASES: list[Case] = [
    Case("encrypted", "1 password-protected", b_encrypted, reject="encrypted"),
    Case("lock file", "2 lock file", b_lock, reject="not_a_spreadsheet"),
    Case("0 bytes", "3 empty, truncated, renamed", b_empty, reject="empty"),
    Case("truncated", "3 empty, truncated, renamed", b_truncated, reject="truncated"),
    Case("CSV renamed", "3 empty, truncated, renamed", b_csv, reject="not_a_spreadsheet"),
    Case("HTML renamed", "3 empty, truncated, renamed", b_html, reject="not_a_spreadsheet"),
    Case(".xls", "4 other formats", b_lo_source("as_xls"), figures=PLAIN, via_lo="xls"),
    Case(".ods", "4 other formats", b_lo_source("as_ods"), figures=PLAIN, via_lo="ods"),
    Case(".xlsm", "4 other formats", b_lo_source("as_xlsm"), figures=PLAIN, via_lo="xlsm:Calc MS Excel 2007 VBA XML"),
    Case(".xlsb", "4 other formats", b_xlsb, reject="unsupported_format"),
    Case("Strict OOXML", "5 Strict OOXML", b_strict, figures=PLAIN),
    Case("no cached values", "6 formulas without cached values", b_no_cache, figures=PLAIN),
    Case("error values", "7 error values", b_errors, codes={"error_value"}, figures={"budget_planned": 2000.0},
         via_lo="xlsx"),  # recalculated by LibreOffice: xlsxwriter caches 0 for =1/0
    Case("numbers as text", "8 numbers as text", b_text_numbers, codes={"ambiguous_number"},
         figures={"budget_planned": round(sum(v for _, v in TEXT_AMOUNTS), 2)}),
    Case("NA-like names", "9 values that look missing", b_na_like, figures={"owners": {"NA", "N/A", "None", "null"}}),
    Case("leading zeros", "10 IDs with leading zeros", b_leading_zeros, figures={"objective": "00123"}),
    Case("dates in every form", "11 dates", b_dates, codes={"ambiguous_date", "invalid_date"},
         figures={"ends": [v for _, v in DATES] + [None, None]}),
    Case("1904 date system", "12 1904 epoch", b_1904, figures={**PLAIN, "starts": [r[3] for r in ROWS]}),
    Case("used range to row 1,048,576", "13 inflated used range", b_inflated, figures=PLAIN),
    Case("value typed far away", "13 inflated used range", b_far_value("far"), reject="too_large"),
    Case("value far away, no <dimension>", "13 inflated used range", b_far_value("far_nodim", dimension=False),
         reject="too_large"),
    Case("value far away, saved as .xlsx by LibreOffice", "13 inflated used range", b_far_value("far_lo", col=999),
         reject="too_large", via_lo="xlsx"),
    Case("value far away, saved as .ods by LibreOffice", "13 inflated used range", b_far_value("far_ods", col=999),
         reject="too_large", via_lo="ods"),
    Case("dimension smaller than data", "14 wrong <dimension>", b_dimension, figures=PLAIN),
    Case("merged owner", "15 merged cells", b_merged, codes={"merged_cells"},
         figures={"budget_planned": BUDGET, "owner_budget": {"Ann": 2450.5, "Bo": 300.0}}),
    Case("hidden row", "16 hidden rows", b_hidden, codes={"hidden_rows"}, figures=PLAIN),
    Case("titles, repeated header, TOTAL, notes", "17 shifted tables and total rows", b_shapes,
         codes={"total_mismatch"}, figures=PLAIN),
    Case("look-alike and duplicate headers", "18 look-alike headers", b_headers, codes={"duplicate_column"},
         figures=PLAIN),
    Case("rows below the Table", "19 stale Table ref", b_table_ref,
         figures={"actions": 4, "budget_planned": round(BUDGET + 77, 2)}),
    Case("another template version", "20 another template or version", b_other_version, codes={"template_version"}),
    Case("text over 32,767 characters", "22 long strings", b_long_text, codes={"text_too_long"}),
    Case("billion laughs", "24 XXE and billion laughs", _with_doctype("laughs", LAUGHS), reject="unsafe_content"),
    Case("XXE", "24 XXE and billion laughs", _with_doctype("xxe", XXE), reject="unsafe_content"),
    Case("zip bomb", "25 zip bomb", b_bomb, reject="zip_bomb"),
    Case("macros", "27 macros", b_macros, codes={"macros_ignored"}, figures=PLAIN),
    # ---- other applications' files
    Case("OLE .xls carrying a zip", "29 format from the first bytes", b_lo_source("ole_zip"), figures=PLAIN,
         via_lo="xls", after=embed_zip),
    Case("Gnumeric .ods (indented XML)", "30 intact files other readers refuse", b_lo_source("gnm_ods"),
         figures=PLAIN, via_gnumeric="ods"),
    Case("Gnumeric .xls", "30 intact files other readers refuse", b_lo_source("gnm_xls"), figures=PLAIN,
         via_gnumeric="xls"),
    Case(".ods without mimetype (Google Sheets)", "30 intact files other readers refuse", b_lo_source("nomime"),
         figures=PLAIN, via_lo="ods", after=drop_mimetype),
    Case("backslash part names", "30 intact files other readers refuse",
         renamed_parts("backslash", lambda n: n.replace("/", "\\")), figures=PLAIN),
    Case("mixed-case part names", "30 intact files other readers refuse", renamed_parts("mixedcase", _mixed_case),
         figures=PLAIN),
    Case("parts outside xl/", "30 intact files other readers refuse",
         renamed_parts("outside", lambda n: "wb/" + n[3:] if n.startswith("xl/") else n, _outside_xl), figures=PLAIN),
    Case("Excel 4 macro sheet", "30 intact files other readers refuse", b_macro_sheet,
         codes={"macros_ignored"}, figures=PLAIN),
    Case("relationship not found", "30 intact files other readers refuse", b_dangling(None), figures=PLAIN),
    Case("relationship to a missing part", "30 intact files other readers refuse",
         b_dangling(b"worksheets/sheet9.xml"), figures=PLAIN),
    Case("raw BIFF stream", "30 intact files other readers refuse", b_lo_source("biff"), figures=PLAIN,
         via_lo="xls", after=raw_biff),
    Case("non-standard error string", "31 one odd cell", b_odd_error, codes={"error_value"},
         figures={"actions": 3, "budget_planned": round(BUDGET - ROWS[1][2], 2)}),
    Case("Gnumeric .xlsx of a Table formula", "31 one odd cell", b_gnumeric_table, codes={"error_value"},
         figures=PLAIN, via_gnumeric="xlsx"),
    Case("XML Spreadsheet 2003 saved as .xls", "30 intact files other readers refuse", b_spreadsheetml,
         codes={"read_by_libreoffice"}, figures=PLAIN),
    Case("BMP renamed .xls", "32 not a spreadsheet", b_image, reject="not_a_spreadsheet", says="image"),
    Case("gzip renamed .xlsx", "32 not a spreadsheet", b_gzip, reject="not_a_spreadsheet", says="archive"),
    Case("value alone at XFD1048576", "33 value far away, one-cell <dimension>", b_alone, reject="too_large"),
    Case("formatted blanks in .xls", "7 formatted blanks (.xls)", b_lo_source("fblanks"), figures=PLAIN,
         via_lo="xls", after=formatted_blanks),
    Case("TOTAL alone in the first column", "17 shifted tables and total rows", b_total_only, figures=PLAIN),
    Case("task tracker", "9 task trackers", b_tracker,
         figures={"actions": len(TRACKER), "late": TRACKER_LATE, "done": TRACKER_DONE}),
]
