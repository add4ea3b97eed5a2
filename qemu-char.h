/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character devices: API between frontends (devices, monitor) and backends. */
#ifndef QEMU_CHAR_H
#define QEMU_CHAR_H

#include "qemu-common.h"
#include "qemu-queue.h"
#include "qemu-option.h"
#include "qemu-config.h"
#include "qobject.h"
#include "qdict.h"
#include "qstring.h"

/* Events a backend reports to its frontend (IOEventHandler). */
#define CHR_EVENT_BREAK   0 /* break received (serial break, telnet BRK) */
#define CHR_EVENT_FOCUS   1 /* input focus moved to this frontend */
#define CHR_EVENT_OPENED  2 /* the backend connection is up */
#define CHR_EVENT_MUX_IN  3 /* mux focus moved to this frontend */
#define CHR_EVENT_MUX_OUT 4 /* mux focus is leaving this frontend */
#define CHR_EVENT_CLOSED  5 /* the backend connection went away */

/* ioctls a frontend may send to a backend (qemu_chr_ioctl) */
#define CHR_IOCTL_SERIAL_SET_PARAMS   1
typedef struct {
    int speed;
    int parity;         /* 'N', 'E' or 'O' */
    int data_bits;
    int stop_bits;
} QEMUSerialSetParams;

#define CHR_IOCTL_SERIAL_SET_BREAK    2

#define CHR_IOCTL_PP_READ_DATA        3
#define CHR_IOCTL_PP_WRITE_DATA       4
#define CHR_IOCTL_PP_READ_CONTROL     5
#define CHR_IOCTL_PP_WRITE_CONTROL    6
#define CHR_IOCTL_PP_READ_STATUS      7
#define CHR_IOCTL_PP_EPP_READ_ADDR    8
#define CHR_IOCTL_PP_EPP_READ         9
#define CHR_IOCTL_PP_EPP_WRITE_ADDR  10
#define CHR_IOCTL_PP_EPP_WRITE       11
#define CHR_IOCTL_PP_DATA_DIR        12

#define CHR_IOCTL_SERIAL_SET_TIOCM   13
#define CHR_IOCTL_SERIAL_GET_TIOCM   14

/* modem line bits for CHR_IOCTL_SERIAL_{GET,SET}_TIOCM */
#define CHR_TIOCM_CTS   0x020
#define CHR_TIOCM_CAR   0x040
#define CHR_TIOCM_DSR   0x100
#define CHR_TIOCM_RI    0x080
#define CHR_TIOCM_DTR   0x002
#define CHR_TIOCM_RTS   0x004

/* Frontends on one mux=on backend (avail_connections of a mux). */
#define MAX_MUX 4

/*
 * Addition: the longest chardev id, in characters.  Longer ids are
 * refused when a chardev is opened: v0.15.0's vl.c keeps only this many
 * of the id in "-monitor chardev:<id>" (and its option parser cuts any
 * value after 1023), so a longer id would silently name another chardev.
 */
#define CHR_ID_MAX 31

typedef void IOEventHandler(void *opaque, int event);

/* fd watches and the output queue of fd-based backends; see qemu-char.c */
typedef struct CharBackendIO CharBackendIO;
/* logfile=: a copy of what the backend delivered; see qemu-char.c */
typedef struct CharLog CharLog;

struct CharDriverState {
    void (*init)(struct CharDriverState *s);
    int (*chr_write)(struct CharDriverState *s, const uint8_t *buf, int len);
    void (*chr_update_read_handler)(struct CharDriverState *s);
    int (*chr_ioctl)(struct CharDriverState *s, int cmd, void *arg);
    int (*get_msgfd)(struct CharDriverState *s);
    int (*chr_add_client)(struct CharDriverState *chr, int fd);
    IOEventHandler *chr_event;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    void *handler_opaque;
    void (*chr_send_event)(struct CharDriverState *chr, int event);
    void (*chr_close)(struct CharDriverState *chr);
    void (*chr_accept_input)(struct CharDriverState *chr);
    void (*chr_set_echo)(struct CharDriverState *chr, bool echo);
    void (*chr_guest_open)(struct CharDriverState *chr);
    void (*chr_guest_close)(struct CharDriverState *chr);
    void *opaque;
    QEMUBH *bh;
    char *label;
    char *filename;
    int opened;
    int avail_connections;
    QTAILQ_ENTRY(CharDriverState) next;

