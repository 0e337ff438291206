//! The `akhbar` binary: parses arguments and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = akhbar::cli::Cli::parse();
    match akhbar::cli::run(cli) {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            eprintln!("akhbar: {err:#}");
            std::process::ExitCode::from(1)
        }
    }
}
