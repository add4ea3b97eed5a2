/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QFloat, a refcounted double QObject. */

#include <glib.h>
#include "qemu-common.h"
#include "qfloat.h"

static void qfloat_destroy_obj(QObject *obj);

static const QType qfloat_type = {
    .code = QTYPE_QFLOAT,
    .destroy = qfloat_destroy_obj,
};

QFloat *qfloat_from_double(double value)
{
    QFloat *qf = g_new0(QFloat, 1);

    qf->value = value;
    QOBJECT_INIT(qf, &qfloat_type);
    return qf;
}

double qfloat_get_double(const QFloat *qi)
{
    return qi->value;
}

QFloat *qobject_to_qfloat(const QObject *obj)
{
    if (obj == NULL || qobject_type(obj) != QTYPE_QFLOAT) {
        return NULL;
    }
    return container_of(obj, QFloat, base);
}

static void qfloat_destroy_obj(QObject *obj)
{
    g_free(qobject_to_qfloat(obj));
}
