"""Analyse one experiment, or every experiment of a warehouse, into the JSON-ready result."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funnelhouse.analysis.cohorts import cohort_matrix
from funnelhouse.analysis.design import ALL, Design, build_design
from funnelhouse.analysis.effects import (
    MetricRow,
    add_power,
    adjust_families,
    build_rows,
    heterogeneity_tests,
    metric_result,
    segment_test_result,
)
from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.health import aa_section, multi_variant_section, srm_section
from funnelhouse.analysis.looks import add_sequential, days_observed
from funnelhouse.analysis.marts import ExperimentData, Warehouse
from funnelhouse.analysis.money import roi_metric, roi_section
from funnelhouse.analysis.options import (
    AnalysisOptions,
    RoiAssumptions,
    load_roi_assumptions,
    override_assumptions,
)
from funnelhouse.analysis.plan import plan_status
from funnelhouse.analysis.provenance import build_section
from funnelhouse.analysis.results import (
    AaSection,
    AnalysisReport,
    ExperimentError,
    ExperimentResult,
    MultiVariantSection,
    PlanSection,
    ReportOptions,
    RoiSection,
    RoiUnavailable,
    SimulationCheck,
    SimulationSection,
    Skipped,
    SrmSection,
    ThompsonSection,
    Unavailable,
    VariantInfo,
)
from funnelhouse.analysis.verdict import SIMULATION_BANNER, decision_section, framing
from funnelhouse.stats import RoiResult
from funnelhouse.stats.decision import PlanStatus

DESIGN_FIELDS: tuple[str, ...] = (
    "hash_method",
    "assignment_source",
    "coverage",
    "window_start_at",
    "window_end_at",
    "exposure_event",
    "target_segment",
    "conversion_window_hours",
    "pre_period_days",
    "conversion_window_complete",
)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "t", "1", "yes")
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value) if value is not None else False


def revenue_available(profile: dict[str, Any] | None) -> bool:
    """False only when marts.dq_dataset_profile says the dataset has no revenue."""
    if profile is None or profile.get("has_revenue") is None:
        return True
    return _flag(profile["has_revenue"])


def _thompson(design: Design, options: AnalysisOptions) -> ThompsonSection | Unavailable:
    from funnelhouse.stats import thompson_weights

    primary = design.primary
    try:
        result = thompson_weights(
            [design.arm(primary.name, ALL, ALL, v) for v in design.variants],
            primary.metric_type,
            n_draws=options.bayes_draws,
            seed=options.seed,
            higher_is_better=primary.higher_is_better,
        )
    except ValueError as exc:
        return Unavailable(note=str(exc))
    return ThompsonSection(
        metric_name=primary.name,
        method=result.method,
        n_draws=result.n_draws,
        weights=dict(zip(design.variants, result.weights, strict=True)),
    )


def _uplift_segment(experiment: dict[str, Any]) -> tuple[str, str] | None:
    """The (segment_name, segment_value) row the injected uplift shows in, None if unknown.

    Uplift on everyone, or on exactly the experiment's target segment (then every exposed user
    is in it), shows in the overall row; 'name=value' shows in that segment's row."""
    segment = experiment.get("uplift_segment")
    text = "" if segment is None else str(segment).strip()
    target = str(experiment.get("target_segment") or "").strip()
    if text.lower() in ("", "all") or text == target:
        return ALL, ALL
    if "=" in text:
        name, value = (part.strip() for part in text.split("=", 1))
        return name, value
    return None


