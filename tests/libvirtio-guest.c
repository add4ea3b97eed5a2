/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest-side virtio-serial driver for tests: plays the Linux guest. */

#include <glib.h>
#include "libvirtio-guest.h"
#include "support-test.h"
#include "sysemu.h"

/* Guest RAM layout: rings and buffers are carved from this range. */
#define VG_MEM_BASE     0x10000
#define VG_PAGE         4096

#define VG_DESC_SIZE    16

static void vg_log(VGuest *g, const char *fmt, ...) GCC_FMT_ATTR(2, 3);

static void vg_log(VGuest *g, const char *fmt, ...)
{
    va_list ap;

    if (!g->log_steps) {
        return;
    }
    va_start(ap, fmt);
    printf("guest: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

static void vg_irq(void *opaque)
{
    VGuest *g = opaque;

    /* like a real interrupt: noted now, handled when the guest runs */
    g->irq_pending = true;
    g->irqs++;
}

VGuest *vg_new(DeviceState *dev)
{
    VGuest *g = g_new0(VGuest, 1);
    int i;

    g->dev = dev;
    g->buf_size = VG_PAGE;
    g->ctrl_rx_buffers = 32;
    g->default_rx_buffers = 128;
    g->ctrl_log = g_array_new(FALSE, TRUE, sizeof(VGuestCtrlMsg));
    for (i = 0; i < VG_MAX_PORTS; i++) {
        g->ports[i].id = i;
        g->ports[i].rx = g_byte_array_new();
    }
    virtio_sim_set_irq_handler(dev, vg_irq, g);
    return g;
}

static void vg_forget(VGuest *g)
{
    int i;

    for (i = 0; i < VIRTIO_PCI_QUEUE_MAX; i++) {
        g_free(g->q[i].free);
        g_free(g->q[i].posted_len);
        g_free(g->q[i].raw);
        memset(&g->q[i], 0, sizeof(g->q[i]));
    }
    for (i = 0; i < VG_MAX_PORTS; i++) {
        VGuestPort *p = &g->ports[i];

        p->present = p->is_console = p->host_connected = false;
        p->guest_open = false;
        g_free(p->name);
        p->name = NULL;
        p->tx_inflight = 0;
    }
    g->nqueues = 0;
    g->features = 0;
    g->mem_base = g->mem_next = VG_MEM_BASE;
    g->mem_end = support_guest_ram_size();
}

void vg_attach(VGuest *g, DeviceState *dev)
{
    if (g->dev) {
        virtio_sim_set_irq_handler(g->dev, NULL, NULL);
    }
    g->dev = dev;
    virtio_sim_set_irq_handler(dev, vg_irq, g);
}

void vg_free(VGuest *g)
{
    int i;

    if (!g) {
        return;
    }
    vg_forget(g);
    for (i = 0; i < VG_MAX_PORTS; i++) {
        g_byte_array_free(g->ports[i].rx, TRUE);
        if (g->ports[i].rx_hash) {
            g_checksum_free(g->ports[i].rx_hash);
        }
    }
    g_array_free(g->ctrl_log, TRUE);
    g_free(g);
}

uint64_t vg_alloc(VGuest *g, size_t size, size_t align)
{
    uint64_t pa = (g->mem_next + align - 1) & ~(uint64_t)(align - 1);

    g_assert_cmpuint(pa + size, <=, g->mem_end);
    g->mem_next = pa + size;
    return pa;
}

/* ---- register access ---- */

static uint32_t io_read(VGuest *g, uint32_t off, int size)
{
    return virtio_sim_io_read(g->dev, off, size);
}

static void io_write(VGuest *g, uint32_t off, uint32_t val, int size)
{
    virtio_sim_io_write(g->dev, off, val, size);
}

void vg_kick(VGuest *g, int queue)
{
    io_write(g, VIRTIO_SIM_QUEUE_NOTIFY, queue, 2);
}

int vg_port_rx_queue(uint32_t id)
{
    return id == 0 ? 0 : 2 + 2 * id;
}

int vg_port_tx_queue(uint32_t id)
{
    return id == 0 ? 1 : 3 + 2 * id;
}

/* ---- rings ---- */

static void desc_write(VGuestQueue *q, unsigned int i, uint64_t addr,
                       uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t pa = q->desc + (uint64_t)i * VG_DESC_SIZE;

    stq_phys(pa, addr);
    stl_phys(pa + 8, len);
    stw_phys(pa + 12, flags);
    stw_phys(pa + 14, next);
}

static void avail_push(VGuestQueue *q, uint16_t head)
{
    stw_phys(q->avail + 4 + 2 * (q->avail_idx % q->num), head);
    q->avail_idx++;
    stw_phys(q->avail + 2, q->avail_idx);
}

static int desc_get(VGuestQueue *q)
{
    if (q->nfree == 0) {
        return -1;
    }
    return q->free[--q->nfree];
}

static void desc_put_chain(VGuestQueue *q, unsigned int head)
{
    unsigned int i = head, n = 0;

    for (;;) {
        uint16_t flags = lduw_phys(q->desc + (uint64_t)i * VG_DESC_SIZE +
                                   12);

        q->free[q->nfree++] = i;
        if (!(flags & VRING_DESC_F_NEXT) || ++n >= q->num) {
            break;
        }
        i = lduw_phys(q->desc + (uint64_t)i * VG_DESC_SIZE + 14);
    }
}

static void queue_setup(VGuest *g, int index)
{
    VGuestQueue *q = &g->q[index];
    unsigned int i;
    uint64_t size;

    io_write(g, VIRTIO_SIM_QUEUE_SEL, index, 2);
    q->num = io_read(g, VIRTIO_SIM_QUEUE_NUM, 2);
    g_assert_cmpuint(q->num, >, 0);
    q->index = index;
    size = vring_align(q->num * VG_DESC_SIZE + 6 + 2 * q->num, VG_PAGE) +
           vring_align(6 + 8 * q->num, VG_PAGE);
    q->desc = vg_alloc(g, size, VG_PAGE);
    q->avail = q->desc + q->num * VG_DESC_SIZE;
    q->used = vring_align(q->avail + 6 + 2 * q->num, VG_PAGE);
    /* RAM may hold an earlier life of this ring */
    memset(support_guest_ram() + q->desc, 0, size);
    q->free = g_new(uint16_t, q->num);
    q->posted_len = g_new0(uint32_t, q->num);
    q->raw = g_new0(bool, q->num);
    for (i = 0; i < q->num; i++) {
        q->free[q->num - 1 - i] = i;
    }
    q->nfree = q->num;
    q->bufs = 0;
    q->active = true;
    io_write(g, VIRTIO_SIM_QUEUE_PFN, q->desc >> VIRTIO_SIM_QUEUE_ADDR_SHIFT,
             4);
}

static uint64_t queue_buf(VGuest *g, VGuestQueue *q, unsigned int i)
{
    if (!q->bufs) {
        q->bufs = vg_alloc(g, g->buf_size * q->num, VG_PAGE);
    }
    return q->bufs + (uint64_t)i * g->buf_size;
}

/* Post one device-writable buffer; false if the ring is full. */
static bool post_rx(VGuest *g, VGuestQueue *q)
{
    int i = desc_get(q);

    if (i < 0) {
        return false;
    }
    desc_write(q, i, queue_buf(g, q, i), g->buf_size, VRING_DESC_F_WRITE, 0);
    q->posted_len[i] = g->buf_size;
    q->raw[i] = false;
    avail_push(q, i);
    return true;
}

static int post_tx(VGuest *g, VGuestQueue *q, const void *buf, size_t len)
{
    int i = desc_get(q);

    if (i < 0) {
        return -1;
    }
    len = MIN(len, g->buf_size);
    cpu_physical_memory_write(queue_buf(g, q, i), buf, len);
    desc_write(q, i, queue_buf(g, q, i), len, 0, 0);
    q->posted_len[i] = len;
    q->raw[i] = false;
    avail_push(q, i);
    return len;
}

/* Next used entry, or false. */
static bool used_pop(VGuestQueue *q, uint32_t *id, uint32_t *len)
{
    uint64_t pa;

    if (!q->active || lduw_phys(q->used + 2) == q->last_used) {
        return false;
    }
    pa = q->used + 4 + 8 * (uint64_t)(q->last_used % q->num);
    *id = ldl_phys(pa);
    *len = ldl_phys(pa + 4);
    q->last_used++;
    g_assert_cmpuint(*id, <, q->num);
    return true;
}

/* ---- ports ---- */

VGuestPort *vg_port(VGuest *g, uint32_t id)
{
    g_assert_cmpuint(id, <, VG_MAX_PORTS);
    return &g->ports[id];
}

static bool multiport(VGuest *g)
{
    return g->features & (1 << VIRTIO_CONSOLE_F_MULTIPORT);
}

static void fill_rx(VGuest *g, VGuestPort *p)
{
    VGuestQueue *q = &g->q[vg_port_rx_queue(p->id)];
    unsigned int posted = q->num - q->nfree;
    bool any = false;

    while (!p->rx_paused && posted < p->rx_buffers && post_rx(g, q)) {
        posted++;
        any = true;
    }
    if (any) {
        vg_kick(g, q->index);
    }
}

static bool poll_tx(VGuest *g, VGuestQueue *q, VGuestPort *p);

void vg_send_ctrl_raw(VGuest *g, const void *buf, size_t len)
{
    VGuestQueue *q = &g->q[3];
    int i;

    g_assert(multiport(g));
    i = desc_get(q);
    if (i < 0) {
        /* Linux waits for the host to give buffers back; take them now */
        poll_tx(g, q, NULL);
        i = desc_get(q);
    }
    if (i < 0 && g->lenient) {
        /* a device that stopped consuming: Linux would wait forever */
        return;
    }
    g_assert_cmpint(i, >=, 0);
    g_assert_cmpuint(len, <=, g->buf_size);
    cpu_physical_memory_write(queue_buf(g, q, i), buf, len);
    desc_write(q, i, queue_buf(g, q, i), len, 0, 0);
    q->posted_len[i] = len;
    q->raw[i] = false;
    avail_push(q, i);
    vg_kick(g, q->index);
}

void vg_send_ctrl(VGuest *g, uint32_t id, uint16_t event, uint16_t value)
{
    struct virtio_console_control c;

    stl_p(&c.id, id);
    stw_p(&c.event, event);
    stw_p(&c.value, value);
    vg_send_ctrl_raw(g, &c, sizeof(c));
}

/* Linux add_port(): post receive buffers, then say PORT_READY. */
static void add_port(VGuest *g, uint32_t id)
{
    VGuestPort *p = vg_port(g, id);

    p->present = true;
    p->rx_buffers = g->default_rx_buffers;
    fill_rx(g, p);
    vg_log(g, "port %u added, %u receive buffers posted", id,
           p->rx_buffers);
    if (multiport(g)) {
        vg_send_ctrl(g, id, VIRTIO_CONSOLE_PORT_READY, 1);
    }
}

/* Linux unplug_port(): the port is gone, no message goes back. */
static void remove_port(VGuest *g, uint32_t id)
{
    VGuestPort *p = vg_port(g, id);
    VGuestQueue *q = &g->q[vg_port_rx_queue(id)];
    uint32_t head, len;

    /* take back what the device returned before it let go */
    while (used_pop(q, &head, &len)) {
        desc_put_chain(q, head);
    }
    p->present = p->is_console = p->host_connected = false;
    p->guest_open = false;
    g_free(p->name);
    p->name = NULL;
    vg_log(g, "port %u removed", id);
}

void vg_port_open(VGuest *g, uint32_t id)
{
    VGuestPort *p = vg_port(g, id);

    p->guest_open = true;
    vg_log(g, "open port %u -> PORT_OPEN(1)", id);
    vg_send_ctrl(g, id, VIRTIO_CONSOLE_PORT_OPEN, 1);
}

void vg_port_close(VGuest *g, uint32_t id)
{
    VGuestPort *p = vg_port(g, id);

    p->guest_open = false;
    vg_log(g, "close port %u -> PORT_OPEN(0)", id);
    vg_send_ctrl(g, id, VIRTIO_CONSOLE_PORT_OPEN, 0);
}

static void handle_ctrl(VGuest *g, const uint8_t *buf, size_t len)
{
    VGuestCtrlMsg m;
    VGuestPort *p;

    g_assert_cmpuint(len, >=, sizeof(struct virtio_console_control));
    memset(&m, 0, sizeof(m));
    m.id = ldl_p(buf);
    m.event = lduw_p(buf + 4);
    m.value = lduw_p(buf + 6);
    m.len = len;
    memcpy(m.extra, buf + 8, MIN(len - 8, sizeof(m.extra) - 1));
    g_array_append_val(g->ctrl_log, m);

    if (m.id >= g->max_ports || m.id >= VG_MAX_PORTS) {
        /* Linux: "Invalid index in control packet" */
        return;
    }
    p = vg_port(g, m.id);
    if (m.event != VIRTIO_CONSOLE_PORT_ADD && !p->present) {
        return;
    }
    switch (m.event) {
    case VIRTIO_CONSOLE_PORT_ADD:
        if (p->present) {
            /* already known: just confirm, as Linux does */
            vg_send_ctrl(g, m.id, VIRTIO_CONSOLE_PORT_READY, 1);
        } else {
            add_port(g, m.id);
        }
        break;
    case VIRTIO_CONSOLE_PORT_REMOVE:
        remove_port(g, m.id);
        break;
    case VIRTIO_CONSOLE_CONSOLE_PORT:
        if (!p->is_console) {
            /* hvc takes the port and opens it at once */
            p->is_console = true;
            vg_log(g, "port %u is a console", m.id);
            vg_port_open(g, m.id);
        }
        break;
    case VIRTIO_CONSOLE_RESIZE:
        if (p->is_console && len >= 12) {
            p->rows = lduw_p(buf + 8);
            p->cols = lduw_p(buf + 10);
            p->resizes++;
        }
        break;
    case VIRTIO_CONSOLE_PORT_OPEN:
        p->host_connected = m.value;
        vg_log(g, "port %u: host %s", m.id, m.value ? "connected"
                                                   : "disconnected");
        break;
    case VIRTIO_CONSOLE_PORT_NAME:
        if (!p->name && len > 8) {
            p->name = g_strndup((const char *)buf + 8, len - 8);
            vg_log(g, "port %u is named \"%s\"", m.id, p->name);
        }
        break;
    }
}

/* ---- init / reset ---- */

uint32_t vg_init(VGuest *g, uint32_t want)
{
    unsigned int i;
    int n;

    vg_reset(g);
    io_write(g, VIRTIO_SIM_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE, 1);
    io_write(g, VIRTIO_SIM_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
             VIRTIO_CONFIG_S_DRIVER, 1);
    g->host_features = io_read(g, VIRTIO_SIM_HOST_FEATURES, 4);
    g->features = g->host_features & want;
    io_write(g, VIRTIO_SIM_GUEST_FEATURES, g->features, 4);
    vg_log(g, "features offered 0x%x, accepted 0x%x", g->host_features,
           g->features);

    if (multiport(g)) {
        g->max_ports = io_read(g, VIRTIO_SIM_CONFIG + 4, 4);
        g_assert_cmpuint(g->max_ports, >=, 1);
        n = 2 + 2 * g->max_ports;
    } else {
        g->max_ports = 1;
        n = 2;
    }
    g_assert_cmpint(n, <=, VIRTIO_PCI_QUEUE_MAX);
    for (i = 0; i < (unsigned int)n; i++) {
        queue_setup(g, i);
    }
    g->nqueues = n;

    if (multiport(g)) {
        VGuestQueue *q = &g->q[2];

        for (i = 0; i < g->ctrl_rx_buffers && post_rx(g, q); i++) {
            /* control buffers */
        }
    } else {
        /* without multiport, port 0 is a console from the start */
        g->ports[0].is_console = true;
        g->ports[0].guest_open = true;
        add_port(g, 0);
    }
    io_write(g, VIRTIO_SIM_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
             VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK, 1);
    if (multiport(g) && !g->skip_device_ready) {
        vg_log(g, "driver ready, %u ports -> DEVICE_READY", g->max_ports);
        vg_send_ctrl(g, VIRTIO_CONSOLE_BAD_ID,
                     VIRTIO_CONSOLE_DEVICE_READY, 1);
    }
    return g->features;
}

void vg_reset(VGuest *g)
{
    io_write(g, VIRTIO_SIM_STATUS, 0, 1);
    vg_forget(g);
    g->irq_pending = false;
}

/* ---- used rings ---- */

/*
 * Read @len bytes of guest RAM at @pa as a reader would, into a buffer
 * that stays in cache, and drop them: what the guest then costs per byte
 * does not grow with the ports streaming or the bytes of a turn.
 */
static void rx_read_discard(VGuest *g, uint64_t pa, uint32_t len)
{
    const uint8_t *src = support_guest_ram() + pa;

    while (len) {
        uint32_t n = MIN(len, sizeof(g->rx_scratch));

        memcpy(g->rx_scratch, src, n);
        src += n;
        len -= n;
    }
}

static bool poll_port_rx(VGuest *g, VGuestPort *p)
{
    VGuestQueue *q = &g->q[vg_port_rx_queue(p->id)];
    uint32_t head, len;
    bool any = false;

    while (used_pop(q, &head, &len)) {
        uint64_t pa = q->bufs + (uint64_t)head * g->buf_size;

        if (q->raw[head]) {
            /* the test placed these buffers itself and reads them */
            p->rx_total += len;
            desc_put_chain(q, head);
            any = true;
            continue;
        }
        g_assert_cmpuint(len, <=, q->posted_len[head]);
        if (len) {
            if (p->rx_discard) {
                rx_read_discard(g, pa, len);
            } else if (p->rx_hash) {
                g_checksum_update(p->rx_hash, support_guest_ram() + pa, len);
            } else {
                g_byte_array_append(p->rx, support_guest_ram() + pa, len);
            }
            p->rx_total += len;
        }
        desc_put_chain(q, head);
        any = true;
    }
    if (p->present) {
        fill_rx(g, p);
    }
    return any;
}

static bool poll_tx(VGuest *g, VGuestQueue *q, VGuestPort *p)
{
    uint32_t head, len;
    bool any = false;

    while (used_pop(q, &head, &len)) {
        if (p) {
            p->tx_inflight -= q->posted_len[head];
            p->tx_total += q->posted_len[head];
        }
        desc_put_chain(q, head);
        any = true;
    }
    return any;
}

static bool poll_ctrl_rx(VGuest *g)
{
    VGuestQueue *q = &g->q[2];
    uint32_t head, len;
    bool any = false;

    while (used_pop(q, &head, &len)) {
        uint64_t pa = q->bufs + (uint64_t)head * g->buf_size;
        uint8_t *buf = g_malloc(len + 1);

        cpu_physical_memory_read(pa, buf, len);
        desc_put_chain(q, head);
        /* give the buffer back first, as Linux does */
        if (post_rx(g, q)) {
            vg_kick(g, 2);
        }
        handle_ctrl(g, buf, len);
        g_free(buf);
        any = true;
    }
    return any;
}

bool vg_poll(VGuest *g)
{
    bool any = false;
    uint32_t i;

    if (!g->nqueues) {
        return false;
    }
    if (g->irq_pending) {
        g->irq_pending = false;
        io_read(g, VIRTIO_SIM_ISR, 1);
        any = true;
    }
    if (multiport(g)) {
        any |= poll_ctrl_rx(g);
        any |= poll_tx(g, &g->q[3], NULL);
    }
    for (i = 0; i < g->max_ports && i < VG_MAX_PORTS; i++) {
        VGuestPort *p = &g->ports[i];

        any |= poll_port_rx(g, p);
        any |= poll_tx(g, &g->q[vg_port_tx_queue(i)], p);
    }
    return any;
}

size_t vg_port_write(VGuest *g, uint32_t id, const void *buf, size_t len)
{
    VGuestPort *p = vg_port(g, id);
    VGuestQueue *q = &g->q[vg_port_tx_queue(id)];
    const uint8_t *src = buf;
    size_t done = 0;

    while (done < len) {
        int n = post_tx(g, q, src + done, len - done);

        if (n < 0) {
            break;
        }
        done += n;
    }
    if (done) {
        p->tx_inflight += done;
        vg_kick(g, q->index);
    }
    return done;
}

bool vg_console_write(VGuest *g, uint32_t id, const void *buf, size_t len,
                      unsigned int spin_budget)
{
    VGuestPort *p = vg_port(g, id);
    VGuestQueue *q = &g->q[vg_port_tx_queue(id)];
    const uint8_t *src = buf;
    size_t done = 0;

    while (done < len) {
        unsigned int spins = 0;
        int n;

        /* __send_to_port() first takes back what the device used */
        poll_tx(g, q, p);
        n = post_tx(g, q, src + done, MIN(len - done, VG_HVC_OUTBUF));
        g_assert_cmpint(n, >, 0);
        p->tx_inflight += n;
        vg_kick(g, q->index);
        while (!poll_tx(g, q, p)) {
            if (spins++ == spin_budget) {
                p->console_stalled = true;
                return false;
            }
            main_loop_wait(1);
        }
        done += n;
    }
    return true;
}

void vg_port_set_rx_paused(VGuest *g, uint32_t id, bool paused)
{
    VGuestPort *p = vg_port(g, id);

    p->rx_paused = paused;
    if (!paused && p->present) {
        fill_rx(g, p);
    }
}

void vg_post_ctrl_buffers(VGuest *g, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n && post_rx(g, &g->q[2]); i++) {
        /* one more buffer */
    }
    vg_kick(g, 2);
}

/* ---- control log ---- */

static bool ctrl_match(const VGuestCtrlMsg *m, uint16_t event, uint32_t id)
{
    return m->event == event && (id == VG_ANY_PORT || m->id == id);
}

int vg_ctrl_count(VGuest *g, uint16_t event, uint32_t id)
{
    unsigned int i;
    int n = 0;

    for (i = 0; i < g->ctrl_log->len; i++) {
        n += ctrl_match(&g_array_index(g->ctrl_log, VGuestCtrlMsg, i),
                        event, id);
    }
    return n;
}

const VGuestCtrlMsg *vg_ctrl_last(VGuest *g, uint16_t event, uint32_t id)
{
    unsigned int i;

    for (i = g->ctrl_log->len; i > 0; i--) {
        const VGuestCtrlMsg *m = &g_array_index(g->ctrl_log, VGuestCtrlMsg,
                                                i - 1);

        if (ctrl_match(m, event, id)) {
            return m;
        }
    }
    return NULL;
}

void vg_ctrl_clear(VGuest *g)
{
    g_array_set_size(g->ctrl_log, 0);
}

/* ---- raw access for misbehaving-guest tests ---- */

int vg_post_raw(VGuest *g, int queue, const VGuestDesc *d, int n)
{
    VGuestQueue *q = &g->q[queue];
    int ids[VIRTQUEUE_MAX_SIZE];
    int i;

    g_assert_cmpint(n, >, 0);
    g_assert_cmpint(n, <=, (int)q->nfree);
    for (i = 0; i < n; i++) {
        ids[i] = desc_get(q);
    }
    for (i = 0; i < n; i++) {
        uint16_t flags = d[i].flags & ~VRING_DESC_F_NEXT;

        if (i + 1 < n) {
            flags |= VRING_DESC_F_NEXT;
        }
        desc_write(q, ids[i], d[i].addr, d[i].len, flags,
                   i + 1 < n ? ids[i + 1] : 0);
    }
    q->posted_len[ids[0]] = 0;
    q->raw[ids[0]] = true;
    avail_push(q, ids[0]);
    vg_kick(g, queue);
    return ids[0];
}

void vg_post_head(VGuest *g, int queue, uint16_t head)
{
    avail_push(&g->q[queue], head);
}

void vg_set_avail_idx(VGuest *g, int queue, uint16_t idx)
{
    VGuestQueue *q = &g->q[queue];

    q->avail_idx = idx;
    stw_phys(q->avail + 2, idx);
}

/* ---- running ---- */

typedef struct VGRunArgs {
    VGuest *g;
    bool (*cond)(VGuest *g, void *opaque);
    void *opaque;
} VGRunArgs;

static bool vg_run_cond(void *opaque)
{
    VGRunArgs *a = opaque;

    while (vg_poll(a->g)) {
        /* handle everything the device did */
    }
    return a->cond && a->cond(a->g, a->opaque);
}

bool vg_run_until(VGuest *g, bool (*cond)(VGuest *g, void *opaque),
                  void *opaque, int timeout_ms)
{
    VGRunArgs a = { g, cond, opaque };

    return support_run_until(vg_run_cond, &a, timeout_ms);
}

void vg_run_for(VGuest *g, int ms)
{
    int64_t end = g_get_monotonic_time() + (int64_t)ms * 1000;

    do {
        vg_run_until(g, NULL, NULL, 1);
    } while (g_get_monotonic_time() < end);
}

static VGuestPort *cond_port(VGuest *g, void *opaque)
{
    VGuestPortCond *c = opaque;

    return vg_port(g, c->id);
}

bool vg_cond_present(VGuest *g, void *opaque)
{
    return cond_port(g, opaque)->present;
}

bool vg_cond_absent(VGuest *g, void *opaque)
{
    return !cond_port(g, opaque)->present;
}

bool vg_cond_host_connected(VGuest *g, void *opaque)
{
    return cond_port(g, opaque)->host_connected;
}

bool vg_cond_host_disconnected(VGuest *g, void *opaque)
{
    return !cond_port(g, opaque)->host_connected;
}

bool vg_cond_rx_len(VGuest *g, void *opaque)
{
    VGuestPortCond *c = opaque;

    return cond_port(g, opaque)->rx->len >= c->len;
}

bool vg_cond_rx_total(VGuest *g, void *opaque)
{
    VGuestPortCond *c = opaque;

    return cond_port(g, opaque)->rx_total >= c->len;
}

bool vg_cond_tx_done(VGuest *g, void *opaque)
{
    return cond_port(g, opaque)->tx_inflight == 0;
}

bool vg_wait_port(VGuest *g, uint32_t id, size_t len,
                  bool (*cond)(VGuest *g, void *opaque), int timeout_ms)
{
    VGuestPortCond c = { .id = id, .len = len };

    return vg_run_until(g, cond, &c, timeout_ms);
}
