"""Templates are data: one TOML file each in ``templates/``, shipped inside the wheel as
``pac_excel/templates/``. This module finds, parses and checks them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import schema
from .errors import TemplateError, UsageError
from .schema import Text


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    extra: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    name: Text
    description: Text
    sheets: tuple[SheetSpec, ...]
    prefill: dict[str, tuple[dict, ...]] = field(default_factory=dict)
    path: Path | None = None

    def has(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.sheets)

    def spec(self, kind: str) -> SheetSpec:
        for s in self.sheets:
            if s.kind == kind:
                return s
        raise KeyError(kind)

    def columns(self, kind: str) -> tuple[schema.Column, ...]:
        """The columns of a table sheet as this template uses them."""
        s = self.spec(kind)
        return schema.TABLE_BY_KEY[kind].select(s.extra, s.exclude)


def templates_dir() -> Path:
    """Where the TOML files are: inside the installed package, else the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "pac.toml").is_file():
            return candidate
    raise TemplateError("err.template_bad", name="*", detail=f"template folder not found beside {here}")


def _text(raw: object, where: str) -> Text:
    if isinstance(raw, str):
        return Text(raw, raw)
    if isinstance(raw, dict) and isinstance(raw.get("fr"), str) and isinstance(raw.get("en"), str):
        return Text(raw["fr"], raw["en"])
    raise TemplateError("err.template_bad", name=where, detail="expected a text or a table with 'fr' and 'en'")


def parse_template(path: Path) -> Template:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError("err.template_bad", name=path.name, detail=exc) from exc
    where = path.name
    try:
        sheets = []
        for s in raw["sheets"]:
            kind = s["kind"]
            if kind not in schema.SHEET_KINDS:
                raise TemplateError("err.template_bad", name=where, detail=f"unknown sheet kind {kind!r}")
            spec = SheetSpec(kind, tuple(s.get("extra", ())), tuple(s.get("exclude", ())))
            if kind in schema.TABLE_BY_KEY:
                try:
                    schema.TABLE_BY_KEY[kind].select(spec.extra, spec.exclude)
                except KeyError as exc:
                    raise TemplateError("err.template_bad", name=where, detail=exc.args[0]) from exc
            sheets.append(spec)
        prefill = {k: tuple(v) for k, v in raw.get("prefill", {}).items()}
        for kind in prefill:
            if kind not in schema.TABLE_BY_KEY or not any(s.kind == kind for s in sheets):
                raise TemplateError("err.template_bad", name=where,
                                    detail=f"prefill for a sheet it does not have: {kind!r}")
        return Template(
            id=str(raw["id"]),
            version=str(raw["version"]),
            name=_text(raw["name"], f"{where} name"),
            description=_text(raw["description"], f"{where} description"),
            sheets=tuple(sheets),
            prefill=prefill,
            path=path,
        )
    except KeyError as exc:
        raise TemplateError("err.template_bad", name=where, detail=f"missing key {exc}") from exc


@cache
def all_templates() -> tuple[Template, ...]:
    """Every template, the default one first."""
    found = [parse_template(p) for p in sorted(templates_dir().glob("*.toml"))]
    found.sort(key=lambda t: (t.id != "pac", t.id))
    return tuple(found)


def get_template(template_id: str) -> Template:
    for t in all_templates():
        if t.id == template_id:
            return t
    known = ", ".join(t.id for t in all_templates())
    raise UsageError("err.template_unknown", name=template_id, known=known)
