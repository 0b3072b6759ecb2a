"""Build hook: ship ``data/``, ``scenarios/`` and the brief notebook inside the wheel.

They live at the top of the checkout (where an economist reads and edits them);
a wheel carries a copy under ``pxanalysis/_resources``, which
:func:`pxanalysis.paths.home` finds when the package is installed without a
checkout. Everything else is configured in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ("data", "scenarios", "notebooks/brief.ipynb")


class BuildWithResources(build_py):
    """``build_py`` that also copies the resources into ``pxanalysis/_resources``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "pxanalysis" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        for name in RESOURCES:
            source, dest = ROOT / name, target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest, ignore=ignore)
            else:
                shutil.copy2(source, dest)


setup(cmdclass={"build_py": BuildWithResources})
