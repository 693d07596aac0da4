//! Reading the command line. `--help` and `--version` print as clap does (exit 0);
//! clap's own errors (an unknown option, a missing argument, a bad number…) are bad
//! input like any other: one line on stderr in the user's language, exit 2, instead
//! of clap's multi-line usage block.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ErrorKind};
use clap::{CommandFactory, Parser};

use super::{Cli, CliError, report};
use crate::i18n::Lang;

/// The command line, or the exit code once clap's help, version or a one-line
/// usage error has been printed.
pub fn parse_from(args: Vec<OsString>) -> Result<Cli, ExitCode> {
    // Before clap, which may first find some other problem and word it in a language
    // the user did not ask for.
    if let Some(Err(message)) = lang_arg(&args).map(|code| lang_flag(&code)) {
        return Err(report(&CliError::Input(message)));
    }
    let error = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // To stdout, as clap does; a closed stdout is no reason to fail.
        let _ = error.print();
        return Err(ExitCode::SUCCESS);
    }
    let message = describe(&error, &args, lang_of(&args));
    Err(report(&CliError::Input(message)))
}

/// `--lang`'s own check: only `zh` and `en` (in any case).
pub fn lang_flag(code: &str) -> Result<Lang, String> {
    match code.to_ascii_lowercase().as_str() {
        "zh" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        // Worded in English: the language asked for is unknown.
        _ => Err(Lang::En.texts().cli_bad_lang(code)),
    }
}

/// The language to word a usage error in: `--lang` (known valid by then), otherwise
/// `NETDBG_LANG` or the system's.
fn lang_of(args: &[OsString]) -> Lang {
    lang_arg(args)
        .and_then(|code| lang_flag(&code).ok())
        .unwrap_or_else(Lang::detect)
}

/// The value of the last `--lang` (as clap takes the last), before any `--`.
fn lang_arg(args: &[OsString]) -> Option<String> {
    let mut given = None;
    let mut words = args.iter().skip(1).map(|arg| arg.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--lang" {
            given = words.next().map(|code| code.into_owned());
        } else if let Some(code) = word.strip_prefix("--lang=") {
            given = Some(code.to_owned());
        }
    }
    given
}

/// One line saying what is wrong and where the help is, e.g. `Unexpected argument
/// "--cont" (did you mean --count?) — see netdbg udp listen --help`.
fn describe(error: &clap::Error, args: &[OsString], lang: Lang) -> String {
    let texts = lang.texts();
    let context = |kind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let arg = context(ContextKind::InvalidArg);
    let (path, subcommands) = command_path(args);
    let what = match error.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if arg.starts_with("--lang") => {
            // The check's own sentence, already in English (see `lang_flag`).
            return Lang::En
                .texts()
                .cli_bad_lang(&context(ContextKind::InvalidValue));
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            texts.usage_bad_value(&arg, &context(ContextKind::InvalidValue))
        }
        ErrorKind::UnknownArgument => texts.usage_unexpected(&arg),
        ErrorKind::InvalidSubcommand => {
            texts.usage_unexpected(&context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::ArgumentConflict => texts.usage_conflict(&arg, &context(ContextKind::PriorArg)),
        ErrorKind::MissingRequiredArgument => texts.usage_missing(&arg),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            texts.usage_missing_command(&path, &subcommands.join(", "))
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => texts.usage_value_count(&arg),
        ErrorKind::InvalidUtf8 => texts.usage_not_utf8(),
        // The rest cannot come from what a user types; clap's first line says it.
        _ => first_line(error),
    };
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .map(context)
        .find(|suggestion| !suggestion.is_empty());
    let suggested = suggested
        .map(|suggestion| texts.usage_did_you_mean(&suggestion))
        .unwrap_or_default();
    texts.usage_error(&what, &suggested, &path)
}

/// "netdbg udp send": the subcommands named on the command line, for "see … --help";
/// and the subcommands the last of them has, for "needs a command".
fn command_path(args: &[OsString]) -> (String, Vec<String>) {
    let mut command = Cli::command();
    let mut path = vec![command.get_name().to_owned()];
    for arg in args.iter().skip(1) {
        let Some(word) = arg.to_str() else { continue };
        // A word that is no subcommand (an option, its value) is skipped: the next may be.
        let Some(sub) = command.find_subcommand(word).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_owned());
        command = sub;
    }
    let subcommands = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .map(|sub| sub.get_name().to_owned())
        .collect();
    (path.join(" "), subcommands)
}

fn first_line(error: &clap::Error) -> String {
    let rendered = error.to_string();
    let line = rendered.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}
