"""Injection of data-quality noise into a chunk of clean events (numpy columns).

Kinds (counts recorded exactly in the truth file):

* ``exact_duplicate_rows``: extra copies of clean rows, every column equal (same event_id);
  tracker double-fires.
* ``null_event_id_duplicate_rows``: clean rows whose event_id is set to null and which are then
  emitted twice, identical in every column (the pair is one real event).
  ``null_event_id_rows`` = 2 x that count = the rows with a null event_id.
* ``blank_user_id_rows`` / ``null_user_id_rows``: extra copies of clean rows with user_id ''
  (empty string) or null, and a fresh event_id; not real events.
* ``unknown_event_type_rows``: extra copies of product_view rows as event_type 'wishlist_add',
  1-3 s later with a fresh event_id; not a canonical event.
* ``negative_revenue_rows``: extra copies of purchase rows, same order_id, revenue negated,
  1-5 min later (still before the user's next visit) with a fresh event_id; not real purchases.

After removing the extra rows (exact duplicates, one row of each null-event_id pair, blank/null
user rows, unknown types, negative revenues) the clean data is recovered exactly.
"""

from __future__ import annotations

import numpy as np

from funnelhouse.generation.simulate import PRODUCT_VIEW, PURCHASE

UNKNOWN_EVENT_TYPE = "wishlist_add"
UNKNOWN_TYPE_CODE = 6  # index after the canonical EVENT_TYPES

# user_kind column values
USER_OK, USER_BLANK, USER_NULL = 0, 1, 2

DIRTY_KINDS = (
    "exact_duplicate_rows",
    "null_event_id_duplicate_rows",
    "blank_user_id_rows",
    "null_user_id_rows",
    "unknown_event_type_rows",
    "negative_revenue_rows",
)
# kinds whose rows get a fresh event_id (numbered after the chunk's clean events)
FRESH_ID_KINDS = (
    "blank_user_id_rows",
    "null_user_id_rows",
    "unknown_event_type_rows",
    "negative_revenue_rows",
)
# expected count of each kind per clean event, as a multiple of --dirty-rate
KIND_RATE = {
    "exact_duplicate_rows": 1.0,
    "null_event_id_duplicate_rows": 0.5,
    "blank_user_id_rows": 0.2,
    "null_user_id_rows": 0.1,
    "unknown_event_type_rows": 0.25,
    "negative_revenue_rows": 0.05,
}


def _take(cols: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[rows] for k, v in cols.items()}


def inject(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    rate: float,
    next_event_seq: int,
    period_end_us: int,
    at_least_one: bool,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Return the columns with dirty rows appended, and the count of each kind injected.

    ``cols`` must hold ``event_seq`` (global event number, -1 = null event_id) and
    ``user_kind``; fresh event numbers for the new rows start at ``next_event_seq``.
    """
    counts = dict.fromkeys(DIRTY_KINDS, 0)
    n = cols["event_type"].size
    if rate <= 0 or n == 0:
        return cols, counts
    pv_rows = np.flatnonzero(cols["event_type"] == PRODUCT_VIEW)
    buy_rows = np.flatnonzero(cols["event_type"] == PURCHASE)
    counts = _kind_counts(rng, n, rate, at_least_one, pv_rows.size, buy_rows.size)
    n_dup, n_pair = counts["exact_duplicate_rows"], counts["null_event_id_duplicate_rows"]
    n_dup, n_pair = min(n_dup, n), min(n_pair, max(0, n - n_dup))
    counts["exact_duplicate_rows"], counts["null_event_id_duplicate_rows"] = n_dup, n_pair
    picked = rng.choice(n, size=n_dup + n_pair, replace=False)
    dup_rows, pair_rows = picked[:n_dup], picked[n_dup:]

    cols = {k: v.copy() for k, v in cols.items()}
    cols["event_seq"][pair_rows] = -1
    counts["blank_user_id_rows"] = min(counts["blank_user_id_rows"], n)
    counts["null_user_id_rows"] = min(counts["null_user_id_rows"], n - counts["blank_user_id_rows"])
    n_blank = counts["blank_user_id_rows"] + counts["null_user_id_rows"]
    blank_src = rng.choice(n, size=n_blank, replace=False)
    unknown_src = rng.choice(pv_rows, size=counts["unknown_event_type_rows"], replace=False)
    neg_src = rng.choice(buy_rows, size=counts["negative_revenue_rows"], replace=False)

    copies = _take(cols, np.concatenate([dup_rows, pair_rows]))
    blank = _take(cols, blank_src)
    blank["user_kind"][: counts["blank_user_id_rows"]] = USER_BLANK
    blank["user_kind"][counts["blank_user_id_rows"] :] = USER_NULL
    unknown = _take(cols, unknown_src)
    unknown["event_type"][:] = UNKNOWN_TYPE_CODE
    shift = (rng.uniform(1.0, 3.0, unknown_src.size) * 1e6).astype(np.int64)
    unknown["event_at"] = _shifted(unknown["event_at"], shift, period_end_us)
    negative = _take(cols, neg_src)
    negative["revenue_cents"] = -negative["revenue_cents"]
    shift = (rng.uniform(60.0, 300.0, neg_src.size) * 1e6).astype(np.int64)
    negative["event_at"] = _shifted(negative["event_at"], shift, period_end_us)

    fresh = [blank, unknown, negative]
    _number_fresh_rows(fresh, next_event_seq)
    out = {k: np.concatenate([cols[k], copies[k], *(p[k] for p in fresh)]) for k in cols}
    return out, counts


def _kind_counts(
    rng: np.random.Generator,
    n: int,
    rate: float,
    at_least_one: bool,
    product_views: int,
    purchases: int,
) -> dict[str, int]:
    """How many rows of each kind to inject (binomial; capped by the rows they derive from)."""
    pools = {"unknown_event_type_rows": product_views, "negative_revenue_rows": purchases}
    counts = {}
    for kind in DIRTY_KINDS:
        k = int(rng.binomial(n, min(1.0, rate * KIND_RATE[kind])))
        if at_least_one:
            k = max(k, 1)
        counts[kind] = min(k, pools.get(kind, n))
    return counts


def _number_fresh_rows(fresh: list[dict[str, np.ndarray]], next_event_seq: int) -> None:
    """Give the new (non-duplicate) rows consecutive event numbers from ``next_event_seq``."""
    n_fresh = sum(part["event_type"].size for part in fresh)
    seq = next_event_seq + np.arange(n_fresh, dtype=np.int64)
    start = 0
    for part in fresh:
        size = part["event_type"].size
        part["event_seq"] = seq[start : start + size]
        start += size


def _shifted(at: np.ndarray, shift: np.ndarray, end_us: int) -> np.ndarray:
    moved = at + shift
    return np.where(moved < end_us, moved, at)
