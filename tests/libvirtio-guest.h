/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest-side virtio-serial driver for tests: plays the Linux guest. */
#ifndef LIBVIRTIO_GUEST_H
#define LIBVIRTIO_GUEST_H

#include <glib.h>
#include "qemu-common.h"
#include "support-virtio.h"
#include "hw/virtio-serial.h"

#define VG_MAX_PORTS 32
#define VG_ANY_PORT  ((uint32_t)-1)

/* What the guest knows about one port (Linux: struct port). */
typedef struct VGuestPort {
    uint32_t id;
    bool present;           /* PORT_ADD seen (or port 0 without multiport) */
    bool is_console;        /* CONSOLE_PORT seen */
    bool host_connected;    /* last PORT_OPEN from the host */
    bool guest_open;        /* we sent PORT_OPEN(1) last */
    char *name;             /* PORT_NAME, NULL if none */
    uint16_t rows, cols;    /* last RESIZE */
    int resizes;
    /*
     * received data: kept in rx, or only hashed when rx_hash is set, or
     * with rx_discard read into a small scratch buffer and dropped (a
     * reader that read()s into its own buffer: a benchmark's sink)
     */
    GByteArray *rx;
    GChecksum *rx_hash;
    bool rx_discard;
    uint64_t rx_total;
    bool rx_paused;         /* used buffers are not given back */
    unsigned int rx_buffers;    /* receive buffers to keep posted */
    uint64_t tx_total;      /* bytes the device consumed */
    size_t tx_inflight;     /* bytes posted, not yet used */
    bool console_stalled;   /* vg_console_write() ran out of spins */
} VGuestPort;

/* A control message the host sent. */
typedef struct VGuestCtrlMsg {
    uint32_t id;
    uint16_t event;
    uint16_t value;
    size_t len;             /* whole message */
    char extra[64];         /* bytes after the header (NUL-terminated) */
} VGuestCtrlMsg;

typedef struct VGuestQueue {
    int index;
    unsigned int num;
    uint64_t desc, avail, used;
    uint16_t avail_idx;     /* next avail slot we fill */
    uint16_t last_used;     /* next used entry we read */
    uint64_t bufs;          /* slot i of size buf_size belongs to desc i */
    uint16_t *free;         /* free descriptor stack */
    unsigned int nfree;
    uint32_t *posted_len;   /* per head descriptor */
    bool *raw;              /* head posted by vg_post_raw(): no slot */
    bool active;
} VGuestQueue;

typedef struct VGuest {
    DeviceState *dev;
    uint32_t host_features;
    uint32_t features;      /* negotiated */
    uint32_t max_ports;
    int nqueues;
    size_t buf_size;        /* every buffer slot; Linux: PAGE_SIZE */
    unsigned int ctrl_rx_buffers;   /* control buffers to post at init */
    unsigned int default_rx_buffers;
    VGuestQueue q[VIRTIO_PCI_QUEUE_MAX];
    VGuestPort ports[VG_MAX_PORTS];
    GArray *ctrl_log;       /* VGuestCtrlMsg */
    uint64_t mem_base, mem_next, mem_end;
    uint64_t irqs;
    bool irq_pending;
    uint8_t rx_scratch[4096];   /* where rx_discard ports are read to */
    bool log_steps;         /* print what the guest does (demo) */
    bool skip_device_ready; /* vg_init() stops before DEVICE_READY */
    bool lenient;           /* fuzzing: skip what a stuck device prevents */
} VGuest;

/* A guest for @dev (a virtio-serial-sim device); RAM must exist. */
VGuest *vg_new(DeviceState *dev);
/* The guest memory stays, only the device changed (after migration). */
void vg_attach(VGuest *g, DeviceState *dev);
/* Does not touch the device: unplug it first (it would interrupt g). */
void vg_free(VGuest *g);

/*
 * Probe as Linux does: reset, ACKNOWLEDGE|DRIVER, features (@want masked
 * by the host's), rings, control buffers, DRIVER_OK, DEVICE_READY.
 * Returns the negotiated features.
 */
uint32_t vg_init(VGuest *g, uint32_t want);
/* Reset the device (status 0); the guest forgets all its state. */
void vg_reset(VGuest *g);

