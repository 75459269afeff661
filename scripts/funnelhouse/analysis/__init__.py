"""Experiment read-out from the warehouse marts: read, check, compute, decide.

``analyze_warehouse`` (in ``experiment``) is the entry point used by ``scripts/analyze.py``;
``marts`` holds the table contract, ``design`` the checks of an experiment's rows, ``effects``
the metric rows and multiple-testing families, ``health`` SRM / multi-variant / A/A,
``looks`` the sequential test over daily looks, ``money`` the ROI inputs, ``verdict`` the
decision, ``cohorts`` the retention matrix for the report. All statistics come from
``funnelhouse.stats``.
"""

from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.experiment import analyze_experiment, analyze_warehouse
from funnelhouse.analysis.options import AnalysisOptions, RoiAssumptions

__all__ = [
    "AnalysisError",
    "AnalysisOptions",
    "RoiAssumptions",
    "analyze_experiment",
    "analyze_warehouse",
]
