//! `corsguard._corsguard`: the compiled half of the Python package. It owns the crossing between Python and
//! the core: it reads a request's header lines straight out of Python objects (an ASGI scope, a WSGI environ,
//! or any iterable of pairs), calls `Policy::decide` once, and hands back the headers as Python objects.
//! Everything else (middleware, routing, logging) is pure Python in `python/corsguard/`.

use std::sync::Mutex;

use corsguard::{
    names, Decision, DenyReason, ExposedHeaders, Methods, OriginError, OwnedPolicy, PolicyConfig, PolicyError,
    PolicyFileError, PolicyFileErrorKind, Request, RequestHeaders, RequestKind,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use pyo3::{intern, IntoPyObjectExt};

/// Which of the four CORS request headers a line belongs to (its place in `Request`).
const ORIGIN: u8 = 0;
const REQUEST_METHOD: u8 = 1;
const REQUEST_HEADERS: u8 = 2;
const REQUEST_PRIVATE_NETWORK: u8 = 3;

/// The CORS request header a name is, ASCII case-insensitively; most names are ruled out by their length.
fn cors_header(name: &[u8]) -> Option<u8> {
    let (which, expected): (u8, &[u8]) = match name.len() {
        6 => (ORIGIN, b"origin"),
        29 => (REQUEST_METHOD, b"access-control-request-method"),
        30 => (REQUEST_HEADERS, b"access-control-request-headers"),
        38 => (REQUEST_PRIVATE_NETWORK, b"access-control-request-private-network"),
        _ => return None,
    };
    name.eq_ignore_ascii_case(expected).then_some(which)
}

/// The WSGI environ keys of the four headers (PEP 3333: `HTTP_` and the name uppercased, `-` as `_`).
const ENVIRON_KEYS: [(&str, u8); 4] = [
    ("HTTP_ORIGIN", ORIGIN),
    ("HTTP_ACCESS_CONTROL_REQUEST_METHOD", REQUEST_METHOD),
    ("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", REQUEST_HEADERS),
    ("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", REQUEST_PRIVATE_NETWORK),
];

/// Snake case of a `CamelCase` `Debug` spelling: the names the shared vectors and the Python API use.
fn snake(value: impl std::fmt::Debug) -> String {
    let camel = format!("{value:?}");
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn kind_name(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::NotCors => "not_cors",
        RequestKind::Actual => "actual",
        RequestKind::Preflight => "preflight",
    }
}

/// One header line's value, kept alive as a `bytes` object while the decision borrows it.
struct Line<'py> {
    which: u8,
    value: Bound<'py, PyBytes>,
}

/// The CORS lines of one request, in arrival order.
#[derive(Default)]
struct Lines<'py> {
    lines: Vec<Line<'py>>,
}

impl<'py> Lines<'py> {
    fn push(&mut self, which: u8, value: &Bound<'py, PyAny>) -> PyResult<()> {
        self.lines.push(Line { which, value: as_bytes(value)? });
        Ok(())
    }

    /// Groups the lines by header, each header's lines kept in arrival order (a stable sort of a few lines).
    fn group(&mut self) {
        self.lines.sort_by_key(|line| line.which);
    }

