"""Power supply tables: technologies, the mixes a campus can choose, grid interruption statistics
and the SLA credit schedules of tenants.

* ``supply_technologies.csv`` -- one row per technology (grid and flexible grid interconnection,
  reciprocating engines, aeroderivative, mobile and heavy-duty turbines, combined cycle, batteries,
  diesel backup): unit size, forced-outage rate and mean outage, lead time (and the year its market
  is sold out until), first block and MW per month a site receives, heat rate, VOM, capex, water,
  curtailment hours, ride-through;
* ``supply_options.csv`` -- the mixes (``grid``, ``gas_turbines``, ``gas_bridge``, ...): a primary
  technology, a bridge until the primary arrives, a backup, battery MW per MW of IT (its hours from
  the ``battery`` row), fixed spares (empty: the fewest meeting the availability goal), a PPA share;
* ``grid_reliability.csv`` -- SAIDI and SAIFI by place (IEEE Std 1366 indices);
* ``sla_credits.csv`` -- service-credit schedules: monthly uptime below a threshold earns a credit
  (a share of the monthly fee).

Every row carries a source and an ``approximate`` flag; loaders validate as they read and raise
:class:`placement.catalogs.validation.InputError` naming file, row, field and value.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from placement.catalogs.reading import DATA_DIR, sourced_rows
from placement.catalogs.validation import InputError, require_number

SUPPLY_TECHNOLOGIES_CSV = DATA_DIR / "supply_technologies.csv"
SUPPLY_OPTIONS_CSV = DATA_DIR / "supply_options.csv"
GRID_RELIABILITY_CSV = DATA_DIR / "grid_reliability.csv"
SLA_CREDITS_CSV = DATA_DIR / "sla_credits.csv"

#: grid: an interconnection (its months from the place's queue); units: a fleet of identical
#: generators; storage: batteries.
TECHNOLOGY_KINDS = ("grid", "units", "storage")
#: The technology kinds each role of a mix takes.
ROLE_KINDS = {"primary": ("grid", "units"), "bridge": ("units",), "backup": ("units",)}


@dataclass(frozen=True)
class SupplyTechnology:
    """One row of ``supply_technologies.csv`` (units in the column names; None where empty)."""

    technology: str
    kind: str
    unit_mw: float | None
    forced_outage_rate: float
    mean_outage_h: float | None
    lead_time_months: float | None
    sold_out_until_year: int | None
    first_block_mw: float | None
    mw_per_month: float | None
    heat_rate_mmbtu_per_mwh: float | None
    vom_usd_per_mwh: float | None
    capex_usd_per_kw: float
    carbon_g_per_kwh: float | None
    water_l_per_mwh: float
    curtailment_h_per_yr: float
    ride_through_h: float | None
    approximate: bool
    source: str

    def lead_months(self, order_year: int) -> float:
        """Months from an order placed at the start of ``order_year`` to first power: the lead
        time, or longer while the market is sold out (until the end of ``sold_out_until_year``)."""
        lead = self.lead_time_months or 0.0
        if self.sold_out_until_year is not None and self.sold_out_until_year >= order_year:
            lead = max(lead, 12.0 * (self.sold_out_until_year - order_year + 1))
        return float(lead)


@dataclass(frozen=True)
class SupplyOption:
    """One mix of ``supply_options.csv``: technologies by role, battery, spares, PPA share."""

    option: str
    primary: str
    bridge: str
    backup: str
    battery_mw_per_mw: float
    spares: int | None
    grid_lead_fraction: float
    ppa_usd_per_mwh: float | None
    ppa_carbon_g_per_kwh: float | None
    load_share: float
    approximate: bool
    source: str

    @property
    def kind(self) -> str:
        """grid (a grid connection, perhaps with a PPA share), bridge (units until the grid) or units."""
        techs = load_supply_technologies()
        if self.bridge:
            return "bridge"
        return "grid" if techs[self.primary].kind == "grid" else "units"


_rows = sourced_rows


def _optional(where, row, field, **bounds):
    text = str(row[field]).strip()
    return None if text == "" else require_number(where, field, text, **bounds)


@functools.lru_cache(maxsize=4)
def load_supply_technologies(path: Path = SUPPLY_TECHNOLOGIES_CSV) -> dict:
    """Technology id -> :class:`SupplyTechnology`."""
    cols = ("technology", "kind", "unit_mw", "forced_outage_rate", "mean_outage_h", "lead_time_months",
            "sold_out_until_year", "first_block_mw", "mw_per_month", "heat_rate_mmbtu_per_mwh", "vom_usd_per_mwh",
            "capex_usd_per_kw", "carbon_g_per_kwh", "water_l_per_mwh", "curtailment_h_per_yr", "ride_through_h",
            "approximate", "source")
    out = {}
    for where, row in _rows(path, cols):
        kind = row["kind"]
        if kind not in TECHNOLOGY_KINDS:
            raise InputError(where, "kind", kind, f"not one of {', '.join(TECHNOLOGY_KINDS)}")
        year = _optional(where, row, "sold_out_until_year", low=1990, high=2100, integer=True)
        tech = SupplyTechnology(
            technology=row["technology"], kind=kind,
            unit_mw=_optional(where, row, "unit_mw", positive=True, high=5000),
            forced_outage_rate=_optional(where, row, "forced_outage_rate", low=0, high=0.999999) or 0.0,
            mean_outage_h=_optional(where, row, "mean_outage_h", positive=True, high=8760),
            lead_time_months=_optional(where, row, "lead_time_months", low=0, high=240),
            sold_out_until_year=None if year is None else int(year),
            first_block_mw=_optional(where, row, "first_block_mw", positive=True, high=1e6),
            mw_per_month=_optional(where, row, "mw_per_month", positive=True, high=1e6),
            heat_rate_mmbtu_per_mwh=_optional(where, row, "heat_rate_mmbtu_per_mwh", low=3.412, high=20),
            vom_usd_per_mwh=_optional(where, row, "vom_usd_per_mwh", low=0, high=1000),
            capex_usd_per_kw=_optional(where, row, "capex_usd_per_kw", low=0, high=1e5) or 0.0,
            carbon_g_per_kwh=_optional(where, row, "carbon_g_per_kwh", low=0, high=2000),
            water_l_per_mwh=_optional(where, row, "water_l_per_mwh", low=0, high=1e5) or 0.0,
            curtailment_h_per_yr=_optional(where, row, "curtailment_h_per_yr", low=0, high=8760) or 0.0,
            ride_through_h=_optional(where, row, "ride_through_h", low=0, high=100),
            approximate=row["approximate"] == "true", source=row["source"])
        if kind == "units" and tech.unit_mw is None:
            raise InputError(where, "unit_mw", None, "a fleet of units needs its unit size")
        if kind == "grid" and (tech.first_block_mw is None or tech.mw_per_month is None):
            raise InputError(where, "first_block_mw", None, "a grid connection needs its first block and MW per month")
        out[tech.technology] = tech
    for needed in ("grid", "battery"):
        if needed not in out:
            raise InputError(str(path), "technology", None, f"the {needed!r} technology is required")
    return out


@functools.lru_cache(maxsize=4)
def load_supply_options(path: Path = SUPPLY_OPTIONS_CSV, technologies: Path = SUPPLY_TECHNOLOGIES_CSV) -> dict:
    """Option name -> :class:`SupplyOption` (each technology it names checked against
    ``supply_technologies.csv``)."""
    techs = load_supply_technologies(technologies)
    cols = ("option", "primary", "bridge", "backup", "battery_mw_per_mw", "spares",
            "grid_lead_fraction", "ppa_usd_per_mwh", "ppa_carbon_g_per_kwh", "load_share", "approximate", "source")
    out = {}
    for where, row in _rows(path, cols):
        for role, kinds in ROLE_KINDS.items():
            name = row[role].strip()
            if role != "primary" and not name:
                continue
            if name not in techs:
                raise InputError(where, role, name, f"unknown technology (known: {', '.join(techs)})")
            if techs[name].kind not in kinds:
                raise InputError(where, role, name, f"a {role} must be a technology of kind {' or '.join(kinds)}")
        if row["bridge"].strip() and techs[row["primary"]].kind != "grid":
            raise InputError(where, "bridge", row["bridge"], "a bridge leads to a grid connection (its primary)")
        spares = _optional(where, row, "spares", low=0, high=1000, integer=True)
        opt = SupplyOption(
            option=row["option"], primary=row["primary"].strip(), bridge=row["bridge"].strip(),
            backup=row["backup"].strip(),
            battery_mw_per_mw=_optional(where, row, "battery_mw_per_mw", low=0, high=10) or 0.0,
            spares=None if spares is None else int(spares),
            grid_lead_fraction=_optional(where, row, "grid_lead_fraction", positive=True, high=1) or 1.0,
            ppa_usd_per_mwh=_optional(where, row, "ppa_usd_per_mwh", low=0, high=5000),
            ppa_carbon_g_per_kwh=_optional(where, row, "ppa_carbon_g_per_kwh", low=0, high=2000),
            load_share=require_number(where, "load_share", row["load_share"], positive=True, high=1),
            approximate=row["approximate"] == "true", source=row["source"])
        if opt.load_share < 1 and opt.ppa_usd_per_mwh is None:
            raise InputError(where, "ppa_usd_per_mwh", None, "an option serving part of the load by PPA needs its price")
        out[opt.option] = opt
    if "grid" not in out:
        raise InputError(str(path), "option", None, "the 'grid' option is required")
    return out


@dataclass(frozen=True)
class GridReliability:
    """Interruptions of a place's grid: SAIDI [min/yr], SAIFI [1/yr], their year and source."""

    place: str
    saidi_min_per_yr: float
    saifi_per_yr: float | None
    year: int
    approximate: bool
    source: str

    @property
    def unavailability(self) -> float:
        """Share of hours [-] a customer is without power: SAIDI / (60 x 8760)."""
        return self.saidi_min_per_yr / (60.0 * 8760.0)

    def caidi_h(self, default_h: float) -> float:
        """Mean interruption [h]: CAIDI = SAIDI / SAIFI (``default_h`` without a SAIFI)."""
        return self.saidi_min_per_yr / 60.0 / self.saifi_per_yr if self.saifi_per_yr else default_h


