// The HTTP test modules, one list for both stacks: `tests/api/main.rs` (SQLite +
// files) and `tests/api_postgres_s3/main.rs` (PostgreSQL + S3) include this file,
// so a module cannot run on one stack only. The paths hold from either binary.

#[path = "../api/access.rs"]
mod access;
#[path = "../api/access_rules.rs"]
mod access_rules;
#[path = "../api/asset_types.rs"]
mod asset_types;
#[path = "../api/assets.rs"]
mod assets;
#[path = "../api/audit.rs"]
mod audit;
#[path = "../api/auth.rs"]
mod auth;
#[path = "../api/connections.rs"]
mod connections;
#[path = "../api/contract.rs"]
mod contract;
#[path = "../api/custom_values.rs"]
mod custom_values;
#[path = "../api/delivery.rs"]
mod delivery;
#[path = "../api/detection.rs"]
mod detection;
#[path = "../api/errors.rs"]
mod errors;
#[path = "../api/fields.rs"]
mod fields;
#[path = "../api/folders.rs"]
mod folders;
#[path = "../api/hostile.rs"]
mod hostile;
#[path = "../api/hostile_model.rs"]
mod hostile_model;
#[path = "../api/hostile_people.rs"]
mod hostile_people;
#[path = "../api/hostile_requests.rs"]
mod hostile_requests;
#[path = "../api/hostile_rows.rs"]
mod hostile_rows;
#[path = "../api/hostile_text.rs"]
mod hostile_text;
#[path = "../api/hostile_uploads.rs"]
mod hostile_uploads;
#[path = "../api/languages.rs"]
mod languages;
#[path = "../api/localization.rs"]
mod localization;
#[path = "../api/merge.rs"]
mod merge;
#[path = "../api/openapi.rs"]
mod openapi;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/preconditions.rs"]
mod preconditions;
#[path = "../api/permission_matrix.rs"]
mod permission_matrix;
#[path = "../api/schemathesis.rs"]
mod schemathesis;
#[path = "../api/sessions.rs"]
mod sessions;
#[path = "../api/spaces.rs"]
mod spaces;
#[path = "../api/trash.rs"]
mod trash;
#[path = "../api/versions.rs"]
mod versions;
#[path = "../api/workspaces.rs"]
mod workspaces;

/// Every file of `tests/api` is a listed module (or the harness), so none is left
/// out of both stacks by being forgotten here.
#[test]
fn every_test_module_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api");
    let list = std::fs::read_to_string(dir.join("modules.rs")).expect("the module list");
    for entry in std::fs::read_dir(&dir).expect("tests/api") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !["main.rs", "common.rs", "modules.rs"].contains(&name.as_str()) {
            assert!(list.contains(&format!("#[path = \"../api/{name}\"]")), "tests/api/{name} is not in modules.rs");
        }
    }
}
