//! `bagalau cycle …`: the evaluation cycle from the command line — the interface tests and
//! scripts use. Arguments are parsed here; every operation is `bagalau_process`'s.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use bagalau_cycle::{
    Action, Actor, CorrectedInput, Decision, Member, Outcome as Decided, Party, PenaltyFacts,
    PlannedStage, RunDiff, Target,
};
use bagalau_process::{
    Backend, CreateCycle, EvidenceFile, Imported, Issued, NewObjection, Process, Source,
};
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand};

/// Options of every `cycle` command.
#[derive(Args, Debug)]
pub struct CycleArgs {
    /// База данных: sqlite://ФАЙЛ или postgres://… (по умолчанию — переменная
    /// BAGALAU_DATABASE_URL, иначе SQLite в папке данных)
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[arg(long, default_value = DATA_DIR, global = true, help = data_dir_help())]
    pub data_dir: PathBuf,
    /// Папка редакций методики
    #[arg(long, default_value = "methodologies", global = true)]
    pub methodologies: PathBuf,
    /// Идентификатор цикла
    #[arg(long, default_value = "main", global = true)]
    pub cycle: String,
    /// Кто действует: сторона:организация:лицо (administrator, authorized_body, evaluated_body, commission)
    #[arg(long = "as", global = true)]
    pub actor: Option<String>,
    /// Сегодняшняя дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ); по умолчанию — системная
    #[arg(long, global = true)]
    pub today: Option<String>,
    #[command(subcommand)]
    pub command: CycleCommand,
}

