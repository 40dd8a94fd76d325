//! The type system through real workflows: collections, maps, options, bytes,
//! datetimes, user structs and enums; literal conversions and their errors.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use flytekit::prelude::*;
use flytekit::types::{Inputs, Literal, LiteralType, MSGPACK_TAG, Primitive, SimpleType};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
struct Point {
    x: i64,
    y: f64,
    label: Option<String>,
    tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
struct Shape {
    name: String,
    points: Vec<Point>,
    color: Color,
    attrs: BTreeMap<String, f64>,
    #[serde(default)]
    created: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
enum Color {
    Red,
    Green,
    Blue,
}

#[task]
fn centroid(points: Vec<Point>) -> Option<Point> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let x = points.iter().map(|p| p.x).sum::<i64>() / points.len() as i64;
    let y = points.iter().map(|p| p.y).sum::<f64>() / n;
    Some(Point {
        x,
        y,
        label: Some("centroid".into()),
        tags: vec![],
    })
}

#[task]
fn count_by_color(shapes: Vec<Shape>) -> HashMap<String, i64> {
    let mut out = HashMap::new();
    for s in shapes {
        *out.entry(format!("{:?}", s.color)).or_insert(0) += 1;
    }
    out
}

#[task]
fn make_shape(name: String, color: Color, points: Vec<Point>) -> Shape {
    Shape {
        name,
        points,
        color,
        attrs: BTreeMap::from([("area".to_string(), 1.5)]),
        created: Some(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()),
    }
}

#[task]
fn checksum(data: Vec<u8>, wait: Duration) -> (i64, Duration) {
    (data.iter().map(|b| *b as i64).sum(), wait * 2)
}

#[workflow]
fn shape_workflow(
    points: Vec<Point>,
    color: Color,
) -> (Option<Point>, HashMap<String, i64>, Shape) {
    let shape = make_shape("triangle", color, points);
    let blue = make_shape("square", Color::Blue, Vec::<Point>::new());
    let counts = count_by_color(vec![shape, blue]);
    (centroid(points), counts, shape)
}

fn pt(x: i64, y: f64) -> Point {
    Point {
        x,
        y,
        label: None,
        tags: vec!["t".into()],
    }
}

#[tokio::test]
async fn structs_enums_collections_and_options_flow_through_a_workflow() {
    let (c, counts, shape) =
        shape_workflow::run(vec![pt(0, 0.0), pt(3, 1.5), pt(6, 3.0)], Color::Red)
            .await
            .unwrap();
    assert_eq!(c.unwrap().x, 3);
    assert_eq!(
        counts,
        HashMap::from([("Red".into(), 1), ("Blue".into(), 1)])
    );
    assert_eq!(shape.points.len(), 3);
    assert_eq!(shape.color, Color::Red);
}

#[tokio::test]
async fn bytes_and_durations_are_values_too() {
    #[workflow]
    fn sums(data: Vec<u8>) -> (i64, Duration) {
        checksum(data, Duration::from_millis(250))
    }
    assert_eq!(
        sums::run(vec![1, 2, 250]).await.unwrap(),
        (253, Duration::from_millis(500))
    );
}

#[test]
fn a_collection_of_promises_and_constants_is_one_binding() {
    let spec = shape_workflow::spec();
    let counts = spec
        .nodes
        .iter()
        .find(|n| n.entity.name().ends_with("count_by_color"))
        .unwrap();
    assert_eq!(counts.inputs[0].binding.to_string(), "[n0.o0, n1.o0]");
    assert_eq!(counts.upstream, [0, 1]);
}

#[test]
fn struct_types_carry_fields_and_a_json_schema() {
    let LiteralType::Struct(s) = Point::literal_type() else {
        panic!("a struct type")
    };
    assert_eq!(s.name, "Point");
    let fields: Vec<_> = s.fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    assert_eq!(
        fields,
        [
            "x: integer",
            "y: float",
            "label: union<string, none>",
            "tags: list<string>"
        ]
    );
    assert_eq!(
        s.schema,
        serde_json::json!({
            "title": "Point",
            "type": "object",
            "properties": {
                "x": { "type": "integer" },
                "y": { "type": "number" },
                "label": { "anyOf": [{ "type": "string" }, { "type": "null" }] },
                "tags": { "type": "array", "items": { "type": "string" } }
            },
            // As flytekit's dataclass schemas: an `Option` field without a default is
            // required (it may be null, not missing).
            "required": ["x", "y", "label", "tags"],
            "additionalProperties": false
        })
    );
    // Nested structs embed their schema; serde(default) fields are optional.
    let schema = Shape::json_schema();
    assert_eq!(schema["properties"]["points"]["items"]["title"], "Point");
    assert_eq!(
        schema["properties"]["color"]["enum"],
        serde_json::json!(["Red", "Green", "Blue"])
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["name", "points", "color", "attrs"])
    );
}

