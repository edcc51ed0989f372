# Native mode: the three services as plain processes of this user, detached, state under .stack (sourced).

pid_file() { echo "$PID_DIR/$1.pid"; }

log_file() {
  case "$1" in
    clickhouse) echo "$LOG_DIR/clickhouse-server.err.log" ;;
    clickhouse2) echo "$LOG_DIR/clickhouse2-server.err.log" ;;
    *) echo "$LOG_DIR/$1.log" ;;
  esac
}

# True when $2 is a live process of service $1 started from this clone: its command line names our .stack dir.
is_our_process() {
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null) || return 1
  [ -n "$cmd" ] || return 1
  [[ "$cmd" == *"$STACK_DIR/"* ]] || return 1
  case "$1" in
    temporal) [[ "$cmd" == *"server start-dev"* ]] ;;
    clickhouse | clickhouse2) [[ "$cmd" == *clickhouse*"$STACK_DIR/$1/config.xml"* ]] ;;
    minio) [[ "$cmd" == *minio*" server "* ]] ;;
    *) return 1 ;;
  esac
}

# Prints the pid of our running service $1; fails when it is not running.
running_pid() {
  local pid
  pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  is_our_process "$1" "$pid" || return 1
  echo "$pid"
}

# Names the program that holds a port, when ss can tell.
port_holder() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1 | sed -E 's/users:\(\("([^"]*)",pid=([0-9]+).*/\1, pid \2/'
}

# A service of ours whose pid file was lost (deleted, or an interrupted start) is adopted, not reported as a
# stranger holding its port.
adopt_running() {
  local pid
  command -v ss >/dev/null 2>&1 || return 1
  pid=$(ss -Htlnp "sport = :$(main_port "$1")" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
  [ -n "$pid" ] && is_our_process "$1" "$pid" || return 1
  mkdir -p "$PID_DIR"
  echo "$pid" >"$(pid_file "$1")"
}

check_ports() {
  local name port var holder
  while IFS='|' read -r name port var; do
    if port_in_use "$port"; then
      holder=$(port_holder "$port")
      die "port $port ($1 $name) is already taken${holder:+ by $holder}. Stop that program, or move $1: $var=<free port> npm run stack:up"
    fi
  done < <(service_ports "$1")
}

# write_clickhouse_config [clickhouse|clickhouse2]: the server's config from the templates, in .stack/<name>; with
# the cluster on, both servers also get its remote_servers (cluster.sh).
write_clickhouse_config() {
  local name=${1:-clickhouse} http=$CLICKHOUSE_HTTP_PORT tcp=$CLICKHOUSE_TCP_PORT inter=$CLICKHOUSE_INTERSERVER_PORT
  if [ "$name" = clickhouse2 ]; then
    http=$CLICKHOUSE2_HTTP_PORT tcp=$CLICKHOUSE2_TCP_PORT inter=$CLICKHOUSE2_INTERSERVER_PORT
  fi
  local dir="$STACK_DIR/$name"
  mkdir -p "$dir/data"
  local tpl
  for tpl in config users; do
    sed -e "s#@LOG_DIR@#$LOG_DIR#g" -e "s#@LOG_NAME@#$name-server#g" -e "s#@DATA_DIR@#$dir/data#g" \
      -e "s#@CONFIG_DIR@#$dir#g" -e "s#@HTTP_PORT@#$http#g" -e "s#@TCP_PORT@#$tcp#g" \
      -e "s#@INTERSERVER_PORT@#$inter#g" \
      "$STACK_SCRIPTS/clickhouse-$tpl.xml" >"$dir/$tpl.xml"
  done
  mkdir -p "$dir/users.d"
  cp "$STACK_SCRIPTS/clickhouse-reader.xml" "$dir/users.d/agent-metrics-reader.xml"
  write_cluster_config "$name"
}

# launch SERVICE WORKDIR COMMAND...: starts COMMAND in its own session, detached from this shell, output to the
# service's log; the pid file holds the pid of COMMAND itself (bash records $$ and execs it). fd 9 is the
# stack lock: the service must not inherit it.
launch() {
  local svc=$1 workdir=$2 pidf
  shift 2
  pidf=$(pid_file "$svc")
  rm -f "$pidf"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash.
  (cd "$workdir" && setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >>"$LOG_DIR/$svc.log" 2>&1 </dev/null 9>&-)
  local i
  for i in $(seq 1 50); do
    [ -s "$pidf" ] && return 0
    sleep 0.1
  done
  die "$svc did not start; see $LOG_DIR/$svc.log"
}

start_process() {
  mkdir -p "$PID_DIR" "$LOG_DIR"
  printf '\n=== %s: starting %s\n' "$(date -u +%FT%TZ)" "$1" >>"$LOG_DIR/$1.log"
  case "$1" in
    temporal)
      mkdir -p "$STACK_DIR/temporal"
      local attributes=() name
      for name in "${SEARCH_ATTRIBUTES[@]}"; do attributes+=(--search-attribute "$name=Keyword"); done
      launch temporal "$STACK_DIR/temporal" "$TEMPORAL_BIN" server start-dev \
        --ip "$STACK_HOST" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
        --metrics-port "$TEMPORAL_METRICS_PORT" --http-port "$TEMPORAL_HTTP_PORT" \
        --db-filename "$STACK_DIR/temporal/temporal.db" --namespace "$TEMPORAL_NAMESPACE_NAME" \
        "${attributes[@]}" --log-level warn \
        --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal
      ;;
    clickhouse | clickhouse2)
      write_clickhouse_config "$1"
      launch "$1" "$STACK_DIR/$1" "$(clickhouse_server_bin)" --config-file="$STACK_DIR/$1/config.xml"
      ;;
    minio)
      mkdir -p "$STACK_DIR/minio/data"
      launch minio "$STACK_DIR/minio" env MINIO_ROOT_USER="$MINIO_ROOT_USER" \
        MINIO_ROOT_PASSWORD="$MINIO_ROOT_PASSWORD" MINIO_UPDATE=off \
        "$MINIO_BIN" server "$STACK_DIR/minio/data" \
        --address "$STACK_HOST:$MINIO_PORT" --console-address "$STACK_HOST:$MINIO_CONSOLE_PORT"
      ;;
  esac
}

