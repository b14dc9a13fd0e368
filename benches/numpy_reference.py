#!/usr/bin/env python3
"""A straightforward vectorised numpy implementation of the safetech model (README, "The model").

It is the yardstick of benches/README.md: safetech must be at least 15x faster than
this on 1,000,000 paths x 2024->2035 of the `osa-enforced` scenario. It computes the same
statistics as `safetech run`: per-year mean, sd, min, max, p5/p10/p25/p50/p75/p90/p95 (exact,
numpy's default linear interpolation, the same "type 7" as safetech) and P(R >= target); first
passage per path; the value in the target year per path; and the event draws (outcome, start
year after delay, and the per-year uplift/duration/ramp/level shock/volatility multiplier).

The random numbers come from numpy's default generator (PCG64), so the figures agree with
safetech's statistically, not bit for bit. It is written plainly, as an analyst would: whole
arrays per year, no numba, no tricks, and no deliberate slowness either.

Install:  python3 -m venv .venv && .venv/bin/pip install -r benches/requirements.txt
Run:      .venv/bin/python benches/numpy_reference.py [--paths N] [--scenario FILE] [--repeat K]
Prints the best (minimum) wall time of K runs of the simulation, in seconds, on the last line
as `numpy_seconds=<t>`, after a short table of the results for a sanity check.
"""

import argparse
import pathlib
import time
import tomllib

import numpy as np

PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
MIN_GROWTH = -0.99


def load(path):
    with open(path, "rb") as f:
        s = tomllib.load(f)
    g = s["growth"]
    shocks = g.get("shocks", "normal")
    if shocks != "normal":
        raise SystemExit("this reference implements Normal shocks only")
    initial_distribution = g.get("initial_distribution", "normal")
    initial_df = None if initial_distribution == "normal" else initial_distribution["student_t"]
    events = []
    for ev in s.get("events", []):
        outcomes = []
        for o in ev["outcomes"]:
            if "year" in o:
                a = b = o["year"]
            elif "window" in o:
                a, b = o["window"]
            elif "year" in ev:
                a = b = ev["year"]
            else:
                a, b = ev["window"]
            delay = o.get("delay", 0)
            outcomes.append(
                dict(
                    probability=o["probability"],
                    first_start=a + delay,
                    last_start=b + delay,
                    uplift=o.get("growth_uplift", 0.0),
                    duration=o.get("duration", 10**9),
                    ramp=o.get("ramp", 0),
                    level=1.0 + o.get("level_shock", 0.0),
                    vol=o.get("volatility_multiplier", 1.0),
                )
            )
        events.append(dict(id=ev["id"], outcomes=outcomes))
    return dict(
        start_year=s["market"]["start_year"],
        start_revenue=s["market"]["start_revenue"],
        horizon=s["market"]["horizon"],
        target=s["target"]["revenue"],
        target_year=s["target"]["year"],
        initial=g["initial"],
        initial_sd=g.get("initial_uncertainty", 0.0),
        initial_df=initial_df,
        long_run=g.get("long_run", g["initial"]),
        reversion=g.get("reversion", 0.0),
        volatility=g["volatility"],
        persistence=g.get("persistence", 0.0),
        capacity=g.get("capacity"),
        events=events,
    )


def simulate(m, paths, seed):
    rng = np.random.default_rng(seed)
    n = paths
    z = rng.standard_normal(n)
    if m["initial_df"] is not None:
        # A scaled Student-t: a Normal over sqrt(chi-squared / df).
        z = z / np.sqrt(rng.chisquare(m["initial_df"], n) / m["initial_df"])
    r0 = np.maximum(m["initial"] + m["initial_sd"] * z, MIN_GROWTH)

    # Event draws: one outcome per path (the remainder = nothing happens), then its start year.
    draws = []
    for ev in m["events"]:
        u = rng.random(n)
        v = rng.random(n)
        cum = np.cumsum([o["probability"] for o in ev["outcomes"]])
        outcome = np.searchsorted(cum, u, side="right")  # == len(outcomes): nothing happens
        first = np.array([o["first_start"] for o in ev["outcomes"]] + [0])
        last = np.array([o["last_start"] for o in ev["outcomes"]] + [0])
        width = last - first + 1
        offset = np.minimum((v * width[outcome]).astype(np.int64), last[outcome] - first[outcome])
        start = first[outcome] + offset
        draws.append((ev, outcome, start))

    revenue = np.full(n, m["start_revenue"])
    ar = np.zeros(n)
    first_passage = np.zeros(n, dtype=np.int32)
    target_values = np.zeros(n)
    years = []
    for year in range(m["start_year"] + 1, m["horizon"] + 1):
        t = year - m["start_year"] - 1
        decay = np.exp(-m["reversion"] * t)
        growth = m["long_run"] + (r0 - m["long_run"]) * decay
        vol = np.full(n, m["volatility"])
        level = np.ones(n)
        for ev, outcome, start in draws:
            k = year - start
            for j, o in enumerate(ev["outcomes"]):
                active = (outcome == j) & (k >= 0) & (k < o["duration"])
                if o["ramp"] > 0:
                    uplift = o["uplift"] * np.minimum((k + 1) / o["ramp"], 1.0)
                else:
                    uplift = o["uplift"]
                growth = growth + np.where(active, uplift, 0.0)
                vol = np.where(active, vol * o["vol"], vol)
                level = np.where(active & (k == 0), level * o["level"], level)
        if m["capacity"] is not None:
            # Capacity slows growth; a decline is left as it is.
            growth = np.where(growth > 0.0, growth * (1.0 - revenue / m["capacity"]), growth)
        growth = np.maximum(growth, MIN_GROWTH)
        ar = m["persistence"] * ar + vol * rng.standard_normal(n)
        revenue = revenue * (1.0 + growth) * level * np.exp(ar)

        reached = revenue >= m["target"]
        first_passage[(first_passage == 0) & reached] = year
        if year == m["target_year"]:
            target_values = revenue.copy()
        years.append(
            dict(
                year=year,
                mean=revenue.mean(),
                sd=revenue.std(ddof=1),
                min=revenue.min(),
                max=revenue.max(),
                percentiles=np.percentile(revenue, PERCENTILES),
                p_target=reached.mean(),
            )
        )
    return years, first_passage, target_values, draws


def main():
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--scenario", default=str(here.parent / "scenarios" / "osa-enforced.toml"))
    ap.add_argument("--seed", type=int, default=20241010)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    m = load(a.scenario)
    best = float("inf")
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        years, first_passage, target_values, _ = simulate(m, a.paths, a.seed)
        best = min(best, time.perf_counter() - t0)
    print(f"numpy {np.__version__}, {a.paths} paths, {pathlib.Path(a.scenario).name}")
    print("year        p5      p50      p95     mean  P(>=target)")
    for y in years:
        p = y["percentiles"]
        print(f"{y['year']}  {p[0]:8.1f} {p[3]:8.1f} {p[6]:8.1f} {y['mean']:8.1f}  {y['p_target']:.4f}")
    reached = first_passage[first_passage > 0]
    print(f"reached target by horizon: {reached.size / a.paths:.4f}")
    print(f"numpy_seconds={best:.4f}")


if __name__ == "__main__":
    main()
