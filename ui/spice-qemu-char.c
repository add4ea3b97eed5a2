/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spice chardevs: spicevmc (agent, smartcard, usbredir) and spiceport. */

#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-error.h"
#include "trace.h"
#include "ui/qemu-spice.h"

#include <spice/protocol.h>

/*
 * Guest->client bytes wait here until spice-server reads them.  Bounded:
 * a chr_write that does not fit is short, and the core holds the rest
 * until qemu_chr_be_writable().
 */
#define SPICE_CHR_BUF_SIZE (64 * 1024)

typedef struct SpiceCharDriver {
    CharDriverState *chr;
    SpiceCharDeviceInstance sin;
    char *portname;             /* spiceport only; sin.portname points here */
    bool is_port;
    uint32_t debug;

    /*
     * Interface state.  "want" is what the guest asked for, "registered"
     * what spice-server has; they differ only while a change waits in
     * state_bh because it was asked for from inside a spice callback
     * (spice_cb_depth > 0).
     */
    bool want_registered;
    bool register_if_spice;     /* spiceport: decide once spice is set up */
    bool registered;
    bool want_port_open;        /* spiceport: guest has the port open */
    bool port_open;             /* spiceport: last event sent was OPENED */

    QEMUBH *wakeup_bh;          /* spice_server_char_device_wakeup() */
    QEMUBH *state_bh;           /* apply a deferred interface change */
    QEMUBH *writable_bh;        /* qemu_chr_be_writable() */

    ByteFifo out;               /* guest->client, SPICE_CHR_BUF_SIZE */
    bool write_blocked;         /* a chr_write was short */
} SpiceCharDriver;

/*
 * Callbacks of spice-server running now, for any spice chardev: a frontend
 * may act on another chardev from inside one.
 */
static int spice_cb_depth;

static void scd_debug(SpiceCharDriver *scd, uint32_t level, const char *fmt,
                      ...) GCC_FMT_ATTR(3, 4);

