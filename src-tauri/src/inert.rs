//! Makes text spotkey did not write itself (Spotify's answers, the keychain's, the
//! environment's) safe to show as part of one terminal line: nothing in it can move the cursor,
//! recolour the terminal, start a new line, reorder what follows, or run on for pages.
//! JSON output does not use this: serde_json escapes control characters and keeps the text exact.
use std::borrow::Cow;

/// Display names, user ids, emails and other short profile fields.
pub const NAME: usize = 100;
/// Error descriptions and messages from Spotify, the keychain or the system.
pub const DESCRIPTION: usize = 200;
/// Paths and other values taken from the environment.
pub const PATH: usize = 300;
/// A whole error sentence spotkey wrote around outside values (a last line of defence).
pub const SENTENCE: usize = 1000;

/// What a character that must not reach the terminal is shown as.
pub const REPLACEMENT: char = '\u{FFFD}';
const ELLIPSIS: char = '…';

/// `text` with every dangerous character replaced by U+FFFD and at most `max_chars` characters
/// (the last one an ellipsis when it was shortened). Borrows when nothing had to change.
pub fn line(text: &str, max_chars: usize) -> Cow<'_, str> {
    let too_long = text.chars().nth(max_chars).is_some();
    if !too_long && !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let keep = if too_long {
        max_chars.saturating_sub(1)
    } else {
        max_chars
    };
    let mut out: String = text
        .chars()
        .take(keep)
        .map(|c| if is_dangerous(c) { REPLACEMENT } else { c })
        .collect();
    if too_long && max_chars > 0 {
        out.push(ELLIPSIS);
    }
    Cow::Owned(out)
}

/// Characters a terminal acts on or that change how the rest of the line reads.
pub fn is_dangerous(c: char) -> bool {
    // C0 controls (ESC, BEL, CR, LF, NUL, TAB, …), DEL and the C1 controls U+0080–U+009F.
    c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            // Line and paragraph separators: some terminals and viewers break the line there.
            '\u{2028}' | '\u{2029}'
            // Invisible characters that hide or split text without showing anything
            // (zero-width space, word joiner, invisible operators, BOM, interlinear annotation).
            // ZWJ/ZWNJ stay: emoji and several scripts need them and they move nothing.
            | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Unicode bidirectional formatting characters: they can make a line display in an order
/// other than the one it is written in (a forged name, or a sentence read backwards).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_replaced_with_a_visible_mark() {
        let hostile =
            "Ada\x1b[31m\x07\r\n\0\x7f\u{9b}31m\u{202E}nimda\u{2066}\u{200F}\u{061C}\u{2028}";
        let shown = line(hostile, NAME);
        assert_eq!(
            shown,
            "Ada\u{FFFD}[31m\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}31m\u{FFFD}nimda\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert!(!shown.chars().any(|c| c.is_control()));
    }

    #[test]
    fn ordinary_names_are_shown_unchanged_and_not_copied() {
        for name in ["Ada Lovelace", "Zoë", "Мария", "山田太郎", "👩‍💻 dev", "علي"]
        {
            assert!(matches!(line(name, NAME), Cow::Borrowed(n) if n == name));
        }
    }

    #[test]
    fn long_text_is_cut_at_a_character_with_an_ellipsis() {
        let long = "é".repeat(10_000);
        let shown = line(&long, NAME);
        assert_eq!(shown.chars().count(), NAME);
        assert!(shown.ends_with('…'));
        assert!(shown.starts_with("éé"));
        let exact = "x".repeat(NAME);
        assert_eq!(line(&exact, NAME), exact);
    }

    #[test]
    fn no_input_or_limit_can_make_it_panic() {
        let samples = ["", "\u{10FFFF}", "a\u{0301}", "🏳️‍🌈", "\x1b", "ab"];
        for text in samples {
            for max in [0, 1, 2, 3, usize::MAX] {
                let shown = line(text, max);
                assert!(shown.chars().count() <= max);
            }
        }
        assert_eq!(line("abc", 0), "");
        assert_eq!(line("abc", 1), "…");
    }
}
