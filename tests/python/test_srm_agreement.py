"""SRM is computed in SQL (fct_experiment_health.srm_chi_square, for analysts) and in Python
(funnelhouse.stats.srm, which analyze.py decides with): both must give the same statistic and
degrees of freedom. The weight-0 case is the dbt unit test srm_chi_square_follows_the_python_srm."""

from __future__ import annotations

import json
import math

import pytest
from funnelhouse.stats.srm import srm_test


def test_sql_and_python_srm_agree_on_every_experiment(warehouse) -> None:
    health = warehouse.execute(
        "select experiment_id, exposed_users_by_variant, srm_chi_square, srm_degrees_of_freedom"
        " from marts.fct_experiment_health order by experiment_id"
    ).fetchall()
    assert len(health) >= 4
    for experiment_id, by_variant, chi_square, df in health:
        variants = warehouse.execute(
            "select variant, weight_share from marts.dim_experiment_variants"
            " where experiment_id = ? order by variant_index",
            [experiment_id],
        ).fetchall()
        users = json.loads(by_variant)
        result = srm_test([users[v] for v, _ in variants], [w for _, w in variants])
        assert result.df == df, experiment_id
        if math.isinf(result.statistic):
            assert math.isinf(chi_square), experiment_id
        else:
            assert chi_square == pytest.approx(result.statistic, rel=1e-12, abs=1e-12), (
                experiment_id
            )
