#!/usr/bin/env python3
"""Resident memory of the view with every built-in scenario at 1,000,000 paths, read from
outside (/proc/PID/status VmRSS) after visiting every tab: the figure the limit in
benches/README.md is about (at most 150 MB).

Usage: benches/view_memory.py [path/to/safetech] [--paths N] [--wait SECONDS]
(default: the release build, in $CARGO_TARGET_DIR if set; 1,000,000 paths; 20 s a tab).

The view runs in a pseudo-terminal of 160x45. Each tab is shown for the wait (the Drivers tab
refines its rows for several seconds); then VmRSS is read, and at the end the peak (VmHWM).
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
default_bin = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")),
                           "release", "safetech")
parser = argparse.ArgumentParser()
parser.add_argument("binary", nargs="?", default=default_bin)
parser.add_argument("--paths", type=int, default=1_000_000)
parser.add_argument("--wait", type=float, default=20.0)
parser.add_argument("--limit-mb", type=float, default=150.0)
args = parser.parse_args()

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.environ["COLUMNS"], os.environ["LINES"] = "160", "45"
    os.execv(args.binary, [args.binary, "tui", "-n", str(args.paths)])

import fcntl
import struct
import termios

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))


def pump(seconds):
    """Reads (and drops) the screen for `seconds`, so the view never blocks on its output."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            try:
                os.read(fd, 1 << 16)
            except OSError:
                return


def status(field):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) / 1024


readings = []
try:
    pump(args.wait)
    readings.append(("Fan, at start", status("VmRSS")))
    for key, tab in [("2", "Compare"), ("3", "Distribution"), ("4", "Drivers"), ("5", "Teach"),
                     ("1", "Fan")]:
        os.write(fd, key.encode())
        pump(args.wait)
        readings.append((tab, status("VmRSS")))
    peak = status("VmHWM")
finally:
    os.write(fd, b"q")
    pump(1.0)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)

for tab, mb in readings:
    print(f"{tab:>16}: {mb:6.1f} MB resident")
final = readings[-1][1]
ok = final <= args.limit_mb
print(f"view, all built-ins at {args.paths:,} paths, after every tab: {final:.1f} MB resident "
      f"(peak {peak:.1f} MB; limit {args.limit_mb:.0f} MB): {'ok' if ok else 'NOT MET'}")
sys.exit(0 if ok else 1)
