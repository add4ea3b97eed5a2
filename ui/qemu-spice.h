/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spice glue: the server setup hooks and the spice chardev backends. */
#ifndef QEMU_SPICE_H
#define QEMU_SPICE_H

#include "qemu-common.h"

#ifdef CONFIG_SPICE

#include <spice.h>

#include "qemu-option.h"
#include "qemu-config.h"
#include "qemu-char.h"

/* non-zero once qemu_spice_init() has started a server */
extern int using_spice;

void qemu_spice_init(void);
void qemu_spice_input_init(void);
void qemu_spice_audio_init(void);
void qemu_spice_display_init(DisplayState *ds);
/* add an interface to the server, creating a local one if need be */
int qemu_spice_add_interface(SpiceBaseInstance *sin);
int qemu_spice_set_passwd(const char *passwd,
                          bool fail_if_connected, bool disconnect_if_connected);
int qemu_spice_set_pw_expire(time_t expires);
int qemu_spice_migrate_info(const char *hostname, int port, int tls_port,
                            const char *subject);

void do_info_spice_print(Monitor *mon, const QObject *data);
void do_info_spice(Monitor *mon, QObject **ret_data);

/* -chardev spicevmc,id=ID,name=vdagent|smartcard|usbredir[,debug=N] */
int qemu_chr_open_spice(QemuOpts *opts, CharDriverState **_chr);
/*
 * Addition (QEMU 1.4 semantics): -chardev spiceport,id=ID,name=PORTNAME,
 * a named spice port channel; guest open/close become port events.
 */
int qemu_chr_open_spice_port(QemuOpts *opts, CharDriverState **_chr);

#else  /* CONFIG_SPICE */

/* Without spice the monitor commands still build and report failure. */
#define using_spice 0

static inline int qemu_spice_set_passwd(const char *passwd,
                                        bool fail_if_connected,
                                        bool disconnect_if_connected)
{
    return -1;
}

static inline int qemu_spice_set_pw_expire(time_t expires)
{
    return -1;
}

static inline int qemu_spice_migrate_info(const char *hostname, int port,
                                          int tls_port, const char *subject)
{
    return -1;
}

#endif /* CONFIG_SPICE */

#endif /* QEMU_SPICE_H */
