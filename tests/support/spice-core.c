/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: spice server with timers and watches on the main loop. */

#include <glib.h>
#include "qemu-common.h"

#ifdef CONFIG_SPICE

#include "qemu-queue.h"
#include "qemu-timer.h"
#include "qemu-error.h"
#include "qemu_socket.h"
#include "sysemu.h"
#include "ui/qemu-spice.h"
#include "support-spice.h"
#include "support-test.h"

static SpiceServer *spice_server;
static VMChangeStateEntry *spice_vm_state;
int using_spice;

/* ---- timers: one QEMUTimer on rt_clock each ---------------------------- */

struct SpiceTimer {
    QEMUTimer *timer;
    QTAILQ_ENTRY(SpiceTimer) next;
};

static QTAILQ_HEAD(, SpiceTimer) spice_timers =
    QTAILQ_HEAD_INITIALIZER(spice_timers);

static SpiceTimer *core_timer_add(SpiceTimerFunc func, void *opaque)
{
    SpiceTimer *t = qemu_mallocz(sizeof(*t));

    t->timer = qemu_new_timer_ms(rt_clock, func, opaque);
    QTAILQ_INSERT_TAIL(&spice_timers, t, next);
    return t;
}

static void core_timer_start(SpiceTimer *t, uint32_t ms)
{
    qemu_mod_timer(t->timer, qemu_get_clock_ms(rt_clock) + ms);
}

static void core_timer_cancel(SpiceTimer *t)
{
    qemu_del_timer(t->timer);
}

static void core_timer_remove(SpiceTimer *t)
{
    if (!t) {
        return;
    }
    qemu_del_timer(t->timer);
    qemu_free_timer(t->timer);
    QTAILQ_REMOVE(&spice_timers, t, next);
    qemu_free(t);
}

/* ---- watches: fd handlers of the main loop ----------------------------- */

struct SpiceWatch {
    int fd;
    int event_mask;
    SpiceWatchFunc func;
    void *opaque;
    QTAILQ_ENTRY(SpiceWatch) next;
};

static QTAILQ_HEAD(, SpiceWatch) spice_watches =
    QTAILQ_HEAD_INITIALIZER(spice_watches);

static void core_watch_read(void *opaque)
{
    SpiceWatch *w = opaque;

    w->func(w->fd, SPICE_WATCH_EVENT_READ, w->opaque);
}

static void core_watch_write(void *opaque)
{
    SpiceWatch *w = opaque;

    w->func(w->fd, SPICE_WATCH_EVENT_WRITE, w->opaque);
}

static void core_watch_update_mask(SpiceWatch *w, int event_mask)
{
    w->event_mask = event_mask;
    qemu_set_fd_handler(w->fd,
                        event_mask & SPICE_WATCH_EVENT_READ ?
                        core_watch_read : NULL,
                        event_mask & SPICE_WATCH_EVENT_WRITE ?
                        core_watch_write : NULL,
                        w);
}

static SpiceWatch *core_watch_add(int fd, int event_mask, SpiceWatchFunc func,
                                  void *opaque)
{
    SpiceWatch *w = qemu_mallocz(sizeof(*w));

    w->fd = fd;
    w->func = func;
    w->opaque = opaque;
    QTAILQ_INSERT_TAIL(&spice_watches, w, next);
    core_watch_update_mask(w, event_mask);
    return w;
}

static void core_watch_remove(SpiceWatch *w)
{
    if (!w) {
        return;
    }
    core_watch_update_mask(w, 0);
    QTAILQ_REMOVE(&spice_watches, w, next);
    qemu_free(w);
}

/* ---- channel events ---------------------------------------------------- */

static int channel_events[4];
static int channels_connected;

static void core_channel_event(int event, SpiceChannelEventInfo *info)
{
    /* Only the main thread drives channels without a QXL device. */
    if (event >= 0 && event < (int)ARRAY_SIZE(channel_events)) {
        channel_events[event]++;
    }
    if (event == SPICE_CHANNEL_EVENT_CONNECTED) {
        channels_connected++;
    } else if (event == SPICE_CHANNEL_EVENT_DISCONNECTED &&
               channels_connected > 0) {
        channels_connected--;
    }
}

static SpiceCoreInterface core_interface = {
    .base.type          = SPICE_INTERFACE_CORE,
    .base.description   = "standalone support main loop",
    .base.major_version = SPICE_INTERFACE_CORE_MAJOR,
    .base.minor_version = SPICE_INTERFACE_CORE_MINOR,

    .timer_add          = core_timer_add,
    .timer_start        = core_timer_start,
    .timer_cancel       = core_timer_cancel,
    .timer_remove       = core_timer_remove,

    .watch_add          = core_watch_add,
    .watch_update_mask  = core_watch_update_mask,
    .watch_remove       = core_watch_remove,

    .channel_event      = core_channel_event,
};

/* ---- server setup ------------------------------------------------------ */

static void spice_vm_state_change(void *opaque, int running, int reason)
{
    if (running) {
        spice_server_vm_start(spice_server);
    } else {
        spice_server_vm_stop(spice_server);
    }
}

