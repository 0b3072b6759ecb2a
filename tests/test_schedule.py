"""Scheduled runs work only when something changed: no-op runs, one-release rebuilds, --force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pxanalysis import cli
from pxanalysis.briefs import inputs, pipeline

from .conftest import ROOT, copy_data

pytestmark = pytest.mark.slow
PXA = str(Path(sys.executable).parent / "pxanalysis")


def run(args, env):
    result = subprocess.run([PXA, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A data copy, a user scenario dated August 2024, and every brief rendered once."""
    tmp = tmp_path_factory.mktemp("schedule")
    copy_data(tmp / "data")
    user = tmp / "scenarios"
    user.mkdir()
    (user / "august.yaml").write_text("scenario: baseline\nas_of: '2024-08-31'\n", encoding="utf-8")
    marker = tmp / "chromium-started"
    wrapper = tmp / "chromium"
    wrapper.write_text(f'#!/bin/bash\ntouch "{marker}"\nexec /usr/bin/chromium "$@"\n')
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PXANALYSIS_")}
    env.update(PYTHONHASHSEED="0", PXANALYSIS_DATA_DIR=str(tmp / "data"),
               PXANALYSIS_SCENARIO_DIR=str(user), PXANALYSIS_CHROMIUM=str(wrapper))  # fmt: skip
    out = tmp / "out"
    first = run(["brief", "--scenario", "all", "--out", str(out)], env)
    assert first.returncode == 0, first.stderr[-2000:]
    return {"env": env, "out": out, "marker": marker, "tmp": tmp}


def _pdfs(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in (out / "2024").glob("*/brief.pdf")}


def test_an_unchanged_run_starts_no_kernel_or_chromium(world):
    world["marker"].unlink()
    before = _pdfs(world["out"])
    manifest = (world["out"] / "2024/manifest.json").read_bytes()
    start = time.monotonic()
    result = run(["brief", "--scenario", "all", "--out", str(world["out"])], world["env"])
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("unchanged") == 6 and time.monotonic() - start < 30
    assert not world["marker"].exists()  # chromium never started
    assert "Kernel" not in result.stderr  # nor a kernel
    assert _pdfs(world["out"]) == before
    assert (world["out"] / "2024/manifest.json").read_bytes() == manifest


def test_no_kernel_is_even_imported_for_a_no_op(world, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("render was called")

    monkeypatch.setattr(pipeline, "render", boom)
    for key in ("PXANALYSIS_DATA_DIR", "PXANALYSIS_SCENARIO_DIR", "PXANALYSIS_CHROMIUM"):
        monkeypatch.setenv(key, world["env"][key])
    inputs.clear_cache()
    assert cli.main(["brief", "--scenario", "all", "--out", str(world["out"])]) == 0


def test_one_release_rebuilds_only_the_briefs_it_affects(world):
    env, out = world["env"], world["out"]
    before = _pdfs(out)
    added = run(["ytd", "add", "--indicator", "industrial_value_added", "--through", "4",
                 "--growth", "9.1", "--published", "2024-05-20", "--source", "test release",
                 "--quote", "1-4月,全市规模以上工业增加值同比增长9.1%"], env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    result = run(["brief", "--scenario", "all", "--out", str(out)], env)
    assert result.returncode == 0, result.stderr[-2000:]
    after = _pdfs(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"august"}  # dated after the release; the January briefs are not
    assert result.stdout.count("unchanged") == 5
    text = subprocess.run(["pdftotext", str(out / "2024/august/brief.pdf"), "-"],
                          capture_output=True, text=True).stdout  # fmt: skip
    assert "9.1" in text
    manifest = json.loads((out / "2024/manifest.json").read_text())
    assert manifest["scenarios"]["august"]["as_of"] == "2024-08-31"


def test_force_rebuilds_everything(world):
    result = run(["brief", "--scenario", "baseline", "--force", "--out", str(world["out"])],
                 world["env"])  # fmt: skip
    assert result.returncode == 0 and "unchanged" not in result.stdout
