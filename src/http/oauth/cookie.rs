//! The sealed cookie that carries an OAuth flow in progress between our redirect and Zoom's
//! callback, so that starting an install writes nothing durable.

use serde::Deserialize;

use super::{PURPOSE_INSTALL, PURPOSE_SIGNIN};
use crate::crypto;

const COOKIE_AAD: &[u8] = b"zoom-relay oauth-flow-cookie v1\0";

/// An OAuth flow in progress, as the sealed cookie carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct FlowCookie {
    pub state: String,
    /// The PKCE verifier: a secret until the code is exchanged, hence sealed, not only signed.
    pub verifier: String,
    pub app: String,
    /// [`PURPOSE_INSTALL`] or [`PURPOSE_SIGNIN`].
    pub purpose: String,
    /// When the flow expires, ms since the epoch.
    pub expires_at_ms: i64,
}

fn cookie_aad(purpose: &str) -> Vec<u8> {
    let mut aad = COOKIE_AAD.to_vec();
    aad.extend_from_slice(purpose.as_bytes());
    aad
}

/// The cookie value for a flow: `{purpose}.{base64url(sealed flow)}`. The purpose travels in the
/// clear only to pick the associated data; the sealed copy is what counts.
pub fn seal_flow_cookie(key: &[u8; 32], f: &FlowCookie) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(f).expect("flow cookies serialize");
    let sealed = crypto::seal(key, &cookie_aad(&f.purpose), &json);
    format!(
        "{}.{}",
        f.purpose,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed)
    )
}

/// Opens a flow cookie sealed by [`seal_flow_cookie`] with `key`; None when it was altered, made
/// with another key, or is not one.
pub fn open_flow_cookie(key: &[u8; 32], value: &str) -> Option<FlowCookie> {
    use base64::Engine;
    let (purpose, b64) = value.split_once('.')?;
    if purpose != PURPOSE_INSTALL && purpose != PURPOSE_SIGNIN {
        return None;
    }
    let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64)
        .ok()?;
    let json = crypto::open(key, &cookie_aad(purpose), &sealed).ok()?;
    let f: FlowCookie = serde_json::from_slice(&json).ok()?;
    (f.purpose == purpose).then_some(f)
}
