//! The criterion settings of every timed benchmark, in one place so that tables taken from different bench
//! binaries (decide, c_abi) are measured alike: 0.5 s warm-up, 2 s measurement, 50 samples.

use std::time::Duration;

use criterion::Criterion;

pub fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
        .noise_threshold(0.03)
}
