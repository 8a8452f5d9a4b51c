"""pac-excel: the French Plan d'Action Commercial as a living Excel workbook.

Public API (imports are lazy so that ``import pac_excel`` stays instant):

- :func:`generate` writes a new workbook from a template (:class:`GenerateOptions`, optional
  :class:`PlanData` content);
- :func:`analyze` reads a filled plan → :class:`Analysis` (records, totals, problems, DataFrames);
- :func:`consolidate` reads many teams' plans → :class:`Consolidation`;
- :func:`read_plan` reads everything a person typed → :class:`PlanRead` (its ``data`` is the
  :class:`PlanData` :func:`generate` takes);
- :func:`refresh` rebuilds a filled plan in the current template version → :class:`Refreshed`;
- :func:`list_templates` lists the templates.

Errors that stop the work are :class:`PacError` subclasses (a file that cannot be read as a plan:
:class:`PlanReadError`, with its ``code``); everything a person should fix in a plan is a
:class:`Problem` in the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Consolidation",
    "GenerateOptions",
    "PacError",
    "PlanData",
    "PlanRead",
    "PlanReadError",
    "Problem",
    "Refreshed",
    "__version__",
    "analyze",
    "consolidate",
    "generate",
    "list_templates",
    "read_plan",
    "refresh",
]

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import Analysis, analyze
    from .consolidation import Consolidation, consolidate
    from .errors import PacError, PlanReadError
    from .generator import GenerateOptions, generate
    from .plandata import PlanData
    from .planread import PlanRead, read_plan
    from .problems import Problem
    from .refresh import Refreshed, refresh
    from .templates import all_templates as list_templates

_LAZY = {
    "generate": ("generator", "generate"), "GenerateOptions": ("generator", "GenerateOptions"),
    "PlanData": ("plandata", "PlanData"), "list_templates": ("templates", "all_templates"),
    "analyze": ("analysis", "analyze"), "Analysis": ("analysis", "Analysis"),
    "consolidate": ("consolidation", "consolidate"), "Consolidation": ("consolidation", "Consolidation"),
    "Problem": ("problems", "Problem"), "PacError": ("errors", "PacError"),
    "PlanReadError": ("errors", "PlanReadError"), "read_plan": ("planread", "read_plan"),
    "PlanRead": ("planread", "PlanRead"), "refresh": ("refresh", "refresh"), "Refreshed": ("refresh", "Refreshed"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(name)
    import importlib

    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value  # looked up once
    return value
