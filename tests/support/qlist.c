/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QList, a refcounted ordered list of QObject references. */

#include <glib.h>
#include "qemu-common.h"
#include "qlist.h"

static void qlist_destroy_obj(QObject *obj);

static const QType qlist_type = {
    .code = QTYPE_QLIST,
    .destroy = qlist_destroy_obj,
};

QList *qlist_new(void)
{
    QList *qlist = g_new0(QList, 1);

    QTAILQ_INIT(&qlist->head);
    QOBJECT_INIT(qlist, &qlist_type);
    return qlist;
}

static void qlist_copy_elem(QObject *obj, void *opaque)
{
    QList *dst = opaque;

    qobject_incref(obj);
    qlist_append_obj(dst, obj);
}

/* Shallow copy: the elements are shared, each gaining a reference. */
QList *qlist_copy(QList *src)
{
    QList *dst = qlist_new();

    qlist_iter(src, qlist_copy_elem, dst);
    return dst;
}

/* The list takes over the caller's reference to obj. */
void qlist_append_obj(QList *qlist, QObject *obj)
{
    QListEntry *entry = g_new0(QListEntry, 1);

    entry->value = obj;
    QTAILQ_INSERT_TAIL(&qlist->head, entry, next);
}

void qlist_iter(const QList *qlist,
                void (*iter)(QObject *obj, void *opaque), void *opaque)
{
    QListEntry *entry;

    QTAILQ_FOREACH(entry, &qlist->head, next) {
        iter(entry->value, opaque);
    }
}

/* Detaches the first element; its reference passes to the caller. */
QObject *qlist_pop(QList *qlist)
{
    QListEntry *entry;
    QObject *obj;

    if (qlist == NULL || QTAILQ_EMPTY(&qlist->head)) {
        return NULL;
    }
    entry = QTAILQ_FIRST(&qlist->head);
    QTAILQ_REMOVE(&qlist->head, entry, next);
    obj = entry->value;
    g_free(entry);
    return obj;
}

/* Borrowed reference to the first element, or NULL when empty. */
QObject *qlist_peek(QList *qlist)
{
    if (qlist == NULL || QTAILQ_EMPTY(&qlist->head)) {
        return NULL;
    }
    return QTAILQ_FIRST(&qlist->head)->value;
}

int qlist_empty(const QList *qlist)
{
    return QTAILQ_EMPTY(&qlist->head);
}

QList *qobject_to_qlist(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QLIST) {
        return NULL;
    }
    return container_of(obj, QList, base);
}

static void qlist_destroy_obj(QObject *obj)
{
    QList *qlist = qobject_to_qlist(obj);
    QListEntry *entry, *next_entry;

    QTAILQ_FOREACH_SAFE(entry, &qlist->head, next, next_entry) {
        QTAILQ_REMOVE(&qlist->head, entry, next);
        qobject_decref(entry->value);
        g_free(entry);
    }
    g_free(qlist);
}
