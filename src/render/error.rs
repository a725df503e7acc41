//! What can go wrong with a template: [`TemplateError`] (a problem in one template, with where it
//! is, in words an organizer can act on) and [`RenderError`] (why a message was not rendered).

use std::fmt;

use handlebars::{RenderErrorReason, TemplateErrorReason};

use super::OverLimit;
use super::check;

/// A template problem, with its position when known. Display reads like
/// `telegram.html line 2, column 5: unknown name `meeting.topc``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TemplateError {
    pub key: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The unknown variable or helper, when that is the problem.
    pub name: Option<String>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(_) => write!(f, "{} {}", self.key, self.detail()),
            None => write!(f, "{}: {}", self.key, self.detail()),
        }
    }
}

impl TemplateError {
    /// The problem and where it is, without the template's name: for a caller whose field
    /// already names the template (`messages/es`), so the name is not said twice.
    pub fn detail(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", self.message),
            (Some(l), None) => format!("line {l}: {}", self.message),
            _ => self.message.clone(),
        }
    }

    pub(super) fn new(key: &str, message: impl Into<String>) -> TemplateError {
        TemplateError {
            key: key.to_owned(),
            line: None,
            column: None,
            name: None,
            message: message.into(),
        }
    }

    pub(super) fn from_issue(key: &str, i: check::Issue) -> TemplateError {
        TemplateError {
            key: key.to_owned(),
            line: i.line,
            column: i.column,
            name: i.name,
            message: i.message,
        }
    }

    pub(super) fn from_compile(
        key: &str,
        e: &handlebars::TemplateError,
        source: &str,
    ) -> TemplateError {
        let pos = e.pos();
        let message = match e.reason() {
            TemplateErrorReason::InvalidSyntax(_) if ends_at(source, pos) => {
                "the template ends inside a block or tag: a `{{#…}}` is missing its `{{/…}}`, or a `{{` its `}}`".to_owned()
            }
            TemplateErrorReason::InvalidSyntax(_) => {
                "invalid syntax: check for a `{{` without `}}`, an `{{/…}}` without its `{{#…}}`, or unbalanced quotes".to_owned()
            }
            other => other.to_string(),
        };
        TemplateError {
            key: key.to_owned(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            name: None,
            message,
        }
    }

    pub(super) fn from_render(
        key: &str,
        e: &handlebars::RenderError,
        event: &str,
    ) -> TemplateError {
        let (name, message) = match e.reason() {
            RenderErrorReason::MissingVariable(Some(p)) => {
                (Some(p.clone()), format!("unknown name `{p}`"))
            }
            RenderErrorReason::MissingVariable(None) => (None, "unknown name".to_owned()),
            RenderErrorReason::HelperNotFound(h) => {
                (Some(h.clone()), format!("unknown helper `{h}`"))
            }
            other => (None, format!("{other} (with a {event} event)")),
        };
        TemplateError {
            key: key.to_owned(),
            line: e.line_no,
            column: e.column_no,
            name,
            message,
        }
    }
}

/// Whether a compile error sits at the very end of the source (an unclosed block).
fn ends_at(source: &str, pos: Option<(usize, usize)>) -> bool {
    let Some((line, col)) = pos else { return false };
    let trimmed = source.trim_end();
    let last_line = trimmed.lines().count().max(1);
    let last_len = trimmed.lines().last().map_or(0, |l| l.chars().count());
    line > last_line || (line == last_line && col > last_len)
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("no template `{key}` for {event}, and no override")]
    NoTemplate { event: String, key: &'static str },
    #[error("the webhook body for {event} is not valid JSON: {error}")]
    NotJson { event: String, error: String },
    /// The message went over its render budget (or its template breaks a static limit): it is
    /// not sent, and no fallback is rendered in its place.
    #[error("template over limit: {limit}")]
    OverLimit { limit: OverLimit },
}
