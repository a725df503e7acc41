//! The `log` destination: writes the rendered message to the relay's log (target `zoom_relay::alert`).
//! Useful for a first run, for auditing, and as a demo route.

use super::{SendResult, Sender};
use crate::routing::Channel;
use crate::store::{Job, Message};

pub struct LogSender;

impl Sender for LogSender {
    fn channel(&self) -> Channel {
        Channel::Log
    }

    async fn send(&self, job: &Job) -> SendResult {
        let text = match &job.message {
            Message::Log { text } => text.clone(),
            other => format!("{other:?}"),
        };
        tracing::info!(
            target: "zoom_relay::alert",
            route = %job.route_name,
            event = %job.event,
            account = %job.account_id,
            "{text}"
        );
        SendResult::Sent {
            status: None,
            detail: "written to the log".into(),
        }
    }
}
