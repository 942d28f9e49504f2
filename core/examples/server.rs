//! A real HTTP/1.1 server (std only, one thread per connection, keep-alive) guarded by corsguard. It reads raw
//! request bytes, hands the CORS header lines to `Policy::decide`, answers preflights itself and adds the
//! decision's headers to every other response (error pages too), appending to the application's own `Vary`.
//!
//! - `cargo run -p corsguard --example server -- --policy cors.policy --port 8080` serves the end-to-end routes
//!   (docs/e2e.md) on 127.0.0.1:8080 under the policy file until stopped (SIGTERM or Ctrl-C). Try
//!   `curl -si -H 'Origin: https://app.example.com' http://127.0.0.1:8080/api/items`.
//! - `cargo run -p corsguard --example server -- --demo` starts it on an ephemeral loopback port under a
//!   built-in policy, sends it a set of real HTTP requests over TCP, prints each exchange and exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use corsguard::{ExposedHeaders, Methods, OwnedPolicy, Policy, PolicyConfig, Request, RequestHeaders};

static DEMO_POLICY: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::List(&["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    request_headers: RequestHeaders::List(&["content-type", "authorization", "x-request-id"]),
    exposed_headers: ExposedHeaders::List(&["x-request-id"]),
    max_age: Some(600),
    ..PolicyConfig::new(&["https://app.example.com", "https://*.staging.example.com", "http://localhost:*"])
};

/// The largest request head (request line and header lines) read; a longer one is answered 431.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body read (and discarded); the routes take no input.
const MAX_BODY: usize = 1024 * 1024;

/// The request head: method, target and every header line (name lowercased, value as sent).
struct Head {
    method: Vec<u8>,
    target: Vec<u8>,
    http10: bool,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Head {
    fn lines(&self, name: &[u8]) -> Vec<&[u8]> {
        self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_slice()).collect()
    }

    /// Whether the client asks to close after this exchange (HTTP/1.0 without keep-alive, or `close`).
    fn wants_close(&self) -> bool {
        let tokens = |t: &str| {
            self.lines(b"connection")
                .iter()
                .any(|v| v.split(|&b| b == b',').any(|token| token.trim_ascii().eq_ignore_ascii_case(t.as_bytes())))
        };
        if self.http10 {
            !tokens("keep-alive")
        } else {
            tokens("close")
        }
    }
}

enum HeadError {
    /// The peer closed or went quiet before a request began: no answer.
    Gone,
    Malformed,
    TooLarge,
}

fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Head, HeadError> {
    let mut total = 0;
    let mut line = Vec::new();
    let mut read_line = |line: &mut Vec<u8>| -> Result<(), HeadError> {
        line.clear();
        let limit = (MAX_HEAD - total) as u64;
        let n = reader.by_ref().take(limit).read_until(b'\n', line).map_err(|_| HeadError::Gone)?;
        total += n;
        if n == 0 {
            return Err(HeadError::Gone);
        }
        if !line.ends_with(b"\n") {
            return Err(if total >= MAX_HEAD { HeadError::TooLarge } else { HeadError::Gone });
        }
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
        Ok(())
    };
    read_line(&mut line)?;
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if method.is_empty() || !version.starts_with(b"HTTP/1.") {
        return Err(HeadError::Malformed);
    }
    let mut head =
        Head { method: method.to_vec(), target: target.to_vec(), http10: version == b"HTTP/1.0", headers: vec![] };
    loop {
        read_line(&mut line)?;
        if line.is_empty() {
            return Ok(head);
        }
        // The field value without the blanks around it (RFC 9110 5.5: they are not part of it). The core
        // would trim them too, but it counts them toward its byte cap for Access-Control-Request-Headers.
        let colon = line.iter().position(|&b| b == b':').ok_or(HeadError::Malformed)?;
        if colon == 0 || line[..colon].iter().any(|&b| b == b' ' || b == b'\t') {
            return Err(HeadError::Malformed);
        }
        head.headers.push((line[..colon].to_ascii_lowercase(), ows_trimmed(&line[colon + 1..]).to_vec()));
    }
}

/// `value` without the spaces and tabs around it (`trim_ascii` would take form feeds as well).
fn ows_trimmed(value: &[u8]) -> &[u8] {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !blank(b)).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !blank(b)).map_or(start, |e| e + 1);
    &value[start..end]
}

