/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks that patches/ creates exactly the fragment files of this tree and touches nothing undeclared. */
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void test_series(void)
{
    guint i;
    int fragments = 0;

    if (patch_files->len == 0) {
        g_test_skip("patches/ holds no series yet");
        return;
    }
    g_assert_cmpint(manifest->len, >, 0);
    for (i = 0; i < patch_files->len; i++) {
        parse_patch(g_ptr_array_index(patch_files, i));
    }
    for (i = 0; i < manifest->len; i++) {
        ManifestEntry *e = g_ptr_array_index(manifest, i);
        FileState *f;
        GString *built;
        char *repo_name, *repo_text;
        guint j;

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
        built = g_string_new("");
        for (j = 0; j < f->lines->len; j++) {
            g_string_append(built, g_ptr_array_index(f->lines, j));
            if (j + 1 < f->lines->len || !f->no_newline_at_end) {
                g_string_append_c(built, '\n');
            }
        }
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
    files = g_hash_table_new(g_str_hash, g_str_equal);
    load_manifest();
    load_patch_list();
    g_test_add_func("/patches/series-matches-fragment", test_series);
    g_test_add_func("/patches/fragment-declared", test_fragment_declared);
    g_test_add_func("/patches/nothing-forbidden", test_nothing_forbidden);
    return g_test_run();
}