    /// Calls `f` with the core's `Request` over these lines, once they are grouped.
    fn with_request<R>(&self, options: bool, f: impl FnOnce(&Request<'_>) -> R) -> R {
        let slices: Vec<&[u8]> = self.lines.iter().map(|line| line.value.as_bytes()).collect();
        let mut bounds = [0usize; 5];
        for line in &self.lines {
            bounds[usize::from(line.which) + 1] += 1;
        }
        for i in 1..5 {
            bounds[i] += bounds[i - 1];
        }
        let part = |which: usize| &slices[bounds[which]..bounds[which + 1]];
        let request = Request {
            method: if options { b"OPTIONS" } else { b"" },
            origin: part(0),
            request_method: part(1),
            request_headers: part(2),
            request_private_network: part(3),
        };
        f(&request)
    }

    /// The line object whose bytes `value` lies in, and whether `value` is the whole of it.
    fn holding(&self, value: &[u8]) -> Option<(&Bound<'py, PyBytes>, bool)> {
        let start = value.as_ptr() as usize;
        self.lines.iter().find_map(|line| {
            let bytes = line.value.as_bytes();
            let at = bytes.as_ptr() as usize;
            (start >= at && start + value.len() <= at + bytes.len())
                .then_some((&line.value, start == at && value.len() == bytes.len()))
        })
    }
}

/// A header line's bytes: `bytes` as they are, `str` as UTF-8. (WSGI strings are Latin-1 decodings of the raw
/// bytes; an ASCII string has the same bytes either way, and a line with any other character is refused
/// whichever way it is encoded, since origins, methods and header names are ASCII: its bytes are never
/// echoed.) A string that is not valid Unicode (lone surrogates) becomes its `surrogatepass` bytes.
fn as_bytes<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.clone());
    }
    if let Ok(text) = value.cast::<PyString>() {
        return match text.encode_utf8() {
            Ok(bytes) => Ok(bytes),
            Err(_) => Ok(text.call_method1(intern!(value.py(), "encode"), ("utf-8", "surrogatepass"))?.cast_into()?),
        };
    }
    if let Ok(array) = value.cast::<pyo3::types::PyByteArray>() {
        return Ok(PyBytes::new(value.py(), &array.to_vec()));
    }
    Err(PyTypeError::new_err(format!("header names and values must be bytes or str, not {}", value.get_type().name()?)))
}

/// A WSGI environ value as the bytes the request carried: PEP 3333 hands header values over as native strings
/// holding each byte as one Latin-1 character (Django's `request.META` too, under WSGI and ASGI). ASCII, what
/// browsers send, is the same in UTF-8; anything else is encoded back to Latin-1, so that a byte >= 0x80 is one
/// byte for the byte caps, the checks and the reasons, as it was on the wire. A string with a character above
/// U+00FF (no server hands one over) is taken as UTF-8, which no check accepts either.
fn environ_bytes<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(text) = value.cast::<PyString>() {
        if let Ok(bytes) = text.encode_utf8() {
            if bytes.as_bytes().is_ascii() {
                return Ok(bytes);
            }
        }
        if let Ok(bytes) = text.call_method1(intern!(value.py(), "encode"), ("latin-1",)) {
            return Ok(bytes.cast_into()?);
        }
    }
    as_bytes(value)
}

fn is_options(method: &Bound<'_, PyAny>) -> PyResult<bool> {
    if let Ok(text) = method.cast::<PyString>() {
        return Ok(text.to_cow()? == "OPTIONS");
    }
    if let Ok(bytes) = method.cast::<PyBytes>() {
        return Ok(bytes.as_bytes() == b"OPTIONS");
    }
    Err(PyTypeError::new_err(format!("the method must be bytes or str, not {}", method.get_type().name()?)))
}

/// Why a request was denied, or what is wrong with its `Origin`: a stable code, a snake-case name and a
/// one-line message.
#[pyclass(module = "corsguard", frozen, eq, hash, skip_from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
struct Reason {
    #[pyo3(get)]
    code: u32,
    #[pyo3(get)]
    name: String,
    #[pyo3(get)]
    message: &'static str,
}

#[pymethods]
impl Reason {
    fn __repr__(&self) -> String {
        format!("Reason(code={}, name={:?}, message={:?})", self.code, self.name, self.message)
    }

    fn __str__(&self) -> &'static str {
        self.message
    }
}

impl From<DenyReason> for Reason {
    fn from(reason: DenyReason) -> Self {
        Reason { code: reason.code(), name: snake(reason), message: reason.message() }
    }
}

impl From<OriginError> for Reason {
    fn from(error: OriginError) -> Self {
        Reason { code: error.code(), name: snake(error), message: error.message() }
    }
}

