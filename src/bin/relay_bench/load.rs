//! The load generator.
//!
//! - [`Pool`]: unique, signed `meeting.started` requests, all built and signed before any timed
//!   window, so the generator does the same (tiny) amount of work per request in every scenario.
//! - [`run`]: one task per keep-alive HTTP/1 connection (hyper's low-level client, the connection
//!   driven inside the same task). Closed loop (send, wait, send again) for maximum throughput, or
//!   paced (each connection sends on a fixed schedule) for latency at a given rate.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use zoom_relay::zoom::samples::{SampleParams, sample};
use zoom_relay::zoom::{EventKind, Verifier};

/// The intake path for the app `default`, served by both the bare handler and the relay.
pub const PATH: &str = "/zoom/webhook";
/// The size of the body used for the measured bounds.
pub const BODY_LEN: usize = 478;
/// Zoom meeting instance ids are 24 characters of base64.
const UUID_LEN: usize = 24;
const PLACEHOLDER: &str = "@@@@@@@@@@@@@@@@@@@@@@@@";

const TIMESTAMP: HeaderName = HeaderName::from_static("x-zm-request-timestamp");
const SIGNATURE: HeaderName = HeaderName::from_static("x-zm-signature");

#[derive(Clone)]
struct Signed {
    body: Bytes,
    signature: HeaderValue,
}

/// Pre-built requests: unique bodies (one meeting instance each, so deduplication never hits) and
/// their signatures. Bodies share one buffer; taking one is a reference-count increment.
pub struct Pool {
    items: Vec<Signed>,
    timestamp: HeaderValue,
    body_len: usize,
}

impl Pool {
    /// Builds `n` requests signed with `secret` at the current time, on all cores.
    pub fn generate(n: usize, secret: &[u8]) -> anyhow::Result<Pool> {
        let now = chrono::Utc::now();
        let ts = now.timestamp().to_string();
        let template = template(now)?;
        let at = find(&template, PLACEHOLDER.as_bytes()).context("uuid placeholder in the body")?;
        // Distinguishes runs, so bodies differ between runs too.
        let run_tag = (now.timestamp_subsec_micros() ^ std::process::id()) & 0xff_ffff;
        let verifier = Verifier::new(secret, 0, 0);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .max(1);
        let per = n.div_ceil(threads);
        let items = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (template, verifier, ts) = (&template, &verifier, &ts);
                    let range = (t * per).min(n)..((t + 1) * per).min(n);
                    s.spawn(move || sign_range(range, template, at, run_tag, verifier, ts))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("pool generator thread"))
                .collect::<anyhow::Result<Vec<_>>>()
        })?;
        Ok(Pool {
            items: items.into_iter().flatten().collect(),
            timestamp: HeaderValue::from_str(&ts)?,
            body_len: template.len(),
        })
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `parts` disjoint pools from this one (the bodies are shared, not copied), so several load
    /// runs at once (one per replica) never send the same event twice.
    pub fn split(&self, parts: usize) -> Vec<Pool> {
        let per = self.items.len() / parts.max(1);
        (0..parts.max(1))
            .map(|i| Pool {
                items: self.items[i * per..(i + 1) * per].to_vec(),
                timestamp: self.timestamp.clone(),
                body_len: self.body_len,
            })
            .collect()
    }

    pub fn body_len(&self) -> usize {
        self.body_len
    }

    fn request(&self, i: usize, host: &HeaderValue) -> Request<Full<Bytes>> {
        let item = &self.items[i];
        let mut req = Request::new(Full::new(item.body.clone()));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = Uri::from_static(PATH);
        let h = req.headers_mut();
        h.insert(HOST, host.clone());
        h.insert(
            USER_AGENT,
            HeaderValue::from_static("Zoom Marketplace/1.1a"),
        );
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        h.insert(TIMESTAMP, self.timestamp.clone());
        h.insert(SIGNATURE, item.signature.clone());
        req
    }
}

