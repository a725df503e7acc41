//! Renders one message per destination with handlebars (DESIGN section 7).
//!
//! Escaping is decided by the output format of each template key, never by the organizer: one
//! registry per format, each with its own escaper, all in strict mode, so a misspelt name is an
//! error instead of a silently empty alert. `{{{triple}}}` and `{{&name}}` are refused in every
//! template rather than honoured: they would put raw values (a topic holding `<`, say) into HTML
//! or JSON.
//!
//! Templates are looked up in the caller's override layers (first layer wins; within a layer an
//! event-specific key like `meeting.started/telegram.html` beats `telegram.html`), then in the
//! embedded defaults. Overrides should be checked with [`Renderer::validate`] when saved.

pub mod budget;
mod check;
mod context;
mod defaults;
mod error;
mod escape;
mod helpers;
pub mod telegram;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use fluent_bundle::FluentResource;
use handlebars::template::Template;
use handlebars::{Context, Handlebars, RenderContext, Renderable};
use serde_json::Value;

use crate::routing::Channel;
use crate::zoom::event::{ParsedEvent, parse};
use crate::zoom::samples::{SampleParams, sample};
use crate::zoom::{EventKind, ZoomEvent};

pub use budget::OverLimit;
pub use context::{ContextInput, MEETING_KEYS, build_context};
pub use defaults::{EVENTS as DEFAULT_EVENTS, default_template};
pub use error::{RenderError, TemplateError};
pub use escape::{
    Format, escape_html, escape_json, escape_subject, is_hidden_control, message_html,
};
pub use helpers::lang_of;

/// Every key a template can be stored under, optionally prefixed by an event
/// (`meeting.started/telegram.html`).
pub const TEMPLATE_KEYS: [&str; 6] = [
    "telegram.html",
    "email.subject",
    "email.txt",
    "email.html",
    "webhook.json",
    "log.txt",
];

/// Subjects longer than this are shortened: mail clients cut them anyway, and a header line must
/// stay far below RFC 5322's 998 characters.
pub const MAX_SUBJECT_CHARS: usize = 250;

/// Longest Telegram message the renderer produces: eight Telegram messages' worth.
pub const MAX_TELEGRAM_RENDER: usize = 8 * telegram::MAX_LEN;

/// The pseudo-event under which an account keeps its wording of catalogue messages: stored like
/// a template, as `messages/LANG` (Fluent source), so it shares the templates' store, API, CLI,
/// backups and preview.
pub const MESSAGES: &str = "messages";

/// Where an account keeps its overrides of the catalogue's messages for one language.
pub fn messages_key(code: &str) -> String {
    format!("{MESSAGES}/{code}")
}

/// The escaping format of a template key (`telegram.html`, or `meeting.started/telegram.html`).
pub fn format_of(key: &str) -> Option<Format> {
    let key = key.rsplit('/').next().unwrap_or(key);
    Some(match key {
        "telegram.html" | "email.html" => Format::Html,
        "email.subject" => Format::Subject,
        "email.txt" | "log.txt" => Format::Text,
        "webhook.json" => Format::Json,
        _ => return None,
    })
}

/// The template keys a channel renders, each with the escaping of its format.
pub fn template_keys(channel: Channel) -> &'static [&'static str] {
    match channel {
        Channel::Telegram => &["telegram.html"],
        Channel::Email => &["email.subject", "email.txt", "email.html"],
        Channel::Webhook => &["webhook.json"],
        Channel::Log => &["log.txt"],
    }
}

/// What rendering makes is exactly what a job stores and a channel sends: one enum, kept by the
/// store (`store::Message`), so no layer converts between two copies of it. Per channel: Telegram
/// HTML of at most [`telegram::MAX_LEN`] characters after entity parsing; an email whose subject is
/// one trimmed line; a webhook body that always parses as JSON; a log line.
pub use crate::store::Message as Rendered;

/// Template overrides, searched in order: the caller passes route, then tenant layers.
#[derive(Debug, Clone, Default)]
pub struct Overrides<'a> {
    pub layers: Vec<&'a BTreeMap<String, String>>,
}

