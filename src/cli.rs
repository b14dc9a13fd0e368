//! Command-line interface (clap derive). Parsing only; the work is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;

use crate::report::Format;
use crate::sim::{DEFAULT_PATHS, DEFAULT_SEED};

#[derive(Debug, Parser)]
#[command(
    name = "safetech",
    version,
    about = "Monte Carlo projections of UK safety tech sector revenue under online-safety policy scenarios",
    long_about = "Projects the revenue of the UK safety tech sector (£623m in 2024, +37%) with Monte Carlo \
simulation under policy scenarios, and says how likely the official '£1bn by 2026' is.\n\n\
With no command on a terminal, opens the interactive view on the central forecast."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios and print or save the summary
    Run(RunArgs),
    /// Export a chart as PNG, SVG or PDF
    Export(ExportArgs),
    /// Which inputs drive P(target): a one-at-a-time tornado and shares of variance
    Sensitivity(ReportArgs),
    /// The value of a parameter (or the revenue level) at which P(target) is a given probability
    Solve(SolveArgs),
    /// Open the interactive view (what `safetech` alone does on a terminal)
    Tui(TuiArgs),
    /// Walk a class through Monte Carlo reasoning, step by step (or export the steps as slides)
    Teach(TeachArgs),
    /// List, show or validate scenarios
    #[command(subcommand)]
    Scenarios(ScenariosCommand),
    /// Estimate growth, its uncertainty and volatility from a revenue history
    Calibrate(CalibrateArgs),
    /// Score the model's one-year-ahead forecasts over the history against naive rules, and
    /// the officials' past forecasts; with --from, rank later actuals under a model fitted to then
    Backtest(BacktestArgs),
    /// Print the built-in revenue history (CSV with its sources), to copy and extend when a new
    /// figure is published
    History {
        /// Write to FILE instead of standard output (`-` is standard output)
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print a shell's completion script. At each Tab it asks `safetech` (which must be on
    /// PATH) what fits: built-in scenario ids with their names, scenario files, chart kinds and
    /// other value lists, and the keys `--set` takes
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

/// Each subcommand's examples, shown at the end of its `--help`: one table, so a test can run
/// every one of them (`tests/help_examples.rs`). A line is a command, optionally followed by
/// shell redirection and a `#` comment.
pub const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "run",
        &[
            "safetech run",
            "safetech run -s maturing -s osa-enforced     # paired difference against the first",
            "safetech run --set growth.capacity=8800   # the market's capacity at its 95th percentile",
            "safetech run --precision 0.2 --out odds.json   # the format follows the extension",
        ],
    ),
    (
        "export",
        &[
            "safetech export --chart fan -o fan.png",
            "safetech export -s maturing -s osa-enforced --chart compare -o compare.svg",
            "safetech export --chart tornado -s osa-enforced -o drivers.png",
            "safetech export --chart fan -o fan.pdf",
            "safetech export --chart history -o history.png",
            "safetech export --chart fan --for print -o fan-print.pdf",
        ],
    ),
    (
        "sensitivity",
        &[
            "safetech sensitivity -s osa-enforced",
            "safetech sensitivity -s transatlantic -f csv -o drivers.csv",
        ],
    ),
    (
        "solve",
        &[
            "safetech solve -s maturing --param growth.initial --probability 0.5",
            "safetech solve -s osa-enforced --probability 0.9 --solve-target",
        ],
    ),
    (
        "tui",
        &[
            "safetech tui -s maturing -s osa-enforced",
            "safetech tui --theme classroom -n 1e6",
        ],
    ),
    (
        "teach",
        &["safetech teach", "safetech teach --export-slides slides/"],
    ),
    (
        "scenarios",
        &[
            "safetech scenarios list",
            "safetech scenarios show osa-enforced > mine.toml",
            "safetech scenarios validate mine.toml",
        ],
    ),
    ("scenarios list", &["safetech scenarios list"]),
    (
        "scenarios show",
        &[
            "safetech scenarios show osa-enforced",
            "safetech scenarios show maturing > my-scenario.toml",
        ],
    ),
    (
        "scenarios validate",
        &[
            "safetech scenarios validate my-scenario.toml",
            "safetech scenarios validate scenarios/*.toml",
        ],
    ),
    (
        "history",
        &[
            "safetech history > history.csv",
            "safetech history -o history.csv",
        ],
    ),
    (
        "calibrate",
        &[
            "safetech calibrate",
            "safetech calibrate -f json",
            "safetech calibrate -o calibration.json",
            "safetech calibrate --history history.csv --write-scenario updated.toml",
        ],
    ),
    (
        "backtest",
        &[
            "safetech backtest",
            "safetech backtest -f json -o backtest.json",
            "safetech backtest -s osa-enforced -n 1e5",
            "safetech backtest --from 2022     # also: rank 2023 and 2024 under a 2022 model",
        ],
    ),
    (
        "completions",
        &[
            "safetech completions bash > ~/.local/share/bash-completion/completions/safetech",
            "safetech completions zsh > ~/.zfunc/_safetech     # a directory on $fpath",
            "safetech completions fish > ~/.config/fish/completions/safetech.fish",
        ],
    ),
];

