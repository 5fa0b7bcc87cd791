"""CUDA forms of every kernel == CPU forms, run under Numba's CUDA simulator.

Not collected by the normal test run (the simulator must be switched on before numba is
imported): ``tests/test_cuda_simulator.py`` runs this file in a subprocess with
NUMBA_ENABLE_CUDASIM=1 and PLACEMENT_CUDA_TPB=4 (small blocks, so several blocks run).
"""
import math
import os

import numpy as np
import pytest

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run through tests/test_cuda_simulator.py"

from placement.kernels import cooling, cost, daylight, eclipse, geodesy, latency, spacecraft, supply  # noqa: E402
from placement.kernels.targets import CUDA_THREADS_PER_BLOCK, launch  # noqa: E402

# poles, the antimeridian from both sides, the equator, and ordinary points
LAT = np.array([90.0, -90.0, 0.0, 0.0, 51.5, -33.9, 64.1, 1.35, 35.06])
LON = np.array([0.0, 123.0, 180.0, -180.0, -0.1, 151.2, -21.9, 103.8, -90.16])


def both(body, cpu_kernel, n, make_args):
    """Run one kernel on both targets with fresh output arrays; return (cpu outputs, cuda outputs),
    each a list in the kernel's order of ``out_`` parameters."""
    def call(device):
        args = make_args()
        return launch(device, cpu_kernel, body, n, **args) if isinstance(args, dict) else \
            launch(device, cpu_kernel, body, n, *args)

    cpu, gpu = call("cpu"), call("cuda")
    assert list(cpu) == list(gpu)
    return list(cpu.values()), list(gpu.values())


def check(cpu, gpu, rtol=1e-9):
    for c, g in zip(cpu, gpu):
        np.testing.assert_allclose(g, c, rtol=rtol, atol=1e-9, equal_nan=True)


def test_several_blocks_run():
    assert CUDA_THREADS_PER_BLOCK < LAT.size


def test_great_circle_and_ground_rtt():
    lat2, lon2 = LAT[::-1].copy(), LON[::-1].copy()
    check(*both(geodesy.great_circle_km_pair, geodesy.great_circle_km_pairs, LAT.size,
                lambda: (LAT, LON, lat2, lon2, np.zeros(LAT.size))))
    check(*both(latency.ground_rtt_ms_pair, latency.ground_rtt_ms_pairs, LAT.size,
                lambda: (LAT, LON, lat2, lon2, 1.78, 7.46, 204.2, np.zeros(LAT.size))))


def test_unit_vectors_and_demand_weighted_rtt():
    check(*both(geodesy.unit_vector_row, geodesy.unit_vectors, LAT.size,
                lambda: (LAT, LON, np.zeros(LAT.size), np.zeros(LAT.size), np.zeros(LAT.size))))
    x, y, z = (np.zeros(LAT.size) for _ in range(3))
    geodesy.unit_vectors(LAT, LON, x, y, z)
    w = np.linspace(0.0, 1.0, LAT.size)  # includes a zero weight
    check(*both(latency.demand_latency_site, latency.demand_weighted_rtt, LAT.size,
                lambda: (LAT, LON, x, y, z, w, 1.78, 7.46, 204.2, 50.0, np.zeros(LAT.size), np.zeros(LAT.size))),
          rtol=1e-7)


def test_demand_weighted_route_rtt():
    # a small synthetic graph: 5 nodes, 4 demand points, sites with one unreachable (inf legs)
    rng = np.random.default_rng(3)
    node_demand = rng.uniform(100.0, 9000.0, (5, 4)).astype(np.float32)
    site_node = rng.integers(0, 5, (LAT.size, 3)).astype(np.int64)
    access = rng.uniform(0.0, 500.0, (LAT.size, 3))
    access[2, :] = np.inf
    site_cont = rng.integers(0, 7, LAT.size).astype(np.int64)
    demand_cont = np.array([0, 3, 4, 6], dtype=np.int64)
    inflation = rng.uniform(1.0, 2.5, (7, 7))
    w = np.array([0.0, 0.2, 0.5, 0.3])
    check(*both(latency.demand_latency_route_site, latency.demand_weighted_route_rtt, LAT.size,
                lambda: (site_node, access, site_cont, node_demand, demand_cont, w, inflation, 3.7, 204.2, 50.0,
                         np.zeros(LAT.size), np.zeros(LAT.size))), rtol=1e-12)


