/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: main loop with fd handlers, timers and bottom halves. */

#include <glib.h>
#include <sys/select.h>
#include "qemu-common.h"
#include "qemu-queue.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-int.h"
#include "support-test.h"

/*
 * One record per fd.  Records are only unlinked outside dispatch (or by
 * the outermost main_loop_wait() once its dispatch is over): during
 * dispatch a removal just sets "deleted", so the walk stays valid however
 * the callbacks change the list.
 */
typedef struct IOHandlerRecord {
    int fd;
    IOCanReadHandler *fd_read_poll;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    bool deleted;
    bool invalid;          /* poll said POLLNVAL: skipped until re-set */
    uint64_t poll_gen;     /* loop generation whose poll set has us ... */
    unsigned poll_idx;     /* ... at this index */
    QLIST_ENTRY(IOHandlerRecord) next;
} IOHandlerRecord;

static QLIST_HEAD(, IOHandlerRecord) io_handlers =
    QLIST_HEAD_INITIALIZER(io_handlers);

static int loop_depth;       /* main_loop_wait() nesting */
static uint64_t loop_gen;    /* unique id of each iteration, never reset */
static GArray *poll_cache;   /* poll set reused by non-nested iterations */
static volatile gint notify_pending;

static uint64_t stat_iterations;
static uint64_t stat_cb_count;
static int64_t stat_cb_max_ns;
static int64_t stat_cb_total_ns;
static int cb_depth;

static IOHandlerRecord *find_record(int fd)
{
    IOHandlerRecord *rec;

    QLIST_FOREACH(rec, &io_handlers, next) {
        if (rec->fd == fd) {
            return rec;
        }
    }
    return NULL;
}

int qemu_set_fd_handler2(int fd,
                         IOCanReadHandler *fd_read_poll,
                         IOHandler *fd_read,
                         IOHandler *fd_write,
                         void *opaque)
{
    IOHandlerRecord *rec;

    /*
     * v0.15.0's main loop select()s: an fd outside an fd_set would be
     * written past its end there.  Stop here so that tests see it.
     */
    if ((fd_read || fd_write) && (fd < 0 || fd >= FD_SETSIZE)) {
        error_report("main loop: cannot watch fd %d: not in [0, %d) "
                     "(FD_SETSIZE)", fd, FD_SETSIZE);
        abort();
    }
    rec = find_record(fd);
    if (!fd_read && !fd_write) {
        if (!rec) {
            return 0;
        }
        if (loop_depth == 0) {
            QLIST_REMOVE(rec, next);
            qemu_free(rec);
        } else {
            rec->deleted = true;
            rec->poll_gen = 0;
        }
        return 0;
    }

    if (!rec) {
        rec = qemu_mallocz(sizeof(*rec));
        QLIST_INSERT_HEAD(&io_handlers, rec, next);
    }
    rec->fd = fd;
    rec->fd_read_poll = fd_read_poll;
    rec->fd_read = fd_read;
    rec->fd_write = fd_write;
    rec->opaque = opaque;
    rec->deleted = false;
    rec->invalid = false;
    /*
     * A replaced handler is not called with readiness polled on behalf of
     * its predecessor (whose read_poll may have said yes): it waits for
     * the next iteration, where its own read_poll is consulted.
     */
    rec->poll_gen = 0;
    return 0;
}

int qemu_set_fd_handler(int fd,
                        IOHandler *fd_read,
                        IOHandler *fd_write,
                        void *opaque)
{
    return qemu_set_fd_handler2(fd, NULL, fd_read, fd_write, opaque);
}

void qemu_notify_event(void)
{
    g_atomic_int_set(&notify_pending, 1);
    g_main_context_wakeup(NULL);
}

void qemu_mutex_lock_iothread(void)
{
    /* Single-threaded standalone build: nothing to lock. */
}

void qemu_mutex_unlock_iothread(void)
{
}

int64_t support_int_cb_begin(void)
{
    cb_depth++;
    return get_clock();
}

void support_int_cb_end(int64_t begin_ns)
{
    int64_t spent = get_clock() - begin_ns;

    /* A nested loop inside a callback is part of that callback's time. */
    cb_depth--;
    if (cb_depth > 0) {
        return;
    }
    stat_cb_count++;
    stat_cb_total_ns += spent;
    if (spent > stat_cb_max_ns) {
        stat_cb_max_ns = spent;
    }
}

