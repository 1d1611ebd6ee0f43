//! `bagalau`: a thin command line over the libraries.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use bagalau::Format;
use clap::{Parser, Subcommand};

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
    /// Работа с редакциями методики
    Edition {
        #[command(subcommand)]
        command: EditionCommand,
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
            EditionCommand::Coverage { root, from, to } => {
                let (text, complete) = bagalau::edition_coverage(&root, from, to)?;
                if !complete {
                    eprintln!("есть периоды без редакции (см. «нет редакции»)");
                }
                (text, None)
            }
        },
        Command::Evaluate {
            edition,
            data,
            format,
            out,
        } => {
            let (ed, outcome, period) = bagalau::run_evaluation(&edition, &data)?;
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
                bagalau_engine::explain::explain(&ed, &outcome, &body, node.as_deref())?,
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
        Command::Rating {
            scores,
            format,
            edition,
        } => (bagalau::rating_command(&scores, &edition, format)?, None),
    };
    match out {
        Some(path) => {
            // Write to a temporary file first so that a failure never leaves a half-written result.
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, text).with_context(|| format!("запись {}", tmp.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("запись {}", path.display()))?;
            eprintln!("Результат записан в {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ошибка: {e:#}");
            ExitCode::FAILURE
        }
    }
}
