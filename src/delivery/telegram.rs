//! The `telegram` destination: `sendMessage` in HTML parse mode through teloxide, paced by our own
//! durable [`Pacer`](super::pacing::Pacer).
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
//! The bot token sits in the request path, so every error text recorded or logged here goes
//! through [`TelegramSender::scrub`] first.
//!
//! Long messages: the renderer already fits output into [`MAX_LEN`], but a job may still carry
//! more (an older renderer, a hand-made job). [`split_html`] cuts it at line breaks into parts that
//! are each valid HTML; progress is stored per job, so a retry after a partial send resumes at the
//! first unsent part.
//!
//! Known cost of using teloxide: it sleeps 10 s inside the request when Telegram answers 5xx,
//! which holds this channel's worker for that long.

use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use teloxide::payloads::SendMessageSetters;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, LinkPreviewOptions, MessageId, ParseMode, ThreadId};
use teloxide::{ApiError, Bot, RequestError};

use super::pacing::{Limits, Pacer};
use super::{SendResult, Sender};
use crate::config::TelegramConfig;
use crate::render::telegram::{MAX_LEN, entity_len, to_plain_text, visible_len};
use crate::routing::{Channel, DeliveryOptions, Overflow, Target};
use crate::store::telegram::PartProgress;
use crate::store::{Job, Message, Store, StoreError, snippet};

/// A chat migrates once in its life; more than this within one attempt means something is off.
const MAX_MIGRATIONS_PER_ATTEMPT: usize = 2;

/// Delivers `Channel::Telegram` jobs.
pub struct TelegramSender {
    bot: Bot,
    token: SecretString,
    store: Store,
    pacer: Pacer,
}

impl TelegramSender {
    /// Builds the bot client against `api_url` and loads the pacer's stored state.
    pub fn new(config: &TelegramConfig, store: Store) -> anyhow::Result<Self> {
        let client = teloxide::net::default_reqwest_settings()
            .build()
            .context("building the Telegram HTTP client")?;
        // teloxide appends `bot{token}/{Method}` as path segments, so the base ends with one `/`.
        let url = reqwest::Url::parse(&format!("{}/", config.api_url.trim_end_matches('/')))
            .context("telegram.api_url is not a URL")?;
        let bot = Bot::with_client(config.bot_token.expose_secret(), client).set_api_url(url);
        let pacer = Pacer::load(store.clone(), Limits::default())
            .context("loading the Telegram pacer state")?;
        Ok(TelegramSender {
            bot,
            token: config.bot_token.clone(),
            store,
            pacer,
        })
    }

    /// Removes the bot token from a text: network errors quote the request URL, which holds it.
    /// teloxide strips URLs from reqwest errors today; this keeps it so if that ever changes.
    pub fn scrub(&self, text: &str) -> String {
        scrub_token(text, self.token.expose_secret())
    }

    /// Telegram's descriptions end up in history, notices and logs; none may carry the token.
    fn scrub_failure(&self, f: Failure) -> Failure {
        match f {
            Failure::CantParse(d) => Failure::CantParse(self.scrub(&d)),
            Failure::Forbidden { status, desc } => Failure::Forbidden {
                status,
                desc: self.scrub(&desc),
            },
            Failure::Rejected { status, desc } => Failure::Rejected {
                status,
                desc: self.scrub(&desc),
            },
            Failure::Transient { status, detail } => Failure::Transient {
                status,
                detail: self.scrub(&detail),
            },
            other => other,
        }
    }

