//! Content hashes: `sha256:` and 64 lowercase hexadecimal digits, the form the cycle's
//! `Objection::evidence` uses.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::StoreError;

/// The hash of the empty chain: the `prev_hash` of the first audit row.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// A SHA-256 content hash, checked once when made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash::from_digest(&Sha256::digest(bytes))
    }

    pub(crate) fn from_digest(digest: &[u8]) -> ContentHash {
        ContentHash(format!("sha256:{}", hex(digest)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ContentHash {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<ContentHash, StoreError> {
        let ok = s.strip_prefix("sha256:").is_some_and(|digits| {
            digits.len() == 64
                && digits
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if ok {
            Ok(ContentHash(s.to_string()))
        } else {
            Err(StoreError::BadHash(s.to_string()))
        }
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    fn digit(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        }
    }
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// The hash of a canonical serialisation of `fields`: a JSON array, compact, fields in a fixed
/// order. Every stored hash over several fields (audit rows, runs) is made here.
pub(crate) fn hash_fields(fields: &[serde_json::Value]) -> ContentHash {
    // Serialising JSON values to a vector cannot fail.
    let canonical = serde_json::to_vec(fields).unwrap_or_default();
    ContentHash::of(&canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_of_abc_is_the_published_vector() {
        assert_eq!(
            ContentHash::of(b"abc").as_str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parse_refuses_malformed_hashes() {
        assert!(
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                .parse::<ContentHash>()
                .is_ok()
        );
        for bad in [
            "",
            "sha256:",
            "md5:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        ] {
            assert!(bad.parse::<ContentHash>().is_err(), "{bad}");
        }
    }

    #[test]
    fn hex_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&bytes)).unwrap(), bytes);
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
