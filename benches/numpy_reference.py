#!/usr/bin/env python3
"""A straightforward vectorised numpy implementation of the safetech model (README, "The model").

It is the yardstick of benches/README.md: safetech must be at least 15x faster than this on
1,000,000 paths of every built-in scenario and of benches/rich.toml. It computes the same
statistics as `safetech run`: per-year mean, sd, min, max, p5/p10/p25/p50/p75/p90/p95 (exact,
numpy's default linear interpolation, the same "type 7" as safetech) and P(R >= target); first
passage per path; the value in the target year per path; and the event draws (outcome, start
year after delay, and the per-year uplift/duration/ramp/level shock/volatility multiplier).

The whole model of a scenario file is here:
- the pace r0: Normal or the older scaled Student-t (`initial_uncertainty`,
  `initial_distribution`), or any distribution written on `growth.initial`; at least -0.99;
- reversion toward `long_run`, capacity (m(1 - R/K) for m > 0 only), AR(1) shocks with Normal
  or unit-variance Student-t innovations;
- uncertain inputs (`{ dist = ... }` on any growth value, the start revenue and an outcome's
  probability, growth uplift, level shock or volatility multiplier): normal, lognormal,
  uniform, triangular, pert, beta, student_t, each drawn per path as its quantile at Phi(z)
  of a standard Normal z, truncated to the field's allowed range (quantile of
  F(lo) + u(F(hi) - F(lo)), never clipped; docs/scenario-format.md);
- `[[correlations]]`: Spearman rank correlations by a Gaussian copula (Normal correlation
  2 sin(pi rho / 6), Cholesky factor);
- events: one outcome per path (the remainder: nothing happens), a start year uniform over the
  outcome's (or event's) year or window, plus its delay; uplift for `duration` years with a
  linear ramp, a level shock in the first year, a volatility multiplier while active. Where an
  outcome's probability is uncertain the event's other outcomes give way in proportion so the
  event's total stays as written, and all scale down together if it would pass 1.
- `extends` and `[given]`: a scenario that uses them is read as `safetech scenarios show`
  prints it resolved (the inputs only, no results); that is the program's own reading of the
  inheritance, and this file then simulates it independently.

The random numbers come from numpy's default generator (PCG64), so the figures agree with
safetech's statistically, not bit for bit. It is written plainly, as an analyst would: whole
arrays per year, numpy and scipy.stats, no numba, no tricks, and no deliberate slowness either.

Install:  python3 -m venv .venv && .venv/bin/pip install -r benches/requirements.txt
Run:      .venv/bin/python benches/numpy_reference.py [--scenario NAME|FILE] [--paths N] [--repeat K]
          .venv/bin/python benches/numpy_reference.py --check [--scenario ...]   (against safetech)
Prints the best (minimum) wall time of K runs of the simulation (reading the file is not
timed), in seconds, on the last line as `numpy_seconds=<t>`, after a short table of the results.
With --check (repeatable --scenario; all built-ins and benches/rich.toml by default) it runs
`safetech run -n N -s X -f json` as well and prints both P(R >= target in the target year) and
both medians in that year, with the difference in standard errors; exits 1 on a disagreement.
"""

import argparse
import json
import math
import pathlib
import subprocess
import sys
import time
import tomllib

import numpy as np
from scipy import stats

PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
MIN_GROWTH = -0.99
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
HAIR = 1e-9

# The range each field's draws stay in (docs/scenario-format.md); an excluded end a hair inside.
RANGES = {
    "growth.initial": (-0.99 + HAIR, 10.0),
    "growth.long_run": (-0.99 + HAIR, 10.0),
    "growth.reversion": (0.0, 10.0),
    "growth.volatility": (0.0, 2.0),
    "growth.persistence": (-1.0 + HAIR, 1.0 - HAIR),
    "growth.capacity": (0.0, math.inf),
    "market.start_revenue": (1e-3, 1e9),
    "probability": (0.0, 1.0),
    "growth_uplift": (-0.99, 5.0),
    "level_shock": (-1.0 + HAIR, 10.0),
    "volatility_multiplier": (0.0, 10.0),
}
GROWTH_KEYS = ["initial", "long_run", "reversion", "volatility", "persistence", "capacity"]
OUTCOME_KEYS = ["probability", "growth_uplift", "level_shock", "volatility_multiplier"]


