"""The JSON of an analysis: the one place a typed ``AnalysisReport`` becomes JSON.

``report_json`` converts the dataclasses generically (field names are the keys, tuples become
lists, non-finite numbers null, dates ISO strings); ``write_json`` writes it strictly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from funnelhouse.stats.serialize import to_jsonable

if TYPE_CHECKING:
    from funnelhouse.analysis.results import AnalysisReport


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (parent folders created), via a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path


def report_json(report: AnalysisReport) -> dict[str, Any]:
    """The JSON document of an analysis (docs/analysis.md, "JSON: the document")."""
    return to_jsonable(report)


def write_json(path: str | Path, report: AnalysisReport) -> Path:
    document = report_json(report)
    return write_text(path, json.dumps(document, indent=2, allow_nan=False) + "\n")
