"""Vectorised simulation of one chunk of users.

The model, the experiment and the definition of the truth are documented in
:mod:`funnelhouse.generation.generator`; this module implements them with numpy over a chunk of
users.
All times are int64 microseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from funnelhouse.assignment import assign_md5_many
from funnelhouse.generation.assignment_log import chunk_log
from funnelhouse.generation.ids import hex_ids, scramble
from funnelhouse.generation.simparams import DAY_US, HOUR_US, MINUTE_US, BehaviourParams

# Event type codes index funnelhouse.generation.simparams.EVENT_TYPES.
PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, REMOVE_FROM_CART, BEGIN_CHECKOUT, PURCHASE = range(6)
# A visit is laid out as a fixed sequence of slots, each repeated 0..n times (funnel order).
SLOT_TYPES = np.array(
    [
        PAGE_VIEW,  # landing page + further pages
        PRODUCT_VIEW,
        ADD_TO_CART,  # first add_to_cart (the experiment's exposure candidate)
        PRODUCT_VIEW,  # browsing after the cart
        ADD_TO_CART,  # a second item
        REMOVE_FROM_CART,
        BEGIN_CHECKOUT,  # 1 or 2 (repeated step)
        PURCHASE,
    ],
    dtype=np.int8,
)
N_SLOTS = SLOT_TYPES.size

USER_ID_KEY = 0x5EED_0001
CATALOGUE_SEED = 20260101
THIRTY_MIN_US = 30 * MINUTE_US


def user_ids(global_index: np.ndarray) -> pa.StringArray:
    """User id strings ('u' + 12 hex digits) of global user indices (bijective, so unique)."""
    return hex_ids("u", scramble(global_index, 48, USER_ID_KEY), 12)


def catalogue(params: BehaviourParams) -> tuple[np.ndarray, np.ndarray]:
    """(sku numbers by popularity rank, popularity probabilities); fixed across seeds."""
    rng = np.random.default_rng(CATALOGUE_SEED)
    skus = rng.choice(np.arange(10000, 100000), size=params.catalogue_size, replace=False)
    ranks = np.arange(1, params.catalogue_size + 1, dtype=np.float64)
    weights = ranks ** (-params.catalogue_zipf_exponent)
    return skus.astype(np.int64), weights / weights.sum()


@dataclass(frozen=True)
class Period:
    start_us: int
    end_us: int  # exclusive


@dataclass(frozen=True)
class ExperimentSpec:
    window_start_us: int
    window_end_us: int  # exclusive
    uplift: float = 0.08
    experiment_id: str = "checkout_button_test"
    salt: str = "checkout_button_test"
    variants: tuple[str, ...] = ("control", "treatment")
    weights: tuple[float, ...] = (0.5, 0.5)
    coverage: float = 1.0
    treatment_variant: int = 1
    conversion_window_us: int = 7 * DAY_US


@dataclass
class Offsets:
    """Global sequence numbers consumed by earlier chunks (ids are derived from them)."""

    users: int = 0
    visits: int = 0
    events: int = 0
    orders: int = 0


@dataclass
class Chunk:
    """Clean events of one chunk in (user, time) order, plus additive statistics."""

    columns: dict[str, np.ndarray]
    n_users: int
    n_visits: int
    n_orders: int
    stats: dict[str, np.ndarray] = field(default_factory=dict)
    # assignment log rows: global user index, variant index, assigned_at (see assignment_log)
    assignments: dict[str, np.ndarray] = field(default_factory=dict)


def _group_starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def _choice(rng: np.random.Generator, probs: tuple[float, ...], size: int) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    return rng.choice(p.size, size=size, p=p / p.sum()).astype(np.int8)


def _sample_users(
    rng: np.random.Generator, params: BehaviourParams, period: Period, n: int
) -> dict[str, np.ndarray]:
    days = (period.end_us - period.start_us) // DAY_US
    epoch_day = period.start_us // DAY_US + np.arange(days)
    is_weekend = ((epoch_day + 3) % 7) >= 5  # 1970-01-01 was a Thursday (weekday 3)
    day_w = np.where(is_weekend, params.weekend_weight, 1.0)
    first_day = rng.choice(days, size=n, p=day_w / day_w.sum())
    hour = _choice(rng, params.hour_weights, n).astype(np.int64)
    within_hour = (rng.random(n) * HOUR_US).astype(np.int64)
    first_at = period.start_us + first_day * DAY_US + hour * HOUR_US + within_hour
    loyal = rng.random(n) < params.loyal_share
    p_geo = np.where(loyal, params.p_geometric_loyal, params.p_geometric_casual)
    n_visits = np.minimum(rng.geometric(p_geo), params.max_visits).astype(np.int64)
    return {
        "device": _choice(rng, params.device_mix, n),
        "country": _choice(rng, params.country_mix, n),
        "first_at": first_at,
        "n_visits": n_visits,
    }


def _inter_visit_gaps(rng: np.random.Generator, params: BehaviourParams, n: int) -> np.ndarray:
    u = rng.random(n)
    p1 = params.inter_gap_exact_30min_prob
    p2 = p1 + params.inter_gap_near_boundary_prob
    p3 = p2 + params.inter_gap_hours_prob
    near = (25 + 15 * rng.random(n)) * MINUTE_US
    hours = 45 * MINUTE_US + HOUR_US * rng.lognormal(
        np.log(params.inter_gap_hours_median_h), params.inter_gap_hours_sigma, n
    )
    days = HOUR_US + DAY_US * rng.lognormal(
        np.log(params.inter_gap_days_median_d), params.inter_gap_days_sigma, n
    )
    gap = np.where(u < p1, THIRTY_MIN_US, np.where(u < p2, near, np.where(u < p3, hours, days)))
    return gap.astype(np.int64)


def _intra_visit_gaps(
    rng: np.random.Generator, params: BehaviourParams, slot: np.ndarray
) -> np.ndarray:
    n = slot.size
    g = rng.lognormal(np.log(params.intra_gap_median_s), params.intra_gap_sigma, n)
    tail = rng.random(n) < params.intra_gap_tail_prob
    g = np.where(tail, np.exp(rng.uniform(np.log(120.0), np.log(1200.0), n)), g)
    payment = rng.lognormal(np.log(params.payment_gap_median_s), 0.7, n)
    g = np.where(SLOT_TYPES[slot] == PURCHASE, payment, g)
    g = np.clip(g, 0.2, params.intra_gap_max_s)
    return (g * 1e6).astype(np.int64)


class _Timeline:
    """Visit start times as a function of which visits end with a purchase."""

    def __init__(
        self,
        first_at_visit: np.ndarray,
        is_first: np.ndarray,
        gap: np.ndarray,
        dur_pre: np.ndarray,
        dur_full: np.ndarray,
    ) -> None:
        self.first_at_visit = first_at_visit
        self.is_first = is_first
        self.gap = gap
        self.dur_pre = dur_pre
        self.dur_full = dur_full

    def starts(self, purchased: np.ndarray) -> np.ndarray:
        dur = np.where(purchased, self.dur_full, self.dur_pre)
        inc = np.zeros(dur.size, dtype=np.int64)
        inc[1:] = dur[:-1] + self.gap[1:]
        inc[self.is_first] = 0
        cs = np.cumsum(inc)
        first_pos = np.maximum.accumulate(np.where(self.is_first, np.arange(dur.size), 0))
        return self.first_at_visit + cs - cs[first_pos]


@dataclass
class _Visits:
    """Per-visit attributes and funnel decisions of a chunk (index: visit, in user order)."""

    user: np.ndarray
    is_first: np.ndarray
    device: np.ndarray
    channel: np.ndarray
    n_pv: np.ndarray
    n_prod: np.ndarray
    counts: np.ndarray  # events per slot (visit x N_SLOTS), purchase slot = checkout
    checkout: np.ndarray
    buy_control: np.ndarray
    buy_treat: np.ndarray
    revenue_cents: np.ndarray
    inter_gap: np.ndarray

    @property
    def size(self) -> int:
        return self.user.size


@dataclass
class _Events:
    """The potential event stream (purchase slot filled whenever begin_checkout happened)."""

    visit: np.ndarray
    type: np.ndarray
    visit_first: np.ndarray  # index of each visit's first event
    offset: np.ndarray  # microseconds since the visit's start
    dur_full: np.ndarray  # visit duration with the purchase
    dur_pre: np.ndarray  # visit duration without it


@dataclass
class _Exposure:
    arm: np.ndarray  # per user: variant index, -1 = not in the experiment
    exposed: np.ndarray
    exposed_at: np.ndarray
    exposure_visit: np.ndarray  # V (past the last visit) when not exposed


@dataclass
class _Worlds:
    """Visit starts and purchases in the control world, the treated world and reality."""

    start_control: np.ndarray
    start_treat: np.ndarray
    start_real: np.ndarray
    buy_world_t: np.ndarray
    buy_real: np.ndarray


def _visits(
    rng: np.random.Generator,
    params: BehaviourParams,
    exp: ExperimentSpec,
    users: dict[str, np.ndarray],
    n_users: int,
) -> _Visits:
    k = users["n_visits"]
    V = int(k.sum())
    vis_user = np.repeat(np.arange(n_users), k)
    is_first = (np.arange(V) - _group_starts(k)[vis_user]) == 0
    switch = rng.random(V) < params.device_switch_prob
    device = np.where(switch, _choice(rng, params.device_mix, V), users["device"][vis_user])
    channel = np.where(
        is_first,
        _choice(rng, params.channel_mix_first_visit, V),
        _choice(rng, params.channel_mix_returning_visit, V),
    ).astype(np.int8)
    n_pv = 1 + rng.poisson(params.page_views_extra_mean, V)
    has_prod = rng.random(V) < params.p_product_view
    n_prod = np.where(has_prod, 1 + rng.poisson(params.product_views_extra_mean, V), 0)
    p_cart = np.minimum(
        1.0,
        np.asarray(params.p_cart_by_device)[device]
        * np.asarray(params.cart_channel_multiplier)[channel],
    )
    cart = has_prod & (rng.random(V) < p_cart)
    n_browse = np.where(cart, rng.poisson(params.browse_after_cart_mean, V), 0)
    second_cart = (n_browse > 0) & (rng.random(V) < params.p_second_add_to_cart)
    remove = cart & (rng.random(V) < params.p_remove_from_cart)
    p_checkout = np.where(is_first, params.p_checkout_new, params.p_checkout_returning)
    checkout = cart & (rng.random(V) < p_checkout)
    n_checkout = np.where(checkout, 1 + (rng.random(V) < params.p_repeat_checkout), 0)
    buy_control, buy_treat = _purchases(rng, params, exp, is_first, checkout)
    value = rng.lognormal(np.log(params.order_value_median), params.order_value_sigma, V)
    revenue_cents = np.maximum(np.round(value * 100), params.order_value_min * 100)
    counts = np.stack(
        [n_pv, n_prod, cart, n_browse, second_cart, remove, n_checkout, checkout], axis=1
    ).astype(np.int64)
    return _Visits(
        vis_user, is_first, device, channel, n_pv, n_prod, counts, checkout, buy_control,
        buy_treat, revenue_cents.astype(np.int64), _inter_visit_gaps(rng, params, V),
    )  # fmt: skip


def _purchases(
    rng: np.random.Generator,
    params: BehaviourParams,
    exp: ExperimentSpec,
    is_first: np.ndarray,
    checkout: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One uniform per visit decides the purchase in every world (common random numbers)."""
    u_purchase = rng.random(is_first.size)
    p_buy = np.where(is_first, params.p_purchase_new, params.p_purchase_returning)
    p_buy_treat = np.clip(p_buy * (1.0 + exp.uplift), 0.0, 1.0)
    return checkout & (u_purchase < p_buy), checkout & (u_purchase < p_buy_treat)


