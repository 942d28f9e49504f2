//! corsguard makes no heap allocation while deciding, on every benchmark case (allowed, denied, preflights,
//! adversarial inputs, 1 to 10,000 origins and patterns), measured with a counting global allocator.

#[path = "../benches/common/counting.rs"]
mod counting;

use std::hint::black_box;

use corsguard_benches::{all_cases, check_corsguard, corsguard_decide, policy};

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

#[test]
fn counting_allocator_sees_allocations() {
    let (_, n, bytes) = counting::count(|| black_box(vec![1u8; 100]));
    assert_eq!((n, bytes), (1, 100));
}

#[test]
fn no_decision_allocates() {
    for case in all_cases() {
        let policy = policy(case.shape);
        let request = case.request.corsguard();
        check_corsguard(&case, &policy, &request);
        let (_, n, _) = counting::count(|| black_box(corsguard_decide(black_box(&policy), black_box(&request))));
        assert_eq!(n, 0, "{}/{} allocated {n} time(s)", case.group, case.name);
    }
}
