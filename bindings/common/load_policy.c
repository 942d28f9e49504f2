/*
 * The example servers' command line and policy file loading, shared by bindings/civetweb and
 * bindings/microhttpd.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include "load_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file in a malloc'ed buffer; NULL (and errno) on failure. */
static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        return NULL;
    }
    do {
        if (len == cap) {
            char *bigger = realloc(text, cap = cap * 2 + 4096);
            if (bigger == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = bigger;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        free(text);
        text = NULL;
        errno = EIO;
    }
    fclose(f);
    *len_out = len;
    return text;
}

corsguard_policy *load_policy(const char *program, const char *path) {
    corsguard_policy *policy = NULL;
    corsguard_policy_file_error error;
    corsguard_result result;
    size_t len = 0;
    char *text = read_file(path, &len);

    if (text == NULL) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return NULL;
    }
    result = corsguard_policy_file_build((const uint8_t *)text, len, &policy, &error);
    free(text);
    if (result == CORSGUARD_RESULT_POLICY_FILE_SYNTAX || result == CORSGUARD_RESULT_POLICY_INVALID) {
        fprintf(stderr, "%s: %s:%u:%u: %s\n", program, path, (unsigned)error.line, (unsigned)error.column,
                error.message);
        return NULL;
    }
    if (result != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "%s: %s: %s\n", program, path, corsguard_result_str(result));
        return NULL;
    }
    return policy;
}

int parse_arguments(const char *program, int argc, char **argv, const char **policy_path, unsigned short *port) {
    const char *port_text = NULL;
    char *end = NULL;
    unsigned long value = 0;
    int i;

    *policy_path = NULL;
    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--policy") == 0) {
            *policy_path = argv[i + 1];
        } else if (strcmp(argv[i], "--port") == 0) {
            port_text = argv[i + 1];
        } else {
            break;
        }
    }
    if (port_text != NULL && port_text[0] >= '0' && port_text[0] <= '9') {
        value = strtoul(port_text, &end, 10);
    }
    if (i != argc || *policy_path == NULL || end == NULL || *end != '\0' || value == 0 || value > 65535) {
        fprintf(stderr, "usage: %s --policy FILE --port N\n", program);
        return 2;
    }
    *port = (unsigned short)value;
    return 0;
}
