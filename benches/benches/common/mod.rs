//! The tower-http side of every case, and the http-types glue for corsguard: the same policy as a `CorsLayer`
//! around an application that answers at once, and the same request as an `http::Request`.
//! Included with `#[path]` by each bench, test and example, since tower-http is a dev-dependency only.
#![allow(dead_code)]

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use corsguard::{names, Policy};
use corsguard_benches::{Case, Expect, PolicyShape, RequestSpec, EXPOSED_HEADERS, MAX_AGE, METHODS, REQUEST_HEADERS};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Cors, CorsLayer, ExposeHeaders};
use tower_layer::Layer;
use tower_service::Service;

/// The application behind the CORS layer: answers every request at once with an empty 200, so that what is
/// measured is the layer.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmptyApp;

impl Service<Request<()>> for EmptyApp {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: Request<()>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

/// Exact origins and subdomain suffixes, looked up in hash sets: the fastest predicate a tower-http user can
/// reasonably write, so that its figures are not inflated by a naive scan.
struct OriginSet {
    exact: HashSet<Box<[u8]>>,
    suffixes: HashSet<Box<[u8]>>,
}

impl OriginSet {
    fn new(origins: &[String]) -> Self {
        let boxed = |s: &str| s.as_bytes().to_vec().into_boxed_slice();
        OriginSet {
            exact: origins.iter().filter(|o| !o.contains('*')).map(|o| boxed(o)).collect(),
            suffixes: origins.iter().filter_map(|o| o.strip_prefix("https://*")).map(boxed).collect(),
        }
    }

    /// `https://` origins only, no port (every benchmark pattern is `https://*.domain`), label-wise.
    fn allows(&self, origin: &[u8]) -> bool {
        if self.exact.contains(origin) {
            return true;
        }
        let Some(host) = origin.strip_prefix(b"https://") else {
            return false;
        };
        if host.contains(&b':') || host.contains(&b'/') {
            return false;
        }
        host.iter()
            .enumerate()
            .any(|(i, &b)| b == b'.' && i > 0 && host[i - 1] != b'.' && self.suffixes.contains(&host[i..]))
    }
}

/// The tower-http equivalent of [`corsguard_benches::config`] for `shape`, whose origin list is `origins`.
/// Exact-only policies use tower-http's own `AllowOrigin::list`; policies with patterns need a predicate,
/// backed by hash sets.
pub fn tower_layer(shape: PolicyShape, origins: &[String]) -> CorsLayer {
    let allow_origin = match shape {
        PolicyShape::Exact(_) => {
            AllowOrigin::list(origins.iter().map(|o| HeaderValue::from_str(o).expect("valid origin")))
        }
        PolicyShape::Baseline | PolicyShape::Patterns(_) => {
            let set = OriginSet::new(origins);
            AllowOrigin::predicate(move |origin: &HeaderValue, _| set.allows(origin.as_bytes()))
        }
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_credentials(true)
        .allow_methods(AllowMethods::list(METHODS.iter().map(|m| Method::from_bytes(m.as_bytes()).expect("method"))))
        .allow_headers(AllowHeaders::list(REQUEST_HEADERS.iter().map(|h| HeaderName::from_static(h))))
        .expose_headers(ExposeHeaders::list(EXPOSED_HEADERS.iter().map(|h| HeaderName::from_static(h))))
        .max_age(Duration::from_secs(u64::from(MAX_AGE)))
}

/// The layer around [`EmptyApp`], ready to call.
pub fn tower_service(shape: PolicyShape) -> Cors<EmptyApp> {
    tower_layer(shape, &shape.origins()).layer(EmptyApp)
}

/// The same request as an `http::Request`, each header line appended in order.
pub fn http_request(spec: &RequestSpec) -> Request<()> {
    let mut request = Request::new(());
    *request.method_mut() = Method::from_bytes(spec.method.as_bytes()).expect("method");
    let headers = request.headers_mut();
    let lines = [
        (header::ORIGIN, &spec.origin),
        (header::ACCESS_CONTROL_REQUEST_METHOD, &spec.request_method),
        (header::ACCESS_CONTROL_REQUEST_HEADERS, &spec.request_headers),
    ];
    for (name, values) in lines {
        for value in values {
            headers.append(name.clone(), HeaderValue::from_bytes(value).expect("valid header value"));
        }
    }
    request
}

/// One call through the layer, as a server drives it: `poll_ready`, `call`, then one poll of the response
/// future (the application is always ready, so one poll always completes).
#[inline]
pub fn tower_once(service: &mut Cors<EmptyApp>, request: Request<()>) -> Response<()> {
    let mut cx = Context::from_waker(Waker::noop());
    match service.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        _ => panic!("EmptyApp is always ready"),
    }
    let future = pin!(service.call(request));
    match future.poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        _ => panic!("tower-http did not answer in one poll"),
    }
}

