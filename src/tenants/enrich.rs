//! Work the dispatcher has done before it handles an event of an OAuth app: revoking an
//! uninstalled tenant's tokens, and looking up the join link of a started meeting.

use std::sync::Arc;
use std::time::Instant;

use super::{ENRICH_BACKOFF, ENRICH_TIMEOUT, TenantError, Tenants, now_ms};
use crate::routing::{self, MatchInput};
use crate::store::TenantId;
use crate::store::{EventRecord, MeetingMemory, TenantStatus};
use crate::zoom::event::{self, ParsedEvent};
use crate::zoom::{EventKind, ZoomEvent};

impl Tenants {
    /// Whether [`Tenants::before_dispatch`] has anything to do for this event: a `meeting.started`
    /// or `app_deauthorized` of an OAuth app. Decided from the stored header alone, so other
    /// events cost no parse and no extra hop.
    pub fn wants_prep(&self, rec: &EventRecord) -> bool {
        rec.event.parse_error.is_none()
            && matches!(
                rec.event.event.as_str(),
                "meeting.started" | "app_deauthorized"
            )
            && self.app(&rec.event.app_id).is_some_and(|a| a.has_oauth())
    }

    /// Async work the dispatcher does before it handles the next inbox event: revoke the token of
    /// an uninstalling tenant (the purge itself is part of dispatching the event), and look
    /// up the join link of a started meeting when a route wants it and meeting memory has none.
    /// Never fails: whatever goes wrong, the event is still dispatched.
    pub async fn before_dispatch(self: &Arc<Self>, rec: &EventRecord) {
        if rec.event.parse_error.is_some() {
            return;
        }
        let Ok(ParsedEvent::Ok(ev)) = event::parse(rec.event.body.as_bytes()) else {
            return;
        };
        let Some(account) = ev.account_id.clone() else {
            return;
        };
        let app = rec.event.app_id.as_str();
        match ev.kind {
            EventKind::AppDeauthorized => {
                let user = match &ev.body {
                    crate::zoom::event::EventBody::Deauthorized { user_id, .. } => {
                        user_id.as_deref()
                    }
                    _ => None,
                };
                self.revoke(app, &account, user).await
            }
            EventKind::MeetingStarted => {
                if let Err(e) = self.enrich(app, &account, &ev).await {
                    tracing::info!(app, error = %e, "join link lookup failed; the alert goes without it");
                    self.enrich_failed
                        .lock()
                        .expect("enrich backoff")
                        .insert((app.to_string(), account), Instant::now());
                }
            }
            _ => {}
        }
    }

    async fn enrich(
        self: &Arc<Self>,
        app_id: &str,
        account: &str,
        ev: &ZoomEvent,
    ) -> Result<(), TenantError> {
        let tenant = TenantId::new(app_id, account);
        if !self.app(app_id).is_some_and(|a| a.has_oauth()) {
            return Ok(());
        }
        let Some(meeting_id) = ev.meeting().and_then(|m| m.id) else {
            return Ok(());
        };
        let known = self.db.meeting_memory(&tenant, meeting_id).await?;
        if known.as_ref().is_some_and(|m| m.join_url.is_some()) {
            return Ok(());
        }
        let wanted = {
            let routes = self.db.list_routes(Some(&tenant)).await?;
            let input =
                MatchInput::from_event(app_id, ev, known.as_ref().and_then(|m| m.topic.as_deref()));
            let (_, matched) = routing::plan(&routes, &input);
            matched.iter().any(|r| r.include_join_link)
        };
        if !wanted {
            return Ok(());
        }
        match self.db.get_tenant(&tenant).await? {
            Some(t) if t.status == TenantStatus::Active => {}
            _ => return Ok(()),
        }
        let key = (app_id.to_string(), account.to_string());
        if let Some(at) = self.enrich_failed.lock().expect("enrich backoff").get(&key)
            && at.elapsed() < ENRICH_BACKOFF
        {
            return Ok(());
        }
        let lookup = async {
            // A user-managed app: the host's own install sees the meeting, another user's may not.
            let host = self
                .app(app_id)
                .filter(|a| a.user_managed)
                .and_then(|_| ev.meeting())
                .and_then(|m| m.host_id.as_deref());
            let (token, api_url) = self.access_token_for(app_id, account, host).await?;
            Ok::<_, TenantError>(
                self.client
                    .meeting(&api_url, &token, meeting_id, ENRICH_TIMEOUT)
                    .await?,
            )
        };
        let details = tokio::time::timeout(ENRICH_TIMEOUT, lookup)
            .await
            .map_err(|_| TenantError::Internal("join link lookup timed out".into()))??;
        self.enrich_failed
            .lock()
            .expect("enrich backoff")
            .remove(&key);
        let mut m: MeetingMemory = known.unwrap_or_default();
        if m.topic.is_none() {
            m.topic = details.topic;
        }
        m.join_url = details.join_url;
        if details.password.is_some() {
            m.password = details.password;
        }
        m.updated_at_ms = now_ms();
        self.db.remember_meeting(&tenant, meeting_id, &m).await?;
        Ok(())
    }
}
