//! The vocabulary of three-way decisions: an item's three states (base, workspace,
//! source), what a merge does with it, and how a strategy settles conflicts. Used
//! by the workspace rules (placements, folders) and by content merges alike.

use serde::Serialize;

/// How a merge settles an item changed on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MergeStrategy {
    /// Apply nothing if anything conflicts.
    #[default]
    FailOnConflict,
    /// The workspace's side wins conflicts.
    PreferWorkspace,
    /// The source's side wins conflicts.
    PreferSource,
}

impl MergeStrategy {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "fail_on_conflict" => Some(MergeStrategy::FailOnConflict),
            "prefer_workspace" => Some(MergeStrategy::PreferWorkspace),
            "prefer_source" => Some(MergeStrategy::PreferSource),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MergeStrategy::FailOnConflict => "fail_on_conflict",
            MergeStrategy::PreferWorkspace => "prefer_workspace",
            MergeStrategy::PreferSource => "prefer_source",
        }
    }
}

/// The three states of one item.
#[derive(Debug, Clone)]
pub struct Three<T> {
    pub base: Option<T>,
    pub workspace: Option<T>,
    pub source: Option<T>,
}

/// What a merge does with one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Neither side changed it, or both changed it the same way.
    Unchanged,
    /// Only the source changed it: the source keeps its state.
    KeepSource,
    /// Only the workspace changed it: its state goes to the source.
    TakeWorkspace,
    /// Both changed it, differently.
    Conflict,
}

impl<T: PartialEq> Three<T> {
    pub fn resolve(&self) -> Resolution {
        let (b, w, s) = (&self.base, &self.workspace, &self.source);
        match (w == b, s == b, w == s) {
            (true, true, _) | (false, false, true) => Resolution::Unchanged,
            (true, false, _) => Resolution::KeepSource,
            (false, true, _) => Resolution::TakeWorkspace,
            (false, false, false) => Resolution::Conflict,
        }
    }

    /// The resolution after `strategy` settles conflicts; `None` for a conflict the
    /// strategy refuses to settle.
    pub fn decide(&self, strategy: MergeStrategy) -> Option<Resolution> {
        match (self.resolve(), strategy) {
            (Resolution::Conflict, MergeStrategy::FailOnConflict) => None,
            (Resolution::Conflict, MergeStrategy::PreferWorkspace) => Some(Resolution::TakeWorkspace),
            (Resolution::Conflict, MergeStrategy::PreferSource) => Some(Resolution::KeepSource),
            (r, _) => Some(r),
        }
    }
}
