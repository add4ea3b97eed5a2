/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QDict, a refcounted string-keyed hash of QObjects. */

#include <string.h>
#include <glib.h>
#include "qemu-common.h"
#include "qdict.h"
#include "qint.h"
#include "qfloat.h"
#include "qbool.h"
#include "qstring.h"

static void qdict_destroy_obj(QObject *obj);

static const QType qdict_type = {
    .code = QTYPE_QDICT,
    .destroy = qdict_destroy_obj,
};

/*
 * The bucket function is the classic tdb string hash, as v0.15.0 uses, so
 * that qdict_iter()/qdict_first() walk keys in the same order as QEMU and
 * JSON output is byte-identical to the real thing.
 */
static unsigned int qdict_bucket(const char *key)
{
    unsigned int h = 0x238F13AFu * (unsigned int)strlen(key);
    unsigned int i;

    for (i = 0; key[i] != '\0'; i++) {
        h += (unsigned int)(unsigned char)key[i] << ((i * 5) % 24);
    }
    return (1103515243u * h + 12345u) % QDICT_BUCKET_MAX;
}

QDict *qdict_new(void)
{
    QDict *qdict = g_new0(QDict, 1);

    QOBJECT_INIT(qdict, &qdict_type);
    return qdict;
}

QDict *qobject_to_qdict(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QDICT) {
        return NULL;
    }
    return container_of(obj, QDict, base);
}

const char *qdict_entry_key(const QDictEntry *entry)
{
    return entry->key;
}

QObject *qdict_entry_value(const QDictEntry *entry)
{
    return entry->value;
}

size_t qdict_size(const QDict *qdict)
{
    return qdict->size;
}

static QDictEntry *qdict_lookup(const QDict *qdict, const char *key,
                                unsigned int bucket)
{
    QDictEntry *entry;

    QLIST_FOREACH(entry, &qdict->table[bucket], next) {
        if (strcmp(entry->key, key) == 0) {
            return entry;
        }
    }
    return NULL;
}

/* Takes over the caller's reference; an existing value is released. */
void qdict_put_obj(QDict *qdict, const char *key, QObject *value)
{
    unsigned int bucket = qdict_bucket(key);
    QDictEntry *entry = qdict_lookup(qdict, key, bucket);

    if (entry != NULL) {
        qobject_decref(entry->value);
        entry->value = value;
        return;
    }
    entry = g_new0(QDictEntry, 1);
    entry->key = g_strdup(key);
    entry->value = value;
    /* newest first within a bucket, matching v0.15.0's walk order */
    QLIST_INSERT_HEAD(&qdict->table[bucket], entry, next);
    qdict->size++;
}

static void qdict_entry_free(QDictEntry *entry)
{
    qobject_decref(entry->value);
    g_free(entry->key);
    g_free(entry);
}

void qdict_del(QDict *qdict, const char *key)
{
    QDictEntry *entry = qdict_lookup(qdict, key, qdict_bucket(key));

    if (entry != NULL) {
        QLIST_REMOVE(entry, next);
        qdict_entry_free(entry);
        qdict->size--;
    }
}

int qdict_haskey(const QDict *qdict, const char *key)
{
    return qdict_lookup(qdict, key, qdict_bucket(key)) != NULL;
}

/* Borrowed reference, or NULL when the key is absent. */
QObject *qdict_get(const QDict *qdict, const char *key)
{
    QDictEntry *entry = qdict_lookup(qdict, key, qdict_bucket(key));

    return entry ? entry->value : NULL;
}

void qdict_iter(const QDict *qdict,
                void (*iter)(const char *key, QObject *obj, void *opaque),
                void *opaque)
{
    QDictEntry *entry, *next_entry;
    int i;

    for (i = 0; i < QDICT_BUCKET_MAX; i++) {
        QLIST_FOREACH_SAFE(entry, &qdict->table[i], next, next_entry) {
            iter(entry->key, entry->value, opaque);
        }
    }
}

static const QDictEntry *qdict_scan_from(const QDict *qdict,
                                         unsigned int bucket)
{
    for (; bucket < QDICT_BUCKET_MAX; bucket++) {
        if (!QLIST_EMPTY(&qdict->table[bucket])) {
            return QLIST_FIRST(&qdict->table[bucket]);
        }
    }
    return NULL;
}

const QDictEntry *qdict_first(const QDict *qdict)
{
    return qdict_scan_from(qdict, 0);
}

const QDictEntry *qdict_next(const QDict *qdict, const QDictEntry *entry)
{
    if (QLIST_NEXT(entry, next) != NULL) {
        return QLIST_NEXT(entry, next);
    }
    return qdict_scan_from(qdict, qdict_bucket(entry->key) + 1);
}

/* Strict getters: a missing key or wrong type is a programming error. */
static QObject *qdict_get_typed(const QDict *qdict, const char *key,
                                qtype_code type)
{
    QObject *obj = qdict_get(qdict, key);

    assert(obj != NULL);
    assert(qobject_type(obj) == type);
    return obj;
}

double qdict_get_double(const QDict *qdict, const char *key)
{
    QObject *obj = qdict_get(qdict, key);

    assert(obj != NULL);
    /* integers are accepted too, since JSON does not distinguish them */
    if (qobject_type(obj) == QTYPE_QINT) {
        return (double)qint_get_int(qobject_to_qint(obj));
    }
    assert(qobject_type(obj) == QTYPE_QFLOAT);
    return qfloat_get_double(qobject_to_qfloat(obj));
}

int64_t qdict_get_int(const QDict *qdict, const char *key)
{
    return qint_get_int(qobject_to_qint(
                            qdict_get_typed(qdict, key, QTYPE_QINT)));
}

int qdict_get_bool(const QDict *qdict, const char *key)
{
    return qbool_get_int(qobject_to_qbool(
                             qdict_get_typed(qdict, key, QTYPE_QBOOL)));
}

QList *qdict_get_qlist(const QDict *qdict, const char *key)
{
    return qobject_to_qlist(qdict_get_typed(qdict, key, QTYPE_QLIST));
}

QDict *qdict_get_qdict(const QDict *qdict, const char *key)
{
    return qobject_to_qdict(qdict_get_typed(qdict, key, QTYPE_QDICT));
}

const char *qdict_get_str(const QDict *qdict, const char *key)
{
    return qstring_get_str(qobject_to_qstring(
                               qdict_get_typed(qdict, key, QTYPE_QSTRING)));
}

int64_t qdict_get_try_int(const QDict *qdict, const char *key,
                          int64_t def_value)
{
    QInt *qi = qobject_to_qint(qdict_get(qdict, key));

    return qi ? qint_get_int(qi) : def_value;
}

int qdict_get_try_bool(const QDict *qdict, const char *key, int def_value)
{
    QBool *qb = qobject_to_qbool(qdict_get(qdict, key));

    return qb ? qbool_get_int(qb) : def_value;
}

const char *qdict_get_try_str(const QDict *qdict, const char *key)
{
    QString *qs = qobject_to_qstring(qdict_get(qdict, key));

    return qs ? qstring_get_str(qs) : NULL;
}

static void qdict_destroy_obj(QObject *obj)
{
    QDict *qdict = qobject_to_qdict(obj);
    QDictEntry *entry, *next_entry;
    int i;

    for (i = 0; i < QDICT_BUCKET_MAX; i++) {
        QLIST_FOREACH_SAFE(entry, &qdict->table[i], next, next_entry) {
            QLIST_REMOVE(entry, next);
            qdict_entry_free(entry);
        }
    }
    g_free(qdict);
}
