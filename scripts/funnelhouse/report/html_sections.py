"""The sections of one experiment in the HTML report, rendered from the typed results."""

from __future__ import annotations

from html import escape
from typing import Any

from funnelhouse.analysis.results import (
    AaSection,
    BayesianSection,
    ExperimentResult,
    MetricResult,
    PowerSection,
    RoiSection,
    SequentialSection,
    SimulationSection,
    ThompsonSection,
)
from funnelhouse.report import charts, fmt

DECISION_COLOURS = {
    "ship": "#1a7f37",
    "ship to segment": "#1b7c83",
    "keep running": "#9a6700",
    "stop": "#57606a",
    "invalid": "#cf222e",
    "a/a pass": "#1a7f37",
    "a/a fail": "#cf222e",
}


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def img(uri: str | None, alt: str, missing: str) -> str:
    if uri is None:
        return f'<p class="na">{e(missing)}</p>'
    return f'<img src="{uri}" alt="{e(alt)}">'


def pill(decision: str) -> str:
    colour = DECISION_COLOURS.get(decision, "#57606a")
    return f'<span class="pill" style="background:{colour}">{e(decision.upper())}</span>'


def table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    head = "".join(
        f'<th class="l">{e(h)}</th>' if i < left else f"<th>{e(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def signed_pct(value: float | None) -> str:
    return fmt.pct(value, 1, True)


# ---------------------------------------------------------------------------- decision
def decision_block(experiment: ExperimentResult) -> str:
    d, plan = experiment.decision, experiment.analysis_plan
    colour = DECISION_COLOURS.get(d.decision, "#57606a")
    label = e(d.decision.upper())
    if d.go_no_go:
        label = f"{e(d.go_no_go.upper())} &nbsp;·&nbsp; {label}"
    reasons = "".join(f"<li>{e(r)}</li>" for r in d.reasons)
    deciding = (
        f"Decided by the {e(plan.plan.replace('_', '-'))} plan's test: {e(d.deciding_test)}, "
        f"{e(fmt.p_equals(d.deciding_p_value))}."
        if d.deciding_test is not None
        else f"Analysis plan {e(plan.plan.replace('_', '-'))}: {e(plan.deciding_test)}."
    )
    return (
        f'<div class="decision" style="background:{colour}"><div class="label">{label}</div>'
        f'<div class="headline">{e(d.headline)}</div>'
        f'<div class="plan">{deciding} Horizon: {e(plan.horizon)}.</div><ul>{reasons}</ul></div>'
    )


def kpis(experiment: ExperimentResult) -> str:
    """Key numbers; the only p-value shown is the one the decision used."""
    d = experiment.decision
    row = experiment.metric(experiment.primary_metric, d.variant)
    cards = []
    if row is not None and row.estimable:
        ci = fmt.interval(row.rel_ci, signed_pct)
        cards.append((fmt.pct(row.rel_effect, 1, True), f"lift on {e(row.metric_name)} {ci}"))
        cards.append(
            (
                f"{fmt.metric_value(row.control_mean, row.metric_type)} → "
                f"{fmt.metric_value(row.variant_mean, row.metric_type)}",
                f"{e(row.control)} → {e(d.variant)}",
            )
        )
        cards.append((fmt.pct(row.chance_to_win, 0), f"chance {e(d.variant)} is better (Bayesian)"))
    if d.deciding_p_value is not None:
        cards.append((fmt.p_value(d.deciding_p_value), f"deciding p-value ({e(d.deciding_test)})"))
    roi = experiment.roi
    if isinstance(roi, RoiSection):
        cards.append(
            (
                fmt.money(roi.net_profit_over_horizon.estimate, roi.currency),
                f"net profit over {roi.horizon_months:g} months; "
                f"{fmt.pct(1 - roi.probability_roi_positive, 0)} chance it does not pay back",
            )
        )
    users = sum(v.users for v in experiment.srm.variants)
    cards.append((fmt.count(users), f"users over {fmt.num(experiment.days_observed, 0)} days"))
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi"><div class="v">{e(v)}</div><div class="k">{k}</div></div>'
            for v, k in cards
        )
        + "</div>"
    )


# ---------------------------------------------------------------------------- health
def _aa(aa: AaSection, alpha: float) -> str:
    text = (
        f"<p>A/A check ({e(aa.metric_name)}, {aa.salts} re-randomised salts, "
        f"{aa.comparisons} tests): {fmt.pct(aa.share_significant, 1)} significant at "
        f"p &lt; {alpha:g} (expected {fmt.pct(alpha, 0)}; binomial test "
        f"{fmt.p_equals(aa.binomial_p_value)}), p-values uniform? KS "
        f'{fmt.p_equals(aa.ks_p_value)} <span class="{aa.verdict}">{e(aa.verdict.upper())}'
        "</span>.</p>"
    )
    chart = img(charts.aa_chart(aa), "A/A p-values", "")
    return f'<div class="grid2"><div>{text}</div><div>{chart}</div></div>'


