"""Every path the package uses, found from one root.

The *home* holds ``data/``, ``scenarios/`` and ``notebooks/brief.ipynb``. It is,
in this order:

1. ``PXANALYSIS_HOME``, if set (a directory laid out like the checkout);
2. the checkout, when the package runs from one (``pip install -e .``, or on ``sys.path``);
3. the copy shipped inside the wheel (``pxanalysis/_resources``), for an installed package.

Other places (``PXANALYSIS_HOME`` moves every one of them):

- **data**: ``<home>/data`` (regions, shared packages, the indicator registry), or
  ``PXANALYSIS_DATA_DIR`` (a folder laid out the same way). An installed package
  never writes into its own folder (site-packages): the first change (``ytd add``)
  copies its data folder to the user's data folder
  (``platformdirs.user_data_dir("pxanalysis")/data``, e.g. ``~/.local/share/pxanalysis``),
  which is read from then on (:func:`writable_data_root`);
- **built-in scenarios**: ``<home>/scenarios``; **user scenarios** (the explorer
  saves there; ``--scenario all`` renders them too): ``PXANALYSIS_SCENARIO_DIR``,
  else ``<home>/scenarios`` when ``PXANALYSIS_HOME`` is set, else the checkout's
  ``scenarios/``, else ``./scenarios``;
- **reports**: ``<home>/reports`` when ``PXANALYSIS_HOME`` is set, else the
  checkout's ``reports/``, else ``./reports`` (installed use).

This is the only module that does path arithmetic on ``__file__``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from pxanalysis.errors import DataError

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
_SHIPPED = _PACKAGE / "_resources"
DEFAULT_REGION = "pingxiang"


def checkout() -> Path | None:
    """The source checkout the package runs from, or None for an installed package."""
    return _checkout(_CHECKOUT)


@functools.lru_cache(maxsize=4)
def _checkout(folder: Path) -> Path | None:
    """Whether ``folder`` is a checkout, looked at once per process (the engine asks
    thousands of times per judgement; a checkout does not appear or vanish under it)."""
    marker = folder / "data" / "registry" / "indicators.yaml"
    if (folder / "pyproject.toml").is_file() and marker.is_file():
        return folder
    return None


def home() -> Path:
    """The root holding ``data/``, ``scenarios/`` and ``notebooks/`` (see the module docstring).

    Raises
    ------
    DataError
        If ``PXANALYSIS_HOME`` is not a directory, or no home can be found.
    """
    override = os.environ.get("PXANALYSIS_HOME")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise DataError(f"PXANALYSIS_HOME={override} is not a directory")
        return path
    root = checkout()
    if root is not None:
        return root
    if _SHIPPED.is_dir():
        return _SHIPPED
    raise DataError(
        "pxanalysis cannot find its data: reinstall the package (the wheel ships data/, "
        "scenarios/ and notebooks/), or set PXANALYSIS_HOME to a checkout"
    )


def installed() -> bool:
    """Whether the package reads the copy shipped in its wheel (no checkout, no
    ``PXANALYSIS_HOME``): then it must not write there."""
    return not os.environ.get("PXANALYSIS_HOME") and checkout() is None


def user_data_home() -> Path:
    """The user's data folder of pxanalysis (``platformdirs.user_data_dir``; honours
    ``XDG_DATA_HOME``): where an installed package keeps the data it changes."""
    import platformdirs  # only an installed package that writes needs it

    return Path(platformdirs.user_data_dir("pxanalysis", appauthor=False))


def user_cache_dir() -> Path:
    """Where pxanalysis keeps what it can recompute (the explorer's views):
    ``PXANALYSIS_CACHE_DIR`` if set, else ``platformdirs.user_cache_dir`` (honours
    ``XDG_CACHE_HOME``). Deleting it loses nothing but time."""
    override = os.environ.get("PXANALYSIS_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("pxanalysis", appauthor=False))


def _user_copy() -> Path | None:
    """The user's copy of the data folder, for an installed package that has made one."""
    if not installed():
        return None
    mine = user_data_home() / "data"
    return mine if (mine / "registry" / "indicators.yaml").is_file() else None


def writable_data_root() -> Path:
    """The data folder to change (``ytd add``): :func:`data_root`, except that an installed
    package first copies its shipped folder to the user's data folder (:func:`user_data_home`)
    and changes that copy, never site-packages.

    Raises
    ------
    DataError
        If the user's data folder cannot be made (naming it).
    """
    folder = data_root()
    if not installed() or folder != home() / "data":
        return folder
    target = user_data_home() / "data"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=".data-", dir=target.parent))
        try:
            shutil.copytree(folder, staged / "data")
            os.replace(staged / "data", target)  # whole, or not at all
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    except OSError as exc:
        if (target / "registry" / "indicators.yaml").is_file():  # another process made it
            return target
        raise DataError(
            f"cannot copy the data to the user's data folder {target} ({exc.strerror}): "
            "set PXANALYSIS_DATA_DIR to a writable copy of it"
        ) from None
    return target


def data_root() -> Path:
    """The data folder: ``PXANALYSIS_DATA_DIR`` if set, else ``<home>/data`` (an installed
    package's user copy once it has made one, see :func:`writable_data_root`).

    It holds one folder per region (``<region>/region.yaml`` and its report
    packages ``<region>/<year>/``), the shared context packages (``shared/*/``),
    the indicator registry (``registry/``) and the extraction corpus.
    """
    override = os.environ.get("PXANALYSIS_DATA_DIR")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise DataError(f"PXANALYSIS_DATA_DIR={override} is not a directory")
        return path
    return _user_copy() or home() / "data"


