"""GPU fleets: capacity counted in GPUs by generation, what they draw, what they earn per GPU-hour,
how they lose value, and where a homogeneous training block fits.

The figures come from the GPU catalog (:mod:`placement.catalogs.gpus`, every row sourced):

* **Power.** A fleet's IT power [MW] is the sum over generations of GPUs x all-in IT power per GPU
  (GPU, host and network share) / 1000; it may not exceed its site's power.
* **Spares.** A large training job loses GPUs to hardware faults: Meta's Llama 3 run saw 419
  unexpected interruptions in 54 days on 16,384 H100 (Dubey et al. 2024, "The Llama 3 Herd of
  Models", arXiv:2407.21783, section 3.3.4), about 78 % of them hardware. With a failed server
  (``GPUS_PER_SERVER`` GPUs) out for ``repair_days``, the share of GPUs down at any time is
  ``rate x hardware share x GPUs per server x repair days`` (Little's law): those are held as spares
  and cannot be promised. No published rate distinguishes generations, so one rate serves all.
* **Rental prices.** Per generation, kind (``contract`` or ``on_demand``) and year: the median of
  that year's published points; before the first published year, the first year's median; after
  the last, the last year's median falling by the published yearly decline
  (``rental_price_decline_per_year``). A kind with no points of its own takes the other kind's
  curve (on-demand less the published one-year commitment discount, or a contract grossed up by it);
  a generation with no points at all (``own``) is priced as H100-equivalents of the H100 curve.
* **Depreciation.** Straight line over the generation's useful life down to the catalog's residual
  value fraction; nothing after the life ends.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field

import numpy as np

from placement.catalogs.gpus import PRICE_KINDS, load_gpu_economics, load_gpu_generations, load_gpu_prices
from placement.errors import InputError

__all__ = ["gpu_pools", "fitted_pool", "pool_spec", "gpus_in_mw", "fitted_gpu_usd_per_mwh_it", "promised_gpus",
           "check_fleet_power",
           "fleet_depreciation_usd", "unit_mw_of", "gpu_price_usd_per_hour", "GPUS_PER_SERVER", "REPAIR_DAYS", "GpuFleet", "spare_fraction", "rental_price_usd_per_gpu_hour",
           "depreciation_usd_per_year", "book_value_usd", "fleet_it_mw", "largest_homogeneous_block",
           "homogeneous_block_fits", "revenue_usd", "HOURS_PER_YEAR"]

#: GPUs in one server (HGX/DGX 8-GPU baseboard): a hardware fault takes the server out.
GPUS_PER_SERVER = 8
#: Days a failed server is out (replace, burn in, return) [days] (an assumption, stated).
REPAIR_DAYS = 3.0
HOURS_PER_YEAR = 8760.0


def unit_mw_of(tenant) -> float:
    """MW of IT one unit of a tenant's demand draws: 1 for a tenant counted in MW; for a tenant
    counted in GPUs, the all-in kW / 1000 of its first listed generation (H100 when it lists none).
    What a GPU tenant pays per unit moved or expelled, and its unserved price, are its MW rates
    times this."""
    if not getattr(tenant, "gpus", 0):
        return 1.0
    gens = load_gpu_generations()
    return gens[tenant.generations[0] if tenant.generations else "H100"].it_power_kw_per_gpu / 1000.0


def gpu_price_usd_per_hour(tenant, year: int) -> float:
    """What a GPU tenant pays [USD per GPU-hour]: its ``price_usd_per_gpu_hour``; in-house work (no
    price) is valued at the contract market price of its first listed generation (H100 when it lists
    none) in ``year``, so leasing or using in-house follows the price curve; else 0."""
    if tenant.price_usd_per_gpu_hour is not None:
        return float(tenant.price_usd_per_gpu_hour)
    if tenant.tenant_class == "internal":
        return rental_price_usd_per_gpu_hour(tenant.generations[0] if tenant.generations else "H100", year)
    return 0.0


@functools.lru_cache(maxsize=64)
def spare_fraction(repair_days: float = REPAIR_DAYS) -> float:
    """Share of a fleet's GPUs held as spares [-] (module docstring: Little's law on the published
    interruption rate of large training jobs)."""
    eco = load_gpu_economics()
    rate = eco["training_interruptions_per_gpu_day"].value
    hardware = eco["training_interruptions_hardware_share"].value
    return min(rate * hardware * GPUS_PER_SERVER * float(repair_days), 1.0)


def promised_gpus(installed: int, repair_days: float = REPAIR_DAYS) -> int:
    """GPUs that can be promised of ``installed``: less the spares (:func:`spare_fraction`, rounded up)."""
    return int(installed) - math.ceil(int(installed) * spare_fraction(repair_days))


@functools.lru_cache(maxsize=256)
def _median_by_year(generation: str, kind: str) -> dict:
    points = {}
    for p in load_gpu_prices():
        if p.generation == generation and p.kind == kind:
            points.setdefault(p.year, []).append(p.usd_per_gpu_hour)
    return {y: float(np.median(v)) for y, v in sorted(points.items())}


def _along_curve(medians: dict, year: int, decline: float) -> float:
    years = sorted(medians)
    if year <= years[0]:
        return medians[years[0]]
    if year in medians:
        return medians[year]
    before = max(y for y in years if y < year)
    if before == years[-1]:
        return medians[before] * (1.0 - decline) ** (year - before)
    return medians[before]  # a year between published ones: the price last published


@functools.lru_cache(maxsize=4096)
def rental_price_usd_per_gpu_hour(generation: str, year: int, kind: str = "contract") -> float:
    """Rental price of one GPU of ``generation`` in ``year`` [USD per GPU-hour] (module docstring)."""
    gens = load_gpu_generations()
    if generation not in gens:
        raise InputError("GPU catalog", "generation", generation, f"unknown (known: {', '.join(gens)})")
    if kind not in PRICE_KINDS:
        raise InputError("GPU catalog", "kind", kind, f"must be one of {', '.join(PRICE_KINDS)}")
    eco = load_gpu_economics()
    decline = eco["rental_price_decline_per_year"].value
    discount = eco["aws_1yr_commit_discount"].value
    own = _median_by_year(generation, kind)
    if own:
        return _along_curve(own, int(year), decline)
    other_kind = "on_demand" if kind == "contract" else "contract"
    other = _median_by_year(generation, other_kind)
    if other:
        base = _along_curve(other, int(year), decline)
        return base * (1.0 - discount) if kind == "contract" else base / (1.0 - discount)
    return rental_price_usd_per_gpu_hour("H100", year, kind) * gens[generation].training_h100_equiv


def depreciation_usd_per_year(capex_usd: float, life_years: float, residual_fraction: float,
                              installed_year: int, year: int) -> float:
    """Straight-line depreciation charged in ``year`` [USD] on ``capex_usd`` installed at the start of
    ``installed_year``: ``capex x (1 - residual) / life`` for each year of the life (a fractional
    last year pro rata), 0 before installation and after the life."""
    age = int(year) - int(installed_year)
    if age < 0 or age >= life_years:
        return 0.0
    share = min(1.0, life_years - age)
    return capex_usd * (1.0 - residual_fraction) / life_years * share


def book_value_usd(capex_usd: float, life_years: float, residual_fraction: float, installed_year: int,
                   year: int) -> float:
    """Book value at the start of ``year`` [USD]: capex less the depreciation charged before it (the
    residual value once the life is over)."""
    charged = sum(depreciation_usd_per_year(capex_usd, life_years, residual_fraction, installed_year, y)
                  for y in range(int(installed_year), int(year)))
    return capex_usd - charged


def revenue_usd(gpus: float, hours: float, usd_per_gpu_hour: float) -> float:
    """Revenue of ``gpus`` rented for ``hours`` at ``usd_per_gpu_hour`` [USD]."""
    return float(gpus) * float(hours) * float(usd_per_gpu_hour)


@dataclass(frozen=True)
class GpuFleet:
    """GPUs by generation at one capacity: ``gpus`` from the start, ``gpus_by_year`` from each listed
    year on (a refresh: generations added or retired; a generation absent from a year's table keeps
    its count, one set to 0 is retired), each batch installed in the year it first appears."""

    capacity_id: str
    gpus: dict = field(default_factory=dict)
    gpus_by_year: dict = field(default_factory=dict)
    #: the year the first ``gpus`` were installed (their depreciation starts then)
    installed_year: int = 2026

    @classmethod
    def of(cls, spec, start_year: int) -> "GpuFleet":
        """The fleet of a ``[[capacity]]`` spec (its ``gpus`` installed in the plan's ``start_year``)."""
        return cls(spec.id, spec.gpus, spec.gpus_by_year, int(start_year))

    def gpus_in(self, year: int) -> dict:
        """Generation -> GPUs installed in ``year``."""
        out = dict(self.gpus)
        for y in sorted(self.gpus_by_year):
            if y <= year:
                out.update(self.gpus_by_year[y])
        return {g: int(n) for g, n in out.items() if n > 0}

    def usable_gpus_in(self, year: int, repair_days: float = REPAIR_DAYS) -> dict:
        """Generation -> GPUs that can be promised in ``year``: installed less spares (:func:`promised_gpus`)."""
        return {g: promised_gpus(n, repair_days) for g, n in self.gpus_in(year).items()}

    def it_mw(self, year: int) -> float:
        """IT power the fleet draws in ``year`` [MW] (:func:`fleet_it_mw`)."""
        return fleet_it_mw(self.gpus_in(year))

    def batches(self) -> list:
        """(generation, installed year, GPUs) of each batch bought: the first ``gpus`` and every rise
        of a generation's count in ``gpus_by_year``."""
        out, have = [], {}
        for g, n in self.gpus.items():
            if n > 0:
                out.append((g, int(self.installed_year), int(n)))
            have[g] = int(n)
        for y in sorted(self.gpus_by_year):
            for g, n in self.gpus_by_year[y].items():
                if int(n) > have.get(g, 0):
                    out.append((g, int(y), int(n) - have.get(g, 0)))
                have[g] = int(n)
        return out

    def depreciation_usd(self, year: int) -> float:
        """Depreciation charged in ``year`` on every batch [USD] (catalog capex, life and residual
        value)."""
        gens = load_gpu_generations()
        residual = load_gpu_economics()["residual_value_fraction"].value
        return sum(depreciation_usd_per_year(n * gens[g].capex_usd_per_gpu, gens[g].useful_life_years, residual,
                                             y0, year) for g, y0, n in self.batches())


def fleet_it_mw(gpus: dict) -> float:
    """IT power [MW] of ``gpus`` (generation -> count): sum of count x all-in kW per GPU / 1000."""
    gens = load_gpu_generations()
    return sum(int(n) * gens[g].it_power_kw_per_gpu for g, n in gpus.items()) / 1000.0


def largest_homogeneous_block(fleets: list, year: int, generations: tuple = ()) -> tuple:
    """(GPUs, capacity id, generation) of the largest block of one generation on one capacity in
    ``year`` that can be promised (spares held back), among ``generations`` (empty: any); (0, None,
    None) when there is none."""
    best = (0, None, None)
    for fleet in fleets:
        for g, n in fleet.usable_gpus_in(year).items():
            if (not generations or g in generations) and n > best[0]:
                best = (n, fleet.capacity_id, g)
    return best


def homogeneous_block_fits(fleets: list, gpus: int, year: int, generations: tuple = ()) -> bool:
    """Whether a training block of ``gpus`` GPUs of one generation fits on one capacity in ``year``."""
    return largest_homogeneous_block(fleets, year, generations)[0] >= int(gpus)


def fleet_depreciation_usd(scenario, period) -> float:
    """Depreciation of every GPU fleet of a scenario charged to ``period`` [USD]: each fleet's year's
    depreciation (:meth:`GpuFleet.depreciation_usd`, batches from the plan's start year) times the
    period's share of the year's hours."""
    fleets = [GpuFleet.of(c, scenario.planning.start_year) for c in scenario.capacity if c.gpus or c.gpus_by_year]
    if not fleets:
        return 0.0
    year = int(period.year)
    year_hours = 24.0 * (366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365)
    return sum(f.depreciation_usd(year) for f in fleets) * float(period.hours) / year_hours


def check_fleet_power(where: str, cid: str, spec, site_power_mw: float) -> None:
    """The fleet's IT power in every year it changes [MW] within its capacity's MW (or, without one,
    its site's power)."""
    fleet = GpuFleet.of(spec, 0)  # power only: the installation year does not matter
    limit = float(spec.mw) if spec.mw is not None else float(site_power_mw)
    for year in [0, *sorted(spec.gpus_by_year)]:
        mw = fleet.it_mw(year)
        if mw > limit + 1e-9:
            shown = spec.gpus if year == 0 else spec.gpus_by_year[year]
            key = "gpus" if year == 0 else f"gpus_by_year.{year}"
            raise InputError(where, f"capacity.{cid}.{key}", ", ".join(f"{g} = {n}" for g, n in shown.items()),
                             f"the GPUs draw {mw:,.1f} MW of IT power, more than the capacity's {limit:,.0f} MW")


# --- GPU pools: the capacities a plan offers for GPUs ---------------------------------------------

def gpu_pools(scenario, spec, info, site_power_mw: float) -> dict:
    """The GPU pools of a fleet: one capacity per generation it ever holds, id ``site:generation``,
    ``mw`` counting the GPUs that can be promised at the plan's start (spares held back; each period
    takes its year's, :func:`placement.plan.periods.capacity_mw_in`), the site's costs per MWh of IT
    and ``mw_per_unit`` the generation's all-in kW per GPU / 1000. The fleet's IT power may not exceed
    the capacity's MW or its site's power."""
    check_fleet_power(str(scenario.path), spec.id, spec, site_power_mw)
    gens = load_gpu_generations()
    fleet = GpuFleet.of(spec, scenario.planning.start_year)
    held = list(dict.fromkeys([*spec.gpus, *(g for t in spec.gpus_by_year.values() for g in t)]))
    start = fleet.usable_gpus_in(scenario.planning.start_year)
    return {f"{spec.id}:{g}": dataclasses.replace(info, id=f"{spec.id}:{g}", name=f"{info.name} {g}",
                                                  mw=int(start.get(g, 0)), generation=g, site_id=spec.id,
                                                  mw_per_unit=gens[g].it_power_kw_per_gpu / 1000.0)
            for g in held}


def gpus_in_mw(mw: float, generation: str) -> int:
    """GPUs of ``generation`` that ``mw`` of IT power holds and that can be promised: whole GPUs at
    the generation's all-in kW per GPU, less the spares (:func:`promised_gpus`, as a fleet's)."""
    installed = int(math.floor(float(mw) * 1000.0 / load_gpu_generations()[generation].it_power_kw_per_gpu + 1e-9))
    return promised_gpus(installed)


def fitted_gpu_usd_per_mwh_it(generation: str) -> float:
    """Straight-line depreciation of ``generation``'s GPUs per MWh of IT they draw [USD/MWh_IT]:
    catalog capex x (1 - residual value fraction) / (useful life x 8,760 h) / all-in MW per GPU,
    grossed up for the spares bought beside the GPUs promised (undiscounted, as the fleets' own
    depreciation, :meth:`GpuFleet.depreciation_usd`: a full year of :func:`depreciation_usd_per_year`)."""
    g = load_gpu_generations()[generation]
    residual = load_gpu_economics()["residual_value_fraction"].value
    per_hour = depreciation_usd_per_year(g.capex_usd_per_gpu, g.useful_life_years, residual, 0, 0) / HOURS_PER_YEAR
    return per_hour / (g.it_power_kw_per_gpu / 1000.0) / (1.0 - spare_fraction())


def fitted_pool(spec, info):
    """Capacity in MW fitted with GPUs of one generation (``generation`` on a ``[[capacity]]``: a
    candidate to build, an orbital shell, any site): one GPU pool, id ``capacity:generation``, whose
    ``mw`` counts the GPUs its MW hold (:func:`gpus_in_mw`) and whose cost per MWh of IT adds the
    GPUs' depreciation (:func:`fitted_gpu_usd_per_mwh_it`). The GPUs come with the MW: a candidate's
    are bought with its build (paid from the build on, used or not, in the whole-horizon plan); on
    capacity already there they are charged per MWh used, as its facility capital is."""
    g = spec.generation
    dep = fitted_gpu_usd_per_mwh_it(g)
    return dataclasses.replace(
        info, id=f"{spec.id}:{g}", name=f"{info.name} {g}", mw=gpus_in_mw(info.mw, g), generation=g,
        site_id=spec.id, mw_per_unit=load_gpu_generations()[g].it_power_kw_per_gpu / 1000.0,
        lcoe_usd_per_mwh_it=info.lcoe_usd_per_mwh_it + dep,
        lcoe_by_year={y: v + dep for y, v in info.lcoe_by_year.items()},
        components=dict(info.components) | {"gpu_depreciation_usd_per_mwh_it": dep}, gpu_usd_per_mwh_it=dep)


def pool_spec(spec, info):
    """The contract of a GPU pool: its site's ``[[capacity]]`` under the pool's id; a fitted pool's
    MW ramp and build blocks counted in its GPUs (:func:`gpus_in_mw`)."""
    out = dataclasses.replace(spec, id=info.id)
    if spec.generation:
        out = dataclasses.replace(
            out, mw_by_year={y: gpus_in_mw(mw, spec.generation) for y, mw in spec.mw_by_year.items()},
            block_mw=gpus_in_mw(spec.block_mw, spec.generation) if spec.block_mw else 0)
    return out
