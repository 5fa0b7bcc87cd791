"""placement: where gigawatt-scale AI compute should live, and which tenant gets which capacity.

Public API (imported lazily so ``import placement`` stays fast)::

    load_scenario, default_scenario, score_sites, ground_rtt_ms, demand_points, run,
    InputError, Parameters
"""
from __future__ import annotations

import importlib

__all__ = [
    "load_scenario", "default_scenario", "score_sites", "ground_rtt_ms", "demand_points",
    "run", "InputError", "Parameters", "Scenario", "SiteScores",
]

_WHERE = {
    "load_scenario": "placement.scenario",
    "default_scenario": "placement.scenario",
    "Scenario": "placement.scenario",
    "score_sites": "placement.sites",
    "SiteScores": "placement.sites",
    "ground_rtt_ms": "placement.latency",
    "demand_points": "placement.demand",
    "run": "placement.runner",
    "InputError": "catalogs.validation",
    "Parameters": "placement.parameters",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'placement' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
