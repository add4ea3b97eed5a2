/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: VM run state, shutdown requests and the display type. */

#include "qemu-common.h"
#include "qemu-queue.h"
#include "sysemu.h"
#include "support-int.h"
#include "support-test.h"

int vm_running = 1;
DisplayType display_type = DT_DEFAULT;

struct vm_change_state_entry {
    VMChangeStateHandler *cb;
    void *opaque;
    QLIST_ENTRY(vm_change_state_entry) entries;
};

static QLIST_HEAD(, vm_change_state_entry) vm_change_state_head =
    QLIST_HEAD_INITIALIZER(vm_change_state_head);

static int shutdown_requests;
static int shutdown_pending;

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque)
{
    VMChangeStateEntry *e = qemu_mallocz(sizeof(*e));

    e->cb = cb;
    e->opaque = opaque;
    QLIST_INSERT_HEAD(&vm_change_state_head, e, entries);
    return e;
}

void qemu_del_vm_change_state_handler(VMChangeStateEntry *e)
{
    QLIST_REMOVE(e, entries);
    qemu_free(e);
}

static void vm_state_notify(int running, int reason)
{
    VMChangeStateEntry *e, *next;

    /* A handler may delete itself. */
    QLIST_FOREACH_SAFE(e, &vm_change_state_head, entries, next) {
        e->cb(e->opaque, running, reason);
    }
}

void vm_start(void)
{
    if (vm_running) {
        return;
    }
    support_int_vm_clock_set_running(true);
    vm_running = 1;
    vm_state_notify(1, 0);
}

void vm_stop(int reason)
{
    if (!vm_running) {
        return;
    }
    support_int_vm_clock_set_running(false);
    vm_running = 0;
    vm_state_notify(0, reason);
}

void qemu_system_shutdown_request(void)
{
    shutdown_requests++;
    shutdown_pending = 1;
    qemu_notify_event();
}

int qemu_shutdown_requested(void)
{
    int r = shutdown_pending;

    shutdown_pending = 0;
    return r;
}

int support_shutdown_requested(void)
{
    return shutdown_requests;
}

void support_shutdown_clear(void)
{
    shutdown_requests = 0;
    shutdown_pending = 0;
}
