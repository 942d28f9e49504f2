//! # corsguard
//!
//! The CORS decision core: given a validated [`Policy`] and a request's raw CORS headers, decide whether the
//! cross-origin read is allowed and yield exactly the response headers to send, with a [`DenyReason`] for
//! every denial.
//!
//! `#![no_std]`, no allocator, no `unsafe`, no panics: every input is raw bytes and every outcome is a value.
//!
//! ```
//! use corsguard::{Methods, Policy, PolicyConfig, Request, RequestHeaders};
//!
//! static CONFIG: PolicyConfig<'static> = PolicyConfig {
//!     credentials: true,
//!     methods: Methods::List(&["GET", "POST", "PUT"]),
//!     request_headers: RequestHeaders::List(&["content-type", "x-request-id"]),
//!     max_age: Some(600),
//!     ..PolicyConfig::new(&["https://app.example.com", "https://*.example.com"])
//! };
//!
//! let mut index = [0u32; corsguard::index_len(2)];
//! let policy = Policy::build(&CONFIG, &mut index).expect("valid policy");
//!
//! let request = Request {
//!     method: b"OPTIONS",
//!     origin: &[b"https://admin.example.com"],
//!     request_method: &[b"PUT"],
//!     request_headers: &[b"content-type,x-request-id"],
//!     ..Request::default()
//! };
//! let decision = policy.decide(&request);
//! assert!(decision.is_allowed() && decision.answer_now());
//! assert_eq!(decision.status(), Some(204));
//! for header in decision.headers() {
//!     // response.append(header.name, header.value)
//!     assert!(!header.value.contains(&b'\n'));
//! }
//! ```
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::string_slice,
        clippy::panic_in_result_fn,
        clippy::exit,
    )
)]

mod bytes;
mod decision;
mod hash;
mod index;
mod origin;
mod pattern;
mod policy;

pub use bytes::{is_field_value, is_token};
pub use decision::{
    names, BufferTooSmall, Decision, DenyReason, Header, HeaderIter, Request, RequestKind, ResponseHeaders, Verdict,
    MAX_ECHOED_HEADER_LINES, MAX_RESPONSE_HEADERS,
};
pub use index::{index_len, MAX_ORIGINS};
pub use origin::{HostKind, Origin, OriginError, MAX_ORIGIN_LEN};
pub use pattern::{OriginPattern, PatternError, PortPattern, WildcardPattern};
pub use policy::{
    ExposedHeaders, Methods, Policy, PolicyConfig, PolicyError, PolicyErrorKind, RequestHeaders, Setting,
    MAX_HEADER_LIST_LEN, MAX_HEADER_NAMES, MAX_MAX_AGE, MAX_METHODS, MAX_METHODS_LEN, MAX_TOKEN_LEN,
};

/// The README's Rust examples, compiled and run as doc tests so the documented usage cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The Rust examples of docs/no_std.md, compiled and run as doc tests like the README's.
#[cfg(doctest)]
#[doc = include_str!("../../docs/no_std.md")]
struct NoStdDoctests;
