#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# How long Cousinade takes to show its first window, on an empty store and on one with 5,000
# contacts and 100,000 interactions (made by history-bench), measured in the same run under
# Xvfb. Prints JSON. Not part of the test suite.
# Usage: first-window.sh BUILD_DIR [RUNS]   (needs xvfb-run, dbus-run-session and xwininfo)
set -eu

build=$(cd "$1" && pwd)
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Milliseconds from start to a window titled "Cousinade", with HOME=$1.
time_one () {
  home="$1"
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
    start=$(date +%s%N)
    HOME="$1" XDG_DATA_HOME="$1/.local/share" XDG_CONFIG_HOME="$1/.config" \
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$3" NO_AT_BRIDGE=1 "$2" >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ $i -lt 1000 ]; do
      if xwininfo -root -tree 2>/dev/null | grep -q "\"Cousinade\""; then
        end=$(date +%s%N)
        kill $pid
        echo $(( (end - start) / 1000000 ))
        exit 0
      fi
      i=$((i + 1))
      sleep 0.01
    done
    kill $pid
    echo -1' sh "$home" "$build/src/cousinade" "$build/data" 2>/dev/null | tail -n 1
}

# Runs where no window came (-1) are left out of the median, and listed in the output.
median () {
  tr ' ' '\n' | grep -v '^-1$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

mkdir -p "$work/empty" "$work/full/.local/share/cousinade"
"$build/tests/bench/history-bench" --runs=1 --keep="$work/full/.local/share/cousinade/cousinade.db" >/dev/null

empty=""
full=""
for _ in $(seq 1 "$runs"); do
  empty="$empty $(time_one "$work/empty")"
  full="$full $(time_one "$work/full")"
done
empty_median=$(echo $empty | median)
full_median=$(echo $full | median)
echo "{ \"runs\": $runs, \"empty_store_ms\": [$(echo $empty | tr " " ",")], \"full_store_ms\": [$(echo $full | tr " " ",")],"
echo "  \"empty_median_ms\": $empty_median, \"full_median_ms\": $full_median,"
echo "  \"full_over_empty\": $(awk "BEGIN { printf \"%.2f\", $full_median / $empty_median }"),"
echo "  \"contacts\": 5000, \"interactions\": 100000, \"target_ms\": 1000 }"
