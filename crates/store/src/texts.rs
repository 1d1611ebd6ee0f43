//! Texts: small mutable records (e.g. an evaluator's recommendations for a body) with optimistic
//! versions; every change is in the audit log with the text before and after.

use serde_json::json;
use sqlx::Row;

use crate::store::{
    append_audit, begin_write, format_at, parse_at, to_i64, to_u64, AuditInfo, Author, NewAudit,
    TEXT_WHAT,
};
use crate::{Store, StoreError};

/// A mutable text record and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: String,
    pub version: u64,
    pub text: String,
    pub updated_by: Author,
}

impl Store {
    /// Writes a text record if its version is still `expected_version` (0: the record must not
    /// exist yet); returns the new version. A stale version is [`StoreError::VersionConflict`].
    pub fn put_text(
        &self,
        key: &str,
        expected_version: u64,
        text: &str,
        by: &Author,
        audit: &AuditInfo,
    ) -> Result<u64, StoreError> {
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let current = sqlx::query("SELECT version, text FROM texts WHERE key = $1")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
            let (actual, old_text) = match &current {
                Some(row) => (
                    to_u64(row.try_get("version")?),
                    Some(row.try_get::<String, _>("text")?),
                ),
                None => (0, None),
            };
            if actual != expected_version {
                return Err(StoreError::VersionConflict {
                    key: key.to_string(),
                    expected: expected_version,
                    actual,
                });
            }
            let version = actual + 1;
            if current.is_some() {
                sqlx::query(
                    "UPDATE texts SET version = $1, text = $2, updated_at = $3, updated_by = $4 \
                     WHERE key = $5 AND version = $6",
                )
                .bind(to_i64(version)?)
                .bind(text)
                .bind(format_at(&by.at))
                .bind(&by.who)
                .bind(key)
                .bind(to_i64(actual)?)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO texts (key, version, text, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(key)
                .bind(to_i64(version)?)
                .bind(text)
                .bind(format_at(&by.at))
                .bind(&by.who)
                .execute(&mut *tx)
                .await?;
            }
            let details =
                json!({"key": key, "version": version, "text": text, "previous": old_text});
            append_audit(
                &mut tx,
                NewAudit {
                    at: &by.at,
                    cycle_id: None,
                    event_seq: None,
                    who: &by.who,
                    what: TEXT_WHAT,
                    details: serde_json::to_string(&details)?,
                    audit,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(version)
        })
    }

    /// A text record, if it exists.
    pub fn text(&self, key: &str) -> Result<Option<Text>, StoreError> {
        self.runtime.block_on(async {
            let row = sqlx::query("SELECT * FROM texts WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| {
                Ok(Text {
                    key: row.try_get("key")?,
                    version: to_u64(row.try_get("version")?),
                    text: row.try_get("text")?,
                    updated_by: Author {
                        who: row.try_get("updated_by")?,
                        at: parse_at(&row.try_get::<String, _>("updated_at")?)?,
                    },
                })
            })
            .transpose()
        })
    }
}
