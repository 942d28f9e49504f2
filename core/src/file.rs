//! The policy file: a policy written as text, one `key = value` setting per line, parsed without an allocator
//! into the same [`Settings`] a [`PolicyConfig`] builds. Every refusal, a syntax error or the core's own
//! [`PolicyError`], comes back with the 1-based line and byte column it is about.
//!
//! The origins are never copied: they are counted when the file is parsed and read again from the text when
//! the origin table is written, so a file may list as many origins as a policy can hold.

use heapless::Vec;

use crate::bytes::eq_ignore_case;
use crate::error::{PolicyError, PolicyErrorKind, Setting};
use crate::index::MAX_ORIGINS;
use crate::policy::{
    storage_len_for, ExposedHeaders, Methods, OriginSource, Policy, PolicyConfig, RequestHeaders, Settings,
    MAX_HEADER_NAMES, MAX_METHODS,
};

/// What is wrong with the text of a policy file, as opposed to the policy it describes. Stable numeric codes,
/// never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyntaxError {
    /// A byte that is not printable ASCII: a byte of 0x80 or more, NUL, DEL, a CR that is not part of a CRLF
    /// line end, or a control byte other than TAB.
    InvalidByte = 1,
    /// A line that is not blank, not a comment and has no `=`.
    MissingEquals = 2,
    /// Nothing but blanks before the `=`.
    EmptyKey = 3,
    /// A key corsguard does not know (keys are lowercase and exact).
    UnknownKey = 4,
    /// A single-valued key set a second time (the error points at the second line).
    RepeatedKey = 5,
    /// Nothing but blanks after the `=`.
    EmptyValue = 6,
    /// An empty element in a comma-separated list (`a,,b`, `a,`, `,a`).
    EmptyListElement = 7,
    /// A boolean other than `true` or `false`.
    BadBoolean = 8,
    /// A number that is not decimal digits alone or does not fit in 32 bits.
    BadNumber = 9,
    /// `*` together with names in a list that takes `*` alone (`request-headers` also takes
    /// `*, authorization`).
    WildcardMixed = 10,
}

impl SyntaxError {
    /// The stable numeric code.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// What is wrong and what to change, in one line.
    pub const fn message(self) -> &'static str {
        match self {
            Self::InvalidByte => "a byte that is not printable ASCII, a tab, or the CR of a CRLF line end: policy files are ASCII text",
            Self::MissingEquals => "not a setting: write `key = value` (a comment is a line starting with #)",
            Self::EmptyKey => "no key before \"=\": write `key = value`",
            Self::UnknownKey => "unknown key: keys are lowercase, one of origins, credentials, methods, request-headers, exposed-headers, max-age, preflight-success-status, preflight-failure-status, private-network, allow-insecure-origins-with-credentials, max-origin-len, max-request-headers-len, max-request-headers-count",
            Self::RepeatedKey => "this key is already set on an earlier line: only origins, methods, request-headers and exposed-headers may repeat",
            Self::EmptyValue => "no value after \"=\": write a value, or remove the line to keep the default",
            Self::EmptyListElement => "an empty list element: remove the extra comma",
            Self::BadBoolean => "not a boolean: write true or false",
            Self::BadNumber => "not a number: write decimal digits only, at most 4294967295 (max-age also takes none)",
            Self::WildcardMixed => "\"*\" stands for the whole list: write it alone (request-headers also takes \"*, authorization\")",
        }
    }
}

impl core::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "corsguard policy file syntax error {}: {}", self.code(), self.message())
    }
}

impl core::error::Error for SyntaxError {}

/// Which kind of refusal a [`PolicyFileError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyFileErrorKind {
    /// The text is not a policy file.
    Syntax(SyntaxError),
    /// The text is a policy file, and the policy it describes is refused exactly as the same
    /// [`PolicyConfig`] would be.
    Policy(PolicyError),
}

