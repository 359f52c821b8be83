#!/bin/bash
# Shared by the shell benchmarks: run a command N times and keep the median wall time, the median CPU
# time (user + system, the figure that stays honest on a busy machine) and the peak RSS of the
# process tree's largest process (GNU time's %M).
# Usage: measure NAME N cmd...   -> sets MED_WALL[NAME], MED_CPU[NAME], MAX_RSS[NAME]; prints a line.
declare -A MED_WALL MED_CPU MAX_RSS

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

measure() {
  local name=$1 n=$2 i f walls=() cpus=() rss=0 line
  shift 2
  f=$(mktemp /tmp/pa-bench-time.XXXXXX)
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -o "$f" -f '%e %U %S %M' "$@" >/dev/null 2>>"${BENCH_LOG:-/dev/null}" ||
      { echo "bench: '$*' failed (see ${BENCH_LOG:-its output})" >&2; rm -f "$f"; return 1; }
    read -r w u s m <"$f"
    walls+=("$w")
    cpus+=("$(echo "$u + $s" | bc -l)")
    ((m > rss)) && rss=$m
  done
  rm -f "$f"
  MED_WALL[$name]=$(printf '%s\n' "${walls[@]}" | median)
  MED_CPU[$name]=$(printf '%s\n' "${cpus[@]}" | median)
  MAX_RSS[$name]=$((rss / 1024))
  printf '  %-34s wall %6.3f s   cpu %6.3f s   rss %4d MB   (median of %d)\n' \
    "$name" "${MED_WALL[$name]}" "${MED_CPU[$name]}" "${MAX_RSS[$name]}" "$n"
}

# instructions NAME cmd... -> INSTR[NAME]: instructions executed (valgrind's callgrind, all threads),
# in millions: unlike time, the same on a busy machine and an idle one; ~30 s per command.
declare -A INSTR
instructions() {
  local name=$1
  shift
  INSTR[$name]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected :/ { printf "%.0f", $4 / 1e6 }')
  printf '  %-34s %6s M instructions\n' "$name" "${INSTR[$name]}"
}

# ratio A B -> A/B with two decimals
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }

# target LABEL VALUE LIMIT -> "met"/"NOT met" line (VALUE <= LIMIT)
target() {
  local ok
  ok=$(echo "$2 <= $3" | bc -l)
  printf '  target %-40s %8s <= %-6s %s\n' "$1" "$2" "$3" "$([ "$ok" = 1 ] && echo met || echo 'NOT met')"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Builds dist/ only when a source is newer than the last build: benchmarks running side by side must
# not delete the dist/ another one is running from.
build_if_stale() {
  if [ ! -f dist/.built ] || [ -n "$(find src templates -newer dist/.built -print -quit)" ]; then node scripts/build.mjs; fi
}
