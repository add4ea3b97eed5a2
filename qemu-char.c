/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character devices: the core and the backends. */

/***********************************************************/
/* File map and includes */

/*
 * Map of this file.  The core comes first; backends use it only through
 * CharDriverOps, the public qemu_chr_* functions and the chr_io_* helpers
 * listed at the top of "Backend I/O".
 *
 *   Core       registry and events; byte FIFO; backend I/O (fd watches,
 *              read budget, bounded output queue, deferred close); open
 *              errors; logfile=; frontend API; chardev ids; opening by
 *              options; legacy -serial syntax; chardev-add/-remove;
 *              "info chardev"; send_all
 *   Wrappers   mux (several frontends on one backend); memory chardev
 *              (monitor passthrough)
 *   Backends   null; fd (file, pipe, eventfd); terminal helper; stdio;
 *              pty; tty; parport; socket (tcp, unix, telnet); udp; win32
 *              (COM ports, named pipes, console, files); ringbuf
 *   Table      the backend table: names, open functions, option lists
 *
 * Platforms: the sections from the fd backend to parport are POSIX-only,
 * each bracketed whole by #ifndef _WIN32; the win32 section is
 * #ifdef _WIN32; the backend table has one block of host backends per
 * platform.  The socket and udp sections are shared: they reach what
 * differs per host through the host pieces declared at the top of the
 * socket section, defined in its one POSIX block (with unix sockets and
 * fd passing) and in the win32 section.  The rest of the file is common,
 * save the includes, send_all and the hangup check of stream sockets
 * (chr_io_idle_check).
 *
 * Each backend section reads in the same order: state struct, I/O and
 * ops functions, the static CharDriverOps table, then its open function.
 */

#include "qemu-common.h"
#include "monitor.h"
#include "console.h"
#include "sysemu.h"
#include "block.h"
#include "qemu-timer.h"
#include "qemu-char.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "qerror.h"
#include "qemu_socket.h"
#include "trace.h"
#include "hw/msmouse.h"
#ifdef CONFIG_BRLAPI
#include "hw/baum.h"
#endif
#include "ui/qemu-spice.h"

#include <glib.h>
#ifndef _WIN32
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/inotify.h>
#include <linux/parport.h>
#include <linux/ppdev.h>
#endif

/***********************************************************/
/* Registry and events */

static QTAILQ_HEAD(CharDriverStateHead, CharDriverState) chardevs =
    QTAILQ_HEAD_INITIALIZER(chardevs);

/* The mux's escape key (Ctrl-a), which vl.c's -echr sets. */
int term_escape_char = 0x01;

static void qemu_chr_open_bh(void *opaque);

/* The mux (defined after the core) is the one wrapper the core knows. */
static CharDriverState *qemu_chr_open_mux(CharDriverState *drv);
static bool chr_is_mux(const CharDriverState *chr);
static bool mux_chr_remove(CharDriverState *chr, void *opaque);
static void mux_guest_set(CharDriverState *chr, bool named, void *opaque,
                          bool open);
static bool mux_fe_is_open(const CharDriverState *chr);

/*
 * Strings built here live in qemu_malloc() memory like the rest of the
 * chardev state, so every one is freed with qemu_free().
 */
static char *chr_vstrdup_printf(const char *fmt, va_list ap)
{
    va_list copy;
    char *str;
    int len;

    va_copy(copy, ap);
    len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0) {
        /* only an invalid multibyte string gets here: say nothing */
        return qemu_strdup("");
    }
    str = qemu_malloc(len + 1);
    vsnprintf(str, len + 1, fmt, ap);
    return str;
}

static char *chr_strdup_printf(const char *fmt, ...) GCC_FMT_ATTR(1, 2);

static char *chr_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *str;

    va_start(ap, fmt);
    str = chr_vstrdup_printf(fmt, ap);
    va_end(ap);
    return str;
}

/* Append @name to the list of names *@list ("a, b, c"). */
static void chr_list_append(char **list, const char *name)
{
    size_t len = strlen(*list);
    const char *sep = len ? ", " : "";

    *list = qemu_realloc(*list, len + strlen(sep) + strlen(name) + 1);
    strcpy(*list + len, sep);
    strcat(*list + len, name);
}

/* A chardev's name in messages; backends may speak before it has one. */
static const char *chr_label(const CharDriverState *chr)
{
    return chr->label ? chr->label : "?";
}

/*
 * Deliver a pending CHR_EVENT_OPENED now.  Called before data or
 * CHR_EVENT_CLOSED reach the frontend, so it always sees OPENED first.
 */
static void chr_flush_open_event(CharDriverState *s)
{
    if (s->bh) {
        qemu_chr_open_bh(s);
    }
}

static void qemu_chr_event(CharDriverState *s, int event)
{
    trace_qemu_chr_event(chr_label(s), event);
    switch (event) {
    case CHR_EVENT_OPENED:
        s->opened = 1;
        break;
    case CHR_EVENT_CLOSED:
        chr_flush_open_event(s);
        s->opened = 0;
        break;
    }

    if (s->chr_event) {
        s->chr_event(s->handler_opaque, event);
    }
}

void qemu_chr_be_event(CharDriverState *s, int event)
{
    qemu_chr_event(s, event);
}

static void qemu_chr_open_bh(void *opaque)
{
    CharDriverState *s = opaque;

    qemu_bh_delete(s->bh);
    s->bh = NULL;
    qemu_chr_event(s, CHR_EVENT_OPENED);
}

/*
 * Report CHR_EVENT_OPENED from a bottom half: backends open before their
 * frontend attaches, and the event must reach the handlers added later.
 */
void qemu_chr_generic_open(CharDriverState *s)
{
    if (s->bh == NULL) {
        s->bh = qemu_bh_new(qemu_chr_open_bh, s);
        qemu_bh_schedule(s->bh);
    }
}

CharDriverState *qemu_chr_find(const char *name)
{
    CharDriverState *chr;

    QTAILQ_FOREACH(chr, &chardevs, next) {
        if (chr->label && strcmp(chr->label, name) == 0) {
            return chr;
        }
    }
    return NULL;
}

static bool chr_is_registered(CharDriverState *s)
{
    CharDriverState *chr;

    QTAILQ_FOREACH(chr, &chardevs, next) {
        if (chr == s) {
            return true;
        }
    }
    return false;
}

/***********************************************************/
/* Byte FIFO: the bounded ring of bytes behind every chardev queue */

/* Smallest allocation: a byte-at-a-time producer should not realloc often. */
#define BYTE_FIFO_MIN_ALLOC 64

void byte_fifo_init(ByteFifo *f, size_t limit)
{
    memset(f, 0, sizeof(*f));
    f->limit = limit;
}

void byte_fifo_destroy(ByteFifo *f)
{
    qemu_free(f->buf);
    byte_fifo_init(f, f->limit);
}

/* Copy the first @n (<= len) bytes out without taking them. */
static void byte_fifo_copy_out(const ByteFifo *f, uint8_t *data, size_t n)
{
    size_t chunk = MIN(n, f->size - f->head);

    if (n == 0) {
        return;
    }
    memcpy(data, f->buf + f->head, chunk);
    memcpy(data + chunk, f->buf, n - chunk);
}

/* Make room for @need (<= limit) bytes in all; the data moves to the front. */
static void byte_fifo_grow(ByteFifo *f, size_t need)
{
    size_t size = MIN(f->limit, MAX(MAX(f->size * 2, need),
                                    BYTE_FIFO_MIN_ALLOC));
    uint8_t *buf = qemu_malloc(size);

    byte_fifo_copy_out(f, buf, f->len);
    qemu_free(f->buf);
    f->buf = buf;
    f->size = size;
    f->head = 0;
}

size_t byte_fifo_push(ByteFifo *f, const uint8_t *data, size_t n)
{
    size_t tail, chunk;

    n = MIN(n, byte_fifo_room(f));
    if (n == 0) {
        return 0;
    }
    if (f->len + n > f->size) {
        byte_fifo_grow(f, f->len + n);
    }
    tail = f->head + f->len;
    if (tail >= f->size) {
        tail -= f->size;
    }
    chunk = MIN(n, f->size - tail);
    memcpy(f->buf + tail, data, chunk);
    memcpy(f->buf, data + chunk, n - chunk);
    f->len += n;
    return n;
}

const uint8_t *byte_fifo_peek(const ByteFifo *f, size_t *n)
{
    if (f->len == 0) {
        /* no arithmetic on a FIFO that has no storage yet */
        *n = 0;
        return f->buf;
    }
    *n = MIN(f->len, f->size - f->head);
    return f->buf + f->head;
}

void byte_fifo_consume(ByteFifo *f, size_t n)
{
    assert(n <= f->len);
    f->len -= n;
    if (f->len == 0) {
        /* the next push starts at the front: fewer wrapped peeks */
        f->head = 0;
        return;
    }
    f->head += n;
    if (f->head >= f->size) {
        f->head -= f->size;
    }
}

size_t byte_fifo_pop(ByteFifo *f, uint8_t *data, size_t n)
{
    n = MIN(n, f->len);
    byte_fifo_copy_out(f, data, n);
    byte_fifo_consume(f, n);
    return n;
}

void byte_fifo_clear(ByteFifo *f)
{
    f->head = f->len = 0;
}

/***********************************************************/
/* Backend I/O: fd watches and the output queue */

/* Largest chunk read from a backend fd in one go. */
#define READ_BUF_LEN 4096

/*
 * Most bytes one read callback hands to a frontend before it yields to the
 * rest of the main loop.  Full-size reads may go on to CHR_READ_BUDGET; a
 * frontend that takes a little at a time (the monitor takes one byte) gets
 * up to CHR_READ_SMALL_BUDGET: a command arrives in one turn instead of
 * one turn (and one TCG slice) per byte, and a flood of commands still
 * cannot hold vcpus and timers back.
 */
#define CHR_READ_BUDGET (256 * 1024)
#define CHR_READ_SMALL_BUDGET 512

/*
 * Default bound of the output queue of one chardev: enough to ride out a
 * peer that is briefly slow, small enough that a dead peer costs little.
 */
#define CHR_OUTQ_LIMIT (64 * 1024)

/*
 * The core owns each chardev's CharBackendIO: backends never touch its
 * fields, only these helpers.
 *
 *   chr_io_set_hooks()    install a backend's hooks and limits (CharIOHooks)
 *                         right after qemu_chr_alloc()
 *   chr_io_set_fds()      point the watches at the backend's fds (-1: none)
 *   chr_io_resume_hup()   look at fd_in for a hangup again after a pause
 *   chr_io_count_dropped() count output the backend discarded itself
 *   chr_io_drop_output()  discard queued output for a peer gone for good,
 *                         count it and release a qemu_chr_write_nb() waiter
 *   chr_io_enter(), chr_io_leave(), chr_io_closing()
 *                         for a wrapper (the mux) that calls frontends
 *                         itself: the same deferred close as fd callbacks
 *   qemu_chr_be_writable() (public) the backend can take output again, for
 *                         backends without an fd_out to watch
 */

/*
 * What a backend sets about its I/O; every member is optional and zero
 * keeps the core's default.
 *
 * recv() returns bytes for the frontend, 0 at end of file, or -1 with
 * errno (EAGAIN: nothing to deliver now); default: read() on fd_in.
 * hangup() handles end of file or a read error on fd_in; default: stop
 * watching fd_in and report CHR_EVENT_CLOSED.
 * hup_watch: fd_in is a stream socket whose peer's hangup matters even
 * while the frontend takes nothing or there is none (a reconnect= client
 * must reconnect, a server must take its next client), so it stays
 * watched and is looked at without reading.  While input waits for the
 * frontend that look pauses; hup_recheck() is asked to call
 * chr_io_resume_hup() later when there is no frontend to resume it.
 * read_max raises the largest read above READ_BUF_LEN; outq_limit
 * replaces CHR_OUTQ_LIMIT as the bound of the output queue.
 */
typedef struct CharIOHooks {
    ssize_t (*recv)(CharDriverState *chr, uint8_t *buf, size_t len);
    void (*hangup)(CharDriverState *chr);
    bool hup_watch;
    void (*hup_recheck)(CharDriverState *chr);
    size_t read_max;
    size_t outq_limit;
} CharIOHooks;

struct CharBackendIO {
    CharDriverState *chr;
    int fd_in;                  /* polled for input, -1 if none */
    int fd_out;                 /* polled for writability, -1 if none */
    int watch_in, watch_out;    /* what is registered with the main loop */
    int max_size;               /* what the frontend took at the last poll */
    /* the backend's hooks (see CharIOHooks) */
    ssize_t (*recv)(CharDriverState *chr, uint8_t *buf, size_t len);
    void (*hangup)(CharDriverState *chr);
    bool hup_watch;
    void (*hup_recheck)(CharDriverState *chr);
    /* input is waiting for the frontend: no hangup look until it reads */
    bool hup_paused;
    bool unread_reported;       /* a peer left unread input: said once */
    /* largest read; a backend may raise it above READ_BUF_LEN */
    size_t read_max;
    uint8_t *rbuf;              /* read buffer when read_max is raised */
    /* output accepted by qemu_chr_write() that the backend could not take */
    ByteFifo oq;
    uint64_t dropped;
    bool want_write_ready;      /* a qemu_chr_write_nb() caller waits */
    /*
     * Depth of the fd callbacks of this chardev being run.  A frontend
     * may close the chardev from a handler they call (read, event,
     * write-ready) while the backend code below still uses its state:
     * that close is finished once the outermost callback returns.
     */
    int busy;
    bool close_pending;
};

static void chr_io_update(CharBackendIO *io);
static void chr_close_finish(CharDriverState *chr);

static void chr_io_enter(CharBackendIO *io)
{
    io->busy++;
}

/* Leave a callback; io and its chardev may be gone afterwards. */
static void chr_io_leave(CharBackendIO *io)
{
    if (--io->busy == 0 && io->close_pending) {
        chr_close_finish(io->chr);
    }
}

/* Closed from inside a callback: finished once the callbacks return. */
static bool chr_io_closing(const CharDriverState *chr)
{
    return chr->io && chr->io->close_pending;
}

static int chr_io_read_poll(void *opaque)
{
    CharBackendIO *io = opaque;

    io->max_size = qemu_chr_can_read(io->chr);
    if (io->max_size > 0) {
        io->hup_paused = false;
        return io->max_size;
    }
    return io->hup_watch && !io->hup_paused;
}

static void chr_io_hangup(CharBackendIO *io)
{
    CharDriverState *chr = io->chr;

    if (io->hangup) {
        io->hangup(chr);
        return;
    }
    io->fd_in = -1;
    chr_io_update(io);
    qemu_chr_event(chr, CHR_EVENT_CLOSED);
}

#ifndef _WIN32
/*
 * fd_in is readable but the frontend takes nothing.  End of file (or an
 * error) is a hangup to act on now.  Unread input waits for the frontend,
 * unless there is none and the peer has shut down: then nobody can ever
 * read it, and it goes with one error line.
 */
