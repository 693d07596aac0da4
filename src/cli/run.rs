//! `netdbg run FILE.toml`: a sequence script, headless. One line per step, then a
//! summary; exit 0 when every step passed, 3 when one failed, 1 when the network
//! failed, 2 when the script is bad (checked before anything connects).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use clap::Args;
use serde_json::json;

use super::CliError;
use super::output::Printer;
use crate::codec::format_hex_compact;
use crate::engine::parse_host_port;
use crate::engine::sequence::{Script, StepKind, StepReport, Summary, run as run_script};
use crate::i18n::{Describe, Lang};

/// A script larger than this is not a script.
const MAX_SCRIPT: u64 = 1024 * 1024;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The sequence script (TOML: target, transport, encoding, frame, [[step]] tables)
    file: PathBuf,
    /// Where to connect, HOST:PORT, instead of the script's target
    #[arg(long, value_name = "HOST:PORT")]
    target: Option<String>,
    /// One JSON object per step, then a summary
    #[arg(long)]
    json: bool,
}

/// Runs the script; `Ok(false)` when an expectation failed (exit 3).
pub fn run(args: RunArgs, lang: Lang) -> Result<bool, CliError> {
    let text = read_script(&args.file, lang)?;
    let base = args.file.parent().unwrap_or(Path::new("."));
    let script = Script::parse(&text, base, args.target.as_deref()).map_err(|error| {
        CliError::Input(format!("{}: {}", args.file.display(), error.describe(lang)))
    })?;
    let target = script.target.clone().unwrap_or_default();
    let (host, port) =
        parse_host_port(&target).map_err(|error| CliError::Input(error.describe(lang)))?;
    let printer = Printer {
        json: args.json,
        hex: false,
        lang,
        encoding: script.encoding,
    };
    let stop = AtomicBool::new(false);
    let summary = run_script(&script, &host, port, &stop, &mut |report| {
        print_step(&printer, &script, report);
    })
    .map_err(|error| {
        let message = error.describe(lang);
        // In JSON the failure is an event too; a person reads it once, on stderr.
        if printer.json {
            printer.event("error", json!({ "message": message }), &message);
        }
        CliError::Network(message)
    })?;
    print_summary(&printer, summary);
    Ok(summary.failed == 0)
}

/// The script's text: a regular file of at most [`MAX_SCRIPT`] bytes, read once.
fn read_script(path: &Path, lang: Lang) -> Result<String, CliError> {
    let texts = lang.texts();
    let unreadable = |message: String| {
        CliError::Input(texts.script_unreadable(&path.display().to_string(), &message))
    };
    let file = std::fs::File::open(path).map_err(|err| unreadable(err.to_string()))?;
    let meta = file.metadata().map_err(|err| unreadable(err.to_string()))?;
    if !meta.is_file() || meta.len() > MAX_SCRIPT {
        return Err(unreadable(texts.script_not_a_script(MAX_SCRIPT)));
    }
    let mut text = String::new();
    file.take(MAX_SCRIPT)
        .read_to_string(&mut text)
        .map_err(|err| unreadable(err.to_string()))?;
    Ok(text)
}

fn print_step(printer: &Printer, script: &Script, report: &StepReport) {
    let texts = printer.lang.texts();
    let result = if report.passed { "pass" } else { "fail" };
    let mut fields = json!({
        "index": report.index,
        "line": report.line,
        "kind": report.kind.label(),
        "result": result,
        "ms": report.ms,
    });
    let mut detail = String::new();
    if let Some(object) = fields.as_object_mut() {
        match report.kind {
            StepKind::Send => {
                object.insert("len".into(), json!(report.sent.len()));
                object.insert("hex".into(), json!(format_hex_compact(&report.sent)));
                detail = texts.step_sent(report.sent.len());
            }
            StepKind::Expect => {
                let text = script.encoding.decode(&report.received);
                object.insert("timeout_ms".into(), json!(report.timeout_ms));
                object.insert(
                    "received_hex".into(),
                    json!(format_hex_compact(&report.received)),
                );
                object.insert("received_text".into(), json!(text));
                if report.closed {
                    object.insert("closed".into(), json!(true));
                }
                if !report.passed {
                    detail = texts.step_expect_failed(
                        report.timeout_ms.unwrap_or(0),
                        &text,
                        report.closed,
                    );
                }
            }
            StepKind::Wait => {}
        }
    }
    let line = texts.step_line(
        report.index,
        report.line,
        report.kind.label(),
        report.passed,
        report.ms,
        &detail,
    );
    printer.event("step", fields, &line);
}

fn print_summary(printer: &Printer, summary: Summary) {
    let line = printer
        .lang
        .texts()
        .sequence_summary(summary.passed, summary.failed);
    printer.event(
        "summary",
        json!({ "passed": summary.passed, "failed": summary.failed }),
        &line,
    );
}
