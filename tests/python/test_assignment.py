"""Tests for funnelhouse.assignment (md5 and GrowthBook v2 contracts)."""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pytest
from funnelhouse.assignment import (
    assign_growthbook,
    assign_growthbook_many,
    assign_md5,
    assign_md5_many,
    fnv1a32,
    growthbook_bucket_ranges,
    growthbook_hash,
    md5_bucket,
    md5_buckets,
    md5_thresholds,
)
from scipy import stats

N_USERS = 100_000
USER_IDS = [f"user_{i}" for i in range(N_USERS)]

# Published GrowthBook SDK test cases (hash version 2): (seed, value, expected).
GROWTHBOOK_V2_VECTORS = [
    ("seed", "a", 0.0505),
    ("seed", "b", 0.2696),
    ("foo", "ab", 0.2575),
    ("foo", "def", 0.2019),
    ("89123klj", "8952klfjas09ujkasdf", 0.124),
    ("90850943850283058242805", "123", 0.7516),
    ("()**(%$##$%#$#", '___)((*":&', 0.0128),
]


@pytest.mark.parametrize(("seed", "value", "expected"), GROWTHBOOK_V2_VECTORS)
def test_growthbook_hash_vectors(seed: str, value: str, expected: float) -> None:
    assert growthbook_hash(seed, value) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)],
)
def test_fnv1a32_reference_values(text: str, expected: int) -> None:
    assert fnv1a32(text) == expected


@pytest.mark.parametrize(
    ("weights", "coverage", "expected"),
    [
        ([0.5, 0.5], 1.0, [(0, 0.5), (0.5, 1)]),
        ([0.5, 0.5], 0.5, [(0, 0.25), (0.5, 0.75)]),
        ([0.2, 0.3, 0.5], 0.2, [(0, 0.04), (0.2, 0.26), (0.5, 0.6)]),
        ([0.5, 0.5], 1.5, [(0, 0.5), (0.5, 1)]),
        ([0.5, 0.5], -0.2, [(0, 0), (0.5, 0.5)]),
    ],
)
def test_growthbook_bucket_ranges(
    weights: list[float], coverage: float, expected: list[tuple[float, float]]
) -> None:
    got = growthbook_bucket_ranges(weights, coverage)
    assert got == [pytest.approx(e, abs=1e-12) for e in expected]


def test_growthbook_assignment_uses_ranges() -> None:
    # hash('seed', 'a') = 0.0505 -> variant 0 of 50/50; with coverage 0.1 still inside [0, 0.05)?
    assert assign_growthbook("seed", "a", [0.5, 0.5]) == 0
    assert assign_growthbook("seed", "a", [0.5, 0.5], coverage=0.1) is None  # 0.0505 >= 0.05
    assert assign_growthbook("seed", "a", [0.5, 0.5], coverage=0.2) == 0
    assert assign_growthbook("seed", "b", [0.2, 0.8]) == 1  # 0.2696 in [0.2, 1.0)
    many = assign_growthbook_many("seed", ["a", "b"], [0.5, 0.5], coverage=0.2)
    assert many.tolist() == [0, -1]


def test_md5_bucket_matches_independent_computation() -> None:
    for uid in [*USER_IDS[:2000], "", "ünïcødé", "a:b"]:
        expected = int(hashlib.md5(f"salty:{uid}".encode()).hexdigest()[:8], 16) % 10000
        assert md5_bucket("salty", uid) == expected


def test_md5_bucket_matches_duckdb_md5() -> None:
    ids = [*USER_IDS[:5000], "ünïcødé"]
    con = duckdb.connect()
    rows = con.execute(
        """
        select user_id,
               ('0x' || left(md5('checkout_button_test' || ':' || user_id), 8))::ubigint % 10000
        from unnest($ids) as t(user_id)
        """,
        {"ids": ids},
    ).fetchall()
    duck = dict(rows)
    ours = md5_buckets("checkout_button_test", ids)
    assert [duck[u] for u in ids] == ours.tolist()