class Uncertain:
    """A `{ dist = ... }` table: its scipy distribution, truncated to the field's range."""

    def __init__(self, t, rng_range):
        d = t["dist"]
        z95 = stats.norm.ppf(0.95)
        if d == "normal":
            mean, sd = ((t["p5"] + t["p95"]) / 2, (t["p95"] - t["p5"]) / (2 * z95)) if "p5" in t else (t["mean"], t["sd"])
            self.dist = stats.norm(mean, sd)
            self.direct = lambda z: mean + sd * z
        elif d == "lognormal":
            if "p5" in t:
                mu, sigma = (math.log(t["p5"]) + math.log(t["p95"])) / 2, (math.log(t["p95"]) - math.log(t["p5"])) / (2 * z95)
            else:
                mu, sigma = math.log(t["median"]), t["sd_log"]
            self.dist = stats.lognorm(sigma, scale=math.exp(mu))
            self.direct = lambda z: np.exp(mu + sigma * z)
        elif d == "uniform":
            self.dist = stats.uniform(t["min"], t["max"] - t["min"])
        elif d == "triangular":
            lo, mode, hi = t["min"], t["mode"], t["max"]
            self.dist = stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        elif d == "pert":
            lo, mode, hi = t["min"], t["mode"], t["max"]
            w = hi - lo
            self.dist = stats.beta(1 + 4 * (mode - lo) / w, 1 + 4 * (hi - mode) / w, loc=lo, scale=w)
        elif d == "beta":
            if "mean" in t:
                m, sd = t["mean"], t["sd"]
                c = m * (1 - m) / sd**2 - 1
                a, b = m * c, (1 - m) * c
            else:
                a, b = t["alpha"], t["beta"]
            self.dist = stats.beta(a, b)
        elif d == "student_t":
            df = t["df"]
            if "p5" in t:
                mean, scale = (t["p5"] + t["p95"]) / 2, (t["p95"] - t["p5"]) / (2 * stats.t.ppf(0.95, df))
            else:
                mean, scale = t["mean"], t["scale"]
            self.dist = stats.t(df, mean, scale)
        else:
            raise SystemExit(f"NOT IMPLEMENTED in the numpy reference: dist = {d!r}")
        self.lo, self.hi = rng_range
        self.f_lo, self.f_hi = self.dist.cdf(self.lo), self.dist.cdf(self.hi)
        inside = self.f_hi - self.f_lo
        if 1 - inside > 0.001 and not t.get("truncate", False):
            raise SystemExit(f"{t}: more than 0.1% outside {rng_range} (safetech refuses it)")
        if not hasattr(self, "direct") or self.f_lo >= 1e-16 or 1 - self.f_hi >= 1e-16:
            self.direct = None
        self.median = float(self.from_normal(np.zeros(1))[0])

    def from_normal(self, z):
        """The draws for standard Normal z's: the truncated distribution's quantile at Phi(z)."""
        if self.direct is not None:
            x = self.direct(z)
        else:
            x = self.dist.ppf(self.f_lo + stats.norm.cdf(z) * (self.f_hi - self.f_lo))
        return np.clip(x, self.lo, self.hi)


def is_dist(v):
    return isinstance(v, dict) and "dist" in v


def read(name, safetech):
    """A scenario's table, by built-in name or path; resolved by `safetech scenarios show` when it
    uses `extends` or `[given]`."""
    path = pathlib.Path(name)
    if not path.exists():
        path = ROOT / "scenarios" / f"{name}.toml"
    with open(path, "rb") as f:
        s = tomllib.load(f)
    if "extends" in s or "given" in s:
        out = subprocess.run([safetech, "scenarios", "show", str(path)], capture_output=True, text=True, check=True)
        s = tomllib.loads(out.stdout)
        if "extends" in s or "given" in s:
            raise SystemExit(f"{name}: `scenarios show` left extends/given unresolved")
    return s


