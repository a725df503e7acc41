//! The app verbs of [`Manage`]: Zoom apps as data, answered in-process by the service layer
//! ([`Manage::Local`]) or by the running relay's API ([`Manage::Remote`]), which also reloads its
//! app registry so the change is served at once.

use crate::http::api::ops as api;

use super::CliError;
use super::access::body;
use super::manage::Manage;
use crate::service::app_invites::{self, CreatedInvite, InviteRequest};
use crate::service::apps::{self, AddApp, AppRemoveReport, AppView, UpdateApp};
use crate::store::apps::AppInvite;

type R<T> = Result<T, CliError>;

impl Manage {
    pub async fn apps(&self) -> R<Vec<AppView>> {
        match self {
            Manage::Local(ctx) => Ok(apps::list(ctx).await?),
            Manage::Remote(r) => r.get(&api::LIST_APPS, &[]).await,
        }
    }

    pub async fn app(&self, id: &str) -> R<AppView> {
        match self {
            Manage::Local(ctx) => Ok(apps::show(ctx, id).await?),
            Manage::Remote(r) => r.send(&api::GET_APP, &[id], &[], None).await,
        }
    }

    pub async fn add_app(&self, req: AddApp) -> R<AppView> {
        match self {
            Manage::Local(ctx) => Ok(apps::add(ctx, req, "api").await?),
            Manage::Remote(r) => r.send(&api::ADD_APP, &[], &[], body(&req)?).await,
        }
    }

    pub async fn update_app(&self, id: &str, req: UpdateApp) -> R<AppView> {
        match self {
            Manage::Local(ctx) => Ok(apps::update(ctx, id, req).await?),
            Manage::Remote(r) => r.send(&api::UPDATE_APP, &[id], &[], body(&req)?).await,
        }
    }

    pub async fn remove_app(&self, id: &str, confirm: &str) -> R<AppRemoveReport> {
        match self {
            Manage::Local(ctx) => {
                // No relay runs, so this process revokes the accounts' Zoom tokens itself.
                let revoker = crate::tenants::Tenants::new(ctx.db.clone(), ctx.config.clone())?;
                revoker
                    .apps()
                    .reload()
                    .await
                    .map_err(|e| CliError::Failed(e.to_string()))?;
                Ok(apps::remove(ctx, &revoker, id, confirm).await?)
            }
            Manage::Remote(r) => {
                let q = [("confirm", confirm.to_string())];
                r.send(&api::REMOVE_APP, &[id], &q, None).await
            }
        }
    }

    pub async fn invite_app(&self, req: InviteRequest) -> R<CreatedInvite> {
        match self {
            Manage::Local(ctx) => Ok(app_invites::invite(ctx, req).await?),
            Manage::Remote(r) => r.send(&api::INVITE_APP, &[], &[], body(&req)?).await,
        }
    }

    pub async fn app_invitations(&self) -> R<Vec<AppInvite>> {
        match self {
            Manage::Local(ctx) => Ok(app_invites::list(ctx).await?),
            Manage::Remote(r) => r.get(&api::LIST_APP_INVITATIONS, &[]).await,
        }
    }

    pub async fn revoke_app_invitation(&self, id: &str) -> R<Vec<AppInvite>> {
        match self {
            Manage::Local(ctx) => Ok(app_invites::revoke(ctx, id).await?),
            Manage::Remote(r) => r.send(&api::REVOKE_APP_INVITATION, &[id], &[], None).await,
        }
    }
}
