//! Decimal literals as a methodologist types them: `0.8` and `0,8` in an edition file are read
//! exactly from their source text, never through binary floating point. Before the TOML parser
//! sees a file, every such literal that is a key's whole value is written as a string (which
//! `raw::Dec` parses exactly); a map of the inserted quotes turns positions back into positions
//! of the original text for messages.

/// The text to parse and the offsets (in that text) of the quotes that were inserted.
pub struct Quoted {
    pub text: String,
    /// Offsets in `text` of inserted characters, ascending.
    pub inserted: Vec<usize>,
}

impl Quoted {
    /// The offset in the original text of an offset in the parsed text.
    pub fn original_offset(&self, offset: usize) -> usize {
        offset - self.inserted.iter().take_while(|&&i| i < offset).count()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Normal,
    Comment,
    Basic,
    Literal,
    MultiBasic,
    MultiLiteral,
}

/// Writes every decimal literal with a fractional part (`0.8`, `-1,25`) that stands right after
/// `=` as a string (`"0.8"`, `"-1,25"`). Strings, comments and everything else are untouched.
pub fn quote_decimal_literals(src: &str) -> Quoted {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 16);
    let mut inserted = Vec::new();
    let mut state = State::Normal;
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        let c = b[i];
        match state {
            State::Comment => {
                if c == b'\n' {
                    state = State::Normal;
                }
            }
            State::Basic => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' || c == b'\n' {
                    state = State::Normal;
                }
            }
            State::Literal => {
                if c == b'\'' || c == b'\n' {
                    state = State::Normal;
                }
            }
            State::MultiBasic => {
                if c == b'\\' {
                    i += 1;
                } else if b[i..].starts_with(b"\"\"\"") {
                    state = State::Normal;
                    i += 2;
                }
            }
            State::MultiLiteral => {
                if b[i..].starts_with(b"'''") {
                    state = State::Normal;
                    i += 2;
                }
            }
            State::Normal => match c {
                b'#' => state = State::Comment,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    state = State::MultiBasic;
                    i += 2;
                }
                b'"' => state = State::Basic,
                b'\'' if b[i..].starts_with(b"'''") => {
                    state = State::MultiLiteral;
                    i += 2;
                }
                b'\'' => state = State::Literal,
                b'=' => {
                    let mut j = i + 1;
                    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                        j += 1;
                    }
                    if let Some(len) = decimal_len(&b[j..]) {
                        out.push_str(&src[last..j]);
                        inserted.push(out.len());
                        out.push('"');
                        out.push_str(&src[j..j + len]);
                        inserted.push(out.len());
                        out.push('"');
                        last = j + len;
                        i = last;
                        continue;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push_str(&src[last.min(src.len())..]);
    Quoted {
        text: out,
        inserted,
    }
}

/// Length of `[+-]digits(.|,)digits` at the start of `b` when what follows ends the value.
fn decimal_len(b: &[u8]) -> Option<usize> {
    let mut k = 0;
    if k < b.len() && (b[k] == b'-' || b[k] == b'+') {
        k += 1;
    }
    let int_start = k;
    while k < b.len() && b[k].is_ascii_digit() {
        k += 1;
    }
    if k == int_start || k >= b.len() || (b[k] != b'.' && b[k] != b',') {
        return None;
    }
    k += 1;
    let frac_start = k;
    while k < b.len() && b[k].is_ascii_digit() {
        k += 1;
    }
    if k == frac_start {
        return None;
    }
    match b.get(k) {
        None | Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b'}' | b'#') => Some(k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_in_multi_line_strings() {
        // Stepping byte by byte inside «"""…"""» once sliced the text inside a letter.
        let src = "note = \"\"\"Д\"\"\"\nn = '''Ж'''\nx = 0,5\n";
        let q = quote_decimal_literals(src);
        assert_eq!(q.text, "note = \"\"\"Д\"\"\"\nn = '''Ж'''\nx = \"0,5\"\n");
    }

    #[test]
    fn decimals_become_strings_and_nothing_else_changes() {
        let src = "a = 0.8\nb = 0,8 # comment = 1.5\nc = { central = 10, local = 2,5 }\n\
                   d = \"x = 1.5\"\ne = [2014, 2015]\nf = 25\ng = '''\nh = 3.5\n'''\ni = 1e3\n";
        let q = quote_decimal_literals(src);
        assert_eq!(
            q.text,
            "a = \"0.8\"\nb = \"0,8\" # comment = 1.5\nc = { central = 10, local = \"2,5\" }\n\
             d = \"x = 1.5\"\ne = [2014, 2015]\nf = 25\ng = '''\nh = 3.5\n'''\ni = 1e3\n"
        );
        // Offsets map back: the `b` of line 2 is at the same place in both texts.
        let at = q.text.find("b =").unwrap();
        assert_eq!(q.original_offset(at), src.find("b =").unwrap());
        let at = q.text.find("local").unwrap();
        assert_eq!(q.original_offset(at), src.find("local").unwrap());
    }

    #[test]
    fn cyrillic_in_multiline_strings_and_comments() {
        let src = "note = \"\"\"\nЦифра = 0,8 «в тексте»\n\"\"\"\n# Комментарий = 1,5\n\
                   v = 0,8 # ещё\nw = '''\nё = 2.5\n'''\n";
        let q = quote_decimal_literals(src);
        assert!(q.text.contains("Цифра = 0,8 «в тексте»"));
        assert!(q.text.contains("v = \"0,8\" # ещё"));
        assert!(q.text.contains("ё = 2.5"));
        // Odd inputs never panic.
        for s in ["=я", "= 1,я", "\"\"\"я", "'''я'", "= -", "=9.", "\"я", "'я"] {
            let _ = quote_decimal_literals(s);
        }
    }
}
