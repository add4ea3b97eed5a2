/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QBool, a refcounted boolean QObject. */

#include <glib.h>
#include "qemu-common.h"
#include "qbool.h"

static void qbool_destroy_obj(QObject *obj);

static const QType qbool_type = {
    .code = QTYPE_QBOOL,
    .destroy = qbool_destroy_obj,
};

/* Any non-zero value is stored as-is; callers only test for truth. */
QBool *qbool_from_int(int value)
{
    QBool *qb = g_new0(QBool, 1);

    qb->value = value;
    QOBJECT_INIT(qb, &qbool_type);
    return qb;
}

int qbool_get_int(const QBool *qb)
{
    return qb->value;
}

QBool *qobject_to_qbool(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QBOOL) {
        return NULL;
    }
    return container_of(obj, QBool, base);
}

static void qbool_destroy_obj(QObject *obj)
{
    g_free(qobject_to_qbool(obj));
}
