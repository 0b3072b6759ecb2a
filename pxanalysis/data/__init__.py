"""The data layer: the current report and the history as validated DataFrames.

``from pxanalysis import data`` gives the loaders (:mod:`pxanalysis.data.loaders`);
:mod:`~pxanalysis.data.schema` validates rows against ``datapackage.json`` and
:mod:`~pxanalysis.data.provenance` checks that every figure is quoted verbatim.
"""

from pxanalysis.data.loaders import (
    clear_cache,
    data_dir,
    datapackage,
    history,
    history_observations,
    known_by,
    levels,
    load_table,
    monthly_releases,
    non_figures,
    panel,
    report_figures,
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
    "datapackage",
    "history",
    "history_observations",
    "known_by",
    "levels",
    "load_table",
    "monthly_releases",
    "non_figures",
    "panel",
    "report_figures",
    "source_text",
    "target_ids",
    "targets",
    "use",
    "using",
    "workplan",
]