#[derive(Subcommand, Debug)]
pub enum CycleCommand {
    /// Создать цикл оценки: редакция для всех направлений блока, органы из данных
    Create {
        #[arg(long)]
        edition: String,
        #[arg(long)]
        data: PathBuf,
        /// Срок представления отчётных данных
        #[arg(long)]
        reporting_deadline: String,
        /// Плановое окончание этапа: ЭТАП=ДАТА (можно несколько раз)
        #[arg(long = "stage-end")]
        stage_ends: Vec<String>,
    },
    /// Загрузить данные оценки (снимок сохраняется по хешу) из набора данных, формы отчётных
    /// данных или первичных записей; повторная загрузка того же источника ничего не записывает
    #[command(group(clap::ArgGroup::new("source").required(true).args(["data", "form", "raw", "submitted"])))]
    Import {
        /// Папка набора данных
        #[arg(long)]
        data: Option<PathBuf>,
        /// Заполненная форма отчётных данных (XLSX, бланк bagalau template)
        #[arg(long)]
        form: Option<PathBuf>,
        /// Папка первичных записей информационных систем (bagalau generate)
        #[arg(long)]
        raw: Option<PathBuf>,
        /// Базовый набор данных для первичных записей (по умолчанию — текущие данные цикла)
        #[arg(long, requires = "raw")]
        base: Option<PathBuf>,
        /// Текущие данные цикла со строками органов, представивших формы (cycle submit), из их форм
        #[arg(long)]
        submitted: bool,
        /// Только проверить источник: ничего не записывать
        #[arg(long)]
        dry_run: bool,
    },
    /// Перейти к следующему этапу
    Stage { stage: String },
    /// Зарегистрировать реорганизацию или упразднение органа
    Reorganise {
        #[arg(long)]
        body: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        successor: Option<String>,
    },
    /// Отчётная информация органа представлена
    Reporting {
        #[arg(long)]
        body: String,
    },
    /// Орган представляет отчётную информацию формой (XLSX, бланк bagalau template): форма
    /// проверяется, содержит только данные этого органа и сохраняется с событием
    Submit {
        #[arg(long)]
        body: String,
        #[arg(long)]
        form: PathBuf,
    },
    /// Отобрать орган для перепроверки (с основанием — риском)
    Select {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        reason: String,
    },
    /// Зафиксировать факты перепроверки
    Facts {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        description: String,
        /// Пункт вычетов и число фактов: ПУНКТ=ЧИСЛО (можно несколько раз)
        #[arg(long = "penalty")]
        penalties: Vec<String>,
    },
    /// Сформировать акт сверки по зафиксированным фактам и подписать его (от имени --as)
    Act {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Подписать акт сверки (вторая сторона): --document ХЕШ
    SignAct {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        document: String,
    },
    /// Рассчитать оценки (новый расчёт)
    Compute,
    /// Пересчитать после решений комиссии и перепроверки; показать различия
    Recompute,
    /// Сравнить два расчёта (по умолчанию два последних)
    Diff {
        #[arg(long)]
        before: Option<String>,
        #[arg(long)]
        after: Option<String>,
    },
    /// Направить заключение органу по направлению
    Issue {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        /// Участвовавшие в оценке органа (можно несколько раз)
        #[arg(long = "prepared-by")]
        prepared_by: Vec<String>,
        /// Записать документ в файл
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Зарегистрировать получение заключения
    Receipt {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        received: String,
    },
    /// Направить возражение (по показателю или критерию) с подтверждающими файлами
    Object {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long, conflicts_with = "criterion")]
        input: Option<String>,
        #[arg(long)]
        criterion: Option<String>,
        #[arg(long)]
        text: String,
        /// Файл: ПУТЬ или ПУТЬ=ТИП (application/pdf, image/png, text/plain…); можно несколько раз
        #[arg(long = "evidence")]
        evidence: Vec<String>,
    },
    /// Уведомить об отсутствии возражений
    NoObjection {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
    },
    /// Сформировать таблицу разногласий
    Table {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Образовать специальную комиссию: --member "ЛИЦО:ОРГАНИЗАЦИЯ" (не менее минимума редакции)
    Commission {
        #[arg(long)]
        direction: String,
        #[arg(long = "member")]
        members: Vec<String>,
    },
    /// Решение комиссии по возражению (номер с 1)
    Decide {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        objection: usize,
        #[arg(long, conflicts_with = "reject")]
        accept: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        reasons: String,
        /// Исправленное значение: ПОКАЗАТЕЛЬ=ЗНАЧЕНИЕ (для принятого возражения)
        #[arg(long = "set")]
        set: Vec<String>,
    },
    /// Направить органу заключения по возражениям
    SendDecisions {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
    },
    /// Решение администратора: кому из органов, чьи результаты изменил пересчёт, направить исправленные заключения
    Corrections {
        #[arg(long = "send")]
        send: Vec<String>,
        #[arg(long = "withhold")]
        withhold: Vec<String>,
        #[arg(long)]
        reasons: String,
    },
    /// Направить исправленное (итоговое) заключение по последнему расчёту
    Corrected {
        #[arg(long)]
        body: String,
        #[arg(long)]
        direction: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Внести итоговые заключения по направлению
    Finalize {
        #[arg(long)]
        direction: String,
        #[arg(long)]
        body: Option<String>,
    },
    /// Опубликовать результаты
    Publish,
    /// Состояние цикла: этап, расчёты, сроки
    Status,
    /// Журнал событий цикла
    Log,
    /// Проверить хранилище: цепочку журнала, события, расчёты
    Verify,
    /// Полный цикл учебного примера (три направления) с записью всех документов
    Demo {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "examples/2021-operational")]
        data: PathBuf,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .map_err(|_| anyhow!("«{s}» — не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"))
}

fn parse_actor(s: Option<&str>) -> Result<Actor> {
    let s = s.ok_or_else(|| anyhow!("укажите, кто действует: --as сторона:организация:лицо"))?;
    let mut parts = s.splitn(3, ':');
    let (Some(p), Some(org), Some(person)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("--as: ожидается сторона:организация:лицо, а не «{s}»");
    };
    let party = Party::from_code(p).ok_or_else(|| {
        anyhow!("--as: неизвестная сторона «{p}» (administrator, authorized_body, evaluated_body, commission)")
    })?;
    if person.trim().is_empty() {
        bail!("--as: не указано лицо");
    }
    Ok(Actor::new(party, org, person))
}

fn pair(s: &str, what: &str) -> Result<(String, String)> {
    s.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .ok_or_else(|| anyhow!("{what}: ожидается КЛЮЧ=ЗНАЧЕНИЕ, а не «{s}»"))
}

/// The default data folder of the command line (relative to the working folder).
pub const DATA_DIR: &str = "bagalau-data";

/// The `--data-dir` help: the SQLite file's name is the store's ([`bagalau_store::SQLITE_FILE`]).
fn data_dir_help() -> String {
    format!(
        "Папка данных: без --database-url и BAGALAU_DATABASE_URL хранилище SQLite — файл ПАПКА/{}",
        bagalau_store::SQLITE_FILE
    )
}

/// The file name the command line used for SQLite before it took the store's
/// ([`bagalau_store::SQLITE_FILE`]): found alone in a data folder, it is not silently ignored.
const OLD_SQLITE_FILE: &str = "store.sqlite";

/// The store behind `--database-url` (or `BAGALAU_DATABASE_URL`): `sqlite://…` or
/// `postgres://…`; without one, SQLite in the data folder as [`bagalau_store::SQLITE_FILE`]
/// (the folder is created when `create` is set, otherwise it must exist).
pub fn store_url(database_url: Option<&str>, data_dir: &Path, create: bool) -> Result<String> {
    if let Some(u) = database_url {
        return Ok(u.to_string());
    }
    if let Ok(u) = std::env::var("BAGALAU_DATABASE_URL") {
        if !u.is_empty() {
            return Ok(u);
        }
    }
    let file = data_dir.join(bagalau_store::SQLITE_FILE);
    let old = data_dir.join(OLD_SQLITE_FILE);
    if !file.exists() && old.exists() {
        bail!(
            "в папке данных {} лежит хранилище под прежним именем {OLD_SQLITE_FILE}: переименуйте его в {}",
            data_dir.display(),
            bagalau_store::SQLITE_FILE
        );
    }
    if create {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("папка данных {}", data_dir.display()))?;
    } else if !file.is_file() {
        bail!(
            "хранилище не найдено: нет файла {} (укажите --data-dir или --database-url)",
            file.display()
        );
    }
    Ok(format!("sqlite://{}", file.display()))
}

