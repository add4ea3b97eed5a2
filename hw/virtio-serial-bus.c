/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-serial device: the port bus, control protocol, data and migration. */

#include "iov.h"
#include "monitor.h"
#include "qemu-error.h"
#include "qemu-queue.h"
#include "qemu-timer.h"
#include "trace.h"
#include "virtio-serial.h"

/* Queue sizes offered to the guest. */
#define VSER_DATA_QUEUE_SIZE    128
#define VSER_CTRL_QUEUE_SIZE    32

/* Most a port reports as guest room in one go (see guest_ready). */
#define VSER_GUEST_READY_MAX    65536

/*
 * Control messages for the guest wait here while it has no control
 * buffer posted.  Bounded: a guest that never posts any costs this much.
 */
#define VSER_CTRL_PENDING_MAX   256

/* Guest error lines per second per device; the rest are counted. */
#define VSER_ERR_PER_SEC        10

struct VirtIOSerialBus {
    BusState qbus;
    VirtIOSerial *vser;
    uint32_t max_nr_ports;
};

typedef struct VirtIOSerialCtrlMsg {
    QTAILQ_ENTRY(VirtIOSerialCtrlMsg) next;
    size_t len;
    uint8_t data[];
} VirtIOSerialCtrlMsg;

struct VirtIOSerial {
    VirtIODevice vdev;

    VirtQueue *c_ivq;
    /* per-port queues, indexed by port number */
    VirtQueue **ivqs, **ovqs;

    VirtIOSerialBus bus;

    DeviceState *qdev;

    QTAILQ_HEAD(, VirtIOSerialPort) ports;

    /* port numbers in use, one bit each; bit 0 stays reserved */
    uint32_t *ports_map;

    struct virtio_console_config config;

    /* the guest sent DEVICE_READY: it listens on the control queue */
    bool guest_ready;

    QTAILQ_HEAD(, VirtIOSerialCtrlMsg) ctrl_pending;
    unsigned int ctrl_pending_count;

    int64_t err_window_start;
    unsigned int err_lines, err_suppressed;
};

static void flush_queued_data(VirtIOSerialPort *port);

static VirtIOSerialPortInfo *port_info(VirtIOSerialPort *port)
{
    return DO_UPCAST(VirtIOSerialPortInfo, qdev, port->dev.info);
}

static uint32_t max_ports(VirtIOSerial *vser)
{
    return tswap32(vser->config.max_nr_ports);
}

/*
 * Report something the guest got wrong.  A guest can trigger these at
 * will, so they are rate-limited per device.
 */
static void GCC_FMT_ATTR(2, 3) guest_error(VirtIOSerial *vser,
                                           const char *fmt, ...)
{
    int64_t now = qemu_get_clock_ms(rt_clock);
    va_list ap;
    char msg[256];

    if (now - vser->err_window_start >= 1000) {
        if (vser->err_suppressed) {
            error_report("virtio-serial %s: %u more guest errors "
                         "suppressed", vser->bus.qbus.name,
                         vser->err_suppressed);
        }
        vser->err_window_start = now;
        vser->err_lines = vser->err_suppressed = 0;
    }
    if (vser->err_lines >= VSER_ERR_PER_SEC) {
        vser->err_suppressed++;
        return;
    }
    vser->err_lines++;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report("virtio-serial %s: guest error: %s", vser->bus.qbus.name,
                 msg);
}

static VirtIOSerialPort *find_port_by_id(VirtIOSerial *vser, uint32_t id)
{
    VirtIOSerialPort *port;

    if (id == VIRTIO_CONSOLE_BAD_ID) {
        return NULL;
    }
    QTAILQ_FOREACH(port, &vser->ports, next) {
        if (port->id == id) {
            return port;
        }
    }
    return NULL;
}

/*
 * The guest names its device node after the port name
 * (/dev/virtio-ports/<name>): two ports with one name would make one of
 * them unreachable by name.
 */
static VirtIOSerialPort *find_port_by_name(VirtIOSerial *vser,
                                           const char *name)
{
    VirtIOSerialPort *port;

    QTAILQ_FOREACH(port, &vser->ports, next) {
        if (port->name && strcmp(port->name, name) == 0) {
            return port;
        }
    }
    return NULL;
}

static VirtIOSerialPort *find_port_by_vq(VirtIOSerial *vser, VirtQueue *vq)
{
    VirtIOSerialPort *port;

    QTAILQ_FOREACH(port, &vser->ports, next) {
        if (port->ivq == vq || port->ovq == vq) {
            return port;
        }
    }
    return NULL;
}

