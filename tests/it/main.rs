//! The one integration-test binary: real HTTP on loopback against a relay started in-process with
//! `zoom_relay::run`, or against the real `zoom-relay` binary where a process boundary matters
//! (crash safety, the CLI). One module per capability.

mod api;
mod at_rest;
mod bot;
mod browser;
mod cluster;
mod config_cli;
mod console;
mod crash_delivery;
mod crash_recovery;
mod email;
mod fake_telegram;
mod fake_zoom;
mod fsync_failure;
mod helpers;
mod hook_receiver;
mod installs;
mod intake;
mod join;
mod journal_crash;
mod layering;
mod ops;
mod outbox_race;
mod own_bots;
mod own_bots_ops;
mod pg_backup;
mod pg_cluster;
mod pg_pacing;
mod pg_server;
mod pgdb;
mod postgres;
mod rig;
mod route_race;
mod routing;
mod secrets_in_logs;
mod signature_props;
mod slow_clients;
mod smtp_peer;
mod ssrf;
mod telegram;
mod template_budget;
mod tenant_destinations;
mod webhook;
