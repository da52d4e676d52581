//! knotless: parse the command line, then run a command or the app.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = knotless::cli::args::Cli::from_args();
    match knotless::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(knotless::cli::stderr(), "error: {e}");
            e.exit_code()
        }
    }
}
