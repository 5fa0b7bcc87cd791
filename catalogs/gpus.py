"""The GPU catalog: accelerator generations, their rental prices by year, and the figures that price
a GPU-hour (depreciation lives, residual value, interruption rates).

Three bundled CSVs, every row with a ``source`` and an ``approximate`` flag
(``catalogs/references/gpus.md`` cites them in full):

* ``gpus.csv``: per generation (H100, H200, B200, GB200, GB300, MI300X and ``own``, a slot for an
  operator's own accelerator), its all-in IT power per GPU [kW: GPU, host, network share], installed
  capex [USD per GPU], release year, training throughput [H100-equivalents], useful life [years];
* ``gpu_rental_prices.csv``: published rental prices [USD per GPU-hour] by generation, calendar
  year and kind (``on_demand`` or ``contract``), published points only (no projection);
* ``gpu_economics.csv``: one figure per ``item`` (value, unit): depreciation lives of large
  operators, residual value, the published yearly fall of rental prices, interruptions of large
  training jobs per GPU-day.

Loaders validate as they read (finite numbers within physical bounds, known generations, a source
per row) and raise :class:`placement.catalogs.validation.InputError` naming file, row, field, value.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from placement.catalogs.reading import DATA_DIR, sourced_rows
from placement.catalogs.validation import InputError, require_number

__all__ = ["GPUS_CSV", "GPU_PRICES_CSV", "GPU_ECONOMICS_CSV", "GpuGeneration", "GpuPrice", "GpuFigure",
           "load_gpu_generations", "load_gpu_prices", "load_gpu_economics", "PRICE_KINDS"]

GPUS_CSV = DATA_DIR / "gpus.csv"
GPU_PRICES_CSV = DATA_DIR / "gpu_rental_prices.csv"
GPU_ECONOMICS_CSV = DATA_DIR / "gpu_economics.csv"

#: Kinds of rental price: no commitment, or a 1-3 year reserved/committed term.
PRICE_KINDS = ("on_demand", "contract")

_GPU_COLUMNS = ("generation", "vendor", "release_year", "gpu_tdp_w", "it_power_kw_per_gpu", "capex_usd_per_gpu",
                "training_h100_equiv", "useful_life_years", "approximate", "source")
_PRICE_COLUMNS = ("generation", "year", "kind", "usd_per_gpu_hour", "approximate", "source")
_ECONOMICS_COLUMNS = ("item", "value", "unit", "approximate", "source")


@dataclass(frozen=True)
class GpuGeneration:
    """One accelerator generation (a row of ``gpus.csv``)."""

    generation: str
    vendor: str
    release_year: int
    #: the accelerator's board or module power [W]
    gpu_tdp_w: float
    #: all-in IT power per GPU [kW]: GPU, host CPUs and memory, NICs, and a share of the network
    it_power_kw_per_gpu: float
    #: installed capex per GPU [USD]: server or rack share and cluster network
    capex_usd_per_gpu: float
    #: training throughput per GPU relative to an H100 [-]
    training_h100_equiv: float
    #: depreciation life [years]
    useful_life_years: float
    approximate: bool
    source: str


@dataclass(frozen=True)
class GpuPrice:
    """One published rental price point (a row of ``gpu_rental_prices.csv``)."""

    generation: str
    year: int
    kind: str
    usd_per_gpu_hour: float
    approximate: bool
    source: str


@dataclass(frozen=True)
class GpuFigure:
    """One figure of ``gpu_economics.csv``: its value in ``unit``."""

    item: str
    value: float
    unit: str
    approximate: bool
    source: str


@functools.lru_cache(maxsize=4)
def load_gpu_generations(path: Path = GPUS_CSV) -> dict:
    """Generation name -> :class:`GpuGeneration`, in the file's order."""
    out = {}
    for where, row in sourced_rows(path, _GPU_COLUMNS):
        name = row["generation"].strip()
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise InputError(where, "generation", row["generation"], "a generation is a name of letters and digits")
        if name in out:
            raise InputError(where, "generation", name, "listed twice")
        out[name] = GpuGeneration(
            generation=name, vendor=row["vendor"].strip(),
            release_year=int(require_number(where, "release_year", row["release_year"], low=2000, high=2100,
                                            integer=True)),
            gpu_tdp_w=require_number(where, "gpu_tdp_w", row["gpu_tdp_w"], low=50.0, high=5000.0),
            it_power_kw_per_gpu=require_number(where, "it_power_kw_per_gpu", row["it_power_kw_per_gpu"],
                                               low=0.1, high=10.0),
            capex_usd_per_gpu=require_number(where, "capex_usd_per_gpu", row["capex_usd_per_gpu"],
                                             low=1000.0, high=1e6),
            training_h100_equiv=require_number(where, "training_h100_equiv", row["training_h100_equiv"],
                                               positive=True, high=100.0),
            useful_life_years=require_number(where, "useful_life_years", row["useful_life_years"],
                                             low=1.0, high=15.0),
            approximate=row["approximate"] == "true", source=row["source"].strip())
        if out[name].it_power_kw_per_gpu * 1000.0 < out[name].gpu_tdp_w:
            raise InputError(where, "it_power_kw_per_gpu", row["it_power_kw_per_gpu"],
                             f"below the GPU's own power ({out[name].gpu_tdp_w:g} W)")
    return out


@functools.lru_cache(maxsize=4)
def load_gpu_prices(path: Path = GPU_PRICES_CSV, generations_path: Path = GPUS_CSV) -> tuple:
    """Every published price point (:class:`GpuPrice`), of generations in the GPU catalog."""
    known = load_gpu_generations(generations_path)
    out = []
    for where, row in sourced_rows(path, _PRICE_COLUMNS):
        gen = row["generation"].strip()
        if gen not in known:
            raise InputError(where, "generation", gen, f"not in the GPU catalog (known: {', '.join(known)})")
        kind = row["kind"].strip()
        if kind not in PRICE_KINDS:
            raise InputError(where, "kind", kind, f"must be one of {', '.join(PRICE_KINDS)}")
        out.append(GpuPrice(gen, int(require_number(where, "year", row["year"], low=2015, high=2100, integer=True)),
                            kind, require_number(where, "usd_per_gpu_hour", row["usd_per_gpu_hour"],
                                                 low=0.05, high=100.0),
                            row["approximate"] == "true", row["source"].strip()))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def load_gpu_economics(path: Path = GPU_ECONOMICS_CSV) -> dict:
    """Item -> :class:`GpuFigure` (finite; fractions within 0..1, lives within 1..15 years)."""
    out = {}
    for where, row in sourced_rows(path, _ECONOMICS_COLUMNS):
        item = row["item"].strip()
        if item in out:
            raise InputError(where, "item", item, "listed twice")
        unit = row["unit"].strip()
        if unit.startswith("fraction"):
            value = require_number(where, "value", row["value"], low=0.0, high=1.0)
        elif item.startswith("depreciation_life"):
            value = require_number(where, "value", row["value"], low=1.0, high=15.0)
        else:
            value = require_number(where, "value", row["value"], low=0.0)
        out[item] = GpuFigure(item, value, unit, row["approximate"] == "true", row["source"].strip())
    return out
