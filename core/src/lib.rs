//! # corsguard
//!
//! The CORS decision core: given a validated [`Policy`] and a request's raw CORS headers, decide whether the
//! cross-origin read is allowed and yield exactly the response headers to send, with a [`DenyReason`] for
//! every denial.
//!
//! `#![no_std]`, no allocator (unless the `alloc` feature is on), no `unsafe`, no panics: every input is raw
//! bytes and every outcome is a value.
//!
//! ```
//! use corsguard::{FixedPolicy, Methods, PolicyConfig, Request, RequestHeaders};
//!
//! static CONFIG: PolicyConfig<'static> = PolicyConfig {
//!     credentials: true,
//!     methods: Methods::List(&["GET", "POST", "PUT"]),
//!     request_headers: RequestHeaders::List(&["content-type", "x-request-id"]),
//!     max_age: Some(600),
//!     ..PolicyConfig::new(&["https://app.example.com", "https://*.example.com"])
//! };
//!
//! // The origin table lives inside the policy: 512 bytes here (`corsguard::storage_len` says how many a
//! // configuration needs). With the `alloc` feature, `OwnedPolicy::build` sizes it at run time instead.
//! let policy = FixedPolicy::<512>::build(&CONFIG).expect("valid policy");
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

#[cfg(feature = "alloc")]
extern crate alloc;

mod bytes;
mod decision;
mod error;
mod file;
mod hash;
mod headers;
mod index;
mod origin;
mod pattern;
mod policy;
mod reason;
mod request;

pub use bytes::{is_field_value, is_token};
pub use decision::{Decision, Verdict};
pub use error::{PolicyError, PolicyErrorKind, Setting};
pub use file::{storage_len_for_file, PolicyFile, PolicyFileError, PolicyFileErrorKind, SyntaxError};
pub use headers::{
    names, BufferTooSmall, Header, HeaderIter, ResponseHeaders, MAX_ECHOED_HEADER_LINES, MAX_RESPONSE_HEADERS,
};
pub use index::MAX_ORIGINS;
pub use origin::{HostKind, Origin, OriginError, MAX_ORIGIN_LEN};
pub use pattern::{OriginPattern, PatternError, PortPattern, WildcardPattern};
#[cfg(feature = "alloc")]
pub use policy::OwnedPolicy;
pub use policy::{
    storage_len, storage_len_for, ExposedHeaders, FixedPolicy, Methods, Policy, PolicyConfig, RequestHeaders, Settings,
    MAX_HEADER_LIST_LEN, MAX_HEADER_NAMES, MAX_MAX_AGE, MAX_METHODS, MAX_METHODS_LEN, MAX_TOKEN_LEN,
};
pub use reason::DenyReason;
pub use request::{Request, RequestKind};

/// The README's Rust examples, compiled and run as doc tests so the documented usage cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The Rust examples of docs/no_std.md, compiled and run as doc tests like the README's.
#[cfg(doctest)]
#[doc = include_str!("../../docs/no_std.md")]
struct NoStdDoctests;

/// The Rust examples of docs/policy-file.md, compiled and run as doc tests like the README's.
#[cfg(doctest)]
#[doc = include_str!("../../docs/policy-file.md")]
struct PolicyFileDoctests;
