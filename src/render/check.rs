//! Static checks on a compiled template.
//!
//! [`safety`] runs on every template before it renders: it refuses constructs that would bypass the
//! channel's escaping (`{{{triple}}}`, `{{&name}}`) or pull in text from elsewhere (partials,
//! decorators). [`names`] runs at validation: it resolves every path against the context's shape,
//! so a typo is caught even inside an `{{#if}}` branch that no sample event takes (handlebars'
//! strict mode only sees the branches it renders, and `if` never complains).

use handlebars::template::{Parameter, Template, TemplateElement, TemplateMapping};
use handlebars::{Path, PathSeg};
use serde_json::Value;

use super::helpers;

/// A problem found in a template, with its position when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub name: Option<String>,
    pub message: String,
}

type Pos = Option<(usize, usize)>;

fn issue(pos: Pos, name: Option<String>, message: String) -> Issue {
    Issue {
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
        name,
        message,
    }
}

fn positions(t: &Template, parent: Pos) -> impl Iterator<Item = (&TemplateElement, Pos)> {
    t.elements.iter().enumerate().map(move |(i, el)| {
        let pos = t
            .mapping
            .get(i)
            .map(|m: &TemplateMapping| (m.0, m.1))
            .or(parent);
        (el, pos)
    })
}

/// Refuses what would skip escaping or include foreign text.
pub fn safety(t: &Template) -> Result<(), Issue> {
    safety_in(t, None)
}

