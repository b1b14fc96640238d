#!/usr/bin/env bash
# bench/groupby.sh — issue 14's measurement: summary --by against summary --json on the 1 GB
# gencap capture (memory under 100 MB, time within 10% of --json's).
#
# Usage (from any directory; needs Go, GNU time, ../shared beside the repository):
#   bench/groupby.sh
#
# Environment (all optional):
#   RUNS=N        rounds (default 11); each round runs every form once, in turn, so the forms
#                 share the machine's minute-to-minute swings (on a shared VM they reach 30%)
#   CAP_1G=PATH   the capture (default bench/out/bench-1g.pcap, made with gencap -flows 35000 -seed 1)
#   FORMS="..."   the summary arguments to compare, separated by ';' (the first is the baseline)
#
# Prints, per form: median and lowest wall time, median CPU (user + system), peak RSS (highest of
# the runs), and the medians' difference from the baseline's.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/out
mkdir -p "$OUT"
RUNS=${RUNS:-11}
CAP_1G=${CAP_1G:-$OUT/bench-1g.pcap}
FORMS=${FORMS:-"--json;--by server;--by client --json;--by client,server;--by client,server --json;--by sni,ja4;--by ja4,client --json"}
command -v /usr/bin/time >/dev/null || { echo "groupby.sh: needs GNU time (apt-get install time)"; exit 2; }
(cd "$REPO" && go build -o "$OUT/pcapsurgery" .)
if [ ! -s "$CAP_1G" ]; then
  gencap_src=$REPO/../shared/tools/gencap
  (cd "$gencap_src" && go build -o "$OUT/gencap" .)
  "$OUT/gencap" -o "$CAP_1G.tmp" -flows 35000 -seed 1 && mv "$CAP_1G.tmp" "$CAP_1G"
fi
cat "$CAP_1G" >/dev/null # page cache
IFS=';' read -r -a forms <<< "$FORMS"
runs=$OUT/groupby.runs
: > "$runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$RUNS"); do
  for f in "${forms[@]}"; do
    # shellcheck disable=SC2086 # a form is several arguments
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/groupby.time" "$OUT/pcapsurgery" summary $f "$CAP_1G" >/dev/null
    echo "$f|$(cat "$OUT/groupby.time")" >> "$runs"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F'|' -v base="${forms[0]}" '
  function median(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  function lowest(s,   n, a, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
  {
    split($2, v, " ")
    if (!($1 in wall)) order[++forms] = $1
    wall[$1] = wall[$1] " " v[1]; cpu[$1] = cpu[$1] " " (v[2] + v[3])
    if (v[4] / 1024 > rss[$1]) rss[$1] = v[4] / 1024
  }
  END {
    bw = median(wall[base]); bc = median(cpu[base])
    printf "%-30s %10s %8s %10s %8s %6s %6s\n", "form", "wall med", "lowest", "CPU med", "RSS MB", "wall", "CPU"
    for (i = 1; i <= forms; i++) {
      f = order[i]; w = median(wall[f]); c = median(cpu[f])
      printf "%-30s %9.3fs %7.2fs %9.2fs %8d %+5.0f%% %+5.0f%%\n", f, w, lowest(wall[f]), c, rss[f], (w / bw - 1) * 100, (c / bc - 1) * 100
    }
  }' "$runs"
