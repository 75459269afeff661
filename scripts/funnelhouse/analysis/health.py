"""Is the experiment trustworthy? SRM, users who saw several variants, and the A/A salts."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from funnelhouse.analysis.design import ALL, Design
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.analysis.results import (
    AaMetric,
    AaSection,
    MultiVariantSection,
    OutsideDesign,
    SrmSection,
    SrmThresholds,
    SrmVariant,
    Unavailable,
)
from funnelhouse.stats import SufficientStats, aa_summary, estimate_effect, srm_test

SRM_FAIL_BELOW, SRM_WARN_BELOW = 0.001, 0.01


def srm_section(design: Design) -> SrmSection:
    """Chi-square of the primary metric's users per arm against the design weights; users in
    arms the design does not expect (weight 0, or not registered) count with weight 0, so any
    of them fails the check."""
    outside = tuple(OutsideDesign(v, u, reason) for v, u, reason in design.outside_design)
    names = [*design.variants, *(o.variant for o in outside)]
    users = [design.arm(design.primary.name, ALL, ALL, v).n for v in design.variants]
    users += [o.users for o in outside]
    weights = [design.weights[v] for v in design.variants] + [0.0] * len(outside)
    result = srm_test(users, weights, fail_below=SRM_FAIL_BELOW, warn_below=SRM_WARN_BELOW)
    total_weight, total_users = sum(weights), sum(users)
    return SrmSection(
        test="chi-square goodness of fit of users per variant vs the design weights",
        p_value=result.p_value,
        flag=result.flag,
        statistic=result.statistic,
        df=result.df,
        thresholds=SrmThresholds(fail_below=SRM_FAIL_BELOW, warn_below=SRM_WARN_BELOW),
        variants=tuple(
            SrmVariant(
                variant=v,
                weight=w / total_weight,
                users=u,
                expected_users=e,
                share=u / total_users,
            )
            for v, w, u, e in zip(names, weights, users, result.expected, strict=True)
        ),
        outside_design=outside,
    )


def multi_variant_section(health: dict[str, Any], options: AnalysisOptions) -> MultiVariantSection:
    share = health.get("multi_variant_share")
    share = float(share) if share is not None else math.nan
    users = health.get("multi_variant_users")
    return MultiVariantSection(
        multi_variant_users=None if users is None else int(users),
        multi_variant_share=share if math.isfinite(share) else None,
        limit=options.max_multi_variant_share,
        ok=bool(math.isfinite(share) and share <= options.max_multi_variant_share),
        health={k: v for k, v in health.items() if k != "experiment_id"},
    )


def _aa_p_values(
    records: list[dict[str, Any]], metric_type: str, control: str, options: AnalysisOptions
) -> list[float]:
    """One p-value per salt and treatment arm (the same test as the real analysis)."""
    salts: dict[Any, dict[str, SufficientStats]] = {}
    for r in records:
        salts.setdefault(r["salt_index"], {})[str(r["variant"])] = SufficientStats.from_row(r)
    p_values = []
    for _, arms in sorted(salts.items()):
        reference = control if control in arms else sorted(arms)[0]
        for name, stats in arms.items():
            if name == reference or stats.n < 2 or arms[reference].n < 2:
                continue
            try:
                effect = estimate_effect(arms[reference], stats, metric_type, alpha=options.alpha)
            except ValueError:
                continue
            if math.isfinite(effect.p_value):
                p_values.append(effect.p_value)
    return p_values


def aa_section(
    design: Design, aa: pd.DataFrame | None, options: AnalysisOptions
) -> AaSection | Unavailable:
    """A/A: share of salts significant at alpha and KS uniformity, per metric in the A/A mart."""
    if aa is None:
        return Unavailable(note="marts.fct_experiment_aa_stats is not in the warehouse")
    if aa.empty:
        return Unavailable(note="no A/A rows for this experiment")
    records: dict[str, list[dict[str, Any]]] = {}
    for record in aa.to_dict(orient="records"):
        records.setdefault(str(record["metric_name"]), []).append(record)
    by_metric: list[tuple[AaMetric, list[float]]] = []
    for metric in design.metrics:
        if metric.name not in records:
            continue
        p_values = _aa_p_values(records[metric.name], metric.metric_type, design.control, options)
        if len(p_values) < 2:
            continue
        summary = aa_summary(p_values, alpha=options.alpha)
        # one p-value per salt and treatment arm: aa_summary's "salts" counts p-values
        checked = AaMetric(
            metric_name=metric.name,
            salts=len({r["salt_index"] for r in records[metric.name]}),
            comparisons=summary.salts,
            alpha=summary.alpha,
            share_significant=summary.share_significant,
            binomial_p_value=summary.binomial_p_value,
            ks_statistic=summary.ks_statistic,
            ks_p_value=summary.ks_p_value,
            verdict=summary.verdict,
            reasons=summary.reasons,
        )
        by_metric.append((checked, p_values))
    if not by_metric:
        return Unavailable(note="fewer than two usable A/A salts")
    headline, p_values = next(
        ((m, p) for m, p in by_metric if m.metric_name == design.primary.name), by_metric[0]
    )
    return AaSection(
        **{name: getattr(headline, name) for name in AaMetric.__dataclass_fields__},
        method="re-randomised salts: share of p < alpha (exact binomial test vs alpha) "
        "and Kolmogorov-Smirnov test of uniform p-values",
        p_values=tuple(p_values),
        by_metric=tuple(m for m, _ in by_metric),
    )
