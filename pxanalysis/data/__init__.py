"""The data layer: regions, the indicator registry, the current report and the history.

``from pxanalysis import data`` gives the loaders (:mod:`pxanalysis.data.loaders`);
:mod:`~pxanalysis.data.schema` validates rows against ``datapackage.json`` and
:mod:`~pxanalysis.data.provenance` checks that every figure is quoted verbatim.

The names are imported on first use (PEP 562): ``from pxanalysis.data import
report_schema`` (the extractor's only need) does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what static tools (and import-linter) see; at run time, __getattr__
    from pxanalysis.data.loaders import (
        clear_cache,
        data_dir,
        datapackages,
        fallback_only_geos,
        geos,
        history,
        history_observations,
        known_by,
        levels,
        load_table,
        monthly_releases,
        non_figures,
        panel,
        report_figures,
        report_observations,
        resource_path,
        source_text,
        target_ids,
        targets,
        workplan,
    )
    from pxanalysis.data.reports import Report, current, use, using

__all__ = [
    "Report",
    "clear_cache",
    "current",
    "data_dir",
    "datapackages",
    "fallback_only_geos",
    "geos",
    "history",
    "history_observations",
    "known_by",
    "levels",
    "load_table",
    "monthly_releases",
    "non_figures",
    "panel",
    "report_figures",
    "report_observations",
    "resource_path",
    "source_text",
    "target_ids",
    "targets",
    "use",
    "using",
    "workplan",
]
#: Where each public name comes from: :mod:`~pxanalysis.data.reports`, else the loaders.
_SOURCES = {
    name: "reports" if name in ("Report", "current", "use", "using") else "loaders"
    for name in __all__
}
#: The submodules, reachable as attributes (``data.reports.use``) before they are imported.
_SUBMODULES = (
    "loaders", "provenance", "regions", "registry", "releases", "report_schema", "reports", "schema",
)  # fmt: skip


def __getattr__(name: str):
    """Import a public name (or a submodule) of the data layer on first use (PEP 562)."""
    if name in _SOURCES:
        value = getattr(importlib.import_module(f"{__name__}.{_SOURCES[name]}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})
