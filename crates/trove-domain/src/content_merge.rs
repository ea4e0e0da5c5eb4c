//! The per-field three-way merge of one locale's content: the plan compare reports
//! and merge applies.
//!
//! Two teams editing the same asset in different workspaces usually touch different
//! fields: one fixes the title, the other the usage rights. Deciding on the whole
//! content would call that a conflict; deciding field by field lets both changes
//! through and leaves a conflict only where the same field changed differently.
//! The fields are `title`, `description`, `alt_text`, `tags`, each top-level key of
//! the custom metadata (`custom_metadata.<key>`), and the file (`file`: a
//! replacement is a change of its own). Each goes through the same [`Three`]
//! decision as a whole item; the merged result is a value here, before the backend
//! writes anything, so it can be checked first.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::AssetContent;
use crate::three_way::{MergeStrategy, Resolution, Three};

/// What one locale of an asset holds: its head version's content and file.
#[derive(Debug, Clone)]
pub struct Content {
    /// The head version number (not compared: two sides number independently).
    pub version: i64,
    /// What compare and merge look at, field by field.
    pub value: ContentValue,
}

impl PartialEq for Content {
    fn eq(&self, o: &Self) -> bool {
        self.value == o.value
    }
}

/// The path of the file among a locale's fields.
pub const FILE: &str = "file";
/// The prefix of a custom metadata key's path: `custom_metadata.<key>`.
pub const CUSTOM_PREFIX: &str = "custom_metadata.";

/// What a version of one locale holds that compare and merge look at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContentValue {
    pub content: AssetContent,
    /// The file of the version (its UID names one upload of bytes).
    pub file_uid: String,
}

/// Which side a field of the merged result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Changed in the workspace (alone, or it won a conflict).
    Workspace,
    /// Changed in the source (alone, or it won a conflict).
    Source,
    /// Changed the same way on both sides.
    Both,
}

/// What conflicts in one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentConflict {
    /// One side removed the locale and the other changed it, or the two disagree
    /// about whether it exists: there are no fields to compare.
    Presence,
    /// This field (its path) changed differently on the two sides.
    Field(String),
}

impl ContentConflict {
    /// The field path, if the conflict is about one field.
    pub fn path(&self) -> Option<&str> {
        match self {
            ContentConflict::Presence => None,
            ContentConflict::Field(p) => Some(p),
        }
    }
}

/// What the merge does to the source's locale.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The source already holds the result (nothing changed, or only it did).
    Keep,
    /// The source's locale goes (the workspace removed it).
    Drop,
    /// The source gets this content as a new version.
    Write(ContentValue),
}

/// The merge of one locale: what happens to the source, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentPlan {
    pub outcome: Outcome,
    /// Where each changed field of the result came from, by path (when both sides
    /// hold the locale; a locale added or removed as a whole has no fields to trace).
    pub origins: BTreeMap<String, Origin>,
    /// The conflicts the strategy settled.
    pub settled: Vec<ContentConflict>,
}

/// Plans the merge of one locale under `strategy`: field by field when both sides
/// hold it, as a whole when one side added or removed it. Under
/// [`MergeStrategy::FailOnConflict`] any conflict is an `Err` listing them all.
pub fn plan_content(t: &Three<Content>, strategy: MergeStrategy) -> Result<ContentPlan, Vec<ContentConflict>> {
    match (&t.workspace, &t.source) {
        (Some(w), Some(s)) => per_field(t.base.as_ref().map(|b| &b.value), &w.value, &s.value, strategy),
        _ => whole(t, strategy),
    }
}

/// The conflicts of one locale before any strategy settles them.
pub fn content_conflicts(t: &Three<Content>) -> Vec<ContentConflict> {
    plan_content(t, MergeStrategy::FailOnConflict).err().unwrap_or_default()
}

fn whole(t: &Three<Content>, strategy: MergeStrategy) -> Result<ContentPlan, Vec<ContentConflict>> {
    let Some(r) = t.decide(strategy) else { return Err(vec![ContentConflict::Presence]) };
    let settled = if t.resolve() == Resolution::Conflict { vec![ContentConflict::Presence] } else { Vec::new() };
    let outcome = match (r, &t.workspace, &t.source) {
        (Resolution::TakeWorkspace, Some(w), _) => Outcome::Write(w.value.clone()),
        (Resolution::TakeWorkspace, None, Some(_)) => Outcome::Drop,
        _ => Outcome::Keep,
    };
    Ok(ContentPlan { outcome, origins: BTreeMap::new(), settled })
}

/// Collects the per-field decisions of one locale.
struct Fields {
    strategy: MergeStrategy,
    origins: BTreeMap<String, Origin>,
    conflicts: Vec<ContentConflict>,
    settled: Vec<ContentConflict>,
}

