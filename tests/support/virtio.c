/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: virtio core on split rings in guest RAM (hw/virtio.h). */

#include <glib.h>
#include "hw/virtio.h"
#include "qemu-error.h"
#include "qemu-timer.h"

/* Legacy layout: the used ring starts on the next 4 KiB boundary. */
#define VRING_ALIGN 4096

/* Ring layout in guest memory (virtio spec, split virtqueue). */
#define VRING_DESC_SIZE       16
#define VRING_DESC_ADDR       0
#define VRING_DESC_LEN        8
#define VRING_DESC_FLAGS      12
#define VRING_DESC_NEXT       14
#define VRING_AVAIL_FLAGS     0
#define VRING_AVAIL_IDX       2
#define VRING_AVAIL_RING      4
#define VRING_USED_FLAGS      0
#define VRING_USED_IDX        2
#define VRING_USED_RING       4
#define VRING_USED_ELEM_SIZE  8

/* At most this many guest error lines per second, all devices together. */
#define VIRTIO_ERR_PER_SEC 10

struct VirtQueue {
    unsigned int num;               /* ring size, 0 = queue absent */
    target_phys_addr_t pa;          /* ring base, 0 = not set up */
    target_phys_addr_t desc, avail, used;
    uint16_t last_avail_idx;
    uint16_t signalled_used;
    bool signalled_used_valid;
    bool notification;
    /*
     * The guest broke the ring protocol: the queue is ignored until the
     * device is reset, so a bad ring costs one error line, not a loop.
     */
    bool broken;
    int inuse;
    uint16_t vector;
    void (*handle_output)(VirtIODevice *vdev, VirtQueue *vq);
    VirtIODevice *vdev;
};

