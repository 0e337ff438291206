#!/usr/bin/env bash
# Optional smoke test of the container image's runtime stage with podman, for machines without
# Docker and without access to container registries (like the CI machine). Not run by
# scripts/test. Prints "SKIPPED podman smoke: <reason>" and exits 0 when it cannot run.
#
# What it does, since neither base image can be pulled offline:
#   1. makes a stand-in for gcr.io/distroless/cc-debian12:nonroot from this machine's own glibc,
#      libgcc and CA bundle (what distroless "cc" holds), with the nonroot user 65532, and tags it
#      with that exact name;
#   2. builds the Dockerfile's runtime stage *as written* (USER, EXPOSE, config path, ENTRYPOINT),
#      with the builder stage's output replaced by a binary built on the host (`cargo build
#      --release`, or $AKHBAR_BIN);
#   3. runs it read-only against a loopback nats-server, checks /healthz, /readyz, /metrics,
#      `akhbar health` inside the container, that the process runs as uid 65532, that a published
#      page becomes an article, and that SIGTERM (`podman stop`) ends it with exit code 0.
# The builder stage itself (rust:1.95-slim-bookworm) is not exercised here.
#
# Usage: deploy/smoke/podman.sh            (AKHBAR_BIN=target/debug/akhbar to skip the release build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

skip() {
    echo "SKIPPED podman smoke: $*"
    exit 0
}

command -v podman >/dev/null 2>&1 || skip "podman is not installed (apt-get install podman runc)"
command -v ldd >/dev/null 2>&1 || skip "ldd is not available"