impl<'a> Overrides<'a> {
    pub fn none() -> Overrides<'a> {
        Overrides { layers: Vec::new() }
    }

    /// The organizer's message overrides for language `code` (Fluent source under the key
    /// `messages/CODE`), from the first layer that has them.
    pub fn find_messages(&self, code: &str) -> Option<&'a str> {
        let key = messages_key(code);
        self.layers
            .iter()
            .find_map(|layer| layer.get(&key).map(String::as_str))
    }

    /// The first layer that has the key wins; within it, the event-specific key wins.
    pub fn find(&self, event: &str, key: &str) -> Option<&'a str> {
        let specific = format!("{event}/{key}");
        self.layers.iter().find_map(|layer| {
            layer
                .get(&specific)
                .or_else(|| layer.get(key))
                .map(String::as_str)
        })
    }
}

/// The registries and the sample contexts used for validation. Cheap to clone.
#[derive(Clone)]
pub struct Renderer {
    inner: Arc<Inner>,
}

struct Inner {
    html: Handlebars<'static>,
    subject: Handlebars<'static>,
    text: Handlebars<'static>,
    json: Handlebars<'static>,
    /// (event, context) for every meeting event, with and without join links.
    samples: Vec<(&'static str, Value)>,
    /// Every key any context can have, for the static name check.
    shape: Value,
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
}

fn registry(format: Format) -> Handlebars<'static> {
    let mut r = Handlebars::new();
    r.set_strict_mode(true);
    r.register_escape_fn(format.escape_fn());
    helpers::register(&mut r, format);
    // Replaces the built-in `each`: the same behaviour, plus a charge per repeat.
    r.register_helper("each", Box::new(budget::BudgetedEach));
    r
}

/// A fixed moment for sample contexts, so validation is deterministic.
fn sample_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 18, 0, 0)
        .single()
        .expect("a valid fixed date")
}

/// A sample event of `kind` in Zoom's real shape, for previews and validation.
pub fn sample_event(kind: &EventKind, now: DateTime<Utc>) -> Option<ZoomEvent> {
    let body = sample(
        kind,
        &SampleParams {
            now,
            ..SampleParams::default()
        },
    )?;
    match parse(body.to_string().as_bytes()) {
        Ok(ParsedEvent::Ok(e)) => Some(e),
        _ => None,
    }
}

fn merge_shape(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge_shape(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (into @ Value::Null, from) => *into = from.clone(),
        _ => {}
    }
}

impl Renderer {
    /// Compiles the embedded defaults; fails only if a shipped template is broken.
    pub fn new() -> Result<Renderer, RenderError> {
        let mut html = registry(Format::Html);
        let mut subject = registry(Format::Subject);
        let mut text = registry(Format::Text);
        let json = registry(Format::Json);
        for (event, key, source) in defaults::all() {
            let name = format!("{event}/{key}");
            let t = Template::compile_with_name(source, name.clone())
                .map_err(|e| TemplateError::from_compile(&name, &e, source))?;
            check::safety(&t).map_err(|i| TemplateError::from_issue(&name, i))?;
            let reg = match format_of(key) {
                Some(Format::Html) => &mut html,
                Some(Format::Subject) => &mut subject,
                _ => &mut text,
            };
            reg.register_template(&name, t);
        }

        let mut samples = Vec::new();
        let mut shape = Value::Null;
        for event in DEFAULT_EVENTS {
            let ev = sample_event(&EventKind::parse(event), sample_time())
                .expect("every meeting event has a sample");
            for include_join_link in [true, false] {
                let ctx = build_context(&ContextInput {
                    event: &ev,
                    app_id: "default",
                    route_name: "Sample route",
                    timezone: "America/New_York",
                    locale: Some("en"),
                    include_join_link,
                    join_url: Some("https://zoom.us/j/85393847045?pwd=memory"),
                    password: Some("123456"),
                    public_url: "https://relay.example.org",
                    unsubscribe_url: Some("https://relay.example.org/unsubscribe/sample"),
                });
                merge_shape(&mut shape, &ctx);
                samples.push((event, ctx));
            }
        }
        Ok(Renderer {
            inner: Arc::new(Inner {
                html,
                subject,
                text,
                json,
                samples,
                shape,
            }),
        })
    }

