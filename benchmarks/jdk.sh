# Sourced by benchmarks/results.sh, profile.sh and threads.sh (from the repository root): sets JAVA
# to the first JDK 25+ found in JAVA_HOME, on the PATH or under /usr/lib/jvm (or exits 2 naming
# the script), FLAGS to the JVM options every benchmark fork needs (one string, split where used),
# and builds the benchmarks jar ($JAR) if it is missing.
JAVA=""
for c in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    if [ -x "$c" ] && [ "$("$c" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')" -ge 25 ] 2>/dev/null; then
        JAVA=$c
        break
    fi
done
[ -n "$JAVA" ] || { echo "$(basename "$0"): no JDK 25 or newer found (JAVA_HOME, PATH, /usr/lib/jvm)" >&2; exit 2; }
FLAGS="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED"
[ -f "$JAR" ] || mvn -q -B -DskipTests package -pl benchmarks -am
