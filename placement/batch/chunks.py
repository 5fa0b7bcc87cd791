"""What a batch scan computes: its spec, the cells of the global land grid or the shells of a
sweep, and one chunk of results as a pure function of the spec and the chunk's index
(:func:`compute_chunk`), so it runs in this process or on any Dask worker."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError
from placement.earth.ephemeris import parse_start
from placement.ground.place import located
from placement.ground.sites import score_sites
from placement.ground.workloads import workload_cost_of
from placement.orbit.scoring import score_shells
from placement.orbit.shells import make_shell
from placement.scenario import default_scenario, load_scenario

GLOBE_FIELDS = ("lat_deg", "lon_deg", "pue", "water_l_per_mwh_it", "source_water_l_per_mwh_it",
                "power_cost_usd_per_mwh_it", "carbon_kg_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                "dark_fraction", "longest_dark_h", "time_to_power_months", "energy_usd_per_mwh_it",
                "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it", "delay_usd_per_mwh_it",
                "lcoe_usd_per_mwh_it", "workload_cost_usd_per_mwh_it", "time_to_full_power_months",
                "power_availability", "expected_outage_h_per_yr")
#: Flags of a globe scan's cells beside its numbers (1.0 true, 0.0 false): ``approximate`` where a cost
#: figure of the cell's place (power price, grid carbon, construction capex or grid queue) is only a
#: global default, no sourced figure for the country or region (:mod:`placement.catalogs.countries`),
#: or where the cell is so far from any city that its country is a guess (:data:`REMOTE_CITY_KM`).
GLOBE_FLAGS = ("approximate",)
#: A cell farther than this from the nearest GeoNames city of 15,000 people [km] takes that city's
#: country, and so its market, as a guess: the cell is flagged approximate (about a quarter of the land
#: north of 60 S: Sahara, Siberia, Greenland, the Amazon, the Australian and Canadian interiors).
REMOTE_CITY_KM = 300.0
SHELL_FIELDS = ("altitude_km", "inclination_deg", "ltan_h", "eclipse_fraction", "umbra_fraction",
                "max_eclipse_min", "eclipse_season_days", "array_m2_per_mw", "radiator_m2_per_mw",
                "battery_kwh_per_mw", "mass_t_per_mw", "launch_cost_usd_per_mw", "rtt_ms_weighted",
                "coverage_fraction", "lcoe_usd_per_mwh_it")


@dataclass(frozen=True)
class ScanSpec:
    """What a scan computes; everything a worker needs, as plain JSON-able values."""
    kind: str  # "globe" | "shells"
    params: dict
    scenario_path: str | None
    chunk_size: int
    allow_outside_paths: bool = False

    def to_json(self) -> dict:
        return {"kind": self.kind, "params": self.params, "scenario": self.scenario_path, "chunk_size": self.chunk_size,
                "allow_outside_paths": self.allow_outside_paths}

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]


# --- the global land grid -----------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def land_cells(resolution_deg: float, min_lat_deg: float = -60.0) -> tuple[np.ndarray, np.ndarray]:
    """Centres [deg] of the grid cells of ``resolution_deg`` whose centre is on land
    (``global-land-mask``: GLOBE 1-km land/water mask, NOAA NGDC), north of ``min_lat_deg``
    (default -60: Antarctica is left out)."""
    from global_land_mask import globe

    lat = np.arange(-90 + resolution_deg / 2, 90, resolution_deg)
    lat = lat[lat >= min_lat_deg]
    lon = np.arange(-180 + resolution_deg / 2, 180, resolution_deg)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    land = globe.is_land(la, lo)
    cells = np.ascontiguousarray(la[land]), np.ascontiguousarray(lo[land])
    for a in cells:
        a.flags.writeable = False  # cached and shared by every chunk
    return cells


def cell_sites(lat_deg: np.ndarray, lon_deg: np.ndarray, parameters=None) -> dict:
    """Site columns for grid cells: a cell states only where it is, its country and ISO 3166-2 region
    (:func:`placement.ground.place.located`, with the distance [km] to the city that places it), and
    takes every other figure from that place exactly as a catalog site there does
    (:mod:`placement.ground.site_columns`: terrain elevation, power market, grid zone, supply
    options, construction market, grid queue, gas and water). ``parameters`` is not used (kept for
    callers)."""

    country, region, km = located(lat_deg, lon_deg)
    return {"lat_deg": lat_deg, "lon_deg": lon_deg, "country": country, "region": region, "nearest_city_km": km}


def scan_scenario(path: str | None, allow_outside_paths: bool = False):
    """The scan's scenario, read once per process and file version (every chunk of a scan uses it)."""
    if not path:
        return _load_scenario(None, False, None)
    try:
        st = Path(path).stat()
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        version = None
    return _load_scenario(path, allow_outside_paths, version)


