"""The dbt project's own settings (dbt_project.yml vars), for Python that must follow them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


@cache
def project_vars() -> dict[str, Any]:
    """dbt_project.yml's vars as written (Jinja expressions stay unrendered text)."""
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]


def experiment_segments() -> tuple[str, ...]:
    """The segments the experiment statistics are broken down by, besides 'all'."""
    return tuple(project_vars()["experiment_segments"])


def event_formats() -> tuple[str, ...]:
    """The registered raw event formats (var event_formats)."""
    return tuple(project_vars()["event_formats"])
