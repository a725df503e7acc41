//! Who an API call is for: the caller's principal with its `?app=&account=` query, checked once
//! here so every endpoint authenticates and scopes alike.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::super::auth::Principal;
use super::super::extract::{Path, Query};
use super::super::{ApiError, AppState, call};
use crate::service::Ctx;

#[derive(Deserialize)]
pub(in crate::http::api) struct TenantQuery {
    pub(in crate::http::api) app: Option<String>,
    pub(in crate::http::api) account: Option<String>,
}

impl TenantQuery {
    /// The (app, account) filter the principal may use; a tenant always gets its own.
    pub(in crate::http::api) fn scoped(
        mut self,
        p: &Principal,
    ) -> Result<(Option<String>, Option<String>), ApiError> {
        narrow(p, &mut self.app, &mut self.account)?;
        Ok((self.app, self.account))
    }

    /// An exact tenant: the principal's own, or for the operator the query's (app defaults to
    /// `default`, account is required).
    pub(in crate::http::api) fn exact(self, p: &Principal) -> Result<(String, String), ApiError> {
        match self.scoped(p)? {
            (a, Some(acc)) => Ok((a.unwrap_or_else(default_app), acc)),
            (_, None) => Err(ApiError::bad_field("account", "pass ?account=")),
        }
    }
}

/// Narrows a request's own `app` and `account` (of a query or a body) to the filter the principal
/// may use, in place: a tenant always gets its own, and naming another tenant is an error.
pub(in crate::http::api) fn narrow(
    p: &Principal,
    app: &mut Option<String>,
    account: &mut Option<String>,
) -> Result<(), ApiError> {
    let (a, acc) = p.filter(app.as_deref(), account.as_deref())?;
    (*app, *account) = (a.map(str::to_string), acc.map(str::to_string));
    Ok(())
}

/// The caller and its `?app=&account=` query, checked by [`TenantQuery::scoped`]: the filter a
/// list endpoint applies, with the service to read it from. One extractor, so every list endpoint
/// authenticates and scopes alike.
pub(in crate::http::api) struct Scope {
    pub(in crate::http::api) app: Option<String>,
    pub(in crate::http::api) account: Option<String>,
    /// The service as the operator: the filter above already limits a tenant to its own.
    pub(in crate::http::api) ctx: Ctx,
}

impl Scope {
    pub(in crate::http::api) fn app(&self) -> Option<&str> {
        self.app.as_deref()
    }

    pub(in crate::http::api) fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

/// The caller and its `?app=&account=` query, checked by [`TenantQuery::exact`]: the one tenant an
/// endpoint reads, with the service to read it from.
pub(in crate::http::api) struct Tenant {
    pub(in crate::http::api) app: String,
    pub(in crate::http::api) account: String,
    /// The service as the operator: the tenant above is one the caller may see.
    pub(in crate::http::api) ctx: Ctx,
}

/// The principal and its tenant query, read once for both extractors.
async fn principal_query(
    parts: &mut Parts,
    st: &AppState,
) -> Result<(Principal, TenantQuery), ApiError> {
    let p = Principal::from_request_parts(parts, st).await?;
    let Query(q) = Query::<TenantQuery>::from_request_parts(parts, st).await?;
    Ok((p, q))
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let (p, q) = principal_query(parts, st).await?;
        let (app, account) = q.scoped(&p)?;
        let ctx = call::operator(st);
        Ok(Scope { app, account, ctx })
    }
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let (p, q) = principal_query(parts, st).await?;
        let (app, account) = q.exact(&p)?;
        let ctx = call::operator(st);
        Ok(Tenant { app, account, ctx })
    }
}

/// An operator-only endpoint's caller, checked to be the operator (a tenant gets 404, as for
/// anything not its own), with the service as the operator and the relay's state.
pub(in crate::http::api) struct Operator {
    pub(in crate::http::api) ctx: Ctx,
    pub(in crate::http::api) st: AppState,
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        Principal::from_request_parts(parts, st)
            .await?
            .require_operator()?;
        let ctx = call::operator(st);
        Ok(Operator {
            ctx,
            st: st.clone(),
        })
    }
}

/// A tenant's resource named by the path, `/{app}/{account}/...`: checked visible to the caller
/// (404 otherwise, exactly like something that does not exist), with the rest of the path (`T`, by
/// the path's names), the caller, and the service as the operator.
pub(in crate::http::api) struct Visible<T> {
    pub(in crate::http::api) app: String,
    pub(in crate::http::api) account: String,
    pub(in crate::http::api) rest: T,
    pub(in crate::http::api) p: Principal,
    pub(in crate::http::api) ctx: Ctx,
}

#[derive(Deserialize)]
struct TenantPath<T> {
    app: String,
    account: String,
    #[serde(flatten)]
    rest: T,
}

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Visible<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let p = Principal::from_request_parts(parts, st).await?;
        let Path(TenantPath { app, account, rest }) =
            Path::<TenantPath<T>>::from_request_parts(parts, st).await?;
        p.require(&app, &account)?;
        let ctx = call::operator(st);
        Ok(Visible {
            app,
            account,
            rest,
            p,
            ctx,
        })
    }
}

/// The rest of a path that names nothing but the tenant.
#[derive(Deserialize)]
pub(in crate::http::api) struct Whole {}

/// The rest of a path that names one of the tenant's routes.
#[derive(Deserialize)]
pub(in crate::http::api) struct RouteName {
    pub(in crate::http::api) name: String,
}

pub(in crate::http::api) fn default_app() -> String {
    "default".into()
}
