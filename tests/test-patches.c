/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks that patches/ creates exactly the fragment files of this tree and touches nothing undeclared. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/*
 * patches/MANIFEST declares every path the series touches, one per line:
 *   fragment <path>   created by the series; its final content must equal
 *                     the file of the same name in this repository
 *   modify <path>     a QEMU file changed in place (context-only hunks)
 *   rename <path>     a QEMU file moved away without content
 *   remove <path>     deleted, preimage pinned by its full index hash
 * '#' starts a comment.  A QEMU file the series replaces is a 'fragment'
 * that a patch deletes (preimage pinned by full index, never spelled out)
 * and creates anew in the same patch.
 */

typedef struct {
    char *kind;
    char *path;
    bool seen;
} ManifestEntry;

typedef struct {
    GPtrArray *lines;           /* reconstructed content, one line each */
    bool exists;
    bool no_newline_at_end;
} FileState;

static const char *srcdir;
static GPtrArray *manifest;
static GPtrArray *patch_files;
static GHashTable *files;       /* path -> FileState* */

static char *src_path(const char *rel)
{
    return g_build_filename(srcdir, rel, NULL);
}

static ManifestEntry *manifest_find(const char *path)
{
    guint i;

    for (i = 0; i < manifest->len; i++) {
        ManifestEntry *e = g_ptr_array_index(manifest, i);

        if (strcmp(e->path, path) == 0) {
            return e;
        }
    }
    return NULL;
}

