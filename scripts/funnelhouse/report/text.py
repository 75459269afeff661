"""The plain-text summary printed by scripts/analyze.py."""

from __future__ import annotations

from typing import Any

from funnelhouse.analysis import provenance
from funnelhouse.report import fmt


def _overall(experiment: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in experiment["metrics"] if m["segment_name"] == "all"]


def _effect_line(row: dict[str, Any]) -> str:
    t = row["metric_type"]
    if not row["estimable"]:
        return f"{row['metric_name']:<20} {row['variant']:<12} {row['note']}"
    adjusted = row["p_value_adjusted"]
    star = "*" if row.get("significant") else " "
    return (
        f"{row['metric_name']:<20} {row['variant']:<12} "
        f"{fmt.metric_value(row['control_mean'], t):>10} -> "
        f"{fmt.metric_value(row['variant_mean'], t):<10} "
        f"{fmt.pct(row['rel_effect'], 1, True):>7} "
        f"{fmt.interval(row['rel_ci'], lambda v: fmt.pct(v, 1, True)):<18} "
        f"p={fmt.p_value(row['p_value']):<7} adj={fmt.p_value(adjusted):<7}{star} "
        f"{row['metric_role']}"
    )


def experiment_summary(experiment: dict[str, Any], alpha: float) -> list[str]:
    decision = experiment["decision"]
    lines = [
        "=" * 100,
        f"{experiment['experiment_id']}: {experiment.get('description') or ''}",
        f"  {experiment['framing']}",
        f"  DECISION: {decision['decision'].upper()}"
        + (f"  ({decision['go_no_go'].upper()})" if decision.get("go_no_go") else ""),
        f"  {decision['headline']}",
    ]
    lines += [f"    - {reason}" for reason in decision["reasons"]]

    srm, multi, aa = experiment["srm"], experiment["multi_variant"], experiment["aa"]
    aa_text = (
        f"A/A {fmt.pct(aa['share_significant'])} of {aa['comparisons']} tests "
        f"({aa['salts']} salts) at p<{alpha:g}, "
        f"KS {fmt.p_equals(aa['ks_p_value'])} ({aa['verdict']})"
        if aa.get("available")
        else f"A/A unavailable ({aa.get('note')})"
    )
    lines.append(
        f"  health: SRM {fmt.p_equals(srm['p_value'])} ({srm['flag']}); users "
        + ", ".join(f"{v['variant']} {fmt.count(v['users'])}" for v in srm["variants"])
        + f"; multi-variant users {fmt.pct(multi.get('multi_variant_share'), 2)}; {aa_text}"
    )
    lines.append(f"  effects ({1 - alpha:.0%} CIs; * = significant after adjustment):")
    for row in _overall(experiment):
        lines.append("    " + _effect_line(row))
    for row in _overall(experiment):
        if row["metric_role"] == "primary" and row["estimable"]:
            lines += _primary_details(row)
    significant_segments = [
        m
        for m in experiment["metrics"]
        if m["segment_name"] != "all" and m.get("significant") and m["metric_role"] == "primary"
    ]
    for test in experiment["heterogeneity"]:
        if test["metric_name"] == experiment["primary_metric"]:
            lines.append(
                f"  segments by {test['segment_name']} ({test['variant']}): Cochran's Q "
                f"{fmt.p_equals(test['p_value'])}, "
                f"adjusted {fmt.p_value(test['p_value_adjusted'])}, "
                f"I^2={fmt.pct(test['i_squared'], 0)}"
            )
    for row in significant_segments:
        lines.append(
            "    " + _effect_line(row) + f" [{row['segment_name']}={row['segment_value']}]"
        )
    lines += _roi_lines(experiment["roi"])
    for note in experiment.get("notes", []):
        lines.append(f"  note: {note}")
    return lines


def _primary_details(row: dict[str, Any]) -> list[str]:
    t = row["metric_type"]
    out = [
        f"  primary {row['metric_name']} ({row['variant']}): {row['test']}; absolute "
        f"{fmt.metric_difference(row['abs_effect'], t)} "
        f"{fmt.interval(row['abs_ci'], lambda v: fmt.metric_difference(v, t))}"
    ]
    cuped = row["cuped"]
    if cuped.get("applied"):
        out.append(
            f"    CUPED: theta={fmt.num(cuped['theta'], 3)}, variance reduction "
            f"{fmt.pct(cuped['variance_reduction'])}"
        )
    out.append(
        f"    Bayesian: chance to win {fmt.pct(row['chance_to_win'])}, expected loss "
        f"{fmt.num(row['expected_loss'], 5)} "
        f"({(row.get('bayesian') or {}).get('effect_scale')} scale)"
    )
    seq = row.get("sequential") or {}
    if seq.get("available"):
        when = (
            f"could have stopped on {seq['stopped_at_look']} (day {seq['stopped_at_day']} of "
            f"{seq['looks']})"
            if seq.get("could_stop_early")
            else ("significant at the last look" if seq.get("significant") else "not significant")
        )
        out.append(
            f"    sequential (always valid, {seq['looks']} daily looks): "
            f"{fmt.p_equals(seq['always_valid_p_value'])}, "
            f"{when}"
        )
    power = row.get("power") or {}
    if power.get("available"):
        extra = power.get("extra_days_needed")
        out.append(
            f"    power: {fmt.pct(power['power_at_mde'], 0)} for a "
            f"{fmt.pct(power['relative_mde'])} "
            f"lift; detectable now {fmt.pct(power['detectable_relative_effect'])}; needs "
            f"{fmt.count(power['users_needed_control'])} + "
            f"{fmt.count(power['users_needed_variant'])} users"
            + (f" ({extra} more days)" if extra else "")
        )
    return out


def _roi_lines(roi: dict[str, Any]) -> list[str]:
    if not roi.get("available"):
        return [f"  ROI: unavailable ({roi.get('note')})"]
    c = roi["currency"]
    gp = roi["net_profit_over_horizon"]
    months = roi["assumptions"]["horizon_months"]
    return [
        f"  ROI ({roi['variant']}, {months:g} months, {roi['metric_name']}): net profit "
        f"{fmt.money(gp['estimate'], c)} "
        f"[{fmt.money(gp['lower'], c)}, {fmt.money(gp['upper'], c)}], "
        f"ROI {fmt.pct((roi.get('roi') or {}).get('estimate'), 0)}, payback "
        f"{fmt.months(roi['payback_months']['estimate'])}, P(ROI > 0) "
        f"{fmt.pct(roi['probability_roi_positive'], 0)}"
    ]


def summary(result: dict[str, Any]) -> str:
    """The whole printed summary."""
    lines = [
        f"funnelhouse experiment analysis of {result['warehouse']} "
        f"(alpha {result['alpha']:g}, {result['correction']} correction)"
    ]
    build = result.get("build")
    if build:
        lines.append(provenance.describe(build))
        lines += [f"WARNING: {warning}" for warning in build.get("warnings", [])]
    for experiment in result["experiments"]:
        lines += experiment_summary(experiment, result["alpha"])
    for error in result.get("errors", []):
        lines.append(f"NOT ANALYSED {error['experiment_id']}: {error['error']}")
    for skipped in result.get("skipped", []):
        lines.append(f"SKIPPED {skipped['experiment_id']}: {skipped['reason']}")
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)