static void fill_io_handlers(GArray *pfds, uint64_t gen)
{
    IOHandlerRecord *rec;

    QLIST_FOREACH(rec, &io_handlers, next) {
        GPollFD pfd = { .fd = rec->fd, .events = 0, .revents = 0 };

        if (rec->deleted || rec->invalid) {
            continue;
        }
        if (rec->fd_read &&
            (!rec->fd_read_poll || rec->fd_read_poll(rec->opaque) != 0)) {
            pfd.events |= G_IO_IN;
        }
        if (rec->fd_write) {
            pfd.events |= G_IO_OUT;
        }
        /* An fd polled for nothing would still report HUP and spin. */
        if (!pfd.events || rec->deleted) {
            continue;
        }
        rec->poll_gen = gen;
        rec->poll_idx = pfds->len;
        g_array_append_val(pfds, pfd);
    }
}

static void call_handler(IOHandler *handler, void *opaque)
{
    int64_t begin = support_int_cb_begin();

    handler(opaque);
    support_int_cb_end(begin);
}

static void dispatch_io_handlers(GArray *pfds, uint64_t gen)
{
    IOHandlerRecord *rec, *next;
    const gushort readable = G_IO_IN | G_IO_HUP | G_IO_ERR;
    const gushort writable = G_IO_OUT | G_IO_HUP | G_IO_ERR;

    QLIST_FOREACH_SAFE(rec, &io_handlers, next, next) {
        GPollFD *pfd;

        if (rec->poll_gen != gen) {
            continue;
        }
        pfd = &g_array_index(pfds, GPollFD, rec->poll_idx);
        if (pfd->revents & G_IO_NVAL) {
            rec->invalid = true;
            error_report("main loop: fd %d has a handler but is not open; "
                         "ignoring it until its handler is set again",
                         rec->fd);
            continue;
        }
        if ((pfd->events & G_IO_IN) && (pfd->revents & readable) &&
            rec->fd_read) {
            call_handler(rec->fd_read, rec->opaque);
        }
        /* The read handler may have removed or replaced this record. */
        if (rec->poll_gen == gen && (pfd->events & G_IO_OUT) &&
            (pfd->revents & writable) && rec->fd_write) {
            call_handler(rec->fd_write, rec->opaque);
        }
    }
}

static void reap_io_handlers(void)
{
    IOHandlerRecord *rec, *next;

    QLIST_FOREACH_SAFE(rec, &io_handlers, next, next) {
        if (rec->deleted) {
            QLIST_REMOVE(rec, next);
            qemu_free(rec);
        }
    }
}

/*
 * Append the default GMainContext's fds to the poll set.  Returns how many
 * were added; *glib_timeout is its wish (-1: none, 0: something is ready).
 */
static unsigned fill_glib(GMainContext *ctx, GArray *pfds, gint *max_prio,
                          gint *glib_timeout)
{
    unsigned base = pfds->len;
    unsigned room = 8;
    gint n;

    if (g_main_context_prepare(ctx, max_prio)) {
        *glib_timeout = 0;
    }
    for (;;) {
        gint want_timeout;

        g_array_set_size(pfds, base + room);
        n = g_main_context_query(ctx, *max_prio, &want_timeout,
                                 &g_array_index(pfds, GPollFD, base), room);
        if (*glib_timeout != 0) {
            *glib_timeout = want_timeout;
        }
        if ((unsigned)n <= room) {
            break;
        }
        room = n;
    }
    g_array_set_size(pfds, base + n);
    return n;
}

static int compute_timeout(int cap_ms, bool glib_owned, gint glib_timeout)
{
    int timeout;

    if (cap_ms == 0) {
        return 0;
    }
    timeout = qemu_calculate_timeout();
    qemu_bh_update_timeout(&timeout);
    if (g_atomic_int_compare_and_exchange(&notify_pending, 1, 0)) {
        timeout = 0;
    }
    if (glib_owned && glib_timeout >= 0) {
        timeout = MIN(timeout, glib_timeout);
    }
    if (cap_ms > 0) {
        timeout = MIN(timeout, cap_ms);
    }
    return timeout;
}

