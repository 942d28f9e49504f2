/* An HTTP/1.1 responder written the way firmware writes one: single-threaded, every buffer static and bounded,
 * its own request parser, and corsguard's policy built once at start into a static buffer, from a
 * `static const corsguard_config` or from a policy file read into a static buffer. scripts/test-embedded.sh
 * drives it with curl over loopback; the end-to-end suite (tests/e2e) with the shared vectors and Chromium.
 *
 * It is linked with --wrap=malloc,calloc,realloc,free onto wrappers that abort: an allocation by corsguard
 * (or by this file) ends the process, and the test with it.
 *
 * usage: responder --port N [--policy FILE]   (listens on 127.0.0.1:N until killed; without --policy, under
 *                                              cors_config below)
 *
 * Routes (those of every e2e server): GET/HEAD /api/items, any method on /api/echo, /api/error (500),
 * /api/redirect?to=URL (302), anything else 404. A denied request that is not a preflight also gets
 * `X-Corsguard-Denied: REASON ORIGIN_ERROR` (the two codes), for the tests.
 *
 * What it does not do, by design (the e2e suite holds it to exactly this, fail closed):
 * - a request head over REQUEST_MAX (8 KiB) is answered 431 with no CORS headers;
 * - more than LINES_MAX (32) lines of one header corsguard reads is answered 400 with no CORS headers;
 * - every response ends the connection (Connection: close): a single-threaded responder must not be held by
 *   an idle keep-alive client. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "corsguard.h"

/* --- no allocator ------------------------------------------------------------------------------------------ */

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static void no_allocator(const char *what) {
    static const char prefix[] = "responder: an allocation reached ";
    (void)!write(2, prefix, sizeof prefix - 1);
    (void)!write(2, what, strlen(what));
    (void)!write(2, "\n", 1);
    abort();
}

void *__wrap_malloc(size_t size) {
    (void)size;
    no_allocator("malloc");
    return NULL;
}

void *__wrap_calloc(size_t count, size_t size) {
    (void)count;
    (void)size;
    no_allocator("calloc");
    return NULL;
}

void *__wrap_realloc(void *p, size_t size) {
    (void)p;
    (void)size;
    no_allocator("realloc");
    return NULL;
}

void __wrap_free(void *p) {
    (void)p;
    no_allocator("free");
}

/* --- the policy: constant data, built once into static memory ---------------------------------------------- */

static const corsguard_slice allowed_origins[] = {
    CORSGUARD_SLICE("https://app.example.com"),
    CORSGUARD_SLICE("https://*.example.com"),
    CORSGUARD_SLICE("http://localhost:*"),
};
static const corsguard_slice allowed_methods[] = {
    CORSGUARD_SLICE("GET"), CORSGUARD_SLICE("HEAD"), CORSGUARD_SLICE("POST"),
    CORSGUARD_SLICE("PUT"), CORSGUARD_SLICE("DELETE"),
};
static const corsguard_slice allowed_request_headers[] = {
    CORSGUARD_SLICE("content-type"),
    CORSGUARD_SLICE("x-request-id"),
};
static const corsguard_slice exposed_headers[] = {
    CORSGUARD_SLICE("x-request-id"),
};

static const corsguard_config cors_config = {
    .origins = allowed_origins,
    .origin_count = sizeof allowed_origins / sizeof allowed_origins[0],
    .credentials = true,
    .methods_mode = CORSGUARD_MODE_LIST,
    .methods = allowed_methods,
    .method_count = sizeof allowed_methods / sizeof allowed_methods[0],
    .request_headers_mode = CORSGUARD_MODE_LIST,
    .request_headers = allowed_request_headers,
    .request_header_count = sizeof allowed_request_headers / sizeof allowed_request_headers[0],
    .exposed_headers_mode = CORSGUARD_MODE_LIST,
    .exposed_headers = exposed_headers,
    .exposed_header_count = sizeof exposed_headers / sizeof exposed_headers[0],
    .has_max_age = true,
    .max_age = 600,
    .private_network = true,
};

/* corsguard_policy_size says what cors_config needs; start-up checks that it fits. */
static uint64_t policy_mem[8192 / sizeof(uint64_t)];
static const corsguard_policy *policy;

/* A policy file is read whole into this buffer; the policy built from it no longer needs the text. */
#define POLICY_FILE_MAX 16384
static uint8_t policy_text[POLICY_FILE_MAX];

/* --- requests and responses: fixed buffers ----------------------------------------------------------------- */

#define REQUEST_MAX 8192
#define RESPONSE_MAX 8192
#define LINES_MAX CORSGUARD_MAX_HEADER_LINES

