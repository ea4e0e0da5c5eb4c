//! The schema registry against the live schema, on SQLite and PostgreSQL: a
//! migration that adds a table or column the registry does not describe, or the
//! reverse, fails here.

mod common;

use common::Backend;
use trove_sql::schema::{self, TABLES};

async fn registry_matches_live_schema(b: Option<Backend>) {
    let Some(b) = b else { return };
    let live = b.store.live_schema().await.expect("the catalogue is readable");
    // The catalogue really was read: a column only a late migration adds is there.
    let versions = live.get("asset_versions").expect("asset_versions is listed");
    assert!(versions.iter().any(|(c, ty)| c == "alt_text" && ty == "text"), "{versions:?}");
    assert!(live.contains_key("live_asset_versions"), "views are listed too");
    let drift = schema::drift(TABLES, &live);
    assert!(drift.is_empty(), "the schema registry and the migrations disagree:\n{}", drift.join("\n"));
    // And the comparison sees a difference in what this engine reports.
    let mut changed = live.clone();
    if let Some(cols) = changed.get_mut("version_names") {
        cols.retain(|(c, _)| c != "name");
        cols.push(("label".into(), "text".into()));
    }
    assert_eq!(
        schema::drift(TABLES, &changed),
        [
            "version_names.name: described but not in the database",
            "version_names.label: in the database but not described"
        ]
    );
    b.finish().await;
}

#[tokio::test]
async fn sqlite_schema_matches_registry() {
    registry_matches_live_schema(Backend::sqlite().await).await;
}

#[tokio::test]
async fn postgres_schema_matches_registry() {
    registry_matches_live_schema(Backend::postgres().await).await;
}