/// A refused policy file: where (1-based line, 1-based byte column) and why.
///
/// A policy error points at the list element it names (its [`index`](PolicyError::index)), or else at the
/// key of the setting it is about (the first line of a list key). An error about a setting the file does
/// not have (no `origins` at all) or about the storage has line and column 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyFileError {
    /// The line, counting from 1; 0 when the error is not about one line.
    pub line: u32,
    /// The byte column in that line, counting from 1; 0 when `line` is 0. It may be one past the line's
    /// last byte, where a missing value or element was expected.
    pub column: u32,
    /// A syntax error or the core's policy error.
    pub kind: PolicyFileErrorKind,
}

impl PolicyFileError {
    fn syntax(line: u32, offset: usize, kind: SyntaxError) -> Self {
        PolicyFileError { line, column: column_of(offset), kind: PolicyFileErrorKind::Syntax(kind) }
    }

    /// The syntax error, if it is one.
    pub const fn syntax_error(&self) -> Option<SyntaxError> {
        match self.kind {
            PolicyFileErrorKind::Syntax(kind) => Some(kind),
            PolicyFileErrorKind::Policy(_) => None,
        }
    }

    /// The policy error, if it is one.
    pub const fn policy_error(&self) -> Option<&PolicyError> {
        match &self.kind {
            PolicyFileErrorKind::Syntax(_) => None,
            PolicyFileErrorKind::Policy(error) => Some(error),
        }
    }

    /// What is wrong and what to change.
    pub const fn message(&self) -> &'static str {
        match &self.kind {
            PolicyFileErrorKind::Syntax(kind) => kind.message(),
            PolicyFileErrorKind::Policy(error) => error.message(),
        }
    }
}

impl core::fmt::Display for PolicyFileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        match &self.kind {
            PolicyFileErrorKind::Syntax(kind) => kind.fmt(f),
            PolicyFileErrorKind::Policy(error) => error.fmt(f),
        }
    }
}

impl core::error::Error for PolicyFileError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match &self.kind {
            PolicyFileErrorKind::Syntax(kind) => Some(kind),
            PolicyFileErrorKind::Policy(error) => Some(error),
        }
    }
}

fn column_of(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX).saturating_add(1)
}

/// The keys of a policy file, in the order of [`KEYS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Origins,
    Credentials,
    Methods,
    RequestHeaders,
    ExposedHeaders,
    MaxAge,
    PreflightSuccessStatus,
    PreflightFailureStatus,
    PrivateNetwork,
    AllowInsecureOriginsWithCredentials,
    MaxOriginLen,
    MaxRequestHeadersLen,
    MaxRequestHeadersCount,
}

const KEY_COUNT: usize = 13;

const KEYS: [(&[u8], Key); KEY_COUNT] = [
    (b"origins", Key::Origins),
    (b"credentials", Key::Credentials),
    (b"methods", Key::Methods),
    (b"request-headers", Key::RequestHeaders),
    (b"exposed-headers", Key::ExposedHeaders),
    (b"max-age", Key::MaxAge),
    (b"preflight-success-status", Key::PreflightSuccessStatus),
    (b"preflight-failure-status", Key::PreflightFailureStatus),
    (b"private-network", Key::PrivateNetwork),
    (b"allow-insecure-origins-with-credentials", Key::AllowInsecureOriginsWithCredentials),
    (b"max-origin-len", Key::MaxOriginLen),
    (b"max-request-headers-len", Key::MaxRequestHeadersLen),
    (b"max-request-headers-count", Key::MaxRequestHeadersCount),
];

impl Key {
    fn of_setting(setting: Setting) -> Option<Key> {
        Some(match setting {
            Setting::Origins => Key::Origins,
            Setting::Credentials => Key::Credentials,
            Setting::Methods => Key::Methods,
            Setting::RequestHeaders => Key::RequestHeaders,
            Setting::ExposedHeaders => Key::ExposedHeaders,
            Setting::MaxAge => Key::MaxAge,
            Setting::PreflightSuccessStatus => Key::PreflightSuccessStatus,
            Setting::PreflightFailureStatus => Key::PreflightFailureStatus,
            Setting::MaxOriginLen => Key::MaxOriginLen,
            Setting::MaxRequestHeadersLen => Key::MaxRequestHeadersLen,
            Setting::MaxRequestHeadersCount => Key::MaxRequestHeadersCount,
            Setting::Storage => return None,
        })
    }

