//! Counts what a structured corpus reaches: policies built or refused (by error kind) and decisions by kind,
//! verdict and deny reason. Shows whether a corpus exercises allowed preflights, not only early refusals.
//!
//! cargo run --manifest-path fuzz/Cargo.toml -p corsguard-fuzz-check --example outcomes -- fuzz/corpus/decide

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use corsguard_fuzz_check::gen::Scenario;

fn main() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for dir in std::env::args().skip(1) {
        for entry in std::fs::read_dir(&dir).expect("corpus directory") {
            let data = std::fs::read(entry.expect("entry").path()).expect("file");
            let Ok(s) = Scenario::arbitrary_take_rest(Unstructured::new(&data)) else {
                *counts.entry("input: not decodable".into()).or_default() += 1;
                continue;
            };
            let owned = s.policy.render();
            let lists = owned.lists();
            let config = owned.config(&lists);
            let policy = match corsguard::OwnedPolicy::build(&config) {
                Ok(p) => p,
                Err(e) => {
                    *counts.entry(format!("policy: refused {:?}", e.kind)).or_default() += 1;
                    continue;
                }
            };
            *counts.entry("policy: built".into()).or_default() += 1;
            for r in &s.requests {
                let request = r.render(&owned);
                request.with_request(|req| {
                    let d = policy.decide(req);
                    let key = match d.reason() {
                        None => format!("decision: {:?} allowed", d.kind()),
                        Some(reason) => format!("decision: {:?} denied {reason:?}", d.kind()),
                    };
                    *counts.entry(key).or_default() += 1;
                });
            }
        }
    }
    for (k, v) in counts {
        println!("{v:8}  {k}");
    }
}
