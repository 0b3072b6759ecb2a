"""pxanalysis: the 2024 Pingxiang government work report as data, projections and briefs.

Modules
-------
data
    Loaders for the report's figures, targets, work plan and historical series.
schema
    Validation of the data files against ``data/pingxiang/datapackage.json``.
provenance
    Checks that every figure is quoted verbatim from its source.
labels
    Bilingual (zh/en) labels for indicators, kinds and table headers.
tables
    Tables for notebooks and briefs.
style, plots
    Matplotlib/seaborn setup with a CJK font, and the charts.
"""

__version__ = "0.1.0"
