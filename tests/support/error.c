/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: error reporting with locations, recorded for tests. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-error.h"
#include "monitor.h"
#include "support-test.h"

#define ERROR_KEEP 64

static Location std_loc = { .kind = LOC_NONE };
static Location *cur_loc = &std_loc;

static const char *progname;

/* Ring of the last ERROR_KEEP messages; error_count is the total. */
static char *error_msgs[ERROR_KEEP];
static int error_count;
static bool error_quiet;

/* To the current monitor if there is one, else to stderr unless quiet. */
void error_vprintf(const char *fmt, va_list ap)
{
    if (cur_mon) {
        monitor_vprintf(cur_mon, fmt, ap);
    } else if (!error_quiet) {
        vfprintf(stderr, fmt, ap);
    }
}

void error_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf(fmt, ap);
    va_end(ap);
}

void error_printf_unless_qmp(const char *fmt, ...)
{
    va_list ap;

    if (monitor_cur_is_qmp()) {
        return;
    }
    va_start(ap, fmt);
    error_vprintf(fmt, ap);
    va_end(ap);
}

/* The location stack: cur_loc is its top, std_loc its bottom. */
Location *loc_push_restore(Location *loc)
{
    assert(!loc->prev);
    loc->prev = cur_loc;
    cur_loc = loc;
    return loc;
}

Location *loc_push_none(Location *loc)
{
    loc->kind = LOC_NONE;
    loc->prev = NULL;
    return loc_push_restore(loc);
}

Location *loc_pop(Location *loc)
{
    assert(cur_loc == loc && loc->prev);
    cur_loc = loc->prev;
    loc->prev = NULL;
    return loc;
}

Location *loc_save(Location *loc)
{
    *loc = *cur_loc;
    loc->prev = NULL;
    return loc;
}

void loc_restore(Location *loc)
{
    Location *below = cur_loc->prev;

    assert(!loc->prev);
    *cur_loc = *loc;
    cur_loc->prev = below;
}

void loc_set_none(void)
{
    cur_loc->kind = LOC_NONE;
}

void loc_set_cmdline(char **argv, int idx, int cnt)
{
    cur_loc->kind = LOC_CMDLINE;
    cur_loc->num = cnt;
    cur_loc->ptr = argv + idx;
}

/* A NULL fname keeps the current file and only changes the line. */
void loc_set_file(const char *fname, int lno)
{
    assert(fname || cur_loc->kind == LOC_FILE);
    cur_loc->kind = LOC_FILE;
    cur_loc->num = lno;
    if (fname) {
        cur_loc->ptr = fname;
    }
}

void error_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');

    progname = slash ? slash + 1 : argv0;
}

static const char *current_progname(void)
{
    const char *name;
    const char *slash;

    if (progname) {
        return progname;
    }
    /* Test programs rarely call error_set_progname(); g_test_init() sets
     * the glib program name (possibly a path). */
    name = g_get_prgname();
    slash = name ? strrchr(name, '/') : NULL;
    return slash ? slash + 1 : name;
}

void error_print_loc(void)
{
    const char *sep = "";
    const char *name = current_progname();

    if (!cur_mon && name) {
        error_printf("%s:", name);
        sep = " ";
    }
    switch (cur_loc->kind) {
    case LOC_CMDLINE: {
        char *const *argp = cur_loc->ptr;
        int i;

        for (i = 0; i < cur_loc->num; i++) {
            error_printf("%s%s", sep, argp[i]);
            sep = " ";
        }
        error_printf(": ");
        break;
    }
    case LOC_FILE:
        error_printf("%s:", (const char *)cur_loc->ptr);
        if (cur_loc->num) {
            error_printf("%d:", cur_loc->num);
        }
        error_printf(" ");
        break;
    default:
        error_printf("%s", sep);
        break;
    }
}

static void error_record(const char *fmt, va_list ap)
{
    int slot = error_count % ERROR_KEEP;

    g_free(error_msgs[slot]);
    error_msgs[slot] = g_strdup_vprintf(fmt, ap);
    error_count++;
}

/* Prints location and message (which must not end in a newline). */
void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_record(fmt, ap);
    va_end(ap);

    error_print_loc();
    va_start(ap, fmt);
    error_vprintf(fmt, ap);
    va_end(ap);
    error_printf("\n");
}

void QEMU_NORETURN hw_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "qemu: hardware error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

const char *support_error_last(void)
{
    if (error_count == 0) {
        return NULL;
    }
    return error_msgs[(error_count - 1) % ERROR_KEEP];
}

int support_error_count(void)
{
    return error_count;
}

bool support_error_seen(const char *substring)
{
    int i;

    for (i = 0; i < MIN(error_count, ERROR_KEEP); i++) {
        if (strstr(error_msgs[i], substring)) {
            return true;
        }
    }
    return false;
}

void support_error_clear(void)
{
    int i;

    for (i = 0; i < ERROR_KEEP; i++) {
        g_free(error_msgs[i]);
        error_msgs[i] = NULL;
    }
    error_count = 0;
}

void support_error_quiet(bool quiet)
{
    error_quiet = quiet;
}
