//! Organization languages: the standard catalogue, added and custom languages, and
//! their fallback chains, which always end at the default language.

use trove_domain::languages::{CATALOGUE, code as language_code, standard_name};
use trove_domain::model::Language;
use trove_domain::{Error, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::{App, now};

/// Input for a new language. A standard code takes its catalogue name unless one is
/// given; any other code is a custom language and needs a name. The fallback
/// defaults to the organization's default language.
#[derive(Debug, Clone, Default)]
pub struct NewLanguage {
    pub code: Option<String>,
    pub name: Option<String>,
    pub fallback_code: Option<String>,
}

/// A partial update. The code is immutable: naming a different one is refused.
#[derive(Debug, Clone, Default)]
pub struct LanguagePatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub fallback_code: Option<String>,
}

fn language_not_found(code: &str) -> Error {
    Error::not_found("language_not_found", format!("language {code:?} does not exist"))
}

impl App {
    pub async fn list_languages(&self) -> Result<Vec<Language>> {
        self.meta.list_languages().await
    }

    /// Standard languages the organization has not added yet.
    pub async fn available_languages(&self) -> Result<Vec<Language>> {
        let have = self.meta.list_languages().await?;
        let at = now();
        Ok(CATALOGUE
            .iter()
            .filter(|(c, _)| !have.iter().any(|l| l.code == *c))
            .map(|(c, n)| Language {
                code: (*c).to_owned(),
                name: (*n).to_owned(),
                fallback_code: None,
                is_default: false,
                is_custom: false,
                created_at: at,
            })
            .collect())
    }

    pub async fn get_language(&self, code: &str) -> Result<Language> {
        self.meta.get_language(&code.to_ascii_lowercase()).await?.ok_or_else(|| language_not_found(code))
    }

    pub async fn create_language(&self, who: &Caller, input: NewLanguage) -> Result<Language> {
        let mut errs = FieldErrors::default();
        let code = match input.code.as_deref() {
            Some(c) => errs.check(language_code(c)),
            None => {
                errs.add("code", "is required");
                None
            }
        };
        let standard = code.as_deref().and_then(standard_name);
        let name = match (standard, input.name.as_deref()) {
            (Some(n), None) => Some(n.to_owned()),
            (_, Some(n)) => errs.check(rules::title("name", n)),
            // A custom language without a name is named by its code.
            (None, None) => code.clone(),
        };
        let fallback = input.fallback_code.as_deref().map(str::to_ascii_lowercase);
        errs.finish()?;
        let default = self.meta.list_languages().await?.into_iter().find(|l| l.is_default).map(|l| l.code);
        let language = Language {
            code: code.unwrap_or_default(),
            name: name.unwrap_or_default(),
            fallback_code: fallback.or(default),
            is_default: false,
            is_custom: standard.is_none(),
            created_at: now(),
        };
        self.store_for(who).create_language(&language).await?;
        self.get_language(&language.code).await
    }

    pub async fn update_language(&self, who: &Caller, code: &str, patch: LanguagePatch) -> Result<Language> {
        let code = code.to_ascii_lowercase();
        if patch.code.as_deref().is_some_and(|c| !c.eq_ignore_ascii_case(&code)) {
            return Err(Error::immutable(&["code"]));
        }
        let mut errs = FieldErrors::default();
        let name = patch.name.as_deref().and_then(|n| errs.check(rules::title("name", n)));
        errs.finish()?;
        let fallback = patch.fallback_code.as_deref().map(str::to_ascii_lowercase);
        self.store_for(who)
            .update_language(&code, name.as_deref(), fallback.as_deref())
            .await?
            .ok_or_else(|| language_not_found(&code))
    }

    pub async fn delete_language(&self, who: &Caller, code: &str) -> Result<()> {
        if self.store_for(who).delete_language(&code.to_ascii_lowercase()).await? {
            Ok(())
        } else {
            Err(language_not_found(code))
        }
    }
}
