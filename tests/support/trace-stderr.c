/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace backend of the standalone build: QEMU_TRACE picks events for stderr. */

#include <fnmatch.h>
#include <glib.h>

#define TRACE_EVENT_NAMES
#include "trace.h"

bool trace_event_on[TRACE_EVENT_COUNT];

/*
 * QEMU_TRACE is a comma-separated list of event names or shell globs
 * ("qemu_chr_socket_*"); "all" enables every event.  Unset or empty: none.
 * Read once before main(), so a traced program needs no code of its own.
 */
static void __attribute__((constructor)) trace_init_from_env(void)
{
    const char *env = getenv("QEMU_TRACE");
    char **pats;
    int i, ev;

    if (!env || !*env) {
        return;
    }
    pats = g_strsplit(env, ",", -1);
    for (i = 0; pats[i]; i++) {
        const char *pat = g_strstrip(pats[i]);
        bool matched = false;

        if (!*pat) {
            continue;
        }
        if (strcmp(pat, "all") == 0) {
            pat = "*";
        }
        for (ev = 0; ev < TRACE_EVENT_COUNT; ev++) {
            if (fnmatch(pat, trace_event_name[ev], 0) == 0) {
                trace_event_on[ev] = true;
                matched = true;
            }
        }
        if (!matched) {
            fprintf(stderr, "QEMU_TRACE: \"%s\" matches no trace event "
                    "(the events are listed in trace-events)\n", pat);
        }
    }
    g_strfreev(pats);
}

void trace_print(const char *fmt, ...)
{
    va_list ap;

    /* one stdio call per line: lines of different threads never mix */
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}
