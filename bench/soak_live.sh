#!/usr/bin/env bash
# bench/soak_live.sh — issue 16's soak: an endless live stream into `pcapsurgery summary --json -`,
# peak RSS sampled every few seconds, and whether any flow went unreported.
#
# Usage (from the repository; needs Go and ../shared/tools/gencap beside the repository):
#   bench/soak_live.sh                 60 s at about 20,000 flows/s of capture time
#   SECONDS_TO_RUN=600 bench/soak_live.sh    the 10-minute soak the issue asks for
#   MODE=explorer bench/soak_live.sh         the explorer (`pcapsurgery -` in a tmux pane) instead of summary
#
# Environment (all optional):
#   SECONDS_TO_RUN=N   how long the generator writes (default 60)
#   CHUNK=N            flows per gencap run; each run gets a fresh seed (default 20000)
#   SAMPLE=N           seconds between RSS samples (default 5)
#   GENCAP_DIR=DIR     gencap's source (default ../shared/tools/gencap from the repository)
#   FLAGS="..."        extra flags for pcapsurgery (e.g. --retain-flows 0 --retain-ok 0 --retain-failed 0
#                      --idle 0 to keep every flow, as before retention)
#
# The stream is one pcap: the first gencap run's output whole, every later run's without its
# 24-byte file header (tcpdump -U -w - writes one header, then records for as long as it runs),
# through bench/monotime, which makes the clock run on across runs (each gencap run starts at the
# same capture time; a live capture's clock only goes forward, and retention's ages are capture time).
# Output: a line per sample (elapsed s, RSS MB, flows printed so far), then the totals; the JSON
# lines themselves go to a temporary file that is removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dur=${SECONDS_TO_RUN:-60} chunk=${CHUNK:-20000} sample=${SAMPLE:-5}
gencap_dir=${GENCAP_DIR:-$here/../shared/tools/gencap}
[ -d "$gencap_dir" ] || gencap_dir=/work/shared/tools/gencap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && go build -o "$tmp/pcapsurgery" . && go build -o "$tmp/monotime" ./bench/monotime)
mode=${MODE:-summary} flags=${FLAGS:-}
(cd "$gencap_dir" && go build -o "$tmp/gencap" .)

stream() {
  local seed=1 end=$((SECONDS + dur))
  "$tmp/gencap" -o - -flows "$chunk" -bytes-per-flow 200 -rate 20000 -seed $seed 2>/dev/null
  while [ $SECONDS -lt $end ]; do
    seed=$((seed + 1))
    "$tmp/gencap" -o - -flows "$chunk" -bytes-per-flow 200 -rate 20000 -seed $seed 2>/dev/null | tail -c +25
  done
  echo "$seed" > "$tmp/runs"
}

touch "$tmp/out.jsonl"
if [ "$mode" = explorer ]; then
  # The explorer needs a terminal: a detached tmux pane, 200 columns so the live line shows whole.
  mkfifo "$tmp/in.fifo"
  sess="soak-live-$$"
  tmux new-session -d -s "$sess" -x 200 -y 50 "TMPDIR=$tmp $tmp/pcapsurgery $flags $tmp/in.fifo"
  trap 'tmux kill-session -t "$sess" 2>/dev/null; rm -rf "$tmp"' EXIT
  (stream | "$tmp/monotime" > "$tmp/in.fifo"; echo done > "$tmp/streamed") &
  pid=$!
  sleep 1
  pcs=$(pgrep -n -f "^$tmp/pcapsurgery" || true)
else
  stream | "$tmp/monotime" | "$tmp/pcapsurgery" summary --json $flags - > "$tmp/out.jsonl" 2> "$tmp/err.txt" &
  pid=$!
  sleep 1
  pcs=$(pgrep -n -f "^$tmp/pcapsurgery summary" || true)
fi
peak=0 start=$SECONDS
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/${pcs:-0}/status 2>/dev/null || echo 0)
  peak=$((rss > peak ? rss : peak))
  if [ "$mode" = explorer ]; then
    echo "t=$((SECONDS - start))s rss=${rss}MB $(tmux capture-pane -p -t "$sess" | sed -n 2p | tr -s ' ')"
  else
    echo "t=$((SECONDS - start))s rss=${rss}MB flows_printed=$(wc -l < "$tmp/out.jsonl")"
  fi
  sleep "$sample"
done
wait $pid || true
runs=$(cat "$tmp/runs" 2>/dev/null || echo '?')
echo "gencap runs: $runs x $chunk flows = $((${runs/\?/0} * chunk)) flows written; flows printed: $(wc -l < "$tmp/out.jsonl")"
echo "peak RSS sampled: ${peak} MB"
if [ "$mode" = explorer ]; then
  sleep 2
  tmux capture-pane -p -t "$sess" | head -3
  tmux send-keys -t "$sess" q
else
  cat "$tmp/err.txt"
fi