/// The command line's definition with each subcommand's examples (from [`EXAMPLES`]) as its
/// help's last section: what `main` parses with and completion answers from.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    for (path, lines) in EXAMPLES {
        let text = std::iter::once("Examples:".to_string())
            .chain(lines.iter().map(|l| format!("  {l}")))
            .collect::<Vec<_>>()
            .join("\n");
        let mut names = path.split(' ');
        let first = names.next().expect("a subcommand's name");
        let rest: Vec<&str> = names.collect();
        cli = cli.mut_subcommand(first, |c| match rest.as_slice() {
            [] => c.after_help(text),
            [second] => c.mut_subcommand(*second, |c| c.after_help(text)),
            _ => unreachable!("subcommands nest two deep"),
        });
    }
    // The shared -s says "repeat to compare"; these look at one scenario and refuse a second.
    for one in ["sensitivity", "solve", "teach"] {
        cli = cli.mut_subcommand(one, |c| {
            c.mut_arg("scenarios", |a| {
                a.help("Built-in scenario id or path to a TOML file (one scenario)")
            })
        });
    }
    cli
}

/// The command line `args` (the program's name first), parsed with [`command`]. `teach -n`
/// is refused: the walkthrough's run sizes are the lesson's own, so a count would be ignored.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    use clap::parser::ValueSource;
    let mut cli = command();
    let matches = cli.try_get_matches_from_mut(args)?;
    if let Some(("teach", teach)) = matches.subcommand()
        && teach.value_source("paths") == Some(ValueSource::CommandLine)
    {
        return Err(cli.error(
            clap::error::ErrorKind::ArgumentConflict,
            "teach runs 100, 1,000 and 10,000 paths as part of the lesson; --paths does not \
             apply to it",
        ));
    }
    Cli::from_arg_matches(&matches)
}

/// Where a text report goes and in which format (run, sensitivity, solve).
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: from --out's extension (.json, .csv, .md), else table];
    /// solve writes table or json
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output; `-` is standard output
    #[arg(allow_negative_numbers = true, long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// The format asked for, else the one `--out`'s extension names, else the table.
    pub fn resolved_format(&self) -> Format {
        Format::resolve(self.format, self.out.as_deref())
    }
}

/// A run of scenarios reported as text, and how precisely (run, sensitivity, solve).
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Add paths in whole blocks until the 95% Monte Carlo margin of every chance reported
    /// (P(target), each ΔP) is at most PTS percentage points (stops at 10,000,000 paths)
    #[arg(allow_negative_numbers = true, long, value_name = "PTS")]
    pub precision: Option<f64>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also write one row per path to FILE (CSV): the inputs drawn on it, each event's outcome,
    /// the target year's revenue, and whether and when it reached the target. One scenario, at
    /// most 1,000,000 paths
    #[arg(allow_negative_numbers = true, long, value_name = "FILE")]
    pub samples: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["param", "solve_target"])))]
