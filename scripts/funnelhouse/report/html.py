"""A self-contained HTML report (inline CSS, charts as base64 PNGs) of the typed analysis.

Order inside each experiment, for a product manager first and an analyst second: simulation or
real test, the decision and why (with the plan's deciding test), key numbers, test health,
funnel, lifts by metric and segment, the effect over time with sequential bounds, power, ROI,
bandit view, then the detailed tables. The sections are in ``html_sections``.
"""

from __future__ import annotations

from funnelhouse.analysis import provenance
from funnelhouse.analysis.results import AnalysisReport, ExperimentResult
from funnelhouse.report import charts, fmt
from funnelhouse.report.html_sections import (
    decision_block,
    e,
    effects_table,
    health,
    heterogeneity,
    img,
    kpis,
    pill,
    power,
    roi_block,
    sequential_text,
    simulation_note,
    table,
    thompson,
)

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
.decision .plan { font-size: 13px; opacity: .92; }
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


def _when(value: object) -> str:
    """An ISO timestamp to the minute ('2026-01-11 00:00'), or a dash."""
    return fmt.DASH if value is None else e(str(value).replace("T", " ")[:16])


def _invalid_note(experiment: ExperimentResult) -> str:
    if experiment.decision.decision != "invalid":
        return ""
    return (
        '<p class="fail">The numbers below are for diagnosis only: the experiment failed its '
        "health checks or its primary effect cannot be estimated, so no decision is made.</p>"
    )


def experiment_correction_note(experiment: ExperimentResult) -> str:
    families = sorted({m.adjustment.family for m in experiment.metrics if m.adjustment.family})
    overall = [f for f in families if not f.startswith("segments of")]
    return "families: " + "; ".join(overall) + "; and one per metric x variant x segment breakdown"


def experiment_section(experiment: ExperimentResult, alpha: float) -> str:
    eid = experiment.experiment_id
    sim = experiment.is_simulated
    overall = [m for m in experiment.metrics if m.is_overall]
    segments = [m for m in experiment.metrics if not m.is_overall]
    forests = "".join(
        img(charts.forest_chart(experiment, v.variant), "forest plot", "no estimable lifts")
        for v in experiment.variants
        if not v.is_control
    )
    warnings = "".join(f"<li>{e(w)}</li>" for w in experiment.warnings)
    notes = "".join(f"<li>{e(n)}</li>" for n in experiment.notes)
    design = experiment.design
    return f"""
<section class="experiment" id="{e(eid)}">
  <h2>{e(eid)}</h2>
  <div class="muted">{e(experiment.description)} · window
  {_when(design.get("window_start_at"))} to {_when(design.get("window_end_at"))} ·
  {fmt.num(experiment.days_observed, 0)} days observed</div>
  <div class="banner {"sim" if sim else "real"}">{e(experiment.framing)}</div>
  {simulation_note(experiment.simulation) if sim else ""}
  {decision_block(experiment)}
  {_invalid_note(experiment)}
  {kpis(experiment)}
  <h3>Is the test healthy?</h3>
  {health(experiment, alpha)}
  <h3>Funnel by variant</h3>
  {img(charts.funnel_chart(experiment), "funnel by variant", "No binomial funnel-step metrics.")}
  <h3>Lift by metric and segment</h3>
  {forests}
  <h3>Effect over time (sequential test)</h3>
  {img(charts.sequential_chart(experiment), "effect over time", "No daily looks available.")}
  {sequential_text(experiment)}
  <h3>Power and duration</h3>
  {power(experiment)}
  <h3>What it is worth (ROI)</h3>
  {roi_block(experiment)}
  <h3>Bandit view</h3>
  {thompson(experiment)}
  <h3>All metrics</h3>
  {effects_table(overall, with_segment=False)}
  <p class="muted">Adjusted p: {e(experiment_correction_note(experiment))}</p>
  <h3>Segments</h3>
  {heterogeneity(experiment)}
  <details><summary>Every segment row ({len(segments)})</summary>
  {effects_table(segments, with_segment=True)}</details>
  {f"<h3>Warnings</h3><ul>{warnings}</ul>" if warnings else ""}
  {f'<h3>Notes</h3><ul class="muted">{notes}</ul>' if notes else ""}
</section>"""


