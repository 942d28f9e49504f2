"""The JSON policy of tests/vectors (docs/vectors.md) written as a policy file (docs/servers.md).

`to_policy_file` returns the text, or raises NotWritable when the file format cannot say the same policy.
"""

LIST_KEYS = {"origins": "origins", "methods": "methods", "request_headers": "request-headers",
             "exposed_headers": "exposed-headers"}
SCALAR_KEYS = {"credentials": "credentials", "max_age": "max-age",
               "preflight_success_status": "preflight-success-status",
               "preflight_failure_status": "preflight-failure-status", "private_network": "private-network",
               "allow_insecure_origins_with_credentials": "allow-insecure-origins-with-credentials",
               "max_origin_len": "max-origin-len", "max_request_headers_len": "max-request-headers-len",
               "max_request_headers_count": "max-request-headers-count"}
# What a list element may not hold to be written as one: the separator, blanks the parser strips, the comment
# mark at the start of a line, and bytes the format refuses.
UNWRITABLE = set(",\r\n\0")


class NotWritable(Exception):
    pass


def _element(value):
    if not isinstance(value, str):
        raise NotWritable(f"{value!r} is not text")
    if (value == "" or value != value.strip(" \t") or not value.isascii() or any(c in UNWRITABLE for c in value)
            or any(ord(c) < 0x20 and c != "\t" for c in value)):
        raise NotWritable(f"{value!r} cannot be a list element of a policy file")
    return value


def to_policy_file(policy, comment=None):
    lines = [f"# {comment}"] if comment else []
    for key, value in policy.items():
        if key in LIST_KEYS:
            name = LIST_KEYS[key]
            if value == "*":
                lines.append(f"{name} = *")
            elif value == "*+authorization":
                lines.append(f"{name} = *, authorization")
            elif isinstance(value, list):
                if not value:
                    if key in ("request_headers", "exposed_headers"):
                        continue  # an empty list is the default
                    raise NotWritable(f"{key}: an empty list has no policy-file spelling")
                # One line per element: lists may repeat, and a long list stays diffable.
                lines.extend(f"{name} = {_element(v)}" for v in value)
            else:
                raise NotWritable(f"{key}: {value!r}")
        elif key in SCALAR_KEYS:
            name = SCALAR_KEYS[key]
            if value is None and key == "max_age":
                lines.append(f"{name} = none")
            elif isinstance(value, bool):
                lines.append(f"{name} = {'true' if value else 'false'}")
            elif isinstance(value, int) and 0 <= value < 2**32:
                lines.append(f"{name} = {value}")
            else:
                raise NotWritable(f"{key}: {value!r}")
        else:
            raise NotWritable(f"unknown policy field {key}")
    return "\n".join(lines) + "\n"
