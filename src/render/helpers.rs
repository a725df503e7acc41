//! Template helpers. They return values, not markup, so handlebars escapes their output for the
//! channel like any other value. A missing or null input renders as "" rather than failing a
//! delivery, but a misspelt name still fails in strict mode.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use fluent_bundle::{FluentResource, FluentValue};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, PathAndJson, RenderContext,
    RenderError, RenderErrorReason, ScopedJson,
};
use serde_json::Value;

use super::escape::Format;
use crate::i18n::{self, Lang, TimeStyle};

/// Our helpers, for the name check and the docs.
pub const OURS: [&str; 8] = [
    "t",
    "relative",
    "time",
    "duration",
    "duration_between",
    "truncate",
    "default",
    "json",
];

/// Helpers handlebars registers itself.
pub const BUILTIN: [&str; 16] = [
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not",
];

/// Used when `time` gets no format.
pub const DEFAULT_TIME_FORMAT: &str = "%Y-%m-%d %H:%M %Z";

pub fn is_helper(name: &str) -> bool {
    OURS.contains(&name) || BUILTIN.contains(&name) || name == "len"
}

pub fn register(reg: &mut Handlebars<'static>, format: Format) {
    let values: [(&str, ValueFn); 7] = [
        ("t", message),
        ("relative", relative),
        ("time", time),
        ("duration", duration),
        ("duration_between", duration_between),
        ("truncate", truncate),
        ("default", default),
    ];
    for (name, f) in values {
        reg.register_helper(name, Box::new(ValueHelper { name, f }));
    }
    reg.register_helper(
        "json",
        Box::new(JsonHelper {
            raw: format == Format::Json,
        }),
    );
}

/// What a value helper computes from its call: a value, which handlebars then escapes for the
/// channel like any other.
type ValueFn = fn(&Call<'_, '_>) -> Result<Value, RenderError>;

/// Every helper but `json` is a [`ValueFn`]: one adapter to handlebars' `HelperDef`, so each
/// helper is only its own logic.
struct ValueHelper {
    name: &'static str,
    f: ValueFn,
}

impl HelperDef for ValueHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let call = Call {
            name: self.name,
            h,
            r,
            ctx,
        };
        (self.f)(&call).map(ScopedJson::Derived)
    }
}

/// One call of a helper: its parameters, whether the registry is strict, and the render's
/// context; errors about a parameter name the helper.
struct Call<'a, 'rc> {
    name: &'static str,
    h: &'a Helper<'rc>,
    r: &'a Handlebars<'a>,
    ctx: &'rc Context,
}

impl<'a> Call<'a, '_> {
    /// Parameter `idx`; in strict mode a misspelt path is an error naming it, otherwise it reads
    /// as null.
    fn param(&self, idx: usize) -> Result<&'a Value, RenderError> {
        let p = self
            .h
            .param(idx)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex(self.name, idx))?;
        self.present(p)
    }

    fn opt_param(&self, idx: usize) -> Result<Option<&'a Value>, RenderError> {
        match self.h.param(idx) {
            None => Ok(None),
            Some(_) => self.param(idx).map(Some),
        }
    }

    fn opt_hash(&self, name: &str) -> Result<Option<&'a Value>, RenderError> {
        match self.h.hash_get(name) {
            None => Ok(None),
            Some(p) => self.present(p).map(Some),
        }
    }

    /// A parameter's value; in strict mode a misspelt path is an error naming it.
    fn present(&self, p: &'a PathAndJson<'_>) -> Result<&'a Value, RenderError> {
        if p.is_value_missing() && self.r.strict_mode() {
            return Err(RenderError::strict_error(p.relative_path()));
        }
        Ok(p.value())
    }

    /// The render's data at a JSON pointer, like `/route/timezone`.
    fn data(&self, pointer: &str) -> Option<&Value> {
        self.ctx.data().pointer(pointer)
    }

    fn lang(&self) -> Lang {
        lang_of(self.ctx)
    }
}

