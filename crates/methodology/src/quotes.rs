//! Quotes: the words of a source an edition item implements, checked word for word against the
//! source's text (whitespace-insensitive). A fragment may elide words with «…».

use crate::model::Quote;

/// The text with every run of whitespace (including no-break spaces) turned into one space and
/// soft hyphens removed, so that line breaks of the source do not matter.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == '\u{ad}' {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The parts of a fragment that must each appear in the text, in order: the fragment split at
/// «…» (an elision) and normalised.
fn parts(fragment: &str) -> Vec<String> {
    fragment
        .split(['…'])
        .flat_map(|p| p.split("..."))
        .map(normalize)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The fragments of `quote` that are not in `text` (already normalised), word for word.
pub fn missing<'a>(normalized_text: &str, quote: &'a Quote) -> Vec<&'a str> {
    quote
        .fragments
        .iter()
        .filter(|f| !found(normalized_text, f))
        .map(String::as_str)
        .collect()
}

fn found(text: &str, fragment: &str) -> bool {
    let mut from = 0;
    for p in parts(fragment) {
        match text.get(from..).and_then(|t| t.find(&p)) {
            Some(at) => from += at + p.len(),
            None => return false,
        }
    }
    true
}

/// Where a fragment stops matching the text: the words from the first one that does not follow
/// (the longest matching prefix is cut at a word boundary), for messages.
pub fn divergence(normalized_text: &str, fragment: &str) -> String {
    let f = normalize(fragment);
    let words: Vec<&str> = f.split(' ').collect();
    let mut k = 0;
    while k < words.len() && normalized_text.contains(&words[..=k].join(" ")) {
        k += 1;
    }
    let from = k.saturating_sub(3);
    let tail = words[from..].join(" ");
    let mut short: String = tail.chars().take(90).collect();
    if tail.chars().count() > 90 {
        short.push('…');
    }
    if from > 0 {
        format!("…{short}")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quote {
        Quote {
            source: None,
            fragments: vec![s.to_string()],
        }
    }

    #[test]
    fn whitespace_and_line_breaks_do_not_matter() {
        let text =
            normalize("индекс нагрузки\n      которых равен   или превышает средний уровень");
        assert!(missing(&text, &q("которых равен или\nпревышает")).is_empty());
    }

    #[test]
    fn a_changed_word_is_reported() {
        let text = normalize("поправочный коэффициент принимается равным 1.");
        assert_eq!(
            missing(&text, &q("коэффициент принимается равным 2")),
            vec!["коэффициент принимается равным 2"]
        );
    }

    #[test]
    fn divergence_points_at_the_first_word_that_differs() {
        let text = normalize("поправочный коэффициент принимается равным 1.");
        assert_eq!(
            divergence(&text, "поправочный коэффициент принимается равным 2."),
            "…коэффициент принимается равным 2."
        );
        let text = normalize("a b c d e f g h");
        assert_eq!(divergence(&text, "a b c d e f x"), "…d e f x");
    }

    #[test]
    fn elisions_must_keep_the_order() {
        let text = normalize("от 1,01 до 1,10 (с равномерным шагом) – равномерно распределяется");
        assert!(missing(&text, &q("от 1,01 … равномерно распределяется")).is_empty());
        assert!(!missing(&text, &q("равномерно … от 1,01")).is_empty());
    }
}
