//! The not-medical-advice notice and the warning signs that mean "get help, not a routine"
//! (content guide §5.1 and §5.5, in its user-facing wording): shown by the first-run screen,
//! printed by plain mode, and by `knotless notice`.

/// The notice's title.
pub const TITLE: &str = "Important — please read";

pub const NOTICE: &str = "This tool offers general self-care routines for relaxation and muscle \
tension. It is not medical advice and does not diagnose, treat or prevent any condition. It does \
not replace care from your doctor, physiotherapist or massage therapist. Check with a health \
professional before starting if you are pregnant, take blood thinners, have osteoporosis, a heart, \
blood-vessel or lung condition, or have had a recent injury or surgery. Stop any exercise that \
causes pain, dizziness, numbness or a worse headache.";

pub const EMERGENCY: &str = "Call your local emergency number now if a headache came on suddenly \
and is extremely painful, follows a significant head injury, or comes with sudden problems \
speaking or remembering, loss of vision, drowsiness or confusion, a high temperature with a stiff \
neck or rash, or a red white-of-the-eye.";

/// What the warning signs are listed under.
pub const FLAGS_HEADING: &str = "Get medical help instead of a routine if you have:";

pub const RED_FLAGS: [&str; 9] = [
    "A headache that reaches its worst within about a minute (\"worst ever\", \"thunderclap\")",
    "Weakness, numbness, a drooping face, trouble speaking, confusion, loss of vision or double vision, a seizure, unsteadiness",
    "Fever, chills, night sweats or weight loss you can't explain; a headache with a stiff neck or a rash",
    "A new headache after 50, especially with a tender scalp, jaw pain when chewing, or changes in vision",
    "Headaches clearly different from your usual ones, or getting steadily worse or more frequent",
    "Headaches brought on by coughing, sneezing, straining, exercise or sex, or much worse lying down or standing up",
    "A new or different headache while pregnant or after giving birth",
    "A headache after a head or neck injury, or with a painful red eye",
    "New, severe or unusual neck pain or headache during or after neck massage, especially with dizziness, double vision, slurred speech or unsteadiness",
];

pub const URGENT: &str = "Get urgent same-day advice for a severe headache with jaw pain when \
eating, blurred or double vision, a sore scalp, or numb or weak arms or legs. See your doctor if \
headaches keep coming back, painkillers don't help, or you need pain relief on many days a month.";

/// A part of the notice, as every place that shows it gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title(&'static str),
    Paragraph(&'static str),
    Heading(&'static str),
    /// One warning sign, listed under the heading.
    Flag(&'static str),
}

/// The notice in the one order the first-run screen, plain mode and `knotless notice` all
/// give it, the guide's: what this tool is not, the warning signs, then what to do (call
/// the emergency number; get advice the same day).
pub fn parts() -> impl Iterator<Item = Part> {
    [
        Part::Title(TITLE),
        Part::Paragraph(NOTICE),
        Part::Heading(FLAGS_HEADING),
    ]
    .into_iter()
    .chain(RED_FLAGS.into_iter().map(Part::Flag))
    .chain([Part::Paragraph(EMERGENCY), Part::Paragraph(URGENT)])
}
