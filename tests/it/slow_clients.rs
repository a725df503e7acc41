//! Slow and hostile clients (issue 12, findings 5, 6, 10 and 11): slowloris heads and stalled bodies
//! are cut off, connection caps keep headroom for Zoom, a huge declared body is refused before it is
//! read, the wrong-credential penalty is per client address, and extractor errors are JSON.
//!
//! Raw sockets on loopback; every wait is bounded by a timeout, every loop by a count.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;

/// A connection to `addr` from the loopback address `from` (127.0.0.x), so one test can play several
/// clients.
async fn connect_from(from: &str, addr: SocketAddr) -> TcpStream {
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    tokio::time::timeout(DEADLINE, sock.connect(addr))
        .await
        .expect("connect in time")
        .expect("connect")
}

/// Reads until EOF, an error, or `limit`; returns what arrived and whether the peer closed.
async fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + limit;
    for _ in 0..1000 {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    (String::from_utf8_lossy(&out).into(), false)
}

/// Reads a response head (up to the blank line), bounded by `limit`.
async fn read_head(s: &mut TcpStream, limit: Duration) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + limit;
    for _ in 0..1000 {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                if out.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into()
}

fn small_limits(doc: &mut String) {
    set_key(doc, "header_timeout_secs", "1");
    set_key(doc, "body_timeout_secs", "1");
    set_key(doc, "max_connections", "4");
    set_key(doc, "max_connections_per_ip", "2");
    set_key(doc, "webhook_reserved_connections", "2");
    set_key(doc, "trusted_proxies", "[]");
}

