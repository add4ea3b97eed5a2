/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 sysemu.h interface for the standalone build. */

#ifndef SYSEMU_H
#define SYSEMU_H

#include "qemu-common.h"
#include "qemu-option.h"
#include "qemu-queue.h"
#include "qemu-timer.h"

/* 1 until vm_stop(); the standalone build starts with a running VM. */
extern int vm_running;

typedef struct vm_change_state_entry VMChangeStateEntry;
typedef void VMChangeStateHandler(void *opaque, int running, int reason);

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque);
void qemu_del_vm_change_state_handler(VMChangeStateEntry *e);

#define VMSTOP_USER      0
#define VMSTOP_DEBUG     1
#define VMSTOP_SHUTDOWN  2
#define VMSTOP_DISKFULL  3
#define VMSTOP_WATCHDOG  4
#define VMSTOP_PANIC     5
#define VMSTOP_SAVEVM    6
#define VMSTOP_LOADVM    7
#define VMSTOP_MIGRATE   8

void vm_start(void);
void vm_stop(int reason);

/* Records the request (see support_shutdown_requested()); no exit. */
void qemu_system_shutdown_request(void);
/* Returns and clears the pending request flag, as the v0.15.0 loop does. */
int qemu_shutdown_requested(void);

/*
 * One iteration: wait for fds, timers, bottom halves and the default
 * GMainContext (at most 1 s, or not at all if nonblocking), then run
 * whatever is ready.
 */
void main_loop_wait(int nonblocking);

typedef enum DisplayType
{
    DT_DEFAULT,
    DT_CURSES,
    DT_SDL,
    DT_NOGRAPHIC,
    DT_NONE,
} DisplayType;

/* DT_DEFAULT unless a test sets it (the stdio chardev looks at it). */
extern DisplayType display_type;

#endif
