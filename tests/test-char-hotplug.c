/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests: chardev-add / chardev-remove through the monitor command tables. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "module.h"
#include "monitor.h"
#include "support-test.h"
#include "support-virtio.h"
#include "support-monitor.h"
#include "char-test-util.h"
#include "libvirtio-guest.h"

#include <sys/stat.h>

#define GUEST_RAM_SIZE (16 * 1024 * 1024)
#define WANT_FEATURES ((1u << VIRTIO_CONSOLE_F_MULTIPORT) | \
                       (1u << VIRTIO_RING_F_INDIRECT_DESC))
#define TIMEOUT_MS 10000
#define PLUG_ROUNDS 100

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", tmpdir, name);
}

/* A running VM: hotplug happens after startup. */
static void hotplug_start(void)
{
    support_run_for(1);
    support_error_quiet(true);
    support_error_clear();
}

/* ---- the two monitors ---- */

/* Run a human-monitor line; returns what the monitor printed. */
static char *hmp(const char *fmt, ...) GCC_FMT_ATTR(1, 2);
static char *hmp(const char *fmt, ...)
{
    Monitor *mon = support_monitor_new_buffer();
    va_list ap;
    char *line, *out;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    support_monitor_command(mon, line);
    out = g_strdup(support_monitor_buffer(mon));
    support_monitor_free(mon);
    g_free(line);
    return out;
}

/* A human-monitor command that must succeed silently. */
static void hmp_ok(const char *line)
{
    char *out = hmp("%s", line);

    g_assert_cmpstr(out, ==, "");
    g_free(out);
}

/* A human-monitor command whose output must be exactly @line. */
static void hmp_err(const char *cmd, const char *line)
{
    char *out = hmp("%s", cmd);
    char *want = g_strdup_printf("%s\n", line);

    g_assert_cmpstr(out, ==, want);
    g_free(want);
    g_free(out);
}

/* Run a QMP command; returns the reply. */
static QDict *qmp(const char *json)
{
    Monitor *mon = support_monitor_new_qmp();
    QObject *rsp = support_monitor_qmp(mon, json);

    support_monitor_free(mon);
    g_assert(rsp && qobject_type(rsp) == QTYPE_QDICT);
    return qobject_to_qdict(rsp);
}

static void qmp_ok(const char *json)
{
    QDict *rsp = qmp(json);

    g_assert(qdict_haskey(rsp, "return"));
    g_assert(!qdict_haskey(rsp, "error"));
    QDECREF(rsp);
}

/*
 * A failing QMP command: its class and, if given, its description or the
 * line the chardev layer logged (NULL: none expected).
 */
static void qmp_err(const char *json, const char *class, const char *desc,
                    const char *line)
{
    QDict *rsp;
    QDict *err;

    support_error_clear();
    rsp = qmp(json);
    err = qdict_get_qdict(rsp, "error");
    g_assert(err);
    g_assert_cmpstr(qdict_get_str(err, "class"), ==, class);
    g_assert(qdict_haskey(err, "desc"));
    if (desc) {
        g_assert_cmpstr(qdict_get_str(err, "desc"), ==, desc);
    }
    g_assert_cmpstr(support_error_last(), ==, line);
    QDECREF(rsp);
}

static void assert_gone(const char *id)
{
    g_assert(qemu_chr_find(id) == NULL);
    /* nothing of a failed or removed chardev stays in the option group */
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), id) == NULL);
}

/* ---- adding every kind of backend ---- */

/* A frontend on @id; data both ways through @peer_fd. */
static void exchange(const char *id, int peer_fd)
{
    CharDriverState *chr = qemu_chr_find(id);
    TestFrontend fe;
    char buf[8];

    g_assert(chr);
    test_fe_attach(&fe, chr);
    g_assert(test_write_full(peer_fd, "to-fe", 5, TIMEOUT_MS));
    g_assert(test_fe_wait_input(&fe, 5, TIMEOUT_MS));
    g_assert(memcmp(fe.input->data, "to-fe", 5) == 0);
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"to-pr", 5), ==, 5);
    g_assert(test_pump_read(peer_fd, buf, 5, TIMEOUT_MS));
    g_assert(memcmp(buf, "to-pr", 5) == 0);
    test_fe_detach(&fe);
}

