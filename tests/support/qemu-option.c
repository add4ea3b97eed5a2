/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QemuOpts option lists, parsing and typed lookup. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "qemu-option.h"
#include "qerror.h"

/*
 * Sizes of the scratch buffers used while splitting "k=v,k=v" strings.
 * They bound the accepted name and value lengths exactly as v0.15.0's do:
 * longer names or values are silently truncated.
 */
#define OPT_NAME_MAX  128
#define OPT_VALUE_MAX 1024

struct QemuOpt {
    char *name;
    char *str;              /* NULL for a bare flag set programmatically */
    const QemuOptDesc *desc;
    union {
        int boolean;
        uint64_t uint;
    } value;
    QemuOpts *opts;
    QTAILQ_ENTRY(QemuOpt) next;
};

struct QemuOpts {
    char *id;
    QemuOptsList *list;
    Location loc;           /* where the options came from, for errors */
    QTAILQ_HEAD(QemuOptHead, QemuOpt) head;
    QTAILQ_ENTRY(QemuOpts) next;
};

/* Copy at most buf_size - 1 bytes; buf may be NULL to just skip. */
static void opt_buf_put(char *buf, int buf_size, int *len, char c)
{
    if (buf != NULL && *len < buf_size - 1) {
        buf[(*len)++] = c;
    }
}

const char *get_opt_name(char *buf, int buf_size, const char *p, char delim)
{
    int len = 0;

    for (; *p != '\0' && *p != delim; p++) {
        opt_buf_put(buf, buf_size, &len, *p);
    }
    if (buf != NULL) {
        buf[len] = '\0';
    }
    return p;
}

/* A value ends at a single comma; a doubled comma stands for one comma. */
const char *get_opt_value(char *buf, int buf_size, const char *p)
{
    int len = 0;

    for (; *p != '\0'; p++) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        opt_buf_put(buf, buf_size, &len, *p);
    }
    if (buf != NULL) {
        buf[len] = '\0';
    }
    return p;
}

int get_next_param_value(char *buf, int buf_size,
                         const char *tag, const char **pstr)
{
    char name[OPT_NAME_MAX];
    const char *p = *pstr;

    for (;;) {
        p = get_opt_name(name, sizeof(name), p, '=');
        if (*p != '=') {
            return 0;
        }
        p++;
        if (strcmp(name, tag) == 0) {
            p = get_opt_value(buf, buf_size, p);
            if (*p == ',') {
                p++;
            }
            *pstr = p;
            return strlen(buf);
        }
        p = get_opt_value(NULL, 0, p);
        if (*p != ',') {
            return 0;
        }
        p++;
    }
}

int get_param_value(char *buf, int buf_size,
                    const char *tag, const char *str)
{
    return get_next_param_value(buf, buf_size, tag, &str);
}

/* On failure buf holds the offending name, for the caller's message. */
int check_params(char *buf, int buf_size,
                 const char * const *params, const char *str)
{
    const char *p = str;
    int i;

    while (*p != '\0') {
        p = get_opt_name(buf, buf_size, p, '=');
        if (*p != '=') {
            return -1;
        }
        p++;
        for (i = 0; params[i] != NULL; i++) {
            if (strcmp(params[i], buf) == 0) {
                break;
            }
        }
        if (params[i] == NULL) {
            return -1;
        }
        p = get_opt_value(NULL, 0, p);
        if (*p != ',') {
            break;
        }
        p++;
    }
    return 0;
}

/* ---- value parsers: the messages match v0.15.0's QError texts ---- */

static void report_bad_value(const char *name, const char *expected)
{
    qerror_report(QERR_INVALID_PARAMETER_VALUE, name, expected);
}

static int parse_bool(const char *name, const char *value, int *ret)
{
    if (value == NULL) {
        /* a flag given without "=value" means on */
        *ret = 1;
    } else if (strcmp(value, "on") == 0) {
        *ret = 1;
    } else if (strcmp(value, "off") == 0) {
        *ret = 0;
    } else {
        report_bad_value(name, "'on' or 'off'");
        return -1;
    }
    return 0;
}

static int parse_number(const char *name, const char *value, uint64_t *ret)
{
    char *end;
    uint64_t n;

    if (value == NULL) {
        goto fail;
    }
    /* base 0: "0x" and leading-zero octal are accepted, as in v0.15.0 */
    n = strtoull(value, &end, 0);
    if (*end != '\0') {
        goto fail;
    }
    *ret = n;
    return 0;

fail:
    report_bad_value(name, "a number");
    return -1;
}

