"""Analysis options and the ROI assumptions (seed ``seeds.roi_assumptions``, CLI overrides).

The ROI defaults live in one place, ``seeds/roi_assumptions.csv``: the analysis reads the seed
table from the warehouse (``dbt seed`` / ``dbt build`` loads it) and, when the warehouse has no
such table, the CSV file itself, with a note saying so. Command-line values override either.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from funnelhouse.analysis.errors import AnalysisError

SEED_CSV = Path(__file__).resolve().parents[3] / "seeds" / "roi_assumptions.csv"
DEFAULT_ASSUMPTION_SET = "default"


@dataclass(frozen=True)
class RoiAssumptions:
    """Business inputs of the ROI (money in ``currency``; shares as fractions)."""

    gross_margin: float
    implementation_cost: float
    monthly_running_cost: float
    horizon_months: float
    rollout_share: float
    assumed_order_value: float
    currency: str
    source: str = ""

    def __post_init__(self) -> None:
        checks = {
            "gross_margin": 0 < self.gross_margin <= 1,
            "implementation_cost": self.implementation_cost >= 0,
            "monthly_running_cost": self.monthly_running_cost >= 0,
            "horizon_months": self.horizon_months > 0,
            "rollout_share": 0 < self.rollout_share <= 1,
            "assumed_order_value": self.assumed_order_value > 0,
        }
        ranges = {
            "gross_margin": "in (0, 1]",
            "implementation_cost": ">= 0",
            "monthly_running_cost": ">= 0",
            "horizon_months": "> 0",
            "rollout_share": "in (0, 1]",
            "assumed_order_value": "> 0",
        }
        for name, ok in checks.items():
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and ok):
                raise AnalysisError(
                    f"ROI assumption {name} must be {ranges[name]} (got {value!r}, {self.source})"
                )


NUMERIC_ASSUMPTIONS: tuple[str, ...] = tuple(
    f.name for f in fields(RoiAssumptions) if f.name not in ("currency", "source")
)


def _assumptions_from_record(record: dict[str, Any], source: str) -> RoiAssumptions:
    missing = [name for name in (*NUMERIC_ASSUMPTIONS, "currency") if name not in record]
    if missing:
        raise AnalysisError(f"ROI assumptions ({source}) lack column(s): {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name in NUMERIC_ASSUMPTIONS:
        try:
            values[name] = float(record[name])
        except (TypeError, ValueError) as exc:
            raise AnalysisError(
                f"ROI assumption {name} is not a number ({record[name]!r}, {source})"
            ) from exc
    return RoiAssumptions(**values, currency=str(record["currency"]), source=source)


def _pick_set(records: list[dict[str, Any]], assumption_set: str, source: str) -> dict[str, Any]:
    chosen = [r for r in records if str(r.get("assumption_set")) == assumption_set]
    if not chosen:
        known = ", ".join(sorted({str(r.get("assumption_set")) for r in records})) or "none"
        raise AnalysisError(
            f"ROI assumption set {assumption_set!r} not found in {source} (known: {known})"
        )
    return chosen[0]


def load_roi_assumptions(
    seed_rows: pd.DataFrame | None,
    assumption_set: str = DEFAULT_ASSUMPTION_SET,
    csv_path: Path = SEED_CSV,
) -> tuple[RoiAssumptions, list[str]]:
    """Assumptions from the warehouse seed table, else from the seed CSV; plus notes."""
    notes: list[str] = []
    if seed_rows is not None:
        source = "seeds.roi_assumptions in the warehouse"
        records = seed_rows.to_dict(orient="records")
    else:
        if not csv_path.is_file():
            raise AnalysisError(
                f"no seeds.roi_assumptions table in the warehouse and no {csv_path}; "
                "pass every ROI option on the command line or run `dbt seed`"
            )
        source = f"{csv_path.name} (built-in defaults: the warehouse has no seeds.roi_assumptions)"
        with csv_path.open(newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
        notes.append(
            "ROI assumptions read from seeds/roi_assumptions.csv: the warehouse has no "
            "seeds.roi_assumptions table"
        )
    record = _pick_set(records, assumption_set, source)
    return _assumptions_from_record(record, source), notes


def override_assumptions(assumptions: RoiAssumptions, overrides: dict[str, Any]) -> RoiAssumptions:
    """Replace the values given on the command line (None = keep)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if not given:
        return assumptions
    source = f"{assumptions.source}; overridden on the command line: {', '.join(sorted(given))}"
    return replace(assumptions, **given, source=source)


@dataclass(frozen=True)
class AnalysisOptions:
    """Every knob of the analysis; the CLI fills it, defaults are documented in --help."""

    alpha: float = 0.05
    correction: str = "holm"
    target_mde: float = 0.05
    target_power: float = 0.8
    max_extra_days: int = 28
    max_multi_variant_share: float = 0.01
    min_probability_roi_positive: float = 0.8
    bayes_draws: int = 20_000
    roi_draws: int = 20_000
    seed: int = 20240601
    roi_metric: str | None = None
    roi_assumption_set: str = DEFAULT_ASSUMPTION_SET
    roi_overrides: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise AnalysisError(f"--alpha must be in (0, 1), got {self.alpha}")
        if self.correction not in ("holm", "bh"):
            raise AnalysisError(f"--correction must be holm or bh, got {self.correction!r}")
        if not self.target_mde > 0:
            raise AnalysisError(f"--mde must be > 0, got {self.target_mde}")
        if not 0 < self.target_power < 1:
            raise AnalysisError(f"--power must be in (0, 1), got {self.target_power}")
        if self.max_extra_days < 0:
            raise AnalysisError(f"--max-extra-days must be >= 0, got {self.max_extra_days}")
        if not 0 <= self.max_multi_variant_share < 1:
            raise AnalysisError(
                f"--max-multi-variant-share must be in [0, 1), got {self.max_multi_variant_share}"
            )
