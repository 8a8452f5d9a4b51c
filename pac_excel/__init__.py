"""pac-excel: the French Plan d'Action Commercial as a living Excel workbook.

Public API (imports are lazy so that ``import pac_excel`` stays instant):
- :func:`generate` writes a new workbook from a template;
- :func:`list_templates` lists the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "generate", "GenerateOptions", "PlanData", "list_templates"]

if TYPE_CHECKING:  # pragma: no cover
    from .generator import GenerateOptions, generate
    from .plandata import PlanData
    from .templates import all_templates as list_templates


def __getattr__(name: str) -> Any:
    if name in ("generate", "GenerateOptions"):
        from . import generator as _g

        return getattr(_g, name)
    if name == "PlanData":
        from .plandata import PlanData

        return PlanData
    if name == "list_templates":
        from .templates import all_templates

        return all_templates
    raise AttributeError(name)
