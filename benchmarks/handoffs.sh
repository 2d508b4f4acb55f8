#!/usr/bin/env bash
# Where an unannotated hand-off's time goes, hand-off by hand-off: one JMH fork of Promises
# (unbracketed, Java threads) with the kernel's JFR event dev.activations.ActivationBlocked
# recorded, and 4 s of Linux scheduler trace (perf sched, all CPUs) once warmed up; then
# benchmarks/handoffs.py matches the two by OS thread id. Used for docs/DESIGN.md §7 ("Detection
# tails are the OS") and the hand-off diagnosis in docs/RESULTS.md.
#
#   sudo bash benchmarks/handoffs.sh                    (root: perf sched traces every CPU)
#   PIN_MONITOR=1 sudo bash benchmarks/handoffs.sh      (the monitor thread pinned to CPU 1 after warm-up)
#   SPIN=1 sudo bash benchmarks/handoffs.sh             (a SCHED_IDLE busy loop pinned on each CPU,
#                                                        so that no vCPU halts while it runs)
#
# Writes benchmarks/target/handoffs/ (perf.data, sched.txt, events.json, threads.txt, jmh.txt)
# and prints the report: for each hand-off the time from the carrier's last switch-out (it went
# to sleep) to the new holder's upcall, the monitor's runs in between (start, CPU, scheduling
# delay), and what each CPU ran meanwhile. Diagnosis only: it needs root and perf (Debian:
# linux-perf), and python3. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/handoffs
WARM_SECONDS=12   # the 3 warm-up iterations have run by then
TRACE_SECONDS=4
command -v perf >/dev/null || { echo "handoffs.sh: perf not found (Debian: apt-get install linux-perf)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "handoffs.sh: python3 not found" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "handoffs.sh: perf sched needs root (sudo bash benchmarks/handoffs.sh)" >&2; exit 2; }
. benchmarks/jdk.sh
JFR="$(dirname "$JAVA")/jfr"
rm -rf "$OUT"
mkdir -p "$OUT"
spinners=()
if [ "${SPIN:-0}" = 1 ]; then
    for cpu in $(seq 0 $(($(nproc) - 1))); do
        chrt -i 0 taskset -c "$cpu" bash -c 'while :; do :; done' &
        spinners+=($!)
    done
fi
stop_spinners() { [ ${#spinners[@]} -eq 0 ] || kill "${spinners[@]}" 2>/dev/null || true; }
trap stop_spinners EXIT
# shellcheck disable=SC2086
"$JAVA" -jar "$JAR" Promises -p impl=activations -p blocking=unbracketed -f 1 -wi 3 -i 5 \
    -jvmArgsAppend "$FLAGS -XX:StartFlightRecording=filename=$PWD/$OUT/events.jfr,settings=default" > "$OUT/jmh.txt" 2>&1 &
jmh=$!
sleep "$WARM_SECONDS"
fork=$(ps -eo pid,args | grep '[F]orkedMain' | awk '{print $1}' | head -1)
[ -n "$fork" ] || { echo "handoffs.sh: no JMH fork running after ${WARM_SECONDS} s" >&2; wait "$jmh"; exit 1; }
"$(dirname "$JAVA")/jcmd" "$fork" Thread.print > "$OUT/threads.txt"
monitor=$(sed -n 's/^"bench-monitor".* nid=\([0-9]*\).*/\1/p' "$OUT/threads.txt")
[ -n "$monitor" ] || { echo "handoffs.sh: no monitor thread in the fork's thread dump" >&2; exit 1; }
[ "${PIN_MONITOR:-0}" = 1 ] && taskset -p -c 1 "$monitor" > /dev/null
# perf sched with -k CLOCK_MONOTONIC; JFR's timestamps are wall-clock: the offset between them
python3 -c 'import time; print(time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC))' > "$OUT/offset.txt"
perf sched record -a -k CLOCK_MONOTONIC -o "$OUT/perf.data" -- sleep "$TRACE_SECONDS" > /dev/null 2>&1
wait "$jmh"
stop_spinners
perf sched timehist -i "$OUT/perf.data" --state > "$OUT/sched.txt" 2>/dev/null
"$JFR" print --json --events dev.activations.ActivationBlocked "$OUT/events.jfr" > "$OUT/events.json"
python3 benchmarks/handoffs.py "$OUT" "$monitor"
