#!/usr/bin/env bash
# bench/ab.sh — issue 13's rows for two commits, side by side in the same minutes: on a shared VM
# whose speed swings by 30% from one minute to the next, only runs that alternate compare.
#
# Usage (from any directory; needs Go, git, GNU time, ../shared beside the repository):
#   bench/ab.sh OLD [NEW]        # commits (default NEW: the working tree)
#
# Environment (all optional):
#   RUNS=N                       rounds (default 3); each round runs every row with OLD, then NEW
#   CAP_300K, CAP_1M, CAP_1G     the captures (default: bench/out's, made by bench/scale.sh)
#
# Prints, per row and commit: wall clock, CPU (user + system) and peak RSS of each round, and for
# the explorer rows the load's own time from BenchmarkExplorerLoad's "loaded in" line.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/out/ab
OLD=${1:?usage: bench/ab.sh OLD [NEW]}
NEW=${2:-}
RUNS=${RUNS:-3}
CAP_300K=${CAP_300K:-$BENCH/out/scale-300k.pcap}
CAP_1M=${CAP_1M:-$BENCH/out/scale-1m.pcap}
CAP_1G=${CAP_1G:-$BENCH/out/bench-1g.pcap}
command -v /usr/bin/time >/dev/null || { echo "ab.sh: needs GNU time (apt-get install time)"; exit 2; }
for c in "$CAP_300K" "$CAP_1M" "$CAP_1G"; do
  [ -s "$c" ] || { echo "ab.sh: $c is missing (bench/scale.sh makes it)"; exit 2; }
done
mkdir -p "$OUT"

# build TAG REV: the CLI and the ui test binary of REV ("" = the working tree) into $OUT.
build() {
  local tag=$1 rev=$2 dir=$REPO
  if [ -n "$rev" ]; then
    dir=$OUT/src-$tag
    rm -rf "$dir"
    git -C "$REPO" worktree add -q --detach "$dir" "$rev"
  fi
  (cd "$dir" && go build -o "$OUT/pcapsurgery-$tag" . && go test -c -o "$OUT/ui-$tag.test" ./ui)
  if [ -n "$rev" ]; then git -C "$REPO" worktree remove --force "$dir"; fi
}
build old "$OLD"
build new "$NEW"
for c in "$CAP_300K" "$CAP_1M" "$CAP_1G"; do cat "$c" >/dev/null; done # page cache

runs=$OUT/ab.runs
: > "$runs"
timed() { # ROW TAG CMD...
  local row=$1 tag=$2
  shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err"
  echo "$row $tag $(cat "$OUT/time") $(sed -n 's/.*loaded [0-9]* flows in \([0-9.]*m*s\).*/\1/p' "$OUT/err")" >> "$runs"
}
explorer() { # ROW TAG CAPTURE
  GOGC=50 PCS_SCALE_CAPTURE=$3 timed "$1" "$2" "$OUT/ui-$2.test" -test.run '^$' -test.bench '^BenchmarkExplorerLoad$' -test.benchtime 1x
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$RUNS"); do
  for tag in old new; do
    explorer "explorer-300k" $tag "$CAP_300K"
    explorer "explorer-1m" $tag "$CAP_1M"
    timed "summary-300k" $tag "$OUT/pcapsurgery-$tag" summary "$CAP_300K"
    timed "json-300k" $tag "$OUT/pcapsurgery-$tag" summary --json "$CAP_300K"
    timed "summary-1m" $tag "$OUT/pcapsurgery-$tag" summary "$CAP_1M"
    timed "json-1m" $tag "$OUT/pcapsurgery-$tag" summary --json "$CAP_1M"
    timed "json-1g" $tag "$OUT/pcapsurgery-$tag" summary --json "$CAP_1G"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{ k = $1 " " $2; w[k] = w[k] " " $3; c[k] = c[k] " " ($4 + $5); r[k] = r[k] " " int($6 / 1024); l[k] = l[k] " " $7 }
  END { for (k in w) printf "%-20s wall:%s | CPU:%s | RSS MB:%s%s\n", k, w[k], c[k], r[k], (l[k] ~ /[0-9]/ ? " | loaded in:" l[k] : "") }' "$runs" | sort
