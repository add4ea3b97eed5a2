/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 qobject.h interface for the standalone build. */

#ifndef QOBJECT_H
#define QOBJECT_H

#include <stddef.h>
#include <assert.h>

typedef enum {
    QTYPE_NONE,
    QTYPE_QINT,
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QFLOAT,
    QTYPE_QBOOL,
    QTYPE_QERROR,
} qtype_code;

struct QObject;

typedef struct QType {
    qtype_code code;
    void (*destroy)(struct QObject *);
} QType;

typedef struct QObject {
    const QType *type;
    size_t refcnt;
} QObject;

/* Every concrete object embeds the common header as its first member. */
#define QObject_HEAD  \
    QObject base

#define QOBJECT(obj) (&(obj)->base)

#define QINCREF(obj)      \
    qobject_incref(QOBJECT(obj))

#define QDECREF(obj)              \
    qobject_decref(QOBJECT(obj))

/* New objects start owned by their creator: one reference. */
#define QOBJECT_INIT(obj, qtype_type)   \
    obj->base.refcnt = 1;               \
    obj->base.type   = qtype_type

static inline void qobject_incref(QObject *obj)
{
    if (obj) {
        obj->refcnt++;
    }
}

static inline void qobject_decref(QObject *obj)
{
    if (obj == NULL) {
        return;
    }
    assert(obj->refcnt > 0);
    obj->refcnt--;
    if (obj->refcnt == 0) {
        assert(obj->type != NULL && obj->type->destroy != NULL);
        obj->type->destroy(obj);
    }
}

static inline qtype_code qobject_type(const QObject *obj)
{
    assert(obj->type != NULL);
    return obj->type->code;
}

#endif /* QOBJECT_H */
