/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: JSON text <-> QObject, with QEMU's %-escape extension. */

#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <glib.h>
#include "qemu-common.h"
#include "qemu-objects.h"

/*
 * Recursive-descent parser for the JSON dialect QEMU speaks internally:
 * standard JSON plus single-quoted strings and printf-like escapes
 * (%s %d %i %ld %lld %I64d %f %p) that pull values from a va_list.
 * Like v0.15.0, %i yields a QBool, %p splices in a QObject (taking the
 * caller's reference) and there is no "null" keyword.
 */

/* Deep enough for any real message; bounds recursion on hostile input. */
#define JSON_MAX_DEPTH 1024

typedef struct JsonParser {
    const char *p;
    va_list *ap;
    int depth;
} JsonParser;

static QObject *json_parse_value(JsonParser *jp);

static void json_skip_ws(JsonParser *jp)
{
    while (*jp->p == ' ' || *jp->p == '\t' ||
           *jp->p == '\n' || *jp->p == '\r') {
        jp->p++;
    }
}

static int json_hex4(const char *s, unsigned int *out)
{
    unsigned int v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        if (!g_ascii_isxdigit(s[i])) {
            return -1;
        }
        v = (v << 4) | (unsigned int)g_ascii_xdigit_value(s[i]);
    }
    *out = v;
    return 0;
}

static void json_append_utf8(QString *str, unsigned int cp)
{
    char buf[8];
    int n;

    if (cp == 0) {
        /* keep the C string intact: use the overlong two-byte NUL */
        qstring_append(str, "\xC0\x80");
        return;
    }
    n = g_unichar_to_utf8(cp, buf);
    buf[n] = '\0';
    qstring_append(str, buf);
}

static QObject *json_parse_string(JsonParser *jp)
{
    char quote = *jp->p++;
    QString *str = qstring_new();
    unsigned int cp, lo;

    while (*jp->p != quote) {
        char c = *jp->p;

        if (c == '\0') {
            goto fail;
        }
        if (c != '\\') {
            qstring_append_chr(str, c);
            jp->p++;
            continue;
        }
        jp->p++;
        c = *jp->p++;
        switch (c) {
        case '"':
        case '\'':
        case '\\':
        case '/':
            qstring_append_chr(str, c);
            break;
        case 'b':
            qstring_append_chr(str, '\b');
            break;
        case 'f':
            qstring_append_chr(str, '\f');
            break;
        case 'n':
            qstring_append_chr(str, '\n');
            break;
        case 'r':
            qstring_append_chr(str, '\r');
            break;
        case 't':
            qstring_append_chr(str, '\t');
            break;
        case 'u':
            if (json_hex4(jp->p, &cp) < 0) {
                goto fail;
            }
            jp->p += 4;
            /* join a surrogate pair when both halves are present */
            if (cp >= 0xD800 && cp < 0xDC00 && jp->p[0] == '\\' &&
                jp->p[1] == 'u' && json_hex4(jp->p + 2, &lo) == 0 &&
                lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                jp->p += 6;
            }
            json_append_utf8(str, cp);
            break;
        default:
            goto fail;
        }
    }
    jp->p++;
    return QOBJECT(str);

fail:
    QDECREF(str);
    return NULL;
}

static QObject *json_parse_number(JsonParser *jp)
{
    const char *start = jp->p;
    const char *s = jp->p;
    gboolean is_float = FALSE;
    char *text;
    QObject *obj;

    if (*s == '-') {
        s++;
    }
    if (*s == '0') {
        s++;
    } else if (g_ascii_isdigit(*s)) {
        while (g_ascii_isdigit(*s)) {
            s++;
        }
    } else {
        return NULL;
    }
    if (*s == '.') {
        s++;
        if (!g_ascii_isdigit(*s)) {
            return NULL;
        }
        while (g_ascii_isdigit(*s)) {
            s++;
        }
        is_float = TRUE;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') {
            s++;
        }
        if (!g_ascii_isdigit(*s)) {
            return NULL;
        }
        while (g_ascii_isdigit(*s)) {
            s++;
        }
        is_float = TRUE;
    }
    jp->p = s;
    text = g_strndup(start, (gsize)(s - start));
    if (is_float) {
        obj = QOBJECT(qfloat_from_double(g_ascii_strtod(text, NULL)));
    } else {
        /* out-of-range integers saturate, as strtoll does in v0.15.0 */
        obj = QOBJECT(qint_from_int(strtoll(text, NULL, 10)));
    }
    g_free(text);
    return obj;
}

static QObject *json_parse_keyword(JsonParser *jp)
{
    const char *s = jp->p;
    size_t len = 0;

    while (g_ascii_isalpha(s[len])) {
        len++;
    }
    jp->p += len;
    if (len == 4 && strncmp(s, "true", 4) == 0) {
        return QOBJECT(qbool_from_int(1));
    }
    if (len == 5 && strncmp(s, "false", 5) == 0) {
        return QOBJECT(qbool_from_int(0));
    }
    return NULL;
}

static int json_escape_is(JsonParser *jp, const char *esc)
{
    size_t len = strlen(esc);

    if (strncmp(jp->p, esc, len) != 0) {
        return 0;
    }
    jp->p += len;
    return 1;
}