    /*
     * Additions beyond v0.15.0.  Code outside qemu-char.c that allocates a
     * zeroed CharDriverState keeps working: zero means "not in use".
     */
    int fe_open;                /* frontend (guest) has the device open */
    int explicit_fe_open;       /* the frontend reports guest open/close */
    int max_connections;        /* bound for avail_connections on release */
    IOHandler *chr_write_ready; /* see qemu_chr_set_write_ready() */
    void *write_ready_opaque;
    CharBackendIO *io;          /* owned by the core, NULL if unused */
    uint64_t dropped_noq;       /* without io: what chr_write did not take */
    CharLog *log;               /* logfile=, owned by the core, or NULL */
    int legacy;                 /* opened by qemu_chr_open(): the label is
                                   not the user's, chardev-remove refuses */
};

/*
 * Addition: the operations of one backend.  qemu_chr_alloc() copies them
 * into the v0.15.0 function pointers of a new CharDriverState, so each
 * backend keeps a single static table.  Any member may be NULL.
 */
typedef struct CharDriverOps {
    int (*chr_write)(CharDriverState *s, const uint8_t *buf, int len);
    void (*chr_update_read_handler)(CharDriverState *s);
    int (*chr_ioctl)(CharDriverState *s, int cmd, void *arg);
    int (*get_msgfd)(CharDriverState *s);
    int (*chr_add_client)(CharDriverState *s, int fd);
    void (*chr_send_event)(CharDriverState *s, int event);
    void (*chr_close)(CharDriverState *s);
    void (*chr_accept_input)(CharDriverState *s);
    void (*chr_set_echo)(CharDriverState *s, bool echo);
    void (*chr_guest_open)(CharDriverState *s);
    void (*chr_guest_close)(CharDriverState *s);
} CharDriverOps;

QemuOpts *qemu_chr_parse_compat(const char *label, const char *filename);
CharDriverState *qemu_chr_open_opts(QemuOpts *opts,
                                    void (*init)(struct CharDriverState *s));
CharDriverState *qemu_chr_open(const char *label, const char *filename,
                               void (*init)(struct CharDriverState *s));
void qemu_chr_set_echo(struct CharDriverState *chr, bool echo);
/*
 * "frontend-open" of query-chardev ("info chardev") says whether the
 * frontend has the chardev open, for two kinds of frontend:
 * - one whose guest opens and closes the device (a virtio-serial port)
 *   reports it with qemu_chr_guest_open() and qemu_chr_guest_close();
 *   from its first call of either, frontend-open is the guest's state.
 *   Such a frontend declares itself when it attaches by calling
 *   qemu_chr_guest_close() (a no-op for the backend if not open);
 * - any other (monitor, serial ports, spice frontends such as usb-redir)
 *   never calls them: the chardev is open while its handlers are
 *   attached (qemu_chr_add_handlers() with anything but NULLs).
 * Releasing the handlers forgets the kind, for the next frontend.
 * qemu_chr_fe_is_open() (an addition) gives that state to backends.
 *
 * On a mux (mux=on) the frontends share one backend, so guest open/close
 * never reaches it: one port closing must not close the device for the
 * monitor next to it.  The mux keeps the state per frontend instead:
 * qemu_chr_fe_guest_open()/qemu_chr_fe_guest_close() (additions) name
 * the frontend by the opaque it passed to qemu_chr_add_handlers(), the
 * v0.15.0 calls count for the frontend that attached last.  On a mux,
 * qemu_chr_fe_is_open() and frontend-open are the state of the focused
 * frontend (the one a client of the backend talks to), by the rules
 * above; false while no frontend is attached.  On other chardevs the
 * additions are the v0.15.0 calls.
 */
void qemu_chr_guest_open(struct CharDriverState *chr);
void qemu_chr_guest_close(struct CharDriverState *chr);
void qemu_chr_fe_guest_open(CharDriverState *chr, void *opaque);
void qemu_chr_fe_guest_close(CharDriverState *chr, void *opaque);
bool qemu_chr_fe_is_open(const CharDriverState *chr);
void qemu_chr_close(CharDriverState *chr);
void qemu_chr_printf(CharDriverState *s, const char *fmt, ...)
    GCC_FMT_ATTR(2, 3);