@functools.lru_cache(maxsize=4)
def load_grid_reliability(path: Path = GRID_RELIABILITY_CSV) -> dict:
    """Place (ISO 3166-1/-2, and ``default``) -> :class:`GridReliability`.

    A row with SAIFI only takes SAIDI = SAIFI x the median CAIDI of the rows that give both; a row
    with SAIDI only keeps SAIFI empty (its CAIDI is then that median, :func:`median_caidi_h`). The
    ``default`` row (a place no row covers), unless the file has one, is the median SAIDI and SAIFI
    of the rows, flagged approximate."""
    import statistics

    cols = ("place", "saidi_min_per_yr", "saifi_per_yr", "year", "major_events", "approximate", "source")
    raw = []
    for where, row in _rows(path, cols):
        saidi = _optional(where, row, "saidi_min_per_yr", positive=True, high=8760 * 60)
        saifi = _optional(where, row, "saifi_per_yr", positive=True, high=1000)
        if saidi is None and saifi is None:
            raise InputError(where, "saidi_min_per_yr", None, "a row needs its SAIDI or its SAIFI")
        year = int(require_number(where, "year", row["year"], low=1990, high=2100, integer=True))
        raw.append((row["place"], saidi, saifi, year, row["approximate"] == "true", row["source"]))
    if not raw:
        raise InputError(str(path), "place", None, "no rows")
    caidi = [s / 60.0 / f for _, s, f, *_ in raw if s is not None and f is not None]
    median_caidi_h = statistics.median(caidi) if caidi else 1.0
    out = {}
    for place, saidi, saifi, year, approximate, source in raw:
        if saidi is None:
            saidi, approximate = saifi * median_caidi_h * 60.0, True
            source += f" [SAIDI = SAIFI x the table's median CAIDI {median_caidi_h:.2f} h]"
        out[place] = GridReliability(place, saidi, saifi, year, approximate, source)
    if "default" not in out:
        saidis = [r.saidi_min_per_yr for r in out.values()]
        saifis = [r.saifi_per_yr for r in out.values() if r.saifi_per_yr]
        out["default"] = GridReliability(
            "default", statistics.median(saidis), statistics.median(saifis) if saifis else None,
            max(r.year for r in out.values()), True,
            f"median of the {len(saidis)} places of {path.name} (a place no row covers; approximate)")
    return out