/// The outcome of `Policy.decide`: an immutable copy of the core's decision.
#[pyclass(name = "Decision", module = "corsguard", frozen, skip_from_py_object)]
struct PyDecision {
    kind: RequestKind,
    allowed: bool,
    reason: Option<DenyReason>,
    origin_error: Option<OriginError>,
    status: Option<u16>,
    headers: Vec<(&'static str, Box<[u8]>)>,
}

impl PyDecision {
    fn copy(decision: &Decision<'_>) -> Self {
        PyDecision {
            kind: decision.kind(),
            allowed: decision.is_allowed(),
            reason: decision.reason(),
            origin_error: decision.origin_error(),
            status: decision.status(),
            headers: decision.headers().iter().map(|h| (h.name, Box::from(h.value))).collect(),
        }
    }
}

#[pymethods]
impl PyDecision {
    /// `"not_cors"`, `"actual"` or `"preflight"`.
    #[getter]
    fn kind(&self) -> &'static str {
        kind_name(self.kind)
    }

    #[getter]
    fn allowed(&self) -> bool {
        self.allowed
    }

    /// `"allowed"` or `"denied"`.
    #[getter]
    fn verdict(&self) -> &'static str {
        if self.allowed {
            "allowed"
        } else {
            "denied"
        }
    }

    #[getter]
    fn reason(&self) -> Option<Reason> {
        self.reason.map(Reason::from)
    }

    #[getter]
    fn origin_error(&self) -> Option<Reason> {
        self.origin_error.map(Reason::from)
    }

    #[getter]
    fn status(&self) -> Option<u16> {
        self.status
    }

    /// Whether the host answers now (every preflight), with `status`, `headers` and an empty body.
    #[getter]
    fn answer_now(&self) -> bool {
        self.kind == RequestKind::Preflight
    }

    /// The headers to add, as `(name, value)` strings in emission order (values are ASCII).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self.headers.iter().map(|(name, value)| (*name, String::from_utf8_lossy(value).into_owned()));
        PyList::new(py, items)
    }

    /// The same headers as `(name, value)` bytes, names lowercase (as ASGI sends them).
    #[getter]
    fn raw_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .headers
            .iter()
            .map(|(name, value)| (PyBytes::new(py, name.to_ascii_lowercase().as_bytes()), PyBytes::new(py, value)));
        PyList::new(py, items)
    }

    fn __repr__(&self) -> String {
        let reason = self.reason.map(snake).unwrap_or_else(|| "None".into());
        let status = self.status.map(|s| s.to_string()).unwrap_or_else(|| "None".into());
        let headers: Vec<String> =
            self.headers.iter().map(|(n, v)| format!("({n:?}, {:?})", String::from_utf8_lossy(v))).collect();
        format!(
            "Decision(kind={:?}, verdict={:?}, reason={reason}, status={status}, headers=[{}])",
            kind_name(self.kind),
            self.verdict(),
            headers.join(", ")
        )
    }
}

/// Header tuples whose values are the policy's own (prepared values and constants), made once per policy:
/// keyed by the value's address, which is stable for the policy's life, so the cache holds a few entries.
#[derive(Default)]
struct HeaderCache {
    entries: Vec<(usize, usize, usize, Py<PyTuple>)>,
}

impl HeaderCache {
    fn get<'py>(
        cache: &Mutex<HeaderCache>,
        py: Python<'py>,
        name: &'static str,
        value: &[u8],
        make: impl FnOnce() -> PyResult<Bound<'py, PyTuple>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let key = (name.as_ptr() as usize, value.as_ptr() as usize, value.len());
        // A poisoned lock only means another thread panicked while holding it: the entries are still valid.
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = cache.entries.iter().find(|e| (e.0, e.1, e.2) == key) {
            return Ok(entry.3.bind(py).clone());
        }
        let tuple = make()?;
        cache.entries.push((key.0, key.1, key.2, tuple.clone().unbind()));
        Ok(tuple)
    }
}

