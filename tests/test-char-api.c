/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compile-time and run-time check that qemu-char.h offers every v0.15.0 name with its v0.15.0 type. */
#include <glib.h>
#include <stddef.h>
#include "qemu-common.h"
#include "char-test-util.h"
#include "qemu-char.h"

/*
 * Each v0.15.0 function is assigned to a pointer of the type v0.15.0
 * declares, so a changed signature fails to compile (-Werror).  Fields are
 * checked by assigning values of their v0.15.0 types.
 */

static void test_functions(void)
{
    QemuOpts *(*parse_compat)(const char *, const char *) =
        qemu_chr_parse_compat;
    CharDriverState *(*open_opts)(QemuOpts *,
                                  void (*)(struct CharDriverState *)) =
        qemu_chr_open_opts;
    CharDriverState *(*open)(const char *, const char *,
                             void (*)(struct CharDriverState *)) =
        qemu_chr_open;
    void (*set_echo)(struct CharDriverState *, bool) = qemu_chr_set_echo;
    void (*guest_open)(struct CharDriverState *) = qemu_chr_guest_open;
    void (*guest_close)(struct CharDriverState *) = qemu_chr_guest_close;
    void (*chr_close)(CharDriverState *) = qemu_chr_close;
    void (*chr_printf)(CharDriverState *, const char *, ...) =
        qemu_chr_printf;
    int (*chr_write)(CharDriverState *, const uint8_t *, int) =
        qemu_chr_write;
    void (*send_event)(CharDriverState *, int) = qemu_chr_send_event;
    void (*add_handlers)(CharDriverState *, IOCanReadHandler *,
                         IOReadHandler *, IOEventHandler *, void *) =
        qemu_chr_add_handlers;
    int (*chr_ioctl)(CharDriverState *, int, void *) = qemu_chr_ioctl;
    void (*generic_open)(CharDriverState *) = qemu_chr_generic_open;
    int (*can_read)(CharDriverState *) = qemu_chr_can_read;
    void (*chr_read)(CharDriverState *, uint8_t *, int) = qemu_chr_read;
    int (*get_msgfd)(CharDriverState *) = qemu_chr_get_msgfd;
    void (*accept_input)(CharDriverState *) = qemu_chr_accept_input;
    int (*add_client)(CharDriverState *, int) = qemu_chr_add_client;
    void (*info_print)(Monitor *, const QObject *) = qemu_chr_info_print;
    void (*info)(Monitor *, QObject **) = qemu_chr_info;
    CharDriverState *(*find)(const char *) = qemu_chr_find;
    CharDriverState *(*open_eventfd)(int) = qemu_chr_open_eventfd;
    void (*init_mem)(CharDriverState *) = qemu_chr_init_mem;
    void (*close_mem)(CharDriverState *) = qemu_chr_close_mem;
    QString *(*mem_to_qs)(CharDriverState *) = qemu_chr_mem_to_qs;
    size_t (*mem_osize)(const CharDriverState *) = qemu_chr_mem_osize;
    int (*set_fd_handler2)(int, IOCanReadHandler *, IOHandler *, IOHandler *,
                           void *) = qemu_set_fd_handler2;
    int (*set_fd_handler)(int, IOHandler *, IOHandler *, void *) =
        qemu_set_fd_handler;
    int *escape = &term_escape_char;
    const void *all[] = {
        parse_compat, open_opts, open, set_echo, guest_open, guest_close,
        chr_close, chr_printf, chr_write, send_event, add_handlers,
        chr_ioctl, generic_open, can_read, chr_read, get_msgfd,
        accept_input, add_client, info_print, info, find, open_eventfd,
        init_mem, close_mem, mem_to_qs, mem_osize, set_fd_handler2,
        set_fd_handler, escape,
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(all); i++) {
        g_assert(all[i] != NULL);
    }
    g_assert_cmpint(term_escape_char, ==, 0x01);
}

static void fake_init(struct CharDriverState *s)
{
}

static int fake_write(struct CharDriverState *s, const uint8_t *buf, int len)
{
    return len;
}

static void fake_chr(struct CharDriverState *s)
{
}

static int fake_ioctl(struct CharDriverState *s, int cmd, void *arg)
{
    return 0;
}

