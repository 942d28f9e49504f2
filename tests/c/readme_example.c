/* Build a policy once from a static config into static memory, decide a request, send the headers. */
#include <stdio.h>
#include <string.h>

#include <corsguard.h>

static const corsguard_slice origins[] = {CORSGUARD_SLICE("https://app.example.com"),
                                          CORSGUARD_SLICE("https://*.example.com")};
static const corsguard_slice methods[] = {CORSGUARD_SLICE("GET"), CORSGUARD_SLICE("POST"), CORSGUARD_SLICE("PUT")};
static const corsguard_slice allowed_headers[] = {CORSGUARD_SLICE("content-type"), CORSGUARD_SLICE("x-request-id")};

/* Every field left out is zero, which is its secure default. */
static const corsguard_config config = {
    .origins = origins,
    .origin_count = 2,
    .credentials = true,
    .methods_mode = CORSGUARD_MODE_LIST,
    .methods = methods,
    .method_count = 3,
    .request_headers_mode = CORSGUARD_MODE_LIST,
    .request_headers = allowed_headers,
    .request_header_count = 2,
    .has_max_age = true,
    .max_age = 600,
};

static corsguard_slice str(const char *s) {
    corsguard_slice slice = {(const uint8_t *)s, strlen(s)};
    return slice;
}

/* Validates the config once, at start-up, into `memory`: nothing is allocated and nothing needs freeing. */
static const corsguard_policy *make_policy(void *memory, size_t len) {
    const corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    corsguard_result result = corsguard_policy_init(&config, memory, len, &policy, &error);
    if (result == CORSGUARD_RESULT_POLICY_INVALID) {
        if (error.index == CORSGUARD_NO_INDEX) {
            fprintf(stderr, "bad CORS policy: %s: %s\n", error.setting_name, error.message);
        } else {
            fprintf(stderr, "bad CORS policy: %s[%zu]: %s\n", error.setting_name, error.index, error.message);
        }
    } else if (result != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "corsguard: %s\n", corsguard_result_str(result)); /* e.g. memory too small */
    }
    return policy;
}

int main(void) {
    static unsigned char memory[8192]; /* corsguard_policy_size(&config, &size) says how much is needed */
    const corsguard_policy *policy = make_policy(memory, sizeof memory);
    /* What an HTTP parser hands over for: OPTIONS /api with three CORS headers. */
    corsguard_slice origin = str("https://admin.example.com");
    corsguard_slice request_method = str("PUT");
    corsguard_slice request_headers = str("content-type,x-request-id");
    corsguard_request request = {0};
    corsguard_decision decision; /* written in place: read it where it is, never copy it */
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
    char head[1024];
    size_t i, count = 0, len = 0;

    if (policy == NULL) {
        return 1;
    }
    request.method = str("OPTIONS");
    request.origin = origin;
    request.origin_count = 1;
    request.request_method = request_method;
    request.request_method_count = 1;
    request.request_headers = &request_headers;
    request.request_headers_count = 1;

    if (corsguard_decide(policy, &request, &decision) != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "corsguard: cannot decide\n"); /* NULL, invalid slices, too many lines */
        return 1;
    }
    if (corsguard_decision_verdict(&decision) == CORSGUARD_VERDICT_DENIED) {
        fprintf(stderr, "CORS denied: %s\n", corsguard_reason_str(corsguard_decision_reason(&decision)));
    }
    /* Either render the headers at once... */
    if (corsguard_decision_write_headers(&decision, (uint8_t *)head, sizeof head, &len) == CORSGUARD_RESULT_OK) {
        if (corsguard_decision_answer_now(&decision)) {
            printf("HTTP/1.1 %u \r\n%.*sContent-Length: 0\r\n\r\n", (unsigned)corsguard_decision_status(&decision),
                   (int)len, head);
        }
    }
    /* ...or add them one by one to your own response (append to Vary, never replace it). */
    if (corsguard_decision_headers(&decision, headers, CORSGUARD_MAX_HEADERS, &count) == CORSGUARD_RESULT_OK) {
        for (i = 0; i < count; i++) {
            fprintf(stderr, "add %.*s: %.*s\n", (int)headers[i].name.len, (const char *)headers[i].name.ptr,
                    (int)headers[i].value.len, (const char *)headers[i].value.ptr);
        }
    }
    return corsguard_decision_verdict(&decision) == CORSGUARD_VERDICT_ALLOWED ? 0 : 1;
}