/// The store behind `args` (the data folder is created on first use).
pub fn database_url(args: &CycleArgs) -> Result<String> {
    store_url(args.database_url.as_deref(), &args.data_dir, true)
}

/// Opens the store for `args`.
pub fn open(args: &CycleArgs) -> Result<Process<Box<dyn Backend>>> {
    let backend = bagalau_process::store::open(&database_url(args)?)?;
    Ok(Process::new(backend, &args.methodologies)?)
}

fn save(doc: &Issued, out: Option<&Path>) -> Result<String> {
    let mut s = format!("Документ {} ({} байт)", doc.hash, doc.bytes.len());
    if let Some(p) = out {
        crate::output::write_file(p, &doc.bytes)?;
        s.push_str(&format!(", записан в {}", p.display()));
    }
    Ok(s + "\n")
}

/// The Russian text of a diff.
pub fn diff_text(d: &RunDiff) -> String {
    let mut s = format!("Расчёт {} → {}\n", d.before, d.after);
    for b in &d.bodies {
        if !b.moved() {
            continue;
        }
        let o = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
        s.push_str(&format!(
            "  {}: итог {} → {}; место {} → {}; степень {} → {}\n",
            b.id,
            o(&b.score.before),
            o(&b.score.after),
            b.rank.before.map_or("—".into(), |r| r.to_string()),
            b.rank.after.map_or("—".into(), |r| r.to_string()),
            o(&b.degree.before),
            o(&b.degree.after),
        ));
        for (code, c) in &b.criteria {
            s.push_str(&format!("    {code}: {} → {}\n", o(&c.before), o(&c.after)));
        }
    }
    if d.moved_others.is_empty() {
        s.push_str("Результаты органов, не подававших возражений, не изменились.\n");
    } else {
        s.push_str(&format!(
            "Изменились результаты органов, не подававших возражений: {}. Решение о направлении им исправленных заключений принимает администратор (cycle corrections).\n",
            d.moved_others.join(", ")
        ));
    }
    s
}