    fn registry(&self, format: Format) -> &Handlebars<'static> {
        match format {
            Format::Html => &self.inner.html,
            Format::Subject => &self.inner.subject,
            Format::Text => &self.inner.text,
            Format::Json => &self.inner.json,
        }
    }

    /// Renders the message for `dest`. An override that fails to compile or render is an error
    /// (the caller may retry without overrides); the defaults never use a name they lack. The
    /// whole message renders under one budget (see [`budget`]): going over it, or an override
    /// that breaks a static limit, is [`RenderError::OverLimit`], which callers must not paper
    /// over with a fallback render.
    pub fn render(
        &self,
        dest: Channel,
        event: &EventKind,
        ctx: &Value,
        overrides: &Overrides,
    ) -> Result<Rendered, RenderError> {
        let scope = budget::enter();
        // The account's wording for this language, if it changed any (checked when saved; a
        // part that no longer parses is skipped and the catalogue's message used).
        let lang = helpers::lang_in(ctx);
        let _messages = helpers::MessagesScope::enter(
            overrides
                .find_messages(lang.code())
                .map(|src| FluentResource::try_new(src.to_owned()).unwrap_or_else(|(r, _)| r)),
        );
        let res = self.render_message(dest, event, ctx, overrides);
        match scope.over() {
            Some(limit) => Err(RenderError::OverLimit { limit }),
            None => res,
        }
    }

    fn render_message(
        &self,
        dest: Channel,
        event: &EventKind,
        ctx: &Value,
        overrides: &Overrides,
    ) -> Result<Rendered, RenderError> {
        let hctx = Context::from(ctx.clone());
        let event = event.as_str();
        let key = |key: &'static str| -> Result<String, RenderError> {
            self.render_key(event, key, &hctx, overrides)?
                .ok_or_else(|| RenderError::NoTemplate {
                    event: event.to_owned(),
                    key,
                })
        };
        Ok(match dest {
            Channel::Telegram => Rendered::Telegram {
                // The length policy (split or truncate) is the route's, applied at delivery; here only
                // absurd sizes are capped so one event cannot turn into dozens of messages.
                html: telegram::fit(key("telegram.html")?.trim(), MAX_TELEGRAM_RENDER),
            },
            Channel::Email => Rendered::Email {
                subject: helpers::truncate_chars(
                    &escape::finish_subject(&key("email.subject")?),
                    MAX_SUBJECT_CHARS,
                ),
                text: key("email.txt")?.trim().to_owned(),
                html: key("email.html")?.trim().to_owned(),
            },
            Channel::Webhook => {
                let json = match self.render_key(event, "webhook.json", &hctx, overrides)? {
                    Some(body) => {
                        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&body) {
                            return Err(RenderError::NotJson {
                                event: event.to_owned(),
                                error: e.to_string(),
                            });
                        }
                        body.trim().to_owned()
                    }
                    None => defaults::webhook_body(ctx),
                };
                Rendered::Webhook { json }
            }
            Channel::Log => Rendered::Log {
                text: key("log.txt")?.trim().to_owned(),
            },
        })
    }

    /// The override for `key` if there is one, else the default; `None` when neither exists.
    fn render_key(
        &self,
        event: &str,
        key: &'static str,
        ctx: &Context,
        overrides: &Overrides,
    ) -> Result<Option<String>, RenderError> {
        let format = format_of(key).expect("keys come from template_keys");
        let reg = self.registry(format);
        if let Some(source) = overrides.find(event, key) {
            // Saved templates passed these checks; one written around them (an old store, the
            // operator's own store edits) is held to them here.
            if budget::check_source(source).is_err() {
                return Err(RenderError::OverLimit {
                    limit: OverLimit::Shape,
                });
            }
            let t = compile(key, source)?;
            if budget::check_static(&t).is_err() {
                return Err(RenderError::OverLimit {
                    limit: OverLimit::Shape,
                });
            }
            return run(reg, &t, ctx, key)
                .map(Some)
                .map_err(|e| TemplateError::from_render(key, &e, event).into());
        }
        let name = format!("{event}/{key}");
        let Some(t) = reg.get_template(&name) else {
            return Ok(None);
        };
        run(reg, t, ctx, key)
            .map(Some)
            .map_err(|e| TemplateError::from_render(&name, &e, event).into())
    }

    /// Checks a template before it is saved: it must compile, use only known names and helpers
    /// (checked on every branch, not only those the samples take), and render in strict mode for
    /// every meeting event, with and without join links. `key` is one of [`TEMPLATE_KEYS`],
    /// optionally prefixed by an event (`meeting.ended/email.subject`), which then limits the
    /// samples to that event. Outputs are checked too: webhook bodies must be JSON, Telegram HTML
    /// must use only tags Telegram accepts, and a subject must not be empty.
    pub fn validate(&self, key: &str, source: &str) -> Result<(), TemplateError> {
        if let Some(code) = key.strip_prefix("messages/") {
            return validate_messages(key, code, source);
        }
        let (only_event, base) = match key.split_once('/') {
            Some((event, base)) if DEFAULT_EVENTS.contains(&event) => (Some(event), base),
            Some(_) => {
                return Err(TemplateError::new(
                    key,
                    format!(
                        "unknown event in template key; expected one of {}",
                        DEFAULT_EVENTS.join(", ")
                    ),
                ));
            }
            None => (None, key),
        };
        let Some(format) = TEMPLATE_KEYS
            .contains(&base)
            .then(|| format_of(base))
            .flatten()
        else {
            return Err(TemplateError::new(
                key,
                format!(
                    "unknown template key; expected one of {}, optionally prefixed like meeting.started/telegram.html",
                    TEMPLATE_KEYS.join(", ")
                ),
            ));
        };
        budget::check_source(source).map_err(|m| TemplateError::new(key, m))?;
        let t = compile(key, source)?;
        budget::check_static(&t).map_err(|i| TemplateError {
            key: key.to_owned(),
            line: i.pos.map(|p| p.0),
            column: i.pos.map(|p| p.1),
            name: None,
            message: i.message,
        })?;
        check::names(&t, &self.inner.shape).map_err(|i| TemplateError::from_issue(key, i))?;
        let reg = self.registry(format);
        for (event, ctx) in &self.inner.samples {
            if only_event.is_some_and(|e| e != *event) {
                continue;
            }
            // A trial render per sample, each under a message's budget: a template that goes over
            // it with sample data would go over it with real data too.
            let scope = budget::enter();
            let out = run(reg, &t, &Context::from(ctx.clone()), base);
            if let Some(limit) = scope.over() {
                return Err(TemplateError::new(key, limit.explain()));
            }
            drop(scope);
            let out = out.map_err(|e| TemplateError::from_render(key, &e, event))?;
            let problem = match base {
                "webhook.json" => serde_json::from_str::<serde::de::IgnoredAny>(&out)
                    .err()
                    .map(|e| format!("the output is not valid JSON ({e})")),
                "telegram.html" => telegram::check(&out)
                    .err()
                    .map(|e| format!("Telegram would refuse the output: {e}")),
                "email.subject" => escape::finish_subject(&out)
                    .is_empty()
                    .then(|| "the subject is empty".to_owned()),
                _ => None,
            };
            if let Some(p) = problem {
                return Err(TemplateError::new(
                    key,
                    format!("{p} (with a {event} event)"),
                ));
            }
        }
        Ok(())
    }
}

