/*
 * ngx_http_corsguard_module: CORS for nginx decided by corsguard. It owns the corsguard directives (the policy
 * is built and validated while nginx reads its configuration), the answer to preflights (rewrite phase, before
 * the location's own return/rewrite/access/content) and the CORS response headers (a header filter, so error
 * pages and upstream responses carry them too).
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <corsguard.h>

/* A policy file larger than this is certainly a mistake (a log, a binary): refuse it instead of parsing it. */
#define NGX_HTTP_CORSGUARD_FILE_MAX (1024 * 1024)

/* The settings the direct directives set; each is inherited on its own from the enclosing block. */
enum {
    NGX_HTTP_CORSGUARD_ORIGINS = 0,
    NGX_HTTP_CORSGUARD_CREDENTIALS,
    NGX_HTTP_CORSGUARD_METHODS,
    NGX_HTTP_CORSGUARD_REQUEST_HEADERS,
    NGX_HTTP_CORSGUARD_EXPOSE_HEADERS,
    NGX_HTTP_CORSGUARD_MAX_AGE,
    NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS,
    NGX_HTTP_CORSGUARD_PRIVATE_NETWORK,
    NGX_HTTP_CORSGUARD_INSECURE_ORIGINS,
    NGX_HTTP_CORSGUARD_SETTINGS
};

/* Where a policy of a block comes from. */
enum {
    NGX_HTTP_CORSGUARD_NO_POLICY = 0,
    NGX_HTTP_CORSGUARD_FROM_FILE,
    NGX_HTTP_CORSGUARD_FROM_DIRECTIVES
};

/* A directive's place in the configuration, kept for the messages `nginx -t` prints later (merge time). */
typedef struct {
    ngx_str_t file; /* copied: an included file's name does not outlive its parsing */
    ngx_uint_t line; /* 0: not set */
} ngx_http_corsguard_where_t;

typedef struct {
    ngx_http_corsguard_where_t where; /* line 0: unset in this block and every enclosing one */
    const char *directive;
    ngx_array_t *list; /* of corsguard_slice, for list settings in CORSGUARD_MODE_LIST */
    ngx_uint_t mode; /* CORSGUARD_MODE_* for list settings; "has a value" for max-age */
    ngx_uint_t value; /* a flag, max-age seconds, or the allowed-preflight status */
    ngx_uint_t value2; /* the denied-preflight status */
} ngx_http_corsguard_setting_t;

typedef struct {
    ngx_flag_t enable;
    ngx_http_corsguard_where_t enable_where;

    ngx_http_corsguard_where_t file_where; /* corsguard_policy_file in this very block */
    const corsguard_policy *file_policy;

    ngx_http_corsguard_setting_t settings[NGX_HTTP_CORSGUARD_SETTINGS];
    ngx_http_corsguard_where_t own_where; /* the first direct directive in this very block */

    /* Known once the block is merged (or, for the http block, once a server asks for it). */
    ngx_uint_t resolved;
    ngx_uint_t source;
    const corsguard_policy *policy;
} ngx_http_corsguard_loc_conf_t;

/* The request's CORS header lines, as corsguard_decide wants them: the request holds the first line and the
 * line count of Origin, Access-Control-Request-Method and Access-Control-Request-Private-Network; every
 * Access-Control-Request-Headers line is in request_headers. */
typedef struct {
    corsguard_slice request_headers[CORSGUARD_MAX_HEADER_LINES];
    corsguard_request request;
    ngx_uint_t too_many_lines;
} ngx_http_corsguard_lines_t;

/* A decision's headers, values copied out of the decision (which lives on a stack frame) into the request pool. */
typedef struct {
    ngx_uint_t count;
    ngx_str_t name[CORSGUARD_MAX_HEADERS]; /* static */
    ngx_str_t value[CORSGUARD_MAX_HEADERS];
} ngx_http_corsguard_headers_t;

