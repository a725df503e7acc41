//! Tenant API tokens: created by the operator or the tenant, shown once, stored as a hash, revoked
//! by id. A token acts for exactly one tenant.

use serde::{Deserialize, Serialize};

use crate::store::auth::{ApiToken, token_id};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreateToken {
    /// Defaults to `default`; a tenant-scoped caller may omit both and gets its own tenant.
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    /// What the token is for, e.g. "CI deploy of routes".
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedToken {
    /// The token itself, shown this once: `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub record: ApiToken,
}

/// Makes a token for (app, account). The name must say what it is for (1 to 100 characters).
pub fn create(
    store: &Store,
    app: &str,
    account: &str,
    name: &str,
) -> Result<Result<CreatedToken, String>, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Ok(Err(
            "name: say what the token is for, in 1 to 100 characters".into(),
        ));
    }
    if account.trim().is_empty() {
        return Ok(Err("account: the Zoom account id the token acts for".into()));
    }
    let token = format!(
        "{}{}",
        crate::http::auth::TOKEN_PREFIX,
        crate::zoom::oauth::random_token()
    );
    let record = ApiToken {
        id: token_id(&token),
        name: name.to_string(),
        app_id: app.to_string(),
        account_id: account.to_string(),
        created_at_ms: chrono::Utc::now().timestamp_millis(),
    };
    store.put_api_token(&token, &record)?;
    Ok(Ok(CreatedToken { token, record }))
}

pub fn list(store: &Store, tenant: Option<(&str, &str)>) -> Result<Vec<ApiToken>, StoreError> {
    store.list_api_tokens(tenant)
}

pub fn revoke(store: &Store, id: &str, tenant: Option<(&str, &str)>) -> Result<bool, StoreError> {
    store.revoke_api_token(id.trim(), tenant)
}
