"""One notebook kernel reused for several briefs, and papermill execution in it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import papermill as pm
from jupyter_client.manager import KernelManager

from pxanalysis import paths
from pxanalysis.errors import KernelError

KERNEL = "python3"
#: Imported once when the kernel starts, so that each brief does not pay for them.
PREIMPORT = "import pxanalysis.present.sections, pxanalysis.present.plots, statsmodels.api, seaborn"
RESET = "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot as _plt\n_plt.close('all')"


class KernelSession:
    """One ``python3`` kernel reused for several notebooks (reset in between)."""

    def __init__(self, cwd: Path | None = None):
        self.km = KernelManager(kernel_name=KERNEL)
        env = dict(
            os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline"
        )
        self.km.start_kernel(cwd=str(cwd or paths.home()), env=env)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.used = False

    def run(self, code: str, timeout: float = 120) -> None:
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise KernelError(f"kernel set-up failed: {reply['content'].get('evalue')}")

    def reset(self) -> None:
        if self.used:
            self.run(RESET)
        self.used = True

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)


def execute(parameters: dict, output: Path, session: KernelSession | None) -> None:
    """Run the brief notebook with papermill (explicit kernel, the home as cwd)."""
    kwargs = {"km": session.km} if session is not None else {}
    pm.execute_notebook(
        str(paths.brief_notebook()),
        str(output),
        parameters=parameters,
        kernel_name=KERNEL,
        cwd=str(paths.home()),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        shutdown_kernel="immediate",
        **kwargs,
    )
