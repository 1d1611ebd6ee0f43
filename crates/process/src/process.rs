//! The operations of a cycle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bagalau_cycle::{
    content_hash, diff, penalty_input, Action, Actor, BodyDef, Context, Cycle, CycleDefinition,
    DataSource, DirectionState, DueItem, Event, FixedClock, Objection, Outcome as Decided,
    PlannedStage, Run, RunDiff, Schedule, SourceFile, SourceKind, Target,
};
use bagalau_engine::{Outcome, Value};
use bagalau_methodology::Edition;
use calendar::Calendar;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::backend::{Audit, Backend};
use crate::bundle::{Bundle, TempDir};
use crate::sources;
use crate::ProcessError;

/// Media types of the files the process stores.
pub const JSON: &str = "application/json";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// The largest data snapshot accepted (bytes).
pub const MAX_SNAPSHOT: u64 = 256 * 1024 * 1024;
/// The largest document or evidence file accepted (bytes).
pub const MAX_FILE: u64 = 20 * 1024 * 1024;

/// What a new cycle is made of.
#[derive(Debug, Clone)]
pub struct CreateCycle {
    pub id: String,
    /// The edition (state) governing every direction of the block.
    pub edition: String,
    /// The dataset folder: the bodies evaluated (its `bodies.csv`).
    pub data: PathBuf,
    pub reporting_deadline: NaiveDate,
    pub stage_ends: Vec<PlannedStage>,
}

/// Where imported data come from.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// A dataset folder.
    Dataset(&'a Path),
    /// A filled reporting form (XLSX).
    Form(&'a Path),
    /// A folder of raw records, aggregated over a base dataset (by default the cycle's current
    /// snapshot); `progress` counts the records read.
    Raw {
        dir: &'a Path,
        base: Option<&'a Path>,
        progress: &'a bagalau_aggregate::Progress,
    },
    /// The cycle's current snapshot with each body that submitted a reporting form
    /// ([`Process::submit`]) given the values of its form.
    Submissions,
}

/// What a body's submission did.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The event's number; for an identical re-submission, the number of the first.
    pub seq: u64,
    /// False when the same form was already submitted by the body: nothing recorded.
    pub new: bool,
    pub form: SourceFile,
    /// The schedule's reporting deadline, when the submission came after it. The procedure
    /// does not refuse a late submission (the deadline bounds п.70's reorganisations); the
    /// caller reports it.
    pub after_deadline: Option<NaiveDate>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub snapshot: String,
    /// The number of this import among the cycle's imports (from 1); for an unchanged source,
    /// the number of the import it repeats.
    pub version: usize,
    /// False when the same source was already the current import: nothing recorded.
    pub new: bool,
    pub source: DataSource,
    /// What the reading said (values kept but not counted, the aggregation's summary), in
    /// Russian.
    pub notes: String,
}

/// An evidence file attached to an objection.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub path: PathBuf,
    pub media_type: String,
}

/// An objection as a body submits it.
#[derive(Debug, Clone)]
pub struct NewObjection {
    pub target: Target,
    pub text: String,
    pub evidence: Vec<EvidenceFile>,
}

/// A document the process generated and stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub hash: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A cycle's state on a day.
#[derive(Debug, Clone)]
pub struct Status {
    pub period: i32,
    pub stage: Option<String>,
    pub events: usize,
    pub runs: Vec<String>,
    pub undecided_moved: Vec<String>,
    pub overdue: Vec<DueItem>,
    pub open: Vec<DueItem>,
    pub published: bool,
    /// The data changed since the last run (facts or decisions recorded): a recomputation is due.
    pub stale: bool,
}

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub cycles: usize,
    pub events: usize,
    pub runs: usize,
    pub problems: Vec<String>,
}

/// The application: a store, the folder of editions and the calendar.
pub struct Process<B: Backend> {
    pub backend: B,
    methodologies: PathBuf,
    calendar: Arc<Calendar>,
    /// Editions loaded by this process, with their folder hashes (loaded once per process).
    editions: std::cell::RefCell<BTreeMap<String, (Arc<Edition>, String)>>,
}

fn summary(c: &Cycle) -> String {
    format!(
        "этап «{}», событий {}, расчётов {}{}",
        c.stage().map_or("—", |s| s.code.as_str()),
        c.events().len(),
        c.runs().len(),
        if c.is_published() {
            ", опубликовано"
        } else {
            ""
        }
    )
}

#[derive(Serialize)]
struct DataIdentity<'a> {
    snapshot: &'a str,
    facts: Vec<(String, String, u64)>,
    corrections: Vec<(String, String, String)>,
}

impl<B: Backend> Process<B> {
    pub fn new(backend: B, methodologies: &Path) -> Result<Process<B>, ProcessError> {
        let calendar =
            Calendar::embedded().map_err(|e| ProcessError::Invalid(format!("календарь: {e}")))?;
        Ok(Process {
            backend,
            methodologies: methodologies.to_path_buf(),
            calendar: Arc::new(calendar),
            editions: Default::default(),
        })
    }

    /// The ids of the cycles in the store.
    pub fn cycles(&self) -> Result<Vec<String>, ProcessError> {
        self.backend.cycles()
    }