    const fn is_list(self) -> bool {
        matches!(self, Key::Origins | Key::Methods | Key::RequestHeaders | Key::ExposedHeaders)
    }

    /// How many entries the core takes in this list: the entry past it is where `TooManyEntries` points.
    const fn capacity(self) -> usize {
        match self {
            Key::Origins => MAX_ORIGINS,
            Key::Methods => MAX_METHODS,
            _ => MAX_HEADER_NAMES,
        }
    }
}

const fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Printable ASCII or TAB: everything a line may hold.
const fn is_allowed(b: u8) -> bool {
    matches!(b, b'\t' | 0x20..=0x7e)
}

/// One line of the text, without its LF or the CR of a CRLF.
#[derive(Clone, Copy)]
struct RawLine<'t> {
    number: u32,
    bytes: &'t [u8],
}

/// The lines of a text: split at LF, a CR before the LF dropped; a last line without LF counts, an empty
/// piece after the last LF does not.
#[derive(Clone)]
struct Lines<'t> {
    rest: &'t [u8],
    number: u32,
}

impl<'t> Iterator for Lines<'t> {
    type Item = RawLine<'t>;

    fn next(&mut self) -> Option<RawLine<'t>> {
        if self.rest.is_empty() {
            return None;
        }
        self.number = self.number.saturating_add(1);
        let bytes = match self.rest.iter().position(|&b| b == b'\n') {
            Some(lf) => {
                let (line, rest) = self.rest.split_at_checked(lf).unwrap_or((self.rest, &[]));
                self.rest = rest.get(1..).unwrap_or(&[]);
                line.strip_suffix(b"\r").unwrap_or(line)
            }
            None => core::mem::take(&mut self.rest),
        };
        Some(RawLine { number: self.number, bytes })
    }
}

fn lines(text: &[u8]) -> Lines<'_> {
    Lines { rest: text, number: 0 }
}

/// The part of `bytes[from..to]` without blanks at either end, and its offset in `bytes` (`to` when it is
/// empty, where a missing value was expected).
fn trimmed(bytes: &[u8], from: usize, to: usize) -> (usize, &[u8]) {
    let part = bytes.get(from..to).unwrap_or(&[]);
    let Some(start) = part.iter().position(|&b| !is_blank(b)) else {
        return (to, &[]);
    };
    let end = part.iter().rposition(|&b| !is_blank(b)).map_or(start, |e| e.wrapping_add(1));
    (from.wrapping_add(start), part.get(start..end).unwrap_or(&[]))
}

/// A `key = value` line.
#[derive(Clone, Copy)]
struct Assignment<'t> {
    line: u32,
    key: Key,
    key_offset: usize,
    value: &'t [u8],
    value_offset: usize,
}

impl<'t> Assignment<'t> {
    /// The comma-separated elements of the value with their offsets in the line, empty ones included.
    fn elements(&self) -> Elements<'t> {
        Elements { value: self.value, at: 0, base: self.value_offset, done: false }
    }
}

/// Reads one line: `None` for a blank line or a comment.
fn read_line(line: RawLine<'_>) -> Result<Option<Assignment<'_>>, PolicyFileError> {
    let bytes = line.bytes;
    let error = |offset, kind| PolicyFileError::syntax(line.number, offset, kind);
    if let Some(at) = bytes.iter().position(|&b| !is_allowed(b)) {
        return Err(error(at, SyntaxError::InvalidByte));
    }
    let Some(first) = bytes.iter().position(|&b| !is_blank(b)) else {
        return Ok(None);
    };
    if bytes.get(first) == Some(&b'#') {
        return Ok(None);
    }
    let Some(equals) = bytes.iter().position(|&b| b == b'=') else {
        return Err(error(first, SyntaxError::MissingEquals));
    };
    let (key_offset, name) = trimmed(bytes, 0, equals);
    if name.is_empty() {
        return Err(error(equals, SyntaxError::EmptyKey));
    }
    let Some(&(_, key)) = KEYS.iter().find(|(known, _)| *known == name) else {
        return Err(error(key_offset, SyntaxError::UnknownKey));
    };
    let (value_offset, value) = trimmed(bytes, equals.wrapping_add(1), bytes.len());
    if value.is_empty() {
        return Err(error(value_offset, SyntaxError::EmptyValue));
    }
    Ok(Some(Assignment { line: line.number, key, key_offset, value, value_offset }))
}

/// The settings of a text whose lines are known to be well formed (they were parsed before): every error
/// already surfaced in [`PolicyFile::parse`].
fn assignments(text: &[u8]) -> impl Iterator<Item = Assignment<'_>> {
    lines(text).filter_map(|line| read_line(line).ok().flatten())
}

