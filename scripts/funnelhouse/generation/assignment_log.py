"""The assignment log of the generator's real experiment, as an experimentation service writes it.

The service assigns a user when they first load a page inside the experiment window (their first
event with ``window_start <= event_at < window_end``), whether or not they later reach the
exposure event; the variant is :func:`funnelhouse.assignment.assign_md5_many` of the experiment's
salt (the same contract the simulation used, so exposed users' logged variant is the arm whose
behaviour the data show). One row per assigned user::

    experiment_id  text       'checkout_button_test'
    user_id        text
    variant        text       'control' | 'treatment'
    assigned_at    timestamp  UTC, microseconds

A small share of users (``md5_bucket(salt + ':dual', user_id) < DUAL_BUCKETS``, i.e. 0.3 %) is
logged a second time in another variant, 1-72 hours later (a second device, a cleared cookie):
the warehouse must exclude them. The choice is hash-based, so it draws nothing from the
simulation's random streams and the events file is unchanged by the log.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from funnelhouse.assignment import assign_md5_many, md5_buckets
from funnelhouse.generation.simparams import HOUR_US

DUAL_BUCKETS = 30  # of 10000: share of assigned users also logged in a second variant
DUAL_MAX_DELAY_HOURS = 72

SCHEMA = pa.schema(
    [
        ("experiment_id", pa.string()),
        ("user_id", pa.string()),
        ("variant", pa.string()),
        ("assigned_at", pa.timestamp("us", tz="UTC")),
    ]
)


def assignments_path(out: Path) -> Path:
    """``data/events.parquet`` -> ``data/events.assignments.parquet``."""
    return out.with_name(f"{out.stem}.assignments.parquet")


def is_multi_variant(salt: str, user_ids: list[str]) -> np.ndarray:
    """Users the service also logs in a second variant (hash-based, about 0.3 %)."""
    return md5_buckets(f"{salt}:dual", user_ids) < DUAL_BUCKETS


def chunk_log(
    salt: str,
    weights: tuple[float, ...],
    coverage: float,
    user_ids: list[str],
    first_in_window_us: np.ndarray,
    latest_us: int,
) -> dict[str, Any]:
    """Log rows of one chunk's users.

    ``first_in_window_us`` is each user's first event time inside the window (int64 max when
    none); ``latest_us`` bounds the second log time of multi-variant users (the last microsecond
    of the window or of the period, whichever is earlier). Returns the rows as arrays (``user``
    is the position in ``user_ids``) and ``multi_variant`` per user.
    """
    n = len(user_ids)
    seen = first_in_window_us < np.iinfo(np.int64).max
    arm = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(seen)
    ids = [user_ids[i] for i in idx]
    arm[idx] = assign_md5_many(salt, ids, weights, coverage)
    assigned = np.flatnonzero(arm >= 0)
    assigned_ids = [user_ids[i] for i in assigned]
    multi = np.zeros(n, dtype=bool)
    multi[assigned] = is_multi_variant(salt, assigned_ids)
    dual = np.flatnonzero(multi)
    dual_ids = [user_ids[i] for i in dual]
    n_arms = len(weights)
    shift = 1 + md5_buckets(f"{salt}:dual_variant", dual_ids) % max(n_arms - 1, 1)
    delay = (1 + md5_buckets(f"{salt}:dual_at", dual_ids) % DUAL_MAX_DELAY_HOURS) * HOUR_US
    second_at = np.minimum(first_in_window_us[dual] + delay, latest_us)
    return {
        "user": np.concatenate([assigned, dual]),
        "variant": np.concatenate([arm[assigned], (arm[dual] + shift) % n_arms]),
        "assigned_at_us": np.concatenate([first_in_window_us[assigned], second_at]),
        "multi_variant": multi,
        "assigned": arm >= 0,
    }


def write_log(
    path: Path,
    experiment_id: str,
    variants: tuple[str, ...],
    user_ids: list[str],
    variant: np.ndarray,
    assigned_at_us: np.ndarray,
) -> int:
    """Write the log sorted by (assigned_at, user_id, variant); return the number of rows."""
    table = pa.table(
        {
            "experiment_id": pa.array([experiment_id] * len(user_ids), pa.string()),
            "user_id": pa.array(user_ids, pa.string()),
            "variant": pa.array([variants[v] for v in variant.tolist()], pa.string()),
            "assigned_at": pa.array(assigned_at_us, pa.timestamp("us", tz="UTC")),
        },
        schema=SCHEMA,
    )
    table = table.sort_by([("assigned_at", "ascending"), ("user_id", "ascending")])
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return table.num_rows
