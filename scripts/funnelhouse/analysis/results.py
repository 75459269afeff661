"""The typed result of an analysis: what the statistics hand to the reports.

Every section is a frozen dataclass; the text, HTML and chart reports read their attributes (a
renamed field is an AttributeError in the report, never a blank cell), and the JSON is
``funnelhouse.report.json_report.report_json`` of an ``AnalysisReport``: one generic
conversion, field names = JSON keys. A section that could not be computed is ``Unavailable``
(``available`` is False and ``note`` says why); available sections have ``available = True``.
Several sections extend a statistics result (``PowerResult``, ``RoiResult``, ``AaSummary``-like
fields) so that its fields appear at the top level of the section's JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from funnelhouse.analysis.options import RoiAssumptions
from funnelhouse.stats import PowerResult, RoiInputs, RoiResult

Interval = tuple[float | None, float | None]


@dataclass(frozen=True)
class Unavailable:
    note: str
    available: bool = False


# ---------------------------------------------------------------------------- metric rows
@dataclass(frozen=True)
class Adjustment:
    family: str | None
    family_size: int


@dataclass(frozen=True)
class CupedSection:
    applied: bool
    reason: str | None = None
    theta: float | None = None
    variance_reduction: float | None = None


@dataclass(frozen=True)
class BayesianSection:
    """``expected_loss_abs`` is in the metric's unit (percentage points as a fraction for rates),
    ``expected_loss_rel`` a fraction of |control mean|; both follow the good direction."""

    method: str
    effect_scale: str
    effect_mean: float
    credible_level: float
    credible_interval: Interval
    chance_to_beat_control: float
    chance_to_win: float
    expected_loss_abs: float | None
    expected_loss_rel: float | None
    expected_loss_of_control_abs: float | None
    expected_loss_of_control_rel: float | None
    available: bool = True


@dataclass(frozen=True)
class SequentialLookRow:
    look: dt.date | int | str
    control_users: int
    variant_users: int
    estimate: float | None
    se: float | None
    look_ci: Interval
    ci: Interval
    p_value: float


@dataclass(frozen=True)
class SequentialSection:
    method: str
    scale: str
    always_valid_p_value: float
    p_value_adjusted: float
    ci: Interval
    looks: int
    first_look: dt.date | int | str
    last_look: dt.date | int | str
    significant: bool
    could_stop_early: bool
    stopped_at_look: dt.date | int | str | None
    stopped_at_day: int | None
    days_saved: int | None
    rho: float
    tuning_total_users: float
    tuning_source: str
    series: tuple[SequentialLookRow, ...]
    available: bool = True


@dataclass(frozen=True)
class PowerSection(PowerResult):
    available: bool = True


@dataclass(frozen=True)
class MetricResult:
    """One comparison (metric x treatment arm x segment); effect fields are None when the
    effect could not be estimated (``estimable`` False, ``note`` says why)."""

    metric_name: str
    metric_type: str
    metric_role: str
    higher_is_better: bool
    segment_name: str
    segment_value: str
    variant: str
    control: str
    users: int
    control_users: int
    estimable: bool
    note: str | None
    control_mean: float | None
    variant_mean: float | None
    test: str | None
    statistic: float | None
    df: float | None
    abs_effect: float | None
    abs_se: float | None
    abs_ci: Interval
    rel_effect: float | None
    rel_se: float | None
    rel_ci: Interval
    ci_level: float
    p_value: float | None
    p_value_adjusted: float | None
    adjustment: Adjustment
    significant: bool | None
    exact: bool
    notes: tuple[str, ...]
    cuped: CupedSection
    chance_to_win: float | None
    expected_loss_abs: float | None
    expected_loss_rel: float | None
    bayesian: BayesianSection | Unavailable
    sequential: SequentialSection | Unavailable | None
    power: PowerSection | Unavailable | None

    @property
    def is_overall(self) -> bool:
        return self.segment_name == "all"


@dataclass(frozen=True)
class SegmentTestResult:
    metric_name: str
    variant: str
    segment_name: str
    test: str
    scale: str
    segments: tuple[str, ...]
    statistic: float
    df: int
    p_value: float
    p_value_adjusted: float | None
    i_squared: float
    pooled_effect: float
    pooled_se: float


# ---------------------------------------------------------------------------- health
@dataclass(frozen=True)
class SrmVariant:
    variant: str
    weight: float
    users: int
    expected_users: float
    share: float


@dataclass(frozen=True)
class OutsideDesign:
    """Users in stats rows of an arm the design does not expect (weight 0 or unregistered)."""

    variant: str
    users: int
    reason: str


@dataclass(frozen=True)
class SrmThresholds:
    fail_below: float
    warn_below: float


@dataclass(frozen=True)
class SrmSection:
    test: str
    p_value: float
    flag: str
    statistic: float
    df: int
    thresholds: SrmThresholds
    variants: tuple[SrmVariant, ...]
    outside_design: tuple[OutsideDesign, ...]


@dataclass(frozen=True)
class MultiVariantSection:
    """``health``: every column of the experiment's fct_experiment_health row."""

    multi_variant_users: int | None
    multi_variant_share: float | None
    limit: float
    ok: bool
    health: Mapping[str, Any]


@dataclass(frozen=True)
class AaMetric:
    """The A/A check of one metric: one p-value per salt and treatment arm (``comparisons``)."""

    metric_name: str
    salts: int
    comparisons: int
    alpha: float
    share_significant: float
    binomial_p_value: float
    ks_statistic: float
    ks_p_value: float
    verdict: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AaSection(AaMetric):
    """The primary metric's A/A check (its fields) plus every metric's."""

    method: str
    p_values: tuple[float, ...]
    by_metric: tuple[AaMetric, ...]
    available: bool = True


