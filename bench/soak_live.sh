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
#   RATE=N             write N flows a second of wall time (e.g. RATE=20000): gencap workers make
#                      chunks ahead into the temporary directory (fresh seeds throughout; two before
#                      the clock starts, one while it runs) and the stream sends one every CHUNK/RATE
#                      s; unset: as fast as one gencap writes.
#                      The rate reached is printed at the end (the workers may fall behind)
#   AHEAD=N            with RATE: chunks made before the clock starts, and kept ready while it runs
#                      (default 6; each 20,000-flow chunk is about 84 MB of disk), so that the
#                      workers' shortfall comes out of a stock instead of the rate
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
  if [ -n "${RATE:-}" ]; then
    paced_stream
    return
  fi
  local seed=1 end=$((SECONDS + dur))
  "$tmp/gencap" -o - -flows "$chunk" -bytes-per-flow 200 -rate 20000 -seed $seed 2>/dev/null
  while [ $SECONDS -lt $end ]; do
    seed=$((seed + 1))
    "$tmp/gencap" -o - -flows "$chunk" -bytes-per-flow 200 -rate 20000 -seed $seed 2>/dev/null | tail -c +25
  done
  echo "$seed" > "$tmp/runs"
}

# gen_ahead WORKER: makes the next chunk no other worker has claimed into $tmp/chunk.N.pcap, at
# most AHEAD ahead of the stream, until the stream is done. Worker 2 stops when the clock starts:
# while the stream runs, the generator must not take the cores the program being measured needs
# (the stock made before covers what one worker cannot keep up with).
gen_ahead() {
  local w=$1 s=1
  while [ ! -e "$tmp/stop" ] && ! { [ "$w" = 2 ] && [ -e "$tmp/started" ]; }; do
    while [ "$(find "$tmp" -maxdepth 1 -name 'chunk.*.pcap' | wc -l)" -ge "${AHEAD:-6}" ] && [ ! -e "$tmp/stop" ]; do sleep 0.05; done
    if mkdir "$tmp/claim.$s" 2>/dev/null; then
      "$tmp/gencap" -o "$tmp/part.$s" -flows "$chunk" -bytes-per-flow 200 -rate 20000 -seed "$s" 2>/dev/null &&
        mv "$tmp/part.$s" "$tmp/chunk.$s.pcap"
    fi
    s=$((s + 1))
  done
}

# paced_stream sends the workers' chunks in seed order, one every CHUNK/RATE seconds of wall time.
paced_stream() {
  local seed=1 end t0 f
  gen_ahead 1 &
  gen_ahead 2 &
  while [ "$(find "$tmp" -maxdepth 1 -name 'chunk.*.pcap' | wc -l)" -lt "${AHEAD:-6}" ]; do sleep 0.2; done
  touch "$tmp/started"
  t0=$(date +%s.%N) end=$((SECONDS + dur))
  while :; do
    f="$tmp/chunk.$seed.pcap"
    while [ ! -e "$f" ]; do sleep 0.01; done
    if [ "$seed" = 1 ]; then cat "$f"; else tail -c +25 "$f"; fi
    rm -f "$f"
    [ $SECONDS -ge $end ] && break
    sleep "$(awk -v t0="$t0" -v n="$seed" -v c="$chunk" -v r="$RATE" -v now="$(date +%s.%N)" 'BEGIN {d = t0 + n * c / r - now; print (d > 0 ? d : 0)}')"
    seed=$((seed + 1))
  done
  echo "$seed" > "$tmp/runs"
  awk -v t0="$t0" -v n="$seed" -v c="$chunk" -v now="$(date +%s.%N)" 'BEGIN {printf "%.0f", n * c / (now - t0)}' > "$tmp/rate"
  touch "$tmp/stop"
  wait
  rm -rf "$tmp"/chunk.*.pcap "$tmp"/part.* "$tmp"/claim.*
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
[ -s "$tmp/rate" ] && echo "rate reached: $(cat "$tmp/rate") flows/s of wall time (RATE=$RATE)"
if [ "$mode" = explorer ]; then
  sleep 2
  tmux capture-pane -p -t "$sess" | head -3
  tmux send-keys -t "$sess" q
else
  cat "$tmp/err.txt"
fi
