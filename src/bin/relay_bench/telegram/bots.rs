//! `telegram_fanout_bots`: one `meeting.started` per community to N personal chats spread over
//! four communities that each connected their own bot. Telegram's 30 messages a second are per
//! bot, so the four bots together may send four times as fast: the bound is ⌈N/4⌉/30 s, counted
//! from the first webhook's 200 to the fake accepting the last of the N messages, with zero 429s.
//! The bots are connected through the relay's API (`PUT /api/v1/telegram/bot`), as organizers do.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::json;

use super::fake::{FakeTelegram, OVERALL_PER_SEC};
use super::{
    FanoutMeasure, FanoutSetup, Signer, chats_reached, client, post, telegram_metric, with_relay,
};
use crate::{Ctx, Report};

/// The communities' bots; the fake accepts these besides the shared bot's token.
pub const OWN_TOKENS: [&str; 4] = [
    "7000001:relay-bench-own-bot-token-1",
    "7000002:relay-bench-own-bot-token-2",
    "7000003:relay-bench-own-bot-token-3",
    "7000004:relay-bench-own-bot-token-4",
];

fn account(k: usize) -> String {
    format!("bench-bots-{k}")
}

fn bot_id(k: usize) -> i64 {
    7_000_001 + k as i64
}

/// Community `k` gets chats `c` with `(c - 1) % 4 == k`, each through its own bot.
fn routes(n: usize) -> String {
    let mut out = String::new();
    for k in 0..OWN_TOKENS.len() {
        out.push_str(&format!(
            "[[routes]]\nname = \"bench: own bot {k}\"\napp_id = \"default\"\naccount_id = \"{}\"\n\
             events = [\"meeting.started\"]\n",
            account(k)
        ));
        for c in (1..=n as i64).filter(|c| (*c as usize - 1) % OWN_TOKENS.len() == k) {
            out.push_str(&format!(
                "\n  [[routes.destinations]]\n  kind = \"telegram\"\n  chat_id = {c}\n  bot = {}\n",
                bot_id(k)
            ));
        }
        out.push('\n');
    }
    out
}

async fn connect(client: &reqwest::Client, addr: SocketAddr, admin: &str) -> anyhow::Result<()> {
    for (k, token) in OWN_TOKENS.iter().enumerate() {
        let resp = client
            .put(format!("http://{addr}/api/v1/telegram/bot"))
            .query(&[("account", account(k))])
            .bearer_auth(admin)
            .json(&json!({ "token": token }))
            .send()
            .await
            .context("connecting a bot")?;
        let status = resp.status();
        anyhow::ensure!(
            status.is_success(),
            "connecting bot {k}: {status} {}",
            resp.text().await.unwrap_or_default()
        );
    }
    Ok(())
}

pub async fn fanout_bots(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let scenario = "telegram_fanout_bots";
    let n = ctx.opts.fanout;
    let bots = OWN_TOKENS.len();
    let load_before = crate::load_avg();
    let signer = Signer::new()?;
    let admin = crate::servers::bench_config(std::path::Path::new("unused"))?
        .security
        .admin_token
        .context("the bench config has no admin_token")?
        .expose_secret()
        .to_string();
    let events = (0..bots)
        .map(|k| signer.event_for(&account(k), 7_100_000_000 + k as u64, k as u64))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bound = Duration::from_secs_f64(n.div_ceil(bots) as f64 / OVERALL_PER_SEC as f64);
    let allowance = bound * 2 + Duration::from_secs(20);
    ctx.progress(&format!(
        "{scenario}: {n} chats over {bots} communities' own bots, bound {:.1} s",
        bound.as_secs_f64()
    ));
    let (m, per_bot) = with_relay(routes(n), async |fake: &FakeTelegram, addr: SocketAddr| {
        let client = client()?;
        connect(&client, addr, &admin).await?;
        let mut acked = None;
        for e in &events {
            post(&client, addr, e).await?;
            acked.get_or_insert_with(Instant::now);
        }
        let acked = acked.context("no event")?;
        let complete = fake
            .wait_for(acked + allowance, |s| chats_reached(s) >= n)
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let deferrals = telegram_metric(&client, addr, "delivery_deferrals_total").await;
        Ok(fake.with(|s| {
            let per_bot: Vec<usize> = OWN_TOKENS
                .iter()
                .map(|t| s.accepted_by.get(*t).copied().unwrap_or(0))
                .collect();
            (
                FanoutMeasure::new(s, acked, n, complete, deferrals),
                per_bot,
            )
        }))
    })
    .await?;
    let extra = json!({ "bots": bots, "messages_per_bot": per_bot });
    let setup = FanoutSetup { bots: Some(bots) };
    Ok(m.report(scenario, n, bound, setup, extra, load_before))
}