static void load_manifest(void)
{
    char *name = src_path("patches/MANIFEST");
    char *text;
    char **lines;
    int i;

    manifest = g_ptr_array_new();
    if (!g_file_get_contents(name, &text, NULL, NULL)) {
        g_free(name);
        return;
    }
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        char **w;
        ManifestEntry *e;

        if (*l == '\0' || *l == '#') {
            continue;
        }
        w = g_strsplit_set(l, " \t", 2);
        g_assert(w[0] && w[1]);
        e = g_new0(ManifestEntry, 1);
        e->kind = g_strdup(w[0]);
        e->path = g_strdup(g_strstrip(w[1]));
        g_assert(!strcmp(e->kind, "fragment") || !strcmp(e->kind, "modify") ||
                 !strcmp(e->kind, "rename") || !strcmp(e->kind, "remove"));
        g_ptr_array_add(manifest, e);
        g_strfreev(w);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(name);
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_patch_list(void)
{
    char *dirname = src_path("patches");
    GDir *dir = g_dir_open(dirname, 0, NULL);
    const char *n;

    patch_files = g_ptr_array_new_with_free_func(g_free);
    if (dir) {
        while ((n = g_dir_read_name(dir))) {
            if (g_str_has_suffix(n, ".patch") &&
                !g_str_has_prefix(n, "0000-")) {
                g_ptr_array_add(patch_files, g_build_filename(dirname, n,
                                                              NULL));
            }
        }
        g_dir_close(dir);
    }
    g_ptr_array_sort(patch_files, cmp_names);
    g_free(dirname);
}

static FileState *file_state(const char *path)
{
    FileState *f = g_hash_table_lookup(files, path);

    if (!f) {
        f = g_new0(FileState, 1);
        f->lines = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(files, g_strdup(path), f);
    }
    return f;
}

/*
 * Apply one hunk's lines to @f; the preimage must match exactly.  Hunks
 * are applied in order, so the file already has the earlier hunks of the
 * same diff: the position is the hunk's start in the postimage.
 */
static void apply_hunk(FileState *f, const char *patch, int new_start,
                       GPtrArray *hunk)
{
    int pos = new_start > 0 ? new_start - 1 : 0;
    guint i;

    for (i = 0; i < hunk->len; i++) {
        const char *l = g_ptr_array_index(hunk, i);

        switch (l[0]) {
        case ' ':
        case '-':
            if (pos >= (int)f->lines->len ||
                strcmp(g_ptr_array_index(f->lines, pos), l + 1) != 0) {
                g_error("%s: hunk does not apply to the series' own "
                        "version of a fragment file at line %d", patch,
                        pos + 1);
            }
            if (l[0] == '-') {
                g_ptr_array_remove_index(f->lines, pos);
            } else {
                pos++;
            }
            break;
        case '+':
            g_ptr_array_insert(f->lines, pos++, g_strdup(l + 1));
            break;
        }
    }
}

typedef struct {
    const char *patch;
    char *path;                 /* b/ side */
    char *old_path;
    bool is_new, is_deleted, is_rename, is_binary;
    char *index;
} DiffHeader;

static void check_declared(const char *patch, const char *path,
                           const char *want_kind)
{
    ManifestEntry *e = manifest_find(path);

    if (!e) {
        g_error("%s touches %s, which patches/MANIFEST does not declare",
                patch, path);
    }
    if (want_kind && strcmp(e->kind, want_kind) != 0 &&
        strcmp(e->kind, "fragment") != 0) {
        g_error("%s: %s is declared '%s' but the patch does a %s", patch,
                path, e->kind, want_kind);
    }
    e->seen = true;
}

static void finish_diff(DiffHeader *h)
{
    ManifestEntry *e;

    if (!h->path) {
        return;
    }
    if (h->is_rename) {
        check_declared(h->patch, h->old_path, "rename");
        /* the new name is declared too (as modify/remove/fragment) */
        check_declared(h->patch, h->path, NULL);
    } else if (h->is_deleted) {
        check_declared(h->patch, h->path, NULL);
        /* a QEMU file goes away without its text in the series */
        if (!h->is_binary || !h->index || strlen(h->index) < 2 * 40 + 2) {
            g_error("%s deletes %s by spelling out its content; pin the "
                    "preimage by full index instead", h->patch, h->path);
        }
        e = manifest_find(h->path);
        if (strcmp(e->kind, "fragment") == 0) {
            /* replaced: the same patch creates the new version next */
            file_state(h->path)->exists = false;
            g_ptr_array_set_size(file_state(h->path)->lines, 0);
        }
    } else {
        check_declared(h->patch, h->path, NULL);
    }
    g_free(h->path);
    g_free(h->old_path);
    g_free(h->index);
    memset(h, 0, sizeof(*h));
}

static void parse_patch(const char *name)
{
    char *text;
    char **lines;
    int i;
    DiffHeader h = { 0 };
    GPtrArray *hunk = NULL;
    int hunk_start = 0;          /* start of the current hunk, postimage */
    FileState *target = NULL;

    g_assert(g_file_get_contents(name, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *l = lines[i];

        if (g_str_has_prefix(l, "diff --git ")) {
            char **w = g_strsplit(l + strlen("diff --git "), " ", 2);

            if (hunk && target) {
                apply_hunk(target, name, hunk_start, hunk);
            }
            g_clear_pointer(&hunk, g_ptr_array_unref);
            finish_diff(&h);
            h.patch = name;
            h.old_path = g_strdup(w[0] + 2);
            h.path = g_strdup(w[1] + 2);
            g_strfreev(w);
            target = NULL;
            continue;
        }
        if (!h.path) {
            continue;
        }
        if (hunk) {
            if (l[0] == ' ' || l[0] == '+' || l[0] == '-') {
                if (!(l[0] == '-' && g_str_has_prefix(l, "-- ") &&
                      lines[i + 1] && !strchr(" +-\\@", lines[i + 1][0]))) {
                    g_ptr_array_add(hunk, g_strdup(l));
                    continue;
                }
            } else if (l[0] == '\\') {
                if (target) {
                    target->no_newline_at_end = true;
                }
                continue;
            }
            if (target) {
                apply_hunk(target, name, hunk_start, hunk);
            }
            g_clear_pointer(&hunk, g_ptr_array_unref);
        }
        if (g_str_has_prefix(l, "new file mode")) {
            h.is_new = true;
        } else if (g_str_has_prefix(l, "deleted file mode")) {
            h.is_deleted = true;
        } else if (g_str_has_prefix(l, "rename from")) {
            h.is_rename = true;
        } else if (g_str_has_prefix(l, "index ")) {
            h.index = g_strdup(l + strlen("index "));
        } else if (g_str_has_prefix(l, "Binary files") ||
                   g_str_has_prefix(l, "GIT binary patch")) {
            h.is_binary = true;
        } else if (g_str_has_prefix(l, "@@ -")) {
            ManifestEntry *e = manifest_find(h.path);
            int new_lines = 1;

            /* "@@ -a[,b] +c[,d] @@"; "+c,0" names the line before */
            if (sscanf(l, "@@ -%*d,%*d +%d,%d", &hunk_start,
                       &new_lines) < 1 &&
                sscanf(l, "@@ -%*d +%d,%d", &hunk_start, &new_lines) < 1) {
                g_error("%s: cannot parse hunk header: %s", name, l);
            }
            if (new_lines == 0) {
                hunk_start++;
            }
            hunk = g_ptr_array_new_with_free_func(g_free);
            target = NULL;
            if (e && strcmp(e->kind, "fragment") == 0) {
                target = file_state(h.path);
                if (h.is_new) {
                    target->exists = true;
                }
                target->no_newline_at_end = false;
            }
        }
    }
    if (hunk && target) {
        apply_hunk(target, name, hunk_start, hunk);
    }
    g_clear_pointer(&hunk, g_ptr_array_unref);
    finish_diff(&h);
    g_strfreev(lines);
    g_free(text);
}

/* The content of @f as a file. */
static GString *file_text(FileState *f)
{
    GString *built = g_string_new("");
    guint j;

    for (j = 0; j < f->lines->len; j++) {
        g_string_append(built, g_ptr_array_index(f->lines, j));
        if (j + 1 < f->lines->len || !f->no_newline_at_end) {
            g_string_append_c(built, '\n');
        }
    }
    return built;
}

static void file_state_free(gpointer p)
{
    FileState *f = p;

    g_ptr_array_unref(f->lines);
    g_free(f);
}

/* Each test replays the series from nothing. */
static void reset_files(void)
{
    g_clear_pointer(&files, g_hash_table_unref);
    files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                  file_state_free);
}

static void test_series(void)
{
    guint i;
    int fragments = 0;

    if (patch_files->len == 0) {
        g_test_skip("patches/ holds no series yet");
        return;
    }
    g_assert_cmpint(manifest->len, >, 0);
    reset_files();
    for (i = 0; i < patch_files->len; i++) {
        parse_patch(g_ptr_array_index(patch_files, i));
    }
    for (i = 0; i < manifest->len; i++) {
        ManifestEntry *e = g_ptr_array_index(manifest, i);
        FileState *f;
        GString *built;
        char *repo_name, *repo_text;

        if (!e->seen) {
            g_error("patches/MANIFEST declares %s but no patch touches it",
                    e->path);
        }
        if (strcmp(e->kind, "fragment") != 0) {
            continue;
        }
        f = g_hash_table_lookup(files, e->path);
        if (!f || !f->exists) {
            g_error("the series does not create fragment file %s", e->path);
        }
        built = file_text(f);
        repo_name = src_path(e->path);
        if (!g_file_get_contents(repo_name, &repo_text, NULL, NULL)) {
            g_error("fragment file %s is not in this repository", e->path);
        }
        if (strcmp(built->str, repo_text) != 0) {
            g_error("patches/ and the tree disagree on %s: regenerate the "
                    "series", e->path);
        }
        fragments++;
        g_free(repo_text);
        g_free(repo_name);
        g_string_free(built, TRUE);
    }
    g_assert_cmpint(fragments, >, 0);
}

/*
 * Every patch must build.  After each patch, the fragment files as the
 * series leaves them are written to a scratch directory and every
 * fragment .c file there (qemu-char.c, hw/, and ui/ when spice is
 * configured) is compiled (object code discarded) with the flags of the
 * standalone build (PATCH_STEP_CC and PATCH_STEP_CFLAGS, set by make
 * check), the scratch directory first on the include path.  A file is
 * compiled again only when it or a fragment header changed.
 *
 * Fragment headers that replace a QEMU header (hw/msmouse.h,
 * ui/qemu-spice.h) exist in QEMU before the patch that replaces them:
 * tests/support/replaced stands in for them with their v0.15.0
 * interface.  The hunks against QEMU's own files (the .diff files in
 * patches/src: the spice glue, configure, qemu-sockets.c, the monitor's
 * .hx files) cannot be compiled here: the support layer provides their
 * interfaces at their final state, and only a QEMU build checks those
 * hunks step by step.
 */
typedef struct {
    const char *dir;            /* scratch directory */
    GHashTable *written;        /* path -> content written so far */
    GPtrArray *changed;         /* paths written by this step */
    bool header_changed;
} StepState;

static void step_write(gpointer key, gpointer value, gpointer opaque)
{
    const char *path = key;
    FileState *f = value;
    StepState *st = opaque;
    GString *text;
    const char *old;
    char *name, *dirname;

    if (!f->exists) {
        return;
    }
    text = file_text(f);
    old = g_hash_table_lookup(st->written, path);
    if (old && strcmp(old, text->str) == 0) {
        g_string_free(text, TRUE);
        return;
    }
    name = g_build_filename(st->dir, path, NULL);
    dirname = g_path_get_dirname(name);
    g_assert_cmpint(g_mkdir_with_parents(dirname, 0700), ==, 0);
    g_assert(g_file_set_contents(name, text->str, text->len, NULL));
    g_hash_table_insert(st->written, g_strdup(path),
                        g_string_free(text, FALSE));
    g_ptr_array_add(st->changed, g_strdup(path));
    if (g_str_has_suffix(path, ".h")) {
        st->header_changed = true;
    }
    g_free(dirname);
    g_free(name);
}

/* A fragment file gone at this step (a replaced QEMU file mid-patch). */
static gboolean step_remove_gone(gpointer key, gpointer value,
                                 gpointer opaque)
{
    StepState *st = opaque;
    FileState *f = g_hash_table_lookup(files, key);
    char *name;

    if (f && f->exists) {
        return FALSE;
    }
    name = g_build_filename(st->dir, (const char *)key, NULL);
    g_unlink(name);
    g_free(name);
    st->header_changed = true;
    return TRUE;
}

static bool step_compiles_file(const char *path, bool spice)
{
    if (!g_str_has_suffix(path, ".c")) {
        return false;
    }
    if (g_str_has_prefix(path, "ui/")) {
        return spice;
    }
    return g_str_has_prefix(path, "hw/") || !strchr(path, '/');
}

static void step_compile(const char *patch, StepState *st, const char *path,
                         char **cc, char **cflags)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    char *out = NULL, *err = NULL;
    GError *error = NULL;
    int status;
    guint i;

    for (i = 0; cc[i]; i++) {
        g_ptr_array_add(argv, g_strdup(cc[i]));
    }
    g_ptr_array_add(argv, g_strdup_printf("-I%s", st->dir));
    for (i = 0; cflags[i]; i++) {
        g_ptr_array_add(argv, g_strdup(cflags[i]));
    }
    /*
     * A full compile, not -fsyntax-only: GCC reports a static function
     * that a step defines but does not use only after parsing.
     */
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup("/dev/null"));
    g_ptr_array_add(argv, g_build_filename(st->dir, path, NULL));
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                      NULL, NULL, &out, &err, &status, &error)) {
        g_error("%s: cannot run the compiler %s: %s", patch, cc[0],
                error->message);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_error("%s: %s does not compile as this patch leaves it:\n%s%s",
                patch, path, out, err);
    }
    g_free(out);
    g_free(err);
    g_ptr_array_unref(argv);
}