static bool use_multiport(VirtIOSerial *vser)
{
    return vser->vdev.guest_features & (1 << VIRTIO_CONSOLE_F_MULTIPORT);
}

static bool driver_ok(VirtIOSerial *vser)
{
    return vser->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK;
}

/* Give every buffer the guest queued on @vq back, unread. */
static void discard_vq_data(VirtQueue *vq, VirtIODevice *vdev)
{
    VirtQueueElement elem;
    bool any = false;

    if (!virtio_queue_ready(vq)) {
        return;
    }
    while (virtqueue_pop(vq, &elem)) {
        virtqueue_push(vq, &elem, 0);
        any = true;
    }
    if (any) {
        virtio_notify(vdev, vq);
    }
}

/* Hand back a half-consumed guest buffer, if the port holds one. */
static void release_port_elem(VirtIOSerialPort *port)
{
    if (port->elem.out_num || port->elem.in_num) {
        if (virtio_queue_ready(port->ovq)) {
            virtqueue_push(port->ovq, &port->elem, 0);
            virtio_notify(&port->vser->vdev, port->ovq);
        }
    }
    port->elem.out_num = port->elem.in_num = 0;
    port->iov_idx = 0;
    port->iov_offset = 0;
}

/* ---- control messages to the guest ---- */

/* Place queued control messages in guest buffers while there are any. */
static void flush_ctrl_pending(VirtIOSerial *vser)
{
    VirtQueue *vq = vser->c_ivq;
    VirtIOSerialCtrlMsg *msg;
    VirtQueueElement elem;
    bool any = false;

    while ((msg = QTAILQ_FIRST(&vser->ctrl_pending)) != NULL) {
        size_t len;

        if (!virtio_queue_ready(vq) || !virtqueue_pop(vq, &elem)) {
            break;
        }
        len = iov_from_buf(elem.in_sg, elem.in_num, msg->data, 0, msg->len);
        if (len < msg->len) {
            guest_error(vser, "control buffer of %zu bytes is too small "
                        "for a %zu byte message", len, msg->len);
        }
        virtqueue_push(vq, &elem, len);
        any = true;
        QTAILQ_REMOVE(&vser->ctrl_pending, msg, next);
        vser->ctrl_pending_count--;
        qemu_free(msg);
    }
    if (any) {
        virtio_notify(&vser->vdev, vq);
    }
}

static void drop_ctrl_pending(VirtIOSerial *vser)
{
    VirtIOSerialCtrlMsg *msg;

    while ((msg = QTAILQ_FIRST(&vser->ctrl_pending)) != NULL) {
        QTAILQ_REMOVE(&vser->ctrl_pending, msg, next);
        qemu_free(msg);
    }
    vser->ctrl_pending_count = 0;
}

/*
 * Send a control message about @port; @extra (may be NULL) follows the
 * header.  Only once the guest listens (DEVICE_READY, multiport).
 */
static void send_control_msg(VirtIOSerialPort *port, uint16_t event,
                             uint16_t value, const void *extra,
                             size_t extra_len)
{
    VirtIOSerial *vser = port->vser;
    struct virtio_console_control hdr;
    VirtIOSerialCtrlMsg *msg;

    if (!vser->guest_ready || !use_multiport(vser)) {
        return;
    }
    if (vser->ctrl_pending_count >= VSER_CTRL_PENDING_MAX) {
        guest_error(vser, "no control buffers posted, %u messages "
                    "waiting; dropping event %u for port %u",
                    vser->ctrl_pending_count, event, port->id);
        return;
    }
    stl_p(&hdr.id, port->id);
    stw_p(&hdr.event, event);
    stw_p(&hdr.value, value);
    msg = qemu_malloc(sizeof(*msg) + sizeof(hdr) + extra_len);
    msg->len = sizeof(hdr) + extra_len;
    memcpy(msg->data, &hdr, sizeof(hdr));
    if (extra_len) {
        memcpy(msg->data + sizeof(hdr), extra, extra_len);
    }
    QTAILQ_INSERT_TAIL(&vser->ctrl_pending, msg, next);
    vser->ctrl_pending_count++;
    flush_ctrl_pending(vser);
}

static void send_control_event(VirtIOSerialPort *port, uint16_t event,
                               uint16_t value)
{
    trace_virtio_serial_send_control_event(port->id, event, value);
    send_control_msg(port, event, value, NULL, 0);
}

