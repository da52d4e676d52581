//! The store performer: a running session's snapshot and final record (through the
//! [`Recorder`]), amendments, day answers, and what is remembered between runs.

use crate::app::perform::Changed;
use crate::core::effect::StoreEffect;
use crate::model::record::SessionRecord;
use crate::store::history;
use crate::store::paths::Paths;
use crate::store::recorder::Recorder;
use crate::store::state::{self, State};

pub struct StorePerformer {
    /// The data folder (the logs) and this machine's state folder.
    paths: Paths,
    recorder: Option<Recorder>,
    /// The last session saved: its record id and, if it could not be saved, why.
    last_save: Option<(String, Option<String>)>,
}

impl StorePerformer {
    pub fn new(paths: Paths) -> StorePerformer {
        StorePerformer {
            paths,
            recorder: None,
            last_save: None,
        }
    }

    /// Performs one effect; what went wrong comes back as the status line.
    pub fn perform(&mut self, effect: StoreEffect, wall: &jiff::Zoned) -> Changed {
        match effect {
            StoreEffect::Checkpoint(rec) => Changed::status(self.checkpoint(&rec)),
            StoreEffect::Save(rec) => {
                self.save(&rec);
                // The finish screen says in full whether it was kept; the footer need not.
                Changed {
                    history: true,
                    ..Changed::default()
                }
            }
            StoreEffect::Amend(a) => {
                let problem = match self.paths.data.as_deref() {
                    Some(dir) => history::amend(dir, &a)
                        .err()
                        .map(|e| format!("could not save the rating: {e}")),
                    None => Some("no data directory: the rating was not saved".into()),
                };
                let kept = problem.is_none();
                Changed {
                    status: problem,
                    history: kept,
                    amended: kept.then_some(a).into_iter().collect(),
                    ..Changed::default()
                }
            }
            StoreEffect::AcknowledgeNotice => Changed::status(self.acknowledge(wall)),
            StoreEffect::RememberTheme(theme) => Changed::status(self.update_state(
                |s| s.theme = Some(theme.as_str().to_string()),
                "the theme is not remembered for next time",
            )),
            StoreEffect::RememberMuted(muted) => Changed::status(self.update_state(
                |s| s.muted = Some(muted),
                "muting is not remembered for next time",
            )),
            StoreEffect::AnswerDay(entry) => {
                let Some(dir) = self.paths.data.as_deref() else {
                    return Changed::status(Some(
                        "no data directory: the answer was not saved".into(),
                    ));
                };
                let mut a = crate::store::days::answer(entry.date, entry.headache, wall);
                a.migraine = entry.headache && entry.migraine;
                a.worst = entry.worst;
                a.meds = entry.meds;
                match crate::store::days::append_answer(dir, a) {
                    Ok(_) => Changed {
                        day: Some(entry),
                        ..Changed::default()
                    },
                    // Every view goes on showing what the day log says; the answer given
                    // is named, so it can be given again. "Not saved" first: in a narrow
                    // window the footer's keys leave room for little more.
                    Err(e) => Changed::status(Some(format!(
                        "Not saved, {}: give the answer again once the day log can be \
                         written ({e})",
                        entry.date.strftime("%a %-d %b")
                    ))),
                }
            }
        }
    }

    /// Keeps a running session's progress: the first checkpoint of a record id begins its
    /// snapshot, later ones replace it. Returns a line when it cannot be kept.
    fn checkpoint(&mut self, rec: &SessionRecord) -> Option<String> {
        match &mut self.recorder {
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
        }
    }

    /// Appends the session's final record, once (saving the same session again does
    /// nothing), and keeps whether it could be saved for the finish screen.
    fn save(&mut self, rec: &SessionRecord) {
        if self.saved(&rec.id).is_some() {
            return;
        }
        let mut r = match self.recorder.take() {
            Some(r) if r.id() == rec.id => r,
            _ => Recorder::begin(&self.paths, rec),
        };
        r.finish(rec);
        self.last_save = Some((rec.id.clone(), r.problem.clone()));
    }

    /// Records in the data folder that the notice was read (it follows the user to every
    /// machine sharing the folder); a line when it cannot be.
    fn acknowledge(&self, wall: &jiff::Zoned) -> Option<String> {
        let dir = self.paths.data.as_deref()?;
        state::acknowledge_notice(dir, wall)
            .err()
            .map(|e| format!("{e}: it will show again next time"))
    }

    /// Changes this machine's `<state>/state.toml`; a line saying what is lost when it
    /// cannot be written.
    fn update_state(&self, change: impl FnOnce(&mut State), lost: &str) -> Option<String> {
        let dir = self.paths.state.as_deref()?;
        let mut state = State::load(dir);
        change(&mut state);
        state.save(dir).err().map(|e| format!("{e}: {lost}"))
    }

    /// `Some` when the session with this record id was the last one saved (with why it
    /// could not be, if it could not).
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
