#!/usr/bin/env bash
# Where a server JVM's CPU time and context switches go, thread group by thread group, including
# kernel time (which benchmarks/profile.sh, sampling user space only, does not see): one JMH fork
# of RealServer's compute handler on Jetty per executor, and after 11 s (warmed up) two readings
# of /proc/<pid>/task/*/{stat,status} 4 s apart, for the server's JVM and the load generator's.
# Used for docs/DESIGN.md §7 and docs/RESULTS.md ("What it was": the monitor's wake-ups).
#
#   bash benchmarks/threads.sh [EXECUTOR ...]      (default: activations virtual)
#   JVM_ARGS='...' bash benchmarks/threads.sh activations   (extra JVM options for the fork)
#
# Prints, per executor, one line per thread group (thread name without its trailing number):
# CPU % of one CPU in user and system time, voluntary and involuntary context switches per
# second, and the fork's requests per second. Linux only; needs the benchmarks jar (built first if
# missing). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/threads
WARM_SECONDS=11
WINDOW_SECONDS=4
[ -d /proc/self/task ] || { echo "threads.sh: needs Linux /proc" >&2; exit 2; }
. benchmarks/jdk.sh
mkdir -p "$OUT"
TICKS=$(getconf CLK_TCK)

# snapshot PID...: one line per thread: pid tid utime stime voluntary nonvoluntary group (one awk
# process reads every file, so that taking the snapshot barely disturbs what it measures; a thread
# gone in between is skipped)
snapshot() {
    local pid
    for pid in "$@"; do
        printf '%s\n' /proc/"$pid"/task/*
    done | awk '
        {
            dir = $0; n = split(dir, parts, "/")
            if ((getline line < (dir "/stat")) <= 0) next
            close(dir "/stat")
            sub(/^.*\) /, "", line)     # the fields after the name, which may hold spaces
            split(line, f, " ")          # utime and stime: fields 14 and 15 of stat, 12 and 13 here
            comm = ""; getline comm < (dir "/comm"); close(dir "/comm")
            vol = ""; nvol = ""
            while ((getline l < (dir "/status")) > 0) {
                split(l, a, " ")
                if (a[1] == "voluntary_ctxt_switches:") vol = a[2]
                if (a[1] == "nonvoluntary_ctxt_switches:") nvol = a[2]
            }
            close(dir "/status")
            if (vol == "" || nvol == "") next
            gsub(/ /, "_", comm); sub(/[-#]?[0-9]+$/, "", comm)
            print parts[3], parts[5], f[12], f[13], vol, nvol, comm
        }'
}

for executor in ${*:-activations virtual}; do
    "$JAVA" -jar "$JAR" RealServer -p server=jetty -p handler=compute -p executor="$executor" -f 1 -wi 6 -i 3 \
        -jvmArgsAppend "$FLAGS ${JVM_ARGS:-}" > "$OUT/$executor.jmh" 2>&1 &
    jmh=$!
    sleep "$WARM_SECONDS"
    fork=$(ps -eo pid,args | grep '[F]orkedMain' | awk '{print $1}' | head -1)
    generator=$(ps -eo pid,args | grep '[L]oadGenerator' | grep -v ForkedMain | awk '{print $1}' | head -1)
    [ -n "$fork" ] || { echo "threads.sh: no JMH fork running after ${WARM_SECONDS} s" >&2; wait "$jmh"; exit 1; }
    snapshot $fork $generator > "$OUT/$executor.before"
    sleep "$WINDOW_SECONDS"
    snapshot $fork $generator > "$OUT/$executor.after"
    wait "$jmh"
    {
        echo "== $executor: server pid $fork, load generator pid ${generator:-?};" \
            "$(grep -E '^RealServer.requests ' "$OUT/$executor.jmh" | awk '{print $6, $7, $8, "req/s"}')"
        printf '%-8s %-24s %8s %8s %10s %10s\n' pid "thread group" "user %" "sys %" "vol/s" "invol/s"
        awk -v ticks="$TICKS" -v window="$WINDOW_SECONDS" '
            NR == FNR { u[$1" "$2] = $3; s[$1" "$2] = $4; v[$1" "$2] = $5; n[$1" "$2] = $6; next }
            {
                k = $1" "$2; g = $1" "$7
                du[g] += $3 - u[k]; ds[g] += $4 - s[k]; dv[g] += $5 - v[k]; dn[g] += $6 - n[k]
            }
            END {
                for (g in du) {
                    if (du[g] + ds[g] + dv[g] + dn[g] == 0) continue
                    split(g, p, " ")
                    printf "%-8s %-24s %8.1f %8.1f %10.0f %10.0f\n", p[1], p[2],
                        100 * du[g] / ticks / window, 100 * ds[g] / ticks / window, dv[g] / window, dn[g] / window
                }
            }' "$OUT/$executor.before" "$OUT/$executor.after" | sort -k3,3nr
    } | tee "$OUT/$executor.txt"
done