def _simulation(
    data: ExperimentData, design: Design, rows: list[MetricRow], is_simulated: bool
) -> SimulationSection | None:
    """The injected uplift of an offline simulation and whether each arm's CI covers it."""
    if not is_simulated:
        return None
    experiment = data.experiment
    metric = experiment.get("uplift_metric")
    segment = _uplift_segment(experiment)
    per_variant: dict[str, Any] = {}
    if "simulated_uplift" in data.variants.columns:
        for name, value in zip(
            data.variants["variant"], data.variants["simulated_uplift"], strict=True
        ):
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                per_variant[str(name)] = float(value)
    default = experiment.get("simulated_uplift")
    checks = []
    for variant in design.treatments:
        uplift = per_variant.get(variant, default)
        row = next(
            (
                r
                for r in rows
                if r.metric.name == metric
                and r.variant == variant
                and segment is not None
                and (r.segment_name, r.segment_value) == segment
            ),
            None,
        )
        effect = None if row is None else row.effect
        inside = None
        if uplift is not None and effect is not None and effect.relative_ci_lower is not None:
            inside = bool(effect.relative_ci_lower <= float(uplift) <= effect.relative_ci_upper)
        checks.append(
            SimulationCheck(
                variant=variant,
                injected_uplift=None if uplift is None else float(uplift),
                metric_name=metric,
                segment=None if segment is None else f"{segment[0]}={segment[1]}",
                rel_effect=None if effect is None else effect.relative_effect,
                rel_ci=None
                if effect is None
                else (effect.relative_ci_lower, effect.relative_ci_upper),
                inside_rel_ci=inside,
            )
        )
    covered = [c.inside_rel_ci for c in checks if c.inside_rel_ci is not None]
    return SimulationSection(
        simulated_uplift=default,
        uplift_metric=metric,
        uplift_segment=experiment.get("uplift_segment"),
        note=SIMULATION_BANNER,
        checks=tuple(checks),
        injected_uplift_in_rel_ci=all(covered) if covered else None,
    )


def _warnings(
    experiment: dict[str, Any],
    design: Design,
    aa: AaSection | Unavailable,
    has_revenue: bool,
    multi: MultiVariantSection,
) -> list[str]:
    data_health = multi.health
    warnings: list[str] = []
    if multi.multi_variant_share is None:
        warnings.append("share of multi-variant users unknown (null in fct_experiment_health)")
    if isinstance(aa, AaSection) and aa.verdict != "ok":
        warnings.append(f"A/A check {aa.verdict!r}: {'; '.join(aa.reasons)}")
    incomplete = data_health.get("incomplete_window_users")
    complete = experiment.get("conversion_window_complete")
    if incomplete:
        warnings.append(
            f"{int(incomplete):,} exposed users are left out of metrics whose window had not "
            "closed by the end of the data (see fct_experiment_health."
            "incomplete_window_users_by_metric)"
        )
    elif incomplete is None and complete is not None and not _flag(complete):
        warnings.append(
            "conversion window not complete for every user: late conversions are still missing"
        )
    if not has_revenue and any(m.is_revenue for m in design.metrics):
        warnings.append("revenue unavailable: the dataset has no prices (revenue metrics skipped)")
    return warnings


def _rois(
    design: Design,
    rows: list[MetricRow],
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    **context: Any,
) -> tuple[dict[str, RoiSection | RoiUnavailable], dict[str, RoiResult | None]]:
    """The ROI section and library result of every treatment arm."""
    roi_name = roi_metric(design, options).name
    overall = {(r.metric.name, r.variant): r for r in rows if r.is_overall}
    sections: dict[str, RoiSection | RoiUnavailable] = {}
    results: dict[str, RoiResult | None] = {}
    for variant in design.treatments:
        sections[variant], results[variant] = roi_section(
            design, overall.get((roi_name, variant)), options, assumptions, **context
        )
    return sections, results


def _variant_info(design: Design) -> tuple[VariantInfo, ...]:
    return tuple(
        VariantInfo(variant=v, weight=design.weights[v], is_control=v == design.control)
        for v in design.variants
    )


def health_sections(
    data: ExperimentData, design: Design, options: AnalysisOptions
) -> tuple[SrmSection, MultiVariantSection, AaSection | Unavailable]:
    """SRM, multi-variant users and the A/A salts."""
    return (
        srm_section(design),
        multi_variant_section(data.health, options),
        aa_section(design, data.aa, options),
    )


def _coverage(experiment: dict[str, Any]) -> float:
    value = experiment.get("coverage")
    coverage = float(value) if value is not None else 1.0
    return coverage if math.isfinite(coverage) else 1.0


def _rows(
    data: ExperimentData, design: Design, options: AnalysisOptions, has_revenue: bool, **plan: Any
) -> tuple[list[MetricRow], list]:
    """Every comparison with its effect, adjustment, power and sequential test."""
    rows = build_rows(design, options, has_revenue)
    adjust_families(rows, options.correction)
    add_power(rows, options, plan["days"])
    add_sequential(rows, data.daily, options, plan["planned_users"])
    return rows, heterogeneity_tests(rows, options.correction)


