"""Where a warehouse's refresh keeps its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def wal_path(database: Path) -> Path:
    """DuckDB's write-ahead log of a database file."""
    return database.with_name(database.name + ".wal")


@dataclass(frozen=True)
class Layout:
    """The published warehouse and its private refresh state, in one directory.

    The private build file has the published file's name (in a hidden directory beside it):
    DuckDB names the catalog after the file, and dbt's views refer to it, so the published
    file must keep the name it was built under. Same directory, same file system: the publish
    is a rename.
    """

    published: Path

    @classmethod
    def for_warehouse(cls, database: str | Path) -> Layout:
        return cls(Path(database).expanduser().absolute())

    @property
    def state_dir(self) -> Path:
        return self.published.parent / f".{self.published.name}.refresh"

    @property
    def private(self) -> Path:
        return self.state_dir / self.published.name

    @property
    def lock(self) -> Path:
        return self.state_dir / "lock"

    @property
    def target(self) -> Path:
        """dbt's --target-path for this warehouse's builds (run_results.json, manifest)."""
        return self.state_dir / "target"

    @property
    def fingerprint_cache(self) -> Path:
        return self.state_dir / "fingerprints.json"

    @property
    def dbt_output(self) -> Path:
        """The printed output of the last build."""
        return self.state_dir / "dbt-output.log"

    def display(self, path: Path) -> str:
        """A path as the user would type it: relative to the current directory when inside it."""
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