/// Runs one `cycle` command; returns what to print.
pub fn run(args: CycleArgs) -> Result<String> {
    let at: NaiveDateTime = match &args.today {
        Some(t) => parse_date(t)?
            .and_hms_opt(12, 0, 0)
            .ok_or_else(|| anyhow!("дата"))?,
        None => chrono::Utc::now().naive_utc(),
    };
    let today = at.date();
    let p = open(&args)?;
    let cycle = args.cycle.as_str();
    let who = || parse_actor(args.actor.as_deref());
    let act = |action: Action, why: &str| -> Result<String> {
        let ev = p.act(cycle, who()?, at, action, why)?;
        Ok(format!("№ {}: {} — записано\n", ev.seq, ev.what.name_ru()))
    };
    Ok(match &args.command {
        CycleCommand::Create {
            edition,
            data,
            reporting_deadline,
            stage_ends,
        } => {
            let stage_ends = stage_ends
                .iter()
                .map(|s| {
                    let (stage, d) = pair(s, "--stage-end")?;
                    Ok(PlannedStage {
                        stage,
                        until: parse_date(&d)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            p.create(
                who()?,
                at,
                &CreateCycle {
                    id: cycle.to_string(),
                    edition: edition.clone(),
                    data: data.clone(),
                    reporting_deadline: parse_date(reporting_deadline)?,
                    stage_ends,
                },
            )?;
            format!("Цикл «{cycle}» создан\n")
        }
        CycleCommand::Import {
            data,
            form,
            raw,
            base,
            submitted,
            dry_run,
        } => {
            if base.is_some() && raw.is_none() {
                bail!("--base задаёт базовый набор только для первичных записей (--raw)");
            }
            let import = |source: Source<'_>| -> Result<Imported> {
                Ok(if *dry_run {
                    p.check_import(cycle, who()?, at, source)?
                } else {
                    p.import_from(cycle, who()?, at, source)?
                })
            };
            let imported = match (data, form, raw) {
                (Some(d), _, _) => import(Source::Dataset(d))?,
                (_, Some(f), _) => import(Source::Form(f))?,
                (_, _, Some(r)) => crate::raw::with_progress(|progress| {
                    import(Source::Raw {
                        dir: r,
                        base: base.as_deref(),
                        progress,
                    })
                })?,
                _ if *submitted => import(Source::Submissions)?,
                _ => bail!("укажите источник: --data, --form, --raw или --submitted"),
            };
            imported_text(&imported, *dry_run)
        }
        CycleCommand::Submit { body, form } => {
            let s = p.submit(cycle, who()?, at, body, form)?;
            let f = format!(
                "«{}» ({}, {} байт)",
                s.form.name, s.form.sha256, s.form.size
            );
            if s.new {
                let mut t = format!(
                    "№ {}: представление отчётной информации органа {body} формой {f} — записано\n",
                    s.seq
                );
                if let Some(d) = s.after_deadline {
                    t.push_str(&format!(
                        "Внимание: представлено после срока представления отчётных данных ({}).\n",
                        d.format("%d.%m.%Y")
                    ));
                }
                t
            } else {
                format!(
                    "Уже представлено: орган {body}, форма {f}, событие № {} — ничего не записано\n",
                    s.seq
                )
            }
        }
        CycleCommand::Stage { stage } => act(
            Action::OpenStage {
                stage: stage.clone(),
            },
            "переход к этапу",
        )?,
        CycleCommand::Reorganise {
            body,
            date,
            successor,
        } => act(
            Action::RecordReorganisation {
                body: body.clone(),
                date: parse_date(date)?,
                successor: successor.clone(),
            },
            "реорганизация",
        )?,
        CycleCommand::Reporting { body } => act(
            Action::SubmitReporting {
                body: body.clone(),
                form: None,
            },
            "отчётная информация",
        )?,
        CycleCommand::Select {
            body,
            direction,
            reason,
        } => act(
            Action::SelectForReverification {
                body: body.clone(),
                direction: direction.clone(),
                reason: reason.clone(),
            },
            reason,
        )?,
        CycleCommand::Facts {
            body,
            direction,
            description,
            penalties,
        } => {
            let penalties = penalties
                .iter()
                .map(|s| {
                    let (item, n) = pair(s, "--penalty")?;
                    let count = n
                        .parse()
                        .map_err(|_| anyhow!("--penalty: «{n}» — не целое число фактов"))?;
                    Ok(PenaltyFacts { item, count })
                })
                .collect::<Result<Vec<_>>>()?;
            act(
                Action::RecordFacts {
                    body: body.clone(),
                    direction: direction.clone(),
                    description: description.clone(),
                    penalties,
                },
                description,
            )?
        }
        CycleCommand::Act {
            body,
            direction,
            out,
        } => {
            let doc = p.reconciliation_act(cycle, who()?, at, body, direction)?;
            format!("Акт сверки подписан. {}", save(&doc, out.as_deref())?)
        }
        CycleCommand::SignAct {
            body,
            direction,
            document,
        } => act(
            Action::SignAct {
                body: body.clone(),
                direction: direction.clone(),
                document: document.clone(),
            },
            "подписание акта сверки",
        )?,
        CycleCommand::Compute | CycleCommand::Recompute => {
            let (run, diff, new) = p.compute(cycle, who()?, at)?;
            let mut s = if new {
                format!("Расчёт {} записан\n", run.id())
            } else {
                format!(
                    "Данные не изменились: расчёт {} остаётся текущим\n",
                    run.id()
                )
            };
            if let (Some(d), true) = (diff, new) {
                s.push_str(&diff_text(&d));
            }
            s
        }
        CycleCommand::Diff { before, after } => {
            diff_text(&p.diff(cycle, before.as_deref(), after.as_deref())?)
        }
        CycleCommand::Issue {
            body,
            direction,
            prepared_by,
            out,
        } => {
            let doc = p.issue(cycle, who()?, at, body, direction, prepared_by.clone())?;
            format!("Заключение направлено. {}", save(&doc, out.as_deref())?)
        }
        CycleCommand::Receipt {
            body,
            direction,
            received,
        } => act(
            Action::RecordReceipt {
                body: body.clone(),
                direction: direction.clone(),
                received: parse_date(received)?,
            },
            "получение заключения",
        )?,
        CycleCommand::Object {
            body,
            direction,
            input,
            criterion,
            text,
            evidence,
        } => {
            let target = match (input, criterion) {
                (Some(i), None) => Target::Input(i.clone()),
                (None, Some(c)) => Target::Criterion(c.clone()),
                _ => bail!("укажите --input или --criterion"),
            };
            let evidence = evidence
                .iter()
                .map(|e| {
                    let (path, ty) = match e.rsplit_once('=') {
                        Some((p, t)) => (PathBuf::from(p), t.to_string()),
                        None => (PathBuf::from(e), media_type(Path::new(e))?),
                    };
                    Ok(EvidenceFile {
                        path,
                        media_type: ty,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let ev = p.object(
                cycle,
                who()?,
                at,
                body,
                direction,
                &[NewObjection {
                    target,
                    text: text.clone(),
                    evidence,
                }],
            )?;
            format!("№ {}: возражение принято к рассмотрению\n", ev.seq)
        }
        CycleCommand::NoObjection { body, direction } => act(
            Action::NotifyNoObjections {
                body: body.clone(),
                direction: direction.clone(),
            },
            "возражений нет",
        )?,
        CycleCommand::Table {
            body,
            direction,
            out,
        } => {
            let doc = p.table(cycle, who()?, at, body, direction)?;
            format!(
                "Таблица разногласий сформирована. {}",
                save(&doc, out.as_deref())?
            )
        }
        CycleCommand::Commission { direction, members } => {
            let members = members
                .iter()
                .map(|m| {
                    let (person, org) = m.split_once(':').unwrap_or((m.as_str(), ""));
                    Member {
                        person: person.trim().to_string(),
                        organisation: org.trim().to_string(),
                    }
                })
                .collect();
            act(
                Action::NameCommission {
                    direction: direction.clone(),
                    members,
                },
                "образование специальной комиссии",
            )?
        }
        CycleCommand::Decide {
            body,
            direction,
            objection,
            accept,
            reject,
            reasons,
            set,
        } => {
            if !accept && !reject {
                bail!("укажите --accept или --reject");
            }
            if *objection == 0 {
                bail!("--objection: номера возражений начинаются с 1");
            }
            let outcome = if *accept {
                Decided::Accepted {
                    corrected: set
                        .iter()
                        .map(|s| {
                            let (input, value) = pair(s, "--set")?;
                            Ok(CorrectedInput { input, value })
                        })
                        .collect::<Result<Vec<_>>>()?,
                }
            } else {
                Decided::Rejected
            };
            act(
                Action::Decide {
                    body: body.clone(),
                    direction: direction.clone(),
                    objection: objection - 1,
                    decision: Decision {
                        outcome,
                        reasons: reasons.clone(),
                    },
                },
                reasons,
            )?
        }
        CycleCommand::SendDecisions { body, direction } => act(
            Action::SendDecisions {
                body: body.clone(),
                direction: direction.clone(),
            },
            "заключения по возражениям",
        )?,
        CycleCommand::Corrections {
            send,
            withhold,
            reasons,
        } => {
            let (c, _) = p.open(cycle)?;
            let run = c
                .runs()
                .last()
                .map(|r| r.id.clone())
                .ok_or_else(|| anyhow!("в цикле нет расчётов"))?;
            act(
                Action::DecideCorrectedConclusions {
                    run,
                    send_to: send.clone(),
                    withheld: withhold.clone(),
                    reasons: reasons.clone(),
                },
                reasons,
            )?
        }
        CycleCommand::Corrected {
            body,
            direction,
            out,
        } => {
            let doc = p.issue_corrected(cycle, who()?, at, body, direction)?;
            format!(
                "Исправленное заключение направлено. {}",
                save(&doc, out.as_deref())?
            )
        }
        CycleCommand::Finalize { direction, body } => act(
            Action::SubmitResults {
                direction: direction.clone(),
                body: body.clone(),
            },
            "итоговые заключения",
        )?,
        CycleCommand::Publish => act(Action::Publish, "публикация")?,
        CycleCommand::Status => {
            let s = p.status(cycle, today)?;
            let mut t = format!(
                "Цикл «{cycle}», оценка за {} год\nЭтап: {}\nСобытий: {}\n",
                s.period,
                s.stage.unwrap_or_else(|| "—".into()),
                s.events
            );
            for (i, r) in s.runs.iter().enumerate() {
                t.push_str(&format!("Расчёт {}: {r}\n", i + 1));
            }
            if s.stale {
                t.push_str("Данные изменились после последнего расчёта: нужен пересчёт (cycle recompute)\n");
            }
            if !s.undecided_moved.is_empty() {
                t.push_str(&format!(
                    "Ожидает решения администратора (исправленные заключения): {}\n",
                    s.undecided_moved.join(", ")
                ));
            }
            for o in &s.overdue {
                t.push_str(&format!("Просрочено: {o}\n"));
            }
            for o in &s.open {
                t.push_str(&format!("Срок идёт: {o}\n"));
            }
            if s.published {
                t.push_str("Результаты опубликованы\n");
            }
            t
        }
        CycleCommand::Log => {
            let (c, _) = p.open(cycle)?;
            let mut t = String::new();
            for e in c.events() {
                t.push_str(&format!(
                    "{:>4}  {}  {} «{}» ({}): {}\n",
                    e.seq,
                    e.at.format("%d.%m.%Y %H:%M"),
                    e.actor.party.name_ru(),
                    e.actor.organisation,
                    e.actor.person,
                    describe(&e.what)
                ));
            }
            t
        }
        CycleCommand::Verify => {
            let r = p.verify()?;
            if !r.problems.is_empty() {
                bail!("хранилище не прошло проверку:\n{}", r.problems.join("\n"));
            }
            format!(
                "Проверено: циклов {}, событий {}, расчётов {} — нарушений нет\n",
                r.cycles, r.events, r.runs
            )
        }
        CycleCommand::Demo { out, data } => {
            // The demo may be run again on the same store: it then takes the next free id
            // («main-2», «main-3», …) instead of failing on the cycle of the previous run.
            let existing = p.cycles()?;
            let mut id = cycle.to_string();
            let mut n = 1u32;
            while existing.contains(&id) {
                n = n.saturating_add(1);
                id = format!("{cycle}-{n}");
            }
            let s = bagalau_process::demo(&p, &id, data, out)?;
            let mut t = format!(
                "Демонстрационный цикл «{}»: событий {}, документов {} в {}\n",
                s.cycle,
                s.events,
                s.documents.len(),
                out.display()
            );
            for (i, r) in s.runs.iter().enumerate() {
                t.push_str(&format!("Расчёт {}: {r}\n", i + 1));
            }
            t.push_str(&format!(
                "Опоздавшее возражение отклонено: {}\nПересчёт изменил результаты органов без возражений: {}\n",
                s.late_objection,
                s.moved_others.join(", ")
            ));
            t
        }
    })
}

/// What `cycle import` prints: the source with its files, the version, or that nothing changed.
fn imported_text(i: &Imported, dry_run: bool) -> String {
    let mut t = i.notes.clone();
    let files = i
        .source
        .files
        .iter()
        .map(|f| format!("«{}» ({}, {} байт)", f.name, f.sha256, f.size))
        .collect::<Vec<_>>()
        .join(", ");
    if i.new && dry_run {
        t.push_str(&format!(
            "Проверка пройдена ({}: {files}): была бы версия {}, снимок {} — ничего не записано (--dry-run)\n",
            i.source.kind.name_ru(),
            i.version,
            i.snapshot
        ));
    } else if i.new {
        t.push_str(&format!(
            "Данные загружены ({}: {files}): версия {}, снимок {}\n",
            i.source.kind.name_ru(),
            i.version,
            i.snapshot
        ));
    } else {
        t.push_str(&format!(
            "Уже загружено ({}: {files}): версия {}, без изменений — ничего не записано; снимок {}\n",
            i.source.kind.name_ru(),
            i.version,
            i.snapshot
        ));
    }
    t
}

fn describe(a: &Action) -> String {
    let name = a.name_ru();
    match a.case() {
        Some((b, d)) => format!("{name} — орган {b}, направление {d}"),
        None => match a {
            Action::RecordRun { run, .. } => format!("{name} {run}"),
            Action::ImportData {
                snapshot,
                source: Some(s),
                ..
            } => {
                let mut t = format!(
                    "{name}: снимок {snapshot}; источник — {}:",
                    s.kind.name_ru()
                );
                for f in &s.files {
                    t.push_str(&format!(" «{}» {} ({} байт);", f.name, f.sha256, f.size));
                }
                if let Some(b) = &s.base {
                    t.push_str(&format!(" поверх снимка {b};"));
                }
                for e in &s.evidence {
                    t.push_str(&format!(" сохранено {e};"));
                }
                t.pop();
                t
            }
            Action::ImportData { snapshot, .. } => format!("{name}: снимок {snapshot}"),
            Action::SubmitReporting {
                body,
                form: Some(f),
            } => format!(
                "{name} — орган {body}, форма «{}» {} ({} байт)",
                f.name, f.sha256, f.size
            ),
            Action::OpenStage { stage } => format!("{name} «{stage}»"),
            _ => name.to_string(),
        },
    }
}

fn media_type(p: &Path) -> Result<String> {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => bail!(
            "{}: тип файла не определён по расширению; укажите ПУТЬ=ТИП",
            p.display()
        ),
    }
    .to_string())
}

/// `bagalau backup`: the whole store (every cycle, event, run, file, text and the audit log)
/// into one archive.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// База данных: sqlite://ФАЙЛ или postgres://… (по умолчанию — переменная
    /// BAGALAU_DATABASE_URL, иначе SQLite в папке данных)
    #[arg(long)]
    pub database_url: Option<String>,
    #[arg(long, default_value = DATA_DIR, help = data_dir_help())]
    pub data_dir: PathBuf,
    /// Файл архива: создаётся заново (существующий файл не перезаписывается)
    #[arg(long)]
    pub out: PathBuf,
}

/// `bagalau restore`: an archive of `bagalau backup` into an empty store.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// База данных: sqlite://ФАЙЛ или postgres://… (по умолчанию — переменная
    /// BAGALAU_DATABASE_URL, иначе SQLite в папке данных)
    #[arg(long)]
    pub database_url: Option<String>,
    #[arg(long, default_value = DATA_DIR, help = data_dir_help())]
    pub data_dir: PathBuf,
    /// Архив, записанный командой bagalau backup
    pub archive: PathBuf,
}

/// Paths removed when dropped (the temporary archive on every error path).
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The Russian names of the store-level actions `backup` and `restore` log in the audit chain.
pub const BACKUP_ACT: &str = "резервное копирование хранилища";
pub const RESTORE_ACT: &str = "восстановление хранилища из архива";

/// A store-level action by the operating-system user who ran the command (backup and restore
/// have no party of the procedure: they belong to whoever administers the store).
fn system_act(what: &str, details: serde_json::Value) -> bagalau_store::Act {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .map(|u| format!("пользователь ОС «{u}»"))
        .unwrap_or_else(|_| "пользователь ОС (имя не известно)".to_string());
    bagalau_store::Act {
        by: bagalau_store::Author {
            who,
            at: chrono::Utc::now().naive_utc(),
        },
        what: what.to_string(),
        details,
    }
}

/// Writes the archive of the store into `--out`: into a unique temporary file beside it (the
/// store's own `.partial` file is beside that one), then linked into place only when complete,
/// so a failure or a kill never leaves a half-written archive under the chosen name and nothing
/// is written outside the chosen folder. An existing `--out` is refused, not replaced.
pub fn backup(args: &BackupArgs) -> Result<String> {
    let url = store_url(args.database_url.as_deref(), &args.data_dir, false)?;
    let out = &args.out;
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let name = match out.file_name() {
        Some(n) if !out.as_os_str().to_string_lossy().ends_with('/') => n.to_string_lossy(),
        _ => bail!("--out: «{}» — не имя файла", out.display()),
    };
    if exists(out) {
        bail!(
            "файл {} уже существует: архив не перезаписывает файлы",
            out.display()
        );
    }
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        anyhow!(
            "создание папки {}: {}",
            dir.display(),
            crate::output::io_ru(&e)
        )
    })?;
    let store = bagalau_store::Store::open(&url)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let stem: String = crate::output::file_name(&name).chars().take(64).collect();
    let temp = dir.join(format!(
        ".{stem}.{}-{nanos}{}",
        std::process::id(),
        crate::output::TEMP_SUFFIX
    ));
    let partial = temp.with_extension("partial");
    // Removed on every error path here, and by the reaper if the process is killed.
    let cleanup = Cleanup(vec![temp.clone(), partial.clone()]);
    let mut reaper = bagalau_office::reaper::Reaper::spawn();
    if let Some(r) = reaper.as_mut() {
        r.watch_path(&temp);
        r.watch_path(&partial);
    }
    // Logged first, so the archive holds the record of its own making.
    store.log(
        None,
        &system_act(BACKUP_ACT, serde_json::json!({ "file": name.to_string() })),
        &bagalau_store::AuditInfo::new("резервная копия по команде bagalau backup"),
    )?;
    let hash = store.backup(&temp)?;
    let size = std::fs::metadata(&temp).map(|m| m.len()).unwrap_or(0);
    // A hard link does not replace a file created meanwhile; where links are not supported,
    // a rename after the check above.
    match std::fs::hard_link(&temp, out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "файл {} уже существует: архив не перезаписывает файлы",
            out.display()
        ),
        Err(_) => std::fs::rename(&temp, out)
            .map_err(|e| anyhow!("запись {}: {}", out.display(), crate::output::io_ru(&e)))?,
    }
    drop(cleanup);
    if let Some(r) = reaper {
        r.done();
    }
    Ok(format!(
        "Архив хранилища записан в {}: {size} байт, {hash}\n",
        out.display()
    ))
}

