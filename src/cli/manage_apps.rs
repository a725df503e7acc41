//! The app verbs' half of [`super::manage::Manage`]: Zoom apps as data, answered in-process by the
//! service layer ([`Local`]) or by the running relay's API ([`Remote`]), which also reloads its
//! app registry so the change is served at once.

use async_trait::async_trait;
use reqwest::Method;

use super::CliError;
use super::access::{Remote, body};
use super::manage::Local;
use crate::service::app_invites::{self, CreatedInvite, InviteRequest};
use crate::service::apps::{self, AddApp, AppRemoveReport, AppView, UpdateApp};
use crate::store::apps::AppInvite;

type R<T> = Result<T, CliError>;

#[async_trait]
pub trait ManageApps: Send + Sync {
    async fn apps(&self) -> R<Vec<AppView>>;
    async fn app(&self, id: &str) -> R<AppView>;
    async fn add_app(&self, req: AddApp) -> R<AppView>;
    async fn update_app(&self, id: &str, req: UpdateApp) -> R<AppView>;
    async fn remove_app(&self, id: &str, confirm: &str) -> R<AppRemoveReport>;
    async fn invite_app(&self, req: InviteRequest) -> R<CreatedInvite>;
    async fn app_invitations(&self) -> R<Vec<AppInvite>>;
    async fn revoke_app_invitation(&self, id: &str) -> R<Vec<AppInvite>>;
}

#[async_trait]
impl ManageApps for Local {
    async fn apps(&self) -> R<Vec<AppView>> {
        Ok(apps::list(self.ctx()).await?)
    }
    async fn app(&self, id: &str) -> R<AppView> {
        Ok(apps::show(self.ctx(), id).await?)
    }
    async fn add_app(&self, req: AddApp) -> R<AppView> {
        Ok(apps::add(self.ctx(), req, "api").await?)
    }
    async fn update_app(&self, id: &str, req: UpdateApp) -> R<AppView> {
        Ok(apps::update(self.ctx(), id, req).await?)
    }
    async fn remove_app(&self, id: &str, confirm: &str) -> R<AppRemoveReport> {
        // No relay runs, so this process revokes the accounts' Zoom tokens itself.
        let ctx = self.ctx();
        let revoker = crate::tenants::Tenants::new(ctx.db.clone(), ctx.config.clone())?;
        revoker
            .apps()
            .reload()
            .await
            .map_err(|e| CliError::Failed(e.to_string()))?;
        Ok(apps::remove(ctx, &revoker, id, confirm).await?)
    }
    async fn invite_app(&self, req: InviteRequest) -> R<CreatedInvite> {
        Ok(app_invites::invite(self.ctx(), req).await?)
    }
    async fn app_invitations(&self) -> R<Vec<AppInvite>> {
        Ok(app_invites::list(self.ctx()).await?)
    }
    async fn revoke_app_invitation(&self, id: &str) -> R<Vec<AppInvite>> {
        Ok(app_invites::revoke(self.ctx(), id).await?)
    }
}

#[async_trait]
impl ManageApps for Remote {
    async fn apps(&self) -> R<Vec<AppView>> {
        self.get("/apps", &[]).await
    }
    async fn app(&self, id: &str) -> R<AppView> {
        self.send(Method::GET, &["apps", id], &[], None).await
    }
    async fn add_app(&self, req: AddApp) -> R<AppView> {
        self.send(Method::POST, &["apps"], &[], body(&req)?).await
    }
    async fn update_app(&self, id: &str, req: UpdateApp) -> R<AppView> {
        self.send(Method::PUT, &["apps", id], &[], body(&req)?)
            .await
    }
    async fn remove_app(&self, id: &str, confirm: &str) -> R<AppRemoveReport> {
        self.send(
            Method::DELETE,
            &["apps", id],
            &[("confirm", confirm.to_string())],
            None,
        )
        .await
    }
    async fn invite_app(&self, req: InviteRequest) -> R<CreatedInvite> {
        self.send(Method::POST, &["app-invitations"], &[], body(&req)?)
            .await
    }
    async fn app_invitations(&self) -> R<Vec<AppInvite>> {
        self.get("/app-invitations", &[]).await
    }
    async fn revoke_app_invitation(&self, id: &str) -> R<Vec<AppInvite>> {
        self.send(Method::DELETE, &["app-invitations", id], &[], None)
            .await
    }
}