def test_empty_arrays():
    empty = np.zeros(0)
    out = both(geodesy.great_circle_km_pair, geodesy.great_circle_km_pairs, 0,
               lambda: (empty, empty, empty, empty, np.zeros(0)))
    assert out[0][0].size == 0 and out[1][0].size == 0


def test_cooling_every_plant_and_the_climate_default():
    rng = np.random.default_rng(0)
    n = 10
    t = np.vstack([rng.uniform(-30, 38, 12) for _ in range(n)])
    rh = np.vstack([rng.uniform(5, 100, 12) for _ in range(n)])
    dtr = np.vstack([rng.uniform(0, 18, 12) for _ in range(n)])
    plant = np.array([-1, 0, 1, 2, 3, -1, 0, 1, 2, 3], dtype=np.int64)
    stress = np.array([0.0, 1, 2, 3, 4, 5, 0, 1, 2, 3])

    constants = cooling.pack_cooling_constants(
        supply_max_c=27.0, max_dew_point_c=21.0, air_approach_c=1.5, evap_effectiveness=0.85, it_delta_t_c=14.0,
        evap_pump_kw_per_kw=0.002, chilled_water_c=18.0, chilled_water_delta_t_c=8.0, tower_approach_c=5.0,
        hx_approach_c=2.0, cycles_of_concentration=4.0, drift_fraction=2e-5, tower_range_c=5.5,
        tower_fan_kw_per_kw=0.015, dry_cooler_approach_c=10.0, adiabatic_effectiveness=0.8,
        dry_cooler_air_delta_t_c=10.0, dry_cooler_fan_kw_per_kw=0.02, liquid_supply_c=32.0, liquid_delta_t_c=10.0,
        liquid_fraction=0.85, cdu_pump_kw_per_kw=0.005, air_chiller_rated_cop=2.96, water_chiller_rated_cop=6.28,
        electrical_loss=0.025, fan_kw_per_kw=0.02, pump_kw_per_kw=0.01, misc_kw_per_kw=0.002,
        water_price_usd_per_m3=2.0)

    def args():
        return dict(t_mean_c=t, rh_pct=rh, dtr_c=dtr, plant=plant, water_stress=stress,
                    price_usd_per_mwh=np.linspace(30.0, 200.0, n), constants=constants,
                    out_plant=np.zeros(n, dtype=np.int64))

    check(*both(cooling.cooling_site, cooling.pue_and_water, n, args))


def test_dark_time_with_polar_night_and_midnight_sun():
    # a synthetic year: the Sun circles the equator of date at 23.44 deg declination swings
    k = np.arange(24 * 40)
    dec = np.radians(23.44) * np.sin(2 * np.pi * k / k.size)
    ha = 2 * np.pi * k / 24.0
    sun = np.ascontiguousarray(np.column_stack([np.cos(dec) * np.cos(ha), np.cos(dec) * np.sin(ha), np.sin(dec)]))
    check(*both(daylight.dark_time_site, daylight.dark_time, LAT.size,
                lambda: (LAT, LON, sun, 1.0, -0.833, np.zeros(LAT.size), np.zeros(LAT.size))))