    /// The edition `id` from the folder of editions, and the content hash of its folder.
    pub fn edition(&self, id: &str) -> Result<(Arc<Edition>, String), ProcessError> {
        if id.is_empty() || id.contains('/') || id.contains('\\') || id.starts_with('.') {
            return Err(ProcessError::Edition {
                id: id.to_string(),
                message: "недопустимый идентификатор".into(),
            });
        }
        if let Some(hit) = self.editions.borrow().get(id) {
            return Ok(hit.clone());
        }
        let dir = self.methodologies.join(id);
        let ed = bagalau_methodology::load(&dir).map_err(|e| ProcessError::Edition {
            id: id.to_string(),
            message: e.to_string(),
        })?;
        let hash = content_hash(&Bundle::read(&dir)?.to_bytes());
        let loaded = (Arc::new(ed), hash);
        self.editions
            .borrow_mut()
            .insert(id.to_string(), loaded.clone());
        Ok(loaded)
    }

    /// The cycle rebuilt from its stored events (each checked again) and its edition.
    pub fn open(&self, cycle: &str) -> Result<(Cycle, Arc<Edition>), ProcessError> {
        let events = self.backend.events(cycle)?;
        let Some(Event {
            what: Action::Create(def),
            ..
        }) = events.first()
        else {
            return Err(ProcessError::Corrupt(format!(
                "цикл «{cycle}»: первое событие — не создание цикла"
            )));
        };
        let id = def
            .directions
            .first()
            .map(|d| d.edition.clone())
            .unwrap_or_default();
        let (ed, _) = self.edition(&id)?;
        let ctx = Context {
            editions: vec![Arc::clone(&ed)],
            calendar: Arc::clone(&self.calendar),
        };
        Ok((Cycle::replay(ctx, &events)?, ed))
    }

    /// Applies `action` to the cycle and stores it: one append with its audit.
    fn commit(
        &self,
        cycle_id: &str,
        c: &mut Cycle,
        actor: Actor,
        at: NaiveDateTime,
        action: Action,
        why: &str,
    ) -> Result<Event, ProcessError> {
        let last = c.events().len() as u64;
        let before = summary(c);
        let ev = c.apply(&FixedClock::new(at), actor, action)?.clone();
        let audit = Audit {
            why: why.to_string(),
            before,
            after: summary(c),
        };
        self.backend.append(cycle_id, last, &ev, &audit)?;
        Ok(ev)
    }

    /// Checks `action` on a copy of the cycle, then stores the files it names (so a refused action
    /// stores nothing), then records it.
    #[allow(clippy::too_many_arguments)]
    fn store_and_commit(
        &self,
        cycle_id: &str,
        c: &mut Cycle,
        actor: Actor,
        at: NaiveDateTime,
        action: Action,
        why: &str,
        files: &[(&[u8], &str, u64)],
    ) -> Result<Event, ProcessError> {
        c.clone()
            .apply(&FixedClock::new(at), actor.clone(), action.clone())?;
        for (bytes, media_type, max) in files {
            let stored = self.backend.put_blob(bytes, media_type, *max)?;
            if stored != content_hash(bytes) {
                return Err(ProcessError::Corrupt(format!(
                    "хранилище вернуло хеш {stored} вместо {}",
                    content_hash(bytes)
                )));
            }
        }
        self.commit(cycle_id, c, actor, at, action, why)
    }

