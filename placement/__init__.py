"""placement: where gigawatt-scale AI compute should live, and which tenant gets which capacity.

Public API (imported lazily so ``import placement`` stays fast)::

    load_scenario, default_scenario, score_sites, score_shells, ground_rtt_ms, demand_points,
    build_graph, assign, plan, build_plan_graph, run, InputError, Parameters, make_shell, load_shells
"""
from __future__ import annotations

import importlib

__all__ = [
    "load_scenario", "default_scenario", "score_sites", "score_shells", "ground_rtt_ms", "demand_points",
    "run", "InputError", "Parameters", "Scenario", "SiteScores", "ShellScores", "Shell", "make_shell",
    "load_shells", "sun_synchronous_inclination_deg", "build_graph", "assign", "Plan", "plan", "build_plan_graph",
    "MultiPeriodPlan",
]

_WHERE = {
    "load_scenario": "placement.scenario",
    "default_scenario": "placement.scenario",
    "Scenario": "placement.scenario",
    "score_sites": "placement.sites",
    "SiteScores": "placement.sites",
    "ground_rtt_ms": "placement.latency",
    "score_shells": "placement.shells",
    "build_graph": "placement.plan.assign",
    "assign": "placement.plan.assign",
    "Plan": "placement.plan.model",
    "build_plan_graph": "placement.plan",
    "MultiPeriodPlan": "placement.plan.over_time",
    "ShellScores": "placement.shells",
    "Shell": "placement.orbits",
    "make_shell": "placement.orbits",
    "load_shells": "placement.orbits",
    "sun_synchronous_inclination_deg": "placement.orbits",
    "demand_points": "placement.demand",
    "run": "placement.runner",
    "InputError": "placement.catalogs.validation",
    "Parameters": "placement.parameters",
}


def __getattr__(name: str):
    if name == "plan":  # the planning subpackage, which is callable as the function plan(scenario)
        return importlib.import_module("placement.plan")
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'placement' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