def test_ground_cost():
    n = 4

    def args():
        return dict(pue=np.array([1.06, 1.1, 1.2, 1.3]), price_usd_per_mwh=np.array([40.0, 60, 80, 200]),
                    carbon_g_per_kwh=np.array([15.0, 400, 600, 30]), availability=np.array([0.9998, 0.999, 0.9995, 1.0]),
                    it_load_factor=np.array([0.85, 1.0, 0.6, 0.9]), building_capex_usd_per_mw=np.full(n, 3e6),
                    building_crf=np.full(n, 0.0888), plant_capex_usd_per_mw=np.full(n, 8e6),
                    plant_crf=np.array([0.1168, 0.1168, 0.13, 0.15]), supply_capex_usd_per_mw=np.array([0, 3e6, 0, 1e6]),
                    it_capex_usd_per_mw=np.array([0, 0, 25e6, 0]), water_l_per_mwh_it=np.array([0.0, 1800, 300, 50]),
                    delay_months=np.array([6.0, 36, 102, 0]),
                    constants=cost.pack_ground_cost_constants(
                        supply_crf=0.1168, fixed_opex_fraction_per_yr=0.03, it_crf=0.2505, water_price_usd_per_m3=2.0,
                        delay_usd_per_mw_month=150000.0, delay_crf=0.1168, carbon_price_usd_per_t=70.0))

    check(*both(cost.ground_cost_site, cost.ground_cost, n, args))


def test_fleet_spares_fixed_and_chosen():
    n = 6

    def args():
        return dict(needed_units=np.array([1.0, 10, 11, 600, 10400, 3]),
                    goal=np.array([0.999, 0.99982, -3.0, 0.99982, 0.9, 0.0]),
                    constants=supply.pack_fleet_constants(forced_outage_rate=0.08, loss_after_ride_through=0.98,
                                                          min_spares=1, max_spare_fraction=1.0))

    check(*both(supply.fleet_spares_site, supply.fleet_spares, n, args))


def test_supply_site_figures_grid_units_and_bridge():
    n = 5

    def args(bridge, grid):
        return dict(it_mw=np.array([100.0, 300, 1200, 2000, 20000]), pue=np.array([1.1, 1.2, 1.3, 1.05, 1.4]),
                    grid_queue_months=np.array([24.0, 0, 66, 12, 102]), saidi_h_per_yr=np.array([10.0, 1, 21, 0.2, 5]),
                    caidi_h=np.array([1.6, 3.0, 0.5, 2.0, 8.0]), primary_availability=np.array([0.99, 0.9, 0.999, 1, 0.5]),
                    backup_availability=np.array([0.999, 0.99, 0.9, 0.0, 1.0]),
                    bridge_availability=np.array([0.95, 0.99, 0.999, 0.9, 0.8]),
                    constants=supply.pack_supply_constants(
                        primary_is_grid=grid, lead_months=18.0, grid_lead_fraction=0.5, first_block_mw=200.0,
                        mw_per_month=83.0, bridge=bridge, bridge_lead_months=4.0, bridge_first_block_mw=35.0,
                        bridge_mw_per_month=43.0, ride_through_h=0.25, curtailment_h_per_yr=43.8,
                        plant_life_months=240.0))

    for bridge, grid in ((0.0, 1.0), (0.0, 0.0), (1.0, 1.0)):
        check(*both(supply.supply_site_figures_site, supply.supply_site_figures, n, lambda: args(bridge, grid)))


def _planes(betas_deg, a_km=6928.0):
    """Equatorial orbits and a fixed Sun at each beta, including just inside and outside
    the eclipse limit beta* = asin(R / r)."""
    m = len(betas_deg)
    return (np.full(m, a_km), np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m),
            np.full(m, math.sqrt(398600.8 / a_km ** 3)))