fn fail(msg: String) -> RenderError {
    RenderErrorReason::Other(msg).into()
}

fn done(s: String) -> Result<Value, RenderError> {
    Ok(Value::String(s))
}

/// Zoom sends `2021-07-13T21:44:51Z`; numbers are taken as ms since the epoch.
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|n| n.and_utc())
            }),
        Value::Number(n) => n.as_i64().and_then(DateTime::from_timestamp_millis),
        _ => None,
    }
}

/// An unknown zone falls back to UTC: a typo in a route's zone must not cost the alert.
pub fn zone(name: Option<&str>) -> Tz {
    name.and_then(|n| n.trim().parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

/// Checks a strftime format up front: chrono reports a bad one only while writing, as a
/// formatting error that would otherwise panic in `to_string`.
pub fn check_time_format(fmt: &str) -> Result<Vec<Item<'_>>, String> {
    let items: Vec<Item<'_>> = StrftimeItems::new(fmt).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!("time: {fmt:?} is not a valid strftime format"));
    }
    Ok(items)
}

/// The language an alert is written in: the context's `route.locale` (the dispatcher puts the
/// route's language there, or the relay's default), English when it names no catalogue.
pub fn lang_of(ctx: &Context) -> Lang {
    lang_in(ctx.data())
}

/// [`lang_of`] for the render's data before it becomes a handlebars context.
pub fn lang_in(data: &Value) -> Lang {
    data.pointer("/route/locale")
        .and_then(Value::as_str)
        .and_then(Lang::from_tag)
        .unwrap_or_else(Lang::english)
}

thread_local! {
    /// The organizer's message overrides for the render in progress on this thread (see
    /// [`MessagesScope`]). Renders are synchronous, so a thread-local cannot leak between them.
    static MESSAGES: RefCell<Option<Rc<FluentResource>>> = const { RefCell::new(None) };
}

/// Puts an account's message overrides in force for `t` until dropped.
pub struct MessagesScope(Option<Rc<FluentResource>>);

impl MessagesScope {
    pub fn enter(res: Option<FluentResource>) -> MessagesScope {
        let prev = MESSAGES.with(|m| m.replace(res.map(Rc::new)));
        MessagesScope(prev)
    }
}

impl Drop for MessagesScope {
    fn drop(&mut self) {
        let prev = self.0.take();
        MESSAGES.with(|m| *m.borrow_mut() = prev);
    }
}

fn fluent_arg(v: &Value) -> FluentValue<'static> {
    match v {
        Value::Null => FluentValue::from(""),
        Value::Number(n) => n
            .as_f64()
            .map(FluentValue::from)
            .unwrap_or_else(|| FluentValue::from(n.to_string())),
        Value::String(s) => FluentValue::from(s.clone()),
        other => FluentValue::from(other.to_string()),
    }
}

/// `{{t "alert-join"}}`, `{{t "alert-started-subject" topic=meeting.topic}}`: a catalogue message
/// in the alert's language, with the account's override when it has one. The result is a value,
/// escaped for the channel like any other.
fn message(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let Value::String(key) = c.param(0)? else {
        return Err(fail(
            "t: the message name must be a string, like {{t \"alert-join\"}}".into(),
        ));
    };
    if !Lang::has(key) {
        return Err(fail(format!(
            "t: there is no message `{key}`; docs/languages.md lists them"
        )));
    }
    let mut args = Vec::new();
    for (name, p) in c.h.hash() {
        args.push((*name, fluent_arg(c.present(p)?)));
    }
    let lang = c.lang();
    let text = MESSAGES.with(|m| lang.t_over(m.borrow().as_deref(), key, &args));
    done(text)
}

/// `{{relative meeting.start_time}}`: "in 10 minutes", "2 hours ago", seen from when Zoom sent
/// the event (so a delayed delivery does not shift it), or from now when the event has no time.
fn relative(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let v = c.param(0)?;
    let Some(t) = parse_time(v) else {
        return done(String::new());
    };
    let now = c
        .data("/event_time")
        .and_then(parse_time)
        .unwrap_or_else(Utc::now);
    done(i18n::relative(t, now, c.lang()))
}