    /// Any action that needs nothing but the cycle (stages, reorganisations, reporting,
    /// selection, facts, receipts, notices, the commission, decisions, results, publication).
    pub fn act(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        action: Action,
        why: &str,
    ) -> Result<Event, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        if let Action::Decide {
            decision:
                bagalau_cycle::Decision {
                    outcome: Decided::Accepted { corrected },
                    ..
                },
            ..
        } = &action
        {
            // The value as the data reader would read it (type, range), before it is final.
            for ci in corrected {
                if let Some(input) = ed.inputs.iter().find(|x| x.code == ci.input) {
                    bagalau_data::parse_cell(input, &ci.value).map_err(|m| {
                        ProcessError::Invalid(format!("исправленное значение «{}»: {m}", ci.input))
                    })?;
                }
            }
        }
        self.commit(cycle, &mut c, actor, at, action, why)
    }

    /// Creates a cycle: every direction of the edition, the bodies of the dataset.
    pub fn create(
        &self,
        actor: Actor,
        at: NaiveDateTime,
        req: &CreateCycle,
    ) -> Result<Event, ProcessError> {
        let (ed, _) = self.edition(&req.edition)?;
        let loaded = bagalau_data::load_dataset(&ed, &req.data)
            .map_err(|e| ProcessError::Data(e.to_string()))?;
        let period = i32::from(
            loaded
                .meta
                .period
                .ok_or_else(|| ProcessError::Data("в dataset.toml не указан период".into()))?,
        );
        let def = CycleDefinition {
            period,
            block: ed.block_code.clone(),
            directions: ed
                .directions
                .iter()
                .map(|d| DirectionState {
                    direction: d.code.clone(),
                    edition: ed.id.clone(),
                })
                .collect(),
            schedule: Schedule {
                reporting_deadline: req.reporting_deadline,
                stage_ends: req.stage_ends.clone(),
            },
            bodies: loaded
                .dataset
                .bodies
                .iter()
                .map(|b| BodyDef {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    group: b.group,
                })
                .collect(),
        };
        let ctx = Context {
            editions: vec![Arc::clone(&ed)],
            calendar: Arc::clone(&self.calendar),
        };
        // Checked before anything is stored.
        let c = Cycle::create(ctx, &FixedClock::new(at), actor, def)?;
        let ev = c
            .events()
            .first()
            .cloned()
            .ok_or_else(|| ProcessError::Invalid("цикл не создан".into()))?;
        self.backend.create_cycle(
            &req.id,
            &ev,
            &Audit {
                why: format!("создание цикла оценки за {period} год"),
                before: "—".into(),
                after: summary(&c),
            },
        )?;
        Ok(ev)
    }

    /// Imports the evaluation data from a dataset folder (see [`Process::import_from`]); returns
    /// the snapshot's hash.
    pub fn import(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        dir: &Path,
    ) -> Result<String, ProcessError> {
        Ok(self
            .import_from(cycle, actor, at, Source::Dataset(dir))?
            .snapshot)
    }

    /// Imports the evaluation data from a source: the dataset it gives is checked against the
    /// edition and the cycle's bodies, stored as one snapshot (by hash) with the evidence of its
    /// source, and the import recorded with its provenance. A refused source (a bad cell of a
    /// form, a refused dataset) stores nothing. The same source again — the same kind, the same
    /// files (names and hashes) and the same resulting snapshot as the current import — records
    /// nothing ([`Imported::new`] is false).
    pub fn import_from(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        source: Source<'_>,
    ) -> Result<Imported, ProcessError> {
        self.import_source(cycle, actor, at, source, false)
    }

    /// A dry run of [`Process::import_from`]: the source read and checked, the event checked,
    /// nothing stored. [`Imported::new`] tells whether the import would record a new version.
    pub fn check_import(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        source: Source<'_>,
    ) -> Result<Imported, ProcessError> {
        self.import_source(cycle, actor, at, source, true)
    }

    fn import_source(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        source: Source<'_>,
        dry_run: bool,
    ) -> Result<Imported, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let (_, edition_hash) = self.edition(&ed.id)?;
        // Whether the cycle takes an import now at all (the actor, no run yet), before reading
        // a source that may be large.
        c.clone().apply(
            &FixedClock::new(at),
            actor.clone(),
            Action::ImportData {
                snapshot: content_hash(b""),
                edition: ed.id.clone(),
                edition_hash: edition_hash.clone(),
                source: None,
            },
        )?;
        let work = TempDir::new()?;
        let mut notes = String::new();
        let mut evidence: Vec<(Vec<u8>, &'static str)> = Vec::new();
        let (dir, kind, files, base) = match source {
            Source::Dataset(d) => (
                d.to_path_buf(),
                SourceKind::Dataset,
                sources::folder_files(d)?,
                None,
            ),
            Source::Form(path) => {
                let bytes = std::fs::read(path).map_err(|e| ProcessError::Io {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
                let file = sources::source_file(&sources::file_name(path)?, &bytes);
                let form = bagalau_ingest::read_form(&ed, path, &bytes)
                    .map_err(|e| ProcessError::Form(e.to_string()))?;
                for n in &form.notices {
                    notes.push_str(&format!("  {n}\n"));
                }
                let out = work.path().join("dataset");
                bagalau_ingest::write_dataset(&ed, &form, &out)
                    .map_err(|e| ProcessError::Form(e.to_string()))?;
                evidence.push((bytes, XLSX));
                (out, SourceKind::Form, vec![file], None)
            }
            Source::Raw {
                dir: raw,
                base,
                progress,
            } => {
                let files = sources::folder_files(raw)?;
                let (base_dir, base_hash) = match base {
                    Some(b) => (b.to_path_buf(), content_hash(&Bundle::read(b)?.to_bytes())),
                    None => {
                        let snap = c.snapshot().ok_or_else(|| {
                            ProcessError::Invalid(
                                "данные оценки ещё не загружены: первичные записи дополняют набор данных — загрузите его (cycle import --data или --form) или укажите --base".into(),
                            )
                        })?;
                        let b = work.path().join("base");
                        Bundle::from_bytes(&self.backend.blob(&snap.data)?)?.write_into(&b)?;
                        (b, snap.data.clone())
                    }
                };
                let mut agg = bagalau_aggregate::aggregate_blocking(
                    raw,
                    &bagalau_aggregate::Options::default(),
                    progress,
                )
                .map_err(|e| ProcessError::Raw(e.to_string()))?;
                let unlisted = sources::refuse_unlisted_services(&mut agg, &base_dir)?;
                let out = work.path().join("dataset");
                sources::write_aggregated(&ed, &agg, Some(&base_dir), &out)?;
                notes.push_str(&sources::summary_ru(
                    &ed,
                    &agg,
                    "отчёты сохранены в хранилище вместе с загрузкой",
                    &unlisted,
                ));
                evidence.push((Bundle::read(&out.join("raw"))?.to_bytes(), JSON));
                (out, SourceKind::RawRecords, files, Some(base_hash))
            }
            Source::Submissions => {
                let snap = c.snapshot().ok_or_else(|| {
                    ProcessError::Invalid(
                        "данные оценки ещё не загружены: формы органов заменяют их строки в загруженном наборе (cycle import --data)".into(),
                    )
                })?;
                let base = work.path().join("base");
                Bundle::from_bytes(&self.backend.blob(&snap.data)?)?.write_into(&base)?;
                let submitted = submitted_forms(&c);
                if submitted.is_empty() {
                    return Err(ProcessError::Invalid(
                        "ни один орган не представил форму отчётных данных (cycle submit)".into(),
                    ));
                }
                let mut forms = Vec::new();
                let mut files = Vec::new();
                for (i, (body, file)) in submitted.into_iter().enumerate() {
                    let bytes = self.backend.blob(&file.sha256)?;
                    let form = bagalau_ingest::read_form(&ed, Path::new(&file.name), &bytes)
                        .map_err(|e| ProcessError::Form(e.to_string()))?;
                    let dir = work.path().join(format!("form-{i}"));
                    bagalau_ingest::write_dataset(&ed, &form, &dir)
                        .map_err(|e| ProcessError::Form(e.to_string()))?;
                    forms.push((body, dir));
                    files.push(file);
                }
                let out = work.path().join("dataset");
                sources::replace_bodies(&ed, &base, &forms, &out)?;
                (out, SourceKind::Submissions, files, Some(snap.data.clone()))
            }
        };
        let bytes = self.checked_snapshot(&c, &ed, &dir)?;
        drop(work);
        let snapshot = content_hash(&bytes);
        let source = DataSource {
            kind,
            files,
            base,
            evidence: evidence.iter().map(|(b, _)| content_hash(b)).collect(),
        };
        let imports: Vec<(String, Option<DataSource>)> = c
            .events()
            .iter()
            .filter_map(|e| match &e.what {
                Action::ImportData {
                    snapshot, source, ..
                } => Some((snapshot.clone(), source.clone())),
                _ => None,
            })
            .collect();
        if let Some((last, Some(s))) = imports.last() {
            if *last == snapshot && s.kind == source.kind && s.files == source.files {
                return Ok(Imported {
                    snapshot,
                    version: imports.len(),
                    new: false,
                    source,
                    notes,
                });
            }
        }
        let why = format!(
            "загрузка данных: {} ({})",
            kind.name_ru(),
            source
                .files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let action = Action::ImportData {
            snapshot: snapshot.clone(),
            edition: ed.id.clone(),
            edition_hash,
            source: Some(source.clone()),
        };
        if dry_run {
            c.clone().apply(&FixedClock::new(at), actor, action)?;
            return Ok(Imported {
                snapshot,
                version: imports.len() + 1,
                new: true,
                source,
                notes,
            });
        }
        let mut blobs: Vec<(&[u8], &str, u64)> = vec![(&bytes, JSON, MAX_SNAPSHOT)];
        for (b, t) in &evidence {
            blobs.push((b, t, MAX_SNAPSHOT));
        }
        self.store_and_commit(cycle, &mut c, actor, at, action, &why, &blobs)?;
        Ok(Imported {
            snapshot,
            version: imports.len() + 1,
            new: true,
            source,
            notes,
        })
    }

    /// A body submits its reporting form (the procedure's submission of reporting information,
    /// within its deadline): the workbook is read with every bad cell named, must hold that
    /// body's data and no other body's, and is stored with the event that names it (file name,
    /// hash, size). The same form submitted again by the same body records nothing
    /// ([`Submitted::new`] is false); another form after a submission is refused by the
    /// procedure. The values enter the data with `import_from(…, Source::Submissions)`.
    pub fn submit(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        path: &Path,
    ) -> Result<Submitted, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let bytes = std::fs::read(path).map_err(|e| ProcessError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let file = sources::source_file(&sources::file_name(path)?, &bytes);
        for e in c.events() {
            if let Action::SubmitReporting {
                body: b,
                form: Some(f),
            } = &e.what
            {
                if b == body && f.sha256 == file.sha256 {
                    return Ok(Submitted {
                        seq: e.seq,
                        new: false,
                        form: f.clone(),
                        after_deadline: None,
                    });
                }
            }
        }
        let form = bagalau_ingest::read_form(&ed, path, &bytes)
            .map_err(|e| ProcessError::Form(e.to_string()))?;
        let ids: Vec<&str> = form.dataset.bodies.iter().map(|b| b.id.as_str()).collect();
        let others: Vec<&str> = ids.iter().copied().filter(|b| *b != body).collect();
        if !others.is_empty() {
            return Err(ProcessError::Form(format!(
                "форма {} содержит данные других органов ({}): орган представляет только свои данные — оставьте на листе «Органы» одну строку «{body}»",
                path.display(),
                others.join(", ")
            )));
        }
        if !ids.contains(&body) {
            return Err(ProcessError::Form(format!(
                "в форме {} нет данных органа «{body}»",
                path.display()
            )));
        }
        let ev = self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::SubmitReporting {
                body: body.to_string(),
                form: Some(file.clone()),
            },
            &format!(
                "представление отчётной информации органа {body} формой «{}»",
                file.name
            ),
            &[(&bytes, XLSX, MAX_FILE)],
        )?;
        let deadline = c.definition().map(|d| d.schedule.reporting_deadline);
        Ok(Submitted {
            seq: ev.seq,
            new: true,
            form: file,
            after_deadline: deadline.filter(|d| at.date() > *d),
        })
    }

    /// The dataset folder checked against the edition and the cycle's bodies; its bundle.
    fn checked_snapshot(
        &self,
        c: &Cycle,
        ed: &Edition,
        dir: &Path,
    ) -> Result<Vec<u8>, ProcessError> {
        let loaded =
            bagalau_data::load_dataset(ed, dir).map_err(|e| ProcessError::Data(e.to_string()))?;
        let def = c
            .definition()
            .ok_or_else(|| ProcessError::Corrupt("цикл без определения".into()))?;
        let ids: Vec<&str> = loaded
            .dataset
            .bodies
            .iter()
            .map(|b| b.id.as_str())
            .collect();
        let expected: Vec<&str> = def.bodies.iter().map(|b| b.id.as_str()).collect();
        if ids != expected {
            return Err(ProcessError::Data(format!(
                "органы данных ({}) не совпадают с органами цикла ({})",
                ids.join(", "),
                expected.join(", ")
            )));
        }
        Ok(Bundle::read(dir)?.to_bytes())
    }

    /// The data and outcome the cycle's events make now: the snapshot with the facts of
    /// re-verification and the inputs corrected by accepted objections, evaluated.
    pub fn evaluate(
        &self,
        c: &Cycle,
        ed: &Edition,
    ) -> Result<(bagalau_data::Loaded, Outcome, Run), ProcessError> {
        let snap = c.snapshot().ok_or_else(|| {
            ProcessError::Invalid("данные оценки не загружены (cycle import)".into())
        })?;
        let (_, edition_hash) = self.edition(&ed.id)?;
        if edition_hash != snap.edition_hash {
            return Err(ProcessError::Edition {
                id: ed.id.clone(),
                message: format!(
                    "папка редакции изменилась после загрузки данных: хеш {edition_hash}, а при загрузке {}",
                    snap.edition_hash
                ),
            });
        }
        let bundle = Bundle::from_bytes(&self.backend.blob(&snap.data)?)?;
        let tmp = bundle.unpack()?;
        let mut loaded = bagalau_data::load_dataset(ed, tmp.path())
            .map_err(|e| ProcessError::Data(e.to_string()))?;
        drop(tmp);
        // Facts of re-verification: per body and input, the number of facts.
        let mut facts: BTreeMap<(String, String), u64> = BTreeMap::new();
        for b in &loaded.dataset.bodies {
            for f in c.penalty_facts(&b.id) {
                let input = penalty_input(ed, &f.item).map_err(ProcessError::Invalid)?;
                *facts.entry((b.id.clone(), input.to_string())).or_default() += u64::from(f.count);
            }
        }
        for ((body, input), n) in &facts {
            set_input(ed, &mut loaded, body, input, Value::Num((*n).into()))?;
        }
        let corrections = c.corrections();
        for (body, _, ci) in &corrections {
            let i = ed
                .inputs
                .iter()
                .position(|x| x.code == ci.input)
                .ok_or_else(|| {
                    ProcessError::Invalid(format!("нет входных данных «{}»", ci.input))
                })?;
            let v = bagalau_data::parse_cell(&ed.inputs[i], &ci.value)
                .map_err(|m| ProcessError::Invalid(format!("{}: {m}", ci.input)))?
                .ok_or_else(|| ProcessError::Invalid(format!("{}: пустое значение", ci.input)))?;
            set_input(ed, &mut loaded, body, &ci.input, v)?;
        }
        let identity = DataIdentity {
            snapshot: &snap.data,
            facts: facts.into_iter().map(|((b, i), n)| (b, i, n)).collect(),
            corrections: corrections
                .iter()
                .map(|(b, _, ci)| (b.clone(), ci.input.clone(), ci.value.clone()))
                .collect(),
        };
        let data_hash = content_hash(&serde_json::to_vec(&identity).unwrap_or_default());
        let out = bagalau_engine::evaluate(ed, &loaded.dataset)
            .map_err(|e| ProcessError::Eval(e.to_string()))?;
        let run = Run::new(ed, &snap.edition_hash, &data_hash, &out);
        Ok((loaded, out, run))
    }

    /// Computes (or recomputes) the cycle: a new run stored, then recorded with the bodies it
    /// moved that did not object. Returns the run, the diff against the previous run, and
    /// whether the run is new (an unchanged recomputation records nothing).
    pub fn compute(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
    ) -> Result<(Run, Option<RunDiff>, bool), ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let (_, _, run) = self.evaluate(&c, &ed)?;
        let id = run.id();
        let previous = c.runs().last().map(|r| r.id.clone());
        let d = match &previous {
            Some(p) => {
                let before = self.backend.run(cycle, p)?;
                Some(diff(&before, &run, &objecting(&c)))
            }
            None => None,
        };
        if previous.as_deref() == Some(id.as_str()) {
            return Ok((run, d, false));
        }
        let by = format!(
            "{}:{}:{}",
            actor.party.code(),
            actor.organisation,
            actor.person
        );
        let moved_others = d
            .as_ref()
            .map(|d| d.moved_others.clone())
            .unwrap_or_default();
        let last = c.events().len() as u64;
        let before = summary(&c);
        let ev = c
            .apply(
                &FixedClock::new(at),
                actor,
                Action::RecordRun {
                    run: id,
                    previous,
                    moved_others,
                },
            )?
            .clone();
        let audit = Audit {
            why: "расчёт по данным цикла".into(),
            before,
            after: summary(&c),
        };
        self.backend
            .append_with_run(cycle, last, &ev, &audit, &run, at, &by)?;
        Ok((run, d, true))
    }

    fn current(
        &self,
        c: &Cycle,
        ed: &Edition,
    ) -> Result<(bagalau_data::Loaded, Outcome, Run), ProcessError> {
        let (loaded, out, run) = self.evaluate(c, ed)?;
        let last = c.runs().last().ok_or_else(|| {
            ProcessError::Invalid("расчёт ещё не выполнен (cycle compute)".into())
        })?;
        if last.id != run.id() {
            return Err(ProcessError::Invalid(format!(
                "данные цикла изменились после расчёта {}: выполните пересчёт (cycle recompute)",
                last.id
            )));
        }
        Ok((loaded, out, run))
    }

    fn conclusion_doc(
        &self,
        c: &Cycle,
        ed: &Edition,
        body: &str,
        direction: &str,
    ) -> Result<Issued, ProcessError> {
        let (loaded, out, _) = self.current(c, ed)?;
        let run = bagalau_report::Run {
            ed,
            out: &out,
            period: loaded.meta.period,
        };
        let extra = bagalau_report::conclusion::Extra::default().with_data(&loaded, body);
        let doc = bagalau_report::conclusion::conclusion(
            &run,
            body,
            Some(direction),
            bagalau_report::Lang::Ru,
            &extra,
        )
        .map_err(|e| ProcessError::Report(e.to_string()))?;
        let bytes =
            bagalau_office::to_docx(&doc).map_err(|e| ProcessError::Report(e.to_string()))?;
        let hash = content_hash(&bytes);
        Ok(Issued {
            hash,
            name: format!("заключение-{body}-{direction}.docx"),
            bytes,
        })
    }

    /// Issues a body's conclusion in a direction, generated from the current run and stored.
    pub fn issue(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        direction: &str,
        prepared_by: Vec<String>,
    ) -> Result<Issued, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let doc = self.conclusion_doc(&c, &ed, body, direction)?;
        self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::IssueConclusion {
                body: body.into(),
                direction: direction.into(),
                document: doc.hash.clone(),
                prepared_by,
            },
            &format!("заключение {}", doc.hash),
            &[(&doc.bytes, DOCX, MAX_FILE)],
        )?;
        Ok(doc)
    }

    /// A corrected (final) conclusion regenerated from the current run.
    pub fn issue_corrected(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        direction: &str,
    ) -> Result<Issued, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let run = c
            .runs()
            .last()
            .map(|r| r.id.clone())
            .ok_or_else(|| ProcessError::Invalid("расчёт ещё не выполнен".into()))?;
        let mut doc = self.conclusion_doc(&c, &ed, body, direction)?;
        doc.name = format!("итоговое-заключение-{body}-{direction}.docx");
        self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::IssueCorrectedConclusion {
                body: body.into(),
                direction: direction.into(),
                run,
                document: doc.hash.clone(),
            },
            &format!("исправленное заключение {}", doc.hash),
            &[(&doc.bytes, DOCX, MAX_FILE)],
        )?;
        Ok(doc)
    }

    /// Objections with their evidence (each file stored by hash, size and type checked).
    pub fn object(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        direction: &str,
        objections: &[NewObjection],
    ) -> Result<Event, ProcessError> {
        let (mut c, _) = self.open(cycle)?;
        let mut list = Vec::new();
        let mut files: Vec<(Vec<u8>, String)> = Vec::new();
        for o in objections {
            let mut evidence = Vec::new();
            for f in &o.evidence {
                let bytes = std::fs::read(&f.path).map_err(|e| ProcessError::Io {
                    path: f.path.clone(),
                    message: e.to_string(),
                })?;
                evidence.push(content_hash(&bytes));
                files.push((bytes, f.media_type.clone()));
            }
            list.push(Objection {
                target: o.target.clone(),
                text: o.text.clone(),
                evidence,
            });
        }
        let files: Vec<(&[u8], &str, u64)> = files
            .iter()
            .map(|(b, t)| (b.as_slice(), t.as_str(), MAX_FILE))
            .collect();
        self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::Object {
                body: body.into(),
                direction: direction.into(),
                objections: list,
            },
            &format!("возражения органа «{body}»"),
            &files,
        )
    }

    /// The disagreement table of a body (appendix 10), generated from the recorded objections and
    /// decisions and stored; forming it is recorded when it has not been.
    pub fn table(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        direction: &str,
    ) -> Result<Issued, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let doc = self.table_doc(&c, &ed, body, direction)?;
        self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::FormDisagreementTable {
                body: body.into(),
                direction: direction.into(),
            },
            &format!("таблица разногласий {}", doc.hash),
            &[(&doc.bytes, DOCX, MAX_FILE)],
        )?;
        Ok(doc)
    }

    /// The disagreement table as the records make it now (no event).
    pub fn table_doc(
        &self,
        c: &Cycle,
        ed: &Edition,
        body: &str,
        direction: &str,
    ) -> Result<Issued, ProcessError> {
        let (loaded, out, _) = self.current(c, ed)?;
        let records: Vec<bagalau_report::disagreement::Objection> = c
            .objections(body, direction)
            .into_iter()
            .enumerate()
            .map(|(i, (o, d))| {
                let (accepted, correction) = match d.map(|d| &d.outcome) {
                    Some(Decided::Accepted { corrected }) => (
                        true,
                        corrected
                            .first()
                            .map(|x| (x.input.clone(), x.value.clone())),
                    ),
                    _ => (false, None),
                };
                bagalau_report::disagreement::Objection {
                    body: body.to_string(),
                    number: (i + 1).to_string(),
                    statement: match &o.target {
                        Target::Criterion(x) => format!("критерий «{}»", node_name(ed, x)),
                        Target::Input(x) => format!("показатель «{}»", input_name(ed, x)),
                    },
                    recommendation: String::new(),
                    objection: o.text.clone(),
                    decision: d.map(|d| d.reasons.clone()).unwrap_or_default(),
                    accepted,
                    note: String::new(),
                    correction,
                    file: "цикл".into(),
                    row: i + 1,
                }
            })
            .collect();
        let run = bagalau_report::Run {
            ed,
            out: &out,
            period: loaded.meta.period,
        };
        let doc = bagalau_report::disagreement::disagreement(
            &run,
            body,
            &records,
            &out,
            bagalau_report::Lang::Ru,
        )
        .map_err(|e| ProcessError::Report(e.to_string()))?;
        let bytes =
            bagalau_office::to_docx(&doc).map_err(|e| ProcessError::Report(e.to_string()))?;
        let hash = content_hash(&bytes);
        Ok(Issued {
            hash,
            name: format!("таблица-разногласий-{body}-{direction}.docx"),
            bytes,
        })
    }

    /// The reconciliation act of a body (appendix 9) generated from the facts recorded for it in
    /// the direction and the current run (which must include them: recompute after the facts),
    /// stored and signed by `actor` (the evaluator or the body).
    pub fn reconciliation_act(
        &self,
        cycle: &str,
        actor: Actor,
        at: NaiveDateTime,
        body: &str,
        direction: &str,
    ) -> Result<Issued, ProcessError> {
        let (mut c, ed) = self.open(cycle)?;
        let (loaded, out, _) = self.current(&c, &ed)?;
        let mut facts = Vec::new();
        for e in c.events() {
            if let Action::RecordFacts {
                body: b,
                direction: d,
                description,
                penalties,
            } = &e.what
            {
                if b != body || d != direction {
                    continue;
                }
                for p in penalties {
                    for _ in 0..p.count {
                        facts.push(bagalau_report::act::Fact {
                            body: body.to_string(),
                            item: p.item.clone(),
                            description: description.clone(),
                            dates: None,
                            file: "журнал цикла".into(),
                            row: e.seq as usize,
                        });
                    }
                }
            }
        }
        let run = bagalau_report::Run {
            ed: &ed,
            out: &out,
            period: loaded.meta.period,
        };
        let doc = bagalau_report::act::act(&run, body, &facts, bagalau_report::Lang::Ru)
            .map_err(|e| ProcessError::Report(e.to_string()))?;
        let bytes =
            bagalau_office::to_docx(&doc).map_err(|e| ProcessError::Report(e.to_string()))?;
        let hash = content_hash(&bytes);
        self.store_and_commit(
            cycle,
            &mut c,
            actor,
            at,
            Action::SignAct {
                body: body.into(),
                direction: direction.into(),
                document: hash.clone(),
            },
            &format!("акт сверки {hash}"),
            &[(&bytes, DOCX, MAX_FILE)],
        )?;
        Ok(Issued {
            hash,
            name: format!("акт-сверки-{body}-{direction}.docx"),
            bytes,
        })
    }

    /// The diff of two recorded runs (by default the last two).
    pub fn diff(
        &self,
        cycle: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<RunDiff, ProcessError> {
        let (c, _) = self.open(cycle)?;
        let runs = c.runs();
        let n = runs.len();
        let pick = |given: Option<&str>, back: usize| -> Result<String, ProcessError> {
            match given {
                Some(g) => runs
                    .iter()
                    .find(|r| {
                        r.id == g
                            || r.id
                                .strip_prefix("sha256:")
                                .is_some_and(|h| h.starts_with(g))
                    })
                    .map(|r| r.id.clone())
                    .ok_or_else(|| {
                        ProcessError::Invalid(format!("расчёт «{g}» не найден в цикле"))
                    }),
                None => n
                    .checked_sub(back)
                    .and_then(|i| runs.get(i))
                    .map(|r| r.id.clone())
                    .ok_or_else(|| ProcessError::Invalid("в цикле меньше двух расчётов".into())),
            }
        };
        let (a, b) = (pick(before, 2)?, pick(after, 1)?);
        let (ra, rb) = (self.backend.run(cycle, &a)?, self.backend.run(cycle, &b)?);
        Ok(diff(&ra, &rb, &objecting(&c)))
    }

    pub fn status(&self, cycle: &str, today: NaiveDate) -> Result<Status, ProcessError> {
        let (c, ed) = self.open(cycle)?;
        let stale = match c.runs().last() {
            Some(last) => self.evaluate(&c, &ed)?.2.id() != last.id,
            None => false,
        };
        Ok(Status {
            stale,
            period: c.definition().map_or(0, |d| d.period),
            stage: c.stage().map(|s| format!("{} ({})", s.code, s.name)),
            events: c.events().len(),
            runs: c.runs().iter().map(|r| r.id.clone()).collect(),
            undecided_moved: c.undecided_moved().to_vec(),
            overdue: c.overdue(today)?,
            open: c.open_items(today)?,
            published: c.is_published(),
        })
    }

    /// Checks everything: the store's own integrity, every cycle's events replayed, every
    /// recorded run present with matching hashes and reproduced from the stored data as the
    /// events stood when it was recorded.
    pub fn verify(&self) -> Result<VerifyReport, ProcessError> {
        let mut report = VerifyReport::default();
        if let Some(p) = self.backend.verify()? {
            report.problems.push(p);
        }
        for id in self.backend.cycles()? {
            report.cycles += 1;
            let (c, ed) = match self.open(&id) {
                Ok(x) => x,
                Err(e) => {
                    report.problems.push(format!("цикл «{id}»: {e}"));
                    continue;
                }
            };
            report.events += c.events().len();
            for r in c.runs() {
                report.runs += 1;
                match self.backend.run(&id, &r.id) {
                    Ok(run) if run.id() == r.id => {}
                    Ok(run) => report.problems.push(format!(
                        "цикл «{id}»: расчёт {} хранится с хешем {}",
                        r.id,
                        run.id()
                    )),
                    Err(e) => report
                        .problems
                        .push(format!("цикл «{id}»: расчёт {}: {e}", r.id)),
                }
            }
            // Every run reproduced from the data as the events stood when it was recorded.
            let events = c.events();
            for (k, ev) in events.iter().enumerate() {
                let Action::RecordRun { run, .. } = &ev.what else {
                    continue;
                };
                let ctx = Context {
                    editions: vec![Arc::clone(&ed)],
                    calendar: Arc::clone(&self.calendar),
                };
                let reproduced = Cycle::replay(ctx, &events[..k])
                    .map_err(ProcessError::from)
                    .and_then(|prefix| self.evaluate(&prefix, &ed));
                match reproduced {
                    Ok((_, _, r)) if &r.id() == run => {}
                    Ok((_, _, r)) => report.problems.push(format!(
                        "цикл «{id}»: расчёт {run} (событие № {}) не воспроизводится из данных ({})",
                        ev.seq,
                        r.id()
                    )),
                    Err(e) => report.problems.push(format!("цикл «{id}»: {e}")),
                }
            }
        }
        Ok(report)
    }
}