static void scd_debug(SpiceCharDriver *scd, uint32_t level, const char *fmt,
                      ...)
{
    va_list ap;

    if (scd->debug < level) {
        return;
    }
    fprintf(stderr, "spice chardev %s: ",
            scd->is_port ? scd->portname : scd->sin.subtype);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Output cannot go anywhere any more: drop it, and let the core go on. */
static void scd_discard_output(SpiceCharDriver *scd)
{
    size_t len = byte_fifo_len(&scd->out);

    if (len > 0) {
        scd_debug(scd, 1, "dropping %zu unread bytes", len);
        trace_spice_vmc_dropped(scd, len);
    }
    byte_fifo_clear(&scd->out);
    if (scd->write_blocked) {
        scd->write_blocked = false;
        qemu_bh_schedule(scd->writable_bh);
    }
}

/* ---- SpiceCharDeviceInterface callbacks (spice-server calls these) ------- */

/* client -> guest: hand over what the frontend can take now */
static int vmc_write(SpiceCharDeviceInstance *sin, const uint8_t *buf, int len)
{
    SpiceCharDriver *scd = container_of(sin, SpiceCharDriver, sin);
    int done = 0;

    spice_cb_depth++;
    while (done < len) {
        int room = qemu_chr_can_read(scd->chr);
        int n;

        if (room <= 0) {
            break;
        }
        n = MIN(room, len - done);
        qemu_chr_read(scd->chr, (uint8_t *)buf + done, n);
        done += n;
    }
    spice_cb_depth--;
    /*
     * The rest stays with spice-server.  The interface promises
     * (SPICE_CHAR_DEVICE_NOTIFY_WRITABLE) a wakeup once the frontend
     * takes more: see spice_chr_accept_input().
     */
    scd_debug(scd, 3, "client->guest %d/%d bytes", done, len);
    trace_spice_vmc_write(done, len);
    return done;
}

/* guest -> client: spice-server takes bytes from the ring */
static int vmc_read(SpiceCharDeviceInstance *sin, uint8_t *buf, int len)
{
    SpiceCharDriver *scd = container_of(sin, SpiceCharDriver, sin);
    size_t n;

    spice_cb_depth++;
    n = len > 0 ? byte_fifo_pop(&scd->out, buf, len) : 0;
    if (n > 0 && scd->write_blocked) {
        /* not from here: the core would call chr_write and the frontend */
        scd->write_blocked = false;
        qemu_bh_schedule(scd->writable_bh);
    }
    spice_cb_depth--;
    scd_debug(scd, 3, "guest->client %zu/%d bytes", n, len);
    trace_spice_vmc_read(n, len);
    return n;
}

static void vmc_state(SpiceCharDeviceInstance *sin, int connected)
{
    SpiceCharDriver *scd = container_of(sin, SpiceCharDriver, sin);

    scd_debug(scd, 1, "client %s", connected ? "connected" : "disconnected");
    trace_spice_vmc_state(scd, connected);
}

static void vmc_event(SpiceCharDeviceInstance *sin, uint8_t event)
{
    SpiceCharDriver *scd = container_of(sin, SpiceCharDriver, sin);

    scd_debug(scd, 1, "port event %u from the client", event);
    trace_spice_vmc_event(scd, event);
}

static const SpiceCharDeviceInterface vmc_interface = {
    .base.type          = SPICE_INTERFACE_CHAR_DEVICE,
    .base.description   = "chardev spicevmc/spiceport",
    .base.major_version = SPICE_INTERFACE_CHAR_DEVICE_MAJOR,
    .base.minor_version = SPICE_INTERFACE_CHAR_DEVICE_MINOR,
    .state              = vmc_state,
    .write              = vmc_write,
    .read               = vmc_read,
    .event              = vmc_event,
    /* we call spice_server_char_device_wakeup(); no 100 ms retry timer */
    .flags              = SPICE_CHAR_DEVICE_NOTIFY_WRITABLE,
};

/* ---- interface registration and port events ----------------------------- */

/* Bring spice-server in line with what the guest asked for; -1: refused. */
static int scd_apply_state(SpiceCharDriver *scd)
{
    /* spice-server is not re-entrant: never call it from its callbacks */
    assert(spice_cb_depth == 0);
    if (scd->want_registered && !scd->registered) {
        scd->sin.base.sif = &vmc_interface.base;
        if (qemu_spice_add_interface(&scd->sin.base) != 0) {
            scd->want_registered = false;
            return -1;
        }
        scd->registered = true;
        scd_debug(scd, 1, "interface added");
        trace_spice_vmc_register_interface(scd);
    } else if (!scd->want_registered && scd->registered) {
        spice_server_remove_interface(&scd->sin.base);
        scd->registered = false;
        scd->port_open = false;
        scd_debug(scd, 1, "interface removed");
        trace_spice_vmc_unregister_interface(scd);
    }
    if (scd->is_port && scd->registered &&
        scd->want_port_open != scd->port_open) {
        scd->port_open = scd->want_port_open;
        spice_server_port_event(&scd->sin, scd->port_open ?
                                SPICE_PORT_EVENT_OPENED :
                                SPICE_PORT_EVENT_CLOSED);
        scd_debug(scd, 1, "port %s", scd->port_open ? "opened" : "closed");
        trace_spice_vmc_port_event(scd, scd->port_open ?
                                   SPICE_PORT_EVENT_OPENED :
                                   SPICE_PORT_EVENT_CLOSED);
    }
    if (scd->registered && byte_fifo_len(&scd->out) > 0) {
        qemu_bh_schedule(scd->wakeup_bh);
    }
    return 0;
}

static void scd_state_bh(void *opaque)
{
    SpiceCharDriver *scd = opaque;

    if (scd->register_if_spice) {
        scd->register_if_spice = false;
        scd->want_registered |= using_spice;
    }
    if (!scd->is_port) {
        scd->want_registered = qemu_chr_fe_is_open(scd->chr);
    }

    if (scd_apply_state(scd) < 0) {
        error_report("spice chardev %s: spice-server refused the interface",
                     scd->is_port ? scd->portname : scd->sin.subtype);
    }
}

/* Apply now, or later if spice-server is on the stack. */
static void scd_update_state(SpiceCharDriver *scd)
{
    if (spice_cb_depth > 0) {
        qemu_bh_schedule(scd->state_bh);
    } else {
        scd_state_bh(scd);
    }
}

static void scd_wakeup_bh(void *opaque)
{
    SpiceCharDriver *scd = opaque;

    assert(spice_cb_depth == 0);
    if (scd->registered) {
        spice_server_char_device_wakeup(&scd->sin);
    }
}

static void scd_writable_bh(void *opaque)
{
    SpiceCharDriver *scd = opaque;

    qemu_chr_be_writable(scd->chr);
}

/* ---- CharDriverOps ------------------------------------------------------- */

static int spice_chr_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    SpiceCharDriver *scd = chr->opaque;
    size_t n;

    if (!scd->want_registered) {
        /* no interface, so no reader: nothing to keep it for */
        scd_debug(scd, 2, "no interface, %d bytes dropped", len);
        trace_spice_vmc_dropped(scd, len);
        return len;
    }
    n = byte_fifo_push(&scd->out, buf, len);
    if (n > 0) {
        /* spice-server may be on the stack (an echoing frontend) */
        qemu_bh_schedule(scd->wakeup_bh);
    }
    if (n < (size_t)len) {
        scd->write_blocked = true;
    }
    scd_debug(scd, 2, "write %zu/%d bytes", n, len);
    return n;
}