/* One descriptor as read from guest memory. */
typedef struct VRingDescRead {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDescRead;

static void vq_error(VirtQueue *vq, const char *fmt, ...) GCC_FMT_ATTR(2, 3);

static void vq_error(VirtQueue *vq, const char *fmt, ...)
{
    static int64_t window_start;
    static int lines, suppressed;
    int64_t now = qemu_get_clock_ms(rt_clock);
    va_list ap;
    char *msg;

    vq->broken = true;
    if (now - window_start >= 1000) {
        if (suppressed) {
            error_report("virtio: %d more guest errors suppressed",
                         suppressed);
        }
        window_start = now;
        lines = suppressed = 0;
    }
    if (lines >= VIRTIO_ERR_PER_SEC) {
        suppressed++;
        return;
    }
    lines++;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("virtio: %s queue %d: %s (queue disabled until reset)",
                 vq->vdev->name, (int)(vq - vq->vdev->vq), msg);
    g_free(msg);
}

static void vring_read_desc(target_phys_addr_t table, unsigned int i,
                            VRingDescRead *d)
{
    target_phys_addr_t pa = table + (target_phys_addr_t)i * VRING_DESC_SIZE;

    d->addr = ldq_phys(pa + VRING_DESC_ADDR);
    d->len = ldl_phys(pa + VRING_DESC_LEN);
    d->flags = lduw_phys(pa + VRING_DESC_FLAGS);
    d->next = lduw_phys(pa + VRING_DESC_NEXT);
}

static uint16_t vring_avail_flags(VirtQueue *vq)
{
    return lduw_phys(vq->avail + VRING_AVAIL_FLAGS);
}

static uint16_t vring_avail_idx(VirtQueue *vq)
{
    return lduw_phys(vq->avail + VRING_AVAIL_IDX);
}

static uint16_t vring_avail_ring(VirtQueue *vq, unsigned int i)
{
    return lduw_phys(vq->avail + VRING_AVAIL_RING + 2 * i);
}

/* With EVENT_IDX: the slot after the avail ring holds the used event. */
static uint16_t vring_used_event(VirtQueue *vq)
{
    return vring_avail_ring(vq, vq->num);
}

static uint16_t vring_used_idx(VirtQueue *vq)
{
    return lduw_phys(vq->used + VRING_USED_IDX);
}

static void vring_set_avail_event(VirtQueue *vq, uint16_t val)
{
    if (vq->notification) {
        stw_phys(vq->used + VRING_USED_RING +
                 (target_phys_addr_t)VRING_USED_ELEM_SIZE * vq->num, val);
    }
}

static void vring_used_flags(VirtQueue *vq, uint16_t set, uint16_t clear)
{
    target_phys_addr_t pa = vq->used + VRING_USED_FLAGS;

    stw_phys(pa, (lduw_phys(pa) | set) & ~clear);
}

static bool vq_usable(VirtQueue *vq)
{
    return vq->num && vq->pa && !vq->broken;
}

static void virtqueue_init(VirtQueue *vq)
{
    vq->desc = vq->pa;
    vq->avail = vq->pa + (target_phys_addr_t)vq->num * VRING_DESC_SIZE;
    vq->used = vring_align(vq->avail + VRING_AVAIL_RING + 2 * (vq->num + 1),
                           VRING_ALIGN);
}

void virtio_queue_set_notification(VirtQueue *vq, int enable)
{
    vq->notification = enable;
    if (!vq_usable(vq)) {
        return;
    }
    if (vq->vdev->guest_features & (1 << VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vring_avail_idx(vq));
    } else if (enable) {
        vring_used_flags(vq, 0, VRING_USED_F_NO_NOTIFY);
    } else {
        vring_used_flags(vq, VRING_USED_F_NO_NOTIFY, 0);
    }
}

int virtio_queue_ready(VirtQueue *vq)
{
    return vq->pa != 0 && !vq->broken;
}

int virtio_queue_empty(VirtQueue *vq)
{
    if (!vq_usable(vq)) {
        return 1;
    }
    return vring_avail_idx(vq) == vq->last_avail_idx;
}

/* Heads the guest made available past @idx; -1 if the index is bogus. */
static int vq_num_heads(VirtQueue *vq, uint16_t idx)
{
    uint16_t n = vring_avail_idx(vq) - idx;

    if (n > vq->num) {
        vq_error(vq, "avail index jumped from %u to %u", idx,
                 vring_avail_idx(vq));
        return -1;
    }
    return n;
}

/*
 * Walk the chain that starts at avail slot @idx.  Calls @fn for every
 * buffer; returns 0, or -1 after reporting a broken chain.
 */
typedef bool VQChainFn(void *opaque, const VRingDescRead *d);

static int vq_walk_chain(VirtQueue *vq, uint16_t idx, unsigned int *head,
                         VQChainFn *fn, void *opaque)
{
    target_phys_addr_t table = vq->desc;
    unsigned int max = vq->num;
    unsigned int i, count = 0;
    VRingDescRead d;

    i = vring_avail_ring(vq, idx % vq->num);
    if (i >= vq->num) {
        vq_error(vq, "guest offers descriptor %u of %u", i, vq->num);
        return -1;
    }
    *head = i;
    vring_read_desc(table, i, &d);
    if (d.flags & VRING_DESC_F_INDIRECT) {
        if (!(vq->vdev->guest_features & (1 << VIRTIO_RING_F_INDIRECT_DESC))) {
            vq_error(vq, "indirect descriptor without the feature");
            return -1;
        }
        if (d.len == 0 || d.len % VRING_DESC_SIZE ||
            d.len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SIZE) {
            vq_error(vq, "bad indirect table size %u", d.len);
            return -1;
        }
        table = d.addr;
        max = d.len / VRING_DESC_SIZE;
        i = 0;
        vring_read_desc(table, i, &d);
    }
    for (;;) {
        if (++count > max) {
            vq_error(vq, "descriptor chain loops");
            return -1;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            vq_error(vq, "nested indirect descriptor");
            return -1;
        }
        if (fn && !fn(opaque, &d)) {
            return -1;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return 0;
        }
        i = d.next;
        if (i >= max) {
            vq_error(vq, "descriptor chains to %u of %u", i, max);
            return -1;
        }
        vring_read_desc(table, i, &d);
    }
}

typedef struct AvailCount {
    VirtQueue *vq;
    uint64_t in_total, out_total;
} AvailCount;

/* Whether a guest buffer lies entirely in guest RAM. */
static bool desc_maps(const VRingDescRead *d)
{
    target_phys_addr_t len = d->len;

    return cpu_physical_memory_map(d->addr, &len,
                                   d->flags & VRING_DESC_F_WRITE) &&
           len == d->len;
}

static bool avail_count_fn(void *opaque, const VRingDescRead *d)
{
    AvailCount *c = opaque;

    /* room that cannot be used must not be promised */
    if (!desc_maps(d)) {
        vq_error(c->vq, "buffer outside guest memory");
        return false;
    }

    if (d->flags & VRING_DESC_F_WRITE) {
        c->in_total += d->len;
    } else {
        c->out_total += d->len;
    }
    return true;
}

int virtqueue_avail_bytes(VirtQueue *vq, int in_bytes, int out_bytes)
{
    AvailCount c = { vq, 0, 0 };
    uint16_t idx;
    int heads, h;

    if (!vq_usable(vq)) {
        return 0;
    }
    idx = vq->last_avail_idx;
    heads = vq_num_heads(vq, idx);
    for (h = 0; h < heads; h++) {
        unsigned int head;

        if (vq_walk_chain(vq, idx++, &head, avail_count_fn, &c) < 0) {
            return 0;
        }
        if ((in_bytes > 0 && c.in_total >= (uint64_t)in_bytes) ||
            (out_bytes > 0 && c.out_total >= (uint64_t)out_bytes)) {
            return 1;
        }
    }
    return 0;
}

typedef struct PopState {
    VirtQueue *vq;
    VirtQueueElement *elem;
} PopState;

static bool pop_collect_fn(void *opaque, const VRingDescRead *d)
{
    PopState *p = opaque;
    VirtQueueElement *elem = p->elem;

    if (d->flags & VRING_DESC_F_WRITE) {
        if (elem->in_num >= VIRTQUEUE_MAX_SIZE) {
            vq_error(p->vq, "too many writable descriptors");
            return false;
        }
        elem->in_addr[elem->in_num] = d->addr;
        elem->in_sg[elem->in_num++].iov_len = d->len;
    } else {
        if (elem->out_num >= VIRTQUEUE_MAX_SIZE) {
            vq_error(p->vq, "too many readable descriptors");
            return false;
        }
        elem->out_addr[elem->out_num] = d->addr;
        elem->out_sg[elem->out_num++].iov_len = d->len;
    }
    return true;
}

/* Map guest buffers; false if one is not entirely in guest RAM. */
static bool vq_map_all(struct iovec *sg, target_phys_addr_t *addr,
                       unsigned int num, int is_write)
{
    unsigned int i;

    for (i = 0; i < num; i++) {
        target_phys_addr_t len = sg[i].iov_len;

        sg[i].iov_base = cpu_physical_memory_map(addr[i], &len, is_write);
        if (!sg[i].iov_base || len != sg[i].iov_len) {
            return false;
        }
    }
    return true;
}

/* Where a buffer that has become invalid points: never read or written. */
static uint8_t vq_empty_buffer;

void virtqueue_map_sg(struct iovec *sg, target_phys_addr_t *addr,
                      size_t num_sg, int is_write)
{
    size_t i;

    /*
     * Used on migration: the element was valid on the source.  A buffer
     * that no longer maps becomes empty rather than a wild pointer.
     */
    for (i = 0; i < num_sg; i++) {
        target_phys_addr_t len = sg[i].iov_len;

        sg[i].iov_base = cpu_physical_memory_map(addr[i], &len, is_write);
        if (!sg[i].iov_base || len != sg[i].iov_len) {
            error_report("virtio: buffer at 0x" TARGET_FMT_plx
                         " is outside guest memory", addr[i]);
            sg[i].iov_base = &vq_empty_buffer;
            sg[i].iov_len = 0;
        }
    }
}

int virtqueue_pop(VirtQueue *vq, VirtQueueElement *elem)
{
    PopState p = { vq, elem };
    unsigned int head;

    elem->in_num = elem->out_num = 0;
    if (!vq_usable(vq) || vq_num_heads(vq, vq->last_avail_idx) <= 0) {
        return 0;
    }
    if (vq_walk_chain(vq, vq->last_avail_idx, &head, pop_collect_fn,
                      &p) < 0) {
        elem->in_num = elem->out_num = 0;
        return 0;
    }
    if (!vq_map_all(elem->in_sg, elem->in_addr, elem->in_num, 1) ||
        !vq_map_all(elem->out_sg, elem->out_addr, elem->out_num, 0)) {
        vq_error(vq, "buffer outside guest memory");
        elem->in_num = elem->out_num = 0;
        return 0;
    }
    vq->last_avail_idx++;
    if (vq->vdev->guest_features & (1 << VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vring_avail_idx(vq));
    }
    elem->index = head;
    vq->inuse++;
    return elem->in_num + elem->out_num;
}

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx)
{
    target_phys_addr_t pa;

    if (!vq_usable(vq)) {
        return;
    }
    idx = (idx + vring_used_idx(vq)) % vq->num;
    pa = vq->used + VRING_USED_RING + (target_phys_addr_t)idx *
         VRING_USED_ELEM_SIZE;
    stl_phys(pa, elem->index);
    stl_phys(pa + 4, len);
}