/// Restores an archive into the store of `args`, which must be empty; the store checks the
/// archive (its SHA-256, its schema, the restored audit chain and runs) before committing.
pub fn restore(args: &RestoreArgs) -> Result<String> {
    let url = store_url(args.database_url.as_deref(), &args.data_dir, true)?;
    if !args.archive.is_file() {
        bail!("архив {} не найден", args.archive.display());
    }
    let store = bagalau_store::Store::open(&url)?;
    store.restore(&args.archive)?;
    let archive_hash =
        bagalau_store::ContentHash::of(&std::fs::read(&args.archive).map_err(|e| {
            anyhow!(
                "чтение {}: {}",
                args.archive.display(),
                crate::output::io_ru(&e)
            )
        })?);
    store.log(
        None,
        &system_act(
            RESTORE_ACT,
            serde_json::json!({
                "file": args.archive.file_name().map(|n| n.to_string_lossy().into_owned()),
                "sha256": archive_hash.as_str(),
            }),
        ),
        &bagalau_store::AuditInfo::new("восстановление по команде bagalau restore"),
    )?;
    let cycles = store.cycles()?;
    Ok(format!(
        "Хранилище восстановлено из {}: циклов {}, проверка пройдена\n",
        args.archive.display(),
        cycles.len()
    ))
}
