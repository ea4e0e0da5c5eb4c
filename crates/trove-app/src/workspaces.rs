//! Workspaces: fork, list, read, rename, delete, languages, compare and merge.

use trove_domain::access::{Action, Resource};
use trove_domain::asset_model::{Origin, Side};
use trove_domain::fields::values_json;
use trove_domain::ids::MAIN_WORKSPACE;
use trove_domain::model::{Page, PageRequest, Workspace};
use trove_domain::workspace::{ItemChanges, MergeReport, MergeStrategy, workspace_uid};
use trove_domain::{Error, ErrorKind, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::ports::{MergeCheck, MergeRequest, WorkspaceChange};
use crate::{App, now};

/// Input for a fork. `source` defaults to `main`.
#[derive(Debug, Clone, Default)]
pub struct NewWorkspace {
    pub uid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
}

/// A partial update. `uid` and `source` are immutable: naming a different value is
/// refused (the same value is accepted, so a client may send back what it read).
#[derive(Debug, Clone, Default)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub uid: Option<String>,
    pub source: Option<Option<String>>,
}

fn workspace_not_found(uid: &str) -> Error {
    Error::not_found("workspace_not_found", format!("workspace {uid:?} does not exist"))
}

impl App {
    /// Forks a workspace: the new one starts with everything the source holds now.
    pub async fn create_workspace(&self, actor: &Caller, space: &str, input: NewWorkspace) -> Result<Workspace> {
        let mut errs = FieldErrors::default();
        let uid = match input.uid.as_deref() {
            Some(u) => errs.check(workspace_uid(u)),
            None => {
                errs.add("uid", "is required");
                None
            }
        };
        let name = match input.name.as_deref() {
            Some(n) => errs.check(rules::title("name", n)),
            None => uid.clone(),
        };
        let description = errs.check(rules::description(input.description.as_deref().unwrap_or(""))).flatten();
        errs.finish()?;
        let at = now();
        let new = Workspace {
            space_uid: space.to_owned(),
            uid: uid.unwrap_or_default(),
            name: name.unwrap_or_default(),
            description,
            source_uid: Some(input.source.unwrap_or_else(|| MAIN_WORKSPACE.to_owned())),
            default_locale: String::new(),
            languages: Vec::new(),
            created_by: actor.user_uid.clone(),
            created_at: at,
            updated_by: actor.user_uid.clone(),
            updated_at: at,
        };
        self.store_for(actor).create_workspace(&new).await
    }

    /// The workspaces of a space the caller may see: a role scoped to some
    /// workspaces lists those only (and counts those only).
    pub async fn list_workspaces(&self, who: &Caller, space: &str, page: PageRequest) -> Result<Page<Workspace>> {
        self.get_space(space).await?;
        let Some(standing) = who.standing(space).filter(|st| !st.sees_every_workspace()) else {
            return self.meta.list_workspaces(space, page).await;
        };
        // Workspaces are few: the visible ones are picked from all, then paged.
        let mut visible: Vec<Workspace> = Vec::new();
        let mut skip = 0;
        loop {
            let batch =
                self.meta.list_workspaces(space, PageRequest::new(Some(skip), Some(PageRequest::MAX_LIMIT))).await?;
            let n = batch.items.len() as i64;
            visible.extend(batch.items.into_iter().filter(|w| standing.sees_workspace(&w.uid)));
            skip += n;
            if n == 0 || skip >= batch.count {
                break;
            }
        }
        let count = visible.len() as i64;
        let items = visible
            .into_iter()
            .skip(usize::try_from(page.skip).unwrap_or(0))
            .take(usize::try_from(page.limit).unwrap_or(0))
            .collect();
        Ok(Page { items, count })
    }

    pub async fn get_workspace(&self, space: &str, uid: &str) -> Result<Workspace> {
        match self.meta.get_workspace(space, uid).await? {
            Some(w) => Ok(w),
            None => {
                self.get_space(space).await?;
                Err(workspace_not_found(uid))
            }
        }
    }

