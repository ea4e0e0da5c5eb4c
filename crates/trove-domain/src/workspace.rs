//! Workspace rules: UIDs, and the three-way comparison behind compare and merge.
//!
//! Compare and merge look at each asset (its placement), each asset × locale (its
//! content) and each folder in three states: the **base** (what the workspace held
//! at its fork point, or at its last merge), the **workspace** now and the
//! **source** now. A change on one side only is that side's; a change on both sides
//! to different results is a conflict. The backends gather the states; the
//! decisions are made here, with no I/O.

use serde::Serialize;

pub use crate::content_merge::Content;
use crate::content_merge::{changed_fields, content_conflicts};
use crate::error::{Error, Result};
pub use crate::three_way::{MergeStrategy, Resolution, Three};

/// Longest workspace UID.
pub const MAX_WORKSPACE_UID: usize = 15;

/// A workspace UID: lowercase letters, digits and `_`, 1 to 15 characters.
pub fn workspace_uid(raw: &str) -> Result<String> {
    if raw.is_empty() || raw.len() > MAX_WORKSPACE_UID {
        return Err(Error::invalid("uid", format!("must be 1 to {MAX_WORKSPACE_UID} characters")));
    }
    if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(Error::invalid("uid", "may contain only lowercase letters, digits and _"));
    }
    Ok(raw.to_owned())
}

/// Where an asset sits in a workspace. `None` (no state) means the workspace has no
/// such asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub parent_uid: Option<String>,
    /// Set while the asset is in the trash.
    pub deleted_at: Option<i64>,
    pub trashed_with: Option<String>,
}

impl Placement {
    fn live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// A folder's state in a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub title: String,
    pub description: Option<String>,
    pub parent_uid: Option<String>,
    pub deleted_at: Option<i64>,
    pub trashed_with: Option<String>,
}

/// How one side changed an item since the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

/// One side's change of one item: its kind, which fields changed (by path, as
/// `title` or `custom_metadata.<key>`), and (for asset content) whether the file changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideChange {
    pub change: ChangeKind,
    pub fields: Vec<String>,
    pub file_changed: bool,
}

/// Classifies `side` against `base`, with `present` deciding whether a state counts
/// as existing (a trashed asset counts as deleted) and `fields` naming what differs.
fn classify<T>(
    base: Option<&T>,
    side: Option<&T>,
    present: impl Fn(&T) -> bool,
    fields: impl Fn(&T, &T) -> (Vec<String>, bool),
) -> Option<SideChange> {
    let b = base.filter(|x| present(x));
    let s = side.filter(|x| present(x));
    let change = |change| Some(SideChange { change, fields: Vec::new(), file_changed: false });
    match (b, s) {
        (None, None) => None,
        (None, Some(_)) => change(ChangeKind::Added),
        (Some(_), None) => change(ChangeKind::Deleted),
        (Some(b), Some(s)) => {
            let (fields, file_changed) = fields(b, s);
            (!fields.is_empty() || file_changed).then_some(SideChange {
                change: ChangeKind::Modified,
                fields,
                file_changed,
            })
        }
    }
}

fn placement_fields(a: &Placement, b: &Placement) -> (Vec<String>, bool) {
    (if a.parent_uid == b.parent_uid { vec![] } else { vec!["parent_uid".to_owned()] }, false)
}

/// The file is reported apart (`file_changed`), as it was before fields were merged one by one.
fn content_fields(a: &Content, b: &Content) -> (Vec<String>, bool) {
    let mut f = changed_fields(&a.value, &b.value);
    let file = f.iter().any(|p| p == crate::content_merge::FILE);
    f.retain(|p| p != crate::content_merge::FILE);
    (f, file)
}

fn folder_fields(a: &FolderState, b: &FolderState) -> (Vec<String>, bool) {
    let f = [
        ("title", a.title != b.title),
        ("description", a.description != b.description),
        ("parent_uid", a.parent_uid != b.parent_uid),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(n, _)| n.to_owned())
    .collect();
    (f, false)
}

/// Both sides' changes of one item, and whether they conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sides {
    pub workspace: Option<SideChange>,
    pub source: Option<SideChange>,
    pub conflict: bool,
}

impl Sides {
    fn is_empty(&self) -> bool {
        self.workspace.is_none() && self.source.is_none() && !self.conflict
    }
}

impl Three<Placement> {
    pub fn sides(&self) -> Sides {
        let c = |s: &Option<Placement>| classify(self.base.as_ref(), s.as_ref(), Placement::live, placement_fields);
        Sides {
            workspace: c(&self.workspace),
            source: c(&self.source),
            conflict: self.resolve() == Resolution::Conflict,
        }
    }
}