static void chr_io_idle_check(CharBackendIO *io)
{
    CharDriverState *chr = io->chr;
    struct pollfd pfd = { .fd = io->fd_in, .events = POLLIN | POLLRDHUP };
    uint8_t byte;
    int unread = 0;
    ssize_t n;

    do {
        n = recv(io->fd_in, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (n > 0) {
        if (chr->chr_can_read || poll(&pfd, 1, 0) != 1 ||
            !(pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
            io->hup_paused = true;
            if (!chr->chr_can_read && io->hup_recheck) {
                io->hup_recheck(chr);
            }
            return;
        }
        /* once per chardev: a remote peer may connect and leave at will */
        if (!io->unread_reported) {
            ioctl(io->fd_in, FIONREAD, &unread);
            error_report("chardev \"%s\": the peer left; %d bytes it sent "
                         "were never read (no frontend attached; said once)",
                         chr_label(chr), unread);
            io->unread_reported = true;
        }
    }
    chr_io_hangup(io);
}
#else
/*
 * The same look for winsock, which has no POLLRDHUP: a hangup shows only
 * once the input before it is read, so unread input always waits.
 */
static void chr_io_idle_check(CharBackendIO *io)
{
    CharDriverState *chr = io->chr;
    char byte;
    int n = recv(io->fd_in, &byte, 1, MSG_PEEK);

    if (n < 0 && socket_error() == WSAEWOULDBLOCK) {
        return;
    }
    if (n > 0) {
        io->hup_paused = true;
        if (!chr->chr_can_read && io->hup_recheck) {
            io->hup_recheck(chr);
        }
        return;
    }
    chr_io_hangup(io);
}
#endif

/*
 * Read once and hand it to the frontend.  Returns the bytes delivered if
 * they filled a full-size buffer (more may be waiting), else 0.  Only the
 * @first read of a callback looks at an fd the frontend has no room for.
 */
static int chr_io_read_one(CharBackendIO *io, bool first)
{
    uint8_t stack_buf[READ_BUF_LEN];
    uint8_t *buf = stack_buf;
    int len;
    ssize_t n;

    /* the guest may have taken or freed room since the poll (vcpu threads) */
    io->max_size = qemu_chr_can_read(io->chr);
    len = MIN(io->max_size, READ_BUF_LEN);

    if (io->read_max > READ_BUF_LEN) {
        /* per chardev: a nested main loop may read another chardev */
        if (!io->rbuf) {
            io->rbuf = qemu_malloc(io->read_max);
        }
        buf = io->rbuf;
        len = MIN(io->max_size, (int)io->read_max);
    }
    if (io->fd_in < 0) {
        return 0;
    }
    if (len <= 0) {
        if (first && io->hup_watch && !io->hup_paused) {
            chr_io_idle_check(io);
        }
        return 0;
    }
    if (io->recv) {
        n = io->recv(io->chr, buf, len);
    } else {
        n = read(io->fd_in, buf, len);
    }
    if (n > 0) {
        qemu_chr_read(io->chr, buf, n);
        return n == len ? n : 0;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        chr_io_hangup(io);
    }
    return 0;
}

static void chr_io_read(void *opaque)
{
    CharBackendIO *io = opaque;
    bool first = true;
    int done = 0, n;

    chr_io_enter(io);
    /*
     * While the buffer comes back full and the frontend has room, read
     * again: one wakeup then moves what the peer queued, instead of one
     * buffer per main loop turn (poll and read-poll calls included).
     */
    do {
        n = chr_io_read_one(io, first);
        first = false;
        done += n;
    } while (n > 0 && !io->close_pending &&
             done < (n >= READ_BUF_LEN ? CHR_READ_BUDGET :
                     CHR_READ_SMALL_BUDGET));
    chr_io_leave(io);
}

/* Nobody is left to deliver queued output to: count it, never hide it. */
static void chr_outq_drop(CharBackendIO *io)
{
    size_t len = byte_fifo_len(&io->oq);

    if (len) {
        io->dropped += len;
        trace_qemu_chr_dropped(chr_label(io->chr), len, io->dropped);
    }
    byte_fifo_clear(&io->oq);
}

/* Hand queued output to the backend; false if the backend went away. */
static bool chr_outq_flush(CharBackendIO *io)
{
    CharDriverState *chr = io->chr;

    while (byte_fifo_len(&io->oq) > 0) {
        size_t avail;
        const uint8_t *p = byte_fifo_peek(&io->oq, &avail);
        int n = chr->chr_write(chr, p, MIN(avail, INT_MAX));

        if (n < 0) {
            chr_outq_drop(io);
            return false;
        }
        if (n == 0) {
            break;
        }
        byte_fifo_consume(&io->oq, n);
        if (byte_fifo_len(&io->oq) == 0) {
            trace_qemu_chr_outq_drained(chr_label(chr));
        }
    }
    return true;
}

static void chr_io_write_ready(void *opaque)
{
    CharBackendIO *io = opaque;
    CharDriverState *chr = io->chr;
    bool notify;

    chr_io_enter(io);
    chr_outq_flush(io);
    if (byte_fifo_len(&io->oq) > 0) {
        goto out;
    }
    notify = io->want_write_ready;
    io->want_write_ready = false;
    chr_io_update(io);
    if (notify && chr->chr_write_ready) {
        trace_qemu_chr_write_ready(chr_label(chr));
        chr->chr_write_ready(chr->write_ready_opaque);
    }
out:
    chr_io_leave(io);
}

/* Queue what the backend could not take; returns the bytes accepted. */
static int chr_outq_push(CharBackendIO *io, const uint8_t *buf, int len)
{
    size_t n = byte_fifo_push(&io->oq, buf, len);

    if (n > 0) {
        trace_qemu_chr_outq_push(chr_label(io->chr), n,
                                 byte_fifo_len(&io->oq));
    }
    if (n < (size_t)len) {
        trace_qemu_chr_outq_full(chr_label(io->chr), byte_fifo_len(&io->oq));
        trace_qemu_chr_dropped(chr_label(io->chr), len - n,
                               io->dropped + len - n);
    }
    io->dropped += len - n;
    chr_io_update(io);
    return n;
}

/* Register exactly the fd handlers the backend's state calls for. */
static void chr_io_update(CharBackendIO *io)
{
    bool want_out = io->fd_out >= 0 && (byte_fifo_len(&io->oq) > 0 ||
                                        io->want_write_ready);
    int in = io->fd_in;
    int out = want_out ? io->fd_out : -1;

    if (in == io->watch_in && out == io->watch_out) {
        return;
    }
    if (io->watch_in >= 0 && io->watch_in != in && io->watch_in != out) {
        qemu_set_fd_handler2(io->watch_in, NULL, NULL, NULL, NULL);
    }
    if (io->watch_out >= 0 && io->watch_out != io->watch_in &&
        io->watch_out != in && io->watch_out != out) {
        qemu_set_fd_handler2(io->watch_out, NULL, NULL, NULL, NULL);
    }
    if (in >= 0 && in == out) {
        qemu_set_fd_handler2(in, chr_io_read_poll, chr_io_read,
                             chr_io_write_ready, io);
    } else {
        if (in >= 0) {
            qemu_set_fd_handler2(in, chr_io_read_poll, chr_io_read,
                                 NULL, io);
        }
        if (out >= 0) {
            qemu_set_fd_handler2(out, NULL, NULL, chr_io_write_ready, io);
        }
    }
    io->watch_in = in;
    io->watch_out = out;
}

/* Point the watches of a backend at new fds (-1: none). */
static void chr_io_set_fds(CharDriverState *chr, int fd_in, int fd_out)
{
    CharBackendIO *io = chr->io;

    io->fd_in = fd_in;
    io->fd_out = fd_out;
    chr_io_update(io);
}

static void chr_io_set_hooks(CharDriverState *chr, const CharIOHooks *hooks)
{
    CharBackendIO *io = chr->io;

    io->recv = hooks->recv;
    io->hangup = hooks->hangup;
    io->hup_watch = hooks->hup_watch;
    io->hup_recheck = hooks->hup_recheck;
    io->read_max = hooks->read_max;
    if (hooks->outq_limit) {
        byte_fifo_init(&io->oq, hooks->outq_limit);
    }
}

/* Input may have been taken, or the peer may be gone: look at fd_in. */
static void chr_io_resume_hup(CharDriverState *chr)
{
    chr->io->hup_paused = false;
    chr_io_update(chr->io);
}

/* Output the backend discarded itself (no peer) is counted all the same. */
static void chr_io_count_dropped(CharDriverState *chr, size_t len)
{
    chr->io->dropped += len;
}

/* The peer is gone for good: what waits for it is lost, counted. */
static void chr_io_drop_output(CharDriverState *chr)
{
    CharBackendIO *io = chr->io;
    bool notify = io->want_write_ready;

    chr_outq_drop(io);
    io->want_write_ready = false;
    /* a back-pressured writer must not wait for a peer that left */
    if (notify && chr->chr_write_ready) {
        trace_qemu_chr_write_ready(chr_label(chr));
        chr->chr_write_ready(chr->write_ready_opaque);
    }
}

static void chr_io_update_read_handler(CharDriverState *chr)
{
    /* a frontend came or went: look at the input again */
    chr_io_resume_hup(chr);
}

static void chr_io_free(CharDriverState *chr)
{
    CharBackendIO *io = chr->io;

    if (!io) {
        return;
    }
    io->fd_in = io->fd_out = -1;
    io->want_write_ready = false;
    byte_fifo_clear(&io->oq);
    chr_io_update(io);
    byte_fifo_destroy(&io->oq);
    qemu_free(io->rbuf);
    qemu_free(io);
    chr->io = NULL;
}

/*
 * For backends without an output fd (spice): they call this once they can
 * take output again, in place of the fd_out watch.
 */
void qemu_chr_be_writable(CharDriverState *s)
{
    if (s->io) {
        chr_io_write_ready(s->io);
    }
}

CharDriverState *qemu_chr_alloc(const CharDriverOps *ops, void *opaque)
{
    CharDriverState *chr = qemu_mallocz(sizeof(*chr));
    CharBackendIO *io = qemu_mallocz(sizeof(*io));

    chr->chr_write = ops->chr_write;
    chr->chr_update_read_handler = ops->chr_update_read_handler;
    chr->chr_ioctl = ops->chr_ioctl;
    chr->get_msgfd = ops->get_msgfd;
    chr->chr_add_client = ops->chr_add_client;
    chr->chr_send_event = ops->chr_send_event;
    chr->chr_close = ops->chr_close;
    chr->chr_accept_input = ops->chr_accept_input;
    chr->chr_set_echo = ops->chr_set_echo;
    chr->chr_guest_open = ops->chr_guest_open;
    chr->chr_guest_close = ops->chr_guest_close;
    chr->opaque = opaque;

    io->chr = chr;
    io->fd_in = io->fd_out = -1;
    io->watch_in = io->watch_out = -1;
    byte_fifo_init(&io->oq, CHR_OUTQ_LIMIT);
    chr->io = io;
    if (!chr->chr_update_read_handler) {
        chr->chr_update_read_handler = chr_io_update_read_handler;
    }
    return chr;
}

/***********************************************************/
/* Open errors */

static char *chr_open_errmsg;
/* a backend's open() runs: failures go to qemu_chr_open_error() */
static bool chr_opening;

void qemu_chr_open_error(const char *option, const char *fmt, ...)
{
    va_list ap;
    char *cause;

    va_start(ap, fmt);
    cause = chr_vstrdup_printf(fmt, ap);
    va_end(ap);

    /* the first failure is the one worth reporting */
    if (!chr_open_errmsg) {
        chr_open_errmsg = option ? chr_strdup_printf("%s: %s", option, cause)
                                 : qemu_strdup(cause);
    }
    qemu_free(cause);
}

static void chr_open_error_clear(void)
{
    qemu_free(chr_open_errmsg);
    chr_open_errmsg = NULL;
}

/*
 * Errors that several backends' open functions report, one wording each.
 * They return the negative errno for the open function to return.
 */

/* A required option is not given; @hint says what it should be. */
static int chr_opt_missing(const char *option, const char *hint)
{
    qemu_chr_open_error(option, "missing (%s)", hint);
    return -EINVAL;
}

#ifndef _WIN32
/*
 * Opening (@verb: "open", "create") what path= names failed with @err.
 * POSIX only: the win32 backends report GetLastError() instead.
 */
static int chr_path_failed(const char *verb, const char *path, int err)
{
    qemu_chr_open_error("path", "cannot %s \"%s\": %s", verb, path,
                        strerror(err));
    return -err;
}
#endif

/* The path= a backend cannot do without; NULL, reported, if none. */
static const char *chr_opt_path(QemuOpts *opts, const char *hint)
{
    const char *path = qemu_opt_get(opts, "path");

    if (!path) {
        chr_opt_missing("path", hint);
        return NULL;
    }
    if (!*path) {
        qemu_chr_open_error("path", "empty (%s)", hint);
        return NULL;
    }
    return path;
}

/*
 * The main loop select()s: it cannot watch an fd at or above
 * FD_SETSIZE (it would write past its fd_set).  Such an fd is closed and
 * the failure recorded; returns fd, or -EMFILE with errno set.  A failed
 * fd (< 0) passes through with errno untouched.
 */
static int chr_fd_watchable(int fd)
{
    if (fd < FD_SETSIZE) {
        return fd;
    }
    if (chr_opening) {
        qemu_chr_open_error(NULL, "fd %d is not below FD_SETSIZE (%d), so "
                            "the main loop could not watch it", fd,
                            FD_SETSIZE);
    }
    close(fd);
    errno = EMFILE;
    return -EMFILE;
}

/***********************************************************/
/* logfile: a copy of what each backend delivered */

#ifdef _WIN32
/* Windows has no fifos: a log file there never makes its writer wait. */
#define O_NONBLOCK 0
#endif

/*
 * logfile=<path> on any backend: every byte the backend's chr_write
 * accepts is appended to the file.  The log wraps chr_write, so it sees
 * what really left, by every path (qemu_chr_write(), the output queue
 * flushed later, qemu_chr_write_nb()), and not what was queued or dropped.
 *
 * The log never holds the frontend back.  A regular file takes a write()
 * whole into the page cache (O_NONBLOCK means nothing there, EAGAIN never
 * comes), so it is written at once, like any other QEMU log file; a queue
 * would only postpone the same write.  Anything else (a fifo, a pty, a
 * socket) is written non-blocking; what it cannot take now waits in a
 * bounded queue that the main loop drains, and what does not fit is
 * dropped and counted (qemu_chr_log_dropped()), apart from the backend's
 * own dropped bytes.
 */
#define CHR_LOG_QUEUE_LIMIT (64 * 1024)

struct CharLog {
    int fd;
    char *path;
    /* the backend's own chr_write, which the log wraps */
    int (*be_write)(CharDriverState *s, const uint8_t *buf, int len);
    ByteFifo queue;             /* bytes the fd could not take yet */
    bool watched;               /* fd write handler registered */
    bool error_reported;        /* a write error was reported: said once */
    uint64_t dropped;
};

/*
 * Write what the fd takes now.  Returns the bytes done with: written, or
 * after a write error counted as dropped (the error is said once).
 */
static size_t chr_log_write_nb(CharDriverState *chr, const uint8_t *buf,
                               size_t len)
{
    CharLog *log = chr->log;
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(log->fd, buf + done, len - done);

        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            break;
        } else {
            /* the log cannot take it: counted, not kept */
            if (!log->error_reported) {
                error_report("chardev \"%s\": logfile \"%s\": write "
                             "failed: %s; what is not logged is counted "
                             "(said once)", chr_label(chr), log->path,
                             n < 0 ? strerror(errno) : "nothing written");
                log->error_reported = true;
            }
            log->dropped += len - done;
            return len;
        }
    }
    return done;
}

static void chr_log_drain(void *opaque);

static void chr_log_update_watch(CharLog *log, CharDriverState *chr)
{
    bool want = byte_fifo_len(&log->queue) > 0;

    if (want != log->watched) {
        qemu_set_fd_handler(log->fd, NULL, want ? chr_log_drain : NULL, chr);
        log->watched = want;
    }
}

static void chr_log_drain(void *opaque)
{
    CharDriverState *chr = opaque;
    CharLog *log = chr->log;
    size_t len, n;
    const uint8_t *head;

    /* the queued bytes may wrap: write them a contiguous run at a time */
    do {
        head = byte_fifo_peek(&log->queue, &len);
        n = len ? chr_log_write_nb(chr, head, len) : 0;
        byte_fifo_consume(&log->queue, n);
    } while (n > 0 && n == len);
    chr_log_update_watch(log, chr);
}

static void chr_log_append(CharDriverState *chr, const uint8_t *buf,
                           size_t len)
{
    CharLog *log = chr->log;
    size_t done = 0;

    /* earlier bytes first: only an empty queue lets a write go ahead */
    if (byte_fifo_len(&log->queue) == 0) {
        done = chr_log_write_nb(chr, buf, len);
    }
    log->dropped += len - done -
                    byte_fifo_push(&log->queue, buf + done, len - done);
    chr_log_update_watch(log, chr);
}

static int chr_log_chr_write(CharDriverState *s, const uint8_t *buf, int len)
{
    uint64_t dropped = qemu_chr_dropped_bytes(s);
    int n = s->log->be_write(s, buf, len);

    /*
     * A backend may take bytes only to discard them (a socket without a
     * peer): it counts them as dropped, and they were never delivered.
     */
    if (n > 0 && qemu_chr_dropped_bytes(s) == dropped) {
        chr_log_append(s, buf, n);
    }
    return n;
}

/*
 * Open the log of logfile= before the backend opens, so that a bad path
 * leaves nothing half started.  0 with *plog NULL if there is no log.
 */
static int chr_log_open(QemuOpts *opts, CharLog **plog)
{
    const char *path = qemu_opt_get(opts, "logfile");
    bool append = qemu_opt_get_bool(opts, "logappend", 0);
    CharLog *log;
    int fd, err;

    *plog = NULL;
    if (!path) {
        if (qemu_opt_get(opts, "logappend")) {
            qemu_chr_open_error("logappend", "needs logfile=<path>");
            return -EINVAL;
        }
        return 0;
    }
    if (!*path) {
        qemu_chr_open_error("logfile", "empty (a path is needed)");
        return -EINVAL;
    }
    /* O_NONBLOCK: neither a fifo without reader nor a full pipe waits */
    TFR(fd = chr_fd_watchable(qemu_open(path, O_WRONLY | O_CREAT |
                                        O_APPEND | O_NONBLOCK |
                                        (append ? 0 : O_TRUNC) | O_BINARY,
                                        0666)));
    if (fd < 0) {
        err = errno;
        qemu_chr_open_error("logfile", "cannot open \"%s\": %s", path,
                            strerror(err));
        return -err;
    }
    log = qemu_mallocz(sizeof(*log));
    log->fd = fd;
    log->path = g_strdup(path);
    byte_fifo_init(&log->queue, CHR_LOG_QUEUE_LIMIT);
    *plog = log;
    return 0;
}

static void chr_log_free(CharLog *log)
{
    if (log->watched) {
        qemu_set_fd_handler(log->fd, NULL, NULL, NULL);
    }
    close(log->fd);
    byte_fifo_destroy(&log->queue);
    g_free(log->path);
    qemu_free(log);
}

/* The log takes the backend's chr_write; mux frontends share it. */
static void chr_log_attach(CharDriverState *chr, CharLog *log)
{
    log->be_write = chr->chr_write;
    chr->chr_write = chr_log_chr_write;
    chr->log = log;
}

/* At close: what the log still queues gets one last non-blocking try. */
static void chr_log_close(CharDriverState *chr)
{
    CharLog *log = chr->log;

    if (!log) {
        return;
    }
    chr_log_drain(chr);
    log->dropped += byte_fifo_len(&log->queue);
    chr->log = NULL;
    chr_log_free(log);
}

uint64_t qemu_chr_log_dropped(const CharDriverState *s)
{
    return s->log ? s->log->dropped : 0;
}

/***********************************************************/
/* Frontend API */

int qemu_chr_write(CharDriverState *s, const uint8_t *buf, int len)
{
    CharBackendIO *io = s->io;
    int done = 0;

    if (len <= 0) {
        return 0;
    }
    if (!io || byte_fifo_len(&io->oq) == 0) {
        done = s->chr_write(s, buf, len);
        if (done < 0 || done == len) {
            return done;
        }
        if (!io) {
            /* a backend from outside the core has no queue: count it */
            s->dropped_noq += len - done;
            trace_qemu_chr_dropped(chr_label(s), len - done,
                                   s->dropped_noq);
            return done;
        }
    }
    return done + chr_outq_push(io, buf + done, len - done);
}

int qemu_chr_write_nb(CharDriverState *s, const uint8_t *buf, int len)
{
    CharBackendIO *io = s->io;
    int done;

    if (len <= 0) {
        return 0;
    }
    if (io && byte_fifo_len(&io->oq) > 0) {
        /* earlier output goes first */
        chr_outq_flush(io);
        if (byte_fifo_len(&io->oq) > 0) {
            trace_qemu_chr_write_blocked(chr_label(s), 0, len);
            io->want_write_ready = true;
            chr_io_update(io);
            return 0;
        }
    }
    done = s->chr_write(s, buf, len);
    if (io && done >= 0 && done < len) {
        trace_qemu_chr_write_blocked(chr_label(s), done, len);
        io->want_write_ready = true;
        chr_io_update(io);
    }
    return done;
}

void qemu_chr_set_write_ready(CharDriverState *s, IOHandler *fd_write_ready,
                              void *opaque)
{
    s->chr_write_ready = fd_write_ready;
    s->write_ready_opaque = opaque;
}

uint64_t qemu_chr_dropped_bytes(const CharDriverState *s)
{
    return s->io ? s->io->dropped : s->dropped_noq;
}

size_t qemu_chr_queued_bytes(const CharDriverState *s)
{
    return s->io ? byte_fifo_len(&s->io->oq) : 0;
}

int qemu_chr_ioctl(CharDriverState *s, int cmd, void *arg)
{
    if (!s->chr_ioctl) {
        return -ENOTSUP;
    }
    return s->chr_ioctl(s, cmd, arg);
}

int qemu_chr_can_read(CharDriverState *s)
{
    if (!s->chr_can_read) {
        return 0;
    }
    return s->chr_can_read(s->handler_opaque);
}

void qemu_chr_read(CharDriverState *s, uint8_t *buf, int len)
{
    chr_flush_open_event(s);
    if (s->chr_read) {
        s->chr_read(s->handler_opaque, buf, len);
    }
}

int qemu_chr_get_msgfd(CharDriverState *s)
{
    return s->get_msgfd ? s->get_msgfd(s) : -1;
}

int qemu_chr_add_client(CharDriverState *s, int fd)
{
    return s->chr_add_client ? s->chr_add_client(s, fd) : -1;
}

void qemu_chr_accept_input(CharDriverState *s)
{
    if (s->chr_accept_input) {
        s->chr_accept_input(s);
    }
}

void qemu_chr_printf(CharDriverState *s, const char *fmt, ...)
{
    va_list ap;
    char *buf;

    va_start(ap, fmt);
    buf = chr_vstrdup_printf(fmt, ap);
    va_end(ap);
    qemu_chr_write(s, (uint8_t *)buf, strlen(buf));
    qemu_free(buf);
}

void qemu_chr_send_event(CharDriverState *s, int event)
{
    if (s->chr_send_event) {
        s->chr_send_event(s, event);
    }
}

/* A frontend let go: one more may attach. */
static void chr_give_back_connection(CharDriverState *s)
{
    if (!s->max_connections || s->avail_connections < s->max_connections) {
        ++s->avail_connections;
    }
}

void qemu_chr_add_handlers(CharDriverState *s,
                           IOCanReadHandler *fd_can_read,
                           IOReadHandler *fd_read,
                           IOEventHandler *fd_event,
                           void *opaque)
{
    if (!opaque && !fd_can_read && !fd_read && !fd_event) {
        chr_give_back_connection(s);
        s->explicit_fe_open = 0;
    }
    s->chr_can_read = fd_can_read;
    s->chr_read = fd_read;
    s->chr_event = fd_event;
    s->handler_opaque = opaque;
    if (s->chr_update_read_handler) {
        s->chr_update_read_handler(s);
    }

    /* a frontend attaching to an open backend still gets OPENED */
    if (s->opened && (fd_can_read || fd_read || fd_event)) {
        qemu_chr_generic_open(s);
    }
}

void qemu_chr_remove_handlers(CharDriverState *s, void *opaque)
{
    if (s->chr_write_ready && s->write_ready_opaque == opaque) {
        qemu_chr_set_write_ready(s, NULL, NULL);
    }
    if (chr_is_mux(s)) {
        if (mux_chr_remove(s, opaque)) {
            chr_give_back_connection(s);
        }
        return;
    }
    /* another frontend may have taken the chardev since */
    if (s->handler_opaque != opaque ||
        (!opaque && !s->chr_can_read && !s->chr_read && !s->chr_event)) {
        return;
    }
    qemu_chr_add_handlers(s, NULL, NULL, NULL, NULL);
}

void qemu_chr_set_echo(struct CharDriverState *chr, bool echo)
{
    if (chr->chr_set_echo) {
        chr->chr_set_echo(chr, echo);
    }
}

void qemu_chr_guest_open(struct CharDriverState *chr)
{
    if (chr_is_mux(chr)) {
        mux_guest_set(chr, false, NULL, true);
        return;
    }
    chr->explicit_fe_open = 1;
    /* the backend hears about each transition once */
    if (chr->fe_open) {
        return;
    }
    chr->fe_open = 1;
    trace_qemu_chr_guest_open(chr_label(chr));
    if (chr->chr_guest_open) {
        chr->chr_guest_open(chr);
    }
}

void qemu_chr_guest_close(struct CharDriverState *chr)
{
    if (chr_is_mux(chr)) {
        mux_guest_set(chr, false, NULL, false);
        return;
    }
    chr->explicit_fe_open = 1;
    if (!chr->fe_open) {
        return;
    }
    chr->fe_open = 0;
    trace_qemu_chr_guest_close(chr_label(chr));
    if (chr->chr_guest_close) {
        chr->chr_guest_close(chr);
    }
}

void qemu_chr_fe_guest_open(CharDriverState *chr, void *opaque)
{
    if (chr_is_mux(chr)) {
        mux_guest_set(chr, true, opaque, true);
        return;
    }
    qemu_chr_guest_open(chr);
}

void qemu_chr_fe_guest_close(CharDriverState *chr, void *opaque)
{
    if (chr_is_mux(chr)) {
        mux_guest_set(chr, true, opaque, false);
        return;
    }
    qemu_chr_guest_close(chr);
}

/* See qemu-char.h for the two kinds of frontend. */
bool qemu_chr_fe_is_open(const CharDriverState *chr)
{
    if (chr_is_mux(chr)) {
        return mux_fe_is_open(chr);
    }
    if (chr->explicit_fe_open) {
        return chr->fe_open;
    }
    return chr->chr_can_read || chr->chr_read || chr->chr_event ||
           chr->handler_opaque;
}

void qemu_chr_close(CharDriverState *chr)
{
    if (chr->io && chr->io->close_pending) {
        return;
    }
    trace_qemu_chr_close(chr_label(chr));
    if (chr_is_registered(chr)) {
        QTAILQ_REMOVE(&chardevs, chr, next);
    }
    if (chr->bh) {
        qemu_bh_delete(chr->bh);
        chr->bh = NULL;
    }
    /* stop polling before the backend closes its fds */
    if (chr->io) {
        chr->io->fd_in = chr->io->fd_out = -1;
        chr_io_update(chr->io);
    }
    /*
     * The frontend hears CLOSED while the backend is still whole.  A close
     * it asks for from that handler is this one: pending and busy, so it
     * neither runs twice nor finishes under us.
     */
    if (chr->io) {
        chr->io->close_pending = true;
        chr->io->busy++;
    }
    if (chr->opened) {
        qemu_chr_event(chr, CHR_EVENT_CLOSED);
    }
    if (chr->io && --chr->io->busy) {
        /*
         * Closed from a frontend handler that a backend callback of this
         * chardev called: the frontend is done with it now, the backend
         * state goes when that callback returns (chr_io_leave).
         */
        chr->chr_can_read = NULL;
        chr->chr_read = NULL;
        chr->chr_event = NULL;
        chr->handler_opaque = NULL;
        chr->chr_write_ready = NULL;
        chr->write_ready_opaque = NULL;
        return;
    }
    chr_close_finish(chr);
}

/* The backend's part of qemu_chr_close(), and freeing the chardev. */
static void chr_close_finish(CharDriverState *chr)
{
    /* the backend may have asked for events after a deferred close */
    if (chr->bh) {
        qemu_bh_delete(chr->bh);
        chr->bh = NULL;
    }
    if (chr->io) {
        /*
         * qemu_chr_write() told the frontend its bytes were taken: give
         * what still waits one last non-blocking chance to leave.
         */
        chr_outq_flush(chr->io);
        chr->io->fd_in = chr->io->fd_out = -1;
        chr_io_update(chr->io);
    }
    if (chr->chr_close) {
        chr->chr_close(chr);
    }
    chr_log_close(chr);
    chr_io_free(chr);
    qemu_free(chr->filename);
    qemu_free(chr->label);
    qemu_free(chr);
}

/***********************************************************/
/* Chardev ids */

/* Names the option parser accepts as an id: as qemu_opts_create() does. */
static bool chr_id_wellformed(const char *id)
{
    const char *p;

    if (!qemu_isalpha(id[0])) {
        return false;
    }
    for (p = id + 1; *p; p++) {
        if (!qemu_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

/* An id that could not be used everywhere in full is refused: 0 or -errno. */
static int chr_check_id(const char *id)
{
    size_t len = strlen(id);

    if (len > CHR_ID_MAX) {
        error_report("chardev \"%.*s...\": id: too long (%zu characters, "
                     "at most %d)", CHR_ID_MAX, id, len, CHR_ID_MAX);
        return -ENAMETOOLONG;
    }
    if (!chr_id_wellformed(id)) {
        error_report("chardev \"%s\": id: not an identifier (a letter, then "
                     "letters, digits, '-', '.' or '_')", id);
        return -EINVAL;
    }
    return 0;
}

/***********************************************************/
/* Opening by options */

/*
 * -chardev has one option group for every backend, so the option parser
 * accepts any of its names for any backend.  Each backend lists the names
 * it uses (besides "backend" and "mux", which every backend takes); the
 * core refuses the others instead of ignoring them.
 */
typedef struct CharBackendEntry {
    const char *name;
    int (*open)(QemuOpts *opts, CharDriverState **chr);
    const char *const *opts;    /* NULL-terminated */
} CharBackendEntry;

/* Defined with the backend table, after every backend. */
static const CharBackendEntry *chr_find_backend(const char *name);
static char *chr_backend_names(void);

/* Options every backend takes. */
static const char *const chr_opts_common[] = {
    "backend", "mux", "logfile", "logappend", NULL
};

/*
 * Options of type number (or size).  The option parser reads an empty
 * value as 0 and saturates an overflowing one, so both are refused here;
 * ranges are the backends' business.
 */
static const char *const chr_opts_number[] = {
    "to", "reconnect", "debug", "width", "height", "cols", "rows", "size",
    NULL
};

/*
 * The option parser keeps at most this many characters of a value and
 * drops the rest silently: a value this long may have been cut.
 */
#define CHR_OPT_VALUE_MAX 1023

static bool chr_name_in(const char *const *list, const char *name)
{
    for (; *list; list++) {
        if (strcmp(*list, name) == 0) {
            return true;
        }
    }
    return false;
}

static int chr_check_opt(const char *name, const char *value, void *opaque)
{
    const CharBackendEntry *be = opaque;
    const char *const *p;
    char *end;

    if (!chr_name_in(chr_opts_common, name) &&
        !chr_name_in(be->opts, name)) {
        char *valid = qemu_strdup("");

        for (p = be->opts; *p; p++) {
            chr_list_append(&valid, *p);
        }
        chr_list_append(&valid, "mux");
        qemu_chr_open_error(name, "not an option of this backend (valid: "
                            "%s)", valid);
        qemu_free(valid);
        return -1;
    }
    if (value && strlen(value) >= CHR_OPT_VALUE_MAX) {
        qemu_chr_open_error(name, "value too long (%zu characters, at most "
                            "%d)", strlen(value), CHR_OPT_VALUE_MAX - 1);
        return -1;
    }
    if (chr_name_in(chr_opts_number, name)) {
        if (!value || !*value) {
            qemu_chr_open_error(name, "empty (a number is needed)");
            return -1;
        }
        /* strtoull() takes "-1" and wraps it around */
        if (value[strspn(value, " \t\n\v\f\r")] == '-') {
            qemu_chr_open_error(name, "%s is negative", value);
            return -1;
        }
        errno = 0;
        strtoull(value, &end, 0);
        if (errno == ERANGE) {
            qemu_chr_open_error(name, "%s is out of range", value);
            return -1;
        }
    }
    return 0;
}

static void chr_report_open_failure(const char *id, const char *backend,
                                    int ret)
{
    if (chr_open_errmsg) {
        error_report("chardev \"%s\": backend \"%s\": %s", id, backend,
                     chr_open_errmsg);
    } else if (ret < 0 && ret > -4096) {
        error_report("chardev \"%s\": backend \"%s\": open failed: %s",
                     id, backend, strerror(-ret));
    } else {
        error_report("chardev \"%s\": backend \"%s\": open failed", id,
                     backend);
    }
    chr_open_error_clear();
}

/*
 * Callers in vl.c report a failed open with strerror(errno): leave the
 * cause there, not whatever a system call last left behind.
 */
static CharDriverState *chr_open_fail(int err)
{
    errno = err > 0 && err < 4096 ? err : EINVAL;
    return NULL;
}

/*
 * @unique_id: refuse an id that a chardev already has.  -chardev ids are
 * unique; the legacy qemu_chr_open() path is not checked, as in v0.15.0,
 * because boards open several chardevs labelled "null" with it.
 */
static CharDriverState *chr_open_opts(QemuOpts *opts,
                                      void (*init)(struct CharDriverState *s),
                                      bool unique_id)
{
    const char *id = qemu_opts_id(opts);
    const char *name = qemu_opt_get(opts, "backend");
    const CharBackendEntry *be;
    CharDriverState *chr = NULL;
    CharLog *log = NULL;
    bool mux = qemu_opt_get_bool(opts, "mux", 0);
    int ret;

    if (id == NULL) {
        error_report("chardev: no id specified (id=<name> is required)");
        return chr_open_fail(EINVAL);
    }
    ret = chr_check_id(id);
    if (ret < 0) {
        return chr_open_fail(-ret);
    }
    if (name == NULL) {
        error_report("chardev \"%s\": missing backend", id);
        return chr_open_fail(EINVAL);
    }
    be = chr_find_backend(name);
    if (be == NULL) {
        char *known = chr_backend_names();

        error_report("chardev \"%s\": backend \"%s\" not found "
                     "(available: %s)", id, name, known);
        qemu_free(known);
        return chr_open_fail(EINVAL);
    }
    if (unique_id && qemu_chr_find(id)) {
        error_report("chardev \"%s\": id already in use", id);
        return chr_open_fail(EEXIST);
    }

    chr_open_error_clear();
    trace_qemu_chr_open(id, name);
    ret = qemu_opt_foreach(opts, chr_check_opt, (void *)be, 1) ? -EINVAL : 0;
    if (ret == 0) {
        ret = chr_log_open(opts, &log);
    }
    if (ret == 0) {
        chr_opening = true;
        ret = be->open(opts, &chr);
        chr_opening = false;
    }
    if (ret < 0 || chr == NULL) {
        if (log) {
            chr_log_free(log);
        }
        chr_report_open_failure(id, name, ret);
        return chr_open_fail(-ret);
    }
    chr_open_error_clear();
    if (log) {
        chr_log_attach(chr, log);
    }

    if (!chr->filename) {
        chr->filename = qemu_strdup(name);
    }
    chr->init = init;
    QTAILQ_INSERT_TAIL(&chardevs, chr, next);

    if (mux) {
        CharDriverState *base = chr;

        base->label = chr_strdup_printf("%s-base", id);
        chr = qemu_chr_open_mux(base);
        chr->filename = qemu_strdup(base->filename);
        chr->avail_connections = chr->max_connections = MAX_MUX;
        QTAILQ_INSERT_TAIL(&chardevs, chr, next);
    } else {
        chr->avail_connections = chr->max_connections = 1;
    }
    chr->label = qemu_strdup(id);
    return chr;
}

CharDriverState *qemu_chr_open_opts(QemuOpts *opts,
                                    void (*init)(struct CharDriverState *s))
{
    return chr_open_opts(opts, init, true);
}

CharDriverState *qemu_chr_open(const char *label, const char *filename,
                               void (*init)(struct CharDriverState *s))
{
    const char *p;
    CharDriverState *chr;
    QemuOpts *opts;
    int err;

    if (strstart(filename, "chardev:", &p)) {
        chr = qemu_chr_find(p);
        if (!chr) {
            error_report("chardev \"%s\": no such chardev (\"%s\" needs "
                         "a -chardev with id=%s)", p, filename, p);
            errno = ENOENT;
        }
        return chr;
    }

    opts = qemu_chr_parse_compat(label, filename);
    if (!opts) {
        return NULL;
    }

    chr = chr_open_opts(opts, init, false);
    err = errno;
    if (chr) {
        chr->legacy = 1;
    }
    if (chr && qemu_opt_get_bool(opts, "mux", 0)) {
        monitor_init(chr, MONITOR_USE_READLINE);
    }
    qemu_opts_del(opts);
    errno = err;
    return chr;
}

/***********************************************************/
/* Legacy filename syntax (-serial, -parallel, -monitor, ...) */

/* Split "host:port" (host may be empty or a [bracketed] IPv6 address). */
static bool chr_split_host_port(const char *str, char **host, char **port)
{
    const char *colon;

    if (str[0] == '[') {
        const char *end = strchr(str, ']');

        if (!end || end[1] != ':') {
            return false;
        }
        *host = qemu_strndup(str + 1, end - str - 1);
        colon = end + 1;
    } else {
        colon = strrchr(str, ':');
        if (!colon) {
            return false;
        }
        *host = qemu_strndup(str, colon - str);
    }
    *port = qemu_strdup(colon + 1);
    if (**port == '\0') {
        qemu_free(*host);
        qemu_free(*port);
        return false;
    }
    return true;
}

static bool compat_set_host_port(QemuOpts *opts, const char *str,
                                 const char *host_opt, const char *port_opt)
{
    char *host, *port;
    bool ok;

    if (!chr_split_host_port(str, &host, &port)) {
        return false;
    }
    ok = qemu_opt_set(opts, host_opt, host) == 0 &&
         qemu_opt_set(opts, port_opt, port) == 0;
    qemu_free(host);
    qemu_free(port);
    return ok;
}

static bool compat_parse_vc(QemuOpts *opts, const char *p)
{
    unsigned w, h;
    char tail;
    char num[2][16];

    qemu_opt_set(opts, "backend", "vc");
    if (*p == '\0') {
        return true;
    }
    if (*p != ':') {
        return false;
    }
    p++;
    if (sscanf(p, "%uCx%uC%c", &w, &h, &tail) == 2) {
        snprintf(num[0], sizeof(num[0]), "%u", w);
        snprintf(num[1], sizeof(num[1]), "%u", h);
        return qemu_opt_set(opts, "cols", num[0]) == 0 &&
               qemu_opt_set(opts, "rows", num[1]) == 0;
    }
    if (sscanf(p, "%ux%u%c", &w, &h, &tail) == 2) {
        snprintf(num[0], sizeof(num[0]), "%u", w);
        snprintf(num[1], sizeof(num[1]), "%u", h);
        return qemu_opt_set(opts, "width", num[0]) == 0 &&
               qemu_opt_set(opts, "height", num[1]) == 0;
    }
    return false;
}

/* tcp:[host]:port[,opts] and telnet:...; the options follow the address. */
static bool compat_parse_tcp(QemuOpts *opts, const char *p, bool telnet)
{
    const char *comma = strchr(p, ',');
    char *addr = comma ? qemu_strndup(p, comma - p) : qemu_strdup(p);
    bool ok;

    qemu_opt_set(opts, "backend", "socket");
    ok = compat_set_host_port(opts, addr, "host", "port");
    qemu_free(addr);
    if (ok && comma) {
        ok = qemu_opts_do_parse(opts, comma + 1, NULL) == 0;
    }
    if (ok && telnet) {
        ok = qemu_opt_set(opts, "telnet", "on") == 0;
    }
    return ok;
}

/* udp:[host]:port[@[localaddr]:localport] */
static bool compat_parse_udp(QemuOpts *opts, const char *p)
{
    const char *at = strchr(p, '@');
    char *remote = at ? qemu_strndup(p, at - p) : qemu_strdup(p);
    bool ok;

    qemu_opt_set(opts, "backend", "udp");
    ok = compat_set_host_port(opts, remote, "host", "port");
    qemu_free(remote);
    if (ok && at) {
        ok = compat_set_host_port(opts, at + 1, "localaddr", "localport");
    }
    return ok;
}

QemuOpts *qemu_chr_parse_compat(const char *label, const char *filename)
{
    static const char *const plain[] = {
        "null", "pty", "msmouse", "braille", "stdio",
    };
    static const struct {
        const char *prefix;
        const char *backend;
    } path_forms[] = {
        { "file:", "file" },
        { "pipe:", "pipe" },
    };
    const char *orig = filename;
    const char *p;
    QemuOpts *opts;
    unsigned i;
    int err;
    bool ok = false;

    /*
     * Say in our words why the label cannot be an id, rather than leave
     * it to the option parser and the caller's strerror(errno).
     */
    err = chr_check_id(label);
    if (err < 0) {
        errno = -err;
        return NULL;
    }
    if (qemu_opts_find(qemu_find_opts("chardev"), label)) {
        error_report("chardev \"%s\": id already in use", label);
        errno = EEXIST;
        return NULL;
    }
    opts = qemu_opts_create(qemu_find_opts("chardev"), label, 1);
    if (opts == NULL) {
        errno = EINVAL;
        return NULL;
    }

    if (strstart(filename, "mon:", &p)) {
        filename = p;
        qemu_opt_set(opts, "mux", "on");
    }

    for (i = 0; i < ARRAY_SIZE(plain); i++) {
        if (strcmp(filename, plain[i]) == 0) {
            qemu_opt_set(opts, "backend", filename);
            return opts;
        }
    }
    for (i = 0; i < ARRAY_SIZE(path_forms); i++) {
        if (strstart(filename, path_forms[i].prefix, &p)) {
            qemu_opt_set(opts, "backend", path_forms[i].backend);
            qemu_opt_set(opts, "path", p);
            return opts;
        }
    }

    if (strstart(filename, "vc", &p)) {
        ok = compat_parse_vc(opts, p);
    } else if (strcmp(filename, "con:") == 0) {
        ok = qemu_opt_set(opts, "backend", "console") == 0;
    } else if (strstart(filename, "COM", NULL)) {
        ok = qemu_opt_set(opts, "backend", "serial") == 0 &&
             qemu_opt_set(opts, "path", filename) == 0;
    } else if (strstart(filename, "tcp:", &p)) {
        ok = compat_parse_tcp(opts, p, false);
    } else if (strstart(filename, "telnet:", &p)) {
        ok = compat_parse_tcp(opts, p, true);
    } else if (strstart(filename, "udp:", &p)) {
        ok = compat_parse_udp(opts, p);
    } else if (strstart(filename, "unix:", &p)) {
        ok = qemu_opt_set(opts, "backend", "socket") == 0 &&
             qemu_opts_do_parse(opts, p, "path") == 0;
    } else if (strstart(filename, "/dev/parport", NULL) ||
               strstart(filename, "/dev/ppi", NULL)) {
        ok = qemu_opt_set(opts, "backend", "parport") == 0 &&
             qemu_opt_set(opts, "path", filename) == 0;
    } else if (strstart(filename, "/dev/", NULL)) {
        ok = qemu_opt_set(opts, "backend", "tty") == 0 &&
             qemu_opt_set(opts, "path", filename) == 0;
    }

    if (!ok) {
        error_report("chardev \"%s\": cannot parse \"%s\"", label, orig);
        qemu_opts_del(opts);
        errno = EINVAL;
        return NULL;
    }
    return opts;
}

/***********************************************************/
/* Hotplug: chardev-add and chardev-remove from the monitor */

/*
 * A QMP client gets an error class (v0.15.0's QMP has no free-text
 * error), and the one-line reason goes to stderr, where -chardev's
 * would.  A human monitor shows the line itself.
 */
static Monitor *chr_hotplug_qmp_begin(void)
{
    Monitor *qmp = monitor_cur_is_qmp() ? cur_mon : NULL;

    if (qmp) {
        cur_mon = NULL;
    }
    return qmp;
}

static void chr_hotplug_qmp_end(Monitor *qmp)
{
    if (qmp) {
        cur_mon = qmp;
    }
}

/* Opens @opts as -chardev would, or deletes them: 0 or -errno. */
static int chr_hotplug_open(QemuOpts *opts)
{
    const char *id = qemu_opts_id(opts);
    const char *backend = qemu_opt_get(opts, "backend");
    int ret = 0;

    /*
     * At startup a server may block until its first client; a running
     * guest and its monitor must not, so the user has to say wait=off.
     */
    if (id && backend && strcmp(backend, "socket") == 0 &&
        qemu_opt_get_bool(opts, "server", 0) &&
        qemu_opt_get_bool(opts, "wait", 1)) {
        error_report("chardev \"%s\": backend \"socket\": wait: a server "
                     "added at run time cannot wait for its first client "
                     "(add wait=off)", id);
        ret = -EINVAL;
    } else if (!qemu_chr_open_opts(opts, NULL)) {
        ret = errno ? -errno : -EINVAL;
    }
    if (ret < 0) {
        qemu_opts_del(opts);
    }
    return ret;
}

int do_chardev_add(Monitor *mon, const QDict *qdict, QObject **ret_data)
{
    const char *id = qdict_get_try_str(qdict, "id");
    const QDictEntry *ent;
    QemuOpts *opts;
    Monitor *qmp;
    int ret;

    opts = qemu_opts_from_qdict(qemu_find_opts("chardev"), qdict);
    if (!opts) {
        return -1;
    }
    /*
     * The option parser reports a bad name or value but leaves the
     * option out and goes on: such a chardev is not opened.
     */
    for (ent = qdict_first(qdict); ent; ent = qdict_next(qdict, ent)) {
        const char *key = qdict_entry_key(ent);

        if (strcmp(key, "id") != 0 && !qemu_opt_get(opts, key)) {
            qerror_report(QERR_INVALID_PARAMETER, key);
            qemu_opts_del(opts);
            return -1;
        }
    }

    qmp = chr_hotplug_qmp_begin();
    ret = chr_hotplug_open(opts);
    chr_hotplug_qmp_end(qmp);
    if (ret == 0) {
        return 0;
    }
    if (!qmp) {
        return -1;
    }
    if (!id) {
        qerror_report(QERR_MISSING_PARAMETER, "id");
    } else if (!qdict_haskey(qdict, "backend")) {
        qerror_report(QERR_MISSING_PARAMETER, "backend");
    } else if (ret == -EEXIST) {
        qerror_report(QERR_DUPLICATE_ID, id, "chardev");
    } else {
        qerror_report(QERR_DEVICE_INIT_FAILED, id);
    }
    return -1;
}

/* The human monitor takes the -chardev argument as one string. */
void do_chardev_add_hmp(Monitor *mon, const QDict *qdict)
{
    QemuOpts *opts;

    opts = qemu_opts_parse(qemu_find_opts("chardev"),
                           qdict_get_str(qdict, "args"), 1);
    if (opts) {
        chr_hotplug_open(opts);
    }
}

/* A frontend holds @chr: it claimed the chardev or set handlers. */
static bool chr_hotplug_in_use(CharDriverState *chr)
{
    if (chr->avail_connections < chr->max_connections) {
        return true;
    }
    /* a mux always has its own handlers set; its frontends count above */
    return !chr_is_mux(chr) &&
           (chr->chr_can_read || chr->chr_read || chr->chr_event ||
            chr->handler_opaque);
}

int do_chardev_remove(Monitor *mon, const QDict *qdict, QObject **ret_data)
{
    const char *id = qdict_get_str(qdict, "id");
    CharDriverState *chr = qemu_chr_find(id);
    QemuOpts *opts;
    Monitor *qmp;

    if (chr && !chr->legacy && !chr_hotplug_in_use(chr)) {
        opts = qemu_opts_find(qemu_find_opts("chardev"), id);
        if (opts) {
            qemu_opts_del(opts);
        }
        qemu_chr_close(chr);
        return 0;
    }

    qmp = chr_hotplug_qmp_begin();
    if (!chr) {
        error_report("chardev \"%s\": not found", id);
    } else if (chr->legacy) {
        error_report("chardev \"%s\": cannot be removed: made by a legacy "
                     "option (-serial, -parallel, -monitor, ...), not by "
                     "-chardev or chardev-add", id);
    } else {
        error_report("chardev \"%s\": cannot be removed: in use by a "
                     "frontend (remove that device first)", id);
    }
    chr_hotplug_qmp_end(qmp);
    if (!qmp) {
        return -1;
    }
    if (!chr) {
        qerror_report(QERR_DEVICE_NOT_FOUND, id);
    } else if (chr->legacy) {
        qerror_report(QERR_DEVICE_NOT_REMOVABLE, id);
    } else {
        qerror_report(QERR_DEVICE_IN_USE, id);
    }
    return -1;
}

/***********************************************************/
/* "info chardev" */

static void qemu_chr_qlist_iter(QObject *obj, void *opaque)
{
    QDict *chr_dict = qobject_to_qdict(obj);
    Monitor *mon = opaque;
    const char *label = qdict_get_str(chr_dict, "label");

    /* one line per chardev: libvirt parses "label: filename=pty:..." */
    monitor_printf(mon, "%s: filename=%s\n", label,
                   qdict_get_str(chr_dict, "filename"));
    if (qdict_haskey(chr_dict, "dropped") &&
        qdict_get_int(chr_dict, "dropped") > 0) {
        monitor_printf(mon, "    %s: %" PRId64
                       " bytes dropped (output queue full or no peer)\n",
                       label, qdict_get_int(chr_dict, "dropped"));
    }
    if (qdict_haskey(chr_dict, "log-dropped") &&
        qdict_get_int(chr_dict, "log-dropped") > 0) {
        monitor_printf(mon, "    %s: %" PRId64 " bytes not logged to %s "
                       "(log queue full or write error)\n", label,
                       qdict_get_int(chr_dict, "log-dropped"),
                       qdict_get_str(chr_dict, "logfile"));
    }
}

void qemu_chr_info_print(Monitor *mon, const QObject *ret_data)
{
    qlist_iter(qobject_to_qlist(ret_data), qemu_chr_qlist_iter, mon);
}

void qemu_chr_info(Monitor *mon, QObject **ret_data)
{
    QList *chr_list = qlist_new();
    CharDriverState *chr;

    QTAILQ_FOREACH(chr, &chardevs, next) {
        QDict *d = qdict_new();

        qdict_put(d, "label", qstring_from_str(chr->label));
        qdict_put(d, "filename", qstring_from_str(chr->filename));
        qdict_put(d, "frontend-open",
                  qbool_from_int(qemu_chr_fe_is_open(chr)));
        qdict_put(d, "dropped",
                  qint_from_int((int64_t)qemu_chr_dropped_bytes(chr)));
        if (chr->log) {
            qdict_put(d, "logfile", qstring_from_str(chr->log->path));
            qdict_put(d, "log-dropped",
                      qint_from_int((int64_t)qemu_chr_log_dropped(chr)));
        }
        qlist_append_obj(chr_list, QOBJECT(d));
    }

    *ret_data = QOBJECT(chr_list);
}

/***********************************************************/
/* send_all: blocking write for callers outside the chardev layer */

#ifdef _WIN32
/* On Windows the callers' fds are winsock sockets: send(), not write(). */
int send_all(int fd, const void *buf, int len1)
{
    const char *p = buf;
    int len = len1;

    while (len > 0) {
        int ret = send(fd, p, len, 0);

        if (ret > 0) {
            p += ret;
            len -= ret;
        } else if (ret == 0) {
            break;
        } else if (WSAGetLastError() == WSAEWOULDBLOCK) {
            /* this contract blocks; at least do not spin while waiting */
            fd_set wfds;

            FD_ZERO(&wfds);
            FD_SET(fd, &wfds);
            select(fd + 1, NULL, &wfds, NULL, NULL);
        } else {
            errno = EIO;
            return -1;
        }
    }
    return len1 - len;
}
#else
int send_all(int fd, const void *buf, int len1)
{
    const uint8_t *p = buf;
    int len = len1;

    while (len > 0) {
        ssize_t ret = write(fd, p, len);

        if (ret > 0) {
            p += ret;
            len -= ret;
        } else if (ret == 0) {
            break;
        } else if (errno == EAGAIN) {
            /* this contract blocks; at least do not spin while waiting */
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };
            poll(&pfd, 1, -1);
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return len1 - len;
}
#endif /* !_WIN32 */

/***********************************************************/
/* mux: several frontends share one backend, Ctrl-a switches focus */

/* Input held per frontend while it cannot take it. */
#define MUX_BUFFER_SIZE 256

/* One frontend of a mux: its handlers, what it has seen, its input. */
typedef struct MuxFrontend {
    bool in_use;
    bool opened;                /* has had OPENED and no CLOSED since */
    bool explicit_open;         /* reports guest open/close (qemu-char.h) */
    bool guest_open;            /* what it reported last */
    unsigned int attach_seq;    /* attach order, for the v0.15.0 release */
    IOCanReadHandler *can_read;
    IOReadHandler *read;
    IOEventHandler *event;
    void *opaque;
    /* escapes act at once; data waits here for its frontend */
    ByteFifo in;
} MuxFrontend;

typedef struct MuxDriver {
    CharDriverState *drv;       /* the shared backend */
    MuxFrontend fe[MAX_MUX];
    int focus;                  /* -1 while no frontend is attached */
    unsigned int attach_seq;
    bool term_got_escape;
    /* bytes that arrived behind a focus switch, not yet placed */
    ByteFifo carry;
    bool timestamps;
    bool linestart;
    int64_t timestamps_start;
} MuxDriver;

static void mux_write_stamp(MuxDriver *d)
{
    char stamp[64];
    int64_t ti = qemu_get_clock_ms(rt_clock);
    int secs;

    if (d->timestamps_start == -1) {
        d->timestamps_start = ti;
    }
    ti -= d->timestamps_start;
    secs = ti / 1000;
    snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
             secs / 3600, (secs / 60) % 60, secs % 60, (int)(ti % 1000));
    qemu_chr_write(d->drv, (uint8_t *)stamp, strlen(stamp));
}

static int mux_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    MuxDriver *d = chr->opaque;
    int i = 0;

    /*
     * Everything is handed to the backend, whose bounded queue keeps or
     * counts it.  Returning less would park the rest in the mux's own
     * queue, which nothing ever flushes.
     */
    if (!d->timestamps) {
        qemu_chr_write(d->drv, buf, len);
        return len;
    }
    while (i < len) {
        const uint8_t *nl = memchr(buf + i, '\n', len - i);
        int n = nl ? nl - (buf + i) + 1 : len - i;

        if (d->linestart) {
            mux_write_stamp(d);
            d->linestart = false;
        }
        qemu_chr_write(d->drv, buf + i, n);
        i += n;
        if (nl) {
            d->linestart = true;
        }
    }
    return len;
}

static void mux_print_help(CharDriverState *chr)
{
    static const char *const cmds[] = {
        "h    print this help",
        "x    exit emulator",
        "s    save disk data back to file (if -snapshot)",
        "t    toggle console timestamps",
        "b    send break (magic sysrq)",
        "c    switch between console and monitor",
    };
    char esc[32];
    unsigned i;

    if (term_escape_char > 0 && term_escape_char < 26) {
        snprintf(esc, sizeof(esc), "C-%c", term_escape_char - 1 + 'a');
        qemu_chr_printf(chr, "\n\r");
    } else {
        snprintf(esc, sizeof(esc), "Escape-Char");
        qemu_chr_printf(chr, "\n\rEscape-Char set to Ascii: 0x%02x\n\r\n\r",
                        term_escape_char);
    }
    for (i = 0; i < ARRAY_SIZE(cmds); i++) {
        qemu_chr_printf(chr, "%s %s\n\r", esc, cmds[i]);
    }
    qemu_chr_printf(chr, "%s %s  sends %s\n\r", esc, esc, esc);
}

static void mux_chr_send_event(MuxDriver *d, int mux_nr, int event)
{
    MuxFrontend *fe = mux_nr >= 0 ? &d->fe[mux_nr] : NULL;

    if (fe && fe->in_use && fe->event) {
        fe->event(fe->opaque, event);
    }
}

static void mux_set_focus(MuxDriver *d, int focus)
{
    mux_chr_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    d->focus = focus;
    mux_chr_send_event(d, d->focus, CHR_EVENT_MUX_IN);
}

/*
 * A frontend may close the mux, or leave it, from a callback the mux runs
 * (can_read, read, event).  While the mux loops over its frontends and
 * buffers it holds itself busy as the core does for fd callbacks: such a
 * close only detaches the frontends and finishes when the outermost mux
 * callback returns (chr_io_leave()), and the loops stop at once.
 */
static void mux_enter(CharDriverState *chr)
{
    chr_io_enter(chr->io);
}

/* chr and its MuxDriver may be gone afterwards. */
static void mux_leave(CharDriverState *chr)
{
    chr_io_leave(chr->io);
}

static bool mux_closing(CharDriverState *chr)
{
    return chr_io_closing(chr);
}

/* The attached frontend after slot @m in C-a c order (@m itself last). */
static int mux_next_frontend(MuxDriver *d, int m)
{
    int i;

    for (i = 1; i <= MAX_MUX; i++) {
        int n = (m + i) % MAX_MUX;

        if (d->fe[n].in_use) {
            return n;
        }
    }
    return -1;
}

/* Returns true if @ch is data for the focused frontend. */
static bool mux_proc_byte(CharDriverState *chr, MuxDriver *d, int ch)
{
    if (!d->term_got_escape) {
        if (ch == term_escape_char) {
            d->term_got_escape = true;
            return false;
        }
        return true;
    }
    d->term_got_escape = false;
    if (ch == term_escape_char) {
        return true;
    }
    switch (ch) {
    case '?':
    case 'h':
        mux_print_help(chr);
        break;
    case 'x':
        qemu_chr_printf(chr, "QEMU: Terminated\n\r");
        exit(0);
    case 's':
        bdrv_commit_all();
        break;
    case 'b':
        mux_chr_send_event(d, d->focus, CHR_EVENT_BREAK);
        break;
    case 'c':
        if (d->focus >= 0) {
            mux_set_focus(d, mux_next_frontend(d, d->focus));
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->timestamps_start = -1;
        d->linestart = false;
        break;
    }
    return false;
}

/*
 * Hand buffered input to its frontends, as much as each takes.  Not only
 * the focused one: bytes typed before a switch in the same chunk belong
 * to the frontend that had the focus then.  A frontend may attach or
 * leave from its read handler, so each step looks at the slot afresh.
 */
static void mux_drain(CharDriverState *chr, MuxDriver *d)
{
    int m;

    /* a frontend that attached to the open mux hears OPENED first */
    chr_flush_open_event(chr);
    for (m = 0; m < MAX_MUX && !mux_closing(chr); m++) {
        MuxFrontend *fe = &d->fe[m];

        while (fe->in_use && byte_fifo_len(&fe->in) > 0 && fe->can_read) {
            uint8_t chunk[MUX_BUFFER_SIZE];
            int room = fe->can_read(fe->opaque);
            int n;

            /* can_read may have closed the mux or released the slot */
            if (room <= 0 || mux_closing(chr) || !fe->in_use) {
                break;
            }
            /* a copy: the handler may release the slot and its FIFO */
            n = byte_fifo_pop(&fe->in, chunk, MIN(room, (int)sizeof(chunk)));
            fe->read(fe->opaque, chunk, n);
            if (mux_closing(chr)) {
                return;
            }
        }
    }
}

/* Place input bytes; returns how many were consumed. */
static int mux_input(CharDriverState *chr, MuxDriver *d, const uint8_t *buf,
                     int size)
{
    int i;

    for (i = 0; i < size; i++) {
        MuxFrontend *fe = d->focus >= 0 ? &d->fe[d->focus] : NULL;

        /* an escape's event handler closed the mux: nobody reads on */
        if (mux_closing(chr)) {
            return size;
        }

        /*
         * Stop before the byte, not after mux_proc_byte() has seen it: a
         * second escape char would otherwise be taken as a new escape
         * when it is processed again.
         */
        if (fe && byte_fifo_room(&fe->in) == 0) {
            return i;
        }
        if (!mux_proc_byte(chr, d, buf[i]) || d->focus < 0) {
            continue;
        }
        fe = &d->fe[d->focus];
        byte_fifo_push(&fe->in, &buf[i], 1);
    }
    return size;
}

static void mux_process_carry(CharDriverState *chr, MuxDriver *d)
{
    while (byte_fifo_len(&d->carry) > 0 && !mux_closing(chr)) {
        size_t len;
        const uint8_t *p = byte_fifo_peek(&d->carry, &len);
        int n = mux_input(chr, d, p, len);

        if (n == 0) {
            break;
        }
        byte_fifo_consume(&d->carry, n);
        mux_drain(chr, d);
    }
}

static void mux_chr_accept_input(CharDriverState *chr)
{
    MuxDriver *d = chr->opaque;

    mux_enter(chr);
    mux_drain(chr, d);
    mux_process_carry(chr, d);
    if (!mux_closing(chr)) {
        qemu_chr_accept_input(d->drv);
    }
    mux_leave(chr);
}

/* The mux as the base's frontend: input, and the base's events. */

static int mux_chr_can_read(void *opaque)
{
    CharDriverState *chr = opaque;
    MuxDriver *d = chr->opaque;
    MuxFrontend *fe;

    if (d->focus < 0 || byte_fifo_len(&d->carry) > 0) {
        return 0;
    }
    fe = &d->fe[d->focus];
    return byte_fifo_room(&fe->in);
}

static void mux_chr_read(void *opaque, const uint8_t *buf, int size)
{
    CharDriverState *chr = opaque;
    MuxDriver *d = chr->opaque;
    int n;

    mux_enter(chr);
    mux_drain(chr, d);
    n = mux_input(chr, d, buf, size);
    if (n < size) {
        /* only after a focus switch: can_read bounded the chunk */
        byte_fifo_push(&d->carry, buf + n, size - n);
    }
    mux_drain(chr, d);
    mux_leave(chr);
}

/* The base's open state becomes the mux's (see mux_fe_event()). */
static void mux_chr_event(void *opaque, int event)
{
    qemu_chr_be_event(opaque, event);
}

/*
 * The mux's own handlers (chr_can_read, chr_read, chr_event): what the
 * core or a backend raises on the mux itself.  OPENED and CLOSED reach
 * each frontend once per change of the base, so one that attaches to an
 * open mux gets its own OPENED (scheduled by qemu_chr_add_handlers());
 * anything else goes to the focused frontend.
 */
static void mux_fe_event(void *opaque, int event)
{
    CharDriverState *chr = opaque;
    MuxDriver *d = chr->opaque;
    bool open = event == CHR_EVENT_OPENED;
    int m;

    if (event != CHR_EVENT_OPENED && event != CHR_EVENT_CLOSED) {
        mux_chr_send_event(d, d->focus, event);
        return;
    }
    mux_enter(chr);
    for (m = 0; m < MAX_MUX; m++) {
        MuxFrontend *fe = &d->fe[m];

        /* after a close, CLOSED still pairs each OPENED; nothing opens */
        if (open && mux_closing(chr)) {
            break;
        }
        if (fe->in_use && fe->opened != open) {
            fe->opened = open;
            mux_chr_send_event(d, m, event);
        }
    }
    mux_leave(chr);
}

static int mux_fe_can_read(void *opaque)
{
    CharDriverState *chr = opaque;
    MuxDriver *d = chr->opaque;
    MuxFrontend *fe = d->focus >= 0 ? &d->fe[d->focus] : NULL;

    /* nothing may overtake input still held for it */
    if (!fe || !fe->can_read || byte_fifo_len(&fe->in) > 0) {
        return 0;
    }
    return fe->can_read(fe->opaque);
}

static void mux_fe_read(void *opaque, const uint8_t *buf, int size)
{
    CharDriverState *chr = opaque;
    MuxDriver *d = chr->opaque;
    MuxFrontend *fe = d->focus >= 0 ? &d->fe[d->focus] : NULL;

    if (fe && fe->read) {
        fe->read(fe->opaque, buf, size);
    }
}

static void mux_set_own_handlers(CharDriverState *chr)
{
    chr->chr_can_read = mux_fe_can_read;
    chr->chr_read = mux_fe_read;
    chr->chr_event = mux_fe_event;
    chr->handler_opaque = chr;
}

/*
 * Frontends attached to a mux count against avail_connections whether or
 * not they claimed one (the qdev chardev property does; the monitor and
 * board code do not), so that a claim fails once every slot is taken.
 */
static void mux_update_avail(CharDriverState *chr, MuxDriver *d)
{
    int m, used = 0;

    for (m = 0; m < MAX_MUX; m++) {
        used += d->fe[m].in_use;
    }
    chr->avail_connections = MIN(chr->avail_connections, MAX_MUX - used);
}

/* Slot @m is free again; the frontend hears nothing more. */
static void mux_release(CharDriverState *chr, MuxDriver *d, int m)
{
    byte_fifo_destroy(&d->fe[m].in);
    memset(&d->fe[m], 0, sizeof(d->fe[m]));
    byte_fifo_init(&d->fe[m].in, MUX_BUFFER_SIZE);
    if (d->focus == m) {
        d->focus = -1;
        mux_set_focus(d, mux_next_frontend(d, m));
    }
    mux_update_avail(chr, d);
}

/* qemu_chr_remove_handlers() on a mux: false if @opaque had no slot. */
static bool mux_chr_remove(CharDriverState *chr, void *opaque)
{
    MuxDriver *d = chr->opaque;
    int m;

    for (m = 0; m < MAX_MUX; m++) {
        if (d->fe[m].in_use && d->fe[m].opaque == opaque) {
            mux_release(chr, d, m);
            return true;
        }
    }
    return false;
}

/*
 * qemu_chr_add_handlers() on the mux: attach a frontend, update one that
 * sets its handlers again, or (all NULL) the v0.15.0 release, which names
 * nobody and takes the frontend that attached last (see qemu-char.h).
 */
static void mux_chr_update_read_handler(CharDriverState *chr)
{
    MuxDriver *d = chr->opaque;
    IOCanReadHandler *can_read = chr->chr_can_read;
    IOReadHandler *read = chr->chr_read;
    IOEventHandler *event = chr->chr_event;
    void *opaque = chr->handler_opaque;
    MuxFrontend *fe;
    int m, free_slot = -1, last = -1;

    mux_set_own_handlers(chr);
    for (m = 0; m < MAX_MUX; m++) {
        fe = &d->fe[m];
        if (!fe->in_use) {
            free_slot = free_slot < 0 ? m : free_slot;
        } else if (last < 0 || fe->attach_seq > d->fe[last].attach_seq) {
            last = m;
        }
    }
    if (!can_read && !read && !event && !opaque) {
        if (last >= 0) {
            mux_release(chr, d, last);
        }
        mux_update_avail(chr, d);
        return;
    }
    /* a frontend that sets its handlers again keeps its slot */
    for (m = 0; m < MAX_MUX; m++) {
        fe = &d->fe[m];
        if (fe->in_use && fe->opaque == opaque) {
            fe->can_read = can_read;
            fe->read = read;
            fe->event = event;
            return;
        }
    }
    if (free_slot < 0) {
        error_report("chardev \"%s\": mux already has %d frontends: "
                     "frontend not connected",
                     chr_label(chr), MAX_MUX);
        return;
    }
    fe = &d->fe[free_slot];
    fe->in_use = true;
    fe->attach_seq = ++d->attach_seq;
    fe->can_read = can_read;
    fe->read = read;
    fe->event = event;
    fe->opaque = opaque;
    mux_update_avail(chr, d);
    /* the newest frontend takes the focus, as in v0.15.0 */
    mux_set_focus(d, free_slot);
}

static bool chr_is_mux(const CharDriverState *chr)
{
    return chr->chr_update_read_handler == mux_chr_update_read_handler;
}

/*
 * Guest open/close of one frontend (@opaque if @named, else the one that
 * attached last, as for the v0.15.0 release): kept in its slot, never
 * passed to the shared backend.
 */
static void mux_guest_set(CharDriverState *chr, bool named, void *opaque,
                          bool open)
{
    MuxDriver *d = chr->opaque;
    int m, slot = -1;

    for (m = 0; m < MAX_MUX; m++) {
        MuxFrontend *fe = &d->fe[m];

        if (!fe->in_use) {
            continue;
        }
        if (named ? fe->opaque == opaque :
            slot < 0 || fe->attach_seq > d->fe[slot].attach_seq) {
            slot = m;
        }
    }
    if (slot >= 0) {
        d->fe[slot].explicit_open = true;
        d->fe[slot].guest_open = open;
    }
}

/* The focused frontend's state: the one a client of the backend reaches. */
static bool mux_fe_is_open(const CharDriverState *chr)
{
    const MuxDriver *d = chr->opaque;
    const MuxFrontend *fe;

    if (d->focus < 0) {
        return false;
    }
    fe = &d->fe[d->focus];
    return fe->explicit_open ? fe->guest_open : true;
}

static void mux_chr_set_echo(CharDriverState *chr, bool echo)
{
    MuxDriver *d = chr->opaque;

    qemu_chr_set_echo(d->drv, echo);
}

/*
 * The base was opened by the same -chardev and serves nobody else, so it
 * goes with the mux; left open, its fds and watches would leak.
 */
static void mux_chr_close(CharDriverState *chr)
{
    MuxDriver *d = chr->opaque;
    int m;

    qemu_chr_add_handlers(d->drv, NULL, NULL, NULL, NULL);
    qemu_chr_close(d->drv);
    for (m = 0; m < MAX_MUX; m++) {
        byte_fifo_destroy(&d->fe[m].in);
    }
    byte_fifo_destroy(&d->carry);
    qemu_free(d);
}

/* guest open/close is kept per frontend (mux_guest_set()), not forwarded */
static const CharDriverOps mux_ops = {
    .chr_write = mux_chr_write,
    .chr_update_read_handler = mux_chr_update_read_handler,
    .chr_accept_input = mux_chr_accept_input,
    .chr_set_echo = mux_chr_set_echo,
    .chr_close = mux_chr_close,
};

/*
 * The mux is the base's frontend from the start and open exactly while
 * the base is: OPENED reaches the frontends when the base opens (a pipe
 * at once, a socket server when a client connects), not before.
 */
static CharDriverState *qemu_chr_open_mux(CharDriverState *drv)
{
    MuxDriver *d = qemu_mallocz(sizeof(*d));
    CharDriverState *chr = qemu_chr_alloc(&mux_ops, d);
    int m;

    for (m = 0; m < MAX_MUX; m++) {
        byte_fifo_init(&d->fe[m].in, MUX_BUFFER_SIZE);
    }
    byte_fifo_init(&d->carry, MUX_BUFFER_SIZE);
    d->drv = drv;
    d->focus = -1;
    d->timestamps_start = -1;
    mux_set_own_handlers(chr);
    qemu_chr_add_handlers(drv, mux_chr_can_read, mux_chr_read,
                          mux_chr_event, chr);
    return chr;
}

/***********************************************************/
/* memory chardev: output collected for monitor command passthrough */

/* Bound on collected output; monitor replies are far smaller. */
#define MEM_CHR_LIMIT (4 * 1024 * 1024)

/* Nothing is ever taken out: the FIFO's bytes stay contiguous. */
typedef struct MemoryDriver {
    ByteFifo out;
} MemoryDriver;

/* Past MEM_CHR_LIMIT the rest is refused: qemu_chr_write() counts it. */
static int mem_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    MemoryDriver *d = chr->opaque;

    return byte_fifo_push(&d->out, buf, len);
}

/* Frees the state only: the caller owns the CharDriverState. */
static void mem_chr_close(CharDriverState *chr)
{
    MemoryDriver *d = chr->opaque;

    byte_fifo_destroy(&d->out);
    qemu_free(d);
    chr->opaque = NULL;
}

static const CharDriverOps mem_ops = {
    .chr_write = mem_chr_write,
    .chr_close = mem_chr_close,
};

/*
 * The caller owns @chr (the monitor embeds it), so qemu_chr_alloc()
 * cannot be used; the table's operations are set the same way.  The
 * chardev has no CharBackendIO: nothing is queued, and it is never
 * registered, so qemu_chr_close() does not apply (qemu_chr_close_mem()).
 */
void qemu_chr_init_mem(CharDriverState *chr)
{
    MemoryDriver *d = qemu_mallocz(sizeof(*d));

    byte_fifo_init(&d->out, MEM_CHR_LIMIT);
    memset(chr, 0, sizeof(*chr));
    chr->chr_write = mem_ops.chr_write;
    chr->chr_close = mem_ops.chr_close;
    chr->opaque = d;
}

void qemu_chr_close_mem(CharDriverState *chr)
{
    if (chr->bh) {
        qemu_bh_delete(chr->bh);
        chr->bh = NULL;
    }
    mem_chr_close(chr);
    chr->chr_write = NULL;
    chr->chr_close = NULL;
}

QString *qemu_chr_mem_to_qs(CharDriverState *chr)
{
    MemoryDriver *d = chr->opaque;
    size_t len;
    const uint8_t *out = byte_fifo_peek(&d->out, &len);

    if (len == 0) {
        return qstring_new();
    }
    /* qstring_from_substr() takes an inclusive end */
    return qstring_from_substr((const char *)out, 0, len - 1);
}

size_t qemu_chr_mem_osize(const CharDriverState *chr)
{
    const MemoryDriver *d = chr->opaque;

    return byte_fifo_len(&d->out);
}

/***********************************************************/
/* null backend */

static int null_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    return len;
}

static const CharDriverOps null_ops = {
    .chr_write = null_chr_write,
};

static int qemu_chr_open_null(QemuOpts *opts, CharDriverState **_chr)
{
    *_chr = qemu_chr_alloc(&null_ops, NULL);
    return 0;
}

/***********************************************************/
/* fd backend: file, pipe, eventfd (and the terminals below) */

#ifndef _WIN32

typedef struct FDCharDriver {
    int fd_in;
    int fd_out;
} FDCharDriver;

/* Write without blocking: bytes taken, 0 if the fd is full, -1 on error. */
static int fd_write_nb(int fd, const uint8_t *buf, int len)
{
    for (;;) {
        ssize_t ret = write(fd, buf, len);

        if (ret >= 0) {
            return ret;
        }
        if (errno == EAGAIN) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

static int fd_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    FDCharDriver *s = chr->opaque;

    if (s->fd_out < 0) {
        return len;
    }
    return fd_write_nb(s->fd_out, buf, len);
}

static void fd_chr_close(CharDriverState *chr)
{
    FDCharDriver *s = chr->opaque;

    if (s->fd_in >= 0) {
        close(s->fd_in);
    }
    if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
        close(s->fd_out);
    }
    qemu_free(s);
}

static const CharDriverOps fd_ops = {
    .chr_write = fd_chr_write,
    .chr_close = fd_chr_close,
};

/*
 * A chardev over fds with @s as its state: an FDCharDriver, or a larger
 * backend state that starts with one (fd_chr_close() frees it whole).
 * OPENED is reported once handlers attach.
 */
static CharDriverState *qemu_chr_open_fd_state(const CharDriverOps *ops,
                                               FDCharDriver *s,
                                               int fd_in, int fd_out)
{
    CharDriverState *chr = qemu_chr_alloc(ops, s);

    s->fd_in = fd_in;
    s->fd_out = fd_out;
    if (fd_in >= 0) {
        socket_set_nonblock(fd_in);
    }
    if (fd_out >= 0) {
        socket_set_nonblock(fd_out);
    }
    chr_io_set_fds(chr, fd_in, fd_out);
    qemu_chr_generic_open(chr);
    return chr;
}

/* A chardev over fds it owns. */
static CharDriverState *qemu_chr_open_fd_ops(const CharDriverOps *ops,
                                             int fd_in, int fd_out)
{
    return qemu_chr_open_fd_state(ops, qemu_mallocz(sizeof(FDCharDriver)),
                                  fd_in, fd_out);
}

static int qemu_chr_open_file_out(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "file needs path=<file>");
    int fd;

    if (!path) {
        return -EINVAL;
    }
    TFR(fd = chr_fd_watchable(qemu_open(path, O_WRONLY | O_CREAT | O_TRUNC |
                                        O_BINARY, 0666)));
    if (fd < 0) {
        return chr_path_failed("create", path, errno);
    }
    *_chr = qemu_chr_open_fd_ops(&fd_ops, -1, fd);
    return 0;
}

/*
 * pipe: <path>.in and <path>.out if both exist, else <path> both ways.
 * O_RDWR so that opening a fifo does not wait for the other side.
 */
static int qemu_chr_open_pipe(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "pipe needs path=<fifo>");
    char *name_in, *name_out;
    int fd_in, fd_out, err;

    if (!path) {
        return -EINVAL;
    }
    name_in = chr_strdup_printf("%s.in", path);
    name_out = chr_strdup_printf("%s.out", path);
    TFR(fd_in = chr_fd_watchable(qemu_open(name_in, O_RDWR | O_BINARY)));
    err = fd_in < 0 ? errno : 0;
    TFR(fd_out = chr_fd_watchable(qemu_open(name_out, O_RDWR | O_BINARY)));
    if (fd_out < 0 && err != EMFILE) {
        err = errno;
    }
    qemu_free(name_in);
    qemu_free(name_out);
    if (fd_in >= 0 && fd_out >= 0) {
        *_chr = qemu_chr_open_fd_ops(&fd_ops, fd_in, fd_out);
        return 0;
    }
    if (fd_in >= 0) {
        close(fd_in);
    }
    if (fd_out >= 0) {
        close(fd_out);
    }
    if (err == EMFILE) {
        /* the pair exists but cannot be used: the bare path is another file */
        qemu_chr_open_error("path", "cannot open \"%s.in\" and \"%s.out\": "
                            "%s", path, path, strerror(err));
        return -err;
    }
    TFR(fd_in = chr_fd_watchable(qemu_open(path, O_RDWR | O_BINARY)));
    if (fd_in < 0) {
        err = errno;
        qemu_chr_open_error("path", "cannot open \"%s\" (nor \"%s.in\" and "
                            "\"%s.out\"): %s", path, path, path,
                            strerror(err));
        return -err;
    }
    *_chr = qemu_chr_open_fd_ops(&fd_ops, fd_in, fd_in);
    return 0;
}

