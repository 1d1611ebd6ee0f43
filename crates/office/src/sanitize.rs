//! Characters every output format can carry.
//!
//! XML 1.0 (DOCX, XLSX) allows only `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
//! [#x10000-#x10FFFF]`: a U+FFFE in a body's name made `sharedStrings.xml` invalid and the
//! workbook unreadable. HTML treats the same characters as parse errors. Every renderer removes
//! them from every piece of text it writes.

use std::borrow::Cow;

/// Whether `c` may appear in XML 1.0 text (and so in our HTML).
pub fn is_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML forbids (borrowed when there are none).
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_xml_forbids_and_keeps_the_rest() {
        assert_eq!(clean("a\u{FFFE}b\u{FFFF}c\u{0}d\u{1b}e\u{7}"), "abcde");
        assert_eq!(clean("т\tа\nб\r✓ 😀 \u{E000}"), "т\tа\nб\r✓ 😀 \u{E000}");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }
}
