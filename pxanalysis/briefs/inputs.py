"""What a brief depends on, hashed: a scheduled run rebuilds only the briefs whose inputs changed.

A brief's inputs are its parameters (as resolved), the package (its code,
stylesheet and brief notebook, and version) and its *information set*: every
data file, with the tables that date their rows (``known_from``) cut at the
brief's ``as_of``. A release published after a brief's date therefore does not
change that brief's inputs: a new monthly release rebuilds only the briefs
dated after it. The hash is recorded in the manifest; a run whose inputs and
published outputs match it skips the brief without starting a kernel or chromium.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from pxanalysis import __version__, params, paths
from pxanalysis.briefs import publish
from pxanalysis.briefs.plan import Job
from pxanalysis.briefs.publish import OUTPUTS, read_manifest, recorded_hashes, sha256
from pxanalysis.data import loaders

#: Tables whose rows carry the date they became known.
DATED_TABLES = ("history_observations", "city_panel", "monthly_releases", "target_outcomes")


@functools.lru_cache(maxsize=32)
def information_hash(as_of: str, report_dir: Path | None = None) -> str:
    """sha256 of the data as known on ``as_of`` (dated tables cut, other files whole;
    report packages dated after it left out), and of the report package in ``report_dir``."""
    dated = {
        base / r["path"]: (base, r["name"])
        for base, descriptor in loaders.datapackages().items()
        for r in descriptor["resources"]
        if r["name"] in DATED_TABLES
    }
    later = set()
    if report_dir is not None and Path(report_dir).is_dir():
        packages = publish.region_packages(Path(report_dir))
        own = next((d for d, files in packages if files[0].parent == Path(report_dir)), "")
        cut = as_of or own
        for date, files in packages:
            if date > cut and files[0].parent != Path(report_dir):
                later.update(files)
    digest = hashlib.sha256()
    for file in publish.data_files(report_dir):  # the files the manifest records
        if file in later:
            continue
        digest.update(file.name.encode())  # not its path: a moved data folder is the same data
        if file in dated:
            base, name = dated[file]
            table = loaders.known_by(loaders.table_of(name, base), as_of)
            digest.update(table.to_csv(index=False).encode())
        else:
            digest.update(file.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def package_hash() -> str:
    """sha256 of the package's code, stylesheet and brief notebook, and its version."""
    digest = hashlib.sha256(__version__.encode())
    root = paths.package_file("")
    for file in sorted(root.rglob("*")):
        if file.suffix in (".py", ".css") and "_resources" not in file.parts:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    digest.update(paths.brief_notebook().read_bytes())
    return digest.hexdigest()


def inputs_hash(job: Job) -> str:
    """The hash of everything ``job``'s brief depends on."""
    resolved = params.resolve_brief(job.parameters)
    text = json.dumps(resolved, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(text.encode())
    digest.update(information_hash(resolved["as_of"], job.report_dir).encode())
    digest.update(package_hash().encode())
    return digest.hexdigest()


def unchanged(jobs: list[Job], out: Path) -> dict[tuple[str, str], str]:
    """The briefs of ``jobs`` that need no rebuild: ``{(folder, name): inputs hash}``.

    A brief needs none when the manifest records the same inputs hash for it and
    its published files still have the hashes the manifest recorded.
    """
    same = {}
    manifests: dict[Path, dict] = {}  # one read per report folder, not per brief
    for job in jobs:
        manifest_path = Path(out) / job.folder / "manifest.json"
        if manifest_path not in manifests:
            manifests[manifest_path] = read_manifest(manifest_path, keep_aside=False)
        entry = manifests[manifest_path]["scenarios"].get(job.name, {})
        recorded = recorded_hashes(entry)
        folder = Path(out) / job.folder / job.name
        if entry.get("inputs_sha256") != job.inputs:
            continue
        try:
            kept = all((folder / name).is_file() and recorded.get(name) == sha256(folder / name)
                       for name in OUTPUTS)  # fmt: skip
        except OSError:  # an unreadable brief is rebuilt
            kept = False
        if kept:
            same[(job.folder, job.name)] = job.inputs
    return same


def clear_cache() -> None:
    """Forget the cached hashes and commit (after editing data or code in a session)."""
    information_hash.cache_clear()
    package_hash.cache_clear()
    publish.clear_cache()
