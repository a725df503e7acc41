//! The `telegram` destination: `sendMessage` in HTML parse mode through teloxide, paced by our own
//! durable [`Pacer`], whose budget every replica on the store shares.
//!
//! Outcomes (DESIGN section 9, reference/anchors.md on Telegram):
//! - sent: the next part, or done;
//! - a pacing wait or the next part of a long message: deferred, no attempt counted;
//! - 429: only that chat waits exactly `retry_after` (recorded in the pacer), other chats go on;
//! - bot kicked, blocked, chat gone: dead, the destination is disabled and the organizer told;
//! - `migrate_to_chat_id` (a group became a supergroup): routes are pointed at the new chat and the
//!   same job is resent there at once;
//! - "can't parse entities": the part is resent once as plain text, then dead;
//! - other 400: dead; 5xx, timeouts, connection errors: retry on the schedule.
//!
//! Each job goes out through the bot its destination names: the shared bot, or the community's own
//! bot (`bots.rs`), with that bot's token and pacing budget. A 401 for an own bot (its token was
//! revoked) turns off that bot alone and tells its organizer.
//!
//! The bot token sits in the request path, so every error text recorded or logged here goes
//! through the bot's `scrub` first.
//!
//! Long messages: the renderer already fits output into [`MAX_LEN`], but a job may still carry
//! more (an older renderer, a hand-made job). [`split_html`] cuts it at line breaks into parts that
//! are each valid HTML; progress is stored per job, so a retry after a partial send resumes at the
//! first unsent part.
//!
//! Known cost of using teloxide: it sleeps 10 s inside the request when Telegram answers 5xx,
//! which holds this channel's worker for that long.

use teloxide::RequestError;
use teloxide::payloads::SendMessageSetters;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, LinkPreviewOptions, MessageId, ParseMode, ThreadId};

mod bots;
mod classify;
mod split;

use bots::{BotClient, Bots, Pick};
use classify::{Failure, classify};
#[doc(hidden)] // public for the fuzz target only
pub use split::plain_fallback;
pub use split::split_html;

use super::{SendResult, Sender};
use crate::config::Config;
use crate::render::telegram::{MAX_LEN, to_plain_text};
use crate::routing::{Channel, DeliveryOptions, Overflow, Target};
use crate::store::OfTenant;
use crate::store::telegram::PartProgress;
use crate::store::{Db, Job, Message, StoreError};

/// A chat migrates once in its life; more than this within one attempt means something is off.
const MAX_MIGRATIONS_PER_ATTEMPT: usize = 2;

/// Delivers `Channel::Telegram` jobs.
pub struct TelegramSender {
    db: Db,
    bots: Bots,
}

/// Telegram's descriptions end up in history, notices and logs; none may carry the token.
fn scrub_failure(c: &BotClient, f: Failure) -> Failure {
    match f {
        Failure::CantParse(d) => Failure::CantParse(c.scrub(&d)),
        Failure::Forbidden { status, desc } => Failure::Forbidden {
            status,
            desc: c.scrub(&desc),
        },
        Failure::Rejected { status, desc } => Failure::Rejected {
            status,
            desc: c.scrub(&desc),
        },
        Failure::Transient { status, detail } => Failure::Transient {
            status,
            detail: c.scrub(&detail),
        },
        other => other,
    }
}

impl TelegramSender {
    /// The sender for every bot the relay may use: the shared one (`[telegram] bot_token`, if
    /// any) and communities' own bots, against `telegram.api_url`.
    pub async fn new(config: &Config, db: Db) -> anyhow::Result<Self> {
        Ok(TelegramSender {
            bots: Bots::new(config, db.clone())?,
            db,
        })
    }

    async fn send_message(
        c: &BotClient,
        chat: i64,
        thread: Option<i32>,
        text: &str,
        html: bool,
        options: DeliveryOptions,
    ) -> Result<MessageId, RequestError> {
        let mut req = c
            .bot
            .send_message(ChatId(chat), text)
            .disable_notification(options.silent)
            .link_preview_options(LinkPreviewOptions {
                is_disabled: !options.link_preview,
                url: None,
                prefer_small_media: false,
                prefer_large_media: false,
                show_above_text: false,
            });
        if html {
            req = req.parse_mode(ParseMode::Html);
        }
        if let Some(t) = thread {
            req = req.message_thread_id(ThreadId(MessageId(t)));
        }
        req.await.map(|m| m.id)
    }