def health(experiment: ExperimentResult, alpha: float) -> str:
    srm, multi, aa = experiment.srm, experiment.multi_variant, experiment.aa
    rows = [
        [
            e(v.variant),
            fmt.pct(v.weight, 1),
            fmt.count(v.users),
            fmt.count(v.expected_users),
            fmt.pct(v.share, 2),
        ]
        for v in srm.variants
    ]
    outside = "".join(
        f'<p class="fail">{fmt.count(o.users)} users in {e(o.variant)!s}, which {e(o.reason)}: '
        "the split is broken.</p>"
        for o in srm.outside_design
    )
    multi_class = "ok" if multi.ok else "fail"
    parts = [
        f"<p>Sample ratio mismatch (SRM): chi-square {fmt.p_equals(srm.p_value)} "
        f'<span class="{srm.flag}">{e(srm.flag.upper())}</span> (fail below '
        f"{srm.thresholds.fail_below:g}, warn below {srm.thresholds.warn_below:g}).</p>",
        table(["variant", "planned share", "users", "expected", "actual share"], rows),
        outside,
        f"<p>Users who saw more than one variant: {fmt.count(multi.multi_variant_users)} "
        f'(<span class="{multi_class}">{fmt.pct(multi.multi_variant_share, 2)}</span>, limit '
        f"{fmt.pct(multi.limit, 1)}).</p>",
    ]
    extra = [
        f"{e(k.replace('_', ' '))}: {fmt.count(v) if isinstance(v, int) else e(v)}"
        for k, v in multi.health.items()
        if v is not None and not isinstance(v, dict | list | bool)
    ]
    if extra:
        parts.append(
            "<details><summary>Every number of the health mart</summary>"
            f"<p class='muted'>{' · '.join(extra)}</p></details>"
        )
    if isinstance(aa, AaSection):
        parts.append(_aa(aa, alpha))
    else:
        parts.append(f'<p class="na">A/A check not available: {e(aa.note)}</p>')
    return "".join(parts)


# ---------------------------------------------------------------------------- effects
def _loss(m: MetricResult) -> str:
    if not isinstance(m.bayesian, BayesianSection):
        return fmt.DASH
    return (
        f"{fmt.metric_difference(m.expected_loss_abs, m.metric_type)}<br><span class='muted'>"
        f"{fmt.pct(m.expected_loss_rel, 2)} of control</span>"
    )


def _effect_cells(m: MetricResult) -> list[str]:
    t = m.metric_type
    cls = ""
    if m.significant:
        good = (m.abs_effect > 0) == bool(m.higher_is_better)  # type: ignore[operator]
        cls = "good" if good else "bad"
    cuped = (
        f"θ={fmt.num(m.cuped.theta, 3)}, -{fmt.pct(m.cuped.variance_reduction, 1)} var"
        if m.cuped.applied
        else "no"
    )
    notes = "".join(f"<br><span class='warn'>{e(n)}</span>" for n in m.notes)
    return [
        fmt.metric_value(m.control_mean, t),
        fmt.metric_value(m.variant_mean, t),
        f"{fmt.metric_difference(m.abs_effect, t)}<br><span class='muted'>"
        f"{fmt.interval(m.abs_ci, lambda v, t=t: fmt.metric_difference(v, t))}</span>",
        f"<span class='{cls}'>{fmt.pct(m.rel_effect, 1, True)}</span><br>"
        f"<span class='muted'>{fmt.interval(m.rel_ci, signed_pct)}</span>",
        fmt.p_value(m.p_value),
        f"<span class='{cls}'>{fmt.p_value(m.p_value_adjusted)}</span>",
        f"<span class='muted'>{e(m.test)}</span>{notes}",
        cuped,
        fmt.pct(m.chance_to_win, 0),
        _loss(m),
    ]


