"""Experiment statistics for funnelhouse, computed from per-variant sufficient statistics.

Runtime dependencies: numpy and scipy only. Every public result is a frozen dataclass;
``to_jsonable`` turns any of them into JSON-ready dicts (non-finite floats become None).

Modules: ``sufficient`` (SufficientStats, the warehouse contract), ``moments`` (sums -> moments),
``estimates`` (per-arm mean and variance per metric type), ``srm``, ``frequentist``, ``cuped``,
``bayesian`` (incl. Thompson weights), ``sequential``, ``multiple_testing``, ``power``,
``heterogeneity``, ``roi``, ``decision``, ``aa``, ``serialize``.
"""

from funnelhouse.stats.aa import AaSummary, aa_summary
from funnelhouse.stats.bayesian import (
    BayesianResult,
    ThompsonWeights,
    bayesian_effect,
    thompson_weights,
)
from funnelhouse.stats.cuped import CupedResult
from funnelhouse.stats.decision import Decision, Guardrail, SegmentEffect, decide
from funnelhouse.stats.estimates import ArmEstimate, arm_estimate
from funnelhouse.stats.frequentist import EffectResult, estimate_effect
from funnelhouse.stats.heterogeneity import (
    HeterogeneityResult,
    heterogeneity_of_effects,
    heterogeneity_test,
)
from funnelhouse.stats.multiple_testing import (
    adjust_p_values,
    benjamini_hochberg_adjust,
    holm_adjust,
)
from funnelhouse.stats.power import PowerResult, power_analysis
from funnelhouse.stats.roi import (
    Interval,
    RoiInputs,
    RoiResult,
    lift_draws,
    roi_analysis,
    users_per_month,
)
from funnelhouse.stats.sequential import SequentialLook, SequentialResult, sequential_test
from funnelhouse.stats.serialize import to_jsonable
from funnelhouse.stats.srm import SrmResult, srm_test
from funnelhouse.stats.sufficient import METRIC_TYPES, MetricType, SufficientStats

__all__ = [
    "METRIC_TYPES",
    "AaSummary",
    "ArmEstimate",
    "BayesianResult",
    "CupedResult",
    "Decision",
    "EffectResult",
    "Guardrail",
    "HeterogeneityResult",
    "Interval",
    "MetricType",
    "PowerResult",
    "RoiInputs",
    "RoiResult",
    "SegmentEffect",
    "SequentialLook",
    "SequentialResult",
    "SrmResult",
    "SufficientStats",
    "ThompsonWeights",
    "aa_summary",
    "adjust_p_values",
    "arm_estimate",
    "bayesian_effect",
    "benjamini_hochberg_adjust",
    "decide",
    "estimate_effect",
    "heterogeneity_of_effects",
    "heterogeneity_test",
    "holm_adjust",
    "lift_draws",
    "power_analysis",
    "roi_analysis",
    "sequential_test",
    "srm_test",
    "thompson_weights",
    "to_jsonable",
    "users_per_month",
]