static uint8_t request_buf[REQUEST_MAX];
static uint8_t response_buf[RESPONSE_MAX];
static size_t response_len;

/* Every line of the four headers corsguard reads, in arrival order, pointing into request_buf. */
typedef struct {
    corsguard_slice lines[LINES_MAX];
    size_t count;
    bool overflow;
} header_lines;

static header_lines origin, request_method, request_headers, request_private_network;

static void log_line(const char *a, const char *b) {
    (void)!write(2, a, strlen(a));
    (void)!write(2, b, strlen(b));
    (void)!write(2, "\n", 1);
}

static void append(const void *p, size_t n) {
    if (n > RESPONSE_MAX - response_len) {
        n = RESPONSE_MAX - response_len; /* cannot happen with the bodies below; truncation shows in the test */
    }
    memcpy(response_buf + response_len, p, n);
    response_len += n;
}

static void append_text(const char *s) {
    append(s, strlen(s));
}

/* Writes v in decimal to out (no NUL) and returns the number of digits. */
static size_t decimal(char out[24], unsigned long v) {
    char reversed[24];
    size_t n = 0, i;
    do {
        reversed[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++) {
        out[i] = reversed[n - 1 - i];
    }
    return n;
}

/* Copies s to buf at len (the caller sized buf) and returns the new length. */
static size_t copy_text(char *buf, size_t len, const char *s) {
    size_t n = strlen(s);
    memcpy(buf + len, s, n);
    return len + n;
}

static void log_number(const char *label, size_t v) {
    char digits[25];
    digits[decimal(digits, v)] = 0;
    log_line(label, digits);
}

static void append_number(unsigned long v) {
    char digits[24];
    append(digits, decimal(digits, v));
}

static const char *status_text(unsigned status) {
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Status";
    }
}

static void status_line(unsigned status) {
    response_len = 0;
    append_text("HTTP/1.1 ");
    append_number(status);
    append_text(" ");
    append_text(status_text(status));
    append_text("\r\n");
}

static void finish(const char *body, bool send_body) {
    size_t len = strlen(body);
    if (len > 0) {
        append_text("Content-Type: application/json\r\n");
    }
    append_text("Content-Length: ");
    append_number(len);
    append_text("\r\nConnection: close\r\n\r\n");
    if (send_body) {
        append(body, len);
    }
}

/* A response to a request this responder could not read: no CORS decision was made, so no CORS headers. */
static void refuse(unsigned status, const char *why) {
    status_line(status);
    finish(why, true);
}

/* --- parsing ----------------------------------------------------------------------------------------------- */

static bool same_name(const uint8_t *p, size_t n, const char *lower) {
    size_t i;
    if (n != strlen(lower)) {
        return false;
    }
    for (i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c + ('a' - 'A'));
        }
        if (c != (uint8_t)lower[i]) {
            return false;
        }
    }
    return true;
}

