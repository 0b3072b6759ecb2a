"""Publishing briefs: a lock per output folder, atomic replacement, and the manifest."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pxanalysis import __version__, paths
from pxanalysis.briefs.plan import Job, Outcome
from pxanalysis.data import loaders


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit() -> str:
    """The checkout's commit (``+dirty`` with uncommitted changes), or ``unknown``."""
    root = paths.checkout()
    if root is None:
        return "unknown (installed package)"
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, check=True, timeout=10)  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def data_hashes() -> dict:
    """sha256 of every data file of the data package (read from its descriptor)."""
    base = loaders.data_dir()
    descriptor = base / "datapackage.json"
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    files = [base / r["path"] for r in resources] + [descriptor]
    return {paths.display(f): sha256(f) for f in files}


@contextlib.contextmanager
def locked(out: Path):
    """An exclusive lock on ``<out>/.pxanalysis.lock`` (serialises moves and manifest)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".pxanalysis.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(tmp: Path, final: Path) -> None:
    """Replace ``final`` by the complete directory ``tmp`` (caller holds the lock)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def update_manifest(path: Path, outcome: Outcome, job: Job, year: int) -> None:
    """Read-modify-write ``manifest.json`` atomically (caller holds the lock)."""
    manifest = json.loads(path.read_text()) if path.exists() else {"scenarios": {}}
    manifest.update(
        {
            "year": year,
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "package_version": __version__,
            "git_commit": git_commit(),
            "python": sys.version.split()[0],
            "data_files": data_hashes(),
        }
    )
    manifest["scenarios"][outcome.name] = {
        "parameters": job.parameters,
        "scenario_file": job.source,
        "rendered": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timings_s": outcome.timings,
        "outputs": outcome.outputs,
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
