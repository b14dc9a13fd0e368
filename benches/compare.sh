#!/usr/bin/env bash
# The engine's speed targets (benches/README.md), measured in one session so the ratios are comparable:
#   (a) safetech vs a straightforward vectorised numpy implementation (benches/numpy_reference.py):
#       first its agreement (P and median per scenario), then numpy ÷ safetech for every built-in
#       scenario and benches/rich.toml in paired rounds (SAFETECH_ROUNDS, default 3)
#   (b) one-thread engine time / time to draw 11M standard normals: criterion (benches/engine.rs)
#       and, the figure to quote, paired rounds that time both back to back (benches/ratio.rs)
#   (c) 100k paths x 11 years on 2 threads (criterion simulate/100k_2_threads), budget 16 ms
#   (d) peak RSS at 1M paths, horizon 2035 vs 2050 (benches/memory.sh)
#   (5) `safetech run` with no flags, wall time, budget 0.3 s
# Needs a Python with numpy and scipy: SAFETECH_PYTHON, else python3. It installs nothing; if
# they are missing it says how to get them (benches/requirements.txt). Honours CARGO_TARGET_DIR.
# Timings on a shared machine are noisy: wall times are the best (minimum) of several runs, and
# the load average is printed before and after. CI does not run this.
# `benches/compare.sh numpy` runs (a) alone.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load before: $(uptime)"
cargo build --release --quiet
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/safetech"

py="${SAFETECH_PYTHON:-python3}"
if ! "$py" -c 'import numpy, scipy' 2>/dev/null; then
  echo "numpy and scipy are needed for the reference: e.g. python3 -m venv .venv && .venv/bin/pip install -r benches/requirements.txt," >&2
  echo "then SAFETECH_PYTHON=.venv/bin/python $0" >&2
  exit 1
fi

# Best-of-N wall time of a command, in seconds.
best_wall() {
  local n=$1; shift
  python3 - "$n" "$@" <<'PY'
import subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
best = float("inf")
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    best = min(best, time.perf_counter() - t)
print(f"{best:.4f}")
PY
}

echo "== numpy reference agrees with safetech (P and median in the target year, 1M paths) =="
"$py" benches/numpy_reference.py --check --safetech "$bin" || echo "(a disagreement: see above)" >&2

echo "== numpy reference vs safetech CLI, every built-in and benches/rich.toml, in paired rounds =="
# Each round takes every scenario in turn: the numpy simulation once (in-process, simulation
# only; reading the file is not timed) and right after it the whole safetech process with 2
# threads three times (best of three), so both see the same machine speed. The ratio of each
# scenario is the median over the rounds of its ratios.
table=$(mktemp)
"$py" - "$bin" "${SAFETECH_ROUNDS:-3}" "$table" <<'PY'
import pathlib, re, statistics, subprocess, sys, time
bin, rounds, table = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = sorted(p.stem for p in pathlib.Path("scenarios").glob("*.toml")) + ["benches/rich.toml"]
def cli(name):
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([bin, "run", "-n", "1000000", "-s", name, "--threads", "2"],
                       stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t)
    return best
rows = {n: [] for n in names}
for r in range(rounds):
    for name in names:
        out = subprocess.run([sys.executable, "benches/numpy_reference.py", "--repeat", "1",
                              "--scenario", name, "--safetech", bin],
                             capture_output=True, text=True, check=True).stdout
        numpy_s = float(re.search(r"numpy_seconds=([\d.]+)", out).group(1))
        rows[name].append((numpy_s, cli(name)))
    print(f"round {r + 1} of {rounds}: " + ", ".join(
        f"{pathlib.Path(n).stem} {rows[n][-1][0]:.2f}/{rows[n][-1][1]:.3f} s" for n in names), file=sys.stderr)
lines = ["| scenario | numpy, median s | safetech 2 threads, median s | numpy ÷ safetech, median (range) | ≥ 15× |",
         "| --- | --: | --: | --: | --- |"]
met = 0
for name in names:
    r = [n / c for n, c in rows[name]]
    ratio = statistics.median(r)
    met += ratio >= 15
    lines.append(f"| {pathlib.Path(name).stem} | {statistics.median(n for n, _ in rows[name]):.3f} "
                 f"| {statistics.median(c for _, c in rows[name]):.3f} | {ratio:.1f}× ({min(r):.1f}–{max(r):.1f}) "
                 f"| {'yes' if ratio >= 15 else 'no'} |")
lines.append(f"{met} of {len(names)} scenarios at ≥ 15×, median of {rounds} paired rounds")
open(table, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
if [ "${1:-}" = numpy ]; then
  echo "load after: $(uptime)"
  exit 0
fi

echo "== criterion: engine vs drawing normals, 100k frame =="
crit=$(mktemp)
cargo bench --quiet --bench engine -- \
  'simulate/1m_one_event_1_thread|simulate/1m_baseline_1_thread|simulate/100k_2_threads$|normals/11m_1_thread' \
  2>&1 | tee "$crit" | grep -E '^(simulate|normals)/|time:'

echo "== paired engine ÷ normals rounds (the machine's speed drifts between criterion runs) =="
# (Not `tee /dev/stderr`: with stderr redirected to a file, reopening it truncates the file.)
ratio=$(cargo bench --quiet --bench ratio 2>/dev/null | grep '^ratio/')
echo "$ratio"

echo "== memory =="
benches/memory.sh "$bin"

echo "== point 5: safetech run with no flags (best of 5) =="
plain=$(best_wall 5 $bin run)

python3 - "$table" "$plain" "$crit" "$ratio" <<'PY'
import re, sys
table, plain = open(sys.argv[1]).read(), float(sys.argv[2])
text = open(sys.argv[3]).read()
paired = {m[0]: float(m[1]) for m in re.findall(r"^ratio/(\S+): .*?median ([\d.]+)x", sys.argv[4], re.M)}
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
est = {}
for name, lo, lu, mid, mu in re.findall(
        r"^(\S+)\s*\n?\s*time:\s+\[([\d.]+) (\S+) ([\d.]+) (\S+)", text, re.M):
    est[name] = (float(lo) * unit[lu], float(mid) * unit[mu])
def ms(x): return f"{x*1e3:.1f} ms"
normals = est["normals/11m_1_thread"][1]
print()
print("== summary ==")
print("(a) numpy ÷ safetech CLI (1M paths, 2 threads, whole process best of 3)  [need >= 15x each]")
print(table, end="")
for k in ("simulate/1m_one_event_1_thread", "simulate/1m_baseline_1_thread"):
    if k in est:
        print(f"(b) criterion {k} {ms(est[k][1])} / normals {ms(normals)} = {est[k][1]/normals:.2f}x")
for k, v in paired.items():
    print(f"(b) paired rounds, {k}: median {v:.2f}x  [need <= 2.5x]")
if "simulate/100k_2_threads" in est:
    print(f"(c) simulate/100k_2_threads {ms(est['simulate/100k_2_threads'][1])}  [need < 16 ms]")
print(f"(5) safetech run (no flags) {plain:.3f} s wall  [need < 0.3 s]")
PY
echo "load after: $(uptime)"