static bool is_tchar(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void keep(header_lines *h, const uint8_t *value, size_t len) {
    if (h->count == LINES_MAX) {
        h->overflow = true;
        return;
    }
    h->lines[h->count].ptr = value;
    h->lines[h->count].len = len;
    h->count++;
}

/* Splits request_buf[0..len) (ending with the blank line) into the request line and header lines. Returns 0,
 * or the status to refuse the request with. */
static unsigned parse(size_t len, corsguard_slice *method, corsguard_slice *target) {
    size_t at = 0, end, i, sp1 = 0, sp2 = 0;
    origin.count = request_method.count = request_headers.count = request_private_network.count = 0;
    origin.overflow = request_method.overflow = request_headers.overflow = request_private_network.overflow = false;

    for (end = 0; end + 1 < len && !(request_buf[end] == '\r' && request_buf[end + 1] == '\n'); end++) {
    }
    for (i = 0; i < end; i++) {
        if (request_buf[i] == ' ') {
            if (sp1 == 0) {
                sp1 = i;
            } else if (sp2 == 0) {
                sp2 = i;
            } else {
                return 400;
            }
        } else if (request_buf[i] < 0x21 || request_buf[i] == 0x7f) {
            return 400;
        }
    }
    if (sp1 == 0 || sp2 <= sp1 + 1 || end - sp2 != 9 || memcmp(request_buf + sp2 + 1, "HTTP/1.", 7) != 0) {
        return 400;
    }
    for (i = 0; i < sp1; i++) {
        if (!is_tchar(request_buf[i])) {
            return 400;
        }
    }
    method->ptr = request_buf;
    method->len = sp1;
    target->ptr = request_buf + sp1 + 1;
    target->len = sp2 - sp1 - 1;

    for (at = end + 2; at + 1 < len; at = end + 2) {
        size_t colon = 0, v, w;
        for (end = at; end + 1 < len && !(request_buf[end] == '\r' && request_buf[end + 1] == '\n'); end++) {
            if (request_buf[end] == '\r' || request_buf[end] == '\n' || request_buf[end] == 0) {
                return 400; /* bare CR, bare LF or NUL inside a line */
            }
            if (request_buf[end] == ':' && colon == 0) {
                colon = end;
            }
        }
        if (end == at) {
            return 0; /* the blank line */
        }
        if (colon == 0 || colon == at) {
            return 400; /* no name (this also refuses obsolete line folding: a line starting with a space) */
        }
        for (i = at; i < colon; i++) {
            if (!is_tchar(request_buf[i])) {
                return 400;
            }
        }
        for (v = colon + 1; v < end && (request_buf[v] == ' ' || request_buf[v] == '\t'); v++) {
        }
        for (w = end; w > v && (request_buf[w - 1] == ' ' || request_buf[w - 1] == '\t'); w--) {
        }
        if (same_name(request_buf + at, colon - at, "origin")) {
            keep(&origin, request_buf + v, w - v);
        } else if (same_name(request_buf + at, colon - at, "access-control-request-method")) {
            keep(&request_method, request_buf + v, w - v);
        } else if (same_name(request_buf + at, colon - at, "access-control-request-headers")) {
            keep(&request_headers, request_buf + v, w - v);
        } else if (same_name(request_buf + at, colon - at, "access-control-request-private-network")) {
            keep(&request_private_network, request_buf + v, w - v);
        }
    }
    return 400;
}

/* --- the application ------------------------------------------------------------------------------------ */

static bool equals(corsguard_slice s, const char *text) {
    return s.len == strlen(text) && memcmp(s.ptr, text, s.len) == 0;
}

static int hex_digit(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The application's answer to a request that is not a preflight: status, its own header lines (each ending in
 * CRLF) and body, all static or in static buffers. */
typedef struct {
    unsigned status;
    const char *headers;
    const char *body;
} app_response;

static app_response route(corsguard_slice method, corsguard_slice target) {
    static char headers[1200];
    static char body[96];
    app_response r = {404, "", "{\"error\":\"not found\"}"};
    corsguard_slice path = target;
    size_t q, i, len;

    for (q = 0; q < target.len && target.ptr[q] != '?'; q++) {
    }
    path.len = q;
    if (equals(path, "/api/items") && (equals(method, "GET") || equals(method, "HEAD"))) {
        r.status = 200;
        r.headers = "X-Request-Id: 42\r\nX-Total-Count: 3\r\nVary: Accept-Encoding\r\n";
        r.body = "{\"items\":[1,2,3]}";
    } else if (equals(path, "/api/echo")) {
        /* The method is a token (parse() checked): no byte of it needs escaping in JSON. */
        len = copy_text(body, 0, "{\"method\":\"");
        if (method.len > sizeof body - len - 3) {
            method.len = sizeof body - len - 3;
        }
        memcpy(body + len, method.ptr, method.len);
        len = copy_text(body, len + method.len, "\"}");
        body[len] = 0;
        r.status = 200;
        r.headers = "X-Request-Id: 42\r\n";
        r.body = body;
    } else if (equals(path, "/api/error")) {
        r.status = 500;
        r.body = "{\"error\":\"boom\"}";
    } else if (equals(path, "/api/redirect") && q + 4 <= target.len && memcmp(target.ptr + q, "?to=", 4) == 0) {
        len = copy_text(headers, 0, "Location: ");
        for (i = q + 4; i < target.len && target.ptr[i] != '&' && len < sizeof headers - 3; i++) {
            uint8_t c = target.ptr[i];
            if (c == '%' && i + 2 < target.len && hex_digit(target.ptr[i + 1]) >= 0 && hex_digit(target.ptr[i + 2]) >= 0) {
                c = (uint8_t)(hex_digit(target.ptr[i + 1]) * 16 + hex_digit(target.ptr[i + 2]));
                i += 2;
            }
            if (c < 0x20 || c == 0x7f) {
                r.status = 400; /* a decoded CR or LF would split the header */
                r.body = "{\"error\":\"bad redirect target\"}";
                return r;
            }
            headers[len++] = (char)c;
        }
        len = copy_text(headers, len, "\r\n");
        headers[len] = 0;
        r.status = 302;
        r.headers = headers;
        r.body = "{}";
    }
    return r;
}

/* For the tests: why a request was denied, as `X-Corsguard-Denied: REASON ORIGIN_ERROR` (the two codes). */
static void append_denial(const corsguard_decision *decision) {
    if (corsguard_decision_verdict(decision) == CORSGUARD_VERDICT_ALLOWED) {
        return;
    }
    append_text("X-Corsguard-Denied: ");
    append_number(corsguard_decision_reason(decision));
    append_text(" ");
    append_number(corsguard_decision_origin_error(decision));
    append_text("\r\n");
}

/* --- one connection ---------------------------------------------------------------------------------------- */

static void answer(size_t len) {
    corsguard_slice method, target;
    corsguard_request request;
    corsguard_decision decision;
    corsguard_result result;
    size_t written = 0;
    unsigned status = parse(len, &method, &target);
    const char *body;
    app_response app = {0, "", ""};

    if (status != 0) {
        refuse(status, "{\"error\":\"bad request\"}\n");
        return;
    }
    if (origin.overflow || request_method.overflow || request_headers.overflow || request_private_network.overflow) {
        refuse(400, "{\"error\":\"too many header lines\"}\n");
        return;
    }
    memset(&request, 0, sizeof request);
    request.method = method;
    /* Origin, ACRM and ACRPN: the first line (read only when there is one) and how many there were. */
    request.origin = origin.lines[0];
    request.origin_count = origin.count;
    request.request_method = request_method.lines[0];
    request.request_method_count = request_method.count;
    request.request_headers = request_headers.lines;
    request.request_headers_count = request_headers.count;
    request.request_private_network = request_private_network.lines[0];
    request.request_private_network_count = request_private_network.count;

    result = corsguard_decide(policy, &request, &decision);
    if (result == CORSGUARD_RESULT_TOO_MANY_LINES) {
        refuse(400, "{\"error\":\"too many header lines\"}\n");
        return;
    }
    if (result != CORSGUARD_RESULT_OK) {
        log_line("responder: corsguard_decide: ", corsguard_result_str(result));
        refuse(500, "{\"error\":\"internal\"}\n");
        return;
    }

    if (corsguard_decision_answer_now(&decision)) {
        status = corsguard_decision_status(&decision);
        body = "";
    } else {
        app = route(method, target);
        status = app.status;
        body = app.body;
    }
    status_line(status);
    /* The application's headers first: its Vary line stays, and corsguard's Vary line follows it (two lines of
     * one field are one comma-joined list, RFC 9110 5.3), so the decision's Vary is appended, never put in
     * its place. */
    append_text(app.headers);
    if (!corsguard_decision_answer_now(&decision)) {
        append_denial(&decision);
    }
    /* The CORS headers go straight into the response buffer; what is left of it is their limit. */
    result = corsguard_decision_write_headers(&decision, response_buf + response_len, RESPONSE_MAX - response_len,
                                              &written);
    if (result != CORSGUARD_RESULT_OK) {
        log_line("responder: corsguard_decision_write_headers: ", corsguard_result_str(result));
        refuse(500, "{\"error\":\"internal\"}\n");
        return;
    }
    response_len += written;
    finish(body, !(method.len == 4 && memcmp(method.ptr, "HEAD", 4) == 0));
}

/* Reads one request head (through the blank line) into request_buf. Returns its length, 0 when the peer
 * went away or timed out, or (size_t)-1 when it does not fit. */
static size_t read_request(int fd) {
    size_t len = 0, scan = 0;
    while (len < REQUEST_MAX) {
        ssize_t n = recv(fd, request_buf + len, REQUEST_MAX - len, 0);
        if (n <= 0) {
            return 0;
        }
        len += (size_t)n;
        for (; scan + 3 < len; scan++) {
            if (memcmp(request_buf + scan, "\r\n\r\n", 4) == 0) {
                return scan + 4;
            }
        }
    }
    return (size_t)-1;
}

static void send_all(int fd) {
    size_t at = 0;
    while (at < response_len) {
        ssize_t n = send(fd, response_buf + at, response_len - at, MSG_NOSIGNAL);
        if (n <= 0) {
            return;
        }
        at += (size_t)n;
    }
}

/* Reads what the client still sends (bounded by time and bytes) before closing, so that an unread request
 * does not turn the close into a reset that destroys the response in flight. */
static void drain(int fd) {
    uint8_t sink[1024];
    int rounds;
    shutdown(fd, SHUT_WR);
    for (rounds = 0; rounds < 64; rounds++) {
        if (recv(fd, sink, sizeof sink, 0) <= 0) {
            return;
        }
    }
}

/* Reads the file at path into policy_text with open and read (stdio could allocate). Returns its length, or
 * (size_t)-1 when it cannot be read or does not fit. */
static size_t read_policy_file(const char *path) {
    size_t len = 0;
    ssize_t n = 1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return (size_t)-1;
    }
    while (n > 0 && len < POLICY_FILE_MAX) {
        n = read(fd, policy_text + len, POLICY_FILE_MAX - len);
        if (n > 0) {
            len += (size_t)n;
        }
    }
    close(fd);
    return n < 0 || len == POLICY_FILE_MAX ? (size_t)-1 : len;
}

