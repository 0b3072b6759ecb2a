"""The house's layers: one-way imports, one exception tree, one place for paths."""

from __future__ import annotations

import ast
import importlib
import inspect
import pickle
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pxanalysis
from pxanalysis import cli, errors

from .conftest import ROOT

PACKAGE = ROOT / "pxanalysis"
BIN = Path(sys.executable).parent


def _modules():
    for info in pkgutil.walk_packages(pxanalysis.__path__, "pxanalysis."):
        yield importlib.import_module(info.name)


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "_resources" not in p.parts)


def test_no_path_arithmetic_outside_paths():
    offenders = []
    for path in _sources():
        if path.name == "paths.py" and path.parent == PACKAGE:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"__file__", r"\.parents\[", r"\.parent\.parent"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_no_public_exception_class_outside_errors():
    offenders = []
    for module in _modules():
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
                and module.__name__ != "pxanalysis.errors"
                and not name.startswith("_")
            ):
                offenders.append(f"{module.__name__}.{name}")
    assert offenders == []


def test_every_error_is_a_pxerror_and_survives_pickling():
    classes = [
        c for c in vars(errors).values() if inspect.isclass(c) and issubclass(c, BaseException)
    ]
    assert len(classes) >= 15
    samples = {
        errors.UnknownNameError: ("indicator", "gpd", ("gdp", "retail_sales")),
        errors.DataValidationError: (Path("f.csv"), 3, "value", "'x' is not a number"),
    }
    for cls in classes:
        assert issubclass(cls, errors.PxError)
        error = cls(*samples.get(cls, ("something went wrong",)))
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is cls and str(back) == str(error) and vars(back) == vars(error)


def test_the_unknown_name_check_suggests_the_nearest_name():
    with pytest.raises(errors.UnknownNameError) as info:
        errors.check_name("retial_sales", ("gdp", "retail_sales"), "indicator")
    assert str(info.value) == (
        "unknown indicator 'retial_sales' (did you mean 'retail_sales'?); allowed: gdp, retail_sales"
    )
    assert info.value.exit_code == errors.EXIT_USAGE and isinstance(info.value, ValueError)


def test_unknown_names_are_reported_in_one_place():
    written = [
        f"{p.relative_to(ROOT)}"
        for p in _sources()
        if p.name != "errors.py" and re.search(r"""f["']unknown """, p.read_text(encoding="utf-8"))
    ]
    assert written == []


def test_usage_errors_exit_2_and_data_errors_exit_1(tmp_path, capsys, monkeypatch, data_copy):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert cli.main(["project", "--scenario", "baseline", "--method", "mena", "--to", "x.csv"]) == 2
    assert "did you mean 'mean'?" in capsys.readouterr().err
    figures = data_copy / "pingxiang/2024/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",5.5,5.5,", ",5.5,x,", 1))
    assert cli.main(["project", "--scenario", "baseline", "--to", "x.csv"]) == 1
    assert "figures.csv, row 63" in capsys.readouterr().err
    assert list(work.iterdir()) == []


def _lint_imports(package_root: Path) -> subprocess.CompletedProcess:
    env = {"PATH": str(BIN), "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [str(BIN / "lint-imports"), "--config", str(ROOT / "pyproject.toml")],
        cwd=package_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_hold_and_catch_an_upward_import(tmp_path):
    assert _lint_imports(ROOT).returncode == 0
    shutil.copytree(PACKAGE, tmp_path / "pxanalysis", ignore=shutil.ignore_patterns("__pycache__"))
    growth = tmp_path / "pxanalysis/engine/growth.py"
    growth.write_text(growth.read_text() + "\nfrom pxanalysis.present import labels  # noqa\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "pxanalysis.engine.growth -> pxanalysis.present.labels" in broken.stdout


def test_every_module_has_a_docstring():
    missing = [m.__name__ for m in _modules() if not (m.__doc__ or "").strip()]
    assert missing == []


def test_module_sources_parse():
    for path in _sources():
        ast.parse(path.read_text(encoding="utf-8"))
