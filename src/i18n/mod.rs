//! Languages: the message catalogues (`locales/*.ftl`, Project Fluent, embedded at build time by
//! build.rs) and the choice of language for a reader (DESIGN section "Languages").
//!
//! A [`Lang`] is a catalogue plus the locale data used for dates (day and month names, 12- or
//! 24-hour clock). It is cheap to copy, and every lookup falls back to English, so a message that a
//! translation lacks is shown in English rather than as its id. The tests below make sure no
//! translation lacks one.
//!
//! Organizers may override any message per account (template key `messages.LANG`, Fluent source);
//! [`Lang::t_over`] takes such an override first. Overrides are validated when saved
//! ([`check_override`]), with the same rules the shipped catalogues are held to.

mod time;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

pub use time::{TimeStyle, duration_minutes, format_time, relative};

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// The reference language: every catalogue is checked against it, and lookups fall back to it.
pub const REFERENCE: &str = "en";

struct Entry {
    code: &'static str,
    id: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    rtl: bool,
    name: String,
    data: chrono::Locale,
}

/// Every embedded catalogue, parsed once.
pub struct Catalogues {
    entries: Vec<Entry>,
    reference: usize,
}

static LOADED: OnceLock<Catalogues> = OnceLock::new();

fn catalogues() -> &'static Catalogues {
    LOADED.get_or_init(|| Catalogues::load().unwrap_or_else(|e| panic!("{e}")))
}

impl Catalogues {
    fn load() -> Result<Catalogues, String> {
        let mut entries = Vec::new();
        for (code, source) in CATALOGUES {
            let id: LanguageIdentifier = code
                .parse()
                .map_err(|e| format!("locales/{code}.ftl: {code:?} is not a BCP 47 tag: {e}"))?;
            let res = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, errs)| format!("locales/{code}.ftl does not parse: {errs:?}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
            bundle
                .add_resource(res)
                .map_err(|e| format!("locales/{code}.ftl: {e:?}"))?;
            let plain = |key: &str| -> Result<String, String> {
                let msg = bundle
                    .get_message(key)
                    .and_then(|m| m.value())
                    .ok_or_else(|| format!("locales/{code}.ftl lacks {key}"))?;
                let mut errs = Vec::new();
                Ok(bundle.format_pattern(msg, None, &mut errs).into_owned())
            };
            let rtl = match plain("meta-direction")?.trim() {
                "rtl" => true,
                "ltr" => false,
                other => {
                    return Err(format!(
                        "locales/{code}.ftl: meta-direction is {other:?}; write ltr or rtl"
                    ));
                }
            };
            let name = plain("meta-name")?;
            let data_name = plain("meta-locale-data")?;
            let data = chrono::Locale::try_from(data_name.trim()).map_err(|_| {
                format!("locales/{code}.ftl: meta-locale-data {data_name:?} is not a known locale, like en_US")
            })?;
            // Isolation marks keep a Latin topic from reordering a right-to-left sentence; in
            // left-to-right text they would only be invisible noise in every message.
            bundle.set_use_isolating(rtl);
            entries.push(Entry {
                code,
                id,
                bundle,
                rtl,
                name,
                data,
            });
        }
        let reference = entries
            .iter()
            .position(|e| e.code == REFERENCE)
            .ok_or("locales/en.ftl, the reference catalogue, is missing")?;
        Ok(Catalogues { entries, reference })
    }
}

/// A language to speak: a catalogue and the locale data for its dates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    idx: u8,
    data: chrono::Locale,
}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::english()
    }
}

impl Lang {
    pub fn english() -> Lang {
        let c = catalogues();
        Lang {
            idx: c.reference as u8,
            data: c.entries[c.reference].data,
        }
    }

    /// The language for a BCP 47 tag (`es`, `pt-BR`, `de_AT`, `EN`), or `None` when no catalogue
    /// speaks it. A region picks that region's date conventions when the locale data knows it
    /// (`en-GB` gets English words and a 24-hour clock).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().replace('_', "-");
        let id: LanguageIdentifier = tag.parse().ok()?;
        let c = catalogues();
        // The most specific catalogue first (a `pt-BR.ftl` beside `pt.ftl`), then the language.
        let idx = c
            .entries
            .iter()
            .position(|e| e.id == id)
            .or_else(|| {
                c.entries.iter().position(|e| {
                    e.id.language == id.language
                        && e.id.script == id.script
                        && e.id.region.is_none()
                })
            })
            .or_else(|| c.entries.iter().position(|e| e.id.language == id.language))?;
        let data = id
            .region
            .and_then(|r| {
                chrono::Locale::try_from(format!("{}_{}", id.language, r.as_str()).as_str()).ok()
            })
            .unwrap_or(c.entries[idx].data);
        Some(Lang {
            idx: idx as u8,
            data,
        })
    }

    /// The first tag that a catalogue speaks, else English.
    pub fn negotiate<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or_else(Lang::english)
    }

    /// Every language with a catalogue, English first.
    pub fn all() -> Vec<Lang> {
        let c = catalogues();
        let mut out: Vec<Lang> = (0..c.entries.len())
            .map(|i| Lang {
                idx: i as u8,
                data: c.entries[i].data,
            })
            .collect();
        out.sort_by_key(|l| (l.code() != REFERENCE, l.code()));
        out
    }

    fn entry(self) -> &'static Entry {
        &catalogues().entries[self.idx as usize]
    }

    /// The catalogue's tag, such as `es`.
    pub fn code(self) -> &'static str {
        self.entry().code
    }

    /// The language's own name ("Español").
    pub fn name(self) -> &'static str {
        &self.entry().name
    }

    pub fn is_rtl(self) -> bool {
        self.entry().rtl
    }

    /// For HTML's `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    pub(crate) fn locale_data(self) -> chrono::Locale {
        self.data
    }

    /// The message `key` with no arguments.
    pub fn tr(self, key: &str) -> String {
        self.t(key, &[])
    }

    /// The message `key` with `args`. Falls back to English, then to the id itself (which the
    /// tests make unreachable for the shipped catalogues).
    pub fn t(self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.t_over(None, key, args)
    }

    /// Like [`Lang::t`], with an organizer's override resource searched first.
    pub fn t_over(
        self,
        over: Option<&FluentResource>,
        key: &str,
        args: &[(&str, FluentValue<'_>)],
    ) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let c = catalogues();
        let own = &self.entry().bundle;
        let mut errs = Vec::new();
        if let Some(p) = over.and_then(|r| override_pattern(r, key)) {
            // Formatted by the language's bundle, so plural rules and term references resolve.
            return own.format_pattern(p, Some(&fargs), &mut errs).into_owned();
        }
        for bundle in [own, &c.entries[c.reference].bundle] {
            if let Some(p) = bundle.get_message(key).and_then(|m| m.value()) {
                return bundle
                    .format_pattern(p, Some(&fargs), &mut errs)
                    .into_owned();
            }
        }
        key.to_owned()
    }

    /// Whether any catalogue (English at least) has the message.
    pub fn has(key: &str) -> bool {
        let c = catalogues();
        c.entries[c.reference].bundle.has_message(key)
    }
}

