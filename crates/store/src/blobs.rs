//! Blobs: files (evidence, data snapshots, documents) stored by content hash, size- and
//! type-checked.

use sqlx::Row;

use crate::hash::ContentHash;
use crate::media::MediaType;
use crate::store::to_i64;
use crate::{Store, StoreError};

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub hash: ContentHash,
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

impl Store {
    /// Stores a file by its content hash after checking its size and that its bytes are of the
    /// declared type. Storing the same bytes again returns the same hash.
    pub fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        max_size: u64,
    ) -> Result<ContentHash, StoreError> {
        let size = bytes.len() as u64;
        if size > max_size {
            return Err(StoreError::TooLarge {
                size,
                max: max_size,
            });
        }
        let media = MediaType::parse(media_type)?;
        media.check(bytes)?;
        let hash = ContentHash::of(bytes);
        self.runtime.block_on(async {
            sqlx::query(
                "INSERT INTO blobs (hash, media_type, size, content) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(hash.as_str())
            .bind(media.name())
            .bind(to_i64(size)?)
            .bind(bytes.to_vec())
            .execute(&self.pool)
            .await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(hash)
    }

    /// A stored file, its hash recomputed.
    pub fn blob(&self, hash: &ContentHash) -> Result<Blob, StoreError> {
        self.runtime.block_on(async {
            let row = sqlx::query("SELECT media_type, content FROM blobs WHERE hash = $1")
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::UnknownBlob(hash.to_string()))?;
            let bytes: Vec<u8> = row.try_get("content")?;
            if ContentHash::of(&bytes) != *hash {
                return Err(StoreError::Corrupt(format!(
                    "содержимое файла «{hash}» не совпадает с его хешем"
                )));
            }
            let media_type = MediaType::parse(&row.try_get::<String, _>("media_type")?)?;
            Ok(Blob {
                hash: hash.clone(),
                media_type,
                bytes,
            })
        })
    }
}
