"""Synthetic e-commerce clickstream with a documented ground truth.

Output contract (one row per event, columns in this order)::

    user_id    text      'u' + 12 hex digits ('' or null on injected dirty rows)
    event_at   timestamp UTC, microseconds (Parquet: TIMESTAMP(isAdjustedToUTC=true, MICROS);
                         CSV: 'YYYY-MM-DD HH:MM:SS.ffffff')
    event_type text      page_view | product_view | add_to_cart | remove_from_cart |
                         begin_checkout | purchase   (+ 'wishlist_add' on dirty rows)
    event_id   text      unique, except exact duplicates and null on some duplicate pairs
    session_id text      the tracker's ("source") session id, see below; null on some purchases
    item_id    text      'sku_NNNNN' on product_view / add_to_cart / remove_from_cart
    order_id   text      on purchases, unique per order
    revenue    double    order value on purchase rows only (rounded to cents)
    device     text      mobile | desktop | tablet
    channel    text      organic | paid_search | social | email | direct | referral
    country    text      ISO-3166 alpha-2

In CSV a null is an empty field and an empty string is a quoted ``""`` (DuckDB reads both as
null unless ``allow_quoted_nulls=false``). Rows are in no particular order (shuffled within
chunks), but the file is a pure function of the options: the same options give a byte-identical
file and truth (with the pinned pyarrow, whose version is written into Parquet metadata).

Model
-----
The period is ``[start 00:00 UTC, start + days)``; events after its end are cut off. Every
user's first visit falls in the period (uniform day, mildly more on weekends, diurnal
hour-of-day curve), so "new" = the user's first visit and the warehouse can tell new from
returning users. A *visit* is a burst of activity: gaps inside it are 0.2 s-20 min (lognormal,
median 25 s, log-uniform 2-20 min tail); gaps between visits (last event -> next first event)
are >= 25 min: exactly 30 min (0.4 %), uniform 25-40 min (5 %), hours, or days. A user keeps
one device (a visit switches with probability 7 %); the channel is drawn per visit (different
mixes for first and returning visits). Inside a visit events follow the funnel in this order:
page_view x (1 + Poisson) -> product_view x (1 + Poisson) (62 % of visits) -> add_to_cart
(device x channel rate) -> more product views -> maybe a 2nd add_to_cart -> maybe
remove_from_cart -> begin_checkout (new 45 % / returning 55 % of carts, sometimes twice) ->
purchase (new 50 % / returning 66 % of checkouts), lognormal order value. So about 70 % of carts
are abandoned and 2-4 % of visits convert. All rates are in the truth file's ``baked_in``.

``session_id`` is the tracker's own session: a new id only when the gap to the user's previous
visit is >= 40 minutes, so it never splits on the 25-40 min gaps the warehouse's 30-minute
sessionisation does split on; 5 % of purchases are server-side and carry no session_id.

Experiment and its truth
------------------------
``checkout_button_test`` (salt ``checkout_button_test``), variants control / treatment with
weights 50/50 and coverage 1.0, assigned by :func:`funnelhouse.assignment.assign_md5` (md5
contract). The window is ``[start + round(days/6) days, start + round(3*days/4) days)`` (days
10-45 of a 60-day period: 2026-01-11 to 2026-02-15 exclusive for the default start).

* **Exposure**: a user's first ``add_to_cart`` with ``window_start <= event_at < window_end``
  (in the clean data; dirty rows never change it). ``exposed_at`` is that event's time.
* **Effect**: for a treatment user, every purchase decision from the exposure visit on (the
  exposure visit included, its checkout comes after the exposure cart) uses
  ``P(purchase | begin_checkout) x (1 + uplift)`` (clipped to 1; default uplift 0.08). Nothing
  else differs between arms; control users and all pre-exposure behaviour are unaffected.
* **Primary metric**: per exposed user, 1 if the user has a purchase with
  ``exposed_at <= event_at < exposed_at + 7 days`` (and before the period end), else 0.
* **Truth** (common random numbers / potential outcomes): every visit has one uniform draw U
  that decides its purchase (``U < p`` under control, ``U < p (1 + uplift)`` under treatment);
  all other draws (visits, browsing, carts, checkouts, gaps, order values) are shared. For each
  exposed user both potential timelines are simulated (a purchase lengthens a visit and shifts
  later visits, which is accounted for) and both outcomes Y(control), Y(treatment) evaluated.
  ``truth.control_rate`` and ``truth.treatment_rate`` are their means over all exposed users
  (the sample average effect on the realised exposed population), and ``truth.relative_lift``
  = treatment_rate / control_rate - 1. In expectation it is at most the step uplift (a user who
  buys under control gains nothing from a second purchase), and in a finite population it also
  carries the sampling noise of the draws. The data show Y(assigned arm), so an unbiased
  analysis of the file estimates this truth up to the noise of the random assignment; the
  per-arm realised numbers are in ``experiment.realised``.

* **Assignment log** (``<out stem>.assignments.parquet``, see
  :mod:`funnelhouse.generation.assignment_log`): what the experimentation service recorded --
  every user with an event inside the window, assigned at that first event (so it also holds
  users who were never exposed), plus about 0.3 % of users logged a second time in the other
  variant. Those multi-variant users stay in the truth's potential outcomes;
  ``experiment.assignment_log`` counts them and gives the per-arm realised numbers without them
  (the population a warehouse that excludes them analyses).

The truth JSON (``<out stem>.truth.json``) has the keys ``generator``, ``parameters``,
``schema``, ``baked_in``, ``realised`` (clean data), ``dirty`` and ``experiment``. Realised
funnel rates are per generator visit.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from funnelhouse.generation import assignment_log, daily_files, dirty
from funnelhouse.generation.ids import decimal_ids, hex_ids, scramble, with_nulls
from funnelhouse.generation.simparams import (
    CHANNELS,
    COUNTRIES,
    DAY_US,
    DEVICES,
    EVENT_TYPES,
    BehaviourParams,
)
from funnelhouse.generation.simulate import (
    Chunk,
    ExperimentSpec,
    Offsets,
    Period,
    simulate_chunk,
    user_ids,
)

GENERATOR_VERSION = 1
DEFAULT_USERS = 50_000
DEFAULT_DAYS = 60
DEFAULT_SEED = 42
DEFAULT_START = date(2026, 1, 1)
DEFAULT_OUT = Path("data/events.parquet")
DEFAULT_UPLIFT = 0.08
DEFAULT_DIRTY_RATE = 0.001
CHUNK_USERS = 50_000

EVENT_ID_KEY = 0x0E7E_17
SESSION_ID_KEY = 0x5E55_10
ORDER_ID_KEY = 0x0D0E_12

SCHEMA = pa.schema(
    [
        ("user_id", pa.string()),
        ("event_at", pa.timestamp("us", tz="UTC")),
        ("event_type", pa.string()),
        ("event_id", pa.string()),
        ("session_id", pa.string()),
        ("item_id", pa.string()),
        ("order_id", pa.string()),
        ("revenue", pa.float64()),
        ("device", pa.string()),
        ("channel", pa.string()),
        ("country", pa.string()),
    ]
)
CSV_SCHEMA = SCHEMA.set(1, pa.field("event_at", pa.string()))


@dataclass(frozen=True)
class GeneratorConfig:
    users: int = DEFAULT_USERS
    days: int = DEFAULT_DAYS
    seed: int = DEFAULT_SEED
    start: date = DEFAULT_START
    out: Path = DEFAULT_OUT
    fmt: str | None = None  # 'parquet' | 'csv'; None = from the extension
    uplift: float = DEFAULT_UPLIFT
    dirty_rate: float = DEFAULT_DIRTY_RATE
    chunk_users: int = CHUNK_USERS
    params: BehaviourParams = field(default_factory=BehaviourParams)
    # One file per day into this folder instead of one file (funnelhouse.generation.daily_files);
    # a share late_share of the rows arrives 1 to late_days days late.
    daily_dir: Path | None = None
    late_share: float = 0.0
    late_days: int = 3

    @property
    def output(self) -> Path:
        """The events file, or the folder of daily files (truth and log paths derive from it)."""
        return self.daily_dir if self.daily_dir is not None else self.out

    @property
    def format(self) -> str:
        if self.fmt:
            return self.fmt
        if self.daily_dir is not None:
            return "parquet"
        return "csv" if self.out.suffix.lower() == ".csv" else "parquet"

    def validate(self) -> None:
        if self.users < 1 or self.days < 1 or self.chunk_users < 1:
            raise ValueError("users, days and chunk_users must be positive")
        if self.seed < 0:
            raise ValueError("seed must be non-negative")
        if not 0 <= self.dirty_rate <= 0.1:
            raise ValueError("dirty_rate must be within [0, 0.1]")
        if self.uplift <= -1:
            raise ValueError("uplift must be > -1")
        if self.format not in ("parquet", "csv"):
            raise ValueError(f"unknown format {self.format!r}")
        if not 0 <= self.late_share <= 1 or self.late_days < 1:
            raise ValueError("late_share must be within [0, 1] and late_days at least 1")
        if self.late_share and self.daily_dir is None:
            raise ValueError("late arrivals need daily files (--daily-files DIR)")


def truth_path(out: Path) -> Path:
    """``data/events.parquet`` -> ``data/events.truth.json`` (a folder ``data/daily`` ->
    ``data/daily.truth.json``)."""
    return out.with_name(f"{out.stem}.truth.json")


def _us(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) * 1_000_000


def experiment_window(start: date, days: int) -> tuple[date, date]:
    """[window_start, window_end) of checkout_button_test: days round(d/6) to round(3d/4)."""
    lo = round(days / 6)
    hi = min(days, max(lo + 1, round(3 * days / 4)))
    return start + timedelta(days=lo), start + timedelta(days=hi)


def experiment_spec(config: GeneratorConfig) -> ExperimentSpec:
    ws, we = experiment_window(config.start, config.days)
    return ExperimentSpec(window_start_us=_us(ws), window_end_us=_us(we), uplift=config.uplift)


# --- columns -> Arrow ------------------------------------------------------------------------


def _labels(codes: np.ndarray, labels: tuple[str, ...]) -> pa.Array:
    return pc.take(pa.array(labels, pa.string()), pa.array(codes.astype(np.int32)))


def to_table(cols: dict[str, np.ndarray], fmt: str = "parquet") -> pa.Table:
    """Arrow table in the output contract from the generator's internal columns."""
    kind = cols["user_kind"]
    uid = user_ids(cols["user"])
    uid = pc.if_else(pa.array(kind == dirty.USER_BLANK), pa.scalar("", pa.string()), uid)
    uid = with_nulls(uid, kind != dirty.USER_NULL)
    seq = cols["event_seq"]
    event_id = with_nulls(
        hex_ids("e", scramble(np.maximum(seq, 0), 64, EVENT_ID_KEY), 16), seq >= 0
    )
    session_id = with_nulls(
        hex_ids("s", scramble(cols["source_session"], 48, SESSION_ID_KEY), 12),
        cols["session_valid"],
    )
    item_id = with_nulls(decimal_ids("sku_", np.maximum(cols["item"], 0), 5), cols["item"] >= 0)
    order = cols["order"]
    order_id = with_nulls(
        hex_ids("o", scramble(np.maximum(order, 0), 40, ORDER_ID_KEY), 10), order >= 0
    )
    is_purchase = cols["event_type"] == 5
    revenue = pa.array(cols["revenue_cents"] / 100.0, pa.float64(), mask=~is_purchase)
    event_at = pa.array(cols["event_at"], pa.timestamp("us", tz="UTC"))
    if fmt == "csv":
        event_at = pc.strftime(event_at, format="%Y-%m-%d %H:%M:%S")
    arrays = [
        uid,
        event_at,
        _labels(cols["event_type"], (*EVENT_TYPES, dirty.UNKNOWN_EVENT_TYPE)),
        event_id,
        session_id,
        item_id,
        order_id,
        revenue,
        _labels(cols["device"], DEVICES),
        _labels(cols["channel"], CHANNELS),
        _labels(cols["country"], COUNTRIES),
    ]
    return pa.Table.from_arrays(arrays, schema=CSV_SCHEMA if fmt == "csv" else SCHEMA)


