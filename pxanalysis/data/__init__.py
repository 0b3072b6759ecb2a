"""The data layer: the report and the history as validated DataFrames.

``from pxanalysis import data`` gives the loaders (:mod:`pxanalysis.data.loaders`);
:mod:`~pxanalysis.data.schema` validates rows against ``datapackage.json`` and
:mod:`~pxanalysis.data.provenance` checks that every figure is quoted verbatim.
"""

from pxanalysis.data.loaders import (
    TARGET_IDS,
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
    targets,
    workplan,
)

__all__ = [
    "TARGET_IDS",
    "clear_cache",
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
    "targets",
    "workplan",
]
