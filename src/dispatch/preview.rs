//! The dry run of dispatch (`routes test`): which routes an event fires and what each target would
//! get, without writing anything.

use super::Dispatcher;
use crate::routing::{self, MatchInput};
use crate::store::TenantId;
use crate::store::{Message, StoreError};
use crate::zoom::event::{self, ParsedEvent};

/// The answer of a dry run (`routes test`): which routes fire and what each target would get.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TestReport {
    pub event: String,
    pub app_id: String,
    pub account_id: Option<String>,
    /// Why nothing could be routed, when that is the case.
    pub unroutable: Option<String>,
    pub routes_matched: Vec<String>,
    pub deliveries: Vec<TestDelivery>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TestDelivery {
    pub route: String,
    pub target: String,
    pub message: Message,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Dispatcher {
    /// A dry run of dispatch for a raw event body: reads routes, templates and meeting memory, writes
    /// nothing.
    pub async fn preview(&self, app: &str, body: &[u8]) -> Result<TestReport, PreviewError> {
        let ev = match event::parse(body) {
            Ok(ParsedEvent::Ok(ev)) => ev,
            Ok(ParsedEvent::Malformed { error, .. }) => {
                return Err(PreviewError::Invalid(format!("malformed event: {error}")));
            }
            Err(e) => return Err(PreviewError::Invalid(e.to_string())),
        };
        let mut report = TestReport {
            event: ev.kind.to_string(),
            app_id: app.to_string(),
            account_id: ev.account_id.clone(),
            unroutable: None,
            routes_matched: vec![],
            deliveries: vec![],
        };
        if !ev.kind.is_meeting() {
            report.unroutable = Some(format!("no routing for event type `{}`", ev.kind));
            return Ok(report);
        }
        let Some(account) = ev.account_id.clone() else {
            report.unroutable = Some("event has no payload.account_id".into());
            return Ok(report);
        };
        let tenant = TenantId::new(app, &account);
        let memory = match ev.meeting().and_then(|m| m.id) {
            Some(id) => self.db.meeting_memory(&tenant, id).await?,
            None => None,
        };
        let routes = self.db.list_routes(Some(&tenant)).await?;
        let input =
            MatchInput::from_event(app, &ev, memory.as_ref().and_then(|m| m.topic.as_deref()));
        let (planned, matched) = routing::plan(&routes, &input);
        report.routes_matched = matched.iter().map(|r| r.name.clone()).collect();
        let tenant_templates = self.db.tenant_templates(&tenant).await?;
        for p in planned {
            let links = self.email_links(app, &account, p.route, &p.target);
            let unsubscribe_url = links.as_ref().map(|l| l.0.clone());
            let message = self
                .render(
                    &ev,
                    app,
                    (p.route, &p.target),
                    memory.as_ref(),
                    &tenant_templates,
                    unsubscribe_url.as_deref(),
                )
                .map(|m| match &links {
                    Some((_, manage)) => {
                        super::render::with_manage_footer(m, manage, self.route_lang(p.route))
                    }
                    None => m,
                })
                .unwrap_or_else(|limit| Message::Log {
                    text: format!("not sent: template over limit: {limit}"),
                });
            report.deliveries.push(TestDelivery {
                route: p.route.name.clone(),
                target: p.target.describe(),
                message,
            });
        }
        Ok(report)
    }
}
