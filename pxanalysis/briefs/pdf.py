"""HTML -> PDF with Debian's headless chromium.

:class:`ChromiumPrinter` keeps one chromium open and drives it over the
DevTools pipe (``--remote-debugging-pipe``), so each PDF costs ~0.3 s instead
of a browser launch. :func:`print_with_cli` is the plain ``--print-to-pdf``
route (one browser launch per PDF), kept as the by-hand baseline of ``make bench``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
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


def find_chromium() -> str:
    """Return the chromium executable, or raise naming the Debian package."""
    for name in (os.environ.get("PXANALYSIS_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
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
        self._next_id = 0
        self._buffer = b""

    # -- process and pipe -------------------------------------------------------------
    def launch(self) -> None:
        """Start the chromium process (returns at once; :meth:`start` waits for it).

        Launch before starting other threads: ``preexec_fn`` is not thread-safe.
        """
        binary = find_chromium()
        self._profile = tempfile.TemporaryDirectory(prefix="pxa-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # move the child's ends above fd 10 so that placing them on 3 and 4 cannot clobber them
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire_fds():  # in the child: DevTools reads fd 3 and writes fd 4
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        try:
            self.proc = subprocess.Popen(
                [binary, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self._profile.name}",
                 "about:blank"],
                close_fds=False,  # Python's own fds are non-inheritable; fds 3 and 4 are not
                preexec_fn=wire_fds,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        finally:
            os.close(high_r)
            os.close(high_w)

    def start(self) -> ChromiumPrinter:
        """Launch chromium if needed and wait until it answers."""
        if self.proc is None:
            self.launch()
        self.call("Browser.getVersion")
        return self

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            self.call("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc = None
        if self._profile is not None:
            self._profile.cleanup()

    def __enter__(self) -> ChromiumPrinter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, message: dict) -> None:
        os.write(self._to_child, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise ChromiumError("chromium closed the DevTools pipe (did it crash?)")
                self._buffer += chunk
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
        """Print a local HTML file to an A4 PDF (page size and margins from its CSS)."""
        if self.proc is None:
            self.start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            self.call("Page.enable", session=session)
            self.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session=session,
                      wait_event="Page.loadEventFired")  # fmt: skip
            result = self.call(
                "Page.printToPDF",
                {"paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1], "printBackground": True,
                 "preferCSSPageSize": True, "displayHeaderFooter": False},
                session=session,
            )  # fmt: skip
        finally:
            self.call("Target.closeTarget", {"targetId": target})
        Path(pdf).write_bytes(base64.b64decode(result["data"]))
