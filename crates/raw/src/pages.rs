//! A bounded check of every page header of a Parquet file before the Parquet library reads it.
//!
//! The library decodes page headers (Thrift compact protocol) from a stream with no bound on a
//! declared list or map size: a malformed header declaring a list of two billion elements keeps
//! it busy for hours (found by the `raw_parquet` fuzz target: a skip loop that zeroes a buffer
//! per element after the end of the data). This module walks each column chunk's pages — header,
//! then `compressed_page_size` bytes of data, then the next header — and parses every header with
//! a skipper in which every size is checked against the bytes left, the nesting depth is bounded
//! and every step consumes input. A file that fails is refused before the library sees it.

/// The deepest nesting of Thrift structs accepted (the page header format uses four levels).
const MAX_DEPTH: u32 = 32;

/// A page header longer than this is refused (real headers are well under a kilobyte; their
/// statistics hold short values).
const MAX_HEADER: usize = 1 << 20;

/// Why a page header was refused (Russian, for the file error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError(pub String);

fn err(what: &str) -> PageError {
    PageError(what.to_string())
}

/// A cursor over the bytes of one header.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn left(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
    fn byte(&mut self) -> Result<u8, Short> {
        let b = *self.buf.get(self.pos).ok_or(Short)?;
        self.pos += 1;
        Ok(b)
    }
    fn skip(&mut self, n: usize) -> Result<(), Short> {
        if n > self.left() {
            return Err(Short);
        }
        self.pos += n;
        Ok(())
    }
    fn varint(&mut self) -> Result<u64, Short> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        // Longer than a 64-bit varint can be: not a short read, a malformed header.
        Err(Short)
    }
}

/// The header did not fit in the bytes read (read more, or the header is malformed).
#[derive(Debug)]
struct Short;

/// Skips one value of a compact-protocol type.
fn skip_value(c: &mut Cursor<'_>, ty: u8, depth: u32) -> Result<(), Short> {
    if depth > MAX_DEPTH {
        return Err(Short);
    }
    match ty {
        1 | 2 => Ok(()),
        3 => c.skip(1),
        4..=6 => c.varint().map(|_| ()),
        7 => c.skip(8),
        8 => {
            let n = usize::try_from(c.varint()?).map_err(|_| Short)?;
            c.skip(n)
        }
        9 | 10 => {
            let h = c.byte()?;
            let mut n = u64::from(h >> 4);
            if n == 15 {
                n = c.varint()?;
            }
            let elem = h & 0x0f;
            // Every element takes at least one byte (booleans in a list are one byte each).
            if n > c.left() as u64 {
                return Err(Short);
            }
            for _ in 0..n {
                if elem == 1 || elem == 2 {
                    c.skip(1)?;
                } else {
                    skip_value(c, elem, depth + 1)?;
                }
            }
            Ok(())
        }
        11 => {
            let n = c.varint()?;
            if n == 0 {
                return Ok(());
            }
            let kv = c.byte()?;
            if n.saturating_mul(2) > c.left() as u64 {
                return Err(Short);
            }
            for _ in 0..n {
                skip_value(c, kv >> 4, depth + 1)?;
                skip_value(c, kv & 0x0f, depth + 1)?;
            }
            Ok(())
        }
        12 => skip_struct(c, depth + 1, &mut |_, _, _| Ok(false)),
        13 => c.skip(16),
        _ => Err(Short),
    }
}

