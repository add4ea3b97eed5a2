/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: -chardev option strings and the legacy filename syntax, opened and closed. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "sysemu.h"
#include "support-test.h"
#include "fuzz.h"

/*
 * Input: one mode byte, then text.  Mode bit 0 picks the syntax: a
 * -chardev option string, or a legacy -serial style filename.  The options
 * are then made harmless where they would reach outside this process:
 * paths move into a private directory, hosts become loopback, servers do
 * not wait for a client.  Everything else reaches the backends unchanged.
 */

static char *fuzz_dir;

static int rewrite_path(const char *name, const char *value, void *opaque)
{
    GPtrArray *fixes = opaque;

    if (!strcmp(name, "path")) {
        /* keep a short, flat name so files stay inside fuzz_dir */
        char *flat = g_strdelimit(g_strndup(value, 32), "/.", '_');

        g_ptr_array_add(fixes, g_strdup(name));
        g_ptr_array_add(fixes, g_strdup_printf("%s/p%s", fuzz_dir, flat));
        g_free(flat);
    }
    return 0;
}

static void make_harmless(QemuOpts *opts)
{
    GPtrArray *fixes = g_ptr_array_new_with_free_func(g_free);
    guint i;

    qemu_opt_foreach(opts, rewrite_path, fixes, 0);
    for (i = 0; i + 1 < fixes->len; i += 2) {
        qemu_opt_set(opts, g_ptr_array_index(fixes, i),
                     g_ptr_array_index(fixes, i + 1));
    }
    g_ptr_array_free(fixes, TRUE);
    if (qemu_opt_get(opts, "host")) {
        qemu_opt_set(opts, "host", "127.0.0.1");
    }
    if (qemu_opt_get(opts, "localaddr")) {
        qemu_opt_set(opts, "localaddr", "127.0.0.1");
    }
    qemu_opt_set(opts, "wait", "off");
    /* stdio would take over the test's terminal */
    if (g_strcmp0(qemu_opt_get(opts, "backend"), "stdio") == 0) {
        qemu_opt_set(opts, "backend", "null");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    QemuOpts *opts;
    CharDriverState *chr;

    if (size < 1 || size > 4096) {
        return 0;
    }
    if (!fuzz_dir) {
        fuzz_dir = support_make_tmpdir();
        support_error_quiet(true);
    }
    text = g_strndup((const char *)data + 1, size - 1);
    if (data[0] & 1) {
        opts = qemu_chr_parse_compat("fz", text);
    } else {
        opts = qemu_opts_parse(qemu_find_opts("chardev"), text, 1);
    }
    if (opts) {
        const char *id = qemu_opts_id(opts);

        make_harmless(opts);
        chr = id ? qemu_chr_open_opts(opts, NULL) : NULL;
        if (chr) {
            qemu_chr_write(chr, (const uint8_t *)"x", 1);
            main_loop_wait(1);
            qemu_chr_close(chr);
        }
        qemu_opts_del(opts);
    }
    g_free(text);
    support_error_clear();
    return 0;
}