static ngx_int_t ngx_http_corsguard_init(ngx_conf_t *cf);
static void *ngx_http_corsguard_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_corsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static char *ngx_http_corsguard_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_corsguard_policy_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_corsguard_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_corsguard_flag(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_corsguard_max_age(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_corsguard_preflight_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

static ngx_command_t ngx_http_corsguard_commands[] = {

    {ngx_string("corsguard"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG,
     ngx_http_corsguard_enable, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("corsguard_policy_file"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_corsguard_policy_file, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("corsguard_origin"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE,
     ngx_http_corsguard_list, NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_ORIGINS, NULL},

    {ngx_string("corsguard_credentials"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG,
     ngx_http_corsguard_flag, NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_CREDENTIALS, NULL},

    {ngx_string("corsguard_methods"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE,
     ngx_http_corsguard_list, NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_METHODS, NULL},

    {ngx_string("corsguard_request_headers"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE, ngx_http_corsguard_list,
     NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_REQUEST_HEADERS, NULL},

    {ngx_string("corsguard_expose_headers"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_1MORE, ngx_http_corsguard_list,
     NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_EXPOSE_HEADERS, NULL},

    {ngx_string("corsguard_max_age"), NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE1,
     ngx_http_corsguard_max_age, NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_MAX_AGE, NULL},

    {ngx_string("corsguard_preflight_status"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_TAKE12, ngx_http_corsguard_preflight_status,
     NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS, NULL},

    {ngx_string("corsguard_private_network"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG, ngx_http_corsguard_flag,
     NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_PRIVATE_NETWORK, NULL},

    {ngx_string("corsguard_allow_insecure_origins_with_credentials"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF | NGX_CONF_FLAG, ngx_http_corsguard_flag,
     NGX_HTTP_LOC_CONF_OFFSET, NGX_HTTP_CORSGUARD_INSECURE_ORIGINS, NULL},

    ngx_null_command};

static ngx_http_module_t ngx_http_corsguard_module_ctx = {
    NULL,                               /* preconfiguration */
    ngx_http_corsguard_init,            /* postconfiguration */
    NULL,                               /* create main configuration */
    NULL,                               /* init main configuration */
    NULL,                               /* create server configuration */
    NULL,                               /* merge server configuration */
    ngx_http_corsguard_create_loc_conf, /* create location configuration */
    ngx_http_corsguard_merge_loc_conf   /* merge location configuration */
};

ngx_module_t ngx_http_corsguard_module = {NGX_MODULE_V1,
                                          &ngx_http_corsguard_module_ctx, /* module context */
                                          ngx_http_corsguard_commands,    /* module directives */
                                          NGX_HTTP_MODULE,                /* module type */
                                          NULL,                           /* init master */
                                          NULL,                           /* init module */
                                          NULL,                           /* init process */
                                          NULL,                           /* init thread */
                                          NULL,                           /* exit thread */
                                          NULL,                           /* exit process */
                                          NULL,                           /* exit master */
                                          NGX_MODULE_V1_PADDING};

static ngx_http_output_header_filter_pt ngx_http_next_header_filter;

/*
 * The request's ctx points here once nginx has read its whole head (post-read phase) or it has entered a
 * location (rewrite phase, also after an internal redirect, which clears ctx): only such requests are decided.
 * A request nginx refuses while still reading its head (a bad request line, a header too large) is answered
 * without CORS headers, like every other server refuses a request before the application sees it. For a
 * preflight the module answers, ctx is instead the answer's ngx_http_corsguard_headers_t: decided once.
 */
static ngx_uint_t ngx_http_corsguard_head_read;

/* --- configuration ------------------------------------------------------------------------------------ */

static void *ngx_http_corsguard_create_loc_conf(ngx_conf_t *cf) {
    ngx_http_corsguard_loc_conf_t *conf;

    /* pcalloc: every `where` unset, no file, no policy, unresolved. */
    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_corsguard_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    conf->enable = NGX_CONF_UNSET;
    return conf;
}

static ngx_int_t ngx_http_corsguard_where(ngx_conf_t *cf, ngx_http_corsguard_where_t *where) {
    ngx_str_t *name = &cf->conf_file->file.name;

    where->file.data = ngx_pstrdup(cf->pool, name);
    if (where->file.data == NULL) {
        return NGX_ERROR;
    }
    where->file.len = name->len;
    where->line = cf->conf_file->line;
    return NGX_OK;
}

static char *ngx_http_corsguard_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    char *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    return ngx_http_corsguard_where(cf, &lcf->enable_where) == NGX_OK ? NGX_CONF_OK : NGX_CONF_ERROR;
}

/* Marks a direct setting as set in this block; refuses a second directive of a single-valued setting. */
static char *ngx_http_corsguard_own(ngx_conf_t *cf, ngx_command_t *cmd, ngx_http_corsguard_loc_conf_t *lcf,
                                    ngx_uint_t repeatable) {
    ngx_http_corsguard_setting_t *setting = &lcf->settings[cmd->offset];

    if (setting->where.line != 0 && !repeatable) {
        return "is duplicate";
    }
    if (setting->where.line == 0 && ngx_http_corsguard_where(cf, &setting->where) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    setting->directive = (const char *)cmd->name.data;
    if (lcf->own_where.line == 0) {
        lcf->own_where = setting->where;
    }
    return NGX_CONF_OK;
}

static ngx_uint_t ngx_http_corsguard_is(ngx_str_t *value, const char *text) {
    size_t len = ngx_strlen(text);

    return value->len == len && ngx_strncasecmp(value->data, (u_char *)text, len) == 0;
}

/* corsguard_origin, corsguard_methods, corsguard_request_headers, corsguard_expose_headers: names, or `*`. */
static char *ngx_http_corsguard_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    ngx_http_corsguard_setting_t *setting = &lcf->settings[cmd->offset];
    ngx_str_t *value = cf->args->elts;
    ngx_uint_t i, n = cf->args->nelts - 1, stars = 0, authorization = 0, mode = CORSGUARD_MODE_LIST;
    corsguard_slice *entry;
    char *rv;

    for (i = 1; i <= n; i++) {
        stars += value[i].len == 1 && value[i].data[0] == '*';
        authorization += ngx_http_corsguard_is(&value[i], "authorization");
    }
    /* `*` is a mode of its own, except for origins where the core takes `*` as an entry and checks it. */
    if (stars && cmd->offset != NGX_HTTP_CORSGUARD_ORIGINS) {
        if (n == 1) {
            mode = CORSGUARD_MODE_ANY;
        } else if (cmd->offset == NGX_HTTP_CORSGUARD_REQUEST_HEADERS && n == 2 && stars == 1 && authorization == 1) {
            mode = CORSGUARD_MODE_ANY_WITH_AUTHORIZATION;
        } else {
            return cmd->offset == NGX_HTTP_CORSGUARD_REQUEST_HEADERS
                       ? "takes \"*\" alone, \"* Authorization\", or a list of names without \"*\""
                       : "takes \"*\" alone or a list of names without \"*\"";
        }
    }
    if (setting->where.line != 0 && (mode != CORSGUARD_MODE_LIST || setting->mode != CORSGUARD_MODE_LIST)) {
        return "combines \"*\" with another value of the same setting";
    }
    rv = ngx_http_corsguard_own(cf, cmd, lcf, 1);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    setting->mode = mode;
    if (mode != CORSGUARD_MODE_LIST) {
        return NGX_CONF_OK;
    }
    if (setting->list == NULL) {
        setting->list = ngx_array_create(cf->pool, n, sizeof(corsguard_slice));
        if (setting->list == NULL) {
            return NGX_CONF_ERROR;
        }
    }
    for (i = 1; i <= n; i++) {
        entry = ngx_array_push(setting->list);
        if (entry == NULL) {
            return NGX_CONF_ERROR;
        }
        /* The argument's bytes live in cf->pool for the cycle; the policy copies what it keeps anyway. */
        entry->ptr = value[i].data;
        entry->len = value[i].len;
    }
    return NGX_CONF_OK;
}

static char *ngx_http_corsguard_flag(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    ngx_uint_t on;
    char *rv;

    if (ngx_strcasecmp(value[1].data, (u_char *)"on") == 0) {
        on = 1;
    } else if (ngx_strcasecmp(value[1].data, (u_char *)"off") == 0) {
        on = 0;
    } else {
        return "takes \"on\" or \"off\"";
    }
    rv = ngx_http_corsguard_own(cf, cmd, lcf, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    lcf->settings[cmd->offset].value = on;
    return NGX_CONF_OK;
}

/* A number that fits a uint32_t, or NGX_ERROR; the core checks the range that matters. */
static ngx_int_t ngx_http_corsguard_number(ngx_str_t *value) {
    ngx_int_t n;

    if (value->len > 10) {
        return NGX_ERROR;
    }
    n = ngx_atoi(value->data, value->len);
    if (n == NGX_ERROR || (uint64_t)n > 0xffffffffu) {
        return NGX_ERROR;
    }
    return n;
}

static char *ngx_http_corsguard_max_age(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    ngx_http_corsguard_setting_t *setting = &lcf->settings[cmd->offset];
    ngx_str_t *value = cf->args->elts;
    ngx_int_t seconds = 0;
    char *rv;

    if (!ngx_http_corsguard_is(&value[1], "off")) {
        seconds = ngx_http_corsguard_number(&value[1]);
        if (seconds == NGX_ERROR) {
            return "takes seconds (digits) or \"off\"";
        }
    }
    rv = ngx_http_corsguard_own(cf, cmd, lcf, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    setting->mode = !ngx_http_corsguard_is(&value[1], "off");
    setting->value = (ngx_uint_t)seconds;
    return NGX_CONF_OK;
}

/* corsguard_preflight_status ALLOWED [DENIED]: the statuses of preflight answers (defaults 204 and 403). */
static char *ngx_http_corsguard_preflight_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    ngx_http_corsguard_setting_t *setting = &lcf->settings[cmd->offset];
    ngx_str_t *value = cf->args->elts;
    ngx_int_t allowed, denied = 0;
    char *rv;

    allowed = ngx_http_corsguard_number(&value[1]);
    if (cf->args->nelts == 3) {
        denied = ngx_http_corsguard_number(&value[2]);
    }
    /* Out of a uint16_t cannot be a status; the core refuses the rest (allowed 200-299, denied 2xx/4xx/5xx). */
    if (allowed == NGX_ERROR || denied == NGX_ERROR || allowed > 0xffff || denied > 0xffff || allowed == 0) {
        return "takes the allowed preflights' status and optionally the denied ones' (e.g. 204 403)";
    }
    rv = ngx_http_corsguard_own(cf, cmd, lcf, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    setting->value = (ngx_uint_t)allowed;
    setting->value2 = (ngx_uint_t)denied;
    return NGX_CONF_OK;
}

/* The error of a policy file as one line: where in the file, what is wrong, and for a refused policy which
 * setting and rule (the code is stable; docs/rules.md lists them). */
static u_char *ngx_http_corsguard_file_error(u_char *buf, u_char *last, const corsguard_policy_file_error *error) {
    u_char *p = buf;

    if (error->line != 0) {
        p = ngx_slprintf(p, last, "line %uD, column %uD: ", error->line, error->column);
    }
    p = ngx_slprintf(p, last, "%s", error->message);
    if (error->syntax == 0 && error->policy.kind != 0) {
        if (error->policy.origin_error != 0) {
            p = ngx_slprintf(p, last, ": %s", corsguard_origin_error_str(error->policy.origin_error));
        }
        p = ngx_slprintf(p, last, " (%s, policy error %uD)", error->policy.setting_name, error->policy.kind);
    }
    return p;
}

static char *ngx_http_corsguard_policy_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
    ngx_http_corsguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts, path = value[1];
    corsguard_policy_file_error error;
    const corsguard_policy *policy = NULL;
    ngx_file_info_t info;
    corsguard_result result;
    u_char message[NGX_MAX_ERROR_STR], *text, *mem;
    size_t len, size, done = 0;
    ssize_t n;
    ngx_fd_t fd;

    (void)cmd;
    if (lcf->file_where.line != 0) {
        return "is duplicate";
    }
    /* Relative to the directory of nginx.conf, as include does. */
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "corsguard_policy_file: " ngx_open_file_n " \"%V\" failed",
                           &path);
        return NGX_CONF_ERROR;
    }
    if (ngx_fd_info(fd, &info) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "corsguard_policy_file: " ngx_fd_info_n " \"%V\" failed",
                           &path);
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }
    if (ngx_file_size(&info) > NGX_HTTP_CORSGUARD_FILE_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "corsguard_policy_file \"%V\" is larger than %d bytes", &path,
                           NGX_HTTP_CORSGUARD_FILE_MAX);
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }
    len = (size_t)ngx_file_size(&info);
    /* The text is needed only while the policy is built: the temporary pool goes when parsing ends. */
    text = ngx_pnalloc(cf->temp_pool, len + 1);
    if (text == NULL) {
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }
    while (done < len) {
        n = ngx_read_fd(fd, text + done, len - done);
        if (n == -1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "corsguard_policy_file: " ngx_read_fd_n " \"%V\" failed",
                               &path);
            ngx_close_file(fd);
            return NGX_CONF_ERROR;
        }
        if (n == 0) {
            break; /* shrank while being read: parse what is there */
        }
        done += (size_t)n;
    }
    ngx_close_file(fd);

    result = corsguard_policy_file_size(text, done, &size, &error);
    if (result == CORSGUARD_RESULT_OK) {
        mem = ngx_palloc(cf->pool, size); /* lives as long as the cycle; nothing to free */
        if (mem == NULL) {
            return NGX_CONF_ERROR;
        }
        result = corsguard_policy_file_init(text, done, mem, size, &policy, &error);
    }
    if (result == CORSGUARD_RESULT_POLICY_FILE_SYNTAX || result == CORSGUARD_RESULT_POLICY_INVALID) {
        u_char *end = ngx_http_corsguard_file_error(message, message + sizeof(message), &error);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "corsguard_policy_file \"%V\": %*s", &path, end - message, message);
        return NGX_CONF_ERROR;
    }
    if (result != CORSGUARD_RESULT_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "corsguard_policy_file \"%V\": %s", &path,
                           corsguard_result_str(result));
        return NGX_CONF_ERROR;
    }
    if (ngx_http_corsguard_where(cf, &lcf->file_where) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    lcf->file_policy = policy;
    return NGX_CONF_OK;
}

/* The direct setting a corsguard policy error is about, to point at its directive. */
static ngx_int_t ngx_http_corsguard_setting_of(uint32_t setting) {
    switch (setting) {
    case CORSGUARD_SETTING_ORIGINS:
        return NGX_HTTP_CORSGUARD_ORIGINS;
    case CORSGUARD_SETTING_CREDENTIALS:
        return NGX_HTTP_CORSGUARD_CREDENTIALS;
    case CORSGUARD_SETTING_METHODS:
        return NGX_HTTP_CORSGUARD_METHODS;
    case CORSGUARD_SETTING_REQUEST_HEADERS:
        return NGX_HTTP_CORSGUARD_REQUEST_HEADERS;
    case CORSGUARD_SETTING_EXPOSED_HEADERS:
        return NGX_HTTP_CORSGUARD_EXPOSE_HEADERS;
    case CORSGUARD_SETTING_MAX_AGE:
        return NGX_HTTP_CORSGUARD_MAX_AGE;
    case CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS:
    case CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS:
        return NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS;
    default:
        return NGX_ERROR;
    }
}

static void ngx_http_corsguard_list_into(ngx_http_corsguard_setting_t *setting, uint32_t *mode,
                                         const corsguard_slice **items, size_t *count) {
    if (setting->where.line == 0) {
        return; /* CORSGUARD_MODE_DEFAULT */
    }
    *mode = (uint32_t)setting->mode;
    if (setting->mode == CORSGUARD_MODE_LIST && setting->list != NULL) {
        *items = setting->list->elts;
        *count = setting->list->nelts;
    }
}

/* Builds the policy the direct directives describe (their values after inheritance) into cf->pool. An invalid
 * policy fails the configuration with corsguard's message at the directive of the setting it is about. */
static char *ngx_http_corsguard_build(ngx_conf_t *cf, ngx_http_corsguard_loc_conf_t *conf) {
    ngx_http_corsguard_setting_t *s = conf->settings;
    ngx_http_corsguard_where_t *where = &conf->own_where;
    corsguard_config config;
    corsguard_policy_error error;
    corsguard_result result;
    const corsguard_policy *policy = NULL;
    const corsguard_slice *entry;
    const char *directive = NULL;
    uint32_t origins_mode = CORSGUARD_MODE_LIST; /* origins have no mode: read, then dropped */
    ngx_int_t at;
    size_t size;
    void *mem;

    ngx_memzero(&config, sizeof(config)); /* zero is every setting's secure default */
    ngx_http_corsguard_list_into(&s[NGX_HTTP_CORSGUARD_ORIGINS], &origins_mode, &config.origins,
                                 &config.origin_count);
    config.credentials = s[NGX_HTTP_CORSGUARD_CREDENTIALS].where.line && s[NGX_HTTP_CORSGUARD_CREDENTIALS].value;
    ngx_http_corsguard_list_into(&s[NGX_HTTP_CORSGUARD_METHODS], &config.methods_mode, &config.methods,
                                 &config.method_count);
    ngx_http_corsguard_list_into(&s[NGX_HTTP_CORSGUARD_REQUEST_HEADERS], &config.request_headers_mode,
                                 &config.request_headers, &config.request_header_count);
    ngx_http_corsguard_list_into(&s[NGX_HTTP_CORSGUARD_EXPOSE_HEADERS], &config.exposed_headers_mode,
                                 &config.exposed_headers, &config.exposed_header_count);
    if (s[NGX_HTTP_CORSGUARD_MAX_AGE].where.line && s[NGX_HTTP_CORSGUARD_MAX_AGE].mode) {
        config.has_max_age = true;
        config.max_age = (uint32_t)s[NGX_HTTP_CORSGUARD_MAX_AGE].value;
    }
    if (s[NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS].where.line) {
        config.preflight_success_status = (uint16_t)s[NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS].value;
        config.preflight_failure_status = (uint16_t)s[NGX_HTTP_CORSGUARD_PREFLIGHT_STATUS].value2;
    }
    config.private_network =
        s[NGX_HTTP_CORSGUARD_PRIVATE_NETWORK].where.line && s[NGX_HTTP_CORSGUARD_PRIVATE_NETWORK].value;
    config.allow_insecure_origins_with_credentials =
        s[NGX_HTTP_CORSGUARD_INSECURE_ORIGINS].where.line && s[NGX_HTTP_CORSGUARD_INSECURE_ORIGINS].value;

    result = corsguard_policy_size(&config, &size);
    if (result == CORSGUARD_RESULT_OK) {
        mem = ngx_palloc(cf->pool, size);
        if (mem == NULL) {
            return NGX_CONF_ERROR;
        }
        result = corsguard_policy_init(&config, mem, size, &policy, &error);
    }
    if (result == CORSGUARD_RESULT_OK) {
        conf->policy = policy;
        return NGX_CONF_OK;
    }
    if (result != CORSGUARD_RESULT_POLICY_INVALID) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "corsguard: %s in %V:%ui", corsguard_result_str(result),
                      &where->file, where->line);
        return NGX_CONF_ERROR;
    }

    at = ngx_http_corsguard_setting_of(error.setting);
    if (at != NGX_ERROR && s[at].where.line != 0) {
        where = &s[at].where;
        directive = s[at].directive;
    }
    if (at != NGX_ERROR && error.index != CORSGUARD_NO_INDEX && s[at].list != NULL && error.index < s[at].list->nelts) {
        entry = (const corsguard_slice *)s[at].list->elts + error.index;
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s \"%*s\": %s%s%s (policy error %uD) in %V:%ui",
                      directive ? directive : "corsguard", entry->len, entry->ptr, error.message,
                      error.origin_error ? ": " : "",
                      error.origin_error ? corsguard_origin_error_str(error.origin_error) : "", error.kind,
                      &where->file, where->line);
    } else {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s: %s (%s, policy error %uD) in %V:%ui",
                      directive ? directive : "corsguard", error.message, error.setting_name, error.kind,
                      &where->file, where->line);
    }
    return NGX_CONF_ERROR;
}

/* The policy of a block that has no enclosing one to merge with (the http block): its own, if any. */
static char *ngx_http_corsguard_resolve(ngx_conf_t *cf, ngx_http_corsguard_loc_conf_t *conf) {
    if (conf->resolved) {
        return NGX_CONF_OK;
    }
    conf->resolved = 1;
    if (conf->file_policy != NULL) {
        conf->policy = conf->file_policy;
        conf->source = NGX_HTTP_CORSGUARD_FROM_FILE;
    } else if (conf->own_where.line != 0) {
        conf->source = NGX_HTTP_CORSGUARD_FROM_DIRECTIVES;
        return ngx_http_corsguard_build(cf, conf);
    }
    return NGX_CONF_OK;
}

/*
 * Inheritance, as nginx's own directives: a block without corsguard directives uses its parent's policy (the
 * same object). Direct directives inherit one by one, so a location may change only its methods; a block with
 * its own direct directives gets a policy of its own, built from its values and the inherited ones. A policy
 * file is a whole policy: direct directives may not amend one, in its block or below.
 */
static char *ngx_http_corsguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child) {
    ngx_http_corsguard_loc_conf_t *prev = parent, *conf = child;
    ngx_uint_t i;
    char *rv;

    rv = ngx_http_corsguard_resolve(cf, prev);
    if (rv != NGX_CONF_OK) {
        return rv;
    }
    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable == NGX_CONF_UNSET ? 0 : prev->enable;
        conf->enable_where = prev->enable_where;
    }
    for (i = 0; i < NGX_HTTP_CORSGUARD_SETTINGS; i++) {
        if (conf->settings[i].where.line == 0) {
            conf->settings[i] = prev->settings[i];
        }
    }
    conf->resolved = 1;

    if (conf->file_policy != NULL) {
        if (conf->own_where.line != 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "corsguard: a block takes either corsguard_policy_file or the direct corsguard_* "
                          "directives, not both in %V:%ui",
                          &conf->own_where.file, conf->own_where.line);
            return NGX_CONF_ERROR;
        }
        conf->policy = conf->file_policy;
        conf->source = NGX_HTTP_CORSGUARD_FROM_FILE;
    } else if (conf->own_where.line != 0) {
        if (prev->source == NGX_HTTP_CORSGUARD_FROM_FILE) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "corsguard: a direct corsguard_* directive cannot amend the policy file of an enclosing "
                          "block (set it in the file, or give this block a corsguard_policy_file of its own) in "
                          "%V:%ui",
                          &conf->own_where.file, conf->own_where.line);
            return NGX_CONF_ERROR;
        }
        conf->source = NGX_HTTP_CORSGUARD_FROM_DIRECTIVES;
        rv = ngx_http_corsguard_build(cf, conf);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    } else {
        conf->policy = prev->policy;
        conf->source = prev->source;
    }

    if (conf->enable == 1 && conf->policy == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "corsguard: \"corsguard on\" needs a policy: corsguard_policy_file or corsguard_origin in "
                      "this block or an enclosing one in %V:%ui",
                      &conf->enable_where.file, conf->enable_where.line);
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* --- requests ----------------------------------------------------------------------------------------- */