/// A `meeting.started` body in Zoom's shape with a placeholder uuid, padded to [`BODY_LEN`] bytes
/// through the topic.
fn template(now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Vec<u8>> {
    let with_topic = |topic: String| {
        let p = SampleParams {
            uuid: Some(PLACEHOLDER.to_string()),
            topic,
            now,
            ..SampleParams::default()
        };
        let v = sample(&EventKind::MeetingStarted, &p).context("meeting.started sample")?;
        Ok::<_, anyhow::Error>(serde_json::to_vec(&v)?)
    };
    let base = SampleParams::default().topic;
    let short = with_topic(base.clone())?;
    let filler = " - weekly sync: product, support, docs, releases, community questions and demos";
    let need = BODY_LEN.saturating_sub(short.len());
    if need == 0 {
        return Ok(short);
    }
    let pad: String = filler.chars().cycle().take(need).collect();
    with_topic(format!("{base}{pad}"))
}

fn sign_range(
    range: std::ops::Range<usize>,
    template: &[u8],
    at: usize,
    run_tag: u32,
    verifier: &Verifier,
    ts: &str,
) -> anyhow::Result<Vec<Signed>> {
    let len = template.len();
    let mut buf = Vec::with_capacity(range.len() * len);
    let mut sigs = Vec::with_capacity(range.len());
    for i in range.clone() {
        let start = buf.len();
        buf.extend_from_slice(template);
        let uuid = format!("{run_tag:06x}{i:016x}==");
        debug_assert_eq!(uuid.len(), UUID_LEN);
        buf[start + at..start + at + UUID_LEN].copy_from_slice(uuid.as_bytes());
        sigs.push(HeaderValue::from_str(&verifier.sign(ts, &buf[start..]))?);
    }
    let buf = Bytes::from(buf);
    Ok(sigs
        .into_iter()
        .enumerate()
        .map(|(j, signature)| Signed {
            body: buf.slice(j * len..(j + 1) * len),
            signature,
        })
        .collect())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How a run is timed. Requests before `measure_from` are warm-up and not measured.
#[derive(Clone, Copy)]
pub struct Phase {
    pub start: Instant,
    pub measure_from: Instant,
    pub end: Instant,
}

impl Phase {
    pub fn starting_now(warmup: Duration, measure: Duration) -> Phase {
        let start = Instant::now();
        Phase {
            start,
            measure_from: start + warmup,
            end: start + warmup + measure,
        }
    }

    pub fn window(&self) -> Duration {
        self.end - self.measure_from
    }
}

/// Closed loop, or a fixed total rate spread evenly over the connections.
#[derive(Clone, Copy)]
pub enum Mode {
    Closed,
    Paced { rate_per_s: f64 },
}

pub struct Plan {
    pub addr: SocketAddr,
    pub connections: usize,
    pub phase_warmup: Duration,
    pub phase_measure: Duration,
    pub mode: Mode,
    /// Reuse the pool from the start when it runs out. Only for servers that do not deduplicate.
    pub wrap: bool,
}

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Summary {
    /// 200 answers in the measured window (closed loop: completed in it; paced: scheduled in it).
    pub ok: u64,
    pub window_s: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    /// Paced only: how late sends left against their schedule (timer granularity, or a backlog).
    pub lag_p99_ms: Option<f64>,
    /// Non-200 answers and transport errors over the whole run, warm-up included.
    pub errors: u64,
    /// 200 answers that said `duplicate` (deduplication hit: the pool was reused).
    pub duplicates: u64,
    /// The pool ran out before the end (non-wrapping runs stop early).
    pub pool_exhausted: bool,
    pub first_error: Option<String>,
    /// The machine's 1-minute load average when the scenario started (other work skews results).
    pub load_avg: Option<f64>,
}

impl Summary {
    /// A result that must not be trusted.
    pub fn flagged(&self) -> bool {
        self.errors > 0 || self.duplicates > 0 || self.pool_exhausted || self.ok == 0
    }
}

#[derive(Default)]
struct Worker {
    latencies_ns: Vec<u64>,
    lags_ns: Vec<u64>,
    ok: u64,
    errors: u64,
    duplicates: u64,
    exhausted: bool,
    first_error: Option<String>,
}

impl Worker {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(what);
        }
    }
}

/// Runs `plan` against the server and summarises it. Starts from the beginning of the pool.
pub async fn run(plan: &Plan, pool: &Arc<Pool>) -> anyhow::Result<Summary> {
    let cursor = Arc::new(AtomicUsize::new(0));
    let host = HeaderValue::from_str(&plan.addr.to_string())?;
    let phase = Phase::starting_now(plan.phase_warmup, plan.phase_measure);
    let mut tasks = Vec::with_capacity(plan.connections);
    for index in 0..plan.connections {
        let ctx = Conn {
            addr: plan.addr,
            host: host.clone(),
            pool: pool.clone(),
            cursor: cursor.clone(),
            wrap: plan.wrap,
            phase,
            pace: match plan.mode {
                Mode::Closed => None,
                Mode::Paced { rate_per_s } => Some(Pace {
                    rate_per_s,
                    index,
                    connections: plan.connections,
                }),
            },
        };
        tasks.push(tokio::spawn(ctx.run()));
    }
    let mut all = Worker::default();
    for t in tasks {
        let w = t.await.context("load task")?;
        all.latencies_ns.extend(w.latencies_ns);
        all.lags_ns.extend(w.lags_ns);
        all.ok += w.ok;
        all.errors += w.errors;
        all.duplicates += w.duplicates;
        all.exhausted |= w.exhausted;
        if all.first_error.is_none() {
            all.first_error = w.first_error;
        }
    }
    all.latencies_ns.sort_unstable();
    all.lags_ns.sort_unstable();
    let window_s = phase.window().as_secs_f64();
    let ms = |v: &[u64], q: f64| percentile(v, q) as f64 / 1e6;
    Ok(Summary {
        ok: all.ok,
        window_s,
        req_per_s: all.ok as f64 / window_s,
        p50_ms: ms(&all.latencies_ns, 0.50),
        p99_ms: ms(&all.latencies_ns, 0.99),
        p999_ms: ms(&all.latencies_ns, 0.999),
        max_ms: ms(&all.latencies_ns, 1.0),
        lag_p99_ms: matches!(plan.mode, Mode::Paced { .. }).then(|| ms(&all.lags_ns, 0.99)),
        errors: all.errors,
        duplicates: all.duplicates,
        pool_exhausted: all.exhausted,
        first_error: all.first_error,
        load_avg: None,
    })
}

