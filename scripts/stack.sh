#!/usr/bin/env bash
# The local stack: Temporal dev server, ClickHouse and MinIO on loopback, for development and tests.
# Native processes by default; Docker Compose when a Docker engine answers. See docs/local-stack.md.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for part in common install native docker provision least-privilege cluster; do
  # shellcheck source=/dev/null
  . "$REPO_ROOT/scripts/stack/$part.sh"
done

usage() {
  cat <<EOF
Usage: bash scripts/stack.sh COMMAND

  up [--cluster]     install what is missing, start what is not running, create database, table and bucket,
                     write .stack/stack.env, print where everything runs; --cluster (or STACK_CLICKHOUSE_SHARDS=2)
                     also starts a second ClickHouse server: a two-shard cluster with a Distributed table
  down [--wipe]      stop the services (--wipe also deletes their data)
  status             each service: running or stopped, port, pid, log
  stop SERVICE       stop one service (temporal, clickhouse, clickhouse2 or minio); its data stays
  start SERVICE      start one service and wait until it answers
  install            only install the tools (Temporal CLI and test server, ClickHouse, MinIO)
  is-up [SERVICE...] exit 0 when every named service (default: all) answers

Ports (defaults; set the variable to move one): STACK_TEMPORAL_PORT=17233 STACK_TEMPORAL_UI_PORT=18233
  STACK_TEMPORAL_METRICS_PORT=17234 STACK_TEMPORAL_HTTP_PORT=17235 STACK_CLICKHOUSE_HTTP_PORT=18123
  STACK_CLICKHOUSE_TCP_PORT=19000 STACK_CLICKHOUSE_INTERSERVER_PORT=19009 STACK_MINIO_PORT=19100
  STACK_MINIO_CONSOLE_PORT=19101; the cluster's second server: STACK_CLICKHOUSE2_HTTP_PORT=18124
  STACK_CLICKHOUSE2_TCP_PORT=19001 STACK_CLICKHOUSE2_INTERSERVER_PORT=19010. STACK_MODE=native|docker forces a mode. Tools: \$AGENT_METRICS_TOOLS
  (default ~/.cache/agent-metrics).
EOF
}

# The mode the stack was brought up in wins, so 'down' stops what 'up' started even if Docker appeared since.
resolve_mode() {
  local recorded
  recorded=$(cat "$STACK_DIR/mode" 2>/dev/null || true)
  case "${STACK_MODE:-}" in
    native | docker) echo "$STACK_MODE" ;;
    "")
      if [ -n "$recorded" ]; then
        echo "$recorded"
      elif docker_engine_answers; then
        echo docker
      else
        echo native
      fi
      ;;
    *) die "STACK_MODE must be 'native' or 'docker' (got '$STACK_MODE')" ;;
  esac
}

need_service() {
  if [ $# -ne 1 ] || ! is_service "$1"; then die "name one service: temporal, clickhouse, clickhouse2 or minio"; fi
}

print_status() {
  local svc
  echo "${C_BOLD}agent-metrics stack ($MODE mode)${C_OFF}"
  for svc in "${SERVICES[@]}"; do "${MODE}_status_line" "$svc"; done
}

print_summary() {
  print_status
  cat <<EOF

  Temporal     $STACK_HOST:$TEMPORAL_PORT   namespace $TEMPORAL_NAMESPACE_NAME, search attributes ${SEARCH_ATTRIBUTES[*]}
  Web UI       ${C_BOLD}http://$STACK_HOST:$TEMPORAL_UI_PORT${C_OFF}
  ClickHouse   http://$STACK_HOST:$CLICKHOUSE_HTTP_PORT   table $CLICKHOUSE_DB.$CLICKHOUSE_TABLE_NAME (native protocol: $CLICKHOUSE_TCP_PORT)
EOF
  if cluster_on; then
    cat <<EOF
               shard 2: http://$STACK_HOST:$CLICKHOUSE2_HTTP_PORT (native: $CLICKHOUSE2_TCP_PORT); cluster $CLICKHOUSE_CLUSTER, Distributed table $CLICKHOUSE_DB.$CLICKHOUSE_DISTRIBUTED_TABLE
EOF
  fi
  cat <<EOF
  MinIO (S3)   http://$STACK_HOST:$MINIO_PORT   bucket $S3_BUCKET; console http://$STACK_HOST:$MINIO_CONSOLE_PORT ($MINIO_ROOT_USER / $MINIO_ROOT_PASSWORD)
  Settings     ${STACK_ENV_FILE#"$REPO_ROOT"/}   load them with: set -a; . ${STACK_ENV_FILE#"$REPO_ROOT"/}; set +a
EOF
}

cmd_up() {
  case "${1:-}" in
    "") ;;
    --cluster) STACK_CLICKHOUSE_SHARDS=2 ;;
    *) die "up takes only --cluster" ;;
  esac
  cluster_on && SERVICES+=(clickhouse2)
  take_lock
  local start=$SECONDS
  if [ "$MODE" = docker ]; then
    ensure_temporal_tools
    ensure_mc
    docker_up
  else
    ensure_native_tools
    native_start "${SERVICES[@]}"
  fi
  provision "${SERVICES[@]}"
  echo "$MODE" >"$STACK_DIR/mode"
  local shards
  shards=$(clickhouse_shards)
  echo "$shards" >"$SHARDS_FILE"
  write_stack_env "$MODE"
  info "ready in $((SECONDS - start))s"
  print_summary
}