/*
 * ivshmem peers choose the fd numbers (SCM_RIGHTS): one the main loop
 * cannot watch is refused; the fd stays the caller's.
 */
CharDriverState *qemu_chr_open_eventfd(int eventfd)
{
    if (eventfd >= FD_SETSIZE) {
        error_report("chardev backend \"eventfd\": fd %d is not below "
                     "FD_SETSIZE (%d), so the main loop could not watch it",
                     eventfd, FD_SETSIZE);
        return NULL;
    }
    return qemu_chr_open_fd_ops(&fd_ops, eventfd, eventfd);
}
#endif /* !_WIN32 */

/***********************************************************/
/* Terminal helper: raw mode for stdio, line settings for tty */

#ifndef _WIN32

/* term_make_raw() flags */
#define TERM_ECHO       1   /* echo input */
#define TERM_SIGNALS    2   /* keep ISIG: Ctrl-C stops QEMU as in a shell */
#define TERM_RAW_OUTPUT 4   /* no output post-processing either */

/*
 * Raw input on a terminal, starting from the settings found: no line
 * editing, no CR/NL translation, 8 data bits, one byte per read.  Output
 * post-processing stays on so "\n" still returns the carriage for a person
 * reading; a program at the other end (pty) wants TERM_RAW_OUTPUT.
 */
