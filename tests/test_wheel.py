"""Installed from a wheel, into an environment without the checkout, the package works."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT
from .conftest import run_ok as _run

pytestmark = pytest.mark.slow


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
