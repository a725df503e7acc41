# syntax=docker/dockerfile:1
#
# zoom-relay in a small runtime image: a non-root user, the store on the /data volume, and a
# HEALTHCHECK through `zoom-relay healthcheck` (no curl needed in the image).
#
#   docker build -t zoom-relay .
#   docker run -d --name zoom-relay -p 8080:8080 \
#     -v zoom-relay-data:/data \
#     -v "$PWD/relay.toml:/etc/zoom-relay/relay.toml:ro" \
#     -e RELAY_SERVER__PUBLIC_URL=https://relay.example.org \
#     zoom-relay
#
# The config: RELAY_CONFIG names /etc/zoom-relay/relay.toml, so the container always runs on a real,
# mounted config (paths in it, such as seed_routes, are relative to it). Without one it exits with an
# error instead of falling back to demo mode, whose secrets are public: demo mode only listens on
# loopback, and a container listens on 0.0.0.0. Any key can also come from the environment
# (RELAY_SECTION__KEY) and any secret from a file (`*_file` keys, e.g. Docker secrets in
# /run/secrets). See docs/deploy.md.

ARG RUST_VERSION=1
FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
# Only what the build needs: the manifest, the sources, and the files embedded into the binary
# (templates/, relay.example.toml, routes.example.toml).
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY relay.example.toml routes.example.toml ./
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin zoom-relay \
 && install -m 0755 target/release/zoom-relay /usr/local/bin/zoom-relay

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin zoom-relay \
 && mkdir -p /data /etc/zoom-relay \
 && chown zoom-relay:zoom-relay /data \
 && chmod 0700 /data
COPY --from=build /usr/local/bin/zoom-relay /usr/local/bin/zoom-relay

ENV RELAY_CONFIG=/etc/zoom-relay/relay.toml \
    RELAY_SERVER__DATA_DIR=/data \
    RELAY_SERVER__LISTEN=0.0.0.0:8080 \
    RELAY_LOG__FORMAT=json
WORKDIR /etc/zoom-relay
VOLUME ["/data"]
EXPOSE 8080
USER zoom-relay:zoom-relay
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["zoom-relay", "healthcheck"]
ENTRYPOINT ["zoom-relay"]
CMD ["serve"]
