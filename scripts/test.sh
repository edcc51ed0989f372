#!/usr/bin/env bash
# npm test: unit, workflow and integration tests against the real local stack. Works as the first command in a
# fresh clone: installs node_modules and the stack's tools, starts what is not running, stops at the end only what
# it started. Extra arguments go to mocha (npm test -- --grep foo).
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT" || exit 1
# shellcheck source=/dev/null
. scripts/stack/common.sh
# shellcheck source=/dev/null
. scripts/stack/install.sh

phase() { printf '\n%s\n' "${C_BOLD}== $*${C_OFF}"; }

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "npm ci"
  ensure_node_modules
fi

# The docker-compose.yml test validates the file with Debian's docker-compose (no engine needed); the observability
# test checks the alert rules with promtool and scrapes a worker with a real Prometheus (Debian's prometheus);
# the dashboard test drives Debian's chromium.
command -v docker-compose >/dev/null 2>&1 || apt_ensure docker-compose
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || apt_ensure prometheus
ensure_chromium

phase "stack"
was_running=()
for svc in "${SERVICES[@]}"; do
  bash scripts/stack.sh is-up "$svc" >/dev/null 2>&1 && was_running+=("$svc")
done
# shellcheck disable=SC2317 # called by the EXIT trap
stop_what_we_started() {
  local svc keep
  for svc in "${SERVICES[@]}"; do
    keep=no
    for kept in "${was_running[@]}"; do [ "$kept" = "$svc" ] && keep=yes; done
    [ "$keep" = no ] && bash scripts/stack.sh stop "$svc" >/dev/null 2>&1
  done
  return 0
}
if [ "${#was_running[@]}" -lt "${#SERVICES[@]}" ]; then
  trap stop_what_we_started EXIT
  trap 'exit 130' INT TERM
fi
bash scripts/stack.sh up || die "the local stack did not come up (see the message above)"
# Current ClickHouse, embedded (PyPI chdb-core): test/integration/current-clickhouse.test.ts runs the SQL on it.
ensure_current_clickhouse
# PyArrow: test/integration/output-formats.test.ts reads the Parquet files with it.
ensure_parquet_reader

phase "build"
npm run -s build || die "npm run build failed"

set -a
# shellcheck source=/dev/null
. "$STACK_ENV_FILE"
set +a

phase "mocha"
report="$STACK_DIR/mocha-output.txt"
color=()
[ -t 1 ] && [ -z "${NO_COLOR:-}" ] && color=(--color)
npx mocha "${color[@]}" 'test/unit/**/*.test.ts' 'test/workflows/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/faults/**/*.test.ts' "$@" 2>&1 |
  tee "$report"
status=${PIPESTATUS[0]}

count() { sed 's/\x1b\[[0-9;]*m//g' "$report" | grep -Eo "^ +[0-9]+ $1" | tail -n 1 | grep -Eo '[0-9]+' || echo 0; }
passed=$(count passing)
failed=$(count failing)
skipped=$(count pending)
rm -f "$report"
echo
echo "mocha: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "mocha: no test ran" >&2
  status=1
fi
exit "$status"
