//! Access tokens: refreshed on use when they are about to expire, one refresh per tenant at a
//! time, and persisted (and flushed) before the new token is used, because Zoom rotates refresh
//! tokens and the old one is dead as soon as Zoom answered.

use std::sync::Arc;

use super::{REFRESH_MARGIN_MS, TenantError, Tenants, TokenPair, now_ms, scopes};
use crate::config::ZoomApp;
use crate::crypto;
use crate::store::TenantId;
use crate::store::{Tenant, TenantStatus};
use crate::zoom::oauth::OAuthError;

impl Tenants {
    fn lock_for(&self, app: &str, account: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .expect("tenant locks")
            .entry((app.to_string(), account.to_string()))
            .or_default()
            .clone()
    }

    /// A valid access token and the API host for a tenant, refreshing first when 60 s or less
    /// remain. The refresh runs in its own task, so it completes and is persisted even when the
    /// caller gives up waiting.
    pub async fn access_token(
        self: &Arc<Self>,
        app: &str,
        account: &str,
    ) -> Result<(String, String), TenantError> {
        self.access_token_for(app, account, None).await
    }

    /// [`Tenants::access_token`] of one user's install when `user` has one in this tenant (a
    /// user-managed app, where each user's token sees only that user's meetings), else of the
    /// tenant's first install.
    pub async fn access_token_for(
        self: &Arc<Self>,
        app: &str,
        account: &str,
        user: Option<&str>,
    ) -> Result<(String, String), TenantError> {
        let me = self.clone();
        let (app, account) = (app.to_string(), account.to_string());
        let user = user.map(str::to_string);
        tokio::spawn(async move { me.access_token_inner(&app, &account, user.as_deref()).await })
            .await
            .map_err(|e| TenantError::Internal(format!("token task: {e}")))?
    }

    async fn access_token_inner(
        &self,
        app_id: &str,
        account: &str,
        user: Option<&str>,
    ) -> Result<(String, String), TenantError> {
        let lock = self.lock_for(app_id, account);
        let _one_at_a_time = lock.lock().await;
        let app = self
            .app(app_id)
            .ok_or_else(|| TenantError::UnknownApp(app_id.to_string()))?;
        let t = self
            .db
            .get_tenant(&TenantId::new(app_id, account))
            .await?
            .ok_or_else(|| TenantError::NotFound {
                app: app_id.to_string(),
                account: account.to_string(),
            })?;
        if let Some(i) = user.and_then(|u| {
            t.other_installs
                .iter()
                .position(|g| g.installer.user_id == u)
        }) {
            return self.other_install_token(&app, t, i).await;
        }
        if t.status == TenantStatus::ReauthorizationNeeded {
            return Err(TenantError::ReauthorizationNeeded {
                app: app_id.to_string(),
                account: account.to_string(),
            });
        }
        let pair = self.open(&t)?;
        if t.expires_at_ms - now_ms() > REFRESH_MARGIN_MS {
            return Ok((pair.access_token, t.api_url));
        }
        match self.client.refresh(&app, &pair.refresh_token).await {
            Ok(tr) => {
                let now = now_ms();
                let updated = Tenant {
                    api_url: Self::api_url_for(&app, tr.api_url.as_deref().or(Some(&t.api_url))),
                    scopes: if tr.scope.is_some() {
                        scopes(&tr)
                    } else {
                        t.scopes.clone()
                    },
                    updated_at_ms: now,
                    expires_at_ms: now + tr.expires_in.max(0) * 1000,
                    sealed_tokens: self.seal(
                        app_id,
                        account,
                        &TokenPair {
                            access_token: tr.access_token.clone(),
                            refresh_token: tr.refresh_token,
                        },
                    ),
                    ..t
                };
                // Persisted before use: the old refresh token is already dead at Zoom.
                self.db.put_tenant(&updated).await?;
                self.db.flush().await?;
                tracing::debug!(app = %app_id, "refreshed a tenant's Zoom token");
                Ok((tr.access_token, updated.api_url))
            }
            Err(OAuthError::InvalidGrant(detail)) => {
                let updated = Tenant {
                    status: TenantStatus::ReauthorizationNeeded,
                    updated_at_ms: now_ms(),
                    ..t
                };
                self.db.put_tenant(&updated).await?;
                self.db.add_notice(
                    &TenantId::new(app_id, account),
                    "zoom_reauthorization_needed",
                    &format!(
                        "Zoom refused the stored refresh token ({detail}). Alerts still arrive, but \
                         join links cannot be looked up until someone installs the app again at {}/zoom/install/{app_id}.",
                        self.config.server.public_url
                    ),
                    None,
                    None,
                )
                .await?;
                self.db.flush().await?;
                tracing::warn!(app = %app_id, "a tenant needs to authorize the Zoom app again");
                Err(TenantError::ReauthorizationNeeded {
                    app: app_id.to_string(),
                    account: account.to_string(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The access token of `t.other_installs[i]`, refreshed and persisted like the first
    /// install's. A refused refresh concerns that user only: the tenant's status stays, and the
    /// lookup goes without a join link.
    async fn other_install_token(
        &self,
        app: &ZoomApp,
        mut t: Tenant,
        i: usize,
    ) -> Result<(String, String), TenantError> {
        let aad = Tenant::token_aad(&t.app_id, &t.account_id);
        let g = &t.other_installs[i];
        let json = crypto::open(self.key(), &aad, &g.sealed_tokens)?;
        let pair: TokenPair =
            serde_json::from_slice(&json).map_err(|e| TenantError::Internal(e.to_string()))?;
        if g.expires_at_ms - now_ms() > REFRESH_MARGIN_MS {
            return Ok((pair.access_token, g.api_url.clone()));
        }
        match self.client.refresh(app, &pair.refresh_token).await {
            Ok(tr) => {
                let now = now_ms();
                let sealed = self.seal(
                    &t.app_id,
                    &t.account_id,
                    &TokenPair {
                        access_token: tr.access_token.clone(),
                        refresh_token: tr.refresh_token.clone(),
                    },
                );
                let g = &mut t.other_installs[i];
                g.api_url = Self::api_url_for(app, tr.api_url.as_deref().or(Some(&g.api_url)));
                if tr.scope.is_some() {
                    g.scopes = scopes(&tr);
                }
                g.updated_at_ms = now;
                g.expires_at_ms = now + tr.expires_in.max(0) * 1000;
                g.sealed_tokens = sealed;
                let api_url = g.api_url.clone();
                // Persisted before use: the old refresh token is already dead at Zoom.
                self.db.put_tenant(&t).await?;
                self.db.flush().await?;
                Ok((tr.access_token, api_url))
            }
            Err(OAuthError::InvalidGrant(_)) => {
                tracing::warn!(app = %app.id, "Zoom refused one user's refresh token; that user must install again");
                Err(TenantError::ReauthorizationNeeded {
                    app: t.app_id,
                    account: t.account_id,
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}
