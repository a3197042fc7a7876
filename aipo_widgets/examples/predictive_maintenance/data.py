"""Synthetic data of the predictive-maintenance example: sensor windows, failures and a model.

*Falkenried Präzisionsteile GmbH* (fictional) runs 580 machines in four plants.  A classifier
scores each machine's weekly sensor window with the probability of a failure in the 7 days after
the window; a high score sends a technician to inspect the machine.  Failures are rare (about
1.3 % of windows), a missed one costs about EUR 40,000 of unplanned downtime, a false alarm an
inspection of about EUR 500.

The data comes from one simulation of the fleet from May 2025 to November 2026, week by week:
operating hours, planned services, faults that build up over one to three weeks (a quarter of
the failures come without warning), sensor readings with gaps, and failures.  The classifier is
a logistic regression fitted on the training weeks only; its scores are therefore honest on the
later weeks and roughly calibrated.  In autumn 2026 the plants switch to a new coolant
(temperatures about 3 °C higher) and, from 2026-10-12, a firmware update of the vibration sensors
changes the RMS band (readings about 20 % higher): the production window drifts, and the scores
with it.

``sensor_windows``
    The reference year (2025-05-05 to 2026-04-27): 52 weekly windows of every machine, with
    label and score.  Frozen as the drift reference.
``training_ids``
    The ``window_id`` of the 40 weeks the model was fitted on (up to 2026-02-02).
``gold_set``
    The 12 later weeks (2026-02-09 to 2026-04-27), held out: the gold set.  It shares no window
    and no week with the training data.
``downtime_history``
    Unplanned failures and downtime per machine and month before the product (May 2025 to April
    2026): the baseline.
``pilot_downtime``
    Plant Nord (pilot: inspections on the model's alerts from June 2026) against plant Süd
    (control) per machine and month, February to September 2026.
``production_window``
    Eight weeks after go-live (2026-09-28 to 2026-11-16), drifted.  Labels arrive 7 days after a
    window: the last week has none yet.

Examples
--------
>>> frames = generate()
>>> len(frames["sensor_windows"]), len(frames["production_window"])
(30160, 4640)
>>> bool(0.01 <= frames["sensor_windows"].failure_within_7d.mean() <= 0.03)
True
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# The tables, in the order they are written to data/<name>.csv.
TABLES = ("sensor_windows", "training_ids", "gold_set", "downtime_history", "pilot_downtime",
          "production_window")

SEED = 20260302

FIRST_WEEK = dt.date(2025, 5, 5)
N_WEEKS = 81  # to the week of 2026-11-16
REFERENCE_WEEKS = range(0, 52)  # 2025-05-05 .. 2026-04-27
TRAINING_WEEKS = range(0, 40)  # .. 2026-02-02
GOLD_WEEKS = range(40, 52)  # 2026-02-09 .. 2026-04-27
PRODUCTION_WEEKS = range(73, 81)  # 2026-09-28 .. 2026-11-16
PILOT_START = dt.date(2026, 6, 1)
GO_LIVE = dt.date(2026, 9, 7)
COOLANT_CHANGE = dt.date(2026, 9, 21)
FIRMWARE_UPDATE = dt.date(2026, 10, 12)

PLANTS = ("nord", "sued", "west", "ost")
PILOT_PLANT, CONTROL_PLANT = "nord", "sued"
# machine type: (machines, temperature degC, vibration mm/s, pressure bar, rpm,
#                planned service interval in operating hours, relative failure rate)
TYPES = {
    "cnc_mill": (160, 42.0, 2.8, 6.2, 9000, 1600, 1.0),
    "lathe": (130, 40.0, 2.2, 6.0, 2400, 1800, 0.8),
    "press": (110, 55.0, 4.5, 210.0, 1450, 1400, 1.3),
    "grinder": (90, 47.0, 3.2, 6.1, 3000, 1600, 1.0),
    "compressor": (70, 72.0, 3.8, 8.5, 2950, 2000, 1.1),
    "laser_cutter": (20, 35.0, 1.2, 12.0, 2800, 2000, 0.9),
}
BASE_ONSET = 0.019  # weekly probability of a fault starting, at the median service age
SUDDEN_SHARE = 0.3
MISSING = {"temperature": 0.004, "vibration_rms": 0.008, "pressure": 0.012}
FEATURES = ("temperature", "vibration_rms", "pressure", "rpm", "hours_since_service")


def _simulate(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Simulate the fleet week by week; arrays are (weeks, machines)."""
    kinds = list(TYPES)
    mtype = np.repeat(np.arange(len(kinds)), [TYPES[k][0] for k in kinds])
    m = len(mtype)
    rng.shuffle(mtype)
    plant = rng.integers(0, len(PLANTS), m)
    p = {name: np.array([TYPES[kinds[t]][i] for t in mtype]) for i, name in enumerate(
        ("n", "temp", "vib", "press", "rpm", "interval", "rate"))}
    offset_temp = rng.normal(0, 1.5, m)
    offset_vib = rng.lognormal(0, 0.10, m)
    op_hours = rng.uniform(80, 118, m)
    interval = p["interval"] * rng.uniform(0.85, 1.15, m)

    hss = rng.uniform(0, 1, m) * interval  # hours since service at the start
    fail_week = np.full(m, -1)  # week of the failure a developing fault leads to
    onset = np.full(m, -1)
    sudden = np.zeros(m, dtype=bool)
    shape = (N_WEEKS, m)
    out: dict[str, np.ndarray] = {
        k: np.zeros(shape) for k in ("hss", "g", "failure", "service", "prevented_ok")}
    for t in range(N_WEEKS):
        hss = hss + op_hours * rng.uniform(0.85, 1.1, m)
        # Faults start more often the longer a machine runs since its service.
        p_onset = BASE_ONSET * p["rate"] * (hss / 1000) ** 1.5
        start = (fail_week < 0) & (rng.random(m) < p_onset)
        lead = rng.integers(1, 4, m)
        fail_week = np.where(start, t + lead, fail_week)
        onset = np.where(start, t, onset)
        sudden = np.where(start, rng.random(m) < SUDDEN_SHARE, sudden)
        developing = (fail_week > t) & ~sudden
        g = np.where(developing, (t - onset + 1) / np.maximum(fail_week - onset, 1), 0.0)
        out["g"][t] = g
        out["hss"][t] = hss
        failing = fail_week == t
        out["failure"][t] = failing
        # A planned service finds most developing faults (and resets the clock).
        service = (hss > interval) & ~failing
        out["service"][t] = service
        found = service & (fail_week > t) & (rng.random(m) < 0.7)
        fail_week = np.where(found | failing, -1, fail_week)
        hss = np.where(service | failing, rng.uniform(0, 40, m), hss)
        out["prevented_ok"][t] = rng.random(m)
    out.update(mtype=mtype, plant=plant, offset_temp=offset_temp, offset_vib=offset_vib,
               kinds=np.array(kinds), **{f"type_{k}": v for k, v in p.items()})
    return out