/// Nearest-rank percentile of sorted values; 0 when empty.
pub fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Clone, Copy)]
struct Pace {
    rate_per_s: f64,
    index: usize,
    connections: usize,
}

impl Pace {
    /// When this connection's `k`-th request is due: the fleet's sends are evenly spaced at the rate,
    /// and connection `index` takes every `connections`-th slot.
    fn due(&self, start: Instant, k: u64) -> Instant {
        let slot = k as f64 * self.connections as f64 + self.index as f64;
        start + Duration::from_secs_f64(slot / self.rate_per_s)
    }
}

struct Conn {
    addr: SocketAddr,
    host: HeaderValue,
    pool: Arc<Pool>,
    cursor: Arc<AtomicUsize>,
    wrap: bool,
    phase: Phase,
    pace: Option<Pace>,
}

impl Conn {
    async fn run(self) -> Worker {
        let mut w = Worker::default();
        let expected = match self.pace {
            Some(p) => p.rate_per_s * self.phase.window().as_secs_f64() / p.connections as f64,
            None => 200_000.0 * self.phase.window().as_secs_f64() / 8.0,
        };
        w.latencies_ns.reserve(expected as usize + 16);
        if self.pace.is_some() {
            w.lags_ns.reserve(expected as usize + 16);
        }
        let mut k = 0u64;
        // Reconnect after a broken connection until the run is over.
        while Instant::now() < self.phase.end && !w.exhausted {
            match self.connection(&mut w, &mut k).await {
                Ok(true) => break,
                Ok(false) => {}
                Err(e) => {
                    w.error(format!("{e:#}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        w
    }

    /// One keep-alive connection, driven in this task. Ok(true) when the run is over.
    async fn connection(&self, w: &mut Worker, k: &mut u64) -> anyhow::Result<bool> {
        let stream = TcpStream::connect(self.addr).await.context("connect")?;
        stream.set_nodelay(true)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("handshake")?;
        let work = async move {
            let res = self.requests(&mut sender, w, k).await;
            drop(sender); // lets the connection future finish
            res
        };
        let (res, _) = tokio::join!(work, conn);
        res
    }

    async fn requests(
        &self,
        sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
        w: &mut Worker,
        k: &mut u64,
    ) -> anyhow::Result<bool> {
        let phase = self.phase;
        loop {
            let due = match self.pace {
                Some(p) => {
                    let due = p.due(phase.start, *k);
                    if due >= phase.end {
                        return Ok(true);
                    }
                    if due > Instant::now() {
                        tokio::time::sleep_until(due.into()).await;
                    }
                    Some(due)
                }
                None => {
                    if Instant::now() >= phase.end {
                        return Ok(true);
                    }
                    None
                }
            };
            let mut i = self.cursor.fetch_add(1, Ordering::Relaxed);
            if i >= self.pool.len() {
                if !self.wrap {
                    w.exhausted = true;
                    return Ok(true);
                }
                i %= self.pool.len();
            }
            let req = self.pool.request(i, &self.host);
            sender.ready().await.context("connection closed")?;
            let sent = Instant::now();
            *k += 1;
            let resp = sender.send_request(req).await.context("request")?;
            let status = resp.status();
            let body = resp
                .into_body()
                .collect()
                .await
                .context("response body")?
                .to_bytes();
            let done = Instant::now();
            if status != StatusCode::OK {
                let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                w.error(format!("HTTP {status}: {text}"));
                continue;
            }
            if find(&body, b"duplicate").is_some() {
                w.duplicates += 1;
            }
            let measured = match due {
                Some(d) => d >= phase.measure_from,
                None => done >= phase.measure_from && done <= phase.end,
            };
            if measured {
                w.ok += 1;
                w.latencies_ns.push((done - sent).as_nanos() as u64);
                if let Some(d) = due {
                    w.lags_ns
                        .push(sent.saturating_duration_since(d).as_nanos() as u64);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn pool_bodies_are_unique_signed_and_sized() {
        let pool = Pool::generate(1000, b"secret").unwrap();
        assert_eq!(pool.len(), 1000);
        assert_eq!(pool.body_len(), BODY_LEN);
        let v = Verifier::new(b"secret", 60, 60);
        let ts = pool.timestamp.to_str().unwrap().to_string();
        let mut seen = std::collections::HashSet::new();
        for it in &pool.items {
            assert!(seen.insert(it.body.clone()));
            assert_eq!(
                v.verify_signature(ts.as_bytes(), it.signature.as_bytes(), &it.body),
                Ok(())
            );
            let parsed: serde_json::Value = serde_json::from_slice(&it.body).unwrap();
            assert_eq!(parsed["event"], "meeting.started");
        }
    }
}
