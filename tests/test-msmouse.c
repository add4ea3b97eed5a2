/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the Microsoft serial mouse backend (hw/msmouse.c). */
#include "qemu-common.h"
#include "qemu-char.h"
#include "console.h"
#include "hw/msmouse.h"
#include "support-test.h"
#include "char-test-util.h"

static CharDriverState *mouse_new(TestFrontend *fe)
{
    CharDriverState *chr = test_chr_new("msmouse,id=mouse");

    g_assert(chr);
    g_assert_cmpstr(chr->filename, ==, "msmouse");
    test_fe_attach(fe, chr);
    return chr;
}

static void mouse_free(CharDriverState *chr, TestFrontend *fe)
{
    test_fe_detach(fe);
    qemu_chr_close(chr);
}

static void assert_bytes(TestFrontend *fe, size_t off, const uint8_t *want,
                         size_t len)
{
    g_assert_cmpint(fe->input->len, >=, off + len);
    if (memcmp(fe->input->data + off, want, len) != 0) {
        g_error("packet at %zu: %02x %02x %02x %02x", off,
                fe->input->data[off], fe->input->data[off + 1],
                fe->input->data[off + 2], fe->input->data[off + 3]);
    }
}

/* Packets worked out by hand from the protocol. */
static void test_packets(void)
{
    static const struct {
        int dx, dy, buttons;
        uint8_t bytes[4];
    } cases[] = {
        { 0, 0, 0, { 0x40, 0x00, 0x00, 0x00 } },
        { 1, 2, 0, { 0x40, 0x01, 0x02, 0x00 } },
        /* -1 = 0xff: top bits 11 for X (bits 1-0) and Y (bits 3-2) */
        { -1, -1, 0, { 0x4f, 0x3f, 0x3f, 0x00 } },
        { 0x45, -0x80, 0, { 0x49, 0x05, 0x00, 0x00 } },
        { 0, 0, MOUSE_EVENT_LBUTTON, { 0x60, 0x00, 0x00, 0x00 } },
        { 0, 0, MOUSE_EVENT_RBUTTON, { 0x50, 0x00, 0x00, 0x00 } },
        { 0, 0, MOUSE_EVENT_MBUTTON, { 0x40, 0x00, 0x00, 0x20 } },
        { 3, -3, MOUSE_EVENT_LBUTTON | MOUSE_EVENT_RBUTTON |
          MOUSE_EVENT_MBUTTON, { 0x7c, 0x03, 0x3d, 0x20 } },
        { 127, 127, 0, { 0x45, 0x3f, 0x3f, 0x00 } },
    };
    TestFrontend fe;
    CharDriverState *chr = mouse_new(&fe);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        kbd_mouse_event(cases[i].dx, cases[i].dy, 0, cases[i].buttons);
        g_assert_cmpint(fe.input->len, ==, 4 * (i + 1));
        assert_bytes(&fe, 4 * i, cases[i].bytes, 4);
    }
    /* only the first byte of a packet has bit 6 */
    for (i = 0; i < fe.input->len; i++) {
        g_assert_cmpint(!!(fe.input->data[i] & 0x40), ==, i % 4 == 0);
        g_assert_cmpint(fe.input->data[i] & 0x80, ==, 0);
    }
    /* writes from the guest are swallowed */
    g_assert_cmpint(qemu_chr_write(chr, (const uint8_t *)"xx", 2), ==, 2);
    mouse_free(chr, &fe);
}

/* A move beyond one packet's range is split, not truncated. */
static void test_long_move(void)
{
    static const uint8_t want[] = {
        0x41, 0x3f, 0x00, 0x00,     /* dx 127 (0x7f) */
        0x41, 0x3f, 0x00, 0x00,     /* dx 127 */
        0x40, 0x2e, 0x00, 0x00,     /* dx 46 */
    };
    TestFrontend fe;
    CharDriverState *chr = mouse_new(&fe);
    int i, sum = 0;

    kbd_mouse_event(300, 0, 0, 0);
    g_assert_cmpint(fe.input->len, ==, sizeof(want));
    assert_bytes(&fe, 0, want, sizeof(want));

    /* -300 vertically: -128, -128, -44 */
    g_byte_array_set_size(fe.input, 0);
    kbd_mouse_event(0, -300, 0, MOUSE_EVENT_LBUTTON);
    g_assert_cmpint(fe.input->len, ==, 12);
    for (i = 0; i < 3; i++) {
        const uint8_t *p = fe.input->data + 4 * i;
        int8_t dy = ((p[0] & 0x0c) << 4) | (p[2] & 0x3f);

        g_assert(p[0] & 0x20);      /* button held in every packet */
        sum += dy;
    }
    g_assert_cmpint(sum, ==, -300);
    mouse_free(chr, &fe);
}

