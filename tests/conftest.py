"""Shared fixtures. Tests run with PYTHONHASHSEED=0 and matplotlib's Agg backend."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# reproducible property tests: the same examples on every run and machine
settings.register_profile("pxanalysis", derandomize=True, print_blob=True)
settings.load_profile("pxanalysis")

ROOT = Path(__file__).resolve().parents[1]
#: The data folder (regions, shared packages, registry) and Pingxiang's region folder.
DATA_ROOT = ROOT / "data"
DATA = DATA_ROOT / "pingxiang"
#: The shared context package of Jiangxi (Pingxiang's history, the city panel, releases).
JIANGXI = DATA_ROOT / "shared" / "jiangxi"
SHARED = ROOT.parent / "shared"
#: Folders of data/ that no loader reads (the extraction corpus): left out of copies.
NOT_COPIED = ("extract_gold", "corpus")


def copy_data(target: Path) -> Path:
    """A copy of the data folder at ``target`` (without the extraction corpus)."""
    shutil.copytree(DATA_ROOT, target, ignore=lambda d, names: [n for n in names if
                    Path(d) == DATA_ROOT and n in NOT_COPIED])  # fmt: skip
    return target


def pytest_collection_finish(session):
    # pytest exits 5 on an empty collection; make the reason explicit instead of
    # letting a path typo or an over-eager -m/-k pass for "nothing to test".
    if not session.items and not os.environ.get("PXANALYSIS_ALLOW_EMPTY"):
        raise pytest.UsageError(
            "no tests collected: check the paths, -k and -m options "
            "(set PXANALYSIS_ALLOW_EMPTY=1 if that is really intended)"
        )


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the data folder, used by the loaders for one test (its root)."""
    from pxanalysis import data

    target = copy_data(tmp_path / "data")
    monkeypatch.setenv("PXANALYSIS_DATA_DIR", str(target))
    data.clear_cache()
    yield target
    data.clear_cache()


# --------------------------------------------------------------------------- the wheel


def run_ok(cmd, cwd, env=None, timeout=600):
    """Run ``cmd``; fail the test with its output unless it exits 0."""
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{cmd} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed; its dependencies come from the project's venv.

    The project venv's site-packages is added by a ``.pth`` line (so its own ``.pth``
    files, the editable install among them, are not processed): the checkout is
    never on ``sys.path``. The dependencies' data files (nbconvert's templates) are
    found through ``JUPYTER_PATH``, as they would be in their own prefix.
    """
    tmp = tmp_path_factory.mktemp("wheel")
    run_ok([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "-w", str(tmp / "dist"), str(ROOT)], cwd=tmp)  # fmt: skip
    wheel = next((tmp / "dist").glob("pxanalysis-*.whl"))
    env_dir = tmp / "env"
    run_ok([sys.executable, "-m", "venv", str(env_dir)], cwd=tmp)
    python = env_dir / "bin" / "python"
    site = run_ok([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=tmp).stdout.strip()  # fmt: skip
    Path(site, "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # a PYTHONPATH to a checkout would let pip see its egg-info and skip the install
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PXANALYSIS_", "PYTHONPATH"))}
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        PYTHONHASHSEED="0",
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
    )
    run_ok(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp, env=env,
    )  # fmt: skip
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return env_dir, env, elsewhere


# --------------------------------------------------------------------------- fault table

FAULTS: list[dict] = []


@pytest.fixture
def fault(request):
    """Record a fault case for the table printed at the end: ``fault(case, expected)``.

    Returns a dict; the test sets ``observed`` as it checks the behaviour. A test
    that fails before setting it shows ``FAILED`` in the table.
    """
    rows = []

    def record(case: str, expected: str) -> dict:
        row = {"case": case, "expected": expected, "observed": "FAILED (see the test)"}
        rows.append(row)
        return row

    yield record
    FAULTS.extend(rows)


def pytest_terminal_summary(terminalreporter):
    if not FAULTS:
        return
    terminalreporter.section("faults: case | expected | observed")
    width = max(len(r["case"]) for r in FAULTS)
    for row in FAULTS:
        terminalreporter.write_line(
            f"{row['case']:<{width}} | {row['expected']} | {row['observed']}"
        )
