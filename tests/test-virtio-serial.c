/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of virtio-serial (bus and ports) driven by a simulated guest. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "char-test-util.h"
#include "libvirtio-guest.h"
#include "support-monitor.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>

#define GUEST_RAM_SIZE (64 * 1024 * 1024)
#define WANT_FEATURES ((1u << VIRTIO_CONSOLE_F_MULTIPORT) | \
                       (1u << VIRTIO_RING_F_INDIRECT_DESC))
#define TIMEOUT_MS 10000
#define BIG_TRANSFER (64 * 1024 * 1024)

/* ---- a backend that records what reaches it ---- */

typedef struct RecChr {
    CharDriverState *chr;
    GByteArray *out;            /* guest data */
    GString *log;               /* O = guest open, C = guest close */
    int opens, closes;
    int echo_calls;
    bool last_echo;
} RecChr;

static int rec_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    RecChr *r = chr->opaque;

    g_byte_array_append(r->out, buf, len);
    return len;
}

static void rec_guest_open(CharDriverState *chr)
{
    RecChr *r = chr->opaque;

    r->opens++;
    g_string_append_c(r->log, 'O');
}

static void rec_guest_close(CharDriverState *chr)
{
    RecChr *r = chr->opaque;

    r->closes++;
    g_string_append_c(r->log, 'C');
}

static void rec_set_echo(CharDriverState *chr, bool echo)
{
    RecChr *r = chr->opaque;

    r->echo_calls++;
    r->last_echo = echo;
}

static const CharDriverOps rec_ops = {
    .chr_write = rec_write,
    .chr_guest_open = rec_guest_open,
    .chr_guest_close = rec_guest_close,
    .chr_set_echo = rec_set_echo,
};

static RecChr *rec_new(void)
{
    RecChr *r = g_new0(RecChr, 1);

    r->out = g_byte_array_new();
    r->log = g_string_new("");
    r->chr = qemu_chr_alloc(&rec_ops, r);
    r->chr->label = qemu_strdup("rec");
    r->chr->filename = qemu_strdup("rec");
    return r;
}

/* The host side of the backend connects / goes away. */
static void rec_host_open(RecChr *r)
{
    qemu_chr_generic_open(r->chr);
}

static void rec_host_close(RecChr *r)
{
    /* what the core does for a backend that saw its peer leave */
    r->chr->opened = 0;
    if (r->chr->chr_event) {
        r->chr->chr_event(r->chr->handler_opaque, CHR_EVENT_CLOSED);
    }
}

static void rec_free(RecChr *r)
{
    qemu_chr_close(r->chr);
    g_byte_array_free(r->out, TRUE);
    g_string_free(r->log, TRUE);
    g_free(r);
}

/* ---- machine: a virtio-serial-sim device and its guest ---- */

typedef struct Machine {
    DeviceState *vser;
    BusState *bus;
    VGuest *g;
} Machine;

static void machine_start(Machine *m, unsigned int max_ports)
{
    char *opts = g_strdup_printf("virtio-serial,id=vser0,max_ports=%u",
                                 max_ports);

    m->vser = support_device_add(opts);
    g_free(opts);
    g_assert(m->vser);
    m->bus = qdev_get_child_bus(m->vser, "vser0.0");
    g_assert(m->bus);
    m->g = vg_new(m->vser);
}

static void machine_stop(Machine *m)
{
    if (m->vser) {
        qdev_free(m->vser);
        m->vser = NULL;
    }
    vg_free(m->g);
    m->g = NULL;
}

/* @count null chardevs with the ids <prefix>0, <prefix>1, ... */
static void null_chardevs(CharDriverState **n, int count, const char *prefix)
{
    int i;

    for (i = 0; i < count; i++) {
        char *opts = g_strdup_printf("null,id=%s%d", prefix, i);

        n[i] = test_chr_new(opts);
        g_assert(n[i]);
        g_free(opts);
    }
}

/*
 * A mux chardev @id over new fifos @f (named @name), and the terminal's
 * ends of them: *@fd_in to type into, *@fd_out to read the screen from.
 */
static CharDriverState *mux_fifo_chardev(TestFifos *f, const char *name,
                                         const char *id, int *fd_in,
                                         int *fd_out)
{
    char *opts;
    CharDriverState *mux;

    test_fifos_new(f, name);
    opts = g_strdup_printf("pipe,id=%s,path=%s,mux=on", id, f->base);
    mux = test_chr_new(opts);
    g_assert(mux);
    g_free(opts);
    *fd_in = open(f->in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    *fd_out = open(f->out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    g_assert_cmpint(*fd_in, >=, 0);
    g_assert_cmpint(*fd_out, >=, 0);
    return mux;
}

/* A port wired by board code (no "in use" claim), like -device with chr. */
static DeviceState *add_port(Machine *m, const char *driver, const char *id,
                             CharDriverState *chr, uint32_t nr,
                             const char *name)
{
    DeviceState *dev = qdev_create(m->bus, driver);

    dev->id = id;
    if (chr) {
        qdev_prop_set_chr(dev, "chardev", chr);
    }
    if (nr != VIRTIO_CONSOLE_BAD_ID) {
        qdev_prop_set_uint32(dev, "nr", nr);
    }
    if (name) {
        qdev_prop_set_string(dev, "name", (char *)name);
    }
    g_assert_cmpint(qdev_init(dev), ==, 0);
    return dev;
}

static VirtIOSerialPort *port_of(DeviceState *dev)
{
    return DO_UPCAST(VirtIOSerialPort, dev, dev);
}

static void wait_port(VGuest *g, uint32_t id,
                      bool (*cond)(VGuest *g, void *opaque))
{
    g_assert(vg_wait_port(g, id, 0, cond, TIMEOUT_MS));
}

/*
 * Machine @m with @max_ports ports and the -device @device, whose port
 * number is @nr; the guest's driver is up and sees the port's host side
 * connected.  The guest.
 */
static VGuest *machine_with_port(Machine *m, unsigned int max_ports,
                                 const char *device, uint32_t nr)
{
    machine_start(m, max_ports);
    g_assert(support_device_add(device));
    vg_init(m->g, WANT_FEATURES);
    wait_port(m->g, nr, vg_cond_host_connected);
    return m->g;
}

static void wait_rx(VGuest *g, uint32_t id, size_t len)
{
    g_assert(vg_wait_port(g, id, len, vg_cond_rx_total, TIMEOUT_MS));
}

typedef struct RecCond {
    RecChr *r;
    size_t len;
} RecCond;

static bool cond_rec_out(VGuest *g, void *opaque)
{
    RecCond *c = opaque;

    return c->r->out->len >= c->len;
}

static void wait_rec_out(VGuest *g, RecChr *r, size_t len)
{
    RecCond c = { r, len };

    g_assert(vg_run_until(g, cond_rec_out, &c, TIMEOUT_MS));
}

/* Feed the chardev as its backend would (respecting can_read). */
static void rec_input(RecChr *r, const char *s)
{
    int len = strlen(s);

    g_assert_cmpint(qemu_chr_can_read(r->chr), >=, len);
    qemu_chr_read(r->chr, (uint8_t *)s, len);
}

/* ---- probe, features and the announcement of ports ---- */

static void test_probe(void)
{
    Machine m;
    RecChr *con = rec_new(), *ser = rec_new();
    VGuest *g;
    const VGuestCtrlMsg *msg;

    machine_start(&m, 4);
    g = m.g;
    add_port(&m, "virtconsole", "con0", con->chr, VIRTIO_CONSOLE_BAD_ID,
             "org.qemu.console.0");
    add_port(&m, "virtserialport", "ser2", ser->chr, 2, "org.test.two");
    rec_host_open(ser);

    g_assert_cmphex(vg_init(g, WANT_FEATURES), ==, WANT_FEATURES);
    g_assert_cmpuint(g->max_ports, ==, 4);
    g_assert_cmpint(g->nqueues, ==, 10);
    wait_port(g, 0, vg_cond_present);
    wait_port(g, 2, vg_cond_present);
    wait_port(g, 2, vg_cond_host_connected);

    /* the console took port 0 and was announced as one */
    g_assert_cmpint(port_of(qdev_find_recursive(m.bus, "con0"))->id, ==, 0);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_ADD, 0), ==, 1);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_ADD, 2), ==, 1);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_ADD, 1), ==, 0);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_CONSOLE_PORT, 0), ==, 1);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_CONSOLE_PORT, 2), ==, 0);
    g_assert(vg_port(g, 0)->is_console);
    g_assert_cmpstr(vg_port(g, 0)->name, ==, "org.qemu.console.0");
    g_assert_cmpstr(vg_port(g, 2)->name, ==, "org.test.two");
    msg = vg_ctrl_last(g, VIRTIO_CONSOLE_PORT_NAME, 2);
    g_assert(msg);
    /* the name travels with its NUL */
    g_assert_cmpuint(msg->len, ==, 8 + strlen("org.test.two") + 1);
    /*
     * A serial port is announced as connected once its backend opened; a
     * console always is, so that its output waits in the chardev.
     */
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_OPEN, 2), ==, 1);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_OPEN, 0), ==, 1);
    g_assert(vg_port(g, 0)->host_connected);
    /* the console was opened by the guest (hvc) and the backend heard it */
    g_assert_cmpstr(con->log->str, ==, "O");
    g_assert_cmpstr(ser->log->str, ==, "");
    g_assert_cmpuint(g->irqs, >, 0);

    machine_stop(&m);
    g_assert_cmpstr(con->log->str, ==, "OC");
    rec_free(con);
    rec_free(ser);
}

/* max_ports=1 offers no MULTIPORT: port 0 is a plain console. */
static void test_no_multiport(void)
{
    Machine m;
    RecChr *con = rec_new();
    VGuest *g;

    machine_start(&m, 1);
    g = m.g;
    add_port(&m, "virtconsole", "con0", con->chr, VIRTIO_CONSOLE_BAD_ID,
             NULL);
    rec_host_open(con);
    g_assert_cmphex(vg_init(g, WANT_FEATURES), ==,
                    1u << VIRTIO_RING_F_INDIRECT_DESC);
    g_assert_cmpint(g->nqueues, ==, 2);
    vg_run_for(g, 20);
    /* no control queue, yet the backend learns the guest is there */
    g_assert_cmpstr(con->log->str, ==, "O");
    g_assert_cmpint(g->ctrl_log->len, ==, 0);

    rec_input(con, "hello guest");
    wait_rx(g, 0, 11);
    g_assert_cmpmem(vg_port(g, 0)->rx->data, 11, "hello guest", 11);
    g_assert_cmpuint(vg_port_write(g, 0, "hi host", 7), ==, 7);
    wait_rec_out(g, con, 7);
    g_assert_cmpmem(con->out->data, 7, "hi host", 7);

    vg_reset(g);
    g_assert_cmpstr(con->log->str, ==, "OC");
    machine_stop(&m);
    g_assert_cmpstr(con->log->str, ==, "OC");
    rec_free(con);
}

/* ---- qdev properties and port numbering rules ---- */

static void expect_add_error(const char *opts, const char *error)
{
    support_error_clear();
    support_error_quiet(true);
    g_assert(support_device_add(opts) == NULL);
    support_error_quiet(false);
    if (!support_error_seen(error)) {
        g_test_message("last error: %s", support_error_last());
    }
    g_assert(support_error_seen(error));
}

/*
 * A -device that is refused with @error.  With @machine, a virtio-serial
 * with 4 ports is there; the null chardev "n0" is there in any case, and
 * a failed plug gives it back.
 */
