/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the trace points: what a child run with QEMU_TRACE prints. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "char-test-util.h"
#include "libvirtio-guest.h"
#ifdef CONFIG_SPICE
#include "support-spice.h"
#endif

#include <sys/socket.h>

#define GUEST_RAM_SIZE (16 * 1024 * 1024)
#define WANT_FEATURES (1u << VIRTIO_CONSOLE_F_MULTIPORT)
#define TIMEOUT_MS 10000
/* child runs: generous, they only guard against a hang */
#define CHILD_TIMEOUT_US (60 * G_USEC_PER_SEC)

/* ---- scenarios, run in a child process ---- */

/* Read what the peer has without blocking; true once nothing is left. */
static bool peer_drain(int fd)
{
    char buf[65536];

    return recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0;
}

typedef struct SockCond {
    CharDriverState *chr;
    int peer;
} SockCond;

/* the peer reads everything the chardev sent */
static bool cond_outq_drained(void *opaque)
{
    SockCond *c = opaque;

    while (!peer_drain(c->peer)) {
        continue;
    }
    return qemu_chr_queued_bytes(c->chr) == 0;
}

/*
 * Socket chardev "tsock": a client connects and sends, the chardev's
 * output overflows while the client does not read (queue full, bytes
 * dropped), drains once it does, then the client leaves.
 */
static void scenario_socket(void)
{
    static uint8_t block[65536];
    TestFrontend fe;
    SockCond c;
    char *path;
    int i;

    c.chr = test_unix_server_new(test_tmpdir(), "tsock", &path);
    test_fe_attach(&fe, c.chr);
    c.peer = test_unix_connect(path);
    g_assert_cmpint(c.peer, >=, 0);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, TIMEOUT_MS));
    g_assert(test_write_full(c.peer, "ping", 4, TIMEOUT_MS));
    g_assert(test_fe_wait_input(&fe, 4, TIMEOUT_MS));

    /* socket buffers, then the output queue fill up, then bytes drop */
    for (i = 0; i < 1024 && qemu_chr_dropped_bytes(c.chr) == 0; i++) {
        qemu_chr_write(c.chr, block, sizeof(block));
    }
    g_assert_cmpuint(qemu_chr_dropped_bytes(c.chr), >, 0);
    g_assert(support_run_until(cond_outq_drained, &c, TIMEOUT_MS));

    close(c.peer);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_CLOSED, TIMEOUT_MS));
    test_fe_detach(&fe);
    qemu_chr_close(c.chr);
    g_free(path);
}

typedef struct VirtioCond {
    CharDriverState *chr;
    VirtIOSerialPort *port;
    int peer;
} VirtioCond;

static bool cond_fe_open(VGuest *g, void *opaque)
{
    VirtioCond *c = opaque;

    return c->chr->fe_open;
}

static bool cond_fe_closed(VGuest *g, void *opaque)
{
    VirtioCond *c = opaque;

    return !c->chr->fe_open;
}

static bool cond_host_connected(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->host_connected;
}

static bool cond_host_disconnected(VGuest *g, void *opaque)
{
    return !vg_port(g, 1)->host_connected;
}

static bool cond_rx5(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->rx_total >= 5;
}

static bool cond_throttled(VGuest *g, void *opaque)
{
    VirtioCond *c = opaque;

    return c->port->throttled;
}

/* the peer reads everything the guest wrote */
static bool cond_tx_drained(VGuest *g, void *opaque)
{
    VirtioCond *c = opaque;

    while (!peer_drain(c->peer)) {
        continue;
    }
    return vg_port(g, 1)->tx_inflight == 0 && !c->port->throttled;
}

/*
 * virtserialport 1 on socket chardev "tport": the guest opens it, a
 * client connects, data both ways, the guest writes more than the client
 * takes (back-pressure on, then off), the client leaves, the guest closes.
 */