def _sensors(rng: np.random.Generator, sim: dict, weeks: range) -> pd.DataFrame:
    import pandas as pd

    m = len(sim["mtype"])
    rows = []
    for t in weeks:
        day = FIRST_WEEK + dt.timedelta(weeks=t)
        g = sim["g"][t]
        temp = (sim["type_temp"] + sim["offset_temp"] + 3.0 * g + rng.normal(0, 2.2, m))
        vib = sim["type_vib"] * sim["offset_vib"] * (1 + 0.55 * g) * rng.lognormal(0, 0.13, m)
        press = sim["type_press"] * (1 - 0.03 * g) * rng.normal(1, 0.02, m)
        rpm = sim["type_rpm"] * (1 - 0.01 * g) * rng.normal(1, 0.02, m)
        if day >= COOLANT_CHANGE:
            temp = temp + 3.0
        if day >= FIRMWARE_UPDATE:
            vib = vib * 1.2
        label = sim["failure"][t + 1] if t + 1 < N_WEEKS else np.zeros(m)
        rows.append(pd.DataFrame({
            "week": t, "machine": np.arange(m), "timestamp": day.isoformat(),
            "temperature": temp, "vibration_rms": vib, "pressure": press, "rpm": rpm,
            "hours_since_service": sim["hss"][t], "failure_within_7d": label.astype(int),
        }))
    frame = pd.concat(rows, ignore_index=True)
    for col, share in MISSING.items():
        frame.loc[rng.random(len(frame)) < share, col] = np.nan
    return frame