/*
 * chardev-add of one chardev per backend through QMP or the human
 * monitor, data through the socket ones, then chardev-remove of each:
 * every fd is closed again.
 */
static void add_backends(bool use_qmp)
{
    const char *pfx = use_qmp ? "q" : "h";
    char *sock = tmp_path(use_qmp ? "q.sock" : "h.sock");
    char *file = tmp_path(use_qmp ? "q.out" : "h.out");
    char *fifo = tmp_path(use_qmp ? "q.fifo" : "h.fifo");
    static const char *const kinds[] = {
        "null", "file", "pipe", "pty", "unix", "tcp",
    };
    char *ids[G_N_ELEMENTS(kinds)];
    int port = test_free_tcp_port();
    int fds = support_count_open_fds();
    char *contents;
    unsigned i;
    int fd;

    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        ids[i] = g_strdup_printf("%s%s", pfx, kinds[i]);
    }
    if (use_qmp) {
        char *cmd[G_N_ELEMENTS(kinds)];

        cmd[0] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'null' } }",
                                 ids[0]);
        cmd[1] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'file', "
                                 "'path': '%s' } }", ids[1], file);
        cmd[2] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'pipe', "
                                 "'path': '%s' } }", ids[2], fifo);
        cmd[3] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'pty' } }",
                                 ids[3]);
        /* booleans and numbers as JSON types */
        cmd[4] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'socket', "
                                 "'path': '%s', 'server': true, "
                                 "'wait': false } }", ids[4], sock);
        cmd[5] = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                 "{ 'id': '%s', 'backend': 'socket', "
                                 "'host': '127.0.0.1', 'port': %d, "
                                 "'server': 'on', 'wait': 'off' } }",
                                 ids[5], port);
        for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
            qmp_ok(cmd[i]);
            g_free(cmd[i]);
        }
    } else {
        char *cmd[G_N_ELEMENTS(kinds)];

        cmd[0] = g_strdup_printf("chardev_add null,id=%s", ids[0]);
        cmd[1] = g_strdup_printf("chardev_add file,id=%s,path=%s", ids[1],
                                 file);
        cmd[2] = g_strdup_printf("chardev_add pipe,id=%s,path=%s", ids[2],
                                 fifo);
        cmd[3] = g_strdup_printf("chardev_add \"pty,id=%s\"", ids[3]);
        cmd[4] = g_strdup_printf("chardev_add socket,id=%s,path=%s,server,"
                                 "nowait", ids[4], sock);
        cmd[5] = g_strdup_printf("chardev_add socket,id=%s,host=127.0.0.1,"
                                 "port=%d,server,nowait", ids[5], port);
        for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
            hmp_ok(cmd[i]);
            g_free(cmd[i]);
        }
    }
    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_assert(qemu_chr_find(ids[i]));
        g_assert(qemu_opts_find(qemu_find_opts("chardev"), ids[i]));
    }
    g_assert_cmpint(support_error_count(), ==, 0);

    /* real peers: a unix and a tcp client, a fifo */
    fd = test_unix_connect(sock);
    g_assert_cmpint(fd, >=, 0);
    exchange(ids[4], fd);
    close(fd);
    fd = test_tcp_connect("127.0.0.1", port);
    g_assert_cmpint(fd, >=, 0);
    exchange(ids[5], fd);
    close(fd);
    qemu_chr_write(qemu_chr_find(ids[1]), (const uint8_t *)"file", 4);

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        char *cmd;

        if (use_qmp) {
            cmd = g_strdup_printf("{ 'execute': 'chardev-remove', "
                                  "'arguments': { 'id': '%s' } }", ids[i]);
            qmp_ok(cmd);
        } else {
            cmd = g_strdup_printf("chardev_remove %s", ids[i]);
            hmp_ok(cmd);
        }
        g_free(cmd);
        assert_gone(ids[i]);
        g_free(ids[i]);
    }
    support_run_for(1);
    g_assert_cmpint(support_count_open_fds(), ==, fds);
    g_assert(g_file_get_contents(file, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "file");
    g_free(contents);
    /* the socket's path is free again */
    g_assert(test_unix_connect(sock) < 0);

    unlink(file);
    unlink(fifo);
    unlink(sock);
    g_free(sock);
    g_free(file);
    g_free(fifo);
}

static void test_hmp_backends(void)
{
    hotplug_start();
    add_backends(false);
}

