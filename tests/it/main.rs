//! The one integration-test binary: real HTTP on loopback against a relay started in-process with
//! `zoom_relay::run`, or against the real `zoom-relay` binary where a process boundary matters
//! (crash safety, the CLI). One module per capability.

mod config_cli;
mod crash_delivery;
mod email;
mod fake_telegram;
mod helpers;
mod intake;
mod routing;
mod signature_props;
mod smtp_peer;
mod telegram;
mod webhook;