/* The frontend can take more client data: let spice-server retry. */
static void spice_chr_accept_input(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    qemu_bh_schedule(scd->wakeup_bh);
}

/*
 * A frontend attached or left: what it can read may have changed, and a
 * frontend that never reports guest open/close (ccid-card-passthru) has
 * the interface while it is attached.  Decided in state_bh: a virtio port
 * declares its kind only after attaching.
 */
static void spice_chr_update_read_handler(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    qemu_bh_schedule(scd->wakeup_bh);
    if (!scd->is_port) {
        qemu_bh_schedule(scd->state_bh);
    }
}

static void spice_vmc_guest_open(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    scd->want_registered = true;
    scd_update_state(scd);
}

static void spice_vmc_guest_close(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    scd->want_registered = false;
    scd_discard_output(scd);
    scd_update_state(scd);
}

static void spice_port_guest_open(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    scd->want_registered = true;
    scd->want_port_open = true;
    scd_update_state(scd);
}

static void spice_port_guest_close(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    /* the port stays; the client just hears that the guest left */
    scd->want_port_open = false;
    scd_update_state(scd);
}

static void spice_chr_close(CharDriverState *chr)
{
    SpiceCharDriver *scd = chr->opaque;

    scd->want_registered = false;
    scd->want_port_open = false;
    /* nothing to defer to any more: the state goes with us */
    if (scd->registered) {
        spice_server_remove_interface(&scd->sin.base);
        scd->registered = false;
        trace_spice_vmc_unregister_interface(scd);
    }
    qemu_bh_delete(scd->wakeup_bh);
    qemu_bh_delete(scd->state_bh);
    qemu_bh_delete(scd->writable_bh);
    byte_fifo_destroy(&scd->out);
    qemu_free(scd->portname);
    qemu_free(scd);
    chr->opaque = NULL;
}

static const CharDriverOps spice_vmc_ops = {
    .chr_write               = spice_chr_write,
    .chr_update_read_handler = spice_chr_update_read_handler,
    .chr_close               = spice_chr_close,
    .chr_accept_input        = spice_chr_accept_input,
    .chr_guest_open          = spice_vmc_guest_open,
    .chr_guest_close         = spice_vmc_guest_close,
};

static const CharDriverOps spice_port_ops = {
    .chr_write               = spice_chr_write,
    .chr_update_read_handler = spice_chr_update_read_handler,
    .chr_close               = spice_chr_close,
    .chr_accept_input        = spice_chr_accept_input,
    .chr_guest_open          = spice_port_guest_open,
    .chr_guest_close         = spice_port_guest_close,
};

/* ---- open ---------------------------------------------------------------- */

/* spicevmc names: what spice-server knows, except "port" (spiceport's). */
static bool spice_vmc_name_ok(const char *name)
{
    return strcmp(name, "port") != 0;
}

static const char *spice_vmc_subtype(const char *name)
{
    const char **p;

    for (p = spice_server_char_device_recognized_subtypes(); *p; p++) {
        if (spice_vmc_name_ok(*p) && strcmp(*p, name) == 0) {
            return *p;
        }
    }
    return NULL;
}

