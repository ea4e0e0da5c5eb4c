//! Spaces: create (with their main workspace), list, read, update, delete.

use trove_domain::ids::{DEFAULT_LOCALE, MAIN_WORKSPACE, UidKind, new_uid};
use trove_domain::model::{Page, PageRequest, Space, Workspace};
use trove_domain::{Error, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::access::space_not_found;
use crate::ports::SpaceChange;
use crate::{App, now};

/// The confirmation `DELETE /api/spaces/{space}` needs, as the UI makes users type it.
pub const DELETE_CONFIRMATION: &str = "DELETE";

/// Input for a new space.
#[derive(Debug, Clone, Default)]
pub struct NewSpace {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A partial update; absent fields stay as they are. `description: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SpacePatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
}

impl App {
    pub async fn create_space(&self, actor: &Caller, input: NewSpace) -> Result<Space> {
        let mut errs = FieldErrors::default();
        let title = match input.title.as_deref() {
            Some(t) => errs.check(rules::title("title", t)),
            None => {
                errs.add("title", "is required");
                None
            }
        };
        let description = errs.check(rules::description(input.description.as_deref().unwrap_or(""))).flatten();
        errs.finish()?;
        let at = now();
        let space = Space {
            uid: new_uid(UidKind::Space),
            title: title.unwrap_or_default(),
            description,
            created_by: actor.user_uid.clone(),
            created_at: at,
            updated_by: actor.user_uid.clone(),
            updated_at: at,
        };
        let main = Workspace {
            space_uid: space.uid.clone(),
            uid: MAIN_WORKSPACE.to_owned(),
            name: "Main".to_owned(),
            description: None,
            source_uid: None,
            default_locale: DEFAULT_LOCALE.to_owned(),
            languages: vec![DEFAULT_LOCALE.to_owned()],
            created_by: actor.user_uid.clone(),
            created_at: at,
            updated_by: actor.user_uid.clone(),
            updated_at: at,
        };
        self.store_for(actor).create_space(&space, &main).await?;
        Ok(space)
    }

    /// The spaces the caller is a member of (a space's token: that space).
    pub async fn list_spaces(&self, who: &Caller, page: PageRequest) -> Result<Page<Space>> {
        if let Some(only) = who.credential.space_limit() {
            let items: Vec<Space> = self.meta.get_space(only).await?.into_iter().collect();
            let count = items.len() as i64;
            let items = items.into_iter().skip(usize::try_from(page.skip).unwrap_or(0)).collect();
            return Ok(Page { items, count });
        }
        self.meta.list_spaces(&who.user_uid, page).await
    }

    pub async fn get_space(&self, uid: &str) -> Result<Space> {
        self.meta.get_space(uid).await?.ok_or_else(|| space_not_found(uid))
    }

    pub async fn update_space(&self, actor: &Caller, uid: &str, patch: SpacePatch) -> Result<Space> {
        let mut errs = FieldErrors::default();
        let title = patch.title.as_deref().and_then(|t| errs.check(rules::title("title", t)));
        let description =
            patch.description.as_ref().and_then(|d| errs.check(rules::description(d.as_deref().unwrap_or(""))));
        errs.finish()?;
        let change = SpaceChange { title, description, updated_by: actor.user_uid.clone(), updated_at: now() };
        self.store_for(actor).update_space(uid, &change).await?.ok_or_else(|| space_not_found(uid))
    }

    /// Deletes a space and everything in it, then frees the blobs nothing uses any more.
    pub async fn delete_space(&self, who: &Caller, uid: &str, confirm: Option<&str>) -> Result<()> {
        if confirm != Some(DELETE_CONFIRMATION) {
            return Err(Error::bad_request(
                "confirmation_required",
                "deleting a space deletes everything in it; repeat the request with ?confirm=DELETE",
            ));
        }
        if !self.store_for(who).delete_space(uid).await? {
            return Err(space_not_found(uid));
        }
        if let Err(e) = self.free_unreferenced_blobs().await {
            // The space is gone; leftover blobs are collected by the next maintenance run.
            tracing::warn!(error = %e, "freeing blobs after space deletion failed");
        }
        Ok(())
    }
}