static void term_make_raw(struct termios *tty, int flags)
{
    tty->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                      ICRNL | IXON);
    if (flags & TERM_RAW_OUTPUT) {
        tty->c_oflag &= ~OPOST;
    } else {
        tty->c_oflag |= OPOST;
    }
    tty->c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (flags & TERM_ECHO) {
        tty->c_lflag |= ECHO;
    }
    if (!(flags & TERM_SIGNALS)) {
        tty->c_lflag &= ~ISIG;
    }
    tty->c_cflag &= ~(CSIZE | PARENB);
    tty->c_cflag |= CS8;
    tty->c_cc[VMIN] = 1;
    tty->c_cc[VTIME] = 0;
}
#endif /* !_WIN32 */

/***********************************************************/
/* stdio backend: the terminal QEMU was started in */

#ifndef _WIN32

typedef struct StdioCharDriver {
    FDCharDriver fd;            /* first: fd_chr_close() frees the whole */
    bool is_tty;                /* stdin is a terminal: termios applies */
    bool allow_signal;          /* signal=on: keep ISIG */
    bool echo;                  /* set by qemu_chr_set_echo() */
    struct termios saved_tty;   /* as found; restored on close and exit */
    int saved_fl_in;            /* fd flags as found (O_NONBLOCK is */
    int saved_fl_out;           /* shared with whoever else uses them) */
} StdioCharDriver;

