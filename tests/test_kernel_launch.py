"""Kernels name their outputs: ``launch`` binds arguments by name and finds outputs by the ``out_``
prefix, so a wrong declaration fails on the CPU (where CI runs), not silently on a GPU."""
import numpy as np
import pytest
from numba import njit, prange

from placement.kernels import cost, geodesy
from placement.kernels.targets import kernel_signature, launch


@njit
def _double_row(i, x, out_y):
    out_y[i] = 2.0 * x[i]


@njit(parallel=True)
def _double(x, out_y):
    for i in prange(x.size):
        _double_row(i, x, out_y)


@njit
def _writes_its_input_row(i, x, y, out_z):  # writes y, but y is not declared as an output
    y[i] = 2.0 * x[i]
    out_z[i] = x[i]


@njit(parallel=True)
def _writes_its_input(x, y, out_z):
    for i in prange(x.size):
        _writes_its_input_row(i, x, y, out_z)


@njit
def _renamed_row(i, x, out_z):
    out_z[i] = x[i]


def test_outputs_come_back_by_name_and_are_allocated_when_not_given():
    out = launch("cpu", _double, _double_row, 3, x=np.array([1.0, 2.0, 3.0]))
    assert list(out) == ["y"]
    np.testing.assert_array_equal(out["y"], [2.0, 4.0, 6.0])
    given = np.zeros(3)
    out = launch("cpu", _double, _double_row, 3, np.array([1.0, 2.0, 3.0]), given)
    assert out["y"] is given and given[2] == 6.0


def test_a_kernel_writing_an_undeclared_array_fails_on_the_cpu():
    x = np.arange(4.0)
    with pytest.raises(TypeError, match="writes an input array"):
        launch("cpu", _writes_its_input, _writes_its_input_row, 4, x, np.zeros(4))



def test_a_kernel_without_declared_outputs_is_refused():
    def loop(x, y):
        pass

    def body(i, x, y):
        pass

    with pytest.raises(TypeError, match="names no output"):
        kernel_signature(loop, body)


def test_body_and_kernel_must_share_parameter_names():
    with pytest.raises(TypeError, match="exactly the parameters"):
        kernel_signature(_double, _renamed_row)


def test_unknown_missing_and_read_only_arguments_are_refused():
    x = np.arange(3.0)
    with pytest.raises(TypeError, match="no parameter 'z'"):
        launch("cpu", _double, _double_row, 3, x=x, z=x)
    with pytest.raises(TypeError, match="missing x"):
        launch("cpu", _double, _double_row, 3)
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(TypeError, match="output 'out_y' must be a writeable"):
        launch("cpu", _double, _double_row, 3, x, frozen)


def test_callers_inputs_stay_writeable_and_unchanged():
    lat = np.array([10.0, 20.0])
    out = launch("cpu", geodesy.unit_vectors, geodesy.unit_vector_row, 2, lat_deg=lat, lon_deg=np.zeros(2))
    assert lat.flags.writeable and list(out) == ["x", "y", "z"]
    np.testing.assert_allclose(out["z"], np.sin(np.radians(lat)))


def test_every_kernel_pair_of_the_package_declares_outputs():
    pairs = [(geodesy.great_circle_km_pairs, geodesy.great_circle_km_pair), (cost.ground_cost, cost.ground_cost_site)]
    from placement.kernels import cooling, daylight, eclipse, latency, spacecraft

    pairs += [(cooling.pue_and_water, cooling.cooling_site), (daylight.dark_time, daylight.dark_time_site),
              (eclipse.plane_eclipses, eclipse.plane_eclipse), (latency.demand_weighted_rtt, latency.demand_latency_site),
              (latency.shell_demand_latency, latency.shell_latency),
              (latency.shell_visibility_probability, latency.shell_visibility),
              (spacecraft.shell_economics, spacecraft.shell_economics_row), (geodesy.unit_vectors, geodesy.unit_vector_row)]
    for kernel, body in pairs:
        assert kernel_signature(kernel, body).outputs


def _packed_kernels():
    from placement.kernels import cooling, spacecraft

    return [(cooling, "COOLING_", cooling.COOLING_CONSTANTS, cooling.pack_cooling_constants,
             cooling.pue_and_water, cooling.cooling_site),
            (cost, "GROUND_COST_", cost.GROUND_COST_CONSTANTS, cost.pack_ground_cost_constants,
             cost.ground_cost, cost.ground_cost_site),
            (spacecraft, "SHELL_", spacecraft.SHELL_CONSTANTS, spacecraft.pack_shell_constants,
             spacecraft.shell_economics, spacecraft.shell_economics_row)]


@pytest.mark.parametrize("module, prefix, names, pack, kernel, body", _packed_kernels(),
                         ids=["cooling", "ground_cost", "shell_economics"])
def test_per_call_constants_are_one_packed_array_with_named_indices(module, prefix, names, pack, kernel, body):
    assert len(set(names)) == len(names)
    indices = {k: v for k, v in vars(module).items() if k.startswith(prefix) and isinstance(v, int)}
    assert indices == {prefix + name.upper(): k for k, name in enumerate(names)}
    params = kernel_signature(kernel, body).parameters
    assert "constants" in params and not set(names) & set(params)
    packed = pack(**{name: k + 0.5 for k, name in enumerate(names)})
    assert packed.dtype == np.float64 and packed.shape == (len(names),)
    np.testing.assert_array_equal(packed, np.arange(len(names)) + 0.5)
    values = dict.fromkeys(names, 1.0)
    with pytest.raises(TypeError, match=f"missing {names[-1]}"):
        pack(**{n: v for n, v in values.items() if n != names[-1]})
    with pytest.raises(TypeError, match="unknown not_a_constant"):
        pack(**values, not_a_constant=1.0)


def test_packed_constants_go_through_launch_read_only_and_by_name():
    n = 2
    constants = cost.pack_ground_cost_constants(supply_crf=0.1, fixed_opex_fraction_per_yr=0.03, it_crf=0.25,
                                                water_price_usd_per_m3=2.0, delay_usd_per_mw_month=1e5,
                                                delay_crf=0.1, carbon_price_usd_per_t=70.0)
    before = constants.copy()
    rows = dict(pue=np.full(n, 1.2), price_usd_per_mwh=np.array([50.0, 80.0]), carbon_g_per_kwh=np.array([100.0, 0.0]),
                availability=np.ones(n), it_load_factor=np.ones(n), building_capex_usd_per_mw=np.full(n, 3e6),
                building_crf=np.full(n, 0.09), plant_capex_usd_per_mw=np.full(n, 8e6), plant_crf=np.full(n, 0.12),
                supply_capex_usd_per_mw=np.zeros(n), it_capex_usd_per_mw=np.zeros(n),
                water_l_per_mwh_it=np.array([1000.0, 0.0]), delay_months=np.array([12.0, 0.0]))
    out = launch("cpu", cost.ground_cost, cost.ground_cost_site, n, constants=constants, **rows)
    assert constants.flags.writeable
    np.testing.assert_array_equal(constants, before)
    np.testing.assert_allclose(out["carbon_usd_per_mwh_it"], [70.0 * 120.0 / 1000.0, 0.0])
    np.testing.assert_allclose(out["water_usd_per_mwh_it"], [2.0, 0.0])
    with pytest.raises(TypeError, match="no parameter 'carbon_price_usd_per_t'"):
        launch("cpu", cost.ground_cost, cost.ground_cost_site, n, constants=constants, carbon_price_usd_per_t=70.0,
               **rows)
