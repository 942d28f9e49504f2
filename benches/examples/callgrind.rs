//! Runs one case a given number of times, for valgrind's callgrind: the difference between the instruction
//! counts of a run with N calls and one with 0 calls, divided by N, is the cost of one call, independent of
//! the machine's load. Used by `benches/callgrind.sh`.
//!
//! `callgrind --list`, or `callgrind <group>/<case> <corsguard|corsguard-decide|tower-http> <calls> <prepared>`: `prepared` requests are cloned
//! before the loop in both runs (tower-http consumes one per call), so only the calls differ.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, corsguard_decide, policy};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--list") {
        for case in all_cases() {
            println!("{}/{}", case.group, case.name);
        }
        return;
    }
    let [_, id, implementation, calls, prepared] = &args[..] else {
        eprintln!("usage: callgrind <group>/<case> <corsguard|corsguard-decide|tower-http> <calls> <prepared>");
        std::process::exit(2);
    };
    let calls: usize = calls.parse().expect("calls");
    let prepared: usize = prepared.parse().expect("prepared");
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
