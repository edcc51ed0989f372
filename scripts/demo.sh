#!/usr/bin/env bash
# npm run demo: the main job end to end on the local stack. Brings the stack up, generates yesterday's calls,
# starts a worker, exports the day through Temporal, prints the S3 URI, the first CSV lines and the Web UI link,
# then stops what it started (pass --keep-stack to leave the stack running so you can open the Web UI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

keep_stack=false
for arg in "$@"; do
  case "$arg" in
    --keep-stack) keep_stack=true ;;
    *) echo "usage: npm run demo [-- --keep-stack]" >&2; exit 2 ;;
  esac
done

say() { printf '\n%s\n' "${C_BOLD}== $*${C_OFF}"; }

# shellcheck source=/dev/null
. scripts/stack/common.sh
# shellcheck source=/dev/null
. scripts/stack/install.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  ensure_node_modules
fi

started_stack=false
if ! bash scripts/stack.sh is-up >/dev/null 2>&1; then
  say "starting the local stack"
  bash scripts/stack.sh up
  started_stack=true
fi

worker_pid=""
cleanup() {
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid" && wait "$worker_pid" 2>/dev/null || true
  fi
  if $started_stack && ! $keep_stack; then
    say "stopping the stack this demo started (npm run demo -- --keep-stack leaves it up)"
    bash scripts/stack.sh down
  fi
}
trap cleanup EXIT

say "building"
npm run -s build

set -a
# shellcheck source=/dev/null
. .stack/stack.env
set +a
day=$(date -u -d yesterday +%Y-%m-%d)
calls=${DEMO_CALLS:-200000}
agents=${DEMO_AGENTS:-500}

rows=$(curl -sS "http://$CLICKHOUSE_HOST:$CLICKHOUSE_PORT/" --data-binary \
  "SELECT count() FROM $CLICKHOUSE_DATABASE.$CLICKHOUSE_TABLE WHERE call_start >= toDateTime('$day 00:00:00', 'UTC') AND call_start < toDateTime('$day 00:00:00', 'UTC') + 86400")
if [ "$rows" -eq 0 ]; then
  say "generating $calls calls by $agents agents on $day"
  node dist/tools/generate/main.js --from "$day" --to "$day" --calls-per-day "$calls" --agents "$agents" --seed 1
else
  say "$day already holds $rows rows: not generating"
fi

say "starting a worker"
mkdir -p .stack/logs
node dist/worker/main.js >.stack/logs/demo-worker.log 2>&1 &
worker_pid=$!
for _ in $(seq 1 120); do
  grep -q '"worker started"' .stack/logs/demo-worker.log 2>/dev/null && break
  kill -0 "$worker_pid" 2>/dev/null || { cat .stack/logs/demo-worker.log >&2; exit 1; }
  sleep 0.5
done

say "exporting $day through Temporal"
node bin/agent-metrics.js export --date "$day" --force --head 6
