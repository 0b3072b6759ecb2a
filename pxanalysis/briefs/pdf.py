"""HTML -> PDF with Debian's headless chromium.

:class:`ChromiumPrinter` keeps one chromium open and drives it over the
DevTools pipe (``--remote-debugging-pipe``), so each PDF costs ~0.3 s instead
of a browser launch. :func:`print_with_cli` is the plain ``--print-to-pdf``
route (one browser launch per PDF), kept as the by-hand baseline of ``make bench``.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from pxanalysis.errors import ChromiumError, ChromiumNotFoundError

DEBIAN_PACKAGE = "chromium"
# Flags from shared/reference/toolchain.md: without the background-networking
# ones chromium tries Google's hosts at every start on a closed network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
A4_INCHES = (8.27, 11.69)
#: Seconds to close a tab after printing (a browser that cannot is replaced).
CLOSE_TIMEOUT = 5.0
#: JavaScript that resolves once every font the page uses is loaded (its value is
#: the status, "loaded"), so the PDF is printed with the embedded CJK font.
FONTS_READY = "document.fonts.ready.then(() => document.fonts.status)"


def find_chromium() -> str:
    """Return the chromium executable, or raise naming the Debian package.

    ``PXANALYSIS_CHROMIUM``, when set, must name an executable: a wrong value is
    an error, never a silent fall-back to ``PATH``.
    """
    override = os.environ.get("PXANALYSIS_CHROMIUM", "")
    if override:
        found = shutil.which(override)
        if not found:
            raise ChromiumNotFoundError(
                f"PXANALYSIS_CHROMIUM={override} is not an executable: point it at chromium "
                f"(Debian: /usr/bin/chromium) or unset it"
            )
        return found
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    raise ChromiumNotFoundError(
        f"chromium not found on PATH: install the Debian package {DEBIAN_PACKAGE} "
        f"(sudo apt-get install {DEBIAN_PACKAGE}, or `make setup`)"
    )


def print_with_cli(html: Path, pdf: Path, timeout: float = 60) -> None:
    """One chromium process per PDF (``--print-to-pdf``), A4 from the page's CSS."""
    with tempfile.TemporaryDirectory(prefix="pxa-chromium-") as profile:
        cmd = [find_chromium(), *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf}", Path(html).resolve().as_uri()]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not Path(pdf).exists():
        raise ChromiumError(
            f"chromium --print-to-pdf failed ({result.returncode}): {result.stderr[-800:]}"
        )


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL every process of chromium's process group (it leads its own)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # all gone already
    except OSError:
        with contextlib.suppress(OSError):
            proc.kill()


def _remove(folder: Path, tries: int = 20) -> None:
    """Remove a folder that chromium's last processes may still be writing into."""
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)


def _singleton_folder(profile: str) -> Path | None:
    """The folder in ``$TMPDIR`` that chromium made for the profile's singleton socket."""
    try:
        folder = Path(os.readlink(Path(profile) / "SingletonSocket")).parent
    except OSError:
        return None
    return folder if folder.name.startswith("org.chromium.Chromium.") else None


