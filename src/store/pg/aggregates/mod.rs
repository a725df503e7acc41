//! Routes, tenants, auth, the bot's records, chat state, meetings, notices and stored apps on
//! PostgreSQL.
//!
//! Each is a table keyed like the sled tree it replaces. Single-row compare-and-swaps become
//! conditional statements (`INSERT ... ON CONFLICT DO NOTHING`, `UPDATE ... WHERE version = $v`,
//! `SELECT ... FOR UPDATE` in a transaction), and multi-row changes are transactions.

mod apps;
mod auth;
mod bot;
mod chat_state;
mod consents;
mod languages;
mod meetings;
mod member_names;
mod notices;
mod own_bots;
mod routes;
mod tenants;

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{PgStore, Statements, Tx, dec, dec_row, enc, tenant_params};
use crate::routing::Route;
use crate::store::auth::{ApiToken, Grant, Session, secret_hash};
use crate::store::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem, code_hash};
use crate::store::pacing::{BotPace, ChatPace, Clock, Limits, Slot};
use crate::store::sealing::{open_route, seal_route};
use crate::store::seam::*;
use crate::store::telegram::PartProgress;
use crate::store::{
    AuditEntry, DisabledTarget, ImportReport, MeetingMemory, Notice, PurgeReport, StoreError,
    Tenant,
};
use crate::store::{OfTenant, TenantId};

/// Sled orders chat ids by their big-endian bytes, so non-negative ids come first; listings keep
/// that order.
const CHAT_ORDER: &str = "(chat_id < 0), chat_id";
