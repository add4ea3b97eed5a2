/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: an untrusted guest driving virtio-serial through its rings and registers. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "module.h"
#include "sysemu.h"
#include "support-test.h"
#include "support-virtio.h"
#include "libvirtio-guest.h"
#include "fuzz.h"

/*
 * The input is a program for a misbehaving guest.  Each step is an opcode
 * byte followed by its operands; whatever the guest does, the host must
 * neither crash nor hang nor grow.  Ports sit on real backends: a null
 * chardev, a file in a private directory and a mux with a monitor-like
 * recording frontend.
 */

#define FUZZ_RAM (16 * 1024 * 1024)

typedef struct {
    const uint8_t *p;
    size_t left;
} Reader;

static uint32_t rd(Reader *r, int bytes)
{
    uint32_t v = 0;
    int i;

    for (i = 0; i < bytes; i++) {
        v <<= 8;
        if (r->left) {
            v |= *r->p++;
            r->left--;
        }
    }
    return v;
}

static char *fuzz_dir;

static CharDriverState *open_chr(const char *optstr)
{
    QemuOpts *opts = qemu_opts_parse(qemu_find_opts("chardev"), optstr, 1);
    CharDriverState *chr = opts ? qemu_chr_open_opts(opts, NULL) : NULL;

    if (opts) {
        qemu_opts_del(opts);
    }
    if (!chr) {
        abort();
    }
    return chr;
}

static bool ctrl_ok(VGuest *g)
{
    return (g->features & (1u << VIRTIO_CONSOLE_F_MULTIPORT)) &&
           g->q[3].num > 0 && g->q[3].nfree > 0;
}

/*
 * Raw descriptors, avail ring tricks and register writes desynchronise
 * the guest library's own bookkeeping; after letting the device react,
 * the guest reboots, as the unit tests do after each broken ring.  A
 * reboot sets up every queue again, the dearest step by far, so an input
 * gets a few: the steps that need one are skipped once they are used up.
 */
#define MAX_REBOOTS 4

static int reboots_left;

static void reboot(VGuest *g, uint32_t features)
{
    main_loop_wait(1);
    vg_reset(g);
    vg_init(g, features);
    reboots_left--;
}

