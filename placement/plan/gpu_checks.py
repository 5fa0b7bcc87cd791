"""The rules of GPU-denominated tenants and fleets (``gpus``, ``gpus_by_year``, ``block_gpus``,
``generations``, ``homogeneous``, ``any_generation``, ``price_usd_per_gpu_hour`` on a ``[[tenant]]``;
``gpus``, ``gpus_by_year``, ``generation`` on a ``[[capacity]]``), checked for a scenario's tables and for Python-built objects alike
(:mod:`placement.plan.contract_checks` calls them). Errors name where, the field and the value.
A fleet's power against its site is checked where the site is known
(:func:`placement.plan.gpus.check_fleet_power`)."""
from __future__ import annotations

from placement.catalogs.validation import InputError, require_bool, require_number

#: The most GPUs one entry may count (about 15 GW of IT at today's all-in power per GPU).
MAX_GPUS = 10_000_000


def _generations():
    from placement.catalogs.gpus import load_gpu_generations

    return load_gpu_generations()


def check_gpu_counts(where: str, key: str, value) -> dict:
    """A table ``{generation = GPUs}``: known generations, whole non-negative counts."""
    if not isinstance(value, dict):
        raise InputError(where, key, value if not isinstance(value, (list, tuple)) else None,
                         "must be a table of generation = GPUs, e.g. { H100 = 100000, GB200 = 30000 }")
    known = _generations()
    out = {}
    for gen, n in value.items():
        if not isinstance(gen, str) or gen not in known:
            raise InputError(where, f"{key}.{gen}", n, f"unknown GPU generation (known: {', '.join(known)})")
        out[gen] = int(require_number(where, f"{key}.{gen}", n, low=0, high=MAX_GPUS, integer=True))
    return out


def check_tenant_gpus(where: str, t, name) -> dict:
    """The checked GPU fields of a tenant (``name(attr)`` names a field as the caller shows it)."""
    out = {"gpus": int(require_number(where, name("gpus"), t.gpus, low=0, high=MAX_GPUS, integer=True))}
    gens = t.generations
    if not isinstance(gens, (list, tuple)) or not all(isinstance(g, str) for g in gens):
        raise InputError(where, name("generations"), gens if not isinstance(gens, (list, tuple)) else None,
                         "must be a list of GPU generations, e.g. [\"GB200\"]")
    known = _generations()
    for g in gens:
        if g not in known:
            raise InputError(where, name("generations"), g, f"unknown GPU generation (known: {', '.join(known)})")
    out["generations"] = tuple(gens)
    out["homogeneous"] = require_bool(where, name("homogeneous"), t.homogeneous)
    out["any_generation"] = require_bool(where, name("any_generation"), t.any_generation)
    out["price_usd_per_gpu_hour"] = None if t.price_usd_per_gpu_hour is None else require_number(
        where, name("price_usd_per_gpu_hour"), t.price_usd_per_gpu_hour, low=0, high=1000)
    out["gpus_by_year"] = _gpu_ramp(where, name("gpus_by_year"), t.gpus_by_year)
    out["block_gpus"] = int(require_number(where, name("block_gpus"), t.block_gpus, low=0, high=MAX_GPUS,
                                           integer=True))
    if not out["gpus"]:
        for key in ("generations", "homogeneous", "any_generation", "price_usd_per_gpu_hour", "gpus_by_year",
                    "block_gpus"):
            if out[key]:
                raise InputError(where, name(key), getattr(t, key) if key != "gpus_by_year" else None,
                                 "only a tenant counted in GPUs (gpus = N) has it")
        return out
    smallest = min(v for v in [out["gpus"], *out["gpus_by_year"].values()] if v)
    if out["block_gpus"] > smallest:
        raise InputError(where, name("block_gpus"), out["block_gpus"], f"larger than the tenant's {smallest:,} GPUs")
    if t.mw:
        raise InputError(where, name("mw"), t.mw, "a tenant is counted in MW or in GPUs, not both (drop mw)")
    for key in ("mw_by_year", "block_mw"):
        if getattr(t, key):
            raise InputError(where, name(key), getattr(t, key) if key == "block_mw" else None,
                             "not for a tenant counted in GPUs")
    if t.price_usd_per_mw_month is not None:
        raise InputError(where, name("price_usd_per_mw_month"), t.price_usd_per_mw_month,
                         "a tenant counted in GPUs is priced per GPU-hour (price_usd_per_gpu_hour)")
    if t.exclusive:
        raise InputError(where, name("exclusive"), True,
                         "a tenant counted in GPUs leases a campus whole by renting all its GPUs "
                         "(gpus = the fleet, capacities = [the site]); drop exclusive")
    if out["homogeneous"] and len(out["generations"]) > 1 and not out["any_generation"]:
        raise InputError(where, name("generations"), ", ".join(out["generations"]),
                         "a homogeneous block runs on one generation: list one, or say any_generation = true "
                         "to accept any one of them")
    return out


