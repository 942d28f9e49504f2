/*
 * The example servers' start-up: a policy file (docs/policy-file.md) read and built once, with its errors
 * reported as FILE:LINE:COLUMN: message.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#ifndef CORSGUARD_EXAMPLE_LOAD_POLICY_H
#define CORSGUARD_EXAMPLE_LOAD_POLICY_H

#include "corsguard.h"

/* Reads the file at `path` and builds its policy with corsguard_policy_file_build. Returns the policy (free it
 * with corsguard_policy_free), or NULL after printing why to stderr, prefixed with `program`. */
corsguard_policy *load_policy(const char *program, const char *path);

/* Reads `--policy FILE --port N` (in either order, nothing else). Returns 0, or 2 after printing the usage. */
int parse_arguments(const char *program, int argc, char **argv, const char **policy_path, unsigned short *port);

#endif /* CORSGUARD_EXAMPLE_LOAD_POLICY_H */