/*
 * The terminal has one state to restore, so there is at most one stdio
 * chardev; the exit handler finds it here.
 */
static CharDriverState *stdio_chr;

static void stdio_apply_tty(StdioCharDriver *s)
{
    struct termios tty = s->saved_tty;

    if (!s->is_tty) {
        return;
    }
    term_make_raw(&tty, (s->echo ? TERM_ECHO : 0) |
                        (s->allow_signal ? TERM_SIGNALS : 0));
    tcsetattr(0, TCSANOW, &tty);
}

static void stdio_restore(StdioCharDriver *s)
{
    if (s->is_tty) {
        tcsetattr(0, TCSANOW, &s->saved_tty);
    }
    fcntl(0, F_SETFL, s->saved_fl_in);
    fcntl(1, F_SETFL, s->saved_fl_out);
}

/* Leave the terminal usable even if QEMU exits without closing chardevs. */
static void stdio_atexit(void)
{
    if (stdio_chr) {
        stdio_restore(stdio_chr->opaque);
    }
}

static void stdio_chr_set_echo(CharDriverState *chr, bool echo)
{
    StdioCharDriver *s = chr->opaque;

    s->echo = echo;
    stdio_apply_tty(s);
}

static void stdio_chr_close(CharDriverState *chr)
{
    StdioCharDriver *s = chr->opaque;

    stdio_restore(s);
    stdio_chr = NULL;
    /* fds 0 and 1 belong to the process, not to the chardev */
    s->fd.fd_in = s->fd.fd_out = -1;
    fd_chr_close(chr);
}

static const CharDriverOps stdio_ops = {
    .chr_write = fd_chr_write,
    .chr_set_echo = stdio_chr_set_echo,
    .chr_close = stdio_chr_close,
};

static int qemu_chr_open_stdio(QemuOpts *opts, CharDriverState **_chr)
{
    static bool atexit_done;
    bool allow_signal = qemu_opt_get_bool(opts, "signal",
                                          display_type != DT_NOGRAPHIC);
    StdioCharDriver *s;
    int fl_in, fl_out, err;

    if (stdio_chr) {
        qemu_chr_open_error(NULL, "stdio is already used by chardev \"%s\" "
                            "(only one is possible)",
                            chr_label(stdio_chr));
        return -EBUSY;
    }
    fl_in = fcntl(0, F_GETFL);
    fl_out = fcntl(1, F_GETFL);
    if (fl_in < 0 || fl_out < 0) {
        err = errno;
        qemu_chr_open_error(NULL, "stdin or stdout is not open: %s",
                            strerror(err));
        return -err;
    }

    s = qemu_mallocz(sizeof(*s));
    s->saved_fl_in = fl_in;
    s->saved_fl_out = fl_out;
    s->is_tty = tcgetattr(0, &s->saved_tty) == 0;
    s->allow_signal = allow_signal;
    if (!atexit_done) {
        atexit(stdio_atexit);
        atexit_done = true;
    }
    stdio_chr = qemu_chr_open_fd_state(&stdio_ops, &s->fd, 0, 1);
    stdio_apply_tty(s);
    *_chr = stdio_chr;
    return 0;
}
#endif /* !_WIN32 */

/***********************************************************/
/* pty backend: a pseudo terminal a client (minicom, virsh) attaches to */

#ifndef _WIN32

/*
 * How a client is noticed.  Without a client the master reports POLLHUP
 * and read() fails with EIO at once, so it is not polled for input then
 * (that would spin).  An inotify watch on the slave node wakes us when
 * any process opens or closes it, and POLLHUP on the master (tested
 * without waiting) says whether a client is still there, so several
 * clients and missed events do no harm.  Only if inotify is unavailable
 * does a slow timer do the same check.
 */
#define PTY_POLL_MS 1000

/* Output kept for a client that has not attached yet. */
#define PTY_OUTQ_LIMIT (1024 * 1024)

typedef struct PtyCharDriver {
    int fd;                     /* master */
    int notify_fd;              /* inotify on the slave node, or -1 */
    bool connected;
    QEMUTimer *timer;           /* fallback when inotify is unavailable */
    QEMUBH *bh;                 /* state check requested by chr_write */
} PtyCharDriver;

static bool pty_client_present(PtyCharDriver *s)
{
    struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

    if (poll(&pfd, 1, 0) < 0) {
        return s->connected;
    }
    return !(pfd.revents & POLLHUP);
}

static void pty_set_connected(CharDriverState *chr, bool connected)
{
    PtyCharDriver *s = chr->opaque;
    int fd = connected ? s->fd : -1;

    /* queued output starts flowing once the master is watched again */
    chr_io_set_fds(chr, fd, fd);
    if (connected == s->connected) {
        return;
    }
    s->connected = connected;
    if (connected) {
        qemu_chr_generic_open(chr);
    } else {
        qemu_chr_event(chr, CHR_EVENT_CLOSED);
    }
}

static void pty_check_client(CharDriverState *chr)
{
    PtyCharDriver *s = chr->opaque;

    pty_set_connected(chr, pty_client_present(s));
}

static void pty_chr_bh(void *opaque)
{
    CharDriverState *chr = opaque;
    PtyCharDriver *s = chr->opaque;

    pty_check_client(chr);
    /* the fallback poll starts here: open is too early to arm a timer */
    if (s->timer && !qemu_timer_pending(s->timer)) {
        qemu_mod_timer(s->timer, qemu_get_clock_ms(rt_clock) + PTY_POLL_MS);
    }
}

static void pty_chr_timer(void *opaque)
{
    CharDriverState *chr = opaque;
    PtyCharDriver *s = chr->opaque;

    pty_check_client(chr);
    qemu_mod_timer(s->timer, qemu_get_clock_ms(rt_clock) + PTY_POLL_MS);
}

static void pty_notify_read(void *opaque)
{
    CharDriverState *chr = opaque;
    PtyCharDriver *s = chr->opaque;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

    /* the events only say "look again"; their content does not matter */
    while (read(s->notify_fd, buf, sizeof(buf)) > 0) {
        continue;
    }
    pty_check_client(chr);
}

/* EIO on the master: the last client closed the slave. */
static void pty_chr_hangup(CharDriverState *chr)
{
    pty_set_connected(chr, false);
}

static int pty_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    PtyCharDriver *s = chr->opaque;
    int n;

    if (!s->connected) {
        /* the core keeps it (up to PTY_OUTQ_LIMIT) for the next client */
        return 0;
    }
    n = fd_write_nb(s->fd, buf, len);
    if (n < 0 && errno == EIO) {
        /*
         * The client left before we noticed.  Keep the data for the next
         * one; report the hangup from a bottom half, not from inside the
         * frontend's write call.
         */
        chr_io_set_fds(chr, -1, -1);
        qemu_bh_schedule(s->bh);
        return 0;
    }
    return n;
}

static void pty_chr_close(CharDriverState *chr)
{
    PtyCharDriver *s = chr->opaque;

    if (s->notify_fd >= 0) {
        qemu_set_fd_handler(s->notify_fd, NULL, NULL, NULL);
        close(s->notify_fd);
    }
    if (s->timer) {
        qemu_del_timer(s->timer);
        qemu_free_timer(s->timer);
    }
    qemu_bh_delete(s->bh);
    close(s->fd);
    qemu_free(s);
}

static const CharDriverOps pty_ops = {
    .chr_write = pty_chr_write,
    .chr_close = pty_chr_close,
};

static const CharIOHooks pty_io_hooks = {
    .hangup = pty_chr_hangup,
    .outq_limit = PTY_OUTQ_LIMIT,
};

static int qemu_chr_open_pty(QemuOpts *opts, CharDriverState **_chr)
{
    CharDriverState *chr;
    PtyCharDriver *s;
    struct termios tty;
    char name[PATH_MAX];
    int master, slave = -1, err;

    master = chr_fd_watchable(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (master < 0) {
        err = errno;
        qemu_chr_open_error(NULL, "cannot allocate a pseudo terminal: %s",
                            strerror(err));
        return -err;
    }
    if (grantpt(master) < 0 || unlockpt(master) < 0 ||
        ptsname_r(master, name, sizeof(name)) != 0) {
        err = errno;
        qemu_chr_open_error(NULL, "cannot set up the pseudo terminal: %s",
                            strerror(err));
        goto fail;
    }
    /* raw from the start: the client sees the guest's bytes unchanged */
    TFR(slave = qemu_open(name, O_RDWR | O_NOCTTY));
    if (slave < 0 || tcgetattr(slave, &tty) < 0) {
        err = -chr_path_failed("open", name, errno);
        goto fail;
    }
    term_make_raw(&tty, TERM_RAW_OUTPUT);
    tcsetattr(slave, TCSAFLUSH, &tty);
    close(slave);

    s = qemu_mallocz(sizeof(*s));
    s->fd = master;
    chr = qemu_chr_alloc(&pty_ops, s);
    chr_io_set_hooks(chr, &pty_io_hooks);
    chr->filename = chr_strdup_printf("pty:%s", name);
    s->bh = qemu_bh_new(pty_chr_bh, chr);
    socket_set_nonblock(master);

    /*
     * Watch only after our own open/close of the slave above.  Without
     * inotify (or with an fd the main loop cannot watch) a timer polls.
     */
    s->notify_fd = chr_fd_watchable(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (s->notify_fd >= 0 &&
        inotify_add_watch(s->notify_fd, name, IN_OPEN | IN_CLOSE) < 0) {
        close(s->notify_fd);
        s->notify_fd = -1;
    }
    if (s->notify_fd >= 0) {
        qemu_set_fd_handler(s->notify_fd, pty_notify_read, NULL, chr);
    } else {
        s->timer = qemu_new_timer_ms(rt_clock, pty_chr_timer, chr);
        qemu_bh_schedule(s->bh);
    }
    /* a client quicker than the watch would go unnoticed until it left */
    pty_check_client(chr);

    qemu_opt_set(opts, "path", name);
    /* libvirt parses this line: keep the wording */
    fprintf(stderr, "char device redirected to %s\n", name);
    *_chr = chr;
    return 0;

fail:
    if (slave >= 0) {
        close(slave);
    }
    close(master);
    return -err;
}
#endif /* !_WIN32 */

/***********************************************************/
/* tty backend: a host serial port */

#ifndef _WIN32

typedef struct TtyCharDriver {
    FDCharDriver fd;            /* first: fd_chr_close() frees the whole */
    bool have_saved;
    struct termios saved_tty;   /* line settings as found, restored */
} TtyCharDriver;

static const struct {
    int rate;
    speed_t code;
} tty_speeds[] = {
    { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 },
    { 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 },
    { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
    { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
    { 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
    { 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 },
    { 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
    { 2000000, B2000000 }, { 2500000, B2500000 }, { 3000000, B3000000 },
    { 3500000, B3500000 }, { 4000000, B4000000 },
};

/*
 * The lowest standard rate not below 10/11 of the requested one: a guest
 * divisor that lands a little off a standard rate still gets that rate.
 */
static speed_t tty_speed_code(int speed)
{
    int want = speed * 10 / 11;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(tty_speeds); i++) {
        if (want <= tty_speeds[i].rate) {
            return tty_speeds[i].code;
        }
    }
    return B115200;
}

static int tty_serial_init(int fd, int speed, int parity, int data_bits,
                           int stop_bits)
{
    struct termios tty;
    speed_t spd = tty_speed_code(speed);

    if (tcgetattr(fd, &tty) < 0) {
        return -errno;
    }
    cfsetispeed(&tty, spd);
    cfsetospeed(&tty, spd);
    term_make_raw(&tty, 0);
    tty.c_cflag &= ~(CSIZE | PARODD | CRTSCTS | CSTOPB);
    switch (data_bits) {
    case 5:
        tty.c_cflag |= CS5;
        break;
    case 6:
        tty.c_cflag |= CS6;
        break;
    case 7:
        tty.c_cflag |= CS7;
        break;
    default:
        tty.c_cflag |= CS8;
        break;
    }
    switch (parity) {
    case 'E':
        tty.c_cflag |= PARENB;
        break;
    case 'O':
        tty.c_cflag |= PARENB | PARODD;
        break;
    default:
        break;
    }
    if (stop_bits == 2) {
        tty.c_cflag |= CSTOPB;
    }
    if (tcsetattr(fd, TCSANOW, &tty) < 0) {
        return -errno;
    }
    return 0;
}

static const struct {
    int chr_bit;
    int tiocm_bit;
} tty_modem_bits[] = {
    { CHR_TIOCM_CTS, TIOCM_CTS }, { CHR_TIOCM_CAR, TIOCM_CAR },
    { CHR_TIOCM_DSR, TIOCM_DSR }, { CHR_TIOCM_RI, TIOCM_RI },
    { CHR_TIOCM_DTR, TIOCM_DTR }, { CHR_TIOCM_RTS, TIOCM_RTS },
};

static int tty_serial_ioctl(CharDriverState *chr, int cmd, void *arg)
{
    TtyCharDriver *s = chr->opaque;
    int fd = s->fd.fd_in;
    QEMUSerialSetParams *ssp;
    int bits = 0;
    unsigned i;

    switch (cmd) {
    case CHR_IOCTL_SERIAL_SET_PARAMS:
        ssp = arg;
        return tty_serial_init(fd, ssp->speed, ssp->parity, ssp->data_bits,
                               ssp->stop_bits);
    case CHR_IOCTL_SERIAL_SET_BREAK:
        /*
         * Hold the line in break for as long as the guest does, rather
         * than tcsendbreak(), which would block the main loop.
         */
        if (ioctl(fd, *(int *)arg ? TIOCSBRK : TIOCCBRK) < 0) {
            return -errno;
        }
        return 0;
    case CHR_IOCTL_SERIAL_GET_TIOCM:
        if (ioctl(fd, TIOCMGET, &bits) < 0) {
            return -errno;
        }
        *(int *)arg = 0;
        for (i = 0; i < ARRAY_SIZE(tty_modem_bits); i++) {
            if (bits & tty_modem_bits[i].tiocm_bit) {
                *(int *)arg |= tty_modem_bits[i].chr_bit;
            }
        }
        return 0;
    case CHR_IOCTL_SERIAL_SET_TIOCM:
        if (ioctl(fd, TIOCMGET, &bits) < 0) {
            return -errno;
        }
        for (i = 0; i < ARRAY_SIZE(tty_modem_bits); i++) {
            bits &= ~tty_modem_bits[i].tiocm_bit;
            if (*(int *)arg & tty_modem_bits[i].chr_bit) {
                bits |= tty_modem_bits[i].tiocm_bit;
            }
        }
        if (ioctl(fd, TIOCMSET, &bits) < 0) {
            return -errno;
        }
        return 0;
    default:
        return -ENOTSUP;
    }
}

static void tty_chr_close(CharDriverState *chr)
{
    TtyCharDriver *s = chr->opaque;

    if (s->have_saved) {
        tcsetattr(s->fd.fd_in, TCSANOW, &s->saved_tty);
    }
    fd_chr_close(chr);
}

static const CharDriverOps tty_ops = {
    .chr_write = fd_chr_write,
    .chr_ioctl = tty_serial_ioctl,
    .chr_close = tty_chr_close,
};

static int qemu_chr_open_tty(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "tty needs path=<device>");
    TtyCharDriver *s;
    int fd;

    if (!path) {
        return -EINVAL;
    }
    /* non-blocking: a serial port without carrier would hang open() */
    TFR(fd = chr_fd_watchable(qemu_open(path, O_RDWR | O_NONBLOCK |
                                        O_NOCTTY)));
    if (fd < 0) {
        return chr_path_failed("open", path, errno);
    }
    s = qemu_mallocz(sizeof(*s));
    /* a non-terminal is accepted, as existing setups expect; ioctls fail */
    s->have_saved = tcgetattr(fd, &s->saved_tty) == 0;
    tty_serial_init(fd, 115200, 'N', 8, 1);
    *_chr = qemu_chr_open_fd_state(&tty_ops, &s->fd, fd, fd);
    return 0;
}
#endif /* !_WIN32 */

/***********************************************************/
/* parport backend: a host parallel port through Linux ppdev */

#ifndef _WIN32

typedef struct ParallelCharDriver {
    int fd;
    int mode;                   /* IEEE1284 mode last set with PPSETMODE */
} ParallelCharDriver;

static bool pp_hw_mode(ParallelCharDriver *s, int mode)
{
    if (s->mode != mode) {
        if (ioctl(s->fd, PPSETMODE, &mode) < 0) {
            return false;
        }
        s->mode = mode;
    }
    return true;
}

/* EPP transfers: read or write exactly parg->count bytes in @mode. */
static int pp_epp_xfer(ParallelCharDriver *s, int mode, bool is_write,
                       struct ParallelIOArg *parg)
{
    ssize_t n;

    /* as in v0.15.0, a port without EPP silently does nothing */
    if (!pp_hw_mode(s, mode)) {
        return 0;
    }
    if (is_write) {
        n = write(s->fd, parg->buffer, parg->count);
    } else {
        n = read(s->fd, parg->buffer, parg->count);
    }
    return n == parg->count ? 0 : -EIO;
}

static int pp_ioctl(CharDriverState *chr, int cmd, void *arg)
{
    ParallelCharDriver *s = chr->opaque;
    uint8_t b;

    switch (cmd) {
    case CHR_IOCTL_PP_READ_DATA:
        if (ioctl(s->fd, PPRDATA, &b) < 0) {
            return -ENOTSUP;
        }
        *(uint8_t *)arg = b;
        return 0;
    case CHR_IOCTL_PP_WRITE_DATA:
        b = *(uint8_t *)arg;
        return ioctl(s->fd, PPWDATA, &b) < 0 ? -ENOTSUP : 0;
    case CHR_IOCTL_PP_READ_CONTROL:
        if (ioctl(s->fd, PPRCONTROL, &b) < 0) {
            return -ENOTSUP;
        }
        /* ppdev returns the low bits only; the unused top ones read 1 */
        *(uint8_t *)arg = b | 0xc0;
        return 0;
    case CHR_IOCTL_PP_WRITE_CONTROL:
        b = *(uint8_t *)arg;
        return ioctl(s->fd, PPWCONTROL, &b) < 0 ? -ENOTSUP : 0;
    case CHR_IOCTL_PP_READ_STATUS:
        if (ioctl(s->fd, PPRSTATUS, &b) < 0) {
            return -ENOTSUP;
        }
        *(uint8_t *)arg = b;
        return 0;
    case CHR_IOCTL_PP_DATA_DIR:
        return ioctl(s->fd, PPDATADIR, (int *)arg) < 0 ? -ENOTSUP : 0;
    case CHR_IOCTL_PP_EPP_READ_ADDR:
        return pp_epp_xfer(s, IEEE1284_MODE_EPP | IEEE1284_ADDR, false, arg);
    case CHR_IOCTL_PP_EPP_READ:
        return pp_epp_xfer(s, IEEE1284_MODE_EPP, false, arg);
    case CHR_IOCTL_PP_EPP_WRITE_ADDR:
        return pp_epp_xfer(s, IEEE1284_MODE_EPP | IEEE1284_ADDR, true, arg);
    case CHR_IOCTL_PP_EPP_WRITE:
        return pp_epp_xfer(s, IEEE1284_MODE_EPP, true, arg);
    default:
        return -ENOTSUP;
    }
}

static void pp_close(CharDriverState *chr)
{
    ParallelCharDriver *s = chr->opaque;

    pp_hw_mode(s, IEEE1284_MODE_COMPAT);
    ioctl(s->fd, PPRELEASE);
    close(s->fd);
    qemu_free(s);
}

static const CharDriverOps pp_ops = {
    .chr_write = null_chr_write,
    .chr_ioctl = pp_ioctl,
    .chr_close = pp_close,
};

static int qemu_chr_open_pp(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "parport needs "
                                    "path=/dev/parportN");
    ParallelCharDriver *s;
    CharDriverState *chr;
    int fd, err;

    if (!path) {
        return -EINVAL;
    }
    TFR(fd = qemu_open(path, O_RDWR));
    if (fd < 0) {
        return chr_path_failed("open", path, errno);
    }
    if (ioctl(fd, PPCLAIM) < 0) {
        err = errno;
        qemu_chr_open_error("path", "cannot claim parallel port \"%s\" "
                            "(is it a ppdev device?): %s", path,
                            strerror(err));
        goto fail;
    }
    s = qemu_mallocz(sizeof(*s));
    s->fd = fd;
    s->mode = IEEE1284_MODE_COMPAT;
    chr = qemu_chr_alloc(&pp_ops, s);
    qemu_chr_generic_open(chr);
    *_chr = chr;
    return 0;

fail:
    close(fd);
    return -err;
}
#endif /* !_WIN32 */

/***********************************************************/
/* socket backend: tcp (IPv4/IPv6) and unix, client or server */

/*
 * Host pieces.  The socket and udp backends differ between POSIX and
 * Windows hosts only in these functions: the POSIX block below defines
 * them, the win32 section does for Windows.  Winsock reports errors by
 * socket_error() in its own codes, needs no MSG_DONTWAIT (the sockets
 * are non-blocking) nor MSG_NOSIGNAL (no SIGPIPE), and has neither unix
 * sockets nor fd passing.
 */
#ifdef _WIN32
#define MSG_DONTWAIT 0
#define MSG_NOSIGNAL 0
#endif
typedef struct SocketCharDriver SocketCharDriver;
/* The failure of the last socket call, as an errno value. */
static int sock_errno(void);
/* Bytes known to wait in fd's receive queue; 0 if none or unknown. */
static int sock_queued(int fd);
/* Block until fd is readable (open time only): 0 or -errno. */
static int sock_wait_readable(int fd);
/* fd if the main loop can watch it, else closed, errno set, -errno. */
static int sock_fd_watchable(int fd);
/* recv() on the connection; fds passed with it are kept (POSIX). */
static ssize_t tcp_chr_recvmsg(SocketCharDriver *s, uint8_t *buf,
                               size_t len);
/* Watch (or stop watching) the connect() under way on connect_fd. */
static void tcp_chr_watch_connect(CharDriverState *chr, bool on);
/*
 * path=: the address of the unix socket, and for a server its listening
 * socket (s->listen_fd).  0 or -errno, reported.
 */
static int tcp_chr_unix_setup(CharDriverState *chr, QemuOpts *opts,
                              bool is_listen, SockAddr **addrs);
/* At close: remove the socket file of a unix server. */
static void tcp_chr_unix_close(SocketCharDriver *s);

static int sock_opts_family(QemuOpts *opts)
{
    /* ipv6 wins when both are set, as in v0.15.0 */
    if (qemu_opt_get_bool(opts, "ipv6", 0)) {
        return AF_INET6;
    }
    if (qemu_opt_get_bool(opts, "ipv4", 0)) {
        return AF_INET;
    }
    return AF_UNSPEC;
}

/* Parse a port number for to= ranges; -1 if it is not one. */
static int sock_port_number(const char *str)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(str, &end, 10);
    if (errno || end == str || *end || v < 0 || v > 65535) {
        return -1;
    }
    return v;
}

/*
 * A port option is a number or a service name; a service name starts
 * with a letter.  0 or -EINVAL, reported.
 */
static int sock_check_port(const char *opt, const char *port)
{
    if (!qemu_isalpha(port[0]) && sock_port_number(port) < 0) {
        qemu_chr_open_error(opt, "\"%s\" is not a port number (0..65535) "
                            "or service name", port);
        return -EINVAL;
    }
    return 0;
}

/* Telnet commands (RFC 854) the server side understands. */
#define TN_IAC   255
#define TN_DONT  254
#define TN_DO    253
#define TN_WONT  252
#define TN_WILL  251
#define TN_SB    250
#define TN_BREAK 243
#define TN_SE    240

enum {
    TN_STATE_DATA,
    TN_STATE_IAC,       /* got IAC */
    TN_STATE_OPT,       /* got IAC WILL/WONT/DO/DONT, option byte next */
    TN_STATE_SB,        /* inside a subnegotiation */
    TN_STATE_SB_IAC,    /* IAC inside a subnegotiation */
};

/* Largest read from a connection in one main-loop callback. */
#define SOCK_READ_MAX 65536

/* fds one recvmsg() may bring; extra ones are closed at once */
#define SOCK_MAX_MSGFDS 16

/*
 * Lifecycle of a socket chardev.  tcp_chr_set_state() is the only place
 * the state changes: it undoes what the old state set up, sets up the
 * new one (watches, timers, fds, trace points) and then tells the
 * frontend (CHR_EVENT_OPENED on entering CONNECTED, CHR_EVENT_CLOSED on
 * leaving it).
 *
 *   server (server=on; with wait, open blocks in LISTENING for a client)
 *
 *     open --> LISTENING -----accept() failed-----> ACCEPT_PAUSED
 *               |     ^  ^                               |
 *               |     |  +---------- 1 s later ----------+
 *       accepted|     |peer left
 *               v     |
 *              CONNECTED
 *
 *   client with reconnect=N (open starts the first attempt, no waiting)
 *
 *                   refused, next address
 *                       +------+
 *                       v      |
 *     open --------> CONNECTING ---refused, no address left---+
 *                     |      ^                                 v
 *            connected|      +--------- N s later ------ RECONNECT_WAIT
 *                     v                                        ^
 *                  CONNECTED -------------peer left------------+
 *
 *   client without reconnect= (open connects, blocking)
 *
 *     open --> CONNECTED --peer left--> DISCONNECTED
 *
 *   An attempt that connects or is refused at once skips CONNECTING;
 *   between two attempts, and during open, the state is DISCONNECTED.
 *   qemu_chr_add_client() moves any state but CONNECTING and CONNECTED
 *   to CONNECTED; qemu_chr_close() moves any state to CLOSED, silently.
 */
typedef enum SocketState {
    SOCK_DISCONNECTED,          /* no peer, no attempt under way */
    SOCK_LISTENING,             /* server: the listening socket is watched */
    SOCK_ACCEPT_PAUSED,         /* server: accept() failed, retry timer */
    SOCK_CONNECTING,            /* client: a connect() is under way */
    SOCK_RECONNECT_WAIT,        /* client: reconnect timer */
    SOCK_CONNECTED,             /* a peer; fd is watched by the core */
    SOCK_CLOSED,                /* qemu_chr_close(): nothing watched */
} SocketState;

struct SocketCharDriver {
    CharDriverState *chr;
    SocketState state;
    int fd;                     /* CONNECTED: the connection, else -1 */
    int listen_fd;              /* server socket, -1 for a client */
    int connect_fd;             /* CONNECTING: the connect(), else -1 */
    bool is_unix;
    bool is_telnet;
    bool do_nodelay;
    int telnet_state;
    bool iac_owed;              /* the second IAC of a pair is not sent */
    int msgfd;                  /* last fd received, not yet taken */
    size_t rx_queued;           /* input known to wait in the kernel */
    int64_t reconnect_ms;       /* 0: a lost peer stays lost */
    QEMUTimer *accept_timer;    /* ACCEPT_PAUSED: accept again */
    QEMUTimer *reconnect_timer; /* RECONNECT_WAIT: connect again */
    QEMUBH *reconnect_bh;       /* RECONNECT_WAIT from open: arm the timer */
    QEMUTimer *hup_timer;       /* CONNECTED: recheck a paused hangup */
    SockAddr *peers;            /* reconnect: where to connect */
    int nr_peers;
    int next_peer;
    bool fd_limit_reported;     /* a run-time fd above FD_SETSIZE was */
    char *unlink_path;          /* our unix server socket, removed at close */
    dev_t sock_dev;             /* and at exit; only if it is still ours */
    ino_t sock_ino;
    QLIST_ENTRY(SocketCharDriver) unlink_next;
    void *connect_event;        /* win32: signalled when connect() ends */
};

static void tcp_chr_accept(void *opaque);
static void tcp_chr_connect_done(void *opaque);

#ifndef _WIN32
/*
 * POSIX hosts: the host pieces, unix sockets (their addresses, and the
 * socket files a server removes again) and fd passing.
 */

static int sock_errno(void)
{
    return errno;
}

static int sock_queued(int fd)
{
    int avail;

    return ioctl(fd, FIONREAD, &avail) == 0 && avail > 0 ? avail : 0;
}

static int sock_wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    return poll(&pfd, 1, -1) < 0 ? -errno : 0;
}

static int sock_fd_watchable(int fd)
{
    return chr_fd_watchable(fd);
}

static void tcp_chr_watch_connect(CharDriverState *chr, bool on)
{
    SocketCharDriver *s = chr->opaque;

    qemu_set_fd_handler(s->connect_fd, NULL,
                        on ? tcp_chr_connect_done : NULL, chr);
}

/*
 * Unix server sockets to remove at exit: the monitor's "quit" and a
 * normal shutdown end QEMU with exit() without closing chardevs.
 * Only the process that runs the main loop owns them: -daemonize opens
 * chardevs first and then forks, and both the original process and the
 * intermediate child end with exit() while the socket lives on.
 */
static QLIST_HEAD(, SocketCharDriver) sock_unlink_list =
    QLIST_HEAD_INITIALIZER(sock_unlink_list);
static pid_t sock_unlink_pid;
static QEMUBH *sock_unlink_owner_bh;


/* Keep the last fd passed with SCM_RIGHTS; close any others. */
static void tcp_chr_take_msgfds(SocketCharDriver *s, struct msghdr *msg)
{
    struct cmsghdr *cmsg;

    for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg)) {
        int i, n;
        int *fds;

        if (cmsg->cmsg_level != SOL_SOCKET ||
            cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        fds = (int *)CMSG_DATA(cmsg);
        for (i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, &fds[i], sizeof(fd));
            if (fd < 0) {
                continue;
            }
            if (s->msgfd >= 0) {
                close(s->msgfd);
            }
            s->msgfd = fd;
        }
    }
}

