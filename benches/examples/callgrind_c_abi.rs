//! The C ABI's driver for valgrind's callgrind, as `callgrind` is the core's: runs one case a given number of
//! times through `corsguard_decide` (the policy from `corsguard_policy_init`, the decision written in place),
//! so that `benches/callgrind.sh` can put the C ABI beside `Policy::decide` case by case. A binary of its own,
//! so that neither path changes how the other is compiled.
//!
//! `callgrind_c_abi --list`, or `callgrind_c_abi <group>/<case> <c-abi|c-abi-headers> <calls> <prepared>`:
//! `c-abi` is `corsguard_decide` alone, `c-abi-headers` that and `corsguard_decision_headers`, a server's whole
//! per-request use of the library.

#[path = "../benches/common/c_abi.rs"]
mod c_abi;

use std::hint::black_box;

use corsguard_benches::all_cases;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--list") {
        for case in all_cases() {
            println!("{}/{}", case.group, case.name);
        }
        return;
    }
    let [_, id, implementation, calls, prepared] = &args[..] else {
        eprintln!("usage: callgrind_c_abi <group>/<case> <c-abi|c-abi-headers> <calls> <prepared>");
        std::process::exit(2);
    };
    let with_headers = match implementation.as_str() {
        "c-abi" => false,
        "c-abi-headers" => true,
        other => panic!("this driver runs the C ABI only, not {other}"),
    };
    let calls: usize = calls.parse().expect("calls");
    let prepared: usize = prepared.parse().expect("prepared");
    assert!(calls <= prepared, "calls must not exceed prepared");
    let case = all_cases()
        .into_iter()
        .find(|c| format!("{}/{}", c.group, c.name) == *id)
        .unwrap_or_else(|| panic!("no case {id}"));
    let policy = c_abi::policy(case.shape);
    let request = c_abi::request(&case.request);
    c_abi::check(&case, policy, request);
    let mut decision = c_abi::decision();
    for _ in 0..calls {
        if with_headers {
            black_box(c_abi::decide_with_headers(black_box(policy), black_box(request), black_box(&mut *decision)));
        } else {
            black_box(c_abi::decide(black_box(policy), black_box(request), black_box(&mut *decision)));
        }
    }
    black_box(&decision);
}