/* ---- port state changes ---- */

static void set_guest_connected(VirtIOSerialPort *port, bool connected)
{
    VirtIOSerialPortInfo *info = port_info(port);

    if (port->guest_connected == connected) {
        return;
    }
    port->guest_connected = connected;
    trace_virtio_serial_set_guest_connected(port->id, connected);
    if (connected && info->guest_open) {
        info->guest_open(port);
    } else if (!connected && info->guest_close) {
        info->guest_close(port);
    }
}

int virtio_serial_open(VirtIOSerialPort *port)
{
    if (port->host_connected) {
        return 0;
    }
    port->host_connected = true;
    trace_virtio_serial_set_host_connected(port->id, true);
    send_control_event(port, VIRTIO_CONSOLE_PORT_OPEN, 1);
    return 0;
}

int virtio_serial_close(VirtIOSerialPort *port)
{
    bool was_connected = port->host_connected;

    trace_virtio_serial_set_host_connected(port->id, false);
    port->host_connected = false;
    /* nobody will read what the guest sent: give its buffers back */
    port->throttled = false;
    release_port_elem(port);
    discard_vq_data(port->ovq, &port->vser->vdev);
    if (was_connected) {
        send_control_event(port, VIRTIO_CONSOLE_PORT_OPEN, 0);
    }
    return 0;
}

void virtio_serial_send_console_resize(VirtIOSerialPort *port,
                                       uint16_t cols, uint16_t rows)
{
    uint16_t size[2];

    if (!port || !port_info(port)->is_console) {
        return;
    }
    if (port->id == 0) {
        port->vser->config.cols = tswap16(cols);
        port->vser->config.rows = tswap16(rows);
    }
    /* the guest driver reads rows first */
    stw_p(&size[0], rows);
    stw_p(&size[1], cols);
    send_control_msg(port, VIRTIO_CONSOLE_RESIZE, 0, size, sizeof(size));
}

/* ---- host -> guest data ---- */

ssize_t virtio_serial_write(VirtIOSerialPort *port, const uint8_t *buf,
                            size_t size)
{
    VirtQueueElement elem;
    VirtQueue *vq;
    size_t offset = 0;

    if (!port || !port->host_connected || !port->guest_connected) {
        return 0;
    }
    vq = port->ivq;
    if (!virtio_queue_ready(vq) || !driver_ok(port->vser)) {
        return 0;
    }
    while (offset < size && virtqueue_pop(vq, &elem)) {
        size_t len = iov_from_buf(elem.in_sg, elem.in_num, buf + offset, 0,
                                  size - offset);

        offset += len;
        virtqueue_push(vq, &elem, len);
    }
    if (offset) {
        virtio_notify(&port->vser->vdev, vq);
    }
    return offset;
}

