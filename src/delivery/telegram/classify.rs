//! What a failed Bot API request means for the job: wait, follow a migration, resend as plain
//! text, give up (and disable the destination), or retry on the schedule.

use std::time::Duration;

use teloxide::types::ChatId;
use teloxide::{ApiError, RequestError};

use crate::text::{error_chain, snippet};

/// What a failed request means for the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    RetryAfter(Duration),
    Migrated(i64),
    /// 401: Telegram refused the bot's token (revoked, or the bot deleted).
    Unauthorized,
    CantParse(String),
    /// The bot may not post there (kicked, blocked, chat gone): disable the destination.
    Forbidden {
        status: u16,
        desc: String,
    },
    Rejected {
        status: u16,
        desc: String,
    },
    Transient {
        status: Option<u16>,
        detail: String,
    },
}

/// teloxide drops Telegram's `error_code`; the description's prefix ("Forbidden:", "Bad
/// Request:") carries the same information.
pub(super) fn classify(e: &RequestError) -> Failure {
    match e {
        RequestError::RetryAfter(s) => Failure::RetryAfter(s.duration()),
        RequestError::MigrateToChatId(ChatId(id)) => Failure::Migrated(*id),
        RequestError::Api(api) => classify_api(api),
        RequestError::Network(n) => Failure::Transient {
            status: n.status().map(|s| s.as_u16()),
            detail: if n.is_timeout() {
                "timed out waiting for Telegram".into()
            } else {
                error_chain(n.as_ref())
            },
        },
        RequestError::InvalidJson { raw, .. } => Failure::Transient {
            status: None,
            detail: format!("the answer is not Bot API JSON: {}", snippet(raw.trim())),
        },
        RequestError::Io(io) => Failure::Transient {
            status: None,
            detail: format!("I/O error: {io}"),
        },
    }
}

fn classify_api(api: &ApiError) -> Failure {
    let desc = match api {
        ApiError::Unknown(s) => s.clone(),
        other => other.to_string(),
    };
    let status = if desc.starts_with("Bad Request") {
        400
    } else {
        403
    };
    match api {
        ApiError::CantParseEntities(_) => Failure::CantParse(desc),
        ApiError::BotBlocked
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel
        | ApiError::UserDeactivated
        | ApiError::CantInitiateConversation
        | ApiError::CantTalkWithBots
        | ApiError::ChatNotFound
        | ApiError::GroupDeactivated
        | ApiError::NotEnoughRightsToPostMessages => Failure::Forbidden { status, desc },
        ApiError::InvalidToken => Failure::Unauthorized,
        _ if desc.starts_with("Forbidden") => Failure::Forbidden { status: 403, desc },
        _ if desc.starts_with("Bad Request") => Failure::Rejected { status: 400, desc },
        _ => Failure::Transient {
            status: None,
            detail: desc,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_errors_are_classified() {
        let api = |s: &str| {
            classify(&RequestError::Api(
                serde_json::from_value(serde_json::Value::String(s.into())).unwrap(),
            ))
        };
        assert!(matches!(
            api("Forbidden: bot was kicked from the group chat"),
            Failure::Forbidden { status: 403, .. }
        ));
        assert!(matches!(
            api("Forbidden: bot was blocked by the user"),
            Failure::Forbidden { status: 403, .. }
        ));
        assert!(matches!(
            api("Bad Request: chat not found"),
            Failure::Forbidden { status: 400, .. }
        ));
        assert!(matches!(
            api("Bad Request: can't parse entities: Unsupported start tag \"br\""),
            Failure::CantParse(_)
        ));
        assert!(matches!(
            api("Bad Request: message thread not found"),
            Failure::Rejected { status: 400, .. }
        ));
        assert!(matches!(
            api("Internal Server Error"),
            Failure::Transient { .. }
        ));
        assert_eq!(
            classify(&RequestError::RetryAfter(
                teloxide::types::Seconds::from_seconds(7)
            )),
            Failure::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            classify(&RequestError::MigrateToChatId(ChatId(-100_123))),
            Failure::Migrated(-100_123)
        );
    }
}
