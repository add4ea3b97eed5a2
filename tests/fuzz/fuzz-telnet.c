/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the byte stream a telnet server chardev receives from its client. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-test.h"
#include "char-test-util.h"
#include "fuzz.h"

#include <sys/socket.h>

/*
 * One telnet server chardev lives for the whole run.  Each input is sent
 * by a fresh client (a socketpair handed over with qemu_chr_add_client),
 * which then hangs up.  The frontend must get no more data bytes than
 * were sent, every IAC IAC pair counts as one, and the chardev must be
 * ready for the next client afterwards.
 */

static CharDriverState *server;
static TestCountFe fe;

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
        test_count_fe_attach(&fe, server);
    }
    fe.got = 0;
    fe.events[CHR_EVENT_CLOSED] = 0;
    /* the first byte sets how much the frontend takes per call */
    fe.can_read = data[0] % 64 + 1;
    data++;
    size--;

    test_socketpair(sv);
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
    while (fe.events[CHR_EVENT_CLOSED] == 0 && spins++ < 100000) {
        main_loop_wait(1);
    }
    if (fe.events[CHR_EVENT_CLOSED] != 1) {
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
