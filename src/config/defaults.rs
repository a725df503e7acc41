//! `[defaults]`: relay-wide defaults for what a route leaves unset.

use serde::Deserialize;

use super::Errors;
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    locale: Option<String>,
}

/// The language of alerts from routes without a `locale` (a BCP 47 tag with a catalogue, such as
/// `es` or `pt-BR`); English when unset.
pub(super) fn validate(raw: RawDefaults, e: &mut Errors) -> String {
    match raw.locale.as_deref().map(str::trim) {
        None | Some("") => "en".to_owned(),
        Some(tag) => match Lang::from_tag(tag) {
            Some(_) => tag.to_owned(),
            None => {
                let known: Vec<&str> = Lang::all().into_iter().map(Lang::code).collect();
                e.push(
                    "defaults.locale",
                    format!("{tag:?} is not a language the relay speaks"),
                    format!(
                        "use one of {} (a region may follow, like pt-BR), or add locales/LANG.ftl",
                        known.join(", ")
                    ),
                );
                "en".to_owned()
            }
        },
    }
}
