//! Property-based fuzzing (proptest) of every decoder of untrusted text: input values
//! from the command line, durations in task settings, object-store locations, and
//! the `execute` entrypoint's inputs.pb. cargo-fuzz needs a nightly toolchain, which
//! this project's machines do not have; proptest runs the same idea on stable, in CI.
//! No input may panic; each must give a value or a typed error that names it.

use std::collections::HashMap;
use std::sync::Arc;

use flyte::data::FileAccess;
use flyte::prelude::*;
use flyte::types::{FlyteType, LiteralType, literal_from_text};
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
        FlyteFile::literal_type(),
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
            Ok(()) => prop_assert!(meta.get_timeout().is_some()),
            Err(e) => {
                let (shown, quoted) = (e.to_string(), format!("`{text}`"));
                prop_assert!(shown.contains(&quoted) || shown.contains("longer than zero"));
            }
        }
        let sensor = flyte::plugins::WaitForObjectStoreFile::new("fuzz").poll_interval(text.as_str());
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
            let mut registry = flyte::registry::Registry::new();
            registry.task(&echo);
            flyte::entrypoint::execute(
                &registry,
                files.clone(),
                flyte::execution::ClusterIdentity::default(),
                &flyte::entrypoint::ExecuteRequest {
                    task_name: "fuzz.echo".into(),
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
