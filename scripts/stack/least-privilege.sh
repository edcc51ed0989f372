# Least-privilege S3 users for the product (sourced after provision.sh): one limited to the bucket's prefix, and
# one without s3:ListBucket (for the test of the 403-for-missing-key message). Each step is idempotent. The
# read-only ClickHouse user is in clickhouse-reader.xml. Why each permission is there: docs/least-privilege.md.

# s3_export_policy BUCKET PREFIX [nolist]: the S3 policy the product needs, as docs/least-privilege.md gives it.
s3_export_policy() {
  local bucket=$1 prefix=$2 list=""
  if [ "${3:-}" != nolist ]; then
    list=$(
      cat <<EOF
,
    {
      "Effect": "Allow",
      "Action": ["s3:ListBucket"],
      "Resource": ["arn:aws:s3:::$bucket"],
      "Condition": { "StringLike": { "s3:prefix": ["$prefix/*"] } }
    }
EOF
    )
  fi
  cat <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      "Resource": ["arn:aws:s3:::$bucket/$prefix/*"]
    }$list
  ]
}
EOF
}

# mc against the stack's MinIO as root, with its settings under .stack (never ~/.mc).
stack_mc() {
  MC_CONFIG_DIR="$STACK_DIR/mc" MC_HOST_stack="http://$MINIO_ROOT_USER:$MINIO_ROOT_PASSWORD@$STACK_HOST:$MINIO_PORT" \
    timeout 60 "$MC_BIN" --no-color --quiet "$@"
}

# minio_user USER SECRET POLICY [nolist]: the policy (re)written, the user (re)created and the policy attached.
# Adding a user and attaching take about half a second each, so they are skipped when MinIO already has the user
# with the policy and the stamp says the secret is the one set here.
minio_user() {
  local user=$1 secret=$2 policy=$3 file="$STACK_DIR/mc/$3.json" stamp="$STACK_DIR/mc/$1.stamp" out
  mkdir -p "$STACK_DIR/mc"
  s3_export_policy "$S3_BUCKET" "$S3_PREFIX_DEFAULT" "${4:-}" >"$file"
  out=$(stack_mc admin policy create stack "$policy" "$file" 2>&1) || die "mc admin policy create $policy failed: $out"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$user:$secret:$policy" ] &&
    [[ "$(stack_mc admin user info stack "$user" 2>/dev/null)" == *"PolicyName: $policy"* ]]; then
    return 0
  fi
  out=$(stack_mc admin user add stack "$user" "$secret" 2>&1) || die "mc admin user add $user failed: $out"
  out=$(stack_mc admin policy attach stack "$policy" --user "$user" 2>&1) ||
    [[ "$out" == *"already in effect"* ]] || die "mc admin policy attach $policy --user $user failed: $out"
  echo "$user:$secret:$policy" >"$stamp"
}

provision_minio_users() {
  [ -x "$MC_BIN" ] || ensure_mc
  minio_user "$LP_S3_USER" "$LP_S3_SECRET" agent-metrics-export
  minio_user "$LP_S3_NOLIST_USER" "$LP_S3_NOLIST_SECRET" agent-metrics-export-nolist nolist
}
