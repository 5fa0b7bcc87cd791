"""The cost chain against outside numbers: finance tables and published worked examples."""
import pytest

from placement.kernels.cost import capital_recovery_factor


@pytest.mark.parametrize("rate,years,table_value", [
    # Capital recovery factor (A/P, i, n) from the compound-interest tables of Newnan, Eschenbach &
    # Lavelle, Engineering Economic Analysis (Oxford UP), Appendix C: 5 digits as printed.
    (0.08, 20, 0.10185),
    (0.10, 10, 0.16275),
    (0.05, 30, 0.06505),
    (0.06, 15, 0.10296),
])
def test_capital_recovery_factor_matches_the_finance_table(rate, years, table_value):
    assert capital_recovery_factor(rate, years) == pytest.approx(table_value, abs=5e-6)


def test_capital_recovery_factor_without_interest_is_straight_line():
    assert capital_recovery_factor(0.0, 25.0) == pytest.approx(1 / 25)