@functools.lru_cache(maxsize=4)
def _load_scenario(path, allow_outside_paths, version):
    return load_scenario(path, allow_outside_paths=allow_outside_paths) if path else default_scenario()


def scan_workload(scenario_path: str | None, allow_outside_paths: bool, workload: str | None) -> str:
    """The workload a globe scan answers for: ``workload`` if given, else the scenario's kind."""
    return workload or scan_scenario(scenario_path, allow_outside_paths).workload


def _globe_chunk(spec: ScanSpec, index: int, device: str) -> dict:
    sc = scan_scenario(spec.scenario_path, spec.allow_outside_paths)
    lat, lon = land_cells(spec.params["resolution_deg"], spec.params.get("min_lat_deg", -60.0))
    sl = slice(index * spec.chunk_size, (index + 1) * spec.chunk_size)
    cells = cell_sites(lat[sl], lon[sl], sc.parameters)
    demand = sc.demand()
    scores = score_sites(cells, demand, parameters=sc.parameters, device=device)
    out = {f: np.asarray(scores[f], dtype=float) for f in GLOBE_FIELDS if f != "workload_cost_usd_per_mwh_it"}
    cost = workload_cost_of(out["lcoe_usd_per_mwh_it"], out["rtt_ms_weighted"], out["pop_within_slo_fraction"],
                            spec.params.get("workload", sc.workload),
                            latency_penalty_usd_per_mwh_per_ms=sc.assignment.latency_penalty_usd_per_mwh_per_ms)
    out["workload_cost_usd_per_mwh_it"] = np.where(np.isfinite(cost), cost, np.nan)  # NaN: no demand within the SLO
    out["approximate"] = (scores.extra["approximate"] | (cells["nearest_city_km"] > REMOTE_CITY_KM)).astype(float)
    return out


# --- shell sweeps -------------------------------------------------------------------------------

def sweep_shells(params: dict) -> list:
    """The shells of a sweep: altitudes x (LTANs for sun-synchronous | inclinations)."""
    out = []
    for alt in params["altitudes_km"]:
        if params.get("ltans"):
            for ltan in params["ltans"]:
                out.append(make_shell("sweep", id=f"sso-{alt:g}-{ltan}", altitude_km=alt, ltan=ltan,
                                      planes=params["planes"], sats_per_plane=params["sats_per_plane"]))
        else:
            for inc in params["inclinations_deg"]:
                out.append(make_shell("sweep", id=f"shell-{alt:g}-{inc:g}", altitude_km=alt, inclination_deg=inc,
                                      planes=params["planes"], sats_per_plane=params["sats_per_plane"]))
    return out


def _shell_chunk(spec: ScanSpec, index: int, device: str) -> dict:
    sc = scan_scenario(spec.scenario_path, spec.allow_outside_paths)
    shells = sweep_shells(spec.params)[index * spec.chunk_size:(index + 1) * spec.chunk_size]
    p = spec.params
    s = score_shells(shells, sc.demand(), start=parse_start("sweep", p["start"]), days=p["days"],
                     step_s=p["step_s"], parameters=sc.parameters, device=device)
    out = {f: np.array([np.nan if v is None else v for v in s[f]], dtype=float) for f in SHELL_FIELDS}
    return out


def result_fields(spec: ScanSpec) -> tuple:
    """The arrays each chunk of a scan holds: a globe scan's fields and flags, or a sweep's fields."""
    return GLOBE_FIELDS + GLOBE_FLAGS if spec.kind == "globe" else SHELL_FIELDS


def n_items(spec: ScanSpec) -> int:
    if spec.kind == "globe":
        return int(land_cells(spec.params["resolution_deg"], spec.params.get("min_lat_deg", -60.0))[0].size)
    return len(sweep_shells(spec.params))


def compute_chunk(spec_json: dict, index: int, device: str = "cpu") -> dict:
    """One chunk's result arrays (runs anywhere: this process, a local worker, a Dask worker).

    ``spec_json`` carries the scan's fingerprint; a worker whose scenario no longer matches it (the
    file was edited mid-scan, or the worker runs another version) refuses rather than mix results.
    """
    spec = ScanSpec(spec_json["kind"], spec_json["params"], spec_json["scenario"], spec_json["chunk_size"],
                    spec_json.get("allow_outside_paths", False))
    expected = spec_json.get("fingerprint")
    if expected is not None and scan_scenario(spec.scenario_path, spec.allow_outside_paths).fingerprint != expected:
        raise InputError(spec.scenario_path or "default scenario", None, None,
                         "the scenario (or the package) changed while the scan ran; re-run to resume")
    if spec.kind == "globe":
        return _globe_chunk(spec, index, device)
    return _shell_chunk(spec, index, device)
