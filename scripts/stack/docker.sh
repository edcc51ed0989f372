# Docker mode: the same three services (plus PostgreSQL for Temporal and the Web UI) from docker-compose.yml,
# used when a Docker engine answers (sourced). Same ports, same stack.env.

COMPOSE_PROJECT="${COMPOSE_PROJECT_NAME:-agent-metrics}"

compose() {
  local files=(-f "$REPO_ROOT/docker-compose.yml")
  # The two-shard cluster: the second server and both servers' remote_servers (cluster.sh).
  # `down` always names it, so it also removes a second server that `start clickhouse2` added.
  if cluster_on || [ -n "${COMPOSE_WITH_CLUSTER:-}" ]; then files+=(-f "$REPO_ROOT/docker-compose.cluster.yml"); fi
  if docker compose version >/dev/null 2>&1; then
    docker compose -p "$COMPOSE_PROJECT" "${files[@]}" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose -p "$COMPOSE_PROJECT" "${files[@]}" "$@"
  else
    die "a Docker engine answers but neither 'docker compose' nor 'docker-compose' is installed (or force STACK_MODE=native)"
  fi
}

docker_engine_answers() {
  command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1
}

docker_container_running() {
  [ -n "$(compose ps -q "$1" 2>/dev/null)" ] &&
    [ "$(docker inspect -f '{{.State.Running}}' "$(compose ps -q "$1" | head -n 1)" 2>/dev/null)" = true ]
}

docker_up() {
  info "starting the stack with Docker Compose (docker-compose.yml)"
  compose up -d || die "docker compose up failed; see: docker compose -p $COMPOSE_PROJECT logs"
  local svc
  for svc in "${SERVICES[@]}"; do wait_answers "$svc"; done
}

docker_start() {
  if [ "$1" = clickhouse2 ]; then
    # Created on first use, and the first server recreated with the cluster file (its data volume stays).
    compose up -d clickhouse clickhouse2 || die "docker compose up -d clickhouse clickhouse2 failed"
  else
    compose start "$@" || die "docker compose start $* failed"
  fi
  local svc
  for svc in "$@"; do wait_answers "$svc"; done
}

docker_stop() {
  compose stop "$@" || die "docker compose stop $* failed"
}

docker_down() {
  local COMPOSE_WITH_CLUSTER=1
  if [ "${1:-}" = --wipe ]; then compose down -v; else compose down; fi
}

docker_status_line() {
  local svc=$1 state
  if docker_container_running "$svc"; then
    if service_answers "$svc"; then state="${C_GREEN}running${C_OFF}"; else state="starting/not answering"; fi
  else
    state="${C_DIM}stopped${C_OFF}"
  fi
  printf '  %-11s %-32s port %-6s container %s\n' "$svc" "$state" "$(main_port "$svc")" \
    "$(compose ps -q "$svc" 2>/dev/null | cut -c1-12)"
}
