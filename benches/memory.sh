#!/usr/bin/env bash
# Peak resident memory of `safetech run` at 1,000,000 paths, horizon 2035 vs 2050
# (it must not grow with the horizon, within 10%, and stay at most 80 MB: benches/README.md).
# Usage: benches/memory.sh [path/to/safetech]   (default: the release build, in $CARGO_TARGET_DIR if set)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/safetech}
peak_kb() {
  # ru_maxrss of the finished child, in KB on Linux; python is everywhere /usr/bin/time is not.
  python3 - "$bin" "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
a=$(peak_kb run -n 1000000 -s osa-enforced --horizon 2035)
b=$(peak_kb run -n 1000000 -s osa-enforced --horizon 2050)
python3 - "$a" "$b" <<'PY'
import sys
a, b = (int(x) for x in sys.argv[1:])
growth = b / a - 1
ok = abs(growth) <= 0.10 and max(a, b) <= 80 * 1024
print(f"peak RSS 1M paths: horizon 2035 {a/1024:.1f} MB, horizon 2050 {b/1024:.1f} MB, "
      f"growth {growth:+.1%} (limit ±10%, ≤ 80 MB): {'ok' if ok else 'NOT MET'}")
PY
