/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer hooks into the support monitor; not a QEMU header. */

#ifndef SUPPORT_MONITOR_H
#define SUPPORT_MONITOR_H

#include "qemu-common.h"
#include "qobject.h"
#include "qlist.h"

/*
 * A monitor with no chardev: everything printed to it is kept, verbatim
 * (no "\n" -> "\r\n" translation), for support_monitor_buffer().  It is
 * never the default monitor.
 */
Monitor *support_monitor_new_buffer(void);

/*
 * Output kept so far, NUL-terminated.  Buffer monitors keep what was
 * printed; chardev monitors keep the exact bytes written to the chardev.
 */
const char *support_monitor_buffer(Monitor *mon);
size_t support_monitor_buffer_len(Monitor *mon);
void support_monitor_buffer_clear(Monitor *mon);

/*
 * Destroy a monitor.  A chardev monitor first detaches its handlers from
 * the chardev; cur_mon/default_mon are cleared if they pointed at it.
 */
void support_monitor_free(Monitor *mon);

/* The most recent monitor_init() monitor still alive, or NULL. */
Monitor *support_monitor_last(void);
CharDriverState *support_monitor_chr(Monitor *mon);
int support_monitor_flags(Monitor *mon);

/* CHR_EVENT_* values the monitor's event handler received, in order. */
int support_monitor_event_count(Monitor *mon);
int support_monitor_event(Monitor *mon, int index);
/* How many times one particular CHR_EVENT_* arrived. */
int support_monitor_event_seen(Monitor *mon, int event);

/* Every byte delivered to the read handler, NUL-terminated for strstr. */
const uint8_t *support_monitor_input(Monitor *mon, size_t *len);
void support_monitor_input_clear(Monitor *mon);
/* Commands executed so far (lines after editing), and the last one. */
int support_monitor_command_count(Monitor *mon);
const char *support_monitor_last_command(Monitor *mon);

/*
 * A QMP monitor with no chardev, and one QMP command run on it through
 * the QMP command table (v0.15.0's argument checks included), with
 * cur_mon set to it.  Returns the reply QDict ({"return": ...} or
 * {"error": {"class", "desc", "data"}}); the caller drops the reference.
 */
Monitor *support_monitor_new_qmp(void);
QObject *support_monitor_qmp(Monitor *mon, const char *json);

/* Run one human-monitor command line with cur_mon set to mon. */
void support_monitor_command(Monitor *mon, const char *cmdline);

/*
 * monitor_protocol_event() log: one QDict per event with "event",
 * "timestamp" and optional "data", oldest first.  Borrowed reference.
 */
QList *support_monitor_protocol_events(void);
void support_monitor_protocol_events_clear(void);

#endif