def test_eclipse_planes_at_and_around_the_beta_limit():
    a = 6928.0
    beta_star = math.degrees(math.asin(6378.137 / a))
    n = 400
    for beta in (0.0, 45.0, beta_star - 0.3, beta_star + 0.3, 89.0):
        au = 149597870.7
        # a Sun that moves (nodes every hour, 0.3 deg apart) so the interpolation is exercised too
        lon = np.radians(np.arange(8) * 0.3)
        sun = (au * math.cos(math.radians(beta)) * np.cos(lon), au * math.cos(math.radians(beta)) * np.sin(lon),
               np.full(8, au * math.sin(math.radians(beta))))
        planes = _planes([beta], a)
        cpu, gpu = both(eclipse.plane_eclipse, eclipse.plane_eclipses, 1,
                        lambda: (*planes, *sun, 3600.0, n, 15.0, 96, np.zeros(1), np.zeros(1), np.zeros(1),
                                 np.zeros(1), np.zeros(1), np.zeros(1), np.zeros((1, 5))))
        check(cpu, gpu)


def test_shell_economics_and_latency():
    n = 3
    alt = np.array([550.0, 1400.0, 35786.0])
    per_shell = dict(altitude_km=alt, design_life_yr=np.array([5.0, 10, 15]), dose_krad_per_yr=np.array([0.2, 4.0, 0.5]),
                     worst_orbit_eclipse_fraction=np.array([0.37, 0.0, 0.05]), max_eclipse_s=np.array([2100.0, 0, 4300]),
                     eclipse_cycles_per_yr=np.array([5400.0, 0, 90]), mean_eclipse_fraction=np.array([0.3, 0.0, 0.01]),
                     beta_abs_mean_deg=np.array([30.0, 80, 10]))
    scalars = dict(bus_overhead=0.05, battery_round_trip_efficiency=0.92, cell_efficiency=0.3, packing_factor=0.9,
                   pointing_factor=0.95, degradation_base_per_yr=0.01, degradation_belt_per_yr=0.03,
                   cycle_life_ref=27000.0, cycle_life_ref_dod=0.3, cycle_life_exponent=1.26, max_depth_of_discharge=0.8,
                   discharge_efficiency=0.96, radiator_temp_c=50.0, radiator_emissivity=0.9,
                   radiator_solar_absorptivity=0.2, array_kg_per_m2=2.45, radiator_kg_per_m2=4.0, battery_wh_per_kg=150.0,
                   compute_kg_per_kw=8.0, structure_fraction=0.25, spacecraft_cost_usd_per_kg=1100.0,
                   launch_usd_per_kg=3600.0, geo_launch_factor=3.0, compute_tid_limit_krad=2.0, discount_rate=0.08,
                   opex_fraction_per_yr=0.02, it_capex_usd_per_mw=0.0, it_load_factor=0.85)
    for has_battery, dod, per_w in ((1, -1.0, 0.0), (1, 0.35, 200.0), (0, -1.0, 0.0)):
        check(*both(spacecraft.shell_economics_row, spacecraft.shell_economics, n,
                    lambda: dict(per_shell, constants=spacecraft.pack_shell_constants(
                        **scalars, has_battery=has_battery, depth_of_discharge=dod, array_cost_usd_per_w=per_w))))
    x, y, z = (np.zeros(LAT.size) for _ in range(3))
    geodesy.unit_vectors(LAT, LON, x, y, z)
    w = np.ones(LAT.size) / LAT.size
    times = np.arange(6) * 600.0
    gmst = np.linspace(0, 0.3, 6)
    inc = np.radians([53.0, 101.4, 0.0])
    n_sats = np.array([1584.0, 1000, 40])
    cpu_vis, gpu_vis = both(latency.shell_visibility, latency.shell_visibility_probability, n,
                            lambda: (alt, inc, n_sats, np.radians(LAT), math.radians(25.0), 6378.135,
                                     np.zeros((n, LAT.size))))
    check(cpu_vis, gpu_vis)
    vis = cpu_vis[0]
    check(*both(latency.shell_latency, latency.shell_demand_latency, n,
                lambda: (alt, inc, np.zeros(n), np.zeros(n), np.zeros(n),
                         np.array([0.0011, 0.0009, 7.3e-5]), vis, times, gmst, x, y, z,
                         w, math.radians(25.0), 6378.135, 7.46, 50.0,
                         np.zeros(n), np.zeros(n), np.zeros(n))), rtol=1e-7)

if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