/// The application: the routes of docs/e2e.md. Returns status, extra headers and body.
fn route(method: &[u8], target: &[u8]) -> (u16, Vec<(&'static str, String)>, String) {
    let (path, query) = match target.iter().position(|&b| b == b'?') {
        Some(q) => (&target[..q], &target[q + 1..]),
        None => (target, &b""[..]),
    };
    let json = ("Content-Type", "application/json".to_string());
    let request_id = ("X-Request-Id", "42".to_string());
    match path {
        b"/api/items" if method == b"GET" || method == b"HEAD" => (
            200,
            vec![json, request_id, ("X-Total-Count", "3".into()), ("Vary", "Accept-Encoding".into())],
            "{\"items\":[1,2,3]}".into(),
        ),
        b"/api/echo" => {
            let method = String::from_utf8_lossy(method).escape_default().to_string();
            (200, vec![json, request_id], format!("{{\"method\":\"{method}\"}}"))
        }
        b"/api/error" => (500, vec![json], "{\"error\":\"boom\"}".into()),
        b"/api/redirect" => {
            let to = query.split(|&b| b == b'&').find_map(|pair| pair.strip_prefix(b"to=")).map(percent_decode);
            match to {
                Some(to) if !to.contains(&b'\r') && !to.contains(&b'\n') => {
                    (302, vec![json, ("Location", String::from_utf8_lossy(&to).into_owned())], "{}".into())
                }
                _ => (400, vec![json], "{\"error\":\"to= is missing\"}".into()),
            }
        }
        _ => (404, vec![json], "{\"error\":\"not found\"}".into()),
    }
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1).and_then(|&b| hex(b)), s.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Answers one request; returns false when the connection must close afterwards.
fn respond(policy: &Policy<impl AsRef<[u8]>>, head: &Head, writer: &mut TcpStream, close: bool) -> bool {
    let (origin, acrm, acrh, acrpn) = (
        head.lines(b"origin"),
        head.lines(b"access-control-request-method"),
        head.lines(b"access-control-request-headers"),
        head.lines(b"access-control-request-private-network"),
    );
    let decision = policy.decide(&Request {
        method: &head.method,
        origin: &origin,
        request_method: &acrm,
        request_headers: &acrh,
        request_private_network: &acrpn,
    });
    if let Some(reason) = decision.reason() {
        eprintln!("server: denied [{}] {reason}", reason.code());
    }
    let (status, mut app_headers, body) = if decision.answer_now() {
        // A preflight never reaches the application: the decision's status, its headers, no body.
        (decision.status().unwrap_or(204), vec![], String::new())
    } else {
        route(&head.method, &head.target)
    };
    let mut response = Vec::new();
    write!(response, "HTTP/1.1 {status} {}\r\n", reason_phrase(status)).ok();
    // The decision's Vary is appended to the application's own, never put in its place.
    let app_vary = app_headers.iter().position(|(n, _)| *n == "Vary").map(|i| app_headers.remove(i).1);
    for (name, value) in &app_headers {
        write!(response, "{name}: {value}\r\n").ok();
    }
    let mut vary = app_vary.map(String::into_bytes).unwrap_or_default();
    for h in decision.headers().iter() {
        if h.name.eq_ignore_ascii_case("Vary") {
            if !vary.is_empty() {
                vary.extend_from_slice(b", ");
            }
            vary.extend_from_slice(h.value);
        } else {
            for part in [h.name.as_bytes(), b": ", h.value, b"\r\n"] {
                response.extend_from_slice(part);
            }
        }
    }
    if !vary.is_empty() {
        for part in [&b"Vary: "[..], &vary, b"\r\n"] {
            response.extend_from_slice(part);
        }
    }
    write!(response, "Content-Length: {}\r\n", body.len()).ok();
    response.extend_from_slice(if close { b"Connection: close\r\n\r\n" } else { b"Connection: keep-alive\r\n\r\n" });
    if head.method != b"HEAD" {
        response.extend_from_slice(body.as_bytes());
    }
    writer.write_all(&response).is_ok() && !close
}

fn serve(policy: &Policy<impl AsRef<[u8]>>, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let head = match read_head(&mut reader) {
            Ok(head) => head,
            Err(HeadError::Gone) => return,
            Err(e) => {
                // Not read, so not decided: no CORS headers.
                let answer: &[u8] = match e {
                    HeadError::TooLarge => b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
                    _ => b"HTTP/1.1 400 Bad Request\r\n",
                };
                let _ = writer.write_all(answer);
                let _ = writer.write_all(b"Content-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
        };
        // The request body (the routes ignore it) is read and dropped so the next request starts clean.
        let length =
            head.lines(b"content-length").first().map(|v| std::str::from_utf8(v).map(|s| s.trim().parse::<usize>()));
        let chunked = !head.lines(b"transfer-encoding").is_empty();
        let length = match length {
            None if !chunked => 0,
            Some(Ok(Ok(n))) if n <= MAX_BODY && !chunked => n,
            _ => {
                let _ = writer.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
        };
        if std::io::copy(&mut reader.by_ref().take(length as u64), &mut std::io::sink()).ok() != Some(length as u64) {
            return;
        }
        if !respond(policy, &head, &mut writer, head.wants_close()) {
            return;
        }
    }
}

fn exchange(addr: std::net::SocketAddr, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(String::from_utf8_lossy(&response).into_owned())
}

fn demo(listener: TcpListener) -> Result<(), String> {
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let head = "Host: api\r\nConnection: close\r\n";
    let requests: &[(&str, String)] = &[
        ("simple GET from the app", format!("GET /api/items HTTP/1.1\r\n{head}Origin: https://app.example.com\r\n\r\n")),
        (
            "preflight for PUT with a bearer token",
            format!("OPTIONS /api/items HTTP/1.1\r\n{head}Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization,content-type\r\n\r\n"),
        ),
        ("GET from a staging subdomain", format!("GET /api/items HTTP/1.1\r\n{head}Origin: https://pr-7.staging.example.com\r\n\r\n")),
        ("GET from an attacker's lookalike", format!("GET /api/items HTTP/1.1\r\n{head}Origin: https://app.example.com.evil.net\r\n\r\n")),
        (
            "preflight asking for a header the policy does not list",
            format!("OPTIONS /api/items HTTP/1.1\r\n{head}Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-debug\r\n\r\n"),
        ),
        ("same-origin GET (no Origin)", format!("GET /api/items HTTP/1.1\r\n{head}\r\n")),
    ];
    let mut failures = 0;
    for (title, request) in requests {
        let response = exchange(addr, request).map_err(|e| e.to_string())?;
        let head = response.split("\r\n\r\n").next().unwrap_or_default();
        println!("== {title}\n{}", indent(request.trim_end(), "> "));
        println!("{}\n", indent(head, "< "));
        if !head.starts_with("HTTP/1.1 ") {
            failures += 1;
        }
    }
    if failures > 0 {
        return Err(format!("{failures} exchanges got no HTTP response"));
    }
    println!("{} real HTTP exchanges with a corsguard-guarded server on {addr}", requests.len());
    Ok(())
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("   {prefix}{l}")).collect::<Vec<_>>().join("\n")
}

/// The policy of a policy file (docs/servers.md), sized at run time.
fn load_policy(path: &str) -> Result<OwnedPolicy, String> {
    let text = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    OwnedPolicy::from_file(&text).map_err(|e| format!("{path}: {e}"))
}

fn usage() -> ! {
    eprintln!("usage: server --policy FILE --port N   (serve on 127.0.0.1:N until stopped)\n       server --demo");
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (policy, bind, demo_mode) = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--demo"] => (OwnedPolicy::build(&DEMO_POLICY).map_err(|e| e.to_string()), "127.0.0.1:0".to_string(), true),
        ["--policy", file, "--port", port] | ["--port", port, "--policy", file] => {
            let Ok(port) = port.parse::<u16>() else { usage() };
            (load_policy(file), format!("127.0.0.1:{port}"), false)
        }
        _ => usage(),
    };
    let policy = policy.unwrap_or_else(|e| {
        eprintln!("server: {e}");
        std::process::exit(2);
    });
    let listener = TcpListener::bind(&bind).unwrap_or_else(|e| {
        eprintln!("server: cannot listen on {bind}: {e}");
        std::process::exit(2);
    });
    std::thread::scope(|scope| {
        let server = listener.try_clone().expect("listener clone");
        let policy = &policy;
        scope.spawn(move || {
            for stream in server.incoming().flatten() {
                scope.spawn(move || serve(policy, stream));
            }
        });
        if demo_mode {
            match demo(listener) {
                Ok(()) => std::process::exit(0),
                Err(e) => {
                    eprintln!("demo failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        eprintln!("server: corsguard-guarded server on http://{bind} (SIGTERM or Ctrl-C to stop)");
    });
}