class _Model:
    """The example's classifier: a logistic regression on standardised sensor readings."""

    def __init__(self, train: pd.DataFrame):
        self.stats = {}
        for t, grp in train.groupby("mtype"):
            self.stats[t] = {
                "temperature": (grp.temperature.mean(), grp.temperature.std()),
                "vibration_rms": (np.log(grp.vibration_rms).mean(),
                                  np.log(grp.vibration_rms).std()),
                "pressure": (grp.pressure.mean(), grp.pressure.std()),
                "rpm": (grp.rpm.mean(), grp.rpm.std()),
            }
        x, y = self.design(train), train.failure_within_7d.to_numpy(float)
        self.beta = _fit_logistic(x, y)

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        cols = [np.ones(len(frame))]
        for col in ("temperature", "vibration_rms", "pressure", "rpm"):
            mean = frame.mtype.map({t: s[col][0] for t, s in self.stats.items()}).to_numpy()
            std = frame.mtype.map({t: s[col][1] for t, s in self.stats.items()}).to_numpy()
            raw = frame[col].to_numpy(float)
            if col == "vibration_rms":
                raw = np.log(raw)
            z = (raw - mean) / std
            cols.append(np.nan_to_num(z, nan=0.0))  # a missing reading counts as typical
        cols.append(frame.hours_since_service.to_numpy() / 1000)
        return np.column_stack(cols)

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return 1 / (1 + np.exp(-self.design(frame) @ self.beta))


def _fit_logistic(x: np.ndarray, y: np.ndarray, iterations: int = 25) -> np.ndarray:
    # Newton-Raphson (IRLS) with a small ridge: a dozen lines instead of a dependency.
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(y.mean() / (1 - y.mean()))
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-x @ beta))
        grad = x.T @ (y - p) - 1e-3 * beta
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _windows(frame: pd.DataFrame, sim: dict, period: str, model: _Model) -> pd.DataFrame:
    import pandas as pd

    out = pd.DataFrame({
        "window_id": [f"M{m:04d}-{day}"
                      for m, day in zip(frame.machine + 1, frame.timestamp, strict=True)],
        "machine_id": [f"M-{m:04d}" for m in frame.machine + 1],
        "machine_type": sim["kinds"][frame.mtype],
        "plant": np.array(PLANTS)[sim["plant"][frame.machine]],
        "timestamp": frame.timestamp,
        "period": period,
        "temperature": frame.temperature.round(1),
        "vibration_rms": frame.vibration_rms.round(2),
        "pressure": frame.pressure.round(2),
        "rpm": frame.rpm.round(0).astype(int),
        "hours_since_service": frame.hours_since_service.round(0).astype(int),
        "failure_within_7d": frame.failure_within_7d,
        "score": np.round(model.score(frame), 5),
    })
    return out


