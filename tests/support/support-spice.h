/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer hooks for the spice server of the tests; not a QEMU header. */

#ifndef SUPPORT_SPICE_H
#define SUPPORT_SPICE_H

#include "qemu-common.h"

/*
 * Start the spice server the way qemu_spice_init() does, without options:
 * plain connections on addr (NULL: any address), ticketing disabled.
 * port 0 picks a free port; support_spice_port() says which.  Returns 0,
 * or -1 after error_report().  Only one server exists at a time.
 */
int support_spice_init(const char *addr, int port);
/* The TCP port the server listens on, or -1 if none. */
int support_spice_port(void);
/*
 * Destroy the server (after every interface was removed, i.e. every spice
 * chardev closed); a later support_spice_init() starts a new one.
 */
void support_spice_destroy(void);

/* Channel events reported by spice-server through the core interface. */
int support_spice_channels_connected(void);    /* CONNECTED seen, now open */
int support_spice_channel_events(int event);   /* SPICE_CHANNEL_EVENT_* */

/* Core interface objects alive now: leak checks for tests. */
int support_spice_timer_count(void);
int support_spice_watch_count(void);

#endif
