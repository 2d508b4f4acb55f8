#!/usr/bin/env bash
# Where a server JVM's CPU goes, by thread and by library: one JMH fork of RealServer's compute
# handler on Jetty, sampled with Linux perf (user space only, so perf_event_paranoid 2 is enough)
# for a few seconds once warmed up. Used for docs/DESIGN.md §7 ("A handler that only computes").
#
#   bash benchmarks/profile.sh [EXECUTOR ...]      (default: activations virtual)
#
# Writes benchmarks/target/profile/EXECUTOR.{jmh,data,txt}; prints each .txt. Needs perf
# (Debian: linux-perf) and the benchmarks jar (built first if missing). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/profile
WARM_SECONDS=12   # 6 warm-up iterations have run by then
SAMPLE_SECONDS=4
command -v perf >/dev/null || { echo "profile.sh: perf not found (Debian: apt-get install linux-perf)" >&2; exit 2; }
. benchmarks/jdk.sh
mkdir -p "$OUT"
for executor in ${*:-activations virtual}; do
    "$JAVA" -jar "$JAR" RealServer -p server=jetty -p handler=compute -p executor="$executor" -f 1 -wi 6 -i 3 \
        -jvmArgsAppend "$FLAGS -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" > "$OUT/$executor.jmh" 2>&1 &
    jmh=$!
    sleep "$WARM_SECONDS"
    fork=$(ps -eo pid,args | grep '[F]orkedMain' | awk '{print $1}' | head -1)
    [ -n "$fork" ] || { echo "profile.sh: no JMH fork running after ${WARM_SECONDS} s" >&2; wait "$jmh"; exit 1; }
    perf record -q -e cpu-clock:u -F 2000 -p "$fork" -o "$OUT/$executor.data" -- sleep "$SAMPLE_SECONDS" 2>/dev/null
    wait "$jmh"
    {
        echo "== $executor: $(grep -E '^RealServer.requests ' "$OUT/$executor.jmh" | awk '{print $6, $7, $8, "req/s"}')"
        echo "-- by thread"
        perf report -i "$OUT/$executor.data" --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -6
        echo "-- by library"
        perf report -i "$OUT/$executor.data" --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -4
    } | tee "$OUT/$executor.txt"
done
