/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Demo: a simulated guest talks to "cat" through a virtio-serial port. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "module.h"
#include "support-test.h"
#include "support-virtio.h"
#include "char-test-util.h"
#include "libvirtio-guest.h"

#include <sys/stat.h>
#include <sys/wait.h>

#define PORT 1
#define TIMEOUT_MS 5000

/* What the host side last reported, to print only changes. */
typedef struct HostView {
    VirtIOSerialPort *port;
    CharDriverState *chr;
    bool guest_connected, host_connected, fe_open;
    uint64_t to_peer, from_peer;
} HostView;

static HostView host;

static void host_report(VGuest *g)
{
    VGuestPort *p = vg_port(g, PORT);

    if (host.port->host_connected != host.host_connected) {
        host.host_connected = host.port->host_connected;
        printf("host:  chardev \"%s\" is %s -> PORT_OPEN(%d) to the guest\n",
               host.chr->label, host.host_connected ? "open" : "closed",
               host.host_connected);
    }
    if (host.port->guest_connected != host.guest_connected) {
        host.guest_connected = host.port->guest_connected;
        printf("host:  port %u: guest %s it\n", host.port->id,
               host.guest_connected ? "opened" : "closed");
    }
    if (host.chr->fe_open != host.fe_open) {
        host.fe_open = host.chr->fe_open;
        printf("host:  chardev \"%s\" heard qemu_chr_guest_%s()\n",
               host.chr->label, host.fe_open ? "open" : "close");
    }
    if (p->tx_total != host.to_peer) {
        printf("host:  %" PRIu64 " bytes from the guest written to the "
               "peer\n", p->tx_total - host.to_peer);
        host.to_peer = p->tx_total;
    }
    if (p->rx_total != host.from_peer) {
        printf("host:  %" PRIu64 " bytes from the peer placed in guest "
               "buffers\n", p->rx_total - host.from_peer);
        host.from_peer = p->rx_total;
    }
    fflush(stdout);
}

typedef bool Cond(VGuest *g, void *opaque);

static bool watch(VGuest *g, void *opaque)
{
    Cond *cond = opaque;

    host_report(g);
    return cond(g, NULL);
}

static bool wait_for(VGuest *g, Cond *cond)
{
    return vg_run_until(g, watch, cond, TIMEOUT_MS);
}

static bool port_present(VGuest *g, void *opaque)
{
    return vg_port(g, PORT)->present && vg_port(g, PORT)->name &&
           vg_port(g, PORT)->host_connected;
}

static bool guest_connected(VGuest *g, void *opaque)
{
    return host.port->guest_connected;
}

static bool guest_disconnected(VGuest *g, void *opaque)
{
    return !host.port->guest_connected;
}

static const char message[] = "hello from the guest\n";

static bool echo_back(VGuest *g, void *opaque)
{
    return vg_port(g, PORT)->rx_total >= strlen(message);
}

int main(int argc, char **argv)
{
    char *dir, *base, *in, *out, *opts;
    char *cat_argv[] = { (char *)"sh", (char *)"-c",
                         (char *)"exec cat < \"$0.out\" > \"$0.in\"",
                         NULL, NULL };
    CharDriverState *chr;
    DeviceState *vser;
    GError *err = NULL;
    GPid cat_pid;
    VGuest *g;
    int ret = 1;

    module_call_init(MODULE_INIT_DEVICE);
    qdev_machine_creation_done();
    support_guest_ram_init(16 * 1024 * 1024);
    dir = support_make_tmpdir();
    base = g_strdup_printf("%s/peer", dir);
    in = g_strdup_printf("%s.in", base);
    out = g_strdup_printf("%s.out", base);
    if (mkfifo(in, 0600) || mkfifo(out, 0600)) {
        perror("mkfifo");
        return 1;
    }

    printf("host:  -chardev pipe,id=peer,path=%s\n", base);
    opts = g_strdup_printf("pipe,id=peer,path=%s", base);
    chr = test_chr_new(opts);
    g_free(opts);
    if (!chr) {
        return 1;
    }
    cat_argv[3] = base;
    if (!g_spawn_async(NULL, cat_argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                       NULL, NULL, &cat_pid, &err)) {
        fprintf(stderr, "cannot start cat: %s\n", err->message);
        return 1;
    }
    printf("peer:  cat < %s.out > %s.in (pid %d)\n", base, base,
           (int)cat_pid);

    printf("host:  -device virtio-serial,id=vser0,max_ports=4\n");
    vser = support_device_add("virtio-serial,id=vser0,max_ports=4");
    printf("host:  -device virtserialport,chardev=peer,nr=%d,"
           "name=org.qemu.demo\n", PORT);
    host.port = DO_UPCAST(VirtIOSerialPort, dev,
                          support_device_add("virtserialport,id=demo,"
                                             "chardev=peer,nr=1,"
                                             "name=org.qemu.demo"));
    host.chr = chr;
    g = vg_new(vser);
    g->log_steps = true;

    printf("guest: probing the virtio-serial device\n");
    vg_init(g, (1u << VIRTIO_CONSOLE_F_MULTIPORT));
    if (!wait_for(g, port_present)) {
        fprintf(stderr, "port never showed up\n");
        goto out;
    }

    vg_port_open(g, PORT);
    if (!wait_for(g, guest_connected)) {
        goto out;
    }

    printf("guest: write \"%.*s\\n\"\n", (int)strlen(message) - 1,
           message);
    vg_port_write(g, PORT, message, strlen(message));
    if (!wait_for(g, echo_back)) {
        fprintf(stderr, "no echo from cat\n");
        goto out;
    }
    printf("guest: read back \"%.*s\\n\"\n",
           (int)vg_port(g, PORT)->rx->len - 1,
           (char *)vg_port(g, PORT)->rx->data);

    vg_port_close(g, PORT);
    if (!wait_for(g, guest_disconnected)) {
        goto out;
    }
    host_report(g);
    ret = memcmp(vg_port(g, PORT)->rx->data, message,
                 strlen(message)) != 0;
    printf("%s\n", ret ? "demo FAILED" : "demo done");

out:
    qdev_free(vser);
    vg_free(g);
    qemu_chr_close(chr);
    kill(cat_pid, SIGTERM);
    waitpid(cat_pid, NULL, 0);
    g_spawn_close_pid(cat_pid);
    unlink(in);
    unlink(out);
    support_rm_tmpdir(dir);
    g_free(in);
    g_free(out);
    g_free(base);
    g_free(dir);
    support_guest_ram_free();
    return ret;
}
