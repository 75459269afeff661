"""A small generated mobile-game dataset with a logged A/B test, and a project copy registering it.

Players (user ids ``p00000`` ...) are exposed at their first app open in the test's window
(2026-09-01 to 2026-09-29): 40 % are existing players with sessions in the two weeks before
September (the CUPED covariate), the others install during the window. Each player has an
engagement propensity z ~ Beta(2, 3); after the exposure session, the player comes back on day k
(one session at k days + 0-20 h after the exposure) with probability
min(1, z * 0.9 / sqrt(k) * lift), lift = 1 in control and ``RETENTION_LIFT`` with the new
onboarding. A session opens the app (``app_open``), plays Poisson(3 + 10 z) rounds
(``round_end``, one a minute) and buys with probability 0.03 + 0.1 z (``iap``, lognormal price,
heavy tailed). The data end at ``DATA_END``: players exposed in the last days have day-7 windows
that have not closed. A few players get sessions exactly at 24 h, 48 h, 168 h and 192 h after
their exposure (the window edges). Common random numbers give each player's outcome under both
arms (``potential_d1``), so the true effect on day-1 retention is known.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

EXPERIMENT = "game_onboarding_test"
VARIANTS = ("control", "new_onboarding")
WINDOW_START = dt.datetime(2026, 9, 1)
WINDOW_DAYS = 28
DATA_END = dt.datetime(2026, 10, 5, 12)
RETENTION_LIFT = 1.15
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mobile_game"
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "macros", "models", "seeds", "tests/dbt")
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class GameData:
    events: Path
    assignments: Path
    players: pd.DataFrame  # player, variant, exposed_at, potential_d1_control/_treatment


def _session(rng, player: str, start: dt.datetime, z: float, lift_rounds: float) -> list[dict]:
    rows = [{"user_id": player, "event_at": start, "event_type": "app_open"}]
    rounds = rng.poisson((3 + 10 * z) * lift_rounds)
    rows += [
        {
            "user_id": player,
            "event_at": start + dt.timedelta(minutes=1 + i),
            "event_type": "round_end",
        }
        for i in range(rounds)
    ]
    if rng.random() < 0.03 + 0.1 * z:
        price = round(float(rng.lognormal(1.5, 1.2)), 2)
        at = start + dt.timedelta(minutes=rounds + 2)
        rows.append({"user_id": player, "event_at": at, "event_type": "iap", "revenue": price})
    return rows


def _player(rng, index: int, treated: bool) -> tuple[list[dict], dict]:
    player, z = f"p{index:05d}", float(rng.beta(2, 3))
    existing = rng.random() < 0.4
    offset = rng.uniform(0, 3 if existing else WINDOW_DAYS) * 24 * HOUR
    exposed_at = WINDOW_START + offset
    rows = []
    if existing:  # played in the two weeks before September: the pre-exposure covariate
        for day in range(1, 15):
            if rng.random() < 0.6 * z:
                start = WINDOW_START - day * 24 * HOUR + rng.uniform(0, 20) * HOUR
                rows += _session(rng, player, start, z, 1.0)
    rows += _session(rng, player, exposed_at, z, 1.1 if treated else 1.0)
    potential = {}
    for day in range(1, 10):
        u = rng.random()
        p = z * 0.9 / np.sqrt(day)
        active = {arm: u < min(1.0, p * lift) for arm, lift in (("c", 1.0), ("t", RETENTION_LIFT))}
        potential[day] = active
        if active["t" if treated else "c"]:
            start = exposed_at + (day * 24 + rng.uniform(0, 20)) * HOUR
            rows += _session(rng, player, start, z, 1.1 if treated else 1.0)
    truth = {
        "user_id": player,
        "variant": VARIANTS[int(treated)],
        "exposed_at": exposed_at,
        "potential_d1_control": potential[1]["c"],
        "potential_d1_treatment": potential[1]["t"],
    }
    return rows, truth


def _edge_sessions(players: pd.DataFrame) -> list[dict]:
    """App opens exactly at window edges: 24 h and 168 h are in (d1, d7), 48 h and 192 h out."""
    rows = []
    for offset, chosen in ((24, 0), (48, 1), (168, 2), (192, 3), (24, 4), (168, 5)):
        player = players.iloc[chosen * 37]
        at = player["exposed_at"] + offset * HOUR
        rows.append({"user_id": player["user_id"], "event_at": at, "event_type": "app_open"})
    return rows


def generate(out_dir: Path, players: int = 4000, seed: int = 20260901) -> GameData:
    """Write events.parquet and events.assignments.parquet (canonical contract) to out_dir."""
    rng = np.random.default_rng(seed)
    treated = rng.random(players) < 0.5
    rows, truths = [], []
    for index in range(players):
        player_rows, truth = _player(rng, index, bool(treated[index]))
        rows += player_rows
        truths.append(truth)
    truth = pd.DataFrame(truths)
    events = pd.DataFrame(rows + _edge_sessions(truth))
    events = events[events["event_at"] <= DATA_END].reset_index(drop=True)
    events["event_id"] = [f"g{i:07d}" for i in range(len(events))]
    events["order_id"] = np.where(events["event_type"] == "iap", "o" + events["event_id"], None)
    events["device"] = "mobile"
    events["event_at"] = pd.to_datetime(events["event_at"]).dt.tz_localize("UTC")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = GameData(out_dir / "events.parquet", out_dir / "events.assignments.parquet", truth)
    events.to_parquet(paths.events, index=False)
    log = truth[["user_id", "variant"]].assign(experiment_id=EXPERIMENT)
    log["assigned_at"] = pd.to_datetime(truth["exposed_at"]).dt.tz_localize("UTC")
    log.to_parquet(paths.assignments, index=False)
    return paths


def project_with_game_registry(root: Path, out: Path, fixtures: Path = FIXTURES) -> Path:
    """A copy of the dbt project at `root` whose seeds have the rows of `fixtures` appended (by
    column name; a seed column the fixture lacks stays empty), as a team adding its test would."""
    for part in PROJECT_PARTS:
        source, target = root / part, out / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    for fixture in sorted(fixtures.glob("*.csv")):
        append_seed_rows(out / "seeds" / fixture.name, pd.read_csv(fixture, dtype=str))
    return out


def append_seed_rows(seed: Path, rows: pd.DataFrame) -> None:
    existing = pd.read_csv(seed, dtype=str, keep_default_na=False)
    unknown = set(rows.columns) - set(existing.columns)
    assert not unknown, f"{seed.name} has no column(s) {sorted(unknown)}"
    combined = pd.concat([existing, rows.fillna("")], ignore_index=True).fillna("")
    combined[existing.columns].to_csv(seed, index=False)
