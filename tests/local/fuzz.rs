//! Property-based fuzzing (proptest) of every decoder of untrusted text: input values
//! from the command line, durations in task settings, object-store locations, and
//! the `execute` entrypoint's inputs.pb. cargo-fuzz needs a nightly toolchain, which
//! this project's machines do not have; proptest runs the same idea on stable, in CI.
//! No input may panic; each must give a value or a typed error that names it.

use std::collections::HashMap;
use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::prelude::*;
use flytekit::types::{FlyteType, LiteralType, literal_from_text};
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Point {
    x: i64,
    label: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
enum Mode {
    Fast,
    Safe,
}

fn types() -> Vec<LiteralType> {
    vec![
        i64::literal_type(),
        f64::literal_type(),
        bool::literal_type(),
        String::literal_type(),
        std::time::Duration::literal_type(),
        chrono::DateTime::<chrono::Utc>::literal_type(),
        <Vec<u8>>::literal_type(),
        <Vec<i64>>::literal_type(),
        <HashMap<String, Vec<Option<f64>>>>::literal_type(),
        <Option<i64>>::literal_type(),
        Point::literal_type(),
        Mode::literal_type(),
        <FlyteFile>::literal_type(),
    ]
}

/// Text that is often almost right: JSON-ish, numeric-ish, duration-ish.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\[\\]{}\",:0-9a-z .-]{0,40}",
        "[0-9]{1,25}(\\.[0-9]{0,5})?",
        "[0-9]{1,12} ?(ns|us|ms|s|m|h|d|w|M|y|H|x)",
        "hex:[0-9a-fA-Fg]{0,9}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{8}Z)?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn input_text_never_panics_and_errors_name_the_text(text in texty()) {
        for ty in types() {
            match literal_from_text(&ty, &text) {
                Ok(_) => {}
                Err(e) => {
                    prop_assert_eq!(&e.expected, &ty);
                    let prefix = format!("expected {ty}, got `");
                    prop_assert!(e.to_string().starts_with(&prefix));
                }
            }
        }
    }

    #[test]
    fn integers_and_lists_read_back_exactly(n in any::<i64>(), xs in prop::collection::vec(any::<i64>(), 0..20)) {
        let lit = literal_from_text(&i64::literal_type(), &n.to_string()).unwrap();
        prop_assert_eq!(i64::from_literal(&lit).unwrap(), n);
        let json = serde_json::to_string(&xs).unwrap();
        let lit = literal_from_text(&<Vec<i64>>::literal_type(), &json).unwrap();
        prop_assert_eq!(<Vec<i64>>::from_literal(&lit).unwrap(), xs);
    }

    #[test]
    fn duration_settings_never_panic_and_name_the_value(text in texty()) {
        let meta = TaskMetadata::default().timeout(text.as_str());
        match meta.validate() {
            Ok(()) => prop_assert!(meta.node.timeout.is_some()),
            Err(e) => {
                let (shown, quoted) = (e.to_string(), format!("`{text}`"));
                prop_assert!(shown.contains(&quoted) || shown.contains("longer than zero"));
            }
        }
        let sensor = flytekit::plugins::WaitForObjectStoreFile::new("fuzz").poll_interval(text.as_str());
        let _ = Task::validate(&sensor);
    }

    #[test]
    fn locations_never_panic_and_errors_name_them(text in prop_oneof![
        any::<String>(),
        "(file|memory|s3|gs|az|abfs|http|ftp|)(:|://)[a-zA-Z0-9/._%-]{0,30}",
    ]) {
        let files = FileAccess::new();
        if let Err(e) = files.resolve(&text) {
            let shown = e.to_string();
            let quoted = format!("`{text}`");
            prop_assert!(shown.contains(&quoted) || text.is_empty(), "{}", shown);
        }
    }

    #[test]
    fn entrypoint_inputs_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let files = Arc::new(FileAccess::new());
        let outcome = rt.block_on(async {
            files.put("memory:///fuzz/inputs.pb", bytes.clone()).await.unwrap();
            let mut registry = flytekit::registry::Registry::new();
            registry.task(&echo {});
            flytekit::entrypoint::execute(
                &registry,
                files.clone(),
                flytekit::execution::ClusterIdentity::default(),
                &flytekit::entrypoint::ExecuteRequest {
                    task_name: "local.fuzz.echo".into(),
                    inputs: "memory:///fuzz/inputs.pb".into(),
                    output_prefix: "memory:///fuzz/out".into(),
                    ..Default::default()
                },
            )
            .await
        });
        // Whatever the bytes, the attempt ends with outputs or an error document.
        prop_assert!(outcome.is_ok());
    }
}

#[task]
fn echo(points: Vec<Point>, mode: Mode) -> i64 {
    let _ = mode;
    points.len() as i64
}

