//! The C ABI beside the core: every `core` case decided by `Policy::decide` and by `corsguard_decide` (the
//! policy from `corsguard_policy_init`, the decision written in place into the caller's storage), in the same
//! run. Its own bench binary, so that the C library's instance of the decision does not change how the other
//! benchmarks' Rust path is compiled. Ids: `c_abi/corsguard-decide/<case>` and `c_abi/c-abi/<case>`.

#[path = "common/c_abi.rs"]
mod c_abi;
#[path = "common/criterion_config.rs"]
mod criterion_config;

use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, policy};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn side_by_side(c: &mut Criterion) {
    let mut group = c.benchmark_group("c_abi");
    for case in all_cases().iter().filter(|c| c.group == "core") {
        let policy = policy(case.shape);
        let request = case.request.corsguard();
        check_corsguard(case, &policy, &request);
        group.bench_function(BenchmarkId::new("corsguard-decide", &case.name), |b| {
            b.iter(|| black_box(&policy).decide(black_box(&request)))
        });
        let (c_policy, c_request) = (c_abi::policy(case.shape), c_abi::request(&case.request));
        c_abi::check(case, c_policy, c_request);
        let mut decision = c_abi::decision();
        group.bench_function(BenchmarkId::new("c-abi", &case.name), |b| {
            b.iter(|| c_abi::decide(black_box(c_policy), black_box(c_request), black_box(&mut *decision)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config::configure();
    targets = side_by_side
}
criterion_main!(benches);