impl Fields {
    /// One field's value after the merge (`None`: absent, as an unset custom key),
    /// recording where it came from and any conflict.
    fn pick<'v, V: PartialEq>(&mut self, path: String, t: Three<&'v V>) -> Option<&'v V> {
        let (w, s) = (t.workspace, t.source);
        let (value, origin) = match t.resolve() {
            Resolution::Unchanged => (s, (w != t.base).then_some(Origin::Both)),
            Resolution::KeepSource => (s, Some(Origin::Source)),
            Resolution::TakeWorkspace => (w, Some(Origin::Workspace)),
            Resolution::Conflict => {
                let c = ContentConflict::Field(path.clone());
                match self.strategy {
                    MergeStrategy::FailOnConflict => {
                        self.conflicts.push(c);
                        (s, None)
                    }
                    MergeStrategy::PreferWorkspace => {
                        self.settled.push(c);
                        (w, Some(Origin::Workspace))
                    }
                    MergeStrategy::PreferSource => {
                        self.settled.push(c);
                        (s, Some(Origin::Source))
                    }
                }
            }
        };
        if let Some(o) = origin {
            self.origins.insert(path, o);
        }
        value
    }

    /// A field both sides hold.
    fn field<V: PartialEq + Clone>(&mut self, path: &str, b: Option<&V>, w: &V, s: &V) -> V {
        self.pick(path.to_owned(), Three { base: b, workspace: Some(w), source: Some(s) }).unwrap_or(s).clone()
    }

    /// A map of named values merged key by key, each key a field `<prefix><key>`:
    /// the custom metadata today, and the same way its typed values later.
    fn keyed<'v, V: PartialEq + Clone + 'v>(
        &mut self,
        prefix: &str,
        b: Option<BTreeMap<&'v str, &'v V>>,
        w: BTreeMap<&'v str, &'v V>,
        s: BTreeMap<&'v str, &'v V>,
    ) -> Vec<(String, V)> {
        let b = b.unwrap_or_default();
        let keys: BTreeSet<&str> = b.keys().chain(w.keys()).chain(s.keys()).copied().collect();
        let mut out = Vec::new();
        for k in keys {
            let t = Three { base: b.get(k).copied(), workspace: w.get(k).copied(), source: s.get(k).copied() };
            if let Some(v) = self.pick(format!("{prefix}{k}"), t) {
                out.push((k.to_owned(), v.clone()));
            }
        }
        out
    }
}

/// A map's entries by key, as [`Fields::keyed`] reads them.
fn index<'v, V: 'v>(m: impl IntoIterator<Item = (&'v String, &'v V)>) -> BTreeMap<&'v str, &'v V> {
    m.into_iter().map(|(k, v)| (k.as_str(), v)).collect()
}

fn per_field(
    b: Option<&ContentValue>,
    w: &ContentValue,
    s: &ContentValue,
    strategy: MergeStrategy,
) -> Result<ContentPlan, Vec<ContentConflict>> {
    let mut f = Fields { strategy, origins: BTreeMap::new(), conflicts: Vec::new(), settled: Vec::new() };
    let bc = b.map(|b| &b.content);
    let (wc, sc) = (&w.content, &s.content);
    let title = f.field("title", bc.map(|b| &b.title), &wc.title, &sc.title);
    let description = f.field("description", bc.map(|b| &b.description), &wc.description, &sc.description);
    let alt_text = f.field("alt_text", bc.map(|b| &b.alt_text), &wc.alt_text, &sc.alt_text);
    let tags = f.field("tags", bc.map(|b| &b.tags), &wc.tags, &sc.tags);
    let custom = f.keyed(CUSTOM_PREFIX, bc.map(|b| index(&b.custom)), index(&wc.custom), index(&sc.custom));
    let file_uid = f.field(FILE, b.map(|b| &b.file_uid), &w.file_uid, &s.file_uid);
    if !f.conflicts.is_empty() {
        return Err(f.conflicts);
    }
    let merged = ContentValue {
        content: AssetContent { title, description, alt_text, tags, custom: custom.into_iter().collect() },
        file_uid,
    };
    let outcome = if merged == *s { Outcome::Keep } else { Outcome::Write(merged) };
    Ok(ContentPlan { outcome, origins: f.origins, settled: f.settled })
}

/// The paths of the fields that differ between `a` and `b`, in the order of the
/// content (the file last, as `file`).
pub fn changed_fields(a: &ContentValue, b: &ContentValue) -> Vec<String> {
    let (x, y) = (&a.content, &b.content);
    let mut out = Vec::new();
    for (name, differs) in [
        ("title", x.title != y.title),
        ("description", x.description != y.description),
        ("alt_text", x.alt_text != y.alt_text),
        ("tags", x.tags != y.tags),
    ] {
        if differs {
            out.push(name.to_owned());
        }
    }
    let keys: BTreeSet<&String> = x.custom.keys().chain(y.custom.keys()).collect();
    out.extend(
        keys.into_iter().filter(|k| x.custom.get(*k) != y.custom.get(*k)).map(|k| format!("{CUSTOM_PREFIX}{k}")),
    );
    if a.file_uid != b.file_uid {
        out.push(FILE.to_owned());
    }
    out
}

#[cfg(test)]
#[path = "content_merge_tests.rs"]
mod tests;