fn asgi_name(name: &'static str) -> &'static [u8] {
    match name {
        names::ALLOW_ORIGIN => b"access-control-allow-origin",
        names::ALLOW_CREDENTIALS => b"access-control-allow-credentials",
        names::ALLOW_METHODS => b"access-control-allow-methods",
        names::ALLOW_HEADERS => b"access-control-allow-headers",
        names::MAX_AGE => b"access-control-max-age",
        names::ALLOW_PRIVATE_NETWORK => b"access-control-allow-private-network",
        names::EXPOSE_HEADERS => b"access-control-expose-headers",
        _ => b"vary",
    }
}

/// A validated CORS policy. Immutable and thread-safe: build it once at start-up and share it.
#[pyclass(name = "Policy", module = "corsguard", frozen, skip_from_py_object)]
struct PyPolicy {
    policy: OwnedPolicy,
    asgi_cache: Mutex<HeaderCache>,
    wsgi_cache: Mutex<HeaderCache>,
}

/// A list setting as given: a list of names (where `*` is a literal name, which the core refuses), or one of
/// the wildcard strings: `"*"`, and for the request headers `"*+authorization"` (the shared vectors' spelling).
enum ListArg {
    Names(Vec<String>),
    Any,
    AnyWithAuthorization,
}

fn list_arg(value: Option<&Bound<'_, PyAny>>, setting: &str) -> PyResult<Option<ListArg>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_cow()?;
        return match &*text {
            "*" => Ok(Some(ListArg::Any)),
            "*+authorization" if setting == "request_headers" => Ok(Some(ListArg::AnyWithAuthorization)),
            _ => Err(PyTypeError::new_err(format!(
                "{setting} must be a list of names or \"*\"{}, not the string {text:?}",
                if setting == "request_headers" { " or \"*+authorization\"" } else { "" }
            ))),
        };
    }
    Ok(Some(ListArg::Names(strings(value, setting)?)))
}

fn strings(value: &Bound<'_, PyAny>, setting: &str) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!("{setting} must be a list of strings, not a single string")));
    }
    let mut out = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let text = item
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err(format!("every entry of {setting} must be a str")))?;
        out.push(text.to_cow()?.into_owned());
    }
    Ok(out)
}

/// An integer setting, mapped so that any value outside the core's type (negative, huge) still reaches the
/// core as a value it refuses with its own typed error.
fn int_setting<T: TryFrom<i128> + Copy>(value: &Bound<'_, PyAny>, setting: &str, out_of_range: T) -> PyResult<T> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!("{setting} must be an int, not a bool")));
    }
    let value: i128 = value
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{setting} must be an int")))
        .or_else(|e| if value.is_instance_of::<pyo3::types::PyInt>() { Ok(i128::MAX) } else { Err(e) })?;
    Ok(T::try_from(value).unwrap_or(out_of_range))
}

/// The Python `PolicyError` for a refused policy.
fn policy_error(py: Python<'_>, error: &PolicyError) -> PyErr {
    policy_error_with(py, error, None, error.to_string())
}

fn policy_error_with(py: Python<'_>, error: &PolicyError, location: Option<(u32, u32)>, message: String) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import(intern!(py, "corsguard._errors"))?.getattr(intern!(py, "PolicyError"))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", error.code())?;
        kwargs.set_item("kind", snake(error.kind))?;
        kwargs.set_item("setting", error.setting.name())?;
        kwargs.set_item("index", error.index)?;
        kwargs.set_item("origin_error", error.origin_error.map(snake))?;
        if let Some((line, column)) = location {
            kwargs.set_item("line", line)?;
            kwargs.set_item("column", column)?;
        }
        let exception = class.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exception))
    };
    build().unwrap_or_else(|e| e)
}

/// The Python exception for a refused policy file: `PolicySyntaxError` for text that is not a policy file,
/// `PolicyError` for a policy the core refuses, both with the line and column.
fn policy_file_error(py: Python<'_>, error: &PolicyFileError) -> PyErr {
    let location = Some((error.line, error.column));
    match error.kind {
        PolicyFileErrorKind::Policy(policy) => policy_error_with(py, &policy, location, error.to_string()),
        PolicyFileErrorKind::Syntax(syntax) => {
            let build = || -> PyResult<PyErr> {
                let class = py.import(intern!(py, "corsguard._errors"))?.getattr(intern!(py, "PolicySyntaxError"))?;
                let kwargs = PyDict::new(py);
                kwargs.set_item("code", syntax.code())?;
                kwargs.set_item("kind", snake(syntax))?;
                kwargs.set_item("line", error.line)?;
                kwargs.set_item("column", error.column)?;
                Ok(PyErr::from_value(class.call((error.to_string(),), Some(&kwargs))?))
            };
            build().unwrap_or_else(|e| e)
        }
    }
}