typedef struct AddErrorCase {
    const char *path;
    bool machine;
    const char *opts;
    const char *error;
} AddErrorCase;

static const AddErrorCase add_errors[] = {
    { "/virtio-serial/qdev-props/max-ports-0", false,
      "virtio-serial,id=bad0,max_ports=0", "max_ports must be at least 1" },
    { "/virtio-serial/qdev-props/max-ports-32", false,
      "virtio-serial,id=bad1,max_ports=32", "at most 31 are supported" },
    { "/virtio-serial/qdev-props/no-bus", false, "virtserialport,chardev=n0",
      "No 'virtio-serial-bus' bus found" },
    { "/virtio-serial/qdev-props/no-such-chardev", true,
      "virtserialport,chardev=nosuch",
      "Property 'virtserialport.chardev' can't find value 'nosuch'" },
    /*
     * v0.15.0's qdev never gives back a chardev whose property was parsed
     * before another property failed: the bad one comes first here.
     */
    { "/virtio-serial/qdev-props/no-such-property", true,
      "virtserialport,bogus=1,chardev=n0",
      "Property 'virtserialport.bogus' not found" },
    { "/virtio-serial/qdev-props/nr-0-reserved", true,
      "virtserialport,chardev=n0,nr=0",
      "port 0 is reserved for a virtconsole" },
    { "/virtio-serial/qdev-props/nr-out-of-range", true,
      "virtserialport,chardev=n0,nr=4",
      "port number 4 is out of range, max_ports is 4" },
};

static void test_add_error(gconstpointer data)
{
    const AddErrorCase *c = data;
    CharDriverState *n0 = test_chr_new("null,id=n0");
    Machine m;

    g_assert(n0);
    if (c->machine) {
        machine_start(&m, 4);
    }
    expect_add_error(c->opts, c->error);
    g_assert_cmpint(n0->avail_connections, ==, 1);
    if (c->machine) {
        machine_stop(&m);
    }
    qemu_chr_close(n0);
}

static void test_qdev_props(void)
{
    Machine m;
    CharDriverState *n[5];
    DeviceState *d;
    int i;

    null_chardevs(n, 5, "n");
    machine_start(&m, 4);
    d = support_device_add("virtserialport,id=s1,chardev=n0,bus=vser0.0");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 1);
    g_assert_cmpint(n[0]->avail_connections, ==, 0);
    expect_add_error("virtconsole,chardev=n0",
                     "Property 'virtconsole.chardev' can't take value "
                     "'n0', it's in use");
    expect_add_error("virtserialport,chardev=n1,nr=1",
                     "port 1 is already in use");
    d = support_device_add("virtconsole,id=c0,chardev=n1");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 0);
    /* a second console takes the next free number */
    d = support_device_add("virtconsole,id=c1,chardev=n2");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 2);
    d = support_device_add("virtserialport,id=s3,chardev=n3");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 3);
    expect_add_error("virtserialport,chardev=n4",
                     "all 4 ports are in use");

    /* unplug frees both the number and the chardev */
    g_assert_cmpint(support_device_del("s1"), ==, 0);
    g_assert_cmpint(n[0]->avail_connections, ==, 1);
    d = support_device_add("virtserialport,id=s1b,chardev=n0");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 1);

    machine_stop(&m);
    for (i = 0; i < 5; i++) {
        g_assert_cmpint(n[i]->avail_connections, ==, 1);
        qemu_chr_close(n[i]);
    }
}

/*
 * A port refused for a duplicate name gives its chardev back: a retry
 * with a good name can take it.
 */
static void test_dup_name_retry(void)
{
    Machine m;
    CharDriverState *a = test_chr_new("null,id=dn-a");
    CharDriverState *b = test_chr_new("null,id=dn-b");
    DeviceState *d;

    g_assert(a && b);
    machine_start(&m, 4);
    g_assert(support_device_add("virtserialport,id=p1,chardev=dn-a,"
                                "name=dup"));
    expect_add_error("virtserialport,id=p2,chardev=dn-b,name=dup",
                     "port name \"dup\" is already in use");
    g_assert_cmpint(b->avail_connections, ==, 1);
    d = support_device_add("virtserialport,id=p2,chardev=dn-b,name=good");
    g_assert(d);
    g_assert_cmpint(b->avail_connections, ==, 0);
    machine_stop(&m);
    g_assert_cmpint(a->avail_connections, ==, 1);
    g_assert_cmpint(b->avail_connections, ==, 1);
    qemu_chr_close(a);
    qemu_chr_close(b);
}

/* ---- a port whose own init fails gives its chardev back ---- */

static int failport_can_read(void *opaque)
{
    return 1;
}

static void failport_read(void *opaque, const uint8_t *buf, int size)
{
}

typedef struct FailPort {
    VirtIOSerialPort port;
    CharDriverState *chr;
} FailPort;

/* A port that attaches to its chardev and then fails its init. */
static int failport_initfn(VirtIOSerialPort *port)
{
    CharDriverState *chr = DO_UPCAST(FailPort, port, port)->chr;

    if (chr) {
        qemu_chr_add_handlers(chr, failport_can_read, failport_read, NULL,
                              port);
    }
    error_report("test-failport: refusing to plug");
    return -1;
}

static VirtIOSerialPortInfo failport_info = {
    .qdev.name      = "test-failport",
    .qdev.size      = sizeof(FailPort),
    .init           = failport_initfn,
    .qdev.props = (Property[]) {
        DEFINE_PROP_CHR("chardev", FailPort, chr),
        DEFINE_PROP_END_OF_LIST(),
    },
};

/*
 * Each failed plug leaves the chardev as it was: not attached to the
 * freed port, and free for the next device_add, which works.
 */
static void test_init_fail_retry(void)
{
    CharDriverState *plain = test_chr_new("null,id=if-plain");
    CharDriverState *mux = test_chr_new("null,id=if-mux,mux=on");
    TestFrontend mon;
    Machine m;
    VGuest *g;
    DeviceState *d;

    g_assert(plain && mux);
    machine_start(&m, 4);
    g = m.g;
    vg_init(g, WANT_FEATURES);
    test_fe_attach(&mon, mux);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 1);

    expect_add_error("test-failport,id=f1,chardev=if-plain",
                     "test-failport: refusing to plug");
    g_assert_cmpint(plain->avail_connections, ==, 1);
    g_assert_cmpint(qemu_chr_can_read(plain), ==, 0);
    expect_add_error("virtserialport,id=f2,chardev=if-plain,nr=9",
                     "port number 9 is out of range");
    g_assert_cmpint(plain->avail_connections, ==, 1);
    d = support_device_add("virtserialport,id=ok1,chardev=if-plain,nr=1");
    g_assert(d);
    g_assert_cmpint(plain->avail_connections, ==, 0);
    expect_add_error("virtserialport,id=f3,chardev=if-mux,nr=1",
                     "port 1 is already in use");
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 1);

    /* on a mux the monitor keeps its slot and the focus comes back */
    expect_add_error("test-failport,id=f4,chardev=if-mux",
                     "test-failport: refusing to plug");
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 1);
    qemu_chr_read(qemu_chr_find("if-mux-base"), (uint8_t *)"m", 1);
    g_assert(test_fe_wait_input(&mon, 1, TIMEOUT_MS));
    d = support_device_add("virtconsole,id=ok2,chardev=if-mux,nr=2");
    g_assert(d);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 2);

    machine_stop(&m);
    g_assert_cmpint(plain->avail_connections, ==, 1);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 1);
    test_fe_detach(&mon);
    qemu_chr_close(plain);
    qemu_chr_close(mux);
}

/* ---- guest open/close reach the backend exactly once per change ---- */

static void test_guest_open_close(void)
{
    Monitor *mon;
    Machine m;
    RecChr *r = rec_new();
    VGuest *g;
    DeviceState *d;

    machine_start(&m, 4);
    g = m.g;
    d = add_port(&m, "virtserialport", "p1", r->chr, 1, "org.test.oc");
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    g_assert_cmpstr(r->log->str, ==, "");

    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "O");
    g_assert(r->chr->fe_open);
    g_assert(port_of(d)->guest_connected);
    /* "info qtree" shows the port state */
    mon = support_monitor_new_buffer();
    do_info_qtree(mon);
    g_assert(strstr(support_monitor_buffer(mon), "bus: vser0.0"));
    g_assert(strstr(support_monitor_buffer(mon),
                    "dev: virtserialport, id \"p1\""));
    g_assert(strstr(support_monitor_buffer(mon),
                    "port 1, guest on, host off, throttle off"));
    support_monitor_free(mon);
    /* a repeated PORT_OPEN(1) is no new transition */
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "O");
    vg_port_close(g, 1);
    vg_port_close(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "OC");
    g_assert(!r->chr->fe_open);
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "OCO");

    /* device reset: the guest driver is gone */
    vg_reset(g);
    g_assert_cmpstr(r->log->str, ==, "OCOC");
    g_assert(!port_of(d)->guest_connected);
    vg_reset(g);
    g_assert_cmpstr(r->log->str, ==, "OCOC");

    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "OCOCO");

    /* hot-unplug while open: one close, and PORT_REMOVE for the guest */
    g_assert_cmpint(qdev_unplug(d), ==, 0);
    g_assert_cmpstr(r->log->str, ==, "OCOCOC");
    vg_run_for(g, 5);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_REMOVE, 1), ==, 1);
    g_assert(!vg_port(g, 1)->present);

    /* plugged again on the same chardev: a fresh start */
    d = add_port(&m, "virtserialport", "p1", r->chr, 1, NULL);
    wait_port(g, 1, vg_cond_present);
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpstr(r->log->str, ==, "OCOCOCO");
    machine_stop(&m);
    g_assert_cmpstr(r->log->str, ==, "OCOCOCOC");
    g_assert_cmpint(r->opens, ==, 4);
    g_assert_cmpint(r->closes, ==, 4);
    rec_free(r);
}

/* ---- host connect/disconnect reach the guest as PORT_OPEN ---- */

static void test_host_open_close(void)
{
    Machine m;
    RecChr *r = rec_new();
    VGuest *g;
    int i;

    machine_start(&m, 2);
    g = m.g;
    add_port(&m, "virtserialport", "p1", r->chr, 1, NULL);
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    g_assert(!vg_port(g, 1)->host_connected);
    for (i = 0; i < 3; i++) {
        rec_host_open(r);
        wait_port(g, 1, vg_cond_host_connected);
        rec_host_close(r);
        wait_port(g, 1, vg_cond_host_disconnected);
    }
    vg_run_for(g, 5);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_OPEN, 1), ==, 6);
    /* a second CLOSED is no change and sends nothing */
    rec_host_close(r);
    vg_run_for(g, 5);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_OPEN, 1), ==, 6);
    machine_stop(&m);
    rec_free(r);
}

/*
 * A real peer that hangs up: a pipe chardev on a pty slave.  When the
 * master closes, the backend sees EIO and reports CHR_EVENT_CLOSED.
 */
/*
 * A virtconsole on a pty backend nobody has opened yet: what the guest
 * writes waits in the chardev and a client that attaches later reads it
 * from the first byte (v0.15.0 discarded it in the port).
 */