static void scenario_virtio(void)
{
    static uint8_t block[4096];
    VirtioCond c = { .peer = -1 };
    DeviceState *vser, *dev;
    char *path, buf[5];
    VGuest *g;
    int i;

    c.chr = test_unix_server_new(test_tmpdir(), "tport", &path);
    vser = support_device_add("virtio-serial,id=vser0,max_ports=2");
    g_assert(vser);
    dev = support_device_add("virtserialport,id=tp,chardev=tport,nr=1");
    g_assert(dev);
    c.port = DO_UPCAST(VirtIOSerialPort, dev, dev);
    g = vg_new(vser);
    vg_init(g, WANT_FEATURES);
    vg_port_open(g, 1);
    g_assert(vg_run_until(g, cond_fe_open, &c, TIMEOUT_MS));

    c.peer = test_unix_connect(path);
    g_assert_cmpint(c.peer, >=, 0);
    g_assert(vg_run_until(g, cond_host_connected, &c, TIMEOUT_MS));
    g_assert(test_write_full(c.peer, "hello", 5, TIMEOUT_MS));
    g_assert(vg_run_until(g, cond_rx5, &c, TIMEOUT_MS));
    g_assert_cmpuint(vg_port_write(g, 1, "world", 5), ==, 5);
    g_assert(test_pump_read(c.peer, buf, 5, TIMEOUT_MS));
    g_assert_cmpmem(buf, 5, "world", 5);

    /* the client does not read: the port ends up throttled */
    for (i = 0; i < 65536 && !c.port->throttled; i++) {
        vg_port_write(g, 1, block, sizeof(block));
        vg_run_until(g, cond_throttled, &c, 1);
    }
    g_assert(c.port->throttled);
    g_assert(vg_run_until(g, cond_tx_drained, &c, TIMEOUT_MS));

    /* the client goes first: a closed port would not read its hangup */
    close(c.peer);
    g_assert(vg_run_until(g, cond_host_disconnected, &c, TIMEOUT_MS));
    vg_port_close(g, 1);
    g_assert(vg_run_until(g, cond_fe_closed, &c, TIMEOUT_MS));

    qdev_free(vser);
    vg_free(g);
    qemu_chr_close(c.chr);
    g_free(path);
}

#ifdef CONFIG_SPICE
/*
 * spicevmc "tvmc", no client: the guest opens it (interface added),
 * writes what nobody reads, closes it (unread bytes dropped, interface
 * removed) and writes again (dropped: no interface).
 */
static void scenario_spicevmc(void)
{
    CharDriverState *chr;
    TestFrontend fe;

    g_assert_cmpint(support_spice_init("127.0.0.1", 0), ==, 0);
    chr = test_chr_new("spicevmc,id=tvmc,name=vdagent");
    g_assert(chr);
    /* devices attach after vl.c has started the timers */
    init_timer_alarm();
    test_fe_attach(&fe, chr);
    qemu_chr_guest_open(chr);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"hello", 5), ==, 5);
    qemu_chr_guest_close(chr);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"bye", 3), ==, 3);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    support_spice_destroy();
}
#endif

/* ---- checks in the parent ---- */

/* Run the test at @path in a child with QEMU_TRACE=@trace (NULL: unset). */
static void run_child(const char *path, const char *trace)
{
    if (trace) {
        g_setenv("QEMU_TRACE", trace, TRUE);
    } else {
        g_unsetenv("QEMU_TRACE");
    }
    g_test_trap_subprocess(path, CHILD_TIMEOUT_US, 0);
    g_unsetenv("QEMU_TRACE");
    g_test_trap_assert_passed();
}

/*
 * The child's stderr holds these lines in this order, others between them
 * allowed.  Each is a glob of a whole line: "*" stands for values that
 * vary between runs (fds, byte counts).
 */
static void assert_lines_in_order(const char *const *lines)
{
    GString *pat = g_string_new("");
    int i;

    for (i = 0; lines[i]; i++) {
        g_string_append_printf(pat, "*%s\n", lines[i]);
    }
    g_string_append_c(pat, '*');
    g_test_trap_assert_stderr(pat->str);
    g_string_free(pat, TRUE);
}

static void test_socket(void)
{
    static const char *const lines[] = {
        "qemu_chr_open id tsock backend socket",
        "qemu_chr_socket_accept chr tsock fd *",
        "qemu_chr_socket_connected chr tsock fd *",
        "qemu_chr_event chr tsock event 2",
        "qemu_chr_outq_push chr tsock queued * bytes, * waiting",
        "qemu_chr_outq_full chr tsock output queue full at 65536 bytes",
        "qemu_chr_dropped chr tsock dropped * bytes, * in all",
        "qemu_chr_outq_drained chr tsock output queue empty",
        "qemu_chr_socket_disconnect chr tsock",
        "qemu_chr_event chr tsock event 5",
        "qemu_chr_close chr tsock",
        NULL
    };

    if (g_test_subprocess()) {
        scenario_socket();
        return;
    }
    run_child(NULL, "qemu_chr_*");
    assert_lines_in_order(lines);
    /* the virtio events were not asked for */
    g_test_trap_assert_stderr_unmatched("*virtio_*");

    /* QEMU_TRACE unset or empty: the same run prints nothing at all */
    run_child(NULL, NULL);
    g_test_trap_assert_stderr("");
    run_child(NULL, "");
    g_test_trap_assert_stderr("");
}

