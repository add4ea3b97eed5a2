/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-serial: guest ABI, the port bus and the interface ports implement. */
#ifndef _QEMU_VIRTIO_SERIAL_H
#define _QEMU_VIRTIO_SERIAL_H

#include "qdev.h"
#include "virtio.h"

/* ---- What the guest driver sees (virtio console spec) ---- */

#define VIRTIO_ID_CONSOLE               3

/* feature bit: more than one port, control queues in use */
#define VIRTIO_CONSOLE_F_MULTIPORT      1

/* "no port number chosen yet" */
#define VIRTIO_CONSOLE_BAD_ID           (~(uint32_t)0)

/* Device config space; all fields in guest byte order. */
struct virtio_console_config {
    uint16_t cols;              /* VIRTIO_CONSOLE_F_SIZE (not offered) */
    uint16_t rows;
    uint32_t max_nr_ports;
} __attribute__((packed));

/* Header of every control message, both directions. */
struct virtio_console_control {
    uint32_t id;                /* port number */
    uint16_t event;             /* VIRTIO_CONSOLE_* below */
    uint16_t value;
};

struct virtio_serial_conf {
    /* ports the device offers (property max_ports) */
    uint32_t max_virtserial_ports;
};

/* control events */
#define VIRTIO_CONSOLE_DEVICE_READY     0   /* guest: driver is up */
#define VIRTIO_CONSOLE_PORT_ADD         1   /* host: port hot-plugged */
#define VIRTIO_CONSOLE_PORT_REMOVE      2   /* host: port unplugged */
#define VIRTIO_CONSOLE_PORT_READY       3   /* guest: port set up */
#define VIRTIO_CONSOLE_CONSOLE_PORT     4   /* host: bind to hvc */
#define VIRTIO_CONSOLE_RESIZE           5   /* host: console size */
#define VIRTIO_CONSOLE_PORT_OPEN        6   /* both: side opened/closed */
#define VIRTIO_CONSOLE_PORT_NAME        7   /* host: name follows */

/* ---- Inside QEMU ---- */

typedef struct VirtIOSerial VirtIOSerial;
typedef struct VirtIOSerialBus VirtIOSerialBus;
typedef struct VirtIOSerialPort VirtIOSerialPort;
typedef struct VirtIOSerialPortInfo VirtIOSerialPortInfo;

/*
 * One port on the virtio-serial bus.  Port devices embed this first in
 * their state; the bus owns every field below except through the
 * functions declared at the end of this file.
 */
struct VirtIOSerialPort {
    DeviceState dev;

    QTAILQ_ENTRY(VirtIOSerialPort) next;

    /* the device this port belongs to */
    VirtIOSerial *vser;

    /* guest-bound and host-bound data queues of this port */
    VirtQueue *ivq, *ovq;

    /* property "name": announced to the guest (e.g. org.qemu.guest_agent) */
    char *name;

    /* property "nr": the port number the guest uses */
    uint32_t id;

    /*
     * A guest buffer taken off ovq that the port has not fully consumed:
     * the bus resumes at out_sg[iov_idx] + iov_offset once unthrottled.
     * out_num == 0 means there is none.
     */
    VirtQueueElement elem;
    uint32_t iov_idx;
    uint64_t iov_offset;

    /* runs the guest->host flush after virtio_serial_throttle_port(false) */
    QEMUBH *bh;

    bool guest_connected;   /* guest has the port open */
    bool host_connected;    /* host side (e.g. chardev) is open */
    bool throttled;         /* port takes no guest data for now */
};

struct VirtIOSerialPortInfo {
    DeviceInfo qdev;

    /* binds to hvc in the guest; may take port 0 */
    bool is_console;

    /*
     * Port plugged / unplugged; nonzero from init fails the plug.  A port
     * attaches to its chardev with the port itself as opaque (the port
     * embedded first in the device state): on a failed plug the bus then
     * detaches it and gives the chardev back, whatever init had done.
     */
    int (*init)(VirtIOSerialPort *port);
    int (*exit)(VirtIOSerialPort *port);

    /*
     * Guest opened / closed the port.  Called exactly once per change,
     * including the implicit close on unplug, device reset and when a
     * migration stream says so.
     */
    void (*guest_open)(VirtIOSerialPort *port);
    void (*guest_close)(VirtIOSerialPort *port);

    /* guest set the port up (its queues are live) */
    void (*guest_ready)(VirtIOSerialPort *port);

    /*
     * Guest data for the host.  Return how much was taken (0..len) or
     * -EAGAIN; taking less throttles the port until it calls
     * virtio_serial_throttle_port(port, false), never from inside
     * have_data.  Other negative values discard the buffer.
     */
    ssize_t (*have_data)(VirtIOSerialPort *port, const uint8_t *buf,
                         size_t len);

    /*
     * Addition: the guest posted receive buffers (kicked ivq); a port
     * that waits for room in the guest can push data now.  Optional.
     */
    void (*guest_writable)(VirtIOSerialPort *port);
};

/* Port devices register their DeviceInfo on the virtio-serial bus. */
void virtio_serial_port_qdev_register(VirtIOSerialPortInfo *info);

/* The host side of a port opened / closed; returns 0. */
int virtio_serial_open(VirtIOSerialPort *port);
int virtio_serial_close(VirtIOSerialPort *port);

/*
 * Host->guest data.  Returns what was placed in guest buffers; ask
 * virtio_serial_guest_ready() first to learn how much fits.
 */
ssize_t virtio_serial_write(VirtIOSerialPort *port, const uint8_t *buf,
                            size_t size);

/*
 * Bytes the guest can take on this port right now: exactly what fits in
 * the buffers it posted (capped at 64 KiB), 0 if the port is not open.
 */
size_t virtio_serial_guest_ready(VirtIOSerialPort *port);

/* Stop or resume guest->host data for this port. */
void virtio_serial_throttle_port(VirtIOSerialPort *port, bool throttle);

/* Addition: tell the guest the console size (console ports only). */
void virtio_serial_send_console_resize(VirtIOSerialPort *port,
                                       uint16_t cols, uint16_t rows);

#endif
