//! `bagalau`: a thin command line over the libraries.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use bagalau::documents::{self, DocFormat, DocLang, Output, RunArgs};
use bagalau::Format;
use clap::{Parser, Subcommand};

/// `eprintln!` that cannot panic: a closed standard error (`2>&-`, a reader gone) is ignored.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "bagalau",
    version,
    about = "Оценка взаимодействия государственных органов с физическими и юридическими лицами"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Цикл оценки: этапы, сроки, расчёты, заключения, возражения, комиссия, публикация
    Cycle(bagalau::cycle::CycleArgs),
    /// Резервная копия хранилища в один архив (все циклы, расчёты, файлы и журнал аудита)
    Backup(bagalau::cycle::BackupArgs),
    /// Восстановить хранилище из архива bagalau backup (только в пустое хранилище)
    Restore(bagalau::cycle::RestoreArgs),
    /// Работа с редакциями методики
    Edition {
        #[command(subcommand)]
        command: EditionCommand,
    },
    /// Документы: заключения, акты сверки, таблицы разногласий, годовой отчёт (HTML, PDF, DOCX)
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Выгрузка таблиц
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Вычислить оценки всех органов по редакции и данным
    Evaluate {
        #[arg(long)]
        edition: PathBuf,
        #[arg(long)]
        data: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Записать результат в файл вместо стандартного вывода
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Вывод (объяснение) оценки органа на русском языке с пунктами методики
    Explain {
        #[arg(long)]
        edition: PathBuf,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        body: String,
        /// Код критерия или значения (например K4); по умолчанию — итоговая оценка
        #[arg(long)]
        node: Option<String>,
    },
    /// Динамика органа по периодам, каждый — по своей редакции (сопоставление критериев: crosswalk)
    History {
        #[arg(long)]
        body: String,
        /// Оценка периода: ПАПКА_РЕДАКЦИИ:ПАПКА_ДАННЫХ (можно несколько раз)
        #[arg(long = "run", required = true)]
        runs: Vec<String>,
        #[arg(long, default_value = "methodologies/crosswalk.toml")]
        crosswalk: PathBuf,
    },
    /// Бланк отчётных данных (XLSX) для органов: инструкция, лист «Органы», лист на каждую таблицу
    Template {
        /// Папка редакции методики (methodologies/…)
        #[arg(long)]
        edition: PathBuf,
        /// Файл бланка (.xlsx)
        #[arg(long)]
        out: PathBuf,
        /// Заполнить бланк данными из папки набора данных
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Загрузить заполненный бланк (XLSX) в папку набора данных: все ошибки сразу, при ошибках ничего не записывается
    Import {
        /// Папка редакции методики (methodologies/…)
        #[arg(long)]
        edition: PathBuf,
        /// Заполненный бланк (.xlsx)
        #[arg(long)]
        form: PathBuf,
        /// Папка набора данных, которая будет создана
        #[arg(long)]
        out: PathBuf,
        /// Только проверить и сообщить, ничего не записывая
        #[arg(long)]
        dry_run: bool,
    },
    /// Синтетические первичные записи (оказание услуг, обращения, сбои) за 2020 год по итогам seed 004
    Generate {
        #[arg(long, default_value_t = 2020)]
        period: i32,
        #[arg(long, value_enum)]
        scale: Option<bagalau::raw::ScaleArg>,
        /// Число записей об оказании услуг (вместо --scale)
        #[arg(long)]
        records: Option<u64>,
        /// Записи для органов учебного набора 2014 года (папка набора данных)
        #[arg(long)]
        example: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        /// CSV вместо Parquet
        #[arg(long)]
        csv: bool,
    },
    /// Первичные записи → набор данных редакции (п.19, п.20, сроки по производственному календарю)
    Aggregate {
        /// Папка редакции; какие показатели вычисляются из первичных записей, задаёт её raw.toml
        #[arg(long)]
        edition: PathBuf,
        /// Папка первичных записей (deliveries, appeals, failures: .parquet или .csv)
        #[arg(long)]
        raw: PathBuf,
        /// Папка набора данных, которая будет создана
        #[arg(long)]
        out: PathBuf,
        /// Набор данных с остальными показателями (формы органов)
        #[arg(long)]
        base: Option<PathBuf>,
    },
    /// Рейтинг по опубликованным баллам (CSV: body,group,score[,name,previous_score,previous_rank,tie_order])
    Rating {
        #[arg(long)]
        scores: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Редакция, из которой берутся степени эффективности
        #[arg(long, default_value = bagalau::DEFAULT_DEGREES_EDITION)]
        edition: PathBuf,
    },
}

#[derive(clap::Args)]
struct DocArgs {
    /// Папка редакции методики (methodologies/…)
    #[arg(long)]
    edition: PathBuf,
    /// Папка данных оценки (examples/…)
    #[arg(long)]
    data: PathBuf,
    /// Код органа; без него — документ для каждого органа (в --out-dir)
    #[arg(long)]
    body: Option<String>,
    #[arg(long, value_enum, default_value = "html")]
    format: DocFormat,
    /// Язык документа: ru или kk
    #[arg(long, value_enum, default_value = "ru")]
    lang: DocLang,
    /// Файл документа (один орган)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Папка для документов всех органов
    #[arg(long)]
    out_dir: Option<PathBuf>,
}

impl DocArgs {
    fn run_args(&self) -> RunArgs<'_> {
        RunArgs {
            edition: &self.edition,
            data: &self.data,
            body: self.body.as_deref(),
            format: self.format,
            lang: self.lang,
            output: Output {
                out: self.out.clone(),
                out_dir: self.out_dir.clone(),
            },
        }
    }
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Заключение о результатах оценки (по органу или для всех органов)
    Conclusion {
        #[command(flatten)]
        doc: DocArgs,
        /// Код направления (services, complaints, openness) или all — по каждому направлению отдельно
        #[arg(long)]
        direction: Option<String>,
        /// Тексты оценщика (TOML: [КОД_ОРГАНА] recommendations = "…", signatories = [["должность", "Ф. И. О."]])
        #[arg(long)]
        texts: Option<PathBuf>,
    },
    /// Акт сверки по итогам перепроверки (приложение 9)
    Act {
        #[command(flatten)]
        doc: DocArgs,
        /// Перечень выявленных фактов (CSV: body,item,description)
        #[arg(long)]
        facts: Option<PathBuf>,
    },
    /// Таблица разногласий (приложение 10) с пересчётом балла после обжалования
    Disagreement {
        #[command(flatten)]
        doc: DocArgs,
        /// Возражения и решения (CSV: body,number,statement,recommendation,objection,decision,accepted,note[,input,value])
        #[arg(long)]
        objections: PathBuf,
    },
    /// Годовой отчёт: рейтинги по блокам, страницы органов, приложение с критериями
    Annual {
        /// Опубликованные баллы блока: [НАЗВАНИЕ_БЛОКА=]ФАЙЛ.csv (можно несколько раз)
        #[arg(long = "scores")]
        scores: Vec<String>,
        /// Или данные оценки по редакции --edition: баллы блока и его направлений
        #[arg(long)]
        data: Option<PathBuf>,
        /// Оцениваемый период (предыдущий — на год раньше)
        #[arg(long)]
        period: u16,
        /// Редакция: степени эффективности и приложение с критериями
        #[arg(long, default_value = "methodologies/2018-interaction")]
        edition: PathBuf,
        #[arg(long, value_enum, default_value = "html")]
        format: DocFormat,
        #[arg(long, value_enum, default_value = "ru")]
        lang: DocLang,
        /// Файл отчёта
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Таблицы в XLSX: итоги, критерии, места, штрафы, входные данные; рейтинги по баллам
    Xlsx {
        /// Папка редакции методики (степени эффективности — и для рейтингов)
        #[arg(long)]
        edition: PathBuf,
        /// Папка данных оценки: итоги, критерии, штрафы, входные данные
        #[arg(long)]
        data: Option<PathBuf>,
        /// Опубликованные баллы: [НАЗВАНИЕ=]ФАЙЛ.csv (можно несколько раз)
        #[arg(long = "scores")]
        scores: Vec<String>,
        /// Файл .xlsx
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum EditionCommand {
    /// Проверить редакцию: ключи, имена, типы, циклы, шкалы, суммы баллов
    Check { dir: PathBuf },
    /// Словарь данных: коды входных показателей, смысл, единицы, ссылки на пункты
    Describe {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Отчёт о соответствии: каждый элемент со ссылкой на пункт и статусом (текст акта / реконструкция)
    Fidelity {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Различия двух редакций: критерии, баллы, формулы, шкалы, параметры, исключения
    Diff {
        a: PathBuf,
        b: PathBuf,
        /// Сопоставление критериев разных редакций (переименованные коды)
        #[arg(long)]
        crosswalk: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Книга редакции: каждый пункт акта — цитата, правило, статус, примечание (для сверки и подписи)
    Book {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "html")]
        format: documents::DocFormat,
        /// Файл книги (HTML, PDF или DOCX)
        #[arg(long)]
        out: PathBuf,
    },
    /// Какая редакция применяется к каждому периоду (и где пробелы)
    Coverage {
        #[arg(long, default_value = "methodologies")]
        root: PathBuf,
        #[arg(long, default_value_t = 2014)]
        from: u16,
        #[arg(long, default_value_t = 2025)]
        to: u16,
    },
}

fn run(cli: Cli) -> Result<()> {
    let (text, out) = match cli.command {
        Command::Cycle(args) => (bagalau::cycle::run(args)?, None),
        Command::Backup(args) => (bagalau::cycle::backup(&args)?, None),
        Command::Restore(args) => (bagalau::cycle::restore(&args)?, None),
        Command::Edition { command } => match command {
            EditionCommand::Check { dir } => (bagalau::edition_check(&dir)?, None),
            EditionCommand::Describe { dir, format } => {
                (bagalau::edition_describe(&dir, format)?, None)
            }
            EditionCommand::Fidelity { dir, format } => {
                (bagalau::edition_fidelity(&dir, format)?, None)
            }
            EditionCommand::Diff {
                a,
                b,
                crosswalk,
                format,
            } => (
                bagalau::edition_diff(&a, &b, crosswalk.as_deref(), format)?,
                None,
            ),
            EditionCommand::Book { dir, format, out } => {
                // On standard error: standard output may be the book itself (`--out /dev/stdout`).
                note!(
                    "{}",
                    documents::book_command(&dir, format, &out)?.trim_end()
                );
                (String::new(), None)
            }
            EditionCommand::Coverage { root, from, to } => {
                let (text, complete) = bagalau::edition_coverage(&root, from, to)?;
                if !complete {
                    note!("есть периоды без редакции (см. «нет редакции»)");
                }
                (text, None)
            }
        },
        Command::Report { command } => {
            // A document command reports what it wrote on standard error: standard output may be
            // the document itself (`--out /dev/stdout`).
            let summary: (String, Option<PathBuf>) = match command {
                ReportCommand::Conclusion {
                    doc,
                    direction,
                    texts,
                } => (
                    documents::conclusion_command(
                        &doc.run_args(),
                        direction.as_deref(),
                        texts.as_deref(),
                    )?,
                    None,
                ),
                ReportCommand::Act { doc, facts } => (
                    documents::act_command(&doc.run_args(), facts.as_deref())?,
                    None,
                ),
                ReportCommand::Disagreement { doc, objections } => (
                    documents::disagreement_command(&doc.run_args(), &objections)?,
                    None,
                ),
                ReportCommand::Annual {
                    scores,
                    data,
                    period,
                    edition,
                    format,
                    lang,
                    out,
                } => (
                    documents::annual_command(&documents::AnnualArgs {
                        scores: &scores,
                        data: data.as_deref(),
                        period,
                        edition: &edition,
                        format,
                        lang,
                        out: &out,
                    })?,
                    None,
                ),
            };
            note!("{}", summary.0.trim_end());
            (String::new(), None)
        }
        Command::Export { command } => {
            let summary: (String, Option<PathBuf>) = match command {
                ExportCommand::Xlsx {
                    edition,
                    data,
                    scores,
                    out,
                } => (
                    documents::xlsx_command(&edition, data.as_deref(), &scores, &out)?,
                    None,
                ),
            };
            note!("{}", summary.0.trim_end());
            (String::new(), None)
        }
        Command::Evaluate {
            edition,
            data,
            format,
            out,
        } => {
            let (ed, outcome, period, notices) =
                bagalau::run_evaluation_with_notices(&edition, &data)?;
            for n in notices {
                eprintln!("{n}");
            }
            (bagalau::render_outcome(&ed, &outcome, period, format)?, out)
        }
        Command::Explain {
            edition,
            data,
            body,
            node,
        } => {
            let (ed, outcome, _) = bagalau::run_evaluation(&edition, &data)?;
            (
                bagalau_report::explain::explain(&ed, &outcome, &body, node.as_deref())?,
                None,
            )
        }
        Command::History {
            body,
            runs,
            crosswalk,
        } => {
            let pairs = runs
                .iter()
                .map(|r| {
                    r.split_once(':')
                        .map(|(e, d)| (PathBuf::from(e), PathBuf::from(d)))
                        .ok_or_else(|| {
                            anyhow::anyhow!("--run «{r}»: ожидается ПАПКА_РЕДАКЦИИ:ПАПКА_ДАННЫХ")
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            (bagalau::history(&body, &pairs, &crosswalk)?, None)
        }
        Command::Template { edition, out, data } => (
            bagalau::ingest::template_command(&edition, &out, data.as_deref())?,
            None,
        ),
        Command::Import {
            edition,
            form,
            out,
            dry_run,
        } => (
            bagalau::ingest::import_command(&edition, &form, &out, dry_run)?,
            None,
        ),
        Command::Generate {
            period,
            scale,
            records,
            example,
            out,
            seed,
            csv,
        } => (
            bagalau::raw::generate_command(
                period,
                scale,
                records,
                example.as_deref(),
                &out,
                seed,
                csv,
            )?,
            None,
        ),
        Command::Aggregate {
            edition,
            raw,
            out,
            base,
        } => (
            bagalau::raw::aggregate_command(&edition, &raw, &out, base.as_deref())?,
            None,
        ),
        Command::Rating {
            scores,
            format,
            edition,
        } => (bagalau::rating_command(&scores, &edition, format)?, None),
    };
    match out {
        Some(path) => {
            bagalau::output::write_file(&path, text.as_bytes())?;
            note!("Результат записан в {}", path.display());
        }
        None => print_stdout(&text)?,
    }
    Ok(())
}

/// Prints to standard output. A reader that went away (`bagalau evaluate … | head`) is not an
/// error: the output is simply no longer wanted, and the command ends quietly with status 0.
fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::anyhow!(
            "стандартный вывод: {}",
            bagalau::output::io_ru(&e)
        )),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("ошибка: {e:#}");
            ExitCode::FAILURE
        }
    }
}