#[tokio::test]
async fn slowloris_connections_are_closed_after_the_header_timeout() {
    let app = spawn_app(small_limits).await;
    let mut conns = Vec::new();
    for i in 0..2 {
        let mut s = connect_from(&format!("127.0.0.{}", 10 + i), app.addr).await;
        s.write_all(b"POST /zoom/webhook HTTP/1.1\r\nHost: relay\r\nX-Slow: 1\r\n")
            .await
            .unwrap();
        conns.push(s);
    }
    for s in &mut conns {
        let (_, closed) = read_until_closed(s, Duration::from_secs(6)).await;
        assert!(
            closed,
            "a half-sent request head must not hold the connection"
        );
    }
    // An idle keep-alive connection is closed too.
    let mut s = connect_from("127.0.0.12", app.addr).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
        .await
        .unwrap();
    let (text, closed) = read_until_closed(&mut s, Duration::from_secs(6)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(closed, "an idle keep-alive connection must be closed");
    app.shutdown().await;
}

#[tokio::test]
async fn a_stalled_body_gets_408() {
    let app = spawn_app(small_limits).await;
    for path in ["/zoom/webhook", "/api/v1/routes"] {
        let mut s = connect_from("127.0.0.20", app.addr).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer {DEMO_ADMIN_TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"a\":"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let (text, closed) = read_until_closed(&mut s, Duration::from_secs(6)).await;
        assert!(text.starts_with("HTTP/1.1 408"), "{path}: {text}");
        assert!(text.contains("request_timeout"), "{path}: {text}");
        assert!(closed, "{path}: the connection is closed after a 408");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_huge_content_length_gets_413_before_the_body() {
    let app = spawn_app(|_| {}).await;
    for path in ["/zoom/webhook", "/api/v1/routes", "/telegram/webhook"] {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer {DEMO_ADMIN_TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        // Well inside the body timeout: the answer must not wait for the body.
        let text = read_head(&mut s, Duration::from_secs(5)).await;
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn per_ip_cap_refuses_extra_connections_and_zoom_keeps_headroom() {
    let app = spawn_app(small_limits).await;
    // Two idle connections from one address: its cap.
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(connect_from("127.0.0.30", app.addr).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect_from("127.0.0.30", app.addr).await;
    let (text, closed) = read_until_closed(&mut third, Duration::from_secs(3)).await;
    assert!(closed, "a third connection from one address is refused");
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 503"),
        "{text}"
    );

    // Fill the general pool (4) from a second address.
    for _ in 0..2 {
        held.push(connect_from("127.0.0.31", app.addr).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The pool is full: an API request on the headroom is refused ...
    let mut api = connect_from("127.0.0.32", app.addr).await;
    api.write_all(b"GET /api/v1/routes HTTP/1.1\r\nHost: relay\r\n\r\n")
        .await
        .unwrap();
    let (text, _) = read_until_closed(&mut api, Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");

    // ... while a signed Zoom webhook still gets in.
    let client = reqwest::Client::builder()
        .local_address("127.0.0.33".parse::<IpAddr>().unwrap())
        .timeout(DEADLINE)
        .build()
        .unwrap();
    let body = started_body(&unique_uuid("headroom"), "Headroom");
    let (ts, sig) = app.signed(&body);
    let resp = client
        .post(app.url("/zoom/webhook"))
        .header("content-type", "application/json")
        .header("x-zm-request-timestamp", ts)
        .header("x-zm-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        app.metric("connections_refused_total{reason=\"per_ip\"}")
            .await
            .unwrap_or(0.0)
            >= 1.0
    );
    app.shutdown().await;
}

/// A request with a wrong bearer token from `xff` (through the trusted loopback proxy).
async fn wrong_token(app: &TestApp, xff: &str) -> reqwest::StatusCode {
    app.client
        .get(app.url("/api/v1/routes"))
        .header("authorization", "Bearer zrt_not-a-real-token")
        .header("x-forwarded-for", xff)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_token_typo_is_not_queued_behind_another_address_flood() {
    let app = spawn_app(|_| {}).await;
    const FLOOD: usize = 16;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        let (client, url, done) = (app.client.clone(), app.url("/api/v1/routes"), done.clone());
        flood.push(tokio::spawn(async move {
            let s = client
                .get(url)
                .header("authorization", "Bearer zrt_guess")
                .header("x-forwarded-for", "203.0.113.7")
                .send()
                .await
                .unwrap()
                .status();
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            s
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The flood's failures wait one after another (16 x 250 ms); the typo from elsewhere does not.
    assert_eq!(wrong_token(&app, "198.51.100.9").await, 401);
    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        finished < FLOOD / 2,
        "the typo waited behind {finished} of {FLOOD} flood requests"
    );
    for f in flood {
        assert_eq!(f.await.unwrap(), 401);
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_stale_session_cookie_goes_to_sign_in_at_once() {
    let app = spawn_app(|_| {}).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap();
    // Fill this address's penalty queue with wrong tokens (16 x 250 ms, one after another). A stale
    // cookie from the same address must not join that queue: it answers while the flood still waits.
    const FLOOD: usize = 16;
    const ADDR: &str = "203.0.113.8";
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        let (client, url, done) = (app.client.clone(), app.url("/api/v1/routes"), done.clone());
        flood.push(tokio::spawn(async move {
            let s = client
                .get(url)
                .header("authorization", "Bearer zrt_guess")
                .header("x-forwarded-for", ADDR)
                .send()
                .await
                .unwrap()
                .status();
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            s
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    for i in 0..8 {
        let url = if i % 2 == 0 {
            app.url("/console")
        } else {
            app.url("/api/v1/routes")
        };
        let r = client
            .get(url)
            .header("cookie", "zr_session=stale-session-id")
            .header("x-forwarded-for", ADDR)
            .send()
            .await
            .unwrap();
        if i % 2 == 0 {
            assert_eq!(r.status(), 303);
            assert_eq!(r.headers()["location"], "/console/login");
        } else {
            assert_eq!(r.status(), 401);
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["error"]["code"], "unauthorized");
        }
    }
    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        finished < FLOOD / 2,
        "stale cookies waited behind {finished} of {FLOOD} penalized requests from their address"
    );
    for f in flood {
        assert_eq!(f.await.unwrap(), 401);
    }
    app.shutdown().await;
}

#[tokio::test]
async fn api_extractor_errors_use_the_json_error_shape() {
    let app = spawn_app(|_| {}).await;
    let post = |ct: &'static str, body: &'static str| {
        app.client
            .post(app.url("/api/v1/routes"))
            .bearer_auth(DEMO_ADMIN_TOKEN)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let r = post("application/json", "{").await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_request", "{v}");

    let r = post("application/json", r#"{"name": 5}"#).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "name", "{v}");

    let r = post("text/plain", "{}").await.unwrap();
    assert_eq!(r.status(), 415);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unsupported_media_type", "{v}");

    let r = app
        .client
        .get(app.url("/api/v1/deliveries/not-a-number"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_request", "{v}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_wrong_telegram_webhook_secret_gets_401_and_is_penalized() {
    let tg = FakeTelegram::start().await;
    let api = tg.url();
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n\
             mode = \"webhook\"\nwebhook_secret = \"s3cret_token-1-for-tests\"\n"
        ));
    })
    .await;
    let post = || {
        app.client
            .post(app.url("/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", "wrong")
            .json(&serde_json::json!({"update_id": 1}))
            .send()
    };
    // Two guesses in parallel from one address wait one after the other.
    let started = Instant::now();
    let (a, b) = tokio::join!(post(), post());
    assert_eq!(a.unwrap().status(), 401);
    assert_eq!(b.unwrap().status(), 401);
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "wrong secrets must be penalized: {:?}",
        started.elapsed()
    );
    app.shutdown().await;
}

/// With a soft open-file limit of 64 (common defaults are 256 or 1024), idle sockets used to make
/// `accept` fail with EMFILE, and a real webhook timed out. The relay raises the soft limit to the
/// hard one at start, so the connection caps are what bounds idle sockets.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn idle_sockets_do_not_exhaust_file_descriptors() {
    const SOFT: libc::rlim_t = 64;
    let mut hard = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only the struct passed.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut hard) },
        0
    );
    if hard.rlim_max < 512 {
        eprintln!(
            "skipped: the hard open-file limit is only {}",
            hard.rlim_max
        );
        return;
    }
    let relay = RelayProcess::start_with(
        |_| {},
        "warn",
        |cmd| {
            // SAFETY: setrlimit is async-signal-safe; it runs in the child between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    let mut l = libc::rlimit {
                        rlim_cur: 0,
                        rlim_max: 0,
                    };
                    if libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    l.rlim_cur = SOFT;
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        },
    )
    .await;
    // Twice the child's soft limit in idle connections, inside the default caps.
    let mut idle = Vec::new();
    for _ in 0..(2 * SOFT as usize) {
        idle.push(TcpStream::connect(relay.addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A fresh client: the relay's own one keeps a connection from the readiness check.
    let body = started_body(&unique_uuid("fd-limit"), "Fd limit");
    let ts = now_secs().to_string();
    let sig = zoom_signature(DEMO_SECRET, &ts, &body);
    let resp = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .post(relay.url("/zoom/webhook"))
        .header("content-type", "application/json")
        .header("x-zm-request-timestamp", ts)
        .header("x-zm-signature", sig)
        .body(body)
        .send()
        .await
        .expect("the webhook is answered, not left in the accept backlog");
    assert_eq!(resp.status(), 200);
    drop(idle);
    let mut child = relay.child;
    let _ = child.start_kill();
    let _ = tokio::time::timeout(DEADLINE, child.wait()).await;
}
