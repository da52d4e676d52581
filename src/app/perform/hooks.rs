//! The hooks performer: runs the `[hooks]` commands of the settings, off the caller's
//! thread, and reports a failing hook once.

use crate::app::perform::Changed;
use crate::core::hook_facts::HookCall;
use crate::hooks::HookRunner;
use crate::model::config::{HookConfig, HookEvent};

pub struct HookPerformer {
    runner: HookRunner,
    config: HookConfig,
}

impl HookPerformer {
    pub fn new(config: &HookConfig) -> HookPerformer {
        HookPerformer {
            runner: HookRunner::new(config, true),
            config: config.clone(),
        }
    }

    /// The settings were read again: the next event runs the hooks as they are now (the
    /// ones running go on, under the same watch).
    pub fn reconfigure(&mut self, config: &HookConfig) {
        if *config != self.config {
            self.runner.set_config(config, true);
            self.config = config.clone();
        }
    }

    /// The events that have a hook, for [`crate::core::run::Run::with_hooks`].
    pub fn events(&self) -> Vec<HookEvent> {
        self.runner.events().collect()
    }

    pub fn perform(&mut self, call: HookCall) -> Changed {
        self.runner.run(&call);
        self.reports()
    }

    /// knotless is exiting: stops the hooks still running (see [`HookRunner::finish`]).
    pub fn finish(&mut self) {
        self.runner.finish();
    }

    /// A hook's failure, once (never blocks).
    pub fn reports(&mut self) -> Changed {
        Changed::status(self.runner.take_report())
    }
}
