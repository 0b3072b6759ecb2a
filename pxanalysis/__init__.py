"""pxanalysis: the 2024 Pingxiang government work report as data, projections and briefs.

Layers (imports flow one way, from the top down; ``make test`` checks it with
import-linter, see ``[tool.importlinter]`` in ``pyproject.toml``)::

    cli        the command line: ``pxanalysis project``, ``pxanalysis brief``
    briefs     plan, kernel, render, pdf, publish, pipeline: PDF briefs
    present    labels, style, tables, plots, sections, explorer, export
    engine     growth, methods, backtest, projection, scenarios, comparison
    data       loaders, schema, provenance
    roots      params (notebook parameters), paths, errors, vocab

``from pxanalysis import data`` gives the loaders; the engine's modules are
imported by name (``from pxanalysis.engine import projection``).
"""

__version__ = "0.2.0"
