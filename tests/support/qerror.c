/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QMP error objects and their human text, as v0.15.0's. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "qerror.h"
#include "monitor.h"
#include "support-int.h"

/* Human text of each class: %(member) is replaced by that data member. */
static const struct {
    const char *class;
    const char *desc;
} qerror_table[] = {
    { "CommandNotFound", "The command %(name) has not been found" },
    { "DeviceInitFailed", "Device '%(device)' could not be initialized" },
    { "DeviceInUse", "Device '%(device)' is in use" },
    { "DeviceNotFound", "Device '%(device)' not found" },
    { "DeviceNotRemovable", "Device '%(device)' is not removable" },
    { "DuplicateId", "Duplicate ID '%(id)' for %(object)" },
    { "InvalidParameter", "Invalid parameter '%(name)'" },
    { "InvalidParameterType",
      "Invalid parameter type, expected: %(expected)" },
    { "InvalidParameterValue", "Parameter '%(name)' expects %(expected)" },
    { "JSONParsing", "Invalid JSON syntax" },
    { "MissingParameter", "Parameter '%(name)' is missing" },
    { "QMPBadInputObject", "Expected '%(expected)' in QMP input" },
    { "UndefinedError", "An undefined error has ocurred" },
};

char *support_qerror_human(const QDict *error)
{
    const char *class = qdict_get_str(error, "class");
    QDict *data = qdict_get_qdict(error, "data");
    const char *desc = NULL;
    GString *out = g_string_new(NULL);
    const char *p;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(qerror_table); i++) {
        if (strcmp(qerror_table[i].class, class) == 0) {
            desc = qerror_table[i].desc;
            break;
        }
    }
    assert(desc != NULL);
    for (p = desc; *p; p++) {
        if (p[0] == '%' && p[1] == '(') {
            const char *end = strchr(p, ')');
            char *key = g_strndup(p + 2, end - p - 2);

            g_string_append(out, qdict_get_str(data, key));
            g_free(key);
            p = end;
        } else {
            g_string_append_c(out, *p);
        }
    }
    return g_string_free(out, FALSE);
}

void qerror_report_internal(const char *file, int linenr, const char *func,
                            const char *fmt, ...)
{
    va_list ap;
    QObject *obj;
    char *text;

    va_start(ap, fmt);
    obj = qobject_from_jsonv(fmt, &ap);
    va_end(ap);
    assert(obj && qobject_type(obj) == QTYPE_QDICT);

    if (monitor_cur_is_qmp()) {
        /* the monitor keeps the first error and owns the reference */
        support_int_monitor_set_error(cur_mon, qobject_to_qdict(obj));
        return;
    }
    text = support_qerror_human(qobject_to_qdict(obj));
    error_report("%s", text);
    g_free(text);
    qobject_decref(obj);
}
