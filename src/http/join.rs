//! The member pages: a route's join page (`/join/{code}`, `route_page.rs`), the email
//! confirmation (`/join/confirm/{token}`, `confirm.rs`) and the manage page of an address
//! (`/manage/{token}`, `manage.rs`), with `JoinThrottle` (`throttle.rs`), the bound on join posts
//! per client address. Public and readable on a phone, no scripts. Confirming and managing take a
//! POST, so a mail scanner that follows links changes nothing. What they do lives in
//! `service::join`; what the pages behind a member's signed link share (reading it, the page's
//! language and the member's record) in `link.rs`.
//!
//! Every page speaks the member's language: a `?lang=` link of the page's language switcher, else
//! the choice stored with their consent, else their browser's `Accept-Language`, else the route's
//! language ([`lang::choose_lang`]).

mod confirm;
mod lang;
mod link;
mod manage;
mod route_page;
mod throttle;

pub use confirm::{confirm, confirm_page};
pub use lang::Visit;
pub(super) use link::{Page, open, question, say};
pub use manage::{manage, manage_page};
pub use route_page::{request, show};
pub use throttle::JoinThrottle;
