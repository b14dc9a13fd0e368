#!/usr/bin/env bash
# The engine's speed targets (benches/README.md), measured in one session so the ratios are comparable:
#   (a) safetech vs a straightforward vectorised numpy implementation (benches/numpy_reference.py)
#   (b) one-thread engine time / time to draw 11M standard normals: criterion (benches/engine.rs)
#       and, the figure to quote, paired rounds that time both back to back (benches/ratio.rs)
#   (c) 100k paths x 11 years on 2 threads (criterion simulate/100k_2_threads), budget 16 ms
#   (d) peak RSS at 1M paths, horizon 2035 vs 2050 (benches/memory.sh)
#   (5) `safetech run` with no flags, wall time, budget 0.3 s
# Needs a Python with numpy: SAFETECH_PYTHON, else python3. It installs nothing; if numpy is
# missing it says how to get it (benches/requirements.txt). Honours CARGO_TARGET_DIR.
# Timings on a shared machine are noisy: wall times are the best (minimum) of several runs, and
# the load average is printed before and after. CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load before: $(uptime)"
cargo build --release --quiet
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/safetech"

py="${SAFETECH_PYTHON:-python3}"
if ! "$py" -c 'import numpy' 2>/dev/null; then
  echo "numpy is needed for the reference: e.g. python3 -m venv .venv && .venv/bin/pip install -r benches/requirements.txt," >&2
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

echo "== numpy reference vs safetech CLI, same model, paths and statistics, in paired rounds =="
# Each round times the numpy simulation once (in-process, simulation only) and the whole
# safetech process three times (best of three) right after, so both see the same machine speed.
paired_a=$("$py" - "$bin" <<'PY'
import re, statistics, subprocess, sys, time
bin = sys.argv[1]
def cli(threads):
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([bin, "run", "-n", "1000000", "-s", "osa-enforced", "--threads", str(threads)],
                       stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t)
    return best
rows = []
for _ in range(5):
    out = subprocess.run([sys.executable, "benches/numpy_reference.py", "--repeat", "1"],
                         capture_output=True, text=True, check=True).stdout
    numpy_s = float(re.search(r"numpy_seconds=([\d.]+)", out).group(1))
    rows.append((numpy_s, cli(2), cli(1)))
    print(f"round: numpy {numpy_s:.3f} s, safetech 2 threads {rows[-1][1]:.3f} s, 1 thread {rows[-1][2]:.3f} s",
          file=sys.stderr)
r2 = statistics.median(n / c for n, c, _ in rows)
r1 = statistics.median(n / c for n, _, c in rows)
print(f"{r2:.2f} {r1:.2f} {min(n for n, _, _ in rows):.3f} {min(c for _, c, _ in rows):.3f}")
PY
)
read -r ratio2 ratio1 numpy_s cli2 <<<"$paired_a"

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

python3 - "$numpy_s" "$cli2" "$ratio2" "$ratio1" "$plain" "$crit" "$ratio" <<'PY'
import re, sys
numpy_s, cli2, ratio2, ratio1, plain = map(float, sys.argv[1:6])
text = open(sys.argv[6]).read()
paired = {m[0]: float(m[1]) for m in re.findall(r"^ratio/(\S+): .*?median ([\d.]+)x", sys.argv[7], re.M)}
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
est = {}
for name, lo, lu, mid, mu in re.findall(
        r"^(\S+)\s*\n?\s*time:\s+\[([\d.]+) (\S+) ([\d.]+) (\S+)", text, re.M):
    est[name] = (float(lo) * unit[lu], float(mid) * unit[mu])
def ms(x): return f"{x*1e3:.1f} ms"
normals = est["normals/11m_1_thread"][1]
print()
print("== summary ==")
print(f"(a) numpy ÷ safetech CLI, median of 5 paired rounds: {ratio2:.1f}x with 2 threads "
      f"(1 thread: {ratio1:.1f}x)  [need >= 15x]; fastest: numpy {numpy_s:.3f} s, safetech {cli2:.3f} s")
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
