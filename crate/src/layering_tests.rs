//! The layering rule of the crate docs, checked on the sources: no module imports one above it
//! or beside it.
//!
//! From the bottom up: `nn` → `data` → `models` → `attribution`, `inspect`, `project` →
//! `evaluate`, `rules`, `track`. `render` stands apart: anyone may use it, and it uses none of
//! them. The crate-root helpers (`error`, `math`, `size_limit`) sit outside the layers.
//!
//! The check reads every `.rs` file under `src/<module>/` (test modules cut off), finds each
//! `crate::` path outside comments, and takes its first segment — through `use crate::{a, b}`
//! groups too. A segment that names a module is that module; one that names a root re-export
//! (`crate::GradCam`) is the module `lib.rs` re-exports it from.

use std::collections::HashMap;
use std::path::Path;

/// Each module's rank; a module may import only modules of a lower rank (and `render`).
const LAYERS: [(&str, u8); 9] = [
    ("nn", 0),
    ("data", 1),
    ("models", 2),
    ("attribution", 3),
    ("inspect", 3),
    ("project", 3),
    ("evaluate", 4),
    ("rules", 4),
    ("track", 4),
];
const APART: &str = "render";

/// The text without `//` comments (doc comments included) and without the first
/// `#[cfg(test)]` and all after it (test modules sit at the end of a file).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string ("https://…") is rare in paths; good enough for the check.
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments after each `crate::` in `code`: `crate::a::b` gives `a`,
/// `crate::{a, b::c}` gives `a` and `b`.
fn first_segments(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(i) = code[at..].find("crate::") {
        let start = at + i;
        at = start + "crate::".len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `my_crate::`, `super::crate::`
        }
        if bytes.get(at) == Some(&b'{') {
            // A group: split the top level at commas.
            let (mut depth, mut item) = (0usize, String::new());
            for c in code[at + 1..].chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.push(ident(&item));
        } else {
            out.push(ident(&code[at..]));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The leading identifier of `s` (after whitespace).
fn ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Root re-exports: name → the module `lib.rs` takes it from (`pub use attribution::…`).
fn root_names(lib: &str) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for statement in code(lib).split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = ident(rest);
        let rest = &rest[module.len()..];
        let items: Vec<&str> = match (rest.find('{'), rest.rfind('}')) {
            (Some(a), Some(b)) => rest[a + 1..b].split(',').collect(),
            _ => vec![rest],
        };
        for item in items {
            // `a::b::Name` or `Name`; `self` and `as` renames are not used at the root.
            if let Some(name) = item.trim().rsplit("::").next() {
                let name = ident(name);
                // `Explain` is both a derive (glassbox_derive) and a trait (models): keep the module.
                let derive = names.contains_key(&name) && module.starts_with("glassbox");
                if !name.is_empty() && !derive {
                    names.insert(name, module.clone());
                }
            }
        }
    }
    names
}

/// Every `(file, target module)` import that breaks the rule.
fn violations(src: &Path) -> Vec<String> {
    let rank: HashMap<&str, u8> = LAYERS.into_iter().collect();
    let roots = root_names(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut bad = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let module = rel.split('/').next().unwrap().trim_end_matches(".rs");
            let own = rank.get(module).copied();
            if own.is_none() && module != APART || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for segment in first_segments(&code(&text)) {
                let target = if rank.contains_key(segment.as_str()) || segment == APART {
                    segment.clone()
                } else {
                    match roots.get(&segment) {
                        Some(m) => m.clone(),
                        None => continue, // error, math, size_limit, testing, macros…
                    }
                };
                if target == module {
                    continue;
                }
                let allowed = match (own, rank.get(target.as_str())) {
                    (None, Some(_)) => false, // render uses no layer
                    (Some(a), Some(&b)) => b < a,
                    (_, None) => true, // render, or outside the layers
                };
                if !allowed {
                    bad.push(format!("{rel}: crate::{segment} ({target})"));
                }
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

#[test]
fn no_module_imports_one_above_or_beside_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "upward or sideways imports (see the layering in lib.rs):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_sees_groups_root_names_and_comments() {
    let found = first_segments(&code(
        "use crate::{Activation, render::Plot};\n// crate::evaluate in a comment\nlet x = crate::nn::relu(y);",
    ));
    assert_eq!(found, ["Activation", "render", "nn"]);
    let roots = root_names("pub use attribution::{explain_all, GradCam};\npub use nn::Activation;");
    assert_eq!(roots["GradCam"], "attribution");
    assert_eq!(roots["Activation"], "nn");
}
