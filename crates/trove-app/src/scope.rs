//! Resolving the (space, workspace, locale) a request works in.

use trove_domain::ids::MAIN_WORKSPACE;
use trove_domain::{Error, Result};

use crate::App;

/// A validated place to work: the space and workspace exist, and the locale is
/// enabled in that workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub space_uid: String,
    pub workspace_uid: String,
    pub locale: String,
}

pub(crate) fn space_not_found(uid: &str) -> Error {
    Error::not_found("space_not_found", format!("space {uid} does not exist"))
}

impl App {
    /// Resolves a request's scope; `workspace` defaults to `main` and `locale` to the
    /// workspace's default language.
    pub async fn scope(&self, space: &str, workspace: Option<&str>, locale: Option<&str>) -> Result<Scope> {
        let ws_uid = workspace.unwrap_or(MAIN_WORKSPACE);
        let Some(ws) = self.meta.get_workspace(space, ws_uid).await? else {
            if self.meta.get_space(space).await?.is_none() {
                return Err(space_not_found(space));
            }
            return Err(Error::not_found("workspace_not_found", format!("workspace {ws_uid:?} does not exist")));
        };
        let locale = match locale {
            None => ws.default_locale.clone(),
            Some(l) if l.eq_ignore_ascii_case(&ws.default_locale) => ws.default_locale.clone(),
            Some(l) if ws.languages.iter().any(|x| x.eq_ignore_ascii_case(l)) => {
                return Err(Error::new(
                    trove_domain::ErrorKind::Validation,
                    "locale_not_enabled",
                    format!(
                        "locale {l} is enabled in workspace {ws_uid}, but assets are read and written only in its \
                         default language {} until localized variants are supported",
                        ws.default_locale
                    ),
                ));
            }
            Some(l) => {
                return Err(Error::new(
                    trove_domain::ErrorKind::Validation,
                    "locale_not_enabled",
                    format!("locale {l} is not enabled in workspace {ws_uid}"),
                ));
            }
        };
        Ok(Scope { space_uid: space.to_owned(), workspace_uid: ws.uid, locale })
    }
}
