use std::process::ExitCode;

use safetech::cli::{self, Cli, Command};
use safetech::commands;
use safetech::commands::print_quietly;
use safetech::error::exit_code;
use safetech::output::clean_up_on_signals;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    safetech::completion::answer_if_asked(cli::command);
    let cli = match cli::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return parse_error(e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Errors may echo a path or a value as given: escape what could drive the terminal.
            eprintln!(
                "error: {}",
                safetech::text::escape_controls(&format!("{err:#}"))
            );
            ExitCode::from(exit_code(&err) as u8)
        }
    }
}

/// Help and version go to standard output through the same writer as every result, so a full
/// disk is an error (exit 1) rather than clap's silent success; usage errors go to standard
/// error with exit 2, as clap prints them.
fn parse_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        // Styled on a terminal, as clap would print it; plain text into a pipe or file.
        let styled = std::io::IsTerminal::is_terminal(&std::io::stdout())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let rendered = e.render();
        let text = if styled {
            rendered.ansi().to_string()
        } else {
            rendered.to_string()
        };
        return match print_quietly(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        };
    }
    e.exit()
}

/// `print!` panics when standard output is a closed pipe (`| head -c1`). Output cut short by
/// its reader is not an error: end quietly with success, as `head` users expect.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The interactive view handles signals itself (it restores the terminal first).
    let interactive = match &cli.command {
        None | Some(Command::Tui(_)) => true,
        Some(Command::Teach(args)) => args.export_slides.is_none(),
        _ => false,
    };
    if !interactive {
        clean_up_on_signals()?;
    }
    match cli.command {
        None => commands::tui::run(&commands::tui::default_args()),
        Some(Command::Tui(args)) => commands::tui::run(&args),
        Some(Command::Teach(args)) => commands::teach::run(&args),
        Some(Command::Run(args)) => commands::run::run(&args).map(|_| ExitCode::SUCCESS),
        Some(Command::Export(args)) => commands::export::run(&args).map(|_| ExitCode::SUCCESS),
        Some(Command::Sensitivity(args)) => {
            commands::sensitivity::run(&args).map(|_| ExitCode::SUCCESS)
        }
        Some(Command::Solve(args)) => commands::solve::run(&args).map(|_| ExitCode::SUCCESS),
        Some(Command::Scenarios(cmd)) => commands::scenarios::run(&cmd).map(|_| ExitCode::SUCCESS),
        Some(Command::Calibrate(args)) => {
            commands::calibrate::run_calibrate(&args).map(|_| ExitCode::SUCCESS)
        }
        Some(Command::Backtest(args)) => {
            commands::calibrate::run_backtest(&args).map(|_| ExitCode::SUCCESS)
        }
        Some(Command::History { out }) => commands::emit(
            safetech::scenario::history::SHIPPED_HISTORY,
            out.as_deref(),
            &Default::default(),
        )
        .map(|_| ExitCode::SUCCESS),
        Some(Command::Completions { shell }) => {
            print_quietly(&safetech::completion::registration(shell)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