static void ngx_http_corsguard_add_line(corsguard_slice *lines, size_t capacity, size_t *count,
                                        ngx_table_elt_t *header) {
    if (*count < capacity) {
        lines[*count].ptr = header->value.data;
        lines[*count].len = header->value.len;
    }
    (*count)++;
}

/* A header corsguard reads the first line of: keeps that line and counts the lines, up to 2 (two already make
 * the request malformed whatever they hold). */
static void ngx_http_corsguard_first_line(corsguard_slice *first, size_t *count, ngx_table_elt_t *header) {
    if (*count == 0) {
        first->ptr = header->value.data;
        first->len = header->value.len;
        *count = 1;
    } else {
        *count = 2;
    }
}

/* Whether a request header has this lowercase name (of the length the caller has checked). nginx's parser fills
 * lowcase_key; a module adding input headers may leave it NULL. */
static ngx_inline ngx_uint_t ngx_http_corsguard_named(ngx_table_elt_t *header, const char *lowercase) {
    if (header->lowcase_key != NULL) {
        return ngx_memcmp(header->lowcase_key, lowercase, header->key.len) == 0;
    }
    return ngx_strncasecmp(header->key.data, (u_char *)lowercase, header->key.len) == 0;
}

/* The four request headers corsguard reads: the first line and the line count of three, every line (in order)
 * of Access-Control-Request-Headers. nginx has trimmed each value's OWS. */
