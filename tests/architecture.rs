//! The arrows ARCHITECTURE.md draws inside the core, held against the source.

use std::path::Path;

/// The code of a core source file, without its comments and its test module (tests may
/// reach anywhere).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn core_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            core_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The listener is a user of the core, not a piece of it: only commands point at
/// `core::server`, so that no core module depends on the listener that depends on it
/// (the URL joining of captures and the redaction of a forward live elsewhere).
#[test]
fn no_core_module_points_at_the_listener() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = Vec::new();
    core_files(&core, &mut files);
    let mut offenders = Vec::new();
    for f in files {
        if f.ends_with("server.rs") || f.ends_with("core/mod.rs") {
            continue;
        }
        let code = code_of(&f);
        if code.contains("super::server") || code.contains("core::server") {
            offenders.push(f.strip_prefix(&core).unwrap().display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "core modules that use core::server: {offenders:?}"
    );
}