def region_dir(region: str) -> Path:
    """A region's folder: ``<data>/<region>`` (its profile and report packages)."""
    return data_root() / region


def data_dir(region: str = DEFAULT_REGION) -> Path:
    """A region's folder (kept for callers of the single-region layout; see :func:`region_dir`)."""
    return region_dir(region)


def shared_dirs() -> tuple[Path, ...]:
    """The shared context packages: every ``<data>/shared/<name>/`` with a ``datapackage.json``.

    Any region may use a shared package's rows whose ``geo`` is its id (Pingxiang's
    history, Jiangxi's series and city panel, national context …).
    """
    return tuple(sorted(p.parent for p in (data_root() / "shared").glob("*/datapackage.json")))


def regions() -> tuple[str, ...]:
    """The regions with a report package under the data folder (``<region>/<year>/``)."""
    return tuple(sorted({region for region, _ in reports()}))


def report_dir(region: str, year: int) -> Path:
    """The folder of a region's report of ``year``: ``<data>/<region>/<year>``."""
    return region_dir(region) / str(year)


def reports() -> list[tuple[str, int]]:
    """Every (region, year) with a report package (``<data>/<region>/<year>/datapackage.json``)."""
    found = {
        (p.parent.parent.name, int(p.parent.name))
        for p in data_root().glob("*/[12][0-9][0-9][0-9]/datapackage.json")
    }
    return sorted(found)


def latest_year(region: str) -> int | None:
    """The year of a region's latest report package.

    Parameters
    ----------
    region : str
        A region id (``pingxiang``, ``yichun``, ...).

    Returns
    -------
    int or None
        The latest year of :func:`reports` for ``region``; None if it has none.
    """
    return max((y for r, y in reports() if r == region), default=None)


def builtin_scenario_dir() -> Path:
    """The folder of the scenario files shipped with the package."""
    return home() / "scenarios"


def builtin_scenario(name: str) -> Path:
    """The shipped scenario file of ``name``: ``<home>/scenarios/<name>.yaml`` (may not exist).

    Parameters
    ----------
    name : str
        A scenario name (``baseline``, ``optimistic`` …).

    Returns
    -------
    pathlib.Path
    """
    return builtin_scenario_dir() / f"{name}.yaml"


def user_scenario_dir() -> Path:
    """Where user scenario files live (and the explorer saves them)."""
    override = os.environ.get("PXANALYSIS_SCENARIO_DIR")
    if override:
        return Path(override)
    if os.environ.get("PXANALYSIS_HOME"):
        return home() / "scenarios"
    root = checkout()
    return root / "scenarios" if root is not None else Path.cwd() / "scenarios"


def brief_notebook() -> Path:
    """The brief notebook that papermill executes."""
    return home() / "notebooks" / "brief.ipynb"


def reports_dir() -> Path:
    """Default output folder of the briefs: ``<PXANALYSIS_HOME>/reports``, else the checkout's
    ``reports/``, else ``./reports``."""
    if os.environ.get("PXANALYSIS_HOME"):
        return home() / "reports"
    root = checkout()
    return root / "reports" if root is not None else Path.cwd() / "reports"


def package_file(relative: str) -> Path:
    """A file shipped inside the package (e.g. ``briefs/brief.css``)."""
    return Path(str(resources.files("pxanalysis").joinpath(relative)))


def display(path: Path) -> str:
    """``path`` relative to the home where it lies inside it (for manifests and messages)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(home().resolve()))
    except ValueError:
        return str(path)


def umask_mode(base: int = 0o666) -> int:
    """The mode a new file (``base`` 0o666) or folder (0o777) gets under the current umask.

    ``mkstemp`` and ``mkdtemp`` create 0600 and 0700; what they create is given
    this mode before it is published.

    Parameters
    ----------
    base : int
        0o666 for a file, 0o777 for a folder.

    Returns
    -------
    int
    """
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` whole or not at all: ``write(tmp)`` fills a temporary file beside it,
    which then gets the umask's mode and is renamed over ``path``.

    Missing parent folders are created. On any failure (``write`` raising, a
    full disk) the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    write : callable
        Called with the temporary file's path (same folder, same suffix); writes
        the content there (and may check it: raising leaves ``path`` untouched).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[Path]:
    """Hold an exclusive lock for one read-modify-write of ``path`` (or of its folder).

    Every writer that reads a data file, changes it and writes it back (``ytd add``
    appending a release, the failed-notebook record of the briefs) does so inside
    ``with paths.locked(file):``, so two at once never both read the old content and
    the second write never drops the first one's row. The lock is an ``fcntl.flock``
    on the file's folder (a folder is never replaced, while the file is, by
    :func:`atomic_write`); it is released when the block ends, or when the process
    dies. ``path`` may be a folder (then it is the one locked) or a file that does
    not exist yet (its folder must exist).

    Parameters
    ----------
    path : pathlib.Path
        The file about to be read and rewritten.

    Yields
    ------
    pathlib.Path
        ``path``.

    Raises
    ------
    DataError
        If the folder cannot be opened (missing, not a folder, not readable).
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise DataError(
            f"{folder} cannot be opened to lock {path.name} ({exc.strerror}): "
            "check that the folder exists and is readable"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the lock
