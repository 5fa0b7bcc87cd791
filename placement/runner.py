"""The main job: score everything in a scenario and write all outputs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunResult:
    """What :func:`run` computed and where it wrote it."""

    scenario: object
    site_scores: object
    files: list[Path]


def run(scenario, out_dir, *, device: str = "auto") -> RunResult:
    """Score the scenario's sites and write ``sites.csv``, ``sites.json`` and ``sites_map.png``
    into ``out_dir`` (each written atomically)."""
    from placement.outputs import records_to_csv, records_to_json, write_atomic
    from placement.plots import site_map_png
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
    return RunResult(scenario, scores, files)
