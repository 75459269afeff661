"""The one exception type the CLI turns into a single clear error line."""

from __future__ import annotations


class AnalysisError(Exception):
    """A problem with the input (warehouse, experiment, options) that the user can fix."""