@dataclass(frozen=True)
class _Evidence:
    """Everything the decision and the result are built from."""

    design: Design
    is_simulated: bool
    is_aa_test: bool
    days: float | None
    days_source: str
    plan_section: PlanSection
    plan: PlanStatus
    rows: list[MetricRow]
    tests: list
    srm: SrmSection
    multi: MultiVariantSection
    aa: AaSection | Unavailable
    warnings: list[str]
    notes: list[str]
    roi_by_variant: dict[str, RoiSection | RoiUnavailable]
    roi_results: dict[str, RoiResult | None]


def _evidence(
    data: ExperimentData,
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    profile: dict[str, Any] | None,
) -> _Evidence:
    """The estimates, health checks, warnings and ROI of one experiment."""
    design = build_design(data)
    experiment = data.experiment
    if not data.health:
        raise AnalysisError(
            f"experiment {design.experiment_id!r} has no row in marts.fct_experiment_health"
        )
    is_aa_test = _flag(experiment.get("is_aa_test"))
    has_revenue = revenue_available(profile)
    days, days_source = days_observed(experiment, data.daily, design.primary.name)
    plan_section, plan = plan_status(experiment, design, data.daily, days)
    rows, tests = _rows(
        data, design, options, has_revenue, days=days, planned_users=plan_section.planned_users
    )
    srm, multi, aa = health_sections(data, design, options)
    warnings, notes = _warnings(experiment, design, aa, has_revenue, multi), list(data.notes)
    notes += [*design.notes, *([f"A/A: {aa.note}"] if isinstance(aa, Unavailable) else [])]
    money = {"revenue_available": has_revenue, "days": days, "is_aa_test": is_aa_test}
    roi_by_variant, roi_results = _rois(
        design, rows, options, assumptions, coverage=_coverage(experiment), **money
    )
    return _Evidence(
        design=design,
        is_simulated=_flag(experiment.get("is_simulated")),
        is_aa_test=is_aa_test,
        days=days,
        days_source=days_source,
        plan_section=plan_section,
        plan=plan,
        rows=rows,
        tests=tests,
        srm=srm,
        multi=multi,
        aa=aa,
        warnings=warnings,
        notes=notes,
        roi_by_variant=roi_by_variant,
        roi_results=roi_results,
    )


def analyze_experiment(
    data: ExperimentData,
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    profile: dict[str, Any] | None = None,
) -> ExperimentResult:
    """The full analysis of one experiment (raises AnalysisError on bad input)."""
    e = _evidence(data, options, assumptions, profile)
    experiment, design, share = data.experiment, e.design, e.multi.multi_variant_share
    decision = decision_section(
        design,
        e.rows,
        e.tests,
        plan=e.plan,
        srm_flag=e.srm.flag,
        multi_variant_share=0.0 if share is None else float(share),
        rois=e.roi_results,
        is_simulated=e.is_simulated,
        is_aa_test=e.is_aa_test,
        salts_verdict=e.aa.verdict if isinstance(e.aa, AaSection) else None,
        warnings=e.warnings,
        options=options,
    )
    return ExperimentResult(
        experiment_id=design.experiment_id,
        description=experiment.get("description"),
        is_simulated=e.is_simulated,
        is_aa_test=e.is_aa_test,
        framing=framing(e.is_simulated, e.is_aa_test),
        design={k: experiment.get(k) for k in DESIGN_FIELDS if k in experiment},
        analysis_plan=e.plan_section,
        simulation=_simulation(data, design, e.rows, e.is_simulated and not e.is_aa_test),
        control=design.control,
        variants=_variant_info(design),
        primary_metric=design.primary.name,
        days_observed=e.days,
        days_observed_source=e.days_source,
        srm=e.srm,
        multi_variant=e.multi,
        aa=e.aa,
        metrics=tuple(metric_result(r, options.alpha) for r in e.rows),
        heterogeneity=tuple(segment_test_result(t) for t in e.tests),
        thompson=_thompson(design, options),
        roi=e.roi_by_variant[decision.variant],
        roi_by_variant=e.roi_by_variant,
        decision=decision,
        warnings=tuple(e.warnings),
        notes=tuple(e.notes),
    )


NO_EXPOSURES = (
    "no exposed users in this data (a logged test without its assignment log here, or an "
    "exposure event the data never has)"
)
NO_CLOSED_WINDOWS = (
    "no exposed user's primary-metric window has closed by the end of the data yet (e.g. a "
    "7-day metric on data shorter than 7 days); users with an open window are never counted"
)


