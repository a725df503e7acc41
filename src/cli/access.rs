//! Management verbs work whether or not `serve` runs on the same config (DESIGN section 6): when the
//! store is free the CLI opens it directly; when a relay holds sled's lock, the CLI calls that relay's
//! admin API with the operator token from the same config. Both paths end in `service::*`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use super::CliError;
use crate::config::Config;
use crate::http::api::ops::Op;
use crate::store::{Db, StoreError};

pub enum Access {
    Local(Db),
    Remote(Remote),
}

#[derive(Clone)]
pub struct Remote {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Access {
    pub async fn open(config: &Config) -> Result<Access, CliError> {
        // PostgreSQL takes any number of clients, so only sled's lock sends the CLI to the API.
        match crate::store::open(config).await {
            Ok(store) => Ok(Access::Local(store)),
            Err(StoreError::Locked { .. }) => {
                let token = config.security.admin_token.as_ref().ok_or_else(|| {
                    CliError::Usage(
                        "a running relay holds the store, and security.admin_token is not set, so \
                         the CLI cannot use its API. Fix: set admin_token (zoom-relay keygen) and restart the relay"
                            .into(),
                    )
                })?;
                Ok(Access::Remote(Remote {
                    base: format!("http://{}", connectable(config.server.listen)),
                    token: token.expose_secret().to_string(),
                    client: reqwest::Client::builder()
                        .timeout(std::time::Duration::from_secs(30))
                        .build()
                        .map_err(|e| CliError::Failed(e.to_string()))?,
                }))
            }
            Err(e) => Err(CliError::Failed(e.to_string())),
        }
    }

    /// Flushes and closes a directly opened store.
    pub async fn close(self) -> Result<(), CliError> {
        if let Access::Local(store) = self {
            store
                .close()
                .await
                .map_err(|e| CliError::Failed(e.to_string()))?;
        }
        Ok(())
    }
}

/// A wildcard listen address is reached through loopback.
pub(crate) fn connectable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

impl Remote {
    /// The relay's base URL, `http://{listen}`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request for `op` with the operator token, for answers that are not JSON (the backup
    /// stream). An hour instead of the usual 30 s: a large store takes a while to copy.
    pub fn raw(&self, op: &Op) -> reqwest::RequestBuilder {
        self.client
            .request(
                op.method.clone(),
                format!("{}/api/v1{}", self.base, op.path),
            )
            .bearer_auth(&self.token)
            .timeout(std::time::Duration::from_secs(3600))
    }

    /// Calls `op` without path parameters or body.
    pub async fn get<T: DeserializeOwned>(
        &self,
        op: &Op,
        query: &[(&str, String)],
    ) -> Result<T, CliError> {
        self.send(op, &[], query, None).await
    }

    /// Calls `op` of the admin API, `params` filling its path's `{..}` placeholders in order,
    /// each percent-encoded as one segment (a route named `a/b` stays one).
    pub async fn send<T: DeserializeOwned>(
        &self,
        op: &Op,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<T, CliError> {
        let url = self.url(op, params)?;
        let mut req = self
            .client
            .request(op.method.clone(), url)
            .bearer_auth(&self.token)
            .query(query);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| {
            CliError::Failed(format!(
                "the store is locked by a running relay, but its API at {} did not answer: {e}",
                self.base
            ))
        })?;
        let status = resp.status();
        let body = resp
            .text()
            .await
            .map_err(|e| CliError::Failed(e.to_string()))?;
        if !status.is_success() {
            let msg = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                .unwrap_or(body);
            return Err(if status == reqwest::StatusCode::BAD_REQUEST {
                CliError::Usage(msg)
            } else {
                CliError::Failed(msg)
            });
        }
        let body = if body.is_empty() {
            "null".to_string()
        } else {
            body
        };
        serde_json::from_str(&body)
            .map_err(|e| CliError::Failed(format!("bad answer from relay: {e}")))
    }
}

impl Remote {
    /// `/api/v1` + `op`'s path with `params` in its placeholders.
    fn url(&self, op: &Op, params: &[&str]) -> Result<reqwest::Url, CliError> {
        let mut url = reqwest::Url::parse(&format!("{}/api/v1", self.base))
            .map_err(|e| CliError::Failed(e.to_string()))?;
        let mut params = params.iter();
        {
            let mut segs = url
                .path_segments_mut()
                .map_err(|_| CliError::Failed("bad relay URL".into()))?;
            for part in op.path.split('/').filter(|p| !p.is_empty()) {
                if part.starts_with('{') {
                    let value = params.next().ok_or_else(|| unfilled(op))?;
                    segs.push(value);
                } else {
                    segs.push(part);
                }
            }
        }
        match params.next() {
            Some(_) => Err(unfilled(op)),
            None => Ok(url),
        }
    }
}

/// A call whose parameters do not match its path: a bug in the CLI, said as such.
fn unfilled(op: &Op) -> CliError {
    CliError::Failed(format!(
        "internal error: wrong number of parameters for {} {}",
        op.method, op.path
    ))
}

/// Query parameters that are set.
pub(super) fn query(pairs: &[(&'static str, Option<&str>)]) -> Vec<(&'static str, String)> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v.to_string())))
        .collect()
}

/// A request body as JSON.
pub(super) fn body<T: serde::Serialize>(v: &T) -> Result<Option<serde_json::Value>, CliError> {
    serde_json::to_value(v)
        .map(Some)
        .map_err(|e| CliError::Failed(e.to_string()))
}

/// Calls the management verbs share.
impl Remote {
    /// A call whose answer carries nothing the verb reports.
    pub(super) async fn call(
        &self,
        op: &Op,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<(), CliError> {
        self.send::<serde_json::Value>(op, params, query, body)
            .await
            .map(|_| ())
    }

    /// A GET of a list narrowed to `app` and `account` where they are given.
    pub(super) async fn get_filtered<T: DeserializeOwned>(
        &self,
        op: &Op,
        app: Option<&str>,
        account: Option<&str>,
    ) -> Result<T, CliError> {
        self.get(op, &query(&[("app", app), ("account", account)]))
            .await
    }

    /// A GET of one tenant's resource, the tenant in the query.
    pub(super) async fn get_tenant<T: DeserializeOwned>(
        &self,
        op: &Op,
        app: &str,
        account: &str,
    ) -> Result<T, CliError> {
        self.get(op, &tenant_query(app, account)).await
    }
}

/// `?app=&account=` of one tenant.
pub(super) fn tenant_query(app: &str, account: &str) -> [(&'static str, String); 2] {
    [("app", app.to_string()), ("account", account.to_string())]
}

/// A current-thread runtime for one CLI verb.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))
}
