use serde_json::json;

use super::*;

fn def(uid: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        uid: uid.into(),
        name: uid.into(),
        kind,
        mandatory: false,
        multiple: false,
        min_items: None,
        max_items: None,
        default: None,
        min_length: None,
        max_length: None,
        regex: None,
        regex_message: None,
        localizable: true,
        description: None,
        placeholder: None,
        instruction: None,
        help_text: None,
    }
}

fn obj(v: Json) -> serde_json::Map<String, Json> {
    match v {
        Json::Object(o) => o,
        other => panic!("not an object: {other}"),
    }
}

fn errors(fields: &[FieldDef], rules: &[CrossRule], input: Json) -> BTreeMap<String, Vec<String>> {
    match validate(fields, rules, &obj(input)) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.fields,
    }
}

fn rights() -> Vec<FieldDef> {
    let mut product = def("product_id", FieldKind::SingleLine);
    product.mandatory = true;
    product.regex = Some("^P-[0-9]{4}$".into());
    product.regex_message = Some("must look like P-1234".into());
    let group = def(
        "asset_rights",
        FieldKind::Group {
            fields: vec![
                def("license_start_date", FieldKind::Date),
                def("license_end_date", FieldKind::Date),
                def(
                    "usage",
                    FieldKind::Select { options: vec!["free".into(), "licensed".into()], multiple_choice: false },
                ),
                def("license_id", FieldKind::SingleLine),
            ],
        },
    );
    let mut count = def("count", FieldKind::Number { integer: true, min: Some(0.0), max: Some(10.0) });
    count.multiple = true;
    count.max_items = Some(3);
    vec![product, group, count, def("site", FieldKind::Link), def("approved", FieldKind::Boolean)]
}

#[test]
fn valid_values_come_back_typed() {
    let input = json!({
        "product_id": "P-0042",
        "asset_rights": {"license_start_date": "2026-01-01", "license_end_date": "2026-12-31", "usage": "licensed", "license_id": "L1"},
        "count": [1, 2],
        "site": {"href": "https://example.com/a", "title": "A"},
        "approved": true
    });
    let v = validate(&rights(), &[], &obj(input)).expect("valid");
    assert_eq!(v["product_id"], FieldValue::Text("P-0042".into()));
    assert_eq!(v["count"], FieldValue::List(vec![FieldValue::Number(1.0), FieldValue::Number(2.0)]));
    assert_eq!(lookup(&v, "asset_rights.usage"), Some(&FieldValue::Text("licensed".into())));
    assert_eq!(v["approved"], FieldValue::Boolean(true));
}

#[test]
fn every_problem_is_reported_at_once_by_path() {
    let e = errors(
        &rights(),
        &[],
        json!({
            "product_id": "nope",
            "asset_rights": {"license_end_date": "2026-02-30", "usage": "stolen", "extra": 1},
            "count": [1, 2.5, 11, 3],
            "site": "ftp://x",
            "approved": "yes",
            "unknown": 1
        }),
    );
    assert_eq!(e["custom_metadata.product_id"], vec!["must look like P-1234"]);
    assert_eq!(e["custom_metadata.asset_rights.license_end_date"], vec!["must be a date as YYYY-MM-DD"]);
    assert!(e["custom_metadata.asset_rights.usage"][0].starts_with("must be one of: free, licensed"));
    assert!(e.contains_key("custom_metadata.asset_rights.extra"));
    assert_eq!(e["custom_metadata.count"], vec!["must have 0 to 3 items"]);
    assert_eq!(e["custom_metadata.count[1]"], vec!["must be a whole number"]);
    assert_eq!(e["custom_metadata.count[2]"], vec!["must be from 0 to 10"]);
    assert!(e.contains_key("custom_metadata.site") && e.contains_key("custom_metadata.approved"));
    assert!(e.contains_key("custom_metadata.unknown"));
    let e = errors(&rights(), &[], json!({}));
    assert_eq!(e["custom_metadata.product_id"], vec!["is required"]);
}

#[test]
fn cross_field_rules_have_their_own_messages() {
    let rules = vec![
        CrossRule::Compare {
            left: "asset_rights.license_end_date".into(),
            op: Comparison::Greater,
            right: "asset_rights.license_start_date".into(),
            message: Some("the licence must end after it starts".into()),
        },
        CrossRule::RequiredIf {
            field: "asset_rights.usage".into(),
            equals: json!("licensed"),
            then: "asset_rights.license_id".into(),
            message: None,
        },
    ];
    let e = errors(
        &rights(),
        &rules,
        json!({"product_id": "P-0001", "asset_rights": {"license_start_date": "2026-05-01", "license_end_date": "2026-04-01", "usage": "licensed"}}),
    );
    assert_eq!(e["custom_metadata.asset_rights.license_end_date"], vec!["the licence must end after it starts"]);
    assert!(e["custom_metadata.asset_rights.license_id"][0].starts_with("is required when asset_rights.usage"));
    let ok = json!({"product_id": "P-0001", "asset_rights": {"usage": "free"}});
    assert!(validate(&rights(), &rules, &obj(ok)).is_ok(), "rules hold when a side has no value");
}

#[test]
fn definitions_are_checked() {
    let mut bad = def("bad uid", FieldKind::Select { options: vec![], multiple_choice: false });
    bad.name = " ".into();
    bad.regex = Some("(".into());
    bad.min_length = Some(5);
    bad.max_length = Some(2);
    bad.min_items = Some(1);
    let mut errs = FieldErrors::default();
    check_definition(&bad, &mut errs);
    let e = errs.finish().unwrap_err().fields;
    for key in ["uid", "name", "options", "regex", "min_length", "min_items"] {
        assert!(e.contains_key(key), "{key}: {e:?}");
    }
    let mut deep = def("l5", FieldKind::SingleLine);
    for i in (0..5).rev() {
        deep = def(&format!("l{i}"), FieldKind::Group { fields: vec![deep] });
    }
    let mut errs = FieldErrors::default();
    check_definition(&deep, &mut errs);
    assert!(!errs.is_empty(), "six levels of groups are too deep");
    let mut with_default = def("n", FieldKind::Number { integer: true, min: None, max: None });
    with_default.default = Some(json!(1.5));
    let mut errs = FieldErrors::default();
    check_definition(&with_default, &mut errs);
    assert!(errs.finish().unwrap_err().fields.contains_key("default"));
}

#[test]
fn hostile_patterns_and_values_stay_cheap() {
    let mut f = def("t", FieldKind::SingleLine);
    f.regex = Some("(a+)+$".into());
    let input = json!({"t": format!("{}!", "a".repeat(5000))});
    let e = errors(&[f], &[], input);
    assert_eq!(e["custom_metadata.t"], vec!["must match (a+)+$"], "linear-time regex, no catastrophic backtracking");
    let mut f = def("t", FieldKind::SingleLine);
    f.regex = Some("a{100000}{100000}".into());
    let mut errs = FieldErrors::default();
    check_definition(&f, &mut errs);
    assert!(!errs.is_empty());
}
