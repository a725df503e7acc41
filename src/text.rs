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