/// Reads a struct's fields up to its stop byte; `field(cursor, id, type)` may consume a field
/// itself (returning `true`), otherwise it is skipped.
fn skip_struct(
    c: &mut Cursor<'_>,
    depth: u32,
    field: &mut dyn FnMut(&mut Cursor<'_>, i64, u8) -> Result<bool, Short>,
) -> Result<(), Short> {
    if depth > MAX_DEPTH {
        return Err(Short);
    }
    let mut last: i64 = 0;
    loop {
        let h = c.byte()?;
        let ty = h & 0x0f;
        if ty == 0 {
            return Ok(());
        }
        let delta = i64::from(h >> 4);
        let id = if delta == 0 {
            let z = c.varint()?;
            ((z >> 1) as i64) ^ -((z & 1) as i64)
        } else {
            last + delta
        };
        last = id;
        if !field(c, id, ty)? {
            skip_value(c, ty, depth)?;
        }
    }
}

/// Parses one page header at the start of `buf`: its length and `compressed_page_size`.
fn page_header(buf: &[u8]) -> Result<(usize, i64), Short> {
    let mut c = Cursor { buf, pos: 0 };
    let mut size: Option<i64> = None;
    skip_struct(&mut c, 0, &mut |c, id, ty| {
        if id == 3 && ty == 5 {
            let z = c.varint()?;
            size = Some(((z >> 1) as i64) ^ -((z & 1) as i64));
            return Ok(true);
        }
        Ok(false)
    })?;
    Ok((c.pos, size.ok_or(Short)?))
}

/// Checks every page header of every column chunk. `read(offset, len)` returns up to `len` bytes
/// of the file from `offset` (fewer at its end); `chunks` are the (start, length) byte ranges of
/// the column chunks from the footer.
pub fn check_pages(
    file_len: u64,
    chunks: &[(i64, i64)],
    read: &mut dyn FnMut(u64, usize) -> Result<Vec<u8>, String>,
) -> Result<(), PageError> {
    for &(start, len) in chunks {
        let (Ok(start), Ok(len)) = (u64::try_from(start), u64::try_from(len)) else {
            return Err(err("отрицательное смещение или длина столбца"));
        };
        let end = start
            .checked_add(len)
            .filter(|e| *e <= file_len)
            .ok_or_else(|| err("столбец выходит за конец файла"))?;
        let mut pos = start;
        while pos < end {
            let left = usize::try_from(end - pos).unwrap_or(usize::MAX);
            let mut want = 1024usize.min(left);
            let (header, size) = loop {
                let bytes = read(pos, want).map_err(PageError)?;
                match page_header(&bytes) {
                    Ok(h) => break h,
                    Err(Short) if want < left.min(MAX_HEADER) && bytes.len() == want => {
                        want = (want * 8).min(left).min(MAX_HEADER);
                    }
                    Err(Short) => return Err(err("повреждённый заголовок страницы данных")),
                }
            };
            let size =
                u64::try_from(size).map_err(|_| err("отрицательный размер страницы данных"))?;
            pos = pos
                .checked_add(header as u64)
                .and_then(|p| p.checked_add(size))
                .filter(|p| *p <= end)
                .ok_or_else(|| err("страница данных выходит за границу столбца"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zigzag(v: i64) -> Vec<u8> {
        let mut z = ((v << 1) ^ (v >> 63)) as u64;
        let mut out = Vec::new();
        loop {
            let b = (z & 0x7f) as u8;
            z >>= 7;
            if z == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }

    /// type (1) = 0, uncompressed (2) = size, compressed (3) = size, then `extra`, stop.
    fn header(size: i64, extra: &[u8]) -> Vec<u8> {
        let mut h = vec![0x15];
        h.extend(zigzag(0));
        h.push(0x15);
        h.extend(zigzag(size));
        h.push(0x15);
        h.extend(zigzag(size));
        h.extend_from_slice(extra);
        h.push(0);
        h
    }

    fn run(file: &[u8], chunks: &[(i64, i64)]) -> Result<(), PageError> {
        check_pages(file.len() as u64, chunks, &mut |o, n| {
            let o = o as usize;
            Ok(file[o.min(file.len())..(o + n).min(file.len())].to_vec())
        })
    }

    #[test]
    fn pages_of_a_chunk_are_walked_to_its_end() {
        let mut file = b"PAR1".to_vec();
        let start = file.len() as i64;
        for size in [10i64, 0, 3] {
            file.extend(header(size, &[]));
            file.extend(vec![7u8; size as usize]);
        }
        let len = file.len() as i64 - start;
        assert_eq!(run(&file, &[(start, len)]), Ok(()));
        // A chunk length that ends inside a page, a page running past the file, a negative size.
        assert!(run(&file, &[(start, len - 1)]).is_err());
        assert!(run(&file, &[(start, len + 100)]).is_err());
        let mut bad = b"PAR1".to_vec();
        bad.extend(header(-5, &[]));
        assert!(run(&bad, &[(4, bad.len() as i64 - 4)]).is_err());
    }

    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused_at_once() {
        // Field 9 (delta 6 from 3): a list of 2^31 doubles, declared in a few bytes.
        let mut extra = vec![0x69, 0xf7];
        extra.extend([0x80, 0x80, 0x80, 0x80, 0x08]);
        let mut file = b"PAR1".to_vec();
        file.extend(header(0, &extra));
        let t = std::time::Instant::now();
        assert!(run(&file, &[(4, file.len() as i64 - 4)]).is_err());
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn deep_nesting_and_unknown_types_are_refused() {
        // A struct field, one deeper each time.
        let extra = vec![0x1cu8; 100];
        let mut file = b"PAR1".to_vec();
        file.extend(header(0, &extra));
        assert!(run(&file, &[(4, file.len() as i64 - 4)]).is_err());
        let mut file = b"PAR1".to_vec();
        file.extend(header(0, &[0x1e]));
        assert!(run(&file, &[(4, file.len() as i64 - 4)]).is_err());
    }
}
