"""Analyse one experiment, or every experiment of a warehouse, into the JSON-ready result."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
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
    row_to_json,
    segment_test_to_json,
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
from funnelhouse.analysis.provenance import build_section
from funnelhouse.analysis.verdict import REAL_BANNER, SIMULATION_BANNER, decision_section
from funnelhouse.stats import to_jsonable

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
    return bool(value) if value is not None else False


def revenue_available(profile: dict[str, Any] | None) -> bool:
    """False only when marts.dq_dataset_profile says the dataset has no revenue."""
    if profile is None or profile.get("has_revenue") is None:
        return True
    return _flag(profile["has_revenue"])


def _thompson(design: Design, options: AnalysisOptions) -> dict[str, Any]:
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
        return {"available": False, "note": str(exc)}
    return to_jsonable(
        {
            "available": True,
            "metric_name": primary.name,
            "method": result.method,
            "n_draws": result.n_draws,
            "weights": dict(zip(design.variants, result.weights, strict=True)),
        }
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
) -> dict[str, Any] | None:
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
            {
                "variant": variant,
                "injected_uplift": uplift,
                "metric_name": metric,
                "segment": None if segment is None else f"{segment[0]}={segment[1]}",
                "rel_effect": None if effect is None else effect.relative_effect,
                "rel_ci": None
                if effect is None
                else [effect.relative_ci_lower, effect.relative_ci_upper],
                "inside_rel_ci": inside,
            }
        )
    covered = [c["inside_rel_ci"] for c in checks if c["inside_rel_ci"] is not None]
    return to_jsonable(
        {
            "simulated_uplift": default,
            "uplift_metric": metric,
            "uplift_segment": experiment.get("uplift_segment"),
            "note": SIMULATION_BANNER,
            "checks": checks,
            "injected_uplift_in_rel_ci": all(covered) if covered else None,
        }
    )


def analyze_experiment(
    data: ExperimentData,
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The full, JSON-ready analysis of one experiment (raises AnalysisError on bad input)."""
    design = build_design(data)
    experiment = data.experiment
    experiment_id = design.experiment_id
    if not data.health:
        raise AnalysisError(
            f"experiment {experiment_id!r} has no row in marts.fct_experiment_health"
        )
    is_simulated = _flag(experiment.get("is_simulated"))
    has_revenue = revenue_available(profile)
    warnings: list[str] = []
    notes = [*data.notes, *design.notes]

    days, days_source = days_observed(experiment, data.daily, design.primary.name)
    rows = build_rows(design, options, has_revenue)
    adjust_families(rows, options.correction)
    add_power(rows, options, days)
    add_sequential(rows, data.daily, options)
    tests = heterogeneity_tests(rows, options.correction)

    srm = srm_section(design)
    multi = multi_variant_section(data.health, options)
    aa = aa_section(design, data.aa, options)
    share = multi.get("multi_variant_share")
    if share is None:
        warnings.append("share of multi-variant users unknown (null in fct_experiment_health)")
        share = 0.0
    if aa.get("available") and aa.get("verdict") != "ok":
        warnings.append(f"A/A check {aa['verdict']!r}: {'; '.join(aa.get('reasons', []))}")
    incomplete = data.health.get("incomplete_window_users")
    if incomplete:
        warnings.append(
            f"{int(incomplete):,} exposed users are left out of metrics whose window had not "
            "closed by the end of the data (see fct_experiment_health."
            "incomplete_window_users_by_metric)"
        )
    elif incomplete is None and (
        experiment.get("conversion_window_complete") is not None
        and not _flag(experiment.get("conversion_window_complete"))
    ):
        warnings.append(
            "conversion window not complete for every user: late conversions are still missing"
        )
    if not has_revenue and any(m.is_revenue for m in design.metrics):
        warnings.append("revenue unavailable: the dataset has no prices (revenue metrics skipped)")
    if not aa.get("available"):
        notes.append(f"A/A: {aa.get('note')}")

    coverage = experiment.get("coverage")
    coverage = float(coverage) if coverage is not None else 1.0
    roi_name = roi_metric(design, options).name
    overall = {(r.metric.name, r.variant): r for r in rows if r.is_overall}
    roi_by_variant, roi_results = {}, {}
    for variant in design.treatments:
        section, result = roi_section(
            design,
            overall.get((roi_name, variant)),
            options,
            assumptions,
            revenue_available=has_revenue,
            days=days,
            coverage=coverage if math.isfinite(coverage) else 1.0,
        )
        roi_by_variant[variant], roi_results[variant] = section, result

    decision = decision_section(
        design,
        rows,
        tests,
        srm_flag=srm["flag"],
        multi_variant_share=float(share),
        rois=roi_results,
        is_simulated=is_simulated,
        warnings=warnings,
        options=options,
    )
    return to_jsonable(
        {
            "experiment_id": experiment_id,
            "description": experiment.get("description"),
            "is_simulated": is_simulated,
            "framing": SIMULATION_BANNER if is_simulated else REAL_BANNER,
            "design": {k: experiment.get(k) for k in DESIGN_FIELDS if k in experiment},
            "simulation": _simulation(data, design, rows, is_simulated),
            "control": design.control,
            "variants": [
                {"variant": v, "weight": design.weights[v], "is_control": v == design.control}
                for v in design.variants
            ],
            "primary_metric": design.primary.name,
            "days_observed": days,
            "days_observed_source": days_source,
            "srm": srm,
            "multi_variant": multi,
            "aa": aa,
            "metrics": [row_to_json(r, options.alpha) for r in rows],
            "heterogeneity": [segment_test_to_json(t) for t in tests],
            "thompson": _thompson(design, options),
            "roi": roi_by_variant[decision["variant"]],
            "roi_by_variant": roi_by_variant,
            "decision": decision,
            "warnings": warnings,
            "notes": notes,
        }
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


def analyze_warehouse(
    db_path: str | Path,
    experiment_ids: Sequence[str] | None,
    options: AnalysisOptions,
    spark: bool = False,
) -> dict[str, Any]:
    """Analyse the given experiments (None = all) of a warehouse into the report's JSON.

    With one named experiment every problem is an AnalysisError; with all experiments a broken
    experiment is listed under ``errors`` and the others are still analysed, and an experiment
    nobody was exposed to in this data (e.g. a logged test whose assignment log belongs to
    another dataset) is listed under ``skipped``.
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
        strict = experiment_ids is not None
        experiments, errors, skipped = [], [], []
        for experiment_id in ids:
            reason = None if strict else _skip_reason(warehouse, experiment_id)
            if reason is not None:
                skipped.append({"experiment_id": experiment_id, "reason": reason})
                continue
            try:
                data = warehouse.load_experiment(experiment_id)
                data.notes.extend(contract_notes)
                experiments.append(analyze_experiment(data, options, assumptions, profile))
            except AnalysisError as exc:
                if strict:
                    raise
                errors.append({"experiment_id": experiment_id, "error": str(exc)})
        cohorts = cohort_matrix(warehouse.cohort_retention())
    return to_jsonable(
        {
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "warehouse": str(db_path),
            "alpha": options.alpha,
            "ci_level": 1 - options.alpha,
            "correction": options.correction,
            "options": {
                "target_mde": options.target_mde,
                "target_power": options.target_power,
                "max_extra_days": options.max_extra_days,
                "max_multi_variant_share": options.max_multi_variant_share,
                "min_probability_roi_positive": options.min_probability_roi_positive,
                "bayes_draws": options.bayes_draws,
                "roi_draws": options.roi_draws,
                "seed": options.seed,
                "roi_metric": options.roi_metric,
            },
            "roi_assumptions": assumptions,
            "dataset_profile": profile,
            "build": build,
            "notes": assumption_notes,
            "experiments": experiments,
            "errors": errors,
            "skipped": skipped,
            "cohort_retention": cohorts,
        }
    )
