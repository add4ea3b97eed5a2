/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QString, a refcounted growable byte string QObject. */

#include <string.h>
#include <inttypes.h>
#include <glib.h>
#include "qemu-common.h"
#include "qstring.h"

static void qstring_destroy_obj(QObject *obj);

static const QType qstring_type = {
    .code = QTYPE_QSTRING,
    .destroy = qstring_destroy_obj,
};

static QString *qstring_alloc(size_t capacity)
{
    QString *qs = g_new0(QString, 1);

    qs->capacity = capacity;
    /* one spare byte always holds the terminating NUL */
    qs->string = g_malloc(capacity + 1);
    qs->string[0] = '\0';
    QOBJECT_INIT(qs, &qstring_type);
    return qs;
}

QString *qstring_new(void)
{
    return qstring_alloc(0);
}

QString *qstring_from_substr(const char *str, int start, int end)
{
    QString *qs;
    size_t len;

    /* end is inclusive, so end == start - 1 yields an empty string */
    assert(start >= 0 && end >= start - 1);
    len = (size_t)(end - start + 1);
    qs = qstring_alloc(len);
    memcpy(qs->string, str + start, len);
    qs->string[len] = '\0';
    qs->length = len;
    return qs;
}

QString *qstring_from_str(const char *str)
{
    return qstring_from_substr(str, 0, (int)strlen(str) - 1);
}

static void qstring_reserve(QString *qs, size_t extra)
{
    size_t need = qs->length + extra;

    if (need <= qs->capacity) {
        return;
    }
    /* grow geometrically so repeated appends stay linear overall */
    qs->capacity = MAX(need, qs->capacity * 2);
    qs->string = g_realloc(qs->string, qs->capacity + 1);
}

static void qstring_append_bytes(QString *qs, const char *bytes, size_t len)
{
    qstring_reserve(qs, len);
    memcpy(qs->string + qs->length, bytes, len);
    qs->length += len;
    qs->string[qs->length] = '\0';
}

void qstring_append(QString *qstring, const char *str)
{
    qstring_append_bytes(qstring, str, strlen(str));
}

void qstring_append_chr(QString *qstring, int c)
{
    char ch = (char)c;

    qstring_append_bytes(qstring, &ch, 1);
}

void qstring_append_int(QString *qstring, int64_t value)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRId64, value);
    qstring_append(qstring, buf);
}

const char *qstring_get_str(const QString *qstring)
{
    return qstring->string;
}

QString *qobject_to_qstring(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QSTRING) {
        return NULL;
    }
    return container_of(obj, QString, base);
}

static void qstring_destroy_obj(QObject *obj)
{
    QString *qs = qobject_to_qstring(obj);

    g_free(qs->string);
    g_free(qs);
}