    async fn deliver(
        &self,
        job: &Job,
        first_chat: i64,
        thread: Option<i32>,
        bot: Option<i64>,
        html: &str,
    ) -> Result<SendResult, StoreError> {
        let mut chat = self.db.resolve_telegram_chat(first_chat).await?;
        let key = |chat: i64| {
            Target::Telegram {
                chat_id: chat,
                thread_id: thread.map(i64::from),
                bot,
            }
            .key()
        };
        let c = match self.bots.pick(job, bot).await? {
            Pick::Use(c) => c,
            Pick::Refuse(why) => {
                self.db.clear_part_progress(job.id).await?;
                return Ok(dead(None, &why));
            }
        };
        // Jobs queued before the bot was kicked would only hit the same wall.
        if self
            .db
            .is_target_disabled(&job.tenant_id(), &key(chat))
            .await?
        {
            self.db.clear_part_progress(job.id).await?;
            return Ok(dead(
                None,
                "skipped: the destination is disabled; re-enable it",
            ));
        }
        let whole = match job.options.overflow {
            Overflow::Split => split_html(html, MAX_LEN),
            Overflow::Truncate => vec![crate::render::telegram::fit(html, MAX_LEN)],
        };
        let parts: Vec<String> = whole
            .into_iter()
            .filter(|p| !to_plain_text(p).trim().is_empty())
            .collect();
        if parts.is_empty() {
            return Ok(dead(None, "the rendered message is empty"));
        }
        let mut progress = self.db.part_progress(job.id).await?;
        for _ in 0..=MAX_MIGRATIONS_PER_ATTEMPT {
            let idx = progress.next as usize;
            let Some(part) = parts.get(idx) else {
                self.db.clear_part_progress(job.id).await?;
                return Ok(SendResult::Sent {
                    status: None,
                    detail: "every part had been sent before".into(),
                });
            };
            if let Err(at) = c.pacer.try_acquire(chat).await? {
                let wait = (at - now_ms()).max(0);
                return Ok(SendResult::Defer {
                    until_ms: at,
                    detail: format!("paced: chat {chat} may receive again in {wait} ms"),
                });
            }
            let plain = progress.plain;
            let text = if plain {
                plain_fallback(part)
            } else {
                part.clone()
            };
            let err = match Self::send_message(&c, chat, thread, &text, !plain, job.options).await {
                Ok(id) => {
                    let next = idx + 1;
                    if next >= parts.len() {
                        self.db.clear_part_progress(job.id).await?;
                        let mut detail = match parts.len() {
                            1 => format!("message {} in chat {chat}", id.0),
                            n => format!("{n} parts; last message {} in chat {chat}", id.0),
                        };
                        if plain {
                            detail.push_str(" (as plain text: Telegram refused the HTML)");
                        }
                        return Ok(SendResult::Sent {
                            status: Some(200),
                            detail,
                        });
                    }
                    progress = PartProgress {
                        next: next as u32,
                        plain: false,
                    };
                    self.db.set_part_progress(job.id, &progress).await?;
                    return Ok(SendResult::Defer {
                        until_ms: c.pacer.earliest(chat, now_ms()).await?,
                        detail: format!("part {next} of {} sent to chat {chat}", parts.len()),
                    });
                }
                Err(e) => e,
            };
            match scrub_failure(&c, classify(&err)) {
                Failure::Unauthorized if c.own.is_some() => {
                    self.db.clear_part_progress(job.id).await?;
                    self.bots.revoked(&c).await?;
                    return Ok(dead(
                        Some(401),
                        "Telegram refused the community's bot token; the bot is turned off",
                    ));
                }
                Failure::Unauthorized => {
                    return Ok(SendResult::Retry {
                        status: Some(401),
                        detail: "Telegram refused the bot token; check telegram.bot_token".into(),
                        after: None,
                    });
                }
                Failure::RetryAfter(wait) => {
                    // Counted from the answer, as Telegram counts it.
                    c.pacer
                        .block(chat, now_ms() + wait.as_millis() as i64)
                        .await?;
                    return Ok(SendResult::Retry {
                        status: Some(429),
                        detail: format!(
                            "Telegram asked chat {chat} to wait {} s (429)",
                            wait.as_secs()
                        ),
                        after: Some(wait),
                    });
                }
                Failure::Migrated(new) => {
                    self.migrated(job, chat, new).await?;
                    chat = new;
                }
                Failure::CantParse(desc) if !plain => {
                    progress.plain = true;
                    self.db.set_part_progress(job.id, &progress).await?;
                    return Ok(SendResult::Defer {
                        until_ms: c.pacer.earliest(chat, now_ms()).await?,
                        detail: format!("{desc}; resending as plain text"),
                    });
                }
                Failure::CantParse(desc) => {
                    self.db.clear_part_progress(job.id).await?;
                    return Ok(dead(Some(400), &desc));
                }
                Failure::Forbidden { status, desc } => {
                    self.db.clear_part_progress(job.id).await?;
                    // A bot reply (no tenant) to someone who blocked the bot: nothing to disable;
                    // their next message to the bot proves the chat works again.
                    if job.event.starts_with("bot.") {
                        return Ok(dead(Some(status), &desc));
                    }
                    self.disable(job, chat, &key(chat), &desc).await;
                    return Ok(dead(
                        Some(status),
                        &format!("{desc}; the destination is disabled"),
                    ));
                }
                Failure::Rejected { status, desc } => {
                    self.db.clear_part_progress(job.id).await?;
                    return Ok(dead(Some(status), &desc));
                }
                Failure::Transient { status, detail } => {
                    return Ok(SendResult::Retry {
                        status,
                        detail,
                        after: None,
                    });
                }
            }
        }
        Ok(SendResult::Retry {
            status: None,
            detail: "the chat migrated more than twice within one attempt".into(),
            after: None,
        })
    }