def _gpu_ramp(where: str, key: str, value) -> dict:
    """A table ``{year = GPUs}``: years, whole non-negative counts."""
    if not isinstance(value, dict):
        raise InputError(where, key, value if not isinstance(value, (list, tuple)) else None,
                         "must be a table of year = GPUs, e.g. { 2027 = 420000 }")
    out = {}
    for year, n in value.items():
        if isinstance(year, bool):
            raise InputError(where, key, year, "keys must be years")
        y = require_number(where, key, str(year), low=1900, high=2100, integer=True)
        out[int(y)] = int(require_number(where, f"{key}.{year}", n, low=0, high=MAX_GPUS, integer=True))
    return out


def check_capacity_gpus(where: str, c, name) -> dict:
    """The checked GPU fields of a capacity: known generations, whole counts, not on a candidate to
    build or with a MW ramp (the fleet sets the MW); ``generation`` (capacity in MW fitted with one
    generation) a known generation, not beside a fleet of its own."""
    out = {"gpus": check_gpu_counts(where, name("gpus"), c.gpus)}
    gen = c.generation
    if not isinstance(gen, str):
        raise InputError(where, name("generation"), gen if not isinstance(gen, (list, tuple, dict)) else None,
                         "must be one GPU generation, e.g. \"GB200\"")
    if gen and gen not in _generations():
        raise InputError(where, name("generation"), gen, f"unknown GPU generation (known: {', '.join(_generations())})")
    out["generation"] = gen
    if not isinstance(c.gpus_by_year, dict):
        raise InputError(where, name("gpus_by_year"), None,
                         "must be a table of year = { generation = GPUs }, e.g. { 2028 = { GB300 = 50000 } }")
    by_year = {}
    for year, table in c.gpus_by_year.items():
        y = require_number(where, name(f"gpus_by_year.{year}"), str(year), low=1900, high=2100, integer=True) \
            if not isinstance(year, bool) else None
        if y is None:
            raise InputError(where, name("gpus_by_year"), year, "keys must be years")
        by_year[int(y)] = check_gpu_counts(where, name(f"gpus_by_year.{year}"), table)
    out["gpus_by_year"] = by_year
    if gen and (out["gpus"] or by_year):
        raise InputError(where, name("generation"), gen,
                         "a GPU fleet (gpus) lists its own generations; generation fits capacity counted in MW")
    if not out["gpus"] and not by_year:
        return out
    if not any(out["gpus"].values()) and not any(any(t.values()) for t in by_year.values()):
        raise InputError(where, name("gpus"), c.gpus, "a GPU fleet needs at least one GPU")
    if c.build:
        raise InputError(where, name("gpus"), None, "a candidate to build is planned in MW: fit it with one "
                         "generation (generation = \"GB200\"), its GPUs bought with each block")
    if c.mw_by_year:
        raise InputError(where, name("mw_by_year"), None, "a GPU fleet's MW follow its GPUs (gpus_by_year)")
    return out
