#!/usr/bin/env bash
# bench/first_rows.sh BINARY CAPTURE — milliseconds from starting the explorer in tmux (200x50)
# until its first flow row is on screen, and the same for a command that prints a row at once
# (tmux's own cost, to take off). Needs tmux.
set -u
bin=$1 capture=$2
measure() { # $1: command to run in the pane
  tmux kill-session -t firstrows 2>/dev/null
  local start now
  start=$(date +%s%N)
  tmux new-session -d -s firstrows -x 200 -y 50 "$1"
  while ! tmux capture-pane -p -t firstrows | grep -qE '^ +1 '; do
    now=$(date +%s%N)
    if [ $(((now - start) / 1000000)) -gt 10000 ]; then echo timeout; tmux kill-session -t firstrows; return; fi
    sleep 0.005
  done
  now=$(date +%s%N)
  tmux kill-session -t firstrows
  echo $(((now - start) / 1000000))
}
for i in 1 2 3; do
  echo "run $i: explorer $(measure "$bin $capture") ms, tmux alone $(measure "printf '      1 x\n'; sleep 5") ms"
done