static void test_console_pty_before_client(void)
{
    Machine m;
    CharDriverState *chr;
    const char *slave;
    char buf[64];
    size_t got;
    int64_t start;
    int fd;
    VGuest *g;

    support_error_quiet(true);
    chr = test_chr_new("pty,id=conpty");
    support_error_quiet(false);
    g_assert(chr);
    g_assert(g_str_has_prefix(chr->filename, "pty:"));
    slave = chr->filename + strlen("pty:");

    g = machine_with_port(&m, 2, "virtconsole,id=cp,chardev=conpty", 0);
    vg_port_open(g, 0);
    g_assert_cmpuint(vg_port_write(g, 0, "boot message\n", 13), ==, 13);
    vg_run_for(g, 50);
    /* nobody reads yet: held back, neither lost nor spinning */
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);

    fd = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    g_assert_cmpint(fd, >=, 0);
    {
        struct termios tio;

        tcgetattr(fd, &tio);
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
    }
    got = 0;
    start = g_get_monotonic_time();
    while (got < 13 && g_get_monotonic_time() - start < TIMEOUT_MS * 1000) {
        ssize_t n;

        vg_run_for(g, 10);
        n = read(fd, buf + got, sizeof(buf) - got);
        if (n > 0) {
            got += n;
        }
    }
    g_assert_cmpint(got, ==, 13);
    g_assert_cmpmem(buf, 13, "boot message\n", 13);
    wait_port(g, 0, vg_cond_tx_done);

    machine_stop(&m);
    qemu_chr_close(chr);
    close(fd);
}

/* Spins an hvc write may take before we call the guest stalled. */
#define HVC_SPIN_BUDGET 10000

static int open_pty_client(CharDriverState *chr)
{
    int fd = open(chr->filename + strlen("pty:"),
                  O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    struct termios tio;

    g_assert_cmpint(fd, >=, 0);
    tcgetattr(fd, &tio);
    cfmakeraw(&tio);
    tcsetattr(fd, TCSANOW, &tio);
    return fd;
}

typedef struct TxWait {
    uint32_t id;
    size_t inflight;
} TxWait;

/*
 * The guest's kernel console on a virtconsole (console=hvc0): Linux's hvc
 * driver spins, interrupts off, until the device takes each buffer, so
 * the port must never be throttled.  With nobody on the pty the boot
 * output waits for the client that attaches later; with a client that
 * stops reading the guest goes on and what does not fit is dropped and
 * counted (also in "info chardev").  A virtserialport beside it keeps its
 * semantics: closed for the guest while its pty has no client, and
 * back-pressure (no loss) against a client that does not read.
 */
static void test_console_never_stalls(void)
{
    const size_t early_len = 100000, more_len = 2 * 1024 * 1024;
    const size_t ser_len = 256 * 1024;
    uint8_t *early = g_malloc(early_len), *more = g_malloc(more_len);
    uint8_t *ser = g_malloc(ser_len), *got = g_malloc(more_len);
    CharDriverState *chr, *schr;
    Monitor *mon;
    char *line;
    size_t n, sent;
    gint64 deadline;
    int fd, sfd;
    Machine m;
    VGuest *g;

    test_fill_pattern(early, early_len, 1);
    test_fill_pattern(more, more_len, 2);
    test_fill_pattern(ser, ser_len, 3);
    chr = test_chr_new("pty,id=hvcpty");
    schr = test_chr_new("pty,id=serpty");
    g_assert(chr && schr);
    machine_start(&m, 2);
    g = m.g;
    g_assert(support_device_add("virtconsole,id=hvc0,chardev=hvcpty"));
    g_assert(support_device_add("virtserialport,id=ser0,nr=1,"
                                "chardev=serpty,name=ser"));
    vg_init(g, WANT_FEATURES);
    wait_port(g, 0, vg_cond_host_connected);
    vg_port_open(g, 0);
    vg_port_open(g, 1);
    vg_run_for(g, 20);
    g_assert_false(vg_port(g, 1)->host_connected);

    /* boot messages, nobody on the pty */
    g_assert_true(vg_console_write(g, 0, early, early_len, HVC_SPIN_BUDGET));
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);

    /* a client attaches: everything, from the first byte */
    fd = open_pty_client(chr);
    g_assert(test_pump_read(fd, got, early_len, TIMEOUT_MS));
    g_assert(memcmp(got, early, early_len) == 0);

    /* the client stops reading: the guest goes on, the excess is counted */
    g_assert_true(vg_console_write(g, 0, more, more_len, HVC_SPIN_BUDGET));
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), >, 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), <, more_len);
    mon = support_monitor_new_buffer();
    support_monitor_command(mon, "info chardev");
    line = g_strdup_printf("    hvcpty: %" PRIu64 " bytes dropped",
                           qemu_chr_dropped_bytes(chr));
    g_assert(strstr(support_monitor_buffer(mon), line));
    g_free(line);
    support_monitor_free(mon);
    /* it reads again: the output resumes in order where it stopped */
    n = more_len - qemu_chr_dropped_bytes(chr);
    g_assert(test_pump_read(fd, got, n, TIMEOUT_MS));
    g_assert(memcmp(got, more, n) == 0);
    g_assert_cmpuint(test_pump_some(fd, got, 1, 20), ==, 0);

    /* the serial port: open once a client is there, throttled, lossless */
    sfd = open_pty_client(schr);
    wait_port(g, 1, vg_cond_host_connected);
    sent = vg_port_write(g, 1, ser, ser_len);
    vg_run_for(g, 50);
    g_assert_cmpuint(vg_port(g, 1)->tx_inflight, >, 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(schr), ==, 0);
    deadline = g_get_monotonic_time() + TIMEOUT_MS * 1000LL;
    for (n = 0; n < ser_len; ) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        n += test_pump_some(sfd, got + n, ser_len - n, 10);
        vg_run_for(g, 1);
        sent += vg_port_write(g, 1, ser + sent, ser_len - sent);
    }
    g_assert(memcmp(got, ser, ser_len) == 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(schr), ==, 0);

    machine_stop(&m);
    qemu_chr_close(chr);
    qemu_chr_close(schr);
    close(fd);
    close(sfd);
    g_free(early);
    g_free(more);
    g_free(ser);
    g_free(got);
}

static void test_pty_peer_hangup(void)
{
    Machine m;
    CharDriverState *chr;
    struct termios tio;
    char *opts, buf[16];
    int master;
    VGuest *g;

    master = posix_openpt(O_RDWR | O_NOCTTY);
    g_assert_cmpint(master, >=, 0);
    g_assert_cmpint(grantpt(master), ==, 0);
    g_assert_cmpint(unlockpt(master), ==, 0);
    tcgetattr(master, &tio);
    cfmakeraw(&tio);
    tcsetattr(master, TCSANOW, &tio);
    opts = g_strdup_printf("pipe,id=ptyp,path=%s", ptsname(master));
    chr = test_chr_new(opts);
    g_free(opts);
    g_assert(chr);

    g = machine_with_port(&m, 2, "virtserialport,id=pp,chardev=ptyp,nr=1",
                          1);
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert(chr->fe_open);

    g_assert_cmpuint(vg_port_write(g, 1, "ping", 4), ==, 4);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert(test_read_full(master, buf, 4, TIMEOUT_MS));
    g_assert_cmpmem(buf, 4, "ping", 4);
    g_assert(test_write_full(master, "pong", 4, TIMEOUT_MS));
    wait_rx(g, 1, 4);
    g_assert_cmpmem(vg_port(g, 1)->rx->data, 4, "pong", 4);

    close(master);
    wait_port(g, 1, vg_cond_host_disconnected);
    /* with nobody on the host side, guest buffers come back unread */
    g_assert_cmpuint(vg_port_write(g, 1, "lost", 4), ==, 4);
    wait_port(g, 1, vg_cond_tx_done);

    machine_stop(&m);
    qemu_chr_close(chr);
}

/* ---- data through real backends ---- */

static void test_data_fifo(void)
{
    Machine m;
    CharDriverState *chr;
    TestFifos f;
    int fd_in, fd_out;
    char buf[64];
    VGuest *g;

    chr = test_pipe_chr_new(&f, "fifo");
    fd_in = open(f.in, O_WRONLY | O_NONBLOCK);
    fd_out = open(f.out, O_RDONLY | O_NONBLOCK);
    g_assert_cmpint(fd_in, >=, 0);
    g_assert_cmpint(fd_out, >=, 0);

    g = machine_with_port(&m, 4, "virtserialport,id=fp,chardev=fifo,"
                                 "name=org.test.fifo", 1);

    /* host data waits in the fifo until the guest opens the port */
    g_assert(test_write_full(fd_in, "early", 5, TIMEOUT_MS));
    vg_run_for(g, 20);
    g_assert_cmpuint(vg_port(g, 1)->rx_total, ==, 0);
    vg_port_open(g, 1);
    wait_rx(g, 1, 5);
    g_assert_cmpmem(vg_port(g, 1)->rx->data, 5, "early", 5);

    g_assert_cmpuint(vg_port_write(g, 1, "from guest", 10), ==, 10);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert(test_read_full(fd_out, buf, 10, TIMEOUT_MS));
    g_assert_cmpmem(buf, 10, "from guest", 10);

    machine_stop(&m);
    qemu_chr_close(chr);
    close(fd_in);
    close(fd_out);
    test_fifos_free(&f);
}

/* A socket chardev with a real client: connects and hang-ups reach the guest. */
static void test_data_socket(void)
{
    Machine m;
    CharDriverState *chr;
    char *path = test_tmp_path("vs.sock"), *opts;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char buf[64];
    int round, peer;
    VGuest *g;

    opts = g_strdup_printf("socket,id=vsock,path=%s,server,nowait", path);
    chr = test_chr_new(opts);
    g_assert(chr);
    machine_start(&m, 4);
    g = m.g;
    g_assert(support_device_add("virtserialport,id=sp,chardev=vsock,"
                                "name=org.test.socket"));
    vg_init(g, WANT_FEATURES);
    vg_port_open(g, 1);
    /* nobody connected to the server yet */
    vg_run_for(g, 20);
    g_assert(!vg_port(g, 1)->host_connected);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));

    for (round = 0; round < 2; round++) {
        size_t base = vg_port(g, 1)->rx_total;

        peer = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(connect(peer, (struct sockaddr *)&sa, sizeof(sa)),
                        ==, 0);
        wait_port(g, 1, vg_cond_host_connected);

        g_assert(test_write_full(peer, "from peer", 9, TIMEOUT_MS));
        wait_rx(g, 1, base + 9);
        g_assert_cmpmem(vg_port(g, 1)->rx->data + base, 9, "from peer", 9);

        g_assert_cmpuint(vg_port_write(g, 1, "from guest", 10), ==, 10);
        wait_port(g, 1, vg_cond_tx_done);
        g_assert(test_read_full(peer, buf, 10, TIMEOUT_MS));
        g_assert_cmpmem(buf, 10, "from guest", 10);

        /* the peer leaves: the guest hears PORT_OPEN(0) */
        close(peer);
        wait_port(g, 1, vg_cond_host_disconnected);
    }

    /* a reader that drops what it read (the benchmarks' guest) */
    {
        VGuestPort *p = vg_port(g, 1);
        size_t kept = p->rx->len;
        uint64_t base = p->rx_total;

        p->rx_discard = true;
        peer = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(connect(peer, (struct sockaddr *)&sa, sizeof(sa)),
                        ==, 0);
        wait_port(g, 1, vg_cond_host_connected);
        g_assert(test_write_full(peer, "dropped", 7, TIMEOUT_MS));
        wait_rx(g, 1, base + 7);
        g_assert_cmpuint(p->rx_total, ==, base + 7);
        g_assert_cmpuint(p->rx->len, ==, kept);
        g_assert_cmpmem(g->rx_scratch, 7, "dropped", 7);
        close(peer);
        wait_port(g, 1, vg_cond_host_disconnected);
    }

    machine_stop(&m);
    qemu_chr_close(chr);
    g_free(opts);
    g_free(path);
}