/// The elements of a list value, each trimmed of blanks, with its offset in the line.
struct Elements<'t> {
    value: &'t [u8],
    at: usize,
    base: usize,
    done: bool,
}

impl<'t> Iterator for Elements<'t> {
    type Item = (&'t [u8], usize);

    fn next(&mut self) -> Option<(&'t [u8], usize)> {
        if self.done {
            return None;
        }
        let rest = self.value.get(self.at..).unwrap_or(&[]);
        let end = match rest.iter().position(|&b| b == b',') {
            Some(comma) => self.at.wrapping_add(comma),
            None => {
                self.done = true;
                self.value.len()
            }
        };
        let (offset, element) = trimmed(self.value, self.at, end);
        self.at = end.wrapping_add(1);
        Some((element, self.base.wrapping_add(offset)))
    }
}

fn as_str(bytes: &[u8]) -> &str {
    // Every byte was checked to be printable ASCII, so this never falls back.
    core::str::from_utf8(bytes).unwrap_or("")
}

/// What a list key of names has seen: how many names, whether the first is `authorization`, and `*`. The
/// names themselves stay in the text until the policy is built, so a parsed file is small to move around.
#[derive(Clone, Copy, Debug)]
struct NameList {
    count: usize,
    first_is_authorization: bool,
    /// `*` was given; `Some(true)` with `authorization` too.
    any: Option<bool>,
}

impl NameList {
    const fn new() -> Self {
        NameList { count: 0, first_is_authorization: false, any: None }
    }