static QObject *json_parse_escape(JsonParser *jp)
{
    const char *s;

    if (jp->ap == NULL) {
        return NULL;
    }
    /* longest spellings first so %ld is not mistaken for %l + d */
    if (json_escape_is(jp, "%p")) {
        return va_arg(*jp->ap, QObject *);
    } else if (json_escape_is(jp, "%i")) {
        return QOBJECT(qbool_from_int(va_arg(*jp->ap, int)));
    } else if (json_escape_is(jp, "%d")) {
        return QOBJECT(qint_from_int(va_arg(*jp->ap, int)));
    } else if (json_escape_is(jp, "%lld") || json_escape_is(jp, "%I64d")) {
        return QOBJECT(qint_from_int(va_arg(*jp->ap, long long)));
    } else if (json_escape_is(jp, "%ld")) {
        return QOBJECT(qint_from_int(va_arg(*jp->ap, long)));
    } else if (json_escape_is(jp, "%s")) {
        s = va_arg(*jp->ap, const char *);
        return s ? QOBJECT(qstring_from_str(s)) : NULL;
    } else if (json_escape_is(jp, "%f")) {
        return QOBJECT(qfloat_from_double(va_arg(*jp->ap, double)));
    }
    return NULL;
}

static QObject *json_parse_object(JsonParser *jp)
{
    QDict *dict = qdict_new();
    QObject *key = NULL;
    QObject *value;

    jp->p++;
    json_skip_ws(jp);
    if (*jp->p == '}') {
        jp->p++;
        return QOBJECT(dict);
    }
    for (;;) {
        json_skip_ws(jp);
        key = json_parse_value(jp);
        if (key == NULL || qobject_type(key) != QTYPE_QSTRING) {
            goto fail;
        }
        json_skip_ws(jp);
        if (*jp->p != ':') {
            goto fail;
        }
        jp->p++;
        value = json_parse_value(jp);
        if (value == NULL) {
            goto fail;
        }
        qdict_put_obj(dict, qstring_get_str(qobject_to_qstring(key)), value);
        qobject_decref(key);
        key = NULL;
        json_skip_ws(jp);
        if (*jp->p == '}') {
            jp->p++;
            return QOBJECT(dict);
        }
        if (*jp->p != ',') {
            goto fail;
        }
        jp->p++;
    }

fail:
    qobject_decref(key);
    QDECREF(dict);
    return NULL;
}

static QObject *json_parse_array(JsonParser *jp)
{
    QList *list = qlist_new();
    QObject *value;

    jp->p++;
    json_skip_ws(jp);
    if (*jp->p == ']') {
        jp->p++;
        return QOBJECT(list);
    }
    for (;;) {
        value = json_parse_value(jp);
        if (value == NULL) {
            goto fail;
        }
        qlist_append_obj(list, value);
        json_skip_ws(jp);
        if (*jp->p == ']') {
            jp->p++;
            return QOBJECT(list);
        }
        if (*jp->p != ',') {
            goto fail;
        }
        jp->p++;
    }

fail:
    QDECREF(list);
    return NULL;
}

static QObject *json_parse_value(JsonParser *jp)
{
    QObject *obj = NULL;

    if (jp->depth >= JSON_MAX_DEPTH) {
        return NULL;
    }
    jp->depth++;
    json_skip_ws(jp);
    switch (*jp->p) {
    case '{':
        obj = json_parse_object(jp);
        break;
    case '[':
        obj = json_parse_array(jp);
        break;
    case '"':
    case '\'':
        obj = json_parse_string(jp);
        break;
    case '%':
        obj = json_parse_escape(jp);
        break;
    case '-':
    case '0' ... '9':
        obj = json_parse_number(jp);
        break;
    default:
        if (g_ascii_isalpha(*jp->p)) {
            obj = json_parse_keyword(jp);
        }
        break;
    }
    jp->depth--;
    return obj;
}

QObject *qobject_from_jsonv(const char *string, va_list *ap)
{
    JsonParser jp = { .p = string, .ap = ap, .depth = 0 };
    QObject *obj;

    obj = json_parse_value(&jp);
    if (obj == NULL) {
        return NULL;
    }
    json_skip_ws(&jp);
    if (*jp.p != '\0') {
        /* trailing garbage: reject the whole text */
        qobject_decref(obj);
        return NULL;
    }
    return obj;
}

QObject *qobject_from_json(const char *string)
{
    return qobject_from_jsonv(string, NULL);
}

/* For trusted, program-built templates only: a parse failure aborts. */
QObject *qobject_from_jsonf(const char *string, ...)
{
    QObject *obj;
    va_list ap;

    va_start(ap, string);
    obj = qobject_from_jsonv(string, &ap);
    va_end(ap);

    assert(obj != NULL);
    return obj;
}

/* ---- emitter ---- */

typedef struct JsonEmitter {
    QString *out;
    int pretty;
    int indent;
    int count;
} JsonEmitter;

static void json_emit(const QObject *obj, QString *out, int pretty,
                      int indent);

