"""Experiment read-out from the warehouse marts: read, check, compute, decide.

``analyze_warehouse`` (in ``experiment``) is the entry point used by ``scripts/analyze.py``
and returns the typed ``results.AnalysisReport`` (its JSON: ``funnelhouse.report.json_report``);
``marts`` holds the table contract, ``design`` the checks of an experiment's rows, ``plan`` the
analysis plan, ``effects`` the metric rows and multiple-testing families, ``health`` SRM /
multi-variant / A/A, ``looks`` the sequential test over daily looks, ``money`` the ROI inputs,
``verdict`` the decision, ``cohorts`` the retention matrix for the report. All statistics come
from ``funnelhouse.stats``.

The exports are imported lazily, so ``funnelhouse.analysis.errors`` (and a CLI that only has to
report a bad option) does not pay for pandas, scipy and DuckDB.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AnalysisError": "funnelhouse.analysis.errors",
    "AnalysisOptions": "funnelhouse.analysis.options",
    "RoiAssumptions": "funnelhouse.analysis.options",
    "analyze_experiment": "funnelhouse.analysis.experiment",
    "analyze_warehouse": "funnelhouse.analysis.experiment",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