def _monthly(sim: dict, rng: np.random.Generator, months: list[str],
             machines: np.ndarray) -> pd.DataFrame:
    """Failures, downtime and inspections per machine and month from the simulated weeks."""
    import pandas as pd

    records = []
    for t in range(N_WEEKS):
        day = FIRST_WEEK + dt.timedelta(weeks=t)
        month = day.strftime("%Y-%m")
        if month not in months:
            continue
        live = (day >= GO_LIVE) | ((day >= PILOT_START)
                                   & (np.array(PLANTS)[sim["plant"]] == PILOT_PLANT))
        for mi in machines:
            failed = bool(sim["failure"][t, mi])
            # With the model live, a developing fault is flagged the week before (recall of
            # about 0.8 on gradual faults) and repaired in a planned stop instead.
            warned = (failed and live[mi] and t > 0 and sim["g"][t - 1, mi] > 0
                      and sim["prevented_ok"][t, mi] < 0.8)
            records.append((mi, month, failed and not warned, warned,
                            live[mi] and sim["prevented_ok"][t, mi] > 0.95))
    rec = pd.DataFrame(records, columns=["m", "month", "failure", "prevented", "false_alarm"])
    agg = rec.groupby(["m", "month"], sort=True).sum().reset_index()
    n = len(agg)
    hours = np.array([rng.lognormal(np.log(26), 0.45, k).sum() for k in agg.failure])
    parts = np.array([rng.lognormal(np.log(7500), 0.5, k).sum() for k in agg.failure])
    inspections = agg.prevented + agg.false_alarm
    return pd.DataFrame({
        "machine_id": [f"M-{m + 1:04d}" for m in agg.m],
        "machine_type": sim["kinds"][sim["mtype"][agg.m]],
        "plant": np.array(PLANTS)[sim["plant"][agg.m]],
        "month": agg.month,
        "unplanned_failures": agg.failure.astype(int),
        "downtime_hours": hours.round(1),
        "downtime_cost_eur": (hours * 1100 + parts).round(0).astype(int),
        "inspections": inspections.astype(int),
        "planned_stop_hours": (agg.prevented * rng.uniform(5, 8, n)
                               + inspections * 1.5).round(1),
    })


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Generate the example's tables.

    Parameters
    ----------
    seed : int, default SEED
        Seed of :func:`numpy.random.default_rng`; the default gives the shipped example.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sensor_windows``, ``training_ids``, ``gold_set``, ``downtime_history``,
        ``pilot_downtime`` and ``production_window``; each is written to
        ``data/<name>.csv``.
    """
    rng = np.random.default_rng(seed)
    sim = _simulate(rng)
    ref = _sensors(rng, sim, REFERENCE_WEEKS)
    prod = _sensors(rng, sim, PRODUCTION_WEEKS)
    for frame in (ref, prod):
        frame["mtype"] = sim["mtype"][frame.machine]
    model = _Model(ref[ref.week.isin(TRAINING_WEEKS)])
    windows = _windows(ref, sim, "reference", model)
    production = _windows(prod, sim, "production", model)
    # Labels of the last week are not known yet: its 7 days have not passed.
    last = prod.week == PRODUCTION_WEEKS[-1]
    production["failure_within_7d"] = production.failure_within_7d.astype("Int64").mask(last)

    gold = windows[ref.week.isin(GOLD_WEEKS).to_numpy()].reset_index(drop=True)
    training = windows.loc[ref.week.isin(TRAINING_WEEKS).to_numpy(), ["window_id"]]

    machines = np.arange(len(sim["mtype"]))
    history_months = [(FIRST_WEEK + dt.timedelta(weeks=t)).strftime("%Y-%m")
                      for t in REFERENCE_WEEKS]
    history = _monthly(sim, rng, sorted(set(history_months)), machines)
    plants = np.array(PLANTS)[sim["plant"]]
    pilot_machines = machines[np.isin(plants, (PILOT_PLANT, CONTROL_PLANT))]
    pilot_months = [f"2026-{k:02d}" for k in range(2, 10)]
    pilot = _monthly(sim, rng, pilot_months, pilot_machines)
    pilot.insert(3, "group", np.where(pilot.plant == PILOT_PLANT, "pilot", "control"))
    pilot.insert(5, "period", np.where(pilot.month >= "2026-06", "after", "before"))
    return {
        "sensor_windows": windows,
        "training_ids": training.reset_index(drop=True),
        "gold_set": gold,
        "downtime_history": history,
        "pilot_downtime": pilot,
        "production_window": production,
    }
