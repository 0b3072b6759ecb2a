"""``pxanalysis --version``: the installed distribution's version, else the checkout's."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

import pxanalysis
from pxanalysis import cli


def test_version_prints_the_package_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"pxanalysis {cli.package_version()}"


def test_version_comes_from_the_installed_metadata(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.8.7")
    assert cli.package_version() == "9.8.7"


def test_version_falls_back_to_pyprojects_version_without_metadata(monkeypatch):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    # pyproject.toml's version is dynamic: read from pxanalysis.__version__
    assert cli.package_version() == pxanalysis.__version__


@pytest.mark.slow
def test_version_from_the_command_line():
    result = subprocess.run([sys.executable, "-m", "pxanalysis.cli", "--version"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("pxanalysis ")
