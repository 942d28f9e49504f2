//! Corpus replay: every committed corpus file through the same check its fuzz target runs, on stable.
//! A fuzzing find is fixed, its input kept in `fuzz/corpus/<target>/`, and from then on this test holds it.
// Every target, the C ABI's included: the replay needs the `c-abi` feature (on by default).
#![cfg(feature = "c-abi")]

use std::path::PathBuf;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus for {target}");
    for file in &files {
        let data = std::fs::read(file).expect("corpus file");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails its check", file.display());
    }
    eprintln!("{target}: replayed {} corpus files", files.len());
}

#[test]
fn origin() {
    replay("origin", corsguard_fuzz_check::check_origin);
}

#[test]
fn pattern() {
    replay("pattern", corsguard_fuzz_check::check_pattern);
}

#[test]
fn method() {
    replay("method", corsguard_fuzz_check::check_method);
}

#[test]
fn acrh() {
    replay("acrh", corsguard_fuzz_check::check_acrh);
}

#[test]
fn policy_build() {
    replay("policy_build", corsguard_fuzz_check::check_policy_build);
}

#[test]
fn policy_file() {
    replay("policy_file", corsguard_fuzz_check::check_policy_file);
}

#[test]
fn decide() {
    replay("decide", corsguard_fuzz_check::check_decide);
}

#[test]
fn render() {
    replay("render", corsguard_fuzz_check::check_render);
}

#[test]
fn differential() {
    replay("differential", corsguard_fuzz_check::check_differential);
}

#[test]
fn c_abi() {
    replay("c_abi", corsguard_fuzz_check::check_c_abi);
}

/// Every target in fuzz/Cargo.toml has a corpus directory and a replay test above.
#[test]
fn every_target_is_replayed() {
    let manifest = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml")).unwrap();
    let replayed = [
        "origin",
        "pattern",
        "method",
        "acrh",
        "policy_build",
        "policy_file",
        "decide",
        "render",
        "differential",
        "c_abi",
    ];
    for line in manifest.lines() {
        if let Some(name) = line.strip_prefix("name = \"").and_then(|l| l.strip_suffix('"')) {
            if name != "corsguard-fuzz" {
                assert!(replayed.contains(&name), "fuzz target {name} has no replay test");
            }
        }
    }
}

/// Every check is total on any bytes, so every corpus file also goes through every other target's check:
/// an input found for one entry point is a free extra case for all the others.
#[test]
fn every_corpus_through_every_check() {
    let checks: [(&str, fn(&[u8])); 10] = [
        ("origin", corsguard_fuzz_check::check_origin),
        ("pattern", corsguard_fuzz_check::check_pattern),
        ("method", corsguard_fuzz_check::check_method),
        ("acrh", corsguard_fuzz_check::check_acrh),
        ("policy_build", corsguard_fuzz_check::check_policy_build),
        ("policy_file", corsguard_fuzz_check::check_policy_file),
        ("decide", corsguard_fuzz_check::check_decide),
        ("render", corsguard_fuzz_check::check_render),
        ("differential", corsguard_fuzz_check::check_differential),
        ("c_abi", corsguard_fuzz_check::check_c_abi),
    ];
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut runs = 0usize;
    for (corpus, _) in &checks {
        for entry in std::fs::read_dir(root.join(corpus)).expect("corpus directory") {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            for (target, check) in &checks {
                let outcome = std::panic::catch_unwind(|| check(&data));
                assert!(outcome.is_ok(), "{target} check fails on {}", path.display());
                runs += 1;
            }
        }
    }
    eprintln!("cross replay: {runs} check runs");
}