static void json_emit_indent(QString *out, int indent)
{
    int i;

    for (i = 0; i < indent; i++) {
        qstring_append(out, "    ");
    }
}

static void json_emit_separator(JsonEmitter *em)
{
    if (em->count > 0) {
        qstring_append(em->out, ", ");
    }
    if (em->pretty) {
        qstring_append_chr(em->out, '\n');
        json_emit_indent(em->out, em->indent);
    }
    em->count++;
}

static void json_emit_u(QString *out, unsigned int unit)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "\\u%04X", unit & 0xFFFF);
    qstring_append(out, buf);
}

/*
 * Non-ASCII text leaves as \uXXXX escapes (upper-case hex), as v0.15.0
 * does, so the output is pure ASCII.
 */
static void json_emit_string(QString *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned int cp;

    qstring_append_chr(out, '"');
    while (*p != '\0') {
        if ((p[0] & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 &&
            (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
            cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
                 ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
            cp -= 0x10000;
            json_emit_u(out, 0xD800 + (cp >> 10));
            json_emit_u(out, 0xDC00 + (cp & 0x3FF));
            p += 4;
            continue;
        }
        if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 &&
            (p[2] & 0xC0) == 0x80) {
            cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) |
                 (p[2] & 0x3Fu);
            json_emit_u(out, cp);
            p += 3;
            continue;
        }
        if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
            cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            json_emit_u(out, cp);
            p += 2;
            continue;
        }
        switch (*p) {
        case '"':
            qstring_append(out, "\\\"");
            break;
        case '\\':
            qstring_append(out, "\\\\");
            break;
        case '\b':
            qstring_append(out, "\\b");
            break;
        case '\f':
            qstring_append(out, "\\f");
            break;
        case '\n':
            qstring_append(out, "\\n");
            break;
        case '\r':
            qstring_append(out, "\\r");
            break;
        case '\t':
            qstring_append(out, "\\t");
            break;
        default:
            if (*p < 0x20 || *p >= 0x80) {
                /* control bytes, and stray bytes that are not UTF-8 */
                json_emit_u(out, *p < 0x20 ? *p : 0xFFFD);
            } else {
                qstring_append_chr(out, *p);
            }
            break;
        }
        p++;
    }
    qstring_append_chr(out, '"');
}

static void json_emit_dict_entry(const char *key, QObject *obj, void *opaque)
{
    JsonEmitter *em = opaque;

    json_emit_separator(em);
    json_emit_string(em->out, key);
    qstring_append(em->out, ": ");
    json_emit(obj, em->out, em->pretty, em->indent);
}

static void json_emit_list_entry(QObject *obj, void *opaque)
{
    JsonEmitter *em = opaque;

    json_emit_separator(em);
    json_emit(obj, em->out, em->pretty, em->indent);
}

static void json_emit_float(QString *out, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE + 320];
    size_t len;

    /* fixed notation, then trim trailing zeros and a bare point */
    g_ascii_formatd(buf, sizeof(buf), "%f", d);
    len = strlen(buf);
    while (len > 0 && buf[len - 1] == '0') {
        len--;
    }
    if (len > 0 && buf[len - 1] == '.') {
        len--;
    }
    buf[len] = '\0';
    qstring_append(out, buf);
}

static void json_emit(const QObject *obj, QString *out, int pretty,
                      int indent)
{
    JsonEmitter em = {
        .out = out, .pretty = pretty, .indent = indent + 1, .count = 0,
    };

    switch (qobject_type(obj)) {
    case QTYPE_QINT:
        qstring_append_int(out, qint_get_int(qobject_to_qint(obj)));
        break;
    case QTYPE_QSTRING:
        json_emit_string(out, qstring_get_str(qobject_to_qstring(obj)));
        break;
    case QTYPE_QDICT:
        qstring_append_chr(out, '{');
        qdict_iter(qobject_to_qdict(obj), json_emit_dict_entry, &em);
        if (pretty) {
            qstring_append_chr(out, '\n');
            json_emit_indent(out, indent);
        }
        qstring_append_chr(out, '}');
        break;
    case QTYPE_QLIST:
        qstring_append_chr(out, '[');
        qlist_iter(qobject_to_qlist(obj), json_emit_list_entry, &em);
        if (pretty) {
            qstring_append_chr(out, '\n');
            json_emit_indent(out, indent);
        }
        qstring_append_chr(out, ']');
        break;
    case QTYPE_QFLOAT:
        json_emit_float(out, qfloat_get_double(qobject_to_qfloat(obj)));
        break;
    case QTYPE_QBOOL:
        qstring_append(out, qbool_get_int(qobject_to_qbool(obj)) ?
                       "true" : "false");
        break;
    case QTYPE_QERROR:
    case QTYPE_NONE:
        /* nothing sensible to print, and v0.15.0 prints nothing either */
        break;
    }
}

QString *qobject_to_json(const QObject *obj)
{
    QString *out = qstring_new();

    json_emit(obj, out, 0, 0);
    return out;
}

QString *qobject_to_json_pretty(const QObject *obj)
{
    QString *out = qstring_new();

    json_emit(obj, out, 1, 0);
    return out;
}
