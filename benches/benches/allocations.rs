//! Heap allocations per decision, counted with a counting global allocator: corsguard (which must make
//! none: this exits non-zero otherwise) beside tower-http's `CorsLayer` on every case. Prints a Markdown
//! table for BENCHMARKS.md. Each figure is the count for one decision after one warm-up call.

#[path = "common/mod.rs"]
mod common;
#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, corsguard_decide, policy, HEADLINE};

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

fn main() {
    let mut failures = 0;
    println!("| group | case | corsguard | tower-http | tower-http bytes | corsguard via http types |");
    println!("|---|---|---:|---:|---:|---:|");
    for case in all_cases() {
        let policy = policy(case.shape);
        let request = case.request.corsguard();
        check_corsguard(&case, &policy, &request);
        corsguard_decide(&policy, &request);
        let (_, ours, _) = counting::count(|| black_box(corsguard_decide(black_box(&policy), black_box(&request))));

        let mut service = common::tower_service(case.shape);
        common::check_tower(&case, &mut service);
        let warm = common::http_request(&case.request);
        drop(common::tower_once(&mut service, warm));
        let http_request = common::http_request(&case.request);
        // The response is returned out of the counted closure and dropped after it.
        let (response, theirs, bytes) = counting::count(|| common::tower_once(&mut service, http_request));
        drop(response);

        let glue = if case.group == "core" && HEADLINE.contains(&case.name.as_str()) {
            let http_request = common::http_request(&case.request);
            drop(common::corsguard_http(&policy, &http_request));
            let (response, n, _) = counting::count(|| common::corsguard_http(&policy, &http_request));
            drop(response);
            n.to_string()
        } else {
            "-".to_string()
        };
        println!("| {} | {} | {ours} | {theirs} | {bytes} | {glue} |", case.group, case.name);
        if ours != 0 {
            failures += 1;
        }
    }
    if failures > 0 {
        eprintln!("corsguard allocated in {failures} case(s)");
        std::process::exit(1);
    }
}