int qemu_chr_write(CharDriverState *s, const uint8_t *buf, int len);
void qemu_chr_send_event(CharDriverState *s, int event);
void qemu_chr_add_handlers(CharDriverState *s,
                           IOCanReadHandler *fd_can_read,
                           IOReadHandler *fd_read,
                           IOEventHandler *fd_event,
                           void *opaque);
int qemu_chr_ioctl(CharDriverState *s, int cmd, void *arg);
void qemu_chr_generic_open(CharDriverState *s);
int qemu_chr_can_read(CharDriverState *s);
void qemu_chr_read(CharDriverState *s, uint8_t *buf, int len);
int qemu_chr_get_msgfd(CharDriverState *s);
void qemu_chr_accept_input(CharDriverState *s);
int qemu_chr_add_client(CharDriverState *s, int fd);
void qemu_chr_info_print(Monitor *mon, const QObject *ret_data);
void qemu_chr_info(Monitor *mon, QObject **ret_data);
CharDriverState *qemu_chr_find(const char *name);

/* a chardev over an eventfd (ivshmem peers) */
CharDriverState *qemu_chr_open_eventfd(int eventfd);

extern int term_escape_char;

/* memory chardev: collects output (monitor command passthrough) */
void qemu_chr_init_mem(CharDriverState *chr);
void qemu_chr_close_mem(CharDriverState *chr);
QString *qemu_chr_mem_to_qs(CharDriverState *chr);
size_t qemu_chr_mem_osize(const CharDriverState *chr);

/*
 * Addition: monitor commands of the ringbuf backend (QMP ringbuf-write,
 * ringbuf-read; HMP ringbuf_write, ringbuf_read), v0.15.0 cmd_new style.
 */
int do_ringbuf_write(Monitor *mon, const QDict *qdict, QObject **ret_data);
int do_ringbuf_read(Monitor *mon, const QDict *qdict, QObject **ret_data);
void do_ringbuf_read_print(Monitor *mon, const QObject *data);

/*
 * Additions: writing with back-pressure.
 *
 * qemu_chr_write() keeps its v0.15.0 contract: the caller hands over the
 * whole buffer.  What the backend cannot take now waits in a bounded
 * per-chardev queue that is flushed when the backend becomes writable;
 * what does not fit is dropped and counted (qemu_chr_dropped_bytes(), and
 * "info chardev").  The main loop never blocks or spins on a slow peer.
 * A socket without a peer discards output, as in v0.15.0, and counts it
 * the same way (by either call).
 *
 * A frontend that must not lose data uses qemu_chr_write_nb() instead: it
 * takes what the backend accepts now (0..len, or -1 on error) and queues
 * nothing; after a short write the handler set with
 * qemu_chr_set_write_ready() is called once the backend can take more.
 */
int qemu_chr_write_nb(CharDriverState *s, const uint8_t *buf, int len);
void qemu_chr_set_write_ready(CharDriverState *s, IOHandler *fd_write_ready,
                              void *opaque);
uint64_t qemu_chr_dropped_bytes(const CharDriverState *s);
/*
 * Addition: logfile=<path> (logappend=on|off) copies what the backend
 * accepted to a file without ever holding the frontend back; bytes the
 * log could not take are counted here, apart from the dropped bytes above.
 */
uint64_t qemu_chr_log_dropped(const CharDriverState *s);
size_t qemu_chr_queued_bytes(const CharDriverState *s);

/*
 * Addition: a bounded FIFO of bytes, for every byte ring of the chardev
 * code (the core's output queue, mux input, spice and msmouse queues).
 * Storage is allocated on the first push and grows as needed, never past
 * @limit bytes; byte_fifo_destroy() frees it.  A push takes what fits and
 * says how much that was; nothing blocks and nothing is dropped silently.
 * A zeroed ByteFifo is an empty one with limit 0 (it takes nothing).
 *
 * byte_fifo_peek() gives the contiguous bytes at the head without taking
 * them (fewer than byte_fifo_len() once the data wraps around), for a
 * consumer that may take only part: it then calls byte_fifo_consume().
 */
typedef struct ByteFifo {
    uint8_t *buf;
    size_t size;                /* allocated */
    size_t limit;               /* most bytes it holds */
    size_t head, len;
} ByteFifo;

