#!/usr/bin/env bash
# The local demo: a real Kafka (KRaft) and a real distributed Connect worker as local processes, the plugin
# archive on plugin.path, three local clouds (S3Proxy, Azurite from npm, a directory). Archives a topic,
# loses a cloud mid-stream, replays the archive into <topic>-restored and compares both byte for byte.
# Needs JDK 17, Maven and Node/npm; no Docker. State and logs go to .demo/ (gitignored).
# Exits 0 after printing "verified", non-zero otherwise. Set MCST_DEMO_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")"

for tool in java mvn npm; do
  command -v "$tool" >/dev/null || { echo "demo.sh: '$tool' is not installed (needs JDK 17, Maven, Node/npm)" >&2; exit 2; }
done

if [[ "${MCST_DEMO_SKIP_BUILD:-0}" != 1 ]]; then
  echo "Building (mvn -B -q package -DskipTests)..."
  mvn -B -q package -DskipTests
fi

shopt -s nullglob
archives=(plugin/target/mcst-kafka-connect-*.zip)
demo_jars=(demo/target/mcst-demo-*.jar)
if (( ${#archives[@]} != 1 || ${#demo_jars[@]} != 1 )); then
  echo "demo.sh: expected one plugin archive and one demo jar under */target; run without MCST_DEMO_SKIP_BUILD" >&2
  exit 2
fi

mkdir -p .demo
java -Xmx512m -cp "${demo_jars[0]}:$(cat demo/target/demo.classpath):$(cat demo/target/clouds.classpath)" \
  -Dmcst.demo.dir=.demo \
  -Dmcst.plugin.archive="${archives[0]}" \
  -Dmcst.worker.classpath=demo/target/worker.classpath \
  io.mcst.demo.Demo &
demo_pid=$!
# On Ctrl-C or kill, let the demo stop its broker, worker and clouds (its shutdown hook) before we exit.
trap 'kill -TERM "$demo_pid" 2>/dev/null; wait "$demo_pid"; exit 130' INT TERM
wait "$demo_pid"
