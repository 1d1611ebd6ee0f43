//! `bagalau template` and `bagalau import`: the reporting form of an edition and its import.

use std::path::Path;

use anyhow::Result;

use crate::load_edition;

/// `bagalau template --edition DIR --out FORM.xlsx [--data DATASET]`.
pub fn template_command(edition: &Path, out: &Path, data: Option<&Path>) -> Result<String> {
    let ed = load_edition(edition)?;
    let loaded = data
        .map(|d| bagalau_data::load_dataset(&ed, d))
        .transpose()?;
    // Written like every other output of the binary (temporary file beside it, renamed; see
    // `output`).
    crate::output::write_file(out, &bagalau_ingest::template(&ed, loaded.as_ref())?)?;
    let layout = bagalau_ingest::Layout::of(&ed);
    let sheets: Vec<String> = layout
        .sheets
        .iter()
        .map(|s| format!("«{}»", s.name))
        .collect();
    let mut s = format!(
        "Форма редакции «{}» записана в {}: лист «{}» и {}.\n",
        ed.id,
        out.display(),
        bagalau_ingest::layout::INSTRUCTIONS,
        sheets.join(", ")
    );
    if let (Some(d), Some(l)) = (data, &loaded) {
        s.push_str(&format!(
            "Заполнена данными из {}: органов {}.\n",
            d.display(),
            l.dataset.bodies.len()
        ));
    }
    Ok(s)
}

/// `bagalau import --edition DIR --form FORM.xlsx --out DATASET_DIR [--dry-run]`.
pub fn import_command(edition: &Path, form: &Path, out: &Path, dry_run: bool) -> Result<String> {
    let ed = load_edition(edition)?;
    let report = bagalau_ingest::import(&ed, form, out, dry_run)?;
    Ok(report.text_ru())
}
