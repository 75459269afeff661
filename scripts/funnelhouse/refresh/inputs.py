"""What a build depends on: the input files, the format, the project and the dbt arguments."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from funnelhouse.refresh.fingerprint import FileFingerprint, fingerprint_files, project_fingerprint

ROOT = Path(__file__).resolve().parents[3]
# The defaults of dbt_project.yml's vars (env EVENTS_PATH, EVENTS_FORMAT, ASSIGNMENTS_PATH).
DEFAULT_EVENTS = "data/events.parquet"
DEFAULT_FORMAT = "canonical"
EVENTS_SUFFIXES = (".csv.gz", ".parquet", ".csv", ".tsv")


def default_assignments_path(events: Path) -> Path:
    """The assignment log next to an events file: its stem + '.assignments.parquet'
    (data/events.parquet -> data/events.assignments.parquet), as macro
    experiment_assignments_path does when var assignments_path is empty."""
    name = events.name
    for suffix in EVENTS_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return events.with_name(name + ".assignments.parquet")


def absolute(path: str | Path) -> Path:
    """An absolute path (relative ones are taken from the current directory), not resolving
    symbolic links, so that the path recorded is the one the user gave."""
    return Path(os.path.abspath(Path(path).expanduser()))


@dataclass(frozen=True)
class BuildInputs:
    events: Path
    events_format: str
    assignments: Path
    dbt_args: tuple[str, ...]

    @classmethod
    def resolve(
        cls,
        events: str | None,
        events_format: str | None,
        assignments: str | None,
        dbt_args: tuple[str, ...],
    ) -> BuildInputs:
        """Options, else the environment (as dbt_project.yml reads it), else the defaults."""
        events_path = absolute(events or os.environ.get("EVENTS_PATH") or DEFAULT_EVENTS)
        configured = assignments or os.environ.get("ASSIGNMENTS_PATH")
        return cls(
            events=events_path,
            events_format=events_format or os.environ.get("EVENTS_FORMAT") or DEFAULT_FORMAT,
            assignments=absolute(configured)
            if configured
            else default_assignments_path(events_path),
            dbt_args=dbt_args,
        )

    def dbt_env(self, database: Path) -> dict[str, str]:
        """The environment that points dbt at these inputs and at `database`."""
        return {
            "EVENTS_PATH": str(self.events),
            "EVENTS_FORMAT": self.events_format,
            "ASSIGNMENTS_PATH": str(self.assignments),
            "DUCKDB_PATH": str(database),
        }


@dataclass(frozen=True)
class Fingerprints:
    events: FileFingerprint | None
    assignments: FileFingerprint | None
    project: str

    @classmethod
    def of(cls, inputs: BuildInputs, cache_file: Path) -> Fingerprints:
        return cls(
            events=fingerprint_files(inputs.events, cache_file),
            assignments=fingerprint_files(inputs.assignments, cache_file),
            project=project_fingerprint(ROOT),
        )


def inputs_key(inputs: BuildInputs, fingerprints: Fingerprints) -> str:
    """One sha256 for everything the build's result depends on: a published warehouse whose
    key equals the current one is up to date."""
    described = {
        "events": [str(inputs.events), fingerprints.events and fingerprints.events.sha256],
        "events_format": inputs.events_format,
        "assignments": [
            str(inputs.assignments),
            fingerprints.assignments and fingerprints.assignments.sha256,
        ],
        "project": fingerprints.project,
        "dbt_args": list(inputs.dbt_args),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def project_version() -> str | None:
    for line in (ROOT / "dbt_project.yml").read_text().splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    return None


def git_commit() -> str | None:
    """HEAD's commit, with '-dirty' when the project's tracked files have changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("-dirty" if dirty else "")


def provenance(inputs: BuildInputs, fingerprints: Fingerprints, key: str) -> str:
    """The JSON handed to dbt (env FUNNELHOUSE_BUILD_PROVENANCE) for marts.dq_build_info."""
    return json.dumps(
        {
            "built_by": "refresh",
            "events_sha256": fingerprints.events and fingerprints.events.sha256,
            "assignments_sha256": fingerprints.assignments and fingerprints.assignments.sha256,
            "project_version": project_version(),
            "git_commit": git_commit(),
            "inputs_key": key,
        }
    )
