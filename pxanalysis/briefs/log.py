"""Log lines of the command line and of the brief workers, which cannot stop a run.

A line that cannot be written (stdout a closed pipe, a full disk) is dropped,
and so are the lines after it: the stream is pointed at ``/dev/null``, so that
neither later lines nor the interpreter's last flush raise again. Light on
purpose: the command line imports it before it knows what it will run.
"""

from __future__ import annotations

import contextlib
import os
import sys


def say(message: str, stream=None) -> None:
    """Print one line to stdout (or ``stream``) and flush; a stream that cannot be written
    is dropped.

    Parameters
    ----------
    message : str
        The line (without its newline).
    stream : file, optional
        Default: ``sys.stdout`` (as it is at the call).
    """
    stream = stream or sys.stdout
    try:
        print(message, file=stream, flush=True)
    except (OSError, ValueError):
        # the stream now points at /dev/null: later lines and the last flush cannot fail
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
