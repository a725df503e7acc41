//! Matching and planning: which routes fire for an event, and which targets get a message.

use std::collections::HashSet;

use super::{Destination, Route, Target};
use crate::zoom::{EventKind, ZoomEvent};

/// What matching looks at. `topic` may come from meeting memory when the event lacks it
/// (meeting.updated carries only changed fields).
#[derive(Debug, Clone)]
pub struct MatchInput<'a> {
    pub app_id: &'a str,
    pub account_id: &'a str,
    pub kind: &'a EventKind,
    pub meeting_id: Option<u64>,
    pub host_id: Option<&'a str>,
    pub topic: Option<&'a str>,
}

impl<'a> MatchInput<'a> {
    pub fn from_event(
        app_id: &'a str,
        event: &'a ZoomEvent,
        memory_topic: Option<&'a str>,
    ) -> Self {
        let m = event.meeting();
        MatchInput {
            app_id,
            account_id: event.account_id.as_deref().unwrap_or(""),
            kind: &event.kind,
            meeting_id: m.and_then(|m| m.id),
            host_id: m.and_then(|m| m.host_id.as_deref()),
            topic: m.and_then(|m| m.topic.as_deref()).or(memory_topic),
        }
    }
}

/// Whether `route` fires for `input`. Filters combine with AND; an empty list filter matches all.
pub fn matches(route: &Route, input: &MatchInput<'_>) -> bool {
    if !route.enabled || route.app_id != input.app_id || route.account_id != input.account_id {
        return false;
    }
    if !route.events.iter().any(|e| e == input.kind.as_str()) {
        return false;
    }
    if !route.meeting_ids.is_empty()
        && !input
            .meeting_id
            .is_some_and(|id| route.meeting_ids.contains(&id))
    {
        return false;
    }
    if !route.host_ids.is_empty()
        && !input
            .host_id
            .is_some_and(|h| route.host_ids.iter().any(|x| x == h))
    {
        return false;
    }
    if let Some(needle) = &route.topic_contains {
        let Some(topic) = input.topic else {
            return false;
        };
        if !topic.to_lowercase().contains(&needle.to_lowercase()) {
            return false;
        }
    }
    if let Some(re) = &route.topic_regex {
        let Some(topic) = input.topic else {
            return false;
        };
        let Ok(re) = regex::RegexBuilder::new(re)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        else {
            return false;
        };
        if !re.is_match(topic) {
            return false;
        }
    }
    true
}

/// One message to produce: the route that renders it and the target it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<'r> {
    pub route: &'r Route,
    pub target: Target,
    /// The target came from a member's personal subscription (email or Telegram).
    pub member: bool,
}

/// Every matching route fires; each target appears once, owned by the first matching route in name
/// order. Returns the plan and the routes that matched, in name order.
pub fn plan<'r>(routes: &'r [Route], input: &MatchInput<'_>) -> (Vec<Planned<'r>>, Vec<&'r Route>) {
    let mut sorted: Vec<&Route> = routes.iter().filter(|r| matches(r, input)).collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for route in sorted.iter().copied() {
        for d in &route.destinations {
            let member = matches!(
                d,
                Destination::Email { member: true, .. }
                    | Destination::Telegram { member: true, .. }
            );
            for target in d.targets() {
                if seen.insert(target.key()) {
                    out.push(Planned {
                        route,
                        target,
                        member,
                    });
                }
            }
        }
    }
    (out, sorted)
}