void virtqueue_flush(VirtQueue *vq, unsigned int count)
{
    uint16_t old, new;

    if (!vq_usable(vq)) {
        return;
    }
    /* the used entries must be visible before the index moves */
    __sync_synchronize();
    old = vring_used_idx(vq);
    new = old + count;
    stw_phys(vq->used + VRING_USED_IDX, new);
    vq->inuse -= count;
    if ((int16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

/* virtio device */

static void virtio_notify_vector(VirtIODevice *vdev, uint16_t vector)
{
    if (vdev->binding && vdev->binding->notify) {
        vdev->binding->notify(vdev->binding_opaque, vector);
    }
}

void virtio_update_irq(VirtIODevice *vdev)
{
    virtio_notify_vector(vdev, VIRTIO_NO_VECTOR);
}

static void virtio_queue_clear(VirtQueue *vq)
{
    vq->pa = vq->desc = vq->avail = vq->used = 0;
    vq->last_avail_idx = 0;
    vq->vector = VIRTIO_NO_VECTOR;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->broken = false;
    vq->inuse = 0;
}

void virtio_reset(void *opaque)
{
    VirtIODevice *vdev = opaque;
    int i;

    virtio_set_status(vdev, 0);
    if (vdev->reset) {
        vdev->reset(vdev);
    }
    vdev->guest_features = 0;
    vdev->queue_sel = 0;
    vdev->status = 0;
    vdev->isr = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    virtio_notify_vector(vdev, vdev->config_vector);
    for (i = 0; i < VIRTIO_PCI_QUEUE_MAX; i++) {
        virtio_queue_clear(&vdev->vq[i]);
    }
}

/* Config space: out-of-range reads give all ones, writes are ignored. */
static bool config_range_ok(VirtIODevice *vdev, uint32_t addr, uint32_t size)
{
    return addr <= vdev->config_len && size <= vdev->config_len - addr;
}

static uint32_t config_read(VirtIODevice *vdev, uint32_t addr, int size)
{
    uint32_t v8, v16, v32;

    if (!config_range_ok(vdev, addr, size)) {
        return (uint32_t)-1;
    }
    vdev->get_config(vdev, vdev->config);
    switch (size) {
    case 1:
        v8 = *((uint8_t *)vdev->config + addr);
        return v8;
    case 2:
        v16 = lduw_p((uint8_t *)vdev->config + addr);
        return v16;
    default:
        v32 = ldl_p((uint8_t *)vdev->config + addr);
        return v32;
    }
}

static void config_write(VirtIODevice *vdev, uint32_t addr, uint32_t data,
                         int size)
{
    uint8_t *p = (uint8_t *)vdev->config + addr;

    if (!config_range_ok(vdev, addr, size)) {
        return;
    }
    switch (size) {
    case 1:
        *p = data;
        break;
    case 2:
        stw_p(p, data);
        break;
    default:
        stl_p(p, data);
        break;
    }
    if (vdev->set_config) {
        vdev->set_config(vdev, vdev->config);
    }
}

uint32_t virtio_config_readb(VirtIODevice *vdev, uint32_t addr)
{
    return config_read(vdev, addr, 1);
}

uint32_t virtio_config_readw(VirtIODevice *vdev, uint32_t addr)
{
    return config_read(vdev, addr, 2);
}

uint32_t virtio_config_readl(VirtIODevice *vdev, uint32_t addr)
{
    return config_read(vdev, addr, 4);
}

void virtio_config_writeb(VirtIODevice *vdev, uint32_t addr, uint32_t data)
{
    config_write(vdev, addr, data, 1);
}

void virtio_config_writew(VirtIODevice *vdev, uint32_t addr, uint32_t data)
{
    config_write(vdev, addr, data, 2);
}

void virtio_config_writel(VirtIODevice *vdev, uint32_t addr, uint32_t data)
{
    config_write(vdev, addr, data, 4);
}

void virtio_queue_set_addr(VirtIODevice *vdev, int n, target_phys_addr_t addr)
{
    VirtQueue *vq = &vdev->vq[n];

    vq->pa = addr;
    vq->broken = false;
    virtqueue_init(vq);
}

target_phys_addr_t virtio_queue_get_addr(VirtIODevice *vdev, int n)
{
    return vdev->vq[n].pa;
}

int virtio_queue_get_num(VirtIODevice *vdev, int n)
{
    return vdev->vq[n].num;
}

void virtio_queue_notify_vq(VirtQueue *vq)
{
    if (vq->num && vq->pa && vq->handle_output) {
        vq->handle_output(vq->vdev, vq);
    }
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    if (n >= 0 && n < VIRTIO_PCI_QUEUE_MAX) {
        virtio_queue_notify_vq(&vdev->vq[n]);
    }
}

uint16_t virtio_queue_vector(VirtIODevice *vdev, int n)
{
    return n < VIRTIO_PCI_QUEUE_MAX ? vdev->vq[n].vector : VIRTIO_NO_VECTOR;
}

void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector)
{
    if (n < VIRTIO_PCI_QUEUE_MAX) {
        vdev->vq[n].vector = vector;
    }
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            void (*handle_output)(VirtIODevice *, VirtQueue *))
{
    int i;

    for (i = 0; i < VIRTIO_PCI_QUEUE_MAX; i++) {
        if (vdev->vq[i].num == 0) {
            break;
        }
    }
    if (i == VIRTIO_PCI_QUEUE_MAX || queue_size > VIRTQUEUE_MAX_SIZE) {
        abort();
    }
    vdev->vq[i].num = queue_size;
    vdev->vq[i].handle_output = handle_output;
    return &vdev->vq[i];
}

void virtio_irq(VirtQueue *vq)
{
    vq->vdev->isr |= 0x01;
    virtio_notify_vector(vq->vdev, vq->vector);
}

/* EVENT_IDX: notify if @event lies in (old, new]. */
static bool vring_need_event(uint16_t event, uint16_t new, uint16_t old)
{
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

static bool vring_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    uint16_t old, new;
    bool valid;

    if ((vdev->guest_features & (1 << VIRTIO_F_NOTIFY_ON_EMPTY)) &&
        !vq->inuse && vring_avail_idx(vq) == vq->last_avail_idx) {
        return true;
    }
    if (!(vdev->guest_features & (1 << VIRTIO_RING_F_EVENT_IDX))) {
        return !(vring_avail_flags(vq) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = true;
    old = vq->signalled_used;
    new = vq->signalled_used = vring_used_idx(vq);
    return !valid || vring_need_event(vring_used_event(vq), new, old);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!vq_usable(vq) || !vring_notify(vdev, vq)) {
        return;
    }
    vdev->isr |= 0x01;
    virtio_notify_vector(vdev, vq->vector);
}

void virtio_notify_config(VirtIODevice *vdev)
{
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    vdev->isr |= 0x03;
    virtio_notify_vector(vdev, vdev->config_vector);
}

/* Same stream layout as the v0.15.0 virtio core. */
void virtio_save(VirtIODevice *vdev, QEMUFile *f)
{
    int i, n;

    if (vdev->binding->save_config) {
        vdev->binding->save_config(vdev->binding_opaque, f);
    }
    qemu_put_8s(f, &vdev->status);
    qemu_put_8s(f, &vdev->isr);
    qemu_put_be16s(f, &vdev->queue_sel);
    qemu_put_be32s(f, &vdev->guest_features);
    qemu_put_be32(f, vdev->config_len);
    qemu_put_buffer(f, vdev->config, vdev->config_len);

    for (n = 0; n < VIRTIO_PCI_QUEUE_MAX && vdev->vq[n].num; n++) {
        /* count the queues */
    }
    qemu_put_be32(f, n);
    for (i = 0; i < n; i++) {
        qemu_put_be32(f, vdev->vq[i].num);
        qemu_put_be64(f, vdev->vq[i].pa);
        qemu_put_be16s(f, &vdev->vq[i].last_avail_idx);
        if (vdev->binding->save_queue) {
            vdev->binding->save_queue(vdev->binding_opaque, i, f);
        }
    }
}

int virtio_load(VirtIODevice *vdev, QEMUFile *f)
{
    uint32_t supported = vdev->binding->get_features(vdev->binding_opaque);
    uint32_t features, config_len, num;
    int i, n, ret;

    if (vdev->binding->load_config) {
        ret = vdev->binding->load_config(vdev->binding_opaque, f);
        if (ret) {
            return ret;
        }
    }
    qemu_get_8s(f, &vdev->status);
    qemu_get_8s(f, &vdev->isr);
    qemu_get_be16s(f, &vdev->queue_sel);
    qemu_get_be32s(f, &features);
    if (features & ~supported) {
        error_report("virtio: %s: features 0x%x unsupported (allowed 0x%x)",
                     vdev->name, features, supported);
        return -1;
    }
    if (vdev->set_features) {
        vdev->set_features(vdev, features);
    }
    vdev->guest_features = features;
    config_len = qemu_get_be32(f);
    if (config_len != vdev->config_len) {
        error_report("virtio: %s: config size %u in stream, %zu here",
                     vdev->name, config_len, vdev->config_len);
        return -1;
    }
    qemu_get_buffer(f, vdev->config, vdev->config_len);

    for (n = 0; n < VIRTIO_PCI_QUEUE_MAX && vdev->vq[n].num; n++) {
        /* count our queues */
    }
    num = qemu_get_be32(f);
    if (qemu_file_has_error(f)) {
        error_report("virtio: %s: truncated state", vdev->name);
        return -1;
    }
    if (num != (uint32_t)n) {
        error_report("virtio: %s: %u queues in stream, %d here",
                     vdev->name, num, n);
        return -1;
    }
    for (i = 0; i < n; i++) {
        VirtQueue *vq = &vdev->vq[i];
        uint16_t heads;

        num = qemu_get_be32(f);
        if (qemu_file_has_error(f)) {
            error_report("virtio: %s: truncated state", vdev->name);
            return -1;
        }
        if (num != vq->num) {
            error_report("virtio: %s: queue %d has %u entries in stream, "
                         "%u here", vdev->name, i, num, vq->num);
            return -1;
        }
        virtio_queue_clear(vq);
        vq->pa = qemu_get_be64(f);
        qemu_get_be16s(f, &vq->last_avail_idx);
        if (vq->pa) {
            virtqueue_init(vq);
            heads = vring_avail_idx(vq) - vq->last_avail_idx;
            if (heads > vq->num) {
                error_report("virtio: %s: queue %d: guest index %u and "
                             "host index %u are inconsistent", vdev->name,
                             i, vring_avail_idx(vq), vq->last_avail_idx);
                return -1;
            }
        } else if (vq->last_avail_idx) {
            error_report("virtio: %s: queue %d: no ring but index %u",
                         vdev->name, i, vq->last_avail_idx);
            return -1;
        }
        if (vdev->binding->load_queue) {
            ret = vdev->binding->load_queue(vdev->binding_opaque, i, f);
            if (ret) {
                return ret;
            }
        }
    }
    if (qemu_file_has_error(f)) {
        error_report("virtio: %s: truncated state", vdev->name);
        return -1;
    }
    virtio_notify_vector(vdev, VIRTIO_NO_VECTOR);
    return 0;
}

void virtio_cleanup(VirtIODevice *vdev)
{
    qemu_del_vm_change_state_handler(vdev->vmstate);
    qemu_free(vdev->config);
    qemu_free(vdev->vq);
    /* as in v0.15.0, the device frees its own state */
}

static void virtio_vmstate_change(void *opaque, int running, int reason)
{
    VirtIODevice *vdev = opaque;
    bool backend_run = running && (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK);

    vdev->vm_running = running;
    if (vdev->binding && vdev->binding->vmstate_change) {
        vdev->binding->vmstate_change(vdev->binding_opaque, backend_run);
    }
}

VirtIODevice *virtio_common_init(const char *name, uint16_t device_id,
                                 size_t config_size, size_t struct_size)
{
    VirtIODevice *vdev = qemu_mallocz(struct_size);
    int i;

    vdev->device_id = device_id;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->vq = qemu_mallocz(sizeof(VirtQueue) * VIRTIO_PCI_QUEUE_MAX);
    vdev->vm_running = vm_running;
    for (i = 0; i < VIRTIO_PCI_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        virtio_queue_clear(&vdev->vq[i]);
    }
    vdev->name = name;
    vdev->config_len = config_size;
    vdev->config = config_size ? qemu_mallocz(config_size) : NULL;
    vdev->vmstate = qemu_add_vm_change_state_handler(virtio_vmstate_change,
                                                     vdev);
    return vdev;
}

void virtio_bind_device(VirtIODevice *vdev, const VirtIOBindings *binding,
                        void *opaque)
{
    vdev->binding = binding;
    vdev->binding_opaque = opaque;
}

uint16_t virtio_queue_get_last_avail_idx(VirtIODevice *vdev, int n)
{
    return vdev->vq[n].last_avail_idx;
}

void virtio_queue_set_last_avail_idx(VirtIODevice *vdev, int n, uint16_t idx)
{
    vdev->vq[n].last_avail_idx = idx;
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n)
{
    return vdev->vq + n;
}
