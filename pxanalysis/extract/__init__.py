"""Drafting a report's figures table from its text: any government work report in.

:mod:`~pxanalysis.extract.text` normalises the text (traditional to simplified,
full-width to half-width, conversion debris removed) and keeps the way back to
the verbatim source; :mod:`~pxanalysis.extract.rules` holds the genre's own
rules (units, qualifiers, kinds, indicator names, sections);
:mod:`~pxanalysis.extract.scan` finds the figures; :mod:`~pxanalysis.extract.draft`
builds ``figures.csv``, ``targets.csv`` and ``workplan.csv`` and the review list;
:mod:`~pxanalysis.extract.score` compares a draft with a gold table.
"""
