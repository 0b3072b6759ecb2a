"""The briefs layer: scenario briefs rendered to Chinese A4 PDFs.

:mod:`~pxanalysis.briefs.plan` (which briefs, validated before anything runs),
:mod:`~pxanalysis.briefs.kernel` (one reused kernel, papermill),
:mod:`~pxanalysis.briefs.render` (HTML without code, ``brief.css``),
:mod:`~pxanalysis.briefs.pdf` (one headless chromium over the DevTools pipe),
:mod:`~pxanalysis.briefs.publish` (lock, atomic publish, manifest),
:mod:`~pxanalysis.briefs.pipeline` (the orchestration).
"""
