//! The shape of a line of text: word counts, how it ends, bullets and quotes. Shared by the
//! marker classes ([`super::units`]), the line evidence ([`super::evidence`]) and the walk.

/// Longest line (in words) taken for a headline.
pub(super) const HEADLINE_MAX_WORDS: usize = 25;
/// Longest line (in words) taken for a title: portals print long headlines.
pub(super) const TITLE_MAX_WORDS: usize = 32;

/// Longest line (in words) whose closing two dots make it a headline.
const DOTTED_HEADLINE_MAX_WORDS: usize = 14;

/// How a line ends, closing quotes and brackets aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// A full stop or a continuing mark (`.`, `:`, `؛`, `،`, `,`): the end of prose.
    Stop,
    /// A question or exclamation mark: prose or a headline.
    Ask,
    /// The ellipsis character `…` (or `...` on lines of a teaser list, set by the evidence):
    /// where a site cut a teaser short.
    Trail,
    /// No punctuation, or the two dots that close a short headline (`..`, `….`).
    Open,
}

/// `text` without the spaces, closing quotes and brackets after its last word.
pub(super) fn without_closers(text: &str) -> &str {
    text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '»' | '”' | '’' | ')' | ']' | '}')
    })
}

/// How `text` ends ([`End`]).
pub(super) fn end_of(text: &str) -> End {
    let t = without_closers(text);
    let asked = t
        .strip_suffix('.')
        .is_some_and(|u| u.ends_with(['!', '?', '؟']));
    // Two dots (or an ellipsis and a dot) close a short headline, not a sentence: `… الأطفال..`
    // (a paragraph may trail off so, and a chain of phrases joined by `..` is a ticker's).
    let closing = t
        .strip_suffix("..")
        .filter(|u| !u.ends_with('.'))
        .or_else(|| t.strip_suffix("…."));
    let headline_dots = closing.is_some_and(|u| !u.contains("..") && !u.contains('…'))
        && words_upto(t, DOTTED_HEADLINE_MAX_WORDS) <= DOTTED_HEADLINE_MAX_WORDS;
    if t.ends_with('…') {
        End::Trail
    } else if headline_dots {
        End::Open
    } else if asked {
        End::Ask
    } else if t.ends_with(['.', '۔', '؛', ':', '،', ',', ';']) {
        End::Stop
    } else if t.ends_with(['!', '?', '؟']) {
        End::Ask
    } else {
        End::Open
    }
}

/// True when the text ends like a sentence (`.`, `!`, `؟`, `…`, `:` …), closing quotes aside.
pub(super) fn ends_sentence(text: &str) -> bool {
    end_of(text) != End::Open
}

/// A headline introduced by a marker (after `اقرأ أيضاً`, in a list): short, and not closed
/// by a full stop or a comma; question and exclamation marks are allowed.
pub(super) fn linked_headline(text: &str) -> bool {
    (1..=HEADLINE_MAX_WORDS).contains(&words_upto(text, HEADLINE_MAX_WORDS))
        && !text.trim_end().ends_with(['.', '،', ',', '؛'])
}

/// A digit as news pages write them: Western, Arabic-Indic or Persian (`7`, `٧`, `۷`), told
/// without the Unicode tables (`char::is_numeric` looks every Arabic letter up in them).
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06f0}'..='\u{06f9}')
}

/// A letter of the Arabic block (hamza to yeh, tatweel included; not its digits or marks).
pub(super) fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c)
}

/// Whether `text` opens with the words of `head`: `head`, then a space (a label at the head of
/// a line's key, a headline's first words). The byte after `head` is tested first: it rules out
/// most heads without comparing their bytes.
pub(super) fn opens_with(text: &str, head: &str) -> bool {
    text.as_bytes().get(head.len()) == Some(&b' ') && text.starts_with(head)
}

/// Whether `key` is one of `labels` or opens with one of them ([`opens_with`]).
pub(super) fn opens_with_label(key: &str, labels: &[String]) -> bool {
    labels.iter().any(|lk| key == lk || opens_with(key, lk))
}

/// Words separated by Unicode white space (as `split_whitespace`).
pub(super) fn word_count(text: &str) -> usize {
    words_upto(text, usize::MAX - 1)
}

/// Words separated by Unicode white space (as `split_whitespace`), counted up to `limit + 1`
/// (enough to compare with `limit`); printable ASCII and the Arabic block are recognised as
/// non-space without the Unicode table.
pub(super) fn words_upto(text: &str, limit: usize) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let space = match c as u32 {
            0x21..=0x7E | 0x0600..=0x06FF => false,
            _ => c.is_whitespace(),
        };
        if !space && !in_word {
            count += 1;
            if count > limit {
                break;
            }
        }
        in_word = !space;
    }
    count
}

