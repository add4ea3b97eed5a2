/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer internals shared by its .c files; not a QEMU header. */

#ifndef SUPPORT_INT_H
#define SUPPORT_INT_H

#include "qemu-common.h"
#include "qdict.h"

/*
 * Callback accounting for support-test.h: bracket every fd handler, timer,
 * bottom half and glib dispatch with these two calls.
 */
int64_t support_int_cb_begin(void);
void support_int_cb_end(int64_t begin_ns);

/* Nearest timer deadline in ns from now (0 if due), or -1 if none. */
int64_t support_int_timer_deadline_ns(void);

/* The first main-loop iteration ends vl.c's startup phase (qemu-timer.c). */
void support_int_main_loop_started(void);

/* vm_clock freezes while the VM is stopped; sysemu.c drives this. */
void support_int_vm_clock_set_running(bool running);

/*
 * qerror_report() on a QMP monitor: the first error of a command is kept
 * for its reply (the monitor takes the reference), later ones dropped.
 */
void support_int_monitor_set_error(Monitor *mon, QDict *error);

#endif
