"""The briefs layer: scenario briefs rendered to Chinese A4 PDFs.

:mod:`~pxanalysis.briefs.plan` (which briefs, validated before anything runs),
:mod:`~pxanalysis.briefs.kernel` (one reused kernel, papermill),
:mod:`~pxanalysis.briefs.render` (HTML without code, ``brief.css``),
:mod:`~pxanalysis.briefs.pdf` (one headless chromium over the DevTools pipe),
:mod:`~pxanalysis.briefs.publish` (lock, atomic publish, manifest),
:mod:`~pxanalysis.briefs.pipeline` (the orchestration).
"""

import sys

# jsonschema (pulled in by nbformat) imports rfc3987_syntax inside
# suppress(ImportError), only for the optional "iri" format check; importing it
# builds a parser grammar (~0.7 s per process; toolchain.md section 6). Notebook
# validation does not use that format, so the briefs skip it.
sys.modules.setdefault("rfc3987_syntax", None)
