/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Microsoft serial mouse: host mouse events as serial packets for a guest. */

#include "qemu-common.h"
#include "qemu-char.h"
#include "console.h"
#include "msmouse.h"

/*
 * Protocol (1200 7N1 on real hardware; the baud rate does not matter
 * here).  Each packet is three 7-bit bytes, bit 6 set only in the first:
 *   byte 0: 1 L R Y7 Y6 X7 X6     (L/R buttons, top bits of the deltas)
 *   byte 1: 0 X5..X0
 *   byte 2: 0 Y5..Y0
 * Deltas are signed 8-bit counts, Y growing downwards.  A fourth byte
 * (0 M 0 0 0 0 0) carries the middle button, the Logitech extension.  It
 * is sent with every packet, so no middle-button state has to be kept;
 * two-button drivers ignore bytes without bit 6 between packets.
 */
#define MSMOUSE_PACKET_LEN 4

/*
 * Packets waiting for the serial frontend.  A mouse that is not being
 * read loses motion rather than piling it up without bound.
 */
#define MSMOUSE_QUEUE_LEN (64 * MSMOUSE_PACKET_LEN)

typedef struct MouseState {
    CharDriverState *chr;
    QEMUPutMouseEntry *entry;
    ByteFifo queue;             /* whole packets, MSMOUSE_QUEUE_LEN */
    int tiocm;                  /* modem lines last set by the guest */
} MouseState;

static void msmouse_push(MouseState *m, const uint8_t *bytes, int n)
{
    if (byte_fifo_room(&m->queue) < (size_t)n) {
        /* partly sent packets stay whole: the new one is dropped */
        return;
    }
    byte_fifo_push(&m->queue, bytes, n);
}

/* Hand queued bytes to the frontend, as many as it can take now. */
static void msmouse_flush(MouseState *m)
{
    while (byte_fifo_len(&m->queue) > 0) {
        int room = qemu_chr_can_read(m->chr);
        uint8_t chunk[MSMOUSE_QUEUE_LEN];
        int n;

        if (room <= 0) {
            break;
        }
        /* a copy: the frontend may probe (and so clear the queue) */
        n = byte_fifo_pop(&m->queue, chunk, MIN(room, (int)sizeof(chunk)));
        qemu_chr_read(m->chr, chunk, n);
    }
}

static int msmouse_clamp(int v)
{
    return MAX(-128, MIN(127, v));
}

static void msmouse_event(void *opaque, int dx, int dy, int dz,
                          int buttons_state)
{
    MouseState *m = opaque;

    /* a long move becomes several packets, so no motion is lost */
    do {
        int x = msmouse_clamp(dx);
        int y = msmouse_clamp(dy);
        uint8_t p[MSMOUSE_PACKET_LEN];

        p[0] = 0x40 | ((y & 0xc0) >> 4) | ((x & 0xc0) >> 6);
        if (buttons_state & MOUSE_EVENT_LBUTTON) {
            p[0] |= 0x20;
        }
        if (buttons_state & MOUSE_EVENT_RBUTTON) {
            p[0] |= 0x10;
        }
        p[1] = x & 0x3f;
        p[2] = y & 0x3f;
        p[3] = buttons_state & MOUSE_EVENT_MBUTTON ? 0x20 : 0x00;
        msmouse_push(m, p, sizeof(p));
        dx -= x;
        dy -= y;
    } while (dx != 0 || dy != 0);
    msmouse_flush(m);
}

static int msmouse_chr_write(CharDriverState *chr, const uint8_t *buf,
                             int len)
{
    /* a mouse has nothing to do with what the guest sends */
    return len;
}

static void msmouse_chr_accept_input(CharDriverState *chr)
{
    msmouse_flush(chr->opaque);
}

/*
 * A driver probes for the mouse by raising RTS (with DTR up): the mouse
 * then answers "M" ("M3" for a three-button one) after dropping what it
 * had queued.
 */
static int msmouse_chr_ioctl(CharDriverState *chr, int cmd, void *arg)
{
    static const uint8_t ident[] = { 'M', '3' };
    MouseState *m = chr->opaque;
    int lines;

    if (cmd != CHR_IOCTL_SERIAL_SET_TIOCM) {
        return -ENOTSUP;
    }
    lines = *(int *)arg;
    if ((lines & CHR_TIOCM_RTS) && (lines & CHR_TIOCM_DTR) &&
        !((m->tiocm & CHR_TIOCM_RTS) && (m->tiocm & CHR_TIOCM_DTR))) {
        byte_fifo_clear(&m->queue);
        msmouse_push(m, ident, sizeof(ident));
        msmouse_flush(m);
    }
    m->tiocm = lines;
    return 0;
}

static void msmouse_chr_close(CharDriverState *chr)
{
    MouseState *m = chr->opaque;

    /* a handler left behind would be called with freed state */
    qemu_remove_mouse_event_handler(m->entry);
    byte_fifo_destroy(&m->queue);
    qemu_free(m);
}

static const CharDriverOps msmouse_ops = {
    .chr_write = msmouse_chr_write,
    .chr_ioctl = msmouse_chr_ioctl,
    .chr_accept_input = msmouse_chr_accept_input,
    .chr_close = msmouse_chr_close,
};

int qemu_chr_open_msmouse(QemuOpts *opts, CharDriverState **_chr)
{
    MouseState *m = qemu_mallocz(sizeof(*m));

    byte_fifo_init(&m->queue, MSMOUSE_QUEUE_LEN);
    m->chr = qemu_chr_alloc(&msmouse_ops, m);
    m->entry = qemu_add_mouse_event_handler(msmouse_event, m, 0,
                                            "QEMU Microsoft Mouse");
    *_chr = m->chr;
    return 0;
}
