//! The accept loop: our own, on hyper's HTTP/1 connection, instead of `axum::serve`, because the
//! relay must bound what an unauthenticated client can hold (DESIGN section 4, docs/security.md):
//!
//! - a request head must arrive within `header_timeout_secs` (hyper's `header_read_timeout`, which
//!   also closes idle keep-alive connections), and its body within `body_timeout_secs` (else 408);
//! - a declared `Content-Length` above the route's limit gets 413 before any of the body is read;
//! - at most `max_connections` connections, `max_connections_per_ip` of them from one address (one
//!   /64 for IPv6), plus `webhook_reserved_connections` of headroom that only Zoom webhooks and
//!   health checks may use, so a flood of idle sockets cannot make Zoom's deliveries time out;
//! - the soft file-descriptor limit is raised to the hard one at start, and when `accept` still
//!   fails for lack of descriptors the loop backs off instead of spinning.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, header};
use axum::response::IntoResponse;
use bytes::Bytes;
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::ApiError;
use crate::config::{ConnLimits, ServerConfig};
use crate::metrics::Metrics;
use crate::net::Cidr;

/// How long a graceful shutdown waits for in-flight requests before the relay stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Pause after `accept` fails for lack of file descriptors (EMFILE/ENFILE): the kernel keeps the
/// pending connection in the backlog, so retrying at once would spin a core without progress.
const FD_BACKOFF: Duration = Duration::from_millis(100);

/// The client's address: the TCP peer, or for a peer in `server.trusted_proxies` the nearest
/// untrusted address in `X-Forwarded-For`. Per-address limits (connections, the wrong-credential
/// penalty) key on it. Outside the accept loop (a router driven directly) it is the unspecified
/// address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))))
    }
}

/// The key per-address limits count under: an IPv4 address as is (IPv4-mapped IPv6 too), an IPv6
/// address by its /64, since one host usually holds a whole /64.
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        },
    }
}

/// Raises the soft RLIMIT_NOFILE to the hard limit, so idle sockets exhaust the connection caps
/// (which answer) long before they exhaust descriptors (which makes `accept` fail for everyone).
/// Returns the new soft limit.
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    return Some(raised.rlim_cur as u64);
                }
            }
        }
        Some(lim.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Open connections per client key; an entry lives as long as a connection from it does.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

struct IpGuard {
    map: Arc<PerIp>,
    key: IpAddr,
}

impl PerIp {
    fn try_acquire(self: &Arc<Self>, key: IpAddr, max: usize) -> Option<IpGuard> {
        let mut m = self.0.lock().expect("per-ip lock");
        let n = m.entry(key).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(IpGuard {
            map: self.clone(),
            key,
        })
    }
}

impl Drop for IpGuard {
    fn drop(&mut self) {
        let mut m = self.map.0.lock().expect("per-ip lock");
        if let Some(n) = m.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then lets in-flight requests finish
/// (for at most [`SHUTDOWN_GRACE`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    server: &ServerConfig,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let limits = Arc::new(server.limits.clone());
    let webhook_max_body = server.max_body_bytes;
    let general = Arc::new(Semaphore::new(limits.max_connections));
    let reserved = Arc::new(Semaphore::new(limits.webhook_reserved_connections));
    let per_ip = Arc::new(PerIp::default());
    let mut fd_warned = false;
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    let fd = matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE));
                    if fd {
                        metrics.inc("connections_refused_total", &[("reason", "fd_limit")]);
                        if !fd_warned {
                            tracing::warn!(error = %e, "out of file descriptors; accepting more slowly");
                            fd_warned = true;
                        }
                        tokio::time::sleep(FD_BACKOFF).await;
                    } else {
                        // Per-connection failures (reset before accept, ...) are not fatal.
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    continue;
                }
            }
        };
        fd_warned = false;
        let peer_ip = ip_key(peer.ip());
        let trusted = is_trusted(&limits.trusted_proxies, peer.ip());
        // A reverse proxy carries many clients; its connections count only in the pools.
        let ip_guard = if trusted {
            None
        } else {
            match per_ip.try_acquire(peer_ip, limits.max_connections_per_ip) {
                Some(g) => Some(g),
                None => {
                    refuse(stream, &metrics, "per_ip");
                    continue;
                }
            }
        };
        let (permit, is_reserved) = match general.clone().try_acquire_owned() {
            Ok(p) => (p, false),
            Err(_) => match reserved.clone().try_acquire_owned() {
                Ok(p) => (p, true),
                Err(_) => {
                    refuse(stream, &metrics, "full");
                    continue;
                }
            },
        };
        let conn = Conn {
            router: router.clone(),
            limits: limits.clone(),
            webhook_max_body,
            peer,
            trusted,
            reserved: is_reserved,
        };
        tokio::spawn(conn.run(stream, permit, ip_guard, shutdown.clone()));
    }
    // Every connection holds a permit until it ends: taking them all means all have ended.
    let all_done = async {
        let _ = general.acquire_many(limits.max_connections as u32).await;
        let _ = reserved
            .acquire_many(limits.webhook_reserved_connections as u32)
            .await;
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, all_done)
        .await
        .is_err()
    {
        tracing::warn!("stopping with requests still in flight after the shutdown grace period");
    }
    Ok(())
}

