//! Management verbs work whether or not `serve` runs on the same config (DESIGN section 6): when the
//! store is free the CLI opens it directly; when a relay holds sled's lock, the CLI calls that relay's
//! admin API with the operator token from the same config. Both paths end in `service::*`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use super::CliError;
use crate::config::Config;
use crate::store::{Db, StoreError};

pub enum Access {
    Local(Db),
    Remote(Remote),
}

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

    /// A request to `/api/v1{path}` with the operator token, for answers that are not JSON (the
    /// backup stream). An hour instead of the usual 30 s: a large store takes a while to copy.
    pub fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .timeout(std::time::Duration::from_secs(3600))
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, CliError> {
        self.send(reqwest::Method::GET, &[path], query, None).await
    }

    /// Calls `/api/v1` + the percent-encoded `segments` (a first segment may hold several `/`-separated
    /// parts).
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<T, CliError> {
        let mut url = reqwest::Url::parse(&format!("{}/api/v1", self.base))
            .map_err(|e| CliError::Failed(e.to_string()))?;
        {
            let mut segs = url
                .path_segments_mut()
                .map_err(|_| CliError::Failed("bad relay URL".into()))?;
            for (i, s) in segments.iter().enumerate() {
                if i == 0 {
                    segs.extend(s.split('/').filter(|p| !p.is_empty()));
                } else {
                    segs.push(s);
                }
            }
        }
        let mut req = self
            .client
            .request(method, url)
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
        method: reqwest::Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<(), CliError> {
        self.send::<serde_json::Value>(method, segments, query, body)
            .await
            .map(|_| ())
    }

    /// A DELETE whose answer carries nothing the verb reports.
    pub(super) async fn delete(&self, path: &[&str]) -> Result<(), CliError> {
        self.call(reqwest::Method::DELETE, path, &[], None).await
    }

    /// A GET of one tenant's resource, the tenant in the query.
    pub(super) async fn get_tenant<T: DeserializeOwned>(
        &self,
        path: &str,
        app: &str,
        account: &str,
    ) -> Result<T, CliError> {
        self.get(path, &tenant_query(app, account)).await
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
