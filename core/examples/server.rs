//! A real HTTP/1.1 server (std only, one thread per connection) guarded by corsguard under the built-in demo
//! policy. It reads raw request bytes, hands the CORS header lines to `Policy::decide`, answers preflights
//! itself and adds the decision's headers to every other response — the shape of an embedded integration.
//!
//! `cargo run -p corsguard --example server -- --demo` starts it on an ephemeral loopback port, sends it a set
//! of real HTTP requests over TCP, prints each exchange and exits. Without `--demo` it serves on
//! 127.0.0.1:8080 (or the address given) until stopped: try
//! `curl -si -H 'Origin: https://app.example.com' http://127.0.0.1:8080/api`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use corsguard::{ExposedHeaders, FixedPolicy, Methods, Policy, PolicyConfig, Request, RequestHeaders};

static DEMO_POLICY: PolicyConfig<'static> = PolicyConfig {
    credentials: true,
    methods: Methods::List(&["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    request_headers: RequestHeaders::List(&["content-type", "authorization", "x-request-id"]),
    exposed_headers: ExposedHeaders::List(&["x-request-id"]),
    max_age: Some(600),
    ..PolicyConfig::new(&["https://app.example.com", "https://*.staging.example.com", "http://localhost:*"])
};

const MAX_HEAD: usize = 16 * 1024;

/// The request head: method and every header line as raw bytes.
struct Head {
    method: Vec<u8>,
    target: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
}

fn read_head(stream: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut line = Vec::new();
    let mut total = 0;
    let mut read_line = |line: &mut Vec<u8>| -> Option<()> {
        line.clear();
        let n = stream.by_ref().take((MAX_HEAD - total) as u64).read_until(b'\n', line).ok()?;
        total += n;
        if n == 0 || !line.ends_with(b"\n") {
            return None;
        }
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
        Some(())
    };
    read_line(&mut line)?;
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next()?.to_vec();
    let target = parts.next()?.to_vec();
    let mut headers = Vec::new();
    loop {
        read_line(&mut line)?;
        if line.is_empty() {
            break;
        }
        let colon = line.iter().position(|&b| b == b':')?;
        let name = line[..colon].to_ascii_lowercase();
        headers.push((name, line[colon + 1..].to_vec()));
    }
    Some(Head { method, target, headers })
}

fn lines<'h>(head: &'h Head, name: &[u8]) -> Vec<&'h [u8]> {
    head.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_slice()).collect()
}

fn serve(policy: &Policy, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    let Some(head) = read_head(&mut reader) else {
        let _ = writer.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let (origin, acrm, acrh, acrpn) = (
        lines(&head, b"origin"),
        lines(&head, b"access-control-request-method"),
        lines(&head, b"access-control-request-headers"),
        lines(&head, b"access-control-request-private-network"),
    );
    let decision = policy.decide(&Request {
        method: &head.method,
        origin: &origin,
        request_method: &acrm,
        request_headers: &acrh,
        request_private_network: &acrpn,
    });
    let mut cors = [0u8; 1024];
    let Ok(cors_len) = decision.headers().write_to(&mut cors) else {
        let _ = writer.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let cors = &cors[..cors_len];
    let mut response = Vec::new();
    if decision.answer_now() {
        let status = decision.status().unwrap_or(204);
        let text = if decision.is_allowed() { "No Content" } else { "Forbidden" };
        write!(response, "HTTP/1.1 {status} {text}\r\n").ok();
        response.extend_from_slice(cors);
        response.extend_from_slice(b"Content-Length: 0\r\nConnection: close\r\n\r\n");
    } else {
        // The application's own response; CORS only adds headers (a denial just omits them).
        let body = format!("{{\"path\":\"{}\"}}\n", String::from_utf8_lossy(&head.target).escape_default());
        response.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: demo-1\r\n");
        response.extend_from_slice(cors);
        write!(response, "Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).ok();
    }
    if let Some(reason) = decision.reason() {
        eprintln!("  [server] denied [{}] {reason}", reason.code());
    }
    let _ = writer.write_all(&response);
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
    let requests: &[(&str, String)] = &[
        ("simple GET from the app", "GET /api HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n\r\n".into()),
        (
            "preflight for PUT with a bearer token",
            "OPTIONS /api HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization,content-type\r\n\r\n".into(),
        ),
        ("GET from a staging subdomain", "GET /api HTTP/1.1\r\nHost: api\r\nOrigin: https://pr-7.staging.example.com\r\n\r\n".into()),
        ("GET from an attacker's lookalike", "GET /api HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com.evil.net\r\n\r\n".into()),
        (
            "preflight asking for a header the policy does not list",
            "OPTIONS /api HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-debug\r\n\r\n".into(),
        ),
        ("same-origin GET (no Origin)", "GET /api HTTP/1.1\r\nHost: api\r\n\r\n".into()),
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

fn main() {
    // A fixed-capacity policy: its origin table lives inside it (512 bytes; `storage_len` says the least).
    let policy = match FixedPolicy::<512>::build(&DEMO_POLICY) {
        Ok(policy) => policy,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo_mode = args.iter().any(|a| a == "--demo");
    let bind = if demo_mode {
        "127.0.0.1:0".to_string()
    } else {
        args.first().cloned().unwrap_or_else(|| "127.0.0.1:8080".into())
    };
    let listener = match TcpListener::bind(&bind) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {bind}: {e}");
            std::process::exit(2);
        }
    };
    std::thread::scope(|scope| {
        let server = listener.try_clone().expect("listener clone");
        let policy = &policy;
        scope.spawn(move || {
            for stream in server.incoming().flatten() {
                serve(policy, stream);
            }
        });
        if demo_mode {
            let result = demo(listener);
            match result {
                Ok(()) => std::process::exit(0),
                Err(e) => {
                    eprintln!("demo failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        println!("corsguard demo server on http://{bind} (Ctrl-C to stop)");
    });
}
