//! The "skeleton" of a name: what it looks like, so that two names that look
//! alike but are spelt with different characters can be told apart (DD104).
//!
//! This follows the idea of Unicode's confusable detection (UTS #39, as
//! Cedar and rustc use it) with a table of the characters most often
//! mistaken for Latin letters and digits in names: Cyrillic, Greek,
//! Armenian and Cherokee look-alikes, full-width and mathematical letters,
//! Roman numerals, and precomposed Latin letters against a base letter
//! followed by a combining accent. It is not the whole of `confusables.txt`:
//! a pair it misses still needs a careful reader.

/// What a character looks like, as a short Latin string; `None` when it
/// stands for itself.
fn prototype(c: char) -> Option<&'static str> {
    Some(match c {
        // Cyrillic, small.
        'а' => "a",
        'в' => "B",
        'г' => "r",
        'е' | 'ё' => "e",
        'һ' => "h",
        'і' => "i",
        'ј' => "j",
        'к' => "K",
        'м' => "M",
        'н' => "H",
        'о' => "o",
        'р' => "p",
        'с' => "c",
        'т' => "T",
        'у' => "y",
        'х' => "x",
        'ѕ' => "s",
        'ԁ' => "d",
        'ԛ' => "q",
        'ԝ' => "w",
        'ӏ' => "l",
        'ү' => "y",
        'ҽ' => "e",
        'ɡ' => "g",
        // Cyrillic, capital.
        'А' => "A",
        'В' => "B",
        'Е' => "E",
        'К' => "K",
        'М' => "M",
        'Н' => "H",
        'О' => "O",
        'Р' => "P",
        'С' => "C",
        'Т' => "T",
        'Х' => "X",
        'У' => "Y",
        'І' => "l",
        'Ј' => "J",
        'Ѕ' => "S",
        'Ԛ' => "Q",
        'Ԝ' => "W",
        'Ь' => "b",
        // Greek.
        'α' => "a",
        'ο' => "o",
        'ρ' => "p",
        'ι' => "i",
        'ν' => "v",
        'υ' => "u",
        'γ' => "y",
        'κ' => "K",
        'Α' => "A",
        'Β' => "B",
        'Ε' => "E",
        'Ζ' => "Z",
        'Η' => "H",
        'Ι' => "l",
        'Κ' => "K",
        'Μ' => "M",
        'Ν' => "N",
        'Ο' => "O",
        'Ρ' => "P",
        'Τ' => "T",
        'Υ' => "Y",
        'Χ' => "X",
        // Armenian.
        'օ' => "o",
        'ս' => "u",
        'ո' => "n",
        'հ' => "h",
        'ց' => "g",
        // Latin look-alikes of other letters and digits.
        'ı' => "i",
        'ɑ' => "a",
        'ɩ' => "i",
        'ℓ' => "l",
        'I' => "l",
        '0' => "O",
        '1' => "l",
        // Roman numerals.
        'ⅰ' => "i",
        'ⅴ' => "v",
        'ⅹ' => "x",
        'ⅼ' => "l",
        'ⅽ' => "c",
        'ⅾ' => "d",
        'ⅿ' => "m",
        'Ⅰ' => "l",
        'Ⅴ' => "V",
        'Ⅹ' => "X",
        'Ⅼ' => "L",
        'Ⅽ' => "C",
        'Ⅾ' => "D",
        'Ⅿ' => "M",
        _ => return None,
    })
}