static void test_qmp_backends(void)
{
    hotplug_start();
    add_backends(true);
}

/* A mux chardev goes with its base; any frontend on it holds it. */
static void test_mux(void)
{
    CharDriverState *chr;
    TestFrontend fe;

    hotplug_start();
    hmp_ok("chardev_add null,id=mx,mux=on");
    chr = qemu_chr_find("mx");
    g_assert(chr && qemu_chr_find("mx-base"));
    /* the base is the mux's: never removed on its own */
    hmp_err("chardev_remove mx-base", "chardev \"mx-base\": cannot be "
            "removed: in use by a frontend (remove that device first)");
    test_fe_attach(&fe, chr);
    hmp_err("chardev_remove mx", "chardev \"mx\": cannot be removed: in use "
            "by a frontend (remove that device first)");
    test_fe_detach(&fe);
    hmp_ok("chardev_remove mx");
    assert_gone("mx");
    g_assert(qemu_chr_find("mx-base") == NULL);
}

/* ---- errors ---- */

static void test_hmp_errors(void)
{
    CharDriverState *legacy, *used;
    TestFrontend fe;
    char *out;

    hotplug_start();
    legacy = qemu_chr_open("serial0", "null", NULL);
    g_assert(legacy);
    hmp_ok("chardev_add null,id=dup");

    hmp_err("chardev_add null,id=dup", "Duplicate ID 'dup' for chardev");
    hmp_err("chardev_add null,id=serial0",
            "chardev \"serial0\": id already in use");
    g_assert(qemu_chr_find("serial0") == legacy);
    hmp_err("chardev_add file,id=e1,port=4", "chardev \"e1\": backend "
            "\"file\": port: not an option of this backend (valid: path, "
            "mux)");
    assert_gone("e1");
    hmp_err("chardev_add null,id=e2,bogus=1", "Invalid parameter 'bogus'");
    assert_gone("e2");
    hmp_err("chardev_add id=e3", "chardev \"e3\": missing backend");
    assert_gone("e3");
    hmp_err("chardev_add null", "chardev: no id specified (id=<name> is "
            "required)");
    /* the list of backends depends on the build */
    out = hmp("chardev_add nosuch,id=e4");
    g_assert(g_str_has_prefix(out, "chardev \"e4\": backend \"nosuch\" not "
                              "found (available: null, "));
    g_free(out);
    assert_gone("e4");
    hmp_err("chardev_add file,id=e5", "chardev \"e5\": backend \"file\": "
            "path: missing (file needs path=<file>)");
    assert_gone("e5");
    hmp_err("chardev_add socket,id=e6,path=x,server", "chardev \"e6\": "
            "backend \"socket\": wait: a server added at run time cannot "
            "wait for its first client (add wait=off)");
    assert_gone("e6");
    hmp_err("chardev_add", "chardev_add: string expected");
    hmp_err("chardev_add null,id=e7 extra",
            "chardev_add: extraneous characters at the end of line");
    assert_gone("e7");

    hmp_err("chardev_remove nope", "chardev \"nope\": not found");
    hmp_err("chardev_remove", "chardev_remove: string expected");
    hmp_err("chardev_remove serial0", "chardev \"serial0\": cannot be "
            "removed: made by a legacy option (-serial, -parallel, "
            "-monitor, ...), not by -chardev or chardev-add");
    g_assert(qemu_chr_find("serial0") == legacy);

    used = qemu_chr_find("dup");
    test_fe_attach(&fe, used);
    hmp_err("chardev_remove dup", "chardev \"dup\": cannot be removed: in "
            "use by a frontend (remove that device first)");
    test_fe_detach(&fe);
    /* a claim by a device property counts too */
    used->avail_connections--;
    hmp_err("chardev_remove dup", "chardev \"dup\": cannot be removed: in "
            "use by a frontend (remove that device first)");
    used->avail_connections++;
    hmp_ok("chardev_remove dup");
    assert_gone("dup");

    qemu_chr_close(legacy);
}

