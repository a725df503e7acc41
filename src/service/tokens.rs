//! Tenant API tokens: created by the operator or the tenant, shown once, stored as a hash, revoked
//! by id. A token acts for exactly one tenant.

use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError};
use crate::store::TenantId;
use crate::store::auth::{ApiToken, token_id};

/// Tenant API tokens start with this, so a leaked one is recognisable (secret scanners) and never
/// confused with the operator token.
pub const TOKEN_PREFIX: &str = "zrt_";

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
pub async fn create(
    ctx: &Ctx,
    app: &str,
    account: &str,
    name: &str,
) -> Result<CreatedToken, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid(
            "name",
            "say what the token is for, in 1 to 100 characters",
        ));
    }
    if account.trim().is_empty() {
        return Err(ServiceError::invalid(
            "account",
            "the Zoom account id the token acts for",
        ));
    }
    let token = format!("{TOKEN_PREFIX}{}", crate::zoom::oauth::random_token());
    let record = ApiToken {
        id: token_id(&token),
        name: name.to_string(),
        app_id: app.to_string(),
        account_id: account.to_string(),
        created_at_ms: chrono::Utc::now().timestamp_millis(),
    };
    ctx.db.put_api_token(&token, &record).await?;
    ctx.durable().await?;
    Ok(CreatedToken { token, record })
}

pub async fn list(ctx: &Ctx, tenant: Option<(&str, &str)>) -> Result<Vec<ApiToken>, ServiceError> {
    let tenant = tenant.map(TenantId::from);
    Ok(ctx.db.list_api_tokens(tenant.as_ref()).await?)
}

/// Revokes token `id` if it belongs to `tenant` (any tenant for None); not found otherwise.
pub async fn revoke(ctx: &Ctx, id: &str, tenant: Option<(&str, &str)>) -> Result<(), ServiceError> {
    let tenant = tenant.map(TenantId::from);
    if !ctx.db.revoke_api_token(id.trim(), tenant.as_ref()).await? {
        return Err(ServiceError::NotFound(format!(
            "no token with id {id}; see `zoom-relay tokens list`"
        )));
    }
    ctx.durable().await
}