    pub async fn update_workspace(
        &self,
        actor: &Caller,
        space: &str,
        uid: &str,
        patch: WorkspacePatch,
    ) -> Result<Workspace> {
        let current = self.get_workspace(space, uid).await?;
        let mut changed = Vec::new();
        if patch.uid.as_deref().is_some_and(|u| u != current.uid) {
            changed.push("uid");
        }
        if patch.source.as_ref().is_some_and(|s| *s != current.source_uid) {
            changed.push("source");
        }
        if !changed.is_empty() {
            return Err(Error::immutable(&changed));
        }
        let mut errs = FieldErrors::default();
        let name = patch.name.as_deref().and_then(|n| errs.check(rules::title("name", n)));
        let description =
            patch.description.as_ref().and_then(|d| errs.check(rules::description(d.as_deref().unwrap_or(""))));
        errs.finish()?;
        let change = WorkspaceChange { name, description, updated_by: actor.user_uid.clone(), updated_at: now() };
        self.store_for(actor).update_workspace(space, uid, &change).await?.ok_or_else(|| workspace_not_found(uid))
    }

    /// Deletes a workspace other than `main`, then frees the blobs nothing uses any more.
    pub async fn delete_workspace(&self, who: &Caller, space: &str, uid: &str) -> Result<()> {
        if uid == MAIN_WORKSPACE {
            self.get_space(space).await?;
            return Err(Error::conflict("main_workspace_protected", "the main workspace cannot be deleted"));
        }
        if !self.store_for(who).delete_workspace(space, uid).await? {
            self.get_space(space).await?;
            return Err(workspace_not_found(uid));
        }
        if let Err(e) = self.free_unreferenced_blobs().await {
            tracing::warn!(error = %e, "freeing blobs after workspace deletion failed");
        }
        Ok(())
    }

    /// Replaces the enabled languages. The default language is locked in.
    pub async fn set_workspace_languages(
        &self,
        actor: &Caller,
        space: &str,
        uid: &str,
        languages: Vec<String>,
    ) -> Result<Workspace> {
        let ws = self.get_workspace(space, uid).await?;
        let mut codes: Vec<String> = languages.iter().map(|l| l.trim().to_ascii_lowercase()).collect();
        codes.sort();
        codes.dedup();
        if !codes.contains(&ws.default_locale) {
            let mut e = Error::new(
                ErrorKind::Conflict,
                "default_language_locked",
                format!("the default language {} cannot be disabled", ws.default_locale),
            );
            e.fields.insert("languages".to_owned(), vec![format!("must include {}", ws.default_locale)]);
            return Err(e);
        }
        self.store_for(actor).set_workspace_languages(space, uid, &codes, &actor.user_uid, now()).await?;
        self.get_workspace(space, uid).await
    }

    /// What changed in the workspace and in its source since the fork (or the last merge).
    /// What changed in the workspace since its fork. Compare lists every changed
    /// asset, so it needs the right to read all of them in both workspaces: a
    /// role limited to some folders is refused rather than shown a count that
    /// says what it may not see.
    pub async fn compare_workspace(
        &self,
        who: &Caller,
        space: &str,
        uid: &str,
        page: PageRequest,
    ) -> Result<Page<ItemChanges>> {
        let w = self.get_workspace(space, uid).await?;
        // Every language too: compare lists changes in all of them.
        for ws in std::iter::once(uid).chain(w.source_uid.as_deref()) {
            for locale in std::iter::once(None).chain(w.languages.iter().map(|l| Some(l.as_str()))) {
                who.require_all(Action::AssetRead, Some(space), &Resource { workspace: Some(ws), locale })?;
            }
        }
        let all = self.meta.compare_workspace(space, uid).await?;
        let count = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from(page.skip).unwrap_or(0);
        let limit = usize::try_from(page.limit).unwrap_or(0);
        Ok(Page { items: all.into_iter().skip(skip).take(limit).collect(), count })
    }

    /// Merges the workspace's changes into its source.
    pub async fn merge_workspace(
        &self,
        actor: &Caller,
        space: &str,
        uid: &str,
        strategy: MergeStrategy,
    ) -> Result<MergeReport> {
        self.get_workspace(space, uid).await?;
        let model = std::sync::Arc::new(self.asset_model().await?);
        // Every content the merge would write is checked against its file's asset
        // type like an edit, before anything is written.
        let check = MergeCheck::new(move |c| {
            let side = if c.locale == c.default_locale {
                Side::Default
            } else {
                Side::Other { default_locale: c.default_locale, shared: c.shared }
            };
            let mut errs = FieldErrors::default();
            let values = model.check(c.asset_type, c.custom, side, Origin::Restore, &mut errs);
            errs.finish().map(|()| values_json(&values))
        });
        let request = MergeRequest { strategy, by: actor.user_uid.clone(), at: now(), check };
        self.store_for(actor).merge_workspace(space, uid, &request).await
    }
}
