//! Runs one case a given number of times, for valgrind's callgrind: the difference between the instruction
//! counts of a run with N calls and one with 0 calls, divided by N, is the cost of one call, independent of
//! the machine's load. Used by `benches/callgrind.sh`.
//!
//! `callgrind --list`, or `callgrind <group>/<case> <corsguard|corsguard-decide|tower-http> <calls> <prepared>`:
//! `prepared` requests are cloned before the loop in both runs (tower-http consumes one per call), so only the
//! calls differ. The C ABI has a driver of its own (`callgrind_c_abi`): in one binary with this one, the C
//! library's instance of the decision changed how the Rust path was inlined and added ~110 instructions to it.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, config, corsguard_decide, policy, PolicyShape};
use tower_layer::Layer;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--list") {
        for case in all_cases() {
            println!("{}/{}", case.group, case.name);
        }
        println!("build_policy/baseline");
        println!("build_policy/10000_exact");
        return;
    }
    let [_, id, implementation, calls, prepared] = &args[..] else {
        eprintln!("usage: callgrind <group>/<case> <corsguard|corsguard-decide|tower-http> <calls> <prepared>");
        std::process::exit(2);
    };
    let calls: usize = calls.parse().expect("calls");
    let prepared: usize = prepared.parse().expect("prepared");
    if let Some(shape) = id.strip_prefix("build_policy/") {
        build_policy(shape, implementation, calls);
        return;
    }
    assert!(calls <= prepared, "calls must not exceed prepared");
    let case = all_cases()
        .into_iter()
        .find(|c| format!("{}/{}", c.group, c.name) == *id)
        .unwrap_or_else(|| panic!("no case {id}"));
    match implementation.as_str() {
        "corsguard" => {
            let policy = policy(case.shape);
            let request = case.request.corsguard();
            check_corsguard(&case, &policy, &request);
            let mut sum = 0usize;
            for _ in 0..calls {
                sum = sum.wrapping_add(corsguard_decide(black_box(&policy), black_box(&request)));
            }
            black_box(sum);
        }
        "corsguard-decide" => {
            let policy = policy(case.shape);
            let request = case.request.corsguard();
            check_corsguard(&case, &policy, &request);
            for _ in 0..calls {
                black_box(black_box(&policy).decide(black_box(&request)));
            }
        }
        "tower-http" => {
            let mut service = common::tower_service(case.shape);
            common::check_tower(&case, &mut service);
            let request = common::http_request(&case.request);
            let mut requests: Vec<_> = (0..prepared).map(|_| request.clone()).collect();
            let rest = requests.split_off(calls);
            for r in requests {
                // Responses are leaked, as criterion drops outputs outside its timing; unused requests too,
                // so that neither run pays for dropping them.
                std::mem::forget(common::tower_once(&mut service, black_box(r)));
            }
            std::mem::forget(rest);
        }
        other => panic!("unknown implementation {other}"),
    }
}

/// `calls` policy builds of one shape (the same work as the `build_policy` criterion group).
fn build_policy(shape: &str, implementation: &str, calls: usize) {
    let shape = match shape {
        "baseline" => PolicyShape::Baseline,
        "10000_exact" => PolicyShape::Exact(10_000),
        other => panic!("no policy shape {other}"),
    };
    match implementation {
        "corsguard" | "corsguard-decide" => {
            let config = config(shape);
            let mut storage = vec![0u8; corsguard::storage_len(config)];
            for _ in 0..calls {
                black_box(corsguard::Settings::build(black_box(config), &mut storage).is_ok());
            }
        }
        "tower-http" => {
            let origins = shape.origins();
            for _ in 0..calls {
                let _ = black_box(common::tower_layer(shape, black_box(&origins)).layer(common::EmptyApp));
            }
        }
        other => panic!("unknown implementation {other}"),
    }
}