static int parse_size(const char *name, const char *value, uint64_t *ret)
{
    char *end;
    double size;
    int shift;

    if (value == NULL) {
        report_bad_value(name, "a size");
        return -1;
    }
    size = strtod(value, &end);
    switch (*end) {
    case 'T':
        shift = 40;
        break;
    case 'G':
        shift = 30;
        break;
    case 'M':
        shift = 20;
        break;
    case 'K':
    case 'k':
        shift = 10;
        break;
    case 'b':
    case '\0':
        shift = 0;
        break;
    default:
        goto bad;
    }
    size *= (double)(1ULL << shift);
    /* out-of-range doubles cannot be converted meaningfully */
    if (!(size >= 0 && size < 18446744073709551616.0)) {
        goto bad;
    }
    *ret = (uint64_t)size;
    return 0;

bad:
    report_bad_value(name, "a size");
    error_printf_unless_qmp("You may use k, M, G or T suffixes for "
                            "kilobytes, megabytes, gigabytes and "
                            "terabytes.\n");
    return -1;
}

/* ---- single options ---- */

/* The most recently set instance of a repeated option wins. */
static QemuOpt *qemu_opt_find(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;

    QTAILQ_FOREACH_REVERSE(opt, &opts->head, QemuOptHead, next) {
        if (strcmp(opt->name, name) == 0) {
            return opt;
        }
    }
    return NULL;
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt = qemu_opt_find(opts, name);

    return opt ? opt->str : NULL;
}

/* Typed getters may only be used on options declared with that type. */
int qemu_opt_get_bool(QemuOpts *opts, const char *name, int defval)
{
    QemuOpt *opt = qemu_opt_find(opts, name);

    if (opt == NULL) {
        return defval;
    }
    assert(opt->desc && opt->desc->type == QEMU_OPT_BOOL);
    return opt->value.boolean;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    QemuOpt *opt = qemu_opt_find(opts, name);

    if (opt == NULL) {
        return defval;
    }
    assert(opt->desc && opt->desc->type == QEMU_OPT_NUMBER);
    return opt->value.uint;
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval)
{
    QemuOpt *opt = qemu_opt_find(opts, name);

    if (opt == NULL) {
        return defval;
    }
    assert(opt->desc && opt->desc->type == QEMU_OPT_SIZE);
    return opt->value.uint;
}

static int qemu_opt_parse(QemuOpt *opt)
{
    if (opt->desc == NULL) {
        return 0;
    }
    switch (opt->desc->type) {
    case QEMU_OPT_STRING:
        return 0;
    case QEMU_OPT_BOOL:
        return parse_bool(opt->name, opt->str, &opt->value.boolean);
    case QEMU_OPT_NUMBER:
        return parse_number(opt->name, opt->str, &opt->value.uint);
    case QEMU_OPT_SIZE:
        return parse_size(opt->name, opt->str, &opt->value.uint);
    }
    abort();
}

static void qemu_opt_del(QemuOpt *opt)
{
    QTAILQ_REMOVE(&opt->opts->head, opt, next);
    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

static const QemuOptDesc *find_desc(const QemuOptDesc *desc, const char *name)
{
    for (; desc->name != NULL; desc++) {
        if (strcmp(desc->name, name) == 0) {
            return desc;
        }
    }
    return NULL;
}

int qemu_opt_set(QemuOpts *opts, const char *name, const char *value)
{
    const QemuOptDesc *desc = find_desc(opts->list->desc, name);
    QemuOpt *opt;

    if (desc == NULL && opts->list->desc[0].name != NULL) {
        qerror_report(QERR_INVALID_PARAMETER, name);
        return -1;
    }
    opt = g_new0(QemuOpt, 1);
    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    opt->desc = desc;
    opt->opts = opts;
    QTAILQ_INSERT_TAIL(&opts->head, opt, next);
    if (qemu_opt_parse(opt) < 0) {
        qemu_opt_del(opt);
        return -1;
    }
    return 0;
}

int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     int abort_on_failure)
{
    QemuOpt *opt;
    int rc = 0;

    QTAILQ_FOREACH(opt, &opts->head, next) {
        rc = func(opt->name, opt->str, opaque);
        if (abort_on_failure && rc != 0) {
            break;
        }
    }
    return rc;
}

