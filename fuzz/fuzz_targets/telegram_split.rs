//! The Telegram fitter (render::telegram::fit), splitter (delivery::telegram::split_html) and the
//! plain-text fallback on arbitrary HTML and limits.
//!
//! Input layout: bytes 0-1 the limit (u16, little endian, reduced modulo 5000); the rest is the
//! HTML (invalid UTF-8 replaced).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_relay::delivery::telegram::{plain_fallback, split_html};
use zoom_relay::render::telegram::{MAX_LEN, check, fit, to_plain_text, visible_len};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let max = u16::from_le_bytes([data[0], data[1]]) as usize % 5000;
    let html = String::from_utf8_lossy(&data[2..]);
    let valid = check(&html).is_ok();

    let short = fit(&html, max);
    assert!(
        visible_len(&short) <= max.max(1),
        "fit({max}) too long: {short:?}"
    );
    if visible_len(&html) <= max {
        assert_eq!(short, html, "fit changed a message within the limit");
    }
    if valid {
        check(&short).unwrap_or_else(|e| panic!("fit({max}) broke valid HTML ({e}): {short:?}"));
    }

    let parts = split_html(&html, max);
    assert!(!parts.is_empty());
    if visible_len(&html) <= max {
        assert_eq!(parts, vec![html.to_string()]);
    } else {
        for p in &parts {
            assert!(visible_len(p) <= max.max(2), "part over {max}: {p:?}");
            assert!(!p.is_empty(), "empty part");
        }
    }
    if valid {
        for p in &parts {
            check(p).unwrap_or_else(|e| panic!("split({max}) made an invalid part ({e}): {p:?}"));
        }
        let joined: String = parts.iter().map(|p| visible_text(p)).collect();
        assert_eq!(joined, visible_text(&html), "split lost or added text");
    }

    let _ = to_plain_text(&html);
    for p in parts.iter().take(4) {
        let plain = plain_fallback(p);
        assert!(
            plain.encode_utf16().count() <= MAX_LEN,
            "fallback over the limit"
        );
    }
});

/// Text as Telegram shows it, computed without the splitter's tokenizer: tags dropped, entities
/// decoded (only meaningful for HTML that `check` accepts).
fn visible_text(html: &str) -> String {
    let mut stripped = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => stripped.push(c),
            _ => {}
        }
    }
    to_plain_text(&stripped)
}