/// Words that leave a sentence waiting for what follows (`… وبإشراف من`): a line ending with
/// one is the first half of a sentence broken over two lines, never a headline.
const HANGING_WORDS: [&str; 14] = [
    "من", "في", "إلى", "الى", "على", "عن", "مع", "و", "أن", "ان", "التي", "الذي", "لدى", "عبر",
];

/// Whether the line's last word is one that cannot close a sentence or a headline
/// ([`HANGING_WORDS`]).
pub(super) fn hangs(text: &str) -> bool {
    without_closers(text)
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| HANGING_WORDS.contains(&w))
}

/// Whether the line is wrapped in emphasis stars (`*عنوان المقال*`, as messaging apps mark
/// bold): a line set in bold, not a list item.
pub(super) fn emphasised(text: &str) -> bool {
    let t = text.trim();
    t.len() > 2 && t.starts_with('*') && without_closers(t).ends_with('*')
}

/// The text without the emphasis stars wrapped around it ([`emphasised`]).
pub(super) fn without_emphasis(text: &str) -> &str {
    if emphasised(text) {
        text.trim()
            .trim_matches(|c: char| c == '*' || c.is_whitespace())
    } else {
        text
    }
}

/// The text without a markdown heading's marks (`## العنوان`, as crawlers render an `h2`): two
/// to six `#` and a space. One `#` and a space stays: captures also print a hashtag so
/// (`# الرياضة`, a tag).
pub(super) fn without_heading_marks(text: &str) -> &str {
    let t = text.trim_start();
    let marks = t.len() - t.trim_start_matches('#').len();
    match t[marks..].strip_prefix(' ') {
        Some(rest) if (2..=6).contains(&marks) => rest.trim_start(),
        _ => text,
    }
}

/// The text without a leading list bullet (`•`, `-`, `*`, …) and the spaces after it; a line
/// wrapped in emphasis stars ([`emphasised`]) has none.
pub(super) fn strip_bullet(text: &str) -> &str {
    if emphasised(text) {
        return text;
    }
    let t = text.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '•' | '▪'
                    | '◾'
                    | '●'
                    | '○'
                    | '·'
                    | '*'
                    | '►'
                    | '■'
                    | '◆'
                    | '‣'
                    | '-'
                    | '–'
                    | '—'
            )
    });
    if t.len() == text.len() {
        text
    } else {
        t
    }
}

/// The text before the round brackets closing a line and what they hold (`المدينة (الوكالة)`).
pub(super) fn round_brackets(text: &str) -> Option<(&str, &str)> {
    text.strip_suffix(')')?.rsplit_once('(')
}

/// The text without surrounding quotes, spaces and a final full stop.
pub(super) fn strip_quotes(text: &str) -> &str {
    text.trim().trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '«' | '»' | '“' | '”' | '„' | '‘' | '’' | '.'
            )
    })
}

pub(super) use crate::extract::markers::is_function_word;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_splits_on_unicode_white_space() {
        for t in [
            "",
            " ",
            "قال  المتحدث\u{00A0}نعم",
            "a\u{2003}b\tc\u{000B}d ",
            "،،  ؟",
        ] {
            let n = t.split_whitespace().count();
            assert_eq!(word_count(t), n, "{t:?}");
            for limit in 0..4 {
                assert_eq!(words_upto(t, limit), n.min(limit + 1), "{t:?} {limit}");
            }
        }
    }

    #[test]
    fn a_line_hanging_on_a_preposition_is_told_from_a_headline() {
        assert!(hangs("بالتعاون مع كلية الطب، وبإشراف من"));
        assert!(!hangs("افتتاح مركز صحي جديد في المدينة"));
        assert!(!hangs("ما الذي يحمي العامل؟"));
    }

    #[test]
    fn emphasis_stars_are_no_bullet() {
        assert_eq!(strip_bullet("*سوق الماشية*"), "*سوق الماشية*");
        assert_eq!(without_emphasis("*سوق الماشية*"), "سوق الماشية");
        assert_eq!(strip_bullet("* بند أول"), "بند أول");
        assert_eq!(without_emphasis("* بند أول"), "* بند أول");
    }

    #[test]
    fn line_ends_are_told_apart() {
        assert_eq!(end_of("قال الوزير إن الاتفاق قريب."), End::Stop);
        assert_eq!(end_of("هل تنجح الوساطة؟"), End::Ask);
        assert_eq!(end_of("وقال الوزير إن الحكومة…"), End::Trail);
        assert_eq!(end_of("هي العشق....."), End::Stop);
        assert_eq!(end_of("الوزارة تطلق حملة التطعيم.."), End::Open);
        assert_eq!(end_of("الغلاء يطال الأعراس…."), End::Open);
        assert_eq!(end_of("«الصحة» تعلن حصيلة جديدة"), End::Open);
        assert_eq!(end_of("قال: «نعم.»"), End::Stop);
    }
}