/// Closes a connection over a limit, with a best-effort 503 (no waiting on a slow reader).
fn refuse(stream: TcpStream, metrics: &Metrics, reason: &'static str) {
    metrics.inc("connections_refused_total", &[("reason", reason)]);
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
    );
}

fn is_trusted(proxies: &[Cidr], ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    proxies.iter().any(|c| c.contains(ip))
}

struct Conn {
    router: Router,
    limits: Arc<ConnLimits>,
    webhook_max_body: usize,
    peer: SocketAddr,
    trusted: bool,
    /// Admitted on the webhook headroom: only webhook and health requests are served.
    reserved: bool,
}

impl Conn {
    async fn run(
        self,
        stream: TcpStream,
        _permit: OwnedSemaphorePermit,
        _ip: Option<IpGuard>,
        shutdown: CancellationToken,
    ) {
        let _ = stream.set_nodelay(true);
        let this = Arc::new(self);
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(this.limits.header_timeout)
            // A connection on the headroom serves one request, so the room is free again at once.
            .keep_alive(!this.reserved);
        let svc = {
            let this = this.clone();
            hyper::service::service_fn(move |req: Request<Incoming>| {
                let this = this.clone();
                async move { Ok::<_, Infallible>(this.handle(req).await) }
            })
        };
        let conn = builder.serve_connection(TokioIo::new(stream), svc);
        tokio::pin!(conn);
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
            }
            _ = shutdown.cancelled() => {
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
            }
        }
    }

    async fn handle(&self, req: Request<Incoming>) -> Response<Body> {
        let path = req.uri().path();
        let is_webhook = req.method() == Method::POST
            && (path == "/zoom/webhook" || path.starts_with("/zoom/webhook/"));
        let is_health = path == "/healthz" || path == "/readyz";
        if self.reserved && !is_webhook && !is_health {
            return close(
                ApiError::Unavailable(anyhow::anyhow!("connection pool full")).into_response(),
            );
        }
        let limit = if is_webhook {
            self.webhook_max_body
        } else {
            self.limits.api_max_body_bytes
        };
        // The early 413: a declared length over the limit is refused before a byte of it is read.
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return close(ApiError::PayloadTooLarge { limit }.into_response());
        }
        let client = self.client_addr(req.headers());
        let timed_out = Arc::new(AtomicBool::new(false));
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(ClientAddr(client));
        parts.extensions.insert(super::extract::BodyLimit(limit));
        let body = TimedBody {
            inner: body,
            deadline: Box::pin(tokio::time::sleep(self.limits.body_timeout)),
            timed_out: timed_out.clone(),
        };
        // Chunked bodies carry no length: the limit is enforced while reading as well.
        let body = Body::new(http_body_util::Limited::new(body, limit));
        let req = Request::from_parts(parts, body);
        let resp = match self.router.clone().oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        if timed_out.load(Ordering::SeqCst) {
            return close(request_timeout(self.limits.body_timeout));
        }
        resp
    }

    /// The client address: the peer, or behind a trusted proxy the right-most `X-Forwarded-For`
    /// entry that is not itself a trusted proxy (entries left of it are the client's own claims).
    fn client_addr(&self, headers: &axum::http::HeaderMap) -> IpAddr {
        if !self.trusted {
            return self.peer.ip();
        }
        let mut found = None;
        for v in headers.get_all("x-forwarded-for").iter().rev() {
            let Ok(v) = v.to_str() else { break };
            for part in v.rsplit(',') {
                let Ok(ip) = part.trim().parse::<IpAddr>() else {
                    return found.unwrap_or(self.peer.ip());
                };
                found = Some(ip);
                if !is_trusted(&self.limits.trusted_proxies, ip) {
                    return ip;
                }
            }
        }
        found.unwrap_or(self.peer.ip())
    }
}

fn close(mut resp: Response<Body>) -> Response<Body> {
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// 408 in the documented error shape.
fn request_timeout(after: Duration) -> Response<Body> {
    ApiError::RequestTimeout(format!(
        "the request body did not arrive within {} seconds",
        after.as_secs()
    ))
    .into_response()
}

/// The body did not arrive within `server.body_timeout_secs`.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimeout;

/// A request body with a deadline for all of it: a client that stalls mid-body cannot hold the
/// connection (and its half-sent buffer) longer than `body_timeout_secs`.
struct TimedBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

impl hyper::body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(r) => Poll::Ready(r.map(|f| f.map_err(Into::into))),
            Poll::Pending => {
                if self.deadline.as_mut().poll(cx).is_ready() {
                    self.timed_out.store(true, Ordering::SeqCst);
                    Poll::Ready(Some(Err(Box::new(BodyTimeout))))
                } else {
                    Poll::Pending
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_grouped_by_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
        assert_ne!(ip_key(a), ip_key(c));
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(ip_key(mapped), "10.1.2.3".parse::<IpAddr>().unwrap());
    }
}