/// The base letter and combining accent of a precomposed Latin-1 letter,
/// so that `é` (one character) and `e` followed by U+0301 look the same.
fn decompose(c: char) -> Option<(char, char)> {
    const GRAVE: char = '\u{300}';
    const ACUTE: char = '\u{301}';
    const CIRCUMFLEX: char = '\u{302}';
    const TILDE: char = '\u{303}';
    const DIAERESIS: char = '\u{308}';
    const RING: char = '\u{30A}';
    const CEDILLA: char = '\u{327}';
    Some(match c {
        'À' => ('A', GRAVE),
        'Á' => ('A', ACUTE),
        'Â' => ('A', CIRCUMFLEX),
        'Ã' => ('A', TILDE),
        'Ä' => ('A', DIAERESIS),
        'Å' => ('A', RING),
        'Ç' => ('C', CEDILLA),
        'È' => ('E', GRAVE),
        'É' => ('E', ACUTE),
        'Ê' => ('E', CIRCUMFLEX),
        'Ë' => ('E', DIAERESIS),
        'Ì' => ('I', GRAVE),
        'Í' => ('I', ACUTE),
        'Î' => ('I', CIRCUMFLEX),
        'Ï' => ('I', DIAERESIS),
        'Ñ' => ('N', TILDE),
        'Ò' => ('O', GRAVE),
        'Ó' => ('O', ACUTE),
        'Ô' => ('O', CIRCUMFLEX),
        'Õ' => ('O', TILDE),
        'Ö' => ('O', DIAERESIS),
        'Ù' => ('U', GRAVE),
        'Ú' => ('U', ACUTE),
        'Û' => ('U', CIRCUMFLEX),
        'Ü' => ('U', DIAERESIS),
        'Ý' => ('Y', ACUTE),
        'à' => ('a', GRAVE),
        'á' => ('a', ACUTE),
        'â' => ('a', CIRCUMFLEX),
        'ã' => ('a', TILDE),
        'ä' => ('a', DIAERESIS),
        'å' => ('a', RING),
        'ç' => ('c', CEDILLA),
        'è' => ('e', GRAVE),
        'é' => ('e', ACUTE),
        'ê' => ('e', CIRCUMFLEX),
        'ë' => ('e', DIAERESIS),
        'ì' => ('i', GRAVE),
        'í' => ('i', ACUTE),
        'î' => ('i', CIRCUMFLEX),
        'ï' => ('i', DIAERESIS),
        'ñ' => ('n', TILDE),
        'ò' => ('o', GRAVE),
        'ó' => ('o', ACUTE),
        'ô' => ('o', CIRCUMFLEX),
        'õ' => ('o', TILDE),
        'ö' => ('o', DIAERESIS),
        'ù' => ('u', GRAVE),
        'ú' => ('u', ACUTE),
        'û' => ('u', CIRCUMFLEX),
        'ü' => ('u', DIAERESIS),
        'ý' => ('y', ACUTE),
        'ÿ' => ('y', DIAERESIS),
        _ => return None,
    })
}

/// Full-width and mathematical letters and digits: the plain ASCII one.
fn plain(c: char) -> Option<char> {
    let code = u32::from(c);
    let ascii = |offset: u32| char::from_u32(offset);
    match code {
        // Full-width digits and letters.
        0xFF10..=0xFF19 => ascii(code - 0xFF10 + u32::from(b'0')),
        0xFF21..=0xFF3A => ascii(code - 0xFF21 + u32::from(b'A')),
        0xFF41..=0xFF5A => ascii(code - 0xFF41 + u32::from(b'a')),
        // Mathematical alphanumeric symbols: 13 alphabets of 52 letters
        // (the few holes are not letters and never reach here), then digits.
        0x1D400..=0x1D6A3 => {
            let i = (code - 0x1D400) % 52;
            if i < 26 {
                ascii(u32::from(b'A') + i)
            } else {
                ascii(u32::from(b'a') + i - 26)
            }
        }
        0x1D7CE..=0x1D7FF => ascii(u32::from(b'0') + (code - 0x1D7CE) % 10),
        _ => None,
    }
}

/// What a name looks like: equal skeletons, different names means the two
/// can be mistaken for each other.
pub(crate) fn skeleton(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = plain(c).unwrap_or(c);
        if let Some((base, accent)) = decompose(c) {
            out.push_str(prototype(base).unwrap_or(base.encode_utf8(&mut [0; 4])));
            out.push(accent);
        } else if let Some(p) = prototype(c) {
            out.push_str(p);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::skeleton;

    #[test]
    fn look_alikes_share_a_skeleton() {
        // Cyrillic а, р, е, о, с, х in otherwise Latin names.
        assert_eq!(skeleton("pаrties"), skeleton("parties"));
        assert_eq!(skeleton("сountry"), skeleton("country"));
        assert_eq!(skeleton("еxpоrt"), skeleton("export"));
        // Greek omicron, full-width and mathematical letters.
        assert_eq!(skeleton("pοlice"), skeleton("police"));
        assert_eq!(skeleton("ｌｉｓｔｅｄ"), skeleton("listed"));
        assert_eq!(skeleton("𝐥𝐢𝐬𝐭𝐞𝐝"), skeleton("listed"));
        // Precomposed and decomposed accents.
        assert_eq!(skeleton("café"), skeleton("cafe\u{301}"));
        // l, I and 1; O and 0.
        assert_eq!(skeleton("Il1"), skeleton("lll"));
        assert_eq!(skeleton("O0"), skeleton("OO"));
    }

    #[test]
    fn different_names_keep_different_skeletons() {
        assert_ne!(skeleton("parties"), skeleton("party"));
        assert_ne!(skeleton("listed"), skeleton("Listed"));
        assert_ne!(skeleton("cafe"), skeleton("café"));
        assert_ne!(skeleton("a"), skeleton("b"));
    }
}
