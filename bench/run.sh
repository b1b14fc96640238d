#!/usr/bin/env bash
# bench/run.sh — issue 4's measurement: pcapsurgery against tshark on gencap captures.
#
# Usage (from any directory; needs Go, apt, and ../shared beside the repository):
#   bench/run.sh              full: 1 GB capture (-flows 35000 -seed 1) and the 4 GB one with 4x
#                             the application data; 5 pcapsurgery and 3 tshark runs, alternating
#   QUICK=1 bench/run.sh      ~100 MB capture (-flows 3500) and its 400 MB 4x-data twin; 3 runs each
#
# Environment (all optional):
#   RUNS=N               pcapsurgery runs per measurement (default 5; at least 3)
#   TSHARK_RUNS=N        tshark runs per measurement (default 3); if the first tshark run of a
#                        series takes more than 10 minutes, that series stops after one run
#   TSHARK_BIG=0         skip tshark on the 4x-data capture (default: one run there, if the
#                        machine has the memory: tshark -2 keeps every frame)
#   REGEN=1              regenerate the captures even when they exist with the same flags
#   PCAPSURGERY=PATH     measure this binary instead of building one
#   BUILD_WAIT=SECONDS   if `go build` fails, retry every minute for this long (default 0)
#   RESULTS=PATH         where to write the table (default bench/RESULTS.md; QUICK: bench/out/RESULTS-quick.md)
#
# What it does: installs tshark and GNU time with apt when missing, builds pcapsurgery, gencap
# and bench/compare into bench/out/, generates the captures there (gitignored), warms the page
# cache, then times `pcapsurgery summary --json` and the issue's tshark command alternately with
# /usr/bin/time -v (wall clock and peak RSS), checks that both saw the same flows, SNIs and
# alerts (bench/compare), times `pcapsurgery export --flow ID` of a flow from the middle of the
# file against tshark writing the same conversation, and writes a markdown table of medians,
# MB/s (10^6 bytes of capture per second), ratios and the issue's targets.
set -uo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/out
GENCAP_SRC=$REPO/../shared/tools/gencap
mkdir -p "$OUT"
cd "$REPO"

QUICK=${QUICK:-0}
TSHARK_RUNS=${TSHARK_RUNS:-3}
TSHARK_BIG=${TSHARK_BIG:-1}
TSHARK_LIMIT=600 # seconds: one tshark run longer than this cuts its series to one run
if [ "$QUICK" = 1 ]; then
  RUNS=${RUNS:-3}
  MAIN_ARGS="-flows 3500 -seed 1"
  BIG_ARGS="-flows 3500 -seed 1 -bytes-per-flow 65536"
  MAIN=$OUT/bench-100m.pcap
  BIG=$OUT/bench-400m-4x.pcap
  RESULTS=${RESULTS:-$OUT/RESULTS-quick.md}
else
  RUNS=${RUNS:-5}
  MAIN_ARGS="-flows 35000 -seed 1"
  BIG_ARGS="-flows 35000 -seed 1 -bytes-per-flow 65536"
  MAIN=$OUT/bench-1g.pcap
  BIG=$OUT/bench-4g-4x.pcap
  RESULTS=${RESULTS:-$BENCH/RESULTS.md}
fi
RD=$OUT/runs-$([ "$QUICK" = 1 ] && echo quick || echo full) # this mode's timings and outputs
mkdir -p "$RD"
[ "$RUNS" -ge 3 ] || { echo "run.sh: RUNS must be at least 3"; exit 2; }

TSHARK_FILTER='tls.handshake.type==1 || tls.handshake.type==2 || tls.alert_message'
TSHARK_FIELDS=(-T fields -e tcp.stream -e tls.handshake.extensions_server_name -e tls.handshake.type -e tls.alert_message.desc)
NOTES=() # lines for the "notes" section of the results

say() { printf '\n== %s\n' "$*"; }
note() { NOTES+=("$*"); echo "note: $*"; }