/* One iteration; cap_ms < 0 means "no cap beyond the usual 1 s". */
static void loop_iterate(int cap_ms)
{
    GMainContext *ctx = g_main_context_default();
    GArray *pfds;
    uint64_t gen = ++loop_gen;
    bool glib_owned;
    gint max_prio = 0;
    gint glib_timeout = -1;
    unsigned glib_base = 0;
    unsigned glib_n = 0;
    int timeout;
    int ret;

    support_int_main_loop_started();
    loop_depth++;
    stat_iterations++;

    /* Nested iterations (from a callback) must not clobber our set. */
    if (loop_depth == 1) {
        if (!poll_cache) {
            poll_cache = g_array_new(FALSE, FALSE, sizeof(GPollFD));
        }
        pfds = poll_cache;
        g_array_set_size(pfds, 0);
    } else {
        pfds = g_array_new(FALSE, FALSE, sizeof(GPollFD));
    }

    fill_io_handlers(pfds, gen);

    /* Another thread may be running the default context: leave it be. */
    glib_owned = g_main_context_acquire(ctx);
    if (glib_owned) {
        glib_base = pfds->len;
        glib_n = fill_glib(ctx, pfds, &max_prio, &glib_timeout);
    }

    timeout = compute_timeout(cap_ms, glib_owned, glib_timeout);

    ret = g_poll((GPollFD *)(void *)pfds->data, pfds->len, timeout);
    if (ret < 0) {
        unsigned i;

        if (errno != EINTR) {
            error_report("main loop: poll failed: %s", strerror(errno));
        }
        for (i = 0; i < pfds->len; i++) {
            g_array_index(pfds, GPollFD, i).revents = 0;
        }
    } else if (ret > 0) {
        dispatch_io_handlers(pfds, gen);
    }

    if (glib_owned) {
        GPollFD *gfds = &g_array_index(pfds, GPollFD, glib_base);

        if (g_main_context_check(ctx, max_prio, gfds, glib_n)) {
            int64_t begin = support_int_cb_begin();

            g_main_context_dispatch(ctx);
            support_int_cb_end(begin);
        }
        g_main_context_release(ctx);
    }

    qemu_run_all_timers();

    /* Last, so that BHs scheduled by the handlers above run now. */
    qemu_bh_poll();

    if (loop_depth == 1) {
        reap_io_handlers();
    } else {
        g_array_free(pfds, TRUE);
    }
    loop_depth--;
}

void main_loop_wait(int nonblocking)
{
    loop_iterate(nonblocking ? 0 : -1);
}

uint64_t support_loop_iterations(void)
{
    return stat_iterations;
}

uint64_t support_cb_count(void)
{
    return stat_cb_count;
}

int64_t support_cb_max_ns(void)
{
    return stat_cb_max_ns;
}

int64_t support_cb_total_ns(void)
{
    return stat_cb_total_ns;
}

void support_loop_stats_reset(void)
{
    stat_iterations = 0;
    stat_cb_count = 0;
    stat_cb_max_ns = 0;
    stat_cb_total_ns = 0;
}

bool support_run_until(bool (*cond)(void *opaque), void *opaque,
                       int timeout_ms)
{
    int64_t deadline = get_clock() + (int64_t)MAX(timeout_ms, 0) * SCALE_MS;

    do {
        int64_t left_ns;

        if (cond(opaque)) {
            return true;
        }
        left_ns = deadline - get_clock();
        loop_iterate(left_ns <= 0 ? 0 :
                     (int)((left_ns + SCALE_MS - 1) / SCALE_MS));
    } while (get_clock() < deadline);
    return cond(opaque);
}

void support_run_for(int ms)
{
    int64_t deadline = get_clock() + (int64_t)MAX(ms, 0) * SCALE_MS;
    int64_t left_ns;

    do {
        left_ns = deadline - get_clock();
        loop_iterate(left_ns <= 0 ? 0 :
                     (int)((left_ns + SCALE_MS - 1) / SCALE_MS));
    } while (get_clock() < deadline);
}

int support_fd_handler_count(void)
{
    IOHandlerRecord *rec;
    int n = 0;

    QLIST_FOREACH(rec, &io_handlers, next) {
        if (!rec->deleted) {
            n++;
        }
    }
    return n;
}

bool support_fd_has_handler(int fd)
{
    IOHandlerRecord *rec = find_record(fd);

    return rec != NULL && !rec->deleted;
}
