/* Build a policy once, decide a request, send the headers. */
#include <stdio.h>
#include <string.h>

#include <corsguard.h>

static corsguard_slice str(const char *s) {
    corsguard_slice slice = {(const uint8_t *)s, strlen(s)};
    return slice;
}

static corsguard_policy *make_policy(void) {
    static const char *origins[] = {"https://app.example.com", "https://*.example.com"};
    corsguard_slice methods[] = {str("GET"), str("POST"), str("PUT")};
    corsguard_slice headers[] = {str("content-type"), str("x-request-id")};
    corsguard_policy_builder *builder = NULL;
    corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    corsguard_result result;
    size_t i;

    if (corsguard_policy_builder_new(&builder) != CORSGUARD_RESULT_OK) {
        return NULL;
    }
    /* Setters only copy (they fail only for NULL or invalid slices); the build checks every rule. */
    for (i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        corsguard_policy_builder_add_origin(builder, (const uint8_t *)origins[i], strlen(origins[i]));
    }
    corsguard_policy_builder_set_credentials(builder, true);
    corsguard_policy_builder_set_methods(builder, methods, 3);
    corsguard_policy_builder_set_request_headers(builder, headers, 2);
    corsguard_policy_builder_set_max_age(builder, 600);

    result = corsguard_policy_builder_build(builder, &policy, &error);
    if (result == CORSGUARD_RESULT_POLICY_INVALID) {
        if (error.index == CORSGUARD_NO_INDEX) {
            fprintf(stderr, "bad CORS policy: %s: %s\n", error.setting_name, error.message);
        } else {
            fprintf(stderr, "bad CORS policy: %s[%zu]: %s\n", error.setting_name, error.index, error.message);
        }
    } else if (result != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "corsguard: %s\n", corsguard_result_str(result));
    }
    corsguard_policy_builder_free(builder); /* the policy keeps its own copies */
    return policy;
}

int main(void) {
    corsguard_policy *policy = make_policy();
    /* What an HTTP parser hands over for: OPTIONS /api with three CORS headers. */
    corsguard_slice origin = str("https://admin.example.com");
    corsguard_slice request_method = str("PUT");
    corsguard_slice request_headers = str("content-type,x-request-id");
    corsguard_request request = {0};
    corsguard_decision decision;
    char head[1024];
    size_t len = 0;
    int exit_code;

    if (policy == NULL) {
        return 1;
    }
    request.method = str("OPTIONS");
    request.origin = &origin;
    request.origin_count = 1;
    request.request_method = &request_method;
    request.request_method_count = 1;
    request.request_headers = &request_headers;
    request.request_headers_count = 1;

    if (corsguard_decide(policy, &request, &decision) != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "corsguard: cannot decide\n"); /* only NULL, invalid slices, too many lines */
        corsguard_policy_free(policy);
        return 1;
    }
    if (decision.verdict == CORSGUARD_VERDICT_DENIED) {
        fprintf(stderr, "CORS denied: %s\n", corsguard_reason_str(decision.reason));
    }
    /* Either render the headers at once... */
    if (corsguard_decision_write_headers(&decision, (uint8_t *)head, sizeof head, &len) == CORSGUARD_RESULT_OK) {
        if (decision.answer_now) {
            printf("HTTP/1.1 %u \r\n%.*sContent-Length: 0\r\n\r\n", (unsigned)decision.status, (int)len, head);
        }
    }
    /* ...or add them one by one to your own response (append to Vary, never replace it). */
    {
        size_t i;
        for (i = 0; i < decision.header_count; i++) {
            const corsguard_header *h = &decision.headers[i];
            fprintf(stderr, "add %.*s: %.*s\n", (int)h->name.len, (const char *)h->name.ptr, (int)h->value.len,
                    (const char *)h->value.ptr);
        }
    }
    exit_code = decision.verdict == CORSGUARD_VERDICT_ALLOWED ? 0 : 1;
    corsguard_policy_free(policy); /* after the last use of the decision: its values borrow from the policy */
    return exit_code;
}
