#!/usr/bin/env bash
# bench/scale.sh — issue 13's measurement: cost by flows (300,000 and 1,000,000 connections).
#
# Usage (from any directory; needs Go, GNU time, ../shared beside the repository; tshark and
# tmux for their rows):
#   bench/scale.sh
#
# Environment (all optional):
#   RUNS=N          runs per row (default 1: the machine is shared; the median is reported)
#   TSHARK=0        skip tshark on the 1 GB capture (one run, ~40 s)
#   FIRST_ROWS=0    skip the first-rows-on-screen row (needs tmux)
#   CAP_300K, CAP_1M, CAP_1G   use these capture files (made with the flags below when missing)
#   RESULTS=PATH    where to write the table (default bench/out/SCALE.md)
#
# Rows (wall clock and peak RSS from /usr/bin/time -v):
# - explorer, fully loaded: there is no terminal-free explorer, so this is
#   `go test -bench ExplorerLoad ./ui` built as a test binary and run once on the capture, with
#   GOGC=50 as main.go sets it
#   (ui/load_bench_test.go): the real loader on its own goroutine, every batch through the
#   explorer's Update and a frame of View, until the last batch is in. The time is the load's
#   own (printed by the benchmark), the RSS the whole test process's.
# - summary (table) and summary --json, output to /dev/null.
# - summary --json on the 1 GB capture against the tshark handshake summary of DESIGN.md.
# - first rows on screen (bench/first_rows.sh, tmux's own cost taken off).
# - 1M flows loaded: cursor, page, open, re-filter (go test -bench List1M ./ui).
set -uo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/out
GENCAP_SRC=$REPO/../shared/tools/gencap
[ -d "$GENCAP_SRC" ] || GENCAP_SRC=$REPO/../../shared/tools/gencap # a worktree under wt/
mkdir -p "$OUT"
cd "$REPO"
RUNS=${RUNS:-1}
RESULTS=${RESULTS:-$OUT/SCALE.md}
CAP_300K=${CAP_300K:-$OUT/scale-300k.pcap}
CAP_1M=${CAP_1M:-$OUT/scale-1m.pcap}
CAP_1G=${CAP_1G:-$OUT/bench-1g.pcap}

command -v /usr/bin/time >/dev/null || { echo "scale.sh: needs GNU time (apt-get install time)"; exit 2; }
go build -o "$OUT/pcapsurgery" . || exit 1
go test -c -o "$OUT/ui.test" ./ui || exit 1
(cd "$GENCAP_SRC" && go build -o "$OUT/gencap" .) || { echo "scale.sh: cannot build gencap in $GENCAP_SRC"; exit 1; }

make_capture() { # path, gencap flags...
  local path=$1
  shift
  [ -s "$path" ] && return
  echo "generating $path: gencap $*"
  "$OUT/gencap" -o "$path.tmp" "$@" && mv "$path.tmp" "$path" || exit 1
}
make_capture "$CAP_300K" -flows 300000 -bytes-per-flow 200 -seed 2 -rate 5000
make_capture "$CAP_1M" -mix synflood -flows 1000000 -seed 3 -rate 20000
make_capture "$CAP_1G" -flows 35000 -seed 1
for f in "$CAP_300K" "$CAP_1M" "$CAP_1G"; do cat "$f" >/dev/null; done # page cache

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# timed NAME CMD... — runs CMD RUNS times; sets WALL (s), CPU (user + system s) and RSS (MB),
# each the median. On a shared machine CPU moves less than WALL.
timed() {
  local name=$1 i walls=() cpus=() rsss=()
  shift
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v -o "$OUT/$name.time" "$@" >/dev/null 2>"$OUT/$name.err"
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s}' "$OUT/$name.time")")
    cpus+=("$(awk -F': ' '/(User|System) time/ {s += $2} END {printf "%.1f", s}' "$OUT/$name.time")")
    rsss+=("$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$OUT/$name.time")")
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
  WALL=$(median "${walls[@]}")
  CPU=$(median "${cpus[@]}")
  RSS=$(median "${rsss[@]}")
}