static void test_qmp_errors(void)
{
    CharDriverState *legacy;
    TestFrontend fe;

    hotplug_start();
    legacy = qemu_chr_open("serial1", "null", NULL);
    g_assert(legacy);
    qmp_ok("{ 'execute': 'chardev-add', 'arguments': "
           "{ 'id': 'qdup', 'backend': 'null' } }");

    /* the option parser's errors reach the client only */
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'qdup', 'backend': 'null' } }", "DuplicateId",
            "Duplicate ID 'qdup' for chardev", NULL);
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'f2', 'backend': 'null', 'bogus': 1 } }",
            "InvalidParameter", "Invalid parameter 'bogus'", NULL);
    assert_gone("f2");
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'f3', 'backend': 'null', 'mux': 'maybe' } }",
            "InvalidParameterValue", "Parameter 'mux' expects 'on' or 'off'",
            NULL);
    assert_gone("f3");
    /* a nested value has no option form: refused, not dropped */
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'f4', 'backend': 'null', 'path': { 'a': 1 } } }",
            "InvalidParameter", "Invalid parameter 'path'", NULL);
    assert_gone("f4");

    /* the chardev layer's: a class, and -chardev's line in the log */
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'serial1', 'backend': 'null' } }", "DuplicateId",
            "Duplicate ID 'serial1' for chardev",
            "chardev \"serial1\": id already in use");
    g_assert(qemu_chr_find("serial1") == legacy);
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'f1', 'backend': 'file', 'port': '4' } }",
            "DeviceInitFailed", "Device 'f1' could not be initialized",
            "chardev \"f1\": backend \"file\": port: not an option of this "
            "backend (valid: path, mux)");
    assert_gone("f1");
    qmp_err("{ 'execute': 'chardev-add', 'arguments': { 'id': 'f5' } }",
            "MissingParameter", "Parameter 'backend' is missing",
            "chardev \"f5\": missing backend");
    assert_gone("f5");
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'backend': 'null' } }", "MissingParameter",
            "Parameter 'id' is missing",
            "chardev: no id specified (id=<name> is required)");
    qmp_err("{ 'execute': 'chardev-add', 'arguments': "
            "{ 'id': 'f6', 'backend': 'socket', 'path': 'x', "
            "'server': true } }", "DeviceInitFailed", NULL,
            "chardev \"f6\": backend \"socket\": wait: a server added at "
            "run time cannot wait for its first client (add wait=off)");
    assert_gone("f6");

    qmp_err("{ 'execute': 'chardev-remove', 'arguments': { 'id': 'nope' } }",
            "DeviceNotFound", "Device 'nope' not found",
            "chardev \"nope\": not found");
    qmp_err("{ 'execute': 'chardev-remove', 'arguments': "
            "{ 'id': 'serial1' } }", "DeviceNotRemovable",
            "Device 'serial1' is not removable",
            "chardev \"serial1\": cannot be removed: made by a legacy option "
            "(-serial, -parallel, -monitor, ...), not by -chardev or "
            "chardev-add");
    test_fe_attach(&fe, qemu_chr_find("qdup"));
    qmp_err("{ 'execute': 'chardev-remove', 'arguments': { 'id': 'qdup' } }",
            "DeviceInUse", "Device 'qdup' is in use",
            "chardev \"qdup\": cannot be removed: in use by a frontend "
            "(remove that device first)");
    test_fe_detach(&fe);

    /* argument checks of the command table */
    qmp_err("{ 'execute': 'chardev-remove' }", "MissingParameter",
            "Parameter 'id' is missing", NULL);
    qmp_err("{ 'execute': 'chardev-remove', 'arguments': { 'id': 5 } }",
            "InvalidParameterType", NULL, NULL);
    qmp_err("{ 'execute': 'chardev-remove', 'arguments': "
            "{ 'id': 'qdup', 'x': 1 } }", "InvalidParameter",
            "Invalid parameter 'x'", NULL);
    g_assert(qemu_chr_find("qdup"));
    qmp_err("{ 'execute': 'no-such-command' }", "CommandNotFound", NULL,
            NULL);

    qmp_ok("{ 'execute': 'chardev-remove', 'arguments': { 'id': 'qdup' } }");
    assert_gone("qdup");

    qemu_chr_close(legacy);
}

/* ---- with a guest: chardev and virtserialport plugged together ---- */

static void wait_port(VGuest *g, uint32_t id, size_t len,
                      bool (*cond)(VGuest *g, void *opaque))
{
    g_assert(vg_wait_port(g, id, len, cond, TIMEOUT_MS));
}

