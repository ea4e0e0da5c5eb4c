//! Property tests of user-defined field validation: whatever definitions and values
//! a client sends, validation answers (it never panics), and what it accepts is
//! valid again when read back, so nothing invalid can be stored.

use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};
use trove_domain::FieldErrors;
use trove_domain::fields::{FieldDef, FieldKind, check_definition, validate};

const UIDS: &[&str] = &["a", "b", "c", "product_id", "dates"];

fn uid() -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(UIDS).prop_map(str::to_owned), "[a-z_ ]{0,6}"]
}

fn leaf_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        Just(FieldKind::SingleLine),
        Just(FieldKind::MultiLine),
        Just(FieldKind::Link),
        Just(FieldKind::Date),
        Just(FieldKind::Boolean),
        (proptest::collection::vec("[a-c]{0,2}", 0..4), any::<bool>())
            .prop_map(|(options, multiple_choice)| FieldKind::Select { options, multiple_choice }),
        (any::<bool>(), proptest::option::of(-10.0f64..10.0), proptest::option::of(-10.0f64..10.0))
            .prop_map(|(integer, min, max)| FieldKind::Number { integer, min, max }),
    ]
}

fn def_with(kind: impl Strategy<Value = FieldKind>) -> impl Strategy<Value = FieldDef> {
    (
        uid(),
        kind,
        (any::<bool>(), any::<bool>(), proptest::option::of(0usize..4), proptest::option::of(0usize..4)),
        (proptest::option::of(0usize..5), proptest::option::of(0usize..8)),
        proptest::option::of(prop_oneof![Just("^[a-z]+$".to_owned()), Just("(".to_owned()), "[a-z()*+?]{0,5}"]),
        proptest::option::of(json_value()),
    )
        .prop_map(
            |(uid, kind, (mandatory, multiple, min_items, max_items), (min_length, max_length), regex, default)| {
                FieldDef {
                    name: uid.clone(),
                    uid,
                    kind,
                    mandatory,
                    multiple,
                    min_items,
                    max_items,
                    default,
                    min_length,
                    max_length,
                    regex,
                    regex_message: None,
                    localizable: true,
                    description: None,
                    placeholder: None,
                    instruction: None,
                    help_text: None,
                }
            },
        )
}

fn field_def() -> impl Strategy<Value = FieldDef> {
    def_with(leaf_kind()).prop_recursive(3, 12, 3, |inner| {
        def_with(proptest::collection::vec(inner, 0..3).prop_map(|fields| FieldKind::Group { fields }))
    })
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (-1e6f64..1e6).prop_map(Json::from),
        prop_oneof![
            "[a-c]{0,3}",
            Just("2026-02-29".to_owned()),
            Just("2024-02-29".to_owned()),
            Just("https://example.com/x".to_owned()),
            Just("a\u{0}b".to_owned()),
            ".{0,6}"
        ]
        .prop_map(Json::from),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            proptest::collection::btree_map(
                prop_oneof![proptest::sample::select(UIDS).prop_map(str::to_owned), Just("href".to_owned())],
                inner,
                0..4
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn input() -> impl Strategy<Value = Map<String, Json>> {
    proptest::collection::btree_map(proptest::sample::select(UIDS).prop_map(str::to_owned), json_value(), 0..5)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn accepted_values_are_valid_when_read_back(defs in proptest::collection::vec(field_def(), 0..4), raw in input()) {
        // Only definitions the fields API would store: each valid, and one field per
        // UID in an asset type.
        let mut uids = std::collections::BTreeSet::new();
        let defs: Vec<_> = defs
            .into_iter()
            .filter(|d| {
                let mut errs = FieldErrors::default();
                check_definition(d, &mut errs);
                errs.is_empty() && uids.insert(d.uid.clone())
            })
            .collect();
        if let Ok(values) = validate(&defs, &[], &raw) {
            let stored = serde_json::to_value(&values).expect("typed values serialize");
            let Json::Object(stored) = stored else { panic!("values are an object") };
            let again = validate(&defs, &[], &stored);
            prop_assert_eq!(again.as_ref().ok(), Some(&values), "read back: {:?}", again.as_ref().err());
        }
    }

    #[test]
    fn accepted_definitions_accept_their_own_default(def in field_def()) {
        let mut errs = FieldErrors::default();
        check_definition(&def, &mut errs);
        if errs.is_empty() && let Some(d) = &def.default {
            let mut one = FieldDef { mandatory: false, ..def.clone() };
            one.uid = "x".into();
            let input = json!({ "x": d });
            let Json::Object(input) = input else { unreachable!() };
            prop_assert!(validate(&[one], &[], &input).is_ok());
        }
    }
}
