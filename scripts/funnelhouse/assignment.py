"""Deterministic, salted-hash variant assignment.

Two hashing contracts are provided:

* **md5 contract** (the one funnelhouse uses for its own experiments, replicated by a SQL macro in
  the warehouse)::

      bucket   = int(first 8 hex digits of md5(salt || ':' || user_id), base 16) % 10000
      in_exp   = bucket < coverage * 10000.0
      variant  = first i (0-based, registry order) with
                 bucket < coverage * 10000.0 * cumsum_i / total

  where ``cumsum_i = w_0 + ... + w_i`` and ``total = w_0 + ... + w_{n-1}`` are accumulated left to
  right in IEEE double, and the threshold is evaluated exactly in the order written:
  ``((coverage * 10000.0) * cumsum_i) / total``.

* **GrowthBook contract** (hash version 2 of the GrowthBook SDKs)::

      n = (fnv1a32(str(fnv1a32(seed + user_id))) % 10000) / 10000
      ranges_i = [c_i, c_i + coverage * w_i)   with c_i = w_0 + ... + w_{i-1}, weights summing to 1
      variant = the i whose range contains n, else not in the experiment

Assignment of a user depends only on (salt, user_id, weights, coverage), never on other users.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

BUCKETS = 10000
NOT_IN_EXPERIMENT = -1

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def _validated_weights(weights: Sequence[float]) -> list[float]:
    w = [float(x) for x in weights]
    if not w:
        raise ValueError("at least one variant weight is required")
    if any(x < 0 for x in w) or sum(w) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {weights!r}")
    return w


def _left_sum(values: Sequence[float]) -> float:
    """``((0.0 + v_0) + v_1) + ...`` in IEEE double (``sum`` is compensated from Python 3.12)."""
    total = 0.0
    for x in values:
        total += x
    return total


def md5_bucket(salt: str, user_id: str) -> int:
    """Bucket in [0, 10000): first 8 hex digits of md5(salt + ':' + user_id), mod 10000."""
    digest = hashlib.md5(f"{salt}:{user_id}".encode()).hexdigest()
    return int(digest[:8], 16) % BUCKETS


def md5_thresholds(weights: Sequence[float], coverage: float) -> list[float]:
    """Upper bucket bounds per variant: ``coverage * 10000.0 * cumsum_i / total``.

    The expression is evaluated left to right in IEEE double, i.e.
    ``((coverage * 10000.0) * cumsum_i) / total`` with ``cumsum_i`` and ``total`` accumulated
    left to right; a SQL implementation must use the same order to agree bit for bit.
    """
    w = _validated_weights(weights)
    total = _left_sum(w)
    out: list[float] = []
    cumsum = 0.0
    for x in w:
        cumsum += x
        out.append(float(coverage) * 10000.0 * cumsum / total)
    return out


def variant_for_bucket(bucket: int, thresholds: Sequence[float]) -> int | None:
    """First variant index whose threshold exceeds ``bucket``; None when above all of them."""
    for i, upper in enumerate(thresholds):
        if bucket < upper:
            return i
    return None


def assign_md5(
    salt: str, user_id: str, weights: Sequence[float], coverage: float = 1.0
) -> int | None:
    """Variant index of ``user_id`` under the md5 contract, or None when not in the experiment.

    The user is in the experiment iff ``bucket < coverage * 10000.0``; the variant is the first
    index i with ``bucket < coverage * 10000.0 * cumsum_i / total`` (see module docstring). The
    last threshold equals ``coverage * 10000.0`` up to rounding, so in-experiment users always get
    a variant.
    """
    bucket = md5_bucket(salt, user_id)
    if not bucket < float(coverage) * 10000.0:
        return None
    thresholds = md5_thresholds(weights, coverage)
    variant = variant_for_bucket(bucket, thresholds)
    # Guard against the last cumulative threshold rounding just below coverage * 10000.
    return len(thresholds) - 1 if variant is None else variant


def md5_buckets(salt: str, user_ids: Iterable[str]) -> np.ndarray:
    """Vectorised :func:`md5_bucket` over many user ids (int64 array)."""
    prefix = f"{salt}:".encode()
    md5 = hashlib.md5
    values = [int.from_bytes(md5(prefix + uid.encode()).digest()[:4], "big") for uid in user_ids]
    return np.asarray(values, dtype=np.int64) % BUCKETS


def assign_md5_many(
    salt: str, user_ids: Iterable[str], weights: Sequence[float], coverage: float = 1.0
) -> np.ndarray:
    """Vectorised :func:`assign_md5`: int64 variant indices, -1 for users not in the experiment."""
    buckets = md5_buckets(salt, user_ids).astype(np.float64)
    thresholds = np.asarray(md5_thresholds(weights, coverage), dtype=np.float64)
    variant = np.searchsorted(thresholds, buckets, side="right").astype(np.int64)
    variant = np.minimum(variant, len(thresholds) - 1)
    variant[~(buckets < float(coverage) * 10000.0)] = NOT_IN_EXPERIMENT
    return variant


# --- GrowthBook (hash version 2) -----------------------------------------------------------


def fnv1a32(s: str) -> int:
    """32-bit FNV-1a hash of the UTF-8 bytes of ``s``."""
    h = _FNV_OFFSET
    for byte in s.encode():
        h ^= byte
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def growthbook_hash(seed: str, value: str) -> float:
    """GrowthBook hash version 2: ``(fnv1a32(str(fnv1a32(seed + value))) % 10000) / 10000``."""
    return (fnv1a32(str(fnv1a32(seed + value))) % 10000) / 10000


def growthbook_bucket_ranges(
    weights: Sequence[float], coverage: float = 1.0
) -> list[tuple[float, float]]:
    """GrowthBook variant ranges ``[c_i, c_i + coverage * w_i)``, c_i the cumulative weight.

    Coverage is clamped to [0, 1] as in the SDK. Weights are normalised to sum to 1 (the SDK
    instead falls back to equal weights when they do not sum to 1 within 0.01; for weights that
    already sum to 1 both agree). Sums are folded left to right, as the SQL macro does.
    """
    w = _validated_weights(weights)
    total = _left_sum(w)
    cov = min(max(float(coverage), 0.0), 1.0)
    ranges: list[tuple[float, float]] = []
    cumulative = 0.0
    for x in w:
        start = cumulative
        cumulative += x / total
        ranges.append((start, start + cov * (x / total)))
    return ranges


def assign_growthbook(
    seed: str, user_id: str, weights: Sequence[float], coverage: float = 1.0
) -> int | None:
    """Variant index under GrowthBook hashing (v2), or None when the hash is in no range."""
    n = growthbook_hash(seed, user_id)
    for i, (lo, hi) in enumerate(growthbook_bucket_ranges(weights, coverage)):
        if lo <= n < hi:
            return i
    return None


def assign_growthbook_many(
    seed: str, user_ids: Iterable[str], weights: Sequence[float], coverage: float = 1.0
) -> np.ndarray:
    """Vectorised :func:`assign_growthbook`: int64 variant indices, -1 when not in experiment."""
    ranges = growthbook_bucket_ranges(weights, coverage)
    out = []
    for uid in user_ids:
        n = growthbook_hash(seed, uid)
        out.append(next((i for i, (lo, hi) in enumerate(ranges) if lo <= n < hi), -1))
    return np.asarray(out, dtype=np.int64)