static void ngx_http_corsguard_collect(ngx_http_request_t *r, ngx_http_corsguard_lines_t *lines) {
    ngx_list_part_t *part = &r->headers_in.headers.part;
    ngx_table_elt_t *header = part->elts;
    corsguard_request *request = &lines->request;
    ngx_uint_t i;

    ngx_memzero(request, sizeof(corsguard_request));
    request->method.ptr = r->method_name.data;
    request->method.len = r->method_name.len;
    request->request_headers = lines->request_headers;
    lines->too_many_lines = 0;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            header = part->elts;
            i = 0;
            if (part->nelts == 0) {
                continue;
            }
        }
        switch (header[i].key.len) {
        case sizeof("origin") - 1:
            if (ngx_http_corsguard_named(&header[i], "origin")) {
                ngx_http_corsguard_first_line(&request->origin, &request->origin_count, &header[i]);
            }
            break;
        case sizeof("access-control-request-method") - 1:
            if (ngx_http_corsguard_named(&header[i], "access-control-request-method")) {
                ngx_http_corsguard_first_line(&request->request_method, &request->request_method_count, &header[i]);
            }
            break;
        case sizeof("access-control-request-headers") - 1:
            if (ngx_http_corsguard_named(&header[i], "access-control-request-headers")) {
                ngx_http_corsguard_add_line(lines->request_headers, CORSGUARD_MAX_HEADER_LINES,
                                            &request->request_headers_count, &header[i]);
            }
            break;
        case sizeof("access-control-request-private-network") - 1:
            if (ngx_http_corsguard_named(&header[i], "access-control-request-private-network")) {
                ngx_http_corsguard_first_line(&request->request_private_network,
                                              &request->request_private_network_count, &header[i]);
            }
            break;
        }
    }
    if (request->request_headers_count > CORSGUARD_MAX_HEADER_LINES) {
        lines->too_many_lines = 1;
        request->request_headers_count = CORSGUARD_MAX_HEADER_LINES;
    }
}