fn override_pattern<'r>(res: &'r FluentResource, key: &str) -> Option<&'r ast::Pattern<&'r str>> {
    res.entries().find_map(|e| match e {
        ast::Entry::Message(m) if m.id.name == key => m.value.as_ref(),
        _ => None,
    })
}

/// The language tag an alert is written in: the route's when a catalogue speaks it, else the
/// relay's `[defaults] locale`.
pub fn alert_locale<'a>(route: Option<&'a str>, default: &'a str) -> &'a str {
    route
        .map(str::trim)
        .filter(|t| Lang::from_tag(t).is_some())
        .unwrap_or(default)
}

/// The shipped catalogue of language `code` (exact code), as Fluent source.
pub fn catalogue_source(code: &str) -> Option<&'static str> {
    CATALOGUES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

/// `Accept-Language` as tags, most wanted first (`q=0` means "not this one").
pub fn accept_language(header: &str) -> Vec<String> {
    let mut tags: Vec<(u16, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            if tag.is_empty() || tag == "*" {
                return None;
            }
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
                .unwrap_or(1.0);
            (q > 0.0).then(|| ((q * 1000.0) as u16, i, tag.to_owned()))
        })
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|t| t.2).collect()
}

/// The variables each message of the reference catalogue uses, by message id.
pub fn reference_variables() -> &'static BTreeMap<String, BTreeSet<String>> {
    static VARS: OnceLock<BTreeMap<String, BTreeSet<String>>> = OnceLock::new();
    VARS.get_or_init(|| {
        let src = CATALOGUES
            .iter()
            .find(|(code, _)| *code == REFERENCE)
            .map(|(_, s)| *s)
            .unwrap_or_default();
        message_variables(src).unwrap_or_default()
    })
}

/// Message id → the variables its value and attributes refer to. Errors are parse errors.
pub fn message_variables(source: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let res = fluent_syntax::parser::parse(source).map_err(|(_, errs)| {
        errs.first()
            .map(|e| format!("{e:?}"))
            .unwrap_or_else(|| "it does not parse".into())
    })?;
    let mut out = BTreeMap::new();
    for e in &res.body {
        if let ast::Entry::Message(m) = e {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            for a in &m.attributes {
                pattern_vars(&a.value, &mut vars);
            }
            out.insert(m.id.name.to_string(), vars);
        }
    }
    Ok(out)
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expr_vars(expression, out);
        }
    }
}

fn expr_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for n in &arguments.named {
                inline_vars(&n.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expr_vars(expression, out),
        _ => {}
    }
}

/// Checks an organizer's override of messages (Fluent source): it parses, overrides only messages
/// that exist, and uses only the variables the original message has. The error names the message
/// and says what to write instead.
pub fn check_override(source: &str) -> Result<FluentResource, String> {
    let vars = message_variables(source)
        .map_err(|e| format!("this is not Fluent syntax (`id = text`, one per line): {e}"))?;
    let reference = reference_variables();
    for (id, used) in &vars {
        let Some(known) = reference.get(id) else {
            return Err(format!(
                "there is no message `{id}` to override; the messages are listed in docs/languages.md"
            ));
        };
        if let Some(v) = used.difference(known).next() {
            if known.is_empty() {
                return Err(format!(
                    "message `{id}` uses {{ ${v} }}, but it is given no values: write it as plain words"
                ));
            }
            let list = known
                .iter()
                .map(|k| format!("{{ ${k} }}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "message `{id}` uses {{ ${v} }}, which it is not given; it can use: {list}"
            ));
        }
    }
    FluentResource::try_new(source.to_owned())
        .map_err(|_| "this is not Fluent syntax (`id = text`, one per line)".to_owned())
}

#[cfg(test)]
mod tests;
