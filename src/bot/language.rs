//! Which language the bot speaks with whom, and `/language`.
//!
//! A person's own choice (`/language de`, remembered per Telegram user id by the store, since
//! Telegram sends the app's language with every update) wins; then the `language_code` Telegram
//! sends in the update's `from`; then the relay's `[defaults] locale`. In a group the bot answers
//! each command in the language of whoever sent it.

use fluent_bundle::FluentValue;

use super::Bot;
use super::Reply;
use super::handlers::Origin;
use crate::i18n::Lang;
use crate::render::escape_html as esc;
use crate::store::StoreError;

/// What `/language` takes to forget a choice and follow the Telegram app again.
const AUTO: &[&str] = &["auto", "telegram", "reset", "default"];

/// The language for a user: `chosen` (their stored `/language` tag), else `telegram` (the update's
/// `language_code`), else the relay's default. A stored tag no catalogue speaks any more (a
/// language removed since) is passed over.
pub(super) fn for_user(chosen: Option<&str>, telegram: Option<&str>, bot: &Bot) -> Lang {
    chosen
        .and_then(Lang::from_tag)
        .or_else(|| telegram.and_then(Lang::from_tag))
        .or_else(|| Lang::from_tag(&bot.inner.config.default_locale))
        .unwrap_or_default()
}

/// `/language`: lists the languages and says which one is in use; `/language CODE` chooses one
/// for this user (in any chat); `/language auto` forgets the choice.
pub(super) async fn command(from: &Origin<'_>, arg: Option<&str>) -> Result<Reply, StoreError> {
    let db = from.db();
    let Some(arg) = arg.map(str::trim).filter(|a| !a.is_empty()) else {
        let chosen = db.bot_language(from.user_id).await?;
        let mine = chosen.as_deref().and_then(Lang::from_tag).is_some();
        return Ok(from.reply(listing(from.lang, mine)));
    };
    if AUTO.iter().any(|a| a.eq_ignore_ascii_case(arg)) {
        db.set_bot_language(from.user_id, None).await?;
        let lang = for_user(None, from.telegram_lang, from.bot);
        return Ok(from.reply(lang.t("bot-language-auto", &[name(lang)])));
    }
    // By code (`es`, `pt-BR`) or by the language's own name (`Deutsch`).
    let picked = Lang::from_tag(arg).or_else(|| {
        Lang::all()
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(arg))
    });
    let Some(lang) = picked else {
        let mut out = from.t("bot-language-unknown", &[("input", esc(arg).into())]);
        out.push_str("\n\n");
        out.push_str(&listing(from.lang, false));
        return Ok(from.reply(out));
    };
    db.set_bot_language(from.user_id, Some(lang.code())).await?;
    Ok(from.reply(lang.t("bot-language-set", &[name(lang)])))
}

fn name(lang: Lang) -> (&'static str, FluentValue<'static>) {
    ("name", esc(lang.name()).into())
}

/// Every language by its own name and code, which one is in use and why, and how to change it.
fn listing(current: Lang, chosen: bool) -> String {
    let mut out = format!("{}\n", current.tr("bot-language-title"));
    for l in Lang::all() {
        let mark = if l.code() == current.code() {
            " ✓"
        } else {
            ""
        };
        out.push_str(&format!(
            "• {} – <code>{}</code>{mark}\n",
            esc(l.name()),
            l.code()
        ));
    }
    let key = if chosen {
        "bot-language-chosen"
    } else {
        "bot-language-telegram"
    };
    out.push('\n');
    out.push_str(&current.t(key, &[name(current)]));
    out.push('\n');
    out.push_str(&current.tr("bot-language-how"));
    out
}