/* Request bytes in a log line: printable ASCII but `"` and `\` as they are, everything else as \xHH. */
static u_char *ngx_http_corsguard_escape(u_char *dst, u_char *last, const u_char *src, size_t len) {
    static const u_char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len && last - dst >= 4; i++) {
        if (src[i] >= 0x20 && src[i] < 0x7f && src[i] != '"' && src[i] != '\\') {
            *dst++ = src[i];
        } else {
            *dst++ = '\\';
            *dst++ = 'x';
            *dst++ = hex[src[i] >> 4];
            *dst++ = hex[src[i] & 0xf];
        }
    }
    return dst;
}

static void ngx_http_corsguard_log_denial(ngx_http_request_t *r, ngx_http_corsguard_lines_t *lines,
                                          corsguard_decision *decision) {
    u_char origin[128 * 4 + 4], *end = origin;
    uint32_t reason = corsguard_decision_reason(decision), origin_error;
    const corsguard_slice *line = lines->request.origin_count ? &lines->request.origin : NULL;

    if (line != NULL) {
        end = ngx_http_corsguard_escape(origin, origin + sizeof(origin), line->ptr, ngx_min(line->len, 128));
    }
    origin_error = corsguard_decision_origin_error(decision);
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "corsguard: %s denied: %s (reason %uD%s%s), origin \"%*s\"%s",
                  corsguard_decision_kind(decision) == CORSGUARD_KIND_PREFLIGHT ? "preflight" : "request",
                  corsguard_reason_str(reason), reason, origin_error ? ": " : "",
                  origin_error ? corsguard_origin_error_str(origin_error) : "", (size_t)(end - origin), origin,
                  line != NULL && line->len > 128 ? " (cut)" : "");
}

