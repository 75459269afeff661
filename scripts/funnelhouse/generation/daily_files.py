"""The generated events as one file per day, as a shop's tracker would deliver them.

Every row goes to the file of the UTC day it *arrives* on: its own day, or, for a share of the
rows (``late_share``; late-arrivals mode), a later day, 1 to ``late_days`` days later (uniform),
as events that a client buffered offline or a collector re-sent. A row that would arrive after
the period's last day arrives on the last day. File names sort by day
(``DIR/2026-01-01.parquet``), which is the order the warehouse loads them in.

Which rows arrive late is drawn from a random stream of its own, so the events (and every other
output of the generator) are the same as those of the single-file output.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

DAY_US = 86_400_000_000
LATE_STREAM = 0x1A7E  # the seed-sequence key of the late-arrival draws
ROW_GROUP_ROWS = 122_880  # DuckDB's row group size: a file's row groups are read in parallel


def arrival_days(
    rng: np.random.Generator,
    event_at_us: np.ndarray,
    start_us: int,
    days: int,
    late_share: float,
    late_days: int,
) -> np.ndarray:
    """The day index (0 = the first day) of the file each row arrives in."""
    day = np.clip((event_at_us - start_us) // DAY_US, 0, days - 1)
    late = rng.random(day.size) < late_share
    delay = rng.integers(1, max(late_days, 1) + 1, size=day.size)
    return np.minimum(day + np.where(late, delay, 0), days - 1)


class DailySinks:
    """One Parquet or CSV file per day, written to temporary names and renamed at close()."""

    def __init__(self, folder: Path, start: date, days: int, fmt: str, schema: pa.Schema) -> None:
        self.folder = folder
        self.fmt = fmt
        self.schema = schema
        self.paths = [folder / f"{start + timedelta(days=i)}.{fmt}" for i in range(days)]
        self.pending: list[list[pa.Table]] = [[] for _ in range(days)]
        self.pending_rows = [0] * days
        self.rows = [0] * days
        self.writers: dict[int, pq.ParquetWriter | pcsv.CSVWriter] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _tmp(self, day: int) -> Path:
        return self.paths[day].with_name(self.paths[day].name + ".tmp")

    def _writer(self, day: int) -> pq.ParquetWriter | pcsv.CSVWriter:
        if day not in self.writers:
            tmp = str(self._tmp(day))
            if self.fmt == "csv":
                options = pcsv.WriteOptions(quoting_style="needed")
                self.writers[day] = pcsv.CSVWriter(tmp, self.schema, write_options=options)
            else:
                self.writers[day] = pq.ParquetWriter(
                    tmp, self.schema, compression="zstd", write_statistics=True
                )
        return self.writers[day]

    def _flush(self, day: int) -> None:
        if not self.pending[day]:
            return
        table = pa.concat_tables(self.pending[day])
        self._writer(day).write_table(table)
        self.pending[day], self.pending_rows[day] = [], 0

    def write(self, table: pa.Table, day_of_row: np.ndarray) -> None:
        """Append each row of ``table`` to the file of its day (``day_of_row``)."""
        order = np.argsort(day_of_row, kind="stable")
        bounds = np.searchsorted(day_of_row[order], np.arange(len(self.paths) + 1))
        for day in range(len(self.paths)):
            lo, hi = bounds[day], bounds[day + 1]
            if hi == lo:
                continue
            self.pending[day].append(table.take(pa.array(order[lo:hi])))
            self.pending_rows[day] += int(hi - lo)
            self.rows[day] += int(hi - lo)
            if self.pending_rows[day] >= ROW_GROUP_ROWS:
                self._flush(day)

    def close(self) -> None:
        for day in range(len(self.paths)):
            self._flush(day)
            if day not in self.writers:  # a day without events still gets its (empty) file
                self._writer(day)
        for day, writer in self.writers.items():
            writer.close()
            os.replace(self._tmp(day), self.paths[day])

    def abort(self) -> None:
        for day, writer in self.writers.items():
            writer.close()
            self._tmp(day).unlink(missing_ok=True)