#[test]
fn struct_values_are_msgpack_and_enums_are_names() {
    let lit = pt(1, 2.0).to_literal();
    assert!(matches!(&lit, Literal::Binary { tag, .. } if tag == MSGPACK_TAG));
    assert_eq!(
        Color::Green.to_literal(),
        Literal::Primitive(Primitive::String("Green".into()))
    );
    let err = Color::from_literal(&"Purple".to_string().to_literal()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a literal of type enum{Red, Green, Blue}, got `\"Purple\"`: not one of Red, Green, Blue"
    );
}

#[test]
fn conversion_errors_name_the_input_the_type_and_the_value() {
    let literals = [5i64.to_literal(), "x".to_string().to_literal()];
    let err = <(i64, Vec<i64>)>::values_from_literals(&["n", "values"], &literals).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`values` expects a value of type list<integer>, got `\"x\"`"
    );
    assert_eq!(err.name, "values");
    assert_eq!(
        err.expected,
        LiteralType::Collection(Box::new(LiteralType::Simple(SimpleType::Integer)))
    );
    let ok = <(i64, Vec<i64>)>::values_from_literals(
        &["n", "values"],
        &[5i64.to_literal(), vec![1i64, 2].to_literal()],
    )
    .unwrap();
    assert_eq!(<(i64, Vec<i64>)>::from_values(&ok), (5, vec![1, 2]));
    assert_eq!(
        <(i64, Vec<i64>)>::literals_of(&ok),
        [5i64.to_literal(), vec![1i64, 2].to_literal()]
    );
}

fn point() -> impl Strategy<Value = Point> {
    (
        any::<i64>(),
        any::<f64>(),
        proptest::option::of(".{0,8}"),
        proptest::collection::vec(".{0,4}", 0..3),
    )
        .prop_map(|(x, y, label, tags)| Point { x, y, label, tags })
}

proptest! {
    #[test]
    fn structs_round_trip_losslessly(p in point()) {
        let back = Point::from_literal(&p.to_literal()).unwrap();
        prop_assert_eq!(back.x, p.x);
        prop_assert_eq!(back.y.to_bits(), p.y.to_bits());
        prop_assert_eq!(back.label, p.label);
        prop_assert_eq!(back.tags, p.tags);
    }

    #[test]
    fn nested_structs_and_enums_round_trip(
        points in proptest::collection::vec(point(), 0..3),
        color in prop_oneof![Just(Color::Red), Just(Color::Green), Just(Color::Blue)],
        secs in proptest::option::of(0i64..4_000_000_000),
    ) {
        let s = Shape {
            name: "s".into(),
            points,
            color,
            attrs: BTreeMap::from([("k".to_string(), 0.1)]),
            // Microseconds: a datetime inside a struct is written as Python's
            // `isoformat()` writes it, which holds no finer time.
            created: secs.map(|s| Utc.timestamp_opt(s, 7_000).unwrap()),
        };
        let back = Shape::from_literal(&s.to_literal()).unwrap();
        prop_assert_eq!(back.points.len(), s.points.len());
        prop_assert_eq!(back.color, s.color);
        prop_assert_eq!(back.created, s.created);
        prop_assert_eq!(Color::from_literal(&color.to_literal()).unwrap(), color);
    }
}

proptest! {
    #[test]
    fn files_and_directories_round_trip(uri in "[a-z]{1,8}://[a-z]{1,8}/[a-z0-9/._-]{0,20}") {
        let f = FlyteFile::new(uri.clone());
        prop_assert_eq!(<FlyteFile>::from_literal(&f.to_literal()).unwrap(), f);
        let d = FlyteDirectory::new(uri);
        prop_assert_eq!(FlyteDirectory::from_literal(&d.to_literal()).unwrap(), d);
    }
}

/// An enum whose variants carry a value: a Flyte union of the values' types.
#[derive(Clone, Debug, PartialEq, FlyteType)]
enum Reading {
    Celsius(f64),
    Label(String),
    At(Point),
}

#[task]
fn describe(r: Reading) -> String {
    match r {
        Reading::Celsius(c) => format!("{c} C"),
        Reading::Label(l) => l,
        Reading::At(p) => format!("at {}", p.x),
    }
}