/* Copies the decision's headers out of it: values may point into the decision itself. */
static ngx_int_t ngx_http_corsguard_copy(ngx_http_request_t *r, corsguard_decision *decision,
                                         ngx_http_corsguard_headers_t *out) {
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
    size_t i, count = 0, total = 0;
    u_char *p;

    if (corsguard_decision_headers(decision, headers, CORSGUARD_MAX_HEADERS, &count) != CORSGUARD_RESULT_OK) {
        return NGX_ERROR;
    }
    for (i = 0; i < count; i++) {
        total += headers[i].value.len;
    }
    p = ngx_pnalloc(r->pool, total + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }
    for (i = 0; i < count; i++) {
        out->name[i].data = (u_char *)headers[i].name.ptr;
        out->name[i].len = headers[i].name.len;
        out->value[i].data = p;
        out->value[i].len = headers[i].value.len;
        p = ngx_cpymem(p, headers[i].value.ptr, headers[i].value.len);
    }
    out->count = count;
    return NGX_OK;
}

static ngx_int_t ngx_http_corsguard_post_read_handler(ngx_http_request_t *r) {
    ngx_http_set_ctx(r, &ngx_http_corsguard_head_read, ngx_http_corsguard_module);
    return NGX_DECLINED;
}

/*
 * Rewrite phase: the location is known, and this handler runs before ngx_http_rewrite_module's (it was
 * registered later), so before the location's return, rewrite and if, and before access checks (a preflight
 * never carries credentials: auth_basic must not refuse it) and the content handler or proxy_pass.
 * Preflights are answered here with the decision's status and no body; the header filter adds the headers
 * decided here.
 */
