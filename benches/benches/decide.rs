//! Decision speed: every case of `corsguard_benches::all_cases`, decided by corsguard and answered by
//! tower-http's `CorsLayer` in the same run, plus policy building. See BENCHMARKS.md for what each id means.

#[path = "common/mod.rs"]
mod common;
#[path = "common/criterion_config.rs"]
mod criterion_config;

use std::collections::HashMap;
use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, config, corsguard_decide, policy, PolicyShape, HEADLINE};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use tower_layer::Layer;

/// tower-http consumes its request, so each call gets a fresh clone made outside the timed region; batches
/// of this many keep the timer's own cost under a nanosecond per call and the clones' memory small.
const TOWER_BATCH: BatchSize = BatchSize::NumIterations(256);

fn decisions(c: &mut Criterion) {
    let cases = all_cases();
    let mut policies: HashMap<String, corsguard::OwnedPolicy> = HashMap::new();
    let mut groups: Vec<&'static str> = Vec::new();
    for case in &cases {
        if !groups.contains(&case.group) {
            groups.push(case.group);
        }
    }
    for group_name in groups {
        let mut group = c.benchmark_group(group_name);
        for case in cases.iter().filter(|c| c.group == group_name) {
            let policy = policies.entry(case.shape.label()).or_insert_with(|| policy(case.shape));
            let request = case.request.corsguard();
            check_corsguard(case, policy, &request);
            group.bench_function(BenchmarkId::new("corsguard", &case.name), |b| {
                b.iter(|| corsguard_decide(black_box(&*policy), black_box(&request)))
            });
            group.bench_function(BenchmarkId::new("corsguard-decide", &case.name), |b| {
                b.iter(|| black_box(&*policy).decide(black_box(&request)))
            });

            let mut service = common::tower_service(case.shape);
            common::check_tower(case, &mut service);
            let http_request = common::http_request(&case.request);
            group.bench_function(BenchmarkId::new("tower-http", &case.name), |b| {
                b.iter_batched(|| http_request.clone(), |r| common::tower_once(&mut service, r), TOWER_BATCH)
            });

            if group_name == "core" && HEADLINE.contains(&case.name.as_str()) {
                group.bench_function(BenchmarkId::new("corsguard-http", &case.name), |b| {
                    b.iter(|| common::corsguard_http(black_box(&*policy), black_box(&http_request)))
                });
                group.bench_function(BenchmarkId::new("request-drop", &case.name), |b| {
                    b.iter_batched(|| http_request.clone(), drop, TOWER_BATCH)
                });
            }
        }
        group.finish();
    }
}

fn building(c: &mut Criterion) {
    let mut group = c.benchmark_group("build_policy");
    for (name, shape) in [("baseline", PolicyShape::Baseline), ("10000_exact", PolicyShape::Exact(10_000))] {
        let config = config(shape);
        let mut storage = vec![0u8; corsguard::storage_len(config)];
        group.bench_function(BenchmarkId::new("corsguard", name), |b| {
            b.iter(|| {
                let built = corsguard::Settings::build(black_box(config), &mut storage);
                black_box(built.is_ok())
            })
        });
        let origins = shape.origins();
        group.bench_function(BenchmarkId::new("tower-http", name), |b| {
            b.iter(|| common::tower_layer(shape, black_box(&origins)).layer(common::EmptyApp))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config::configure();
    targets = decisions, building
}
criterion_main!(benches);
