/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtconsole / virtserialport: virtio-serial ports backed by a chardev. */

#include "module.h"
#include "qemu-char.h"
#include "qemu-common.h"
#include "qemu-error.h"
#include "trace.h"
#include "virtio-serial.h"

typedef struct VirtConsole {
    VirtIOSerialPort port;
    CharDriverState *chr;
    bool is_console;
    /* chardev input the guest had no room for (frontend ignored can_read) */
    uint64_t dropped;
} VirtConsole;

/*
 * Guest data for the chardev.  A serial port takes only what the backend
 * accepts now; the bus throttles the port on a short count and we resume
 * it from the chardev's write-ready callback, so nothing is lost and
 * nothing spins.  A console port is never throttled: Linux's hvc driver
 * writes to it with a spinlock held and spins until the buffer comes back,
 * so a throttled console stops the whole guest kernel (nobody on a pty is
 * enough).  Its output goes to the chardev's bounded queue instead (for a
 * pty without a client, kept until one attaches); what overflows is
 * dropped and counted by the chardev.
 */
static ssize_t flush_buf(VirtIOSerialPort *port, const uint8_t *buf,
                         size_t len)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);
    int ret;

    if (!vcon->chr) {
        return len;
    }
    if (vcon->is_console) {
        size_t off;

        /*
         * A console never stalls the guest: what the backend does not
         * take is queued or counted as dropped by qemu_chr_write().
         */
        for (off = 0; off < len; off += MIN(len - off, (size_t)INT_MAX)) {
            qemu_chr_write(vcon->chr, buf + off,
                           MIN(len - off, (size_t)INT_MAX));
        }
        trace_virtio_console_flush_buf(port->id, len, len);
        return len;
    }
    ret = qemu_chr_write_nb(vcon->chr, buf, MIN(len, (size_t)INT_MAX));
    trace_virtio_console_flush_buf(port->id, len, ret);
    if (ret < 0) {
        /* the peer is gone for good: do not let the guest stall on it */
        return len;
    }
    return ret;
}

static void chr_write_ready(void *opaque)
{
    VirtConsole *vcon = opaque;

    virtio_serial_throttle_port(&vcon->port, false);
}

static void guest_open(VirtIOSerialPort *port)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);

    if (vcon->chr) {
        qemu_chr_fe_guest_open(vcon->chr, vcon);
    }
}

static void guest_close(VirtIOSerialPort *port)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);

    if (vcon->chr) {
        qemu_chr_fe_guest_close(vcon->chr, vcon);
    }
}

/* The guest posted buffers: let input held back for it come now. */
static void guest_writable(VirtIOSerialPort *port)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);

    if (vcon->chr) {
        qemu_chr_accept_input(vcon->chr);
        qemu_notify_event();
    }
}

static int chr_can_read(void *opaque)
{
    VirtConsole *vcon = opaque;

    return virtio_serial_guest_ready(&vcon->port);
}

static void chr_read(void *opaque, const uint8_t *buf, int size)
{
    VirtConsole *vcon = opaque;
    ssize_t done;

    trace_virtio_console_chr_read(vcon->port.id, size);
    done = virtio_serial_write(&vcon->port, buf, size);
    if (done < size) {
        if (!vcon->dropped) {
            error_report("virtconsole: port %u: guest had no room, %zd "
                         "bytes of input dropped", vcon->port.id,
                         size - done);
        }
        vcon->dropped += size - done;
        trace_virtio_console_chr_dropped(vcon->port.id, size - done,
                                         vcon->dropped);
    }
}

static void chr_event(void *opaque, int event)
{
    VirtConsole *vcon = opaque;

    trace_virtio_console_chr_event(vcon->port.id, event);
    /* a console stays connected: see virtconsole_initfn() */
    if (vcon->is_console) {
        return;
    }
    switch (event) {
    case CHR_EVENT_OPENED:
        virtio_serial_open(&vcon->port);
        break;
    case CHR_EVENT_CLOSED:
        virtio_serial_close(&vcon->port);
        break;
    }
}

static int virtconsole_initfn(VirtIOSerialPort *port)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);
    VirtIOSerialPortInfo *info = DO_UPCAST(VirtIOSerialPortInfo, qdev,
                                           port->dev.info);

    if (vcon->chr) {
        qemu_chr_set_write_ready(vcon->chr, chr_write_ready, vcon);
        qemu_chr_add_handlers(vcon->chr, chr_can_read, chr_read, chr_event,
                              vcon);
        /* the guest has not opened the port yet: see qemu-char.h */
        qemu_chr_fe_guest_close(vcon->chr, vcon);
    }
    /*
     * A console is connected whether or not the chardev has a peer: the
     * guest's console output then waits in the chardev (a pty keeps it
     * until a client attaches) instead of being discarded by the port.
     * Serial ports follow the chardev's OPENED/CLOSED so that the guest
     * can tell when somebody listens.
     */
    vcon->is_console = info->is_console;
    if (vcon->is_console) {
        virtio_serial_open(port);
    }
    return 0;
}

static int virtconsole_exitfn(VirtIOSerialPort *port)
{
    VirtConsole *vcon = DO_UPCAST(VirtConsole, port, port);

    if (vcon->chr) {
        /*
         * Let go of the chardev so another frontend may take it; by name,
         * since on a mux others stay attached and must keep their slots.
         */
        qemu_chr_remove_handlers(vcon->chr, vcon);
    }
    return 0;
}

static VirtIOSerialPortInfo virtconsole_info = {
    .qdev.name      = "virtconsole",
    .qdev.size      = sizeof(VirtConsole),
    .is_console     = true,
    .init           = virtconsole_initfn,
    .exit           = virtconsole_exitfn,
    .guest_open     = guest_open,
    .guest_close    = guest_close,
    .have_data      = flush_buf,
    .guest_writable = guest_writable,
    .qdev.props = (Property[]) {
        DEFINE_PROP_CHR("chardev", VirtConsole, chr),
        DEFINE_PROP_END_OF_LIST(),
    },
};

/* Filled in from virtconsole_info at registration; qdev keeps a pointer. */
static VirtIOSerialPortInfo virtserialport_info;

static void virtconsole_register(void)
{
    /*
     * A virtserialport is a virtconsole the guest does not treat as a
     * console: same callbacks and properties, so copy the table before
     * qdev links either into its list.
     */
    virtserialport_info = virtconsole_info;
    virtserialport_info.qdev.name = "virtserialport";
    virtserialport_info.is_console = false;

    virtio_serial_port_qdev_register(&virtconsole_info);
    virtio_serial_port_qdev_register(&virtserialport_info);
}
device_init(virtconsole_register)
