//! A folder as one value: its regular files (UTF-8 text) by name, in sorted order, serialised
//! canonically. The content hash of an edition folder and the snapshot of a dataset folder are
//! the hashes of their bundles.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ProcessError;

/// The files of a folder (not its subfolders), sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub files: Vec<(String, String)>,
}

fn io(path: &Path, e: std::io::Error) -> ProcessError {
    ProcessError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Bundle {
    /// Reads the regular files of `dir` (subfolders and hidden files are not part of a bundle).
    pub fn read(dir: &Path) -> Result<Bundle, ProcessError> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
            let entry = entry.map_err(|e| io(dir, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || !entry.file_type().map_err(|e| io(&path, e))?.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                ProcessError::Invalid(format!("{}: файл не в кодировке UTF-8", path.display()))
            })?;
            files.push((name, text));
        }
        files.sort();
        Ok(Bundle { files })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, ProcessError> {
        serde_json::from_slice(bytes)
            .map_err(|e| ProcessError::Corrupt(format!("снимок данных не читается: {e}")))
    }

    /// Writes the files into a new temporary folder (removed when the guard is dropped).
    pub fn unpack(&self) -> Result<TempDir, ProcessError> {
        let dir = TempDir::new()?;
        self.write_into(dir.path())?;
        Ok(dir)
    }

    /// Writes the files into the folder `dir` (created when absent).
    pub fn write_into(&self, dir: &Path) -> Result<(), ProcessError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        for (name, text) in &self.files {
            if name.contains('/') || name.contains('\\') || name == ".." {
                return Err(ProcessError::Corrupt(format!(
                    "недопустимое имя файла «{name}»"
                )));
            }
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|e| io(&p, e))?;
        }
        Ok(())
    }
}

/// A temporary folder removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Result<TempDir, ProcessError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "bagalau-snapshot-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&p).map_err(|e| io(&p, e))?;
        Ok(TempDir(p))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
