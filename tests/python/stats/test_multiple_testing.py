import numpy as np
import pytest
from funnelhouse.stats import adjust_p_values, benjamini_hochberg_adjust, holm_adjust
from statsmodels.stats.multitest import multipletests

P_VALUE_SETS = [
    [0.01, 0.04, 0.03, 0.005, 0.2],
    [0.05, 0.05, 0.01, 0.5, 0.049, 0.051],  # ties
    [0.9, 0.8, 0.001],
    [0.3],
]


@pytest.mark.parametrize("p_values", P_VALUE_SETS)
def test_holm_matches_statsmodels(p_values):
    expected = multipletests(p_values, method="holm")[1]
    assert np.allclose(holm_adjust(p_values), expected, rtol=1e-12)
    assert np.allclose(adjust_p_values(p_values), expected, rtol=1e-12)


@pytest.mark.parametrize("p_values", P_VALUE_SETS)
def test_benjamini_hochberg_matches_statsmodels(p_values):
    expected = multipletests(p_values, method="fdr_bh")[1]
    assert np.allclose(benjamini_hochberg_adjust(p_values), expected, rtol=1e-12)
    assert np.allclose(adjust_p_values(p_values, "bh"), expected, rtol=1e-12)


def test_random_p_values_match_statsmodels(rng):
    p_values = rng.beta(0.5, 2.0, 40)
    for method, ours in (("holm", holm_adjust), ("fdr_bh", benjamini_hochberg_adjust)):
        assert np.allclose(ours(p_values), multipletests(p_values, method=method)[1])


def test_invalid_input():
    with pytest.raises(ValueError):
        holm_adjust([0.1, 1.2])
    with pytest.raises(ValueError):
        adjust_p_values([0.1], "bonferroni")