/* "a, b, c" in qemu_malloc() memory */
static char *spice_vmc_names(void)
{
    const char **p;
    size_t len = 0;
    char *names;

    for (p = spice_server_char_device_recognized_subtypes(); *p; p++) {
        if (spice_vmc_name_ok(*p)) {
            len += strlen(*p) + 2;
        }
    }
    names = qemu_mallocz(len + 1);
    for (p = spice_server_char_device_recognized_subtypes(); *p; p++) {
        if (spice_vmc_name_ok(*p)) {
            if (*names) {
                strcat(names, ", ");
            }
            strcat(names, *p);
        }
    }
    return names;
}

/*
 * Without spice these backends would open and never carry a byte, so
 * they are refused.  vl.c opens chardevs before it starts spice
 * (qemu_spice_init() runs with the devices), so at this point
 * using_spice is still 0 even with -spice: what counts is whether a
 * -spice option was given (or, for a later open, a server runs).
 */
static int spice_chr_check_enabled(QemuOpts *opts)
{
    const char *debug = qemu_opt_get(opts, "debug");

    if (!using_spice && QTAILQ_FIRST(&qemu_spice_opts.head) == NULL) {
        qemu_chr_open_error(NULL, "spice is not enabled (this backend "
                            "needs -spice)");
        return -EINVAL;
    }
    /* the level is 32 bits, the option 64 */
    if (debug && qemu_opt_get_number(opts, "debug", 0) > UINT32_MAX) {
        qemu_chr_open_error("debug", "%s is not a debug level (0..%u)",
                            debug, UINT32_MAX);
        return -EINVAL;
    }
    return 0;
}

static SpiceCharDriver *spice_chr_new(QemuOpts *opts, const CharDriverOps *ops,
                                      const char *subtype)
{
    SpiceCharDriver *scd = qemu_mallocz(sizeof(*scd));

    scd->chr = qemu_chr_alloc(ops, scd);
    scd->debug = qemu_opt_get_number(opts, "debug", 0);
    scd->sin.subtype = subtype;
    byte_fifo_init(&scd->out, SPICE_CHR_BUF_SIZE);
    scd->wakeup_bh = qemu_bh_new(scd_wakeup_bh, scd);
    scd->state_bh = qemu_bh_new(scd_state_bh, scd);
    scd->writable_bh = qemu_bh_new(scd_writable_bh, scd);
    return scd;
}

int qemu_chr_open_spice(QemuOpts *opts, CharDriverState **_chr)
{
    const char *name = qemu_opt_get(opts, "name");
    const char *subtype = name ? spice_vmc_subtype(name) : NULL;
    SpiceCharDriver *scd;
    char *names;
    int ret = spice_chr_check_enabled(opts);

    if (ret < 0) {
        return ret;
    }
    if (!subtype) {
        names = spice_vmc_names();
        if (name) {
            qemu_chr_open_error("name", "unknown channel \"%s\" "
                                "(valid names: %s)", name, names);
        } else {
            qemu_chr_open_error("name", "missing (valid names: %s)", names);
        }
        qemu_free(names);
        return -EINVAL;
    }

    scd = spice_chr_new(opts, &spice_vmc_ops, subtype);
    /* like v0.15.0: open from the start; the guest decides the rest */
    qemu_chr_generic_open(scd->chr);
    *_chr = scd->chr;
    return 0;
}

int qemu_chr_open_spice_port(QemuOpts *opts, CharDriverState **_chr)
{
    const char *name = qemu_opt_get(opts, "name");
    SpiceCharDriver *scd;
    int ret = spice_chr_check_enabled(opts);

    if (ret < 0) {
        return ret;
    }
    if (!name || !*name) {
        qemu_chr_open_error("name", "missing (a port name such as "
                            "org.qemu.console.serial.0)");
        return -EINVAL;
    }

    scd = spice_chr_new(opts, &spice_port_ops, "port");
    scd->is_port = true;
    scd->portname = qemu_strdup(name);
    scd->sin.portname = scd->portname;
    /*
     * With a running server clients see the port from the start, closed
     * until the guest opens it; without one it would only be reachable by
     * a local server, so it waits for the guest.  Whether spice runs is
     * only known later: vl.c opens chardevs before qemu_spice_init().
     */
    scd->register_if_spice = true;
    qemu_bh_schedule(scd->state_bh);
    qemu_chr_generic_open(scd->chr);
    *_chr = scd->chr;
    return 0;
}
