"""Which briefs to render: scenario names and files resolved and validated before anything runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pxanalysis import params, paths
from pxanalysis.errors import ParameterError, check_name
from pxanalysis.vocab import BUILTIN_SCENARIOS, SCENARIOS, SHIPPED_SCENARIO_FILES


@dataclass
class Job:
    """One brief to render: its validated parameters."""

    name: str
    parameters: dict
    source: str = ""


def scenario_files() -> list[Path]:
    """Every scenario file: the shipped ones in their order, then the user's by name."""
    shipped = [paths.builtin_scenario_dir() / f"{name}.yaml" for name in SHIPPED_SCENARIO_FILES]
    shipped = [p for p in shipped if p.is_file()]
    user_dir = paths.user_scenario_dir()
    user = sorted(p for p in user_dir.glob("*.yaml") if p.stem not in SHIPPED_SCENARIO_FILES)
    seen = {p.resolve() for p in shipped}
    return shipped + [p for p in user if p.resolve() not in seen]


def plan(
    scenario: str | None = None, params_file: str | None = None, lang: str | None = None
) -> list[Job]:
    """Validate everything and return the briefs to render; nothing runs yet.

    Raises
    ------
    ParameterError
        For any bad scenario name, parameter or scenario file.
    """
    if scenario is None:
        scenario = "from-file" if params_file else "baseline"
    if scenario == "all":
        if params_file:
            raise ParameterError(
                "--scenario all renders every scenario file; do not combine with --params"
            )
        sources = scenario_files()
    elif params_file:
        sources = [Path(params_file)]
    elif scenario in BUILTIN_SCENARIOS:
        sources = [paths.builtin_scenario_dir() / f"{scenario}.yaml"]
    elif scenario in SCENARIOS:
        raise ParameterError(f"scenario {scenario!r} needs --params FILE.yaml with its assumptions")
    else:
        check_name(scenario, (*SCENARIOS, "all"), "scenario")
    jobs = []
    for path in sources:
        values = params.read_file(path)
        if params_file and scenario not in ("all", "from-file"):
            check_name(scenario, (*SCENARIOS, "all"), "scenario")
            if values.setdefault("scenario", scenario) != scenario:
                raise ParameterError(
                    f"--scenario {scenario} disagrees with scenario: {values['scenario']} in {path}"
                )
        if lang:
            values["lang"] = lang
        full = params.resolve_brief(values)  # the notebook does the same check
        jobs.append(Job(name=full["scenario"], parameters=values, source=str(path)))
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ParameterError(f"two scenario files render the same scenario: {names}")
    return jobs


@dataclass
class Outcome:
    """What happened to one brief."""

    name: str
    ok: bool
    outputs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    error: str = ""
    failed_notebook: str = ""