# True when the service answers (not merely listens).
service_answers() {
  case "$1" in
    temporal)
      local_temporal operator namespace describe >/dev/null 2>&1
      ;;
    clickhouse | clickhouse2) [ "$(curl -s --max-time 3 "http://$STACK_HOST:$(main_port "$1")/ping" 2>/dev/null)" = "Ok." ] ;;
    minio) curl -sf --max-time 3 -o /dev/null "http://$STACK_HOST:$MINIO_PORT/minio/health/ready" 2>/dev/null ;;
  esac
}

# Waits until $1 answers; fails fast, with the log's last lines, if the process dies or the time runs out.
wait_answers() {
  local svc=$1 deadline=$((SECONDS + WAIT_TIMEOUT)) log
  log=$(log_file "$svc")
  while ! service_answers "$svc"; do
    if [ "${STACK_MODE_RESOLVED:-native}" = native ] && ! running_pid "$svc" >/dev/null; then
      local logs=("$LOG_DIR/$svc.log")
      [ "$log" = "${logs[0]}" ] || logs+=("$log")
      tail -n 15 "${logs[@]}" 2>/dev/null | sed 's/^/    /' >&2
      die "$svc exited while starting; see ${logs[*]}"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$svc did not answer on port $(main_port "$svc") within ${WAIT_TIMEOUT}s (STACK_WAIT_TIMEOUT); see $log"
    fi
    sleep 0.3
  done
}

stop_process() {
  local svc=$1 pid i
  if ! pid=$(running_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    is_our_process "$svc" "$pid" || break
    sleep 0.1
  done
  if is_our_process "$svc" "$pid"; then
    warn "$svc (pid $pid) ignored SIGTERM for 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$svc")"
  return 0
}

native_start() {
  local svc started=()
  for svc in "$@"; do
    running_pid "$svc" >/dev/null || adopt_running "$svc" || check_ports "$svc"
  done
  for svc in "$@"; do
    if ! running_pid "$svc" >/dev/null; then
      start_process "$svc"
      started+=("$svc")
    fi
  done
  for svc in "$@"; do wait_answers "$svc"; done
  [ "${#started[@]}" -gt 0 ] && info "started: ${started[*]}"
  return 0
}

native_stop() {
  local svc
  for svc in "$@"; do
    if stop_process "$svc"; then info "stopped $svc"; else info "$svc was not running"; fi
  done
}

native_status_line() {
  local svc=$1 pid state
  if pid=$(running_pid "$svc"); then
    if service_answers "$svc"; then state="${C_GREEN}running${C_OFF}"; else state="starting/not answering"; fi
  else
    state="${C_DIM}stopped${C_OFF}" pid="-"
  fi
  printf '  %-11s %-32s port %-6s pid %-8s log %s\n' "$svc" "$state" "$(main_port "$svc")" "$pid" \
    "${STACK_DIR#"$REPO_ROOT"/}/${LOG_DIR#"$STACK_DIR"/}/$(basename "$(log_file "$svc")")"
}
