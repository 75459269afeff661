import datetime as dt
import json
import math

import numpy as np
from funnelhouse.stats import (
    RoiInputs,
    SufficientStats,
    estimate_effect,
    roi_analysis,
    sequential_test,
    to_jsonable,
)


def test_results_serialise_to_strict_json(rng):
    control = SufficientStats.from_samples(rng.normal(10, 2, 100), covariates=rng.normal(size=100))
    variant = SufficientStats.from_samples(rng.normal(10, 2, 100), covariates=rng.normal(size=100))
    effect = to_jsonable(estimate_effect(control, variant, "mean"))
    assert effect["cuped"]["applied"] is True
    never = roi_analysis(
        RoiInputs(
            lift=-0.05,
            lift_se=0.001,
            monthly_users=1000,
            conversion_rate=0.1,
            average_order_value=50,
            gross_margin=0.5,
            implementation_cost=100,
            monthly_running_cost=10,
            horizon_months=6,
        ),
        n_draws=100,
    )
    roi = to_jsonable(never)
    assert roi["payback_months"]["estimate"] is None  # inf -> None
    seq = to_jsonable(sequential_test([control], [variant], "mean", labels=[dt.date(2024, 6, 1)]))
    assert seq["looks"][0]["look"] == "2024-06-01"
    assert to_jsonable(np.datetime64("2024-06-02")) == "2024-06-02"
    text = json.dumps({"effect": effect, "roi": roi, "seq": seq}, allow_nan=False)
    assert json.loads(text)["effect"]["p_value"] == effect["p_value"]
    assert to_jsonable({"a": (np.float64(math.nan), np.int64(3), np.bool_(True))}) == {
        "a": [None, 3, True]
    }
