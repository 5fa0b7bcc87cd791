"""Ground against orbit: when, and at what launch price, does a shell beat a ground site?

A shell's levelized cost is affine in the launch price (the launch is mass x price; life,
capacity factor and hardware do not depend on it), so the crossover launch price solves
``orbit(p) = ground`` exactly; the crossover year is the first year the launch trajectory
(:mod:`placement.orbit.launch_prices`) reaches it. Where no launch price is low enough (the
spacecraft hardware alone costs more than the ground site), there is no crossover, and the
comparison says which spacecraft cost per kg would make one at the trajectory's last price.
A tornado ranks the orbital cost's sensitivity to launch price, spacecraft cost, cell
efficiency, life and compute mass over published or stated ranges (:data:`TORNADO_RANGES`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from placement.catalogs import load_ground_sites
from placement.catalogs.validation import InputError
from placement.device import resolve_device
from placement.ground.sites import score_sites
from placement.orbit.design import design_eclipses, shell_economics_of
from placement.orbit.launch_prices import (
    launch_usd_per_kg,
    trajectory,
    year_price_falls_to,
)
from placement.orbit.shells import load_shells
from placement.outputs.files import records_to_csv
from placement.outputs.plots import _png, _pyplot

#: Low and high values of each sensitivity, with where they come from.
TORNADO_RANGES = {
    "launch_usd_per_kg": (200.0, 3600.0, "Suncatcher: <= 200 USD/kg by ~2035; 3,600 USD/kg today (Falcon 9 reusable)"),
    "spacecraft_cost_usd_per_kg": (800.0, 3300.0, "Starlink bill of materials ~800 USD/kg (McCalip 2025 model); "
                                                  "OneWeb Gen-1 target <= 0.5 M USD per ~150 kg (SpaceNews 2016)"),
    "cell_efficiency": (0.22, 0.307, "silicon as on Starlink-class buses (Suncatcher) to triple-junction (XTJ Prime)"),
    "design_life_yr": (3.0, 10.0, "assumption: a short-lived mass-produced bus to a GEO-class life"),
    "compute_kg_per_kw": (4.0, 12.0, "assumption around 8 kg/kW (GB200 NVL72 rack ~11 kg/kW on the ground)"),
}
TORNADO_LABELS = {"launch_usd_per_kg": "launch price [USD/kg]", "spacecraft_cost_usd_per_kg": "spacecraft [USD/kg]",
                  "cell_efficiency": "cell efficiency [-]", "design_life_yr": "design life [yr]",
                  "compute_kg_per_kw": "compute mass [kg/kW]"}


@dataclass
class Comparison:
    """A ground site against a shell: both levelized costs, over launch years and prices."""
    site_id: str
    shell_id: str
    ground_lcoe_usd_per_mwh_it: float
    orbit_lcoe_usd_per_mwh_it: float
    launch_usd_per_kg: float
    #: Orbit LCOE = intercept + slope x launch price [USD/MWh_IT, USD/MWh_IT per USD/kg].
    orbit_lcoe_at_free_launch: float
    orbit_lcoe_per_launch_usd_per_kg: float
    crossover_launch_usd_per_kg: float | None
    crossover_year: int | None
    trajectory: str
    by_year: list = field(default_factory=list)
    by_price: list = field(default_factory=list)
    tornado: list = field(default_factory=list)
    #: Spacecraft cost [USD/kg] at which orbit matches the ground at the trajectory's last price.
    crossover_spacecraft_usd_per_kg: float | None = None
    last_year: int | None = None

    def to_dict(self) -> dict:
        """JSON fields (DESIGN.md compare: ``crossover_launch_usd_per_kg``, ``crossover_year``)."""
        return {"site_id": self.site_id, "shell_id": self.shell_id,
                "ground_lcoe_usd_per_mwh_it": round(self.ground_lcoe_usd_per_mwh_it, 2),
                "orbit_lcoe_usd_per_mwh_it": round(self.orbit_lcoe_usd_per_mwh_it, 2),
                "launch_usd_per_kg": round(self.launch_usd_per_kg, 2),
                "orbit_lcoe_at_free_launch_usd_per_mwh_it": round(self.orbit_lcoe_at_free_launch, 2),
                "crossover_launch_usd_per_kg": (None if self.crossover_launch_usd_per_kg is None
                                                else round(self.crossover_launch_usd_per_kg, 2)),
                "crossover_year": self.crossover_year, "trajectory": self.trajectory,
                "crossover_spacecraft_usd_per_kg": (None if self.crossover_spacecraft_usd_per_kg is None
                                                    else round(self.crossover_spacecraft_usd_per_kg, 2)),
                "crossover_spacecraft_at_year": self.last_year,
                "by_year": self.by_year, "by_price": self.by_price, "tornado": self.tornado}


#: Known ids an unknown id's message lists before "and N more".
_IDS_SHOWN = 12


def _find(items, key, wanted, what, where):
    """The first of ``items`` whose id is ``wanted`` (the scenario's before the bundled catalog's);
    else an :class:`InputError` listing the known ids, each once."""
    for item in items:
        if key(item) == wanted:
            return item
    known = sorted({key(i) for i in items})
    more = f" and {len(known) - _IDS_SHOWN} more" if len(known) > _IDS_SHOWN else ""
    raise InputError(where, what, wanted, f"unknown {what.replace('_', ' ')}; known: "
                                          f"{', '.join(known[:_IDS_SHOWN])}{more}")


def compare(scenario, site_id: str, shell_id: str, *, device: str = "auto", where: str = "command line") -> Comparison:
    """Compare ground site ``site_id`` with shell ``shell_id`` under ``scenario``'s parameters.

    Parameters
    ----------
    scenario : Scenario
        Parameters, demand and catalogs (:func:`placement.load_scenario`).
    site_id : str
        A ground site of the scenario or the bundled catalog.
    shell_id : str
        A shell of the scenario or the bundled catalog.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run.
    where : str
        What an unknown id's error names.

    Returns
    -------
    Comparison
        Both levelized costs [USD/MWh_IT], the orbit's by launch year and price, the crossover
        launch price [USD/kg] and year (None when none), and the tornado rows.

    Raises
    ------
    InputError
        An unknown site or shell id.
    """
    dev = resolve_device(device)
    site = _find(list(scenario.sites) + load_ground_sites(), lambda s: s["id"], site_id, "site_id", where)
    shell = _find(list(scenario.shells) + load_shells(), lambda s: s.id, shell_id, "shell_id", where)
    p = scenario.parameters
    ground = float(score_sites([site], scenario.demand(), parameters=p, device=dev)["lcoe_usd_per_mwh_it"][0])
    start = scenario.shell_start
    design = design_eclipses([shell], start, dev)

    def orbit(shells=(shell,), **overrides) -> float:
        return float(shell_economics_of(list(shells), design, p, dev, **overrides)["lcoe_usd_per_mwh_it"][0])

    price = p.orbit.launch_price_usd_per_kg
    base = orbit()
    intercept = orbit(launch_usd_per_kg=0.0)
    slope = (orbit(launch_usd_per_kg=1000.0) - intercept) / 1000.0
    crossover = (ground - intercept) / slope if slope > 0 and ground >= intercept else None
    event = p.orbit.heavy_reusable_year
    traj = trajectory(p.orbit.launch_trajectory, where, event)
    by_year = []
    for y in range(traj.first_year, traj.last_year + 1):
        py = launch_usd_per_kg(y, traj.name, where, event)
        by_year.append({"year": y, "launch_usd_per_kg": round(py, 1),
                        "orbit_lcoe_usd_per_mwh_it": round(intercept + slope * py, 2),
                        "ground_lcoe_usd_per_mwh_it": round(ground, 2)})
    year = year_price_falls_to(crossover, traj.name, event) if crossover is not None else None
    by_price = [{"launch_usd_per_kg": q, "orbit_lcoe_usd_per_mwh_it": round(intercept + slope * q, 2),
                 "ground_lcoe_usd_per_mwh_it": round(ground, 2)}
                for q in (0.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 3600.0, 5000.0)]
    # the spacecraft cost that would make a crossover at the trajectory's last price (also affine)
    last_price = launch_usd_per_kg(traj.last_year, traj.name, where, event)
    a0 = orbit(launch_usd_per_kg=last_price, spacecraft_cost_usd_per_kg=0.0)
    a1 = orbit(launch_usd_per_kg=last_price, spacecraft_cost_usd_per_kg=1000.0)
    per_kg = (a1 - a0) / 1000.0
    sc_cross = (ground - a0) / per_kg if per_kg > 0 and ground >= a0 else None
    tornado = []
    for name, (low, high, source) in TORNADO_RANGES.items():
        if name == "design_life_yr":
            values = [orbit(shells=(dataclasses.replace(shell, design_life_yr=v),)) for v in (low, high)]
        else:
            values = [orbit(**{name: v}) for v in (low, high)]
        tornado.append({"parameter": name, "low": low, "high": high, "lcoe_at_low_usd_per_mwh_it": round(values[0], 2),
                        "lcoe_at_high_usd_per_mwh_it": round(values[1], 2), "source": source})
    tornado.sort(key=lambda r: -abs(r["lcoe_at_high_usd_per_mwh_it"] - r["lcoe_at_low_usd_per_mwh_it"]))
    return Comparison(site_id, shell_id, ground, base, price, intercept, slope, crossover, year, traj.name,
                      by_year, by_price, tornado, sc_cross, traj.last_year)


def tornado_png(c: Comparison) -> bytes:
    """Tornado chart: the orbit's levelized cost at each parameter's low and high value (the
    others at the scenario's), widest swing on top, the ground site's cost as a line."""

    plt = _pyplot()
    rows = c.tornado[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rows) + 2.2))
    base = c.orbit_lcoe_usd_per_mwh_it
    for k, r in enumerate(rows):
        lo, hi = r["lcoe_at_low_usd_per_mwh_it"], r["lcoe_at_high_usd_per_mwh_it"]
        ax.barh(k, lo - base, left=base, color="tab:blue", height=0.6)
        ax.barh(k, hi - base, left=base, color="tab:orange", height=0.6)
        for value, setting in ((lo, r["low"]), (hi, r["high"])):
            if abs(value - base) <= 1e-9 * base:
                continue  # the scenario's own value: no bar to label
            ax.annotate(f"{setting:g}", (value, k), xytext=(4 if value >= base else -4, 0),
                        textcoords="offset points", ha="left" if value >= base else "right", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [TORNADO_LABELS[r["parameter"]] for r in rows])
    ax.axvline(base, color="k", linewidth=1)
    ax.axvline(c.ground_lcoe_usd_per_mwh_it, color="tab:green", linestyle="--", linewidth=1.5,
               label=f"{c.site_id} (ground) {c.ground_lcoe_usd_per_mwh_it:,.0f} USD/MWh")
    from matplotlib.patches import Patch

    ax.set_xlabel("orbital levelized cost [USD per MWh of IT energy]")
    ax.set_xscale("log")
    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color="tab:blue", label="parameter at its low value"),
                Patch(color="tab:orange", label="parameter at its high value")]
    ax.legend(handles=handles, fontsize=8, loc="upper left", framealpha=0.95)
    ax.set_ylim(-0.6, len(rows) + 0.9)  # room above the bars for the legend
    cross = ("no launch price alone makes it cheaper" if c.crossover_launch_usd_per_kg is None
             else f"crossover {c.crossover_launch_usd_per_kg:,.0f} USD/kg"
                  + (f" ({c.crossover_year})" if c.crossover_year else ""))
    ax.set_title(f"{c.shell_id} (orbit) vs {c.site_id} (ground)\n{base:,.0f} USD/MWh at "
                 f"{c.launch_usd_per_kg:,.0f} USD/kg launch; {cross}", fontsize=10)
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def crossover_rows_csv(c: Comparison) -> str:
    """``by_year`` as CSV text."""
    return records_to_csv(c.by_year, fields=("year", "launch_usd_per_kg", "orbit_lcoe_usd_per_mwh_it",
                                             "ground_lcoe_usd_per_mwh_it"))


__all__ = ["Comparison", "compare", "tornado_png", "TORNADO_RANGES"]