class _Sink:
    """Streams tables to a Parquet or CSV file (written to a temp name, renamed at the end)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.fmt = fmt
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            opts = pcsv.WriteOptions(quoting_style="needed")
            self.writer = pcsv.CSVWriter(str(self.tmp), CSV_SCHEMA, write_options=opts)
        else:
            self.writer = pq.ParquetWriter(
                str(self.tmp), SCHEMA, compression="zstd", write_statistics=True
            )

    def write(self, table: pa.Table, cols: dict[str, np.ndarray], index: int) -> None:
        if self.fmt == "csv":
            self.writer.write_table(table)
        else:
            self.writer.write_table(table, row_group_size=250_000)

    def close(self) -> None:
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)


class _DailySink:
    """One file per day (funnelhouse.generation.daily_files), the late arrivals drawn per chunk."""

    def __init__(self, config: GeneratorConfig, period: Period) -> None:
        schema = CSV_SCHEMA if config.format == "csv" else SCHEMA
        assert config.daily_dir is not None
        self.config = config
        self.period = period
        self.files = daily_files.DailySinks(
            config.daily_dir, config.start, config.days, config.format, schema
        )
        self.rows_late = 0

    def write(self, table: pa.Table, cols: dict[str, np.ndarray], index: int) -> None:
        config = self.config
        rng = np.random.default_rng([config.seed, index, daily_files.LATE_STREAM])
        at = cols["event_at"]
        days = daily_files.arrival_days(
            rng, at, self.period.start_us, config.days, config.late_share, config.late_days
        )
        self.rows_late += int(np.sum(days > (at - self.period.start_us) // DAY_US))
        self.files.write(table, days)

    def close(self) -> None:
        self.files.close()

    def abort(self) -> None:
        self.files.abort()

    def describe(self) -> dict[str, Any]:
        return {
            "folder": str(self.config.daily_dir),
            "files": [path.name for path in self.files.paths],
            "rows_per_file": self.files.rows,
            "late_share": self.config.late_share,
            "late_days": self.config.late_days,
            "rows_late": self.rows_late,
        }


# --- driver ----------------------------------------------------------------------------------


ProgressFn = Callable[[int, int, int], None]  # (chunks done, chunks total, rows written)


@dataclass
class _DirtyChunk:
    """One chunk of users as written: its simulation, the shuffled columns with the dirty rows,
    the dirty-row counts and the sequence numbers the next chunk starts from."""

    simulated: Chunk
    columns: dict[str, np.ndarray]
    dirty_counts: dict[str, int]
    next_offsets: Offsets


@dataclass
class _Totals:
    """What the chunks add up to: simulation statistics, dirty-row counts, rows written and the
    assignment-log rows."""

    stats: dict[str, np.ndarray] = field(default_factory=dict)
    dirty_counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(dirty.DIRTY_KINDS, 0)
    )
    rows_total: int = 0
    logs: list[dict[str, np.ndarray]] = field(default_factory=list)

    def add(self, chunk: _DirtyChunk) -> None:
        """Add one written chunk."""
        self.rows_total += chunk.columns["event_type"].size
        for kind, k in chunk.dirty_counts.items():
            self.dirty_counts[kind] += k
        self.logs.append(chunk.simulated.assignments)
        for key, value in chunk.simulated.stats.items():
            self.stats[key] = self.stats[key] + value if key in self.stats else value.copy()


def _period(config: GeneratorConfig) -> Period:
    """The generated period, ``[start 00:00 UTC, start + days)``."""
    return Period(_us(config.start), _us(config.start + timedelta(days=config.days)))


def _dirty_chunk(
    config: GeneratorConfig, index: int, period: Period, exp: ExperimentSpec, offsets: Offsets
) -> _DirtyChunk:
    """Simulate chunk ``index``, inject its dirty rows and shuffle them, all from the chunk's own
    random stream ``[seed, index]`` (in this order)."""
    n_users = min(config.chunk_users, config.users - index * config.chunk_users)
    rng = np.random.default_rng([config.seed, index])
    chunk = simulate_chunk(rng, config.params, period, exp, offsets, n_users)
    cols = chunk.columns
    n_clean = cols["event_type"].size
    cols["event_seq"] = offsets.events + np.arange(n_clean, dtype=np.int64)
    cols["user_kind"] = np.zeros(n_clean, dtype=np.int8)
    cols, counts = dirty.inject(
        rng,
        cols,
        config.dirty_rate,
        offsets.events + n_clean,
        period.end_us,
        at_least_one=index == 0,
    )
    order = rng.permutation(cols["event_type"].size)
    cols = {k: v[order] for k, v in cols.items()}
    next_offsets = Offsets(
        users=offsets.users + n_users,
        visits=offsets.visits + chunk.n_visits,
        events=offsets.events + n_clean + sum(counts[k] for k in dirty.FRESH_ID_KINDS),
        orders=offsets.orders + chunk.n_orders,
    )
    return _DirtyChunk(chunk, cols, counts, next_offsets)


def _write_chunks(
    config: GeneratorConfig,
    period: Period,
    exp: ExperimentSpec,
    sink: _Sink | _DailySink,
    progress: ProgressFn | None,
) -> _Totals:
    """Generate the chunks of users one after the other into ``sink``; return their totals."""
    totals = _Totals()
    offsets = Offsets()
    n_chunks = -(-config.users // config.chunk_users)
    for index in range(n_chunks):
        chunk = _dirty_chunk(config, index, period, exp, offsets)
        sink.write(to_table(chunk.columns, config.format), chunk.columns, index)
        totals.add(chunk)
        offsets = chunk.next_offsets
        if progress:
            progress(index + 1, n_chunks, totals.rows_total)
    return totals


def _write_assignment_log(
    config: GeneratorConfig, exp: ExperimentSpec, logs: list[dict[str, np.ndarray]]
) -> None:
    """Write the chunks' assignment-log rows next to the output (assignment_log.write_log)."""
    log_user = np.concatenate([lg["user"] for lg in logs])
    assignment_log.write_log(
        assignment_log.assignments_path(config.output),
        exp.experiment_id,
        exp.variants,
        user_ids(log_user).to_pylist(),
        np.concatenate([lg["variant"] for lg in logs]),
        np.concatenate([lg["assigned_at_us"] for lg in logs]),
    )