pub struct SolveArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// The --set key to solve for, e.g. growth.initial or events.osa.firm.probability
    #[arg(allow_negative_numbers = true, long, value_name = "KEY", add = ArgValueCompleter::new(crate::completion::param))]
    pub param: Option<String>,
    /// The probability of reaching the target to solve for, between 0 and 1 (e.g. 0.5)
    #[arg(allow_negative_numbers = true, long, value_name = "P")]
    pub probability: f64,
    /// Solve for the revenue level reached with probability P in the target year instead
    #[arg(long)]
    pub solve_target: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// Chart to draw; fan, histogram, spaghetti, tornado and history show the first scenario
    #[arg(long, value_enum)]
    pub chart: crate::chart::ChartKind,
    /// Image file to write (atomically); the format follows the extension, .png, .svg or .pdf
    #[arg(
        allow_negative_numbers = true,
        long,
        short = 'o',
        value_name = "FILE.png|FILE.svg|FILE.pdf"
    )]
    pub out: PathBuf,
    /// Width in pixels (before --scale)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "PX",
        default_value_t = 1600
    )]
    pub width: u32,
    /// Height in pixels (before --scale)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "PX",
        default_value_t = 900
    )]
    pub height: u32,
    /// Multiplies every dimension, e.g. 2 for high-DPI slides
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 1, value_parser = parse_scale)]
    pub scale: u32,
    /// A physical size: the canvas, the PDF page and the PNG's resolution are set for it, and
    /// text is enlarged to read at it (tick labels at least 7 pt, the footer 6 pt)
    #[arg(long, value_enum, value_name = "SIZE", conflicts_with_all = ["width", "height", "scale", "dpi", "purpose"])]
    pub size: Option<crate::chart::SizePreset>,
    /// What the chart is for: `print` is `--size a4-column`
    #[arg(long = "for", value_enum, value_name = "USE", id = "purpose", conflicts_with_all = ["width", "height", "scale", "dpi"])]
    pub purpose: Option<crate::chart::Purpose>,
    /// Colours: light prints well, dark for dark slides, classroom for projectors
    #[arg(long, value_enum, default_value = "light")]
    pub theme: crate::chart::Theme,
    /// Title instead of the default; an empty title leaves no room for one
    #[arg(allow_negative_numbers = true, long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Resolution stored in PNG files, in dots per inch (how large word processors place them)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "DPI",
        default_value_t = 150
    )]
    pub dpi: u32,
    /// Draw a one-line message from the numbers above the title ("78% chance of £1bn by
    /// 2026"); on by default in the light theme
    #[arg(long, overrides_with = "no_headline")]
    pub headline: bool,
    /// Leave the headline out
    #[arg(long, overrides_with = "headline")]
    pub no_headline: bool,
    /// Subtitle instead of the default; empty for none
    #[arg(allow_negative_numbers = true, long, value_name = "TEXT")]
    pub subtitle: Option<String>,
    /// A note printed above the footer
    #[arg(allow_negative_numbers = true, long, value_name = "TEXT")]
    pub caption: Option<String>,
    /// "Source: TEXT" above the footer; default the published figures (DSIT analyses 2020–23,
    /// UK government Oct 2024) and "projections: safetech"; empty for none
    #[arg(allow_negative_numbers = true, long, value_name = "TEXT")]
    pub source: Option<String>,
    /// Leave the footer's stamp line (program, version, scenarios, seed, paths) out; the run
    /// stays named in the file's metadata (PNG text chunks, PDF keywords, SVG description)
    #[arg(long)]
    pub no_stamp: bool,
    /// No background: a PNG with an alpha channel, an SVG without its background rectangle, a
    /// PDF page without a fill (legend boxes and label halos keep the theme's background)
    #[arg(long)]
    pub transparent: bool,
    /// Leave out the policy dates the fan and compare charts mark above the plot (a tick at each
    /// event's year, a bracket over its window: "osa", "us-market window")
    #[arg(long)]
    pub no_events: bool,
    /// First year on the year axis, e.g. 2023 to give the decision window the width; never
    /// after the target year (a later one is moved to it, with a note)
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub from: Option<i32>,
    /// Last year on the year axis; never before the target year or past the horizon (either is
    /// moved, with a note)
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub to: Option<i32>,
    /// Revenue axis of the fan, compare and spaghetti charts (--scale is the pixel multiplier)
    #[arg(long, value_enum, default_value = "log")]
    pub y_scale: crate::chart::YScale,
    /// Draw every scenario's 5–95% band on the compare chart (by default only up to two); from
    /// three scenarios on, each band is drawn as its two edges, unfilled
    #[arg(long, overrides_with = "no_bands")]
    pub bands: bool,
    /// Draw no bands on the compare chart
    #[arg(long, overrides_with = "bands")]
    pub no_bands: bool,
    /// Also write the plotted numbers to this CSV file (atomically): every line, bar, path and
    /// band the chart draws, and the Monte Carlo margin behind each "±"; `-` for standard output
    #[arg(allow_negative_numbers = true, long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, Args)]