static void test_data_file(void)
{
    Machine m;
    CharDriverState *chr;
    char *path = test_tmp_path("out.txt"), *opts, *contents;
    gsize len;
    VGuest *g;

    opts = g_strdup_printf("file,id=fout,path=%s", path);
    chr = test_chr_new(opts);
    g_assert(chr);
    g = machine_with_port(&m, 2, "virtconsole,id=fc,chardev=fout", 0);
    g_assert_cmpuint(vg_port_write(g, 0, "console line\n", 13), ==, 13);
    wait_port(g, 0, vg_cond_tx_done);
    g_assert(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpstr(contents, ==, "console line\n");
    g_free(contents);
    machine_stop(&m);
    qemu_chr_close(chr);
    unlink(path);
    g_free(opts);
    g_free(path);
}

static void test_data_memory(void)
{
    Machine m;
    CharDriverState chr;
    QString *qs;
    VGuest *g;

    qemu_chr_init_mem(&chr);
    machine_start(&m, 2);
    g = m.g;
    add_port(&m, "virtserialport", "mp", &chr, 1, NULL);
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    /* nobody opened the memory chardev: guest data is not taken */
    g_assert(!vg_port(g, 1)->host_connected);
    qemu_chr_generic_open(&chr);
    wait_port(g, 1, vg_cond_host_connected);
    vg_port_open(g, 1);
    g_assert_cmpuint(vg_port_write(g, 1, "to memory", 9), ==, 9);
    wait_port(g, 1, vg_cond_tx_done);
    qs = qemu_chr_mem_to_qs(&chr);
    g_assert_cmpstr(qstring_get_str(qs), ==, "to memory");
    QDECREF(qs);
    machine_stop(&m);
    /*
     * Letting go of an open chardev re-arms its OPENED bottom half (core
     * behaviour); this one lives on our stack, so cancel it.
     */
    if (chr.bh) {
        qemu_bh_delete(chr.bh);
        chr.bh = NULL;
    }
    qemu_chr_close_mem(&chr);
}


/* ---- flow control ---- */

/* Deterministic stream: the same generator on both sides. */
typedef struct Stream {
    uint64_t state;
} Stream;

static void stream_fill(Stream *st, uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        st->state ^= st->state << 13;
        st->state ^= st->state >> 7;
        st->state ^= st->state << 17;
        buf[i] = st->state >> 24;
    }
}

/* A peer on the other end of a fifo, in its own thread. */
typedef struct Peer {
    pthread_t thread;
    char *path;
    uint64_t total;         /* bytes to move */
    uint64_t done;
    GChecksum *sum;
    bool slow;
    volatile int stall;     /* reader: pause while set */
    volatile int finished;
    bool ok;
} Peer;

/* Reads slowly: small reads, regular naps, a few long stalls. */
static void *peer_reader(void *opaque)
{
    Peer *p = opaque;
    uint8_t buf[4096];
    int fd = open(p->path, O_RDONLY);
    uint64_t reads = 0;

    p->ok = fd >= 0;
    while (p->ok && p->done < p->total) {
        ssize_t n;

        while (p->stall) {
            g_usleep(1000);
        }
        n = read(fd, buf, sizeof(buf));
        if (n <= 0) {
            p->ok = n == 0 && p->total == UINT64_MAX;
            break;
        }
        g_checksum_update(p->sum, buf, n);
        p->done += n;
        reads++;
        if (p->slow && reads % 64 == 0) {
            g_usleep(reads % 4096 == 0 ? 50000 : 1000);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    p->finished = 1;
    return NULL;
}

/* Writes the stream in chunks of varying size, as fast as it can. */
static void *peer_writer(void *opaque)
{
    Peer *p = opaque;
    uint8_t *buf = g_malloc(65536);
    Stream st = { 0x9e3779b97f4a7c15ull };
    int fd = open(p->path, O_WRONLY);
    uint64_t chunk = 1;

    p->ok = fd >= 0;
    while (p->ok && p->done < p->total) {
        size_t n = MIN(p->total - p->done, 1 + (chunk * 7919) % 65536);

        stream_fill(&st, buf, n);
        g_checksum_update(p->sum, buf, n);
        p->ok = qemu_write_full(fd, buf, n) == (ssize_t)n;
        p->done += n;
        chunk++;
    }
    if (fd >= 0) {
        close(fd);
    }
    g_free(buf);
    p->finished = 1;
    return NULL;
}

static void peer_start_sum(Peer *p, const char *path, uint64_t total,
                           void *(*fn)(void *), GChecksum *sum, int stall)
{
    memset(p, 0, sizeof(*p));
    p->path = g_strdup(path);
    p->total = total;
    p->sum = sum;
    p->stall = stall;
    p->slow = true;
    g_assert_cmpint(pthread_create(&p->thread, NULL, fn, p), ==, 0);
}

static void peer_start(Peer *p, const char *path, uint64_t total,
                       void *(*fn)(void *))
{
    memset(p, 0, sizeof(*p));
    p->path = g_strdup(path);
    p->total = total;
    p->sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_assert_cmpint(pthread_create(&p->thread, NULL, fn, p), ==, 0);
}

static void peer_join(Peer *p)
{
    pthread_join(p->thread, NULL);
    g_free(p->path);
    g_assert(p->ok);
}

/*
 * Machine @m with 2 ports (the guest posting @rx_buffers receive buffers
 * a port, -1: as many as vg_new() says) and the fifo chardev @id on
 * virtserialport nr 1, connected on the host side and opened by the
 * guest.  The port; the chardev in *@chr, its fifos in @f.
 */
static VirtIOSerialPort *fifo_port_start(Machine *m, const char *id,
                                         int rx_buffers,
                                         CharDriverState **chr, TestFifos *f)
{
    char *opts = g_strdup_printf("virtserialport,id=%sp,chardev=%s,nr=1",
                                 id, id);
    VirtIOSerialPort *port;

    *chr = test_pipe_chr_new(f, id);
    machine_start(m, 2);
    if (rx_buffers >= 0) {
        m->g->default_rx_buffers = rx_buffers;
    }
    port = port_of(support_device_add(opts));
    vg_init(m->g, WANT_FEATURES);
    wait_port(m->g, 1, vg_cond_host_connected);
    vg_port_open(m->g, 1);
    g_free(opts);
    return port;
}

static void fifo_port_stop(Machine *m, CharDriverState *chr, TestFifos *f)
{
    machine_stop(m);
    qemu_chr_close(chr);
    test_fifos_free(f);
}

typedef struct TxState {
    VirtIOSerialPort *port;
    uint32_t id;
    int throttled_seen;
    Peer *peer;
} TxState;

static bool cond_tx_room(VGuest *g, void *opaque)
{
    TxState *t = opaque;

    if (t->port->throttled) {
        t->throttled_seen++;
    }
    return g->q[vg_port_tx_queue(t->id)].nfree > 0;
}

/*
 * The guest writes a stream into the port as fast as its ring allows,
 * adding it to @sum.
 */
static void guest_send_stream(VGuest *g, TxState *t, uint64_t total,
                              Stream *st, GChecksum *sum)
{
    size_t chunk = 256 * 1024, pending = 0, off = 0;
    uint8_t *buf = g_malloc(chunk);
    uint64_t made = 0;

    while (made < total || pending) {
        size_t n;

        if (!pending) {
            pending = MIN(chunk, total - made);
            off = 0;
            stream_fill(st, buf, pending);
            g_checksum_update(sum, buf, pending);
            made += pending;
        }
        n = vg_port_write(g, t->id, buf + off, pending);
        off += n;
        pending -= n;
        if (pending) {
            g_assert(vg_run_until(g, cond_tx_room, t, TIMEOUT_MS));
        }
    }
    g_free(buf);
}

static bool cond_peer_done(VGuest *g, void *opaque)
{
    TxState *t = opaque;

    if (t->port->throttled) {
        t->throttled_seen++;
    }
    return t->peer->finished;
}

/* 64 MiB guest -> slow host peer: throttled, resumed, nothing lost. */
static void test_flow_guest_to_host(void)
{
    Machine m;
    CharDriverState *chr;
    TestFifos f;
    GChecksum *sum;
    Stream st = { 0x123456789abcdefull };
    TxState t = { .id = 1 };
    Peer peer;
    uint64_t iters;
    VGuest *g;

    t.port = fifo_port_start(&m, "g2h", -1, &chr, &f);
    g = m.g;

    peer_start(&peer, f.out, BIG_TRANSFER, peer_reader);
    peer.slow = true;
    t.peer = &peer;
    iters = support_loop_iterations();
    sum = g_checksum_new(G_CHECKSUM_SHA256);
    guest_send_stream(g, &t, BIG_TRANSFER, &st, sum);
    g_assert(vg_run_until(g, cond_peer_done, &t, 60000));
    iters = support_loop_iterations() - iters;
    peer_join(&peer);

    g_assert_cmpuint(peer.done, ==, BIG_TRANSFER);
    g_assert_cmpstr(g_checksum_get_string(peer.sum), ==,
                    g_checksum_get_string(sum));
    /* the slow peer did push back, and the port waited for it */
    g_assert_cmpint(t.throttled_seen, >, 0);
    g_assert_cmpuint(qemu_chr_dropped_bytes(chr), ==, 0);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert_cmpuint(vg_port(g, 1)->tx_total, ==, BIG_TRANSFER);
    /* roughly one loop iteration per pipe-full, not a spin */
    g_test_message("main loop iterations: %" PRIu64, iters);
    g_assert_cmpuint(iters, <, BIG_TRANSFER / 1024);

    g_checksum_free(peer.sum);
    g_checksum_free(sum);
    fifo_port_stop(&m, chr, &f);
}

typedef struct RxState {
    uint32_t id;
    uint64_t total;
    uint64_t next_pause;
} RxState;

/* A slow guest: it stops taking data for a while every 4 MiB. */
static bool cond_rx_slow(VGuest *g, void *opaque)
{
    RxState *r = opaque;
    VGuestPort *p = vg_port(g, r->id);

    if (p->rx_total >= r->next_pause && p->rx_total < r->total) {
        r->next_pause += 4 * 1024 * 1024;
        vg_port_set_rx_paused(g, r->id, true);
        vg_run_until(g, NULL, NULL, 5);
        vg_port_set_rx_paused(g, r->id, false);
    }
    return p->rx_total >= r->total;
}

/* 64 MiB host peer -> slow guest: the host waits for guest buffers. */
static void test_flow_host_to_guest(void)
{
    Machine m;
    CharDriverState *chr;
    TestFifos f;
    RxState r = { .id = 1, .total = BIG_TRANSFER };
    VGuestPort *p;
    Peer peer;
    VGuest *g;

    fifo_port_start(&m, "h2g", 8, &chr, &f);
    g = m.g;
    p = vg_port(g, 1);
    /* nothing arrives before the peer starts writing */
    p->rx_hash = g_checksum_new(G_CHECKSUM_SHA256);

    support_error_clear();
    peer_start(&peer, f.in, BIG_TRANSFER, peer_writer);
    g_assert(vg_run_until(g, cond_rx_slow, &r, 120000));
    peer_join(&peer);

    g_assert_cmpuint(p->rx_total, ==, BIG_TRANSFER);
    g_assert_cmpstr(g_checksum_get_string(p->rx_hash), ==,
                    g_checksum_get_string(peer.sum));
    g_assert(!support_error_seen("dropped"));

    g_checksum_free(peer.sum);
    g_checksum_free(p->rx_hash);
    p->rx_hash = NULL;
    fifo_port_stop(&m, chr, &f);
}

/* can_read is exactly the room in the posted guest buffers. */
static void test_flow_can_read(void)
{
    Machine m;
    RecChr *r = rec_new();
    VGuest *g;
    int rxq = vg_port_rx_queue(1);
    VGuestDesc d[2];
    uint64_t a;

    machine_start(&m, 2);
    g = m.g;
    g->default_rx_buffers = 0;
    add_port(&m, "virtserialport", "cr", r->chr, 1, NULL);
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    rec_host_open(r);
    wait_port(g, 1, vg_cond_host_connected);
    /* not open in the guest yet */
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 0);
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 0);

    a = vg_alloc(g, 8192, 4096);
    d[0] = (VGuestDesc) { a, 100, VRING_DESC_F_WRITE };
    vg_post_raw(g, rxq, d, 1);
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 100);
    /* a chain of two buffers, and an empty one */
    d[0] = (VGuestDesc) { a + 200, 1, VRING_DESC_F_WRITE };
    d[1] = (VGuestDesc) { a + 300, 3000, VRING_DESC_F_WRITE };
    vg_post_raw(g, rxq, d, 2);
    d[0] = (VGuestDesc) { a + 4000, 0, VRING_DESC_F_WRITE };
    vg_post_raw(g, rxq, d, 1);
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 3101);

    /* filling it exactly leaves nothing */
    {
        uint8_t buf[3101];

        test_fill_pattern(buf, sizeof(buf), 7);
        qemu_chr_read(r->chr, buf, sizeof(buf));
        g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 0);
        vg_run_for(g, 5);
        g_assert_cmpmem(support_guest_ram() + a, 100, buf, 100);
        g_assert_cmpmem(support_guest_ram() + a + 200, 1, buf + 100, 1);
        g_assert_cmpmem(support_guest_ram() + a + 300, 3000, buf + 101,
                        3000);
    }
    /* lots of room is reported capped, never more than there is */
    vg_port(g, 1)->rx_buffers = 128;
    vg_port_set_rx_paused(g, 1, false);
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 65536);
    vg_port_close(g, 1);
    vg_run_for(g, 5);
    g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 0);
    machine_stop(&m);
    rec_free(r);
}

