/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs a fuzz target once over its committed corpus, one GTest case per input. */
#include <glib.h>
#include <string.h>
#include "fuzz.h"

/* Set by the Makefile: the corpus directory name under tests/fuzz/corpus. */
#ifndef FUZZ_TARGET
#error FUZZ_TARGET must name the target
#endif

static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_one(gconstpointer opaque)
{
    const char *path = opaque;
    gchar *data;
    gsize len;

    g_assert(g_file_get_contents(path, &data, &len, NULL));
    /* the target's own assertions and the sanitizers are the checks */
    g_assert_cmpint(LLVMFuzzerTestOneInput((const uint8_t *)data, len), ==,
                    0);
    g_free(data);
}

int main(int argc, char **argv)
{
    const char *srcdir = g_getenv("G_TEST_SRCDIR");
    char *dirname;
    GDir *dir;
    const char *name;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    guint i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    dirname = g_build_filename(srcdir ? srcdir : "tests", "fuzz", "corpus",
                               FUZZ_TARGET, NULL);
    dir = g_dir_open(dirname, 0, NULL);
    g_assert(dir);
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    g_dir_close(dir);
    g_assert_cmpint(names->len, >, 0);
    g_ptr_array_sort(names, cmp_names);
    for (i = 0; i < names->len; i++) {
        char *name_i = g_ptr_array_index(names, i);
        char *test = g_strdup_printf("/fuzz/%s/corpus/%s", FUZZ_TARGET,
                                     name_i);

        g_test_add_data_func_full(test,
                                  g_build_filename(dirname, name_i, NULL),
                                  replay_one, g_free);
        g_free(test);
    }
    ret = g_test_run();
    /* the per-test paths stay referenced by GTest until the run is over */
    g_ptr_array_free(names, TRUE);
    g_free(dirname);
    return ret;
}