fn safety_in(t: &Template, parent: Pos) -> Result<(), Issue> {
    for (el, pos) in positions(t, parent) {
        match el {
            TemplateElement::HtmlExpression(_) => {
                return Err(issue(
                    pos,
                    None,
                    "`{{{…}}}` and `{{&…}}` would skip escaping; write `{{…}}`: values are escaped for this channel automatically".into(),
                ));
            }
            TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                return Err(issue(
                    pos,
                    None,
                    "partials (`{{> …}}`) are not supported in templates".into(),
                ));
            }
            TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                return Err(issue(
                    pos,
                    None,
                    "decorators (`{{* …}}`) are not supported in templates".into(),
                ));
            }
            TemplateElement::HelperBlock(ht) => {
                for inner in [&ht.template, &ht.inverse].into_iter().flatten() {
                    safety_in(inner, pos)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Resolves every path and helper name. `root` is the shape of the context (every key present).
pub fn names(t: &Template, root: &Value) -> Result<(), Issue> {
    names_in(t, Some(root), None)
}

/// `scope` is the shape of the current context object, or `None` where it is not statically known
/// (inside `each`, or a block with block params); paths there are left to strict mode.
fn names_in(t: &Template, scope: Option<&Value>, parent: Pos) -> Result<(), Issue> {
    for (el, pos) in positions(t, parent) {
        let ht = match el {
            TemplateElement::Expression(ht)
            | TemplateElement::HtmlExpression(ht)
            | TemplateElement::HelperBlock(ht) => ht,
            _ => continue,
        };
        let is_block = matches!(el, TemplateElement::HelperBlock(_));
        let helper = helper_name(&ht.name);
        let name_only = !is_block && ht.params.is_empty() && ht.hash.is_empty();
        match (&ht.name, helper) {
            // `{{meeting.topic}}`: a value, unless it names a helper called without arguments.
            (Parameter::Path(_), Some(h)) if name_only && helpers::is_helper(h) => {}
            (Parameter::Path(p), _) if name_only => check_path(p, scope, pos)?,
            (_, Some(h)) if !helpers::is_helper(h) => {
                return Err(issue(
                    pos,
                    Some(h.to_owned()),
                    format!("unknown helper `{h}`"),
                ));
            }
            (Parameter::Subexpression(_), _) => check_param(&ht.name, scope, pos)?,
            _ => {}
        }
        // `{{t "id"}}`: the sentence must exist, even in a branch no sample takes.
        if helper == Some("t")
            && let Some(Parameter::Literal(Value::String(id))) = ht.params.first()
            && !crate::i18n::Lang::has(id)
        {
            return Err(issue(
                pos,
                Some(id.clone()),
                format!(
                    "there is no sentence `{id}`; docs/languages.md says where they are listed"
                ),
            ));
        }
        for p in ht.params.iter().chain(ht.hash.values()) {
            check_param(p, scope, pos)?;
        }
        if !is_block {
            continue;
        }
        // The body's scope: `if`/`unless` keep it, `with x` moves into x, anything else is unknown.
        let body_scope = match (helper, ht.params.first()) {
            (Some("if" | "unless"), _) => scope,
            (Some("with"), Some(Parameter::Path(p))) if ht.block_param.is_none() => {
                resolve(p, scope).ok().flatten()
            }
            _ => None,
        };
        if let Some(body) = &ht.template {
            names_in(body, body_scope, pos)?;
        }
        if let Some(inverse) = &ht.inverse {
            names_in(inverse, scope, pos)?;
        }
    }
    Ok(())
}

pub(super) fn helper_name(p: &Parameter) -> Option<&str> {
    match p {
        Parameter::Name(n) => Some(n),
        Parameter::Path(Path::Relative((segs, _))) => match segs.as_slice() {
            [PathSeg::Named(n)] => Some(n),
            _ => None,
        },
        _ => None,
    }
}

fn check_param(p: &Parameter, scope: Option<&Value>, pos: Pos) -> Result<(), Issue> {
    match p {
        Parameter::Path(path) => check_path(path, scope, pos),
        Parameter::Subexpression(sub) => {
            let mut t = Template::new();
            t.elements.push(sub.as_element().clone());
            names_in(&t, scope, pos)
        }
        _ => Ok(()),
    }
}

fn check_path(p: &Path, scope: Option<&Value>, pos: Pos) -> Result<(), Issue> {
    resolve(p, scope).map(|_| ()).map_err(|(raw, known)| {
        let hint = suggest(&raw, &known)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        issue(
            pos,
            Some(raw.clone()),
            format!("unknown name `{raw}`{hint}"),
        )
    })
}

/// `Ok(Some(shape))` for a known path, `Ok(None)` when it cannot be checked statically, or the raw
/// path and the names that were possible where it went wrong.
fn resolve<'a>(
    p: &Path,
    scope: Option<&'a Value>,
) -> Result<Option<&'a Value>, (String, Vec<String>)> {
    let (Some(scope), Path::Relative((segs, raw))) = (scope, p) else {
        return Ok(None);
    };
    let mut node = scope;
    let mut prefix = Vec::new();
    for seg in segs {
        let PathSeg::Named(name) = seg else {
            // `../x`, `@root.x` and the like: left to strict mode.
            return Ok(None);
        };
        match node.as_object().and_then(|o| o.get(name)) {
            Some(next) => node = next,
            None => {
                let known = node
                    .as_object()
                    .map(|o| {
                        o.keys()
                            .map(|k| {
                                prefix
                                    .iter()
                                    .chain([k])
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(".")
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                return Err((raw.clone(), known));
            }
        }
        prefix.push(name.clone());
    }
    Ok(Some(node))
}

/// The closest known name, if it is close enough to be the intended one.
fn suggest(raw: &str, known: &[String]) -> Option<String> {
    let raw = raw.replace('/', ".");
    known
        .iter()
        .map(|k| (distance(&raw, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape() -> Value {
        json!({"event": null, "meeting": {"topic": null, "start_time": null}, "route": {"timezone": null}})
    }

    fn check(src: &str) -> Result<(), Issue> {
        let t = Template::compile(src).unwrap();
        safety(&t)?;
        names(&t, &shape())
    }

    #[test]
    fn known_names_and_helpers_pass() {
        check(r#"<b>{{meeting.topic}}</b> {{time meeting.start_time "%H" tz=route.timezone}}"#)
            .unwrap();
        check(
            "{{#if meeting.topic}}{{event}}{{else if event}}x{{else}}{{meeting.start_time}}{{/if}}",
        )
        .unwrap();
        check("{{#with meeting}}{{topic}}{{/with}} {{#each meeting}}{{anything}}{{/each}}")
            .unwrap();
        check(
            r#"{{default (truncate meeting.topic 3) "x"}} {{{{raw}}}}{{not checked}}{{{{/raw}}}}"#,
        )
        .unwrap();
    }

    #[test]
    fn typo_in_an_untaken_branch_is_found_with_its_position() {
        let e = check("line one\n{{#if event}}\n  {{meeting.topc}}\n{{/if}}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        assert_eq!(e.name.as_deref(), Some("meeting.topc"));
        assert_eq!(
            e.message,
            "unknown name `meeting.topc` (did you mean `meeting.topic`?)"
        );
    }

    #[test]
    fn typos_in_params_hashes_subexpressions_and_with_blocks() {
        assert_eq!(
            check("{{time meeting.strat_time}}")
                .unwrap_err()
                .name
                .as_deref(),
            Some("meeting.strat_time")
        );
        assert_eq!(
            check(r#"{{time meeting.start_time tz=route.tz}}"#)
                .unwrap_err()
                .name
                .as_deref(),
            Some("route.tz")
        );
        assert_eq!(
            check(r#"{{default (truncate meeting.tpic 3) "x"}}"#)
                .unwrap_err()
                .name
                .as_deref(),
            Some("meeting.tpic")
        );
        assert_eq!(
            check("{{#with meeting}}{{topik}}{{/with}}")
                .unwrap_err()
                .name
                .as_deref(),
            Some("topik")
        );
        assert_eq!(
            check("{{#unless metting}}x{{/unless}}")
                .unwrap_err()
                .name
                .as_deref(),
            Some("metting")
        );
    }

    #[test]
    fn unknown_helpers_are_named() {
        let e = check(r#"{{tme meeting.start_time "%H"}}"#).unwrap_err();
        assert_eq!(e.message, "unknown helper `tme`");
        assert!(check("{{#iff event}}x{{/iff}}").is_err());
    }

    #[test]
    fn escaping_bypasses_and_partials_are_refused() {
        for src in [
            "a {{{meeting.topic}}}",
            "{{&meeting.topic}}",
            "{{#if event}}{{{event}}}{{/if}}",
            "{{> footer}}",
            "{{#*inline \"x\"}}y{{/inline}}",
        ] {
            let t = Template::compile(src).unwrap();
            assert!(safety(&t).is_err(), "{src}");
        }
        let e = safety(&Template::compile("x\n {{{meeting.topic}}}").unwrap()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2)));
    }
}