def test_vectorised_md5_matches_scalar() -> None:
    ids = USER_IDS[:3000]
    for weights, coverage in [([0.5, 0.5], 1.0), ([0.5, 0.3, 0.2], 0.6), ([1, 0, 3], 0.25)]:
        many = assign_md5_many("exp", ids, weights, coverage)
        scalar = [assign_md5("exp", u, weights, coverage) for u in ids]
        assert many.tolist() == [-1 if v is None else v for v in scalar]


def test_md5_thresholds_expression() -> None:
    weights = [0.5, 0.3, 0.2]
    assert md5_thresholds(weights, 0.6) == [
        0.6 * 10000.0 * 0.5 / 1.0,
        0.6 * 10000.0 * (0.5 + 0.3) / 1.0,
        0.6 * 10000.0 * (0.5 + 0.3 + 0.2) / 1.0,
    ]


def _chi_square_p(variants: np.ndarray, weights: list[float], coverage: float) -> float:
    total = sum(weights)
    probs = [coverage * w / total for w in weights] + [1.0 - coverage]
    observed = [int(np.sum(variants == i)) for i in range(len(weights))]
    observed.append(int(np.sum(variants == -1)))
    keep = [i for i, p in enumerate(probs) if p > 0]
    expected = np.array([probs[i] for i in keep]) * len(variants)
    return float(stats.chisquare([observed[i] for i in keep], expected).pvalue)


@pytest.mark.parametrize(
    ("weights", "coverage"),
    [([0.5, 0.5], 1.0), ([0.5, 0.3, 0.2], 1.0), ([0.5, 0.3, 0.2], 0.7), ([0.5, 0.5], 0.4)],
)
def test_md5_shares_match_weights(weights: list[float], coverage: float) -> None:
    variants = assign_md5_many("balance_test", USER_IDS, weights, coverage)
    assert _chi_square_p(variants, weights, coverage) > 0.001


@pytest.mark.parametrize(
    ("weights", "coverage"),
    [([0.5, 0.5], 1.0), ([0.5, 0.3, 0.2], 1.0), ([0.5, 0.3, 0.2], 0.7)],
)
def test_growthbook_shares_match_weights(weights: list[float], coverage: float) -> None:
    variants = assign_growthbook_many("balance_test", USER_IDS, weights, coverage)
    assert _chi_square_p(variants, weights, coverage) > 0.001


def test_assignment_independent_of_population() -> None:
    weights, coverage = [0.5, 0.3, 0.2], 0.8
    full = assign_md5_many("pop", USER_IDS[:20000], weights, coverage)
    rng = np.random.default_rng(7)
    subset = rng.choice(20000, size=3000, replace=False)
    part = assign_md5_many("pop", [USER_IDS[i] for i in subset], weights, coverage)
    assert np.array_equal(part, full[subset])
    shuffled = rng.permutation(20000)
    again = assign_md5_many("pop", [USER_IDS[i] for i in shuffled], weights, coverage)
    assert np.array_equal(again, full[shuffled])
    gb_full = assign_growthbook_many("pop", USER_IDS[:5000], weights, coverage)
    gb_part = assign_growthbook_many("pop", USER_IDS[1000:2000], weights, coverage)
    assert np.array_equal(gb_part, gb_full[1000:2000])


def test_coverage_boundary_and_salt_matter() -> None:
    ids = USER_IDS[:20000]
    buckets = md5_buckets("s", ids)
    variants = assign_md5_many("s", ids, [1, 1], 0.25)
    assert np.all((variants >= 0) == (buckets < 2500))
    assert np.all(variants[(buckets < 1250)] == 0)
    assert np.all(variants[(buckets >= 1250) & (buckets < 2500)] == 1)
    other = assign_md5_many("other_salt", ids, [1, 1], 1.0)
    same = assign_md5_many("s", ids, [1, 1], 1.0)
    assert 0.45 < np.mean(other == same) < 0.55
