#!/usr/bin/env bash
# Plain-text screen captures of the interactive view, as a user sees it, for
# docs/tui/captures/. Usage:
#   docs/tui/captures/capture.sh BINARY PREFIX OUTDIR
# e.g. capture.sh target/release/safetech current docs/tui/captures
# Writes PREFIX-WxH-NAME.txt for every tab, the help overlay and the Teach steps, at 80x24
# and 200x50. TABS lists the key and name of each tab after the first (the Teach tab draws
# the same view as `safetech teach`, whose steps are captured one by one as teach1-teach7);
# older builds had no Drivers or Teach tab:
#   TABS="2:compare 3:distribution" capture.sh ... Each capture waits until the screen stops changing (the million-path runs and
# the walkthrough's animations settle), so it shows final numbers.
set -euo pipefail
bin=$(realpath "$1")
prefix=$2
out=$3
mkdir -p "$out"
session=capture-$$
# A session kept open throughout, so the tmux server does not exit (and race the next
# new-session) each time a capture's session closes.
tmux new-session -d -s "$session-keep" "sleep 3600"
trap 'tmux kill-session -t "$session-keep" 2>/dev/null || true' EXIT
tabs=${TABS:-2:compare 3:distribution 4:drivers 5:teach-tab}

settle() {
    # Two identical captures 3 s apart, or give up after about four minutes.
    local prev="" now
    for _ in $(seq 1 80); do
        sleep 3
        now=$(tmux capture-pane -p -t "$session")
        if [[ "$now" == "$prev" && "$now" != *simulating* && "$now" != *preview* && "$now" != *solving* ]]; then
            return
        fi
        prev=$now
    done
    echo "warning: $session did not settle" >&2
}

shot() { # NAME
    settle
    tmux capture-pane -p -t "$session" > "$out/$prefix-$size-$1.txt"
}

open() { # COMMAND...
    tmux new-session -d -s "$session" -x "${size%x*}" -y "${size#*x}" "$*; sleep 600"
}

close() { tmux kill-session -t "$session"; }

for size in 80x24 200x50; do
    open "$bin"
    shot fan
    for k in $tabs; do
        tmux send-keys -t "$session" "${k%%:*}"
        shot "${k#*:}"
    done
    close

    open "$bin"
    tmux send-keys -t "$session" '?'
    shot help
    close

    # A scenario whose horizon is 2035, for the year axis.
    open "$bin" tui -s maturing
    shot fan-maturing
    close

    open env NO_COLOR=1 "$bin"
    shot nocolor-fan
    tmux send-keys -t "$session" 3
    shot nocolor-distribution
    close

    # Three scenarios on the Compare chart, for its glyph key.
    open env NO_COLOR=1 "$bin" tui -s maturing -s osa-enforced -s kosa
    tmux send-keys -t "$session" 2
    shot nocolor-compare
    close

    open "$bin" teach
    for step in 1 2 3 4 5 6 7; do
        shot "teach$step"
        tmux send-keys -t "$session" Space
    done
    close
done
