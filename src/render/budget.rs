//! The render budget: every message renders under a bound on repeats, output and CPU time.
//!
//! Organizer templates are untrusted input (any Zoom account can install the app and become a
//! tenant). Without bounds, `{{#each}}` nested six deep over `@root.meeting` renders billions of
//! times and a 5 KB template produced 73 MB. Two layers stop that:
//!
//! - Static limits, checked when a template is saved ([`check_static`]): source size, block
//!   nesting, `{{#each}}` nesting and subexpression depth. They refuse the obvious bombs before
//!   any rendering happens, with a message that says which limit and why.
//! - A per-message budget, enforced while rendering: at most [`MAX_REPEATS`] `{{#each}}` repeats,
//!   [`MAX_CPU`] of the rendering thread's CPU time, and an output cap per template key. A
//!   template that passes the static checks but blows up on real data (a long list) stops at the
//!   first limit it reaches, and only that message fails.
//!
//! The budget lives in a thread-local for the duration of one message ([`enter`]); rendering is
//! synchronous, so the thread that renders is the thread that counts. Repeats are counted by our
//! own `each` helper, which replaces handlebars' built-in one; output is counted by
//! [`CappedOutput`]; time is read in both, from `CLOCK_THREAD_CPUTIME_ID` (CPU time of this thread,
//! so a busy machine does not fail a template that itself is cheap).

use std::cell::RefCell;
use std::fmt;
use std::time::Duration;

use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{
    BlockContext, BlockParams, Context, Handlebars, Helper, HelperDef, HelperResult, JsonValue,
    Output, PathAndJson, RenderContext, RenderError, RenderErrorReason, Renderable, to_json,
};

/// `{{#each}}` repeats per message, all loops together (nested loops multiply).
pub const MAX_REPEATS: u64 = 10_000;
/// CPU time of one message's rendering. The default templates take well under a millisecond.
pub const MAX_CPU: Duration = Duration::from_millis(20);
/// Largest template source.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024;
/// Deepest nesting of blocks (`{{#if}}`, `{{#each}}`, `{{#with}}`, ...).
pub const MAX_BLOCK_DEPTH: usize = 16;
/// Deepest nesting of `{{#each}}` inside `{{#each}}`.
pub const MAX_EACH_DEPTH: usize = 3;
/// Deepest nesting of subexpressions `(helper (helper ...))`.
pub const MAX_SUBEXPR_DEPTH: usize = 8;

/// Output caps per template key (bytes). A Telegram message is at most 4096 characters and the
/// renderer keeps eight of them at most; subjects are cut to 250 characters anyway.
pub fn output_cap(key: &str) -> usize {
    match key.rsplit('/').next().unwrap_or(key) {
        "email.subject" => 4 * 1024,
        "log.txt" => 16 * 1024,
        // telegram.html, email.txt, email.html, webhook.json
        _ => 128 * 1024,
    }
}

/// Which limit a render went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OverLimit {
    Repeats,
    Output {
        cap: usize,
    },
    Time,
    /// Breaks a static limit (size or nesting): only reached by a template saved around the
    /// checks, since saving refuses it.
    Shape,
}

impl OverLimit {
    /// Short, for dead letters and metrics labels: `repeats`, `output`, `time`.
    pub fn label(self) -> &'static str {
        match self {
            OverLimit::Repeats => "repeats",
            OverLimit::Output { .. } => "output",
            OverLimit::Time => "time",
            OverLimit::Shape => "shape",
        }
    }

    /// What an organizer reads when a template is refused.
    pub fn explain(self) -> String {
        match self {
            OverLimit::Repeats => format!(
                "This template repeats too much: it would go over {MAX_REPEATS} repeats per message. Remove a nested {{{{#each}}}}, or loop over a smaller list."
            ),
            OverLimit::Output { cap } => format!(
                "This template's output is too big: it would go over {} KB per message. Make the text shorter or repeat less.",
                cap / 1024
            ),
            OverLimit::Time => format!(
                "This template takes too long to render: over {} ms per message. Simplify it: fewer loops and helpers.",
                MAX_CPU.as_millis()
            ),
            OverLimit::Shape => format!(
                "This template is too long or nested too deeply: at most {} KB, {MAX_BLOCK_DEPTH} levels of blocks and {MAX_EACH_DEPTH} of {{{{#each}}}}.",
                MAX_SOURCE_BYTES / 1024
            ),
        }
    }
}

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverLimit::Repeats => write!(f, "more than {MAX_REPEATS} repeats"),
            OverLimit::Output { cap } => write!(f, "output over {} KB", cap / 1024),
            OverLimit::Time => write!(f, "over {} ms of render time", MAX_CPU.as_millis()),
            OverLimit::Shape => write!(f, "too long or nested too deeply"),
        }
    }
}

struct Budget {
    repeats: u64,
    started_ns: u64,
    over: Option<OverLimit>,
    ticks: u32,
}

