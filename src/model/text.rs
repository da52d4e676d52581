//! Text as the safety rules read it: what shows as nothing left out, letters that only look
//! Latin read as the Latin ones, lower-cased. The content rules (`core::content`) and the
//! model's own reading of a breathing phase's label ([`Phase::is_hold`]) ready every text
//! this one way, so a word looks to them as it looks on screen.
//!
//! [`Phase::is_hold`]: crate::model::routine::Phase::is_hold

/// Whether `c` is an invisible formatting character: every character of Unicode's
/// "format" category (Cf: the zero width space, joiner and non-joiner, the direction
/// marks and overrides, the word joiner and invisible operators, the byte order mark, the
/// soft hyphen, the tag characters …), and the other marks that show as nothing: the
/// combining grapheme joiner (U+034F), the Khmer inherent vowels (U+17B4, U+17B5), the
/// Hangul fillers and the variation selectors.
///
/// The reader refuses most of them in a routine file, but not all (the zero width joiner
/// stays: emoji need it), and a word with one inside ("pre\u{200d}vents") looks the same
/// on screen as the word without.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{890}'..='\u{891}' | '\u{8e2}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}' | '\u{e0100}'..='\u{e01ef}')
}

/// The Latin letter `c` is drawn like, when it is another alphabet's letter that most fonts
/// draw the same: the Cyrillic "е" of "prеvents", the Greek "ο" of "curο". Also the
/// fullwidth Latin letters and digits ("ｃｕｒｅ"), and the dotless i and j. `None` for
/// every other character, ASCII included; accented letters ("é") are not look-alikes.
///
/// A small table kept by hand: Unicode's full confusables list (UTS #39, the
/// `unicode-security` crate) made the program about 450 KB larger for letters no routine
/// uses; these are the ones a keyboard of another alphabet types. Each case is folded on
/// its own (the Greek capital eta "Η" is an H, its small letter "η" an n).
pub fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Fullwidth forms: the ASCII letters and digits, 0xFEE0 above them.
        '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
            char::from_u32(c as u32 - 0xfee0)?
        }
        // Cyrillic capitals and small letters.
        'А' | 'а' => 'a',
        'В' | 'в' | 'Ь' | 'ь' => 'b',
        'С' | 'с' => 'c',
        'ԁ' => 'd',
        'Е' | 'е' => 'e',
        'Һ' | 'һ' | 'Н' | 'н' => 'h',
        'І' | 'і' | 'Ӏ' => 'i',
        'ӏ' => 'l',
        'Ј' | 'ј' => 'j',
        'К' | 'к' => 'k',
        'М' | 'м' => 'm',
        'О' | 'о' => 'o',
        'Р' | 'р' => 'p',
        'Ԛ' | 'ԛ' => 'q',
        'г' => 'r',
        'Ѕ' | 'ѕ' => 's',
        'Т' | 'т' => 't',
        'Ѵ' | 'ѵ' => 'v',
        'Ԝ' | 'ԝ' => 'w',
        'Х' | 'х' => 'x',
        'У' | 'у' | 'Ү' | 'ү' => 'y',
        // Greek capitals and small letters.
        'Α' | 'α' => 'a',
        'Β' => 'b',
        'Ϲ' | 'ϲ' => 'c',
        'Ε' => 'e',
        'Η' => 'h',
        'Ι' | 'ι' => 'i',
        'ϳ' => 'j',
        'Κ' | 'κ' => 'k',
        'Μ' => 'm',
        'Ν' | 'η' => 'n',
        'Ο' | 'ο' | 'σ' => 'o',
        'Ρ' | 'ρ' => 'p',
        'Τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'Χ' | 'χ' => 'x',
        'Υ' | 'γ' => 'y',
        'Ζ' => 'z',
        // Armenian small letters.
        'հ' => 'h',
        'ո' => 'n',
        'օ' => 'o',
        'ս' => 'u',
        // Latin letters drawn like other Latin letters.
        'ı' => 'i',
        'ȷ' => 'j',
        'ɑ' => 'a',
        'ɡ' => 'g',
        _ => return None,
    })
}

/// A text as every rule that reads words reads it: without [invisible](is_invisible)
/// characters, each [look-alike](latin_lookalike) letter the Latin one it looks like,
/// lower-cased, with a curly apostrophe made straight. The one way the rules ready a text,
/// so "ignore\u{200d} the pain" is "ignore the pain" to all of them, and "prеvents" with a
/// Cyrillic "е" is "prevents".
pub fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '\u{2019}' => '\'',
            c => latin_lookalike(c).unwrap_or(c),
        })
        .collect::<String>()
        .to_lowercase()
}

/// The words of `text` that mix Latin letters with letters that only [look
/// Latin](latin_lookalike) ("Nеck" with a Cyrillic "е"): on screen they read as English
/// words they are not. A word all of one alphabet, Cyrillic or Greek, is not one.
pub fn mixed_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || is_invisible(c)))
        .filter(|w| {
            w.chars().any(|c| c.is_ascii_alphabetic())
                && w.chars().any(|c| latin_lookalike(c).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_letters_read_as_the_latin_ones() {
        for (text, read) in [
            // Cyrillic е, о, а, с, р; Greek ο and ν; Armenian օ; fullwidth letters.
            ("Pr\u{435}vents", "prevents"),
            ("\u{441}ure", "cure"),
            ("tr\u{435}\u{430}ts", "treats"),
            ("\u{440}r\u{435}v\u{435}nt", "prevent"),
            ("cur\u{3bf}", "curo"),
            ("pre\u{3bd}ents", "prevents"),
            ("det\u{585}x", "detox"),
            ("\u{ff23}\u{ff35}\u{ff32}\u{ff25}", "cure"),
            // Capitals fold by their own shape: Greek Η is an H, η an n.
            ("\u{397}old", "hold"),
            ("k\u{3b7}ots", "knots"),
        ] {
            assert_eq!(plain(text), read, "{text}");
        }
    }

    #[test]
    fn other_letters_stay() {
        assert_eq!(plain("Ignore\u{200d} the Pain"), "ignore the pain");
        assert_eq!(plain("don\u{2019}t"), "don't");
        assert_eq!(plain("Café 👍 naïve"), "café 👍 naïve");
        assert_eq!(plain("Ж ш ф λ"), "ж ш ф λ");
    }

    #[test]
    fn words_that_mix_alphabets_are_found() {
        let found: Vec<&str> = mixed_words("N\u{435}ck release, \u{441}ure-all").collect();
        assert_eq!(found, ["N\u{435}ck", "\u{441}ure"]);
        // One alphabet a word: none.
        assert_eq!(mixed_words("Шея and neck, ναι, café").count(), 0);
        // A word hidden by a joiner is still one word.
        assert_eq!(mixed_words("ne\u{200d}\u{441}k").count(), 1);
    }
}
