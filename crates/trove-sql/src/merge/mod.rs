//! Compare and merge: gathering each changed item's base, workspace and source
//! states from the temporal tables, and applying a merge's decisions.
//!
//! The base is the workspace as it was at `merged_seq` (its fork point until the
//! first merge): the temporal tables keep every row valid at that seq. Only keys
//! with rows written after the base, in the workspace or in its source, can differ,
//! so the work is proportional to what changed, not to the library. The states are
//! read through [`crate::history`]. The decisions
//! themselves are [`trove_domain::workspace`]'s; [`apply`] writes them.

mod apply;

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyConnection, AssertSqlSafe};
use trove_app::ports::{MergeRequest, MergedContent};
use trove_domain::audit::Event;
use trove_domain::content_merge::{ContentPlan, ContentValue, Outcome, plan_content};
use trove_domain::workspace::{
    AssetStates, FolderState, ItemChanges, MergeReport, MergeStrategy, Resolution, Three, folder_changes,
};
use trove_domain::{Error, ErrorKind, Result};

use crate::history::{At, contents, folder, placement, read_workspace, workspace_not_found};
use crate::overlay::{OWN_MAX_SEQ, begin_write};
use crate::{SqlStore, db_err};

/// A workspace, its source and the base seq of the next merge.
pub(super) struct Pair {
    pub space: String,
    pub ws: String,
    pub source: String,
    pub base: i64,
}

impl Pair {
    fn base(&self) -> At<'_> {
        At { space: &self.space, ws: &self.ws, seq: self.base }
    }
    fn ws_now(&self) -> At<'_> {
        At { space: &self.space, ws: &self.ws, seq: OWN_MAX_SEQ }
    }
    fn source_now(&self) -> At<'_> {
        At { space: &self.space, ws: &self.source, seq: OWN_MAX_SEQ }
    }
}

async fn pair(c: &mut AnyConnection, space: &str, uid: &str) -> Result<Pair> {
    let ws = read_workspace(c, space, uid).await?.ok_or_else(|| workspace_not_found(uid))?;
    let Some(source) = ws.source_uid else {
        return Err(Error::conflict("workspace_has_no_source", format!("workspace {uid} was not forked from another")));
    };
    // The source must still be what the workspace reads through: a deleted source
    // leaves the lineage, and a new workspace that reuses its UID is not it.
    let nearest: Option<String> = sqlx::query_scalar(
        "SELECT ancestor_uid FROM workspace_lineage WHERE space_uid = $1 AND workspace_uid = $2 AND depth > 0 \
         ORDER BY depth LIMIT 1",
    )
    .bind(space)
    .bind(uid)
    .fetch_optional(&mut *c)
    .await
    .map_err(db_err)?;
    if nearest.as_deref() != Some(source.as_str()) || read_workspace(c, space, &source).await?.is_none() {
        return Err(Error::conflict(
            "source_deleted",
            format!("workspace {source}, which {uid} was forked from, has been deleted"),
        ));
    }
    let base: Option<i64> = sqlx::query_scalar("SELECT merged_seq FROM workspaces WHERE space_uid = $1 AND uid = $2")
        .bind(space)
        .bind(uid)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
    Ok(Pair { space: space.to_owned(), ws: uid.to_owned(), source, base: base.unwrap_or(0) })
}