/* Create and initialise a server; listen only if port >= 0. */
static int spice_server_setup(const char *addr, int addr_flags, int port,
                              const char *password, bool noauth)
{
    SpiceServer *s = spice_server_new();

    if (!s) {
        error_report("spice: cannot create a server");
        return -1;
    }
    if (port >= 0) {
        spice_server_set_addr(s, addr ? addr : "", addr_flags);
        if (spice_server_set_port(s, port) < 0) {
            error_report("spice: invalid port %d", port);
            goto fail;
        }
    }
    if (password) {
        spice_server_set_ticket(s, password, 0, 0, 0);
    }
    if (noauth) {
        spice_server_set_noauth(s);
    }
    if (spice_server_init(s, &core_interface) != 0) {
        error_report("spice: failed to initialize the server");
        goto fail;
    }
    spice_server = s;
    spice_vm_state = qemu_add_vm_change_state_handler(spice_vm_state_change,
                                                      NULL);
    if (vm_running) {
        spice_server_vm_start(s);
    }
    return 0;

fail:
    spice_server_destroy(s);
    return -1;
}

void qemu_spice_init(void)
{
    QemuOpts *opts = QTAILQ_FIRST(&qemu_spice_opts.head);
    const char *addr;
    int port, flags = 0;

    if (!opts) {
        return;
    }
    if (spice_server) {
        error_report("spice: a server is already running");
        return;
    }
    port = qemu_opt_get_number(opts, "port", 0);
    if (qemu_opt_get_number(opts, "tls-port", 0) ||
        qemu_opt_get_bool(opts, "sasl", 0)) {
        error_report("spice: tls-port and sasl are not available in the "
                     "standalone build");
        return;
    }
    if (port <= 0 || port > 65535) {
        error_report("spice: port missing or out of range");
        return;
    }
    addr = qemu_opt_get(opts, "addr");
    if (qemu_opt_get_bool(opts, "ipv4", 0)) {
        flags |= SPICE_ADDR_FLAG_IPV4_ONLY;
    } else if (qemu_opt_get_bool(opts, "ipv6", 0)) {
        flags |= SPICE_ADDR_FLAG_IPV6_ONLY;
    }
    if (spice_server_setup(addr, flags, port, qemu_opt_get(opts, "password"),
                           qemu_opt_get_bool(opts, "disable-ticketing", 0))
        == 0) {
        using_spice = 1;
    }
}

int support_spice_init(const char *addr, int port)
{
    if (spice_server) {
        error_report("spice: a server is already running");
        return -1;
    }
    if (port < 0 || port > 65535) {
        error_report("spice: port %d out of range", port);
        return -1;
    }
    if (spice_server_setup(addr, 0, port, NULL, true) < 0) {
        return -1;
    }
    using_spice = 1;
    return 0;
}

int support_spice_port(void)
{
    SpiceWatch *w;

    /* spice-server does not tell; its listening socket is one of ours */
    QTAILQ_FOREACH(w, &spice_watches, next) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int listening = 0;
        socklen_t optlen = sizeof(listening);

        if (getsockopt(w->fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
                       &optlen) < 0 || !listening) {
            continue;
        }
        if (getsockname(w->fd, (struct sockaddr *)&ss, &len) < 0) {
            continue;
        }
        if (ss.ss_family == AF_INET) {
            return ntohs(((struct sockaddr_in *)&ss)->sin_port);
        }
        if (ss.ss_family == AF_INET6) {
            return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
    }
    return -1;
}

void support_spice_destroy(void)
{
    if (!spice_server) {
        return;
    }
    qemu_del_vm_change_state_handler(spice_vm_state);
    spice_vm_state = NULL;
    spice_server_destroy(spice_server);
    spice_server = NULL;
    using_spice = 0;
    channels_connected = 0;
    memset(channel_events, 0, sizeof(channel_events));
}

int support_spice_channels_connected(void)
{
    return channels_connected;
}

int support_spice_channel_events(int event)
{
    if (event < 0 || event >= (int)ARRAY_SIZE(channel_events)) {
        return 0;
    }
    return channel_events[event];
}

int support_spice_timer_count(void)
{
    SpiceTimer *t;
    int n = 0;

    QTAILQ_FOREACH(t, &spice_timers, next) {
        n++;
    }
    return n;
}

int support_spice_watch_count(void)
{
    SpiceWatch *w;
    int n = 0;

    QTAILQ_FOREACH(w, &spice_watches, next) {
        n++;
    }
    return n;
}

int qemu_spice_add_interface(SpiceBaseInstance *sin)
{
    /*
     * vl.c runs qemu_spice_init() (a device_init hook) long after the
     * chardevs are opened: an interface added then goes to a server that
     * is replaced, or makes v0.15.0 exit if -spice was given.
     */
    if (!support_timers_started()) {
        g_error("qemu_spice_add_interface() during startup, before "
                "init_timer_alarm() (where vl.c opens chardevs): spice is "
                "not initialised yet then; add the interface later");
    }
    if (!spice_server) {
        /*
         * Nothing configured: as in v0.15.0, a server that does not
         * listen, so that devices still have somewhere to attach.
         */
        if (QTAILQ_FIRST(&qemu_spice_opts.head) != NULL) {
            error_report("spice: configured but not started");
            return -1;
        }
        if (spice_server_setup(NULL, 0, -1, NULL, false) < 0) {
            return -1;
        }
    }
    return spice_server_add_interface(spice_server, sin);
}

#endif /* CONFIG_SPICE */