// A million paths by default in the view (±0.07 pts on P(target)); `+`/`-` step it.
#[command(mut_arg("paths", |a| a.default_value(TUI_DEFAULT_PATHS_TEXT)))]
pub struct TuiArgs {
    #[command(flatten)]
    pub common: Common,
    /// Colour theme; NO_COLOR removes colour from any of them
    #[arg(long, value_enum, default_value = "dark")]
    pub theme: crate::tui::theme::ThemeName,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Revenue history CSV (columns year, revenue_gbp_m); default: the shipped UK history
    #[arg(allow_negative_numbers = true, long, value_name = "FILE.csv")]
    pub history: Option<PathBuf>,
    /// Use history up to and including this year only
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub until: Option<i32>,
    /// Output format: explained text, or JSON (mean_log, sd_log, se_mean, df, growth_95, …)
    /// [default: from --out's extension (.json), else table]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<CalibrateFormat>,
    /// Write to this file (atomically) instead of standard output; `-` is standard output
    #[arg(allow_negative_numbers = true, long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write a complete, runnable scenario that starts at the history's last year
    #[arg(allow_negative_numbers = true, long, value_name = "FILE.toml")]
    pub write_scenario: Option<PathBuf>,
}

/// The formats `calibrate` and `backtest` write: explained text, or versioned JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CalibrateFormat {
    Table,
    Json,
}

impl CalibrateFormat {
    /// JSON when asked for, else when `out` ends in `.json`: `run`'s rule ([`Format::resolve`]).
    pub fn is_json(asked: Option<CalibrateFormat>, out: Option<&std::path::Path>) -> bool {
        let asked = asked.map(|f| match f {
            CalibrateFormat::Json => Format::Json,
            CalibrateFormat::Table => Format::Table,
        });
        Format::resolve(asked, out) == Format::Json
    }
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Also calibrate growth on the history up to YEAR, simulate forward, rank the later
    /// actuals among the futures and give that model's P(forecast) for each official forecast
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub from: Option<i32>,
    /// Built-in scenario id or path whose judged inputs (long-run growth, reversion, capacity,
    /// persistence, shocks) the one-year-ahead forecasts keep; growth now and volatility are
    /// recalibrated at each origin and events dropped
    #[arg(
        allow_negative_numbers = true,
        short = 's',
        long = "scenario",
        value_name = "ID|PATH",
        default_value = crate::report::backtest::BACKTEST_SCENARIO,
        add = ArgValueCompleter::new(crate::completion::scenario)
    )]
    pub scenario: String,
    /// Revenue history CSV; default: the shipped UK history
    #[arg(allow_negative_numbers = true, long, value_name = "FILE.csv")]
    pub history: Option<PathBuf>,
    /// Number of simulated paths
    #[arg(allow_negative_numbers = true, short = 'n', long, value_name = "N", default_value_t = DEFAULT_PATHS, value_parser = parse_count)]
    pub paths: usize,
    /// Random seed
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = DEFAULT_SEED, value_parser = parse_seed)]
    pub seed: u64,
    /// Output format [default: from --out's extension (.json), else table]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<CalibrateFormat>,
    /// Write to this file (atomically) instead of standard output; `-` is standard output
    #[arg(allow_negative_numbers = true, long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
