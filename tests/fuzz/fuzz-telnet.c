/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the byte stream a telnet server chardev receives from its client. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-test.h"
#include "fuzz.h"

#include <sys/socket.h>

/*
 * One telnet server chardev lives for the whole run.  Each input is sent
 * by a fresh client (a socketpair handed over with qemu_chr_add_client),
 * which then hangs up.  The frontend must get no more data bytes than
 * were sent, every IAC IAC pair counts as one, and the chardev must be
 * ready for the next client afterwards.
 */

typedef struct {
    size_t got;
    int breaks, opened, closed;
    int can_read;
} TelnetFrontend;

static int tn_can_read(void *opaque)
{
    return ((TelnetFrontend *)opaque)->can_read;
}

static void tn_read(void *opaque, const uint8_t *buf, int size)
{
    TelnetFrontend *fe = opaque;

    if (size <= 0 || size > fe->can_read) {
        abort();
    }
    fe->got += size;
}

static void tn_event(void *opaque, int event)
{
    TelnetFrontend *fe = opaque;

    fe->breaks += event == CHR_EVENT_BREAK;
    fe->opened += event == CHR_EVENT_OPENED;
    fe->closed += event == CHR_EVENT_CLOSED;
}

static CharDriverState *server;
static TelnetFrontend fe;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    size_t sent = 0, iac_pairs = 0, i;
    int spins = 0;

    if (size < 1 || size > 16384) {
        return 0;
    }
    if (!server) {
        char *dir = support_make_tmpdir();
        char *opt = g_strdup_printf("socket,id=tn,path=%s/tn.sock,server,"
                                    "nowait,telnet", dir);
        QemuOpts *opts = qemu_opts_parse(qemu_find_opts("chardev"), opt, 1);

        support_error_quiet(true);
        server = qemu_chr_open_opts(opts, NULL);
        qemu_opts_del(opts);
        g_free(opt);
        g_free(dir);
        if (!server) {
            abort();
        }
        qemu_chr_add_handlers(server, tn_can_read, tn_read, tn_event, &fe);
    }
    fe.got = 0;
    fe.closed = 0;
    /* the first byte sets how much the frontend takes per call */
    fe.can_read = data[0] % 64 + 1;
    data++;
    size--;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        abort();
    }
    if (qemu_chr_add_client(server, sv[0]) < 0) {
        abort();
    }
    while (sent < size) {
        ssize_t n = send(sv[1], data + sent, size - sent, MSG_DONTWAIT);

        if (n > 0) {
            sent += n;
        }
        main_loop_wait(1);
    }
    shutdown(sv[1], SHUT_WR);
    /* the chardev reads everything, then sees the hang-up */
    while (fe.closed == 0 && spins++ < 100000) {
        main_loop_wait(1);
    }
    if (fe.closed != 1) {
        abort();
    }
    close(sv[1]);
    for (i = 0; i + 1 < size; i++) {
        if (data[i] == 0xff && data[i + 1] == 0xff) {
            iac_pairs++;
            i++;
        }
    }
    if (fe.got > size - iac_pairs) {
        abort();
    }
    /* plain data with no IAC at all passes unchanged */
    if (!memchr(data, 0xff, size) && fe.got != size) {
        abort();
    }
    support_error_clear();
    return 0;
}