def load(name, safetech):
    s = read(name, safetech)
    g = s["growth"]
    uncertain = {}  # key -> Uncertain

    def value(v, key, field):
        if is_dist(v):
            uncertain[key] = Uncertain(v, RANGES[field])
            return uncertain[key].median
        return v

    growth = {}
    for k in GROWTH_KEYS:
        if k in g:
            growth[k] = value(g[k], f"growth.{k}", f"growth.{k}")
    shocks = g.get("shocks", "normal")
    shocks_df = None if shocks == "normal" else shocks["student_t"]
    initial_distribution = g.get("initial_distribution", "normal")
    initial_df = None if initial_distribution == "normal" else initial_distribution["student_t"]
    start_revenue = value(s["market"]["start_revenue"], "market.start_revenue", "market.start_revenue")

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
            keys = {f: f"events.{ev['id']}.{o['id']}.{f}" for f in OUTCOME_KEYS}
            outcomes.append(
                dict(
                    keys=keys,
                    probability=value(o["probability"], keys["probability"], "probability"),
                    first_start=a + delay,
                    last_start=b + delay,
                    uplift=value(o.get("growth_uplift", 0.0), keys["growth_uplift"], "growth_uplift"),
                    duration=o.get("duration", 10**9),
                    ramp=o.get("ramp", 0),
                    level_shock=value(o.get("level_shock", 0.0), keys["level_shock"], "level_shock"),
                    vol=value(o.get("volatility_multiplier", 1.0), keys["volatility_multiplier"], "volatility_multiplier"),
                )
            )
        events.append(dict(id=ev["id"], outcomes=outcomes))

    if "growth.initial" in uncertain and (g.get("initial_uncertainty", 0.0) or initial_df is not None):
        raise SystemExit("a distribution on growth.initial cannot be combined with initial_uncertainty")
    # Rank correlations: the Normal correlation matrix of each linked group of keys.
    correlations = [(c["between"][0], c["between"][1], c["rank"]) for c in s.get("correlations", [])]
    for a, b, _ in correlations:
        for k in (a, b):
            if k not in uncertain:
                raise SystemExit(f"correlation on {k}, which is not uncertain here")

    return dict(
        name=s["scenario"]["id"],
        start_year=s["market"]["start_year"],
        start_revenue=start_revenue,
        horizon=s["market"]["horizon"],
        target=s["target"]["revenue"],
        target_year=s["target"]["year"],
        initial=growth["initial"],
        initial_sd=g.get("initial_uncertainty", 0.0),
        initial_df=initial_df,
        long_run=growth.get("long_run", growth["initial"]),
        reversion=growth.get("reversion", 0.0),
        volatility=growth["volatility"],
        persistence=growth.get("persistence", 0.0),
        capacity=growth.get("capacity"),
        shocks_df=shocks_df,
        events=events,
        uncertain=uncertain,
        correlations=correlations,
    )


def draw_inputs(m, rng, n):
    """Each uncertain input's value on every path: a standard Normal per input, mixed by the
    copula's Cholesky factor where correlated, then its quantile at Phi(z)."""
    keys = sorted(m["uncertain"])
    z = {k: rng.standard_normal(n) for k in keys}
    if m["correlations"]:
        linked = sorted({k for a, b, _ in m["correlations"] for k in (a, b)})
        c = np.eye(len(linked))
        for a, b, rho in m["correlations"]:
            i, j = linked.index(a), linked.index(b)
            c[i, j] = c[j, i] = 2 * np.sin(np.pi * rho / 6)
        mixed = np.linalg.cholesky(c) @ np.stack([z[k] for k in linked])
        z.update(zip(linked, mixed))
    # An outcome's uplift, level shock or multiplier is made only where that outcome is drawn
    # (see draw_event); every other input on every path.
    late = [k for k in keys if k.startswith("events.") and not k.endswith(".probability")]
    values = {k: m["uncertain"][k].from_normal(z[k]) for k in keys if k not in late}
    return values, {k: z[k] for k in late}


def per_path(inputs, key, fixed):
    return inputs.get(key, fixed)