/* set @limit on an empty FIFO without storage (new or destroyed) */
void byte_fifo_init(ByteFifo *f, size_t limit);
void byte_fifo_destroy(ByteFifo *f);
size_t byte_fifo_push(ByteFifo *f, const uint8_t *data, size_t n);
size_t byte_fifo_pop(ByteFifo *f, uint8_t *data, size_t n);
const uint8_t *byte_fifo_peek(const ByteFifo *f, size_t *n);
void byte_fifo_consume(ByteFifo *f, size_t n);
void byte_fifo_clear(ByteFifo *f);

static inline size_t byte_fifo_len(const ByteFifo *f)
{
    return f->len;
}

static inline size_t byte_fifo_room(const ByteFifo *f)
{
    return f->limit - f->len;
}

/*
 * Addition for backends that have no fd to poll for writability (spice):
 * after a short chr_write, the backend calls this once it can take more.
 * Queued output is then flushed and a qemu_chr_write_nb() waiter is woken,
 * as the fd_out watch does for fd-based backends.  Call it from the main
 * loop (e.g. a bottom half), not from inside chr_write.
 */
void qemu_chr_be_writable(CharDriverState *s);

/*
 * Additions for backends: allocate a CharDriverState from an ops table,
 * and say why an open failed.  qemu_chr_open_error() is called by a
 * backend's open function before it returns a negative errno; the core
 * then reports one line naming the chardev id, the backend, the option
 * and the cause.
 */
CharDriverState *qemu_chr_alloc(const CharDriverOps *ops, void *opaque);
/* Addition: report an event (CHR_EVENT_*) from a backend outside qemu-char.c */
void qemu_chr_be_event(CharDriverState *s, int event);
void qemu_chr_open_error(const char *option, const char *fmt, ...)
    GCC_FMT_ATTR(2, 3);

/*
 * Addition: a frontend lets go of a chardev by naming itself.  @opaque is
 * what the frontend passed to qemu_chr_add_handlers().  Afterwards no
 * input or event reaches it, its connection is given back
 * (avail_connections) and a write-ready callback it set with the same
 * opaque is removed.  Nothing happens if @opaque is not attached (another
 * frontend has taken the chardev since).  Frontends that can go away while
 * others stay (hot-unplug) use this rather than the v0.15.0 release below.
 *
 * Mux (mux=on) frontends:
 * - qemu_chr_remove_handlers() frees the frontend's slot for another one
 *   and moves the focus on to a remaining frontend.
 * - The v0.15.0 release, qemu_chr_add_handlers(s, NULL, NULL, NULL, NULL),
 *   cannot say who leaves.  On a mux it releases the frontend that
 *   attached last: the monitor and the -serial devices attach at startup,
 *   before the devices that can be unplugged.  On other chardevs it
 *   releases the one frontend, as in v0.15.0.
 * - Each frontend gets CHR_EVENT_OPENED once the shared backend is open
 *   (at once if it attaches to an open one) and CHR_EVENT_CLOSED when the
 *   backend closes, paired and in order; a released frontend gets nothing.
 *   Other events raised on the mux (BREAK) go to the focused frontend.
 * - At most MAX_MUX frontends: every attached one counts against
 *   avail_connections, so the qdev chardev property refuses a fifth; one
 *   attaching by other means is not connected, with an error line.
 */
void qemu_chr_remove_handlers(CharDriverState *s, void *opaque);

/*
 * Additions: monitor commands that add and remove chardevs at run time.
 * do_chardev_add() (QMP chardev-add) takes the -chardev options as
 * arguments, do_chardev_add_hmp() (chardev_add) the -chardev string as
 * "args"; do_chardev_remove() (chardev-remove, chardev_remove) takes
 * "id".  Removal is refused while a frontend holds the chardev and for
 * chardevs opened by qemu_chr_open() (-serial, -monitor, ...), whose
 * label the user never chose.
 */
int do_chardev_add(Monitor *mon, const QDict *qdict, QObject **ret_data);
void do_chardev_add_hmp(Monitor *mon, const QDict *qdict);
int do_chardev_remove(Monitor *mon, const QDict *qdict, QObject **ret_data);

/* fd handlers of the main loop (implemented by the main loop, not here) */
int qemu_set_fd_handler2(int fd,
                         IOCanReadHandler *fd_read_poll,
                         IOHandler *fd_read,
                         IOHandler *fd_write,
                         void *opaque);
int qemu_set_fd_handler(int fd,
                        IOHandler *fd_read,
                        IOHandler *fd_write,
                        void *opaque);
#endif
