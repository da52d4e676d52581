//! The spoken-text normaliser: what a speech engine is given reads as a person would say it.

use knotless::core::spoken::spoken;

#[test]
fn symbols_are_said_in_words() {
    for (written, said) in [
        ("4-7-8 breathing", "4 7 8 breathing"),
        ("Pressure 3-4/10", "Pressure 3 to 4 out of 10"),
        ("Press 3–4 times", "Press 3 to 4 times"),
        ("Rest 3 – 4 breaths", "Rest 3 to 4 breaths"),
        ("Effort 2/10.", "Effort 2 out of 10."),
        ("Repeat 2x.", "Repeat twice."),
        ("Repeat 1x, then 3x", "Repeat once, then 3 times"),
        ("Hold 30s.", "Hold 30 seconds."),
        ("Hold 1s", "Hold 1 second"),
        ("Rest 2m then 90 s", "Rest 2 minutes then 90 seconds"),
        ("For 5 min.", "For 5 minutes."),
        ("Tilt L/R slowly", "Tilt left and right slowly"),
        ("Ease the neck/shoulders", "Ease the neck or shoulders"),
        ("Take ½ breath", "Take a half breath"),
        ("Hold 1½ minutes", "Hold 1 and a half minutes"),
        ("Web-of-hand press (LI4)", "Web-of-hand press"),
        ("Press LI4 gently", "Press Hegu gently"),
        ("Jaw & temples", "Jaw and temples"),
        ("Hold ~30 seconds", "Hold about 30 seconds"),
        (
            "Gently, e.g. with two fingers",
            "Gently, for example with two fingers",
        ),
        ("Keep (gently) still", "Keep (gently) still"),
    ] {
        assert_eq!(spoken(written), said, "{written}");
    }
}

#[test]
fn plain_text_is_left_as_it_is() {
    for t in [
        "Suboccipital hold.",
        "Let your head grow heavy.",
        "Roll to your side, then sit up slowly.",
        "Breathe in 4, out 6.",
        "",
    ] {
        assert_eq!(spoken(t), t);
    }
}