#[task]
fn warmer(r: Reading) -> Reading {
    match r {
        Reading::Celsius(c) => Reading::Celsius(c + 1.0),
        other => other,
    }
}

#[workflow]
fn read_twice(r: Reading) -> String {
    describe(warmer(r))
}

#[tokio::test]
async fn an_enum_with_data_is_a_union_locally_and_from_the_command_line() {
    let ty = <Reading as FlyteType>::literal_type();
    let LiteralType::Union(variants) = &ty else {
        panic!("{ty}");
    };
    let tags: Vec<String> = variants.iter().map(LiteralType::union_tag).collect();
    assert_eq!(tags, ["float", "str", "Object-Dataclass-Transformer"]);
    assert_eq!(
        read_twice::run(Reading::Celsius(20.5)).await.unwrap(),
        "21.5 C"
    );
    assert_eq!(
        read_twice::run(Reading::Label("fog".into())).await.unwrap(),
        "fog"
    );
    let point = Point {
        x: 7,
        y: 0.0,
        label: None,
        tags: vec![],
    };
    assert_eq!(
        read_twice::run(Reading::At(point.clone())).await.unwrap(),
        "at 7"
    );
    // Each variant round-trips through its literal, tagged with its variant's type.
    for r in [
        Reading::Celsius(1.5),
        Reading::Label("x".into()),
        Reading::At(point),
    ] {
        let literal = r.to_literal();
        assert!(matches!(literal, Literal::Union { .. }), "{literal:?}");
        assert_eq!(Reading::from_literal(&literal).unwrap(), r);
    }
    // `run --input`: the first variant that reads the text (JSON for a struct).
    let app = || flytekit::cli::App::new().workflow(&read_twice {});
    for (input, printed) in [
        ("3", "o0 = \"4 C\"\n"),
        ("sunny", "o0 = \"sunny\"\n"),
        (
            r#"{"x": 2, "y": 1.0, "label": null, "tags": []}"#,
            "o0 = \"at 2\"\n",
        ),
    ] {
        let mut out = Vec::new();
        let args = ["app", "run", "read_twice", "--r", input];
        app()
            .run_to(args, &mut out, &mut std::io::sink())
            .await
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), printed, "{input}");
    }
    // An optional union is one flat union with none, as Python's Optional[Union[..]].
    let LiteralType::Union(flat) = <Option<Reading>>::literal_type() else {
        panic!()
    };
    assert_eq!(flat.len(), 4);
    let some = Some(Reading::Label("y".into()));
    assert_eq!(
        <Option<Reading>>::from_literal(&some.to_literal()).unwrap(),
        some
    );
    assert_eq!(
        <Option<Reading>>::from_literal(&None::<Reading>.to_literal()).unwrap(),
        None
    );
}

#[task]
fn next_day(d: chrono::NaiveDate) -> chrono::NaiveDate {
    d.succ_opt().unwrap()
}

#[workflow]
fn tomorrow(d: chrono::NaiveDate) -> chrono::NaiveDate {
    next_day(d)
}

#[tokio::test]
async fn dates_are_flytekits_and_read_from_the_command_line() {
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 28).unwrap();
    assert_eq!(
        tomorrow::run(day).await.unwrap(),
        chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
    );
    // Flyte's datetime at midnight UTC, in a union tagged `date`.
    let ty = <chrono::NaiveDate as FlyteType>::literal_type();
    assert_eq!(ty, LiteralType::Simple(SimpleType::Date));
    assert_eq!(ty.union_tag(), "date");
    let Literal::Primitive(Primitive::Datetime(t)) = day.to_literal() else {
        panic!()
    };
    assert_eq!(
        DateTime::<Utc>::from(t).to_rfc3339(),
        "2024-02-28T00:00:00+00:00"
    );
    let mut out = Vec::new();
    let app = flytekit::cli::App::new().workflow(&tomorrow {});
    app.run_to(
        ["app", "run", "tomorrow", "--d", "2023-12-31"],
        &mut out,
        &mut std::io::sink(),
    )
    .await
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "o0 = 2024-01-01T00:00:00Z\n"
    );
    let err = flytekit::cli::App::new()
        .workflow(&tomorrow {})
        .run(["app", "run", "tomorrow", "--d", "31/12/2023"])
        .await
        .unwrap_err();
    let chain = flytekit::task::ErrorChain::new(&err).to_string();
    assert!(chain.contains("write it as 2024-05-01"), "{chain}");
}
