//! Email consent: whether an address agreed to a route's alerts (double opt-in), and whether it is
//! paused or unsubscribed. Kept apart from the route document on purpose: organizers write routes,
//! and a consent must be something only the address's owner can grant, so no route edit can forge
//! one. The dispatcher sends email only to addresses whose consent is confirmed and not paused.
//!
//! Tree `email_consents`: [`consent_key`] (tenant prefix, route, 0x00, address) -> [`Consent`] as
//! JSON. Tenant-prefixed, so the uninstall purge removes it with the rest of the tenant. The flag
//! that the one-time migration (addresses already in routes count as confirmed) ran lives in
//! `bot_state` beside the chat-link migration's.

use serde::{Deserialize, Serialize};

use super::TenantId;
use super::keys::{consent_key, consent_route_prefix, tenant_prefix};
use super::{Store, StoreError, decode, decode_all, decode_opt, encode};

/// Where an address stands with a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// A confirmation email went out; nothing is sent until its link is used.
    Pending,
    Confirmed,
    /// The address's owner left. Kept, so that an organizer re-adding the address sends it
    /// nothing, not even an invitation; only the owner joining again undoes it.
    Unsubscribed,
}

impl ConsentState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Pending => "pending",
            ConsentState::Confirmed => "confirmed",
            ConsentState::Unsubscribed => "unsubscribed",
        }
    }
}

/// Who put the address on the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentBy {
    /// The owner, through the join page.
    Member,
    /// An organizer typed it; its owner confirms through an invitation.
    Organizer,
    /// The operator (trusted: relay.toml seeds, the operator's token and the local CLI).
    Operator,
    /// It was in a route before double opt-in existed, and keeps working.
    Existing,
}

impl ConsentBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentBy::Member => "member",
            ConsentBy::Organizer => "organizer",
            ConsentBy::Operator => "operator",
            ConsentBy::Existing => "existing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Consent {
    pub app_id: String,
    pub account_id: String,
    pub route: String,
    /// In lower case, as the key holds it.
    pub address: String,
    pub state: ConsentState,
    pub by: ConsentBy,
    /// When the last confirmation email went out: at most one per address and route per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_at_ms: Option<i64>,
    pub changed_at_ms: i64,
    /// Alerts wait until then (the manage page's "pause for a week").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_until_ms: Option<i64>,
    /// The language the member chose or read the join page in (a catalogue's tag, such as `es`):
    /// their pages, the confirmation email and the alert footer speak it. None in records older
    /// than languages and for addresses nobody chose for; the route's language applies then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl Consent {
    pub fn new(
        app_id: &str,
        account_id: &str,
        route: &str,
        address: &str,
        state: ConsentState,
        by: ConsentBy,
        now_ms: i64,
    ) -> Consent {
        Consent {
            app_id: app_id.into(),
            account_id: account_id.into(),
            route: route.into(),
            address: address.trim().to_lowercase(),
            state,
            by,
            invited_at_ms: None,
            changed_at_ms: now_ms,
            paused_until_ms: None,
            lang: None,
        }
    }

    /// Whether an alert may go to this address now.
    pub fn may_send(&self, now_ms: i64) -> bool {
        self.state == ConsentState::Confirmed && self.paused_until_ms.is_none_or(|u| u <= now_ms)
    }

    /// The record after a confirmation email is claimed at `now_ms`, or None when one went out
    /// within `window_ms` (nothing is written then). A confirmed address stays confirmed (its
    /// owner rejoining a route it was removed from), anything else waits for the link. A language
    /// in `fresh` (the member's choice on the join page) replaces the stored one; none keeps it.
    pub fn invited(
        old: Option<&Consent>,
        fresh: Consent,
        now_ms: i64,
        window_ms: i64,
    ) -> Option<Consent> {
        match old {
            Some(o) if o.invited_at_ms.is_some_and(|t| now_ms - t < window_ms) => None,
            Some(o) => Some(Consent {
                state: if o.state == ConsentState::Confirmed {
                    ConsentState::Confirmed
                } else {
                    ConsentState::Pending
                },
                by: if o.state == ConsentState::Confirmed {
                    o.by
                } else {
                    fresh.by
                },
                invited_at_ms: Some(now_ms),
                changed_at_ms: now_ms,
                lang: fresh.lang.clone().or_else(|| o.lang.clone()),
                ..o.clone()
            }),
            None => Some(Consent {
                state: ConsentState::Pending,
                invited_at_ms: Some(now_ms),
                changed_at_ms: now_ms,
                ..fresh
            }),
        }
    }
}

