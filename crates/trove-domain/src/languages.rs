//! Languages: the standard catalogue, custom-code rules and fallback chains.
//!
//! An organization's languages each name a fallback; following fallbacks from any
//! language must end at the organization's default language without looping. These
//! rules are checked here on a plain map, so every backend enforces them the same.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

/// Longest language code.
pub const MAX_CODE: usize = 12;

/// The name of a standard language code, if it is one.
pub fn standard_name(code: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A language code: 2 to 12 characters, starting with a letter, then letters,
/// digits and `-`. Stored lowercase.
pub fn code(raw: &str) -> Result<String> {
    let ok = (2..=MAX_CODE).contains(&raw.len())
        && raw.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return Err(Error::invalid(
            "code",
            format!("must be 2 to {MAX_CODE} characters: a letter, then letters, digits or -"),
        ));
    }
    Ok(raw.to_ascii_lowercase())
}

/// Checks that every language's fallback chain (code → fallback, `None` for the
/// default) exists and ends at `default` without a cycle; the error names the
/// offending chain.
pub fn check_fallbacks(fallbacks: &BTreeMap<String, Option<String>>, default: &str) -> Result<()> {
    for start in fallbacks.keys() {
        let mut chain = vec![start.clone()];
        let mut at = start.clone();
        loop {
            let next = match fallbacks.get(&at) {
                Some(Some(n)) => n.clone(),
                Some(None) if at == default => break,
                Some(None) => {
                    return Err(chain_error(
                        "fallback_missing",
                        format!("{at} has no fallback; chains end at {default}"),
                    ));
                }
                None => {
                    return Err(chain_error(
                        "unknown_language",
                        format!("{at:?} is not a language of the organization"),
                    ));
                }
            };
            if let Some(i) = chain.iter().position(|c| *c == next) {
                // Name the loop alone, not the languages leading into it.
                let mut cycle = chain[i..].to_vec();
                cycle.push(next);
                return Err(chain_error(
                    "fallback_cycle",
                    format!("the fallback chain would loop: {}", cycle.join(" → ")),
                ));
            }
            chain.push(next.clone());
            at = next;
        }
    }
    Ok(())
}

/// The fallback walk from `start`: the code, its fallback, that one's fallback, and
/// so on, until a language without one. Stored chains are acyclic; a repeat ends
/// the walk anyway, so a read can never loop.
pub fn walk(start: &str, fallbacks: &BTreeMap<String, Option<String>>) -> Vec<String> {
    let mut out = vec![start.to_owned()];
    let mut at = start;
    while let Some(Some(next)) = fallbacks.get(at) {
        if out.contains(next) {
            break;
        }
        out.push(next.clone());
        at = next;
    }
    out
}

/// The locales a read in `walk[0]` resolves through, nearest first: the languages
/// of the fallback walk that the workspace enables, ending at its default language,
/// which every chain reaches. A language the workspace does not enable is passed
/// over, not a dead end: fr-ca → fr-fr → en-us with fr-fr disabled reads fr-ca,
/// then en-us.
pub fn resolution_chain(walk: &[String], enabled: &[String], default: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(walk.len() + 1);
    for code in walk {
        if code == default {
            break;
        }
        if enabled.contains(code) && !out.contains(code) {
            out.push(code.clone());
        }
    }
    out.push(default.to_owned());
    out
}

/// A fallback that names no language of the organization, or that breaks its
/// chains (a loop, a dead end), conflicts with the languages there are now: 409.
fn chain_error(code: &'static str, message: String) -> Error {
    let mut e = Error::new(ErrorKind::Conflict, code, message.clone());
    e.fields.insert("fallback_code".to_owned(), vec![message]);
    e
}