/* A frontend that is not reading: bounded queue, whole packets only. */
static void test_flow_control(void)
{
    TestFrontend fe;
    CharDriverState *chr = mouse_new(&fe);
    int i;

    fe.can_read = 0;
    for (i = 0; i < 100; i++) {
        kbd_mouse_event(1, 0, 0, 0);
    }
    g_assert_cmpint(fe.input->len, ==, 0);
    /* in small pieces, as a UART takes it (the frontend checks sizes) */
    fe.can_read = 3;
    qemu_chr_accept_input(chr);
    /* the queue holds 64 packets; the rest was dropped whole */
    g_assert_cmpint(fe.input->len, ==, 64 * 4);
    g_assert_cmpint(fe.reads, ==, (64 * 4 + 2) / 3);
    for (i = 0; i < 64; i++) {
        static const uint8_t p[] = { 0x40, 0x01, 0x00, 0x00 };

        assert_bytes(&fe, 4 * i, p, 4);
    }
    mouse_free(chr, &fe);
}

/* A UART with a receive buffer: takes @budget bytes in all, then stops. */
typedef struct Uart {
    int budget;
    GByteArray *rx;
} Uart;

static int uart_can_read(void *opaque)
{
    return ((Uart *)opaque)->budget;
}

static void uart_read(void *opaque, const uint8_t *buf, int size)
{
    Uart *u = opaque;

    g_assert_cmpint(size, <=, u->budget);
    u->budget -= size;
    g_byte_array_append(u->rx, buf, size);
}

/* After a partial read, later packets still follow whole. */
static void test_partial_read(void)
{
    CharDriverState *chr = test_chr_new("msmouse,id=mouse");
    Uart u = { .budget = 2, .rx = g_byte_array_new() };
    static const uint8_t want[] = {
        0x40, 0x02, 0x00, 0x00, 0x40, 0x03, 0x00, 0x00,
    };

    g_assert(chr);
    qemu_chr_add_handlers(chr, uart_can_read, uart_read, NULL, &u);
    kbd_mouse_event(2, 0, 0, 0);
    kbd_mouse_event(3, 0, 0, 0);
    g_assert_cmpint(u.rx->len, ==, 2);
    u.budget = 1;
    qemu_chr_accept_input(chr);
    g_assert_cmpint(u.rx->len, ==, 3);
    u.budget = 100;
    qemu_chr_accept_input(chr);
    g_assert_cmpint(u.rx->len, ==, sizeof(want));
    g_assert(memcmp(u.rx->data, want, sizeof(want)) == 0);
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    qemu_chr_close(chr);
    g_byte_array_free(u.rx, TRUE);
}

/* Raising RTS with DTR up asks "who are you": the answer is "M3". */
static void test_identify(void)
{
    TestFrontend fe;
    CharDriverState *chr = mouse_new(&fe);
    int lines;

    lines = CHR_TIOCM_DTR;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_TIOCM, &lines),
                    ==, 0);
    g_assert_cmpint(fe.input->len, ==, 0);
    lines = CHR_TIOCM_DTR | CHR_TIOCM_RTS;
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_TIOCM, &lines),
                    ==, 0);
    g_assert_cmpint(fe.input->len, ==, 2);
    g_assert(memcmp(fe.input->data, "M3", 2) == 0);
    /* no edge, no answer */
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_SET_TIOCM, &lines),
                    ==, 0);
    g_assert_cmpint(fe.input->len, ==, 2);
    g_assert_cmpint(qemu_chr_ioctl(chr, CHR_IOCTL_SERIAL_GET_TIOCM, &lines),
                    ==, -ENOTSUP);
    mouse_free(chr, &fe);
}

/* Closing removes the input hook: later events go nowhere, safely. */
static void test_close_removes_handler(void)
{
    TestFrontend fe, fe2;
    CharDriverState *chr = mouse_new(&fe);
    CharDriverState *chr2;

    qemu_chr_close(chr);
    fe.chr = NULL;
    test_fe_detach(&fe);
    kbd_mouse_event(5, 5, 0, 0);

    /* a new mouse gets the events again */
    chr2 = mouse_new(&fe2);
    kbd_mouse_event(5, 0, 0, 0);
    g_assert_cmpint(fe2.input->len, ==, 4);
    mouse_free(chr2, &fe2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/char/msmouse/packets", test_packets);
    g_test_add_func("/char/msmouse/long-move", test_long_move);
    g_test_add_func("/char/msmouse/flow-control", test_flow_control);
    g_test_add_func("/char/msmouse/partial-read", test_partial_read);
    g_test_add_func("/char/msmouse/identify", test_identify);
    g_test_add_func("/char/msmouse/close", test_close_removes_handler);
    return test_run_fd_checked();
}
