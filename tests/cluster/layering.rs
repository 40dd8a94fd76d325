//! flyte-core's modules form a one-way stack: a module uses only the modules below
//! it (`crate::NAME` paths, test modules aside). The order is the one flyte-core's
//! crate docs give; an edge going up, or a module missing from the list, fails here
//! with the files that hold the edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first.
const LAYERS: &[&str] = &[
    "data",
    "types",
    "interface",
    "task",
    "workflow",
    "idl",
    "cache",
    "execution",
    "launch_plan",
    "registry",
    "entrypoint",
    "remote",
    // Support for generated code: may use anything, used by nothing.
    "__private_0_1",
];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        out.extend(rust_files(&entry.unwrap().path()));
    }
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    out
}

/// The text without comments and without `#[cfg(test)]` modules (matched brace to
/// brace, so code after a test module still counts).
fn code_of(text: &str) -> String {
    let without_comments: String = text
        .lines()
        .map(|line| match line.find("//") {
            // `//` inside a string ("file://") is kept: only a line whose code part
            // ends before it, or a comment line, is cut.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut code = without_comments;
    while let Some(start) = code.find("#[cfg(test)]") {
        let rest = &code[start..];
        let Some(open) = rest.find('{') else { break };
        if !rest[..open].contains("mod ") {
            // A test-only item that is not a module: drop the attribute line only.
            code.replace_range(start..start + "#[cfg(test)]".len(), "");
            continue;
        }
        let mut depth = 0usize;
        let mut end = code.len();
        for (i, c) in code[start + open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        code.replace_range(start..end, "");
    }
    code
}

/// The modules `code` names as `crate::NAME` or inside `crate::{...}`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|p| ident(p.trim())));
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

#[test]
fn flyte_core_modules_only_use_the_ones_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("flyte-core/src");
    let mut modules: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name != "lib" && (path.is_dir() || path.extension().is_some_and(|e| e == "rs")) {
            modules.insert(name, path);
        }
    }
    let unlisted: Vec<&String> = modules
        .keys()
        .filter(|m| !LAYERS.contains(&m.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from LAYERS: {unlisted:?}"
    );

    let rank = |m: &str| LAYERS.iter().position(|l| *l == m).unwrap();
    let mut upward = Vec::new();
    let mut edges = 0;
    for (module, path) in &modules {
        for file in rust_files(path) {
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            for used in uses(&code) {
                if used == *module || !modules.contains_key(&used) {
                    continue;
                }
                edges += 1;
                if rank(&used) > rank(module) {
                    let file = file.strip_prefix(&src).unwrap().display().to_string();
                    upward.push(format!("{module} -> {used} (in {file})"));
                }
            }
        }
    }
    assert!(
        edges > 20,
        "only {edges} edges found: is the parsing right?"
    );
    assert!(
        upward.is_empty(),
        "edges going up the stack:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_reader_finds_edges_and_skips_test_modules_and_comments() {
    let code = code_of(
        "use crate::types::Value;\n// crate::cache in a comment\nlet u = \"file://x\"; crate::data::current();\n\
         #[cfg(test)]\nmod tests { use crate::execution::X; fn f() { { } } }\nuse crate::{idl::core, task};\n",
    );
    let found: Vec<String> = uses(&code).into_iter().collect();
    assert_eq!(found, ["data", "idl", "task", "types"]);
}

/// The siblings of a folder (its `.rs` files but `mod.rs`, and its subfolders) that
/// the code of `sibling` names: `super::NAME` from a file directly in the folder, or
/// the folder's path from the crate root (`crate::workflow::NAME`).
fn sibling_uses(folder_path: &str, sibling: &Path, names: &BTreeSet<String>) -> BTreeSet<String> {
    let direct = sibling.is_file();
    let mut found = BTreeSet::new();
    for file in rust_files(sibling) {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for name in names {
            let by_path = format!("crate::{folder_path}{name}");
            let named = |needle: &str| {
                code.match_indices(needle).any(|(i, _)| {
                    let before_ok =
                        !code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
                    let after = &code[i + needle.len()..];
                    before_ok && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            };
            let in_group = direct
                && code.match_indices("use super::{").any(|(i, _)| {
                    let group = &code[i + "use super::{".len()..];
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    group
                        .split(',')
                        .any(|p| p.trim().split("::").next() == Some(name.as_str()))
                });
            if named(&by_path) || (direct && named(&format!("super::{name}"))) || in_group {
                found.insert(name.clone());
            }
        }
    }
    found.remove(sibling.file_stem().unwrap().to_str().unwrap());
    found
}

/// Folders whose files name each other in a circle, as `a -> b -> a` lines.
fn file_loops(root: &Path) -> Vec<String> {
    let mut loops = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let mut siblings: BTreeMap<String, PathBuf> = BTreeMap::new();
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path.clone());
            } else if path.extension().is_none_or(|e| e != "rs")
                || ["mod.rs", "lib.rs", "main.rs"]
                    .contains(&path.file_name().unwrap().to_str().unwrap())
            {
                continue;
            }
            siblings.insert(
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                path,
            );
        }
        let rel = folder.strip_prefix(root).unwrap();
        let folder_path: String = rel
            .iter()
            .map(|p| format!("{}::", p.to_string_lossy()))
            .collect();
        let names: BTreeSet<String> = siblings.keys().cloned().collect();
        let edges: BTreeMap<&String, BTreeSet<String>> = siblings
            .iter()
            .map(|(name, path)| (name, sibling_uses(&folder_path, path, &names)))
            .collect();
        // A loop exists when some sibling reaches itself again.
        for start in siblings.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<Vec<String>> = vec![vec![start.clone()]];
            while let Some(trail) = stack.pop() {
                let last = trail.last().unwrap();
                for next in &edges[last] {
                    if next == start {
                        let mut shown = trail.clone();
                        shown.push(start.clone());
                        loops.push(format!("{}: {}", folder.display(), shown.join(" -> ")));
                    } else if seen.insert(next.clone()) {
                        let mut longer = trail.clone();
                        longer.push(next.clone());
                        stack.push(longer);
                    }
                }
            }
        }
    }
    loops.sort();
    loops.dedup();
    loops
}

#[test]
fn no_files_of_a_folder_name_each_other_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut loops = Vec::new();
    for krate in [
        "flyte-core/src",
        "flyte-macros/src",
        "flyte-plugins/src",
        "src",
    ] {
        loops.extend(file_loops(&root.join(krate)));
    }
    assert!(
        loops.is_empty(),
        "files that use each other in a circle (move the shared piece into a file below them):\n{}",
        loops.join("\n")
    );
}

#[test]
fn the_loop_finder_sees_a_loop_through_super_and_crate_paths() {
    let dir = std::env::temp_dir().join(format!("flyte-loops-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("room")).unwrap();
    std::fs::write(dir.join("room/mod.rs"), "mod a; mod b; mod c;").unwrap();
    std::fs::write(
        dir.join("room/a.rs"),
        "use super::b::X;\n// super::c in a comment\n",
    )
    .unwrap();
    std::fs::write(dir.join("room/b.rs"), "fn f() { crate::room::a::g(); }").unwrap();
    std::fs::write(dir.join("room/c.rs"), "use super::{a, b};").unwrap();
    let loops = file_loops(&dir);
    assert_eq!(loops.len(), 2, "{loops:?}");
    assert!(loops[0].ends_with("room: a -> b -> a"), "{loops:?}");
    assert!(loops[1].ends_with("room: b -> a -> b"), "{loops:?}");
    std::fs::write(dir.join("room/b.rs"), "fn f() {}").unwrap();
    assert!(file_loops(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
