"""A/A experiments that follow the engine's advice literally (``make validate``, issue 10 item 6).

Each simulated A/A experiment (binomial primary metric, both arms at ``P0``) collects
``USERS_PER_DAY`` users per arm a day. An analyst looks on day ``FIRST_LOOK`` and then does
exactly what the verdict says: "keep running, k more days" means come back on day d + k (or
the next day when k is unknown), any other verdict ends the experiment. The verdicts come from
the engine itself: ``funnelhouse.stats.decide`` with the plan status of
``funnelhouse.analysis.plan.horizon_by_users``, the fixed-horizon effect of ``estimate_effect``
and the always-valid test of ``sequential_test`` (tuned for the planned users). A false decision
is a ship or a stop because the primary metric was harmed. Policies:

* ``fixed_horizon``: planned users from a power calculation before the test (``MDE`` at 80%);
* ``fixed_horizon, daily``: the same, re-analysed every day;
* ``sequential``: the always-valid test every day until the planned users;
* contrasts (no target; the rule before issue 10): "keep running when underpowered and at most
  28 more days are needed, else read the fixed-horizon test", followed literally, and re-run
  every day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from funnelhouse.analysis.plan import horizon_by_users
from funnelhouse.stats import SufficientStats, estimate_effect, power_analysis, sequential_test
from funnelhouse.stats.decision import Decision, Evidence, PlanStatus, decide
from funnelhouse.stats.power import required_users

ALPHA = 0.05
P0 = 0.05
USERS_PER_DAY = 1_000  # per arm
FIRST_LOOK = 7
MDE = 0.10  # relative, for the planned sample and the old rule's power analysis
MAX_EXTRA_DAYS = 28
FALSE_RULES = ("primary improved", "primary harmed")


def planned_users_per_arm() -> int:
    """Users per arm for MDE at 80% power with the baseline variance (decided before looking)."""
    variance = P0 * (1 - P0)
    return required_users(P0 * MDE, variance, variance, alpha=ALPHA, power=0.8)[0]


@dataclass(frozen=True)
class Experiment:
    """Cumulative conversions per arm and day of one simulated A/A experiment."""

    control: np.ndarray
    variant: np.ndarray

    def arm(self, day: int, treated: bool) -> SufficientStats:
        successes = float((self.variant if treated else self.control)[day - 1])
        users = USERS_PER_DAY * day
        return SufficientStats(users=users, metric_sum=successes, metric_sum_squares=successes)


def simulate(rng: np.random.Generator, days: int) -> Experiment:
    daily = rng.binomial(USERS_PER_DAY, P0, (2, days))
    return Experiment(control=np.cumsum(daily[0]), variant=np.cumsum(daily[1]))


def _plan(plan: str, day: int, planned_total: int) -> PlanStatus:
    reached, extra, detail = horizon_by_users(planned_total, 2 * USERS_PER_DAY * day, day)
    return PlanStatus(plan=plan, horizon_reached=reached, extra_days=extra, detail=detail)  # type: ignore[arg-type]


def fixed_verdict(x: Experiment, day: int, planned_total: int) -> Decision:
    effect = estimate_effect(x.arm(day, False), x.arm(day, True), "binomial", alpha=ALPHA)
    return decide("ok", 0.0, effect, plan=_plan("fixed_horizon", day, planned_total), alpha=ALPHA)


def sequential_verdicts(x: Experiment, days: int, planned_total: int) -> Callable[[int], Decision]:
    """The verdict of each day (one sequential run: its looks are the running results)."""
    result = sequential_test(
        [x.arm(d, False) for d in range(1, days + 1)],
        [x.arm(d, True) for d in range(1, days + 1)],
        "binomial",
        alpha=ALPHA,
        tuning_total_users=float(planned_total),
    )

    def verdict(day: int) -> Decision:
        look = result.looks[day - 1]
        evidence = Evidence(
            test="always-valid",
            estimate=0.0 if look.estimate is None else look.estimate,
            p_value=look.p_value,
            ci_lower=look.ci_lower,
            ci_upper=look.ci_upper,
        )
        plan = _plan("sequential", day, planned_total)
        return decide("ok", 0.0, evidence, plan=plan, alpha=ALPHA)

    return verdict


def old_rule_verdict(x: Experiment, day: int) -> Decision:
    """The decision rule before issue 10: significant -> final; underpowered and at most 28 more
    days -> keep running; else stop (futile)."""
    control, variant = x.arm(day, False), x.arm(day, True)
    effect = estimate_effect(control, variant, "binomial", alpha=ALPHA)
    if effect.p_value < ALPHA:
        rule = "primary improved" if effect.absolute_effect > 0 else "primary harmed"
        return Decision("ship" if effect.absolute_effect > 0 else "stop", (), rule=rule)  # type: ignore[arg-type]
    power = power_analysis(control, variant, "binomial", MDE, alpha=ALPHA, days_elapsed=day)
    extra = power.extra_days_needed
    if power.power_at_mde < power.target_power and (extra is None or extra <= MAX_EXTRA_DAYS):
        return Decision("keep running", (), extra_days_needed=extra, rule="waiting")
    return Decision("stop", (), rule="futile")


def follow(verdict: Callable[[int], Decision], first: int, last: int, daily: bool) -> Decision:
    """Look on day ``first``; on "keep running" come back after the advised days (or the next
    day when ``daily``); stop at the first other verdict or after day ``last``."""
    day = first
    while True:
        decision = verdict(day)
        if decision.decision != "keep running" or day >= last:
            return decision
        step = 1 if daily or not decision.extra_days_needed else decision.extra_days_needed
        day = min(last, day + max(1, step))


@dataclass(frozen=True)
class AdviceResult:
    policy: str
    false_decisions: int
    experiments: int

    @property
    def rate(self) -> float:
        return self.false_decisions / self.experiments


def follow_the_advice(experiments: int, seed: int) -> list[AdviceResult]:
    """The false ship/harm rate of every policy over the same simulated A/A experiments."""
    rng = np.random.default_rng(seed)
    per_arm = planned_users_per_arm()
    planned_total = 2 * per_arm
    horizon = math.ceil(per_arm / USERS_PER_DAY)
    last = horizon + MAX_EXTRA_DAYS
    policies: dict[str, Callable[[Experiment], Decision]] = {
        "fixed_horizon plan, advice followed": lambda x: follow(
            lambda d: fixed_verdict(x, d, planned_total), FIRST_LOOK, last, daily=False
        ),
        "fixed_horizon plan, re-analysed daily": lambda x: follow(
            lambda d: fixed_verdict(x, d, planned_total), 1, last, daily=True
        ),
        "sequential plan, re-analysed daily": lambda x: follow(
            sequential_verdicts(x, last, planned_total), 1, last, daily=True
        ),
        "old rule (contrast), advice followed": lambda x: follow(
            lambda d: old_rule_verdict(x, d), FIRST_LOOK, last, daily=False
        ),
        "old rule (contrast), re-analysed daily": lambda x: follow(
            lambda d: old_rule_verdict(x, d), FIRST_LOOK, last, daily=True
        ),
    }
    counts = dict.fromkeys(policies, 0)
    for _ in range(experiments):
        x = simulate(rng, last)
        for name, policy in policies.items():
            counts[name] += policy(x).rule in FALSE_RULES
    return [AdviceResult(name, counts[name], experiments) for name in policies]