BASE=gcr.io/distroless/cc-debian12:nonroot
IMAGE=localhost/akhbar:smoke
work=$(mktemp -d)
container=""
nats_pid=""
made_base=0
cleanup() {
    if [ -n "$container" ]; then podman rm -f "$container" >/dev/null 2>&1 || true; fi
    if [ -n "$nats_pid" ]; then kill "$nats_pid" 2>/dev/null || true; fi
    podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
    if [ "$made_base" = 1 ]; then podman rmi -f "$BASE" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

section "Binary"
bin=${AKHBAR_BIN:-}
if [ -z "$bin" ]; then
    cargo build --release --locked --bin akhbar
    bin=target/release/akhbar
fi
[ -x "$bin" ] || skip "no akhbar binary at $bin"
info "$bin ($("$bin" --version))"

section "Stand-in base image $BASE"
if podman image exists "$BASE"; then
    info "already present; used as is"
else
    root="$work/rootfs"
    mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot"
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
    fi
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
    chmod 1777 "$root/tmp"
    tar -C "$root" -cf "$work/rootfs.tar" .
    podman import --change 'USER 65532:65532' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$work/rootfs.tar" "$BASE" >/dev/null
    made_base=1
    info "made from the host's $(ldd "$bin" | grep -c '/') shared libraries and CA bundle"
fi

# podman's defaults (crun, RLIMIT_NOFILE 1048576) fail in some VMs and containers; find flags
# that work: crun or runc, open files capped at the host's limit, 4096 processes.
section "Container runtime"
run_flags=()
for candidate in "" "--runtime runc"; do
    # shellcheck disable=SC2206
    flags=($candidate --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=4096:4096")
    if out=$(podman run --rm "${flags[@]}" --entrypoint /usr/local/bin/akhbar --volume "$(realpath "$bin"):/usr/local/bin/akhbar:ro" "$BASE" --version 2>&1); then
        run_flags=("${flags[@]}")
        info "podman run ${run_flags[*]}: $out"
        break
    fi
    info "podman run ${flags[*]} fails: $(echo "$out" | tail -n1)"
done
[ ${#run_flags[@]} -gt 0 ] || skip "podman cannot run containers here"
global_flags=()
[ "${run_flags[0]}" = "--runtime" ] && global_flags=(--runtime runc)

section "Build the Dockerfile's runtime stage"
ctx="$work/ctx"
mkdir -p "$ctx/config"
cp "$bin" "$ctx/akhbar"
cp config/akhbar.toml "$ctx/config/akhbar.toml"
sed -n '/^FROM .* AS runtime$/,$p' Dockerfile |
    sed 's|^COPY --from=builder /out/akhbar |COPY akhbar |' >"$ctx/Containerfile"
grep -q '^COPY akhbar /usr/local/bin/akhbar$' "$ctx/Containerfile" ||
    die "the Dockerfile's runtime stage no longer copies /out/akhbar from the builder; update this script"
podman "${global_flags[@]}" build --pull=never -q -t "$IMAGE" -f "$ctx/Containerfile" "$ctx" >/dev/null
info "$(podman image inspect "$IMAGE" --format 'user={{.Config.User}} entrypoint={{.Config.Entrypoint}} cmd={{.Config.Cmd}} ports={{.Config.ExposedPorts}}')"
version=$(podman run --rm "${run_flags[@]}" "$IMAGE" --version) || die "\`podman run IMAGE --version\` failed"
info "podman run IMAGE --version: $version (the entrypoint takes any subcommand)"

section "Run against a loopback nats-server"
ensure_nats_server
nats_port=$(free_port)
"$NATS_SERVER_BIN" -js -a 127.0.0.1 -p "$nats_port" -sd "$work/js" >"$work/nats.log" 2>&1 &
nats_pid=$!
wait_for_port "$nats_port" 20 || die "nats-server did not start"
http_port=$(free_port)
container=$(podman run -d "${run_flags[@]}" --network host --read-only \
    -e AKHBAR_NATS__URL="nats://127.0.0.1:$nats_port" -e AKHBAR_HTTP__PORT="$http_port" \
    -e AKHBAR_HTTP__ADDRESS=127.0.0.1 "$IMAGE")
# status PATH: the HTTP status of a GET (0 when unreachable); body PATH: the body.
status() { python3 - "http://127.0.0.1:$http_port$1" <<'PY'
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status)
except Exception as e:
    print(getattr(e, "code", 0))
PY
}
body() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())' "http://127.0.0.1:$http_port$1"; }
for _ in $(seq 1 100); do
    [ "$(status /readyz)" = 200 ] && break
    sleep 0.2
done
[ "$(status /healthz)" = 200 ] || { podman logs "$container" | tail; die "/healthz is not 200"; }
[ "$(status /readyz)" = 200 ] || { podman logs "$container" | tail; die "/readyz is not 200"; }
info "/healthz and /readyz answer 200"
podman exec "$container" akhbar health --url "http://127.0.0.1:$http_port/readyz" >/dev/null ||
    die "akhbar health inside the container does not report ready"
info "akhbar health inside the container: ready (the compose healthcheck)"
pid=$(podman inspect "$container" --format '{{.State.Pid}}')
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = 65532 ] || die "the process runs as uid $uid, not 65532"
info "the process runs as uid 65532 on a read-only root filesystem"

page="$work/page.html"
cat >"$page" <<'HTML'
<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>اختبار الحاوية</title></head>
<body><nav><a href="/">الرئيسية</a></nav><article><h1>افتتاح محطة جديدة لتحلية المياه في المدينة</h1>
<p>افتتحت الحكومة اليوم محطة جديدة لتحلية المياه في المدينة الساحلية، في خطوة قال المسؤولون إنها ستخفف من أزمة المياه التي تعاني منها المنطقة منذ سنوات طويلة.</p>
<p>وقال وزير المياه خلال حفل الافتتاح إن المحطة تنتج مئة ألف متر مكعب يومياً، وإن العمل جار على إنشاء محطتين أخريين خلال العامين المقبلين بتمويل من القطاع الخاص.</p>
<p>ورحب السكان بالمشروع، مشيرين إلى أن انقطاع المياه كان يتكرر كل صيف، وأنهم يأملون أن تنتهي هذه المعاناة مع تشغيل المحطة بكامل طاقتها في الأشهر المقبلة.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>
HTML
"$bin" publish --server "nats://127.0.0.1:$nats_port" --url-prefix https://smoke.example/ "$page" >/dev/null
published=0
for _ in $(seq 1 100); do
    published=$(body /metrics | awk '$1 == "akhbar_articles_published_total" {print $2}')
    [ "${published:-0}" -ge 1 ] 2>/dev/null && break
    sleep 0.2
done
[ "${published:-0}" -ge 1 ] 2>/dev/null || { podman logs "$container" | tail; die "no article published"; }
info "a published page came out as an article (akhbar_articles_published_total=$published)"

podman stop -t 30 "$container" >/dev/null
code=$(podman inspect "$container" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { podman logs "$container" | tail; die "exit code $code after SIGTERM"; }
info "SIGTERM: exit code 0"

section "podman smoke passed"
