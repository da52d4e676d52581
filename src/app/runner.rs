//! Performs the effects that reach the disk: a running session's snapshot and final
//! record (through the [`Recorder`]), amendments, and the acknowledged notice. The app and
//! plain mode both go through it, so a session is kept the same way whatever shows it.

use crate::core::effect::Effect;
use crate::hooks::HookRunner;
use crate::model::config::{HookConfig, HookEvent};
use crate::store::history;
use crate::store::paths::Paths;
use crate::store::recorder::Recorder;
use crate::store::state::{self, State};

pub struct Runner {
    paths: Paths,
    recorder: Option<Recorder>,
    /// The last session saved: its record id and, if it could not be saved, why.
    last_save: Option<(String, Option<String>)>,
    /// Runs `[hooks]` commands, detached, off this thread.
    hooks: HookRunner,
}

impl Runner {
    pub fn new(paths: Paths) -> Runner {
        Runner {
            paths,
            recorder: None,
            last_save: None,
            hooks: HookRunner::new(&HookConfig::default(), false),
        }
    }

    /// Runs the `[hooks]` of `config` for [`Effect::Hook`]s (none when `enabled` is false:
    /// `--no-hooks`).
    pub fn with_hooks(mut self, config: &HookConfig, enabled: bool) -> Runner {
        self.hooks = HookRunner::new(config, enabled);
        self
    }

    /// The events that have a hook, for [`crate::core::run::Run::with_hooks`].
    pub fn hook_events(&self) -> Vec<HookEvent> {
        self.hooks.events().collect()
    }

    /// A hook's failure to show once (see [`HookRunner::take_report`]); never blocks.
    pub fn take_hook_report(&mut self) -> Option<String> {
        self.hooks.take_report()
    }

    /// Performs a storage effect; returns a line for the user when something went wrong.
    /// Effects that do not touch the disk are ignored here.
    pub fn perform(&mut self, effect: &Effect, wall: jiff::Zoned) -> Option<String> {
        match effect {
            Effect::Checkpoint(rec) => match &mut self.recorder {
                Some(r) if r.id() == rec.id => {
                    r.checkpoint(rec);
                    None
                }
                _ => {
                    let r = Recorder::begin(&self.paths, rec);
                    let problem = r
                        .problem
                        .as_ref()
                        .map(|p| format!("{p} (the session still runs)"));
                    self.recorder = Some(r);
                    problem
                }
            },
            Effect::Save(rec) if self.saved(&rec.id).is_some() => None,
            Effect::Save(rec) => {
                let mut r = match self.recorder.take() {
                    Some(r) if r.id() == rec.id => r,
                    _ => Recorder::begin(&self.paths, rec),
                };
                r.finish(rec);
                self.last_save = Some((rec.id.clone(), r.problem.clone()));
                // The finish screen says it in full; the footer need not repeat it.
                None
            }
            Effect::Amend(a) => {
                let dir = self.paths.data.as_deref()?;
                history::amend(dir, a)
                    .err()
                    .map(|e| format!("could not save the rating: {e}"))
            }
            Effect::AcknowledgeNotice => {
                let dir = self.paths.data.as_deref()?;
                state::acknowledge_notice(dir, &wall)
                    .err()
                    .map(|e| format!("could not remember this ({e}): it will show again next time"))
            }
            Effect::RememberComfort { theme, muted } => {
                let dir = self.paths.state.as_deref()?;
                let mut state = State::load(dir);
                state.theme = Some(theme.as_str().to_string());
                state.muted = Some(*muted);
                state
                    .save(dir)
                    .err()
                    .map(|e| format!("could not remember this for next time ({e})"))
            }
            Effect::AnswerDay(entry) => {
                let Some(dir) = self.paths.data.as_deref() else {
                    return Some("no data directory: the answer was not saved".into());
                };
                let mut a = crate::store::days::answer(entry.date, entry.headache, &wall);
                a.worst = entry.worst;
                a.meds = entry.meds;
                crate::store::days::append(dir, &a)
                    .err()
                    .map(|e| e.to_string())
            }
            Effect::Hook(call) => {
                self.hooks.run(call);
                None
            }
            Effect::Ring
            | Effect::ToggleMute
            | Effect::Status(_)
            | Effect::EditRoutine(_)
            | Effect::ReloadFiles
            | Effect::Cue(_) => None,
        }
    }

    /// `Some` when the session with this record id was the last one saved (with why it
    /// could not be, if it could not): saving it again does nothing.
    fn saved(&self, id: &str) -> Option<Option<String>> {
        match &self.last_save {
            Some((saved, problem)) if saved == id => Some(problem.clone()),
            _ => None,
        }
    }

    /// Why the session with this record id could not be saved, if it was the last one
    /// saved and it could not.
    pub fn save_problem(&self, id: &str) -> Option<String> {
        self.saved(id).flatten()
    }

    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self.paths.data.as_deref()
    }
}