/* ---- option groups ---- */

QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id)
{
    QemuOpts *opts;

    QTAILQ_FOREACH(opts, &list->head, next) {
        if (opts->id != NULL && strcmp(opts->id, id) == 0) {
            return opts;
        }
    }
    return NULL;
}

/* A letter, then letters, digits, '-', '.' or '_'. */
static bool id_wellformed(const char *id)
{
    const char *p;

    if (!qemu_isalpha(id[0])) {
        return false;
    }
    for (p = id + 1; *p != '\0'; p++) {
        if (!qemu_isalnum(*p) && strchr("-._", *p) == NULL) {
            return false;
        }
    }
    return true;
}

QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           int fail_if_exists)
{
    QemuOpts *opts;

    if (id != NULL) {
        if (!id_wellformed(id)) {
            report_bad_value("id", "an identifier");
            error_printf_unless_qmp("Identifiers consist of letters, "
                                    "digits, '-', '.', '_', starting "
                                    "with a letter.\n");
            return NULL;
        }
        opts = qemu_opts_find(list, id);
        if (opts != NULL) {
            if (fail_if_exists) {
                qerror_report(QERR_DUPLICATE_ID, id, list->name);
                return NULL;
            }
            return opts;
        }
    }
    opts = g_new0(QemuOpts, 1);
    opts->id = g_strdup(id);
    opts->list = list;
    loc_save(&opts->loc);
    QTAILQ_INIT(&opts->head);
    QTAILQ_INSERT_TAIL(&list->head, opts, next);
    return opts;
}

void qemu_opts_reset(QemuOptsList *list)
{
    QemuOpts *opts, *next_opts;

    QTAILQ_FOREACH_SAFE(opts, &list->head, next, next_opts) {
        qemu_opts_del(opts);
    }
}

void qemu_opts_loc_restore(QemuOpts *opts)
{
    loc_restore(&opts->loc);
}

int qemu_opts_set(QemuOptsList *list, const char *id,
                  const char *name, const char *value)
{
    QemuOpts *opts = qemu_opts_create(list, id, 1);

    if (opts == NULL) {
        return -1;
    }
    return qemu_opt_set(opts, name, value);
}

const char *qemu_opts_id(QemuOpts *opts)
{
    return opts->id;
}

void qemu_opts_del(QemuOpts *opts)
{
    while (!QTAILQ_EMPTY(&opts->head)) {
        qemu_opt_del(QTAILQ_FIRST(&opts->head));
    }
    QTAILQ_REMOVE(&opts->list->head, opts, next);
    g_free(opts->id);
    g_free(opts);
}

int qemu_opts_print(QemuOpts *opts, void *dummy)
{
    QemuOpt *opt;

    fprintf(stderr, "%s: %s:", opts->list->name,
            opts->id ? opts->id : "<noid>");
    QTAILQ_FOREACH(opt, &opts->head, next) {
        fprintf(stderr, " %s=\"%s\"", opt->name,
                opt->str ? opt->str : "(null)");
    }
    fprintf(stderr, "\n");
    return 0;
}

/*
 * Parse "a=1,b=2,flag,noflag" into opts.  A leading element without '='
 * is the value of firstname when one is given; any other bare element is
 * a boolean flag, switched off by a "no" prefix.  "id" is skipped since
 * qemu_opts_parse() has already consumed it.
 */
int qemu_opts_do_parse(QemuOpts *opts, const char *params,
                       const char *firstname)
{
    char option[OPT_NAME_MAX];
    char value[OPT_VALUE_MAX];
    const char *p, *eq, *comma;

    for (p = params; *p != '\0'; p++) {
        eq = strchr(p, '=');
        comma = strchr(p, ',');
        if (eq == NULL || (comma != NULL && comma < eq)) {
            if (p == params && firstname != NULL) {
                pstrcpy(option, sizeof(option), firstname);
                p = get_opt_value(value, sizeof(value), p);
            } else {
                p = get_opt_name(option, sizeof(option), p, ',');
                if (strncmp(option, "no", 2) == 0) {
                    memmove(option, option + 2, strlen(option + 2) + 1);
                    pstrcpy(value, sizeof(value), "off");
                } else {
                    pstrcpy(value, sizeof(value), "on");
                }
            }
        } else {
            p = get_opt_name(option, sizeof(option), p, '=');
            p++;
            p = get_opt_value(value, sizeof(value), p);
        }
        if (strcmp(option, "id") != 0 &&
            qemu_opt_set(opts, option, value) == -1) {
            return -1;
        }
        if (*p != ',') {
            break;
        }
    }
    return 0;
}

QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          int permit_abbrev)
{
    char value[OPT_VALUE_MAX];
    const char *firstname;
    const char *id = NULL;
    const char *p;
    QemuOpts *opts;

    assert(!permit_abbrev || list->implied_opt_name);
    firstname = permit_abbrev ? list->implied_opt_name : NULL;

    /* the id is looked up textually, before the real parse */
    p = strstr(params, ",id=");
    if (strncmp(params, "id=", 3) == 0) {
        get_opt_value(value, sizeof(value), params + 3);
        id = value;
    } else if (p != NULL) {
        get_opt_value(value, sizeof(value), p + 4);
        id = value;
    }
    opts = qemu_opts_create(list, id, 1);
    if (opts == NULL) {
        return NULL;
    }
    if (qemu_opts_do_parse(opts, params, firstname) != 0) {
        qemu_opts_del(opts);
        return NULL;
    }
    return opts;
}

static void opts_from_qdict_entry(const char *key, QObject *obj, void *opaque)
{
    QemuOpts *opts = opaque;
    char buf[32];
    const char *value;

    if (strcmp(key, "id") == 0) {
        return;
    }
    switch (qobject_type(obj)) {
    case QTYPE_QSTRING:
        value = qstring_get_str(qobject_to_qstring(obj));
        break;
    case QTYPE_QINT:
        snprintf(buf, sizeof(buf), "%" PRId64,
                 qint_get_int(qobject_to_qint(obj)));
        value = buf;
        break;
    case QTYPE_QFLOAT:
        snprintf(buf, sizeof(buf), "%.17g",
                 qfloat_get_double(qobject_to_qfloat(obj)));
        value = buf;
        break;
    case QTYPE_QBOOL:
        value = qbool_get_int(qobject_to_qbool(obj)) ? "on" : "off";
        break;
    default:
        /* nested containers have no option representation */
        return;
    }
    /* errors are reported by qemu_opt_set and otherwise ignored */
    qemu_opt_set(opts, key, value);
}

QemuOpts *qemu_opts_from_qdict(QemuOptsList *list, const QDict *qdict)
{
    QemuOpts *opts;

    opts = qemu_opts_create(list, qdict_get_try_str(qdict, "id"), 1);
    if (opts == NULL) {
        return NULL;
    }
    qdict_iter(qdict, opts_from_qdict_entry, opts);
    return opts;
}

/* Every value becomes a QString, whatever the option's type. */
QDict *qemu_opts_to_qdict(QemuOpts *opts, QDict *qdict)
{
    QemuOpt *opt;

    if (qdict == NULL) {
        qdict = qdict_new();
    }
    if (opts->id != NULL) {
        qdict_put(qdict, "id", qstring_from_str(opts->id));
    }
    QTAILQ_FOREACH(opt, &opts->head, next) {
        qdict_put(qdict, opt->name,
                  qstring_from_str(opt->str ? opt->str : ""));
    }
    return qdict;
}

/* Type-check options of an accept-anything list against a late desc. */
int qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc)
{
    QemuOpt *opt;

    assert(opts->list->desc[0].name == NULL);

    QTAILQ_FOREACH(opt, &opts->head, next) {
        opt->desc = find_desc(desc, opt->name);
        if (opt->desc == NULL) {
            qerror_report(QERR_INVALID_PARAMETER, opt->name);
            return -1;
        }
        if (qemu_opt_parse(opt) < 0) {
            return -1;
        }
    }
    return 0;
}

int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, int abort_on_failure)
{
    Location loc;
    QemuOpts *opts;
    int rc = 0;

    loc_push_none(&loc);
    QTAILQ_FOREACH(opts, &list->head, next) {
        loc_restore(&opts->loc);
        rc |= func(opts, opaque);
        if (abort_on_failure && rc != 0) {
            break;
        }
    }
    loc_pop(&loc);
    return rc;
}