/// The bodies whose objections were upheld (accepted decisions).
/// The reporting forms the bodies submitted, in the order of submission.
fn submitted_forms(c: &Cycle) -> Vec<(String, SourceFile)> {
    c.events()
        .iter()
        .filter_map(|e| match &e.what {
            Action::SubmitReporting {
                body,
                form: Some(f),
            } => Some((body.clone(), f.clone())),
            _ => None,
        })
        .collect()
}

fn objecting(c: &Cycle) -> Vec<String> {
    let mut out: Vec<String> = c.corrections().into_iter().map(|(b, _, _)| b).collect();
    out.sort();
    out.dedup();
    out
}

fn node_name(ed: &Edition, code: &str) -> String {
    ed.nodes
        .iter()
        .find(|n| n.code == code)
        .map_or_else(|| code.to_string(), |n| n.name.clone())
}

fn input_name(ed: &Edition, code: &str) -> String {
    ed.inputs
        .iter()
        .find(|n| n.code == code)
        .map_or_else(|| code.to_string(), |n| n.name.clone())
}

fn set_input(
    ed: &Edition,
    loaded: &mut bagalau_data::Loaded,
    body: &str,
    input: &str,
    v: Value,
) -> Result<(), ProcessError> {
    let i = ed
        .inputs
        .iter()
        .position(|x| x.code == input && x.table.is_none())
        .ok_or_else(|| {
            ProcessError::Invalid(format!(
                "«{input}» — не показатель органа: исправляются только показатели органа"
            ))
        })?;
    let b = loaded
        .dataset
        .bodies
        .iter_mut()
        .find(|b| b.id == body)
        .ok_or_else(|| ProcessError::Invalid(format!("органа «{body}» нет в данных")))?;
    if let Some(slot) = b.values.get_mut(i) {
        *slot = Some(v);
    }
    Ok(())
}