thread_local! {
    static BUDGET: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

/// CPU time consumed by the calling thread, in nanoseconds.
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// The budget of one message, active on this thread until dropped. Nested scopes share the outer
/// budget (a message is one budget, whatever renders inside it).
pub struct Scope {
    owner: bool,
}

/// Starts a fresh budget for one message on this thread.
pub fn enter() -> Scope {
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        if b.is_some() {
            return Scope { owner: false };
        }
        *b = Some(Budget {
            repeats: 0,
            started_ns: thread_cpu_ns(),
            over: None,
            ticks: 0,
        });
        Scope { owner: true }
    })
}

impl Scope {
    /// The limit this message went over, if any.
    pub fn over(&self) -> Option<OverLimit> {
        BUDGET.with(|b| b.borrow().as_ref().and_then(|b| b.over))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if self.owner {
            BUDGET.with(|b| *b.borrow_mut() = None);
        }
    }
}

fn record(limit: OverLimit) -> RenderError {
    BUDGET.with(|b| {
        if let Some(b) = b.borrow_mut().as_mut() {
            b.over.get_or_insert(limit);
        }
    });
    RenderErrorReason::Other(limit.to_string()).into()
}

/// Charges `repeats` and, every few calls, checks the time. Outside a scope nothing is counted.
fn charge(repeats: u64) -> Result<(), OverLimit> {
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        let Some(b) = b.as_mut() else { return Ok(()) };
        if let Some(o) = b.over {
            return Err(o);
        }
        b.repeats += repeats;
        if b.repeats > MAX_REPEATS {
            b.over = Some(OverLimit::Repeats);
            return Err(OverLimit::Repeats);
        }
        b.ticks = b.ticks.wrapping_add(1);
        // A clock read is a system call; once every 16 charges is plenty at these rates.
        if b.ticks % 16 == 0
            && thread_cpu_ns().saturating_sub(b.started_ns) > MAX_CPU.as_nanos() as u64
        {
            b.over = Some(OverLimit::Time);
            return Err(OverLimit::Time);
        }
        Ok(())
    })
}

/// Output that refuses to grow past `cap` bytes, and checks the message's time as it writes.
pub struct CappedOutput {
    buf: String,
    cap: usize,
}

impl CappedOutput {
    pub fn new(cap: usize) -> CappedOutput {
        CappedOutput {
            buf: String::new(),
            cap,
        }
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}

impl Output for CappedOutput {
    fn write(&mut self, seg: &str) -> Result<(), std::io::Error> {
        if self.buf.len() + seg.len() > self.cap {
            let limit = OverLimit::Output { cap: self.cap };
            let _ = record(limit);
            return Err(std::io::Error::other(limit.to_string()));
        }
        if let Err(limit) = charge(0) {
            return Err(std::io::Error::other(limit.to_string()));
        }
        self.buf.push_str(seg);
        Ok(())
    }
}

/// `{{#each}}` with a budget: the same behaviour as handlebars' built-in helper (arrays and
/// objects, `@index`, `@key`, `@first`, `@last`, block params, `{{else}}`), adapted from its
/// source (MIT licence), plus one charge per repeat.
#[derive(Clone, Copy)]
pub struct BudgetedEach;

fn block_for<'rc>(param: &PathAndJson<'rc>) -> BlockContext<'rc> {
    let mut block = BlockContext::new();
    if let Some(path) = param.context_path() {
        block.base_path_mut().clone_from(path);
    } else {
        block.set_base_value(param.value().clone());
    }
    block
}

fn set_block_param<'rc>(
    block: &mut BlockContext<'rc>,
    h: &Helper<'rc>,
    base_path: Option<&Vec<String>>,
    k: &JsonValue,
    v: &JsonValue,
) -> Result<(), RenderError> {
    if let Some(bp_val) = h.block_param() {
        let mut params = BlockParams::new();
        if base_path.is_some() {
            params.add_path(bp_val, Vec::new())?;
        } else {
            params.add_value(bp_val, v.clone())?;
        }
        block.set_block_params(params);
    } else if let Some((bp_val, bp_key)) = h.block_param_pair() {
        let mut params = BlockParams::new();
        if base_path.is_some() {
            params.add_path(bp_val, Vec::new())?;
        } else {
            params.add_value(bp_val, v.clone())?;
        }
        params.add_value(bp_key, k.clone())?;
        block.set_block_params(params);
    }
    Ok(())
}

fn update_base(
    block: &mut BlockContext<'_>,
    base_path: Option<&Vec<String>>,
    relative: String,
    first: bool,
    value: &JsonValue,
) {
    if let Some(p) = base_path {
        if first {
            let mut v = p.clone();
            v.push(relative);
            *block.base_path_mut() = v;
        } else if let Some(last) = block.base_path_mut().last_mut() {
            *last = relative;
        }
    } else {
        block.set_base_value(value.clone());
    }
}

