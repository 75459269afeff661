"""Content fingerprints (sha256) of input files and of the project's build sources."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

# What a build's result depends on, besides its input files and arguments.
PROJECT_SOURCES = ("dbt_project.yml", "profiles.yml", "requirements.txt")
PROJECT_SOURCE_DIRS = ("models", "macros", "seeds", "tests/dbt")
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class FileFingerprint:
    """The files at a path (or glob) and the sha256 of their content."""

    path: str
    files: int
    bytes: int
    sha256: str


def _identity(stat: os.stat_result) -> list[int]:
    # ctime changes on any write and cannot be set back by `touch`, unlike mtime
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _file_sha256(path: Path, cache: dict[str, list]) -> str:
    """sha256 of one file, from the cache when the file's identity (size, mtime, ctime,
    inode) is unchanged since it was computed."""
    identity = _identity(path.stat())
    cached = cache.get(str(path))
    if cached is not None and cached[:4] == identity:
        return cached[4]
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    cache[str(path)] = [*identity, digest]
    return digest


def matching_files(path: Path) -> list[Path]:
    """The files at a path, or matching a glob, sorted."""
    if GLOB_CHARACTERS & set(str(path)):
        return [Path(match) for match in sorted(glob.glob(str(path), recursive=True))]
    return [path] if path.is_file() else []


def fingerprint_files(path: Path, cache_file: Path) -> FileFingerprint | None:
    """The fingerprint of the file (or of every file of a glob) at `path`; None when nothing
    is there. Digests are cached in `cache_file` by file identity."""
    files = matching_files(path)
    if not files:
        return None
    cache = _read_cache(cache_file)
    digests = [_file_sha256(file, cache) for file in files]
    _write_cache(cache_file, cache)
    if len(files) == 1:
        sha256 = digests[0]
    else:
        combined = "\n".join(
            f"{file} {digest}" for file, digest in zip(files, digests, strict=True)
        )
        sha256 = hashlib.sha256(combined.encode()).hexdigest()
    size = sum(file.stat().st_size for file in files)
    return FileFingerprint(path=str(path), files=len(files), bytes=size, sha256=sha256)


def project_fingerprint(root: Path) -> str:
    """sha256 over the names and contents of the project files a build depends on."""
    paths = [root / name for name in PROJECT_SOURCES]
    for directory in PROJECT_SOURCE_DIRS:
        paths += [p for p in (root / directory).rglob("*") if p.is_file()]
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_cache(cache_file: Path) -> dict[str, list]:
    try:
        return json.loads(cache_file.read_text())
    except (OSError, ValueError):
        return {}


def _write_cache(cache_file: Path, cache: dict[str, list]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(cache))
    temporary.replace(cache_file)
