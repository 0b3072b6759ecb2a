"""One notebook kernel reused for several briefs, papermill execution in it, and its watchdog.

The kernel is driven by an *asynchronous* kernel manager: nbclient then polls
whether the kernel is alive while it waits for output, so a kernel that dies
(killed by the out-of-memory killer, say) ends the brief with a
:class:`~pxanalysis.errors.KernelError` within seconds instead of hanging.
Each cell has a timeout (``cell_timeout``), and a watchdog kills the kernel of a
brief that runs longer than ``brief_timeout``: a scheduled run always ends.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path

import papermill as pm
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from pxanalysis import paths
from pxanalysis.errors import KernelError
from pxanalysis.vocab import DEFAULT_BRIEF_TIMEOUT, DEFAULT_CELL_TIMEOUT

KERNEL = "python3"
#: Seconds a new kernel may take to answer.
START_TIMEOUT = 60.0
#: Imported once when the kernel starts, so that each brief does not pay for them.
PREIMPORT = "import pxanalysis.present.sections, pxanalysis.present.plots, statsmodels.api, seaborn"
RESET = "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot as _plt\n_plt.close('all')"
#: Bytes of the kernel's own stderr quoted in the error when it does not start.
STDERR_TAIL = 2000


class KernelSession:
    """One ``python3`` kernel reused for several notebooks (reset in between); it runs in
    the package home."""

    def __init__(self):
        self.km = AsyncKernelManager(kernel_name=KERNEL)
        env = dict(
            os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline"
        )
        # the kernel's own stderr (ipykernel's start-up warnings; the traceback its heartbeat
        # thread may print when the kernel is shut down mid-beat) goes to a temporary file,
        # not the user's terminal: what the user reads are the brief's own messages, and a
        # kernel that does not start shows the tail of it in the error
        self._stderr = tempfile.TemporaryFile()
        try:
            run_sync(self.km.start_kernel)(cwd=str(paths.home()), env=env, stderr=self._stderr)
        except Exception as exc:  # noqa: BLE001 - any start failure is a kernel error
            self._stderr.close()
            raise KernelError(f"could not start the {KERNEL} kernel: {exc}") from exc
        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(self.km.get_connection_info())
        self.kc.start_channels()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.kc.wait_for_ready(timeout=max(1.0, deadline - time.monotonic()))
                break
            except RuntimeError as exc:
                # the client judges by heartbeats, which a kernel still starting on a busy
                # machine can miss: it is dead only if its process is
                if self.alive() and time.monotonic() < deadline:
                    continue
                said = self.stderr_tail()
                self.close()
                raise KernelError(
                    f"the {KERNEL} kernel did not start: {exc}"
                    + (f"; it said: {said}" if said else "")
                ) from None
        self.used = False

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def run(self, code: str, timeout: float = START_TIMEOUT) -> None:
        """Run set-up code; raise :class:`KernelError` if it fails or the kernel dies."""
        try:
            reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
        except TimeoutError:
            raise KernelError(
                f"kernel set-up did not finish in {timeout:g} s (alive: {self.alive()})"
            ) from None
        if reply["content"]["status"] != "ok":
            raise KernelError(f"kernel set-up failed: {reply['content'].get('evalue')}")

    def reset(self) -> None:
        """Clear the namespace left by the previous brief."""
        if self.used:
            self.run(RESET)
        self.used = True

    def kill(self) -> None:
        """Kill the kernel process at once (the watchdog's last resort)."""
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)

    def stderr_tail(self) -> str:
        """The last :data:`STDERR_TAIL` bytes the kernel wrote to its stderr."""
        with contextlib.suppress(Exception):
            self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, self._stderr.tell() - STDERR_TAIL))
            return self._stderr.read().decode("utf-8", "replace").strip()
        return ""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        self.kill()
        with contextlib.suppress(Exception):
            self._stderr.close()


def execute(
    parameters: dict,
    output: Path,
    session: KernelSession,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    brief_timeout: float = DEFAULT_BRIEF_TIMEOUT,
) -> None:
    """Run the brief notebook with papermill in ``session``'s kernel.

    The notebook is saved after each cell, so a failure leaves the partial
    notebook at ``output``.

    Raises
    ------
    papermill.exceptions.PapermillExecutionError
        A cell raised (the notebook at ``output`` shows which).
    KernelError
        The kernel died, a cell ran longer than ``cell_timeout``, or the brief
        longer than ``brief_timeout`` (its kernel is then killed).
    """
    timed_out = threading.Event()

    def watchdog_fires():
        timed_out.set()
        session.kill()

    watchdog = threading.Timer(brief_timeout, watchdog_fires)
    watchdog.daemon = True
    watchdog.start()
    try:
        pm.execute_notebook(
            str(paths.brief_notebook()),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            km=session.km,
            cwd=str(paths.home()),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=True,
            execution_timeout=cell_timeout,
        )
    except CellTimeoutError:
        raise KernelError(f"a cell ran longer than the cell timeout ({cell_timeout:g} s)") from None
    except (DeadKernelError, RuntimeError) as exc:
        if timed_out.is_set():
            raise KernelError(
                f"the brief ran longer than the brief timeout ({brief_timeout:g} s); "
                "its kernel was stopped"
            ) from None
        if isinstance(exc, DeadKernelError) or not session.alive():
            raise KernelError(
                "the kernel died while running the brief (killed, or out of memory?)"
            ) from None
        raise
    finally:
        watchdog.cancel()