/// The standard languages an organization can add, by code, with their English names.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("af-za", "Afrikaans - South Africa"),
    ("sq-al", "Albanian - Albania"),
    ("am-et", "Amharic - Ethiopia"),
    ("ar", "Arabic"),
    ("ar-ae", "Arabic - United Arab Emirates"),
    ("ar-bh", "Arabic - Bahrain"),
    ("ar-dz", "Arabic - Algeria"),
    ("ar-eg", "Arabic - Egypt"),
    ("ar-iq", "Arabic - Iraq"),
    ("ar-jo", "Arabic - Jordan"),
    ("ar-kw", "Arabic - Kuwait"),
    ("ar-lb", "Arabic - Lebanon"),
    ("ar-ly", "Arabic - Libya"),
    ("ar-ma", "Arabic - Morocco"),
    ("ar-om", "Arabic - Oman"),
    ("ar-qa", "Arabic - Qatar"),
    ("ar-sa", "Arabic - Saudi Arabia"),
    ("ar-sy", "Arabic - Syria"),
    ("ar-tn", "Arabic - Tunisia"),
    ("ar-ye", "Arabic - Yemen"),
    ("hy-am", "Armenian - Armenia"),
    ("az-az", "Azerbaijani - Azerbaijan"),
    ("eu-es", "Basque - Spain"),
    ("be-by", "Belarusian - Belarus"),
    ("bn-bd", "Bengali - Bangladesh"),
    ("bn-in", "Bengali - India"),
    ("bs-ba", "Bosnian - Bosnia and Herzegovina"),
    ("bg-bg", "Bulgarian - Bulgaria"),
    ("my-mm", "Burmese - Myanmar"),
    ("ca-es", "Catalan - Spain"),
    ("ca-ad", "Catalan - Andorra"),
    ("zh", "Chinese"),
    ("zh-cn", "Chinese - China"),
    ("zh-hk", "Chinese - Hong Kong"),
    ("zh-mo", "Chinese - Macao"),
    ("zh-sg", "Chinese - Singapore"),
    ("zh-tw", "Chinese - Taiwan"),
    ("hr-hr", "Croatian - Croatia"),
    ("hr-ba", "Croatian - Bosnia and Herzegovina"),
    ("cs-cz", "Czech - Czech Republic"),
    ("da-dk", "Danish - Denmark"),
    ("nl", "Dutch"),
    ("nl-be", "Dutch - Belgium"),
    ("nl-nl", "Dutch - Netherlands"),
    ("en", "English"),
    ("en-au", "English - Australia"),
    ("en-bz", "English - Belize"),
    ("en-ca", "English - Canada"),
    ("en-gb", "English - United Kingdom"),
    ("en-gh", "English - Ghana"),
    ("en-ie", "English - Ireland"),
    ("en-in", "English - India"),
    ("en-jm", "English - Jamaica"),
    ("en-ke", "English - Kenya"),
    ("en-my", "English - Malaysia"),
    ("en-ng", "English - Nigeria"),
    ("en-nz", "English - New Zealand"),
    ("en-ph", "English - Philippines"),
    ("en-pk", "English - Pakistan"),
    ("en-sg", "English - Singapore"),
    ("en-tt", "English - Trinidad and Tobago"),
    ("en-us", "English - United States"),
    ("en-za", "English - South Africa"),
    ("en-zw", "English - Zimbabwe"),
    ("et-ee", "Estonian - Estonia"),
    ("fo-fo", "Faroese - Faroe Islands"),
    ("fil-ph", "Filipino - Philippines"),
    ("fi-fi", "Finnish - Finland"),
    ("fr", "French"),
    ("fr-be", "French - Belgium"),
    ("fr-ca", "French - Canada"),
    ("fr-ch", "French - Switzerland"),
    ("fr-cm", "French - Cameroon"),
    ("fr-ci", "French - Côte d'Ivoire"),
    ("fr-fr", "French - France"),
    ("fr-lu", "French - Luxembourg"),
    ("fr-ma", "French - Morocco"),
    ("fr-mc", "French - Monaco"),
    ("fr-sn", "French - Senegal"),
    ("fr-tn", "French - Tunisia"),
    ("gl-es", "Galician - Spain"),
    ("ka-ge", "Georgian - Georgia"),
    ("de", "German"),
    ("de-at", "German - Austria"),
    ("de-ch", "German - Switzerland"),
    ("de-de", "German - Germany"),
    ("de-li", "German - Liechtenstein"),
    ("de-lu", "German - Luxembourg"),
    ("el-gr", "Greek - Greece"),
    ("el-cy", "Greek - Cyprus"),
    ("gu-in", "Gujarati - India"),
    ("ha-ng", "Hausa - Nigeria"),
    ("he-il", "Hebrew - Israel"),
    ("hi-in", "Hindi - India"),
    ("hu-hu", "Hungarian - Hungary"),
    ("is-is", "Icelandic - Iceland"),
    ("ig-ng", "Igbo - Nigeria"),
    ("id-id", "Indonesian - Indonesia"),
    ("ga-ie", "Irish - Ireland"),
    ("it", "Italian"),
    ("it-ch", "Italian - Switzerland"),
    ("it-it", "Italian - Italy"),
    ("it-sm", "Italian - San Marino"),
    ("ja-jp", "Japanese - Japan"),
    ("kn-in", "Kannada - India"),
    ("kk-kz", "Kazakh - Kazakhstan"),
    ("km-kh", "Khmer - Cambodia"),
    ("ko-kr", "Korean - South Korea"),
    ("ky-kg", "Kyrgyz - Kyrgyzstan"),
    ("lo-la", "Lao - Laos"),
    ("lv-lv", "Latvian - Latvia"),
    ("lt-lt", "Lithuanian - Lithuania"),
    ("lb-lu", "Luxembourgish - Luxembourg"),
    ("mk-mk", "Macedonian - North Macedonia"),
    ("ms-my", "Malay - Malaysia"),
    ("ms-bn", "Malay - Brunei"),
    ("ms-sg", "Malay - Singapore"),
    ("ml-in", "Malayalam - India"),
    ("mt-mt", "Maltese - Malta"),
    ("mr-in", "Marathi - India"),
    ("mn-mn", "Mongolian - Mongolia"),
    ("ne-np", "Nepali - Nepal"),
    ("nb-no", "Norwegian Bokmål - Norway"),
    ("nn-no", "Norwegian Nynorsk - Norway"),
    ("ps-af", "Pashto - Afghanistan"),
    ("fa-ir", "Persian - Iran"),
    ("pl-pl", "Polish - Poland"),
    ("pt", "Portuguese"),
    ("pt-ao", "Portuguese - Angola"),
    ("pt-br", "Portuguese - Brazil"),
    ("pt-mz", "Portuguese - Mozambique"),
    ("pt-pt", "Portuguese - Portugal"),
    ("pa-in", "Punjabi - India"),
    ("pa-pk", "Punjabi - Pakistan"),
    ("ro-ro", "Romanian - Romania"),
    ("ro-md", "Romanian - Moldova"),
    ("ru", "Russian"),
    ("ru-ru", "Russian - Russia"),
    ("ru-ua", "Russian - Ukraine"),
    ("ru-by", "Russian - Belarus"),
    ("ru-kz", "Russian - Kazakhstan"),
    ("sr-rs", "Serbian - Serbia"),
    ("sr-ba", "Serbian - Bosnia and Herzegovina"),
    ("sr-me", "Serbian - Montenegro"),
    ("si-lk", "Sinhala - Sri Lanka"),
    ("sk-sk", "Slovak - Slovakia"),
    ("sl-si", "Slovenian - Slovenia"),
    ("so-so", "Somali - Somalia"),
    ("es", "Spanish"),
    ("es-ar", "Spanish - Argentina"),
    ("es-bo", "Spanish - Bolivia"),
    ("es-cl", "Spanish - Chile"),
    ("es-co", "Spanish - Colombia"),
    ("es-cr", "Spanish - Costa Rica"),
    ("es-cu", "Spanish - Cuba"),
    ("es-do", "Spanish - Dominican Republic"),
    ("es-ec", "Spanish - Ecuador"),
    ("es-es", "Spanish - Spain"),
    ("es-gt", "Spanish - Guatemala"),
    ("es-hn", "Spanish - Honduras"),
    ("es-mx", "Spanish - Mexico"),
    ("es-ni", "Spanish - Nicaragua"),
    ("es-pa", "Spanish - Panama"),
    ("es-pe", "Spanish - Peru"),
    ("es-pr", "Spanish - Puerto Rico"),
    ("es-py", "Spanish - Paraguay"),
    ("es-sv", "Spanish - El Salvador"),
    ("es-us", "Spanish - United States"),
    ("es-uy", "Spanish - Uruguay"),
    ("es-ve", "Spanish - Venezuela"),
    ("sw-ke", "Swahili - Kenya"),
    ("sw-tz", "Swahili - Tanzania"),
    ("sv-fi", "Swedish - Finland"),
    ("sv-se", "Swedish - Sweden"),
    ("ta-in", "Tamil - India"),
    ("ta-lk", "Tamil - Sri Lanka"),
    ("ta-sg", "Tamil - Singapore"),
    ("te-in", "Telugu - India"),
    ("th-th", "Thai - Thailand"),
    ("tr-tr", "Turkish - Turkey"),
    ("tr-cy", "Turkish - Cyprus"),
    ("uk-ua", "Ukrainian - Ukraine"),
    ("ur-in", "Urdu - India"),
    ("ur-pk", "Urdu - Pakistan"),
    ("uz-uz", "Uzbek - Uzbekistan"),
    ("vi-vn", "Vietnamese - Vietnam"),
    ("cy-gb", "Welsh - United Kingdom"),
    ("xh-za", "Xhosa - South Africa"),
    ("yo-ng", "Yoruba - Nigeria"),
    ("zu-za", "Zulu - South Africa"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("hi", "Hindi"),
    ("sv", "Swedish"),
    ("pl", "Polish"),
    ("tr", "Turkish"),
    ("da", "Danish"),
    ("fi", "Finnish"),
    ("el", "Greek"),
    ("he", "Hebrew"),
    ("en-hk", "English - Hong Kong"),
    ("en-ae", "English - United Arab Emirates"),
    ("en-mt", "English - Malta"),
    ("fr-dz", "French - Algeria"),
    ("de-be", "German - Belgium"),
    ("pt-cv", "Portuguese - Cape Verde"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs.iter().map(|(c, f)| ((*c).to_owned(), f.map(str::to_owned))).collect()
    }

    #[test]
    fn resolution_skips_disabled_languages_and_ends_at_the_default() {
        let m = map(&[("en-us", None), ("fr-fr", Some("en-us")), ("fr-ca", Some("fr-fr"))]);
        let w = walk("fr-ca", &m);
        assert_eq!(w, ["fr-ca", "fr-fr", "en-us"]);
        let all = ["en-us".to_owned(), "fr-fr".to_owned(), "fr-ca".to_owned()];
        assert_eq!(resolution_chain(&w, &all, "en-us"), ["fr-ca", "fr-fr", "en-us"]);
        let no_fr = ["en-us".to_owned(), "fr-ca".to_owned()];
        assert_eq!(resolution_chain(&w, &no_fr, "en-us"), ["fr-ca", "en-us"]);
        assert_eq!(resolution_chain(&walk("en-us", &m), &all, "en-us"), ["en-us"]);
    }

    #[test]
    fn a_walk_stops_at_a_repeat() {
        let m = map(&[("a", Some("b")), ("b", Some("a"))]);
        assert_eq!(walk("a", &m), ["a", "b"]);
        assert_eq!(resolution_chain(&walk("a", &m), &["a".to_owned()], "en-us"), ["a", "en-us"]);
    }

    #[test]
    fn catalogue_is_large_unique_and_well_formed() {
        assert!(CATALOGUE.len() >= 200);
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        assert!(CATALOGUE.iter().all(|(c, _)| code(c).is_ok_and(|n| n == *c)));
        assert_eq!(standard_name("en-us"), Some("English - United States"));
        assert_eq!(standard_name("fr-ca"), Some("French - Canada"));
    }

    #[test]
    fn custom_codes() {
        assert_eq!(code("Klingon-1").unwrap(), "klingon-1");
        for bad in ["k", "1abc", "abc_def", "abcdefghijklm", "a b"] {
            assert!(code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chains_end_at_the_default() {
        let ok = map(&[("en-us", None), ("fr-fr", Some("en-us")), ("fr-ca", Some("fr-fr"))]);
        assert!(check_fallbacks(&ok, "en-us").is_ok());
        let cycle = map(&[("en-us", None), ("fr-fr", Some("fr-ca")), ("fr-ca", Some("fr-fr"))]);
        let e = check_fallbacks(&cycle, "en-us").unwrap_err();
        assert_eq!(e.code, "fallback_cycle");
        assert!(
            e.message.contains("fr-ca → fr-fr → fr-ca") || e.message.contains("fr-fr → fr-ca → fr-fr"),
            "{}",
            e.message
        );
        let dangling = map(&[("en-us", None), ("fr-fr", Some("xx"))]);
        assert_eq!(check_fallbacks(&dangling, "en-us").unwrap_err().code, "unknown_language");
    }
}
