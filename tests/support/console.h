/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 console.h interface for the standalone build. */

#ifndef CONSOLE_H
#define CONSOLE_H

#include "qemu-common.h"
#include "qemu-queue.h"
#include "qemu-option.h"
#include "qemu-char.h"

/* Only the mouse input hook and the "vc" chardev of v0.15.0's console.h. */

#define MOUSE_EVENT_LBUTTON 0x01
#define MOUSE_EVENT_RBUTTON 0x02
#define MOUSE_EVENT_MBUTTON 0x04

typedef void QEMUPutMouseEvent(void *opaque, int dx, int dy, int dz,
                               int buttons_state);

typedef struct QEMUPutMouseEntry {
    QEMUPutMouseEvent *qemu_put_mouse_event;
    void *qemu_put_mouse_event_opaque;
    int qemu_put_mouse_event_absolute;
    char *qemu_put_mouse_event_name;

    int index;

    /* private to the input code */
    QTAILQ_ENTRY(QEMUPutMouseEntry) node;
} QEMUPutMouseEntry;

/*
 * As in v0.15.0, handlers queue up in the order they are added and events
 * go to the handler at the head: the first one added, unless another one
 * has been moved there with qemu_activate_mouse_event_handler().
 */
QEMUPutMouseEntry *qemu_add_mouse_event_handler(QEMUPutMouseEvent *func,
                                                void *opaque, int absolute,
                                                const char *name);
void qemu_remove_mouse_event_handler(QEMUPutMouseEntry *entry);
void qemu_activate_mouse_event_handler(QEMUPutMouseEntry *entry);

void kbd_mouse_event(int dx, int dy, int dz, int buttons_state);

/* Does the current mouse generate absolute events */
int kbd_mouse_is_absolute(void);
/* Does any mouse generate absolute events */
int kbd_mouse_has_absolute(void);

/*
 * The "vc" chardev.  STAND-IN: v0.15.0 draws it on a graphical console
 * (console.c, outside the chardev fragment).  Here it records what is
 * written to it, for support_vc_output() (support-test.h), and never
 * produces input or CHR_EVENT_OPENED.
 */
int text_console_init(QemuOpts *opts, CharDriverState **_chr);

#endif
