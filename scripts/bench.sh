#!/usr/bin/env bash
# npm run bench: performance figures on the local stack (medians; tables are generated once and kept).
#   1. one day of 10M calls over 2,000 agents, one of 2M calls over 50,000 agents and one of 10M calls whose
#      conversation ids are all distinct: the export through Temporal
#      against a bare Node process doing the same query, CSV and upload; the query alone; the peer script's query
#      (GROUP BY conversation_id + argMax) and the floor (per-agent aggregation, no dedupe) with the ratios; the
#      worker's peak RSS (BENCH_CASE=10M or =2M picks days by the start of their name; BENCH_RUNS, default 5);
#   2. 90 days of 200,000 calls: one backfill against 90 single-day exports run one after another, and where the
#      backfill's time went (its runs' histories, ClickHouse's query_log, each process's CPU time);
#   3. fixed costs: a day of 3,000 calls exported through the real command (forced and up to date), split into the
#      time inside the steps, the workflow's overhead and the command's, and the command's start-up alone.
# Set BENCH_ONLY=export, BENCH_ONLY=backfill or BENCH_ONLY=fixed to run one part. Not part of the default run:
# BENCH_ONLY=cluster, one day (BENCH_CLUSTER_CALLS, default 2M calls) on the stack's two-shard cluster against one
# server (tools/bench/cluster.ts; it starts the second ClickHouse server and stops it again if it was not running);
# BENCH_ONLY=generate, the generator's 10M calls against ClickHouse's own INSERT … SELECT of the same rows
# (BENCH_CALLS, BENCH_RUNS, default 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=/dev/null
. scripts/stack/common.sh
# shellcheck source=/dev/null
. scripts/stack/install.sh
ensure_node_modules
bash scripts/stack.sh is-up >/dev/null 2>&1 || bash scripts/stack.sh up
npm run -s build
set -a
# shellcheck source=/dev/null
. .stack/stack.env
set +a

case "${BENCH_ONLY:-all}" in
  export) node dist/tools/bench/export.js ;;
  backfill) BENCH_SPAWN_WORKER=1 node dist/tools/bench/backfill.js ;;
  generate) node dist/tools/bench/generate.js ;;
  fixed) node dist/tools/bench/fixed-costs.js ;;
  all)
    node dist/tools/bench/export.js
    BENCH_SPAWN_WORKER=1 node dist/tools/bench/backfill.js
    node dist/tools/bench/fixed-costs.js
    ;;
  cluster)
    if ! bash scripts/stack.sh is-up clickhouse2 >/dev/null 2>&1; then
      bash scripts/stack.sh start clickhouse2
      trap 'bash scripts/stack.sh stop clickhouse2' EXIT
    fi
    node dist/tools/bench/cluster.js
    ;;
  *) echo "BENCH_ONLY must be export, backfill, fixed, cluster or generate" >&2; exit 2 ;;
esac
