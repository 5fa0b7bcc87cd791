"""The main job: score everything in a scenario and write all outputs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunResult:
    """What :func:`run` computed and where it wrote it."""

    scenario: object
    site_scores: object
    shell_scores: object
    files: list[Path]
    plan: object = None


def run(scenario, out_dir, *, device: str = "auto"):
    """The main job: score the scenario, assign its tenants and write every output.

    Parameters
    ----------
    scenario : Scenario
        From :func:`placement.load_scenario` or :func:`placement.default_scenario`.
    out_dir : str or pathlib.Path
        Folder for the outputs (created if missing): ``sites.csv/json``, ``sites_map.png``,
        ``shells.csv/json``, ``eclipse_seasons.png`` and, with tenants, ``plan.json``,
        ``assignments.csv``, ``plan.geojson``, ``map.png``, ``report.md``.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run.

    Returns
    -------
    Plan or None
        The assignment (costs [USD/h], MW per tenant and capacity); None without tenants.

    Raises
    ------
    InputError
        Bad scenario content found while scoring or assigning, or an unusable device.

    References
    ----------
    .. [1] ``../shared/DESIGN.md`` (the data flow and the JSON fields of every output).
    """
    return run_all(scenario, out_dir, device=device).plan


def run_all(scenario, out_dir, *, device: str = "auto") -> RunResult:
    """Score the scenario's sites and shells and write into ``out_dir`` (each file atomically):
    ``sites.csv``, ``sites.json``, ``sites_map.png``, ``shells.csv``, ``shells.json``,
    ``eclipse_seasons.png``; with tenants also the plan: ``plan.json``, ``assignments.csv``,
    ``plan.geojson``, ``map.png``, ``report.md``."""
    from placement.orbits import parse_start
    from placement.outputs import records_to_csv, records_to_json, write_atomic
    from placement.plots import eclipse_season_png, site_map_png
    from placement.shells import score_shells
    from placement.sites import score_sites

    out = Path(out_dir)
    demand = scenario.demand()
    scores = score_sites(scenario.sites, demand, parameters=scenario.parameters, device=device).order_by()
    records = scores.to_records()
    files = [
        write_atomic(out / "sites.csv", records_to_csv(records)),
        write_atomic(out / "sites.json", records_to_json(records, scenario=scenario.name, device=scores.device,
                                                          slo_rtt_ms=scores.slo_rtt_ms)),
        write_atomic(out / "sites_map.png", site_map_png(scores, demand)),
    ]
    shell_scores = None
    if scenario.shells:
        start = parse_start(str(scenario.path), scenario.shell_start_utc)
        shell_scores = score_shells(scenario.shells, demand, start=start, days=scenario.shell_days,
                                    step_s=scenario.shell_step_s, parameters=scenario.parameters,
                                    device=device).order_by()
        shell_records = shell_scores.to_records()
        meta = dict(scenario=scenario.name, device=shell_scores.device, start_utc=shell_scores.start_utc,
                    days=shell_scores.days, step_s=shell_scores.step_s)
        files += [
            write_atomic(out / "shells.csv", records_to_csv(shell_records)),
            write_atomic(out / "shells.json", records_to_json(shell_records, **meta)),
            write_atomic(out / "eclipse_seasons.png", eclipse_season_png(shell_scores)),
        ]
    plan = None
    if scenario.tenants:
        from placement.assignment import assign_problem
        from placement.plan_outputs import write_plan_outputs

        plan, problem = assign_problem(scenario, site_scores=scores, shell_scores=shell_scores)
        files += write_plan_outputs(out, plan, problem, scenario, demand)
    return RunResult(scenario, scores, shell_scores, files, plan)