cmd_down() {
  local wipe=""
  case "${1:-}" in
    "") ;;
    --wipe) wipe=--wipe ;;
    *) die "down takes only --wipe" ;;
  esac
  take_lock
  # The cluster's second server too, whether `up --cluster` or a test's `start clickhouse2` started it.
  add_cluster_service
  if [ "$MODE" = docker ]; then docker_down $wipe; else native_stop "${SERVICES[@]}"; fi
  if [ -n "$wipe" ]; then
    rm -rf "$STACK_DIR/temporal" "$STACK_DIR/clickhouse" "$STACK_DIR/clickhouse2" "$STACK_DIR/minio" \
      "$STACK_ENV_FILE" "$STACK_DIR/mode" "$SHARDS_FILE"
    info "data wiped (logs kept in ${LOG_DIR#"$REPO_ROOT"/})"
  fi
}

cmd_start() {
  need_service "$@"
  # Starting the second server starts the cluster (its config on both servers), for this command.
  if [ "$1" = clickhouse2 ]; then STACK_CLICKHOUSE_SHARDS=2; fi
  take_lock
  if [ "$MODE" = docker ]; then
    ensure_temporal_tools
    [ "$1" = minio ] && ensure_mc
    docker_start "$1"
  else
    case "$1" in
      temporal) ensure_temporal_tools ;;
      clickhouse | clickhouse2) ensure_clickhouse ;;
      minio) ensure_minio && ensure_mc ;;
    esac
    native_start "$1"
  fi
  provision "$1"
  [ -f "$STACK_DIR/mode" ] || echo "$MODE" >"$STACK_DIR/mode"
  write_stack_env "$MODE"
}

cmd_stop() {
  need_service "$@"
  if [ "$1" = clickhouse2 ]; then STACK_CLICKHOUSE_SHARDS=2; fi
  take_lock
  if [ "$MODE" = docker ]; then docker_stop "$1"; else native_stop "$1"; fi
}

cmd_is_up() {
  local svc
  [ $# -gt 0 ] || set -- "${SERVICES[@]}"
  for svc in "$@"; do
    is_service "$svc" || die "unknown service '$svc'"
    if [ "$MODE" = native ]; then running_pid "$svc" >/dev/null || return 1; fi
    service_answers "$svc" || return 1
  done
}

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
  help | -h | --help)
    usage
    exit 0
    ;;
esac
MODE=$(resolve_mode)
STACK_MODE_RESOLVED=$MODE
case "$command" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status)
    add_cluster_service
    print_status
    ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  install)
    take_lock
    if [ "$MODE" = docker ]; then ensure_temporal_tools; else ensure_native_tools; fi
    ;;
  is-up) cmd_is_up "$@" ;;
  *)
    usage >&2
    die "unknown command '$command'"
    ;;
esac