    async fn send_message(
        &self,
        chat: i64,
        thread: Option<i32>,
        text: &str,
        html: bool,
        options: DeliveryOptions,
    ) -> Result<MessageId, RequestError> {
        let mut req = self
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
        html: &str,
    ) -> Result<SendResult, StoreError> {
        let mut chat = self.store.resolve_telegram_chat(first_chat)?;
        let key = |chat: i64| {
            Target::Telegram {
                chat_id: chat,
                thread_id: thread.map(i64::from),
            }
            .key()
        };
        // Jobs queued before the bot was kicked would only hit the same wall.
        if self
            .store
            .is_target_disabled(&job.app_id, &job.account_id, &key(chat))?
        {
            self.store.clear_part_progress(job.id)?;
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
        let mut progress = self.store.part_progress(job.id)?;
        for _ in 0..=MAX_MIGRATIONS_PER_ATTEMPT {
            let idx = progress.next as usize;
            let Some(part) = parts.get(idx) else {
                self.store.clear_part_progress(job.id)?;
                return Ok(SendResult::Sent {
                    status: None,
                    detail: "every part had been sent before".into(),
                });
            };
            let now = now_ms();
            if let Err(at) = self.pacer.try_acquire(chat, now)? {
                return Ok(SendResult::Defer {
                    until_ms: at,
                    detail: format!("paced: chat {chat} may receive again in {} ms", at - now),
                });
            }
            let plain = progress.plain;
            let text = if plain {
                plain_fallback(part)
            } else {
                part.clone()
            };
            let err = match self
                .send_message(chat, thread, &text, !plain, job.options)
                .await
            {
                Ok(id) => {
                    let next = idx + 1;
                    if next >= parts.len() {
                        self.store.clear_part_progress(job.id)?;
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
                    self.store.set_part_progress(job.id, &progress)?;
                    return Ok(SendResult::Defer {
                        until_ms: self.pacer.earliest(chat, now_ms()),
                        detail: format!("part {next} of {} sent to chat {chat}", parts.len()),
                    });
                }
                Err(e) => e,
            };
            match self.scrub_failure(classify(&err)) {
                Failure::RetryAfter(wait) => {
                    // Counted from the answer, as Telegram counts it.
                    self.pacer.block(chat, now_ms() + wait.as_millis() as i64)?;
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
                    self.migrated(job, chat, new)?;
                    chat = new;
                }
                Failure::CantParse(desc) if !plain => {
                    progress.plain = true;
                    self.store.set_part_progress(job.id, &progress)?;
                    return Ok(SendResult::Defer {
                        until_ms: self.pacer.earliest(chat, now_ms()),
                        detail: format!("{desc}; resending as plain text"),
                    });
                }
                Failure::CantParse(desc) => {
                    self.store.clear_part_progress(job.id)?;
                    return Ok(dead(Some(400), &desc));
                }
                Failure::Forbidden { status, desc } => {
                    self.store.clear_part_progress(job.id)?;
                    // A bot reply (no tenant) to someone who blocked the bot: nothing to disable;
                    // their next message to the bot proves the chat works again.
                    if job.event.starts_with("bot.") {
                        return Ok(dead(Some(status), &desc));
                    }
                    self.disable(job, chat, &key(chat), &desc);
                    return Ok(dead(
                        Some(status),
                        &format!("{desc}; the destination is disabled"),
                    ));
                }
                Failure::Rejected { status, desc } => {
                    self.store.clear_part_progress(job.id)?;
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
    fn migrated(&self, job: &Job, old: i64, new: i64) -> Result<(), StoreError> {
        let routes = self.store.migrate_telegram_chat(old, new)?;
        let names: Vec<&str> = routes
            .iter()
            .filter(|r| r.app_id == job.app_id && r.account_id == job.account_id)
            .map(|r| r.name.as_str())
            .collect();
        self.store.add_notice(
            &job.app_id,
            &job.account_id,
            "telegram_migrated",
            &format!(
                "Telegram chat {old} became supergroup {new}; routes now send there ({}).",
                names.join(", ")
            ),
            Some(&job.route_name),
            Some(&format!("telegram:{new}")),
        )?;
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
    fn disable(&self, job: &Job, chat: i64, key: &str, desc: &str) {
        super::disable_with_notice(
            &self.store,
            job,
            key,
            desc,
            "telegram_forbidden",
            &format!(
                "the bot was removed from chat {chat} or blocked; re-add it and re-enable the destination (Telegram said: {desc})"
            ),
        );
    }
}

impl Sender for TelegramSender {
    fn channel(&self) -> Channel {
        Channel::Telegram
    }

    async fn send(&self, job: &Job) -> SendResult {
        let (Target::Telegram { chat_id, thread_id }, Message::Telegram { html }) =
            (&job.target, &job.message)
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
        match self.deliver(job, *chat_id, thread, html).await {
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

/// What a failed request means for the job.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    RetryAfter(Duration),
    Migrated(i64),
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
fn classify(e: &RequestError) -> Failure {
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
        ApiError::InvalidToken => Failure::Transient {
            status: Some(401),
            detail: "Telegram refused the bot token; check telegram.bot_token".into(),
        },
        _ if desc.starts_with("Forbidden") => Failure::Forbidden { status: 403, desc },
        _ if desc.starts_with("Bad Request") => Failure::Rejected { status: 400, desc },
        _ => Failure::Transient {
            status: None,
            detail: desc,
        },
    }
}

/// "error sending request" alone says nothing; the causes (refused, reset, TLS) do.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = err.source();
    }
    out
}

/// A part as plain text, for Telegram's refusal of its HTML. Link targets written out can make it
/// longer than the HTML's visible text, so it is cut to the limit.
#[doc(hidden)] // public for the fuzz target only
pub fn plain_fallback(part: &str) -> String {
    let text = to_plain_text(part);
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > MAX_LEN - 1 {
            return format!("{}…", &text[..i]);
        }
        units += c.len_utf16();
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Splitting.

/// A piece of Telegram HTML that must stay whole.
#[derive(Debug)]
enum Piece<'a> {
    Open {
        raw: &'a str,
        name: String,
    },
    Close {
        name: String,
    },
    /// A character or an entity, with its width in UTF-16 units.
    Text {
        raw: &'a str,
        units: usize,
    },
}

fn tag_name(inner: &str) -> String {
    inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Tokenizes like the renderer's checker: `<...>` is a tag, `&...;` (within 12 characters) is an
/// entity, anything else is one character.
fn pieces(html: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let raw = &rest[..=end];
            let inner = &raw[1..raw.len() - 1];
            out.push(match inner.strip_prefix('/') {
                Some(i) => Piece::Close { name: tag_name(i) },
                None => Piece::Open {
                    raw,
                    name: tag_name(inner),
                },
            });
            rest = &rest[end + 1..];
            continue;
        }
        // Only an entity Telegram decodes stays whole (one character, at most two units); a stray
        // `&` is a character like any other, or a part could outgrow `max` (found by fuzzing).
        if c == '&'
            && let Some(len) = entity_len(rest)
        {
            let raw = &rest[..len];
            out.push(Piece::Text {
                raw,
                units: visible_len(raw),
            });
            rest = &rest[len..];
            continue;
        }
        let raw = &rest[..c.len_utf8()];
        out.push(Piece::Text {
            raw,
            units: c.len_utf16(),
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Splits Telegram HTML into parts of at most `max` visible UTF-16 units. Cuts go after a line
/// break where possible, else after a space, else between characters; never inside a tag or an
/// entity. Tags open at a cut are closed at the end of the part and re-opened at the start of the
/// next, so every part is valid on its own. A message within `max` comes back unchanged.
pub fn split_html(html: &str, max: usize) -> Vec<String> {
    if visible_len(html) <= max {
        return vec![html.to_string()];
    }
    let max = max.max(2); // one character may take two units
    let ps = pieces(html);
    let mut parts = Vec::new();
    // Open tags at the start of the current part: (name, raw open tag).
    let mut open: Vec<(String, &str)> = Vec::new();
    let mut start = 0;
    while start < ps.len() {
        // The furthest end that fits, and the best cut before it.
        let (mut units, mut end) = (0, start);
        let (mut after_newline, mut after_space, mut after_text) = (None, None, None);
        // A line break or space counts as a cut only once the part holds half of `max`: a cut
        // right after a leading emoji or title would send a near-empty first message and push
        // the real content into the next one.
        let min_fill = max / 2;
        while end < ps.len() {
            if let Piece::Text { raw, units: u } = &ps[end] {
                if units + u > max {
                    break;
                }
                units += u;
                match *raw {
                    "\n" if units >= min_fill => after_newline = Some(end + 1),
                    " " if units >= min_fill => after_space = Some(end + 1),
                    _ => {}
                }
                after_text = Some(end + 1);
            }
            end += 1;
        }
        let mut cut = if end == ps.len() {
            end
        } else {
            after_newline
                .or(after_space)
                .or(after_text)
                .unwrap_or(end.max(start + 1))
        };
        // Closing tags right after the cut belong to this part, not to an empty one.
        while cut < ps.len() && matches!(ps[cut], Piece::Close { .. }) {
            cut += 1;
        }
        let mut part: String = open.iter().map(|(_, raw)| *raw).collect();
        for p in &ps[start..cut] {
            match p {
                Piece::Open { raw, name } => {
                    part.push_str(raw);
                    open.push((name.clone(), raw));
                }
                Piece::Close { name } => {
                    part.push_str("</");
                    part.push_str(name);
                    part.push('>');
                    if let Some(i) = open.iter().rposition(|(n, _)| n == name) {
                        open.truncate(i);
                    }
                }
                Piece::Text { raw, .. } => part.push_str(raw),
            }
        }
        for (name, _) in open.iter().rev() {
            part.push_str("</");
            part.push_str(name);
            part.push('>');
        }
        parts.push(part);
        start = cut;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::telegram::check;
    use proptest::prelude::*;

    /// Visible text, computed without the splitter's tokenizer: tags dropped, entities decoded.
    fn visible_text(html: &str) -> String {
        let mut stripped = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => stripped.push(c),
                _ => {}
            }
        }
        to_plain_text(&stripped)
    }

    fn assert_valid_split(html: &str, max: usize) -> Vec<String> {
        let parts = split_html(html, max);
        for p in &parts {
            assert!(visible_len(p) <= max, "part too long: {p:?}");
            check(p).unwrap_or_else(|e| panic!("invalid part {p:?}: {e}"));
        }
        let joined: String = parts.iter().map(|p| visible_text(p)).collect();
        assert_eq!(joined, visible_text(html));
        parts
    }

    #[test]
    fn first_part_carries_content_not_only_the_emoji() {
        let body = "word ".repeat(40);
        let html = format!("🟢\n<b>{body}</b>");
        let parts = split_html(&html, 100);
        assert!(parts.len() > 1);
        assert!(
            visible_text(&parts[0]).trim().chars().count() > 40,
            "first part: {:?}",
            parts[0]
        );
        for p in &parts {
            check(p).unwrap();
        }
    }

    #[test]
    fn stray_ampersands_never_make_a_part_too_long() {
        // Found by the telegram_split fuzz target: `&am&;` was kept whole as if it were one entity
        // (five units), so a part could exceed a small limit.
        let html = "<b>Weekly</b> &am&; <a href=\"https://x/?a=1&amp;b=2\">join</a>";
        for max in 2..=8 {
            for p in split_html(html, max) {
                assert!(visible_len(&p) <= max, "part over {max}: {p:?}");
            }
        }
        assert_eq!(split_html("&am&;", 4), vec!["&am&", ";"]);
    }

    #[test]
    fn short_messages_stay_whole() {
        let html = "<b>Hi</b> &amp; bye";
        assert_eq!(split_html(html, MAX_LEN), vec![html.to_string()]);
    }

    #[test]
    fn cuts_at_line_breaks_and_reopens_tags() {
        let html = "<b>line one\n<i>line two</i>\nline three</b>";
        let parts = assert_valid_split(html, 12);
        assert_eq!(
            parts,
            vec![
                "<b>line one\n</b>",
                "<b><i>line two</i>\n</b>",
                "<b>line three</b>"
            ]
        );
    }

    #[test]
    fn long_lines_fall_back_to_spaces_then_characters() {
        assert_eq!(
            assert_valid_split("aaaa bbbb cccc", 10),
            vec!["aaaa bbbb ", "cccc"]
        );
        assert_eq!(
            assert_valid_split("&amp;&amp;&amp;😀😀", 4),
            vec!["&amp;&amp;&amp;", "😀😀"]
        );
    }

    #[test]
    fn a_real_sized_message_splits_under_telegrams_limit() {
        let line =
            "<b>Weekly sync</b> &amp; <a href=\"https://zoom.us/j/1?a=1&amp;b=2\">join</a> 😀\n";
        let html = line.repeat(400);
        let parts = assert_valid_split(&html, MAX_LEN);
        assert!(parts.len() >= 2, "{}", parts.len());
        assert!(parts.iter().all(|p| p.ends_with('\n')), "cut at lines");
    }

    #[test]
    fn plain_fallback_respects_the_limit() {
        let part = format!("<a href=\"https://e.org/{}\">x</a>", "p".repeat(MAX_LEN));
        let plain = plain_fallback(&part);
        assert!(plain.encode_utf16().count() <= MAX_LEN);
        assert!(plain.ends_with('…'));
        assert_eq!(plain_fallback("<b>a &lt; b</b>"), "a < b");
    }

    #[test]
    fn the_token_is_scrubbed_from_error_texts() {
        let e = "error sending request for url (http://127.0.0.1:1/bot123:TEST/SendMessage)";
        assert_eq!(
            scrub_token(e, "123:TEST"),
            "error sending request for url (http://127.0.0.1:1/bot<bot-token>/SendMessage)"
        );
        assert_eq!(scrub_token("x", ""), "x");
    }

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

    /// Telegram HTML built from a small grammar: formatting tags, links, entities, emoji, lines.
    fn html_strategy() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-z ]{1,12}",
            Just("\n".to_string()),
            Just("&amp;".to_string()),
            Just("&lt;".to_string()),
            Just("&#128512;".to_string()),
            Just("é😀".to_string()),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            (
                prop::sample::select(vec![
                    ("<b>", "</b>"),
                    ("<i>", "</i>"),
                    ("<code>", "</code>"),
                    ("<tg-spoiler>", "</tg-spoiler>"),
                    ("<a href=\"https://zoom.us/j/1?a=1&amp;b=2\">", "</a>"),
                ]),
                prop::collection::vec(inner, 1..6),
            )
                .prop_map(|((open, close), kids)| format!("{open}{}{close}", kids.concat()))
        })
    }

    proptest! {
        #[test]
        fn split_parts_are_valid_short_and_complete(
            parts in prop::collection::vec(html_strategy(), 1..8),
            max in 2usize..80,
        ) {
            let html = parts.concat();
            prop_assume!(check(&html).is_ok());
            let out = split_html(&html, max);
            for p in &out {
                prop_assert!(visible_len(p) <= max, "part too long: {:?}", p);
                prop_assert!(check(p).is_ok(), "invalid part {:?}: {:?}", p, check(p));
            }
            let joined: String = out.iter().map(|p| visible_text(p)).collect();
            prop_assert_eq!(joined, visible_text(&html));
        }
    }
}
