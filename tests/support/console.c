/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: mouse input dispatch and a stand-in "vc" chardev. */

#include "qemu-common.h"
#include "qemu-queue.h"
#include "qemu-char.h"
#include "console.h"
#include "support-test.h"

static QTAILQ_HEAD(, QEMUPutMouseEntry) mouse_handlers =
    QTAILQ_HEAD_INITIALIZER(mouse_handlers);

QEMUPutMouseEntry *qemu_add_mouse_event_handler(QEMUPutMouseEvent *func,
                                                void *opaque, int absolute,
                                                const char *name)
{
    static int next_index;
    QEMUPutMouseEntry *e = qemu_mallocz(sizeof(*e));

    e->qemu_put_mouse_event = func;
    e->qemu_put_mouse_event_opaque = opaque;
    e->qemu_put_mouse_event_absolute = absolute;
    e->qemu_put_mouse_event_name = qemu_strdup(name);
    e->index = next_index++;
    QTAILQ_INSERT_TAIL(&mouse_handlers, e, node);
    return e;
}

void qemu_activate_mouse_event_handler(QEMUPutMouseEntry *entry)
{
    QTAILQ_REMOVE(&mouse_handlers, entry, node);
    QTAILQ_INSERT_HEAD(&mouse_handlers, entry, node);
}

void qemu_remove_mouse_event_handler(QEMUPutMouseEntry *entry)
{
    QTAILQ_REMOVE(&mouse_handlers, entry, node);
    qemu_free(entry->qemu_put_mouse_event_name);
    qemu_free(entry);
}

/* No display to rotate or scale against: coordinates pass through. */
void kbd_mouse_event(int dx, int dy, int dz, int buttons_state)
{
    QEMUPutMouseEntry *e = QTAILQ_FIRST(&mouse_handlers);

    if (e && e->qemu_put_mouse_event) {
        e->qemu_put_mouse_event(e->qemu_put_mouse_event_opaque,
                                dx, dy, dz, buttons_state);
    }
}

int kbd_mouse_is_absolute(void)
{
    QEMUPutMouseEntry *e = QTAILQ_FIRST(&mouse_handlers);

    return e ? e->qemu_put_mouse_event_absolute : 0;
}

int kbd_mouse_has_absolute(void)
{
    QEMUPutMouseEntry *e;

    QTAILQ_FOREACH(e, &mouse_handlers, node) {
        if (e->qemu_put_mouse_event_absolute) {
            return 1;
        }
    }
    return 0;
}

/* ---- "vc" stand-in ---- */

typedef struct VcStandIn {
    size_t len;
    bool echo;
    char buf[SUPPORT_VC_OUTPUT_MAX + 1];
} VcStandIn;

static int vc_write(CharDriverState *chr, const uint8_t *buf, int len)
{
    VcStandIn *vc = chr->opaque;
    size_t n = MIN((size_t)len, SUPPORT_VC_OUTPUT_MAX - vc->len);

    /* Output beyond the cap is accepted and dropped, like a full screen. */
    memcpy(vc->buf + vc->len, buf, n);
    vc->len += n;
    vc->buf[vc->len] = '\0';
    return len;
}

static void vc_set_echo(CharDriverState *chr, bool echo)
{
    VcStandIn *vc = chr->opaque;

    vc->echo = echo;
}

static void vc_close(CharDriverState *chr)
{
    qemu_free(chr->opaque);
    chr->opaque = NULL;
}

int text_console_init(QemuOpts *opts, CharDriverState **_chr)
{
    CharDriverState *chr = qemu_mallocz(sizeof(*chr));

    chr->opaque = qemu_mallocz(sizeof(VcStandIn));
    chr->chr_write = vc_write;
    chr->chr_set_echo = vc_set_echo;
    chr->chr_close = vc_close;
    *_chr = chr;
    return 0;
}

static VcStandIn *vc_of(CharDriverState *chr)
{
    if (!chr || chr->chr_write != vc_write) {
        return NULL;
    }
    return chr->opaque;
}

const char *support_vc_output(CharDriverState *chr)
{
    VcStandIn *vc = vc_of(chr);

    return vc ? vc->buf : NULL;
}

size_t support_vc_output_len(CharDriverState *chr)
{
    VcStandIn *vc = vc_of(chr);

    return vc ? vc->len : 0;
}

void support_vc_output_clear(CharDriverState *chr)
{
    VcStandIn *vc = vc_of(chr);

    if (vc) {
        vc->len = 0;
        vc->buf[0] = '\0';
    }
}
