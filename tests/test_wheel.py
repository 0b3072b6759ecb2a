"""Installed from a wheel, into an environment without the checkout, the package works."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def _run(cmd, cwd, env=None, timeout=600):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{cmd} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed; its dependencies come from the project's venv.

    The project venv's site-packages is added by a ``.pth`` line (so its own ``.pth``
    files, the editable install among them, are not processed): the checkout is
    never on ``sys.path``. The dependencies' data files (nbconvert's templates) are
    found through ``JUPYTER_PATH``, as they would be in their own prefix.
    """
    tmp = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "-w", str(tmp / "dist"), str(ROOT)], cwd=tmp)  # fmt: skip
    wheel = next((tmp / "dist").glob("pxanalysis-*.whl"))
    env_dir = tmp / "env"
    _run([sys.executable, "-m", "venv", str(env_dir)], cwd=tmp)
    python = env_dir / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=tmp).stdout.strip()  # fmt: skip
    Path(site, "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # a PYTHONPATH to a checkout would let pip see its egg-info and skip the install
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PXANALYSIS_", "PYTHONPATH"))}
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        PYTHONHASHSEED="0",
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
    )
    _run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp, env=env,
    )  # fmt: skip
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return env_dir, env, elsewhere


def test_the_wheel_carries_its_data_and_not_the_checkout(installed):
    env_dir, env, elsewhere = installed
    probe = (
        "import sys, pxanalysis, pxanalysis.paths as p; from pxanalysis import data;"
        "print(pxanalysis.__file__); print(p.home()); print(len(data.targets()));"
        f"print(any(s.rstrip('/') == {str(ROOT)!r} for s in sys.path))"
    )
    out = _run([str(env_dir / "bin" / "python"), "-c", probe], cwd=elsewhere, env=env).stdout
    file, home, n, checkout_on_path = out.split()
    assert file.startswith(str(env_dir)) and home.startswith(str(env_dir))
    assert n == "9" and checkout_on_path == "False"


def test_project_and_brief_run_from_another_directory(installed):
    env_dir, env, elsewhere = installed
    pxa = str(env_dir / "bin" / "pxanalysis")
    _run([pxa, "project", "--scenario", "baseline", "--to", "x.csv"], cwd=elsewhere, env=env)
    assert "gdp" in (elsewhere / "x.csv").read_text(encoding="utf-8-sig")
    out = elsewhere / "briefs"
    _run([pxa, "brief", "--scenario", "baseline", "--out", str(out)], cwd=elsewhere, env=env)
    assert (out / "2024/baseline/brief.pdf").read_bytes()[:5] == b"%PDF-"


def test_extract_runs_from_the_wheel(installed):
    """Every subpackage is in the wheel: ``pxanalysis extract`` drafts the shipped Pingxiang text."""
    env_dir, env, elsewhere = installed
    home = _run([str(env_dir / "bin" / "python"), "-c", "import pxanalysis.paths as p; print(p.home())"],
                cwd=elsewhere, env=env).stdout.strip()  # fmt: skip
    text = Path(home, "data", "pingxiang", "2024", "report_highlights.txt")
    out = elsewhere / "drafted"
    done = _run(
        [str(env_dir / "bin" / "pxanalysis"), "extract", str(text), "--region", "pingxiang",
         "--year", "2024", "--out", str(out)],
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert "valid" in done.stdout
    for name in ("datapackage.json", "figures.csv", "targets.csv", "REVIEW.md"):
        assert (out / name).is_file(), name