def draw_event(ev, m, inputs, late, rng, n):
    """Each path's outcome (index; len(outcomes) = nothing happens) and start year."""
    outs = ev["outcomes"]
    k = len(outs)
    u = rng.random(n)
    v = rng.random(n)
    written = np.array([o["probability"] for o in outs])
    held = [o["keys"]["probability"] in inputs for o in outs]
    if any(held):
        # The probability rule: drawn outcomes take their draws, the others give way in
        # proportion so the event's total stays as written; all scale down if it passes 1.
        p = np.tile(written, (n, 1))
        for j, o in enumerate(outs):
            if held[j]:
                p[:, j] = inputs[o["keys"]["probability"]]
        others = written[~np.array(held)].sum()
        if others > 1e-12:
            scale = np.maximum((written.sum() - p[:, held].sum(axis=1)) / others, 0.0)
            for j in range(k):
                if not held[j]:
                    p[:, j] = written[j] * scale
        total = p.sum(axis=1)
        p = np.where((total > 1.0)[:, None], p / total[:, None], p)
        outcome = (u[:, None] >= np.cumsum(p, axis=1)).sum(axis=1)
    else:
        outcome = np.searchsorted(np.cumsum(written), u, side="right")
    first = np.array([o["first_start"] for o in outs] + [0])
    last = np.array([o["last_start"] for o in outs] + [0])
    span = last - first
    start = first[outcome] + np.minimum((v * (span[outcome] + 1)).astype(np.int64), span[outcome])

    # The drawn outcome's parameters on each path (made only where an outcome was drawn).
    def column(name, field, none):
        values = np.full(n, none, dtype=float)
        for j, o in enumerate(outs):
            here = outcome == j
            key = o["keys"][field]
            values[here] = m["uncertain"][key].from_normal(late[key][here]) if key in late else o[name]
        return values

    happens = outcome < k
    return dict(
        outcome=outcome,
        start=np.where(happens, start, 10**6),
        uplift=column("uplift", "growth_uplift", 0.0),
        level=1.0 + column("level_shock", "level_shock", 0.0),
        vol=column("vol", "volatility_multiplier", 1.0),
        duration=np.array([o["duration"] for o in outs] + [0])[outcome],
        ramp=np.array([o["ramp"] for o in outs] + [0])[outcome],
    )


def simulate(m, paths, seed):
    rng = np.random.default_rng(seed)
    n = paths
    inputs, late = draw_inputs(m, rng, n)

    if "growth.initial" in inputs:
        r0 = np.maximum(inputs["growth.initial"], MIN_GROWTH)
    else:
        z = rng.standard_normal(n)
        if m["initial_df"] is not None:
            # A scaled Student-t: a Normal over sqrt(chi-squared / df).
            z = z / np.sqrt(rng.chisquare(m["initial_df"], n) / m["initial_df"])
        r0 = np.maximum(m["initial"] + m["initial_sd"] * z, MIN_GROWTH)
    long_run = per_path(inputs, "growth.long_run", m["long_run"])
    reversion = per_path(inputs, "growth.reversion", m["reversion"])
    volatility = per_path(inputs, "growth.volatility", m["volatility"])
    persistence = per_path(inputs, "growth.persistence", m["persistence"])
    capacity = per_path(inputs, "growth.capacity", m["capacity"])

    draws = [draw_event(ev, m, inputs, late, rng, n) for ev in m["events"]]

    revenue = np.full(n, 1.0) * per_path(inputs, "market.start_revenue", m["start_revenue"])
    ar = np.zeros(n)
    first_passage = np.zeros(n, dtype=np.int32)
    target_values = None
    years = []
    for year in range(m["start_year"] + 1, m["horizon"] + 1):
        t = year - m["start_year"] - 1
        growth = long_run + (r0 - long_run) * np.exp(-reversion * t)
        vol = volatility
        level = 1.0
        for d in draws:
            k = year - d["start"]
            active = (k >= 0) & (k < d["duration"])
            share = np.where(d["ramp"] > k + 1, (k + 1) / np.maximum(d["ramp"], 1), 1.0)
            growth = growth + np.where(active, d["uplift"] * share, 0.0)
            vol = np.where(active, vol * d["vol"], vol)
            level = np.where(active & (k == 0), level * d["level"], level)
        if capacity is not None:
            # Capacity slows growth; a decline is left as it is.
            growth = np.where(growth > 0.0, growth * (1.0 - revenue / capacity), growth)
        growth = np.maximum(growth, MIN_GROWTH)
        if m["shocks_df"] is None:
            eps = rng.standard_normal(n)
        else:
            nu = m["shocks_df"]
            eps = rng.standard_t(nu, n) * np.sqrt((nu - 2) / nu)
        ar = persistence * ar + vol * eps
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