static bool cond_port_throttled(VGuest *g, void *opaque)
{
    TxState *t = opaque;

    return t->port->throttled;
}

/* A peer that stops reading costs no CPU: the port just waits. */
static void test_flow_no_busy_loop(void)
{
    Machine m;
    CharDriverState *chr;
    TestFifos f;
    Stream st = { 42 };
    TxState t = { .id = 1 };
    uint64_t iters, cbs;
    Peer peer;
    VGuest *g;

    t.port = fifo_port_start(&m, "stall", -1, &chr, &f);
    g = m.g;
    peer_start(&peer, f.out, 1024 * 1024, peer_reader);
    peer.stall = 1;
    t.peer = &peer;

    /* more than the pipe holds */
    {
        uint8_t *buf = g_malloc(256 * 1024);

        stream_fill(&st, buf, 256 * 1024);
        g_assert_cmpuint(vg_port_write(g, 1, buf, 256 * 1024), ==,
                         256 * 1024);
        g_free(buf);
    }
    g_assert(vg_run_until(g, cond_port_throttled, &t, TIMEOUT_MS));
    iters = support_loop_iterations();
    cbs = support_cb_count();
    vg_run_for(g, 300);
    iters = support_loop_iterations() - iters;
    cbs = support_cb_count() - cbs;
    g_test_message("while stalled: %" PRIu64 " iterations, %" PRIu64
                   " callbacks", iters, cbs);
    /* vg_run_for() wakes up once per ms by itself */
    g_assert_cmpuint(cbs, <, 50);
    g_assert(t.port->throttled);

    peer.stall = 0;
    peer.total = 256 * 1024;
    g_assert(vg_run_until(g, cond_peer_done, &t, TIMEOUT_MS));
    peer_join(&peer);
    g_assert_cmpuint(peer.done, ==, 256 * 1024);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert(!t.port->throttled);

    g_checksum_free(peer.sum);
    fifo_port_stop(&m, chr, &f);
}

/* ---- migration ---- */

static GByteArray *save_state(void)
{
    GByteArray *buf = g_byte_array_new();
    QEMUFile *f = support_qemu_file_mem_writer(buf);

    g_assert_cmpint(support_savevm_save(f), ==, 0);
    qemu_fclose(f);
    return buf;
}

static int load_state(const uint8_t *data, size_t len)
{
    QEMUFile *f = support_qemu_file_mem_reader(data, len);
    int ret = support_savevm_load(f);

    qemu_fclose(f);
    return ret;
}

/*
 * Save while the guest->host port is throttled with a half-sent buffer,
 * load on a fresh device: connected states, the throttled buffer and all
 * queued guest data arrive, in order, exactly once.
 */
static void test_migration(void)
{
    Machine src, dst;
    CharDriverState *c1, *c1b;
    RecChr *r2 = rec_new(), *r2b = rec_new();
    TestFifos f1, f1b;
    GChecksum *sent = g_checksum_new(G_CHECKSUM_SHA256);
    GChecksum *got = g_checksum_new(G_CHECKSUM_SHA256);
    Stream st = { 77 };
    TxState t = { .id = 1 };
    GByteArray *mig;
    uint8_t *ram;
    uint64_t first = 512 * 1024, second = 3 * 1024 * 1024, src_done;
    uint8_t *buf;
    Peer peer;
    VGuest *g;

    /* source */
    c1 = test_pipe_chr_new(&f1, "mig1");
    machine_start(&src, 4);
    g = src.g;
    t.port = port_of(support_device_add("virtserialport,id=m1,"
                                        "chardev=mig1,nr=1"));
    add_port(&src, "virtserialport", "m2", r2->chr, 2, "org.test.m2");
    rec_host_open(r2);
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_host_connected);
    wait_port(g, 2, vg_cond_host_connected);
    vg_port_open(g, 1);
    vg_port_open(g, 2);
    peer_start_sum(&peer, f1.out, UINT64_MAX, peer_reader, got, 1);

    /* more than the fifo holds, while its reader is stalled */
    buf = g_malloc(first);
    stream_fill(&st, buf, first);
    g_checksum_update(sent, buf, first);
    g_assert_cmpuint(vg_port_write(g, 1, buf, first), ==, first);
    g_free(buf);
    g_assert(vg_run_until(g, cond_port_throttled, &t, TIMEOUT_MS));
    vg_run_for(g, 10);
    g_assert(t.port->throttled);
    g_assert_cmpuint(vg_port(g, 1)->tx_inflight, >, 0);
    g_assert_cmpstr(r2->log->str, ==, "O");

    mig = save_state();
    ram = g_memdup2(support_guest_ram(), support_guest_ram_size());

    /* the source goes away; its peer gets what reached the fifo */
    qdev_free(src.vser);
    src.vser = NULL;
    g->dev = NULL;
    g_assert_cmpstr(r2->log->str, ==, "OC");
    qemu_chr_close(c1);
    peer.stall = 0;
    while (!peer.finished) {
        g_usleep(1000);
    }
    peer_join(&peer);
    src_done = peer.done;
    g_assert_cmpuint(src_done, >, 0);
    g_assert_cmpuint(src_done, <, first);
    memcpy(support_guest_ram(), ram, support_guest_ram_size());
    g_free(ram);

    /* destination: same layout, new backends */
    c1b = test_pipe_chr_new(&f1b, "mig1b");
    dst.vser = support_device_add("virtio-serial,id=vser0,max_ports=4");
    g_assert(dst.vser);
    dst.bus = qdev_get_child_bus(dst.vser, "vser0.0");
    dst.g = g;
    vg_attach(g, dst.vser);
    t.port = port_of(support_device_add("virtserialport,id=m1,"
                                        "chardev=mig1b,nr=1"));
    add_port(&dst, "virtserialport", "m2", r2b->chr, 2, "org.test.m2");
    peer_start_sum(&peer, f1b.out, first + second - src_done, peer_reader,
                   got, 0);
    /* incoming migration starts once the main loop has run */
    support_run_for(10);
    vg_ctrl_clear(g);
    g_assert_cmpint(load_state(mig->data, mig->len), ==, 0);

    /* the guest had port 2 open: its new backend hears it once */
    g_assert_cmpstr(r2b->log->str, ==, "O");
    g_assert(port_of(qdev_find_recursive(dst.bus, "m2"))->guest_connected);
    /* the new backend of port 2 is not connected: the guest is told */
    wait_port(g, 2, vg_cond_host_disconnected);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_OPEN, 2), ==, 1);
    g_assert(vg_port(g, 1)->host_connected);

    /* the throttled data flows on, then more */
    guest_send_stream(g, &t, second, &st, sent);
    t.peer = &peer;
    g_assert(vg_run_until(g, cond_peer_done, &t, 60000));
    peer_join(&peer);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert_cmpstr(g_checksum_get_string(got), ==,
                    g_checksum_get_string(sent));

    machine_stop(&dst);
    g_assert_cmpstr(r2b->log->str, ==, "OC");
    g_byte_array_free(mig, TRUE);
    g_checksum_free(sent);
    g_checksum_free(got);
    qemu_chr_close(c1b);
    test_fifos_free(&f1);
    test_fifos_free(&f1b);
    rec_free(r2);
    rec_free(r2b);
}

static DeviceState *layout(unsigned int max_ports, uint32_t a, uint32_t b)
{
    Machine m;

    machine_start(&m, max_ports);
    add_port(&m, "virtserialport", NULL, NULL, a, NULL);
    add_port(&m, "virtserialport", NULL, NULL, b, NULL);
    virtio_sim_set_irq_handler(m.vser, NULL, NULL);
    vg_free(m.g);
    return m.vser;
}

static void expect_load_error(GByteArray *mig, size_t len, const char *err)
{
    support_error_clear();
    support_error_quiet(!g_test_verbose());
    g_assert_cmpint(load_state(mig->data, len), <, 0);
    support_error_quiet(false);
    if (!support_error_seen(err)) {
        g_test_message("last error: %s", support_error_last());
    }
    g_assert(support_error_seen(err));
}

static void test_migration_mismatch(void)
{
    DeviceState *dev;
    GByteArray *mig;
    Machine m;

    machine_start(&m, 4);
    add_port(&m, "virtserialport", NULL, NULL, 1, NULL);
    add_port(&m, "virtserialport", NULL, NULL, 2, NULL);
    vg_init(m.g, WANT_FEATURES);
    wait_port(m.g, 2, vg_cond_present);
    vg_port_open(m.g, 2);
    vg_run_for(m.g, 5);
    mig = save_state();
    machine_stop(&m);

    dev = layout(4, 1, 3);
    expect_load_error(mig, mig->len, "the port layout must match");
    qdev_free(dev);
    dev = layout(8, 1, 2);
    expect_load_error(mig, mig->len, "queues in stream");
    qdev_free(dev);
    dev = layout(4, 1, 2);
    expect_load_error(mig, mig->len / 2, "truncated");
    expect_load_error(mig, 3, "not a migration stream");
    /* the same layout loads */
    g_assert_cmpint(load_state(mig->data, mig->len), ==, 0);
    qdev_free(dev);
    g_byte_array_free(mig, TRUE);
}

/* ---- hot-plug, console rules, resize ---- */

