//! The media types the store accepts for files (evidence, data snapshots, documents) and the
//! check of each file's first bytes against its declared type.

use crate::StoreError;

/// A media type the store accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
    Text,
    Csv,
    Json,
    Zip,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";

impl MediaType {
    /// Every accepted type.
    pub const ALL: [MediaType; 9] = [
        MediaType::Pdf,
        MediaType::Docx,
        MediaType::Xlsx,
        MediaType::Png,
        MediaType::Jpeg,
        MediaType::Text,
        MediaType::Csv,
        MediaType::Json,
        MediaType::Zip,
    ];

    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Text => "text/plain",
            MediaType::Csv => "text/csv",
            MediaType::Json => "application/json",
            MediaType::Zip => "application/zip",
        }
    }

    /// Parses a declared type (case-insensitive, parameters such as `; charset=utf-8` ignored).
    pub fn parse(declared: &str) -> Result<MediaType, StoreError> {
        let essence = declared
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        MediaType::ALL
            .into_iter()
            .find(|t| t.name() == essence)
            .ok_or_else(|| StoreError::MediaType(declared.to_string()))
    }

    /// Checks that `bytes` look like this type: magic bytes for binary formats, the ZIP
    /// container's part names for DOCX and XLSX, UTF-8 without NUL for text, a JSON value for
    /// JSON.
    pub fn check(self, bytes: &[u8]) -> Result<(), StoreError> {
        let fail = |reason: &str| {
            Err(StoreError::Content {
                declared: self.name().to_string(),
                reason: reason.to_string(),
            })
        };
        if bytes.is_empty() {
            return fail("файл пуст");
        }
        let text = || {
            std::str::from_utf8(bytes)
                .ok()
                .filter(|t| !t.contains('\0'))
        };
        match self {
            MediaType::Pdf if !bytes.starts_with(b"%PDF-") => fail("нет сигнатуры %PDF-"),
            MediaType::Png if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") => fail("нет сигнатуры PNG"),
            MediaType::Jpeg if !bytes.starts_with(b"\xff\xd8\xff") => fail("нет сигнатуры JPEG"),
            MediaType::Zip if !(bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY)) => {
                fail("нет сигнатуры ZIP")
            }
            MediaType::Docx | MediaType::Xlsx if !bytes.starts_with(ZIP_MAGIC) => {
                fail("документ Office — это ZIP-архив, а сигнатуры ZIP нет")
            }
            MediaType::Docx if !contains(bytes, b"word/") => fail("в архиве нет частей word/"),
            MediaType::Xlsx if !contains(bytes, b"xl/") => fail("в архиве нет частей xl/"),
            MediaType::Text | MediaType::Csv if text().is_none() => {
                fail("текст не в кодировке UTF-8 или содержит нулевые байты")
            }
            MediaType::Json if serde_json::from_slice::<serde_json::Value>(bytes).is_err() => {
                fail("не является документом JSON")
            }
            _ => Ok(()),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_parse_with_parameters_and_case() {
        assert_eq!(
            MediaType::parse("Text/CSV; charset=utf-8").unwrap(),
            MediaType::Csv
        );
        assert!(matches!(
            MediaType::parse("application/x-msdownload"),
            Err(StoreError::MediaType(_))
        ));
    }

    #[test]
    fn magic_bytes_are_checked_against_the_declared_type() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        assert!(MediaType::Png.check(png).is_ok());
        assert!(MediaType::Jpeg.check(png).is_err());
        assert!(MediaType::Pdf.check(b"%PDF-1.7 ...").is_ok());
        assert!(MediaType::Pdf.check(b"MZ\x90\x00").is_err());
        assert!(MediaType::Docx
            .check(b"PK\x03\x04....word/document.xml")
            .is_ok());
        assert!(MediaType::Docx
            .check(b"PK\x03\x04....xl/workbook.xml")
            .is_err());
        assert!(MediaType::Xlsx
            .check(b"PK\x03\x04....xl/workbook.xml")
            .is_ok());
        assert!(MediaType::Zip.check(b"PK\x05\x06").is_ok());
        assert!(MediaType::Text.check("текст".as_bytes()).is_ok());
        assert!(MediaType::Text.check(b"\xff\xfe").is_err());
        assert!(MediaType::Csv.check(b"a,b\0").is_err());
        assert!(MediaType::Json.check(br#"{"a": 1}"#).is_ok());
        assert!(MediaType::Json.check(br#"{"a": "#).is_err());
        assert!(MediaType::Text.check(b"").is_err());
    }
}
