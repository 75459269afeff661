"""A hostile-input corpus, generated here, built into a throwaway warehouse per file.

Every row carries the outcome the test expects (clean, quarantined with a reason, or a removed
duplicate with its reason); the tests compare the warehouse's outcome for every row with that
expectation, so a row that is lost, merged with another or misjudged fails the test. Files:
canonical CSV (with malformed records, quoted line breaks, a byte-order mark, a blank line and a
truncated last line), canonical Parquet with text columns (the same values), canonical Parquet
with typed columns (NaN / infinite doubles, typed timestamps), and RetailRocket and REES46 CSVs.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warehouse_helpers import Build, dbt_build, node_status, run_dbt

CANONICAL = [
    "user_id",
    "event_at",
    "event_type",
    "event_id",
    "session_id",
    "item_id",
    "order_id",
    "revenue",
    "device",
    "channel",
    "country",
]
RETAILROCKET = ["timestamp", "visitorid", "event", "itemid", "transactionid"]
REES46 = [
    "event_time",
    "event_type",
    "product_id",
    "category_id",
    "category_code",
    "brand",
    "price",
    "user_id",
    "user_session",
]
CLEAN = ("clean", None)
MAX_TEXT = 1024  # var max_text_length
HUGE_FIELD = 3 * 1024 * 1024  # longer than DuckDB's default 2 MiB CSV line limit


def quarantined(reason: str) -> tuple[str, str]:
    return ("quarantined", reason)


def duplicate(reason: str) -> tuple[str, str]:
    return ("duplicate", reason)


@dataclass
class Row:
    """One raw row and the outcome it must have. raw_line replaces the CSV formatting."""

    name: str
    expect: tuple[str, str | None]
    values: dict[str, object] = field(default_factory=dict)
    raw_line: str | None = None


BLANK_LINE = Row("blank line (not a row)", ("none", None), raw_line="")


# --- the corpus -------------------------------------------------------------------------------


def canonical_rows(csv_only: bool) -> list[Row]:
    """Canonical rows with text values; CSV-only rows are structural (field counts, quoting)."""
    counter = iter(range(1, 10_000))

    def row(name: str, expect: tuple[str, str | None], **values: object) -> Row:
        base = {
            "user_id": f"user-{next(counter)}",
            "event_at": "2026-01-01 10:00:00",
            "event_type": "page_view",
        }
        return Row(name, expect, {**base, **values})

    rows = [
        row("baseline", CLEAN, event_id="e-base", device="Mobile", country="de"),
        row("offset +02:00", CLEAN, event_at="2026-01-01T12:00:00+02:00", item_id="at-ten"),
        row("offset Z", CLEAN, event_at="2026-01-01T10:00:00Z", item_id="at-ten"),
        row("offset -05:30", CLEAN, event_at="2026-01-01 04:30:00-05:30", item_id="at-ten"),
        row("zone name", CLEAN, event_at="2026-01-01 10:00:00 UTC", item_id="at-ten"),
        row("non-ASCII ids", CLEAN, user_id="ユーザー-ß-é-🙂", item_id="товар-№1"),
        row("purchase", CLEAN, event_type="purchase", order_id="o-1", revenue="12.50"),
        row("type case and spaces", CLEAN, event_type="  Add_To_Cart "),
        row("text at the limit", CLEAN, item_id="i" * MAX_TEXT),
        row("blank event id", CLEAN, event_id="   ", item_id="blank-id"),
        row("revenue at the limit", CLEAN, event_type="purchase", revenue="1000000"),
        row("revenue with 3 decimals", CLEAN, event_type="purchase", revenue="12.345"),
        row("revenue below a cent", CLEAN, event_type="purchase", revenue="0.00001"),
        row("revenue on a page view", CLEAN, revenue="5.00", item_id="priced-view"),
        row("text revenue on a page view", CLEAN, revenue="ten", item_id="priced-view-2"),
        row("event at the floor", CLEAN, event_at="2000-01-01 00:00:00"),
        row("null user id", quarantined("missing_user_id"), user_id=None),
        row("empty user id", quarantined("missing_user_id"), user_id=""),
        row("blank user id", quarantined("missing_user_id"), user_id="   "),
        row("white-space user id", quarantined("missing_user_id"), user_id="\t \r\n "),
        # null-like tokens and invisible-only ids are missing, not users
        row("user id NULL", quarantined("missing_user_id"), user_id="NULL"),
        row("user id None", quarantined("missing_user_id"), user_id="None"),
        row("user id null padded", quarantined("missing_user_id"), user_id=" null "),
        row("zero-width space user id", quarantined("missing_user_id"), user_id="\u200b"),
        row("no-break space user id", quarantined("missing_user_id"), user_id="\u00a0"),
        row(
            "invisible mix user id", quarantined("missing_user_id"), user_id=" \u200b\u00a0\ufeff "
        ),
        row("user id with a no-break space", CLEAN, user_id="u-nbsp\u00a0", item_id="nbsp"),
        # an event id 'NULL' is no id: both get derived ids (not duplicates of each other)
        row("event id NULL", CLEAN, event_id="NULL", item_id="null-id-1"),
        row("event id null again", CLEAN, event_id="null", item_id="null-id-2"),
        row("null event_at", quarantined("missing_event_at"), event_at=None),
        row("unparseable event_at", quarantined("unparseable_event_at"), event_at="not-a-time"),
        row("impossible date", quarantined("unparseable_event_at"), event_at="2026-13-45 10:00"),
        row("epoch seconds", quarantined("unparseable_event_at"), event_at="1767261600"),
        row("future", quarantined("event_at_in_future"), event_at="2999-01-01 00:00:00"),
        row("far future", quarantined("event_at_in_future"), event_at="99999-01-01"),
        row("ancient", quarantined("event_at_before_floor"), event_at="1899-12-31 23:59:59"),
        row("year one", quarantined("event_at_before_floor"), event_at="0001-01-01 00:00:00"),
        row(
            "just before the floor",
            quarantined("event_at_before_floor"),
            event_at="1999-12-31 23:59:59.999999",
        ),
        row("null event type", quarantined("missing_event_type"), event_type=None),
        row("unknown event type", quarantined("unknown_event_type"), event_type="wishlist_add"),
        row(
            "text revenue", quarantined("unparseable_revenue"), event_type="purchase", revenue="ten"
        ),
        row("NaN revenue", quarantined("non_finite_revenue"), event_type="purchase", revenue="NaN"),
        row("inf revenue", quarantined("non_finite_revenue"), event_type="purchase", revenue="inf"),
        row(
            "-Infinity revenue",
            quarantined("non_finite_revenue"),
            event_type="purchase",
            revenue="-Infinity",
        ),
        row(
            "overflowing revenue",
            quarantined("non_finite_revenue"),
            event_type="purchase",
            revenue="1e400",
        ),
        row(
            "negative revenue",
            quarantined("negative_revenue"),
            event_type="purchase",
            revenue="-0.01",
        ),
        row(
            "absurd revenue",
            quarantined("revenue_too_large"),
            event_type="purchase",
            revenue="1e300",
        ),
        row(
            "revenue above the limit",
            quarantined("revenue_too_large"),
            event_type="purchase",
            revenue="1000000.01",
        ),
        row("text over the limit", quarantined("text_too_long"), item_id="i" * (MAX_TEXT + 1)),
        row("long user id", quarantined("text_too_long"), user_id="u" * 5000),
        row("huge field", quarantined("text_too_long"), item_id="x" * HUGE_FIELD),
        row(
            "first broken rule wins",
            quarantined("missing_user_id"),
            user_id=None,
            event_at="garbage",
            event_type="wishlist_add",
        ),
        # duplicates with event ids: the first by file position is kept
        row("id kept", CLEAN, user_id="u-dup", event_id="dup-1", item_id="i1"),
        row(
            "id repeated",
            duplicate("duplicate_event_id"),
            user_id="u-dup",
            event_id="dup-1",
            item_id="i1",
        ),
        row(
            "id re-sent with other content",
            duplicate("duplicate_event_id"),
            user_id="u-dup",
            event_id="dup-1",
            item_id="i2",
        ),
        row(
            "quarantined row reusing a kept id",
            quarantined("missing_user_id"),
            user_id=None,
            event_id="dup-1",
        ),
        # duplicates without event ids: identical content (after trimming / in UTC) repeats
        row("no id kept", CLEAN, user_id="u-noid", item_id="n1"),
        row("no id identical", duplicate("duplicate_row"), user_id="u-noid", item_id="n1"),
        row(
            "no id identical once trimmed",
            duplicate("duplicate_row"),
            user_id="  u-noid ",
            event_type=" PAGE_VIEW",
            item_id="n1 ",
        ),
        row(
            "no id same instant with offset",
            duplicate("duplicate_row"),
            user_id="u-noid",
            event_at="2026-01-01T11:00:00+01:00",
            item_id="n1",
        ),
        row("no id other content", CLEAN, user_id="u-noid", item_id="n2"),
    ]
    if csv_only:
        complete = ["user-x", "2026-01-01 10:00:00", "page_view", "e-x"] + [""] * 7
        rows += [
            row("quoted line break", CLEAN, item_id="line one\nline two"),
            row("quoted comma and quote", CLEAN, item_id='a,b "c"'),
            BLANK_LINE,
            Row(
                "missing fields",
                quarantined("malformed_row"),
                raw_line="user-m,2026-01-01 10:00:00,page_view,e-m,,",
            ),
            Row(
                "extra fields",
                quarantined("malformed_row"),
                raw_line=",".join([*complete, "extra"]),
            ),
            Row(
                "many extra fields",
                quarantined("malformed_row"),
                raw_line=",".join([*complete, "x", "y", "z"]),
            ),
            Row("white space only", quarantined("malformed_row"), raw_line="   "),
            row("after the malformed rows", CLEAN, item_id="still-read"),
        ]
    return rows


def _format_csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    # The default line terminator makes the writer quote fields holding \r or \n.
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().removesuffix("\r\n")


def write_csv(
    path: Path,
    header: list[str],
    rows: list[Row],
    truncated_last: Row | None,
    blank_lines_first: int = 0,
) -> dict[int, Row]:
    """Write a CSV (UTF-8 with a byte-order mark, then `blank_lines_first` blank lines before
    the header); return its rows by record number."""
    lines = [""] * blank_lines_first + [",".join(header)]
    by_record: dict[int, Row] = {}
    for row in rows:
        if row.raw_line is None:
            line = _format_csv_line(
                ["" if row.values.get(c) is None else str(row.values[c]) for c in header]
            )
        else:
            line = row.raw_line
        lines.append(line)
        if row is not BLANK_LINE:
            by_record[len(by_record) + 1] = row
    text = "\ufeff" + "\n".join(lines) + "\n"
    if truncated_last is not None:
        assert truncated_last.raw_line is not None
        text += truncated_last.raw_line  # no line break: the file ends mid-row
        by_record[len(by_record) + 1] = truncated_last
    path.write_text(text, encoding="utf-8")
    return by_record


def write_parquet(path: Path, columns: dict[str, pa.DataType], rows: list[Row]) -> dict[int, Row]:
    arrays = {name: [row.values.get(name) for row in rows] for name in columns}
    table = pa.table({name: pa.array(arrays[name], type=kind) for name, kind in columns.items()})
    pq.write_table(table, path)
    return {number: row for number, row in enumerate(rows, 1)}


def typed_rows() -> list[Row]:
    """Canonical rows for a typed Parquet file: timestamps and doubles instead of text."""
    at = datetime(2026, 1, 1, 10, tzinfo=UTC)

    def row(name: str, expect: tuple[str, str | None], **values: object) -> Row:
        base = {"user_id": f"typed-{name}", "event_at": at, "event_type": "purchase"}
        return Row(name, expect, {**base, **values})

    return [
        row("clean purchase", CLEAN, revenue=12.5, order_id="o-1"),
        row("clean view", CLEAN, event_type="product_view", revenue=None),
        row("null user", quarantined("missing_user_id"), user_id=None),
        row("blank user", quarantined("missing_user_id"), user_id=" \t "),
        row("null event_at", quarantined("missing_event_at"), event_at=None),
        row(
            "year one", quarantined("event_at_before_floor"), event_at=datetime(1, 1, 1, tzinfo=UTC)
        ),
        row("future", quarantined("event_at_in_future"), event_at=datetime(2999, 1, 1, tzinfo=UTC)),
        row("unknown type", quarantined("unknown_event_type"), event_type="wishlist_add"),
        row("NaN", quarantined("non_finite_revenue"), revenue=math.nan),
        row("infinity", quarantined("non_finite_revenue"), revenue=math.inf),
        row("minus infinity", quarantined("non_finite_revenue"), revenue=-math.inf),
        row("negative", quarantined("negative_revenue"), revenue=-5.0),
        row("absurd", quarantined("revenue_too_large"), revenue=1e300),
        row("huge field", quarantined("text_too_long"), item_id="x" * HUGE_FIELD),
        row("non-ASCII", CLEAN, user_id="ユーザー-🙂", revenue=1.0),
        row("revenue with 3 decimals", CLEAN, revenue=12.345),
        row("revenue on a view", CLEAN, event_type="product_view", revenue=3.0),
        row("id kept", CLEAN, user_id="t-dup", event_id="t-1", revenue=3.0),
        row(
            "id repeated",
            duplicate("duplicate_event_id"),
            user_id="t-dup",
            event_id="t-1",
            revenue=3.0,
        ),
        row("no id kept", CLEAN, user_id="t-noid", revenue=4.0),
        row("no id identical", duplicate("duplicate_row"), user_id="t-noid", revenue=4.0),
    ]


def retailrocket_rows() -> list[Row]:
    def row(name: str, expect: tuple[str, str | None], **values: object) -> Row:
        base = {"timestamp": "1433193132535", "visitorid": name, "event": "view", "itemid": "7"}
        return Row(name, expect, {**base, **values})

    return [
        row("view", CLEAN),
        row("addtocart", CLEAN, event="addtocart"),
        row("transaction", CLEAN, event="transaction", transactionid="4000"),
        row("padded ms", CLEAN, timestamp=" 1433193132535 "),
        row("ISO time", CLEAN, timestamp="2015-06-01 21:12:12.535"),
        row("non-ASCII visitor", CLEAN, visitorid="visiteur-é-🙂"),
        row("no timestamp", quarantined("missing_event_at"), timestamp=""),
        row("text timestamp", quarantined("unparseable_event_at"), timestamp="yesterday"),
        row("overflowing ms", quarantined("unparseable_event_at"), timestamp="9" * 20),
        row("beyond year 9999", quarantined("unparseable_event_at"), timestamp="253402300800000"),
        row("before 1970", quarantined("event_at_before_floor"), timestamp="-1000"),
        row("year 3000", quarantined("event_at_in_future"), timestamp="32503680000000"),
        row("wishlist", quarantined("unknown_event_type"), event="wishlist"),
        row("no visitor", quarantined("missing_user_id"), visitorid=" "),
        row("dup", CLEAN, itemid="8"),
        row("dup", duplicate("duplicate_row"), itemid="8"),
        Row(
            "no transactionid field",
            quarantined("malformed_row"),
            raw_line="1433193132535,v-short,view,7",
        ),
        Row(
            "extra field",
            quarantined("malformed_row"),
            raw_line="1433193132535,v-long,view,7,,extra",
        ),
    ]


def rees46_rows() -> list[Row]:
    def row(name: str, expect: tuple[str, str | None], **values: object) -> Row:
        base = {
            "event_time": "2019-10-01 00:00:00 UTC",
            "event_type": "view",
            "product_id": "1003461",
            "category_id": "2053013555631882655",
            "category_code": "electronics.smartphone",
            "brand": "xiaomi",
            "price": "489.07",
            "user_id": "520088904",
            "user_session": f"session-{name}",
        }
        return Row(name, expect, {**base, **values})

    return [
        row("view", CLEAN),
        row("cart", CLEAN, event_type="cart"),
        row("remove_from_cart", CLEAN, event_type="remove_from_cart"),
        row("purchase", CLEAN, event_type="purchase", price="12.50"),
        row("purchase without price", CLEAN, event_type="purchase", price=""),
        row("NaN price on a view", CLEAN, price="NaN"),
        row("offset", CLEAN, event_time="2019-10-01 02:00:00+02:00"),
        row("no session", CLEAN, user_session=""),
        row("comma in brand", CLEAN, brand="a, b"),
        row(
            "negative purchase", quarantined("negative_revenue"), event_type="purchase", price="-3"
        ),
        row("NaN purchase", quarantined("non_finite_revenue"), event_type="purchase", price="NaN"),
        row("garbage time", quarantined("unparseable_event_at"), event_time="garbage"),
        row("no user", quarantined("missing_user_id"), user_id=""),
        row("dup", CLEAN, product_id="5"),
        row("dup", duplicate("duplicate_row"), product_id="5"),
        Row(
            "extra field",
            quarantined("malformed_row"),
            raw_line="2019-10-01 00:00:00 UTC,view,1,2,,,1.00,3,s,extra",
        ),
    ]


# --- building and checking --------------------------------------------------------------------


def _query(build: Build, sql: str) -> list[tuple]:
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        return con.sql(sql).fetchall()


def _check_every_row(build: Build, expected: dict[int, Row]) -> dict[int, tuple]:
    """Each raw row has exactly its expected outcome; the counts reconcile."""
    assert node_status(build, "assert_raw_rows_reconcile") == "pass"
    rows = _query(
        build,
        "select source_row_number, load_outcome, load_reason "
        "from staging.stg_clickstream__validated_events",
    )
    actual = {number: (outcome, reason) for number, outcome, reason in rows}
    mismatches = {
        number: (row.name, row.expect, actual.get(number))
        for number, row in expected.items()
        if actual.get(number) != row.expect
    }
    assert not mismatches, f"rows with an unexpected outcome: {mismatches}"
    assert set(actual) == set(expected), "the warehouse has rows the file does not"
    audit = dict(
        _query(
            build,
            "select load_outcome || '/' || load_reason, row_count from marts.dq_event_load_audit",
        )
    )
    assert sum(audit.values()) == len(expected)
    return actual


def _row_number(expected: dict[int, Row], name: str) -> int:
    (number,) = [n for n, row in expected.items() if row.name == name]
    return number


@pytest.fixture(scope="module")
def canonical_csv(tmp_path_factory) -> tuple[Build, dict[int, Row]]:
    workdir = tmp_path_factory.mktemp("hostile-csv")
    truncated = Row(
        "truncated last line", quarantined("malformed_row"), raw_line="user-t,2026-01-01 10:0"
    )
    # a file that starts with blank lines is not empty: the header is its first text line
    expected = write_csv(
        workdir / "events.csv", CANONICAL, canonical_rows(True), truncated, blank_lines_first=2
    )
    return dbt_build(workdir / "events.csv", "canonical", workdir), expected


def test_canonical_csv_every_row_is_clean_quarantined_or_a_duplicate(canonical_csv) -> None:
    build, expected = canonical_csv
    _check_every_row(build, expected)
    parse_errors = dict(
        _query(
            build,
            "select source_row_number, parse_error "
            "from staging.stg_clickstream__quarantined_events where parse_error is not null",
        )
    )
    assert parse_errors == {
        _row_number(expected, "missing fields"): "missing_fields",
        _row_number(expected, "extra fields"): "extra_fields",
        _row_number(expected, "many extra fields"): "extra_fields",
        _row_number(expected, "white space only"): "missing_fields",
        _row_number(expected, "truncated last line"): "missing_fields",
    }


def test_canonical_csv_keeps_values_intact(canonical_csv) -> None:
    build, expected = canonical_csv
    values = {
        number: (user_id, event_at, item_id)
        for number, user_id, event_at, item_id in _query(
            build,
            "select source_row_number, user_id, event_at, item_id "
            "from staging.stg_clickstream__events",
        )
    }
    ten = datetime(2026, 1, 1, 10)
    for name in ("offset +02:00", "offset Z", "offset -05:30", "zone name"):
        assert values[_row_number(expected, name)][1] == ten, name
    assert values[_row_number(expected, "non-ASCII ids")][0] == "ユーザー-ß-é-🙂"
    assert values[_row_number(expected, "non-ASCII ids")][2] == "товар-№1"
    assert values[_row_number(expected, "quoted line break")][2] == "line one\nline two"
    assert values[_row_number(expected, "quoted comma and quote")][2] == 'a,b "c"'
    assert values[_row_number(expected, "text at the limit")][2] == "i" * MAX_TEXT
    conflicts = _query(
        build,
        "select source_row_number, kept_source_row_number, differs_from_kept_row "
        "from staging.stg_clickstream__duplicate_events "
        "where duplicate_reason = 'duplicate_event_id'",
    )
    kept = _row_number(expected, "id kept")
    assert sorted(conflicts) == [
        (_row_number(expected, "id repeated"), kept, False),
        (_row_number(expected, "id re-sent with other content"), kept, True),
    ]


def test_canonical_parquet_with_text_columns(tmp_path) -> None:
    rows = canonical_rows(csv_only=False)
    expected = write_parquet(
        tmp_path / "events.parquet", dict.fromkeys(CANONICAL, pa.string()), rows
    )
    _check_every_row(dbt_build(tmp_path / "events.parquet", "canonical", tmp_path), expected)


def test_canonical_parquet_with_typed_columns(tmp_path) -> None:
    columns = dict.fromkeys(CANONICAL, pa.string())
    columns["event_at"] = pa.timestamp("us", tz="UTC")
    columns["revenue"] = pa.float64()
    expected = write_parquet(tmp_path / "events.parquet", columns, typed_rows())
    build = dbt_build(tmp_path / "events.parquet", "canonical", tmp_path)
    _check_every_row(build, expected)
    revenue = dict(
        _query(build, "select source_row_number, revenue from staging.stg_clickstream__events")
    )
    assert revenue[_row_number(expected, "clean purchase")] == Decimal("12.50")


def test_retailrocket_csv(tmp_path) -> None:
    truncated = Row("truncated last line", quarantined("malformed_row"), raw_line="14331931")
    expected = write_csv(tmp_path / "events.csv", RETAILROCKET, retailrocket_rows(), truncated)
    build = dbt_build(tmp_path / "events.csv", "retailrocket", tmp_path)
    _check_every_row(build, expected)
    clean = {
        number: (user_id, event_at, event_type, order_id)
        for number, user_id, event_at, event_type, order_id in _query(
            build,
            "select source_row_number, user_id, event_at, event_type, order_id "
            "from staging.stg_clickstream__events",
        )
    }
    converted = datetime(2015, 6, 1, 21, 12, 12, 535000)  # 1433193132535 ms after the epoch
    assert clean[_row_number(expected, "view")] == ("view", converted, "product_view", None)
    assert clean[_row_number(expected, "transaction")][2:] == ("purchase", "4000")
    assert clean[_row_number(expected, "padded ms")][1] == converted
    assert clean[_row_number(expected, "non-ASCII visitor")][0] == "visiteur-é-🙂"


def test_rees46_csv(tmp_path) -> None:
    truncated = Row(
        "truncated last line", quarantined("malformed_row"), raw_line="2019-10-01 00:00:00 UTC,vi"
    )
    expected = write_csv(tmp_path / "events.csv", REES46, rees46_rows(), truncated)
    build = dbt_build(tmp_path / "events.csv", "rees46", tmp_path)
    _check_every_row(build, expected)
    clean = {
        number: (event_at, event_type, revenue, session)
        for number, event_at, event_type, revenue, session in _query(
            build,
            "select source_row_number, event_at, event_type, revenue, source_session_id "
            "from staging.stg_clickstream__events",
        )
    }
    assert clean[_row_number(expected, "view")][2] is None  # a view's price is not revenue
    assert clean[_row_number(expected, "NaN price on a view")][2] is None
    assert clean[_row_number(expected, "purchase")][1:3] == ("purchase", Decimal("12.50"))
    assert clean[_row_number(expected, "purchase without price")][2] is None
    assert clean[_row_number(expected, "remove_from_cart")][1] == "remove_from_cart"
    assert clean[_row_number(expected, "offset")][0] == datetime(2019, 10, 1)
    assert clean[_row_number(expected, "no session")][3] is None
    profile = _query(build, "select has_revenue, revenue_coverage from marts.dq_dataset_profile")
    assert profile == [(True, 0.5)]  # one of the two clean purchases has a price


# Revenue: one rule for every format. A purchase revenue with more than two decimals is rounded
# to cents and counted; a revenue on any other event type is dropped and counted.
REVENUE_EXPECTED = {
    "revenue with 3 decimals": (Decimal("12.35"), "rounded_to_cents"),
    "revenue below a cent": (Decimal("0.00"), "rounded_to_cents"),
    "revenue on a page view": (None, "dropped_not_purchase"),
    "text revenue on a page view": (None, "dropped_not_purchase"),
    "purchase": (Decimal("12.50"), None),
    "revenue at the limit": (Decimal("1000000.00"), None),
}


def _check_revenue(build: Build, expected: dict[int, Row], wanted: dict) -> None:
    rows = {
        number: (revenue, adjustment)
        for number, revenue, adjustment in _query(
            build,
            "select source_row_number, revenue, revenue_adjustment "
            "from staging.stg_clickstream__validated_events",
        )
    }
    for name, outcome in wanted.items():
        assert rows[_row_number(expected, name)] == outcome, name
    audit = _query(
        build,
        "select sum(revenue_rounded_rows), sum(revenue_dropped_rows) "
        "from marts.dq_event_load_audit",
    )[0]
    outcomes = [outcome for _, outcome in wanted.items()]
    assert audit == (
        sum(1 for _, a in outcomes if a == "rounded_to_cents"),
        sum(1 for _, a in outcomes if a == "dropped_not_purchase"),
    )
    sessions = _query(build, "select sum(revenue) from marts.fct_sessions")[0][0]
    events = _query(build, "select sum(revenue) from marts.fct_events")[0][0]
    assert sessions == events  # no revenue outside purchases, so sessions hold all of it


def test_canonical_csv_revenue_rule(canonical_csv) -> None:
    build, expected = canonical_csv
    _check_revenue(build, expected, REVENUE_EXPECTED)


def test_canonical_csv_null_like_ids(canonical_csv) -> None:
    build, expected = canonical_csv
    clean = dict(
        _query(build, "select source_row_number, user_id from staging.stg_clickstream__events")
    )
    assert clean[_row_number(expected, "user id with a no-break space")] == "u-nbsp"
    ids = dict(
        _query(build, "select source_row_number, event_id from staging.stg_clickstream__events")
    )
    for name in ("event id NULL", "event id null again"):
        assert ids[_row_number(expected, name)].startswith("derived-"), name


def test_typed_parquet_revenue_rule(tmp_path) -> None:
    columns = dict.fromkeys(CANONICAL, pa.string())
    columns["event_at"] = pa.timestamp("us", tz="UTC")
    columns["revenue"] = pa.float64()
    expected = write_parquet(tmp_path / "events.parquet", columns, typed_rows())
    build = dbt_build(tmp_path / "events.parquet", "canonical", tmp_path)
    _check_revenue(
        build,
        expected,
        {
            "revenue with 3 decimals": (Decimal("12.35"), "rounded_to_cents"),
            "revenue on a view": (None, "dropped_not_purchase"),
            "clean purchase": (Decimal("12.50"), None),
        },
    )


def test_an_unclosed_quote_stops_the_build_naming_the_line(tmp_path) -> None:
    """A quote that is never closed would make the CSV reader swallow every line after it
    into one malformed record: the build stops instead, naming the line."""
    header = "user_id,event_at,event_type,item_id"
    good = [f"u{i},2026-01-01 10:00:00,page_view,item-{i}" for i in range(100)]
    bad = 'u-bad,"2026-01-01 10:00:00,page_view,broken'
    lines = [header, *good[:2], bad, *good[2:], 'u-last,2026-01-01 10:00:00,page_view,"x"']
    (tmp_path / "events.csv").write_text("\n".join(lines) + "\n")
    result = run_dbt(
        "build",
        tmp_path / "events.csv",
        tmp_path / "warehouse.duckdb",
        "--select",
        "+stg_clickstream__validated_events",
        "--exclude",
        "test_type:unit",
        check=False,
    )
    assert result.returncode != 0
    assert (
        f"Line 4 of {tmp_path / 'events.csv'} (record 3) opens a quote that is never closed, "
        "so the CSV reader took the 99 line(s) after it into the same record" in result.stdout
    ), result.stdout[-3000:]
    assert 'The line starts: u-bad,"2026-01-01 10:00:00,page_view,broken' in result.stdout
