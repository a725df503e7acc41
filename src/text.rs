//! Plain text helpers with no knowledge of any other module, so every layer may use them.

/// Caps a response snippet at 2 KB on a character boundary.
pub fn snippet(s: &str) -> String {
    if s.len() <= 2048 {
        return s.to_string();
    }
    let mut end = 2048;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// An error and its causes on one line ("error sending request: connection refused"): the top
/// error of reqwest or lettre alone says nothing about what went wrong. A cause whose text the
/// line already holds is not repeated.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = err.source();
    }
    out
}
