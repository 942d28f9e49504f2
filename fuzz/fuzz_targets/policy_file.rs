#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| corsguard_fuzz_check::check_policy_file(data));