/// Literals of every kind Flyte has, with extreme values: datetimes at the ends of
/// `i64` and outside chrono's years, nanoseconds out of range, negative durations,
/// NaN, empty literals, unions whose type lies, nested lists and maps.
fn any_literal() -> impl Strategy<Value = idl::core::Literal> {
    use idl::core as pb;
    use pb::primitive::Value as P;
    use pb::scalar::Value as S;
    let seconds = prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(-14_182_980i64),       // 1969-07-20T20:17:00Z
        Just(253_402_387_140i64),   // past 9999-12-31
        Just(-62_135_596_801i64),   // year 0
        Just(8_210_298_412_800i64), // past chrono's years
        any::<i64>(),
    ];
    let nanos = prop_oneof![
        Just(0i32),
        Just(-1),
        Just(1_000_000_000),
        Just(i32::MAX),
        any::<i32>()
    ];
    let primitive = prop_oneof![
        any::<i64>().prop_map(P::Integer),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            any::<f64>()
        ]
        .prop_map(P::FloatValue),
        ".{0,20}".prop_map(P::StringValue),
        any::<bool>().prop_map(P::Boolean),
        (seconds.clone(), nanos.clone())
            .prop_map(|(seconds, nanos)| P::Datetime(prost_types::Timestamp { seconds, nanos })),
        (seconds, nanos)
            .prop_map(|(seconds, nanos)| P::Duration(prost_types::Duration { seconds, nanos })),
    ];
    let scalar = prop_oneof![
        primitive.prop_map(|p| S::Primitive(pb::Primitive { value: Some(p) })),
        Just(S::NoneType(pb::Void {})),
        (
            prop::collection::vec(any::<u8>(), 0..16),
            prop_oneof![Just(String::new()), Just("msgpack".to_string()), ".{0,5}"]
        )
            .prop_map(|(value, tag)| S::Binary(pb::Binary { value, tag })),
        (".{0,30}", 0..3i32).prop_map(|(uri, dim)| S::Blob(pb::Blob {
            metadata: Some(pb::BlobMetadata {
                r#type: Some(pb::BlobType {
                    format: String::new(),
                    dimensionality: dim
                }),
            }),
            uri,
        })),
    ];
    let leaf = prop_oneof![
        9 => scalar.prop_map(|s| pb::Literal {
            value: Some(pb::literal::Value::Scalar(Box::new(pb::Scalar { value: Some(s) }))),
            hash: String::new(),
        }),
        1 => Just(pb::Literal::default()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let types = prop::sample::select(types());
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|literals| pb::Literal {
                value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
                    literals
                })),
                hash: String::new(),
            }),
            prop::collection::btree_map(".{0,4}", inner.clone(), 0..4).prop_map(|literals| {
                pb::Literal {
                    value: Some(pb::literal::Value::Map(pb::LiteralMap {
                        literals: literals.into_iter().collect(),
                    })),
                    hash: String::new(),
                }
            }),
            (inner, types).prop_map(|(value, ty)| pb::Literal {
                value: Some(pb::literal::Value::Scalar(Box::new(pb::Scalar {
                    value: Some(pb::scalar::Value::Union(Box::new(pb::Union {
                        value: Some(Box::new(value)),
                        r#type: Some(idl::literal_type(&ty)),
                    }))),
                }))),
                hash: String::new(),
            }),
        ]
    })
}

/// One single-input task per Flyte type, so every literal meets every input type.
macro_rules! takers {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(
            #[task]
            fn $name(x: $ty) -> i64 {
                let _ = x;
                1
            }
        )*
        fn takers() -> flytekit::registry::Registry {
            let mut registry = flytekit::registry::Registry::new();
            $(registry.task(&$name {});)*
            registry
        }
        const TAKERS: &[&str] = &[$(concat!("fuzz.", stringify!($name))),*];
    };
}

takers! {
    take_int: i64,
    take_float: f64,
    take_bool: bool,
    take_string: String,
    take_duration: std::time::Duration,
    take_datetime: chrono::DateTime<chrono::Utc>,
    take_system_time: std::time::SystemTime,
    take_bytes: Vec<u8>,
    take_list: Vec<i64>,
    take_map: HashMap<String, Vec<Option<f64>>>,
    take_option: Option<i64>,
    take_point: Point,
    take_mode: Mode,
    take_file: FlyteFile,
    take_dir: FlyteDirectory,
    take_optional_list: Option<Vec<Point>>,
}

use flytekit::idl;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any literal for any input type: the attempt ends with outputs or an error
    /// document (no panic, no unwinding out of `execute`), and the error quotes
    /// the value within a small bound.
    #[test]
    fn any_literal_for_any_input_type_ends_in_a_document(literal in any_literal()) {
        use prost::Message;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let files = Arc::new(FileAccess::new());
        let registry = takers();
        let map = idl::core::LiteralMap { literals: [("x".to_string(), literal)].into_iter().collect() };
        rt.block_on(async {
            files.put("memory:///fuzz-any/inputs.pb", map.encode_to_vec()).await.unwrap();
            for task in TAKERS {
                let outcome = flytekit::entrypoint::execute(
                    &registry,
                    files.clone(),
                    flytekit::execution::ClusterIdentity::default(),
                    &flytekit::entrypoint::ExecuteRequest {
                        task_name: task.to_string(),
                        inputs: "memory:///fuzz-any/inputs.pb".into(),
                        output_prefix: "memory:///fuzz-any/out".into(),
                        raw_output_prefix: Some("memory:///fuzz-any/raw".into()),
                        ..Default::default()
                    },
                )
                .await;
                let outcome = outcome.map_err(|e| TestCaseError::fail(format!("{task}: {e}")))?;
                if let flytekit::entrypoint::Outcome::Failed(error) = outcome {
                    prop_assert!(error.code != "SYSTEM:Panic", "{}: {}", task, error.message);
                    prop_assert!(error.message.len() < 2_000, "{}: {} bytes", task, error.message.len());
                }
            }
            Ok(())
        })?;
    }
}