class ChromiumPrinter:
    """One headless chromium, driven over the DevTools pipe, printing many PDFs.

    Use as a context manager::

        with ChromiumPrinter() as printer:
            printer.print_pdf("brief.html", "brief.pdf")
    """

    def __init__(self, timeout: float = 60):
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self._profile = None
        self._stderr = None
        self._to_child = self._from_child = None
        self._next_id = 0
        self._buffer = b""

    # -- process and pipe -------------------------------------------------------------
    def launch(self) -> None:
        """Start the chromium process (returns at once; :meth:`start` waits for it).

        Thread-safe: the DevTools pipe is placed on fds 3 and 4 by ``bash``
        (``exec chromium 3<&R 4>&W``), not by a ``preexec_fn``, so chromium can be
        restarted while other threads run.
        """
        binary = find_chromium()
        self._profile = tempfile.TemporaryDirectory(
            prefix="pxa-chromium-", ignore_cleanup_errors=True
        )
        self._stderr = tempfile.TemporaryFile(prefix="pxa-chromium-stderr-")
        self._buffer = b""
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends above fd 10, so that placing them on 3 and 4 cannot clobber them
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        args = [binary, *FLAGS, "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}", "about:blank"]  # fmt: skip
        script = f'exec "$@" 3<&{high_r} 4>&{high_w} {high_r}<&- {high_w}>&-'
        try:
            self.proc = subprocess.Popen(
                ["/bin/bash", "-c", script, "bash", *args],
                pass_fds=(high_r, high_w),
                start_new_session=True,  # its own process group: killed whole, helpers too
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
            )
        finally:
            os.close(high_r)
            os.close(high_w)

    def _crashed(self, what: str) -> ChromiumError:
        """The error for a chromium that is gone (or never answered), with its last words."""
        code = self.proc.poll() if self.proc is not None else None
        tail = ""
        if getattr(self, "_stderr", None) is not None:
            with contextlib.suppress(OSError, ValueError):
                self._stderr.seek(0)
                tail = self._stderr.read()[-600:].decode("utf-8", "replace").strip()
        state = "is still running" if code is None else f"exited with code {code}"
        return ChromiumError(
            f"chromium crashed ({what}; the process {state})" + (f": {tail}" if tail else "")
        )

    def alive(self) -> bool:
        """Whether the process exists (a hung or stopped chromium is alive too)."""
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL chromium's processes, nothing else (safe while another thread is printing).

        The printing thread then fails at once ("chromium crashed"); :meth:`close`
        releases the pipe and the profile.
        """
        proc = self.proc
        if proc is not None:
            _kill_group(proc)

    def restart(self) -> ChromiumPrinter:
        """Kill this chromium (if any is left) and start a fresh one."""
        self.close(graceful=False)
        return self.start()

    def start(self) -> ChromiumPrinter:
        """Launch chromium if needed and wait until it answers."""
        if self.proc is None:
            self.launch()
        self.call("Browser.getVersion")
        return self

    def close(self, graceful: bool = True) -> None:
        """Stop chromium (``Browser.close``, else SIGKILL) and remove its pipe, profile and files."""
        if self.proc is not None:
            if graceful and self.alive():
                with contextlib.suppress(Exception):
                    self.call("Browser.close", timeout=5)
            try:
                self.proc.wait(timeout=5 if graceful else 0.1)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            _kill_group(self.proc)  # renderers and zygotes that outlive the browser
            self.proc = None
        for fd in (self._to_child, self._from_child):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_child = self._from_child = None
        if self._stderr is not None:
            with contextlib.suppress(OSError):
                self._stderr.close()
        if self._profile is not None:
            scratch = _singleton_folder(self._profile.name)
            if scratch is not None:  # chromium removes it on a clean exit only
                _remove(scratch)
            _remove(Path(self._profile.name))
            self._profile.cleanup()
            self._profile = None

    def __enter__(self) -> ChromiumPrinter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_child, data) :]
        except OSError as exc:  # BrokenPipeError: chromium is gone
            raise self._crashed(f"the DevTools pipe is closed: {exc.strerror}") from None

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                if not self.alive():
                    raise self._crashed("no answer")
                raise ChromiumError(f"chromium did not answer within {self.timeout:g} s")
            ready, _, _ = select.select([self._from_child], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise self._crashed("it closed the DevTools pipe")
                self._buffer += chunk
            elif not self.alive():
                raise self._crashed("no answer")
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None, wait_event: str | None = None) -> dict:  # fmt: skip
        """Send one DevTools command; return its result (optionally after an event)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + (timeout or self.timeout)
        result, seen_event = None, wait_event is None
        while result is None or not seen_event:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error'].get('message')}")
                result = reply.get("result", {})
            elif (
                wait_event
                and reply.get("method") == wait_event
                and reply.get("sessionId") == session
            ):
                seen_event = True
        return result

    # -- printing ---------------------------------------------------------------------
    def print_pdf(self, html: Path, pdf: Path) -> None:
        """Print a local HTML file to an A4 PDF (page size and margins from its CSS).

        A chromium that fails or does not answer in time (hung, or stopped) is
        killed: the next PDF gets a new one, so one hang fails one brief only.

        Raises
        ------
        ChromiumError
            Chromium crashed, hung or printed nothing.
        """
        if not self.alive():
            self.restart()
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            self.call("Page.enable", session=session)
            self.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session=session,
                      wait_event="Page.loadEventFired")  # fmt: skip
            # The load event does not wait for @font-face fonts to be decoded: printing
            # before they are would set text in a fallback font, or in none at all when
            # fontconfig has no fonts (seen as an intermittent text-less PDF).
            self.call("Runtime.evaluate", {"expression": FONTS_READY, "awaitPromise": True,
                                           "returnByValue": True}, session=session)  # fmt: skip
            result = self.call(
                "Page.printToPDF",
                {"paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1], "printBackground": True,
                 "preferCSSPageSize": True, "displayHeaderFooter": False},
                session=session,
            )  # fmt: skip
        except ChromiumError:
            self.close(graceful=False)  # never reuse a browser that failed or hung
            raise
        try:
            self.call("Target.closeTarget", {"targetId": target}, timeout=CLOSE_TIMEOUT)
        except ChromiumError:
            self.close(graceful=False)  # the PDF is printed; a new browser prints the next
        Path(pdf).write_bytes(base64.b64decode(result["data"]))
