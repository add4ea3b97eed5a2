/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QInt, a refcounted 64-bit signed integer QObject. */

#include <glib.h>
#include "qemu-common.h"
#include "qint.h"

static void qint_destroy_obj(QObject *obj);

static const QType qint_type = {
    .code = QTYPE_QINT,
    .destroy = qint_destroy_obj,
};

QInt *qint_from_int(int64_t value)
{
    QInt *qi = g_new0(QInt, 1);

    qi->value = value;
    QOBJECT_INIT(qi, &qint_type);
    return qi;
}

int64_t qint_get_int(const QInt *qi)
{
    return qi->value;
}

QInt *qobject_to_qint(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QINT) {
        return NULL;
    }
    return container_of(obj, QInt, base);
}

static void qint_destroy_obj(QObject *obj)
{
    g_free(qobject_to_qint(obj));
}