def _potential_events(
    rng: np.random.Generator, params: BehaviourParams, visits: _Visits
) -> _Events:
    per_visit = visits.counts.sum(axis=1)
    ev_visit = np.repeat(np.arange(visits.size), per_visit)
    ev_slot = np.repeat(np.tile(np.arange(N_SLOTS), visits.size), visits.counts.ravel())
    visit_first_ev = _group_starts(per_visit)
    gaps = _intra_visit_gaps(rng, params, ev_slot)
    gaps[visit_first_ev] = 0
    cs = np.cumsum(gaps)
    offset = cs - cs[visit_first_ev][ev_visit]
    last_ev = visit_first_ev + per_visit - 1
    dur_pre = offset[last_ev - visits.checkout.astype(np.int64)]
    return _Events(ev_visit, SLOT_TYPES[ev_slot], visit_first_ev, offset, offset[last_ev], dur_pre)


def _expose(
    exp: ExperimentSpec,
    period: Period,
    offsets: Offsets,
    n_users: int,
    visits: _Visits,
    events: _Events,
    t_control: np.ndarray,
) -> _Exposure:
    """Exposure: the first add_to_cart inside the window (identical in every world)."""
    ev_user = visits.user[events.visit]
    cand = np.flatnonzero(
        (events.type == ADD_TO_CART)
        & (t_control >= exp.window_start_us)
        & (t_control < exp.window_end_us)
        & (t_control < period.end_us)
    )
    first_of_user = np.ones(cand.size, dtype=bool)
    first_of_user[1:] = ev_user[cand][1:] != ev_user[cand][:-1]
    exp_ev = cand[first_of_user]
    exp_users = ev_user[exp_ev]
    arm = np.full(n_users, -1, dtype=np.int64)
    exp_ids = user_ids(offsets.users + exp_users).to_pylist()
    arm[exp_users] = assign_md5_many(exp.salt, exp_ids, exp.weights, exp.coverage)
    in_experiment = arm[exp_users] >= 0  # coverage < 1 leaves some carts unexposed
    exp_ev, exp_users = exp_ev[in_experiment], exp_users[in_experiment]
    exposed = np.zeros(n_users, dtype=bool)
    exposed[exp_users] = True
    exp_at = np.full(n_users, np.iinfo(np.int64).max, dtype=np.int64)
    exp_at[exp_users] = t_control[exp_ev]
    exp_visit = np.full(n_users, visits.size, dtype=np.int64)
    exp_visit[exp_users] = events.visit[exp_ev]
    return _Exposure(arm, exposed, exp_at, exp_visit)