impl Three<Content> {
    /// Each side's changes; a conflict only where the same field changed
    /// differently (or one side removed the locale the other changed).
    pub fn sides(&self) -> Sides {
        let c = |s: &Option<Content>| classify(self.base.as_ref(), s.as_ref(), |_| true, content_fields);
        Sides { workspace: c(&self.workspace), source: c(&self.source), conflict: !content_conflicts(self).is_empty() }
    }
}

impl Three<FolderState> {
    pub fn sides(&self) -> Sides {
        let c = |s: &Option<FolderState>| {
            classify(self.base.as_ref(), s.as_ref(), |f| f.deleted_at.is_none(), folder_fields)
        };
        Sides {
            workspace: c(&self.workspace),
            source: c(&self.source),
            conflict: self.resolve() == Resolution::Conflict,
        }
    }
}

/// One asset's states: placement and each locale's content.
#[derive(Debug, Clone)]
pub struct AssetStates {
    pub uid: String,
    pub placement: Three<Placement>,
    /// Per locale, sorted by locale code.
    pub locales: Vec<(String, Three<Content>)>,
}

/// One locale's changes in a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocaleChanges {
    pub locale: String,
    #[serde(flatten)]
    pub sides: Sides,
    /// The paths of the fields changed differently on the two sides (`file` for
    /// the file). Empty when the locale conflicts as a whole (removed on one side,
    /// changed on the other).
    pub conflicts: Vec<String>,
}

/// What changed of one item, on either side, since the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChanges {
    /// `asset` or `folder`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub uid: String,
    /// The item itself: existence, placement (and for folders, title and description).
    /// `conflict` is set when the item or any of its locales conflicts.
    #[serde(flatten)]
    pub sides: Sides,
    /// Per locale (assets only), only the locales that changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locales: Vec<LocaleChanges>,
}

impl Three<FolderState> {
    /// Neither side has the folder live: whatever else differs, there is nothing to
    /// merge and nothing to conflict about.
    pub fn gone_on_both_sides(&self) -> bool {
        let live = |f: &Option<FolderState>| f.as_ref().is_some_and(|f| f.deleted_at.is_none());
        !live(&self.workspace) && !live(&self.source)
    }
}

impl AssetStates {
    /// Neither side has the asset live (both deleted it, or one purged what the other
    /// trashed): nothing to merge and nothing to conflict about.
    pub fn gone_on_both_sides(&self) -> bool {
        let live = |p: &Option<Placement>| p.as_ref().is_some_and(Placement::live);
        !live(&self.placement.workspace) && !live(&self.placement.source)
    }

    /// One side deleted the asset while the other changed it (moved it, or changed
    /// any locale): that is a conflict even though the two changes touch different
    /// parts of the asset.
    pub fn delete_conflict(&self) -> bool {
        if self.gone_on_both_sides() {
            return false;
        }
        let p = self.placement.sides();
        let deleted = |c: &Option<SideChange>| c.as_ref().is_some_and(|c| c.change == ChangeKind::Deleted);
        let changed = |c: &Option<SideChange>| c.as_ref().is_some_and(|c| c.change != ChangeKind::Deleted);
        let ws_content = self.locales.iter().any(|(_, t)| t.sides().workspace.is_some());
        let src_content = self.locales.iter().any(|(_, t)| t.sides().source.is_some());
        (deleted(&p.workspace) && (changed(&p.source) || src_content))
            || (deleted(&p.source) && (changed(&p.workspace) || ws_content))
    }

    /// Whether the asset itself (not one locale) conflicts.
    pub fn placement_conflict(&self) -> bool {
        !self.gone_on_both_sides() && (self.delete_conflict() || self.placement.resolve() == Resolution::Conflict)
    }

    /// What a merge does with the asset's existence and placement under `strategy`;
    /// `None` for a conflict the strategy refuses to settle.
    pub fn placement_decision(&self, strategy: MergeStrategy) -> Option<Resolution> {
        if self.gone_on_both_sides() {
            return Some(Resolution::Unchanged);
        }
        if !self.delete_conflict() {
            return self.placement.decide(strategy);
        }
        match strategy {
            MergeStrategy::FailOnConflict => None,
            MergeStrategy::PreferWorkspace => Some(Resolution::TakeWorkspace),
            MergeStrategy::PreferSource => Some(Resolution::KeepSource),
        }
    }