    fn add(&mut self, name: &[u8], authorization_allowed: bool) -> Result<(), SyntaxError> {
        let is_authorization = authorization_allowed && eq_ignore_case(name, b"authorization");
        match (self.any, name == b"*") {
            (None, false) => {
                self.first_is_authorization |= self.count == 0 && is_authorization;
                self.count = self.count.saturating_add(1);
            }
            (None, true) if self.count == 0 => self.any = Some(false),
            (None, true) if self.count == 1 && self.first_is_authorization => {
                self.count = 0;
                self.any = Some(true);
            }
            (Some(false), false) if is_authorization => self.any = Some(true),
            _ => return Err(SyntaxError::WildcardMixed),
        }
        Ok(())
    }
}

/// The names of a list key, for the core: one more than it takes is kept, so that the core itself refuses a
/// list that is too long, at the point of its checks where it refuses a `PolicyConfig`'s.
type Names<'t, const N: usize> = Vec<&'t str, N>;

/// A parsed policy file: every setting read and its syntax checked, the policy not yet validated. Build it
/// with [`build_into`](Self::build_into) (caller storage), [`Policy::from_file`] (a `FixedPolicy`) or, with the
/// `alloc` feature, `OwnedPolicy::from_file`.
///
/// Nothing is copied out of the text: the names and origins are counted and checked, and read from the text
/// again when the policy is built. So a parsed file is a few hundred bytes, whatever the text.
///
/// ```
/// use corsguard::{FixedPolicy, PolicyFile, PolicyFileErrorKind, Request, SyntaxError};
///
/// let text = b"\
/// ## corsguard policy
/// origins = https://app.example.com
/// origins = https://*.staging.example.com, http://localhost:*
/// credentials = true
/// methods = GET, HEAD, POST, PUT, DELETE
/// request-headers = content-type, authorization
/// exposed-headers = x-request-id
/// max-age = 600
/// ";
/// let file = PolicyFile::parse(text).expect("a well-formed file");
/// assert_eq!(file.origin_count(), 3);
/// assert_eq!(file.storage_len(), corsguard::storage_len_for_file(text).unwrap());
///
/// // Or in one step: parse and build into a policy whose origin table holds 256 bytes.
/// let policy = FixedPolicy::<256>::from_file(text).expect("a valid policy");
/// let decision = policy.decide(&Request {
///     method: b"OPTIONS",
///     origin: &[b"https://pr-7.staging.example.com"],
///     request_method: &[b"PUT"],
///     request_headers: &[b"authorization"],
///     ..Request::default()
/// });
/// assert!(decision.is_allowed());
///
/// // Errors say where: line 2, column 14 is `GET`, a name beside `*`.
/// let error = PolicyFile::parse(b"origins = https://a.example\nmethods = *, GET\n").unwrap_err();
/// assert_eq!((error.line, error.column), (2, 14));
/// assert_eq!(error.kind, PolicyFileErrorKind::Syntax(SyntaxError::WildcardMixed));
/// assert_eq!(
///     error.to_string(),
///     "line 2, column 14: corsguard policy file syntax error 10: \"*\" stands for the whole list: write it \
///      alone (request-headers also takes \"*, authorization\")",
/// );
///
/// // Policy errors are the core's, pointing at the entry: the second origin of line 1.
/// let error = FixedPolicy::<256>::from_file(b"origins = https://a.example, http://b.example\ncredentials = true")
///     .unwrap_err();
/// assert_eq!((error.line, error.column), (1, 30));
/// let policy_error = error.policy_error().unwrap();
/// assert_eq!(policy_error.kind, corsguard::PolicyErrorKind::InsecureOriginWithCredentials);
/// assert_eq!(policy_error.index, Some(1));
/// ```
#[derive(Clone, Debug)]
pub struct PolicyFile<'t> {
    text: &'t [u8],
    /// Every single-valued setting; its lists are replaced by the file's when the policy is built.
    base: PolicyConfig<'static>,
    methods: NameList,
    request_headers: NameList,
    exposed_headers: NameList,
    origin_count: usize,
    origin_text_len: usize,
    /// Where each key first appears, as (line, column); (0, 0) when it does not.
    first_seen: [(u32, u32); KEY_COUNT],
}

impl<'t> PolicyFile<'t> {
    /// Reads every line of `text` and checks its syntax. The policy it describes is validated when it is
    /// built: parsing only refuses text that is not a policy file.
    pub fn parse(text: &'t [u8]) -> Result<Self, PolicyFileError> {
        let mut file = PolicyFile {
            text,
            base: PolicyConfig::new(&[]),
            methods: NameList::new(),
            request_headers: NameList::new(),
            exposed_headers: NameList::new(),
            origin_count: 0,
            origin_text_len: 0,
            first_seen: [(0, 0); KEY_COUNT],
        };
        for line in lines(text) {
            if let Some(assignment) = read_line(line)? {
                file.set(&assignment)?;
            }
        }
        Ok(file)
    }