/* recvmsg(), keeping the fds a unix peer passes (SCM_RIGHTS). */
static ssize_t tcp_chr_recvmsg(SocketCharDriver *s, uint8_t *buf,
                               size_t len)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(SOCK_MAX_MSGFDS * sizeof(int))];
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if (s->is_unix) {
        msg.msg_control = &control;
        msg.msg_controllen = sizeof(control);
    }
    n = recvmsg(s->fd, &msg, MSG_CMSG_CLOEXEC);
    if (n > 0 && s->is_unix) {
        tcp_chr_take_msgfds(s, &msg);
    }
    return n;
}

/*
 * v0.15.0 leaves the socket file behind.  Remove it if it is still the
 * one we created, not a file that took its place meanwhile.
 */
static void tcp_chr_unlink_socket(SocketCharDriver *s)
{
    struct stat st;

    if (stat(s->unlink_path, &st) == 0 &&
        st.st_dev == s->sock_dev && st.st_ino == s->sock_ino) {
        unlink(s->unlink_path);
    }
}

static void tcp_chr_unlink_atexit(void)
{
    SocketCharDriver *s;

    if (sock_unlink_pid != getpid()) {
        return;
    }
    QLIST_FOREACH(s, &sock_unlink_list, unlink_next) {
        tcp_chr_unlink_socket(s);
    }
}

/* The main loop runs here: exit() in this process removes the sockets. */
static void sock_unlink_take_owner(void *opaque)
{
    sock_unlink_pid = getpid();
}

/* Bind and listen on a unix path; fd or -errno, reported. */
static int tcp_chr_listen_unix(SocketCharDriver *s, const SockAddr *a,
                               const char *path)
{
    SockError err;
    struct stat st;
    int fd = sock_listen_unix(a, &err);

    if (fd < 0) {
        qemu_chr_open_error("path", "%s", err.msg);
        return fd;
    }
    fd = sock_fd_watchable(fd);
    if (fd < 0) {
        /* refused before anyone could connect: leave no file behind */
        unlink(path);
        return fd;
    }
    if (stat(path, &st) == 0) {
        s->unlink_path = g_strdup(path);
        s->sock_dev = st.st_dev;
        s->sock_ino = st.st_ino;
        QLIST_INSERT_HEAD(&sock_unlink_list, s, unlink_next);
        if (!sock_unlink_owner_bh) {
            sock_unlink_owner_bh = qemu_bh_new(sock_unlink_take_owner, NULL);
            atexit(tcp_chr_unlink_atexit);
        }
        qemu_bh_schedule(sock_unlink_owner_bh);
    }
    return fd;
}

/* unix:path with an empty path: a fresh name, as v0.15.0 makes one. */
static char *sock_unix_tmp_path(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char *path = g_strdup_printf("%s/qemu-socket-XXXXXX",
                                 tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);

    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    return path;
}

static int tcp_chr_unix_setup(CharDriverState *chr, QemuOpts *opts,
                              bool is_listen, SockAddr **addrs)
{
    SocketCharDriver *s = chr->opaque;
    const char *opt_path = qemu_opt_get(opts, "path");
    char *path;
    int fd;

    if (*opt_path == '\0' && !is_listen) {
        qemu_chr_open_error("path", "empty (a unix socket needs "
                            "path=<socket file>)");
        return -EINVAL;
    }
    path = *opt_path ? g_strdup(opt_path) : sock_unix_tmp_path();
    *addrs = qemu_mallocz(sizeof(**addrs));
    if (!sock_unix_addr(path, *addrs)) {
        qemu_chr_open_error("path", "too long (%zu bytes, at most %zu): "
                            "\"%s\"", strlen(path),
                            sizeof(((struct sockaddr_un *)0)->sun_path) - 1,
                            path);
        g_free(path);
        return -ENAMETOOLONG;
    }
    chr->filename = g_strdup_printf("unix:%s%s", path,
                                    is_listen ? ",server" : "");
    if (is_listen) {
        fd = tcp_chr_listen_unix(s, *addrs, path);
        if (fd < 0) {
            g_free(path);
            return fd;
        }
        s->listen_fd = fd;
    }
    g_free(path);
    return 0;
}

static void tcp_chr_unix_close(SocketCharDriver *s)
{
    if (s->unlink_path) {
        tcp_chr_unlink_socket(s);
        QLIST_REMOVE(s, unlink_next);
    }
    g_free(s->unlink_path);
}
#endif /* !_WIN32 */

/* send() without blocking: bytes sent, 0 if the socket is full, -1. */
static int tcp_chr_send(SocketCharDriver *s, const uint8_t *buf, int len)
{
    for (;;) {
        ssize_t n = send(s->fd, (const void *)buf, len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        int err = n < 0 ? sock_errno() : 0;

        if (n >= 0) {
            return n;
        }
        if (err == EAGAIN || err == EWOULDBLOCK) {
            return 0;
        }
        if (err != EINTR) {
            return -1;
        }
    }
}

/*
 * Telnet data doubles every IAC byte (RFC 854), which v0.15.0 does not
 * do: a 0xff from the guest would reach the client as a command.  When
 * only the first IAC of a pair fits, the second is owed and goes out
 * before anything else.
 */
static int tcp_chr_write_telnet(SocketCharDriver *s, const uint8_t *buf,
                                int len)
{
    static const uint8_t iac = TN_IAC;
    int done = 0;

    if (s->iac_owed) {
        int n = tcp_chr_send(s, &iac, 1);

        if (n <= 0) {
            return n;
        }
        s->iac_owed = false;
    }
    while (done < len) {
        const uint8_t *p = memchr(buf + done, TN_IAC, len - done);
        int seg = p ? p - (buf + done) + 1 : len - done;
        int n = tcp_chr_send(s, buf + done, seg);

        if (n <= 0) {
            return done > 0 ? done : n;
        }
        done += n;
        if (n < seg) {
            break;
        }
        if (p && tcp_chr_send(s, &iac, 1) != 1) {
            s->iac_owed = true;
            break;
        }
    }
    return done;
}

static int tcp_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    SocketCharDriver *s = chr->opaque;

    if (s->fd < 0) {
        /*
         * Without a peer v0.15.0 discards; so do we, but counted.  A
         * reconnecting client lets the core queue instead (bounded, drops
         * counted) until it is back.
         */
        if (s->reconnect_ms) {
            return 0;
        }
        chr_io_count_dropped(chr, len);
        return len;
    }
    if (s->is_telnet) {
        return tcp_chr_write_telnet(s, buf, len);
    }
    /* on an error, the read side reports the hangup once input is read */
    return tcp_chr_send(s, buf, len);
}

/*
 * Strip telnet commands from buf in place; returns the data length.
 * Unlike v0.15.0, two-byte commands (NOP, GA, ...) do not swallow the
 * next data byte and subnegotiations are skipped whole.  Data before a
 * BREAK reaches the frontend before the event does.
 */
static int tcp_chr_telnet_filter(CharDriverState *chr, SocketCharDriver *s,
                                 uint8_t *buf, int len)
{
    int i, j = 0;

    for (i = 0; i < len; i++) {
        uint8_t c = buf[i];

        switch (s->telnet_state) {
        case TN_STATE_DATA:
            if (c == TN_IAC) {
                s->telnet_state = TN_STATE_IAC;
            } else {
                buf[j++] = c;
            }
            break;
        case TN_STATE_IAC:
            s->telnet_state = TN_STATE_DATA;
            if (c == TN_IAC) {
                buf[j++] = c;
            } else if (c >= TN_WILL && c <= TN_DONT) {
                /* WILL, WONT, DO, DONT: an option byte follows */
                s->telnet_state = TN_STATE_OPT;
            } else if (c == TN_SB) {
                s->telnet_state = TN_STATE_SB;
            } else if (c == TN_BREAK) {
                if (j > 0) {
                    qemu_chr_read(chr, buf, j);
                    j = 0;
                }
                qemu_chr_event(chr, CHR_EVENT_BREAK);
            }
            break;
        case TN_STATE_OPT:
            s->telnet_state = TN_STATE_DATA;
            break;
        case TN_STATE_SB:
            if (c == TN_IAC) {
                s->telnet_state = TN_STATE_SB_IAC;
            }
            break;
        case TN_STATE_SB_IAC:
            s->telnet_state = c == TN_SE ? TN_STATE_DATA : TN_STATE_SB;
            break;
        }
    }
    return j;
}

static ssize_t tcp_chr_recv(CharDriverState *chr, uint8_t *buf, size_t len)
{
    SocketCharDriver *s = chr->opaque;
    ssize_t n;
    int err = 0;

    /*
     * Take what is known to be queued, no more: a large read would
     * otherwise chase a peer that keeps writing tiny pieces, one per
     * kernel buffer, and hold the main loop for milliseconds.  The kernel
     * is asked again only once an earlier answer is used up: a syscall
     * costs as much as copying a good part of a large read.
     */
    if (len > READ_BUF_LEN) {
        int avail = s->rx_queued < len ? sock_queued(s->fd) : 0;

        if (avail > 0) {
            s->rx_queued = avail;
        }
        if (s->rx_queued > 0 && s->rx_queued < len) {
            len = s->rx_queued;
        }
    }
    do {
        n = tcp_chr_recvmsg(s, buf, len);
        err = n < 0 ? sock_errno() : 0;
    } while (err == EINTR);
    if (n < 0) {
        /* the core looks at errno */
        errno = err;
    }
    if (n > 0) {
        /* nobody else reads the socket: the rest is still there */
        s->rx_queued -= MIN((size_t)n, s->rx_queued);
    }
    if (n > 0 && s->is_telnet) {
        n = tcp_chr_telnet_filter(chr, s, buf, n);
        if (n == 0) {
            errno = EAGAIN;
            return -1;
        }
    }
    return n;
}

static int tcp_chr_get_msgfd(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;
    int fd = s->msgfd;

    s->msgfd = -1;
    return fd;
}

/*
 * Never called during open: vl.c opens chardevs before the alarm timer
 * exists, and v0.15.0 crashes if a timer is armed then.
 */
static void tcp_chr_schedule(QEMUTimer *timer, int64_t ms)
{
    qemu_mod_timer(timer, qemu_get_clock_ms(rt_clock) + ms);
}

static void tcp_chr_reconnect_arm(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;

    trace_qemu_chr_socket_reconnect(chr_label(chr), s->reconnect_ms);
    tcp_chr_schedule(s->reconnect_timer, s->reconnect_ms);
}

/*
 * The one transition function (see SocketState): leave the old state,
 * enter the new one; @fd is the connection (CONNECTED) or the connect()
 * under way (CONNECTING).  The frontend hears of it last, so that its
 * handlers see the new state complete.
 */
static void tcp_chr_set_state(CharDriverState *chr, SocketState state,
                              int fd)
{
    SocketCharDriver *s = chr->opaque;
    SocketState old = s->state;
    static const int on = 1;

    switch (old) {
    case SOCK_LISTENING:
        /* one client at a time; the next waits in the backlog */
        qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        break;
    case SOCK_ACCEPT_PAUSED:
        qemu_del_timer(s->accept_timer);
        break;
    case SOCK_CONNECTING:
        tcp_chr_watch_connect(chr, false);
        /* the socket becomes the connection, or it is done with */
        if (s->connect_fd != fd) {
            closesocket(s->connect_fd);
        }
        s->connect_fd = -1;
        break;
    case SOCK_RECONNECT_WAIT:
        qemu_del_timer(s->reconnect_timer);
        qemu_bh_cancel(s->reconnect_bh);
        break;
    case SOCK_CONNECTED:
        if (state != SOCK_CLOSED) {
            trace_qemu_chr_socket_disconnect(chr_label(chr));
        }
        if (s->hup_timer) {
            qemu_del_timer(s->hup_timer);
        }
        chr_io_set_fds(chr, -1, -1);
        closesocket(s->fd);
        s->fd = -1;
        s->rx_queued = 0;
        s->telnet_state = TN_STATE_DATA;
        s->iac_owed = false;
        if (s->msgfd >= 0) {
            close(s->msgfd);
            s->msgfd = -1;
        }
        break;
    case SOCK_DISCONNECTED:
    case SOCK_CLOSED:
        break;
    }

    s->state = state;
    switch (state) {
    case SOCK_LISTENING:
        qemu_set_fd_handler(s->listen_fd, tcp_chr_accept, NULL, chr);
        break;
    case SOCK_ACCEPT_PAUSED:
        tcp_chr_schedule(s->accept_timer, 1000);
        break;
    case SOCK_CONNECTING:
        s->connect_fd = fd;
        tcp_chr_watch_connect(chr, true);
        break;
    case SOCK_RECONNECT_WAIT:
        s->next_peer = 0;
        if (chr_opening) {
            /* the first attempt failed during open: wait from the loop */
            qemu_bh_schedule(s->reconnect_bh);
        } else {
            tcp_chr_reconnect_arm(chr);
        }
        break;
    case SOCK_CONNECTED:
        qemu_set_cloexec(fd);
        socket_set_nonblock(fd);
        if (s->do_nodelay) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, (const void *)&on,
                       sizeof(on));
        }
        s->fd = fd;
        trace_qemu_chr_socket_connected(chr_label(chr), fd);
        chr_io_set_fds(chr, fd, fd);
        break;
    case SOCK_DISCONNECTED:
    case SOCK_CLOSED:
        break;
    }

    if (state == SOCK_CONNECTED) {
        qemu_chr_generic_open(chr);
    } else if (old == SOCK_CONNECTED && state != SOCK_CLOSED) {
        qemu_chr_event(chr, CHR_EVENT_CLOSED);
        if (!s->reconnect_ms) {
            chr_io_drop_output(chr);
        }
    }
}

/* The peer left (end of file or error, after all input was read). */
static void tcp_chr_hangup(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;

    if (s->listen_fd >= 0) {
        tcp_chr_set_state(chr, SOCK_LISTENING, -1);
    } else if (s->reconnect_ms) {
        tcp_chr_set_state(chr, SOCK_RECONNECT_WAIT, -1);
    } else {
        tcp_chr_set_state(chr, SOCK_DISCONNECTED, -1);
    }
}

static int tcp_chr_add_client(CharDriverState *chr, int fd)
{
    SocketCharDriver *s = chr->opaque;

    if (s->state == SOCK_CONNECTED || s->state == SOCK_CONNECTING) {
        return -1;
    }
    tcp_chr_set_state(chr, SOCK_CONNECTED, fd);
    return 0;
}