def effects_table(rows: list[MetricResult], with_segment: bool) -> str:
    headers = (
        ["metric"]
        + (["segment"] if with_segment else [])
        + ["variant", "control", "variant value", "abs. effect [CI]", "rel. effect [CI]"]
        + ["p", "adj. p", "test", "CUPED", "chance to win", "expected loss"]
    )
    body = []
    for m in rows:
        label = f"{e(m.metric_name)}<br><span class='muted'>{e(m.metric_role)}</span>"
        seg = [f"{e(m.segment_name)}={e(m.segment_value)}"] if with_segment else []
        if not m.estimable:
            body.append([label, *seg, e(m.variant), f'<span class="na">{e(m.note)}</span>'])
            body[-1] += [""] * (len(headers) - len(body[-1]))
            continue
        body.append([label, *seg, e(m.variant), *_effect_cells(m)])
    return table(headers, body, left=3 if with_segment else 2)


def heterogeneity(experiment: ExperimentResult) -> str:
    tests = experiment.heterogeneity
    if not tests:
        return '<p class="na">No segment breakdowns with two or more estimable segments.</p>'
    rows = [
        [
            e(t.metric_name),
            e(t.segment_name),
            e(t.variant),
            e(", ".join(t.segments)),
            fmt.num(t.statistic, 2),
            str(t.df),
            fmt.p_value(t.p_value),
            fmt.p_value(t.p_value_adjusted),
            fmt.pct(t.i_squared, 0),
        ]
        for t in tests
    ]
    return table(
        ["metric", "breakdown", "variant", "segments", "Cochran's Q", "df", "p", "adj. p", "I²"],
        rows,
        left=4,
    )


def _primaries(experiment: ExperimentResult) -> list[MetricResult]:
    return [m for m in experiment.metrics if m.is_overall and m.metric_role == "primary"]


def _sequential_sentence(m: MetricResult, seq: SequentialSection, plan: str) -> str:
    def difference(value: float | None) -> str:
        return fmt.metric_difference(value, m.metric_type)

    if seq.could_stop_early:
        verdict = (
            f"<b>crossed the always-valid bounds</b> on {e(seq.stopped_at_look)} (day "
            f"{seq.stopped_at_day} of {seq.looks}, {seq.days_saved} days before the last look)"
        )
    elif seq.significant:
        verdict = "became significant at the last look"
    else:
        verdict = "has not crossed the always-valid bounds"
    role = (
        "This is the test the decision uses (sequential plan)."
        if plan == "sequential"
        else "For information only: the fixed-horizon plan decides with the fixed-horizon test."
    )
    return (
        f"<p>{e(m.variant)}: always-valid {fmt.p_equals(seq.always_valid_p_value)}, "
        f"always-valid CI {fmt.interval(seq.ci, difference)}; the test {verdict}. {role} "
        f"<span class='muted'>Method: {e(seq.method)}; tuned for "
        f"{fmt.count(seq.tuning_total_users)} users ({e(seq.tuning_source)}).</span></p>"
    )


def sequential_text(experiment: ExperimentResult) -> str:
    out = []
    for m in _primaries(experiment):
        seq = m.sequential
        if isinstance(seq, SequentialSection):
            out.append(_sequential_sentence(m, seq, experiment.analysis_plan.plan))
        elif seq is not None:
            out.append(f'<p class="na">Sequential test not available: {e(seq.note)}</p>')
    return "".join(out)


def _power_sentence(m: MetricResult, p: PowerSection) -> str:
    extra = p.extra_days_needed
    days = (
        f" At the observed traffic ({fmt.count(p.users_per_day)} users a day) that is "
        f"{extra} more days ({p.total_days_needed} in total)."
        if extra
        else " The sample is already large enough."
    )
    return (
        f"<p>{e(m.variant)}: power {fmt.pct(p.power_at_mde, 0)} to detect a "
        f"{fmt.pct(p.relative_mde, 1)} lift on {e(m.metric_name)} (target "
        f"{fmt.pct(p.target_power, 0)}). The smallest lift this sample detects with "
        f"{fmt.pct(p.target_power, 0)} power is {fmt.pct(p.detectable_relative_effect, 1)}. "
        f"A {fmt.pct(p.relative_mde, 1)} lift needs {fmt.count(p.users_needed_control)} "
        f"+ {fmt.count(p.users_needed_variant)} users.{days}</p>"
    )


def power(experiment: ExperimentResult) -> str:
    out = []
    for m in _primaries(experiment):
        if isinstance(m.power, PowerSection):
            out.append(_power_sentence(m, m.power))
        elif m.power is not None:
            out.append(f'<p class="na">Power not available: {e(m.power.note)}</p>')
    return "".join(out)


