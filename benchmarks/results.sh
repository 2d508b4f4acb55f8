#!/usr/bin/env bash
# Reproduces the tables of docs/RESULTS.md, one section per table:
#
#   bash benchmarks/results.sh [SECTION ...]      (from anywhere; no section: all of them, about 40 minutes)
#
# Sections: switch executor sumtime blocking http realserver realcompute twoapps httpapps ttsp priority
#           promises table5 speedup account, and (not in "all"):
#   monitorslice  the monitor's OS slice against Linux's default: ROUNDS=8 bash benchmarks/results.sh monitorslice
#   sentinels     the kernel's sentinels against none: ROUNDS=6 bash benchmarks/results.sh sentinels
#   alternate     one JMH parameter's values against each other, one fork per JMH run, alternating, e.g.
#                 ROUNDS=4 TAG=checkpoints BENCH='Promises -p impl=activations -p blocking=unbracketed' \
#                 PARAM=slicesPerStep VALUES='20 200' METRICS='handOffP99Us transitP99Us' bash benchmarks/results.sh alternate
#                 (per fork, the mean of its iterations; then per configuration the mean and range of the forks)
#   compare       this tree against an older commit, jars alternating: BASE=<commit> bash benchmarks/results.sh compare
#                 (the switch benchmarks), or any benchmark's figures, e.g. BASE=e72bb89 ROUNDS=4 \
#                 BENCH='Promises -p impl=activations -p blocking=unbracketed' METRICS='primary handOffP99Us' \
#                 bash benchmarks/results.sh compare
# Run it on a quiet machine (nothing else running; `uptime` before and after), one section at a time
# if the machine is shared. Each section writes benchmarks/target/results/SECTION.json (JMH's
# results) and SECTION.txt (what was printed). The benchmarks jar is built first if it is missing;
# java is the first JDK 25+ found in JAVA_HOME, on the PATH, or under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/results
ALL="switch executor sumtime blocking http realserver realcompute twoapps httpapps ttsp priority promises table5 speedup account"

. benchmarks/jdk.sh  # JAVA, FLAGS, the jar
mkdir -p "$OUT"

# jmh NAME ARGS...: one JMH run, JSON and text into $OUT.
jmh() {
    local name=$1
    shift
    "$JAVA" -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json" 2>&1 | tee "$OUT/$name.txt"
}

# figure FILE METRIC: " PARAMS... METRIC SCORE" for each result of METRIC in a JMH text output
# ("primary": the benchmark's own score). Result lines: "Bench.method[:metric] PARAMS MODE CNT SCORE ..."
figure() {
    local pattern="^[A-Za-z]+\.[A-Za-z]+:$2 "
    [ "$2" = primary ] && pattern="^[A-Za-z]+\.[A-Za-z]+ "
    { grep -E "$pattern" "$1" || true; } | awk -v m="$2" '{ c = ""
        for (i = 2; i <= NF && $i !~ /^(thrpt|avgt|sample|ss)$/; i++) c = c " " $i
        print c " " m " " $(i + 2) }'
}

# summarize FILE: for lines "round R: KEY... VALUE", the mean and range of VALUE per KEY
summarize() {
    awk '/^round / { v = $NF; k = ""; for (i = 3; i < NF; i++) k = k (i > 3 ? " " : "") $i
           s[k] += v; n[k]++; if (!(k in lo) || v < lo[k]) lo[k] = v; if (v > hi[k]) hi[k] = v }
         END { for (k in s) printf "%s: mean %.4g (forks %.4g-%.4g, %d)\n", k, s[k] / n[k], lo[k], hi[k], n[k] }' "$1" | sort
}