# ---------------------------------------------------------------- tools
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@" || {
    echo "run.sh: could not install $* with apt"
    exit 1
  }
}
missing=()
command -v tshark >/dev/null || missing+=(tshark)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

say "building into $OUT"
if [ -n "${PCAPSURGERY:-}" ]; then
  cp "$PCAPSURGERY" "$OUT/pcapsurgery" || exit 1
  note "measured the given binary $PCAPSURGERY"
else
  deadline=$(($(date +%s) + ${BUILD_WAIT:-0}))
  until go build -o "$OUT/pcapsurgery" .; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "run.sh: go build failed"
      exit 1
    fi
    echo "run.sh: go build failed; retrying in 60 s"
    sleep 60
  done
fi
# What was measured: the commit, and whether the working tree differed from it (others at work).
BUILD_REV="$(git rev-parse --short HEAD)$( [ -z "$(git status --porcelain -- . ':!bench' 2>/dev/null)" ] || echo ' + uncommitted changes in the working tree')"
BUILD_AT=$(date -u +%H:%M:%SZ)
(cd "$GENCAP_SRC" && go build -o "$OUT/gencap" .) || { echo "run.sh: building gencap in $GENCAP_SRC failed"; exit 1; }
go build -o "$OUT/compare" ./bench/compare || exit 1
PS=$OUT/pcapsurgery

# ---------------------------------------------------------------- captures
# gen FILE ARGS: (re)generate FILE with gencap ARGS unless it exists with the same ARGS.
gen() {
  local file=$1 args=$2
  if [ "${REGEN:-0}" != 1 ] && [ -s "$file" ] && [ "$(cat "$file.args" 2>/dev/null)" = "$args" ]; then
    echo "$(basename "$file"): present ($args)"
    return
  fi
  echo "$(basename "$file"): gencap $args"
  rm -f "$file" "$file.args"
  # shellcheck disable=SC2086
  "$OUT/gencap" -o "$file" $args -v 2>"$file.gencap.log" >/dev/null || {
    cat "$file.gencap.log"
    exit 1
  }
  grep '^gencap:' "$file.gencap.log"
  echo "$args" >"$file.args"
}
say "captures"
gen "$MAIN" "$MAIN_ARGS"
gen "$BIG" "$BIG_ARGS"
MAIN_BYTES=$(stat -c %s "$MAIN")
BIG_BYTES=$(stat -c %s "$BIG")

warm() { cat "$@" >/dev/null; }

# ---------------------------------------------------------------- measuring
# cpu_busy: jiffies the whole machine has spent busy (user, nice, system, irq, softirq, steal).
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }

