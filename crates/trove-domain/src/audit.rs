//! Who changed what: the actor behind a write and the events a write records.
//!
//! Every write transaction records its events in the outbox as it commits, so
//! the audit log (and every later consumer of the stream) sees exactly the
//! changes that committed. These are the plain values it records.

use serde::Serialize;

use crate::model::Timestamp;

/// The UID recorded for changes no user made (trash purge, rebuilds).
pub const SYSTEM_ACTOR: &str = "system";

/// Who a change is attributed to: a user (or `system`) and the credential the
/// request came with (`token:<uid>` or `session:<uid>`), so a leaked token's
/// doings can be told apart from its owner's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_uid: String,
    pub credential: Option<String>,
}

impl Actor {
    /// Changes Trove makes by itself.
    pub fn system() -> Self {
        Actor { user_uid: SYSTEM_ACTOR.to_owned(), credential: None }
    }
}

/// One change, as a write describes it; the store adds the actor, the time and
/// the space when it commits. `action` is `<resource>.<verb>`
/// (`asset.update`, `workspace.merge`, `user.create`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    pub action: &'static str,
    /// The space the change belongs to, when the transaction is not one of that
    /// space's writes (creating a space).
    pub space: Option<String>,
    pub workspace: Option<String>,
    pub asset: Option<String>,
    pub locale: Option<String>,
    pub version: Option<i64>,
    /// The UID of what the change is about when it is not an asset (a folder, a
    /// workspace, a user, a role, a field, a language code).
    pub target: Option<String>,
    /// Facts a reader needs besides the UIDs (a move's target folder, a merge's
    /// counts), as a JSON object.
    pub detail: Option<serde_json::Value>,
}

impl Event {
    pub fn new(action: &'static str) -> Self {
        Event { action, ..Event::default() }
    }

    pub fn space(mut self, space: &str) -> Self {
        self.space = Some(space.to_owned());
        self
    }

    pub fn workspace(mut self, ws: &str) -> Self {
        self.workspace = Some(ws.to_owned());
        self
    }

    pub fn asset(mut self, asset: &str) -> Self {
        self.asset = Some(asset.to_owned());
        self
    }

    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = Some(locale.to_owned());
        self
    }

    pub fn version(mut self, number: i64) -> Self {
        self.version = Some(number);
        self
    }

    pub fn target(mut self, uid: &str) -> Self {
        self.target = Some(uid.to_owned());
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// An event as the audit log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: Timestamp,
    pub action: String,
    pub actor_uid: String,
    pub credential: Option<String>,
    pub space_uid: Option<String>,
    pub workspace_uid: Option<String>,
    pub asset_uid: Option<String>,
    pub locale: Option<String>,
    pub version: Option<i64>,
    pub target_uid: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// What an audit listing is narrowed to; every field is ANDed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// `None` lists organization-level events (those of no space).
    pub space: Option<String>,
    pub actor: Option<String>,
    /// An exact action (`asset.update`) or a resource prefix (`asset`).
    pub action: Option<String>,
    pub asset: Option<String>,
    pub workspace: Option<String>,
    pub locale: Option<String>,
    /// Only events of no language or of one of these (what a caller may read).
    pub locales: Option<Vec<String>>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}
