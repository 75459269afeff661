import pytest
from funnelhouse.stats import srm_test
from funnelhouse.stats.srm import srm_flag
from scipy import stats


@pytest.mark.parametrize(
    ("users", "weights"),
    [
        ([5000, 5100], None),
        ([5000, 5400], None),
        ([1000, 1050, 980], None),
        ([9000, 1100], [0.9, 0.1]),
        ([4000, 2100, 2050], [2, 1, 1]),
    ],
)
def test_srm_matches_scipy_chisquare(users, weights):
    result = srm_test(users, weights)
    w = [1] * len(users) if weights is None else weights
    expected = [sum(users) * wi / sum(w) for wi in w]
    reference = stats.chisquare(users, f_exp=expected)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert result.df == len(users) - 1
    assert result.expected == pytest.approx(expected)


def test_srm_flags():
    assert srm_flag(0.0005) == "fail"
    assert srm_flag(0.005) == "warn"
    assert srm_flag(0.2) == "ok"
    assert srm_test([5000, 5000]).flag == "ok"
    assert srm_test([5000, 5400]).flag == "fail"


def test_srm_validates_input():
    with pytest.raises(ValueError):
        srm_test([100])
    with pytest.raises(ValueError):
        srm_test([100, 100], [1, 1, 1])
    with pytest.raises(ValueError):
        srm_test([100, 100], [0, 0])
    with pytest.raises(ValueError):
        srm_test([100, 100], [1, -1])


def test_users_in_an_arm_of_weight_zero_fail_the_check():
    """Item 8 of issue 10: 3,000 users where the design expects nobody is a broken split."""
    broken = srm_test([5000, 5000, 3000], [1, 1, 0])
    assert broken.flag == "fail" and broken.p_value == 0.0
    # a switched-off arm without users is left out: the test is the one of the other two arms
    clean = srm_test([5000, 5100, 0], [1, 1, 0])
    reference = stats.chisquare([5000, 5100])
    assert clean.p_value == pytest.approx(reference.pvalue, rel=1e-9) and clean.df == 1