static int fake_fd(struct CharDriverState *s)
{
    return -1;
}

static int fake_add_client(struct CharDriverState *s, int fd)
{
    return -1;
}

static void fake_event(void *opaque, int event)
{
}

static int fake_can_read(void *opaque)
{
    return 0;
}

static void fake_read(void *opaque, const uint8_t *buf, int size)
{
}

static void fake_send_event(struct CharDriverState *s, int event)
{
}

static void fake_set_echo(struct CharDriverState *s, bool echo)
{
}

static void test_fields(void)
{
    CharDriverState s;

    memset(&s, 0, sizeof(s));
    s.init = fake_init;
    s.chr_write = fake_write;
    s.chr_update_read_handler = fake_chr;
    s.chr_ioctl = fake_ioctl;
    s.get_msgfd = fake_fd;
    s.chr_add_client = fake_add_client;
    s.chr_event = fake_event;
    s.chr_can_read = fake_can_read;
    s.chr_read = fake_read;
    s.handler_opaque = &s;
    s.chr_send_event = fake_send_event;
    s.chr_close = fake_chr;
    s.chr_accept_input = fake_chr;
    s.chr_set_echo = fake_set_echo;
    s.chr_guest_open = fake_chr;
    s.chr_guest_close = fake_chr;
    s.opaque = NULL;
    s.bh = (QEMUBH *)NULL;
    s.label = (char *)"label";
    s.filename = (char *)"file";
    s.opened = 1;
    s.avail_connections = 1;
    g_assert(s.next.tqe_next == NULL);
    g_assert(s.opened == 1 && s.avail_connections == 1);
    /* v0.15.0 callers zero the struct themselves; additions stay inert */
    g_assert(s.io == NULL && s.fe_open == 0);
}

static void test_constants(void)
{
    static const struct {
        int value, expect;
    } c[] = {
        { CHR_EVENT_BREAK, 0 }, { CHR_EVENT_FOCUS, 1 },
        { CHR_EVENT_OPENED, 2 }, { CHR_EVENT_MUX_IN, 3 },
        { CHR_EVENT_MUX_OUT, 4 }, { CHR_EVENT_CLOSED, 5 },
        { CHR_IOCTL_SERIAL_SET_PARAMS, 1 }, { CHR_IOCTL_SERIAL_SET_BREAK, 2 },
        { CHR_IOCTL_PP_READ_DATA, 3 }, { CHR_IOCTL_PP_WRITE_DATA, 4 },
        { CHR_IOCTL_PP_READ_CONTROL, 5 }, { CHR_IOCTL_PP_WRITE_CONTROL, 6 },
        { CHR_IOCTL_PP_READ_STATUS, 7 }, { CHR_IOCTL_PP_EPP_READ_ADDR, 8 },
        { CHR_IOCTL_PP_EPP_READ, 9 }, { CHR_IOCTL_PP_EPP_WRITE_ADDR, 10 },
        { CHR_IOCTL_PP_EPP_WRITE, 11 }, { CHR_IOCTL_PP_DATA_DIR, 12 },
        { CHR_IOCTL_SERIAL_SET_TIOCM, 13 }, { CHR_IOCTL_SERIAL_GET_TIOCM, 14 },
        { CHR_TIOCM_CTS, 0x020 }, { CHR_TIOCM_CAR, 0x040 },
        { CHR_TIOCM_DSR, 0x100 }, { CHR_TIOCM_RI, 0x080 },
        { CHR_TIOCM_DTR, 0x002 }, { CHR_TIOCM_RTS, 0x004 },
    };
    QEMUSerialSetParams ssp = {
        .speed = 115200, .parity = 'N', .data_bits = 8, .stop_bits = 1,
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(c); i++) {
        g_assert_cmpint(c[i].value, ==, c[i].expect);
    }
    g_assert_cmpint(ssp.speed + ssp.parity + ssp.data_bits + ssp.stop_bits,
                    ==, 115200 + 'N' + 9);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/char/api/functions", test_functions);
    g_test_add_func("/char/api/fields", test_fields);
    g_test_add_func("/char/api/constants", test_constants);
    return test_run_fd_checked();
}