static ngx_int_t ngx_http_corsguard_rewrite_handler(ngx_http_request_t *r) {
    ngx_http_corsguard_loc_conf_t *lcf;
    ngx_http_corsguard_headers_t *answer;
    ngx_http_corsguard_lines_t lines;
    corsguard_decision decision;
    corsguard_result result;
    ngx_int_t rc;

    if (r != r->main) {
        return NGX_DECLINED;
    }
    ngx_http_set_ctx(r, &ngx_http_corsguard_head_read, ngx_http_corsguard_module);
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_corsguard_module);
    if (!lcf->enable || lcf->policy == NULL) {
        return NGX_DECLINED;
    }
    ngx_http_corsguard_collect(r, &lines);
    if (lines.too_many_lines) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "corsguard: refused: more than %d Access-Control-Request-Headers lines",
                      CORSGUARD_MAX_HEADER_LINES);
        return NGX_HTTP_BAD_REQUEST;
    }
    /* Only a preflight is answered here; every other request is decided once, in the header filter. */
    if (r->method != NGX_HTTP_OPTIONS || lines.request.origin_count == 0 || lines.request.request_method_count == 0) {
        return NGX_DECLINED;
    }
    result = corsguard_decide(lcf->policy, &lines.request, &decision);
    if (result != CORSGUARD_RESULT_OK || !corsguard_decision_answer_now(&decision)) {
        return NGX_DECLINED;
    }
    if (corsguard_decision_verdict(&decision) == CORSGUARD_VERDICT_DENIED) {
        ngx_http_corsguard_log_denial(r, &lines, &decision);
    }
    answer = ngx_palloc(r->pool, sizeof(ngx_http_corsguard_headers_t));
    if (answer == NULL || ngx_http_corsguard_copy(r, &decision, answer) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_http_set_ctx(r, answer, ngx_http_corsguard_module);
    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }
    r->headers_out.status = corsguard_decision_status(&decision);
    r->headers_out.content_length_n = 0;
    r->header_only = 1;
    return ngx_http_send_header(r);
}

/*
 * corsguard owns a guarded location's CORS headers: Access-Control-* lines that an upstream or add_header put
 * in the response are dropped (two sources of ACAO make browsers fail, and an upstream that reflects every
 * origin would undo the policy). Returns the last Vary line left, to which the decision's Vary is appended.
 */
static ngx_table_elt_t *ngx_http_corsguard_clear(ngx_http_request_t *r) {
    ngx_list_part_t *part = &r->headers_out.headers.part;
    ngx_table_elt_t *header = part->elts, *vary = NULL;
    ngx_uint_t i;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            header = part->elts;
            i = 0;
            if (part->nelts == 0) {
                continue;
            }
        }
        if (header[i].hash == 0) {
            continue;
        }
        if (header[i].key.len > sizeof("access-control-") - 1 && (header[i].key.data[0] | 0x20) == 'a' &&
            ngx_strncasecmp(header[i].key.data, (u_char *)"access-control-", sizeof("access-control-") - 1) == 0) {
            header[i].hash = 0;
        } else if (header[i].key.len == sizeof("vary") - 1 &&
                   ngx_strncasecmp(header[i].key.data, (u_char *)"vary", 4) == 0) {
            vary = &header[i];
        }
    }
    return vary;
}