size_t virtio_serial_guest_ready(VirtIOSerialPort *port)
{
    VirtQueue *vq = port->ivq;
    int lo, hi;

    if (!vq || !virtio_queue_ready(vq) || !driver_ok(port->vser) ||
        !port->guest_connected || !port->host_connected ||
        virtio_queue_empty(vq)) {
        return 0;
    }
    if (virtqueue_avail_bytes(vq, VSER_GUEST_READY_MAX, 0)) {
        return VSER_GUEST_READY_MAX;
    }
    /* the largest size that still fits: lo fits, hi does not */
    lo = 0;
    hi = VSER_GUEST_READY_MAX;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;

        if (virtqueue_avail_bytes(vq, mid, 0)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* ---- guest -> host data ---- */

static void flush_queued_data_bh(void *opaque)
{
    VirtIOSerialPort *port = opaque;

    flush_queued_data(port);
}

void virtio_serial_throttle_port(VirtIOSerialPort *port, bool throttle)
{
    if (!port) {
        return;
    }
    trace_virtio_serial_throttle_port(port->id, throttle);
    port->throttled = throttle;
    if (!throttle) {
        qemu_bh_schedule(port->bh);
    }
}

/*
 * Feed the port's pending guest buffers to it until it takes less than
 * offered (then it is throttled and we keep our place) or none are left.
 */
static void flush_queued_data(VirtIOSerialPort *port)
{
    VirtIOSerialPortInfo *info = port_info(port);
    VirtQueue *vq = port->ovq;
    bool pushed = false;

    if (!virtio_queue_ready(vq) || !port->host_connected ||
        !info->have_data) {
        return;
    }
    while (!port->throttled) {
        if (!port->elem.out_num && !port->elem.in_num) {
            if (!virtqueue_pop(vq, &port->elem)) {
                break;
            }
            port->iov_idx = 0;
            port->iov_offset = 0;
        }
        while (port->iov_idx < port->elem.out_num) {
            struct iovec *iov = &port->elem.out_sg[port->iov_idx];
            size_t left = iov->iov_len - port->iov_offset;
            ssize_t ret;

            if (left == 0) {
                /* zero-length buffers carry nothing */
                port->iov_idx++;
                port->iov_offset = 0;
                continue;
            }
            ret = info->have_data(port, (uint8_t *)iov->iov_base +
                                  port->iov_offset, left);
            if (ret == -EAGAIN) {
                ret = 0;
            } else if (ret < 0) {
                error_report("virtio-serial: port %u refused %zu bytes of "
                             "guest data", port->id, left);
                ret = left;
            }
            if ((size_t)ret < left) {
                trace_virtio_serial_flush_short(port->id, ret, left);
                port->iov_offset += ret;
                port->throttled = true;
                break;
            }
            port->iov_idx++;
            port->iov_offset = 0;
        }
        if (port->throttled) {
            break;
        }
        virtqueue_push(vq, &port->elem, 0);
        port->elem.out_num = port->elem.in_num = 0;
        pushed = true;
    }
    if (pushed) {
        virtio_notify(&port->vser->vdev, vq);
    }
}

/* ---- control messages from the guest ---- */

static void handle_control_message(VirtIOSerial *vser, const uint8_t *buf,
                                   size_t len)
{
    const struct virtio_console_control *gcpkt = (const void *)buf;
    VirtIOSerialPortInfo *info;
    VirtIOSerialPort *port;
    uint16_t event, value;
    uint32_t id;

    if (len != sizeof(*gcpkt)) {
        guest_error(vser, "control message of %zu bytes (expected %zu)",
                    len, sizeof(*gcpkt));
        return;
    }
    id = ldl_p(&gcpkt->id);
    event = lduw_p(&gcpkt->event);
    value = lduw_p(&gcpkt->value);
    trace_virtio_serial_handle_control_message(event, value);

    if (event == VIRTIO_CONSOLE_DEVICE_READY) {
        if (!value) {
            guest_error(vser, "guest failed to set the device up");
            return;
        }
        vser->guest_ready = true;
        QTAILQ_FOREACH(port, &vser->ports, next) {
            send_control_event(port, VIRTIO_CONSOLE_PORT_ADD, 1);
        }
        return;
    }
    if (!vser->guest_ready) {
        guest_error(vser, "control event %u before DEVICE_READY", event);
        return;
    }
    port = find_port_by_id(vser, id);
    if (!port) {
        guest_error(vser, "control event %u for unknown port %u", event, id);
        return;
    }
    trace_virtio_serial_handle_control_message_port(port->id);
    info = port_info(port);

    switch (event) {
    case VIRTIO_CONSOLE_PORT_READY:
        if (!value) {
            guest_error(vser, "guest failed to set port %u up", port->id);
            break;
        }
        if (info->is_console) {
            send_control_event(port, VIRTIO_CONSOLE_CONSOLE_PORT, 1);
        }
        if (port->name) {
            /* the name goes with its terminating NUL */
            send_control_msg(port, VIRTIO_CONSOLE_PORT_NAME, 1, port->name,
                             strlen(port->name) + 1);
        }
        if (port->host_connected) {
            send_control_event(port, VIRTIO_CONSOLE_PORT_OPEN, 1);
        }
        if (info->guest_ready) {
            info->guest_ready(port);
        }
        break;
    case VIRTIO_CONSOLE_PORT_OPEN:
        set_guest_connected(port, value != 0);
        break;
    default:
        guest_error(vser, "unexpected control event %u for port %u", event,
                    port->id);
        break;
    }
}

static void control_in(VirtIODevice *vdev, VirtQueue *vq)
{
    /* the guest posted control buffers: deliver what waited for them */
    flush_ctrl_pending(DO_UPCAST(VirtIOSerial, vdev, vdev));
}

static void control_out(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);
    VirtQueueElement elem;
    bool any = false;

    while (virtqueue_pop(vq, &elem)) {
        uint8_t buf[sizeof(struct virtio_console_control)];
        size_t len = iov_size(elem.out_sg, elem.out_num);

        /* only the header is ever copied, whatever the guest claims */
        if (len > sizeof(buf)) {
            guest_error(vser, "oversized control message (%zu bytes)", len);
        } else {
            iov_to_buf(elem.out_sg, elem.out_num, buf, 0, len);
            handle_control_message(vser, buf, len);
        }
        virtqueue_push(vq, &elem, 0);
        any = true;
    }
    if (any) {
        virtio_notify(vdev, vq);
    }
}

static void handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);
    VirtIOSerialPort *port = find_port_by_vq(vser, vq);

    if (!port || !port->host_connected || !port_info(port)->have_data) {
        discard_vq_data(vq, vdev);
        return;
    }
    if (!port->throttled) {
        flush_queued_data(port);
    }
}