static void test_each_step_compiles(void)
{
    const char *cc_env = g_getenv("PATCH_STEP_CC");
    const char *cflags_env = g_getenv("PATCH_STEP_CFLAGS");
    bool spice = g_strcmp0(g_getenv("PATCH_STEP_SPICE"), "y") == 0;
    char **cc = NULL, **cflags = NULL;
    char *dir;
    StepState st = { 0 };
    int compiled = 0;
    guint i, j;

    if (patch_files->len == 0) {
        g_test_skip("patches/ holds no series yet");
        return;
    }
    if (!cc_env || !cflags_env) {
        g_test_skip("PATCH_STEP_CC and PATCH_STEP_CFLAGS are not set "
                    "(make check sets them)");
        return;
    }
    g_assert(g_shell_parse_argv(cc_env, NULL, &cc, NULL));
    if (!*cflags_env) {
        cflags = g_new0(char *, 1);
    } else {
        g_assert(g_shell_parse_argv(cflags_env, NULL, &cflags, NULL));
    }
    dir = g_dir_make_tmp("test-patches.XXXXXX", NULL);
    g_assert(dir);
    st.dir = dir;
    st.written = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free);
    reset_files();
    for (i = 0; i < patch_files->len; i++) {
        const char *patch = g_ptr_array_index(patch_files, i);
        char *base = g_path_get_basename(patch);

        parse_patch(patch);
        st.changed = g_ptr_array_new_with_free_func(g_free);
        st.header_changed = false;
        g_hash_table_foreach_remove(st.written, step_remove_gone, &st);
        g_hash_table_foreach(files, step_write, &st);
        if (st.header_changed) {
            GList *all = g_hash_table_get_keys(st.written), *l;

            g_ptr_array_set_size(st.changed, 0);
            for (l = all; l; l = l->next) {
                g_ptr_array_add(st.changed, g_strdup(l->data));
            }
            g_list_free(all);
        }
        g_ptr_array_sort(st.changed, cmp_names);
        for (j = 0; j < st.changed->len; j++) {
            const char *path = g_ptr_array_index(st.changed, j);

            if (step_compiles_file(path, spice)) {
                step_compile(base, &st, path, cc, cflags);
                compiled++;
            }
        }
        g_ptr_array_unref(st.changed);
        g_free(base);
    }
    g_assert_cmpint(compiled, >, 0);
    g_test_message("%d compiles over %u patches", compiled, patch_files->len);

    /* the scratch tree holds only what step_write() put there */
    {
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, st.written);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            char *name = g_build_filename(dir, (const char *)key, NULL);

            g_unlink(name);
            g_free(name);
        }
        for (i = 0; i < 2; i++) {
            char *sub = g_build_filename(dir, i ? "ui" : "hw", NULL);

            g_rmdir(sub);
            g_free(sub);
        }
        g_rmdir(dir);
    }
    g_hash_table_unref(st.written);
    g_strfreev(cflags);
    g_strfreev(cc);
    g_free(dir);
}

