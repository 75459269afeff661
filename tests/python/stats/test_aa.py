import numpy as np
import pytest
from funnelhouse.stats import aa_summary
from scipy import stats


def test_ks_and_binomial_match_scipy(rng):
    p_values = rng.uniform(size=200)
    result = aa_summary(p_values)
    ks = stats.kstest(p_values, "uniform", method="exact")
    assert result.ks_statistic == pytest.approx(ks.statistic, rel=1e-12)
    assert result.ks_p_value == pytest.approx(ks.pvalue, rel=1e-6)
    k = int(np.sum(p_values < 0.05))
    assert result.share_significant == k / 200
    assert result.binomial_p_value == pytest.approx(stats.binomtest(k, 200, 0.05).pvalue)
    assert result.verdict == "ok" and result.reasons == ()


def test_inflated_false_positives_fail(rng):
    p_values = np.r_[rng.uniform(0, 0.05, 40), rng.uniform(size=160)]
    result = aa_summary(p_values)
    assert result.verdict == "fail"
    assert result.binomial_p_value < 0.001
    assert any("false-positive" in r for r in result.reasons)


def test_binomial_test_matches_scipy_for_many_counts():
    for k in (0, 3, 5, 9, 15):
        ours = aa_summary(np.r_[np.full(k, 0.01), np.linspace(0.06, 0.99, 100 - k)])
        assert ours.binomial_p_value == pytest.approx(stats.binomtest(k, 100, 0.05).pvalue)