def _worlds(
    exp: ExperimentSpec,
    visits: _Visits,
    timeline: _Timeline,
    start_control: np.ndarray,
    exposure: _Exposure,
) -> _Worlds:
    after_exposure = np.arange(visits.size) >= exposure.exposure_visit[visits.user]
    treated_visit = after_exposure & (exposure.arm[visits.user] == exp.treatment_variant)
    buy_world_t = np.where(after_exposure, visits.buy_treat, visits.buy_control)
    buy_real = np.where(treated_visit, visits.buy_treat, visits.buy_control)
    return _Worlds(
        start_control, timeline.starts(buy_world_t), timeline.starts(buy_real), buy_world_t,
        buy_real,
    )  # fmt: skip


def _outcome(
    exp: ExperimentSpec,
    period: Period,
    visits: _Visits,
    events: _Events,
    exposure: _Exposure,
    start: np.ndarray,
    bought: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per user: converted on the primary metric within the window, and revenue (cents)."""
    n_users = exposure.arm.size
    at = start + events.dur_full
    lo = exposure.exposed_at[visits.user]
    hit = bought & (at >= lo) & (at - lo < exp.conversion_window_us) & (at < period.end_us)
    converted = np.bincount(visits.user[hit], minlength=n_users) > 0
    revenue = np.bincount(visits.user[hit], weights=visits.revenue_cents[hit], minlength=n_users)
    return converted, revenue.astype(np.int64)


def _items(
    rng: np.random.Generator, params: BehaviourParams, visits: _Visits, events: _Events
) -> np.ndarray:
    """Item ids on the potential event stream, before filtering."""
    skus, popularity = catalogue(params)
    item = np.full(events.type.size, -1, dtype=np.int64)
    pv = np.flatnonzero(events.type == PRODUCT_VIEW)
    item[pv] = skus[rng.choice(skus.size, size=pv.size, p=popularity)]
    atc = np.flatnonzero(events.type == ADD_TO_CART)
    item[atc] = item[atc - 1]  # the product viewed just before (slot order guarantees it)
    rfc = np.flatnonzero(events.type == REMOVE_FROM_CART)
    rfc_visit = events.visit[rfc]
    item[rfc] = item[
        events.visit_first[rfc_visit] + visits.n_pv[rfc_visit] + visits.n_prod[rfc_visit]
    ]
    return item


@dataclass
class _Realised:
    """The events that happened: indices into the potential stream, and their columns."""

    kept: np.ndarray
    visit: np.ndarray
    type: np.ndarray
    event_at: np.ndarray
    is_purchase: np.ndarray
    no_session: np.ndarray  # per potential event
    new_source: np.ndarray  # per visit: starts a new source session
    columns: dict[str, np.ndarray]


def _realise(
    rng: np.random.Generator,
    params: BehaviourParams,
    period: Period,
    offsets: Offsets,
    visits: _Visits,
    events: _Events,
    users: dict[str, np.ndarray],
    worlds: _Worlds,
) -> _Realised:
    ev_at = worlds.start_real[events.visit] + events.offset
    keep = (ev_at < period.end_us) & ((events.type != PURCHASE) | worlds.buy_real[events.visit])
    item = _items(rng, params, visits, events)
    vis_global = offsets.visits + np.arange(visits.size, dtype=np.int64)
    new_source = visits.is_first | (
        visits.inter_gap >= params.source_session_split_minutes * MINUTE_US
    )
    source_first = np.maximum.accumulate(np.where(new_source, np.arange(visits.size), 0))
    is_purchase_ev = events.type == PURCHASE
    no_session = is_purchase_ev & (
        rng.random(events.type.size) < params.p_purchase_without_session_id
    )
    kept = np.flatnonzero(keep)
    k_visit = events.visit[kept]
    k_type = events.type[kept]
    is_purchase = k_type == PURCHASE
    order = np.full(kept.size, -1, dtype=np.int64)
    order[is_purchase] = offsets.orders + np.arange(int(is_purchase.sum()))
    columns = {
        "user": offsets.users + visits.user[k_visit],
        "visit": vis_global[k_visit],
        "source_session": vis_global[source_first[k_visit]],
        "session_valid": ~no_session[kept],
        "event_at": ev_at[kept],
        "event_type": k_type,
        "item": item[kept],
        "revenue_cents": np.where(is_purchase, visits.revenue_cents[k_visit], -1),
        "order": order,
        "device": visits.device[k_visit].astype(np.int8),
        "channel": visits.channel[k_visit],
        "country": users["country"][visits.user[k_visit]],
    }
    return _Realised(
        kept, k_visit, k_type, ev_at[kept], is_purchase, no_session, new_source, columns
    )


def _assignment_log(
    exp: ExperimentSpec,
    period: Period,
    offsets: Offsets,
    n_users: int,
    visits: _Visits,
    realised: _Realised,
) -> dict[str, np.ndarray]:
    """The log: each user's first realised event in the window (no random draws)."""
    k_user = visits.user[realised.visit]
    k_at = realised.event_at
    in_window = (k_at >= exp.window_start_us) & (k_at < exp.window_end_us)
    first_in_window = np.full(n_users, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_in_window, k_user[in_window], k_at[in_window])
    return chunk_log(
        exp.salt,
        exp.weights,
        exp.coverage,
        user_ids(offsets.users + np.arange(n_users)).to_pylist(),
        first_in_window,
        min(exp.window_end_us, period.end_us) - 1,
    )


def simulate_chunk(
    rng: np.random.Generator,
    params: BehaviourParams,
    period: Period,
    exp: ExperimentSpec,
    offsets: Offsets,
    n_users: int,
) -> Chunk:
    """Simulate ``n_users`` users (global indices from ``offsets.users``)."""
    users = _sample_users(rng, params, period, n_users)
    visits = _visits(rng, params, exp, users, n_users)
    events = _potential_events(rng, params, visits)
    timeline = _Timeline(
        users["first_at"][visits.user], visits.is_first, visits.inter_gap, events.dur_pre,
        events.dur_full,
    )  # fmt: skip
    start_control = timeline.starts(visits.buy_control)
    t_control = start_control[events.visit] + events.offset
    exposure = _expose(exp, period, offsets, n_users, visits, events, t_control)
    worlds = _worlds(exp, visits, timeline, start_control, exposure)
    outcomes = {
        name: _outcome(exp, period, visits, events, exposure, start, bought)
        for name, start, bought in [
            ("control", worlds.start_control, visits.buy_control),
            ("treat", worlds.start_treat, worlds.buy_world_t),
            ("real", worlds.start_real, worlds.buy_real),
        ]
    }
    realised = _realise(rng, params, period, offsets, visits, events, users, worlds)
    log = _assignment_log(exp, period, offsets, n_users, visits, realised)
    multi = log.pop("multi_variant")
    assigned = log.pop("assigned")
    stats = _visit_stats(params, period, visits, events, worlds, realised)
    stats |= _experiment_stats(exp, exposure, outcomes, log, assigned, multi)
    stats = {key: np.asarray(v).astype(np.int64) for key, v in stats.items()}
    log["user"] = offsets.users + log["user"]
    n_orders = int(realised.is_purchase.sum())
    return Chunk(realised.columns, n_users, visits.size, n_orders, stats, log)


def _visit_stats(
    params: BehaviourParams,
    period: Period,
    visits: _Visits,
    events: _Events,
    worlds: _Worlds,
    realised: _Realised,
) -> dict[str, np.ndarray]:
    """Statistics of the realised visits and events (additive across chunks)."""
    V = visits.size
    k_visit, k_type, is_purchase = realised.visit, realised.type, realised.is_purchase
    rv = worlds.start_real < period.end_us
    has_cart = np.bincount(k_visit[k_type == ADD_TO_CART], minlength=V) > 0
    has_buy = np.bincount(k_visit[is_purchase], minlength=V) > 0
    cell = visits.device.astype(np.int64) * 2 + np.where(visits.is_first, 0, 1)  # new, returning
    duration = np.where(worlds.buy_real, events.dur_full, events.dur_pre)
    end_at = np.minimum(worlds.start_real + duration, period.end_us - 1)
    start_day, end_day = worlds.start_real // DAY_US, end_at // DAY_US
    gap_ok = rv & ~visits.is_first
    gap = visits.inter_gap
    return {
        "events_by_type": np.bincount(k_type, minlength=6).astype(np.int64),
        "visits_by_device_segment": np.bincount(cell[rv], minlength=6),
        "cart_visits_by_device_segment": np.bincount(cell[rv & has_cart], minlength=6),
        "purchase_visits_by_device_segment": np.bincount(cell[rv & has_buy], minlength=6),
        "cart_purchase_visits_by_device_segment": np.bincount(
            cell[rv & has_cart & has_buy], minlength=6
        ),
        "source_sessions": np.array([int(np.sum(rv & realised.new_source))]),
        "revenue_cents": np.array([int(visits.revenue_cents[k_visit[is_purchase]].sum())]),
        "purchases_without_session_id": np.array([int(np.sum(realised.no_session[realised.kept]))]),
        "inter_visit_gaps": np.array(
            [
                int(gap_ok.sum()),
                int(np.sum(gap_ok & (np.abs(gap - THIRTY_MIN_US) <= 5 * MINUTE_US))),
                int(np.sum(gap_ok & (gap == THIRTY_MIN_US))),
                int(np.sum(gap_ok & (gap < 40 * MINUTE_US))),
            ]
        ),
        "visits_crossing_midnight": np.array([int(np.sum(rv & (start_day != end_day)))]),
    }


def _experiment_stats(
    exp: ExperimentSpec,
    exposure: _Exposure,
    outcomes: dict[str, tuple[np.ndarray, np.ndarray]],
    log: dict[str, np.ndarray],
    assigned: np.ndarray,
    multi: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-arm realised and potential outcomes of the exposed users (additive across chunks)."""
    exposed, arm = exposure.exposed, exposure.arm
    (y_c, rev_c), (y_t, rev_t), (y_real, rev_real) = (
        outcomes["control"], outcomes["treat"], outcomes["real"]
    )  # fmt: skip
    single = exposed & ~multi  # the population a warehouse analyses (multi-variant excluded)
    arms = arm[exposed]
    n_arms = len(exp.variants)
    return {
        "exposed_by_arm": np.bincount(arms, minlength=n_arms),
        "converted_by_arm": np.bincount(arms, weights=y_real[exposed], minlength=n_arms),
        "revenue_cents_by_arm": np.bincount(arms, weights=rev_real[exposed], minlength=n_arms),
        "exposed_single_by_arm": np.bincount(arm[single], minlength=n_arms),
        "converted_single_by_arm": np.bincount(
            arm[single], weights=y_real[single], minlength=n_arms
        ),
        "assignment_log": np.array(
            [
                int(log["user"].size),
                int(assigned.sum()),
                int(multi.sum()),
                int(np.sum(exposed & multi)),
            ]
        ),
        "potential": np.array(
            [
                int(exposed.sum()),
                int(y_c[exposed].sum()),
                int(y_t[exposed].sum()),
                int(rev_c[exposed].sum()),
                int(rev_t[exposed].sum()),
            ]
        ),
    }