/*
 * Each round: chardev-add (QMP and HMP in turn) of a unix socket server
 * with a real client, device_add of a virtserialport on it, data both
 * ways, then unplug: device first, or chardev first (refused while the
 * port holds it) and device after.  No fd may be left behind.
 */
static void test_virtserialport(void)
{
    char *sock = tmp_path("vs.sock");
    DeviceState *vser;
    VGuest *g;
    int fds, round;

    hotplug_start();
    vser = support_device_add("virtio-serial,id=vser0,max_ports=4");
    g_assert(vser);
    g = vg_new(vser);
    vg_init(g, WANT_FEATURES);
    vg_run_for(g, 5);
    fds = support_count_open_fds();

    for (round = 0; round < PLUG_ROUNDS; round++) {
        char g2h[32], h2g[32], buf[32];
        VGuestPort *p;
        size_t rx0;
        char *cmd;
        int fd, len;

        if (round % 2) {
            cmd = g_strdup_printf("{ 'execute': 'chardev-add', 'arguments': "
                                  "{ 'id': 'vsc', 'backend': 'socket', "
                                  "'path': '%s', 'server': true, "
                                  "'wait': false } }", sock);
            qmp_ok(cmd);
        } else {
            cmd = g_strdup_printf("chardev_add socket,id=vsc,path=%s,server,"
                                  "nowait", sock);
            hmp_ok(cmd);
        }
        g_free(cmd);
        fd = test_unix_connect(sock);
        g_assert_cmpint(fd, >=, 0);
        g_assert(support_device_add("virtserialport,id=vsp,chardev=vsc,"
                                    "nr=1,name=org.test.hotplug"));
        wait_port(g, 1, 0, vg_cond_present);
        wait_port(g, 1, 0, vg_cond_host_connected);
        vg_port_open(g, 1);
        p = vg_port(g, 1);

        /* guest -> peer */
        len = snprintf(g2h, sizeof(g2h), "g2h-%d", round);
        g_assert_cmpuint(vg_port_write(g, 1, g2h, len), ==, len);
        vg_run_for(g, 1);
        g_assert(test_pump_read(fd, buf, len, TIMEOUT_MS));
        g_assert(memcmp(buf, g2h, len) == 0);
        /* peer -> guest */
        rx0 = p->rx->len;
        len = snprintf(h2g, sizeof(h2g), "h2g-%d", round);
        g_assert(test_write_full(fd, h2g, len, TIMEOUT_MS));
        wait_port(g, 1, rx0 + len, vg_cond_rx_len);
        g_assert(memcmp(p->rx->data + rx0, h2g, len) == 0);

        if (round % 2) {
            /* chardev first: refused while the port holds it */
            cmd = g_strdup("chardev_remove vsc");
            hmp_err(cmd, "chardev \"vsc\": cannot be removed: in use by "
                    "a frontend (remove that device first)");
            g_assert(qemu_chr_find("vsc"));
            g_assert_cmpint(support_device_del("vsp"), ==, 0);
            hmp_ok(cmd);
            g_free(cmd);
        } else {
            g_assert_cmpint(support_device_del("vsp"), ==, 0);
            qmp_ok("{ 'execute': 'chardev-remove', "
                   "'arguments': { 'id': 'vsc' } }");
        }
        assert_gone("vsc");
        wait_port(g, 1, 0, vg_cond_absent);
        /* the peer sees the chardev go */
        g_assert_cmpint(read(fd, buf, sizeof(buf)), ==, 0);
        close(fd);
        g_assert_cmpint(support_count_open_fds(), ==, fds);
    }
    g_assert_cmpint(support_error_count(), ==, PLUG_ROUNDS / 2);

    qdev_free(vser);
    vg_free(g);
    unlink(sock);
    g_free(sock);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_machine_init(GUEST_RAM_SIZE);
    tmpdir = support_make_tmpdir();
    g_assert(tmpdir);

    g_test_add_func("/char/hotplug/hmp/backends", test_hmp_backends);
    g_test_add_func("/char/hotplug/qmp/backends", test_qmp_backends);
    g_test_add_func("/char/hotplug/mux", test_mux);
    g_test_add_func("/char/hotplug/hmp/errors", test_hmp_errors);
    g_test_add_func("/char/hotplug/qmp/errors", test_qmp_errors);
    g_test_add_func("/char/hotplug/virtserialport", test_virtserialport);

    ret = test_run_fd_checked();
    support_rm_tmpdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
