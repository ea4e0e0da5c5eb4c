//! Resolving the (space, workspace, locale) a request works in.

use std::collections::BTreeMap;
use std::sync::Arc;

use trove_domain::ids::MAIN_WORKSPACE;
use trove_domain::{Error, ErrorKind, Result, languages};

use trove_domain::access::{Action, Principal, Resource};

use crate::App;
use crate::access::{Allowance, Caller, space_not_found};

/// A validated place to work: the space and workspace exist, and the locale is
/// enabled in that workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub space_uid: String,
    pub workspace_uid: String,
    /// The locale asked for (or the workspace's default language): writes go here.
    pub locale: String,
    /// Where reads resolve, nearest first: `locale`, then its fallbacks that the
    /// workspace enables, ending at the default language.
    pub chain: Vec<String>,
    pub default_locale: String,
    /// The languages the workspace enables, sorted.
    pub enabled: Vec<String>,
    /// The organization's languages version read with the workspace.
    pub settings_version: i64,
    /// Who works here, with their standing in the space.
    pub caller: Caller,
}

impl Scope {
    /// Whether the caller may perform `action` here, in the scope's language.
    pub fn require(&self, action: Action) -> Result<Allowance> {
        let on = Resource { workspace: Some(&self.workspace_uid), locale: Some(&self.locale) };
        self.caller.require(action, Some(&self.space_uid), &on)
    }

    /// [`Scope::require`] for an action in another language of the workspace.
    pub fn require_in(&self, action: Action, locale: &str) -> Result<Allowance> {
        let on = Resource { workspace: Some(&self.workspace_uid), locale: Some(locale) };
        self.caller.require(action, Some(&self.space_uid), &on)
    }
}

/// Each language's fallback (`None` for the default), by code.
pub type Fallbacks = BTreeMap<String, Option<String>>;

/// A node's copy of [`Fallbacks`] with the languages version it was read at.
pub type CachedFallbacks = (i64, Arc<Fallbacks>);

pub(crate) fn locale_not_enabled(locale: &str, ws: &str) -> Error {
    let mut e = Error::new(
        ErrorKind::NotFound,
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
    pub async fn scope(
        &self,
        who: &Caller,
        space: &str,
        workspace: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Scope> {
        let who = match who.standing(space) {
            Some(_) => who.clone(),
            None => self.caller(who.principal.clone(), Some(space)).await?,
        };
        // A space or workspace the caller may not see is a miss, before anything
        // about it is read.
        let ws_uid = workspace.unwrap_or(MAIN_WORKSPACE);
        who.require(Action::SpaceRead, Some(space), &Resource { workspace: Some(ws_uid), locale: None })?;
        self.resolve_scope(who, space, workspace, locale).await
    }

    /// A scope for public delivery, which decides nothing about callers.
    pub(crate) async fn public_scope(
        &self,
        space: &str,
        workspace: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Scope> {
        let anonymous = Caller { principal: Principal::anonymous(), space: None };
        self.resolve_scope(anonymous, space, workspace, locale).await
    }

    async fn resolve_scope(
        &self,
        caller: Caller,
        space: &str,
        workspace: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Scope> {
        let ws_uid = workspace.unwrap_or(MAIN_WORKSPACE);
        let wanted = locale_param(locale)?;
        let Some((ws, settings_version)) = self.meta.workspace_with_settings_version(space, ws_uid).await? else {
            if self.meta.get_space(space).await?.is_none() {
                return Err(space_not_found(space));
            }
            return Err(Error::not_found("workspace_not_found", format!("workspace {ws_uid:?} does not exist")));
        };
        let scope = Scope {
            space_uid: ws.space_uid,
            workspace_uid: ws.uid,
            locale: ws.default_locale.clone(),
            chain: vec![ws.default_locale.clone()],
            default_locale: ws.default_locale,
            enabled: ws.languages,
            settings_version,
            caller,
        };
        match wanted {
            None => Ok(scope),
            Some(l) => {
                let chain = self.chain_of(&scope, &l).await?;
                Ok(Scope { locale: l, chain, ..scope })
            }
        }
    }

    /// The organization's fallback map as of languages version `version`, from
    /// memory when this node has read it at that version, else from the store.
    /// Every request reads the current version with its workspace, so a change of
    /// languages made on any node is seen by the next request on every node.
    async fn fallbacks(&self, version: i64) -> Result<Arc<Fallbacks>> {
        if let Ok(guard) = self.fallbacks.read()
            && let Some((v, map)) = guard.as_ref()
            && *v == version
        {
            return Ok(map.clone());
        }
        // Read after the version, so the map is at least that new.
        let map: Arc<Fallbacks> =
            Arc::new(self.meta.list_languages().await?.into_iter().map(|l| (l.code, l.fallback_code)).collect());
        if let Ok(mut guard) = self.fallbacks.write() {
            *guard = Some((version, map.clone()));
        }
        Ok(map)
    }

    /// The resolution chain of the code `locale` in the scope's workspace (422 if
    /// the workspace does not enable it), from what the scope already read.
    async fn chain_of(&self, scope: &Scope, locale: &str) -> Result<Vec<String>> {
        if !scope.enabled.iter().any(|l| l == locale) {
            return Err(locale_not_enabled(locale, &scope.workspace_uid));
        }
        if locale == scope.default_locale {
            return Ok(vec![scope.default_locale.clone()]);
        }
        let map = self.fallbacks(scope.settings_version).await?;
        Ok(languages::resolution_chain(&languages::walk(locale, &map), &scope.enabled, &scope.default_locale))
    }

    /// The resolution chain of a `locale` parameter (a list filter, say) in the
    /// scope's workspace: the same rules as the scope's own `locale`.
    pub(crate) async fn chain_in(&self, scope: &Scope, locale: &str) -> Result<Vec<String>> {
        match locale_param(Some(locale))? {
            None => Ok(vec![scope.default_locale.clone()]),
            Some(l) => self.chain_of(scope, &l).await,
        }
    }

    /// The resolution chain of every language the scope's workspace enables, by code.
    pub(crate) async fn chains(&self, scope: &Scope) -> Result<Vec<(String, Vec<String>)>> {
        let mut out = Vec::with_capacity(scope.enabled.len());
        for l in &scope.enabled {
            out.push((l.clone(), self.chain_of(scope, l).await?));
        }
        Ok(out)
    }
}
