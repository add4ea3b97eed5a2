/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: bottom halves (deferred callbacks run by the main loop). */

#include "qemu-common.h"
#include "qemu-queue.h"
#include "support-int.h"

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    int scheduled;
    int idle;
    int deleted;
    QSLIST_ENTRY(QEMUBH) next;
};

/* Newest first, like v0.15.0: a BH created by a callback waits a pass. */
static QSLIST_HEAD(, QEMUBH) bh_list = QSLIST_HEAD_INITIALIZER(bh_list);

/* Deleted BHs are only unlinked by the outermost qemu_bh_poll(). */
static int bh_poll_depth;

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = qemu_mallocz(sizeof(*bh));

    bh->cb = cb;
    bh->opaque = opaque;
    QSLIST_INSERT_HEAD(&bh_list, bh, next);
    return bh;
}

static void bh_reap(void)
{
    QEMUBH **link = &QSLIST_FIRST(&bh_list);

    while (*link) {
        QEMUBH *bh = *link;

        if (bh->deleted) {
            *link = QSLIST_NEXT(bh, next);
            qemu_free(bh);
        } else {
            link = &QSLIST_NEXT(bh, next);
        }
    }
}

int qemu_bh_poll(void)
{
    QEMUBH *bh, *next;
    int ran_busy = 0;

    bh_poll_depth++;
    QSLIST_FOREACH_SAFE(bh, &bh_list, next, next) {
        int64_t begin;

        if (bh->deleted || !bh->scheduled) {
            continue;
        }
        bh->scheduled = 0;
        if (!bh->idle) {
            ran_busy = 1;
        }
        bh->idle = 0;

        begin = support_int_cb_begin();
        bh->cb(bh->opaque);
        support_int_cb_end(begin);
    }
    bh_poll_depth--;
    if (bh_poll_depth == 0) {
        bh_reap();
    }
    return ran_busy;
}

void qemu_bh_schedule_idle(QEMUBH *bh)
{
    if (bh->scheduled) {
        return;
    }
    bh->scheduled = 1;
    bh->idle = 1;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (bh->scheduled) {
        return;
    }
    bh->scheduled = 1;
    bh->idle = 0;
    /*
     * No qemu_notify_event() here: BHs are scheduled from the loop thread
     * in the standalone build, and main_loop_wait() sees them when it
     * computes its timeout.
     */
}

void qemu_bh_cancel(QEMUBH *bh)
{
    bh->scheduled = 0;
}

void qemu_bh_delete(QEMUBH *bh)
{
    bh->scheduled = 0;
    bh->deleted = 1;
    if (bh_poll_depth == 0) {
        bh_reap();
    }
}

void qemu_bh_update_timeout(int *timeout)
{
    QEMUBH *bh;

    QSLIST_FOREACH(bh, &bh_list, next) {
        if (bh->deleted || !bh->scheduled) {
            continue;
        }
        if (!bh->idle) {
            *timeout = 0;
            return;
        }
        /* Idle BHs are polled at least every 10 ms. */
        if (*timeout < 0 || *timeout > 10) {
            *timeout = 10;
        }
    }
}