static void test_hotplug(void)
{
    CharDriverState *n[4];
    DeviceState *d;
    Machine m;
    VGuest *g;
    uint64_t irqs;
    int i;

    null_chardevs(n, 4, "hn");
    machine_start(&m, 4);
    g = m.g;
    vg_init(g, WANT_FEATURES);
    vg_run_for(g, 5);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_ADD, VG_ANY_PORT),
                    ==, 0);

    irqs = virtio_sim_irq_count(m.vser);
    d = support_device_add("virtserialport,id=h1,chardev=hn1,"
                           "name=org.test.h1");
    g_assert(d);
    wait_port(g, 1, vg_cond_present);
    vg_run_for(g, 5);
    g_assert_cmpstr(vg_port(g, 1)->name, ==, "org.test.h1");
    g_assert(!vg_port(g, 1)->is_console);
    /* plugging raised a config interrupt as well */
    g_assert_cmpuint(virtio_sim_irq_count(m.vser), >, irqs);

    d = support_device_add("virtconsole,id=h0,chardev=hn0");
    g_assert(d);
    g_assert_cmpint(port_of(d)->id, ==, 0);
    wait_port(g, 0, vg_cond_present);
    vg_run_for(g, 5);
    g_assert(vg_port(g, 0)->is_console);
    g_assert(vg_port(g, 0)->guest_open);
    g_assert(port_of(d)->guest_connected);

    /* console size goes to console ports only */
    virtio_serial_send_console_resize(port_of(d), 132, 43);
    virtio_serial_send_console_resize(
        port_of(qdev_find_recursive(m.bus, "h1")), 80, 25);
    vg_run_for(g, 5);
    g_assert_cmpint(vg_port(g, 0)->resizes, ==, 1);
    g_assert_cmpint(vg_port(g, 0)->cols, ==, 132);
    g_assert_cmpint(vg_port(g, 0)->rows, ==, 43);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_RESIZE, 1), ==, 0);

    g_assert_cmpint(support_device_del("h1"), ==, 0);
    vg_run_for(g, 5);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_REMOVE, 1), ==, 1);
    g_assert(!vg_port(g, 1)->present);
    g_assert(support_device_add("virtserialport,id=h1b,chardev=hn1,nr=1"));
    wait_port(g, 1, vg_cond_present);
    g_assert_cmpint(vg_ctrl_count(g, VIRTIO_CONSOLE_PORT_ADD, 1), ==, 2);

    g_assert(support_device_add("virtserialport,id=h2,chardev=hn2"));
    g_assert(support_device_add("virtconsole,id=h3,chardev=hn3"));
    expect_add_error("virtserialport,id=h4", "all 4 ports are in use");
    wait_port(g, 3, vg_cond_present);
    vg_run_for(g, 5);
    g_assert(vg_port(g, 3)->is_console);

    machine_stop(&m);
    for (i = 0; i < 4; i++) {
        qemu_chr_close(n[i]);
    }
}

/* ---- set_echo on chardevs behind ports ---- */

static void test_set_echo(void)
{
    TestFrontend mon;
    CharDriverState *mux, *pty;
    RecChr *r = rec_new();
    TestFifos f;
    char buf[16];
    int fd_in, fd_out;
    Machine m;
    VGuest *g;

    mux = mux_fifo_chardev(&f, "mux", "mx", &fd_in, &fd_out);

    machine_start(&m, 4);
    g = m.g;
    g_assert(support_device_add("virtconsole,id=mc,chardev=mx"));
    add_port(&m, "virtserialport", "re", r->chr, 2, NULL);
    /* a monitor shares the mux and takes the focus */
    test_fe_attach(&mon, mux);
    g->default_rx_buffers = 0;
    vg_init(g, WANT_FEATURES);
    wait_port(g, 0, vg_cond_host_connected);
    vg_run_for(g, 5);

    /* the monitor turns echo off and on: the pipe has no terminal */
    qemu_chr_set_echo(mux, false);
    qemu_chr_set_echo(mux, true);
    /* and on a backend that records it */
    qemu_chr_set_echo(r->chr, false);
    g_assert_cmpint(r->echo_calls, ==, 1);
    g_assert(!r->last_echo);

    g_assert_cmpuint(vg_port_write(g, 0, "console", 7), ==, 7);
    wait_port(g, 0, vg_cond_tx_done);
    g_assert(test_read_full(fd_out, buf, 7, TIMEOUT_MS));
    g_assert_cmpmem(buf, 7, "console", 7);

    /* input goes to the focused monitor, then to the console */
    g_assert(test_write_full(fd_in, "mon", 3, TIMEOUT_MS));
    g_assert(test_fe_wait_input(&mon, 3, TIMEOUT_MS));
    g_assert(test_write_full(fd_in, "\001cguest", 7, TIMEOUT_MS));
    /*
     * The guest has no receive buffers yet: the input waits in the mux
     * until the guest posts some (a kick on the receive queue).
     */
    vg_run_for(g, 50);
    g_assert_cmpuint(vg_port(g, 0)->rx_total, ==, 0);
    vg_port(g, 0)->rx_buffers = 16;
    vg_port_set_rx_paused(g, 0, false);
    wait_rx(g, 0, 5);
    g_assert_cmpmem(vg_port(g, 0)->rx->data, 5, "guest", 5);
    g_assert_cmpuint(mon.input->len, ==, 3);

    /* a pty behind a port, where this branch has the backend */
    support_error_quiet(true);
    pty = test_chr_new("pty,id=ptyecho");
    support_error_quiet(false);
    if (pty) {
        g_assert(support_device_add("virtserialport,id=pe,chardev=ptyecho,"
                                    "nr=3"));
        qemu_chr_set_echo(pty, false);
        qemu_chr_set_echo(pty, true);
    } else {
        g_test_message("no pty backend here: pty part not run");
    }

    machine_stop(&m);
    test_fe_detach(&mon);
    qemu_chr_close(mux);
    if (pty) {
        qemu_chr_close(pty);
    }
    close(fd_in);
    close(fd_out);
    test_fifos_free(&f);
    rec_free(r);
}

/* ---- ports without a chardev ---- */

/*
 * virtconsole and virtserialport with no chardev= are plugged and
 * unplugged at runtime: the guest sees them, its output is consumed
 * (there is nobody to give it to) and nothing reaches it.
 */
static void test_no_chardev(void)
{
    DeviceState *con, *ser;
    uint32_t cid, sid;
    Machine m;
    VGuest *g;
    int round;

    machine_start(&m, 4);
    g = m.g;
    vg_init(g, WANT_FEATURES);
    vg_run_for(g, 5);
    for (round = 0; round < 2; round++) {
        con = support_device_add("virtconsole,id=ncon");
        g_assert(con);
        ser = support_device_add("virtserialport,id=nser,name=org.test.nc");
        g_assert(ser);
        cid = port_of(con)->id;
        sid = port_of(ser)->id;
        wait_port(g, cid, vg_cond_present);
        wait_port(g, sid, vg_cond_present);
        vg_run_for(g, 5);
        g_assert(vg_port(g, cid)->is_console);
        g_assert_cmpstr(vg_port(g, sid)->name, ==, "org.test.nc");
        /* a console is connected anyway, a serial port has no peer */
        g_assert(vg_port(g, cid)->host_connected);
        g_assert(!vg_port(g, sid)->host_connected);

        vg_port_open(g, sid);
        g_assert_cmpuint(vg_port_write(g, cid, "to nobody", 9), ==, 9);
        g_assert_cmpuint(vg_port_write(g, sid, "to nobody", 9), ==, 9);
        wait_port(g, cid, vg_cond_tx_done);
        wait_port(g, sid, vg_cond_tx_done);
        g_assert_cmpuint(vg_port(g, cid)->rx_total, ==, 0);
        g_assert_cmpuint(vg_port(g, sid)->rx_total, ==, 0);

        g_assert_cmpint(support_device_del("ncon"), ==, 0);
        g_assert_cmpint(support_device_del("nser"), ==, 0);
        wait_port(g, cid, vg_cond_absent);
        wait_port(g, sid, vg_cond_absent);
    }
    machine_stop(&m);
}

/* ---- a virtconsole that leaves a mux it shares ---- */

/*
 * A virtconsole shares a mux with a monitor and is unplugged, typed at and
 * plugged again: once gone, it gets nothing (the old mux kept the freed
 * port in its slot), and the monitor gets the focus and the escapes.
 */
static void test_mux_unplug(void)
{
    TestFrontend mon;
    CharDriverState *mux;
    TestFifos f;
    int fd_in, fd_out, round, avail, breaks;
    Machine m;
    VGuest *g;

    mux = mux_fifo_chardev(&f, "muxunplug", "mxu", &fd_in, &fd_out);

    machine_start(&m, 4);
    g = m.g;
    /* the monitor attaches at startup, before any device */
    test_fe_attach(&mon, mux);
    vg_init(g, WANT_FEATURES);
    vg_run_for(g, 5);
    avail = mux->avail_connections;

    for (round = 0; round < 3; round++) {
        DeviceState *d;
        VGuestPortCond c;
        size_t mon_len;
        uint64_t rx;

        d = support_device_add("virtconsole,id=muxcon,chardev=mxu");
        g_assert(d);
        c.id = port_of(d)->id;
        g_assert_cmpint(mux->avail_connections, ==, avail - 1);
        wait_port(g, c.id, vg_cond_host_connected);
        vg_run_for(g, 5);
        g_assert(vg_port(g, c.id)->guest_open);

        /* the new frontend has the focus */
        rx = vg_port(g, c.id)->rx_total;
        g_assert(test_write_full(fd_in, "con", 3, TIMEOUT_MS));
        wait_rx(g, c.id, rx + 3);

        g_assert_cmpint(support_device_del("muxcon"), ==, 0);
        g_assert(vg_run_until(g, vg_cond_absent, &c, TIMEOUT_MS));
        g_assert_cmpint(mux->avail_connections, ==, avail);

        /* input, C-a b and C-a c now reach the monitor alone */
        mon_len = mon.input->len;
        breaks = test_fe_count_events(&mon, CHR_EVENT_BREAK);
        g_assert(test_write_full(fd_in, "mon\001b\001cx", 8, TIMEOUT_MS));
        g_assert(test_fe_wait_input(&mon, mon_len + 4, TIMEOUT_MS));
        g_assert_cmpmem(mon.input->data + mon_len, 4, "monx", 4);
        g_assert_cmpint(test_fe_count_events(&mon, CHR_EVENT_BREAK), ==,
                        breaks + 1);
    }

    machine_stop(&m);
    test_fe_detach(&mon);
    qemu_chr_close(mux);
    close(fd_in);
    close(fd_out);
    test_fifos_free(&f);
}

/*
 * A mux shared by a monitor and a port: "frontend-open" is the focused
 * frontend's state (the port's guest state, the monitor open while
 * attached), and the shared backend never hears the port's guest
 * open/close.
 */
