//! `[server]`: where the relay listens, its public URL, its data directory and the slow-client
//! limits the accept loop enforces.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Errors, RangeCheck, is_http_url, limits};
use crate::net::Cidr;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub public_url: String,
    pub data_dir: PathBuf,
    pub max_body_bytes: usize,
    /// Slow-client limits (see [`ConnLimits`]).
    pub limits: ConnLimits,
}

/// How much of the relay one client may hold: timeouts, body sizes and connection caps, enforced by
/// the accept loop in `http::server`. Anyone on the internet can open connections, so each of these
/// bounds what an unauthenticated peer can pin (sockets, file descriptors, buffered bodies).
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// Time to send a full request head, and how long an idle keep-alive connection stays open.
    pub header_timeout: std::time::Duration,
    /// Time to send the whole body once the head arrived; a body that stalls gets 408.
    pub body_timeout: std::time::Duration,
    /// Body size limit for every route except the Zoom webhook (which uses `max_body_bytes`).
    pub api_max_body_bytes: usize,
    /// Connections in the general pool.
    pub max_connections: usize,
    /// Connections from one address (IPv4) or one /64 (IPv6); trusted proxies are exempt.
    pub max_connections_per_ip: usize,
    /// Extra connections beyond `max_connections` that only Zoom webhooks and health checks may use.
    pub webhook_reserved_connections: usize,
    /// Peers whose `X-Forwarded-For` is believed, to find the real client address.
    pub trusted_proxies: Vec<Cidr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    listen: String,
    public_url: String,
    data_dir: PathBuf,
    max_body_bytes: usize,
    header_timeout_secs: u64,
    body_timeout_secs: u64,
    api_max_body_bytes: usize,
    max_connections: usize,
    max_connections_per_ip: usize,
    webhook_reserved_connections: usize,
    trusted_proxies: Vec<String>,
}

/// Validates `[server]`; a relative `data_dir` is taken relative to the config file's directory.
pub(super) fn validate(raw: &RawServer, base_dir: &Path, e: &mut Errors) -> ServerConfig {
    let listen = raw.listen.parse::<SocketAddr>().unwrap_or_else(|_| {
        e.push(
            "server.listen",
            format!("`{}` is not an address:port", raw.listen),
            "use a form like \"127.0.0.1:8080\" or \"0.0.0.0:8080\"",
        );
        SocketAddr::from(([127, 0, 0, 1], 8080))
    });
    let public_url = raw.public_url.trim_end_matches('/').to_string();
    if !is_http_url(&public_url) {
        e.push(
            "server.public_url",
            format!("`{}` is not an http(s) URL", raw.public_url),
            "set the URL Zoom reaches the relay at, e.g. \"https://relay.example.org\"",
        );
    }
    if raw.max_body_bytes < 1024 {
        e.push(
            "server.max_body_bytes",
            "is below 1024 bytes; real Zoom events would be refused",
            "use the default 262144 or another value of at least 1024",
        );
    }
    let limits = server_limits(raw, e);
    let data_dir = if raw.data_dir.is_relative() && !base_dir.as_os_str().is_empty() {
        base_dir.join(&raw.data_dir)
    } else {
        raw.data_dir.clone()
    };
    ServerConfig {
        listen,
        public_url,
        data_dir,
        max_body_bytes: raw.max_body_bytes,
        limits,
    }
}

/// The numeric keys of `[server]` checked against their bounds ([`limits`]).
pub(super) fn ranges(raw: &RawServer) -> [RangeCheck; 1] {
    [(
        "server.max_body_bytes",
        raw.max_body_bytes as u64,
        &limits::MAX_BODY_BYTES,
        "262144",
    )]
}

/// Validates the slow-client keys of `[server]` (see [`ConnLimits`]).
fn server_limits(raw: &RawServer, e: &mut Errors) -> ConnLimits {
    let secs = |e: &mut Errors, key: &str, v: u64| {
        if !(1..=300).contains(&v) {
            e.push(
                key,
                format!("is {v}; it must be between 1 and 300 seconds"),
                "use the default (10 for headers, 15 for bodies) or another value in 1..=300",
            );
        }
        std::time::Duration::from_secs(v.clamp(1, 300))
    };
    let header_timeout = secs(e, "server.header_timeout_secs", raw.header_timeout_secs);
    let body_timeout = secs(e, "server.body_timeout_secs", raw.body_timeout_secs);
    if raw.api_max_body_bytes < 1024 {
        e.push(
            "server.api_max_body_bytes",
            "is below 1024 bytes; route documents would be refused",
            "use the default 1048576 or another value of at least 1024",
        );
    }
    if raw.max_connections == 0 || raw.max_connections > 1_000_000 {
        e.push(
            "server.max_connections",
            format!("is {}; it must be between 1 and 1000000", raw.max_connections),
            "use the default 256, or more for a busy relay (each connection costs a file descriptor)",
        );
    }
    if raw.max_connections_per_ip == 0 {
        e.push(
            "server.max_connections_per_ip",
            "is 0; no client could connect",
            "use the default 32 (a value above server.max_connections acts as max_connections)",
        );
    }
    if raw.webhook_reserved_connections > 1_000_000 {
        e.push(
            "server.webhook_reserved_connections",
            "is above 1000000",
            "use the default 32",
        );
    }
    let trusted_proxies = e.cidrs(
        "server.trusted_proxies",
        &raw.trusted_proxies,
        |c, err| format!("`{c}`: {err}"),
        "write an address or block such as \"127.0.0.1/32\" or \"10.0.0.0/8\"",
    );
    ConnLimits {
        header_timeout,
        body_timeout,
        api_max_body_bytes: raw.api_max_body_bytes,
        max_connections: raw.max_connections.max(1),
        max_connections_per_ip: raw
            .max_connections_per_ip
            .clamp(1, raw.max_connections.max(1)),
        webhook_reserved_connections: raw.webhook_reserved_connections,
        trusted_proxies,
    }
}

/// A warning for an `http://` public_url that is not loopback: OAuth redirects, session cookies
/// and unsubscribe links would cross the network in clear text (and Zoom only calls https URLs).
pub(super) fn plain_http_public_url(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    if u.scheme() != "http" {
        return None;
    }
    let host = u.host_str()?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "server.public_url {url} is plain http on a non-loopback host: sign-in cookies, OAuth redirects \
             and links would travel unencrypted, and Zoom only sends webhooks to https. Put the relay \
             behind an https reverse proxy and set public_url to its https URL"
        )
    })
}
