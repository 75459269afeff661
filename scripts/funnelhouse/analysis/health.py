"""Is the experiment trustworthy? SRM, users who saw several variants, and the A/A salts."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from funnelhouse.analysis.design import ALL, Design
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.stats import SufficientStats, aa_summary, estimate_effect, srm_test, to_jsonable


def srm_section(design: Design) -> dict[str, Any]:
    """Chi-square of the primary metric's users per arm against the design weights."""
    users = [design.arm(design.primary.name, ALL, ALL, v).n for v in design.variants]
    weights = [design.weights[v] for v in design.variants]
    result = srm_test(users, weights)
    total_weight = sum(weights)
    return to_jsonable(
        {
            "test": "chi-square goodness of fit of users per variant vs the design weights",
            "p_value": result.p_value,
            "flag": result.flag,
            "statistic": result.statistic,
            "df": result.df,
            "thresholds": {"fail_below": 0.001, "warn_below": 0.01},
            "variants": [
                {
                    "variant": v,
                    "weight": w / total_weight,
                    "users": u,
                    "expected_users": e,
                    "share": u / sum(users),
                }
                for v, w, u, e in zip(design.variants, weights, users, result.expected, strict=True)
            ],
        }
    )


def multi_variant_section(health: dict[str, Any], options: AnalysisOptions) -> dict[str, Any]:
    share = health.get("multi_variant_share")
    share = float(share) if share is not None else math.nan
    out = {k: v for k, v in health.items() if k != "experiment_id"}
    out |= {
        "multi_variant_share": share if math.isfinite(share) else None,
        "limit": options.max_multi_variant_share,
        "ok": bool(math.isfinite(share) and share <= options.max_multi_variant_share),
    }
    return to_jsonable(out)


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


def aa_section(design: Design, aa: pd.DataFrame | None, options: AnalysisOptions) -> dict[str, Any]:
    """A/A: share of salts significant at alpha and KS uniformity, per metric in the A/A mart."""
    if aa is None:
        return {"available": False, "note": "marts.fct_experiment_aa_stats is not in the warehouse"}
    if aa.empty:
        return {"available": False, "note": "no A/A rows for this experiment"}
    by_metric = []
    records: dict[str, list[dict[str, Any]]] = {}
    for record in aa.to_dict(orient="records"):
        records.setdefault(str(record["metric_name"]), []).append(record)
    for metric in design.metrics:
        if metric.name not in records:
            continue
        p_values = _aa_p_values(records[metric.name], metric.metric_type, design.control, options)
        if len(p_values) < 2:
            continue
        summary = aa_summary(p_values, alpha=options.alpha)
        salt_count = len({r["salt_index"] for r in records[metric.name]})
        by_metric.append(
            {
                "metric_name": metric.name,
                **to_jsonable(summary),
                # one p-value per salt and treatment arm: aa_summary's "salts" counts p-values
                "comparisons": summary.salts,
                "salts": salt_count,
                "p_values": p_values,
            }
        )
    if not by_metric:
        return {"available": False, "note": "fewer than two usable A/A salts"}
    headline = next((m for m in by_metric if m["metric_name"] == design.primary.name), by_metric[0])
    return to_jsonable(
        {
            "available": True,
            "method": "re-randomised salts: share of p < alpha (exact binomial test vs alpha) "
            "and Kolmogorov-Smirnov test of uniform p-values",
            **headline,
            "by_metric": [{k: v for k, v in m.items() if k != "p_values"} for m in by_metric],
        }
    )