/*
 * The lowercase form of a header name from corsguard. The names are the library's static strings, a handful in
 * all, so each is lowercased once per process and then found by its address; lowercasing every name of every
 * response was the largest part of the module's cost per preflight.
 */
static u_char *ngx_http_corsguard_lowercase(ngx_http_request_t *r, ngx_str_t *name) {
    static struct {
        const u_char *name;
        u_char lowercase[48];
    } known[24];
    static ngx_uint_t known_count;
    ngx_uint_t i;
    u_char *p;

    for (i = 0; i < known_count; i++) {
        if (known[i].name == name->data) {
            return known[i].lowercase;
        }
    }
    if (known_count < sizeof(known) / sizeof(known[0]) && name->len < sizeof(known[0].lowercase)) {
        ngx_strlow(known[known_count].lowercase, name->data, name->len);
        known[known_count].name = name->data;
        return known[known_count++].lowercase;
    }
    p = ngx_pnalloc(r->pool, name->len);
    if (p != NULL) {
        ngx_strlow(p, name->data, name->len);
    }
    return p;
}

static ngx_int_t ngx_http_corsguard_add_headers(ngx_http_request_t *r, ngx_http_corsguard_headers_t *headers) {
    ngx_table_elt_t *vary, *h;
    ngx_uint_t i;
    size_t total;
    u_char *p = NULL;

    vary = ngx_http_corsguard_clear(r);
    if (vary != NULL) {
        total = vary->value.len + 2;
        for (i = 0; i < headers->count; i++) {
            total += headers->value[i].len; /* room for whichever is Vary, joined to the response's line */
        }
        p = ngx_pnalloc(r->pool, total);
        if (p == NULL) {
            return NGX_ERROR;
        }
    }
    for (i = 0; i < headers->count; i++) {
        if (vary != NULL && headers->name[i].len == 4 &&
            ngx_strncasecmp(headers->name[i].data, (u_char *)"vary", 4) == 0) {
            /* Append to the response's own Vary line, never replace it. */
            u_char *value = p;
            p = ngx_cpymem(p, vary->value.data, vary->value.len);
            if (vary->value.len != 0) {
                *p++ = ',';
                *p++ = ' ';
            }
            p = ngx_cpymem(p, headers->value[i].data, headers->value[i].len);
            vary->value.data = value;
            vary->value.len = (size_t)(p - value);
            continue;
        }
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->hash = 1;
        h->key = headers->name[i];
        h->value = headers->value[i];
        h->lowcase_key = ngx_http_corsguard_lowercase(r, &headers->name[i]);
        if (h->lowcase_key == NULL) {
            return NGX_ERROR;
        }
    }
    return NGX_OK;
}

static ngx_int_t ngx_http_corsguard_header_filter(ngx_http_request_t *r) {
    ngx_http_corsguard_loc_conf_t *lcf;
    ngx_http_corsguard_headers_t headers;
    ngx_http_corsguard_lines_t lines;
    corsguard_decision decision;
    corsguard_result result;
    void *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_corsguard_module);
    if (r != r->main || ctx == NULL) {
        return ngx_http_next_header_filter(r);
    }
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_corsguard_module);
    if (!lcf->enable || lcf->policy == NULL) {
        return ngx_http_next_header_filter(r);
    }
    if (ctx != &ngx_http_corsguard_head_read) {
        /* The module's own preflight answer, decided in the rewrite phase. */
        if (ngx_http_corsguard_add_headers(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }
        return ngx_http_next_header_filter(r);
    }
    ngx_http_corsguard_collect(r, &lines);
    if (lines.too_many_lines) {
        /* Refused with 400 in the rewrite phase (or by whatever answered first): no CORS headers at all. */
        ngx_http_corsguard_clear(r);
        return ngx_http_next_header_filter(r);
    }
    result = corsguard_decide(lcf->policy, &lines.request, &decision);
    if (result != CORSGUARD_RESULT_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "corsguard: corsguard_decide: %s",
                      corsguard_result_str(result));
        ngx_http_corsguard_clear(r);
        return ngx_http_next_header_filter(r);
    }
    if (corsguard_decision_verdict(&decision) == CORSGUARD_VERDICT_DENIED) {
        ngx_http_corsguard_log_denial(r, &lines, &decision);
    }
    if (ngx_http_corsguard_copy(r, &decision, &headers) != NGX_OK ||
        ngx_http_corsguard_add_headers(r, &headers) != NGX_OK) {
        return NGX_ERROR;
    }
    return ngx_http_next_header_filter(r);
}

static ngx_int_t ngx_http_corsguard_init(ngx_conf_t *cf) {
    ngx_http_core_main_conf_t *cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    ngx_http_handler_pt *h;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_corsguard_post_read_handler;
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_corsguard_rewrite_handler;

    /* The config file orders this module before ngx_http_headers_filter_module, so this filter runs after
     * add_header's and sees (and owns) every header the response will have. */
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_corsguard_header_filter;
    return NGX_OK;
}