/// An account's wording for language `code`: Fluent source that changes only messages that exist,
/// with only the variables they have (see [`crate::i18n::check_override`]).
fn validate_messages(key: &str, code: &str, source: &str) -> Result<(), TemplateError> {
    if !crate::i18n::Lang::all().iter().any(|l| l.code() == code) {
        let known: Vec<&str> = crate::i18n::Lang::all()
            .into_iter()
            .map(|l| l.code())
            .collect();
        return Err(TemplateError::new(
            key,
            format!("no language `{code}`; use one of {}", known.join(", ")),
        ));
    }
    budget::check_source(source).map_err(|m| TemplateError::new(key, m))?;
    crate::i18n::check_override(source)
        .map(|_| ())
        .map_err(|m| TemplateError::new(key, m))
}

fn compile(key: &str, source: &str) -> Result<Template, TemplateError> {
    let t = Template::compile_with_name(source, key.to_owned())
        .map_err(|e| TemplateError::from_compile(key, &e, source))?;
    check::safety(&t).map_err(|i| TemplateError::from_issue(key, i))?;
    Ok(t)
}

/// Renders a compiled template that is not registered (overrides are compiled per use, so the
/// shared registries stay immutable and the renderer needs no lock).
/// Output is capped for `key` (see [`budget::output_cap`]).
fn run(
    reg: &Handlebars<'static>,
    t: &Template,
    ctx: &Context,
    key: &str,
) -> Result<String, handlebars::RenderError> {
    let mut out = budget::CappedOutput::new(budget::output_cap(key));
    let mut rc = RenderContext::new(None);
    t.render(reg, ctx, &mut rc, &mut out)?;
    Ok(out.into_string())
}