/* Builds the policy from a policy file into policy_mem. Returns 0, or 1 after saying why not. */
static int policy_from_file(const char *path, size_t *size) {
    corsguard_policy_file_error error;
    corsguard_result result;
    size_t len = read_policy_file(path);
    if (len == (size_t)-1) {
        log_line("responder: cannot read the policy file (or it is over 16 KiB): ", path);
        return 1;
    }
    result = corsguard_policy_file_size(policy_text, len, size, &error);
    if (result == CORSGUARD_RESULT_OK && *size > sizeof policy_mem) {
        log_number("responder: policy_mem is too small; the policy needs bytes: ", *size);
        return 1;
    }
    if (result == CORSGUARD_RESULT_OK) {
        result = corsguard_policy_file_init(policy_text, len, policy_mem, sizeof policy_mem, &policy, &error);
    }
    if (result == CORSGUARD_RESULT_POLICY_FILE_SYNTAX || result == CORSGUARD_RESULT_POLICY_INVALID) {
        log_line("responder: ", path);
        log_number("  line: ", error.line);
        log_number("  column: ", error.column);
        log_line("  ", error.message);
        return 1;
    }
    if (result != CORSGUARD_RESULT_OK) {
        log_line("responder: corsguard_policy_file_init: ", corsguard_result_str(result));
        return 1;
    }
    return 0;
}

