"""Cooling of ground sites: PUE, site water and free-cooling share for monthly climate rows
(:func:`placement.kernels.cooling.pue_and_water`)."""
from __future__ import annotations

import dataclasses

import numpy as np

from placement.kernels import cooling
from placement.kernels.targets import launch
from placement.parameters import Parameters


def cooling_of(climate, plant, water_stress, parameters: Parameters, device: str, price_usd_per_mwh=None) -> dict:
    """PUE [-], site water [L/MWh_IT], share of heat removed without compressors [-] and plant code
    for monthly climate rows (:func:`placement.kernels.cooling.pue_and_water`); a site whose plant
    is the default (-1) takes the cheapest in energy at ``price_usd_per_mwh`` [USD/MWh] (default:
    the median power market's) and water at ``[parameters.cost] water_price_usd_per_m3``."""

    c = parameters.cooling
    op = c.operator()
    n = climate.t_mean_c.shape[0]
    # every constant is the parameter of the same name: the operator profile's where it sets it
    profile = {f.name for f in dataclasses.fields(op)}
    values = {name: getattr(op if name in profile else c, name)
              for name in cooling.COOLING_CONSTANTS if name != "water_price_usd_per_m3"}
    constants = cooling.pack_cooling_constants(**values,
                                               water_price_usd_per_m3=parameters.cost.water_price_usd_per_m3)
    if price_usd_per_mwh is None:
        from placement.catalogs.countries import place_figures

        price_usd_per_mwh = np.full(n, place_figures("").price_usd_per_mwh)
    return launch(device, cooling.pue_and_water, cooling.cooling_site, n,
                  t_mean_c=climate.t_mean_c, rh_pct=climate.rh_pct, dtr_c=climate.dtr_c, plant=plant,
                  water_stress=water_stress, price_usd_per_mwh=np.asarray(price_usd_per_mwh, dtype=float),
                  constants=constants, out_plant=np.empty(n, dtype=np.int64))
