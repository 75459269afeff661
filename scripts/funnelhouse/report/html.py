"""A self-contained HTML report (inline CSS, charts as base64 PNGs) rendered from the JSON.

Order inside each experiment, for a product manager first and an analyst second: simulation or
real test, the decision and why, key numbers, test health, funnel, lifts by metric and segment,
the effect over time with sequential bounds, power, ROI, bandit view, then the detailed tables.
"""

from __future__ import annotations

from html import escape
from typing import Any

from funnelhouse.analysis import provenance
from funnelhouse.report import charts, fmt

DECISION_COLOURS = {
    "ship": "#1a7f37",
    "ship to segment": "#1b7c83",
    "keep running": "#9a6700",
    "stop": "#57606a",
    "invalid": "#cf222e",
}
CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #24292f;
       margin: 0; background: #f6f8fa; line-height: 1.45; }
main { max-width: 1060px; margin: 0 auto; padding: 24px; }
header h1 { margin: 0 0 4px 0; font-size: 26px; }
.muted { color: #57606a; font-size: 13px; }
section.experiment, section.box { background: #fff; border: 1px solid #d0d7de; border-radius: 8px;
       padding: 20px 24px; margin: 22px 0; }
h2 { margin: 0 0 8px 0; font-size: 21px; }
h3 { font-size: 16px; margin: 22px 0 8px 0; border-bottom: 1px solid #eaeef2; padding-bottom: 4px; }
.banner { padding: 8px 12px; border-radius: 6px; font-weight: 600; font-size: 14px; margin: 8px 0; }
.banner.sim { background: #fff8c5; border: 1px solid #d4a72c; }
.banner.real { background: #ddf4ff; border: 1px solid #54aeff; }
.decision { border-radius: 8px; color: #fff; padding: 14px 18px; margin: 12px 0; }
.decision .label { font-size: 24px; font-weight: 800; letter-spacing: .5px; }
.decision .headline { font-size: 17px; margin: 4px 0 6px 0; }
.decision ul { margin: 4px 0 0 18px; padding: 0; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.kpi { flex: 1 1 170px; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px;
       background: #fff; }
.kpi .v { font-size: 20px; font-weight: 700; }
.kpi .k { font-size: 12px; color: #57606a; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid #eaeef2; padding: 5px 7px; text-align: right;
         vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.l, th.l { text-align: left; }
.ok { color: #1a7f37; font-weight: 600; } .warn { color: #9a6700; font-weight: 600; }
.fail { color: #cf222e; font-weight: 600; }
.good { color: #1a7f37; font-weight: 600; } .bad { color: #cf222e; font-weight: 600; }
img { max-width: 100%; height: auto; display: block; margin: 6px 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
details summary { cursor: pointer; color: #0969da; margin: 8px 0; }
.na { color: #57606a; font-style: italic; }
nav table td { vertical-align: middle; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px;
        font-weight: 700; }
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _img(uri: str | None, alt: str, missing: str) -> str:
    if uri is None:
        return f'<p class="na">{e(missing)}</p>'
    return f'<img src="{uri}" alt="{e(alt)}">'


def _pill(decision: str) -> str:
    colour = DECISION_COLOURS.get(decision, "#57606a")
    return f'<span class="pill" style="background:{colour}">{e(decision.upper())}</span>'


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
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


def _primary_row(experiment: dict[str, Any], variant: str) -> dict[str, Any] | None:
    return next(
        (
            m
            for m in experiment["metrics"]
            if m["segment_name"] == "all"
            and m["metric_role"] == "primary"
            and m["variant"] == variant
        ),
        None,
    )


# ---------------------------------------------------------------------------- sections
def _decision_block(experiment: dict[str, Any]) -> str:
    d = experiment["decision"]
    colour = DECISION_COLOURS.get(d["decision"], "#57606a")
    label = e(d["decision"].upper())
    if d.get("go_no_go"):
        label = f"{e(d['go_no_go'].upper())} &nbsp;·&nbsp; {label}"
    reasons = "".join(f"<li>{e(r)}</li>" for r in d["reasons"])
    return (
        f'<div class="decision" style="background:{colour}"><div class="label">{label}</div>'
        f'<div class="headline">{e(d["headline"])}</div><ul>{reasons}</ul></div>'
    )


def _kpis(experiment: dict[str, Any]) -> str:
    variant = experiment["decision"]["variant"]
    row = _primary_row(experiment, variant)
    cards = []
    if row and row["estimable"]:
        ci = fmt.interval(row["rel_ci"], lambda v: fmt.pct(v, 1, True))
        cards.append((fmt.pct(row["rel_effect"], 1, True), f"lift on {row['metric_name']} {ci}"))
        cards.append(
            (
                f"{fmt.metric_value(row['control_mean'], row['metric_type'])} → "
                f"{fmt.metric_value(row['variant_mean'], row['metric_type'])}",
                f"{row['control']} → {variant}",
            )
        )
        cards.append((fmt.pct(row["chance_to_win"], 0), f"chance {variant} is better (Bayesian)"))
        seq = row.get("sequential") or {}
        if seq.get("available"):
            cards.append(
                (fmt.p_value(seq["always_valid_p_value"]), "always-valid p-value (safe to peek)")
            )
    roi = experiment["roi"]
    if roi.get("available"):
        cards.append(
            (
                fmt.money(roi["net_profit_over_horizon"]["estimate"], roi["currency"]),
                f"net profit over {roi['assumptions']['horizon_months']:g} months, "
                f"P(ROI&gt;0) {fmt.pct(roi['probability_roi_positive'], 0)}",
            )
        )
    users = sum(v["users"] for v in experiment["srm"]["variants"])
    cards.append((fmt.count(users), f"users over {fmt.num(experiment['days_observed'], 0)} days"))
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi"><div class="v">{e(v)}</div><div class="k">{k}</div></div>'
            for v, k in cards
        )
        + "</div>"
    )


def _health(experiment: dict[str, Any], alpha: float) -> str:
    srm, multi, aa = experiment["srm"], experiment["multi_variant"], experiment["aa"]
    rows = [
        [
            e(v["variant"]),
            fmt.pct(v["weight"], 1),
            fmt.count(v["users"]),
            fmt.count(v["expected_users"]),
            fmt.pct(v["share"], 2),
        ]
        for v in srm["variants"]
    ]
    srm_html = _table(["variant", "planned share", "users", "expected", "actual share"], rows)
    flag = srm["flag"]
    share = multi.get("multi_variant_share")
    multi_class = "ok" if multi.get("ok") else "fail"
    parts = [
        f"<p>Sample ratio mismatch (SRM): chi-square {fmt.p_equals(srm['p_value'])} "
        f'<span class="{flag}">{e(flag.upper())}</span> (fail below 0.001, warn below 0.01).</p>',
        srm_html,
        f"<p>Users who saw more than one variant: {fmt.count(multi.get('multi_variant_users'))} "
        f'(<span class="{multi_class}">{fmt.pct(share, 2)}</span>, limit '
        f"{fmt.pct(multi['limit'], 1)}).</p>",
    ]
    shown = {"multi_variant_users", "multi_variant_share", "limit", "ok"}
    extra = [
        f"{e(k.replace('_', ' '))}: {fmt.count(v) if isinstance(v, int) else e(v)}"
        for k, v in multi.items()
        if k not in shown and v is not None and not isinstance(v, dict | list | bool)
    ]
    if extra:
        parts.append(
            "<details><summary>Every number of the health mart</summary>"
            f"<p class='muted'>{' · '.join(extra)}</p></details>"
        )
    if aa.get("available"):
        verdict = aa["verdict"]
        aa_text = (
            f"<p>A/A check ({e(aa['metric_name'])}, {aa['salts']} re-randomised salts, "
            f"{aa['comparisons']} tests): "
            f"{fmt.pct(aa['share_significant'], 1)} significant at p &lt; {alpha:g} "
            f"(expected {fmt.pct(alpha, 0)}; binomial test "
            f"{fmt.p_equals(aa['binomial_p_value'])}), "
            f"p-values uniform? KS {fmt.p_equals(aa['ks_p_value'])} "
            f'<span class="{verdict}">{e(verdict.upper())}</span>.</p>'
        )
        parts.append(
            f'<div class="grid2"><div>{aa_text}</div><div>'
            f"{_img(charts.aa_chart(aa), 'A/A p-values', '')}</div></div>"
        )
    else:
        parts.append(f'<p class="na">A/A check not available: {e(aa.get("note"))}</p>')
    return "".join(parts)


def signed_pct(value: float | None) -> str:
    return fmt.pct(value, 1, True)


def _effects_table(rows: list[dict[str, Any]], with_segment: bool) -> str:
    headers = (
        ["metric"]
        + (["segment"] if with_segment else [])
        + [
            "variant",
            "control",
            "variant value",
            "abs. effect [CI]",
            "rel. effect [CI]",
            "p",
            "adj. p",
            "test",
            "CUPED",
            "chance to win",
        ]
    )
    body = []
    for m in rows:
        t = m["metric_type"]
        label = f"{e(m['metric_name'])}<br><span class='muted'>{e(m['metric_role'])}</span>"
        seg = [f"{e(m['segment_name'])}={e(m['segment_value'])}"] if with_segment else []
        if not m["estimable"]:
            body.append(
                [label, *seg, e(m["variant"]), f'<span class="na">{e(m["note"])}</span>'] + [""] * 8
            )
            continue
        cls = ""
        if m.get("significant"):
            good = (m["abs_effect"] > 0) == bool(m["higher_is_better"])
            cls = "good" if good else "bad"
        cuped = m["cuped"]
        cuped_text = (
            f"θ={fmt.num(cuped['theta'], 3)}, -{fmt.pct(cuped['variance_reduction'], 1)} var"
            if cuped.get("applied")
            else "no"
        )
        body.append(
            [
                label,
                *seg,
                e(m["variant"]),
                fmt.metric_value(m["control_mean"], t),
                fmt.metric_value(m["variant_mean"], t),
                f"{fmt.metric_difference(m['abs_effect'], t)}<br><span class='muted'>"
                f"{fmt.interval(m['abs_ci'], lambda v, t=t: fmt.metric_difference(v, t))}</span>",
                f"<span class='{cls}'>{fmt.pct(m['rel_effect'], 1, True)}</span><br>"
                f"<span class='muted'>{fmt.interval(m['rel_ci'], signed_pct)}</span>",
                fmt.p_value(m["p_value"]),
                f"<span class='{cls}'>{fmt.p_value(m['p_value_adjusted'])}</span>",
                f"<span class='muted'>{e(m['test'])}</span>",
                cuped_text,
                fmt.pct(m["chance_to_win"], 0),
            ]
        )
    left = 3 if with_segment else 2
    return _table(headers, body, left=left)


def _heterogeneity(experiment: dict[str, Any]) -> str:
    tests = experiment["heterogeneity"]
    if not tests:
        return '<p class="na">No segment breakdowns with two or more estimable segments.</p>'
    rows = [
        [
            e(t["metric_name"]),
            e(t["segment_name"]),
            e(t["variant"]),
            e(", ".join(t["segments"])),
            fmt.num(t["statistic"], 2),
            str(t["df"]),
            fmt.p_value(t["p_value"]),
            fmt.p_value(t["p_value_adjusted"]),
            fmt.pct(t["i_squared"], 0),
        ]
        for t in tests
    ]
    return _table(
        ["metric", "breakdown", "variant", "segments", "Cochran's Q", "df", "p", "adj. p", "I²"],
        rows,
        left=4,
    )


def _sequential_text(experiment: dict[str, Any]) -> str:
    out = []
    for m in experiment["metrics"]:
        if m["segment_name"] != "all" or m["metric_role"] != "primary":
            continue
        seq = m.get("sequential") or {}
        if not seq.get("available"):
            out.append(f'<p class="na">Sequential test not available: {e(seq.get("note"))}</p>')
            continue

        def difference(value: float | None, metric_type: str = m["metric_type"]) -> str:
            return fmt.metric_difference(value, metric_type)

        if seq.get("could_stop_early"):
            verdict = (
                f"<b>could have stopped early</b> on {e(seq['stopped_at_look'])} (day "
                f"{seq['stopped_at_day']} of {seq['looks']}, {seq['days_saved']} days sooner)"
            )
        elif seq.get("significant"):
            verdict = "became significant at the last look"
        else:
            verdict = "has not crossed the always-valid bounds: no early stop"
        out.append(
            f"<p>{e(m['variant'])}: always-valid {fmt.p_equals(seq['always_valid_p_value'])}, "
            f"always-valid CI {fmt.interval(seq['ci'], difference)}; "
            f"the test {verdict}. <span class='muted'>Method: {e(seq['method'])}; peeking every "
            "day is safe with these bounds.</span></p>"
        )
    return "".join(out)


def _power(experiment: dict[str, Any]) -> str:
    out = []
    for m in experiment["metrics"]:
        if m["segment_name"] != "all" or m["metric_role"] != "primary":
            continue
        p = m.get("power") or {}
        if not p.get("available"):
            out.append(f'<p class="na">Power not available: {e(p.get("note"))}</p>')
            continue
        extra = p.get("extra_days_needed")
        days = (
            f" At the observed traffic ({fmt.count(p.get('users_per_day'))} users a day) that is "
            f"{extra} more days ({p.get('total_days_needed')} in total)."
            if extra
            else " The sample is already large enough."
        )
        out.append(
            f"<p>{e(m['variant'])}: power {fmt.pct(p['power_at_mde'], 0)} to detect a "
            f"{fmt.pct(p['relative_mde'], 1)} lift on {e(m['metric_name'])} (target "
            f"{fmt.pct(p['target_power'], 0)}). The smallest lift this sample detects with "
            f"{fmt.pct(p['target_power'], 0)} power is "
            f"{fmt.pct(p['detectable_relative_effect'], 1)}. "
            f"A {fmt.pct(p['relative_mde'], 1)} lift needs {fmt.count(p['users_needed_control'])} "
            f"+ {fmt.count(p['users_needed_variant'])} users.{days}</p>"
        )
    return "".join(out)


def _roi(experiment: dict[str, Any]) -> str:
    roi = experiment["roi"]
    if not roi.get("available"):
        return f'<p class="na">ROI not available: {e(roi.get("note"))}</p>'
    c = roi["currency"]

    def money_row(name: str, key: str) -> list[str]:
        item = roi.get(key) or {}
        return [
            e(name),
            fmt.money(item.get("estimate"), c),
            f"{fmt.money(item.get('lower'), c)} to {fmt.money(item.get('upper'), c)}",
        ]

    conversions = roi.get("incremental_conversions_per_month") or {}
    rows = [
        [
            "incremental conversions / month",
            fmt.num(conversions.get("estimate"), 0),
            f"{fmt.num(conversions.get('lower'), 0)} to {fmt.num(conversions.get('upper'), 0)}",
        ],
        money_row("incremental revenue / month", "incremental_revenue_per_month"),
        money_row("incremental gross profit / month", "incremental_gross_profit_per_month"),
        money_row(
            f"gross profit over {roi['assumptions']['horizon_months']:g} months",
            "gross_profit_over_horizon",
        ),
        money_row("net profit after costs", "net_profit_over_horizon"),
        [
            "ROI",
            fmt.pct((roi.get("roi") or {}).get("estimate"), 0),
            f"{fmt.pct((roi.get('roi') or {}).get('lower'), 0)} to "
            f"{fmt.pct((roi.get('roi') or {}).get('upper'), 0)}",
        ],
        [
            "payback",
            fmt.months(roi["payback_months"]["estimate"]),
            f"{fmt.months(roi['payback_months']['lower'])} to "
            f"{fmt.months(roi['payback_months']['upper'])}",
        ],
    ]
    a, i = roi["assumptions"], roi["inputs"]
    assumptions = (
        f"<p class='muted'>Inputs: lift {fmt.pct(i['lift'], 2, True)} ± {fmt.pct(i['lift_se'], 2)} "
        f"({e(roi['metric_name'])}, {e(i['lift_metric'])}); traffic "
        f"{fmt.count(i['monthly_users'])} "
        f"users a month ({e(roi['traffic_source'])}); baseline {fmt.pct(i['conversion_rate'], 2)}; "
        f"order value {fmt.money(i['average_order_value'], c)} ({e(roi['order_value_source'])}); "
        f"gross margin {fmt.pct(a['gross_margin'], 0)}; one-off cost "
        f"{fmt.money(a['implementation_cost'], c)}; running cost "
        f"{fmt.money(a['monthly_running_cost'], c)} a month; rollout "
        f"{fmt.pct(a['rollout_share'], 0)}. "
        f"Assumptions from {e(a['source'])}. Intervals: {fmt.pct(1 - roi['alpha'], 0)} from "
        f"{roi['n_draws']:,} draws of the lift.</p>"
    )
    notes = "".join(f"<p class='muted'>{e(n)}</p>" for n in roi.get("notes", []))
    return (
        _img(charts.roi_chart(roi), "ROI distribution", "")
        + _table([f"{roi['variant']} vs {experiment['control']}", "estimate", "interval"], rows)
        + assumptions
        + notes
    )


def _thompson(experiment: dict[str, Any]) -> str:
    t = experiment["thompson"]
    if not t.get("available"):
        return f'<p class="na">Not available: {e(t.get("note"))}</p>'
    cells = ", ".join(f"{e(k)} {fmt.pct(v, 1)}" for k, v in t["weights"].items())
    return (
        f"<p>If traffic were allocated by Thompson sampling on {e(t['metric_name'])} now: "
        f"{cells}. <span class='muted'>({e(t['method'])}; the probability each arm is best.)"
        "</span></p>"
    )


def _when(value: Any) -> str:
    """An ISO timestamp to the minute ('2026-01-11 00:00'), or a dash."""
    return fmt.DASH if value is None else e(str(value).replace("T", " ")[:16])


def _segment_label(segment: str | None) -> str:
    if segment is None:
        return "segment unknown"
    return "all users" if segment == "all=all" else segment


def _simulation_note(simulation: dict[str, Any]) -> str:
    """Injected uplift per arm and whether the measured CI covers it."""
    parts = []
    for check in simulation.get("checks", []):
        if check.get("injected_uplift") is None:
            continue
        inside = check.get("inside_rel_ci")
        verdict = "" if inside is None else f": inside the measured CI {'yes' if inside else 'NO'}"
        parts.append(
            f"{e(check['variant'])} {fmt.pct(check['injected_uplift'], 1, True)} on "
            f"{e(check['metric_name'])} ({e(_segment_label(check['segment']))}){verdict}"
        )
    if not parts:
        return ""
    return f"<p class='muted'>Injected uplift in the simulation: {'; '.join(parts)}.</p>"


def _invalid_note(experiment: dict[str, Any]) -> str:
    if experiment["decision"]["decision"] != "invalid":
        return ""
    return (
        '<p class="fail">The numbers below are for diagnosis only: the experiment failed its '
        "health checks, so its effects cannot be trusted.</p>"
    )


def experiment_section(experiment: dict[str, Any], alpha: float) -> str:
    eid = experiment["experiment_id"]
    sim = experiment["is_simulated"]
    overall = [m for m in experiment["metrics"] if m["segment_name"] == "all"]
    segments = [m for m in experiment["metrics"] if m["segment_name"] != "all"]
    forests = "".join(
        _img(charts.forest_chart(experiment, v["variant"]), "forest plot", "no estimable lifts")
        for v in experiment["variants"]
        if not v["is_control"]
    )
    sim_note = _simulation_note(experiment.get("simulation") or {}) if sim else ""
    warnings = "".join(f"<li>{e(w)}</li>" for w in experiment.get("warnings", []))
    notes = "".join(f"<li>{e(n)}</li>" for n in experiment.get("notes", []))
    design = experiment.get("design") or {}
    return f"""
<section class="experiment" id="{e(eid)}">
  <h2>{e(eid)}</h2>
  <div class="muted">{e(experiment.get("description"))} · window
  {_when(design.get("window_start_at"))} to {_when(design.get("window_end_at"))} ·
  {fmt.num(experiment["days_observed"], 0)} days observed</div>
  <div class="banner {"sim" if sim else "real"}">{e(experiment["framing"])}</div>
  {sim_note}
  {_decision_block(experiment)}
  {_invalid_note(experiment)}
  {_kpis(experiment)}
  <h3>Is the test healthy?</h3>
  {_health(experiment, alpha)}
  <h3>Funnel by variant</h3>
  {_img(charts.funnel_chart(experiment), "funnel by variant", "No binomial funnel-step metrics.")}
  <h3>Lift by metric and segment</h3>
  {forests}
  <h3>Effect over time (sequential test)</h3>
  {_img(charts.sequential_chart(experiment), "effect over time", "No daily looks available.")}
  {_sequential_text(experiment)}
  <h3>Power and duration</h3>
  {_power(experiment)}
  <h3>What it is worth (ROI)</h3>
  {_roi(experiment)}
  <h3>Bandit view</h3>
  {_thompson(experiment)}
  <h3>All metrics</h3>
  {_effects_table(overall, with_segment=False)}
  <p class="muted">Adjusted p: {e(experiment_correction_note(experiment))}</p>
  <h3>Segments</h3>
  {_heterogeneity(experiment)}
  <details><summary>Every segment row ({len(segments)})</summary>
  {_effects_table(segments, with_segment=True)}</details>
  {f"<h3>Warnings</h3><ul>{warnings}</ul>" if warnings else ""}
  {f'<h3>Notes</h3><ul class="muted">{notes}</ul>' if notes else ""}
</section>"""


def experiment_correction_note(experiment: dict[str, Any]) -> str:
    families = sorted(
        {m["adjustment"]["family"] for m in experiment["metrics"] if m["adjustment"]["family"]}
    )
    overall = [f for f in families if not f.startswith("segments of")]
    return "families: " + "; ".join(overall) + "; and one per metric x variant x segment breakdown"


def _overview(result: dict[str, Any]) -> str:
    rows = [
        [
            f'<a href="#{e(x["experiment_id"])}">{e(x["experiment_id"])}</a>',
            "offline simulation" if x["is_simulated"] else "real logged test",
            _pill(x["decision"]["decision"])
            + (f" {e(x['decision']['go_no_go'].upper())}" if x["decision"].get("go_no_go") else ""),
            e(x["decision"]["headline"]),
        ]
        for x in result["experiments"]
    ]
    rows += [
        [e(err["experiment_id"]), "", _pill("invalid"), f"not analysed: {e(err['error'])}"]
        for err in result.get("errors", [])
    ]
    rows += [
        [e(skip["experiment_id"]), "", "skipped", e(skip["reason"])]
        for skip in result.get("skipped", [])
    ]
    return _table(["experiment", "kind", "decision", "in one sentence"], rows, left=4)


def _cohorts(result: dict[str, Any]) -> str:
    cohorts = result.get("cohort_retention") or {}
    if not cohorts.get("available"):
        return (
            '<p class="na">Cohort retention is not available in this warehouse'
            f" ({e(cohorts.get('note'))}).</p>"
        )
    return _img(charts.cohort_chart(cohorts), "cohort retention", "") + (
        f"<p class='muted'>Source: {e(cohorts['source'])}.</p>"
    )


def _build(result: dict[str, Any]) -> str:
    """Which data the numbers come from, and a warning when that data changed since."""
    build = result.get("build")
    if not build:
        return ""
    warnings = "".join(f'<p class="warn">Warning: {e(w)}</p>' for w in build["warnings"])
    return f'<div class="muted">{e(provenance.describe(build))}</div>{warnings}'


def render(result: dict[str, Any]) -> str:
    """The whole report as one HTML string."""
    alpha = result["alpha"]
    sections = "".join(experiment_section(x, alpha) for x in result["experiments"])
    notes = "".join(f"<li>{e(n)}</li>" for n in result.get("notes", []))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Experiment report</title><style>{CSS}</style></head>
<body><main>
<header><h1>Experiment report</h1>
<div class="muted">Warehouse {e(result["warehouse"])} · generated {e(result["generated_at"])} ·
{fmt.pct(1 - alpha, 0)} confidence intervals, significance level {alpha:g},
{e(result["correction"].upper() if result["correction"] == "bh" else "Holm")} correction for
secondary metrics and segments.</div>{_build(result)}</header>
<section class="box"><h2>Overview</h2>{_overview(result)}
{f'<ul class="muted">{notes}</ul>' if notes else ""}</section>
{sections}
<section class="box"><h2>Cohort retention (whole warehouse)</h2>{_cohorts(result)}</section>
<section class="box"><h2>How to read this</h2><ul class="muted">
<li><b>Lift</b>: variant vs control, relative (+10% means 10% more than control); intervals are
{fmt.pct(1 - alpha, 0)} confidence intervals. Green/red = significant after the multiple-testing
correction, good/bad direction for that metric.</li>
<li><b>Chance to win</b>: Bayesian probability that the variant is better than control.</li>
<li><b>Always-valid p-value</b>: stays valid when the results are checked every day; the
dashed bounds in the over-time chart are the confidence sequence.</li>
<li><b>Offline simulation</b>: users were not really shown the variants; the numbers are
simulated from logged data and the decision is whether to run the real test.</li>
<li><b>SRM</b>: the split of users differs from the plan, so the assignment is broken and no
decision is made.</li></ul></section>
</main></body></html>
"""
