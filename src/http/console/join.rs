//! A route's "Members and join link" page: how many members it has per channel, and the join link
//! to share (copy button, QR code drawn on the server as SVG, a ready-to-paste text), or a button
//! that makes one.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use maud::{Markup, PreEscaped, html};

use super::html::{Section, button_form, seg, shown};
use super::{Fail, Posted, Scope};
use crate::http::AppState;
use crate::http::call;
use crate::service::codes;
use crate::service::subscriptions;

/// The QR code of `url` as inline SVG, sized for a phone camera at arm's length or on a flyer.
pub(super) fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(180, 180)
        .build();
    // Drop the XML declaration: the SVG goes inline into HTML.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg",
        "<svg role=\"img\" aria-label=\"QR code of the join link\"",
        1,
    ))
}

/// The share block of one join link: the link with a copy button, its QR code and a short text.
pub(super) fn share_block(route: &str, url: &str, id: &str) -> Markup {
    let text = format!("Want a message when \"{route}\" starts on Zoom? Sign up here: {url}");
    let (link_id, text_id) = (format!("join-{id}"), format!("text-{id}"));
    html! {
        div class="share" {
            p {
                label for=(link_id) { "Join link" } br;
                input id=(link_id) readonly value=(url) size="48";
                " "
                button type="button" data-copy=(link_id) { "Copy link" }
            }
            // Safe: the SVG is drawn by the qrcode crate from the link's bits; no text of the link
            // is in it.
            div class="qr" { (PreEscaped(qr_svg(url).unwrap_or_default())) }
            p {
                label for=(text_id) { "Text to share in your group's chat or newsletter" } br;
                textarea id=(text_id) readonly rows="3" cols="48" { (text) } br;
                button type="button" data-copy=(text_id) { "Copy text" }
            }
        }
    }
}

pub async fn show(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    sc: Scope,
) -> Result<Response, Fail> {
    let ctx = call::operator(&st);
    let route = ctx.get(&sc.app, &sc.account, &name).await?;
    let subs = subscriptions::list(&ctx, &sc.app, &sc.account).await?;
    let mine: Vec<_> = subs.iter().filter(|s| s.route == route.name).collect();
    let count = |kind: &str, state: Option<&str>| {
        mine.iter()
            .filter(|s| s.kind == kind && (state.is_none() || s.state.as_deref() == state))
            .count()
    };
    let links = codes::join_links(&ctx, &sc.app, &sc.account, &route.name).await?;
    let route_url = sc.url(&format!("/routes/{}", seg(&route.name)));
    let can_join = st.config.bot.is_some() || st.config.email.is_some();
    let b = html! {
        h2 { "Members" }
        ul {
            li { "Telegram: " (super::words::count(count("telegram", None), "member", "members")) }
            li {
                "Email: " (count("email", Some("confirmed"))) " confirmed, "
                (count("email", Some("paused"))) " paused, "
                (count("email", Some("waiting"))) " waiting for confirmation"
            }
        }
        p { a href=(sc.url("/subscriptions")) { "See every subscriber" } }
        h2 { "Join link" }
        p {
            "Share one link: each member picks Telegram or email on its page and manages their \
             own alerts. Email addresses must confirm before anything is sent. A link works until \
             you revoke its code."
        }
        @for l in &links {
            (share_block(&route.name, &l.url, &l.id))
            (button_form(
                &format!("{route_url}/codes/revoke"),
                sc.csrf(),
                "Stop this link",
                &[("id", &l.id)],
            ))
            p class="hint" {
                "Stopping it makes the link and its code useless; members who joined keep their \
                 alerts. You can make a new link afterwards."
            }
        }
        @if links.is_empty() {
            @if can_join {
                (button_form(
                    &format!("{route_url}/codes"),
                    sc.csrf(),
                    "Make a join link",
                    &[("kind", "subscribe")],
                ))
            } @else {
                p {
                    "Members cannot join by themselves yet: the relay has neither a Telegram bot \
                     nor email set up. Ask its operator."
                }
            }
        }
        p { a href=(route_url) { "Back to the route" } }
    };
    shown(
        &sc,
        Section::Routes,
        &format!("Members of {}", route.name),
        b,
    )
}

/// Stops one of the route's join links (revokes its subscribe code), then shows the page again.
pub async fn revoke(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let ctx = call::operator(&st);
    let route = ctx.get(&sc.app, &sc.account, &name).await?;
    let id = super::field(&form, "id").unwrap_or("");
    // Only a code of this route: the id names a code of this tenant, and its route must match.
    let owned = codes::join_links(&ctx, &sc.app, &sc.account, &route.name)
        .await?
        .into_iter()
        .any(|l| l.id == id);
    if !owned {
        return Err(Fail::not_found());
    }
    codes::revoke(&ctx, id, Some(&sc.app), Some(&sc.account)).await?;
    Ok(
        axum::response::Redirect::to(&sc.url(&format!("/routes/{}/members", seg(&route.name))))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_qr_code_is_inline_svg_with_a_label() {
        let svg = super::qr_svg("https://relay.example.org/join/abc").unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label="),
            "{}",
            &svg[..80]
        );
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