def generate(config: GeneratorConfig, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Write the events file and its truth JSON; return the truth dict."""
    config.validate()
    period = _period(config)
    exp = experiment_spec(config)
    sink = _DailySink(config, period) if config.daily_dir else _Sink(config.out, config.format)
    try:
        totals = _write_chunks(config, period, exp, sink, progress)
    except BaseException:
        sink.abort()
        raise
    sink.close()
    _write_assignment_log(config, exp, totals.logs)
    truth = build_truth(config, exp, totals.stats, totals.dirty_counts, totals.rows_total)
    if isinstance(sink, _DailySink):
        truth["daily_files"] = sink.describe()
    path = truth_path(config.output)
    path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


# --- truth -----------------------------------------------------------------------------------


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 6) if den else None


def _iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, tz=UTC).isoformat().replace("+00:00", "Z")


SEGMENTS = ("new", "returning")  # the second axis of the *_by_device_segment statistics


def _by_device_segment(
    visits: np.ndarray, carts: np.ndarray, buys: np.ndarray
) -> dict[str, dict[str, dict[str, Any]]]:
    """Visits, cart and purchase visits and their rates per device x new/returning segment
    (the arrays are device x segment)."""
    return {
        d: {
            s: {
                "visits": int(visits[i, j]),
                "cart_visits": int(carts[i, j]),
                "purchase_visits": int(buys[i, j]),
                "session_conversion": _rate(buys[i, j], visits[i, j]),
                "cart_to_purchase": _rate(buys[i, j], carts[i, j]),
            }
            for j, s in enumerate(SEGMENTS)
        }
        for i, d in enumerate(DEVICES)
    }


def _realised_truth(config: GeneratorConfig, t: dict[str, np.ndarray]) -> dict[str, Any]:
    """The truth's ``realised`` section: counts and funnel rates of the clean data."""
    by_type = dict(zip(EVENT_TYPES, t["events_by_type"].tolist(), strict=True))
    events_clean = int(t["events_by_type"].sum())
    visits = t["visits_by_device_segment"].reshape(3, 2)
    carts = t["cart_visits_by_device_segment"].reshape(3, 2)
    buys = t["purchase_visits_by_device_segment"].reshape(3, 2)
    gaps = t["inter_visit_gaps"].tolist()
    revenue = int(t["revenue_cents"][0]) / 100
    return {
        "note": "clean data (dirty rows excluded); funnel rates per generator visit",
        "events_clean": events_clean,
        "events_by_type": by_type,
        "users": config.users,
        "visits": int(visits.sum()),
        "source_sessions": int(t["source_sessions"][0]),
        "purchases": by_type["purchase"],
        "orders": by_type["purchase"],
        "revenue": round(revenue, 2),
        "average_order_value": _rate(revenue, by_type["purchase"]),
        "session_conversion": _rate(buys.sum(), visits.sum()),
        "cart_to_purchase": _rate(buys.sum(), carts.sum()),
        "cart_abandonment": _rate(carts.sum() - buys.sum(), carts.sum()),
        "cart_to_purchase_by_segment": {
            s: _rate(buys[:, j].sum(), carts[:, j].sum()) for j, s in enumerate(SEGMENTS)
        },
        "session_conversion_by_device": {
            d: _rate(buys[i].sum(), visits[i].sum()) for i, d in enumerate(DEVICES)
        },
        "by_device_segment": _by_device_segment(visits, carts, buys),
        "purchases_without_session_id": int(t["purchases_without_session_id"][0]),
        "inter_visit_gaps": {
            "total": gaps[0],
            "within_5_min_of_30_min": gaps[1],
            "exactly_30_min": gaps[2],
            "under_40_min": gaps[3],
        },
        "visits_crossing_midnight_utc": int(t["visits_crossing_midnight"][0]),
    }


def _dirty_truth(
    config: GeneratorConfig, dirty_counts: dict[str, int], rows_total: int
) -> dict[str, Any]:
    """The truth's ``dirty`` section: the injected rows by kind and the file's row count."""
    extra_rows = sum(dirty_counts.values())
    return {
        "dirty_rate": config.dirty_rate,
        **dirty_counts,
        "null_event_id_rows": 2 * dirty_counts["null_event_id_duplicate_rows"],
        "unknown_event_types": [dirty.UNKNOWN_EVENT_TYPE]
        if dirty_counts["unknown_event_type_rows"]
        else [],
        "extra_rows_total": extra_rows,
        "rows_total": rows_total,
    }


def _parameters_truth(config: GeneratorConfig) -> dict[str, Any]:
    """The truth's ``parameters`` section: the options the file was generated with."""
    return {
        "users": config.users,
        "days": config.days,
        "seed": config.seed,
        "start": config.start.isoformat(),
        "period_start": _iso(_us(config.start)),
        "period_end": _iso(_us(config.start + timedelta(days=config.days))),
        "period_end_exclusive": True,
        "uplift": config.uplift,
        "dirty_rate": config.dirty_rate,
        "chunk_users": config.chunk_users,
        "format": config.format,
        "file": config.output.name,
    }


def build_truth(
    config: GeneratorConfig,
    exp: ExperimentSpec,
    t: dict[str, np.ndarray],
    dirty_counts: dict[str, int],
    rows_total: int,
) -> dict[str, Any]:
    """The truth dict (``<out stem>.truth.json``) from the chunks' summed statistics ``t``."""
    realised = _realised_truth(config, t)
    dirty_section = _dirty_truth(config, dirty_counts, rows_total)
    return {
        "generator": {"module": "funnelhouse.generator", "version": GENERATOR_VERSION},
        "parameters": _parameters_truth(config),
        "schema": [{"name": f.name, "type": str(f.type)} for f in SCHEMA],
        "baked_in": config.params.baked_in(),
        "realised": realised,
        "dirty": dirty_section,
        "experiment": _experiment_truth(config, exp, t),
    }


def _experiment_realised(exp: ExperimentSpec, t: dict[str, np.ndarray]) -> dict[str, Any]:
    """The experiment's per-arm realised numbers (the data show Y(assigned arm)) and their
    relative lift."""
    exposed = t["exposed_by_arm"].tolist()
    converted = t["converted_by_arm"].tolist()
    revenue = t["revenue_cents_by_arm"].tolist()
    realised = {
        name: {
            "exposed_users": exposed[i],
            "converters": converted[i],
            "conversion_rate": _rate(converted[i], exposed[i]),
            "revenue_7d": round(revenue[i] / 100, 2),
        }
        for i, name in enumerate(exp.variants)
    }
    c_rate, t_rate = _rate(converted[0], exposed[0]), _rate(converted[1], exposed[1])
    return {
        **realised,
        "relative_lift": (round(t_rate / c_rate - 1, 6) if c_rate and t_rate is not None else None),
    }


def _assignment_log_truth(exp: ExperimentSpec, t: dict[str, np.ndarray]) -> dict[str, Any]:
    """The experiment's ``assignment_log`` section: the log's rule, its counts and the per-arm
    realised numbers without the multi-variant users."""
    log_rows, assigned, multi, multi_exposed = (int(x) for x in t["assignment_log"])
    single = t["exposed_single_by_arm"].tolist()
    single_converted = t["converted_single_by_arm"].tolist()
    return {
        "file": "<events file stem>.assignments.parquet",
        "columns": assignment_log.SCHEMA.names,
        "rule": "a user is assigned (and logged) at their first event inside the window, "
        "whether or not they are exposed later; variant = assign_md5(salt, user_id)",
        "multi_variant_rule": "users with md5_bucket(salt + ':dual', user_id) < "
        f"{assignment_log.DUAL_BUCKETS} are logged again 1-{assignment_log.DUAL_MAX_DELAY_HOURS} "
        "hours later in another variant (their events follow the first)",
        "rows": log_rows,
        "assigned_users": assigned,
        "multi_variant_users": multi,
        "multi_variant_share": _rate(multi, assigned),
        "multi_variant_exposed_users": multi_exposed,
        "realised_excluding_multi_variant": {
            name: {
                "exposed_users": single[i],
                "converters": single_converted[i],
                "conversion_rate": _rate(single_converted[i], single[i]),
            }
            for i, name in enumerate(exp.variants)
        },
    }


def _primary_metric_truth(config: GeneratorConfig, exp: ExperimentSpec) -> dict[str, Any]:
    """The experiment's primary metric, and whether its conversion window fits in the period."""
    window_days = exp.conversion_window_us // DAY_US
    period_end = _us(config.start + timedelta(days=config.days))
    return {
        "name": "purchase_within_7d",
        "type": "binomial",
        "unit": "exposed user",
        "definition": "1 if a purchase with exposed_at <= event_at < exposed_at + 7 days",
        "conversion_window_days": window_days,
        "conversion_window_complete": exp.window_end_us + exp.conversion_window_us <= period_end,
    }


def _potential_outcomes_truth(t: dict[str, np.ndarray]) -> dict[str, Any]:
    """The experiment's ``truth``: mean potential outcomes over all exposed users."""
    n_exposed, y_c, y_t, rev_c, rev_t = (int(x) for x in t["potential"])
    return {
        "estimand": "mean potential outcomes over all exposed users (common random numbers)",
        "exposed_users": n_exposed,
        "control_converters": y_c,
        "treatment_converters": y_t,
        "control_rate": _rate(y_c, n_exposed),
        "treatment_rate": _rate(y_t, n_exposed),
        "absolute_lift": _rate(y_t - y_c, n_exposed),
        "relative_lift": _rate(y_t - y_c, y_c),
        "revenue_per_exposed_user": {
            "control": _rate(rev_c / 100, n_exposed),
            "treatment": _rate(rev_t / 100, n_exposed),
        },
    }


def _experiment_truth(
    config: GeneratorConfig, exp: ExperimentSpec, t: dict[str, np.ndarray]
) -> dict[str, Any]:
    """The truth's ``experiment`` section: the design of checkout_button_test, its true and its
    realised effect, and its assignment log."""
    return {
        "experiment_id": exp.experiment_id,
        "salt": exp.salt,
        "hash": "md5",
        "bucket": "int(first 8 hex digits of md5(salt || ':' || user_id), 16) % 10000",
        "assignment": "funnelhouse.assignment.assign_md5(salt, user_id, weights, coverage)",
        "variants": list(exp.variants),
        "weights": list(exp.weights),
        "coverage": exp.coverage,
        "window_start": _iso(exp.window_start_us),
        "window_end": _iso(exp.window_end_us),
        "window_end_exclusive": True,
        "exposure": "a user's first add_to_cart with window_start <= event_at < window_end",
        "primary_metric": _primary_metric_truth(config, exp),
        "treatment_effect": {
            "step": "P(purchase | begin_checkout)",
            "true_relative_uplift_step": exp.uplift,
            "applies_to": "treatment users' visits from the exposure visit on",
        },
        "truth": _potential_outcomes_truth(t),
        "realised": _experiment_realised(exp, t),
        "assignment_log": _assignment_log_truth(exp, t),
    }


class ProgressBar:
    """A minimal stderr progress bar."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, rows: int) -> None:
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r[{bar}] {done}/{total} chunks, {rows:,} rows, {elapsed:5.1f}s")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()