/* The option bytes v0.15.0 sends: binary, no echo, char-at-a-time. */
static void tcp_chr_telnet_init(int fd)
{
    static const uint8_t neg[] = {
        TN_IAC, TN_WILL, 1,     /* echo */
        TN_IAC, TN_WILL, 3,     /* suppress go-ahead */
        TN_IAC, TN_WILL, 0,     /* binary */
        TN_IAC, TN_DO, 0,       /* binary */
    };

    /* a fresh socket has room for these few bytes; errors show on read */
    if (send(fd, (const void *)neg, sizeof(neg),
             MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        return;
    }
}

/*
 * chr_fd_watchable() at run time (accept, reconnect): the refusal gets an
 * error line, once per chardev since a peer may repeat it at will.
 */
static int tcp_chr_fd_watchable(CharDriverState *chr, int fd)
{
    SocketCharDriver *s = chr->opaque;
    int ret = sock_fd_watchable(fd);

    if (ret < 0 && fd >= 0 && !chr_opening && !s->fd_limit_reported) {
        error_report("chardev \"%s\": backend \"socket\": fd %d is not "
                     "below FD_SETSIZE (%d), so the main loop could not "
                     "watch it; connections are refused while that lasts",
                     chr_label(chr), fd, FD_SETSIZE);
        s->fd_limit_reported = true;
    }
    return ret;
}

/*
 * Take one pending connection: 1 if taken, 0 if none is pending, -errno
 * if accept() failed for another reason (then watching the listening
 * socket would spin: the caller pauses it).
 */
static int tcp_chr_accept_one(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;
    int fd, err;

    do {
        fd = tcp_chr_fd_watchable(chr, qemu_accept(s->listen_fd, NULL,
                                                   NULL));
        err = fd < 0 ? sock_errno() : 0;
    } while (err == EINTR);
    if (fd < 0) {
        if (err == EAGAIN || err == EWOULDBLOCK || err == ECONNABORTED) {
            return 0;
        }
        return -err;
    }
    trace_qemu_chr_socket_accept(chr_label(chr), fd);
    if (s->is_telnet) {
        tcp_chr_telnet_init(fd);
    }
    tcp_chr_set_state(chr, SOCK_CONNECTED, fd);
    return 1;
}

static void tcp_chr_accept(void *opaque)
{
    CharDriverState *chr = opaque;
    SocketCharDriver *s = chr->opaque;
    int ret = tcp_chr_accept_one(chr);

    if (ret < 0) {
        tcp_chr_set_state(chr, SOCK_ACCEPT_PAUSED, -1);
    }
    if (ret < 0 && !(ret == -EMFILE && s->fd_limit_reported)) {
        error_report("chardev \"%s\": accept: %s; retrying in a second",
                     chr_label(chr), strerror(-ret));
    }
}

static void tcp_chr_accept_timer(void *opaque)
{
    tcp_chr_set_state(opaque, SOCK_LISTENING, -1);
}

/*
 * Client with reconnect=: start a connection to the next address that
 * takes one, else wait for the next round (from the first address).
 */
static void tcp_chr_try_connect(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;

    while (s->next_peer < s->nr_peers) {
        SockError err;
        bool in_progress;
        int fd = tcp_chr_fd_watchable(chr,
                                      sock_connect_next(s->peers, s->nr_peers,
                                                        &s->next_peer, false,
                                                        &in_progress, &err));

        if (fd >= 0) {
            tcp_chr_set_state(chr, in_progress ? SOCK_CONNECTING
                                               : SOCK_CONNECTED, fd);
            return;
        }
    }
    tcp_chr_set_state(chr, SOCK_RECONNECT_WAIT, -1);
}

static void tcp_chr_connect_done(void *opaque)
{
    CharDriverState *chr = opaque;
    SocketCharDriver *s = chr->opaque;
    int err = -sock_connect_result(s->connect_fd);

    if (err == 0) {
        tcp_chr_set_state(chr, SOCK_CONNECTED, s->connect_fd);
        return;
    }
    trace_qemu_chr_socket_connect_failed(chr_label(chr), err);
    /* close the failed socket before the next one is made */
    tcp_chr_set_state(chr, SOCK_DISCONNECTED, -1);
    tcp_chr_try_connect(chr);
}

static void tcp_chr_reconnect_timer(void *opaque)
{
    tcp_chr_try_connect(opaque);
}

static void tcp_chr_reconnect_bh(void *opaque)
{
    tcp_chr_reconnect_arm(opaque);
}

/* No frontend, unread input: look for the peer's hangup again later. */
static void tcp_chr_hup_recheck(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;

    if (s->hup_timer && !qemu_timer_pending(s->hup_timer)) {
        tcp_chr_schedule(s->hup_timer, 1000);
    }
}

static void tcp_chr_hup_timer(void *opaque)
{
    CharDriverState *chr = opaque;

    chr_io_resume_hup(chr);
}

static void tcp_chr_close(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;
    QEMUTimer *timers[] = { s->accept_timer, s->reconnect_timer,
                            s->hup_timer };
    int i;

    tcp_chr_set_state(chr, SOCK_CLOSED, -1);
    for (i = 0; i < ARRAY_SIZE(timers); i++) {
        if (timers[i]) {
            qemu_del_timer(timers[i]);
            qemu_free_timer(timers[i]);
        }
    }
    if (s->reconnect_bh) {
        qemu_bh_delete(s->reconnect_bh);
    }
    if (s->listen_fd >= 0) {
        closesocket(s->listen_fd);
    }
    tcp_chr_unix_close(s);
    qemu_free(s->peers);
    qemu_free(s);
}

static const CharDriverOps socket_ops = {
    .chr_write = tcp_chr_write,
    .get_msgfd = tcp_chr_get_msgfd,
    .chr_add_client = tcp_chr_add_client,
    .chr_close = tcp_chr_close,
};

static const CharIOHooks socket_io_hooks = {
    .recv = tcp_chr_recv,
    .hangup = tcp_chr_hangup,
    .hup_watch = true,
    .hup_recheck = tcp_chr_hup_recheck,
    /* a socket delivers as much per wakeup as the frontend takes */
    .read_max = SOCK_READ_MAX,
};

/*
 * Connect to the first address that answers, as v0.15.0 does at open time
 * (open may block; the main loop never does).  fd or -errno, reported.
 */
static int tcp_chr_connect_open(const char *opt, const SockAddr *addrs,
                                int nr)
{
    SockError err;
    int next = 0, fd;

    for (;;) {
        fd = sock_connect_next(addrs, nr, &next, true, NULL, &err);
        if (fd < 0) {
            qemu_chr_open_error(opt, "%s", err.msg);
            return fd;
        }
        /* an fd the main loop cannot watch was reported: try the rest */
        fd = sock_fd_watchable(fd);
        if (fd >= 0 || next >= nr) {
            return fd;
        }
    }
}

/* Wait for the first client (server,wait): blocking, before startup. */
static int tcp_chr_wait_client(CharDriverState *chr)
{
    SocketCharDriver *s = chr->opaque;
    int ret = 0;

    printf("QEMU waiting for connection on: %s\n", chr->filename);
    fflush(stdout);
    while (ret == 0) {
        ret = sock_wait_readable(s->listen_fd);
        if (ret < 0 && ret != -EINTR) {
            break;
        }
        ret = tcp_chr_accept_one(chr);
    }
    if (ret < 0) {
        qemu_chr_open_error("wait", "waiting for a client: %s",
                            strerror(-ret));
        return ret;
    }
    return 0;
}

/*
 * tcp: check host/port/to, resolve, and for a server listen at once
 * (s->listen_fd), so that "info chardev" can name the port really used.
 */
static int tcp_chr_inet_setup(CharDriverState *chr, QemuOpts *opts,
                              bool is_listen, SockAddr **addrs, int *nr)
{
    SocketCharDriver *s = chr->opaque;
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *prefix = qemu_opt_get_bool(opts, "telnet", 0) ? "telnet"
                                                               : "tcp";
    /* unsigned: "to=-1" must not wrap into a small port number */
    uint64_t to = qemu_opt_get_number(opts, "to", 0);
    char nhost[INET6_ADDRSTRLEN + 1], nport[33];
    SockError err;
    SockAddr bound;
    int pnum, fd;

    if (!port || !*port) {
        if (host) {
            qemu_chr_open_error("port", "missing (tcp needs port=<port>)");
        } else {
            qemu_chr_open_error("path", "missing (socket needs path=<unix "
                                "socket> or host=/port=)");
        }
        return -EINVAL;
    }
    if (!is_listen && (!host || !*host)) {
        qemu_chr_open_error("host", "missing (a client needs the host to "
                            "connect to)");
        return -EINVAL;
    }
    if (sock_check_port("port", port) < 0) {
        return -EINVAL;
    }
    pnum = sock_port_number(port);
    if (is_listen && to) {
        if (pnum < 0) {
            qemu_chr_open_error("to", "needs a numeric port, not \"%s\"",
                                port);
            return -EINVAL;
        }
        if (to < pnum || to > 65535) {
            qemu_chr_open_error("to", "%s is not a port in %d..65535",
                                qemu_opt_get(opts, "to"), pnum);
            return -EINVAL;
        }
    }
    *nr = sock_resolve(host, port, sock_opts_family(opts), SOCK_STREAM,
                       is_listen, addrs, &err);
    if (*nr < 0) {
        qemu_chr_open_error("host", "%s", err.msg);
        return *nr;
    }
    if (!is_listen) {
        chr->filename = g_strdup_printf("%s:%s:%s", prefix, host, port);
        return 0;
    }
    if (pnum < 0) {
        /* a service name: its number came from the lookup */
        pnum = sock_addr_port(&(*addrs)[0]);
    }
    fd = sock_listen_inet(*addrs, *nr, pnum, to, &bound, &err);
    if (fd < 0) {
        /* the whole range busy is the fault of to= */
        qemu_chr_open_error(err.code == EADDRINUSE && to > pnum ? "to"
                                                                : "port",
                            "%s", err.msg);
        return fd;
    }
    fd = sock_fd_watchable(fd);
    if (fd < 0) {
        return fd;
    }
    s->listen_fd = fd;
    /* the address really used, bare as v0.15.0 shows it */
    if (sock_addr_name(&bound, nhost, sizeof(nhost), nport,
                       sizeof(nport)) < 0) {
        pstrcpy(nhost, sizeof(nhost), host ? host : "");
        pstrcpy(nport, sizeof(nport), port);
    }
    chr->filename = g_strdup_printf("%s:%s:%s,server", prefix, nhost, nport);
    return 0;
}

/* Options that mean nothing for this kind of socket are refused. */
static int tcp_chr_check_opts(QemuOpts *opts, bool is_listen, bool is_unix)
{
    static const char *const inet_only[] = {
        "host", "port", "to", "ipv4", "ipv6", "delay", NULL
    };
    static const char *const server_only[] = { "wait", "to", NULL };
    const char *const *p;

    for (p = inet_only; is_unix && *p; p++) {
        if (qemu_opt_get(opts, *p)) {
            qemu_chr_open_error(*p, "not for a unix socket (path= is set)");
            return -EINVAL;
        }
    }
    for (p = server_only; !is_listen && *p; p++) {
        if (qemu_opt_get(opts, *p)) {
            qemu_chr_open_error(*p, "only for a server (server=on)");
            return -EINVAL;
        }
    }
    if (qemu_opt_get_bool(opts, "ipv4", 0) &&
        qemu_opt_get_bool(opts, "ipv6", 0)) {
        qemu_chr_open_error("ipv6", "conflicts with ipv4=on (one address "
                            "family only)");
        return -EINVAL;
    }
    return 0;
}

static int qemu_chr_open_socket(QemuOpts *opts, CharDriverState **_chr)
{
    bool is_listen = qemu_opt_get_bool(opts, "server", 0);
    bool is_wait = qemu_opt_get_bool(opts, "wait", 1);
    bool nodelay = !qemu_opt_get_bool(opts, "delay", 1);
    /* unsigned: "reconnect=-1" must not become a timer in the past */
    uint64_t reconnect = qemu_opt_get_number(opts, "reconnect", 0);
    SocketCharDriver *s = qemu_mallocz(sizeof(*s));
    CharDriverState *chr = qemu_chr_alloc(&socket_ops, s);
    SockAddr *addrs = NULL;
    int nr = 1, fd, ret;

    s->chr = chr;
    s->state = SOCK_DISCONNECTED;
    s->fd = s->listen_fd = s->connect_fd = s->msgfd = -1;
    s->is_unix = qemu_opt_get(opts, "path") != NULL;
    /* v0.15.0 strips telnet commands only on the server side */
    s->is_telnet = qemu_opt_get_bool(opts, "telnet", 0) && is_listen;
    /* v0.15.0 forces nodelay on clients; delay= now counts for both */
    s->do_nodelay = nodelay && !s->is_unix;
    chr_io_set_hooks(chr, &socket_io_hooks);

    ret = tcp_chr_check_opts(opts, is_listen, s->is_unix);
    if (ret < 0) {
        goto fail;
    }
    if (reconnect && is_listen) {
        qemu_chr_open_error("reconnect", "only for clients; a server "
                            "listens again by itself");
        ret = -EINVAL;
        goto fail;
    }
    if (reconnect > 86400 * 365) {
        qemu_chr_open_error("reconnect", "%s is not a number of seconds "
                            "(0 = off)", qemu_opt_get(opts, "reconnect"));
        ret = -EINVAL;
        goto fail;
    }
    s->reconnect_ms = reconnect * 1000;
    if (is_listen) {
        s->accept_timer = qemu_new_timer_ms(rt_clock, tcp_chr_accept_timer,
                                            chr);
    }
    if (s->reconnect_ms) {
        s->reconnect_timer = qemu_new_timer_ms(rt_clock,
                                               tcp_chr_reconnect_timer, chr);
        s->reconnect_bh = qemu_bh_new(tcp_chr_reconnect_bh, chr);
    }
    /* a hangup nobody reads matters to a server or a reconnecting client */
    if (is_listen || s->reconnect_ms) {
        s->hup_timer = qemu_new_timer_ms(rt_clock, tcp_chr_hup_timer, chr);
    }

    if (s->is_unix) {
        ret = tcp_chr_unix_setup(chr, opts, is_listen, &addrs);
    } else {
        ret = tcp_chr_inet_setup(chr, opts, is_listen, &addrs, &nr);
    }
    if (ret < 0) {
        goto fail;
    }

    if (is_listen) {
        tcp_chr_set_state(chr, SOCK_LISTENING, -1);
        if (is_wait) {
            ret = tcp_chr_wait_client(chr);
            if (ret < 0) {
                goto fail;
            }
        }
    } else if (s->reconnect_ms) {
        /* even the first attempt runs in the background */
        s->peers = addrs;
        s->nr_peers = nr;
        addrs = NULL;
        tcp_chr_try_connect(chr);
    } else {
        fd = tcp_chr_connect_open(s->is_unix ? "path" : "host", addrs, nr);
        if (fd < 0) {
            ret = fd;
            goto fail;
        }
        tcp_chr_set_state(chr, SOCK_CONNECTED, fd);
    }
    qemu_free(addrs);
    *_chr = chr;
    return 0;

fail:
    qemu_free(addrs);
    /* the chardev never opened: no events, just free it */
    qemu_chr_close(chr);
    return ret;
}

/***********************************************************/
/* udp backend: datagrams to a remote host/port */

/* Largest datagram payload; one such may be split over several reads. */
#define UDP_MAX_PAYLOAD 65536
/* Largest datagram sent in one go (fits IPv4 and IPv6 limits). */
#define UDP_MAX_SEND 65000

typedef struct UdpCharDriver {
    int fd;
    /*
     * The datagram at the head of the socket queue, peeked but still
     * queued: the frontend may take it in pieces, and the fd stays
     * readable until the last piece is delivered and it is dequeued.
     */
    uint8_t *buf;
    int len, off;
} UdpCharDriver;

static bool udp_transient_error(int err)
{
    /*
     * ICMP errors from earlier datagrams: the next one may get through
     * (Windows reports a refusal as ECONNRESET)
     */
    return err == ECONNREFUSED || err == ECONNRESET || err == EHOSTUNREACH ||
           err == ENETUNREACH || err == EINTR;
}

static int udp_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    UdpCharDriver *s = chr->opaque;
    int retries = 2;

    while (retries-- > 0) {
        ssize_t n = send(s->fd, (const void *)buf, MIN(len, UDP_MAX_SEND),
                         MSG_DONTWAIT);
        int err = n < 0 ? sock_errno() : 0;

        if (n >= 0) {
            return n;
        }
        if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
            return 0;
        }
        if (!udp_transient_error(err)) {
            return -1;
        }
    }
    /* nobody listens right now: a datagram is simply lost */
    return MIN(len, UDP_MAX_SEND);
}

static ssize_t udp_chr_recv(CharDriverState *chr, uint8_t *buf, size_t len)
{
    UdpCharDriver *s = chr->opaque;
    size_t n;

    if (s->len == 0) {
        ssize_t got = recv(s->fd, (void *)s->buf, UDP_MAX_PAYLOAD, MSG_PEEK);

        if (got < 0) {
            int err = sock_errno();

            /* the core looks at errno */
            errno = udp_transient_error(err) ? EAGAIN : err;
            return -1;
        }
        if (got == 0) {
            /* an empty datagram carries nothing: dequeue it */
            recv(s->fd, (void *)s->buf, 1, 0);
            errno = EAGAIN;
            return -1;
        }
        s->len = got;
        s->off = 0;
    }
    n = MIN(len, (size_t)(s->len - s->off));
    memcpy(buf, s->buf + s->off, n);
    s->off += n;
    if (s->off == s->len) {
        /* all of it delivered: now take it off the queue */
        recv(s->fd, (void *)s->buf, 1, 0);
        s->len = s->off = 0;
    }
    return n;
}

static void udp_chr_close(CharDriverState *chr)
{
    UdpCharDriver *s = chr->opaque;

    if (s->fd >= 0) {
        closesocket(s->fd);
    }
    qemu_free(s->buf);
    qemu_free(s);
}

static const CharDriverOps udp_ops = {
    .chr_write = udp_chr_write,
    .chr_close = udp_chr_close,
};

static const CharIOHooks udp_io_hooks = {
    .recv = udp_chr_recv,
};

static int qemu_chr_open_udp(QemuOpts *opts, CharDriverState **_chr)
{
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *laddr = qemu_opt_get(opts, "localaddr");
    const char *lport = qemu_opt_get(opts, "localport");
    UdpCharDriver *s;
    CharDriverState *chr;
    SockAddr *peer = NULL, *local = NULL;
    SockError err;
    int ret, fd;

    if (!port || !*port) {
        return chr_opt_missing("port", "udp needs port=<remote port>");
    }
    ret = sock_check_port("port", port);
    if (ret == 0 && lport && *lport) {
        ret = sock_check_port("localport", lport);
    }
    if (ret < 0) {
        return ret;
    }
    /* as v0.15.0: no host means this machine */
    ret = sock_resolve(host && *host ? host : "localhost", port,
                       sock_opts_family(opts), SOCK_DGRAM, false, &peer, &err);
    if (ret < 0) {
        qemu_chr_open_error("host", "%s", err.msg);
        goto fail;
    }
    ret = sock_resolve(laddr, lport && *lport ? lport : "0", peer[0].family,
                       SOCK_DGRAM, true, &local, &err);
    if (ret < 0) {
        qemu_chr_open_error("localaddr", "%s", err.msg);
        goto fail;
    }
    ret = sock_dgram(&peer[0], &local[0], &err);
    if (ret < 0) {
        qemu_chr_open_error(!err.local ? "host" : lport ? "localport"
                                                        : "localaddr",
                            "%s", err.msg);
        goto fail;
    }
    fd = sock_fd_watchable(ret);
    if (fd < 0) {
        ret = fd;
        goto fail;
    }
    qemu_free(peer);
    qemu_free(local);

    s = qemu_mallocz(sizeof(*s));
    s->fd = fd;
    s->buf = qemu_malloc(UDP_MAX_PAYLOAD);
    chr = qemu_chr_alloc(&udp_ops, s);
    chr_io_set_hooks(chr, &udp_io_hooks);
    chr_io_set_fds(chr, fd, fd);
    /* datagrams need no peer to be "open"; frontends may wait for OPENED */
    qemu_chr_generic_open(chr);
    *_chr = chr;
    return 0;

fail:
    qemu_free(peer);
    qemu_free(local);
    return ret;
}

/***********************************************************/
/* win32 backends: COM ports, named pipes, console, files */

#ifdef _WIN32
/*
 * The win32 main loop has no fd handlers for handles: input is looked for
 * from a polling callback (qemu_add_polling_cb), and a write that the
 * handle cannot finish at once completes in the background (overlapped
 * I/O) and is waited for with qemu_add_wait_object.  While one write is
 * under way win_chr_write() takes nothing more; the core queues the
 * output meanwhile and flushes it from qemu_chr_be_writable() once the
 * write has completed, so a full pipe or COM port never blocks the loop.
 */

/* Largest write under way at a time; the rest waits in the core's queue. */
#define WIN_SEND_MAX 4096
/* Buffer sizes asked of the driver for a COM port and of a named pipe. */
#define WIN_COM_QUEUE 2048
#define WIN_PIPE_BUFSIZE 4096

typedef struct WinCharDriver {
    CharDriverState *chr;       /* NULL once closed from win_chr_poll() */
    HANDLE hcom;                /* port, pipe, file or console */
    bool overlapped;            /* hcom was opened for overlapped I/O */
    bool own_handle;            /* the console's handle is not ours */
    bool is_pipe;
    /* named pipe: waiting for a client, or one is connected */
    HANDLE hconnect;
    OVERLAPPED oconnect;
    bool connected;
    /* the overlapped write under way, if send_len is not 0 */
    HANDLE hsend;
    OVERLAPPED osend;
    uint8_t sendbuf[WIN_SEND_MAX];
    DWORD send_off, send_len;
    /* the overlapped read the polling callback issues */
    HANDLE hrecv;
    OVERLAPPED orecv;
    bool in_poll;               /* win_chr_poll() is running */
    QEMUBH *free_bh;
} WinCharDriver;

/* Report the failure of a Windows call @what with GetLastError()'s cause. */
static int win_chr_failed(const char *option, const char *what,
                          const char *path)
{
    DWORD err = GetLastError();
    char *cause = g_win32_error_message(err);

    if (path) {
        qemu_chr_open_error(option, "cannot %s \"%s\": %s", what, path,
                            cause);
    } else {
        qemu_chr_open_error(option, "%s failed: %s", what, cause);
    }
    g_free(cause);
    return -EIO;
}

static void win_chr_pipe_listen(CharDriverState *chr);

/* Give up the write under way; what it still held is lost, counted. */
static void win_chr_send_cancel(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;
    DWORD size;

    if (!s->send_len) {
        return;
    }
    CancelIo(s->hcom);
    /* the kernel still owns osend until the cancelled write has ended */
    GetOverlappedResult(s->hcom, &s->osend, &size, TRUE);
    chr_io_count_dropped(chr, s->send_len - s->send_off);
    s->send_len = 0;
}

/* Start writing what sendbuf holds past send_off; false on an error. */
static bool win_chr_send_start(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;
    DWORD size;

    ZeroMemory(&s->osend, sizeof(s->osend));
    s->osend.hEvent = s->hsend;
    if (WriteFile(s->hcom, s->sendbuf + s->send_off,
                  s->send_len - s->send_off, &size, &s->osend)) {
        /* done at once; the event is signalled too, and then ignored */
        s->send_len = 0;
        return true;
    }
    return GetLastError() == ERROR_IO_PENDING;
}

/* The peer went away: what the write still held is lost, counted. */
static void win_chr_send_lost(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;

    chr_io_count_dropped(chr, s->send_len - s->send_off);
    s->send_len = 0;
    /* last: both may reach a frontend, which may close the chardev */
    if (s->is_pipe && s->connected) {
        /* the next client gets none of what was queued for this one */
        win_chr_pipe_listen(chr);
    } else {
        qemu_chr_be_writable(chr);
    }
}

/* hsend was signalled: the write under way has ended. */
static void win_chr_send_done(void *opaque)
{
    WinCharDriver *s = opaque;
    DWORD size;
    BOOL ok;

    if (s->send_len == 0) {
        /* a write done at once signals the event too */
        ResetEvent(s->hsend);
        return;
    }
    ok = GetOverlappedResult(s->hcom, &s->osend, &size, FALSE);
    if (!ok && GetLastError() == ERROR_IO_INCOMPLETE) {
        return;
    }
    s->send_off += ok ? size : 0;
    if (s->send_off < s->send_len) {
        /* a pipe or port completes a write whole unless its peer is gone */
        win_chr_send_lost(s->chr);
        return;
    }
    s->send_len = 0;
    ResetEvent(s->hsend);
    qemu_chr_be_writable(s->chr);
}

static int win_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    WinCharDriver *s = chr->opaque;
    DWORD size;

    if (!s->overlapped) {
        /* console and files: the handle takes it at once or fails */
        if (!WriteFile(s->hcom, buf, len, &size, NULL)) {
            return -1;
        }
        return size;
    }
    if (s->is_pipe && !s->connected) {
        /* no client: dropped as a socket without a peer drops it */
        chr_io_count_dropped(chr, len);
        return len;
    }
    if (s->send_len) {
        return 0;
    }
    s->send_off = 0;
    s->send_len = MIN(len, WIN_SEND_MAX);
    memcpy(s->sendbuf, buf, s->send_len);
    if (!win_chr_send_start(chr)) {
        s->send_len = 0;
        if (s->is_pipe) {
            /* the client left; win_chr_poll() sees it and says CLOSED */
            chr_io_count_dropped(chr, len);
            return len;
        }
        return -1;
    }
    /* taken: the bytes are in sendbuf until the write completes */
    return MIN(len, WIN_SEND_MAX);
}

/* Bytes waiting to be read: 0 if none, -1 if the peer is gone. */
static int win_chr_avail(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;
    COMSTAT status;
    DWORD err, size = 0;

    if (s->is_pipe) {
        if (!PeekNamedPipe(s->hcom, NULL, 0, NULL, &size, NULL)) {
            return -1;
        }
        return MIN(size, READ_BUF_LEN);
    }
    if (!ClearCommError(s->hcom, &err, &status)) {
        return 0;
    }
    return MIN(status.cbInQue, READ_BUF_LEN);
}

/* Read what is waiting, if the frontend has room; true if it read. */
static bool win_chr_poll_read(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;
    uint8_t buf[READ_BUF_LEN];
    int room, avail;
    DWORD size = 0;

    if (s->is_pipe && !s->connected) {
        return false;
    }
    /* looked at even when the frontend takes nothing: a client may leave */
    avail = win_chr_avail(chr);
    if (avail < 0) {
        win_chr_pipe_listen(chr);
        return false;
    }
    room = qemu_chr_can_read(chr);
    if (room <= 0 || avail == 0) {
        return false;
    }
    ZeroMemory(&s->orecv, sizeof(s->orecv));
    s->orecv.hEvent = s->hrecv;
    /* the bytes are there already: the overlapped read ends at once */
    if (!ReadFile(s->hcom, buf, MIN(room, avail), &size, &s->orecv) &&
        (GetLastError() != ERROR_IO_PENDING ||
         !GetOverlappedResult(s->hcom, &s->orecv, &size, TRUE))) {
        return false;
    }
    if (size > 0) {
        qemu_chr_read(chr, buf, size);
    }
    return size > 0;
}

/*
 * Polling callback (its opaque is the WinCharDriver, which outlives the
 * chardev if a frontend closes it from here): nonzero if it read, so
 * that the main loop does not sleep.
 */
static int win_chr_poll(void *opaque)
{
    WinCharDriver *s = opaque;
    bool did_read;

    if (!s->chr) {
        return 0;
    }
    s->in_poll = true;
    did_read = win_chr_poll_read(s->chr);
    s->in_poll = false;
    return did_read;
}

/* A client connected to the pipe (or the connect failed). */
static void win_chr_pipe_connected(void *opaque)
{
    WinCharDriver *s = opaque;
    CharDriverState *chr = s->chr;
    DWORD size;

    if (!GetOverlappedResult(s->hcom, &s->oconnect, &size, FALSE)) {
        if (GetLastError() == ERROR_IO_INCOMPLETE) {
            return;
        }
        /* the client came and went before we looked: wait for the next */
        win_chr_pipe_listen(chr);
        return;
    }
    ResetEvent(s->hconnect);
    s->connected = true;
    qemu_chr_event(chr, CHR_EVENT_OPENED);
}

