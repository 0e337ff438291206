# akhbar container image: a Rust builder stage and a distroless runtime.
# Build from the checkout root:  docker build -t akhbar:dev .

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src

# Dependency layer: compile every dependency against stub sources, so that editing src/
# reuses this layer and only recompiles akhbar itself.
COPY Cargo.toml Cargo.lock ./
COPY benches ./benches
RUN mkdir -p src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked --bin akhbar \
    && rm -rf src

COPY config ./config
COPY src ./src
# COPY keeps the files' own modification times, which can be older than the stub build's
# artefacts; touching the crate roots makes cargo rebuild akhbar itself.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin akhbar \
    && install -D -m 0755 target/release/akhbar /out/akhbar

# Distroless "cc" carries glibc, libgcc and the CA certificate bundle (for HTTPS fetches of
# URL-only pages) and nothing else: no shell, no package manager. The :nonroot tag runs as
# uid/gid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="akhbar" \
      org.opencontainers.image.description="Streaming ingestion of Arabic news: raw pages from NATS in, clean article events out" \
      org.opencontainers.image.licenses="MIT"
COPY --from=builder /out/akhbar /usr/local/bin/akhbar
COPY config/akhbar.toml /etc/akhbar/akhbar.toml
USER 65532:65532
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/akhbar", "serve", "--config", "/etc/akhbar/akhbar.toml"]
