"""The warehouse's SQL assignment (the dispatched dbt macros experiment_bucket and
experiment_variant_index, and the DuckDB functions they call) equals funnelhouse.assignment.

The macros are compiled by dbt (`dbt compile --inline`) and run in an in-memory DuckDB on
100,000 user ids, so these tests need no warehouse."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from funnelhouse.assignment import assign_growthbook_many, assign_md5_many
from scipy import stats
from warehouse_helpers import ROOT, run_dbt

N_USERS = 100_000
SPLIT = "-- @@split@@"
USER_IDS = [
    *(f"user_{i}" for i in range(N_USERS - 10)),
    *("a", "b", "ab", "def"),  # GrowthBook test-vector ids
    "ünïcødé",
    "",
    "a:b",
    "u0123456789ab",
    " spaced ",
    "😀",
]
CONFIGS = [
    ([0.5, 0.5], 1.0),
    ([0.5, 0.3, 0.2], 1.0),
    ([0.5, 0.3, 0.2], 0.7),
    ([0.1, 0.2, 0.3, 0.4], 0.37),  # sums that round differently in other orders
    ([1.0, 0.0, 3.0], 0.25),  # a zero weight and weights that do not sum to 1
    ([0.2, 0.8], 0.5),
]
PYTHON = {"md5": assign_md5_many, "growthbook": assign_growthbook_many}


@pytest.fixture(scope="module")
def sql_con() -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB with the compiled functions and a view `assigned` over table `ids`."""
    inline = (
        "select *, {{ experiment_bucket('hash_method', 'salt', 'user_id') }} as bucket "
        "from input_rows " + SPLIT + "\n"
        "select *, {{ experiment_variant_index('hash_method', 'bucket', 'weights', 'coverage') }}"
        " as variant_index from bucketed " + SPLIT + "\n{{ create_experiment_functions() }}"
    )
    # the same events path, database and target path as the prefix build of
    # test_experiments_warehouse, so that dbt parses the project only partially
    workdir = ROOT / "build" / "test" / "pytest-dbt"
    workdir.mkdir(parents=True, exist_ok=True)
    out = run_dbt(
        "compile",
        workdir / "prefix_events.parquet",
        workdir / "prefix.duckdb",
        "--quiet",
        "--inline",
        inline,
        env={"ASSIGNMENTS_PATH": ""},
    ).stdout
    bucket_sql, variant_sql, functions_sql = (part.strip() for part in out.split(SPLIT))
    con = duckdb.connect()
    con.execute(functions_sql)
    con.execute("create table ids as select unnest($ids) as user_id", {"ids": USER_IDS})
    con.execute(
        "create table params (hash_method varchar, salt varchar, weights double[], coverage double)"
    )
    con.execute("create view input_rows as select * from ids cross join params")
    con.execute(f"create view bucketed_live as {bucket_sql}")
    # buckets are cached per (method, salt) in bucket_table; variants per weights and coverage
    con.execute("create table bucket_table as select user_id, bucket from bucketed_live limit 0")
    con.execute(
        "create view bucketed as select t.user_id, t.bucket, p.hash_method, p.weights, "
        "p.coverage from bucket_table as t cross join params as p"
    )
    con.execute(f"create view assigned as {variant_sql}")
    return con


_BUCKETS_OF: dict[int, tuple[str, str]] = {}


def _sql_assign(
    con: duckdb.DuckDBPyConnection, method: str, salt: str, weights: list[float], cov: float
) -> np.ndarray:
    con.execute("delete from params")
    con.execute("insert into params values (?, ?, ?, ?)", [method, salt, weights, cov])
    if _BUCKETS_OF.get(id(con)) != (method, salt):
        con.execute("delete from bucket_table")
        con.execute("insert into bucket_table select user_id, bucket from bucketed_live")
        _BUCKETS_OF[id(con)] = (method, salt)
    rows = dict(con.execute("select user_id, variant_index from assigned").fetchall())
    return np.array([-1 if rows[u] is None else rows[u] for u in USER_IDS], dtype=np.int64)


@pytest.mark.parametrize("method", ["md5", "growthbook"])
def test_sql_assigns_like_python(sql_con: duckdb.DuckDBPyConnection, method: str) -> None:
    for weights, coverage in CONFIGS:
        sql = _sql_assign(sql_con, method, "checkout_button_test", weights, coverage)
        python = PYTHON[method]("checkout_button_test", USER_IDS, weights, coverage)
        bad = np.flatnonzero(sql != python)
        assert bad.size == 0, (
            weights,
            coverage,
            [(USER_IDS[i], sql[i], python[i]) for i in bad[:5]],
        )
        arms = sum(w > 0 for w in weights) + (coverage < 1)
        assert len(set(sql.tolist())) == arms  # every arm with a weight is used


@pytest.mark.parametrize("method", ["md5", "growthbook"])
def test_sql_shares_match_the_weights(sql_con: duckdb.DuckDBPyConnection, method: str) -> None:
    weights, coverage = [0.5, 0.3, 0.2], 0.8
    variants = _sql_assign(sql_con, method, "balance", weights, coverage)
    observed = [int(np.sum(variants == i)) for i in range(3)] + [int(np.sum(variants == -1))]
    expected = np.array([coverage * w for w in weights] + [1 - coverage]) * len(USER_IDS)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    # and the test has power: shares off by one point are rejected
    shifted = expected + np.array([1000, -1000, 0, 0])
    assert stats.chisquare(observed, shifted).pvalue < 0.001


def test_sql_md5_bucket_is_the_public_contract(sql_con: duckdb.DuckDBPyConnection) -> None:
    import hashlib

    sql_con.execute("delete from params")
    sql_con.execute("insert into params values ('md5', 'salty', [1.0], 1.0)")
    rows = dict(sql_con.execute("select user_id, bucket from bucketed_live").fetchall())
    for uid in USER_IDS[:2000] + USER_IDS[-6:]:
        digest = hashlib.md5(f"salty:{uid}".encode()).hexdigest()
        assert rows[uid] == int(digest[:8], 16) % 10000


@pytest.mark.parametrize(
    ("seed", "value", "expected"),
    [("seed", "a", 0.0505), ("seed", "b", 0.2696), ("foo", "ab", 0.2575), ("foo", "def", 0.2019)],
)
def test_growthbook_vectors_in_sql(
    sql_con: duckdb.DuckDBPyConnection, seed: str, value: str, expected: float
) -> None:
    sql_con.execute("delete from params")
    sql_con.execute("insert into params values ('growthbook', ?, [1.0], 1.0)", [seed])
    query = "select bucket / 10000 from bucketed_live where user_id = ?"
    assert sql_con.execute(query, [value]).fetchone()[0] == pytest.approx(expected, abs=1e-12)