/* Every fragment source in the tree is carried by the series. */
static void test_fragment_declared(void)
{
    static const char *const dirs[] = { ".", "hw", "ui" };
    guint i;

    if (patch_files->len == 0) {
        g_test_skip("patches/ holds no series yet");
        return;
    }
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        char *dirname = src_path(dirs[i]);
        GDir *dir = g_dir_open(dirname, 0, NULL);
        const char *n;

        while (dir && (n = g_dir_read_name(dir))) {
            char *rel;
            ManifestEntry *e;

            if (!g_str_has_suffix(n, ".c") && !g_str_has_suffix(n, ".h")) {
                continue;
            }
            if (strcmp(dirs[i], ".") == 0 && !g_str_has_prefix(n, "qemu-char")) {
                continue;       /* config-host.h and friends */
            }
            rel = strcmp(dirs[i], ".") ? g_strdup_printf("%s/%s", dirs[i], n)
                                       : g_strdup(n);
            e = manifest_find(rel);
            if (!e || strcmp(e->kind, "fragment") != 0) {
                g_error("%s is part of the fragment but the series does "
                        "not carry it (patches/MANIFEST)", rel);
            }
            g_free(rel);
        }
        if (dir) {
            g_dir_close(dir);
        }
        g_free(dirname);
    }
}