/* Process interrupts and used rings once; true if anything happened. */
bool vg_poll(VGuest *g);
/* Run the main loop, polling the guest, until cond or timeout. */
bool vg_run_until(VGuest *g, bool (*cond)(VGuest *g, void *opaque),
                  void *opaque, int timeout_ms);
/* Run the main loop for @ms, polling the guest. */
void vg_run_for(VGuest *g, int ms);

/*
 * Conditions on one port for vg_run_until(): @opaque is a VGuestPortCond,
 * whose @len only the rx ones read.
 */
typedef struct VGuestPortCond {
    uint32_t id;
    size_t len;
} VGuestPortCond;

bool vg_cond_present(VGuest *g, void *opaque);
bool vg_cond_absent(VGuest *g, void *opaque);
bool vg_cond_host_connected(VGuest *g, void *opaque);
bool vg_cond_host_disconnected(VGuest *g, void *opaque);
/* @len bytes kept in rx (not hashed) */
bool vg_cond_rx_len(VGuest *g, void *opaque);
/* @len bytes received in all, kept or hashed */
bool vg_cond_rx_total(VGuest *g, void *opaque);
/* the device consumed all the port's output */
bool vg_cond_tx_done(VGuest *g, void *opaque);
/* vg_run_until() @cond holds for port @id (with @len); false on timeout */
bool vg_wait_port(VGuest *g, uint32_t id, size_t len,
                  bool (*cond)(VGuest *g, void *opaque), int timeout_ms);

int vg_port_rx_queue(uint32_t id);
int vg_port_tx_queue(uint32_t id);
void vg_kick(VGuest *g, int queue);

VGuestPort *vg_port(VGuest *g, uint32_t id);
void vg_port_open(VGuest *g, uint32_t id);
void vg_port_close(VGuest *g, uint32_t id);
/* Queue data for the host; returns the bytes queued (limited by slots). */
size_t vg_port_write(VGuest *g, uint32_t id, const void *buf, size_t len);
void vg_port_set_rx_paused(VGuest *g, uint32_t id, bool paused);

/*
 * A console write as Linux's hvc driver does it (virtio_console.c
 * put_chars() -> __send_to_port(), called by hvc_console.c with at most
 * VG_HVC_OUTBUF bytes for printk): one buffer, a kick, then spinning with
 * the port's spinlock held and interrupts off until the device has used
 * the buffer.  The kernel spins for ever and the whole guest stops; here
 * each spin gives the host one non-blocking main-loop iteration (what a
 * TCG vcpu leaves it between slices) and after @spin_budget of them the
 * write is a stall: it returns false with p->console_stalled set.  The
 * guest does nothing else meanwhile (no vg_poll()).
 */
#define VG_HVC_OUTBUF 16
bool vg_console_write(VGuest *g, uint32_t id, const void *buf, size_t len,
                      unsigned int spin_budget);

/* Send a control message (well-formed) or arbitrary bytes on c_ovq. */
void vg_send_ctrl(VGuest *g, uint32_t id, uint16_t event, uint16_t value);
void vg_send_ctrl_raw(VGuest *g, const void *buf, size_t len);

/* Post @n more control receive buffers (and kick). */
void vg_post_ctrl_buffers(VGuest *g, unsigned int n);

/* Control messages received; VG_ANY_PORT matches every port. */
int vg_ctrl_count(VGuest *g, uint16_t event, uint32_t id);
const VGuestCtrlMsg *vg_ctrl_last(VGuest *g, uint16_t event, uint32_t id);
void vg_ctrl_clear(VGuest *g);

/*
 * Untrusted-guest helpers: post a chain of raw descriptors on a queue
 * and kick it.  Returns the head descriptor, or -1 if none are free.
 */
typedef struct VGuestDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;         /* VRING_DESC_F_WRITE / _INDIRECT; NEXT is set */
} VGuestDesc;
int vg_post_raw(VGuest *g, int queue, const VGuestDesc *d, int n);
/* Write into the avail ring directly (a bogus head or index). */
void vg_post_head(VGuest *g, int queue, uint16_t head);
void vg_set_avail_idx(VGuest *g, int queue, uint16_t idx);
/* Guest memory for a test's own buffers (never freed until reset). */
uint64_t vg_alloc(VGuest *g, size_t size, size_t align);

#endif