/* Builds the policy from cors_config into policy_mem. Returns 0, or 1 after saying why not. */
static int policy_from_config(size_t *size) {
    corsguard_policy_error error;
    corsguard_result result = corsguard_policy_size(&cors_config, size);
    if (result != CORSGUARD_RESULT_OK) {
        log_line("responder: corsguard_policy_size: ", corsguard_result_str(result));
        return 1;
    }
    if (*size > sizeof policy_mem) {
        log_number("responder: policy_mem is too small; the policy needs bytes: ", *size);
        return 1;
    }
    result = corsguard_policy_init(&cors_config, policy_mem, sizeof policy_mem, &policy, &error);
    if (result != CORSGUARD_RESULT_OK) {
        log_line("responder: corsguard_policy_init: ", result == CORSGUARD_RESULT_POLICY_INVALID ? error.message
                                                                                            : corsguard_result_str(result));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    struct sockaddr_in addr;
    struct timeval timeout = {2, 0};
    const char *policy_path = NULL, *port_text = NULL;
    size_t size = 0;
    long port = 0;
    char *end = NULL;
    int listener, one = 1, i;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) {
            port_text = argv[i + 1];
        } else if (strcmp(argv[i], "--policy") == 0) {
            policy_path = argv[i + 1];
        } else {
            break;
        }
    }
    if (port_text != NULL) {
        port = strtol(port_text, &end, 10);
    }
    if (i != argc || port_text == NULL || port < 1 || port > 65535 || *end != 0) {
        log_line("usage: responder --port N [--policy FILE]", "");
        return 2;
    }
    if (policy_path != NULL ? policy_from_file(policy_path, &size) : policy_from_config(&size)) {
        return 1;
    }

    signal(SIGPIPE, SIG_IGN);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        log_line("responder: socket failed", "");
        return 1;
    }
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 16) != 0) {
        log_line("responder: cannot listen on 127.0.0.1:", port_text);
        return 1;
    }
    log_number("responder: policy bytes (corsguard_policy_size): ", size);
    log_number("responder: decision bytes (sizeof(corsguard_decision)): ", sizeof(corsguard_decision));
    log_line("responder: listening on 127.0.0.1:", port_text);

    for (;;) {
        size_t len;
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        len = read_request(fd);
        if (len == (size_t)-1) {
            refuse(431, "{\"error\":\"request header fields too large\"}\n");
            send_all(fd);
            drain(fd);
        } else if (len > 0) {
            answer(len);
            send_all(fd);
            drain(fd);
        }
        close(fd);
    }
}