/// Panics unless tower-http answers as expected: the allowed cases must carry `Access-Control-Allow-Origin`.
pub fn check_tower(case: &Case, service: &mut Cors<EmptyApp>) {
    let response = tower_once(service, http_request(&case.request));
    let allowed = response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    match case.expect {
        Expect::Allowed => assert!(allowed, "tower-http {}/{}: expected allowed", case.group, case.name),
        Expect::Denied => {
            // tower-http checks only the origin; it leaves methods and headers for the browser to compare.
            let origin_denied_here = case.request.request_method.is_empty();
            if origin_denied_here {
                assert!(!allowed, "tower-http {}/{}: expected denied", case.group, case.name);
            }
        }
    }
}

fn http_name(name: &str) -> HeaderName {
    match name {
        names::ALLOW_ORIGIN => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        names::ALLOW_CREDENTIALS => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        names::ALLOW_METHODS => header::ACCESS_CONTROL_ALLOW_METHODS,
        names::ALLOW_HEADERS => header::ACCESS_CONTROL_ALLOW_HEADERS,
        names::MAX_AGE => header::ACCESS_CONTROL_MAX_AGE,
        names::EXPOSE_HEADERS => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        names::VARY => header::VARY,
        other => HeaderName::from_bytes(other.as_bytes()).expect("corsguard names are valid"),
    }
}

/// corsguard with tower-http's input and output types: reads the CORS lines of an `http::Request`'s header
/// map, decides, and appends the answer to an `http::Response`, as a hand-written layer would. Lines past
/// the first 16 of a header are not passed on (a real layer would deny); no benchmark request has that many.
pub fn corsguard_http<S: ?Sized + AsRef<[u8]>>(policy: &Policy<S>, request: &Request<()>) -> Response<()> {
    fn lines<'h, const N: usize>(headers: &'h http::HeaderMap, name: HeaderName, out: &mut [&'h [u8]; N]) -> usize {
        let mut n = 0;
        for (slot, value) in out.iter_mut().zip(headers.get_all(name)) {
            *slot = value.as_bytes();
            n += 1;
        }
        n
    }
    let headers = request.headers();
    let mut origin = [&[][..]; 2];
    let mut method = [&[][..]; 2];
    let mut acrh = [&[][..]; 16];
    let n_origin = lines(headers, header::ORIGIN, &mut origin);
    let n_method = lines(headers, header::ACCESS_CONTROL_REQUEST_METHOD, &mut method);
    let n_acrh = lines(headers, header::ACCESS_CONTROL_REQUEST_HEADERS, &mut acrh);
    let cors = corsguard::Request {
        method: request.method().as_str().as_bytes(),
        origin: &origin[..n_origin],
        request_method: &method[..n_method],
        request_headers: &acrh[..n_acrh],
        request_private_network: &[],
    };
    let decision = policy.decide(&cors);
    let mut response = Response::new(());
    if let Some(status) = decision.status() {
        *response.status_mut() = StatusCode::from_u16(status).expect("corsguard statuses are valid");
    }
    let out = response.headers_mut();
    for h in decision.headers() {
        out.append(http_name(h.name), HeaderValue::from_bytes(h.value).expect("corsguard values are valid"));
    }
    response
}
