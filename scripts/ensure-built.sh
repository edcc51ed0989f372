#!/usr/bin/env bash
# Builds (tsc and the workflow bundle) only when a source file is newer than the last build, so a command such as
# `npm run status` starts at once. The check is one `find` over the sources: a few milliseconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find common workflows activities worker client lib tools package.json package-lock.json \
  tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  exit 0
fi
echo "building (sources changed since the last build)..." >&2
npm run -s build >&2
