#!/usr/bin/env python3
"""Black-box fuzz of a safetech binary: text mutations of the shipped scenarios and extreme scenarios,
each run under a 2 GB address-space limit and 5 s; tallies exits, timeouts, panics, non-finite or
inconsistent results (sd 0 with p5 != p95). Usage: fuzz/blackbox.py BINARY [MUTATIONS] [EXTREMES]
(VALID_ONLY=1: extremes within the limits validation accepts). Needs prlimit (util-linux)."""
import collections, glob, json, os, random, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1]
N_MUT = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
N_EXT = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
rng = random.Random(12)
src = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.toml")))]
tmp = tempfile.mkdtemp(prefix="fz")
SPECIAL = ["nan", "inf", "-inf", "1e308", "-1e308", "5e-324", "0", "-1", "1e300", "1e19", "2147483648",
           "-2147483648", "0.9999999", "1e-300", "99999999999999999999", "\"x\"", "[]", "{}"]


def mutate(text):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(9)
        i = rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            import re
            nums = list(re.finditer(r"-?\d+(\.\d+)?", lines[i]))
            if nums:
                m = rng.choice(nums)
                lines[i] = lines[i][:m.start()] + rng.choice(SPECIAL) + lines[i][m.end():]
        elif op == 3:
            lines[i] = lines[i] + chr(rng.randrange(0, 32))
        elif op == 4:
            lines[0] = "\ufeff" + lines[0]
        elif op == 5:
            return ("\r\n".join(lines)).encode()
        elif op == 6:
            b = bytearray("\n".join(lines).encode())
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            return bytes(b)
        elif op == 7:
            lines.insert(i, "[" * rng.randint(1, 3000))
        else:
            lines.insert(i, "x = " + "[" * rng.randint(100, 5000) + "]" * rng.randint(0, 10))
    return "\n".join(lines).encode()


VALID_ONLY = os.environ.get("VALID_ONLY") == "1"


def extreme():
    if VALID_ONLY:
        # Values at the edges of what validation now accepts.
        pick0 = rng.choice
        def pick(*v):
            ok = [x for x in v if not (isinstance(x, float) and (x in (5e-324, 1e-300, 1e300, 1e19)))
                  and x != -2147483648 and x != 2.0001 and x != '{ student_t = 2.0001 }']
            return pick0(ok or v)
    else:
        pick = lambda *v: rng.choice(v)
    start = pick(1900, 2024, 2200 - 100)
    horizon = start + pick(1, 2, 50, 100)
    ty = rng.randint(start + 1, horizon)
    s = f"""[scenario]
id = "x"
name = "x"
[market]
start_year = {start}
start_revenue = {pick(5e-324, 1e-300, 1e-9, 1.0, 623.0, 1e9)!r}
horizon = {horizon}
history = [[{pick(-2147483648, 1900, start - 1)}, {pick(1e-300, 226.0, 1e300)!r}]]
[target]
revenue = {pick(5e-324, 1e-9, 1000.0, 1e19, 1e300)!r}
year = {ty}
[growth]
initial = {pick(-0.98, 0.0, 0.37, 10.0)!r}
initial_uncertainty = {pick(0.0, 0.05, 2.0)!r}
long_run = {pick(-0.98, 0.1, 10.0)!r}
reversion = {pick(0.0, 0.35, 10.0)!r}
volatility = {pick(0.0, 0.08, 1.0, 2.0)!r}
persistence = {pick(-0.999, 0.0, 0.9, 0.999)!r}
shocks = {pick('"normal"', '{ student_t = 2.0001 }', '{ student_t = 5 }')}
"""
    if rng.random() < 0.3:
        s += f"capacity = {pick(1e9 * 2, 1e12, 1e300)!r}\n"
    for e in range(rng.choice([0, 1, 4, 32])):
        s += f"""[[events]]
id = "e{e}"
name = "e"
year = {rng.randint(start, horizon)}
outcomes = [{{ id = "a", probability = {pick(0.5, 1.0)}, growth_uplift = {pick(-0.99, 0.0, 5.0)!r}, level_shock = {pick(-0.999999, 0.0, 10.0)!r}, volatility_multiplier = {pick(0.0, 1.0, 10.0)!r}{pick('', ', duration = 1', ', ramp = 50')} }}]
"""
    return s.encode()


def check_json(out):
    try:
        doc = json.loads(out)
    except Exception as e:
        return "badjson"
    for sc in doc["scenarios"]:
        for y in sc["years"]:
            for k in ["mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p_target"]:
                v = y[k]
                if v is None or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
                    return "nonfinite"
            if y["sd"] == 0 and y["p5"] != y["p95"]:
                return "sd0"
        t = sc["target"]
        if t["probability"] is None:
            return "nonfinite"
    return None


def run(args, timeout=5):
    t0 = time.time()
    try:
        p = subprocess.run(["prlimit", "--as=2147483648", "--", BIN] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", b"", b"", time.time() - t0
    return p.returncode, p.stdout, p.stderr, time.time() - t0


tally = collections.Counter()
problems = collections.Counter()
examples = {}
t_start = time.time()
cases = [("mut", mutate(rng.choice(src))) for _ in range(N_MUT)] + [("ext", extreme()) for _ in range(N_EXT)]
for i, (kind, data) in enumerate(cases):
    path = os.path.join(tmp, f"c{i}.toml")
    open(path, "wb").write(data)
    code, out, err, dt = run(["run", "-s", path, "-n", "2000", "--format", "json"])
    tally[(kind, "run", code)] += 1
    bad = None
    if code == "timeout":
        bad = "timeout"
    elif code == 101 or b"panicked" in err:
        bad = "panic"
    elif code not in (0, 1, 2):
        bad = f"exit{code}"
    elif code == 0:
        bad = check_json(out)
    if bad:
        problems[(kind, bad)] += 1
        examples.setdefault((kind, bad), path)
    if code == 0 and i % 8 == 0:
        chart = rng.choice(["fan", "histogram", "spaghetti", "reach"])
        code2, _, err2, _ = run(["export", "-s", path, "-n", "2000", "--chart", chart, "-o", os.path.join(tmp, f"c{i}.svg")])
        tally[(kind, "export", code2)] += 1
        if code2 == "timeout" or code2 not in (0, 1, 2) or b"panicked" in err2:
            problems[(kind, f"export-{chart}-{code2}")] += 1
            examples.setdefault((kind, f"export-{chart}-{code2}"), path)
print(f"time {time.time() - t_start:.0f} s, cases {len(cases)}")
for k in sorted(tally, key=str):
    print("exit", k, tally[k])
for k in sorted(problems, key=str):
    print("PROBLEM", k, problems[k], examples[k])
shutil.rmtree(tmp)
