/* Every shared vector through the no_std libcorsguard.a, in a program with no libc, no allocator and no start
 * files: what firmware links. Policies are built from `static const corsguard_config`s (gen_configs.py) into
 * one static buffer, decisions live on the stack, and the only symbols corsguard needs from us are the five
 * mem* functions below. Runs on x86_64 Linux (its own _start; write and exit are raw syscalls).
 *
 * Build: -ffreestanding -nostdlib -nostartfiles -static -fno-stack-protector, plus
 * -fno-tree-loop-distribute-patterns, or GCC turns the loops of memset/memcpy into calls to themselves. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "configs.h"
#include "corsguard.h"
#include "vectors.h"

/* --- what a C runtime would provide ------------------------------------------------------------------------ */

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n > 0; n--, x++, y++) {
        if (*x != *y) {
            return *x < *y ? -1 : 1;
        }
    }
    return 0;
}

int bcmp(const void *a, const void *b, size_t n) {
    return memcmp(a, b, n);
}

static long sys_write(int fd, const void *buf, size_t len) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(1L), "D"((long)fd), "S"(buf), "d"(len) : "rcx", "r11", "memory");
    return ret;
}

int main(void);

/* The kernel enters with the stack 16-byte aligned at argc; the call keeps the ABI's alignment. */
__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    and $-16, %rsp\n"
        "    call main\n"
        "    mov %eax, %edi\n"
        "    mov $60, %eax\n" /* exit */
        "    syscall\n"
        "    hlt\n");

/* --- output: one static line buffer, flushed with write(2) -------------------------------------------------- */

static char out[4096];
static size_t out_len;

static void flush(void) {
    size_t at = 0;
    while (at < out_len) {
        long n = sys_write(1, out + at, out_len - at);
        if (n <= 0) {
            break;
        }
        at += (size_t)n;
    }
    out_len = 0;
}

static void put_bytes(const void *p, size_t n) {
    const char *s = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (out_len == sizeof out) {
            flush();
        }
        out[out_len++] = s[i];
    }
}

static size_t c_len(const char *s) {
    size_t n = 0;
    while (s[n] != 0) {
        n++;
    }
    return n;
}

static void put(const char *s) {
    put_bytes(s, c_len(s));
}

static void put_u64(uint64_t v) {
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        put_bytes(&digits[--n], 1);
    }
}

static bool same_bytes(const void *a, size_t a_len, const void *b, size_t b_len) {
    return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

static bool same_text(const char *a, const char *b) {
    return a != NULL && b != NULL && same_bytes(a, c_len(a), b, c_len(b));
}

/* --- checks: each failed check prints one line; a vector passes when none of its checks failed -------------- */

static const char *current;
static unsigned current_failures;

static void fail(const char *what, uint64_t got, uint64_t want) {
    current_failures++;
    put("FAIL ");
    put(current);
    put(": ");
    put(what);
    put(" (got ");
    put_u64(got);
    put(", want ");
    put_u64(want);
    put(")\n");
}

#define CHECK_EQ(what, got, want)                                        \
    do {                                                                 \
        uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);       \
        if (got_ != want_) {                                             \
            fail(what, got_, want_);                                     \
        }                                                                \
    } while (0)
#define CHECK(what, cond) CHECK_EQ(what, (cond) ? 1 : 0, 1)

/* --- stack depth: paint the stack below the caller, call, find the deepest byte the call changed ----------- */

/* More than corsguard may ever use; Linux maps the main thread's stack on demand (8 MiB by default). */
#define PAINT_BYTES 65536
#define PAINT 0xCD
static size_t deepest_init, deepest_decide;

/* The x86_64 System V ABI lets a leaf function use 128 bytes below its stack pointer: paint below that. */
static volatile uint8_t *paint_below(uintptr_t sp) {
    volatile uint8_t *low = (volatile uint8_t *)(sp - 128 - PAINT_BYTES);
    size_t i;
    for (i = 0; i < PAINT_BYTES; i++) {
        low[i] = PAINT;
    }
    return low;
}

static size_t depth_used(volatile uint8_t *low) {
    size_t i = 0;
    while (i < PAINT_BYTES && low[i] == PAINT) {
        i++;
    }
    return PAINT_BYTES - i; /* bytes below the painted top (the caller's stack pointer less 128) */
}

static uintptr_t stack_pointer(void) {
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
}

/* --- static memory ----------------------------------------------------------------------------------------- */

/* One policy at a time; the largest vector policy must fit (checked, and reported). */
#define POLICY_BYTES 65536
static uint64_t policy_mem[POLICY_BYTES / 8];
static size_t largest_policy, smallest_policy = SIZE_MAX;