static void test_mux_frontend_open(void)
{
    CharDriverState *mux = test_chr_new("null,id=mxfo,mux=on");
    CharDriverState *base = qemu_chr_find("mxfo-base");
    TestFrontend mon;
    DeviceState *d;
    VGuestPortCond c = { .id = 1 };
    Machine m;
    VGuest *g;

    g_assert(mux && base);
    machine_start(&m, 4);
    g = m.g;
    test_fe_attach(&mon, mux);
    vg_run_for(g, 5);
    g_assert(test_chr_info_frontend_open("mxfo"));
    /* the port attaches last and takes the focus; its guest has not opened */
    d = add_port(&m, "virtserialport", "mxp", mux, 1, "org.test.mxfo");
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    g_assert(!test_chr_info_frontend_open("mxfo"));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert(port_of(d)->guest_connected);
    g_assert(test_chr_info_frontend_open("mxfo"));
    g_assert(qemu_chr_fe_is_open(mux));
    /* C-a c: the monitor has the focus, and it is open */
    qemu_chr_read(base, (uint8_t *)"\001c", 2);
    vg_run_for(g, 5);
    vg_port_close(g, 1);
    vg_run_for(g, 5);
    g_assert(!port_of(d)->guest_connected);
    g_assert(test_chr_info_frontend_open("mxfo"));
    /* back to the port, whose guest closed it */
    qemu_chr_read(base, (uint8_t *)"\001c", 2);
    vg_run_for(g, 5);
    g_assert(!test_chr_info_frontend_open("mxfo"));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert(test_chr_info_frontend_open("mxfo"));
    /* the port leaves while open: the monitor stays, open */
    g_assert_cmpint(qdev_unplug(d), ==, 0);
    g_assert(vg_run_until(g, vg_cond_absent, &c, TIMEOUT_MS));
    g_assert(test_chr_info_frontend_open("mxfo"));
    /* what the backend saw: no guest open or close at all */
    g_assert_cmpint(base->fe_open, ==, 0);
    g_assert_cmpint(base->explicit_fe_open, ==, 0);
    test_fe_detach(&mon);
    g_assert(!test_chr_info_frontend_open("mxfo"));
    machine_stop(&m);
    qemu_chr_close(mux);
}

/*
 * A mux takes MAX_MUX frontends, the monitor included: the chardev
 * property refuses a port that would be the fifth, and takes one again
 * once a port is unplugged.
 */
static void test_mux_fifth(void)
{
    CharDriverState *mux = test_chr_new("null,id=mx5,mux=on");
    TestFrontend mon;
    char opts[64];
    Machine m;
    int i;

    g_assert(mux);
    machine_start(&m, 8);
    test_fe_attach(&mon, mux);
    for (i = 1; i < MAX_MUX; i++) {
        snprintf(opts, sizeof(opts), "virtserialport,id=p5-%d,chardev=mx5",
                 i);
        g_assert(support_device_add(opts));
    }
    g_assert_cmpint(mux->avail_connections, ==, 0);
    expect_add_error("virtconsole,id=p5-x,chardev=mx5",
                     "Property 'virtconsole.chardev' can't take value "
                     "'mx5', it's in use");
    g_assert_cmpint(support_device_del("p5-2"), ==, 0);
    g_assert_cmpint(mux->avail_connections, ==, 1);
    g_assert(support_device_add("virtconsole,id=p5-x,chardev=mx5"));
    g_assert_cmpint(mux->avail_connections, ==, 0);
    machine_stop(&m);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX - 1);
    test_fe_detach(&mon);
    g_assert_cmpint(mux->avail_connections, ==, MAX_MUX);
    qemu_chr_close(mux);
}

/* ---- a guest that does not play by the rules ---- */

/* Bring port 1 (on @r) up and open, as a well-behaved guest would. */
static void guest_up(VGuest *g)
{
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_host_connected);
    vg_port_open(g, 1);
    vg_run_for(g, 2);
}

/* The device still works: data both ways on port 1. */
static void check_port_works(VGuest *g, RecChr *r)
{
    size_t before = r->out->len;
    uint64_t rx = vg_port(g, 1)->rx_total;

    g_assert_cmpuint(vg_port_write(g, 1, "alive", 5), ==, 5);
    wait_rec_out(g, r, before + 5);
    g_assert_cmpmem(r->out->data + before, 5, "alive", 5);
    vg_run_for(g, 2);
    rec_input(r, "well");
    wait_rx(g, 1, rx + 4);
}

/*
 * Error lines allowed for a flood that took @start..now: 10 a second plus
 * one "suppressed" summary per window.
 */
static int error_budget(int64_t start_us)
{
    int64_t secs = (g_get_monotonic_time() - start_us) / 1000000;

    return (secs + 1) * 11;
}

static void expect_guest_error(VGuest *g, const char *err)
{
    vg_run_for(g, 2);
    if (!support_error_seen(err)) {
        g_test_message("last error: %s", support_error_last());
    }
    g_assert(support_error_seen(err));
}

static void test_untrusted_control(void)
{
    Machine m;
    RecChr *r = rec_new();
    uint8_t big[4096];
    struct virtio_console_control c;
    int i, errors;
    int64_t start;
    size_t heap;
    VGuest *g;

    machine_start(&m, 4);
    g = m.g;
    add_port(&m, "virtserialport", "u1", r->chr, 1, "org.test.u1");
    rec_host_open(r);
    g->skip_device_ready = true;
    vg_init(g, WANT_FEATURES);
    support_error_clear();
    support_error_quiet(!g_test_verbose());

    /* before DEVICE_READY the guest knows no ports */
    vg_send_ctrl(g, 1, VIRTIO_CONSOLE_PORT_OPEN, 1);
    expect_guest_error(g, "control event 6 before DEVICE_READY");
    g_assert_cmpstr(r->log->str, ==, "");
    vg_send_ctrl(g, VIRTIO_CONSOLE_BAD_ID, VIRTIO_CONSOLE_DEVICE_READY, 0);
    expect_guest_error(g, "guest failed to set the device up");
    vg_send_ctrl(g, VIRTIO_CONSOLE_BAD_ID, VIRTIO_CONSOLE_DEVICE_READY, 1);
    wait_port(g, 1, vg_cond_host_connected);

    memset(big, 0, sizeof(big));
    vg_send_ctrl_raw(g, big, 4);
    expect_guest_error(g, "control message of 4 bytes (expected 8)");
    vg_send_ctrl_raw(g, big, 0);
    expect_guest_error(g, "control message of 0 bytes");
    vg_send_ctrl_raw(g, big, sizeof(big));
    expect_guest_error(g, "oversized control message (4096 bytes)");
    vg_send_ctrl(g, 1, 99, 1);
    expect_guest_error(g, "unexpected control event 99 for port 1");
    vg_send_ctrl(g, 1, VIRTIO_CONSOLE_PORT_ADD, 1);
    expect_guest_error(g, "unexpected control event 1 for port 1");
    vg_send_ctrl(g, 77, VIRTIO_CONSOLE_PORT_OPEN, 1);
    expect_guest_error(g, "control event 6 for unknown port 77");
    vg_send_ctrl(g, VIRTIO_CONSOLE_BAD_ID, VIRTIO_CONSOLE_PORT_OPEN, 1);
    expect_guest_error(g, "for unknown port 4294967295");
    vg_send_ctrl(g, 1, VIRTIO_CONSOLE_PORT_READY, 0);
    expect_guest_error(g, "guest failed to set port 1 up");
    g_assert_cmpstr(r->log->str, ==, "");

    /* any nonzero value opens */
    vg_send_ctrl(g, 1, VIRTIO_CONSOLE_PORT_OPEN, 0x8000);
    vg_run_for(g, 2);
    g_assert_cmpstr(r->log->str, ==, "O");
    check_port_works(g, r);

    /* a flood of garbage: bounded error output */
    support_run_for(1100);
    support_error_clear();
    stl_p(&c.id, 9999);
    stw_p(&c.event, VIRTIO_CONSOLE_PORT_OPEN);
    stw_p(&c.value, 1);
    heap = mallinfo2().uordblks;
    start = g_get_monotonic_time();
    for (i = 0; i < 400; i++) {
        if (i % 2) {
            vg_send_ctrl_raw(g, &c, sizeof(c));
        } else {
            vg_send_ctrl_raw(g, big, sizeof(big));
        }
        if (i % 16 == 15) {
            vg_run_until(g, NULL, NULL, 0);
        }
    }
    vg_run_for(g, 2);
    /* 200 messages of 4 KiB left nothing behind on the host */
    g_test_message("heap growth: %zd bytes",
                   (ssize_t)(mallinfo2().uordblks - heap));
    g_assert_cmpint((ssize_t)(mallinfo2().uordblks - heap), <, 64 * 1024);
    errors = support_error_count();
    g_test_message("error lines for 400 bad messages: %d", errors);
    g_assert_cmpint(errors, >=, 1);
    g_assert_cmpint(errors, <=, error_budget(start));
    check_port_works(g, r);
    support_error_quiet(false);

    machine_stop(&m);
    rec_free(r);
}

typedef void BreakFn(VGuest *g, uint64_t scratch);

static void break_outside_ram(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { support_guest_ram_size() + 4096, 100, 0 };

    vg_post_raw(g, vg_port_tx_queue(1), &d, 1);
}

static void break_addr_wraps(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { UINT64_MAX - 10, 100, 0 };

    vg_post_raw(g, vg_port_tx_queue(1), &d, 1);
}

static void break_huge_len(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { scratch, UINT32_MAX, 0 };

    vg_post_raw(g, vg_port_tx_queue(1), &d, 1);
}

static void break_rx_outside(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { support_guest_ram_size() - 10, 4096,
                     VRING_DESC_F_WRITE };

    vg_post_raw(g, vg_port_rx_queue(1), &d, 1);
}

static void break_bad_head(VGuest *g, uint64_t scratch)
{
    vg_post_head(g, vg_port_tx_queue(1), 200);
    vg_kick(g, vg_port_tx_queue(1));
}

static void break_avail_jump(VGuest *g, uint64_t scratch)
{
    int q = vg_port_tx_queue(1);

    vg_set_avail_idx(g, q, g->q[q].avail_idx + 1000);
    vg_kick(g, q);
}

static void break_loop_patch(VGuest *g, uint64_t scratch)
{
    int q = vg_port_tx_queue(1);
    VGuestQueue *vq = &g->q[q];
    uint16_t a = vq->free[vq->nfree - 1], b = vq->free[vq->nfree - 2];
    uint64_t da = vq->desc + 16 * a, db = vq->desc + 16 * b;

    stq_phys(da, scratch);
    stl_phys(da + 8, 10);
    stw_phys(da + 12, VRING_DESC_F_NEXT);
    stw_phys(da + 14, b);
    stq_phys(db, scratch);
    stl_phys(db + 8, 10);
    stw_phys(db + 12, VRING_DESC_F_NEXT);
    stw_phys(db + 14, a);
    vg_post_head(g, q, a);
    vg_kick(g, q);
}

static void break_indirect_size(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { scratch, 17, VRING_DESC_F_INDIRECT };

    vg_post_raw(g, vg_port_tx_queue(1), &d, 1);
}

static void break_indirect_nested(VGuest *g, uint64_t scratch)
{
    VGuestDesc d = { scratch, 32, VRING_DESC_F_INDIRECT };

    /* the table's first entry is itself indirect */
    stq_phys(scratch, scratch);
    stl_phys(scratch + 8, 32);
    stw_phys(scratch + 12, VRING_DESC_F_INDIRECT);
    stw_phys(scratch + 14, 0);
    vg_post_raw(g, vg_port_tx_queue(1), &d, 1);
}