# ---------------------------------------------------------------------------- money, plan
@dataclass(frozen=True)
class RoiSection(RoiResult):
    variant: str
    metric_name: str
    currency: str
    inputs: RoiInputs
    assumptions: RoiAssumptions
    traffic_source: str
    value_source: str
    notes: tuple[str, ...]
    available: bool = True


@dataclass(frozen=True)
class RoiUnavailable:
    variant: str
    metric_name: str
    note: str
    available: bool = False


@dataclass(frozen=True)
class PlanSection:
    """The registry's analysis plan and where the experiment is in it. ``planned_users`` is the
    planned total over the arms (None: the horizon is the end of the exposure window, or a
    sequential plan without one); ``horizon`` describes the horizon in words."""

    plan: str
    planned_users: int | None
    observed_users: int
    horizon: str
    horizon_reached: bool
    extra_days: int | None
    deciding_test: str


# ---------------------------------------------------------------------------- decision
@dataclass(frozen=True)
class VariantDecision:
    variant: str
    decision: str
    reasons: tuple[str, ...]
    extra_days_needed: int | None
    segments_to_ship: tuple[str, ...]
    roi_risk: float | None
    rule: str


@dataclass(frozen=True)
class DecisionSection:
    """The verdict. ``deciding_test`` / ``deciding_p_value`` are the plan's test of the primary
    metric for the reported arm (None before a fixed horizon or when not estimable); ``rule``
    names the rule that decided (``funnelhouse.stats.decision.Rule``); ``roi_risk`` =
    P(the change does not pay back within the ROI horizon)."""

    decision: str
    rule: str
    reasons: tuple[str, ...]
    variant: str
    control: str
    headline: str
    plan: str
    deciding_test: str | None
    deciding_p_value: float | None
    roi_risk: float | None
    extra_days_needed: int | None
    segments_to_ship: tuple[str, ...]
    is_simulated: bool
    is_aa_test: bool
    go_no_go: str | None
    framing: str
    by_variant: tuple[VariantDecision, ...]


# ---------------------------------------------------------------------------- experiment
@dataclass(frozen=True)
class ThompsonSection:
    metric_name: str
    method: str
    n_draws: int
    weights: Mapping[str, float]
    available: bool = True


@dataclass(frozen=True)
class SimulationCheck:
    variant: str
    injected_uplift: float | None
    metric_name: str | None
    segment: str | None
    rel_effect: float | None
    rel_ci: Interval | None
    inside_rel_ci: bool | None


@dataclass(frozen=True)
class SimulationSection:
    simulated_uplift: float | None
    uplift_metric: str | None
    uplift_segment: str | None
    note: str
    checks: tuple[SimulationCheck, ...]
    injected_uplift_in_rel_ci: bool | None


@dataclass(frozen=True)
class VariantInfo:
    variant: str
    weight: float
    is_control: bool


@dataclass(frozen=True)
class ExperimentResult:
    experiment_id: str
    description: str | None
    is_simulated: bool
    is_aa_test: bool
    framing: str
    design: Mapping[str, Any]
    analysis_plan: PlanSection
    simulation: SimulationSection | None
    control: str
    variants: tuple[VariantInfo, ...]
    primary_metric: str
    days_observed: float | None
    days_observed_source: str
    srm: SrmSection
    multi_variant: MultiVariantSection
    aa: AaSection | Unavailable
    metrics: tuple[MetricResult, ...]
    heterogeneity: tuple[SegmentTestResult, ...]
    thompson: ThompsonSection | Unavailable
    roi: RoiSection | RoiUnavailable
    roi_by_variant: Mapping[str, RoiSection | RoiUnavailable]
    decision: DecisionSection
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    def metric(self, name: str, variant: str, segment: tuple[str, str] = ("all", "all")):
        """The row of one comparison, or None."""
        return next(
            (
                m
                for m in self.metrics
                if m.metric_name == name
                and m.variant == variant
                and (m.segment_name, m.segment_value) == segment
            ),
            None,
        )


# ---------------------------------------------------------------------------- report
@dataclass(frozen=True)
class ExperimentError:
    experiment_id: str
    error: str
    analysed: bool = False  # True: in ``experiments`` with decision 'invalid'


@dataclass(frozen=True)
class Skipped:
    experiment_id: str
    reason: str


@dataclass(frozen=True)
class CohortMatrix:
    available: bool
    note: str | None = None
    source: str | None = None
    cohort_column: str | None = None
    period_column: str | None = None
    cohorts: tuple[str, ...] = ()
    periods: tuple[float, ...] = ()
    values: tuple[tuple[float | None, ...], ...] = ()
    cohort_sizes: tuple[int | None, ...] | None = None


@dataclass(frozen=True)
class BuildSection:
    """Which data the numbers come from: the row of marts.dq_build_info (``info``; empty when
    the warehouse has none, ``note`` says so) and why the numbers may be stale."""

    available: bool
    note: str | None
    info: Mapping[str, Any]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ReportOptions:
    target_mde: float
    target_power: float
    max_extra_days: int
    max_multi_variant_share: float
    min_probability_roi_positive: float
    bayes_draws: int
    roi_draws: int
    seed: int
    roi_metric: str | None


@dataclass(frozen=True)
class AnalysisReport:
    generated_at: dt.datetime
    warehouse: str
    alpha: float
    ci_level: float
    correction: str
    options: ReportOptions
    roi_assumptions: RoiAssumptions
    dataset_profile: Mapping[str, Any] | None
    build: BuildSection
    notes: tuple[str, ...]
    experiments: tuple[ExperimentResult, ...]
    errors: tuple[ExperimentError, ...]
    skipped: tuple[Skipped, ...]
    cohort_retention: CohortMatrix
