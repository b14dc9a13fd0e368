use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use safetech::cli::{Cli, Command};
use safetech::commands;
use safetech::error::exit_code;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err) as u8)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => safetech::tui::main(&safetech::tui::default_args()),
        Some(Command::Tui(args)) => safetech::tui::main(&args),
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
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "safetech",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
