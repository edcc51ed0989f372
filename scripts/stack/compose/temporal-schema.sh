#!/bin/sh
# Docker mode, one-shot (temporalio/admin-tools): creates or updates Temporal's PostgreSQL schemas, the way
# Temporal's own compose files do since `auto-setup` was deprecated. Safe to run again: each step skips what exists.
set -eu
sql() { temporal-sql-tool --plugin postgres12 --ep postgresql -u "$POSTGRES_USER" -p 5432 "$@"; }
for db in temporal temporal_visibility; do
  sql --db "$db" create 2>/dev/null || echo "database $db exists"
done
sql --db temporal setup-schema -v 0.0 2>/dev/null || echo "schema of temporal already set up"
sql --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
sql --db temporal_visibility setup-schema -v 0.0 2>/dev/null || echo "schema of temporal_visibility already set up"
sql --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schemas are current"