static void test_virtio_serial(void)
{
    static const char *const lines[] = {
        /* the guest driver comes up: DEVICE_READY, PORT_ADD */
        "virtio_serial_handle_control_message event 0, value 1",
        "virtio_serial_send_control_event port 1, event 1, value 1",
        /* the guest opens the port */
        "virtio_serial_handle_control_message event 6, value 1",
        "virtio_serial_handle_control_message_port port 1",
        "virtio_serial_set_guest_connected port 1, guest_connected 1",
        "qemu_chr_guest_open chr tport",
        /* the client connects: OPENED, PORT_OPEN(1) to the guest */
        "qemu_chr_socket_accept chr tport fd *",
        "qemu_chr_event chr tport event 2",
        "virtio_console_chr_event port 1, event 2",
        "virtio_serial_set_host_connected port 1, host_connected 1",
        "virtio_serial_send_control_event port 1, event 6, value 1",
        /* data both ways */
        "virtio_console_chr_read port 1, size 5",
        "virtio_console_flush_buf port 1, offered 5, taken 5",
        /* back-pressure on and off */
        "qemu_chr_write_blocked chr tport took * of * bytes, writer waits",
        "virtio_serial_flush_short port 1, took * of * bytes, throttled",
        "qemu_chr_write_ready chr tport writer may go on",
        "virtio_serial_throttle_port port 1, throttle 0",
        /* the client leaves, the guest closes */
        "qemu_chr_socket_disconnect chr tport",
        "qemu_chr_event chr tport event 5",
        "virtio_console_chr_event port 1, event 5",
        "virtio_serial_set_host_connected port 1, host_connected 0",
        "virtio_serial_send_control_event port 1, event 6, value 0",
        "virtio_serial_handle_control_message event 6, value 0",
        "virtio_serial_set_guest_connected port 1, guest_connected 0",
        "qemu_chr_guest_close chr tport",
        "qemu_chr_close chr tport",
        NULL
    };

    if (g_test_subprocess()) {
        scenario_virtio();
        return;
    }
    run_child(NULL, "virtio_*, qemu_chr_guest_*,qemu_chr_socket_accept,"
              "qemu_chr_socket_disconnect,qemu_chr_event,qemu_chr_close,"
              "qemu_chr_write_*");
    assert_lines_in_order(lines);
    /* PORT_READY: the guest model sends it in no fixed order */
    g_test_trap_assert_stderr("*\nvirtio_serial_handle_control_message "
                              "event 3, value 1\n*");
    g_test_trap_assert_stderr_unmatched("*qemu_chr_open *");

    run_child(NULL, NULL);
    g_test_trap_assert_stderr("");
}

#ifdef CONFIG_SPICE
static void test_spicevmc(void)
{
    static const char *const lines[] = {
        "qemu_chr_guest_open chr tvmc",
        "spice_vmc_register_interface scd *",
        "qemu_chr_guest_close chr tvmc",
        "spice_vmc_dropped scd * dropped 5 bytes",
        "spice_vmc_unregister_interface scd *",
        "spice_vmc_dropped scd * dropped 3 bytes",
        "qemu_chr_close chr tvmc",
        NULL
    };

    if (g_test_subprocess()) {
        scenario_spicevmc();
        return;
    }
    run_child(NULL, "spice_vmc_*,qemu_chr_guest_*,qemu_chr_close");
    assert_lines_in_order(lines);
}
#endif

/* QEMU_TRACE=all enables every event, the v0.15.0 ones among them. */
static void test_all(void)
{
    static const char *const lines[] = {
        "qemu_chr_open id tport backend socket",
        "virtio_serial_handle_control_message event 0, value 1",
        "virtio_console_chr_event port 1, event 2",
        "qemu_chr_close chr tport",
        NULL
    };

    run_child("/char/trace/virtio-serial", "all");
    assert_lines_in_order(lines);
}

/* A pattern that names no event is reported, the others still work. */
static void test_unknown_name(void)
{
    run_child("/char/trace/socket", "qemu_chr_no_such_event,qemu_chr_close");
    g_test_trap_assert_stderr("QEMU_TRACE: \"qemu_chr_no_such_event\" "
                              "matches no trace event *\n"
                              "qemu_chr_close chr tsock\n");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_machine_init(GUEST_RAM_SIZE);

    g_test_add_func("/char/trace/socket", test_socket);
    g_test_add_func("/char/trace/virtio-serial", test_virtio_serial);
#ifdef CONFIG_SPICE
    g_test_add_func("/char/trace/spicevmc", test_spicevmc);
#endif
    g_test_add_func("/char/trace/all", test_all);
    g_test_add_func("/char/trace/unknown-name", test_unknown_name);

    ret = test_run_fd_checked();
    support_guest_ram_free();
    return ret;
}
