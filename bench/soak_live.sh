#!/usr/bin/env bash
# bench/soak_live.sh — issue 16's soak: an endless live stream into `pcapsurgery summary --json -`,
# peak RSS sampled every few seconds, and whether any flow went unreported.
#
# Usage (from the repository; needs Go and ../shared/tools/gencap beside the repository):
#   bench/soak_live.sh                 60 s at about 20,000 flows/s of capture time
#   SECONDS_TO_RUN=600 bench/soak_live.sh    the 10-minute soak the issue asks for
#
# Environment (all optional):
#   SECONDS_TO_RUN=N   how long the generator writes (default 60)
#   CHUNK=N            flows per gencap run; each run gets a fresh seed (default 20000)
#   SAMPLE=N           seconds between RSS samples (default 5)
#   GENCAP_DIR=DIR     gencap's source (default ../shared/tools/gencap from the repository)
#
# The stream is one pcap: the first gencap run's output whole, every later run's without its
# 24-byte file header (tcpdump -U -w - writes one header, then records for as long as it runs).
# Output: a line per sample (elapsed s, RSS MB, flows printed so far), then the totals; the JSON
# lines themselves go to a temporary file that is removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dur=${SECONDS_TO_RUN:-60} chunk=${CHUNK:-20000} sample=${SAMPLE:-5}
gencap_dir=${GENCAP_DIR:-$here/../shared/tools/gencap}
[ -d "$gencap_dir" ] || gencap_dir=/work/shared/tools/gencap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && go build -o "$tmp/pcapsurgery" .)
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

stream | "$tmp/pcapsurgery" summary --json - > "$tmp/out.jsonl" 2> "$tmp/err.txt" &
pid=$!
sleep 1
peak=0 start=$SECONDS
while kill -0 $pid 2>/dev/null; do
  pcs=$(pgrep -P $$ -n -f "$tmp/pcapsurgery summary" || true)
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/${pcs:-0}/status 2>/dev/null || echo 0)
  peak=$((rss > peak ? rss : peak))
  echo "t=$((SECONDS - start))s rss=${rss}MB flows_printed=$(wc -l < "$tmp/out.jsonl")"
  sleep "$sample"
done
wait $pid || true
runs=$(cat "$tmp/runs" 2>/dev/null || echo '?')
echo "gencap runs: $runs x $chunk flows = $((${runs/\?/0} * chunk)) flows written; flows printed: $(wc -l < "$tmp/out.jsonl")"
echo "peak RSS sampled: ${peak} MB"
cat "$tmp/err.txt"