def builtins():
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


def check(names, paths, seed, safetech):
    """P(R >= target) and the median in the target year, numpy against safetech."""
    bad = 0
    print(f"{paths} paths each; P: numpy vs safetech and the difference in combined standard errors; "
          "p50: relative difference")
    print(f"{'scenario':<16} {'P numpy':>9} {'P safetech':>10} {'diff/SE':>8}  {'p50 numpy':>10} {'p50 safetech':>12} {'diff':>7}"
          f"  {'horizon p50 diff':>16}")
    for name in names:
        m = load(name, safetech)
        years, _, _, _ = simulate(m, paths, seed)
        y = next(y for y in years if y["year"] == m["target_year"])
        out = subprocess.run([safetech, "run", "-n", str(paths), "-s", name, "-f", "json"],
                             capture_output=True, text=True, check=True).stdout
        s = json.loads(out)["scenarios"][0]
        sy = next(x for x in s["years"] if x["year"] == m["target_year"])
        p_np, p_st = y["p_target"], s["target"]["probability"]
        se = math.sqrt(p_np * (1 - p_np) / paths + s["target"]["std_error"] ** 2)
        zdiff = (p_np - p_st) / se if se > 0 else 0.0
        med_np, med_st = y["percentiles"][3], sy["p50"]
        rel = med_np / med_st - 1
        # The last year's median too: it sees every event, where the target year may not.
        rel_h = years[-1]["percentiles"][3] / s["years"][-1]["p50"] - 1
        ok = abs(zdiff) <= 4 and abs(rel) <= 0.01 and abs(rel_h) <= 0.01
        bad += not ok
        print(f"{pathlib.Path(name).stem:<16} {p_np:9.4f} {p_st:10.4f} {zdiff:+8.2f}  {med_np:10.1f} {med_st:12.1f} "
              f"{rel:+7.2%}  {rel_h:+16.2%}  {'ok' if ok else 'DISAGREE'}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--scenario", action="append", help="built-in id or file (default osa-enforced; "
                    "with --check every built-in and benches/rich.toml)")
    ap.add_argument("--seed", type=int, default=20241010)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--safetech", default=str(ROOT / "target" / "release" / "safetech"),
                    help="the binary that resolves extends/given (and, with --check, runs)")
    ap.add_argument("--check", action="store_true", help="compare P and p50 with safetech run")
    a = ap.parse_args()
    if a.check:
        names = a.scenario or builtins() + [str(HERE / "rich.toml")]
        sys.exit(1 if check(names, a.paths, a.seed, a.safetech) else 0)
    if a.scenario and len(a.scenario) > 1:
        raise SystemExit("one --scenario at a time (several with --check)")
    name = a.scenario[0] if a.scenario else "osa-enforced"
    m = load(name, a.safetech)
    best = float("inf")
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        years, first_passage, target_values, _ = simulate(m, a.paths, a.seed)
        best = min(best, time.perf_counter() - t0)
    print(f"numpy {np.__version__}, {a.paths} paths, {m['name']}")
    print("year        p5      p50      p95     mean  P(>=target)")
    for y in years:
        p = y["percentiles"]
        print(f"{y['year']}  {p[0]:8.1f} {p[3]:8.1f} {p[6]:8.1f} {y['mean']:8.1f}  {y['p_target']:.4f}")
    reached = first_passage[first_passage > 0]
    print(f"reached target by horizon: {reached.size / a.paths:.4f}")
    print(f"numpy_seconds={best:.4f}")


if __name__ == "__main__":
    main()
