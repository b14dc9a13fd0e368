#!/usr/bin/env bash
# Issue 2, acceptance points 4 and 5, measured in one session so the ratios are comparable:
#   (a) safetech vs a straightforward vectorised numpy implementation (benches/numpy_reference.py)
#   (b) one-thread engine time / time to draw 11M standard normals: criterion (benches/engine.rs)
#       and, the figure to quote, paired rounds that time both back to back (benches/ratio.rs)
#   (c) 100k paths x 11 years on 2 threads (criterion simulate/100k_2_threads), budget 16 ms
#   (d) peak RSS at 1M paths, horizon 2035 vs 2050 (benches/memory.sh)
#   (5) `safetech run` with no flags, wall time, budget 0.3 s
# Needs python3; numpy is installed into target/pyvenv from benches/requirements.txt on first use.
# Timings on a shared machine are noisy: wall times are the best (minimum) of several runs, and
# the load average is printed before and after. CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load before: $(uptime)"
cargo build --release --quiet
bin=target/release/safetech

if [ ! -x target/pyvenv/bin/python ]; then
  python3 -m venv target/pyvenv
  target/pyvenv/bin/pip install --quiet -r benches/requirements.txt
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

echo "== numpy reference (1,000,000 paths, osa-enforced, best of 3) =="
numpy_s=$(target/pyvenv/bin/python benches/numpy_reference.py --repeat 3 | tee /dev/stderr |
  sed -n 's/^numpy_seconds=//p')

echo "== safetech CLI, same model, paths and statistics (best of 5, whole process) =="
cli2=$(best_wall 5 $bin run -n 1000000 -s osa-enforced --threads 2)
cli1=$(best_wall 5 $bin run -n 1000000 -s osa-enforced --threads 1)
echo "safetech run -n 1000000 -s osa-enforced: 2 threads ${cli2} s, 1 thread ${cli1} s"

echo "== criterion: engine vs drawing normals, 100k frame =="
crit=$(mktemp)
cargo bench --quiet --bench engine -- \
  'simulate/1m_one_event_1_thread|simulate/1m_baseline_1_thread|simulate/100k_2_threads$|normals/11m_1_thread' \
  2>&1 | tee "$crit" | grep -E '^(simulate|normals)/|time:'

echo "== paired engine ÷ normals rounds (the machine's speed drifts between criterion runs) =="
ratio=$(cargo bench --quiet --bench ratio 2>/dev/null | tee /dev/stderr | grep '^ratio/')

echo "== memory =="
benches/memory.sh "$bin"

echo "== point 5: safetech run with no flags (best of 5) =="
plain=$(best_wall 5 $bin run)

python3 - "$numpy_s" "$cli2" "$cli1" "$plain" "$crit" "$ratio" <<'PY'
import re, sys
numpy_s, cli2, cli1, plain = map(float, sys.argv[1:5])
text = open(sys.argv[5]).read()
paired = {m[0]: float(m[1]) for m in re.findall(r"^ratio/(\S+): .*?median ([\d.]+)x", sys.argv[6], re.M)}
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
est = {}
for name, lo, lu, mid, mu in re.findall(
        r"^(\S+)\s*\n?\s*time:\s+\[([\d.]+) (\S+) ([\d.]+) (\S+)", text, re.M):
    est[name] = (float(lo) * unit[lu], float(mid) * unit[mu])
def ms(x): return f"{x*1e3:.1f} ms"
normals = est["normals/11m_1_thread"][1]
print()
print("== summary ==")
print(f"(a) numpy {numpy_s:.3f} s / safetech CLI 2 threads {cli2:.3f} s = {numpy_s/cli2:.1f}x "
      f"(1 thread: {numpy_s/cli1:.1f}x)  [need >= 10x]")
for k in ("simulate/1m_one_event_1_thread", "simulate/1m_baseline_1_thread"):
    if k in est:
        print(f"(b) criterion {k} {ms(est[k][1])} / normals {ms(normals)} = {est[k][1]/normals:.2f}x")
for k, v in paired.items():
    print(f"(b) paired rounds, {k}: median {v:.2f}x  [need <= 4x]")
if "simulate/100k_2_threads" in est:
    print(f"(c) simulate/100k_2_threads {ms(est['simulate/100k_2_threads'][1])}  [need < 16 ms]")
print(f"(5) safetech run (no flags) {plain:.3f} s wall  [need < 0.3 s]")
PY
echo "load after: $(uptime)"
