"""Write the analysis result as JSON (strict: non-finite numbers were already made null)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (parent folders created), via a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path


def write_json(path: str | Path, result: dict[str, Any]) -> Path:
    return write_text(path, json.dumps(result, indent=2, allow_nan=False) + "\n")
