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
    "score_sites": "placement.ground.sites",
    "SiteScores": "placement.ground.sites",
    "ground_rtt_ms": "placement.latency",
    "score_shells": "placement.orbit.scoring",
    "build_graph": "placement.plan.assign",
    "assign": "placement.plan.assign",
    "Plan": "placement.plan.model",
    "build_plan_graph": "placement.plan",
    "MultiPeriodPlan": "placement.plan.over_time",
    "ShellScores": "placement.orbit.scoring",
    "Shell": "placement.orbit.shells",
    "make_shell": "placement.orbit.shells",
    "load_shells": "placement.orbit.shells",
    "sun_synchronous_inclination_deg": "placement.orbit.shells",
    "demand_points": "placement.earth.demand",
    "run": "placement.runner",
    "InputError": "placement.errors",
    "Parameters": "placement.parameters",
}


def lazy_exports(namespace: dict, where: dict):
    """``__getattr__`` and ``__dir__`` for a package whose public names live in its modules.

    ``where`` maps each public name to the module that defines it; the module is imported on first
    use, so importing a package (or one of its modules) never imports the rest of it."""

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__


_getattr, __dir__ = lazy_exports(globals(), _WHERE)


def __getattr__(name: str):
    if name == "plan":  # the planning subpackage, which is callable as the function plan(scenario)
        return importlib.import_module("placement.plan")
    return _getattr(name)
