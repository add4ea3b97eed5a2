/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: monitor command errors (qerror_report) for QMP and HMP. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-error.h"
#include "qerror.h"
#include "qjson.h"
#include "qstring.h"
#include "monitor.h"
#include "support-monitor.h"

/* Human text of each class; %(key) stands for a member of its data. */
static const struct {
    const char *class;
    const char *desc;
} qerror_descs[] = {
    { "DeviceNotFound", "Device '%(device)' not found" },
    { "InvalidParameter", "Invalid parameter '%(name)'" },
    { "InvalidParameterType",
      "Invalid parameter type for '%(name)', expected: %(expected)" },
    { "InvalidParameterValue", "Parameter '%(name)' expects %(expected)" },
    { "MissingParameter", "Parameter '%(name)' is missing" },
    { "CommandNotFound", "The command %(name) has not been found" },
};

/* The text of an error object (class and data). */
char *support_qerror_text(QDict *error)
{
    const char *class = qdict_get_str(error, "class");
    QDict *data = qdict_get_qdict(error, "data");
    const char *desc = NULL, *p;
    GString *out = g_string_new("");
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(qerror_descs); i++) {
        if (strcmp(qerror_descs[i].class, class) == 0) {
            desc = qerror_descs[i].desc;
        }
    }
    g_assert(desc);
    for (p = desc; *p; p++) {
        const char *end;
        char *key;

        if (p[0] != '%' || p[1] != '(') {
            g_string_append_c(out, *p);
            continue;
        }
        end = strchr(p, ')');
        key = g_strndup(p + 2, end - p - 2);
        g_string_append(out, qdict_get_str(data, key));
        g_free(key);
        p = end;
    }
    return g_string_free(out, FALSE);
}

void qerror_report(const char *fmt, ...)
{
    va_list ap;
    QObject *obj;
    QDict *error;
    char *text;

    va_start(ap, fmt);
    obj = qobject_from_jsonv(fmt, &ap);
    va_end(ap);
    g_assert(obj);
    error = qobject_to_qdict(obj);
    if (monitor_cur_is_qmp()) {
        support_monitor_set_error(cur_mon, error);
    } else {
        text = support_qerror_text(error);
        error_report("%s", text);
        g_free(text);
        QDECREF(error);
    }
}
