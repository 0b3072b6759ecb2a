"""pyproject, environment.yml and the lock file agree."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pyproject = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = [d for d in env if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    assert {_name(d): d for d in pyproject} == {_name(d): d for d in conda}


def test_lock_pins_exact_versions_of_what_nbval_compares():
    lock = (ROOT / "requirements/lock.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lock if "==" in line)
    pins = {k.lower().replace("_", "-"): v for k, v in pins.items()}
    for package in ("pandas", "matplotlib", "matplotlib-inline", "numpy", "statsmodels", "nbval"):
        assert re.fullmatch(r"\d+(\.\d+)+", pins[package]), package
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert _name(dep) in pins, f"{dep} is not pinned in requirements/lock.txt"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    assert "set -euo pipefail" in ci and "make test" in ci
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make brief" in (ROOT / "README.md").read_text()


def test_vocabulary_mirrors_the_engine_registries():
    from pxanalysis import data, vocab
    from pxanalysis.engine import methods

    assert vocab.METHODS == tuple(methods.METHODS)
    assert data.target_ids() == vocab.TARGET_IDS == tuple(data.targets().index)


def test_notebook_parameters_cells_match_the_spec():
    import papermill as pm

    from pxanalysis import params

    for notebook, spec in (("brief", "brief"), ("projections_2024", "projections")):
        inferred = pm.inspect_notebook(str(ROOT / "notebooks" / f"{notebook}.ipynb"))
        assert tuple(inferred) == params.NOTEBOOK_PARAMS[spec]
        for name, info in inferred.items():
            assert info["help"], f"{notebook}.{name} has no help comment"
            assert info["inferred_type_name"] == params.PARAMS[name].type.__name__
            assert repr(params.PARAMS[name].default).replace("'", '"') == info["default"]


def _lab_command(*overrides: str) -> str:
    """The command ``make lab`` would run (``make -n``: printed, nothing run)."""
    import subprocess

    result = subprocess.run(["make", "-n", "--no-print-directory", "lab", *overrides], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return next(line for line in result.stdout.splitlines() if "jupyter lab" in line)


def test_make_lab_allows_root_only_when_run_as_root():
    import os

    assert ("--allow-root" in _lab_command()) == (os.geteuid() == 0)
    assert "--allow-root" in _lab_command("EFFECTIVE_UID=0")
    assert "--allow-root" not in _lab_command("EFFECTIVE_UID=1000")


#: Debian 12's python3: the README's "fresh Debian" newcomer builds .venv with it.
DEBIAN_12_PYTHON = "3.11.2"


def test_every_locked_version_installs_on_debian_12s_python():
    """`make setup` on a fresh Debian 12 makes .venv with its python3 (3.11.2): a pin whose
    release requires a newer Python (soupsieve 4.1 wants >= 3.11.5; 3.0.1 was yanked for
    Python < 3.11.5) makes setup fail there.
    Read from the installed packages' own metadata (Requires-Python)."""
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    pins = dict(
        re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", line).groups()
        for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines()
        if re.match(r"[A-Za-z0-9_.\-]+==", line)
    )
    bad, checked = [], 0
    for name, version in pins.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        checked += 1
        if dist.version != version:
            bad.append(f"{name}: {dist.version} installed, the lock pins {version} (make setup)")
            continue
        wanted = dist.metadata.get("Requires-Python") or ""
        if wanted and DEBIAN_12_PYTHON not in SpecifierSet(wanted):
            bad.append(f"{name}=={version} requires Python {wanted}")
    assert checked >= 100, f"only {checked} locked packages are installed here"
    assert not bad, "; ".join(bad)
