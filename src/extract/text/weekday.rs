//! A numeric date whose day and month could be swapped (`03/11/2025`: the third of November
//! or the eleventh of March) read the way the lead's weekday confirms (`… اليوم الثلاثاء …`):
//! portals print either order, and the weekday the lead names for "today" tells them apart.
//! The same weekday unmasks a masthead's date of the day printed over a story of another day.

use crate::extract::dates::{day_of_week, weekday_of};

/// `date` (RFC 3339, read from `stamp`) with its day and month swapped when `stamp` prints it
/// as two numbers up to 12 and a four-digit year, and only the swapped reading falls on the
/// weekday the lead gives for "today" (`اليوم الأربعاء`, found in `lead_keys`).
pub(super) fn confirmed<'k>(
    date: String,
    stamp: &str,
    lead_keys: impl IntoIterator<Item = &'k str>,
) -> String {
    let Some((a, b, year)) = ambiguous_numbers(stamp) else {
        return date;
    };
    let Some(today) = lead_keys.into_iter().find_map(stated_weekday) else {
        return date;
    };
    let Some((y, m, d)) = ymd(&date) else {
        return date;
    };
    if y != year || !((m, d) == (a, b) || (m, d) == (b, a)) {
        return date;
    }
    if day_of_week(y, m, d) == today || day_of_week(y, d, m) != today {
        return date;
    }
    let rest = date.get(10..).unwrap_or("");
    format!("{y:04}-{d:02}-{m:02}{rest}")
}

/// The year, month and day of an RFC 3339 date (`2025-11-03T…`).
fn ymd(date: &str) -> Option<(u32, u32, u32)> {
    let part = |r: std::ops::Range<usize>| date.get(r).and_then(|s| s.parse::<u32>().ok());
    Some((part(0..4)?, part(5..7)?, part(8..10)?))
}

/// Whether the lead gives a weekday for "today" (`اليوم السبت`, found in `lead_keys`) that
/// `date` (RFC 3339, read from `stamp`) does not fall on, read either way when `stamp` prints
/// its day and month as two numbers up to 12: a masthead's date of the day over a story of
/// another day.
pub(super) fn contradicted<'k>(
    date: &str,
    stamp: &str,
    lead_keys: impl IntoIterator<Item = &'k str>,
) -> bool {
    let Some(today) = lead_keys.into_iter().find_map(stated_weekday) else {
        return false;
    };
    let Some((y, m, d)) = ymd(date) else {
        return false;
    };
    if day_of_week(y, m, d) == today {
        return false;
    }
    let swapped = ambiguous_numbers(stamp).is_some_and(|(a, b, year)| {
        year == y && ((m, d) == (a, b) || (m, d) == (b, a)) && day_of_week(y, d, m) == today
    });
    !swapped
}

/// The first `n/n/yyyy` (or with `-` or `.`) in `text` whose first two numbers are both
/// between 1 and 12 and differ: the pair and the year.
fn ambiguous_numbers(text: &str) -> Option<(u32, u32, u32)> {
    let mut nums: Vec<&str> = Vec::with_capacity(3);
    let mut last_sep: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_ascii_digit() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            nums.push(&text[s..i]);
            if nums.len() == 3 {
                let (a, b) = (nums[0].parse::<u32>().ok()?, nums[1].parse::<u32>().ok()?);
                let y = nums[2].parse::<u32>().ok()?;
                let fits = (1..=12).contains(&a) && (1..=12).contains(&b) && a != b;
                if nums[2].len() == 4 && fits {
                    return Some((a, b, y));
                }
                nums.remove(0);
            }
            if matches!(c, '/' | '-' | '.') && last_sep.is_none_or(|s| s == c) {
                last_sep = Some(c);
                continue;
            }
        }
        nums.clear();
        last_sep = None;
    }
    None
}

/// Whether a key names a weekday as one of its words (`الثلاثاء 30 سبتمبر 2025`): the way a
/// masthead prints its date of the day.
pub(super) fn names_weekday(key: &str) -> bool {
    key.split(' ')
        .any(|w| named(w.trim_matches(|c: char| c.is_ascii_punctuation() || c == '،')).is_some())
}

/// The weekday (0 = Sunday) a matching-key word names with its article (`الثلاثاء`,
/// `الجمعه`): Arabic names only.
fn named(w: &str) -> Option<u32> {
    w.strip_prefix("ال")
        .filter(|rest| rest.starts_with(|c: char| !c.is_ascii()))?;
    weekday_of(w)
}

/// The weekday (0 = Sunday) a key names right after `اليوم` (`اليوم الاربعاء`).
fn stated_weekday(key: &str) -> Option<u32> {
    let mut words = key.split(' ');
    while let Some(w) = words.next() {
        if w == "اليوم" {
            if let Some(day) = words.clone().next().and_then(named) {
                return Some(day);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masthead_date_names_its_weekday() {
        assert!(names_weekday("الثلاثاء _30 _سبتمبر _2025"));
        assert!(names_weekday("الجمعه، 3 مايو 2024"));
        assert!(!names_weekday("05 ديسمبر 2025"));
    }

    #[test]
    fn the_lead_weekday_swaps_an_ambiguous_day_and_month() {
        // 11 March 2025 was a Tuesday, 3 November 2025 a Monday.
        let lead = ["وافقت الحكومة في جلستها اليوم الثلاثاء على النص"];
        let got = confirmed("2025-11-03T10:25:00Z".into(), "03/11/2025 - 10:25", lead);
        assert_eq!(got, "2025-03-11T10:25:00Z");
    }

    #[test]
    fn a_date_off_the_lead_weekday_is_contradicted() {
        // 22 November 2024 was a Friday; the lead speaks of a Saturday.
        let sat = ["تأهل اللاعب الى الدور الثاني بعد فوزه اليوم السبت"];
        assert!(contradicted(
            "2024-11-22T00:00:00Z",
            "الجمعة 22-11-2024",
            sat
        ));
        assert!(!contradicted(
            "2024-11-23T00:00:00Z",
            "السبت 23-11-2024",
            sat
        ));
        assert!(!contradicted(
            "2024-11-22T00:00:00Z",
            "22-11-2024",
            ["بلا يوم"]
        ));
        // 3 November 2025 was a Monday, 11 March 2025 a Tuesday: the swapped reading agrees.
        let tue = ["وافقت الحكومة في جلستها اليوم الثلاثاء على النص"];
        assert!(!contradicted(
            "2025-11-03T10:25:00Z",
            "03/11/2025 - 10:25",
            tue
        ));
    }

    #[test]
    fn a_matching_or_unambiguous_date_is_left_alone() {
        let wed = ["اجتمع المجلس اليوم الاربعاء"];
        // 11 August 2021 was a Wednesday: the day-first reading already agrees.
        let same = confirmed("2021-08-11T00:00:00Z".into(), "11/08/2021", wed);
        assert_eq!(same, "2021-08-11T00:00:00Z");
        let wide = confirmed("2021-08-25T00:00:00Z".into(), "25/08/2021", wed);
        assert_eq!(wide, "2021-08-25T00:00:00Z");
        let none = confirmed("2021-08-09T00:00:00Z".into(), "09/08/2021", ["بلا يوم"]);
        assert_eq!(none, "2021-08-09T00:00:00Z");
    }
}