# explorer CAPTURE — sets WALL from the benchmark's own "loaded in" line, RSS from time.
explorer() {
  GOGC=50 PCS_SCALE_CAPTURE=$1 timed explorer "$OUT/ui.test" -test.run '^$' -test.bench '^BenchmarkExplorerLoad$' -test.benchtime 1x
  WALL=$(sed -n 's/.*explorer loaded [0-9]* flows in \([0-9.ms]*\).*/\1/p' "$OUT/explorer.err" |
    awk '/ms$/ {print $1 / 1000; next} /m/ {split($1, p, "m"); sub(/s$/, "", p[2]); print p[1] * 60 + p[2]; next} {sub(/s$/, ""); print}' |
    sort -g | head -1)
}

rows=()
row() { rows+=("| $1 | $2 | $3 |"); echo "$1: $2"; }

explorer "$CAP_300K"
row "explorer, fully loaded, 300k flows" "${WALL} s (CPU ${CPU} s), ${RSS} MB" "≤ 3 s, ≤ 400 MB"
timed table "$OUT/pcapsurgery" summary "$CAP_300K"
row "\`summary\` (table), 300k flows" "${WALL} s (CPU ${CPU} s), ${RSS} MB" "≤ 2 s, ≤ 300 MB"
timed json "$OUT/pcapsurgery" summary --json "$CAP_300K"
row "\`summary --json\`, 300k flows" "${WALL} s (CPU ${CPU} s), ${RSS} MB" "≤ 3 s, ≤ 300 MB"
explorer "$CAP_1M"
row "explorer, fully loaded, 1M flows (synflood)" "${WALL} s (CPU ${CPU} s), ${RSS} MB" "≤ 3 s, ≤ 500 MB"
timed table "$OUT/pcapsurgery" summary "$CAP_1M"
t="${WALL} s (CPU ${CPU} s), ${RSS} MB"
timed json "$OUT/pcapsurgery" summary --json "$CAP_1M"
row "\`summary\` / \`summary --json\`, 1M flows" "$t / ${WALL} s (CPU ${CPU} s), ${RSS} MB" "≤ 2 s, ≤ 400 MB"

timed json1g "$OUT/pcapsurgery" summary --json "$CAP_1G"
ours=$WALL ourcpu=$CPU
if [ "${TSHARK:-1}" = 1 ] && command -v tshark >/dev/null; then
  timed tshark tshark -r "$CAP_1G" -2 -Y 'tls.handshake.type==1 || tls.alert_message' -T fields -e tcp.stream -e tls.handshake.extensions_server_name
  row "1 GB gencap (35k flows) vs tshark -2 handshake summary" "$(awk -v a="$ours" -v b="$WALL" -v ac="$ourcpu" -v bc="$CPU" 'BEGIN {printf "%.0fx (%s s against %s s; CPU %s s against %s s)", b / a, a, b, ac, bc}')" "≥ 70x"
else
  row "1 GB gencap (35k flows), summary --json" "$ours s (CPU $ourcpu s; tshark not run)" "≥ 70x tshark"
fi

if [ "${FIRST_ROWS:-1}" = 1 ] && command -v tmux >/dev/null; then
  fr=$(bash "$BENCH/first_rows.sh" "$OUT/pcapsurgery" "$CAP_1M" |
    awk '{e = $4; t = $7; if (e != "timeout") print e - t}' | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  row "first rows on screen, 1M-flow file" "${fr} ms" "≤ 0.3 s"
fi

bench=$(go test -run '^$' -bench 'List1M(CursorMove|PageDown|OpenFlow|Refilter)$' -benchtime 20x ./ui 2>&1)
ms() { echo "$bench" | awk -v n="$1" '$1 ~ n {printf "%.1f", $3 / 1e6}'; }
row "1M flows loaded: cursor, page, open / re-filter" "$(ms CursorMove) / $(ms PageDown) / $(ms OpenFlow) ms / $(ms Refilter) ms" "≤ 16 ms / ≤ 50 ms"

{
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); pcapsurgery $(git rev-parse --short HEAD)"
  echo "- machine: \`nproc\` = $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM"
  echo "- load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); runs per row: $RUNS (median)"
  echo
  echo "| path | measured | target |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$RESULTS"
echo "written to $RESULTS"