/// `{{time meeting.start_time "datetime"}}` (a style: `datetime`, `date`, `date-short`, `time`)
/// or `{{time meeting.start_time "%A %H:%M" tz=route.timezone}}` (a strftime pattern). Names of
/// days and months come out in the alert's language either way; without `tz`, the route's zone.
fn time(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let v = c.param(0)?;
    let fmt = match c.opt_param(1)? {
        None | Some(Value::Null) => DEFAULT_TIME_FORMAT,
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(fail(
                "time: the format must be a string, like \"time\" or \"%H:%M\"".into(),
            ));
        }
    };
    let style = TimeStyle::parse(fmt);
    if let TimeStyle::Pattern(p) = style {
        check_time_format(p).map_err(fail)?;
    }
    let tz = match c.opt_hash("tz")? {
        Some(v) => zone(v.as_str()),
        None => zone(c.data("/route/timezone").and_then(Value::as_str)),
    };
    let Some(t) = parse_time(v) else {
        // Null renders nothing; an unparsable value is shown as sent rather than lost.
        return done(match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    };
    done(i18n::format_time(t, tz, c.lang(), style))
}

fn as_minutes(v: &Value) -> Result<Option<i64>, RenderError> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| fail(format!("duration: {s:?} is not a number of minutes"))),
        other => Err(fail(format!(
            "duration: {other} is not a number of minutes"
        ))),
    }
}

/// `{{duration meeting.duration}}`: Zoom's `duration` is the *scheduled* length in minutes.
fn duration(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let v = c.param(0)?;
    done(match as_minutes(v)? {
        Some(m) if m >= 0 => i18n::duration_minutes(m, c.lang()),
        _ => String::new(),
    })
}

/// `{{duration_between meeting.start_time meeting.end_time}}`: the actual length of a meeting.
fn duration_between(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let a = c.param(0)?;
    let b = c.param(1)?;
    let (Some(a), Some(b)) = (parse_time(a), parse_time(b)) else {
        return done(String::new());
    };
    let secs = (b - a).num_seconds();
    let lang = c.lang();
    done(match secs {
        s if s < 0 => String::new(),
        s if s < 30 => lang.tr("duration-under-a-minute"),
        s => i18n::duration_minutes((s + 30) / 60, lang),
    })
}

/// At most `max` characters (code points), the last one an ellipsis when it was cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `{{truncate meeting.topic 80}}`: at most N characters (code points), the last one an ellipsis.
fn truncate(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let v = c.param(0)?;
    let max = c.param(1)?
        .as_u64()
        .filter(|n| *n >= 1)
        .ok_or_else(|| fail("truncate: the length must be a whole number of at least 1, like {{truncate meeting.topic 80}}".into()))?;
    let s = match v {
        Value::Null => return done(String::new()),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    done(truncate_chars(
        &s,
        usize::try_from(max).unwrap_or(usize::MAX),
    ))
}

/// `{{default meeting.topic "Untitled meeting"}}`: the fallback when the value is null or blank.
fn default(c: &Call<'_, '_>) -> Result<Value, RenderError> {
    let v = c.param(0)?;
    let fallback = c.param(1)?;
    let blank = match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    };
    Ok(if blank { fallback } else { v }.clone())
}

/// `{{json meeting}}`: the value as a JSON literal. In webhook bodies it is written as is (it is
/// complete, valid JSON); in every other channel it is text and escaped like any value.
pub struct JsonHelper {
    raw: bool,
}

impl HelperDef for JsonHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let call = Call {
            name: "json",
            h,
            r,
            ctx,
        };
        let json = call.param(0)?.to_string();
        if self.raw {
            out.write(&json)?;
        } else {
            out.write(&r.get_escape_fn()(&json))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
