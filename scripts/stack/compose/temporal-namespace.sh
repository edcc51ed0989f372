#!/bin/sh
# Docker mode, one-shot (temporalio/admin-tools): the namespace and the product's search attributes, once the
# server is healthy. Safe to run again.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$ns" --retention 30d
for attribute in $SEARCH_ATTRIBUTES; do
  temporal operator search-attribute list --namespace "$ns" | grep -qw "$attribute" ||
    temporal operator search-attribute create --namespace "$ns" --name "$attribute" --type Keyword
done
echo "namespace $ns ready with search attributes: $SEARCH_ATTRIBUTES"
