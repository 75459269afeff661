"""The two staging validation pipelines (events, assignment log) name the checks they share the
same way, so a quarantine report can group by reason across both."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "models" / "staging"
# reasons that only an assignment row can have
ASSIGNMENT_ONLY = ("experiment", "variant", "assigned_at")


def _accepted_values(models_yml: Path, model: str, column: str) -> list[str]:
    models = yaml.safe_load(models_yml.read_text())["models"]
    (node,) = [m for m in models if m["name"] == model]
    (col,) = [c for c in node["columns"] if c["name"] == column]
    (test,) = [t for t in col["data_tests"] if isinstance(t, dict) and "accepted_values" in t]
    return test["accepted_values"]["arguments"]["values"]


def test_shared_checks_have_one_name_in_both_pipelines() -> None:
    events = _accepted_values(
        STAGING / "clickstream" / "_clickstream__models.yml",
        "stg_clickstream__quarantined_events",
        "quarantine_reason",
    )
    assignments = _accepted_values(
        STAGING / "assignment_log" / "_assignment_log__models.yml",
        "stg_assignment_log__validated_assignments",
        "quarantine_reason",
    )
    shared = [r for r in assignments if not any(word in r for word in ASSIGNMENT_ONLY)]
    assert shared, "the assignment log shares checks with the events (user id, text, CSV)"
    assert [r for r in shared if r not in events] == []
