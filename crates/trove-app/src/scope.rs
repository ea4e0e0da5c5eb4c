//! Resolving the (space, workspace, locale) a request works in.

use trove_domain::ids::MAIN_WORKSPACE;
use trove_domain::model::Workspace;
use trove_domain::{Error, ErrorKind, Result, languages};

use crate::App;

/// A validated place to work: the space and workspace exist, and the locale is
/// enabled in that workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub space_uid: String,
    pub workspace_uid: String,
    /// The locale asked for (or the workspace's default language): writes go here.
    pub locale: String,
    /// Where reads resolve, nearest first: `locale`, then its fallbacks that the
    /// workspace enables, ending at the default language.
    pub chain: Vec<String>,
    pub default_locale: String,
}

pub(crate) fn space_not_found(uid: &str) -> Error {
    Error::not_found("space_not_found", format!("space {uid} does not exist"))
}

pub(crate) fn locale_not_enabled(locale: &str, ws: &str) -> Error {
    let mut e = Error::new(
        ErrorKind::Validation,
        "locale_not_enabled",
        format!("locale {locale} is not enabled in workspace {ws}"),
    );
    e.fields.insert("locale".to_owned(), vec![format!("{locale} is not enabled in workspace {ws}")]);
    e
}

/// A `locale` parameter as a code: absent or empty is the default language; text
/// that cannot be a language code is refused without being echoed back.
fn locale_param(locale: Option<&str>) -> Result<Option<String>> {
    let Some(raw) = locale.map(str::trim).filter(|l| !l.is_empty()) else { return Ok(None) };
    languages::code(raw).map(Some).map_err(|_| {
        let mut e = Error::new(
            ErrorKind::Validation,
            "invalid_locale",
            "locale must be a language code: 2 to 12 letters, digits or -, starting with a letter",
        );
        e.fields.insert("locale".to_owned(), vec!["is not a language code".to_owned()]);
        e
    })
}

impl App {
    /// Resolves a request's scope; `workspace` defaults to `main` and `locale` to the
    /// workspace's default language. A locale the workspace does not enable is 422
    /// `locale_not_enabled`, whether it exists in the organization or not.
    pub async fn scope(&self, space: &str, workspace: Option<&str>, locale: Option<&str>) -> Result<Scope> {
        let ws_uid = workspace.unwrap_or(MAIN_WORKSPACE);
        let wanted = locale_param(locale)?;
        let found = match &wanted {
            None => self.meta.get_workspace(space, ws_uid).await?.map(|w| (w, Vec::new())),
            Some(l) => self.meta.workspace_with_walk(space, ws_uid, l).await?,
        };
        let Some((ws, walk)) = found else {
            if self.meta.get_space(space).await?.is_none() {
                return Err(space_not_found(space));
            }
            return Err(Error::not_found("workspace_not_found", format!("workspace {ws_uid:?} does not exist")));
        };
        let chain = match wanted {
            None => vec![ws.default_locale.clone()],
            Some(l) if !ws.languages.contains(&l) => return Err(locale_not_enabled(&l, &ws.uid)),
            // The walk is narrowed to enabled languages and starts at `l` itself.
            Some(_) => languages::resolution_chain(&walk, &ws.languages, &ws.default_locale),
        };
        Ok(scope_of(&ws, chain))
    }

    /// The resolution chain of `locale` in the scope's workspace (422 if the
    /// workspace does not enable it).
    pub(crate) async fn chain_in(&self, scope: &Scope, locale: &str) -> Result<Vec<String>> {
        Ok(self.scope(&scope.space_uid, Some(&scope.workspace_uid), Some(locale)).await?.chain)
    }
}

fn scope_of(ws: &Workspace, chain: Vec<String>) -> Scope {
    Scope {
        space_uid: ws.space_uid.clone(),
        workspace_uid: ws.uid.clone(),
        locale: chain.first().cloned().unwrap_or_else(|| ws.default_locale.clone()),
        chain,
        default_locale: ws.default_locale.clone(),
    }
}
