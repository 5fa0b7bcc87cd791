"""The main job: score everything in a scenario and write all outputs as one set."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from placement.ground.sites import score_sites
from placement.ground.workloads import ranked_scores, workload_records
from placement.orbit.scoring import score_shells
from placement.outputs.files import OutputSet, records_to_csv, records_to_json
from placement.outputs.plots import eclipse_season_png, site_map_png


@dataclass
class RunResult:
    """What :func:`run_all` computed and where it wrote it."""
    scenario: object
    site_scores: object
    shell_scores: object
    files: list[Path]
    plan: object = None
    out_dir: Path | None = None
    created_parent: bool = False
    period_plan: object = None


def run(scenario, out_dir, *, device: str = "auto", allow_large: bool = False, method: str = "horizon"):
    """The main job: score the scenario, assign its tenants and write every output.

    Parameters
    ----------
    scenario : Scenario
        From :func:`placement.load_scenario` or :func:`placement.default_scenario`.
    out_dir : str or pathlib.Path
        Folder for the outputs, replaced as one set (created if missing; refused if it holds
        files that are not a previous run's): ``sites.csv/json``, ``sites_map.png``,
        ``shells.csv/json``, ``eclipse_seasons.png`` and, with tenants, ``plan.json``,
        ``assignments.csv``, ``plan.geojson``, ``map.png``, ``report.md``, ``report.html`` and the plan over the
        years: ``plan_periods.csv/json``, ``capacity_value.csv``, ``timeline.png``.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run.
    allow_large : bool
        Plan even past :data:`placement.bounds.WORK_LIMITS` (otherwise :class:`InputError` before any work).
    method : {'horizon', 'rolling'}
        The plan over the years solved whole (default) or period by period (:func:`placement.plan`).

    Returns
    -------
    Plan or None
        The assignment (costs [USD/h], MW per tenant and capacity); None without tenants.

    Raises
    ------
    InputError
        Checked first, before any work: the scenario as for :func:`placement.plan` (a Scenario,
        Python-built tenants and capacity with the loader's rules; messages ``run: scenario...``),
        ``out_dir`` not a str or ``os.PathLike``, an unknown ``device``, ``allow_large`` not
        true/false, a plan past the work limits. Then: bad scenario content found while scoring
        or assigning, an unusable device, or an output folder that cannot be written or holds
        other files; the previous outputs stay whole.

    References
    ----------
    .. [1] ``../shared/DESIGN.md`` (the data flow and the JSON fields of every output).
    """
    return run_all(scenario, out_dir, device=device, allow_large=allow_large, method=method).plan


def run_all(scenario, out_dir, *, device: str = "auto", allow_large: bool = False,
            method: str = "horizon") -> RunResult:
    """:func:`run`, returning everything it computed and the files it wrote (checks as :func:`run`)."""
    from placement.catalogs.validation import require_choice, require_path
    from placement.plan import METHODS
    from placement.plan.assign import check_plan_arguments

    scenario, _, _ = check_plan_arguments("run", scenario, device=device, allow_large=allow_large)
    require_choice("run", "method", method, METHODS)
    out_dir = require_path("run", "out_dir", out_dir)
    meta = {"scenario": scenario.name, "fingerprint": scenario.fingerprint}
    if scenario.tenants and scenario.capacity:
        from placement.plan.build import check_plan_size
        from placement.plan.periods import periods_of

        check_plan_size(scenario, len(scenario.tenants), len(scenario.capacity), len(periods_of(scenario.planning)),
                        allow_large)
    outputs = OutputSet(out_dir, meta)  # refuses an unusable folder before any work
    demand = scenario.demand()
    # one order everywhere (sites.json, the maps, the terminal): the scenario's workload ranking
    scores = ranked_scores(score_sites(scenario.sites, demand, parameters=scenario.parameters, device=device),
                           scenario.workload,
                           latency_penalty_usd_per_mwh_per_ms=scenario.assignment.latency_penalty_usd_per_mwh_per_ms)
    shell_scores = None
    if scenario.shells:
        start = scenario.shell_start
        shell_scores = score_shells(scenario.shells, demand, start=start, days=scenario.shell_days,
                                    step_s=scenario.shell_step_s, parameters=scenario.parameters,
                                    device=device).order_by()
    plan = problem = period_plan = None
    if scenario.tenants:
        from placement.plan import plan_by
        from placement.plan.assign import assign_problem

        plan, problem = assign_problem(scenario, site_scores=scores, shell_scores=shell_scores, device=device,
                                       allow_large=allow_large)
        period_plan = plan_by(method, scenario, site_scores=scores, shell_scores=shell_scores, device=device,
                              allow_large=allow_large, where="run")

    files = []
    with outputs:
        records = workload_records(scores)
        files += [
            outputs.write("sites.csv", records_to_csv(records)),
            outputs.write("sites.json", records_to_json(records, **meta, device=scores.device,
                                                         slo_rtt_ms=scores.slo_rtt_ms, workload=scenario.workload)),
            outputs.write("sites_map.png", site_map_png(scores, demand)),
        ]
        if shell_scores is not None:
            shell_records = shell_scores.to_records()
            files += [
                outputs.write("shells.csv", records_to_csv(shell_records)),
                outputs.write("shells.json", records_to_json(
                    shell_records, **meta, device=shell_scores.device, start_utc=shell_scores.start_utc,
                    days=shell_scores.days, step_s=shell_scores.step_s)),
                outputs.write("eclipse_seasons.png", eclipse_season_png(shell_scores)),
            ]
        if plan is not None:
            from placement.plan.outputs import write_period_outputs, write_plan_outputs

            files += write_plan_outputs(outputs.write, plan, problem, scenario, demand, site_scores=scores,
                                      shell_scores=shell_scores, period_plan=period_plan)
            files += write_period_outputs(outputs.write, period_plan)
    return RunResult(scenario, scores, shell_scores, files, plan, Path(out_dir), outputs.created_parent,
                     period_plan)
