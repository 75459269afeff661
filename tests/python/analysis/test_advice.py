"""Item 6 of issue 10: A/A experiments that follow the verdict literally (make validate runs
10,000 of them; here a few hundred, seeded). The old rule ("keep running when underpowered,
then a fresh fixed-horizon test") inflates false decisions; both analysis plans do not."""

import math

from funnelhouse.advice import follow_the_advice, planned_users_per_arm
from statsmodels.stats.power import NormalIndPower


def test_planned_sample_is_the_power_calculation_before_the_test():
    effect_size = 0.005 / math.sqrt(0.05 * 0.95)
    reference = NormalIndPower().solve_power(effect_size, alpha=0.05, power=0.8)
    assert planned_users_per_arm() == math.ceil(reference)


def test_following_the_advice_keeps_false_decisions_at_alpha():
    results = {r.policy: r for r in follow_the_advice(300, seed=5)}
    limit = 0.05 + 3 * math.sqrt(0.05 * 0.95 / 300)
    fixed = results["fixed_horizon plan, advice followed"]
    assert fixed.rate <= limit
    # the fixed-horizon plan reads its test once, however often one looks
    assert results["fixed_horizon plan, re-analysed daily"].rate == fixed.rate
    assert results["sequential plan, re-analysed daily"].rate <= limit
    old = results["old rule (contrast), re-analysed daily"]
    assert old.rate > fixed.rate + 0.04  # about 15% against 5%
