//! Paired timing: for every case, corsguard (decide + walk headers) and tower-http (`CorsLayer`, one request
//! answered) are timed in alternation, a few milliseconds each, round after round. Both sides of a round run
//! within the same ~10 ms, so a slow phase of a shared machine (another VM's load, frequency changes) slows
//! both, and the ratio of the two is measured under the same conditions; criterion (`decide.rs`) times one
//! benchmark after the other, seconds apart, and its ratios move with whatever changed in between.
//!
//! Prints a Markdown table: per case the median time per call of each side over the rounds, and the median,
//! lowest and highest of the rounds' ratios (tower-http ÷ corsguard). `--bench` (what `cargo bench` passes)
//! runs the full measurement; without it (`cargo test`) one short round per case checks that it all runs.
//! An argument that is not a flag keeps only the cases whose `group/case` id contains it.
//! Not a test: nothing here asserts a time.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use corsguard_benches::{all_cases, check_corsguard, config, corsguard_decide, policy, PolicyShape};
use tower_layer::Layer;

/// tower-http's requests are cloned, and its responses dropped, this many at a time, outside the clock.
const BATCH: usize = 256;

/// How the measurement runs: `rounds` rounds of about `slice` per side.
struct Plan {
    rounds: usize,
    slice: Duration,
}

/// Calls `f` `n` times and returns the time per call in nanoseconds.
fn time_per_call(n: u64, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() * 1e9 / n as f64
}

/// How many calls of `f` fill about `slice` (at least one).
fn calls_per_slice(slice: Duration, mut f: impl FnMut()) -> u64 {
    let mut n = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        let spent = start.elapsed();
        if spent >= slice / 4 || n >= 1 << 30 {
            let per_call = spent.as_secs_f64() / n as f64;
            return ((slice.as_secs_f64() / per_call.max(1e-12)) as u64).max(1);
        }
        n *= 2;
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// One case measured in alternation: `ours` and `theirs` are each given one slice per round, in turn,
/// starting with the other side every other round. Returns (our medians, their medians, ratios).
fn paired(plan: &Plan, mut ours: impl FnMut(u64) -> f64, mut theirs: impl FnMut(u64) -> f64, n: (u64, u64)) -> Row {
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let (x, y) = if round % 2 == 0 {
            let x = ours(n.0);
            (x, theirs(n.1))
        } else {
            let y = theirs(n.1);
            (ours(n.0), y)
        };
        a.push(x);
        b.push(y);
        ratios.push(y / x);
    }
    let lowest = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = ratios.iter().copied().fold(0.0, f64::max);
    Row { ours: median(&mut a), theirs: median(&mut b), ratio: median(&mut ratios), lowest, highest }
}

struct Row {
    ours: f64,
    theirs: f64,
    ratio: f64,
    lowest: f64,
    highest: f64,
}

fn ns(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} µs", v / 1000.0)
    } else {
        format!("{v:.1} ns")
    }
}

fn print_row(id: &str, row: &Row) {
    println!(
        "| {id} | {} | {} | {:.1}x | {:.1}x | {:.1}x |",
        ns(row.ours),
        ns(row.theirs),
        row.ratio,
        row.lowest,
        row.highest
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let filter = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
    let plan = if full {
        Plan { rounds: 41, slice: Duration::from_millis(4) }
    } else {
        Plan { rounds: 2, slice: Duration::from_micros(200) }
    };
    println!(
        "Paired run: {} rounds, about {} µs per side per round, corsguard first in even rounds.\n",
        plan.rounds,
        plan.slice.as_micros()
    );
    println!(
        "| case | corsguard (median) | tower-http (median) | ratio (median of rounds) | lowest round | highest round |"
    );
    println!("|---|---:|---:|---:|---:|---:|");

    for case in all_cases() {
        let id = format!("{}/{}", case.group, case.name);
        if !id.contains(&filter) {
            continue;
        }
        let policy = policy(case.shape);
        let request = case.request.corsguard();
        check_corsguard(&case, &policy, &request);
        let mut service = common::tower_service(case.shape);
        common::check_tower(&case, &mut service);
        let http_request = common::http_request(&case.request);

        let mut decide = || {
            black_box(corsguard_decide(black_box(&policy), black_box(&request)));
        };
        let ours_n = calls_per_slice(plan.slice, &mut decide);
        // tower-http consumes its request: clones are made, and responses dropped, outside the clock, in
        // batches of 256 as in `decide.rs` (a whole slice's clones at once would not stay in cache).
        let mut requests = Vec::with_capacity(BATCH);
        let mut responses = Vec::with_capacity(BATCH);
        let mut tower = |n: u64| {
            let mut spent = Duration::ZERO;
            let mut left = n;
            while left > 0 {
                let batch = left.min(BATCH as u64);
                requests.extend((0..batch).map(|_| http_request.clone()));
                let start = Instant::now();
                for r in requests.drain(..) {
                    responses.push(common::tower_once(&mut service, r));
                }
                spent += start.elapsed();
                responses.clear();
                left -= batch;
            }
            spent.as_secs_f64() * 1e9 / n as f64
        };
        let theirs_n = {
            let probe = BATCH as u64;
            let per_call = tower(probe).min(tower(probe));
            ((plan.slice.as_secs_f64() * 1e9 / per_call.max(1e-3)) as u64).max(1)
        };
        let row = paired(&plan, |n| time_per_call(n, &mut decide), &mut tower, (ours_n, theirs_n));
        print_row(&id, &row);
    }

    for (name, shape) in [("baseline", PolicyShape::Baseline), ("10000_exact", PolicyShape::Exact(10_000))] {
        let id = format!("build_policy/{name}");
        if !id.contains(&filter) {
            continue;
        }
        let config = config(shape);
        let mut storage = vec![0u8; corsguard::storage_len(config)];
        let mut build = || {
            black_box(corsguard::Settings::build(black_box(config), &mut storage).is_ok());
        };
        let origins = shape.origins();
        let mut layer = || {
            let _ = black_box(common::tower_layer(shape, black_box(&origins)).layer(common::EmptyApp));
        };
        let n = (calls_per_slice(plan.slice, &mut build), calls_per_slice(plan.slice, &mut layer));
        let row = paired(&plan, |k| time_per_call(k, &mut build), |k| time_per_call(k, &mut layer), n);
        print_row(&id, &row);
    }
}