def _skip_reason(warehouse: Warehouse, experiment_id: str) -> str | None:
    """Why ``--all`` leaves an experiment out: nobody exposed, or no primary value known yet."""
    if warehouse.exposed_users(experiment_id) == 0:
        return NO_EXPOSURES
    if warehouse.primary_metric_users(experiment_id) == 0:
        return NO_CLOSED_WINDOWS
    return None


def primary_failure(result: ExperimentResult) -> str | None:
    """Why the primary effect could not be estimated, or None (the run then exits 1)."""
    primary = result.metric(result.primary_metric, result.decision.variant)
    if result.decision.decision == "invalid" and primary is not None and not primary.estimable:
        return f"decision invalid: the primary metric {result.primary_metric!r}: {primary.note}"
    return None


def _report_options(options: AnalysisOptions) -> ReportOptions:
    return ReportOptions(
        target_mde=options.target_mde,
        target_power=options.target_power,
        max_extra_days=options.max_extra_days,
        max_multi_variant_share=options.max_multi_variant_share,
        min_probability_roi_positive=options.min_probability_roi_positive,
        bayes_draws=options.bayes_draws,
        roi_draws=options.roi_draws,
        seed=options.seed,
        roi_metric=options.roi_metric,
    )


def _analyse_each(
    warehouse: Warehouse,
    ids: Sequence[str],
    strict: bool,
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    profile: dict[str, Any] | None,
    contract_notes: Sequence[str],
) -> tuple[list[ExperimentResult], list[ExperimentError], list[Skipped]]:
    """Each experiment's result; unless strict, a failure is listed and the rest go on."""
    experiments, errors, skipped = [], [], []
    for experiment_id in ids:
        reason = None if strict else _skip_reason(warehouse, experiment_id)
        if reason is not None:
            skipped.append(Skipped(experiment_id=experiment_id, reason=reason))
            continue
        try:
            data = warehouse.load_experiment(experiment_id)
            data.notes.extend(contract_notes)
            result = analyze_experiment(data, options, assumptions, profile)
        except AnalysisError as exc:
            if strict:
                raise
            errors.append(ExperimentError(experiment_id=experiment_id, error=str(exc)))
            continue
        experiments.append(result)
        if (failure := primary_failure(result)) is not None:
            errors.append(ExperimentError(experiment_id, failure, analysed=True))
    return experiments, errors, skipped


def analyze_warehouse(
    db_path: str | Path,
    experiment_ids: Sequence[str] | None,
    options: AnalysisOptions,
    spark: bool = False,
) -> AnalysisReport:
    """Analyse the given experiments (None = all) of a warehouse into the typed report.

    With one named experiment every problem is an AnalysisError; with all experiments a broken
    experiment is listed under ``errors`` and the others are still analysed, and an experiment
    nobody was exposed to in this data (e.g. a logged test whose assignment log belongs to
    another dataset) is listed under ``skipped``. An experiment whose primary effect cannot be
    estimated is reported with decision 'invalid' and also listed under ``errors``.
    """
    with Warehouse.from_spark(db_path) if spark else Warehouse(db_path) as warehouse:
        contract_notes = warehouse.check_contract()
        assumptions, assumption_notes = load_roi_assumptions(
            warehouse.roi_assumption_rows(), options.roi_assumption_set
        )
        assumptions = override_assumptions(assumptions, options.roi_overrides)
        profile = warehouse.dataset_profile()
        build = build_section(warehouse.build_info())
        ids = list(experiment_ids) if experiment_ids else warehouse.experiment_ids()
        if not ids:
            raise AnalysisError("marts.dim_experiments has no experiments")
        experiments, errors, skipped = _analyse_each(
            warehouse,
            ids,
            experiment_ids is not None,
            options,
            assumptions,
            profile,
            contract_notes,
        )
        cohorts = cohort_matrix(warehouse.cohort_retention())
    return AnalysisReport(
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        warehouse=str(db_path),
        alpha=options.alpha,
        ci_level=1 - options.alpha,
        correction=options.correction,
        options=_report_options(options),
        roi_assumptions=assumptions,
        dataset_profile=profile,
        build=build,
        notes=tuple(assumption_notes),
        experiments=tuple(experiments),
        errors=tuple(errors),
        skipped=tuple(skipped),
        cohort_retention=cohorts,
    )