# ---------------------------------------------------------------------------- money
def _roi_rows(roi: RoiSection) -> list[list[str]]:
    c = roi.currency

    def money_row(name: str, item: Any) -> list[str]:
        return [
            e(name),
            fmt.money(item.estimate, c),
            f"{fmt.money(item.lower, c)} to {fmt.money(item.upper, c)}",
        ]

    conversions = roi.incremental_conversions_per_month
    rows = []
    if conversions is not None:
        rows.append(
            [
                "incremental conversions / month",
                fmt.num(conversions.estimate, 0),
                f"{fmt.num(conversions.lower, 0)} to {fmt.num(conversions.upper, 0)}",
            ]
        )
    rows += [
        money_row("incremental revenue / month", roi.incremental_revenue_per_month),
        money_row("incremental gross profit / month", roi.incremental_gross_profit_per_month),
        money_row(
            f"gross profit over {roi.horizon_months:g} months", roi.gross_profit_over_horizon
        ),
        money_row("net profit after costs", roi.net_profit_over_horizon),
    ]
    if roi.roi is not None:
        rows.append(
            [
                "ROI",
                fmt.pct(roi.roi.estimate, 0),
                f"{fmt.pct(roi.roi.lower, 0)} to {fmt.pct(roi.roi.upper, 0)}",
            ]
        )
    pb = roi.payback_months
    rows.append(
        ["payback", fmt.months(pb.estimate), f"{fmt.months(pb.lower)} to {fmt.months(pb.upper)}"]
    )
    return rows


def roi_block(experiment: ExperimentResult) -> str:
    roi = experiment.roi
    if not isinstance(roi, RoiSection):
        return f'<p class="na">ROI not available: {e(roi.note)}</p>'
    c, a, i = roi.currency, roi.assumptions, roi.inputs
    risk = (
        f"<p><b>{fmt.pct(1 - roi.probability_roi_positive, 0)} chance it does not pay back "
        f"within {roi.horizon_months:g} months</b> (a risk on the verdict, not a reason to "
        "change it).</p>"
    )
    assumptions = (
        f"<p class='muted'>Inputs: lift {fmt.pct(i.lift, 2, True)} ± {fmt.pct(i.lift_se, 2)} "
        f"({e(roi.metric_name)}, {e(i.lift_metric)}); traffic {fmt.count(i.monthly_users)} "
        f"users a month ({e(roi.traffic_source)}); baseline {fmt.num(i.conversion_rate, 4)} "
        f"units per user; value {fmt.money(i.average_order_value, c)} per unit "
        f"({e(roi.value_source)}); gross margin {fmt.pct(a.gross_margin, 0)}; one-off cost "
        f"{fmt.money(a.implementation_cost, c)}; running cost "
        f"{fmt.money(a.monthly_running_cost, c)} a month; rollout {fmt.pct(a.rollout_share, 0)}. "
        f"Assumptions from {e(a.source)}. Intervals: {fmt.pct(1 - roi.alpha, 0)} from "
        f"{roi.n_draws:,} draws of the lift.</p>"
    )
    notes = "".join(f"<p class='muted'>{e(n)}</p>" for n in roi.notes)
    headers = [f"{roi.variant} vs {experiment.control}", "estimate", "interval"]
    return (
        risk
        + img(charts.roi_chart(roi), "ROI distribution", "")
        + table(headers, [[e(x) if j == 0 else x for j, x in enumerate(r)] for r in _roi_rows(roi)])
        + assumptions
        + notes
    )


def thompson(experiment: ExperimentResult) -> str:
    t = experiment.thompson
    if not isinstance(t, ThompsonSection):
        return f'<p class="na">Not available: {e(t.note)}</p>'
    cells = ", ".join(f"{e(k)} {fmt.pct(v, 1)}" for k, v in t.weights.items())
    return (
        f"<p>If traffic were allocated by Thompson sampling on {e(t.metric_name)} now: "
        f"{cells}. <span class='muted'>({e(t.method)}; the probability each arm is best.)"
        "</span></p>"
    )


def _segment_label(segment: str | None) -> str:
    if segment is None:
        return "segment unknown"
    return "all users" if segment == "all=all" else segment


def simulation_note(simulation: SimulationSection | None) -> str:
    """Injected uplift per arm and whether the measured CI covers it."""
    parts = []
    for check in () if simulation is None else simulation.checks:
        if check.injected_uplift is None:
            continue
        inside = check.inside_rel_ci
        verdict = "" if inside is None else f": inside the measured CI {'yes' if inside else 'NO'}"
        parts.append(
            f"{e(check.variant)} {fmt.pct(check.injected_uplift, 1, True)} on "
            f"{e(check.metric_name)} ({e(_segment_label(check.segment))}){verdict}"
        )
    if not parts:
        return ""
    return f"<p class='muted'>Injected uplift in the simulation: {'; '.join(parts)}.</p>"