static void test_untrusted_rings(void)
{
    static const struct {
        BreakFn *fn;
        const char *err;
    } cases[] = {
        { break_outside_ram, "buffer outside guest memory" },
        { break_addr_wraps, "buffer outside guest memory" },
        { break_huge_len, "buffer outside guest memory" },
        { break_rx_outside, "buffer outside guest memory" },
        { break_bad_head, "guest offers descriptor 200 of 128" },
        { break_avail_jump, "avail index jumped" },
        { break_loop_patch, "descriptor chain loops" },
        { break_indirect_size, "bad indirect table size 17" },
        { break_indirect_nested, "nested indirect descriptor" },
    };
    Machine m;
    RecChr *r = rec_new();
    uint64_t scratch, big;
    int64_t start;
    VGuestDesc d[3];
    unsigned int i;
    uint8_t *pat;
    VGuest *g;

    machine_start(&m, 2);
    g = m.g;
    add_port(&m, "virtserialport", "u1", r->chr, 1, NULL);
    rec_host_open(r);
    support_error_quiet(!g_test_verbose());
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        bool rx = cases[i].fn == break_rx_outside;

        support_error_clear();
        /* for the receive case, the bad buffer is the only one */
        g->default_rx_buffers = rx ? 0 : 128;
        guest_up(g);
        g->default_rx_buffers = 128;
        scratch = vg_alloc(g, 4096, 4096);
        cases[i].fn(g, scratch);
        if (rx) {
            /* the bad buffer is not promised to the chardev */
            g_assert_cmpint(qemu_chr_can_read(r->chr), ==, 0);
        }
        expect_guest_error(g, cases[i].err);
        /* a reset brings the device back */
        guest_up(g);
        check_port_works(g, r);
    }

    /* zero-length and very large buffers are fine */
    support_error_clear();
    guest_up(g);
    scratch = vg_alloc(g, 4096, 4096);
    d[0] = (VGuestDesc) { scratch, 0, 0 };
    vg_post_raw(g, vg_port_tx_queue(1), d, 1);
    big = vg_alloc(g, 8 * 1024 * 1024, 4096);
    pat = support_guest_ram() + big;
    test_fill_pattern(pat, 8 * 1024 * 1024, 3);
    d[0] = (VGuestDesc) { scratch, 0, 0 };
    d[1] = (VGuestDesc) { big, 8 * 1024 * 1024, 0 };
    d[2] = (VGuestDesc) { scratch, 0, 0 };
    g_byte_array_set_size(r->out, 0);
    vg_post_raw(g, vg_port_tx_queue(1), d, 3);
    wait_rec_out(g, r, 8 * 1024 * 1024);
    g_assert_cmpuint(r->out->len, ==, 8 * 1024 * 1024);
    g_assert(memcmp(r->out->data, pat, 8 * 1024 * 1024) == 0);
    check_port_works(g, r);
    g_assert_cmpint(support_error_count(), ==, 0);

    /* a guest that breaks its rings in a loop: bounded error output */
    support_run_for(1100);
    support_error_clear();
    start = g_get_monotonic_time();
    for (i = 0; i < 40; i++) {
        guest_up(g);
        break_bad_head(g, 0);
    }
    g_test_message("error lines for 40 broken rings: %d",
                   support_error_count());
    g_assert_cmpint(support_error_count(), >=, 1);
    g_assert_cmpint(support_error_count(), <=, error_budget(start));
    /* fewer lines than broken rings: the limit did act */
    g_assert_cmpint(support_error_count(), <, 40);
    support_error_quiet(false);

    machine_stop(&m);
    rec_free(r);
}

/* Kicks before the driver is ready, and a guest that posts no buffers. */
static void test_untrusted_early(void)
{
    Machine m;
    RecChr *r = rec_new();
    VGuest *g;
    int i, msgs;

    machine_start(&m, 4);
    g = m.g;
    add_port(&m, "virtserialport", "e1", r->chr, 1, NULL);
    support_error_quiet(!g_test_verbose());

    /* nothing set up yet */
    virtio_sim_io_write(m.vser, VIRTIO_SIM_STATUS,
                        VIRTIO_CONFIG_S_ACKNOWLEDGE, 1);
    for (i = 0; i < 70; i++) {
        vg_kick(g, i);
    }
    /* config space access out of range */
    g_assert_cmphex(virtio_sim_io_read(m.vser, VIRTIO_SIM_CONFIG + 6, 4),
                    ==, 0xffffffff);
    virtio_sim_io_write(m.vser, VIRTIO_SIM_CONFIG + 100, 1, 4);

    /* rings, but no DEVICE_READY: data kicks are harmless */
    g->skip_device_ready = true;
    vg_init(g, WANT_FEATURES);
    g_assert_cmpuint(vg_port_write(g, 1, "early", 5), ==, 5);
    for (i = 0; i < g->nqueues; i++) {
        vg_kick(g, i);
    }
    vg_run_for(g, 5);
    wait_port(g, 1, vg_cond_tx_done);
    g_assert_cmpuint(r->out->len, ==, 0);

    /* DEVICE_READY without control buffers: messages wait, bounded */
    g->skip_device_ready = false;
    g->ctrl_rx_buffers = 0;
    support_error_clear();
    vg_init(g, WANT_FEATURES);
    for (i = 0; i < 300; i++) {
        rec_host_open(r);
        main_loop_wait(1);
        rec_host_close(r);
    }
    vg_run_for(g, 5);
    g_assert(support_error_seen("no control buffers posted"));
    g_assert_cmpint(g->ctrl_log->len, ==, 0);
    /* buffers at last: the waiting messages arrive, in order */
    g->ctrl_rx_buffers = 32;
    vg_post_ctrl_buffers(g, 32);
    vg_run_for(g, 20);
    msgs = g->ctrl_log->len;
    g_test_message("control messages delivered: %d", msgs);
    g_assert_cmpint(msgs, >=, 256);
    g_assert_cmpint(msgs, <=, 256 + 2);
    g_assert_cmpint(g_array_index(g->ctrl_log, VGuestCtrlMsg, 0).event, ==,
                    VIRTIO_CONSOLE_PORT_ADD);
    support_error_quiet(false);

    rec_host_open(r);
    vg_run_for(g, 5);
    g_assert(vg_port(g, 1)->present);
    vg_port_open(g, 1);
    check_port_works(g, r);
    machine_stop(&m);
    rec_free(r);
}

/* Two ports of one bus with one name: the second is refused. */
static void test_port_name_unique(void)
{
    Machine m;
    DeviceState *dev;

    machine_start(&m, 4);
    add_port(&m, "virtserialport", "n1", NULL, 1, "org.test.same");
    dev = qdev_create(m.bus, "virtserialport");
    qdev_prop_set_uint32(dev, "nr", 2);
    qdev_prop_set_string(dev, "name", (char *)"org.test.same");
    support_error_clear();
    support_error_quiet(true);
    g_assert_cmpint(qdev_init(dev), <, 0);
    support_error_quiet(false);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert_cmpstr(support_error_last(), ==,
                    "virtio-serial-bus: port name \"org.test.same\" is "
                    "already in use by port 1");
    /* the number it asked for stays free, other names are fine */
    add_port(&m, "virtserialport", "n2", NULL, 2, "org.test.other");
    add_port(&m, "virtconsole", "n0", NULL, VIRTIO_CONSOLE_BAD_ID, NULL);
    add_port(&m, "virtserialport", "n3", NULL, 3, NULL);
    machine_stop(&m);
}

/*
 * query-chardev "frontend-open" of a port's chardev is whether the guest
 * has the port open, not whether the port is attached; next to it, a
 * frontend that never reports guest state (a UART) is open while
 * attached.
 */
static void test_frontend_open(void)
{
    CharDriverState *chr = test_chr_new("null,id=fo-port");
    CharDriverState *uart = test_chr_new("null,id=fo-uart");
    TestFrontend fe;
    Machine m;
    VGuest *g;

    g_assert(chr && uart);
    test_fe_attach(&fe, uart);
    g_assert(test_chr_info_frontend_open("fo-uart"));
    machine_start(&m, 4);
    g = m.g;
    add_port(&m, "virtserialport", "p1", chr, 1, "org.test.fo");
    g_assert(!test_chr_info_frontend_open("fo-port"));
    vg_init(g, WANT_FEATURES);
    wait_port(g, 1, vg_cond_present);
    g_assert(!test_chr_info_frontend_open("fo-port"));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert(test_chr_info_frontend_open("fo-port"));
    vg_port_close(g, 1);
    vg_run_for(g, 5);
    g_assert(!test_chr_info_frontend_open("fo-port"));
    vg_port_open(g, 1);
    vg_run_for(g, 5);
    g_assert(test_chr_info_frontend_open("fo-port"));
    g_assert(test_chr_info_frontend_open("fo-uart"));
    machine_stop(&m);
    /* the port went with its device */
    g_assert(!test_chr_info_frontend_open("fo-port"));
    qemu_chr_close(chr);
    test_fe_detach(&fe);
    g_assert(!test_chr_info_frontend_open("fo-uart"));
    qemu_chr_close(uart);
}

int main(int argc, char **argv)
{
    unsigned i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_DEVICE);
    virtio_serial_port_qdev_register(&failport_info);
    qdev_machine_creation_done();
    support_guest_ram_init(GUEST_RAM_SIZE);

    g_test_add_func("/virtio-serial/probe", test_probe);
    g_test_add_func("/virtio-serial/no-multiport", test_no_multiport);
    for (i = 0; i < ARRAY_SIZE(add_errors); i++) {
        g_test_add_data_func(add_errors[i].path, &add_errors[i],
                             test_add_error);
    }
    g_test_add_func("/virtio-serial/qdev-props", test_qdev_props);
    g_test_add_func("/virtio-serial/dup-name-retry", test_dup_name_retry);
    g_test_add_func("/virtio-serial/guest-open-close",
                    test_guest_open_close);
    g_test_add_func("/virtio-serial/host-open-close", test_host_open_close);
    g_test_add_func("/virtio-serial/port-name-unique",
                    test_port_name_unique);
    g_test_add_func("/virtio-serial/frontend-open", test_frontend_open);
    g_test_add_func("/virtio-serial/pty-peer-hangup", test_pty_peer_hangup);
    g_test_add_func("/virtio-serial/console-pty-before-client",
                    test_console_pty_before_client);
    g_test_add_func("/virtio-serial/console-never-stalls",
                    test_console_never_stalls);
    g_test_add_func("/virtio-serial/data/fifo", test_data_fifo);
    g_test_add_func("/virtio-serial/data/file", test_data_file);
    g_test_add_func("/virtio-serial/data/socket", test_data_socket);
    g_test_add_func("/virtio-serial/data/memory", test_data_memory);
    g_test_add_func("/virtio-serial/flow/can-read", test_flow_can_read);
    g_test_add_func("/virtio-serial/flow/no-busy-loop",
                    test_flow_no_busy_loop);
    g_test_add_func("/virtio-serial/flow/guest-to-host-64m",
                    test_flow_guest_to_host);
    g_test_add_func("/virtio-serial/flow/host-to-guest-64m",
                    test_flow_host_to_guest);
    g_test_add_func("/virtio-serial/hotplug", test_hotplug);
    g_test_add_func("/virtio-serial/set-echo", test_set_echo);
    g_test_add_func("/virtio-serial/mux-unplug", test_mux_unplug);
    g_test_add_func("/virtio-serial/no-chardev", test_no_chardev);
    g_test_add_func("/virtio-serial/mux-fifth", test_mux_fifth);
    g_test_add_func("/virtio-serial/init-fail-retry", test_init_fail_retry);
    g_test_add_func("/virtio-serial/mux-frontend-open",
                    test_mux_frontend_open);
    g_test_add_func("/virtio-serial/untrusted/control",
                    test_untrusted_control);
    g_test_add_func("/virtio-serial/untrusted/rings", test_untrusted_rings);
    g_test_add_func("/virtio-serial/untrusted/early", test_untrusted_early);
    g_test_add_func("/virtio-serial/migration/round-trip", test_migration);
    g_test_add_func("/virtio-serial/migration/mismatch",
                    test_migration_mismatch);

    ret = test_run_fd_checked();
    support_guest_ram_free();
    return ret;
}
