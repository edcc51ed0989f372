#!/bin/bash
# Docker mode: run by the ClickHouse image's entrypoint on first start (empty data volume). Creates the customer's
# table, from the same DDL file native mode uses, as agent_metrics.conversations.
set -euo pipefail
grep -v '^[[:space:]]*--' /schema/conversations.sql |
  sed -E 's/^CREATE TABLE conversations$/CREATE TABLE IF NOT EXISTS agent_metrics.conversations/' |
  clickhouse-client --host 127.0.0.1 --multiquery