# measure SERIES OUTFILE CMD...: one run under /usr/bin/time -v; appends
# "wall_seconds max_rss_kib exit_status load1 others_cores" to $RD/SERIES.runs and prints it.
measure() {
  local series=$1 outfile=$2
  shift 2
  local tf=$RD/$series.time rc wall rss load busy0 busy1 others
  busy0=$(cpu_busy)
  /usr/bin/time -v -o "$tf" "$@" >"$outfile" 2>"$RD/$series.stderr"
  rc=$?
  busy1=$(cpu_busy)
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f", s }' "$tf")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
  load=$(cut -d' ' -f1 /proc/loadavg)
  # CPU the rest of the machine used during the run, in cores: all busy time minus the run's own.
  others=$(awk -F': ' -v b0="$busy0" -v b1="$busy1" -v w="$wall" -v hz="$(getconf CLK_TCK)" '
      /User time|System time/ {own += $2}
      END {if (w <= 0) w = 0.01; o = ((b1 - b0) / hz - own) / w; if (o < 0) o = 0; printf "%.2f", o}' "$tf")
  echo "$wall $rss $rc $load $others" >>"$RD/$series.runs"
  printf '  %-10s %8.2f s  %8.1f MB peak RSS  exit %s  others used %s cores, load %s\n' "$series" "$wall" "$(echo "$rss" | awk '{print $1*1024/1e6}')" "$rc" "$others" "$load"
  [ "$rc" = 0 ] || { echo "  (stderr of $series:)"; tail -n 5 "$RD/$series.stderr"; }
  LAST_WALL=$wall
}

# median SERIES COLUMN: median of a column of $RD/SERIES.runs (1 wall, 2 rss KiB).
median() {
  sort -n -k"$2","$2" "$RD/$1.runs" | awk -v c="$2" '{v[NR] = $c}
    END { if (NR == 0) { print "NA"; exit }
          if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
count() { [ -f "$RD/$1.runs" ] && wc -l <"$RD/$1.runs" || echo 0; }
failed() { [ -f "$RD/$1.runs" ] && awk '$3 != 0 {n++} END {print n + 0}' "$RD/$1.runs" || echo 0; }

ps_summary() { measure "$1" "$2" "$PS" summary --json "$3"; }
ts_summary() { measure "$1" "$2" tshark -r "$3" -2 -Y "$TSHARK_FILTER" "${TSHARK_FIELDS[@]}"; }

# alternate PS_SERIES TS_SERIES FILE TS_MAX: pcapsurgery and tshark in turn, tshark first
# (its first run decides whether more fit in the time limit), RUNS and TS_MAX runs.
alternate() {
  local pss=$1 tss=$2 file=$3 tsmax=$4 i
  rm -f "$RD/$pss.runs" "$RD/$tss.runs"
  warm "$file"
  for ((i = 1; i <= RUNS || i <= tsmax; i++)); do
    if [ "$i" -le "$tsmax" ]; then
      ts_summary "$tss" "$RD/$tss.tsv" "$file"
      if [ "$i" = 1 ] && [ "$tsmax" -gt 1 ] && awk -v w="$LAST_WALL" -v l="$TSHARK_LIMIT" 'BEGIN {exit !(w > l)}'; then
        note "tshark took ${LAST_WALL} s (> ${TSHARK_LIMIT} s) on $(basename "$file"): one tshark run only there"
        tsmax=1
      fi
    fi
    [ "$i" -le "$RUNS" ] && ps_summary "$pss" "$RD/$pss.json" "$file"
  done
}

# check NAME FILE JSON TSV GENCAP_LOG: compare pcapsurgery's JSON with tshark's fields (and
# gencap's counts); sets CHECK to same, same-8443 or different. When they differ, tshark runs once
# more, untimed, told that port 8443 is TLS: tshark finds TLS on 443 by port but on 8443 only by
# heuristics, which can take a TLS flow for another protocol (seen: a ClientHello read as IRC).
check() {
  local name=$1 file=$2 json=$3 tsv=$4 log=$5 rc
  rm -f "$RD/compare-$name-8443.md"
  "$OUT/compare" -json "$json" -tshark "$tsv" -gencap "$log" -md "$RD/compare-$name.md"
  rc=$?
  if [ "$rc" = 0 ]; then CHECK=same; return; fi
  if [ "$rc" != 1 ]; then CHECK=different; return; fi
  say "they differ: tshark once more, untimed, with -d tcp.port==8443,tls"
  tshark -r "$file" -2 -d tcp.port==8443,tls -Y "$TSHARK_FILTER" "${TSHARK_FIELDS[@]}" >"$RD/ts-$name-8443.tsv" 2>/dev/null
  if "$OUT/compare" -json "$json" -tshark "$RD/ts-$name-8443.tsv" -gencap "$log" -md "$RD/compare-$name-8443.md"; then
    CHECK=same-8443
    note "$(basename "$file"): tshark's default command missed TLS in some flows on port 8443 (its heuristics took them for another protocol); with -d tcp.port==8443,tls it saw exactly what pcapsurgery saw"
  else
    CHECK=different
  fi
}

rm -f "$RD"/*.runs
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)

say "summary: $(basename "$MAIN") ($MAIN_BYTES bytes), $RUNS pcapsurgery / $TSHARK_RUNS tshark runs, alternating"
alternate ps-main ts-main "$MAIN" "$TSHARK_RUNS"

say "same flows, SNIs and alerts ($(basename "$MAIN"))"
check main "$MAIN" "$RD/ps-main.json" "$RD/ts-main.tsv" "$MAIN.gencap.log"
SAME_MAIN=$CHECK

# tshark -2 holds every frame: skip it on the big file when the memory is not there.
TS_BIG_RUNS=0
if [ "$TSHARK_BIG" != 0 ]; then
  need_kib=$(($(median ts-main 2) * BIG_BYTES / MAIN_BYTES * 5 / 4))
  avail_kib=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
  if [ "$need_kib" -lt "$avail_kib" ]; then
    TS_BIG_RUNS=1
  else
    note "tshark skipped on $(basename "$BIG"): it would need about $((need_kib / 1024)) MiB, $((avail_kib / 1024)) MiB available"
  fi
fi
say "summary: $(basename "$BIG") ($BIG_BYTES bytes, same flows, 4x data), $RUNS pcapsurgery / $TS_BIG_RUNS tshark runs"
alternate ps-big ts-big "$BIG" "$TS_BIG_RUNS"

say "same flows, SNIs and alerts ($(basename "$BIG") against $(basename "$MAIN"))"
"$OUT/compare" -json "$RD/ps-big.json" -json2 "$RD/ps-main.json" -md "$RD/compare-big.md"
SAME_BIG=$?
SAME_BIG_TS=NA
rm -f "$RD/compare-big-tshark.md" "$RD/compare-big-tshark-8443.md"
if [ "$TS_BIG_RUNS" -gt 0 ]; then
  say "same flows, SNIs and alerts ($(basename "$BIG"), pcapsurgery against tshark)"
  check big-tshark "$BIG" "$RD/ps-big.json" "$RD/ts-big.tsv" "$BIG.gencap.log"
  SAME_BIG_TS=$CHECK
fi

# ---------------------------------------------------------------- export
say "export one flow from $(basename "$MAIN")"
read -r FLOW_ID FLOW_PACKETS FLOW_CLIENT FLOW_SERVER < <("$OUT/compare" -json "$RD/ps-main.json" -pick)
echo "flow $FLOW_ID: $FLOW_CLIENT -> $FLOW_SERVER, $FLOW_PACKETS packets"
# tshark's equivalent: the same conversation by addresses and ports, written with -w.
tuple_filter() {
  local c=$1 s=$2 ca cp sa sp ipf=ip.addr
  ca=${c%:*} cp=${c##*:} sa=${s%:*} sp=${s##*:}
  case $ca in \[*) ipf=ipv6.addr ca=${ca#[} ca=${ca%]} sa=${sa#[} sa=${sa%]} ;; esac
  echo "$ipf==$ca && $ipf==$sa && tcp.port==$cp && tcp.port==$sp"
}
EXPORT_FILTER=$(tuple_filter "$FLOW_CLIENT" "$FLOW_SERVER")
echo "tshark filter: $EXPORT_FILTER"
rm -f "$RD/ps-export.runs" "$RD/ts-export.runs"
warm "$MAIN"
tsmax=$TSHARK_RUNS
for ((i = 1; i <= RUNS || i <= tsmax; i++)); do
  if [ "$i" -le "$tsmax" ]; then
    measure ts-export /dev/null tshark -r "$MAIN" -Y "$EXPORT_FILTER" -w "$RD/export-tshark.pcap"
    if [ "$i" = 1 ] && [ "$tsmax" -gt 1 ] && awk -v w="$LAST_WALL" -v l="$TSHARK_LIMIT" 'BEGIN {exit !(w > l)}'; then
      note "tshark export took ${LAST_WALL} s (> ${TSHARK_LIMIT} s): one run only"
      tsmax=1
    fi
  fi
  [ "$i" -le "$RUNS" ] && measure ps-export /dev/null "$PS" export "$MAIN" --flow "$FLOW_ID" -o "$RD/export-ps.pcap" --force
done
EXPORT_PS_PKTS=$(tshark -r "$RD/export-ps.pcap" 2>/dev/null | wc -l)
EXPORT_TS_PKTS=$(tshark -r "$RD/export-tshark.pcap" 2>/dev/null | wc -l)
echo "packets: pcapsurgery's export $EXPORT_PS_PKTS, tshark's $EXPORT_TS_PKTS, summary says $FLOW_PACKETS"
if [ "$EXPORT_PS_PKTS" != "$FLOW_PACKETS" ] || [ "$EXPORT_PS_PKTS" != "$EXPORT_TS_PKTS" ]; then
  note "export packet counts differ: pcapsurgery $EXPORT_PS_PKTS, tshark $EXPORT_TS_PKTS, summary $FLOW_PACKETS"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- results
mb() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1e6}'; }
secs() { [ "$1" = NA ] && echo "–" || awk -v s="$1" 'BEGIN {printf "%.2f s", s}'; }
mbps() { [ "$2" = NA ] && echo "–" || awk -v b="$1" -v s="$2" 'BEGIN {if (s <= 0) s = 0.01; printf "%.0f MB/s", b / 1e6 / s}'; }
rssmb() { [ "$1" = NA ] && echo "–" || awk -v k="$1" 'BEGIN {printf "%.1f MB", k * 1024 / 1e6}'; }
ratio() { [ "$1" = NA ] || [ "$2" = NA ] && echo "–" || awk -v a="$1" -v b="$2" 'BEGIN {if (b <= 0) b = 0.01; printf "%.1fx", a / b}'; }
yes() { case $1 in *NA*) echo "–"; return ;; esac; if awk "BEGIN {exit !($1)}"; then echo yes; else echo "**no**"; fi; }
runs() { local n f; n=$(count "$1"); f=$(failed "$1"); [ "$f" = 0 ] && echo "$n" || echo "$n, $f FAILED"; }

PM_W=$(median ps-main 1) PM_R=$(median ps-main 2) TM_W=$(median ts-main 1) TM_R=$(median ts-main 2)
PB_W=$(median ps-big 1) PB_R=$(median ps-big 2)
TB_W=NA TB_R=NA
[ "$TS_BIG_RUNS" -gt 0 ] && TB_W=$(median ts-big 1) TB_R=$(median ts-big 2)
PE_W=$(median ps-export 1) TE_W=$(median ts-export 1) PE_R=$(median ps-export 2) TE_R=$(median ts-export 2)
MAIN_MB=$(mb "$MAIN_BYTES") BIG_MB=$(mb "$BIG_BYTES")
# rss_growth: is the big file's median peak RSS within the main file's? A few per cent
# above its median but within the main file's own run-to-run spread is GC noise, not growth.
rss_growth() {
  [ "$PB_R" = NA ] || [ "$PM_R" = NA ] && { echo "–"; return; }
  local hi
  hi=$(sort -n -k2,2 "$RD/ps-main.runs" | tail -n 1 | awk '{print $2}')
  if awk -v a="$PB_R" -v b="$PM_R" 'BEGIN {exit !(a <= b)}'; then
    echo yes
  elif awk -v a="$PB_R" -v b="$hi" 'BEGIN {exit !(a <= b)}'; then
    awk -v a="$PB_R" -v b="$PM_R" 'BEGIN {printf "yes, within noise (+%.1f%% over the median, below the %s MB runs'"'"' highest)", (a / b - 1) * 100, "'"$MAIN_MB"'"}'
  else
    awk -v a="$PB_R" -v b="$PM_R" 'BEGIN {printf "**no** (+%.1f%%)", (a / b - 1) * 100}'
  fi
}
same_word() {
  case $1 in
  0 | same) echo "same" ;;
  same-8443) echo "same, once tshark is told 8443 is TLS" ;;
  NA) echo "–" ;;
  *) echo "**DIFFERENT**" ;;
  esac
}
same_met() { case $1 in 0 | same | same-8443 | NA) echo yes ;; *) echo "**no**" ;; esac; }

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# Benchmark results (issue 4)"
  echo
  if [ "$QUICK" = 1 ]; then echo "**Quick mode** (~100 MB capture): not the issue's 1 GB figures."; echo; fi
  echo "- date: $START (UTC) to $(date -u +%H:%M:%SZ); pcapsurgery built at $BUILD_AT from $BUILD_REV"
  echo "- machine: \`nproc\` = $(nproc), $cpu, $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "- $(go version | sed 's/^go version //'), $(tshark --version 2>/dev/null | head -n 1)"
  echo "- captures (gencap, pcap, page-cached): $(basename "$MAIN") $MAIN_BYTES bytes (\`$MAIN_ARGS\`), $(basename "$BIG") $BIG_BYTES bytes (\`$BIG_ARGS\`)"
  others_med=$(cat "$RD"/*.runs | awk '{print $5}' | sort -n | awk '{v[NR] = $1} END {print (NR ? v[int((NR + 1) / 2)] : 0)}')
  others_max=$(cat "$RD"/*.runs | awk 'BEGIN {m = 0} $5 > m {m = $5} END {print m}')
  echo "- load average (1, 5, 15 min): $LOAD_BEFORE before the runs, $LOAD_AFTER after; CPU used by other processes during a run (of $(nproc) cores): median $others_med, highest $others_max"
  if awk -v l="${LOAD_BEFORE%% *}" -v o="$others_med" 'BEGIN {exit !(l > 0.5 || o > 0.1)}'; then
    echo "- **figures taken while other work ran on the machine** (see each run's figures at the end); expect them to move"
  fi
  echo "- medians over alternating runs; MB = 10^6 bytes; wall clock and peak RSS (Maximum resident set size) from \`/usr/bin/time -v\`"
  echo
  echo "| what | pcapsurgery | tshark | ratio | target | met? |"
  echo "|---|---:|---:|---:|---|---|"
  echo "| summary --json, $MAIN_MB MB: wall (runs: $(runs ps-main) / $(runs ts-main)) | $(secs "$PM_W") | $(secs "$TM_W") | $(ratio "$TM_W" "$PM_W") faster | ≥ 70x faster | $(yes "$TM_W / ($PM_W > 0 ? $PM_W : 0.01) >= 70") |"
  echo "| summary --json, $MAIN_MB MB: throughput | $(mbps "$MAIN_BYTES" "$PM_W") | $(mbps "$MAIN_BYTES" "$TM_W") | | ≥ 1000 MB/s | $(yes "$MAIN_BYTES / 1e6 / ($PM_W > 0 ? $PM_W : 0.01) >= 1000") |"
  echo "| summary --json, $MAIN_MB MB: peak RSS | $(rssmb "$PM_R") | $(rssmb "$TM_R") | $(ratio "$TM_R" "$PM_R") less | < 100 MB | $(yes "$PM_R * 1024 / 1e6 < 100") |"
  echo "| same flows, SNIs and alerts as tshark ($MAIN_MB MB) | $(same_word "$SAME_MAIN") | | | same | $(same_met "$SAME_MAIN") |"
  echo "| summary --json, $BIG_MB MB (4x data): wall (runs: $(runs ps-big) / $(runs ts-big)) | $(secs "$PB_W") | $(secs "$TB_W") | $(ratio "$TB_W" "$PB_W") faster | | |"
  echo "| summary --json, $BIG_MB MB: throughput | $(mbps "$BIG_BYTES" "$PB_W") | $(mbps "$BIG_BYTES" "$TB_W") | | | |"
  echo "| summary --json, $BIG_MB MB: peak RSS | $(rssmb "$PB_R") | $(rssmb "$TB_R") | $(ratio "$TB_R" "$PB_R") less | ≤ the $MAIN_MB MB run's ($(rssmb "$PM_R")) | $(rss_growth) |"
  echo "| same flows, SNIs and alerts, $BIG_MB MB vs $MAIN_MB MB (pcapsurgery)$( [ "$SAME_BIG_TS" != NA ] && echo " / vs tshark") | $(same_word "$SAME_BIG")$( [ "$SAME_BIG_TS" != NA ] && echo " / $(same_word "$SAME_BIG_TS")") | | | same | $( [ "$(same_met "$SAME_BIG")" = yes ] && [ "$(same_met "$SAME_BIG_TS")" = yes ] && echo yes || echo "**no**") |"
  echo "| export --flow $FLOW_ID ($FLOW_PACKETS packets) from $MAIN_MB MB: wall (runs: $(runs ps-export) / $(runs ts-export)) | $(secs "$PE_W") | $(secs "$TE_W") | $(ratio "$TE_W" "$PE_W") faster | < 1 s | $(yes "$PE_W < 1") |"
  echo "| export: peak RSS | $(rssmb "$PE_R") | $(rssmb "$TE_R") | $(ratio "$TE_R" "$PE_R") less | | |"
  echo
  echo "tshark commands: summary \`tshark -r FILE -2 -Y '$TSHARK_FILTER' ${TSHARK_FIELDS[*]}\`;"
  echo "export \`tshark -r FILE -Y '$EXPORT_FILTER' -w OUT\` (one pass: tshark has no index to seek by)."
  echo "Exported packets: pcapsurgery $EXPORT_PS_PKTS, tshark $EXPORT_TS_PKTS, summary's count $FLOW_PACKETS."
  echo
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo "Notes:"
    echo
    for n in "${NOTES[@]}"; do echo "- $n"; done
    echo
  fi
  echo "## Same flows, SNIs and alerts: pcapsurgery vs tshark, $(basename "$MAIN")"
  echo
  echo "tshark's tcp.stream numbers every TCP conversation but its filtered output shows only those"
  echo "with a hello or an alert, and it sees only clear-text alerts; so flows are compared through their"
  echo "ClientHellos and ServerHellos, SNIs as a multiset, and clear-text alerts by code."
  echo
  cat "$RD/compare-main.md"
  if [ -f "$RD/compare-main-8443.md" ]; then
    echo
    echo "### The same, with tshark told that port 8443 is TLS (\`-d tcp.port==8443,tls\`, untimed)"
    echo
    cat "$RD/compare-main-8443.md"
  fi
  echo
  echo "## $(basename "$BIG") against $(basename "$MAIN") (pcapsurgery both)"
  echo
  cat "$RD/compare-big.md"
  if [ -f "$RD/compare-big-tshark.md" ] && [ "$TS_BIG_RUNS" -gt 0 ]; then
    echo
    echo "## pcapsurgery vs tshark, $(basename "$BIG")"
    echo
    cat "$RD/compare-big-tshark.md"
    if [ -f "$RD/compare-big-tshark-8443.md" ]; then
      echo
      echo "### The same, with tshark told that port 8443 is TLS (\`-d tcp.port==8443,tls\`, untimed)"
      echo
      cat "$RD/compare-big-tshark-8443.md"
    fi
  fi
  echo
  echo "## Every run (wall s / peak RSS KiB / exit status / 1-min load after it / cores other processes used during it)"
  echo
  for s in ps-main ts-main ps-big ts-big ps-export ts-export; do
    [ -f "$RD/$s.runs" ] || continue
    echo "- $s: $(awk '{printf "%s%s s / %s / %s / %s / %s", (NR > 1 ? "; " : ""), $1, $2, $3, $4, $5}' "$RD/$s.runs")"
  done
} >"$RESULTS"

say "results: $RESULTS"
sed -n '/^| what/,/^$/p' "$RESULTS"
for n in "${NOTES[@]}"; do echo "note: $n"; done