impl HelperDef for BudgetedEach {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("each", 0))?;
        let Some(t) = h.template() else {
            return Ok(());
        };
        let items: Vec<(JsonValue, &JsonValue, String)> = match value.value() {
            JsonValue::Array(list) if !list.is_empty() || h.inverse().is_none() => list
                .iter()
                .enumerate()
                .map(|(i, v)| (to_json(i), v, i.to_string()))
                .collect(),
            JsonValue::Object(obj) if !obj.is_empty() || h.inverse().is_none() => obj
                .iter()
                .map(|(k, v)| (to_json(k), v, k.clone()))
                .collect(),
            _ => {
                return if let Some(else_t) = h.inverse() {
                    else_t.render(r, ctx, rc, out)
                } else if r.strict_mode() {
                    Err(RenderError::strict_error(value.relative_path()))
                } else {
                    Ok(())
                };
            }
        };
        let is_object = value.value().is_object();
        rc.push_block(block_for(value));
        let len = items.len();
        let base_path = value.context_path();
        for (i, (key, v, relative)) in items.into_iter().enumerate() {
            if let Err(limit) = charge(1) {
                rc.pop_block();
                return Err(record(limit));
            }
            if let Some(block) = rc.block_mut() {
                block.set_local_var("first", to_json(i == 0));
                block.set_local_var("last", to_json(i + 1 == len));
                block.set_local_var("index", to_json(i));
                if is_object {
                    block.set_local_var("key", key.clone());
                }
                update_base(block, base_path, relative, i == 0, v);
                set_block_param(block, h, base_path, &key, v)?;
            }
            t.render(r, ctx, rc, out)?;
        }
        rc.pop_block();
        Ok(())
    }
}

/// Why a template breaks a static limit, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticIssue {
    pub pos: Option<(usize, usize)>,
    pub message: String,
}

/// Source size; checked before compiling so a huge source costs nothing.
pub fn check_source(source: &str) -> Result<(), String> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "This template is too long: {} KB, the limit is {} KB. Shorten it.",
            source.len().div_ceil(1024),
            MAX_SOURCE_BYTES / 1024
        ));
    }
    Ok(())
}

/// Block nesting, `{{#each}}` nesting and subexpression depth.
pub fn check_static(t: &Template) -> Result<(), StaticIssue> {
    walk(t, 0, 0, None)
}

fn walk(
    t: &Template,
    blocks: usize,
    eaches: usize,
    parent: Option<(usize, usize)>,
) -> Result<(), StaticIssue> {
    for (i, el) in t.elements.iter().enumerate() {
        let pos = t.mapping.get(i).map(|m| (m.0, m.1)).or(parent);
        let ht = match el {
            TemplateElement::Expression(ht)
            | TemplateElement::HtmlExpression(ht)
            | TemplateElement::HelperBlock(ht) => ht,
            _ => continue,
        };
        let depth = std::iter::once(&ht.name)
            .chain(ht.params.iter())
            .chain(ht.hash.values())
            .map(subexpr_depth)
            .max()
            .unwrap_or(0);
        if depth > MAX_SUBEXPR_DEPTH {
            return Err(StaticIssue {
                pos,
                message: format!(
                    "This template nests helpers too deeply: {depth} levels of `( … )`, the limit is {MAX_SUBEXPR_DEPTH}. Split the expression."
                ),
            });
        }
        if let TemplateElement::HelperBlock(ht) = el {
            let blocks = blocks + 1;
            let is_each = super::check::helper_name(&ht.name) == Some("each");
            let eaches = eaches + usize::from(is_each);
            if blocks > MAX_BLOCK_DEPTH {
                return Err(StaticIssue {
                    pos,
                    message: format!(
                        "This template nests blocks too deeply: more than {MAX_BLOCK_DEPTH} levels of {{{{#…}}}}. Flatten it."
                    ),
                });
            }
            if eaches > MAX_EACH_DEPTH {
                return Err(StaticIssue {
                    pos,
                    message: format!(
                        "This template repeats too much: {{{{#each}}}} is nested {eaches} deep, the limit is {MAX_EACH_DEPTH}. Each level multiplies the repeats (it would go over {MAX_REPEATS} repeats per message). Remove a nested {{{{#each}}}}."
                    ),
                });
            }
            for inner in [&ht.template, &ht.inverse].into_iter().flatten() {
                walk(inner, blocks, eaches, pos)?;
            }
        }
    }
    Ok(())
}

fn subexpr_depth(p: &Parameter) -> usize {
    match p {
        Parameter::Subexpression(s) => {
            let inner = s
                .params()
                .into_iter()
                .flatten()
                .chain(s.hash().into_iter().flat_map(|h| h.values()))
                .map(subexpr_depth)
                .max()
                .unwrap_or(0);
            1 + inner
        }
        _ => 0,
    }
}