def median_caidi_h() -> float:
    """Median CAIDI [h] of the rows of ``grid_reliability.csv`` giving both SAIDI and SAIFI: the mean
    interruption of a place whose row gives SAIDI only."""
    import statistics

    rows = [r for r in load_grid_reliability().values() if r.saifi_per_yr and r.place != "default"]
    return statistics.median(r.saidi_min_per_yr / 60.0 / r.saifi_per_yr for r in rows)


def grid_reliability_of(country: str, region: str = "") -> tuple[GridReliability, bool]:
    """The interruption statistics of a place (its subdivision's row, else its country's, else the
    ``default`` row) and whether it is only the default."""
    table = load_grid_reliability()
    for key in (region, country):
        if key and key in table:
            return table[key], False
    return table["default"], True


@functools.lru_cache(maxsize=4)
def load_sla_credits(path: Path = SLA_CREDITS_CSV) -> dict:
    """Schedule id -> tuple of (below_uptime [-], credit_fraction [-]) steps, highest threshold first."""
    out = {}
    for where, row in _rows(path, ("schedule", "below_uptime", "credit_fraction", "approximate", "source")):
        step = (require_number(where, "below_uptime", row["below_uptime"], positive=True, high=1),
                require_number(where, "credit_fraction", row["credit_fraction"], low=0, high=1))
        out.setdefault(row["schedule"], []).append(step)
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


def credit_fraction(steps, uptime: float) -> float:
    """Service credit [share of the monthly fee] a monthly ``uptime`` [-] earns under ``steps``
    ((below_uptime, credit) pairs): the credit of the lowest threshold the uptime falls below."""
    credit = 0.0
    for below, fraction in steps:
        if uptime < below:
            credit = max(credit, fraction)
    return credit