/* A request's lines as slices; no vector has more lines per header than this (checked). */
#define MAX_LINES 64
static corsguard_slice origin_lines[MAX_LINES], method_lines[MAX_LINES], header_lines[MAX_LINES],
    pna_lines[MAX_LINES];

/* The rendered headers and the rendering they must equal; the vector with the longest headers must fit. */
static uint8_t rendered[16384], expected[16384];

static bool lines_of(const tv_list *list, corsguard_slice *lines) {
    size_t i;
    if (list->count > MAX_LINES) {
        CHECK_EQ("request lines fit the runner's arrays", list->count, MAX_LINES);
        return false;
    }
    for (i = 0; i < list->count; i++) {
        lines[i].ptr = (const uint8_t *)list->items[i].ptr;
        lines[i].len = list->items[i].len;
    }
    return true;
}

/* Builds the vector's policy at a different misalignment each time (any `void *` must do), over a buffer
 * scribbled with garbage (init must not rely on zeroed memory). */
static corsguard_result build(size_t index, const corsguard_config *config, const corsguard_policy **policy,
                              corsguard_policy_error *error) {
    size_t size = 0, i;
    uint8_t *mem = (uint8_t *)policy_mem + index % 8;
    CHECK_EQ("corsguard_policy_size", corsguard_policy_size(config, &size), CORSGUARD_RESULT_OK);
    if (size + index % 8 > sizeof policy_mem) {
        CHECK_EQ("the policy fits the runner's static buffer", size, sizeof policy_mem - index % 8);
        return CORSGUARD_RESULT_BUFFER_TOO_SMALL;
    }
    if (size > largest_policy) {
        largest_policy = size;
    }
    if (size < smallest_policy) {
        smallest_policy = size;
    }
    for (i = 0; i < size; i++) {
        mem[i] = (uint8_t)(0xA5 ^ i);
    }
    {
        volatile uint8_t *low = paint_below(stack_pointer());
        corsguard_result result = corsguard_policy_init(config, mem, size, policy, error);
        size_t used = depth_used(low);
        if (used > deepest_init) {
            deepest_init = used;
        }
        return result;
    }
}

static void check_policy_error(size_t index, const tv_vector *v, const corsguard_config *config) {
    const corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    memset(&error, 0xEE, sizeof error);
    CHECK_EQ("corsguard_policy_init refuses the policy", build(index, config, &policy, &error),
             CORSGUARD_RESULT_POLICY_INVALID);
    CHECK("no policy on an error", policy == NULL);
    CHECK_EQ("error kind", error.kind, v->error_kind);
    CHECK_EQ("error index", error.index, v->error_index);
    CHECK_EQ("error origin_error", error.origin_error, v->error_origin_error);
    CHECK("error message", error.message == corsguard_policy_error_kind_str(error.kind));
    CHECK("error setting name", error.setting_name == corsguard_setting_str(error.setting));
    if (v->error_setting != NULL) {
        CHECK("error setting is the vector's", same_text(error.setting_name, v->error_setting));
    }
}

