//! `config.toml`'s own tables: `[nudge]`, `[hooks]` and the sound settings.

use super::*;

pub(crate) fn read_nudge(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut NudgeConfig) {
    check_keys(rep, t, NUDGE_KEYS, "[nudge]");
    if let Some((s, span)) = get_str(rep, t, "hours") {
        match DayWindow::parse(s) {
            Some(w) => c.hours = w,
            None => rep.error(
                span,
                format!("\"{s}\" is not a range of hours"),
                Some("write it like hours = \"09:00-21:00\" (24-hour clock), or \"always\"".into()),
            ),
        }
    }
}

pub(crate) fn read_hooks(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut HookConfig) {
    check_keys(rep, t, HOOK_KEYS, "[hooks]");
    for event in HookEvent::ALL {
        if let Some((cmd, span)) = get_str(rep, t, event.as_str()) {
            if cmd.trim().is_empty() {
                rep.error(
                    span,
                    format!("the {} hook is empty", event.as_str()),
                    Some("give a shell command line, or leave the key out".into()),
                );
            } else {
                c.commands.push((event, cmd.to_string()));
            }
        }
    }
    if let Some((d, span)) = get_duration(rep, t, "time_limit") {
        if d < Duration::from_millis(100) || d > Duration::from_secs(3600) {
            rep.error(
                span,
                "time_limit must be between 100ms and 1 hour",
                Some("for example time_limit = \"10s\"".into()),
            );
        } else {
            c.time_limit = d;
        }
    }
}

/// A volume key: 0-100.
fn get_volume(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Option<u8> {
    let (n, span) = get_int(rep, t, key)?;
    if (0..=100).contains(&n) {
        return Some(n as u8);
    }
    rep.error(
        span,
        format!("{key} must be between 0 and 100, not {n}"),
        Some(format!(
            "0 is silent, {} the default, each doubling 6 dB louder",
            crate::model::config::DEFAULT_VOLUME
        )),
    );
    None
}

/// The sound and voice keys of `config.toml`.
pub(crate) fn read_sound_config(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut SoundConfig) {
    if let Some(m) = get_choice(
        rep,
        t,
        "sound",
        "sound",
        &SoundMode::NAMES,
        SoundMode::parse,
    ) {
        c.sound = m;
    }
    if let Some(v) = get_choice(rep, t, "voice", "voice", &Voice::NAMES, Voice::parse) {
        c.voice = v;
    }
    if let Some(b) = get_bool(rep, t, "breath_cues") {
        c.breath_cues = b;
    }
    if let Some(b) = get_bool(rep, t, "countdown") {
        c.countdown = b;
    }
    if let Some(b) = get_bool(rep, t, "pause_cues") {
        c.pause_cues = b;
    }
    if let Some(v) = get_choice(
        rep,
        t,
        "time_left",
        "time_left",
        &TimeLeft::NAMES,
        TimeLeft::parse,
    ) {
        c.time_left = v;
    }
    if let Some(v) = get_volume(rep, t, "volume") {
        c.volume = v;
    }
    if let Some(v) = get_volume(rep, t, "voice_volume") {
        c.voice_volume = Some(v);
    }
    for (key, slot, needs) in [
        ("player", &mut c.player, &["{file}"][..]),
        ("speech", &mut c.speech, &["{text}"][..]),
    ] {
        if let Some((cmd, span)) = get_str(rep, t, key) {
            match shell_words::split(cmd).ok() {
                Some(words) if !words.is_empty() => {
                    if let Some(missing) = needs.iter().find(|n| !cmd.contains(*n)) {
                        rep.error(
                            span,
                            format!("the {key} command has no {missing} in it"),
                            Some(format!(
                                "write where it goes, for example {key} = \"{}\"",
                                if key == "player" {
                                    "mpv --really-quiet {file}"
                                } else {
                                    "espeak-ng -s 150 {text}"
                                }
                            )),
                        );
                    } else {
                        *slot = Some(cmd.to_string());
                    }
                }
                _ => rep.error(
                    span,
                    format!("the {key} command is empty or its quotes do not close"),
                    Some("write it as you would in a shell, e.g. \"aplay -q {file}\"".into()),
                ),
            }
        }
    }
}