static void handle_input(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);
    VirtIOSerialPort *port = find_port_by_vq(vser, vq);

    if (port && port_info(port)->guest_writable) {
        port_info(port)->guest_writable(port);
    }
}

/* ---- virtio device callbacks ---- */

static uint32_t get_features(VirtIODevice *vdev, uint32_t features)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);

    if (vser->bus.max_nr_ports > 1) {
        features |= (1 << VIRTIO_CONSOLE_F_MULTIPORT);
    }
    return features;
}

static void get_config(VirtIODevice *vdev, uint8_t *config_data)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);

    memcpy(config_data, &vser->config, sizeof(vser->config));
}

static void set_config(VirtIODevice *vdev, const uint8_t *config_data)
{
    /* the guest may not change anything in our config space */
}

static void set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);
    VirtIOSerialPort *port;

    /*
     * Without MULTIPORT there are no PORT_OPEN messages: the console on
     * port 0 is open as soon as the driver is.
     */
    if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !use_multiport(vser)) {
        port = find_port_by_id(vser, 0);
        if (port) {
            set_guest_connected(port, true);
        }
    }
}

static void vser_reset(VirtIODevice *vdev)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);
    VirtIOSerialPort *port;

    /* the rings are gone: forget buffers taken from them */
    QTAILQ_FOREACH(port, &vser->ports, next) {
        port->elem.out_num = port->elem.in_num = 0;
        port->iov_idx = 0;
        port->iov_offset = 0;
        port->throttled = false;
        set_guest_connected(port, false);
    }
    vser->guest_ready = false;
    drop_ctrl_pending(vser);
}

/* ---- migration (stream layout of v0.15.0, section version 3) ---- */

static void virtio_serial_save(QEMUFile *f, void *opaque)
{
    VirtIOSerial *s = opaque;
    VirtIOSerialPort *port;
    uint32_t nr_active_ports = 0;
    unsigned int i;

    virtio_save(&s->vdev, f);

    /* config fields go out raw, in guest byte order, as in v0.15.0 */
    qemu_put_be16(f, s->config.cols);
    qemu_put_be16(f, s->config.rows);
    qemu_put_be32(f, s->config.max_nr_ports);
    for (i = 0; i < (max_ports(s) + 31) / 32; i++) {
        qemu_put_be32s(f, &s->ports_map[i]);
    }

    QTAILQ_FOREACH(port, &s->ports, next) {
        nr_active_ports++;
    }
    qemu_put_be32s(f, &nr_active_ports);

    QTAILQ_FOREACH(port, &s->ports, next) {
        uint32_t elem_popped = port->elem.out_num || port->elem.in_num;

        qemu_put_be32s(f, &port->id);
        qemu_put_byte(f, port->guest_connected);
        qemu_put_byte(f, port->host_connected);
        qemu_put_be32s(f, &elem_popped);
        if (elem_popped) {
            qemu_put_be32s(f, &port->iov_idx);
            qemu_put_be64s(f, &port->iov_offset);
            qemu_put_buffer(f, (const uint8_t *)&port->elem,
                            sizeof(port->elem));
        }
    }
}

/* Check a half-consumed element from the stream before using it. */
static bool elem_state_valid(VirtIOSerialPort *port)
{
    if (port->elem.in_num > VIRTQUEUE_MAX_SIZE ||
        port->elem.out_num > VIRTQUEUE_MAX_SIZE ||
        port->iov_idx > port->elem.out_num) {
        return false;
    }
    if (port->iov_idx < port->elem.out_num &&
        port->iov_offset > port->elem.out_sg[port->iov_idx].iov_len) {
        return false;
    }
    return port->iov_idx < port->elem.out_num || port->iov_offset == 0;
}