section() {
    case $1 in
        switch) # NullFork, SignalWait, Yield on one processor
            jmh switch 'NullFork|SignalWait|Yield' -p impl=activations,userthread,virtual,platform,floor \
                -f 2 -wi 3 -w 500ms -i 5 -r 500ms ;;
        executor)
            jmh executor ExecutorThroughput -f 2 -wi 3 -w 500ms -i 5 -r 500ms ;;
        sumtime)
            jmh sumtime SumTime -p n=100000 -p impl=activations,userthread,virtual,forkjoin -f 2 -wi 3 -w 500ms -i 5 -r 1s ;;
        blocking) # compute + FIFO reads: utilization
            jmh blocking BlockingMix -p impl=activations,userthread,virtual,platform -f 1 ;;
        http) # JDK HttpServer, 400 connections, load generator in its own JVM
            jmh http HttpLoad -f 1 ;;
        realserver) # Jetty 12 and Tomcat 11: compute, sleep 20 ms, JDBC, unbracketed 2 ms pinned read
            jmh realserver RealServer -f 1 -wi 2 -i 3 ;;
        realcompute) # the compute handler alone, Activations vs virtual threads, warmed up to a steady
                     # state (6 warm-up iterations: with 2, both were still warming up); one fork per
                     # JMH run, the executors alternating fork by fork so that drift hits both alike
            local rounds=${ROUNDS:-6} round server executor
            rm -f "$OUT"/realcompute-*.json "$OUT"/realcompute-*.txt
            for round in $(seq "$rounds"); do
                for server in jetty tomcat; do
                    for executor in activations virtual; do
                        jmh "realcompute-$round-$server-$executor" RealServer -p handler=compute -p server=$server \
                            -p executor=$executor -f 1 -wi 6 -i 3 >/dev/null
                        grep -E '^RealServer.requests ' "$OUT/realcompute-$round-$server-$executor.txt" \
                            | awk -v r="$round" '{print "round " r ": " $5, $3, $8, "req/s"}'
                    done
                done
            done | tee "$OUT/realcompute.txt"
            # per server: mean of the forks per executor, A/V, and the range of the per-round ratios
            local summary
            summary=$(awk '{ v[$3" "$4] += $5; n[$3" "$4]++; s[$2" "$3" "$4] = $5 }
                 END { for (k in v) if (k ~ /activations$/) {
                           split(k, p, " "); a = v[k] / n[k]; b = v[p[1]" virtual"] / n[p[1]" virtual"]
                           lo = 1e9; hi = 0
                           for (r in s) { split(r, q, " ")
                               if (q[2] == p[1] && q[3] == "activations") {
                                   x = s[r] / s[q[1]" "p[1]" virtual"]; if (x < lo) lo = x; if (x > hi) hi = x } }
                           printf "%s: A %.0f, V %.0f req/s (mean of %d forks each), A/V %.3f (per round %.2f-%.2f)\n",
                               p[1], a, b, n[k], a / b, lo, hi } }' "$OUT/realcompute.txt")
            echo "$summary" | tee -a "$OUT/realcompute.txt" ;;
        twoapps) # web beside a saturating checkpoint-free batch, on one machine
            jmh twoapps TwoApps -f 1 ;;
        httpapps) # the same with the JDK HttpServer as web
            jmh httpapps HttpApps -f 1 ;;
        ttsp) # time to safepoint with displaced carriers: TwoApps, both applications, -Xlog:safepoint;
              # a small young generation (-Xmn8m) makes garbage collections, hence safepoints, frequent
            rm -f "$OUT"/ttsp-*.log "$OUT/ttsp.txt"
            for impl in activations forkjoin; do
                jmh "ttsp-$impl" TwoApps -p impl=$impl -p scenario=both -f 1 \
                    -jvmArgsAppend "$FLAGS -Xmn8m -Xlog:safepoint:file=$OUT/ttsp-$impl-%p.log"
                echo "$impl: $("$JAVA" -cp "$JAR" dev.activations.bench.SafepointLog "$OUT"/ttsp-$impl-*.log)" | tee -a "$OUT/ttsp.txt"
            done ;;
        priority) # high priority ready -> running, low priority on every processor, with and without checkpoints
            jmh priority PriorityLatency -p impl=activations,userthread,forkjoin -p checkpointMicros=0,100,1000 -f 1 ;;
        promises) # hand-off latency, idle with ready work, the return path
            jmh promises Promises -p impl=activations,userthread -f 1
            jmh promises-alone Promises -p impl=activations -p blocking=bracketed -p threadsPerProcessor=1 -f 1 ;;
        monitorslice) # the monitor's OS slice (Kernel.Builder.monitorSlice): its default, 100 µs,
                      # against Linux's default (0), on Promises
            BENCH='Promises -p impl=activations' PARAM=monitorSliceUs VALUES='0 100' \
                METRICS='handOffP50Us handOffP99Us detectionP99Us' TAG=monitorslice section alternate ;;
        sentinels) # the kernel's sentinels (Kernel.Builder.sentinels): on, the default, against off,
                   # on Promises with unannotated blocking
            BENCH='Promises -p impl=activations -p blocking=unbracketed' PARAM=sentinels VALUES='false true' \
                METRICS='primary handOffP50Us handOffP99Us detectionP99Us transitP99Us utilization' TAG=sentinels section alternate ;;
        alternate) # one parameter's values against each other, one fork per JMH run, the values
                   # alternating fork by fork so that drift hits each alike (see the header)
            local rounds=${ROUNDS:-6} tag=${TAG:-alternate} round value metric
            local bench=${BENCH:?BENCH: a benchmark and its -p options} param=${PARAM:?PARAM: the parameter to vary}
            local values=${VALUES:?VALUES: its values} metrics=${METRICS:?METRICS: secondary results to report}
            rm -f "$OUT/$tag"-*.json "$OUT/$tag"-*.txt
            for round in $(seq "$rounds"); do
                for value in $values; do
                    # shellcheck disable=SC2086 # BENCH is a benchmark and its options
                    jmh "$tag-$round-$value" $bench -p "$param=$value" -f 1 >/dev/null
                    for metric in $metrics; do
                        figure "$OUT/$tag-$round-$value.txt" "$metric" | sed "s/^/round $round:/"
                    done
                done
            done | tee "$OUT/$tag.txt"
            # per configuration and figure: mean of the forks and their range
            summarize "$OUT/$tag.txt" | tee -a "$OUT/$tag.txt"
            # the configuration's columns: JMH's parameters, alphabetical
            grep -h -m1 '^Benchmark' "$OUT/$tag-1-${values%% *}.txt" | tr -s ' ' | sed 's/^/columns: /' | tee -a "$OUT/$tag.txt" ;;
        table5) # two N-body applications at once, idle and busy machine
            jmh table5 Multiprogramming -p apps=2 -p background=none,hog \
                -p impl=serial,activations,userthread,virtual,platform,forkjoin -f 2 ;;
        speedup) # one N-body application on 1 and 2 processors (Figure 2)
            jmh speedup Multiprogramming -p apps=1 -p processors=1,2 -p impl=serial,activations,userthread,forkjoin -f 2 ;;
        account) # where Table V's time goes on Activations: kernel and scheduler events per run
            { "$JAVA" $FLAGS -cp "$JAR" dev.activations.bench.MultiprogrammingAccount activations 40
              "$JAVA" $FLAGS -cp "$JAR" dev.activations.bench.MultiprogrammingAccount activations 40 --background
            } 2>&1 | tee "$OUT/account.txt" ;;
        compare) # this tree against BASE (a commit; default 350852d, before the real-time kernel),
                 # alternating jars so that drift hits both alike: the switch benchmarks twice; or, with
                 # BENCH and METRICS set (as for alternate), ROUNDS (4) forks of BENCH with each jar,
                 # the figures per fork and per jar the mean and range
            local base=${BASE:-350852d} dir=benchmarks/target/base round jar label metric
            rm -rf "$dir"
            git worktree prune
            git worktree add --detach "$dir" "$base" >/dev/null
            (cd "$dir" && mvn -q -B -DskipTests package -pl benchmarks -am)
            : > "$OUT/compare.txt"
            if [ -n "${BENCH:-}" ]; then
                local metrics=${METRICS:?METRICS: the figures to report (primary: the score)}
                for round in $(seq "${ROUNDS:-4}"); do
                    for jar in "$dir/$JAR" "$JAR"; do
                        label=HEAD
                        [ "$jar" = "$JAR" ] || label=$base
                        # shellcheck disable=SC2086 # BENCH is a benchmark and its options
                        "$JAVA" -jar "$jar" $BENCH -f 1 -rf json -rff "$OUT/compare-$round-$label.json" \
                            > "$OUT/compare-$round-$label.txt" 2>&1
                        for metric in $metrics; do
                            figure "$OUT/compare-$round-$label.txt" "$metric" | sed "s/^/round $round: $label/"
                        done
                    done
                done | tee "$OUT/compare.txt"
                summarize "$OUT/compare.txt" | tee -a "$OUT/compare.txt"
                git worktree remove --force "$dir"
                return
            fi
            for round in 1 2; do
                for jar in "$dir/$JAR" "$JAR"; do
                    local label=HEAD
                    [ "$jar" = "$JAR" ] || label=$base
                    "$JAVA" -jar "$jar" 'NullFork|SignalWait|Yield' -p impl=activations,userthread,virtual \
                        -p processors=1 -f 2 -wi 2 -w 300ms -i 3 -r 500ms 2>&1 \
                        | grep -E '^(NullFork|SignalWait|Yield)' | sed "s/^/$label round $round: /" | tee -a "$OUT/compare.txt"
                done
            done
            git worktree remove --force "$dir" ;;
        *)
            echo "results.sh: unknown section \"$1\"; sections: $ALL" >&2
            exit 2 ;;
    esac
}

for s in ${*:-$ALL}; do
    echo "== $s ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
    section "$s"
done
