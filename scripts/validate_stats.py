"""Simulation validation of funnelhouse.stats (run by ``make validate``; not a unit test).

Simulates many experiments as per-arm sufficient statistics (vectorised numpy, in chunks) and
runs them through the public library functions:

* A/A false-positive rate at alpha = 0.05 (binomial, log-normal mean, log-normal mean with CUPED,
  ratio metric): target [4%, 6%];
* 95% CI coverage with a known injected effect, absolute and relative: target [94%, 96%];
* false-positive rate of the sequential method under daily peeking: target <= 5%
  (a naive fixed-horizon z-test at every look is reported for contrast, without a target);
* time-uniform coverage of the sequential confidence sequence under an effect: target >= 95%;
* A/A experiments that follow the engine's advice literally (``funnelhouse.advice``): false
  ship / stop-for-harm rate of the fixed-horizon and the sequential plan, target <= 5% (up to
  three Monte Carlo standard errors), with the rule before issue 10 for contrast.

Prints a table, optionally writes JSON (--json PATH), exits 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np
from funnelhouse.advice import follow_the_advice
from funnelhouse.stats import EffectResult, SufficientStats, estimate_effect, sequential_test
from scipy import stats as sps

ALPHA = 0.05
CHUNK = 500  # experiments simulated at once

Sums = dict[str, np.ndarray]  # column name -> array over experiments (or experiments x days)
# simulate(rng, shape, users, treated) -> per-arm sums of `users` users for each cell of `shape`
Simulator = Callable[[np.random.Generator, tuple[int, ...], int, bool], Sums]


@dataclass
class Check:
    name: str
    quantity: str
    value: float
    mc_se: float
    target_low: float | None
    target_high: float | None
    experiments: int

    @property
    def passed(self) -> bool | None:
        if self.target_low is None and self.target_high is None:
            return None
        low_ok = self.target_low is None or self.value >= self.target_low
        high_ok = self.target_high is None or self.value <= self.target_high
        return low_ok and high_ok


# ---------------------------------------------------------------------- simulation of sums
def user_sums(y: np.ndarray, d: np.ndarray | None = None, x: np.ndarray | None = None) -> Sums:
    """Sufficient statistics over the last axis (users)."""
    sums: Sums = {"metric_sum": y.sum(-1), "metric_sum_squares": (y * y).sum(-1)}
    if d is not None:
        sums |= {
            "denominator_sum": d.sum(-1),
            "denominator_sum_squares": (d * d).sum(-1),
            "metric_denominator_sum_product": (y * d).sum(-1),
        }
    if x is not None:
        sums |= {
            "covariate_sum": x.sum(-1),
            "covariate_sum_squares": (x * x).sum(-1),
            "metric_covariate_sum_product": (y * x).sum(-1),
        }
    return sums


def to_stats(users: int, sums: Sums, index: int | tuple[int, ...]) -> SufficientStats:
    return SufficientStats(users=users, **{k: float(v[index]) for k, v in sums.items()})


def binomial_sums(rng: np.random.Generator, shape: tuple[int, ...], n: int, p: float) -> Sums:
    conversions = rng.binomial(n, p, shape).astype(float)
    return {"metric_sum": conversions, "metric_sum_squares": conversions}


LOGNORMAL_MU, LOGNORMAL_SIGMA = 3.0, 1.0
LOGNORMAL_MEAN = math.exp(LOGNORMAL_MU + LOGNORMAL_SIGMA**2 / 2)


def lognormal_sums(
    rng: np.random.Generator, shape: tuple[int, ...], n: int, multiplier: float = 1.0
) -> Sums:
    return user_sums(multiplier * rng.lognormal(LOGNORMAL_MU, LOGNORMAL_SIGMA, (*shape, n)))


def cuped_sums(rng: np.random.Generator, shape: tuple[int, ...], n: int, shift: float) -> Sums:
    """Pre-period spend X and in-experiment spend Y = 0.8 X + noise (+ shift)."""
    x = rng.lognormal(LOGNORMAL_MU, LOGNORMAL_SIGMA, (*shape, n))
    y = 0.8 * x + rng.lognormal(2.0, 1.0, (*shape, n)) + shift
    return user_sums(y, x=x)


CUPED_MEAN = 0.8 * LOGNORMAL_MEAN + math.exp(2.0 + 0.5)
RATIO_TRUE = 2.0 * 25.0  # E[revenue] / E[orders] = mean Gamma(2, 25) order value


def ratio_sums(
    rng: np.random.Generator, shape: tuple[int, ...], n: int, multiplier: float = 1.0
) -> Sums:
    """Orders ~ Poisson(1.3), revenue = sum of Gamma(2, 25) order values (revenue per order)."""
    orders = rng.poisson(1.3, (*shape, n)).astype(float)
    revenue = multiplier * rng.gamma(2.0 * np.maximum(orders, 1e-12), 25.0) * (orders > 0)
    return user_sums(revenue, d=orders)


# ---------------------------------------------------------------------- fixed-horizon checks
def fixed_horizon_results(
    rng: np.random.Generator,
    experiments: int,
    users: int,
    simulate: Simulator,
    metric_type: str,
) -> Iterator[EffectResult]:
    """EffectResult per simulated experiment (simulate(..., treated) returns per-arm sums)."""
    for start in range(0, experiments, CHUNK):
        size = min(CHUNK, experiments - start)
        control = simulate(rng, (size,), users, False)
        variant = simulate(rng, (size,), users, True)
        for i in range(size):
            yield estimate_effect(
                to_stats(users, control, i), to_stats(users, variant, i), metric_type, alpha=ALPHA
            )


def proportion_check(
    name: str, quantity: str, hits: list[bool], low: float | None, high: float | None
) -> Check:
    share = float(np.mean(hits))
    return Check(
        name=name,
        quantity=quantity,
        value=share,
        mc_se=math.sqrt(share * (1 - share) / len(hits)),
        target_low=low,
        target_high=high,
        experiments=len(hits),
    )


def aa_check(name: str, results: Iterator[EffectResult]) -> Check:
    rejections = [r.p_value < ALPHA for r in results]
    return proportion_check(name, "A/A false-positive rate", rejections, 0.04, 0.06)


def coverage_checks(
    name: str, results: Iterator[EffectResult], true_abs: float, true_rel: float
) -> list[Check]:
    abs_hits, rel_hits = [], []
    for r in results:
        abs_hits.append(r.absolute_ci_lower <= true_abs <= r.absolute_ci_upper)
        rel_hits.append(r.relative_ci_lower <= true_rel <= r.relative_ci_upper)
    return [
        proportion_check(name, "95% CI coverage, absolute effect", abs_hits, 0.94, 0.96),
        proportion_check(name, "95% CI coverage, relative effect", rel_hits, 0.94, 0.96),
    ]


# ---------------------------------------------------------------------- sequential checks
def daily_cumulative(
    simulate_day: Simulator,
    rng: np.random.Generator,
    size: int,
    days: int,
    users_per_day: int,
    treated: bool,
) -> Sums:
    """Cumulative sums up to each day, shape (experiments, days)."""
    daily = simulate_day(rng, (size, days), users_per_day, treated)
    return {k: np.cumsum(v, axis=1) for k, v in daily.items()}


def sequential_checks(
    name: str,
    rng: np.random.Generator,
    experiments: int,
    days: int,
    users_per_day: int,
    simulate_day: Simulator,
    metric_type: str,
    true_diff: float,
) -> list[Check]:
    """Null experiments (false positives) and experiments with ``true_diff`` (coverage)."""
    sequential_fp, naive_fp, covered = [], [], []
    z_crit = sps.norm.ppf(1 - ALPHA / 2)
    for start in range(0, experiments, CHUNK):
        size = min(CHUNK, experiments - start)
        for effect in (False, True):
            control = daily_cumulative(simulate_day, rng, size, days, users_per_day, False)
            variant = daily_cumulative(simulate_day, rng, size, days, users_per_day, effect)
            for i in range(size):
                looks_users = [users_per_day * (d + 1) for d in range(days)]
                result = sequential_test(
                    [to_stats(u, control, (i, d)) for d, u in enumerate(looks_users)],
                    [to_stats(u, variant, (i, d)) for d, u in enumerate(looks_users)],
                    metric_type,
                    alpha=ALPHA,
                )
                if effect:
                    covered.append(
                        all(
                            look.look_ci_lower <= true_diff <= look.look_ci_upper
                            for look in result.looks
                        )
                    )
                else:
                    sequential_fp.append(result.stopped_at_index is not None)
                    naive_fp.append(
                        any(abs(look.estimate) > z_crit * look.se for look in result.looks)
                    )
    label = f"{name}, {days} daily looks"
    return [
        proportion_check(label, "sequential false-positive rate", sequential_fp, None, ALPHA),
        proportion_check(label, "naive z-test peeking FPR (contrast)", naive_fp, None, None),
        proportion_check(label, "sequential time-uniform coverage", covered, 0.95, None),
    ]


# ---------------------------------------------------------------------- main
P0, LIFT = 0.05, 0.10


def binomial_arm(r: np.random.Generator, shape: tuple[int, ...], n: int, treated: bool) -> Sums:
    return binomial_sums(r, shape, n, P0 * (1 + LIFT) if treated else P0)


def lognormal_arm(r: np.random.Generator, shape: tuple[int, ...], n: int, treated: bool) -> Sums:
    return lognormal_sums(r, shape, n, 1.05 if treated else 1.0)


def cuped_arm(r: np.random.Generator, shape: tuple[int, ...], n: int, treated: bool) -> Sums:
    return cuped_sums(r, shape, n, 0.05 * CUPED_MEAN if treated else 0.0)


def ratio_arm(r: np.random.Generator, shape: tuple[int, ...], n: int, treated: bool) -> Sums:
    return ratio_sums(r, shape, n, 1 + LIFT if treated else 1.0)


def null(simulate: Simulator) -> Simulator:
    """Both arms untreated (A/A)."""
    return lambda r, shape, n, treated: simulate(r, shape, n, False)


def advice_checks(experiments: int, seed: int) -> list[Check]:
    """False ship/harm of A/A experiments that do what the verdict says (module docstring)."""
    checks = []
    for result in follow_the_advice(experiments, seed):
        high = ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / experiments)  # 3 Monte Carlo se
        contrast = result.policy.startswith("old rule")
        hits = [True] * result.false_decisions + [False] * (experiments - result.false_decisions)
        checks.append(
            proportion_check(
                f"A/A, follow the advice: {result.policy}",
                "false ship / stop-for-harm rate",
                hits,
                None,
                None if contrast else high,
            )
        )
    return checks


def run(experiments: int, seed: int) -> list[Check]:
    rng = np.random.default_rng(seed)
    n = experiments
    checks = [
        aa_check(
            "binomial p=5%, 10k/arm",
            fixed_horizon_results(rng, n, 10_000, null(binomial_arm), "binomial"),
        ),
        aa_check(
            "log-normal mean, 2k/arm",
            fixed_horizon_results(rng, n, 2_000, null(lognormal_arm), "mean"),
        ),
        aa_check(
            "log-normal mean + CUPED, 2k/arm",
            fixed_horizon_results(rng, n, 2_000, null(cuped_arm), "mean"),
        ),
        aa_check(
            "ratio revenue/order, 2k/arm",
            fixed_horizon_results(rng, n, 2_000, null(ratio_arm), "ratio"),
        ),
    ]
    checks += coverage_checks(
        "binomial p=5% +10%, 10k/arm",
        fixed_horizon_results(rng, n, 10_000, binomial_arm, "binomial"),
        true_abs=P0 * LIFT,
        true_rel=LIFT,
    )
    checks += coverage_checks(
        "log-normal mean +5%, 2k/arm",
        fixed_horizon_results(rng, n, 2_000, lognormal_arm, "mean"),
        true_abs=0.05 * LOGNORMAL_MEAN,
        true_rel=0.05,
    )
    checks += coverage_checks(
        "log-normal mean + CUPED +5%, 2k/arm",
        fixed_horizon_results(rng, n, 2_000, cuped_arm, "mean"),
        true_abs=0.05 * CUPED_MEAN,
        true_rel=0.05,
    )
    checks += coverage_checks(
        "ratio revenue/order +10%, 2k/arm",
        fixed_horizon_results(rng, n, 2_000, ratio_arm, "ratio"),
        true_abs=LIFT * RATIO_TRUE,
        true_rel=LIFT,
    )
    checks += sequential_checks(
        "binomial p=5%, 1k/arm/day", rng, n, 14, 1_000, binomial_arm, "binomial", P0 * LIFT
    )
    checks += sequential_checks(
        "log-normal mean, 300/arm/day",
        rng,
        n,
        14,
        300,
        lognormal_arm,
        "mean",
        0.05 * LOGNORMAL_MEAN,
    )
    checks += advice_checks(experiments, seed + 1)
    return checks


def format_table(checks: list[Check]) -> str:
    width = max(46, *(len(c.name) for c in checks))
    header = (
        f"{'scenario':<{width}} {'quantity':<38} {'value':>7} {'MC se':>6} {'target':>13} {'ok':>4}"
    )
    lines = [header, "-" * len(header)]
    for c in checks:
        low = "" if c.target_low is None else f"{c.target_low:.0%}"
        high = "" if c.target_high is None else f"{c.target_high:.1%}".replace(".0%", "%")
        target = "-" if c.passed is None else f"[{low or '0%'}, {high or '100%'}]"
        status = {True: "yes", False: "NO", None: "-"}[c.passed]
        lines.append(
            f"{c.name:<{width}} {c.quantity:<38} {c.value:>7.2%} {c.mc_se:>6.2%} {target:>13} "
            f"{status:>4}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=10_000, help="per scenario (>= 1000)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--json", dest="json_path", help="write the results as JSON here")
    args = parser.parse_args(argv)
    if args.experiments < 1000:
        parser.error("--experiments must be >= 1000")

    started = time.perf_counter()
    checks = run(args.experiments, args.seed)
    elapsed = time.perf_counter() - started
    passed = all(c.passed is not False for c in checks)
    print(format_table(checks))
    verdict = "all targets met" if passed else "TARGETS MISSED"
    print(f"\n{args.experiments} experiments/scenario, seed {args.seed}, {elapsed:.0f}s: {verdict}")
    if args.json_path:
        payload = {
            "experiments_per_scenario": args.experiments,
            "seed": args.seed,
            "alpha": ALPHA,
            "runtime_seconds": round(elapsed, 1),
            "passed": passed,
            "checks": [asdict(c) | {"passed": c.passed} for c in checks],
        }
        with open(args.json_path, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