static int virtio_serial_load(QEMUFile *f, void *opaque, int version_id)
{
    VirtIOSerial *s = opaque;
    VirtIOSerialPort *port;
    uint32_t stream_max, nr_active_ports, map;
    unsigned int i;
    int ret;

    if (version_id > 3) {
        return -EINVAL;
    }
    ret = virtio_load(&s->vdev, f);
    if (ret) {
        return ret;
    }
    s->guest_ready = driver_ok(s) && use_multiport(s);
    if (version_id < 2) {
        return 0;
    }

    s->config.cols = qemu_get_be16(f);
    s->config.rows = qemu_get_be16(f);
    qemu_get_be32s(f, &stream_max);
    tswap32s(&stream_max);
    if (stream_max > max_ports(s)) {
        error_report("virtio-serial: migration source has %u ports, this "
                     "device only %u (max_ports)", stream_max, max_ports(s));
        return -EINVAL;
    }
    for (i = 0; i < (stream_max + 31) / 32; i++) {
        qemu_get_be32s(f, &map);
        if (map != s->ports_map[i]) {
            error_report("virtio-serial: migration source uses ports "
                         "0x%08x of %u-%u, this device 0x%08x: the port "
                         "layout must match", map, i * 32, i * 32 + 31,
                         s->ports_map[i]);
            return -EINVAL;
        }
    }

    qemu_get_be32s(f, &nr_active_ports);
    if (qemu_file_has_error(f) || nr_active_ports > max_ports(s)) {
        error_report("virtio-serial: bad port count %u in stream",
                     nr_active_ports);
        return -EINVAL;
    }
    for (i = 0; i < nr_active_ports; i++) {
        uint32_t id = qemu_get_be32(f);
        bool guest_connected, host_connected;

        port = find_port_by_id(s, id);
        if (!port) {
            error_report("virtio-serial: port %u of the migration source "
                         "does not exist here", id);
            return -EINVAL;
        }
        guest_connected = qemu_get_byte(f);
        host_connected = qemu_get_byte(f);

        if (version_id > 2) {
            uint32_t elem_popped;

            qemu_get_be32s(f, &elem_popped);
            if (elem_popped) {
                qemu_get_be32s(f, &port->iov_idx);
                qemu_get_be64s(f, &port->iov_offset);
                qemu_get_buffer(f, (uint8_t *)&port->elem,
                                sizeof(port->elem));
                if (qemu_file_has_error(f) || !elem_state_valid(port)) {
                    port->elem.out_num = port->elem.in_num = 0;
                    error_report("virtio-serial: bad state for port %u in "
                                 "stream", id);
                    return -EINVAL;
                }
                virtqueue_map_sg(port->elem.in_sg, port->elem.in_addr,
                                 port->elem.in_num, 1);
                virtqueue_map_sg(port->elem.out_sg, port->elem.out_addr,
                                 port->elem.out_num, 0);
                /* the source may have been throttled: try again here */
                virtio_serial_throttle_port(port, false);
            }
        }
        set_guest_connected(port, guest_connected);
        if (host_connected != port->host_connected) {
            /* our side differs from the source's: tell the guest */
            send_control_event(port, VIRTIO_CONSOLE_PORT_OPEN,
                               port->host_connected);
        }
    }
    return qemu_file_has_error(f) ? -EIO : 0;
}

/* ---- the port bus ---- */

static void virtser_bus_dev_print(Monitor *mon, DeviceState *qdev,
                                  int indent);

static struct BusInfo virtser_bus_info = {
    .name      = "virtio-serial-bus",
    .size      = sizeof(VirtIOSerialBus),
    .print_dev = virtser_bus_dev_print,
    .props     = (Property[]) {
        DEFINE_PROP_UINT32("nr", VirtIOSerialPort, id, VIRTIO_CONSOLE_BAD_ID),
        DEFINE_PROP_STRING("name", VirtIOSerialPort, name),
        DEFINE_PROP_END_OF_LIST()
    }
};

static void virtser_bus_dev_print(Monitor *mon, DeviceState *qdev,
                                  int indent)
{
    VirtIOSerialPort *port = DO_UPCAST(VirtIOSerialPort, dev, qdev);

    monitor_printf(mon, "%*sport %u, guest %s, host %s, throttle %s\n",
                   indent, "", port->id,
                   port->guest_connected ? "on" : "off",
                   port->host_connected ? "on" : "off",
                   port->throttled ? "on" : "off");
}

