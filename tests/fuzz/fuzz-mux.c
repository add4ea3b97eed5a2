/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the mux's escape-sequence input stream shared by several frontends. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-test.h"
#include "char-test-util.h"
#include "fuzz.h"

/*
 * Input: byte 0 = number of frontends (1..MAX_MUX) and escape character
 * choice, bytes 1..4 = how much each frontend accepts per call, then the
 * keyboard stream, fed in chunks no larger than the mux accepts.  A byte
 * 0xfe in the stream lets every frontend read again (accept_input).
 * "Ctrl-a x" would end the process, so 'x' is fed as 'X'.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    TestCountFe fe[MAX_MUX];
    CharDriverState *mux, *base;
    QemuOpts *opts;
    size_t pos, fed = 0, got = 0;
    int i, n;

    if (size < 5 || size > 65536) {
        return 0;
    }
    support_error_quiet(true);
    n = (data[0] % MAX_MUX) + 1;
    term_escape_char = (data[0] & 0x80) ? 0x1c : 0x01;
    opts = qemu_opts_parse(qemu_find_opts("chardev"), "null,id=fzmux,mux=on",
                           1);
    mux = qemu_chr_open_opts(opts, NULL);
    qemu_opts_del(opts);
    base = qemu_chr_find("fzmux-base");
    if (!mux || !base) {
        abort();
    }
    memset(fe, 0, sizeof(fe));
    for (i = 0; i < n; i++) {
        fe[i].can_read = data[1 + i] % 8 == 0 ? 0 : data[1 + i];
        test_count_fe_attach(&fe[i], mux);
    }
    main_loop_wait(1);

    pos = 5;
    while (pos < size) {
        uint8_t chunk[256];
        int room = qemu_chr_can_read(base);
        int len = 0;

        if (data[pos] == 0xfe) {
            for (i = 0; i < n; i++) {
                fe[i].can_read = 4096;
            }
            qemu_chr_accept_input(mux);
            pos++;
            continue;
        }
        if (room <= 0) {
            /* stuck until a frontend reads: let them */
            for (i = 0; i < n; i++) {
                fe[i].can_read = 4096;
            }
            qemu_chr_accept_input(mux);
            if (qemu_chr_can_read(base) <= 0) {
                break;
            }
            continue;
        }
        while (pos < size && len < room && len < (int)sizeof(chunk) &&
               data[pos] != 0xfe) {
            chunk[len++] = data[pos] == 'x' ? 'X' : data[pos];
            pos++;
        }
        fed += len;
        qemu_chr_read(base, chunk, len);
    }
    for (i = 0; i < n; i++) {
        fe[i].can_read = 65536;
    }
    qemu_chr_accept_input(mux);
    qemu_chr_accept_input(mux);
    for (i = 0; i < n; i++) {
        got += fe[i].got;
    }
    /* escapes are consumed, never invented */
    if (got > fed) {
        abort();
    }
    qemu_chr_close(mux);
    main_loop_wait(1);
    term_escape_char = 0x01;
    support_error_clear();
    return 0;
}
