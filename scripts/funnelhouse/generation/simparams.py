"""Behavioural parameters of the synthetic clickstream and the rates they imply.

Everything the generator "bakes in" lives here, so the truth file can report it verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEVICES: tuple[str, ...] = ("mobile", "desktop", "tablet")
CHANNELS: tuple[str, ...] = ("organic", "paid_search", "social", "email", "direct", "referral")
COUNTRIES: tuple[str, ...] = (
    "US", "GB", "DE", "FR", "NL", "CA", "AU", "ES", "IT", "SE", "PL", "BR",
)  # fmt: skip
EVENT_TYPES: tuple[str, ...] = (
    "page_view",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "begin_checkout",
    "purchase",
)

MINUTE_US = 60 * 1_000_000
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US


@dataclass(frozen=True)
class BehaviourParams:
    """Rates and distributions of the simulation (probabilities are per generator visit)."""

    # --- users ---------------------------------------------------------------------------
    device_mix: tuple[float, ...] = (0.58, 0.35, 0.07)  # aligned with DEVICES
    device_switch_prob: float = 0.07  # a visit re-draws its device from device_mix
    country_mix: tuple[float, ...] = (
        0.34, 0.14, 0.12, 0.08, 0.05, 0.06, 0.04, 0.04, 0.04, 0.03, 0.03, 0.03,
    )  # fmt: skip
    # visits per user: geometric, mixture of casual and loyal users (capped)
    loyal_share: float = 0.3
    p_geometric_casual: float = 0.5
    p_geometric_loyal: float = 0.2
    max_visits: int = 40
    # hour-of-day (UTC) weights of first visits; weekend days weighted up
    hour_weights: tuple[float, ...] = (
        3, 2, 2, 1.5, 1.5, 1.5, 2, 3, 4, 5, 5.5, 6, 6, 6, 6.5, 7, 7, 7.5, 8, 8.5, 8, 7, 5.5, 4,
    )  # fmt: skip
    weekend_weight: float = 1.15

    # --- channels (per visit) ------------------------------------------------------------
    channel_mix_first_visit: tuple[float, ...] = (0.32, 0.24, 0.16, 0.05, 0.15, 0.08)
    channel_mix_returning_visit: tuple[float, ...] = (0.25, 0.15, 0.10, 0.15, 0.30, 0.05)

    # --- funnel inside a visit -------------------------------------------------------------
    page_views_extra_mean: float = 1.3  # page_views = 1 + Poisson(mean)
    p_product_view: float = 0.62
    product_views_extra_mean: float = 1.4  # product_views = 1 + Poisson(mean) when any
    p_cart_by_device: tuple[float, ...] = (0.14, 0.19, 0.16)  # P(add_to_cart | product_view)
    cart_channel_multiplier: tuple[float, ...] = (1.0, 1.05, 0.7, 1.25, 1.15, 0.95)
    browse_after_cart_mean: float = 0.6  # extra product views after the first add_to_cart
    p_second_add_to_cart: float = 0.3  # given some browsing after the cart
    p_remove_from_cart: float = 0.12
    p_checkout_new: float = 0.45  # P(begin_checkout | cart), first visit of the user
    p_checkout_returning: float = 0.55
    p_repeat_checkout: float = 0.06  # begin_checkout fired twice
    p_purchase_new: float = 0.50  # P(purchase | begin_checkout), first visit of the user
    p_purchase_returning: float = 0.66
    p_purchase_without_session_id: float = 0.05  # server-side purchase events

    # --- order values --------------------------------------------------------------------
    order_value_median: float = 55.0
    order_value_sigma: float = 0.65
    order_value_min: float = 1.0

    # --- catalogue -----------------------------------------------------------------------
    catalogue_size: int = 2000
    catalogue_zipf_exponent: float = 1.1

    # --- timing --------------------------------------------------------------------------
    intra_gap_median_s: float = 25.0
    intra_gap_sigma: float = 1.0
    intra_gap_tail_prob: float = 0.04  # log-uniform 2..20 minutes
    intra_gap_max_s: float = 20 * 60.0
    payment_gap_median_s: float = 70.0  # begin_checkout -> purchase
    # inter-visit gap (last event of a visit -> first event of the next visit)
    inter_gap_exact_30min_prob: float = 0.004
    inter_gap_near_boundary_prob: float = 0.05  # uniform in [25, 40) minutes
    inter_gap_hours_prob: float = 0.30  # 45 min + lognormal(median 2.5 h)
    inter_gap_hours_median_h: float = 2.5
    inter_gap_hours_sigma: float = 0.9
    inter_gap_days_median_d: float = 2.5  # 1 h + lognormal(median 2.5 days), the rest
    inter_gap_days_sigma: float = 1.0
    source_session_split_minutes: float = 40.0  # tracker session id changes only on >= 40 min

    def cart_to_purchase(self, new: bool) -> float:
        if new:
            return self.p_checkout_new * self.p_purchase_new
        return self.p_checkout_returning * self.p_purchase_returning

    def p_cart(self, device: int, channel: int) -> float:
        return min(1.0, self.p_cart_by_device[device] * self.cart_channel_multiplier[channel])

    def session_conversion(self, device: int, new: bool) -> float:
        """Expected P(purchase in a visit | device, new/returning), averaged over channels."""
        mix = self.channel_mix_first_visit if new else self.channel_mix_returning_visit
        p_cart = sum(m * self.p_cart(device, c) for c, m in enumerate(mix))
        return self.p_product_view * p_cart * self.cart_to_purchase(new)

    def session_cart_rate(self, device: int, new: bool) -> float:
        mix = self.channel_mix_first_visit if new else self.channel_mix_returning_visit
        return self.p_product_view * sum(m * self.p_cart(device, c) for c, m in enumerate(mix))

    def baked_in(self) -> dict[str, Any]:
        """The rates and mixes baked into the simulation, for the truth file."""
        return {**self._mixes(), **self._funnel_rates(), **self._timing()}

    def _mixes(self) -> dict[str, Any]:
        return {
            "unit": "generator visit (one user's burst of activity; see docstring)",
            "device_mix": dict(zip(DEVICES, self.device_mix, strict=True)),
            "device_switch_prob": self.device_switch_prob,
            "country_mix": dict(zip(COUNTRIES, self.country_mix, strict=True)),
            "channel_mix": {
                "first_visit": dict(zip(CHANNELS, self.channel_mix_first_visit, strict=True)),
                "returning_visit": dict(
                    zip(CHANNELS, self.channel_mix_returning_visit, strict=True)
                ),
            },
            "visits_per_user": {
                "distribution": "geometric mixture (truncated at the period end)",
                "loyal_share": self.loyal_share,
                "p_casual": self.p_geometric_casual,
                "p_loyal": self.p_geometric_loyal,
                "max": self.max_visits,
            },
        }

    def _funnel_rates(self) -> dict[str, Any]:
        segs = {"new": True, "returning": False}
        return {
            "p_product_view": self.p_product_view,
            "p_add_to_cart_given_product_view": {
                "by_device": dict(zip(DEVICES, self.p_cart_by_device, strict=True)),
                "channel_multiplier": dict(
                    zip(CHANNELS, self.cart_channel_multiplier, strict=True)
                ),
            },
            "p_begin_checkout_given_cart": {
                "new": self.p_checkout_new,
                "returning": self.p_checkout_returning,
            },
            "p_purchase_given_checkout": {
                "new": self.p_purchase_new,
                "returning": self.p_purchase_returning,
            },
            "cart_to_purchase": {k: self.cart_to_purchase(v) for k, v in segs.items()},
            "cart_abandonment": {k: 1 - self.cart_to_purchase(v) for k, v in segs.items()},
            "session_cart_rate_by_device": {
                d: {k: self.session_cart_rate(i, v) for k, v in segs.items()}
                for i, d in enumerate(DEVICES)
            },
            "session_conversion_by_device": {
                d: {k: self.session_conversion(i, v) for k, v in segs.items()}
                for i, d in enumerate(DEVICES)
            },
            "p_remove_from_cart_given_cart": self.p_remove_from_cart,
            "p_repeat_begin_checkout": self.p_repeat_checkout,
            "p_purchase_without_session_id": self.p_purchase_without_session_id,
        }

    def _timing(self) -> dict[str, Any]:
        return {
            "order_value": {
                "distribution": "lognormal, rounded to cents",
                "median": self.order_value_median,
                "sigma": self.order_value_sigma,
                "min": self.order_value_min,
            },
            "intra_visit_gap": {
                "distribution": "lognormal, with a log-uniform 2-20 min tail",
                "median_seconds": self.intra_gap_median_s,
                "sigma": self.intra_gap_sigma,
                "tail_prob": self.intra_gap_tail_prob,
                "max_seconds": self.intra_gap_max_s,
                "checkout_to_purchase_median_seconds": self.payment_gap_median_s,
            },
            "inter_visit_gap": {
                "measured": "last event of a visit -> first event of the next visit",
                "exactly_30_min_prob": self.inter_gap_exact_30min_prob,
                "uniform_25_to_40_min_prob": self.inter_gap_near_boundary_prob,
                "hours_prob": self.inter_gap_hours_prob,
                "hours": f"45 min + lognormal(median {self.inter_gap_hours_median_h} h, "
                f"sigma {self.inter_gap_hours_sigma})",
                "days": f"1 h + lognormal(median {self.inter_gap_days_median_d} d, "
                f"sigma {self.inter_gap_days_sigma})",
                "minimum_minutes": 25,
            },
            "source_session_id": {
                "rule": "tracker session id: a new id only when the gap to the user's previous "
                "visit is >= 40 minutes (never split on shorter gaps)",
                "split_minutes": self.source_session_split_minutes,
            },
        }