    fn set(&mut self, a: &Assignment<'t>) -> Result<(), PolicyFileError> {
        let error = |offset, kind| PolicyFileError::syntax(a.line, offset, kind);
        let seen = self.first_seen.get_mut(a.key as usize).ok_or(error(a.key_offset, SyntaxError::UnknownKey))?;
        if seen.0 != 0 && !a.key.is_list() {
            return Err(error(a.key_offset, SyntaxError::RepeatedKey));
        }
        if seen.0 == 0 {
            *seen = (a.line, column_of(a.key_offset));
        }
        if a.key.is_list() {
            for (element, offset) in a.elements() {
                if element.is_empty() {
                    return Err(error(offset, SyntaxError::EmptyListElement));
                }
                let added = match a.key {
                    Key::Origins => {
                        self.origin_count = self.origin_count.saturating_add(1);
                        self.origin_text_len = self.origin_text_len.saturating_add(element.len());
                        Ok(())
                    }
                    Key::Methods => self.methods.add(element, false),
                    Key::RequestHeaders => self.request_headers.add(element, true),
                    _ => self.exposed_headers.add(element, false),
                };
                added.map_err(|kind| error(offset, kind))?;
            }
            return Ok(());
        }
        let flag = || match a.value {
            b"true" => Ok(true),
            b"false" => Ok(false),
            _ => Err(error(a.value_offset, SyntaxError::BadBoolean)),
        };
        let number = || {
            let bad = error(a.value_offset, SyntaxError::BadNumber);
            a.value.iter().try_fold(0u32, |n, &b| {
                let digit = b.checked_sub(b'0').filter(|d| *d <= 9).ok_or(bad)?;
                n.checked_mul(10).and_then(|n| n.checked_add(u32::from(digit))).ok_or(bad)
            })
        };
        // Out-of-range values are kept out of range, for the core to refuse with its own error.
        let status = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
        let cap = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        let config = &mut self.base;
        match a.key {
            Key::Credentials => config.credentials = flag()?,
            Key::MaxAge if a.value == b"none" => config.max_age = None,
            Key::MaxAge => config.max_age = Some(number()?),
            Key::PreflightSuccessStatus => config.preflight_success_status = status(number()?),
            Key::PreflightFailureStatus => config.preflight_failure_status = status(number()?),
            Key::PrivateNetwork => config.private_network = flag()?,
            Key::AllowInsecureOriginsWithCredentials => config.allow_insecure_origins_with_credentials = flag()?,
            Key::MaxOriginLen => config.max_origin_len = cap(number()?),
            Key::MaxRequestHeadersLen => config.max_request_headers_len = cap(number()?),
            Key::MaxRequestHeadersCount => config.max_request_headers_count = cap(number()?),
            Key::Origins | Key::Methods | Key::RequestHeaders | Key::ExposedHeaders => {}
        }
        Ok(())
    }

    /// How many origins the file lists (over all its `origins` lines).
    pub const fn origin_count(&self) -> usize {
        self.origin_count
    }

    /// How many bytes of storage the policy's origin table takes: the least `N` for which
    /// [`FixedPolicy<N>::from_file`](Policy::from_file) can hold it, as [`storage_len`](crate::storage_len)
    /// says for a [`PolicyConfig`].
    pub const fn storage_len(&self) -> usize {
        storage_len_for(self.origin_count, self.origin_text_len)
    }

    /// The names a list key gives, in file order (none when it is `*`), up to the vector's capacity.
    fn names<const N: usize>(&self, key: Key, list: &NameList, names: &mut Names<'t, N>) {
        if list.any.is_some() {
            return;
        }
        let listed = assignments(self.text).filter(|a| a.key == key).flat_map(|a| a.elements().map(|(e, _)| e));
        for name in listed.take(N) {
            let _ = names.push(as_str(name));
        }
    }

    /// Validates the policy and builds it, as [`Settings::build_into`] does for a [`PolicyConfig`]: the
    /// settings in place into `settings`, the origin table into `storage` (at least
    /// [`storage_len`](Self::storage_len) bytes). On an error `settings` allows nothing.
    pub fn build_into(&self, settings: &mut Settings, storage: &mut [u8]) -> Result<(), PolicyFileError> {
        // The names are gathered here, on this frame only, rather than kept in the parsed file.
        let mut methods: Names<'t, { MAX_METHODS + 1 }> = Vec::new();
        let mut request_headers: Names<'t, { MAX_HEADER_NAMES + 1 }> = Vec::new();
        let mut exposed_headers: Names<'t, { MAX_HEADER_NAMES + 1 }> = Vec::new();
        self.names(Key::Methods, &self.methods, &mut methods);
        self.names(Key::RequestHeaders, &self.request_headers, &mut request_headers);
        self.names(Key::ExposedHeaders, &self.exposed_headers, &mut exposed_headers);
        let config = PolicyConfig {
            origins: &[],
            methods: match self.methods.any {
                Some(_) => Methods::Any,
                None if self.key_at(Key::Methods).0 == 0 => self.base.methods,
                None => Methods::List(&methods),
            },
            request_headers: match self.request_headers.any {
                Some(false) => RequestHeaders::Any,
                Some(true) => RequestHeaders::AnyWithAuthorization,
                None => RequestHeaders::List(&request_headers),
            },
            exposed_headers: match self.exposed_headers.any {
                Some(_) => ExposedHeaders::Any,
                None => ExposedHeaders::List(&exposed_headers),
            },
            ..self.base
        };
        settings.build_with_origins(&config, self, storage).map_err(|error| self.locate(error))
    }