// The walkthrough starts from the classroom scenario when there is one.
#[command(mut_arg("scenarios", |a| a.default_value(crate::lesson::default_scenario())))]
// The walkthrough's run sizes are part of the lesson (100, 1,000, 10,000), so --paths is unused.
#[command(mut_arg("paths", |a| a.hide(true)))]
pub struct TeachArgs {
    #[command(flatten)]
    pub common: Common,
    /// Colour theme; NO_COLOR removes colour from any of them
    #[arg(long, value_enum, default_value = "classroom")]
    pub theme: crate::tui::theme::ThemeName,
    /// Write each step as a PNG slide (chart and caption) into DIR (created if missing), instead
    /// of opening the view
    #[arg(allow_negative_numbers = true, long, value_name = "DIR")]
    pub export_slides: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// List the built-in scenarios
    List,
    /// Print a scenario's TOML, with its sources and comments
    Show {
        /// Built-in id or path
        #[arg(add = ArgValueCompleter::new(crate::completion::scenario))]
        id: String,
    },
    /// Check scenario files (or built-in ids); exits 2 if any is invalid
    Validate {
        #[arg(allow_negative_numbers = true, required = true, value_name = "FILE", add = ArgValueCompleter::new(crate::completion::scenario_file))]
        files: Vec<PathBuf>,
    },
}

/// Paths of the interactive view unless `-n` says otherwise.
pub const TUI_DEFAULT_PATHS: usize = 1_000_000;
const TUI_DEFAULT_PATHS_TEXT: &str = "1000000";

/// Options shared by every command that simulates.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Built-in scenario id or path to a TOML file; repeat to compare scenarios on the same seed
    #[arg(
        allow_negative_numbers = true,
        short = 's',
        long = "scenario",
        value_name = "ID|PATH",
        default_value = "central",
        add = ArgValueCompleter::new(crate::completion::scenario)
    )]
    pub scenarios: Vec<String>,
    /// Number of simulated paths
    #[arg(allow_negative_numbers = true, short = 'n', long, value_name = "N", default_value_t = DEFAULT_PATHS, value_parser = parse_count)]
    pub paths: usize,
    /// Random seed; the same seed gives the same numbers
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = DEFAULT_SEED, value_parser = parse_seed)]
    pub seed: u64,
    /// Last simulated year (sets market.horizon)
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub horizon: Option<i32>,
    /// Target revenue in £m (sets target.revenue)
    #[arg(allow_negative_numbers = true, long, value_name = "GBP_M", value_parser = parse_money)]
    pub target: Option<f64>,
    /// Year in which the target is judged (sets target.year)
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", value_parser = parse_year)]
    pub target_year: Option<i32>,
    /// A newly published figure, YEAR=REVENUE (£m): it joins the history and the paths start
    /// from it (sets market.start_year and market.start_revenue), e.g. 2025=780
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR=GBP_M", value_parser = parse_latest)]
    pub latest: Option<(i32, f64)>,
    /// Override a scenario value by dotted path, e.g. growth.volatility=0.12 or
    /// events.osa.firm.probability=0.6 (repeatable)
    #[arg(allow_negative_numbers = true, long = "set", value_name = "KEY=VALUE", add = ArgValueCompleter::new(crate::completion::set_key))]
    pub set: Vec<String>,
    /// Worker threads (default: all cores); results do not depend on it
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Memory the simulation may use, e.g. 4G or 512M; a run that would need more is refused
    /// (default: half the memory available now)
    #[arg(allow_negative_numbers = true, long, value_name = "BYTES", value_parser = crate::numbers::parse_bytes)]
    pub max_memory: Option<u64>,
}

/// Most paths in one run: a bound on run time; memory is bounded by `--max-memory`.
pub const MAX_PATHS: usize = 50_000_000;

