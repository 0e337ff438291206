# akhbar container image: a Rust builder stage and a distroless runtime.
# Build from the checkout root, with the OCI labels filled in:
#   docker build -t akhbar:dev \
#     --build-arg VERSION="$(cargo pkgid | sed 's/.*[#@]//')" \
#     --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=https://forge.example/OWNER/akhbar .

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src

# Dependency layer: compile every dependency against stub sources, so that editing src/
# reuses this layer and only recompiles akhbar itself. The "dist" profile (Cargo.toml) is the
# release profile without debug information and with symbols stripped.
COPY Cargo.toml Cargo.lock ./
COPY benches ./benches
RUN mkdir -p src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --profile dist --locked --bin akhbar \
    && rm -rf src

COPY config ./config
COPY build.rs ./
COPY src ./src
# The git commit, for the `revision` label of akhbar_build_info (build.rs reads
# AKHBAR_GIT_REVISION; the build context has no .git).
ARG REVISION=""
# COPY keeps the files' own modification times, which can be older than the stub build's
# artefacts; touching the crate roots makes cargo rebuild akhbar itself.
RUN touch src/main.rs src/lib.rs \
    && AKHBAR_GIT_REVISION="${REVISION}" cargo build --profile dist --locked --bin akhbar \
    && install -D -m 0755 target/dist/akhbar /out/akhbar

# Distroless "cc" carries glibc, libgcc and the CA certificate bundle (for HTTPS fetches of
# URL-only pages) and nothing else: no shell, no package manager. The :nonroot tag runs as
# uid/gid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
# The crate version, the git commit and the repository URL (see the build command above).
ARG VERSION=""
ARG REVISION=""
ARG SOURCE=""
LABEL org.opencontainers.image.title="akhbar" \
      org.opencontainers.image.description="Streaming ingestion of Arabic news: raw pages from NATS in, clean article events out" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=builder /out/akhbar /usr/local/bin/akhbar
COPY config/akhbar.toml /etc/akhbar/akhbar.toml
USER 65532:65532
EXPOSE 9090
# `docker run IMAGE` serves; `docker run IMAGE --version`, `… publish …`, `… health` run the other
# subcommands without overriding the entrypoint.
ENTRYPOINT ["akhbar"]
CMD ["serve", "--config", "/etc/akhbar/akhbar.toml"]