static void step(VGuest *g, DeviceState *dev, CharDriverState **chrs,
                 Reader *r, uint32_t features)
{
    uint8_t buf[512];
    VGuestDesc d[4];
    uint32_t n, i, id, q, op;

    op = rd(r, 1) % 12;
    if (reboots_left <= 0 && (op == 2 || op == 6 || op == 7 || op == 8)) {
        op = 11;
    }
    switch (op) {
    case 0:     /* raw control message */
        n = rd(r, 2) % sizeof(buf);
        for (i = 0; i < n; i++) {
            buf[i] = rd(r, 1);
        }
        if (ctrl_ok(g)) {
            vg_send_ctrl_raw(g, buf, n);
        }
        break;
    case 1:     /* well-formed header, any values */
        id = rd(r, 1) % 8;
        id = id == 7 ? rd(r, 4) : id;
        i = rd(r, 1) % 10;
        n = rd(r, 2);
        if (ctrl_ok(g)) {
            vg_send_ctrl(g, id, i, n);
        }
        break;
    case 2:     /* a descriptor chain with guest-chosen addresses */
        n = rd(r, 1) % 4 + 1;
        for (i = 0; i < n; i++) {
            d[i].addr = rd(r, 4);
            if (rd(r, 1) & 1) {
                d[i].addr = (uint64_t)rd(r, 4) << 32 | d[i].addr;
            }
            d[i].len = rd(r, 4);
            d[i].flags = rd(r, 1) & 0x6;
        }
        q = rd(r, 1) % g->nqueues;
        if (g->q[q].num > 0 && n <= g->q[q].nfree) {
            vg_post_raw(g, q, d, n);
            reboot(g, features);
        }
        break;
    case 3:     /* data from the guest */
        n = rd(r, 2) % sizeof(buf);
        memset(buf, rd(r, 1), n);
        vg_port_write(g, rd(r, 1) % 4, buf, n);
        break;
    case 4:
    case 5:
        id = rd(r, 1) % 4;
        if (ctrl_ok(g)) {
            if (r->left & 1) {
                vg_port_open(g, id);
            } else {
                vg_port_close(g, id);
            }
        }
        break;
    case 6:     /* bogus avail ring contents */
        i = rd(r, 1);
        q = rd(r, 1) % g->nqueues;
        n = rd(r, 2);
        if (g->q[q].num > 0) {
            if (i & 1) {
                vg_post_head(g, q, n);
            } else {
                vg_set_avail_idx(g, q, n);
            }
            reboot(g, features);
        }
        break;
    case 7:     /* start over with other features */
        reboot(g, rd(r, 4));
        break;
    case 8:     /* any register, any value */
        i = rd(r, 1) % 64;
        n = rd(r, 4);
        virtio_sim_io_write(dev, i, n, 1 << (rd(r, 1) % 3));
        reboot(g, features);
        break;
    case 9:     /* the host side connects or goes away */
        id = rd(r, 1) % 3;
        qemu_chr_be_event(chrs[id], (rd(r, 1) & 1) ? CHR_EVENT_OPENED :
                          CHR_EVENT_CLOSED);
        break;
    case 10:    /* host data towards the guest */
        id = rd(r, 1) % 3;
        n = MIN((int)rd(r, 1), qemu_chr_can_read(chrs[id]));
        if (n > 0) {
            memset(buf, 'h', n);
            qemu_chr_read(chrs[id], buf, n);
        }
        break;
    default:
        vg_poll(g);
        main_loop_wait(1);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    CharDriverState *chrs[3];
    DeviceState *dev, *p0, *p1, *p2;
    BusState *bus;
    Reader r = { data, size };
    char *opt;
    VGuest *g;
    uint32_t features;
    int steps = 0;

    if (!initialised) {
        module_call_init(MODULE_INIT_DEVICE);
        qdev_machine_creation_done();
        support_guest_ram_init(FUZZ_RAM);
        fuzz_dir = support_make_tmpdir();
        support_error_quiet(true);
        initialised = true;
    }
    if (size > 8192) {
        return 0;
    }
    support_guest_ram_clear();
    chrs[0] = open_chr("null,id=fz0");
    opt = g_strdup_printf("file,id=fz1,path=%s/out", fuzz_dir);
    chrs[1] = open_chr(opt);
    g_free(opt);
    chrs[2] = open_chr("null,id=fz2,mux=on");

    dev = support_device_add("virtio-serial,id=fzser,max_ports=4");
    bus = qdev_get_child_bus(dev, "fzser.0");
    p0 = qdev_create(bus, "virtconsole");
    qdev_prop_set_chr(p0, "chardev", chrs[0]);
    qdev_init(p0);
    p1 = qdev_create(bus, "virtserialport");
    qdev_prop_set_chr(p1, "chardev", chrs[1]);
    qdev_prop_set_string(p1, "name", (char *)"org.fuzz.1");
    qdev_init(p1);
    p2 = qdev_create(bus, "virtconsole");
    qdev_prop_set_chr(p2, "chardev", chrs[2]);
    qdev_init(p2);

    g = vg_new(dev);
    g->lenient = true;
    /* a few buffers reach the same code as Linux's many, for less work */
    g->ctrl_rx_buffers = 4;
    g->default_rx_buffers = 4;
    features = rd(&r, 4);
    vg_init(g, features);
    reboots_left = MAX_REBOOTS;
    while (r.left > 0 && steps++ < 256) {
        step(g, dev, chrs, &r, features);
    }
    vg_poll(g);

    qdev_free(dev);
    vg_free(g);
    qemu_chr_close(chrs[0]);
    qemu_chr_close(chrs[1]);
    qemu_chr_close(chrs[2]);
    main_loop_wait(1);
    support_error_clear();
    return 0;
}