static uint32_t find_free_port_id(VirtIOSerial *vser)
{
    unsigned int i;

    for (i = 0; i < (max_ports(vser) + 31) / 32; i++) {
        int bit = ffs(~vser->ports_map[i]);

        if (bit && (bit - 1) + i * 32 < max_ports(vser)) {
            return (bit - 1) + i * 32;
        }
    }
    return VIRTIO_CONSOLE_BAD_ID;
}

static void set_port_map(VirtIOSerial *vser, uint32_t id, bool used)
{
    uint32_t bit = 1U << (id % 32);

    if (used) {
        vser->ports_map[id / 32] |= bit;
    } else if (id != 0) {
        /* port 0 stays reserved for a console */
        vser->ports_map[id / 32] &= ~bit;
    }
}

/*
 * The chardev property claimed its chardev (avail_connections) when it
 * was parsed, and nothing gives that back when init fails: do it here, so
 * that the chardev can be used by a retry.
 */
static void virtser_port_unclaim_chr(DeviceState *qdev)
{
    Property *prop;

    for (prop = qdev->info->props; prop && prop->name; prop++) {
        CharDriverState **ptr;

        if (prop->info->type != PROP_TYPE_CHR) {
            continue;
        }
        ptr = qdev_get_prop_ptr(qdev, prop);
        if (*ptr && (!(*ptr)->max_connections ||
                     (*ptr)->avail_connections < (*ptr)->max_connections)) {
            (*ptr)->avail_connections++;
        }
        *ptr = NULL;
    }
}

static int virtser_port_qdev_init(DeviceState *qdev, DeviceInfo *base)
{
    VirtIOSerialPort *port = DO_UPCAST(VirtIOSerialPort, dev, qdev);
    VirtIOSerialPortInfo *info = DO_UPCAST(VirtIOSerialPortInfo, qdev, base);
    VirtIOSerialBus *bus = DO_UPCAST(VirtIOSerialBus, qbus, qdev->parent_bus);
    VirtIOSerial *vser = bus->vser;
    VirtIOSerialPort *other;
    int ret;

    port->vser = vser;
    if (find_port_by_id(vser, port->id)) {
        error_report("virtio-serial-bus: port %u is already in use",
                     port->id);
        goto fail;
    }
    other = port->name ? find_port_by_name(vser, port->name) : NULL;
    if (other) {
        error_report("virtio-serial-bus: port name \"%s\" is already in "
                     "use by port %u", port->name, other->id);
        goto fail;
    }
    if (port->id == VIRTIO_CONSOLE_BAD_ID) {
        /* the first console goes to port 0, as old guests expect */
        if (info->is_console && !find_port_by_id(vser, 0)) {
            port->id = 0;
        } else {
            port->id = find_free_port_id(vser);
            if (port->id == VIRTIO_CONSOLE_BAD_ID) {
                error_report("virtio-serial-bus: all %u ports are in use "
                             "(max_ports)", max_ports(vser));
                goto fail;
            }
        }
    }
    if (port->id >= max_ports(vser)) {
        error_report("virtio-serial-bus: port number %u is out of range, "
                     "max_ports is %u", port->id, max_ports(vser));
        goto fail;
    }
    if (port->id == 0 && !info->is_console) {
        error_report("virtio-serial-bus: port 0 is reserved for a "
                     "virtconsole");
        goto fail;
    }

    port->bh = qemu_bh_new(flush_queued_data_bh, port);
    port->elem.out_num = port->elem.in_num = 0;
    port->guest_connected = false;
    port->host_connected = false;
    port->throttled = false;
    port->ivq = vser->ivqs[port->id];
    port->ovq = vser->ovqs[port->id];

    ret = info->init(port);
    if (ret) {
        qemu_bh_delete(port->bh);
        port->bh = NULL;
        return ret;
    }

    QTAILQ_INSERT_TAIL(&vser->ports, port, next);
    set_port_map(vser, port->id, true);
    if (port->id == 0 && driver_ok(vser) && !use_multiport(vser)) {
        set_guest_connected(port, true);
    }
    send_control_event(port, VIRTIO_CONSOLE_PORT_ADD, 1);
    virtio_notify_config(&vser->vdev);
    return 0;

fail:
    virtser_port_unclaim_chr(qdev);
    return -1;
}