    /// The group became a supergroup: follow it, point the routes at it, tell the organizer.
    async fn migrated(&self, job: &Job, old: i64, new: i64) -> Result<(), StoreError> {
        let routes = self.db.migrate_telegram_chat(old, new).await?;
        let names: Vec<&str> = routes
            .iter()
            .filter(|r| r.app_id == job.app_id && r.account_id == job.account_id)
            .map(|r| r.name.as_str())
            .collect();
        self.db
            .add_notice(
                &job.tenant_id(),
                "telegram_migrated",
                &format!(
                    "Telegram chat {old} became supergroup {new}; routes now send there ({}).",
                    names.join(", ")
                ),
                Some(&job.route_name),
                Some(
                    &Target::Telegram {
                        chat_id: new,
                        thread_id: None,
                        bot: None,
                    }
                    .key(),
                ),
            )
            .await?;
        tracing::info!(
            job = job.id,
            old,
            new,
            routes = routes.len(),
            "telegram chat migrated; routes updated"
        );
        Ok(())
    }

    /// The bot cannot post there any more: stop dispatching to it and tell the organizer.
    async fn disable(&self, job: &Job, chat: i64, key: &str, desc: &str) {
        super::disable_with_notice(
            &*self.db,
            job,
            key,
            desc,
            "telegram_forbidden",
            &format!(
                "the bot was removed from chat {chat} or blocked; re-add it and re-enable the destination (Telegram said: {desc})"
            ),
        )
        .await;
    }
}

impl Sender for TelegramSender {
    fn channel(&self) -> Channel {
        Channel::Telegram
    }

    async fn send(&self, job: &Job) -> SendResult {
        let (
            Target::Telegram {
                chat_id,
                thread_id,
                bot,
            },
            Message::Telegram { html },
        ) = (&job.target, &job.message)
        else {
            return dead(
                None,
                "not a telegram job (target or message of another channel)",
            );
        };
        let thread = match thread_id.map(i32::try_from).transpose() {
            Ok(t) => t,
            Err(_) => return dead(None, "thread_id is out of Telegram's range"),
        };
        match self.deliver(job, *chat_id, thread, *bot, html).await {
            Ok(r) => r,
            Err(e) => SendResult::Retry {
                status: None,
                detail: format!("store error: {e}"),
                after: None,
            },
        }
    }
}

fn scrub_token(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    text.replace(token, "<bot-token>")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn dead(status: Option<u16>, detail: &str) -> SendResult {
    SendResult::dead(status, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_scrubbed_from_error_texts() {
        let e = "error sending request for url (http://127.0.0.1:1/bot123:TEST/SendMessage)";
        assert_eq!(
            scrub_token(e, "123:TEST"),
            "error sending request for url (http://127.0.0.1:1/bot<bot-token>/SendMessage)"
        );
        assert_eq!(scrub_token("x", ""), "x");
    }
}