/*
 * What patches/ holds is published as is: no path of one machine, no
 * made-up address, and no sign-off that nobody gave (mkseries --signoff
 * adds the sender's own to the copy that is sent).
 */
static void scan_dir_for_forbidden(const char *rel)
{
    static const char *const forbidden[] = {
        /* split so that a scan of this file does not find them here */
        "/work/", "/home/", "/root/", "example" ".org", "example" ".com",
        "example" ".net", "Signed-off-by",
    };
    char *dirname = src_path(rel);
    GDir *dir = g_dir_open(dirname, 0, NULL);
    const char *n;

    g_assert(dir);
    while ((n = g_dir_read_name(dir))) {
        char *sub = g_build_filename(rel, n, NULL);
        char *path = src_path(sub);
        char *text;
        guint i;

        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            scan_dir_for_forbidden(sub);
        } else {
            g_assert(g_file_get_contents(path, &text, NULL, NULL));
            for (i = 0; i < G_N_ELEMENTS(forbidden); i++) {
                if (strstr(text, forbidden[i])) {
                    g_error("%s contains \"%s\"", sub, forbidden[i]);
                }
            }
            g_free(text);
        }
        g_free(path);
        g_free(sub);
    }
    g_dir_close(dir);
    g_free(dirname);
}

static void test_nothing_forbidden(void)
{
    scan_dir_for_forbidden("patches");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    srcdir = g_getenv("G_TEST_SRCDIR");
    if (!srcdir) {
        srcdir = ".";
    }
    /* G_TEST_SRCDIR points at tests/; the patches live one level up */
    if (g_str_has_suffix(srcdir, "tests") || g_str_has_suffix(srcdir,
                                                              "tests/")) {
        srcdir = g_path_get_dirname(srcdir);
    }
    load_manifest();
    load_patch_list();
    g_test_add_func("/patches/series-matches-fragment", test_series);
    g_test_add_func("/patches/each-step-compiles", test_each_step_compiles);
    g_test_add_func("/patches/fragment-declared", test_fragment_declared);
    g_test_add_func("/patches/nothing-forbidden", test_nothing_forbidden);
    return g_test_run();
}
