"""Publishing briefs: one lock per output folder, an atomic swap, and a manifest that tells the truth.

Layout under ``<out>``::

    <year>/<name>/brief.{ipynb,html,pdf}   the published briefs
    <year>/manifest.json                   what is published (rebuilt from the folders)
    failed/<name>-<time>-<pid>.ipynb       partial notebooks of failed briefs (newest kept)
    failed/.pxanalysis-kept                the failed notebooks this tool wrote (one a line)
    .tmp-<name>-<pid>-*/.pxanalysis-made   a brief being built, and who made it

Clean-up removes only what the tool recorded making: a folder holding a
``.pxanalysis-made`` marker that names the folder and a process that is gone
(build folders, a staged manifest, the previous brief of an interrupted swap),
and the failed notebooks listed in ``failed/.pxanalysis-kept`` beyond the newest
:data:`KEEP_FAILED`. A file or folder of the user's is never removed, whatever its
name.

Guarantees: a brief is published only complete (built aside, then swapped into
place in one ``renameat2(RENAME_EXCHANGE)``, so the folder is never missing);
the new manifest is written *before* the swap, so a full disk stops the
publication instead of leaving a brief without its manifest entry; the manifest
lists what the folders hold (a corrupt one is kept aside as ``.corrupt-<time>``
and rebuilt, a malformed entry is rebuilt from its folder, a damaged folder is
listed with ``damaged`` saying why: none of them blocks a run); folders get the
umask's mode.

Each entry records what its brief was made with (``data_files`` with their
sha256, ``git_commit``, ``package_version``, ``python``), as it was when that
brief ran; the same keys at the top level describe the run that last wrote the
manifest. Entries rebuilt from a folder have no such record.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pxanalysis import __version__, paths
from pxanalysis.data import loaders, regions, registry, report_schema
from pxanalysis.errors import PublishError, PxError
from pxanalysis.vocab import REPORT_DATE

OUTPUTS = ("brief.ipynb", "brief.html", "brief.pdf")
#: Failed notebooks kept per brief name (the newest); older ones are removed.
KEEP_FAILED = 5
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def git_commit() -> str:
    """The checkout's commit (``+dirty`` with uncommitted changes), or ``unknown``.

    Asked once per process (a run records the commit it started from).
    """
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


def data_files(report_dir: Path | None = None) -> list[Path]:
    """The files a brief reads: the indicator registry, every shared package (its
    resources, then its descriptor) and, given ``report_dir``, the profiles and report
    packages of the report's region and of the regions above it (their own history).

    Parameters
    ----------
    report_dir : pathlib.Path, optional
        A report package's folder (``data/<region>/<year>``); skipped if it is not a folder.

    Returns
    -------
    list of pathlib.Path
    """
    files = [registry.path()]
    for base, descriptor in loaders.datapackages().items():
        files += [base / r["path"] for r in descriptor["resources"]]
        files.append(base / "datapackage.json")
    if report_dir is not None and Path(report_dir).is_dir():
        files += [f for _, package in region_packages(Path(report_dir)) for f in package]
    return files


def region_packages(report_dir: Path) -> list[tuple[str, list[Path]]]:
    """``(date, files)`` of every report package of the region of ``report_dir`` and of the
    regions above it (each region's profile comes with date ''): what its history reads."""
    region = Path(report_dir).parent.name
    out = []
    for rid in [region, *(r.id for r in regions.ancestors(region))]:
        profile = regions.profile_path(rid)
        if profile.is_file():
            out.append(("", [profile]))
        for folder in sorted(paths.region_dir(rid).glob("[12][0-9][0-9][0-9]")):
            if (folder / "datapackage.json").is_file():
                date = str(report_schema.read_descriptor(folder)["report"]["date"])
                out.append((date, sorted(p for p in folder.iterdir() if p.is_file())))
    return out


def data_hashes(report_dir: Path | None = None) -> dict:
    """sha256 of every file of the history package and of the report package in ``report_dir``.

    Hashed once per data folder and report folder in a process (every brief of a
    run reads the same files); :func:`pxanalysis.briefs.inputs.clear_cache` forgets them.
    """
    return dict(_data_hashes(paths.data_root(), None if report_dir is None else Path(report_dir)))


@functools.lru_cache(maxsize=16)
def _data_hashes(base: Path, report_dir: Path | None) -> tuple[tuple[str, str], ...]:
    """:func:`data_hashes` of the history package in ``base`` (the cache key)."""
    return tuple((paths.display(f), sha256(f)) for f in data_files(report_dir))


def clear_cache() -> None:
    """Forget the data files' hashes and the commit (see :func:`data_hashes`)."""
    _data_hashes.cache_clear()
    git_commit.cache_clear()


def provenance(report_dir: Path | None = None) -> dict:
    """What a brief about to run is made with: package, commit, Python and data files' hashes
    (the history package's and, given ``report_dir``, the report package's).

    Never raises: a data package that cannot be read is recorded as such (the
    brief itself then fails with the data error).
    """
    try:
        data = data_hashes(report_dir)
    except (PxError, OSError) as exc:
        data = {"unreadable": str(exc)}
    return {
        "package_version": __version__,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "data_files": data,
    }


def make_dir(path: Path) -> Path:
    """``mkdir -p`` with the umask's mode."""
    path.mkdir(parents=True, exist_ok=True, mode=paths.umask_mode(0o777))
    return path


#: The marker a folder made by the tool carries while it is temporary (see :func:`scratch_dir`).
MARKER = ".pxanalysis-made"
#: The record, in ``<out>/failed/``, of the failed notebooks the tool kept there.
KEPT_RECORD = ".pxanalysis-kept"


def scratch_dir(parent: Path, name: str) -> Path:
    """A fresh temporary folder ``<parent>/.tmp-<name>-<pid>-*`` (umask mode), marked as ours.

    Its :data:`MARKER` file records the folder's name and this process's id:
    :func:`clean_leftovers` removes the folder once that process is gone, and
    nothing it has not marked.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{name}-{os.getpid()}-", dir=parent))
    try:
        (tmp / MARKER).write_text(
            json.dumps({"pid": os.getpid(), "made_as": tmp.name}) + "\n", encoding="utf-8"
        )
        tmp.chmod(paths.umask_mode(0o777))  # mkdtemp gives 0700
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def temp_dir(out: Path, name: str) -> Path:
    """A fresh build folder ``<out>/.tmp-<name>-<pid>-*`` (:func:`scratch_dir`)."""
    return scratch_dir(out, name)


def _made_by(folder: Path) -> int | None:
    """The process that made ``folder`` (its :data:`MARKER`), or None if the tool did not make it.

    A marker counts only when it names the folder it is in (a folder copied or
    renamed by someone is not ours to remove).
    """
    marker = folder / MARKER
    try:
        if folder.is_symlink() or not marker.is_file() or marker.stat().st_size > 4096:
            return None
        made = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(made, dict) or made.get("made_as") != folder.name:
        return None
    pid = made.get("pid")
    return pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None


@contextlib.contextmanager
def locked(out: Path):
    """An exclusive lock on ``<out>/.pxanalysis.lock`` (serialises moves and manifest)."""
    make_dir(out)
    with open(out / ".pxanalysis.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out: Path) -> list[Path]:
    """Remove what runs that are gone left behind; return what was removed.

    Only what the tool recorded making: folders holding its :data:`MARKER` (build
    folders, staged manifests, the previous brief of an interrupted swap) whose
    process is gone, in ``out`` and its report folders (``2024/``, ``yichun-2023/``);
    and, of the failed notebooks recorded in ``failed/.pxanalysis-kept``, all but the
    newest :data:`KEEP_FAILED` of each brief. Anything else, whatever its name, is
    left alone. Call it holding the lock.
    """
    removed = []
    try:
        top = list(out.iterdir())
    except OSError:
        return removed
    reports = [p for p in top if p.is_dir() and not p.is_symlink() and _made_by(p) is None]
    for folder in (out, *reports):
        try:
            entries = list(folder.iterdir())
        except OSError:  # a folder of someone else's under --out: none of ours in it
            continue
        for entry in entries:
            pid = _made_by(entry) if entry.is_dir() else None
            if pid is not None and not _alive(pid):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    removed += _prune_failed(out / "failed")
    return removed


def _kept(record: Path) -> list[tuple[str, str]]:
    """The (brief name, file name) lines of a failed folder's record."""
    try:
        lines = record.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return []
    pairs = [tuple(line.split("\t", 1)) for line in lines if line.count("\t") == 1]
    return [(name, file) for name, file in pairs if file and "/" not in file and file[0] != "."]


def _prune_failed(failed: Path) -> list[Path]:
    """Remove the recorded failed notebooks beyond the newest :data:`KEEP_FAILED` of each brief."""
    if not failed.is_dir() or failed.is_symlink():
        return []
    removed = []
    record = failed / KEPT_RECORD
    with paths.locked(failed):
        by_name: dict[str, list[Path]] = {}
        for name, file in _kept(record):
            if (failed / file).is_file():
                by_name.setdefault(name, []).append(failed / file)
        keep = []
        for name, notebooks in by_name.items():
            notebooks.sort(key=lambda p: p.stat().st_mtime)
            for old in notebooks[:-KEEP_FAILED]:
                old.unlink(missing_ok=True)
                removed.append(old)
            keep += [(name, nb.name) for nb in notebooks[-KEEP_FAILED:]]
        if record.exists():
            text = "".join(f"{name}\t{file}\n" for name, file in keep)
            with contextlib.suppress(OSError):  # a record not rewritten only keeps more
                paths.atomic_write(record, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return removed


def keep_failed(out: Path, name: str, notebook: Path) -> Path | None:
    """Copy a failed (partial) notebook to ``<out>/failed/``; return where (None if none)."""
    if not notebook.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    failed = make_dir(out / "failed")
    kept = failed / f"{name}-{stamp}-{os.getpid()}.ipynb"
    with paths.locked(failed):  # the record is read, changed and written back
        try:
            shutil.copy2(notebook, kept)
            with open(failed / KEPT_RECORD, "a", encoding="utf-8") as record:
                record.write(f"{name}\t{kept.name}\n")  # only recorded ones are ever pruned
        except OSError:
            kept.unlink(missing_ok=True)  # no half-copied notebook (a full disk)
            raise
    return kept


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_into_place(tmp: Path, final: Path) -> None:
    """Put the complete folder ``tmp`` at ``final`` without ``final`` ever being missing.

    ``tmp``'s :data:`MARKER` is removed first: a published brief is not a leftover.
    """
    make_dir(final.parent)
    (tmp / MARKER).unlink(missing_ok=True)
    if not final.exists():
        os.replace(tmp, final)
        return
    if _exchange(tmp, final):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous brief
        return
    old = scratch_dir(final.parent, f"{final.name}.old")  # file systems without renameat2
    os.replace(final, old / final.name)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def recorded_hashes(entry) -> dict:
    """The outputs' sha256 a manifest entry records (``{}`` for a malformed entry)."""
    outputs = entry.get("outputs") if isinstance(entry, dict) else None
    hashes = outputs.get("sha256") if isinstance(outputs, dict) else None
    return hashes if isinstance(hashes, dict) else {}


def _entry_from_folder(folder: Path, previous: dict | None, log=print) -> dict:
    """A manifest entry for a published folder.

    The previous entry is kept when the files are the ones it records (with the
    paths of where the folder is now); otherwise the entry is rebuilt from the
    notebook's metadata. A folder that cannot be read gets an entry saying so
    (``damaged``) instead of stopping the publication of every other brief.
    """
    paths_now = {name: str(folder / name) for name in OUTPUTS}
    try:
        hashes = {name: sha256(folder / name) for name in OUTPUTS}
    except OSError as exc:
        log(f"{folder}: cannot be read ({exc.strerror}); listed as damaged in the manifest")
        return {"outputs": paths_now, "damaged": f"cannot be read: {exc.strerror}"}
    if previous and recorded_hashes(previous) == hashes:
        return previous | {"outputs": paths_now | {"sha256": hashes}}
    entry = {"outputs": paths_now | {"sha256": hashes}, "rebuilt_from_folder": True}
    try:
        import nbformat  # jsonschema: not for a run that publishes nothing

        from pxanalysis.briefs import render  # nbconvert and fonts: only for a rebuild

        nb = nbformat.read(folder / "brief.ipynb", as_version=4)
        parameters = render.given_parameters(nb)
        rendered = dt.datetime.fromtimestamp((folder / "brief.pdf").stat().st_mtime, dt.UTC)
    except Exception as exc:  # noqa: BLE001 - any damage: say so, publish the others
        problem = f"brief.ipynb cannot be read ({type(exc).__name__})"
        log(
            f"{folder}: {problem}; listed as damaged in the manifest (render it again or remove it)"
        )
        return entry | {"damaged": problem}
    return {
        "as_of": parameters.get("as_of", REPORT_DATE),
        "parameters": parameters,
        "rendered": rendered.isoformat(timespec="seconds"),
    } | entry


def read_manifest(path: Path, log=print, keep_aside: bool = True) -> dict:
    """The manifest at ``path``; a corrupt one is ignored and, with ``keep_aside``, moved
    aside as ``.corrupt-<time>`` (the publisher does that; a read-only look does not)."""
    if not path.exists():
        return {"scenarios": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("scenarios"), dict):
            raise ValueError("not a manifest (no 'scenarios' mapping)")
    except (ValueError, OSError) as exc:  # UnicodeDecodeError is a ValueError
        if not keep_aside:
            return {"scenarios": {}}
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        try:
            os.replace(path, aside)
        except OSError as error:
            raise PublishError(
                f"{path} cannot be read ({exc}) nor moved aside ({error.strerror}): "
                "move or remove it"
            ) from None
        log(f"{path} was corrupt ({exc}); kept as {aside.name} and rebuilt from the briefs")
        return {"scenarios": {}}
    # an entry that is not a mapping is dropped: its folder's entry is rebuilt
    manifest["scenarios"] = {
        name: entry for name, entry in manifest["scenarios"].items() if isinstance(entry, dict)
    }
    return manifest


def manifest_for(
    year_dir: Path,
    old: dict,
    year: int,
    new: dict[str, dict],
    log=print,
    report_dir: Path | None = None,
) -> dict:
    """The manifest of ``year_dir`` once the briefs of ``new`` are published.

    Every other entry comes from what the folders hold now; the top-level
    ``data_files`` are those of the report package in ``report_dir`` (the new briefs').
    """
    scenarios = {}
    for folder in sorted(
        p for p in year_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        if folder.name in new:
            continue
        if all((folder / name).is_file() for name in OUTPUTS):
            previous = old["scenarios"].get(folder.name)
            scenarios[folder.name] = _entry_from_folder(folder, previous, log)
    scenarios.update(new)
    return {
        "year": year,
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "data_files": data_hashes(report_dir),
        "scenarios": dict(sorted(scenarios.items())),
    }


def _write_aside(path: Path, text: str) -> Path:
    """Write ``text`` (synced) into a marked scratch folder beside ``path``; return the file.

    The folder is removed on any failure here; the caller removes it once the file
    is renamed over ``path`` (or the publication failed).
    """
    scratch = scratch_dir(path.parent, path.name)
    tmp = scratch / path.name
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, paths.umask_mode())
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return tmp


def publish(
    tmp: Path,
    out: Path,
    year: int,
    name: str,
    entry: dict,
    log=print,
    report_dir: Path | None = None,
) -> Path:
    """Publish the complete brief folder ``tmp`` as ``<out>/<year>/<name>`` with its manifest entry.

    ``report_dir`` is the report package the brief read (its files' hashes go in
    the manifest's top-level ``data_files``).

    The new manifest is written beside the old one first; only then is the
    folder swapped into place and the manifest renamed over the old one, so a
    failure (a full disk, say) leaves the previous brief and manifest as they were.

    Raises
    ------
    PublishError
        If the manifest or the folder cannot be written (nothing is published).
    """
    year_dir = make_dir(out / str(year))
    final = year_dir / name
    path = year_dir / "manifest.json"
    with locked(out):
        old = read_manifest(path, log)
        entry = entry | {"outputs": {k: str(final / k) for k in OUTPUTS} | entry["outputs"]}
        manifest = manifest_for(year_dir, old, year, {name: entry}, log, report_dir)
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        try:
            staged = _write_aside(path, text)
        except OSError as exc:
            raise PublishError(
                f"cannot write the manifest in {year_dir} ({exc.strerror}); "
                "nothing was published, the previous brief is untouched"
            ) from None
        try:
            swap_into_place(tmp, final)
            os.replace(staged, path)
        except OSError as exc:
            raise PublishError(f"cannot publish {final} ({exc.strerror})") from None
        finally:
            shutil.rmtree(staged.parent, ignore_errors=True)
    return final
