use serde_json::json;

use super::*;

fn base() -> ContentValue {
    ContentValue {
        content: AssetContent {
            title: "t".into(),
            description: Some("d".into()),
            alt_text: None,
            tags: vec!["x".into()],
            custom: json!({"a": 1, "b": "two"}).as_object().cloned().unwrap_or_default(),
        },
        file_uid: "f1".into(),
    }
}

type Edit = fn(&mut ContentValue);

fn same(_: &mut ContentValue) {}

fn with(edit: Edit) -> ContentValue {
    let mut v = base();
    edit(&mut v);
    v
}

fn content(v: ContentValue) -> Content {
    Content { version: 1, value: v }
}

/// States of one locale: `None` where that side has no such locale.
fn three(b: Option<Edit>, w: Option<Edit>, s: Option<Edit>) -> Three<Content> {
    let c = |e: Option<Edit>| e.map(|e| content(with(e)));
    Three { base: c(b), workspace: c(w), source: c(s) }
}

/// What a plan is expected to do.
#[derive(Debug)]
enum Want {
    Keep,
    Drop,
    /// The value written: the base with these edits.
    Write(Edit),
    /// The conflicting field paths (`None` for the locale as a whole).
    Conflicts(Vec<Option<&'static str>>),
}

fn check(name: &str, t: &Three<Content>, strategy: MergeStrategy, want: &Want) {
    let got = plan_content(t, strategy);
    match (want, got) {
        (Want::Keep, Ok(p)) => assert_eq!(p.outcome, Outcome::Keep, "{name}"),
        (Want::Drop, Ok(p)) => assert_eq!(p.outcome, Outcome::Drop, "{name}"),
        (Want::Write(e), Ok(p)) => assert_eq!(p.outcome, Outcome::Write(with(*e)), "{name}"),
        (Want::Conflicts(paths), Err(c)) => {
            assert_eq!(c.iter().map(ContentConflict::path).collect::<Vec<_>>(), *paths, "{name}")
        }
        (w, g) => panic!("{name}: wanted {w:?}, got {g:?}"),
    }
}

fn title_ws(v: &mut ContentValue) {
    v.content.title = "ws".into();
}
fn title_src(v: &mut ContentValue) {
    v.content.title = "src".into();
}
fn desc_ws(v: &mut ContentValue) {
    v.content.description = Some("ws".into());
}
fn desc_src(v: &mut ContentValue) {
    v.content.description = None;
}
fn title_ws_desc_ws(v: &mut ContentValue) {
    title_ws(v);
    desc_ws(v);
}
fn title_src_desc_ws(v: &mut ContentValue) {
    title_src(v);
    desc_ws(v);
}
fn title_ws_desc_src(v: &mut ContentValue) {
    title_ws(v);
    desc_src(v);
}
fn title_src_desc_src(v: &mut ContentValue) {
    title_src(v);
    desc_src(v);
}
fn alt_ws(v: &mut ContentValue) {
    v.content.alt_text = Some("a cat".into());
}
fn tags_ws(v: &mut ContentValue) {
    v.content.tags = vec!["ws".into()];
}
fn tags_src(v: &mut ContentValue) {
    v.content.tags = vec!["src".into()];
}
fn custom_a_ws(v: &mut ContentValue) {
    v.content.custom.insert("a".into(), json!(2));
}
fn custom_a_src(v: &mut ContentValue) {
    v.content.custom.insert("a".into(), json!(3));
}
fn custom_b_src(v: &mut ContentValue) {
    v.content.custom.insert("b".into(), json!("three"));
}
fn custom_a_ws_b_src(v: &mut ContentValue) {
    custom_a_ws(v);
    custom_b_src(v);
}
fn custom_add_c1(v: &mut ContentValue) {
    v.content.custom.insert("c".into(), json!({"deep": 1}));
}
fn custom_add_c2(v: &mut ContentValue) {
    v.content.custom.insert("c".into(), json!({"deep": 2}));
}
fn custom_drop_a(v: &mut ContentValue) {
    v.content.custom.remove("a");
}
fn custom_drop_b(v: &mut ContentValue) {
    v.content.custom.remove("b");
}
fn custom_add_c1_drop_b(v: &mut ContentValue) {
    custom_add_c1(v);
    custom_drop_b(v);
}
fn file_ws(v: &mut ContentValue) {
    v.file_uid = "f2".into();
}
fn file_src(v: &mut ContentValue) {
    v.file_uid = "f3".into();
}
fn file_ws_title_src(v: &mut ContentValue) {
    file_ws(v);
    title_src(v);
}

const FAIL: MergeStrategy = MergeStrategy::FailOnConflict;
const WS: MergeStrategy = MergeStrategy::PreferWorkspace;
const SRC: MergeStrategy = MergeStrategy::PreferSource;

#[test]
fn each_field_is_decided_on_its_own() {
    type Row = (&'static str, Option<Edit>, Option<Edit>, Option<Edit>, MergeStrategy, Want);
    let rows: Vec<Row> = vec![
        ("nothing changed", Some(same), Some(same), Some(same), FAIL, Want::Keep),
        ("only the workspace changed", Some(same), Some(title_ws), Some(same), FAIL, Want::Write(title_ws)),
        ("only the source changed", Some(same), Some(same), Some(title_src), FAIL, Want::Keep),
        ("different fields", Some(same), Some(desc_ws), Some(title_src), FAIL, Want::Write(title_src_desc_ws)),
        ("the same change twice", Some(same), Some(title_ws), Some(title_ws), FAIL, Want::Keep),
        (
            "one field both ways",
            Some(same),
            Some(title_ws),
            Some(title_src),
            FAIL,
            Want::Conflicts(vec![Some("title")]),
        ),
        (
            "two fields both ways",
            Some(same),
            Some(title_ws_desc_ws),
            Some(title_src_desc_src),
            FAIL,
            Want::Conflicts(vec![Some("title"), Some("description")]),
        ),
        (
            "alt text alone",
            Some(same),
            Some(alt_ws),
            Some(title_src),
            FAIL,
            Want::Write(|v| (alt_ws(v), title_src(v)).1),
        ),
        ("tags both ways", Some(same), Some(tags_ws), Some(tags_src), FAIL, Want::Conflicts(vec![Some("tags")])),
        ("custom keys apart", Some(same), Some(custom_a_ws), Some(custom_b_src), FAIL, Want::Write(custom_a_ws_b_src)),
        (
            "custom key added and another removed",
            Some(same),
            Some(custom_add_c1),
            Some(custom_drop_b),
            FAIL,
            Want::Write(custom_add_c1_drop_b),
        ),
        (
            "custom key both ways",
            Some(same),
            Some(custom_a_ws),
            Some(custom_a_src),
            FAIL,
            Want::Conflicts(vec![Some("custom_metadata.a")]),
        ),
        (
            "custom key added twice differently",
            Some(same),
            Some(custom_add_c1),
            Some(custom_add_c2),
            FAIL,
            Want::Conflicts(vec![Some("custom_metadata.c")]),
        ),
        ("custom key added twice alike", Some(same), Some(custom_add_c1), Some(custom_add_c1), FAIL, Want::Keep),
        (
            "custom key removed and changed",
            Some(same),
            Some(custom_drop_a),
            Some(custom_a_src),
            FAIL,
            Want::Conflicts(vec![Some("custom_metadata.a")]),
        ),
        ("file and metadata", Some(same), Some(file_ws), Some(title_src), FAIL, Want::Write(file_ws_title_src)),
        ("file both ways", Some(same), Some(file_ws), Some(file_src), FAIL, Want::Conflicts(vec![Some("file")])),
        // Strategies settle each conflicting field and keep the other side's other changes.
        (
            "workspace wins a field",
            Some(same),
            Some(title_ws),
            Some(title_src_desc_src),
            WS,
            Want::Write(title_ws_desc_src),
        ),
        (
            "source wins a field",
            Some(same),
            Some(title_ws_desc_ws),
            Some(title_src),
            SRC,
            Want::Write(title_src_desc_ws),
        ),
        ("source wins everything", Some(same), Some(title_ws), Some(title_src), SRC, Want::Keep),
        // A locale added or removed as a whole.
        ("added in the workspace", None, Some(title_ws), None, FAIL, Want::Write(title_ws)),
        ("added in the source", None, None, Some(title_src), FAIL, Want::Keep),
        ("added on both sides, fields apart", None, Some(same), Some(same), FAIL, Want::Keep),
        (
            "added on both sides differently",
            None,
            Some(title_ws),
            Some(title_src),
            FAIL,
            Want::Conflicts(vec![Some("title")]),
        ),
        ("removed in the workspace", Some(same), None, Some(same), FAIL, Want::Drop),
        ("removed in the source", Some(same), Some(same), None, FAIL, Want::Keep),
        ("removed on both sides", Some(same), None, None, FAIL, Want::Keep),
        ("removed here, changed there", Some(same), None, Some(title_src), FAIL, Want::Conflicts(vec![None])),
        ("removed here, changed there, ws wins", Some(same), None, Some(title_src), WS, Want::Drop),
        ("removed here, changed there, source wins", Some(same), None, Some(title_src), SRC, Want::Keep),
        ("changed here, removed there", Some(same), Some(title_ws), None, FAIL, Want::Conflicts(vec![None])),
        ("changed here, removed there, ws wins", Some(same), Some(title_ws), None, WS, Want::Write(title_ws)),
    ];
    for (name, b, w, s, strategy, want) in &rows {
        check(name, &three(*b, *w, *s), *strategy, want);
    }
}

#[test]
fn origins_and_settled_conflicts_name_fields() {
    let p = plan_content(&three(Some(same), Some(title_ws_desc_ws), Some(file_ws_title_src)), WS).expect("settled");
    let origins: Vec<(&str, Origin)> = p.origins.iter().map(|(k, o)| (k.as_str(), *o)).collect();
    assert_eq!(
        origins,
        vec![("description", Origin::Workspace), ("file", Origin::Source), ("title", Origin::Workspace)]
    );
    assert_eq!(p.settled, vec![ContentConflict::Field("title".into())]);
    let p = plan_content(&three(Some(same), Some(title_ws), Some(title_ws)), FAIL).expect("clean");
    assert_eq!(p.origins.into_iter().collect::<Vec<_>>(), vec![("title".to_owned(), Origin::Both)]);
    let p = plan_content(&three(Some(same), Some(custom_a_ws), Some(custom_b_src)), FAIL).expect("clean");
    let origins: Vec<(&str, Origin)> = p.origins.iter().map(|(k, o)| (k.as_str(), *o)).collect();
    assert_eq!(origins, vec![("custom_metadata.a", Origin::Workspace), ("custom_metadata.b", Origin::Source)]);
    assert!(p.settled.is_empty());
    let p = plan_content(&three(Some(same), None, Some(title_src)), SRC).expect("settled");
    assert_eq!((p.outcome, p.settled), (Outcome::Keep, vec![ContentConflict::Presence]));
}

#[test]
fn changed_fields_lists_paths_in_content_order() {
    let all = |v: &mut ContentValue| {
        title_ws(v);
        alt_ws(v);
        tags_ws(v);
        custom_add_c1_drop_b(v);
        file_ws(v);
    };
    assert_eq!(
        changed_fields(&base(), &with(all)),
        vec!["title", "alt_text", "tags", "custom_metadata.b", "custom_metadata.c", "file"]
    );
    assert!(changed_fields(&base(), &base()).is_empty());
}

#[test]
fn conflicts_are_reported_before_any_strategy() {
    let t = three(Some(same), Some(title_ws_desc_ws), Some(title_src_desc_src));
    let conflicts = content_conflicts(&t);
    let paths: Vec<Option<&str>> = conflicts.iter().map(ContentConflict::path).collect();
    assert_eq!(paths, vec![Some("title"), Some("description")]);
    assert!(content_conflicts(&three(Some(same), Some(desc_ws), Some(title_src))).is_empty());
}