    /// The changes, or `None` when nothing changed on either side. An asset live in
    /// none of the three states (added and deleted again in the workspace, say) has
    /// nothing to show.
    pub fn changes(&self) -> Option<ItemChanges> {
        let p = &self.placement;
        if ![&p.base, &p.workspace, &p.source].iter().any(|s| s.as_ref().is_some_and(Placement::live)) {
            return None;
        }
        let locales: Vec<LocaleChanges> = self
            .locales
            .iter()
            .map(|(l, t)| {
                let conflicts = content_conflicts(t).iter().filter_map(|c| c.path().map(str::to_owned)).collect();
                LocaleChanges { locale: l.clone(), sides: t.sides(), conflicts }
            })
            .filter(|l| !l.sides.is_empty())
            .collect();
        let mut sides = self.placement.sides();
        // The item conflicts if it does itself or any of its locales does (not once
        // both sides deleted it).
        let gone = self.gone_on_both_sides();
        sides.conflict = !gone && (self.placement_conflict() || locales.iter().any(|l| l.sides.conflict));
        (!sides.is_empty() || !locales.is_empty()).then(|| ItemChanges {
            kind: "asset",
            uid: self.uid.clone(),
            sides,
            locales,
        })
    }
}

/// The changes of a folder, or `None` when nothing changed.
pub fn folder_changes(uid: &str, t: &Three<FolderState>) -> Option<ItemChanges> {
    let mut sides = t.sides();
    sides.conflict &= !t.gone_on_both_sides();
    (!sides.is_empty()).then(|| ItemChanges { kind: "folder", uid: uid.to_owned(), sides, locales: Vec::new() })
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Assets added to the source, moved, trashed or given new versions.
    pub assets: u64,
    /// Folders added to, changed in or trashed in the source.
    pub folders: u64,
    /// New versions written in the source.
    pub versions: u64,
    /// Conflicts the strategy settled, as `asset/<uid>`, `asset/<uid>/<locale>` or
    /// `folder/<uid>`; a locale's entry is followed by one per conflicting field,
    /// `asset/<uid>/<locale>/<field path>`.
    pub conflicts: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(parent: Option<&str>) -> Option<Placement> {
        Some(Placement { parent_uid: parent.map(str::to_owned), deleted_at: None, trashed_with: None })
    }

    #[test]
    fn uid_rule() {
        assert!(workspace_uid("spring_2027").is_ok());
        assert!(workspace_uid("").is_err());
        assert!(workspace_uid("Spring").is_err());
        assert!(workspace_uid("a-b").is_err());
        assert!(workspace_uid("abcdefghijklmnop").is_err());
        assert!(workspace_uid("abcdefghijklmno").is_ok());
    }

    #[test]
    fn three_way_resolution() {
        let t = |b, w, s| Three { base: p(b), workspace: p(w), source: p(s) };
        assert_eq!(t(Some("a"), Some("a"), Some("a")).resolve(), Resolution::Unchanged);
        assert_eq!(t(Some("a"), Some("b"), Some("a")).resolve(), Resolution::TakeWorkspace);
        assert_eq!(t(Some("a"), Some("a"), Some("c")).resolve(), Resolution::KeepSource);
        assert_eq!(t(Some("a"), Some("b"), Some("b")).resolve(), Resolution::Unchanged);
        assert_eq!(t(Some("a"), Some("b"), Some("c")).resolve(), Resolution::Conflict);
        let c = t(Some("a"), Some("b"), Some("c"));
        assert_eq!(c.decide(MergeStrategy::FailOnConflict), None);
        assert_eq!(c.decide(MergeStrategy::PreferWorkspace), Some(Resolution::TakeWorkspace));
        assert_eq!(c.decide(MergeStrategy::PreferSource), Some(Resolution::KeepSource));
        let added = Three { base: None, workspace: p(None), source: None };
        assert_eq!(added.resolve(), Resolution::TakeWorkspace);
        assert_eq!(added.sides().workspace.map(|s| s.change), Some(ChangeKind::Added));
    }

    #[test]
    fn trashing_counts_as_deleted() {
        let mut trashed = p(None);
        if let Some(x) = trashed.as_mut() {
            x.deleted_at = Some(5);
        }
        let t = Three { base: p(None), workspace: trashed, source: p(Some("f")) };
        let s = t.sides();
        assert_eq!(s.workspace.map(|c| c.change), Some(ChangeKind::Deleted));
        assert_eq!(s.source.map(|c| c.fields), Some(vec!["parent_uid".to_owned()]));
        assert!(s.conflict);
    }
}
