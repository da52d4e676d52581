//! `knotless notice [--ack]`: the not-medical-advice notice and the warning signs, as the
//! app's first screen shows them; `--ack` acknowledges it, as Enter does there, so plain
//! mode stops printing it before every session.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::app::perform::StorePerformer;
use crate::app::plain::{BellOut, Plain};
use crate::cli::{CliError, Outcome};
use crate::core::effect::StoreEffect;
use crate::core::notice::{self, Part};
use crate::store::paths::Paths;

pub fn run(paths: &Paths, ack: bool, out: &mut dyn Write) -> Outcome {
    let mut plain = Plain::new(Lines(out), false);
    print(&mut plain)?;
    if ack {
        crate::cli::data_dir(paths)?;
        let mut store = StorePerformer::new(paths.clone());
        let changed = store.perform(StoreEffect::AcknowledgeNotice, &crate::files::now());
        if let Some(problem) = changed.status {
            return Err(CliError::User(problem));
        }
        writeln!(out, "\nAcknowledged: plain mode will not print it again.")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The notice, the warning signs, the emergency line and when to get advice, as lines, in
/// the first-run screen's order.
pub fn print<W: BellOut>(plain: &mut Plain<W>) -> io::Result<()> {
    for part in notice::parts() {
        match part {
            Part::Title(text) | Part::Paragraph(text) | Part::Heading(text) => plain.line(text)?,
            Part::Flag(flag) => plain.line(&format!("  - {flag}"))?,
        }
    }
    Ok(())
}

/// A command's output as plain mode's line writer (no bell: it is not a session).
struct Lines<'a>(&'a mut dyn Write);

impl Write for Lines<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl BellOut for Lines<'_> {
    fn bell(&mut self) -> io::Result<()> {
        Ok(())
    }
}