/// Keys of `table` with rows written after the base in the workspace or the source.
async fn changed_keys(c: &mut AnyConnection, p: &Pair, tables: &[&str], key: &str) -> Result<Vec<String>> {
    let sql = tables
        .iter()
        .map(|t| format!("SELECT {key} AS k FROM {t} WHERE space_uid = $1 AND workspace_uid IN ($2, $3) AND seq > $4"))
        .collect::<Vec<_>>()
        .join(" UNION ");
    let mut keys: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(&p.space)
        .bind(&p.ws)
        .bind(&p.source)
        .bind(p.base)
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Every changed item's three states: folders, then assets.
async fn gather(c: &mut AnyConnection, p: &Pair) -> Result<(Vec<(String, Three<FolderState>)>, Vec<AssetStates>)> {
    let mut folders = Vec::new();
    for uid in changed_keys(c, p, &["folders"], "uid").await? {
        let t = Three {
            base: folder(c, p.base(), &uid).await?,
            workspace: folder(c, p.ws_now(), &uid).await?,
            source: folder(c, p.source_now(), &uid).await?,
        };
        folders.push((uid, t));
    }
    let mut assets = Vec::new();
    for uid in changed_keys(c, p, &["workspace_assets", "asset_locales"], "asset_uid").await? {
        let placement = Three {
            base: placement(c, p.base(), &uid).await?,
            workspace: placement(c, p.ws_now(), &uid).await?,
            source: placement(c, p.source_now(), &uid).await?,
        };
        let (mut b, mut w, mut s) = (
            contents(c, p.base(), &uid).await?,
            contents(c, p.ws_now(), &uid).await?,
            contents(c, p.source_now(), &uid).await?,
        );
        let mut locales: Vec<String> = b.keys().chain(w.keys()).chain(s.keys()).cloned().collect();
        locales.sort();
        locales.dedup();
        let locales = locales
            .into_iter()
            .map(|l| {
                let t = Three { base: b.remove(&l), workspace: w.remove(&l), source: s.remove(&l) };
                (l, t)
            })
            .collect();
        assets.push(AssetStates { uid, placement, locales });
    }
    Ok((folders, assets))
}

pub(crate) async fn compare(store: &SqlStore, space: &str, uid: &str) -> Result<Vec<ItemChanges>> {
    // One snapshot for every state compared.
    let mut c = crate::dialect::begin_snapshot(&store.read, store.dialect).await?;
    let p = pair(&mut c, space, uid).await?;
    let (folders, assets) = gather(&mut c, &p).await?;
    crate::dialect::end_snapshot(c).await;
    let mut out: Vec<ItemChanges> = folders.iter().filter_map(|(uid, t)| folder_changes(uid, t)).collect();
    out.extend(assets.iter().filter_map(AssetStates::changes));
    Ok(out)
}

const DIFFERENT: &str = "changed differently in the workspace and in the source";

/// Each locale's merge plan, per asset (in the order of `assets`, and of each
/// asset's locales), made before anything is written; or every conflict the
/// strategy does not settle, as `(key, message)` for the answer's `errors`:
/// `folder/<uid>`, `asset/<uid>`, `asset/<uid>/<locale>` and, per conflicting field,
/// `asset/<uid>/<locale>/<field path>` (the locale's own key names the fields too).
fn plan(
    folders: &[(String, Three<FolderState>)],
    assets: &[AssetStates],
    s: MergeStrategy,
) -> std::result::Result<Vec<Vec<ContentPlan>>, Vec<(String, String)>> {
    let mut refused: Vec<(String, String)> = folders
        .iter()
        .filter(|(_, t)| !t.gone_on_both_sides() && t.decide(s).is_none())
        .map(|(u, _)| (format!("folder/{u}"), DIFFERENT.to_owned()))
        .collect();
    let mut plans = Vec::with_capacity(assets.len());
    for a in assets {
        if a.gone_on_both_sides() {
            plans.push(Vec::new());
            continue;
        }
        if a.placement_decision(s).is_none() {
            refused.push((format!("asset/{}", a.uid), DIFFERENT.to_owned()));
        }
        let mut locales = Vec::with_capacity(a.locales.len());
        for (l, t) in &a.locales {
            match plan_content(t, s) {
                Ok(p) => locales.push(p),
                Err(conflicts) => {
                    let key = format!("asset/{}/{l}", a.uid);
                    for c in conflicts {
                        match c.path() {
                            None => refused.push((key.clone(), DIFFERENT.to_owned())),
                            Some(path) => {
                                refused.push((key.clone(), format!("{path}: {DIFFERENT}")));
                                refused.push((format!("{key}/{path}"), DIFFERENT.to_owned()));
                            }
                        }
                    }
                }
            }
        }
        plans.push(locales);
    }
    if refused.is_empty() { Ok(plans) } else { Err(refused) }
}

/// The conflicts the strategy settled, as the merge reports them.
fn conflicts(
    folders: &[(String, Three<FolderState>)],
    assets: &[AssetStates],
    plans: &[Vec<ContentPlan>],
) -> Vec<String> {
    let mut out: Vec<String> = folders
        .iter()
        .filter(|(_, t)| !t.gone_on_both_sides() && t.resolve() == Resolution::Conflict)
        .map(|(u, _)| format!("folder/{u}"))
        .collect();
    for (a, plans) in assets.iter().zip(plans).filter(|(a, _)| !a.gone_on_both_sides()) {
        if a.placement_conflict() {
            out.push(format!("asset/{}", a.uid));
        }
        for ((l, _), p) in a.locales.iter().zip(plans).filter(|(_, p)| !p.settled.is_empty()) {
            let key = format!("asset/{}/{l}", a.uid);
            let fields: Vec<String> = p.settled.iter().filter_map(|c| c.path().map(|f| format!("{key}/{f}"))).collect();
            out.push(key);
            out.extend(fields);
        }
    }
    out
}

pub(crate) async fn merge(store: &SqlStore, space: &str, uid: &str, r: &MergeRequest) -> Result<MergeReport> {
    // The whole merge holds the space's clock: source edits wait for it, and it sees
    // none of them half-way.
    let mut w = begin_write(store, space).await?;
    let p = pair(w.conn(), space, uid).await?;
    let (folders, assets) = gather(w.conn(), &p).await?;
    let plans = match plan(&folders, &assets, r.strategy) {
        Ok(plans) => plans,
        Err(refused) => return Err(refused_error(refused)),
    };
    let checked = check_contents(w.conn(), &p, &assets, &plans, r).await?;
    let mut report = MergeReport { conflicts: conflicts(&folders, &assets, &plans), ..MergeReport::default() };
    let mut m = apply::Merger { w: &mut w, p: &p, r };
    // Parents before children, so a folder added in the workspace exists in the
    // source before anything is placed in it.
    let mut ordered: Vec<&(String, Three<FolderState>)> = folders.iter().collect();
    ordered.sort_by_key(|(uid, t)| depth(&folders, uid, t));
    // Only what the workspace visibly changed is taken (a folder or asset added and
    // then deleted in the workspace differs from the base but is nothing to merge),
    // so a merge does exactly what compare lists.
    for (uid, t) in ordered {
        let take = !t.gone_on_both_sides()
            && t.decide(r.strategy) == Some(Resolution::TakeWorkspace)
            && t.sides().workspace.is_some();
        if !take {
            continue;
        }
        if m.folder(uid, t).await? {
            report.folders += 1;
            continue;
        }
        // The move would put the folder inside itself in the source, which moved
        // the other way meanwhile: a conflict the strategy settles by leaving it.
        let item = format!("folder/{uid}");
        if r.strategy == MergeStrategy::FailOnConflict {
            let mut e = Error::new(
                ErrorKind::Conflict,
                "merge_conflict",
                "a folder move in the workspace would put a folder inside itself in the source; nothing was merged",
            );
            e.fields.insert(item, vec!["moved into a folder the source moved under it".to_owned()]);
            return Err(e);
        }
        report.conflicts.push(item);
    }
    let mut events = Vec::new();
    for (a, plans) in assets.iter().zip(&plans).filter(|(a, _)| !a.gone_on_both_sides()) {
        let mut touched = false;
        let w = writes(a, plans, r.strategy);
        if w.placement {
            m.placement(&a.uid, &a.placement).await?;
            touched = true;
        }
        for (i, value) in w.contents {
            let (locale, t) = &a.locales[i];
            let value = value.map(|v| checked.get(&(a.uid.clone(), locale.clone())).unwrap_or(v));
            if m.content(&a.uid, locale, t, value).await? {
                report.versions += 1;
                events.push(Event::new("asset.merge").workspace(&p.source).asset(&a.uid).locale(locale));
            }
            touched = true;
        }
        if w.placement {
            events.push(Event::new("asset.merge").workspace(&p.source).asset(&a.uid));
        }
        if touched && w.in_source {
            m.refresh_locales(&a.uid).await?;
        }
        if touched {
            report.assets += 1;
        }
    }
    sqlx::query("UPDATE workspaces SET merged_seq = $3 WHERE space_uid = $1 AND uid = $2")
        .bind(space)
        .bind(uid)
        .bind(w.seq)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
    crate::trash::release_purged(&mut w, space, uid).await?;
    for e in events {
        w.record(e);
    }
    w.record(Event::new("workspace.merge").workspace(uid).target(&p.source).detail(serde_json::json!({
        "strategy": r.strategy,
        "assets": report.assets,
        "folders": report.folders,
        "versions": report.versions,
        "conflicts": report.conflicts.len(),
    })));
    w.commit().await?;
    Ok(report)
}

/// What a merge writes for one asset.
struct Writes<'a> {
    /// The workspace's placement goes into the source.
    placement: bool,
    /// The source has the asset afterwards.
    in_source: bool,
    /// Per locale (index into the asset's locales): the content written, or `None`
    /// where the locale goes.
    contents: Vec<(usize, Option<&'a ContentValue>)>,
}

/// What a merge writes for asset `a` under its plans: decided before anything is
/// written, so the content can be checked first.
fn writes<'a>(a: &'a AssetStates, plans: &'a [ContentPlan], strategy: MergeStrategy) -> Writes<'a> {
    let decision = a.placement_decision(strategy);
    let take =
        decision == Some(Resolution::TakeWorkspace) && (a.placement.sides().workspace.is_some() || a.delete_conflict());
    // The source has the asset after this merge if it took the workspace's
    // placement (and the workspace has one) or kept its own.
    let in_source = if take { a.placement.workspace.is_some() } else { a.placement.source.is_some() };
    // A deletion the source wins keeps the workspace's edits of that asset out.
    let source_kept = a.delete_conflict() && decision == Some(Resolution::KeepSource);
    // A placement the merge creates in the source (an added asset, or one the
    // source purged since) brings every variant the workspace has, changed or
    // not: the source has none of its own to keep.
    let recreated = take && a.placement.source.is_none();
    let mut contents = Vec::new();
    if in_source && a.placement.workspace.is_some() && !source_kept {
        for (i, ((_, t), plan)) in a.locales.iter().zip(plans).enumerate() {
            let value = match (&t.workspace, &plan.outcome) {
                (Some(w), _) if recreated => Some(&w.value),
                _ if recreated => continue,
                (_, Outcome::Write(v)) => Some(v),
                (_, Outcome::Drop) => None,
                (_, Outcome::Keep) => continue,
            };
            contents.push((i, value));
        }
    }
    Writes { placement: take, in_source, contents }
}

/// Runs the request's check on every content the merge would write, before
/// anything is written: the content to write instead (its custom values as the
/// check returned them), by (asset, locale); or every problem, keyed
/// `asset/<uid>/<locale>/custom_metadata.<path>`, refusing the merge (422).
async fn check_contents(
    c: &mut AnyConnection,
    p: &Pair,
    assets: &[AssetStates],
    plans: &[Vec<ContentPlan>],
    r: &MergeRequest,
) -> Result<HashMap<(String, String), ContentValue>> {
    let default_locale: String =
        sqlx::query_scalar("SELECT default_locale FROM workspaces WHERE space_uid = $1 AND uid = $2")
            .bind(&p.space)
            .bind(&p.source)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)?;
    let mut out = HashMap::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let empty = serde_json::Map::new();
    for (a, plans) in assets.iter().zip(plans).filter(|(a, _)| !a.gone_on_both_sides()) {
        let w = writes(a, plans, r.strategy);
        let values: Vec<(&str, &ContentValue)> =
            w.contents.iter().filter_map(|(i, v)| v.map(|v| (a.locales[*i].0.as_str(), v))).collect();
        let shared = values.iter().find(|(l, _)| *l == default_locale).map_or(&empty, |(_, v)| &v.content.custom);
        for (locale, v) in &values {
            let asset_type: Option<(Option<String>, String, String)> =
                sqlx::query_as("SELECT asset_type, content_type, file_name FROM files WHERE uid = $1")
                    .bind(&v.file_uid)
                    .fetch_optional(&mut *c)
                    .await
                    .map_err(db_err)?;
            let asset_type = match asset_type {
                Some((Some(t), _, _)) => t,
                Some((None, ct, name)) => crate::rows::detect_builtin(&ct, &name),
                None => return Err(Error::internal(format!("a merged version names a missing file {}", v.file_uid))),
            };
            let merged = MergedContent {
                asset_uid: &a.uid,
                locale,
                default_locale: &default_locale,
                asset_type: &asset_type,
                custom: &v.content.custom,
                shared: if *locale == default_locale { &empty } else { shared },
            };
            match r.check.check(&merged) {
                Ok(custom) => {
                    let mut checked = (*v).clone();
                    checked.content.custom = custom;
                    out.insert((a.uid.clone(), (*locale).to_owned()), checked);
                }
                Err(e) if e.kind == ErrorKind::Validation => {
                    for (field, messages) in e.fields {
                        errors.entry(format!("asset/{}/{locale}/{field}", a.uid)).or_default().extend(messages);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    let mut e = Error::new(
        ErrorKind::Validation,
        "merge_invalid",
        format!(
            "the merge would store content that does not satisfy its asset type in {} places; nothing was merged",
            errors.len()
        ),
    );
    e.fields = errors;
    Err(e)
}

/// The answer to a merge the strategy cannot settle: every conflict, nothing applied.
fn refused_error(refused: Vec<(String, String)>) -> Error {
    let mut items: Vec<&str> = refused.iter().filter_map(|(c, _)| c.split('/').nth(1)).collect();
    items.sort_unstable();
    items.dedup();
    let mut e = Error::new(
        ErrorKind::Conflict,
        "merge_conflict",
        format!("{} item(s) changed differently in the workspace and in its source; nothing was merged", items.len()),
    );
    for (key, message) in refused {
        e.fields.entry(key).or_default().push(message);
    }
    e
}

/// How deep a folder sits among the changed folders (by the workspace's tree).
fn depth(all: &[(String, Three<FolderState>)], uid: &str, t: &Three<FolderState>) -> usize {
    let mut d = 0;
    let mut parent = t.workspace.as_ref().and_then(|f| f.parent_uid.clone());
    while let Some(p) = parent {
        if p == uid || d > all.len() {
            break;
        }
        d += 1;
        parent = all.iter().find(|(u, _)| *u == p).and_then(|(_, t)| t.workspace.as_ref()?.parent_uid.clone());
    }
    d
}
