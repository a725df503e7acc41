use chrono::{TimeZone, Utc};

use super::*;

fn vars_of(code: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = CATALOGUES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, s)| *s)
        .unwrap();
    message_variables(src).unwrap_or_else(|e| panic!("locales/{code}.ftl: {e}"))
}

#[test]
fn every_catalogue_loads_and_has_exactly_the_reference_messages() {
    assert!(CATALOGUES.len() >= 7, "at least seven languages ship");
    let reference = vars_of(REFERENCE);
    for (code, _) in CATALOGUES {
        let vars = vars_of(code);
        let missing: Vec<_> = reference
            .keys()
            .filter(|k| !vars.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "locales/{code}.ftl lacks {missing:?}");
        let extra: Vec<_> = vars
            .keys()
            .filter(|k| !reference.contains_key(*k))
            .collect();
        assert!(
            extra.is_empty(),
            "locales/{code}.ftl has unknown messages {extra:?}"
        );
        for (id, used) in &vars {
            let unknown: Vec<_> = used.difference(&reference[id]).collect();
            assert!(
                unknown.is_empty(),
                "locales/{code}.ftl: {id} refers to unknown variables {unknown:?}"
            );
        }
    }
    // Loading checks meta-direction and meta-locale-data of every catalogue.
    assert_eq!(Lang::all().len(), CATALOGUES.len());
}

#[test]
fn every_message_formats_without_errors_in_every_language() {
    let reference = vars_of(REFERENCE);
    for lang in Lang::all() {
        let bundle = &lang.entry().bundle;
        for (id, vars) in &reference {
            let mut args = FluentArgs::new();
            for v in vars {
                args.set(v.as_str(), FluentValue::from(2));
            }
            let msg = bundle.get_message(id).unwrap();
            let mut errs = Vec::new();
            let out = bundle.format_pattern(msg.value().unwrap(), Some(&args), &mut errs);
            assert!(errs.is_empty(), "{}: {id}: {errs:?}", lang.code());
            assert!(!out.trim().is_empty(), "{}: {id} is empty", lang.code());
        }
    }
}

#[test]
fn tags_negotiate_to_catalogues_with_regional_dates() {
    assert_eq!(Lang::from_tag("es").unwrap().code(), "es");
    assert_eq!(Lang::from_tag("ES-mx").unwrap().code(), "es");
    assert_eq!(Lang::from_tag("pt_BR").unwrap().code(), "pt");
    assert_eq!(Lang::from_tag("xx"), None);
    assert_eq!(Lang::from_tag("not a tag"), None);
    assert_eq!(Lang::negotiate(["xx", "de-AT", "fr"]).code(), "de");
    assert_eq!(Lang::negotiate(["xx"]).code(), "en");
    assert!(Lang::from_tag("ar").unwrap().is_rtl());
    assert_eq!(Lang::from_tag("ar").unwrap().dir(), "rtl");
    assert_eq!(Lang::english().dir(), "ltr");
}

#[test]
fn accept_language_orders_by_quality() {
    assert_eq!(
        accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
        ["fr-CH", "fr", "en", "de"]
    );
    assert_eq!(accept_language("en;q=0.1, es"), ["es", "en"]);
    assert_eq!(accept_language("de;q=0, ru"), ["ru"]);
    assert!(accept_language("").is_empty());
}

#[test]
fn dates_use_the_languages_names_and_clock() {
    // A Tuesday.
    let t = Utc.with_ymd_and_hms(2026, 12, 8, 23, 30, 0).unwrap();
    let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let madrid: chrono_tz::Tz = "Europe/Madrid".parse().unwrap();
    let en = Lang::english();
    let es = Lang::from_tag("es").unwrap();
    let de = Lang::from_tag("de").unwrap();
    assert_eq!(
        format_time(t, ny, en, TimeStyle::DateTime),
        "Tuesday, December 8 at 6:30 PM EST"
    );
    let es_out = format_time(t, madrid, es, TimeStyle::DateTime);
    assert!(es_out.contains("miércoles"), "{es_out}");
    assert!(es_out.contains("00:30"), "{es_out}");
    assert_eq!(format_time(t, ny, es, TimeStyle::Time), "18:30 EST");
    assert!(format_time(t, ny, de, TimeStyle::Pattern("%A")).contains("Dienstag"));
    // A region picks its clock: British English writes 24-hour times.
    let gb = Lang::from_tag("en-GB").unwrap();
    assert_eq!(gb.code(), "en");
    assert_eq!(format_time(t, ny, gb, TimeStyle::Time), "18:30 EST");
}

#[test]
fn relative_times_use_plural_rules() {
    let now = Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).unwrap();
    let en = Lang::english();
    let de = Lang::from_tag("de").unwrap();
    let ru = Lang::from_tag("ru").unwrap();
    let m = |n: i64| now + chrono::Duration::minutes(n);
    assert_eq!(relative(m(10), now, en), "in 10 minutes");
    assert_eq!(relative(m(1), now, en), "in 1 minute");
    assert_eq!(relative(m(-10), now, de), "vor 10 Minuten");
    assert_eq!(relative(now, now, en), "just now");
    assert_eq!(relative(m(-180), now, en), "3 hours ago");
    assert_eq!(relative(m(2 * 24 * 60), now, en), "in 2 days");
    // Russian has three plural forms.
    assert_eq!(relative(m(-1), now, ru), "1 минуту назад");
    assert_eq!(relative(m(-3), now, ru), "3 минуты назад");
    assert_eq!(relative(m(-5), now, ru), "5 минут назад");
    assert_eq!(duration_minutes(90, en), "1 h 30 min");
}

#[test]
fn missing_messages_fall_back_to_english() {
    let es = Lang::from_tag("es").unwrap();
    assert_eq!(es.tr("no-such-message"), "no-such-message");
    assert!(Lang::has("alert-untitled"));
}

#[test]
fn overrides_are_checked_against_the_reference() {
    let ok = check_override("alert-untitled = Reunión sin nombre\n").unwrap();
    let es = Lang::from_tag("es").unwrap();
    assert_eq!(
        es.t_over(Some(&ok), "alert-untitled", &[]),
        "Reunión sin nombre"
    );
    // Messages not overridden come from the catalogue.
    assert_ne!(es.t_over(Some(&ok), "alert-join", &[]), "alert-join");
    let e = check_override("alert-nope = x\n").unwrap_err();
    assert!(e.contains("no message `alert-nope`"), "{e}");
    let e = check_override("alert-started-subject = { $title }\n").unwrap_err();
    assert!(e.contains("{ $title }") && e.contains("{ $topic }"), "{e}");
    let e = check_override("alert-join = { $url }\n").unwrap_err();
    assert!(e.contains("given no values"), "{e}");
    let e = check_override("this is not fluent").unwrap_err();
    assert!(e.contains("not Fluent syntax"), "{e}");
}