def _overview(report: AnalysisReport) -> str:
    def kind(x: ExperimentResult) -> str:
        base = "offline simulation" if x.is_simulated else "real logged test"
        return f"{base}, A/A" if x.is_aa_test else base

    rows = [
        [
            f'<a href="#{e(x.experiment_id)}">{e(x.experiment_id)}</a>',
            kind(x),
            pill(x.decision.decision)
            + (f" {e(x.decision.go_no_go.upper())}" if x.decision.go_no_go else ""),
            e(x.decision.headline),
        ]
        for x in report.experiments
    ]
    rows += [
        [e(err.experiment_id), "", pill("invalid"), f"not analysed: {e(err.error)}"]
        for err in report.errors
        if not err.analysed
    ]
    rows += [[e(s.experiment_id), "", "skipped", e(s.reason)] for s in report.skipped]
    return table(["experiment", "kind", "decision", "in one sentence"], rows, left=4)


def _cohorts(report: AnalysisReport) -> str:
    cohorts = report.cohort_retention
    if not cohorts.available:
        return (
            '<p class="na">Cohort retention is not available in this warehouse'
            f" ({e(cohorts.note)}).</p>"
        )
    return img(charts.cohort_chart(cohorts), "cohort retention", "") + (
        f"<p class='muted'>Source: {e(cohorts.source)}.</p>"
    )


HOW_TO_READ = """<li><b>The decision</b> follows the experiment's analysis plan: a
fixed-horizon plan reads its test once, at the planned sample or end date (before it: keep
running); a sequential plan decides with the always-valid test at any look. Ship when the
primary metric wins under that test, no guardrail is harmed and the health checks pass; the ROI
is shown as a risk on the verdict.</li>
<li><b>Lift</b>: variant vs control, relative to |control| (+10% means 10% better than control
in the metric's unit); intervals are {level} confidence intervals. Green/red = significant after
the multiple-testing correction, good/bad direction for that metric.</li>
<li><b>Chance to win</b>: Bayesian probability that the variant is better than control, from
the same (CUPED-adjusted) estimate as the test; <b>expected loss</b> in the metric's unit and as
a share of the control mean.</li>
<li><b>Always-valid p-value</b>: stays valid when the results are checked every day; the
dashed bounds in the over-time chart are the confidence sequence.</li>
<li><b>Offline simulation</b>: users were not really shown the variants; the numbers are
simulated from logged data and the decision is whether to run the real test.</li>
<li><b>A/A test</b>: identical arms; pass or fail of the health and false-positive checks.</li>
<li><b>SRM</b>: the split of users differs from the plan, so the assignment is broken and no
decision is made.</li>"""


def _build(report: AnalysisReport) -> str:
    """Which data the numbers come from, and a warning when that data changed since."""
    warnings = "".join(f'<p class="warn">Warning: {e(w)}</p>' for w in report.build.warnings)
    return f'<div class="muted">{e(provenance.describe(report.build))}</div>{warnings}'


def render(report: AnalysisReport) -> str:
    """The whole report as one HTML string."""
    alpha = report.alpha
    sections = "".join(experiment_section(x, alpha) for x in report.experiments)
    notes = "".join(f"<li>{e(n)}</li>" for n in report.notes)
    correction = "BH" if report.correction == "bh" else "Holm"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Experiment report</title><style>{CSS}</style></head>
<body><main>
<header><h1>Experiment report</h1>
<div class="muted">Warehouse {e(report.warehouse)} · generated {e(report.generated_at)} ·
{fmt.pct(1 - alpha, 0)} confidence intervals, significance level {alpha:g},
{correction} correction for secondary metrics and segments.</div>{_build(report)}</header>
<section class="box"><h2>Overview</h2>{_overview(report)}
{f'<ul class="muted">{notes}</ul>' if notes else ""}</section>
{sections}
<section class="box"><h2>Cohort retention (whole warehouse)</h2>{_cohorts(report)}</section>
<section class="box"><h2>How to read this</h2><ul class="muted">
{HOW_TO_READ.format(level=fmt.pct(1 - alpha, 0))}</ul></section>
</main></body></html>
"""