    /// The policy error with the line and column of what it is about.
    fn locate(&self, error: PolicyError) -> PolicyFileError {
        let key = Key::of_setting(error.setting);
        let (line, column) = match (key, error.index) {
            (Some(key), Some(index)) => self.element_at(key, index),
            (Some(key), None) if error.kind == PolicyErrorKind::TooManyEntries => self.element_at(key, key.capacity()),
            (Some(key), None) => self.key_at(key),
            (None, _) => (0, 0),
        };
        PolicyFileError { line, column, kind: PolicyFileErrorKind::Policy(error) }
    }

    fn key_at(&self, key: Key) -> (u32, u32) {
        self.first_seen.get(key as usize).copied().unwrap_or((0, 0))
    }

    /// Where the `index`th element of a list key is (counting over all its lines), or else its first line.
    fn element_at(&self, key: Key, index: usize) -> (u32, u32) {
        assignments(self.text)
            .filter(|a| a.key == key)
            .flat_map(|a| a.elements().map(move |(_, offset)| (a.line, column_of(offset))))
            .nth(index)
            .unwrap_or_else(|| self.key_at(key))
    }
}

impl OriginSource for PolicyFile<'_> {
    fn count_and_text_len(&self) -> (usize, usize) {
        (self.origin_count, self.origin_text_len)
    }

    fn entries(&self) -> impl Iterator<Item = &[u8]> {
        assignments(self.text).filter(|a| a.key == Key::Origins).flat_map(|a| a.elements().map(|(e, _)| e))
    }
}

/// How many bytes of storage the origin table of the policy in `text` takes (see
/// [`PolicyFile::storage_len`]), or the file's syntax error.
///
/// ```
/// let text = b"origins = https://app.example.com, https://*.example.org\n";
/// assert_eq!(corsguard::storage_len_for_file(text), Ok(4 * 8 + 23 + 21));
/// ```
pub fn storage_len_for_file(text: &[u8]) -> Result<usize, PolicyFileError> {
    PolicyFile::parse(text).map(|file| file.storage_len())
}

impl<const N: usize> Policy<[u8; N]> {
    /// Parses a policy file and builds its policy, as [`build`](Self::build) does for a [`PolicyConfig`];
    /// a file whose origin table does not fit in `N` bytes is refused with
    /// [`PolicyErrorKind::StorageTooSmall`] (see [`storage_len_for_file`]). The policy borrows nothing from
    /// `text`. See [`PolicyFile`] for an example.
    pub fn from_file(text: &[u8]) -> Result<Self, PolicyFileError> {
        let file = PolicyFile::parse(text)?;
        let mut storage = [0u8; N];
        let mut settings = Settings::empty();
        file.build_into(&mut settings, &mut storage)?;
        Ok(Policy { settings, storage })
    }
}

#[cfg(feature = "alloc")]
impl Policy<alloc::boxed::Box<[u8]>> {
    /// Parses a policy file and builds its policy with storage of exactly the size it needs. The policy
    /// borrows nothing from `text`, which may be dropped afterwards.
    ///
    /// ```
    /// use corsguard::OwnedPolicy;
    /// let text = std::string::String::from("origins = *\nmethods = *\n");
    /// let policy = OwnedPolicy::from_file(text.as_bytes()).unwrap();
    /// drop(text);
    /// assert!(policy.allows_any_origin());
    /// ```
    pub fn from_file(text: &[u8]) -> Result<Self, PolicyFileError> {
        let file = PolicyFile::parse(text)?;
        let mut storage = alloc::vec![0u8; file.storage_len()].into_boxed_slice();
        let mut settings = Settings::empty();
        file.build_into(&mut settings, &mut storage)?;
        Ok(Policy { settings, storage })
    }
}
