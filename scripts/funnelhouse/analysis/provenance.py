"""Which data the numbers come from: the warehouse's build provenance (marts.dq_build_info),
and warnings when the events file changed after the build or the build did not finish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from funnelhouse.analysis.results import BuildSection
from funnelhouse.refresh.fingerprint import matching_files

NO_BUILD_INFO = (
    "this warehouse has no marts.dq_build_info (built before build provenance was recorded): "
    "which data it holds is unknown; rebuild it with `make run`"
)


def _modified_utc(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)


def _utc(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def staleness_warnings(info: dict[str, Any]) -> list[str]:
    """Why the numbers may not describe the current data (empty when they do)."""
    warnings = []
    if info.get("build_finished_at") is None:
        warnings.append(
            "this build did not finish (build_finished_at is null): the marts may mix builds"
        )
    path, started = str(info["events_path"]), info.get("build_started_at")
    files = matching_files(Path(path))
    if not files:
        warnings.append(f"the events file {path} is no longer there")
    elif started is not None:
        modified = max(_modified_utc(file) for file in files)
        if modified > started:
            warnings.append(
                f"the events file {path} is newer than this build (modified {_utc(modified)}, "
                f"build started {_utc(started)}): these numbers are from the file as it was; "
                "rebuild (make run) to analyse it as it is now"
            )
    return warnings


def build_section(info: dict[str, Any] | None) -> BuildSection:
    """The report's `build` section: the provenance row, plus its warnings."""
    if info is None:
        return BuildSection(available=False, note=NO_BUILD_INFO, info={}, warnings=(NO_BUILD_INFO,))
    return BuildSection(
        available=True, note=None, info=info, warnings=tuple(staleness_warnings(info))
    )


def describe(section: BuildSection) -> str:
    """One line: the events file, its rows and fingerprint, and the build."""
    if not section.available:
        return str(section.note)
    build = section.info
    sha = build.get("events_sha256")
    finished = build.get("build_finished_at")  # a datetime
    finished = f"{str(finished)[:19].replace('T', ' ')} UTC" if finished else "unfinished"
    return (
        f"data: {build['events_path']} ({build['events_format']}; "
        f"{build['events_raw_rows']:,} raw rows, {build['clean_events']:,} clean events"
        f"{f'; sha256 {sha[:12]}' if sha else ''}), built {finished} by {build['built_by']} "
        f"(build {str(build['build_id'])[:8]}, dbt {build['dbt_version']}"
        f"{f', funnelhouse {v}' if (v := build.get('project_version')) else ''})"
    )