/// Accepts `100000`, `100_000`, `100,000` and `1e5`.
pub fn parse_count(s: &str) -> Result<usize, String> {
    let x = crate::numbers::parse_number(s)?;
    if x.fract() != 0.0 {
        return Err(format!(
            "`{s}` is not a whole number of paths (e.g. 100000 or 1e5)"
        ));
    }
    if x < 1.0 {
        return Err("the number of paths must be at least 1".into());
    }
    if x > MAX_PATHS as f64 {
        return Err(format!(
            "`{s}` paths is more than the {} allowed",
            crate::format::thousands(MAX_PATHS as f64, 0)
        ));
    }
    Ok(x as usize)
}

/// `--latest YEAR=REVENUE`: a year and a positive revenue in £m.
fn parse_latest(s: &str) -> Result<(i32, f64), String> {
    let wrong = || format!("--latest takes YEAR=REVENUE in £m, e.g. 2025=780, not {s:?}");
    let (year, revenue) = s.split_once('=').ok_or_else(wrong)?;
    let year = parse_year(year.trim())?;
    let revenue: f64 = revenue.trim().parse().map_err(|_| wrong())?;
    if !(revenue.is_finite() && revenue > 0.0) {
        return Err(format!(
            "--latest: revenue must be a positive number of £m, not {revenue}"
        ));
    }
    Ok((year, revenue))
}

/// A year: a whole number such as 2030.
pub fn parse_year(s: &str) -> Result<i32, String> {
    let x = crate::numbers::parse_number(s)?;
    if x.fract() != 0.0 || !(-1e6..=1e6).contains(&x) {
        return Err(format!("`{s}` is not a year (a whole number such as 2030)"));
    }
    Ok(x as i32)
}

/// A random seed: a whole number from 0 to 2^64 − 1.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    let cleaned = crate::numbers::clean_digits(s)?;
    if let Ok(n) = cleaned.parse::<u64>() {
        return Ok(n);
    }
    let x = crate::numbers::parse_number(s)?;
    // Beyond 2^53 a decimal exponent does not name one whole number exactly.
    if x.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&x) {
        return Ok(x as u64);
    }
    Err(format!(
        "`{s}` is not a seed: use a whole number from 0 to 18446744073709551615"
    ))
}

/// Revenue in £m: any finite number (the scenario's checks say what range is allowed).
pub fn parse_money(s: &str) -> Result<f64, String> {
    crate::numbers::parse_number(s)
}

/// `--scale` is the pixel multiplier; `log` and `linear` belong to `--y-scale`, so say so rather
/// than "invalid digit found".
fn parse_scale(s: &str) -> Result<u32, String> {
    if ["log", "linear"].contains(&s.trim().to_ascii_lowercase().as_str()) {
        return Err(format!(
            "--scale is the pixel multiplier (1, 2, …); for a {s} revenue axis use --y-scale {s}"
        ));
    }
    s.parse()
        .map_err(|_| format!("--scale takes a whole number (1, 2, …), not {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The top-level and export help name every format export writes (PDF was missing).
    #[test]
    fn export_help_names_png_svg_and_pdf() {
        let mut cli = Cli::command();
        let top = cli.render_help().to_string();
        let export = cli
            .find_subcommand_mut("export")
            .unwrap()
            .render_help()
            .to_string();
        for help in [top, export] {
            assert!(help.contains("Export a chart as PNG, SVG or PDF"), "{help}");
        }
    }

    /// Every subcommand's help (nested ones included: `scenarios show`) has examples, and each
    /// example parses as written.
    #[test]
    fn every_subcommand_has_examples_that_parse() {
        let cli = command();
        let nested: Vec<&clap::Command> = cli
            .get_subcommands()
            .flat_map(|c| std::iter::once(c).chain(c.get_subcommands()))
            .filter(|c| c.get_name() != "help")
            .collect();
        assert!(nested.len() > 12, "{} subcommands", nested.len());
        for sub in nested {
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.starts_with("Examples:"),
                "{} has no examples",
                sub.get_name()
            );
            for line in help.lines().skip(1) {
                // The command, without a trailing comment or shell redirection.
                let command = line.split(['#', '>']).next().unwrap().trim();
                let words: Vec<&str> = command.split_whitespace().collect();
                assert_eq!(words[0], "safetech", "{line}");
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("example `{command}` does not parse: {e}");
                }
            }
        }
    }
}
