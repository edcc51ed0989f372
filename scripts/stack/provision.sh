# What the product expects inside the services: database and table, bucket, search attribute (sourced).
# All idempotent; run on every up/start, in both modes.

# clickhouse_query SQL [HTTP_PORT]: the first server unless another port is named (the cluster's second server).
clickhouse_query() {
  local out
  if ! out=$(curl -sS --max-time 30 --fail-with-body --data-binary "$1" "http://$STACK_HOST:${2:-$CLICKHOUSE_HTTP_PORT}/" 2>&1); then
    die "ClickHouse refused: ${1%%$'\n'*}...: $out"
  fi
  printf '%s' "$out"
}

# The customer's DDL as they gave it (scripts/stack/conversations.sql), created as agent_metrics.conversations.
conversations_ddl() {
  grep -v '^[[:space:]]*--' "$STACK_SCRIPTS/conversations.sql" |
    sed -E "s/^CREATE TABLE conversations\$/CREATE TABLE IF NOT EXISTS $CLICKHOUSE_DB.$CLICKHOUSE_TABLE_NAME/" |
    sed -E 's/;[[:space:]]*$//'
}

provision_clickhouse() {
  clickhouse_query "CREATE DATABASE IF NOT EXISTS $CLICKHOUSE_DB" >/dev/null
  local ddl
  ddl=$(conversations_ddl)
  [[ "$ddl" == *"CREATE TABLE IF NOT EXISTS $CLICKHOUSE_DB.$CLICKHOUSE_TABLE_NAME"* ]] ||
    die "scripts/stack/conversations.sql no longer starts with 'CREATE TABLE conversations'"
  clickhouse_query "$ddl" >/dev/null
}

s3_request() { # METHOD PATH
  curl -sS --max-time 30 -o "$STACK_DIR/.s3-response" -w '%{http_code}' -X "$1" \
    --aws-sigv4 "aws:amz:$AWS_REGION_DEFAULT:s3" --user "$MINIO_ROOT_USER:$MINIO_ROOT_PASSWORD" \
    "http://$STACK_HOST:$MINIO_PORT/$2" 2>&1
}

provision_minio() {
  local code
  code=$(s3_request HEAD "$S3_BUCKET")
  if [ "$code" != 200 ]; then
    code=$(s3_request PUT "$S3_BUCKET")
    case "$code" in
      200 | 409) ;;
      *) die "creating bucket $S3_BUCKET in MinIO failed (HTTP $code): $(cat "$STACK_DIR/.s3-response" 2>/dev/null)" ;;
    esac
  fi
  provision_minio_users
}

# start-dev registers them from --search-attribute; Docker mode's one-shot does too. This catches anything else
# (an older dev-server database, a hand-made cluster).
provision_temporal() {
  local list name
  list=$(local_temporal operator search-attribute list 2>&1) || die "listing Temporal search attributes failed: $list"
  for name in "${SEARCH_ATTRIBUTES[@]}"; do
    if ! grep -Eq "^[[:space:]]*${name}[[:space:]]+Keyword" <<<"$list"; then
      info "registering search attribute $name (Keyword)"
      local_temporal operator search-attribute create --name "$name" --type Keyword >/dev/null ||
        die "could not register the $name search attribute"
    fi
  done
}

provision() {
  local svc
  for svc in "$@"; do "provision_$svc"; done
  rm -f "$STACK_DIR/.s3-response"
}

write_stack_env() {
  local tmp="$STACK_ENV_FILE.tmp.$$"
  cat >"$tmp" <<EOF
CLICKHOUSE_HOST=$STACK_HOST
CLICKHOUSE_PORT=$CLICKHOUSE_HTTP_PORT
CLICKHOUSE_USER=default
CLICKHOUSE_PASSWORD=
CLICKHOUSE_DATABASE=$CLICKHOUSE_DB
CLICKHOUSE_TABLE=$CLICKHOUSE_TABLE_NAME
AWS_ACCESS_KEY_ID=$MINIO_ROOT_USER
AWS_SECRET_ACCESS_KEY=$MINIO_ROOT_PASSWORD
AWS_REGION=$AWS_REGION_DEFAULT
S3_ENDPOINT=http://$STACK_HOST:$MINIO_PORT
S3_FORCE_PATH_STYLE=true
S3_BUCKET_NAME=$S3_BUCKET
S3_PREFIX=$S3_PREFIX_DEFAULT
LP_CLICKHOUSE_USER=$LP_CLICKHOUSE_USER_NAME
LP_CLICKHOUSE_PASSWORD=$LP_CLICKHOUSE_PASSWORD_VALUE
LP_AWS_ACCESS_KEY_ID=$LP_S3_USER
LP_AWS_SECRET_ACCESS_KEY=$LP_S3_SECRET
LP_NOLIST_AWS_ACCESS_KEY_ID=$LP_S3_NOLIST_USER
LP_NOLIST_AWS_SECRET_ACCESS_KEY=$LP_S3_NOLIST_SECRET
TEMPORAL_ADDRESS=$STACK_HOST:$TEMPORAL_PORT
TEMPORAL_NAMESPACE=$TEMPORAL_NAMESPACE_NAME
TEMPORAL_TASK_QUEUE=agent-metrics
TEMPORAL_UI_URL=http://$STACK_HOST:$TEMPORAL_UI_PORT
TEMPORAL_CLI_PATH=$TEMPORAL_BIN
TEMPORAL_TEST_SERVER_PATH=$TEST_SERVER_BIN
STACK_MODE=$1
EOF
  mv -f "$tmp" "$STACK_ENV_FILE"
}