pub(super) const CONSENTS_MIGRATED: &[u8] = b"email_consents_migrated";

impl Store {
    pub fn consent(
        &self,
        tenant: &TenantId,
        route: &str,
        address: &str,
    ) -> Result<Option<Consent>, StoreError> {
        decode_opt(self.inner.consents.get(consent_key(
            &tenant.app_id,
            &tenant.account_id,
            route,
            address,
        ))?)
    }

    pub fn put_consent(&self, c: &Consent) -> Result<(), StoreError> {
        self.inner.consents.insert(
            consent_key(&c.app_id, &c.account_id, &c.route, &c.address),
            encode(c)?,
        )?;
        Ok(())
    }

    /// See [`crate::store::seam::ConsentStore::claim_invite`]. A compare-and-swap loop on the one
    /// key, so two posts racing claim one email between them.
    pub fn claim_invite(
        &self,
        fresh: &Consent,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<Option<Consent>, StoreError> {
        let tree = &self.inner.consents;
        let key = consent_key(
            &fresh.app_id,
            &fresh.account_id,
            &fresh.route,
            &fresh.address,
        );
        loop {
            let old = tree.get(&key)?;
            let parsed = old.as_deref().map(decode).transpose()?;
            let Some(next) = Consent::invited(parsed.as_ref(), fresh.clone(), now_ms, window_ms)
            else {
                return Ok(None);
            };
            let bytes = encode(&next)?;
            if tree.compare_and_swap(&key, old, Some(bytes))?.is_ok() {
                return Ok(Some(next));
            }
        }
    }

    /// One tenant's consents, or one route's, in key order.
    pub fn list_consents(
        &self,
        tenant: &TenantId,
        route: Option<&str>,
    ) -> Result<Vec<Consent>, StoreError> {
        let prefix = match route {
            Some(r) => consent_route_prefix(&tenant.app_id, &tenant.account_id, r),
            None => tenant_prefix(&tenant.app_id, &tenant.account_id),
        };
        decode_all(self.inner.consents.scan_prefix(prefix))
    }

    /// Moves a route's consents to its new name (a rename). Each record is written under the new
    /// name before the old one goes, so a crash leaves a duplicate, never a loss; repeating it
    /// finishes the move.
    pub fn rename_consents(
        &self,
        tenant: &TenantId,
        from: &str,
        to: &str,
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        for c in self.list_consents(tenant, Some(from))? {
            self.put_consent(&Consent {
                route: to.to_string(),
                ..c.clone()
            })?;
            self.inner.consents.remove(consent_key(
                &tenant.app_id,
                &tenant.account_id,
                from,
                &c.address,
            ))?;
            n += 1;
        }
        Ok(n)
    }

    pub fn consents_migrated(&self) -> Result<bool, StoreError> {
        self.bot_state_flag(CONSENTS_MIGRATED)
    }

    pub fn set_consents_migrated(&self) -> Result<(), StoreError> {
        self.set_bot_state_flag(CONSENTS_MIGRATED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records written before languages existed have no `lang`; they still read, as "no choice",
    /// in both backends (both keep this JSON).
    #[test]
    fn records_without_a_language_still_read() {
        let old = br#"{"app_id":"default","account_id":"a","route":"r","address":"x@y.org","state":"confirmed","by":"member","changed_at_ms":5}"#;
        let c: Consent = decode(old).unwrap();
        assert_eq!(
            (c.state, c.lang.as_deref()),
            (ConsentState::Confirmed, None)
        );
        let mut with = c.clone();
        with.lang = Some("pt".into());
        let bytes = serde_json::to_vec(&with).unwrap();
        assert_eq!(
            decode::<Consent>(&bytes).unwrap().lang.as_deref(),
            Some("pt")
        );
        assert!(!serde_json::to_string(&c).unwrap().contains("lang"));
    }
}