static void check_decision(size_t index, const tv_vector *v, const corsguard_config *config) {
    const corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    corsguard_request request;
    corsguard_decision decision;
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
    size_t i, count = 0, needed = 0, written = 0, at = 0;

    CHECK_EQ("corsguard_policy_init", build(index, config, &policy, &error), CORSGUARD_RESULT_OK);
    if (policy == NULL) {
        return;
    }
    if (!lines_of(&v->req_origin, origin_lines) || !lines_of(&v->req_request_method, method_lines) ||
        !lines_of(&v->req_request_headers, header_lines) ||
        !lines_of(&v->req_request_private_network, pna_lines)) {
        return;
    }
    memset(&request, 0, sizeof request);
    request.method.ptr = (const uint8_t *)v->method.ptr;
    request.method.len = v->method.len;
    /* Origin, ACRM and ACRPN: the first line (read only when there is one) and how many there were. */
    request.origin = origin_lines[0];
    request.origin_count = v->req_origin.count;
    request.request_method = method_lines[0];
    request.request_method_count = v->req_request_method.count;
    request.request_headers = header_lines;
    request.request_headers_count = v->req_request_headers.count;
    request.request_private_network = pna_lines[0];
    request.request_private_network_count = v->req_request_private_network.count;

    {
        volatile uint8_t *low = paint_below(stack_pointer());
        corsguard_result result = corsguard_decide(policy, &request, &decision);
        size_t used = depth_used(low);
        if (used > deepest_decide) {
            deepest_decide = used;
        }
        CHECK_EQ("corsguard_decide", result, CORSGUARD_RESULT_OK);
    }
    CHECK_EQ("kind", corsguard_decision_kind(&decision), v->kind);
    CHECK_EQ("verdict", corsguard_decision_verdict(&decision), v->verdict);
    CHECK_EQ("reason", corsguard_decision_reason(&decision), v->reason);
    CHECK_EQ("origin_error", corsguard_decision_origin_error(&decision), v->origin_error);
    CHECK_EQ("status", corsguard_decision_status(&decision), v->status);
    CHECK_EQ("answer_now", corsguard_decision_answer_now(&decision), v->kind == CORSGUARD_KIND_PREFLIGHT);
    CHECK_EQ("header_count", corsguard_decision_header_count(&decision), v->headers.count);
    CHECK_EQ("corsguard_decision_headers", corsguard_decision_headers(&decision, headers, CORSGUARD_MAX_HEADERS, &count),
             CORSGUARD_RESULT_OK);
    CHECK_EQ("headers written", count, v->headers.count);
    for (i = 0; i < count && i < v->headers.count; i++) {
        const tv_header *want = &v->headers.items[i];
        CHECK("header name", same_bytes(headers[i].name.ptr, headers[i].name.len, want->name.ptr, want->name.len));
        CHECK("header value",
              same_bytes(headers[i].value.ptr, headers[i].value.len, want->value.ptr, want->value.len));
    }

    /* The rendering is exactly "Name: value\r\n" per expected header; one byte short is refused. */
    for (i = 0; i < v->headers.count; i++) {
        const tv_header *h = &v->headers.items[i];
        if (at + h->name.len + h->value.len + 4 > sizeof expected) {
            CHECK_EQ("rendering fits the runner's buffer", at + h->name.len + h->value.len + 4, sizeof expected);
            return;
        }
        memcpy(expected + at, h->name.ptr, h->name.len);
        at += h->name.len;
        memcpy(expected + at, ": ", 2);
        at += 2;
        memcpy(expected + at, h->value.ptr, h->value.len);
        at += h->value.len;
        memcpy(expected + at, "\r\n", 2);
        at += 2;
    }
    CHECK_EQ("write_headers asks for the size", corsguard_decision_write_headers(&decision, NULL, 0, &needed),
             at == 0 ? CORSGUARD_RESULT_OK : CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ("write_headers size", needed, at);
    if (at > 0) {
        CHECK_EQ("write_headers one byte short", corsguard_decision_write_headers(&decision, rendered, at - 1, &needed),
                 CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    }
    CHECK_EQ("write_headers", corsguard_decision_write_headers(&decision, rendered, sizeof rendered, &written),
             CORSGUARD_RESULT_OK);
    CHECK("rendered headers", same_bytes(rendered, written, expected, at));
}

int main(void) {
    size_t i, passed = 0, failed = 0, inexpressible = 0;
    if (tv_vector_count == 0 || tv_vector_count != ec_config_count) {
        put("freestanding: the vector and config tables differ in length (or are empty)\n");
        flush();
        return 2;
    }
    for (i = 0; i < tv_vector_count; i++) {
        const tv_vector *v = &tv_vectors[i];
        current = v->name;
        current_failures = 0;
        if (!same_text(v->name, ec_configs[i].name)) {
            put("freestanding: the tables do not line up at ");
            put(v->name);
            put("\n");
            flush();
            return 2;
        }
        if (ec_configs[i].inexpressible != NULL) {
            /* The vector sets a cap or status to 0, which a corsguard_config spells "the default". */
            put("not expressible as a corsguard_config: ");
            put(v->name);
            put(" (");
            put(ec_configs[i].inexpressible);
            put(": 0 means the default there)\n");
            inexpressible++;
            continue;
        } else if (v->expect_error) {
            check_policy_error(i, v, ec_configs[i].config);
        } else {
            check_decision(i, v, ec_configs[i].config);
        }
        if (current_failures == 0) {
            passed++;
        } else {
            failed++;
        }
    }
    put("sizeof(corsguard_decision) = ");
    put_u64(sizeof(corsguard_decision));
    put(" bytes; vector policies: smallest ");
    put_u64(smallest_policy);
    put(" bytes, largest ");
    put_u64(largest_policy);
    put(" bytes\nstack below the caller (deepest over the vectors, by painting): corsguard_policy_init ");
    put_u64(deepest_init);
    put(" bytes, corsguard_decide ");
    put_u64(deepest_decide);
    put(" bytes\nfreestanding: ");
    put_u64(passed);
    put(" passed, ");
    put_u64(failed);
    put(" failed, ");
    put_u64(inexpressible);
    put(" not expressible\n");
    flush();
    return failed == 0 ? 0 : 1;
}