impl PyPolicy {
    fn wrap(policy: OwnedPolicy) -> Self {
        PyPolicy { policy, asgi_cache: Mutex::default(), wsgi_cache: Mutex::default() }
    }

    /// The ASGI form of a decision's headers: a tuple of `(name, value)` bytes pairs, names lowercase.
    fn asgi_headers<'py>(
        &self,
        py: Python<'py>,
        decision: &Decision<'_>,
        lines: &Lines<'py>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let mut items: Vec<Bound<'py, PyTuple>> = Vec::with_capacity(8);
        for header in decision.headers() {
            let name = asgi_name(header.name);
            let item = match lines.holding(header.value) {
                // The request's own bytes (the allowed origin, an echoed method or header list): the line's
                // object itself when the value is all of it, which it is unless the line had outer blanks.
                Some((line, true)) => PyTuple::new(py, [PyBytes::new(py, name).into_any(), line.clone().into_any()])?,
                Some((_, false)) => PyTuple::new(py, [PyBytes::new(py, name), PyBytes::new(py, header.value)])?,
                None => HeaderCache::get(&self.asgi_cache, py, header.name, header.value, || {
                    PyTuple::new(py, [PyBytes::new(py, name), PyBytes::new(py, header.value)])
                })?,
            };
            items.push(item);
        }
        PyTuple::new(py, items)
    }

    /// The WSGI form: a list of `(name, value)` native strings, names spelled as the Fetch standard does.
    fn wsgi_headers<'py>(
        &self,
        py: Python<'py>,
        decision: &Decision<'_>,
        lines: &Lines<'py>,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for header in decision.headers() {
            // Every value is ASCII (origins, tokens, digits), so UTF-8 is its Latin-1 too.
            let text = || String::from_utf8_lossy(header.value).into_owned();
            let item = match lines.holding(header.value) {
                Some(_) => PyTuple::new(py, [header.name.to_owned(), text()])?,
                None => HeaderCache::get(&self.wsgi_cache, py, header.name, header.value, || {
                    PyTuple::new(py, [header.name.to_owned(), text()])
                })?,
            };
            list.append(item)?;
        }
        Ok(list)
    }

    /// What the middleware needs from one decision: `(status, headers, decision)`, with `status` 0 unless the
    /// request is a preflight to answer now, and the `Decision` object only when it is asked for or denied.
    fn outcome<'py>(
        &self,
        py: Python<'py>,
        decision: &Decision<'_>,
        headers: Bound<'py, PyAny>,
        full: bool,
        log: bool,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let status = if decision.answer_now() { decision.status().unwrap_or(0) } else { 0 };
        let object = if full || (log && !decision.is_allowed()) {
            Bound::new(py, PyDecision::copy(decision))?.into_any()
        } else {
            py.None().into_bound(py)
        };
        PyTuple::new(py, [status.into_bound_py_any(py)?, headers, object])
    }
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (
        origins,
        *,
        credentials = false,
        methods = None,
        request_headers = None,
        exposed_headers = None,
        max_age = None,
        preflight_success_status = None,
        preflight_failure_status = None,
        private_network = false,
        allow_insecure_origins_with_credentials = false,
        max_origin_len = None,
        max_request_headers_len = None,
        max_request_headers_count = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        origins: &Bound<'_, PyAny>,
        credentials: bool,
        methods: Option<&Bound<'_, PyAny>>,
        request_headers: Option<&Bound<'_, PyAny>>,
        exposed_headers: Option<&Bound<'_, PyAny>>,
        max_age: Option<&Bound<'_, PyAny>>,
        preflight_success_status: Option<&Bound<'_, PyAny>>,
        preflight_failure_status: Option<&Bound<'_, PyAny>>,
        private_network: bool,
        allow_insecure_origins_with_credentials: bool,
        max_origin_len: Option<&Bound<'_, PyAny>>,
        max_request_headers_len: Option<&Bound<'_, PyAny>>,
        max_request_headers_count: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let origins = strings(origins, "origins")?;
        let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
        let mut config = PolicyConfig {
            credentials,
            private_network,
            allow_insecure_origins_with_credentials,
            ..PolicyConfig::new(&origins)
        };

        let methods = list_arg(methods, "methods")?;
        config.methods = match &methods {
            None => config.methods,
            // (list_arg gives AnyWithAuthorization for request_headers only.)
            Some(ListArg::Any | ListArg::AnyWithAuthorization) => Methods::Any,
            // Set below, once the borrowed names exist.
            Some(ListArg::Names(_)) => config.methods,
        };
        let request_headers = list_arg(request_headers, "request_headers")?;
        let request_header_names: Vec<&str>;
        config.request_headers = match &request_headers {
            None => config.request_headers,
            Some(ListArg::Any) => RequestHeaders::Any,
            Some(ListArg::AnyWithAuthorization) => RequestHeaders::AnyWithAuthorization,
            Some(ListArg::Names(names)) => {
                request_header_names = names.iter().map(String::as_str).collect();
                RequestHeaders::List(&request_header_names)
            }
        };
        let exposed = list_arg(exposed_headers, "exposed_headers")?;
        let exposed_names: Vec<&str>;
        config.exposed_headers = match &exposed {
            None => config.exposed_headers,
            Some(ListArg::Any | ListArg::AnyWithAuthorization) => ExposedHeaders::Any,
            Some(ListArg::Names(names)) => {
                exposed_names = names.iter().map(String::as_str).collect();
                ExposedHeaders::List(&exposed_names)
            }
        };
        let method_names: Vec<&str>;
        if let Some(ListArg::Names(names)) = &methods {
            method_names = names.iter().map(String::as_str).collect();
            config.methods = Methods::List(&method_names);
        }
        if let Some(value) = max_age.filter(|v| !v.is_none()) {
            config.max_age = Some(int_setting(value, "max_age", u32::MAX)?);
        }
        if let Some(value) = preflight_success_status {
            config.preflight_success_status = int_setting(value, "preflight_success_status", 0)?;
        }
        if let Some(value) = preflight_failure_status {
            config.preflight_failure_status = int_setting(value, "preflight_failure_status", 0)?;
        }
        if let Some(value) = max_origin_len {
            config.max_origin_len = int_setting(value, "max_origin_len", 0)?;
        }
        if let Some(value) = max_request_headers_len {
            config.max_request_headers_len = int_setting(value, "max_request_headers_len", 0)?;
        }
        if let Some(value) = max_request_headers_count {
            config.max_request_headers_count = int_setting(value, "max_request_headers_count", 0)?;
        }
        let policy = OwnedPolicy::build(&config).map_err(|e| policy_error(py, &e))?;
        Ok(PyPolicy::wrap(policy))
    }

    /// Builds a policy from the text of a policy file (docs/policy-file.md), `str` or `bytes`.
    #[staticmethod]
    fn from_text(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes = as_bytes(text).map_err(|_| PyTypeError::new_err("the policy text must be str or bytes"))?;
        OwnedPolicy::from_file(bytes.as_bytes()).map(PyPolicy::wrap).map_err(|e| policy_file_error(py, &e))
    }

    /// Reads and builds a policy file. A file that cannot be read raises `OSError`.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let text = std::fs::read(&path)?;
        OwnedPolicy::from_file(&text).map(PyPolicy::wrap).map_err(|e| policy_file_error(py, &e))
    }

    /// Whether credentials are allowed.
    #[getter]
    fn credentials(&self) -> bool {
        self.policy.credentials()
    }

    /// Whether every origin is allowed (`origins=["*"]`).
    #[getter]
    fn allows_any_origin(&self) -> bool {
        self.policy.allows_any_origin()
    }

    /// How many entries the origin list has.
    #[getter]
    fn origin_count(&self) -> usize {
        self.policy.origin_count()
    }

    /// Decides one request from its method and raw header lines: an iterable of `(name, value)` pairs, bytes
    /// or str, repeated names kept in order. Only the four CORS request headers are read.
    fn decide(&self, py: Python<'_>, method: &Bound<'_, PyAny>, headers: &Bound<'_, PyAny>) -> PyResult<PyDecision> {
        let options = is_options(method)?;
        let mut lines = Lines::default();
        for pair in headers.try_iter()? {
            let pair = pair?;
            let (name, value) = match pair.cast::<PyTuple>() {
                Ok(tuple) if tuple.len() == 2 => (tuple.get_item(0)?, tuple.get_item(1)?),
                _ => {
                    let mut items = pair.try_iter()?;
                    let mut next = || -> PyResult<Bound<'_, PyAny>> {
                        items.next().ok_or_else(|| PyTypeError::new_err("each header must be a (name, value) pair"))?
                    };
                    let (name, value) = (next()?, next()?);
                    if items.next().is_some() {
                        return Err(PyTypeError::new_err("each header must be a (name, value) pair"));
                    }
                    (name, value)
                }
            };
            if let Some(which) = cors_header(as_bytes(&name)?.as_bytes()) {
                lines.push(which, &value)?;
            }
        }
        let _ = py;
        lines.group();
        Ok(lines.with_request(options, |request| PyDecision::copy(&self.policy.decide(request))))
    }

    /// The ASGI middleware's call: decides from `scope["method"]` and `scope["headers"]` and returns
    /// `(status, headers, decision)`; see `outcome`.
    #[pyo3(signature = (scope, full = false, log = true))]
    fn _asgi<'py>(
        &self,
        py: Python<'py>,
        scope: &Bound<'py, PyDict>,
        full: bool,
        log: bool,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = match scope.get_item(intern!(py, "method"))? {
            Some(method) => is_options(&method)?,
            None => false,
        };
        let mut lines = Lines::default();
        if let Some(headers) = scope.get_item(intern!(py, "headers"))? {
            let mut read = |pair: Bound<'py, PyAny>| -> PyResult<()> {
                let (name, value) = match pair.cast::<PyTuple>() {
                    Ok(tuple) if tuple.len() == 2 => (tuple.get_item(0)?, tuple.get_item(1)?),
                    _ => (pair.get_item(0)?, pair.get_item(1)?),
                };
                let which = match name.cast::<PyBytes>() {
                    Ok(name) => cors_header(name.as_bytes()),
                    Err(_) => cors_header(as_bytes(&name)?.as_bytes()),
                };
                if let Some(which) = which {
                    lines.push(which, &value)?;
                }
                Ok(())
            };
            match headers.cast::<PyList>() {
                Ok(list) => list.iter().try_for_each(&mut read)?,
                Err(_) => headers.try_iter()?.try_for_each(|pair| read(pair?))?,
            }
        }
        lines.group();
        lines.with_request(options, |request| {
            let decision = self.policy.decide(request);
            let headers = self.asgi_headers(py, &decision, &lines)?;
            self.outcome(py, &decision, headers.into_any(), full, log)
        })
    }

    /// The WSGI and Django middleware's call: decides from a WSGI environ (or Django's `request.META`), whose
    /// repeated header lines the server has already joined with commas.
    #[pyo3(signature = (environ, full = false, log = true))]
    fn _wsgi<'py>(
        &self,
        py: Python<'py>,
        environ: &Bound<'py, PyDict>,
        full: bool,
        log: bool,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = match environ.get_item(intern!(py, "REQUEST_METHOD"))? {
            Some(method) => is_options(&method)?,
            None => false,
        };
        let mut lines = Lines::default();
        for (key, which) in ENVIRON_KEYS {
            if let Some(value) = environ.get_item(PyString::intern(py, key))? {
                lines.lines.push(Line { which, value: environ_bytes(&value)? });
            }
        }
        lines.group();
        lines.with_request(options, |request| {
            let decision = self.policy.decide(request);
            let headers = self.wsgi_headers(py, &decision, &lines)?;
            self.outcome(py, &decision, headers.into_any(), full, log)
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<corsguard.Policy: {} origin{}{}>",
            if self.policy.allows_any_origin() { "any".to_string() } else { self.policy.origin_count().to_string() },
            if self.policy.origin_count() == 1 { "" } else { "s" },
            if self.policy.credentials() { ", credentials" } else { "" }
        )
    }
}

#[pymodule]
fn _corsguard(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyDecision>()?;
    m.add_class::<Reason>()?;
    m.add("MAX_ORIGIN_LEN", corsguard::MAX_ORIGIN_LEN)?;
    Ok(())
}