/*
 * Wait for the next client in the background; the one before (if any)
 * is gone.  The pipe takes one client at a time, as v0.15.0's did.
 */
static void win_chr_pipe_listen(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;
    bool was_connected = s->connected;

    win_chr_send_cancel(chr);
    s->connected = false;
    DisconnectNamedPipe(s->hcom);
    ZeroMemory(&s->oconnect, sizeof(s->oconnect));
    s->oconnect.hEvent = s->hconnect;
    if (ConnectNamedPipe(s->hcom, &s->oconnect) ||
        GetLastError() == ERROR_PIPE_CONNECTED) {
        /* a client was quicker than the call: it is connected now */
        SetEvent(s->hconnect);
    }
    if (was_connected) {
        chr_io_drop_output(chr);
        qemu_chr_event(chr, CHR_EVENT_CLOSED);
    }
}

static void win_chr_free(WinCharDriver *s);

/*
 * The main loop walks its list of polling callbacks while it calls them,
 * so the one of a chardev closed from inside it goes in a bottom half.
 */
static void win_chr_free_bh(void *opaque)
{
    WinCharDriver *s = opaque;

    qemu_bh_delete(s->free_bh);
    qemu_del_polling_cb(win_chr_poll, s);
    win_chr_free(s);
}

static void win_chr_close(CharDriverState *chr)
{
    WinCharDriver *s = chr->opaque;

    if (s->hconnect) {
        qemu_del_wait_object(s->hconnect, win_chr_pipe_connected, s);
    }
    if (s->overlapped) {
        qemu_del_wait_object(s->hsend, win_chr_send_done, s);
        win_chr_send_cancel(chr);
    }
    s->chr = NULL;
    if (s->overlapped && s->in_poll) {
        s->free_bh = qemu_bh_new(win_chr_free_bh, s);
        qemu_bh_schedule(s->free_bh);
        return;
    }
    if (s->overlapped) {
        qemu_del_polling_cb(win_chr_poll, s);
    }
    win_chr_free(s);
}

static const CharDriverOps win_ops = {
    .chr_write = win_chr_write,
    .chr_close = win_chr_close,
};

/* A WinCharDriver with no handles yet (INVALID_HANDLE_VALUE: none). */
static WinCharDriver *win_chr_new(void)
{
    WinCharDriver *s = qemu_mallocz(sizeof(*s));

    s->hcom = INVALID_HANDLE_VALUE;
    s->own_handle = true;
    return s;
}

/* The events of overlapped I/O on s->hcom; false, reported, on failure. */
static bool win_chr_events(WinCharDriver *s)
{
    s->hsend = CreateEvent(NULL, TRUE, FALSE, NULL);
    s->hrecv = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (!s->hsend || !s->hrecv) {
        win_chr_failed(NULL, "CreateEvent", NULL);
        return false;
    }
    s->overlapped = true;
    return true;
}

/*
 * Hook an overlapped handle's events to the main loop: 0, or -EMFILE,
 * reported, if the main loop cannot wait on more handles.
 */
static int win_chr_add_waits(WinCharDriver *s)
{
    if (qemu_add_wait_object(s->hsend, win_chr_send_done, s) < 0) {
        goto full;
    }
    if (s->hconnect &&
        qemu_add_wait_object(s->hconnect, win_chr_pipe_connected, s) < 0) {
        qemu_del_wait_object(s->hsend, win_chr_send_done, s);
        goto full;
    }
    return 0;

full:
    qemu_chr_open_error(NULL, "the main loop waits on at most %d handles "
                        "(MAXIMUM_WAIT_OBJECTS), and they are taken",
                        MAXIMUM_WAIT_OBJECTS);
    return -EMFILE;
}

/* Make the chardev; an overlapped handle is polled for input from now. */
static CharDriverState *win_chr_register(WinCharDriver *s)
{
    s->chr = qemu_chr_alloc(&win_ops, s);
    if (s->overlapped) {
        qemu_add_polling_cb(win_chr_poll, s);
    }
    return s->chr;
}

/* Frees the handles and the state (also of an open that failed). */
static void win_chr_free(WinCharDriver *s)
{
    if (s->hconnect) {
        CloseHandle(s->hconnect);
    }
    if (s->hsend) {
        CloseHandle(s->hsend);
    }
    if (s->hrecv) {
        CloseHandle(s->hrecv);
    }
    if (s->own_handle && s->hcom != INVALID_HANDLE_VALUE) {
        CloseHandle(s->hcom);
    }
    qemu_free(s);
}

/* serial: a host COM port, path=COM1 (or \\.\COM10 and above). */
static int qemu_chr_open_win(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "serial needs path=<COMn>");
    COMMTIMEOUTS cto = { 0, 0, 0, 0, 0 };
    COMMCONFIG comcfg;
    COMSTAT comstat;
    DWORD size, err;
    WinCharDriver *s;
    int ret = -EIO;

    if (!path) {
        return -EINVAL;
    }
    s = win_chr_new();
    s->hcom = CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                         OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (s->hcom == INVALID_HANDLE_VALUE) {
        ret = win_chr_failed("path", "open", path);
        goto fail;
    }
    if (!win_chr_events(s)) {
        goto fail;
    }
    if (!SetupComm(s->hcom, WIN_COM_QUEUE, WIN_COM_QUEUE)) {
        ret = win_chr_failed("path", "set up the queues of", path);
        goto fail;
    }
    /* the port's defaults; line settings come from the guest's UART */
    ZeroMemory(&comcfg, sizeof(comcfg));
    size = sizeof(comcfg);
    comcfg.dcb.DCBlength = sizeof(DCB);
    if (!GetDefaultCommConfig(path, &comcfg, &size)) {
        /* \\.\COMn names have no defaults: keep the port's settings */
        comcfg.dcb.DCBlength = sizeof(DCB);
        GetCommState(s->hcom, &comcfg.dcb);
    }
    comcfg.dcb.DCBlength = sizeof(DCB);
    if (!SetCommState(s->hcom, &comcfg.dcb) ||
        !SetCommMask(s->hcom, EV_ERR)) {
        ret = win_chr_failed("path", "configure", path);
        goto fail;
    }
    /* reads return what is there at once: the polling callback never waits */
    cto.ReadIntervalTimeout = MAXDWORD;
    if (!SetCommTimeouts(s->hcom, &cto) ||
        !ClearCommError(s->hcom, &err, &comstat)) {
        ret = win_chr_failed("path", "configure", path);
        goto fail;
    }
    ret = win_chr_add_waits(s);
    if (ret < 0) {
        goto fail;
    }
    *_chr = win_chr_register(s);
    qemu_chr_generic_open(*_chr);
    return 0;

fail:
    win_chr_free(s);
    return ret;
}

/*
 * pipe: the server end of the named pipe \\.\pipe\<path>.  Opening does
 * not wait for a client: OPENED is reported when one connects, CLOSED
 * when it leaves, and the pipe then waits for the next; output meanwhile
 * is dropped and counted.
 */
static int qemu_chr_open_win_pipe(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "pipe needs path=<pipe name>");
    CharDriverState *chr;
    WinCharDriver *s;
    char *name;
    int ret = -EIO;

    if (!path) {
        return -EINVAL;
    }
    s = win_chr_new();
    s->is_pipe = true;
    name = chr_strdup_printf("\\\\.\\pipe\\%s", path);
    s->hcom = CreateNamedPipe(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                              PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT,
                              1, WIN_PIPE_BUFSIZE, WIN_PIPE_BUFSIZE, 0, NULL);
    if (s->hcom == INVALID_HANDLE_VALUE) {
        ret = win_chr_failed("path", "create", name);
        goto fail;
    }
    if (!win_chr_events(s)) {
        goto fail;
    }
    s->hconnect = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (!s->hconnect) {
        ret = win_chr_failed(NULL, "CreateEvent", NULL);
        goto fail;
    }
    ret = win_chr_add_waits(s);
    if (ret < 0) {
        goto fail;
    }
    qemu_free(name);
    chr = win_chr_register(s);
    win_chr_pipe_listen(chr);
    *_chr = chr;
    return 0;

fail:
    qemu_free(name);
    win_chr_free(s);
    return ret;
}

/* console: QEMU's standard output (output only, as in v0.15.0). */
static int qemu_chr_open_win_con(QemuOpts *opts, CharDriverState **_chr)
{
    WinCharDriver *s = win_chr_new();

    s->hcom = GetStdHandle(STD_OUTPUT_HANDLE);
    s->own_handle = false;
    *_chr = win_chr_register(s);
    qemu_chr_generic_open(*_chr);
    return 0;
}

/* file: output to path=, truncated at open like the POSIX file backend. */
static int qemu_chr_open_win_file_out(QemuOpts *opts, CharDriverState **_chr)
{
    const char *path = chr_opt_path(opts, "file needs path=<file>");
    WinCharDriver *s;

    if (!path) {
        return -EINVAL;
    }
    s = win_chr_new();
    /* a regular file takes a write at once: no overlapped I/O needed */
    s->hcom = CreateFile(path, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                         CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (s->hcom == INVALID_HANDLE_VALUE) {
        int ret = win_chr_failed("path", "create", path);

        win_chr_free(s);
        return ret;
    }
    *_chr = win_chr_register(s);
    qemu_chr_generic_open(*_chr);
    return 0;
}

/*
 * The host pieces of the socket and udp backends (declared at the top of
 * the socket section).  Their sockets are watched by the main loop's
 * select() as on POSIX hosts, save a connect() under way: select()
 * reports its failure in exceptfds, which the main loop does not watch,
 * so its end is waited for through an event instead.
 */

/*
 * From here to sock_connect_ended() the functions need nothing but
 * winsock: tests/win32/wine-socket builds them alone and runs them under
 * wine, where there is no glib for the rest of this file.
 */

/* winsock's codes, as the errno values the shared code compares with */
static const struct {
    int wsa;
    int err;
} sock_wsa_errnos[] = {
    { WSAEWOULDBLOCK, EAGAIN },
    { WSAEINTR, EINTR },
    { WSAECONNABORTED, ECONNABORTED },
    { WSAECONNREFUSED, ECONNREFUSED },
    { WSAECONNRESET, ECONNRESET },
    { WSAEHOSTUNREACH, EHOSTUNREACH },
    { WSAENETUNREACH, ENETUNREACH },
    { WSAENOBUFS, ENOBUFS },
    { WSAEMFILE, EMFILE },
    { WSAEADDRINUSE, EADDRINUSE },
    { WSAENOTCONN, ENOTCONN },
    { WSAETIMEDOUT, ETIMEDOUT },
};

static int sock_errno(void)
{
    int wsa = socket_error();
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(sock_wsa_errnos); i++) {
        if (sock_wsa_errnos[i].wsa == wsa) {
            return sock_wsa_errnos[i].err;
        }
    }
    return EIO;
}

static int sock_queued(int fd)
{
    u_long avail;

    if (ioctlsocket(fd, FIONREAD, &avail) != 0 || avail > INT_MAX) {
        return 0;
    }
    return avail;
}

static int sock_wait_readable(int fd)
{
    fd_set rfds;

    FD_ZERO(&rfds);
    FD_SET(fd, &rfds);
    return select(fd + 1, &rfds, NULL, NULL, NULL) < 0 ? -sock_errno() : 0;
}

/* winsock's fd_set holds FD_SETSIZE sockets of any value: nothing to check */
static int sock_fd_watchable(int fd)
{
    return fd;
}

/* Has the connect() under way on fd ended, either way? */
static bool sock_connect_ended(int fd)
{
    fd_set wfds, xfds;
    struct timeval tv = { 0, 0 };

    FD_ZERO(&wfds);
    FD_ZERO(&xfds);
    FD_SET(fd, &wfds);
    FD_SET(fd, &xfds);
    return select(fd + 1, NULL, &wfds, &xfds, &tv) > 0;
}

static ssize_t tcp_chr_recvmsg(SocketCharDriver *s, uint8_t *buf,
                               size_t len)
{
    return recv(s->fd, (void *)buf, MIN(len, INT_MAX), 0);
}

static void tcp_chr_connect_event(void *opaque)
{
    CharDriverState *chr = opaque;
    SocketCharDriver *s = chr->opaque;

    WSAResetEvent(s->connect_event);
    if (sock_connect_ended(s->connect_fd)) {
        tcp_chr_connect_done(chr);
    }
}

static void tcp_chr_watch_connect(CharDriverState *chr, bool on)
{
    SocketCharDriver *s = chr->opaque;

    if (on) {
        s->connect_event = WSACreateEvent();
        WSAEventSelect(s->connect_fd, s->connect_event, FD_CONNECT);
        /* FD_CONNECT is not recorded for a connect that ended before */
        if (sock_connect_ended(s->connect_fd)) {
            WSASetEvent(s->connect_event);
        }
        qemu_add_wait_object(s->connect_event, tcp_chr_connect_event, chr);
        return;
    }
    if (s->connect_event) {
        qemu_del_wait_object(s->connect_event, tcp_chr_connect_event, chr);
        /* back to a plain non-blocking socket for the main loop's select() */
        WSAEventSelect(s->connect_fd, NULL, 0);
        WSACloseEvent(s->connect_event);
        s->connect_event = NULL;
    }
}

static int tcp_chr_unix_setup(CharDriverState *chr, QemuOpts *opts,
                              bool is_listen, SockAddr **addrs)
{
    qemu_chr_open_error("path", "unix sockets are not available on this "
                        "host (use host= and port=)");
    return -ENOTSUP;
}

/* There are no unix server sockets, so no socket file to remove. */
static void tcp_chr_unix_close(SocketCharDriver *s)
{
}
#endif /* _WIN32 */

/***********************************************************/
/* ringbuf backend: the last output, kept for the monitor */

/*
 * -chardev ringbuf,id=ID,size=N keeps the last N bytes of the frontend's
 * output (N a power of two; older bytes are overwritten) for ringbuf-read.
 * ringbuf-write puts data into the ring as if the frontend had written
 * it; the frontend never gets input from this backend.
 *
 * The ring is a ByteFifo bounded at N: a write first consumes the
 * oldest bytes it would not fit beside, so the newest N always stay.
 */
#define RINGBUF_DEFAULT_SIZE 65536
#define RINGBUF_MAX_SIZE (1u << 30)

typedef struct RingBufCharDriver {
    ByteFifo ring;
} RingBufCharDriver;

static int ringbuf_chr_write(CharDriverState *chr, const uint8_t *buf,
                             int len)
{
    RingBufCharDriver *d = chr->opaque;
    size_t size = d->ring.limit;
    size_t n = len;

    if (n > size) {
        /* only the last size bytes can stay */
        buf += n - size;
        n = size;
    }
    if (n > byte_fifo_room(&d->ring)) {
        byte_fifo_consume(&d->ring, n - byte_fifo_room(&d->ring));
    }
    byte_fifo_push(&d->ring, buf, n);
    return len;
}

static size_t ringbuf_read_bytes(RingBufCharDriver *d, uint8_t *buf,
                                 size_t len)
{
    return byte_fifo_pop(&d->ring, buf, len);
}

static void ringbuf_chr_close(CharDriverState *chr)
{
    RingBufCharDriver *d = chr->opaque;

    byte_fifo_destroy(&d->ring);
    qemu_free(d);
}

static const CharDriverOps ringbuf_ops = {
    .chr_write = ringbuf_chr_write,
    .chr_close = ringbuf_chr_close,
};

static int qemu_chr_open_ringbuf(QemuOpts *opts, CharDriverState **_chr)
{
    uint64_t size = qemu_opt_get_size(opts, "size", RINGBUF_DEFAULT_SIZE);
    RingBufCharDriver *d;
    CharDriverState *chr;

    if (size == 0 || (size & (size - 1)) != 0) {
        qemu_chr_open_error("size", "%" PRIu64 " is not a power of two",
                            size);
        return -EINVAL;
    }
    if (size > RINGBUF_MAX_SIZE) {
        qemu_chr_open_error("size", "%" PRIu64 " is too large (at most %u)",
                            size, RINGBUF_MAX_SIZE);
        return -EINVAL;
    }
    d = qemu_mallocz(sizeof(*d));
    byte_fifo_init(&d->ring, size);
    chr = qemu_chr_alloc(&ringbuf_ops, d);
    qemu_chr_generic_open(chr);
    *_chr = chr;
    return 0;
}

/* The ringbuf chardev @device (a mux: its base); NULL, reported, if none. */
static CharDriverState *ringbuf_find(const char *device)
{
    CharDriverState *chr = qemu_chr_find(device);

    if (!chr) {
        qerror_report(QERR_DEVICE_NOT_FOUND, device);
        return NULL;
    }
    if (chr_is_mux(chr)) {
        chr = ((MuxDriver *)chr->opaque)->drv;
    }
    if (chr->chr_close != ringbuf_chr_close) {
        char *what = g_strdup_printf("a ringbuf chardev ('%s' is not one)",
                                     device);

        qerror_report(QERR_INVALID_PARAMETER_VALUE, "device", what);
        g_free(what);
        return NULL;
    }
    return chr;
}

/* format=utf8 (the default) or base64; -1, reported, if neither. */
static int ringbuf_is_base64(const QDict *qdict)
{
    const char *format = qdict_get_try_str(qdict, "format");

    if (!format || strcmp(format, "utf8") == 0) {
        return 0;
    }
    if (strcmp(format, "base64") == 0) {
        return 1;
    }
    qerror_report(QERR_INVALID_PARAMETER_VALUE, "format",
                  "'utf8' or 'base64'");
    return -1;
}

/* g_base64_decode() skips what it does not know: check first. */
static bool ringbuf_base64_valid(const char *s)
{
    size_t len = strlen(s);
    size_t body = len;

    if (len % 4 != 0) {
        return false;
    }
    while (body > 0 && len - body < 2 && s[body - 1] == '=') {
        body--;
    }
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789+/") == body;
}

int do_ringbuf_write(Monitor *mon, const QDict *qdict, QObject **ret_data)
{
    const char *data = qdict_get_str(qdict, "data");
    CharDriverState *chr = ringbuf_find(qdict_get_str(qdict, "device"));
    uint8_t *decoded = NULL;
    const uint8_t *buf = (const uint8_t *)data;
    size_t len = strlen(data);
    int base64 = ringbuf_is_base64(qdict);

    if (!chr || base64 < 0) {
        return -1;
    }
    if (base64) {
        gsize dlen;

        if (!ringbuf_base64_valid(data)) {
            qerror_report(QERR_INVALID_PARAMETER_VALUE, "data",
                          "base64 data");
            return -1;
        }
        decoded = g_base64_decode(data, &dlen);
        buf = decoded;
        len = dlen;
    }
    if (len > INT_MAX) {
        qerror_report(QERR_INVALID_PARAMETER_VALUE, "data",
                      "less than 2 GiB");
        g_free(decoded);
        return -1;
    }
    /*
     * The frontend's own way in, so the ring (and a logfile= copy) see
     * the data exactly as if the frontend had written it.  The ring takes
     * every byte, overwriting the oldest, so nothing is left over.
     */
    qemu_chr_write(chr, buf, len);
    g_free(decoded);
    return 0;
}

/* Valid UTF-8 as it is; other bytes, and NUL, become U+FFFD. */
static char *ringbuf_to_utf8(const uint8_t *buf, size_t len)
{
    GString *out = g_string_sized_new(len + 1);
    const char *p = (const char *)buf, *end = p + len;

    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);

        if (c == (gunichar)-1 || c == (gunichar)-2 || c == 0) {
            g_string_append(out, "\xef\xbf\xbd");
            p++;
        } else {
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
            p = g_utf8_next_char(p);
        }
    }
    return g_string_free(out, FALSE);
}

int do_ringbuf_read(Monitor *mon, const QDict *qdict, QObject **ret_data)
{
    CharDriverState *chr = ringbuf_find(qdict_get_str(qdict, "device"));
    int64_t size = qdict_get_int(qdict, "size");
    int base64 = ringbuf_is_base64(qdict);
    RingBufCharDriver *d;
    uint8_t *buf;
    char *text;
    size_t n;

    if (!chr || base64 < 0) {
        return -1;
    }
    if (size <= 0) {
        qerror_report(QERR_INVALID_PARAMETER_VALUE, "size",
                      "a positive number");
        return -1;
    }
    d = chr->opaque;
    buf = qemu_malloc(MIN((uint64_t)size, d->ring.limit));
    n = ringbuf_read_bytes(d, buf, MIN((uint64_t)size, d->ring.limit));
    text = base64 ? g_base64_encode(buf, n) : ringbuf_to_utf8(buf, n);
    *ret_data = QOBJECT(qstring_from_str(text));
    g_free(text);
    qemu_free(buf);
    return 0;
}

/* HMP: the text, with control characters other than \n and \t escaped. */
void do_ringbuf_read_print(Monitor *mon, const QObject *data)
{
    const char *p = qstring_get_str(qobject_to_qstring(data));

    for (; *p; p++) {
        unsigned char ch = *p;

        if (ch == '\\') {
            monitor_printf(mon, "\\\\");
        } else if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f) {
            monitor_printf(mon, "\\u%04X", ch);
        } else {
            monitor_printf(mon, "%c", ch);
        }
    }
    monitor_printf(mon, "\n");
}

/***********************************************************/
/* Backend table: every backend's name, open function and options */

static const char *const chr_opts_none[] = { NULL };
static const char *const chr_opts_path[] = { "path", NULL };
static const char *const chr_opts_vc[] = {
    "width", "height", "cols", "rows", NULL
};
static const char *const chr_opts_ringbuf[] = { "size", NULL };
static const char *const chr_opts_socket[] = {
    "path", "host", "port", "to", "ipv4", "ipv6", "server", "wait", "delay",
    "telnet", "reconnect", NULL
};
static const char *const chr_opts_udp[] = {
    "host", "port", "localaddr", "localport", "ipv4", "ipv6", NULL
};
#ifndef _WIN32
static const char *const chr_opts_stdio[] = { "signal", NULL };
#endif
#ifdef CONFIG_SPICE
static const char *const chr_opts_spice[] = { "name", "debug", NULL };
#endif

static const CharBackendEntry backend_table[] = {
    { "null",      qemu_chr_open_null,       chr_opts_none },
    { "vc",        text_console_init,        chr_opts_vc },
    { "msmouse",   qemu_chr_open_msmouse,    chr_opts_none },
    /* the host-specific backends: one list per platform */
#ifndef _WIN32
    { "pty",       qemu_chr_open_pty,        chr_opts_none },
    { "stdio",     qemu_chr_open_stdio,      chr_opts_stdio },
    { "tty",       qemu_chr_open_tty,        chr_opts_path },
    { "parport",   qemu_chr_open_pp,         chr_opts_path },
    { "file",      qemu_chr_open_file_out,   chr_opts_path },
    { "pipe",      qemu_chr_open_pipe,       chr_opts_path },
    { "socket",    qemu_chr_open_socket,     chr_opts_socket },
    { "udp",       qemu_chr_open_udp,        chr_opts_udp },
#else
    { "file",      qemu_chr_open_win_file_out, chr_opts_path },
    { "pipe",      qemu_chr_open_win_pipe,   chr_opts_path },
    { "console",   qemu_chr_open_win_con,    chr_opts_none },
    { "serial",    qemu_chr_open_win,        chr_opts_path },
    { "socket",    qemu_chr_open_socket,     chr_opts_socket },
    { "udp",       qemu_chr_open_udp,        chr_opts_udp },
#endif
    { "ringbuf",   qemu_chr_open_ringbuf,    chr_opts_ringbuf },
#ifdef CONFIG_BRLAPI
    { "braille",   chr_baum_init,            chr_opts_none },
#endif
#ifdef CONFIG_SPICE
    { "spicevmc",  qemu_chr_open_spice,      chr_opts_spice },
    { "spiceport", qemu_chr_open_spice_port, chr_opts_spice },
#endif
};

static const CharBackendEntry *chr_find_backend(const char *name)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(backend_table); i++) {
        if (strcmp(backend_table[i].name, name) == 0) {
            return &backend_table[i];
        }
    }
    return NULL;
}

static char *chr_backend_names(void)
{
    char *names = qemu_strdup("");
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(backend_table); i++) {
        chr_list_append(&names, backend_table[i].name);
    }
    return names;
}