static int virtser_port_qdev_exit(DeviceState *qdev)
{
    VirtIOSerialPort *port = DO_UPCAST(VirtIOSerialPort, dev, qdev);
    VirtIOSerialPortInfo *info = port_info(port);
    VirtIOSerial *vser = port->vser;

    qemu_bh_delete(port->bh);
    port->bh = NULL;
    release_port_elem(port);
    discard_vq_data(port->ovq, &vser->vdev);
    send_control_event(port, VIRTIO_CONSOLE_PORT_REMOVE, 1);
    /* the guest loses the port: to the host side that is a close */
    set_guest_connected(port, false);
    set_port_map(vser, port->id, false);
    QTAILQ_REMOVE(&vser->ports, port, next);
    if (info->exit) {
        info->exit(port);
    }
    return 0;
}

void virtio_serial_port_qdev_register(VirtIOSerialPortInfo *info)
{
    info->qdev.init = virtser_port_qdev_init;
    info->qdev.bus_info = &virtser_bus_info;
    info->qdev.exit = virtser_port_qdev_exit;
    info->qdev.unplug = qdev_simple_unplug_cb;
    qdev_register(&info->qdev);
}

VirtIODevice *virtio_serial_init(DeviceState *dev, virtio_serial_conf *conf)
{
    VirtIOSerial *vser;
    VirtIODevice *vdev;
    uint32_t i, max_supported_ports;

    if (!conf->max_virtserial_ports) {
        error_report("virtio-serial: max_ports must be at least 1");
        return NULL;
    }
    /* two queues per port, one pair of them for control */
    max_supported_ports = VIRTIO_PCI_QUEUE_MAX / 2 - 1;
    if (conf->max_virtserial_ports > max_supported_ports) {
        error_report("virtio-serial: max_ports is %u, at most %u are "
                     "supported", conf->max_virtserial_ports,
                     max_supported_ports);
        return NULL;
    }

    vdev = virtio_common_init("virtio-serial", VIRTIO_ID_CONSOLE,
                              sizeof(struct virtio_console_config),
                              sizeof(VirtIOSerial));
    vser = DO_UPCAST(VirtIOSerial, vdev, vdev);

    qbus_create_inplace(&vser->bus.qbus, &virtser_bus_info, dev, NULL);
    vser->bus.qbus.allow_hotplug = 1;
    vser->bus.vser = vser;
    vser->bus.max_nr_ports = conf->max_virtserial_ports;
    QTAILQ_INIT(&vser->ports);
    QTAILQ_INIT(&vser->ctrl_pending);

    vser->ivqs = qemu_mallocz(conf->max_virtserial_ports *
                              sizeof(VirtQueue *));
    vser->ovqs = qemu_mallocz(conf->max_virtserial_ports *
                              sizeof(VirtQueue *));

    /* queue order is guest ABI: port 0, control, then ports 1.. */
    vser->ivqs[0] = virtio_add_queue(vdev, VSER_DATA_QUEUE_SIZE,
                                     handle_input);
    vser->ovqs[0] = virtio_add_queue(vdev, VSER_DATA_QUEUE_SIZE,
                                     handle_output);
    vser->c_ivq = virtio_add_queue(vdev, VSER_CTRL_QUEUE_SIZE, control_in);
    virtio_add_queue(vdev, VSER_CTRL_QUEUE_SIZE, control_out);
    for (i = 1; i < vser->bus.max_nr_ports; i++) {
        vser->ivqs[i] = virtio_add_queue(vdev, VSER_DATA_QUEUE_SIZE,
                                         handle_input);
        vser->ovqs[i] = virtio_add_queue(vdev, VSER_DATA_QUEUE_SIZE,
                                         handle_output);
    }

    vser->config.max_nr_ports = tswap32(conf->max_virtserial_ports);
    vser->ports_map = qemu_mallocz(((conf->max_virtserial_ports + 31) / 32) *
                                   sizeof(vser->ports_map[0]));
    set_port_map(vser, 0, true);

    vdev->get_features = get_features;
    vdev->get_config = get_config;
    vdev->set_config = set_config;
    vdev->set_status = set_status;
    vdev->reset = vser_reset;

    vser->qdev = dev;

    /* the section keeps its old name so older streams still load */
    register_savevm(dev, "virtio-console", -1, 3, virtio_serial_save,
                    virtio_serial_load, vser);
    return vdev;
}

void virtio_serial_exit(VirtIODevice *vdev)
{
    VirtIOSerial *vser = DO_UPCAST(VirtIOSerial, vdev, vdev);

    unregister_savevm(vser->qdev, "virtio-console", vser);
    drop_ctrl_pending(vser);
    qemu_free(vser->ivqs);
    qemu_free(vser->ovqs);
    qemu_free(vser->ports_map);
    virtio_cleanup(vdev);
    qemu_free(vser);
}
