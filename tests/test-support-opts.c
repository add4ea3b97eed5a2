/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the support layer's options, QObjects, sockets and monitor. */

#include <glib.h>
#include "qemu-common.h"
#include "char-test-util.h"
#include "qemu-option.h"
#include "qemu-config.h"
#include "qemu-objects.h"
#include "qemu_socket.h"
#include "qemu-char.h"
#include "monitor.h"
#include "support-monitor.h"
#include "support-test.h"

#include <poll.h>

/* ---- helpers ---- */

static QemuOpts *parse_chardev(const char *params)
{
    return qemu_opts_parse(qemu_find_opts("chardev"), params, 1);
}

/* The last error_report() must contain want. */
static void assert_error(const char *want)
{
    const char *last = support_error_last();

    g_assert(last != NULL);
    if (strstr(last, want) == NULL) {
        g_error("expected error containing \"%s\", got \"%s\"", want, last);
    }
}

/* ---- /support/opts ---- */

static void test_opts_implied_name(void)
{
    QemuOpts *opts;

    opts = parse_chardev("socket,id=c1,host=localhost,port=4444,server");
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "c1");
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "host"), ==, "localhost");
    g_assert_cmpstr(qemu_opt_get(opts, "port"), ==, "4444");
    /* "id" is consumed by qemu_opts_parse, never stored as an option */
    g_assert(qemu_opt_get(opts, "id") == NULL);
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "c1") == opts);
    qemu_opts_del(opts);
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "c1") == NULL);

    /* without permit_abbrev a bare first word is a flag, not the backend */
    support_error_clear();
    opts = qemu_opts_parse(qemu_find_opts("chardev"), "socket,id=c2", 0);
    g_assert(opts == NULL);
    assert_error("Invalid parameter 'socket'");

    /* the implied name takes the first element's value verbatim */
    opts = parse_chardev("id=c3,backend=null");
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "null");
    qemu_opts_del(opts);
}

static void test_opts_escape(void)
{
    char buf[64];
    const char *p;
    QemuOpts *opts;

    opts = parse_chardev("file,id=e1,path=/tmp/a,,b,,,,c");
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/tmp/a,b,,c");
    qemu_opts_del(opts);

    /* escaping works for the implied first value too */
    opts = parse_chardev("x,,y,id=e2");
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "x,y");
    qemu_opts_del(opts);

    p = get_opt_value(buf, sizeof(buf), "a,,b,c=d");
    g_assert_cmpstr(buf, ==, "a,b");
    g_assert_cmpstr(p, ==, ",c=d");
    /* values are truncated to the buffer, the scan still goes on */
    p = get_opt_value(buf, 4, "abcdefg,x");
    g_assert_cmpstr(buf, ==, "abc");
    g_assert_cmpstr(p, ==, ",x");
    p = get_opt_name(buf, sizeof(buf), "name=value", '=');
    g_assert_cmpstr(buf, ==, "name");
    g_assert_cmpstr(p, ==, "=value");

    g_assert_cmpint(get_param_value(buf, sizeof(buf), "b",
                                    "a=1,b=x,,y,c=3"), ==, 3);
    g_assert_cmpstr(buf, ==, "x,y");
    g_assert_cmpint(get_param_value(buf, sizeof(buf), "z", "a=1"), ==, 0);
}

static void test_opts_params(void)
{
    static const char * const allowed[] = { "a", "b", NULL };
    const char *str = "a=1,b=2,a=3";
    char buf[32];

    g_assert_cmpint(check_params(buf, sizeof(buf), allowed, "a=1,b=2"),
                    ==, 0);
    g_assert_cmpint(check_params(buf, sizeof(buf), allowed, "a=1,c=2"),
                    ==, -1);
    g_assert_cmpstr(buf, ==, "c");
    g_assert_cmpint(check_params(buf, sizeof(buf), allowed, "a"), ==, -1);

    g_assert_cmpint(get_next_param_value(buf, sizeof(buf), "a", &str),
                    ==, 1);
    g_assert_cmpstr(buf, ==, "1");
    g_assert_cmpstr(str, ==, "b=2,a=3");
    g_assert_cmpint(get_next_param_value(buf, sizeof(buf), "a", &str),
                    ==, 1);
    g_assert_cmpstr(buf, ==, "3");
}

static void test_opts_bool(void)
{
    QemuOpts *opts;

    opts = parse_chardev("socket,id=b1,server,nowait,telnet=on,delay=off");
    g_assert(opts != NULL);
    g_assert_cmpint(qemu_opt_get_bool(opts, "server", 0), ==, 1);
    g_assert_cmpint(qemu_opt_get_bool(opts, "wait", 1), ==, 0);
    g_assert_cmpint(qemu_opt_get_bool(opts, "telnet", 0), ==, 1);
    g_assert_cmpint(qemu_opt_get_bool(opts, "delay", 1), ==, 0);
    /* absent: the default comes back */
    g_assert_cmpint(qemu_opt_get_bool(opts, "mux", 7), ==, 7);
    /* the stored text is what was written, "on"/"off" for bare flags */
    g_assert_cmpstr(qemu_opt_get(opts, "server"), ==, "on");
    g_assert_cmpstr(qemu_opt_get(opts, "wait"), ==, "off");

    /* a NULL value sets a flag */
    g_assert_cmpint(qemu_opt_set(opts, "mux", NULL), ==, 0);
    g_assert_cmpint(qemu_opt_get_bool(opts, "mux", 0), ==, 1);

    /* only on/off are words v0.15.0 understands */
    support_error_clear();
    g_assert_cmpint(qemu_opt_set(opts, "server", "yes"), ==, -1);
    assert_error("Parameter 'server' expects 'on' or 'off'");
    g_assert_cmpint(qemu_opt_set(opts, "server", "1"), ==, -1);
    /* the rejected value is not stored: the earlier one still counts */
    g_assert_cmpint(qemu_opt_get_bool(opts, "server", 0), ==, 1);
    qemu_opts_del(opts);

    support_error_clear();
    g_assert(parse_chardev("socket,id=b2,wait=no") == NULL);
    assert_error("Parameter 'wait' expects 'on' or 'off'");
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "b2") == NULL);
}

static QemuOptsList size_opts = {
    .name = "sizetest",
    .head = QTAILQ_HEAD_INITIALIZER(size_opts.head),
    .desc = {
        { .name = "sz", .type = QEMU_OPT_SIZE },
        { .name = "n", .type = QEMU_OPT_NUMBER },
        { /* end of list */ }
    },
};

static void test_opts_numbers(void)
{
    QemuOpts *opts;

    opts = parse_chardev("vc,id=n1,width=800,height=0x10,cols=010");
    g_assert(opts != NULL);
    g_assert_cmpuint(qemu_opt_get_number(opts, "width", 0), ==, 800);
    /* strtoull base 0: hex and octal prefixes, as v0.15.0 */
    g_assert_cmpuint(qemu_opt_get_number(opts, "height", 0), ==, 16);
    g_assert_cmpuint(qemu_opt_get_number(opts, "cols", 0), ==, 8);
    g_assert_cmpuint(qemu_opt_get_number(opts, "rows", 25), ==, 25);
    qemu_opts_del(opts);

    support_error_clear();
    g_assert(parse_chardev("vc,id=n2,width=80x") == NULL);
    assert_error("Parameter 'width' expects a number");

    opts = qemu_opts_create(&size_opts, NULL, 0);
    g_assert_cmpint(qemu_opt_set(opts, "sz", "1k"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 1024);
    g_assert_cmpint(qemu_opt_set(opts, "sz", "2M"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 2 << 20);
    g_assert_cmpint(qemu_opt_set(opts, "sz", "1.5G"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 3ULL << 29);
    g_assert_cmpint(qemu_opt_set(opts, "sz", "3T"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 3ULL << 40);
    g_assert_cmpint(qemu_opt_set(opts, "sz", "10b"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 10);
    support_error_clear();
    g_assert_cmpint(qemu_opt_set(opts, "sz", "5x"), ==, -1);
    g_assert(support_error_seen("Parameter 'sz' expects a size"));
    g_assert_cmpint(qemu_opt_set(opts, "n", "-"), ==, -1);
    assert_error("Parameter 'n' expects a number");
    qemu_opts_del(opts);
}

static void test_opts_unknown(void)
{
    QemuOpts *opts;

    support_error_clear();
    opts = parse_chardev("socket,id=u1,host=h,bogus=1");
    g_assert(opts == NULL);
    assert_error("Invalid parameter 'bogus'");
    /* a failed parse leaves nothing behind */
    g_assert(qemu_opts_find(qemu_find_opts("chardev"), "u1") == NULL);

    /* lists with no descriptions take anything */
    opts = qemu_opts_parse(qemu_find_opts("device"),
                           "virtserialport,id=d1,chardev=c,whatever=1", 1);
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "driver"), ==, "virtserialport");
    g_assert_cmpstr(qemu_opt_get(opts, "whatever"), ==, "1");
    qemu_opts_del(opts);

    support_error_clear();
    g_assert(qemu_find_opts("no-such-group") == NULL);
    assert_error("there is no option group \"no-such-group\"");
}

static void test_opts_duplicate_id(void)
{
    QemuOptsList *list = qemu_find_opts("chardev");
    QemuOpts *a, *b;

    a = qemu_opts_create(list, "dup", 1);
    g_assert(a != NULL);
    support_error_clear();
    g_assert(qemu_opts_create(list, "dup", 1) == NULL);
    assert_error("Duplicate ID 'dup' for chardev");
    g_assert(parse_chardev("null,id=dup") == NULL);
    assert_error("Duplicate ID 'dup' for chardev");
    /* fail_if_exists == 0 hands back the existing group */
    b = qemu_opts_create(list, "dup", 0);
    g_assert(b == a);
    g_assert_cmpint(qemu_opts_set(list, "dup", "path", "x"), ==, -1);
    qemu_opts_del(a);

    /* ids: a letter, then letters, digits, '-', '.', '_' */
    g_assert((a = qemu_opts_create(list, "a-b.c_9", 1)) != NULL);
    qemu_opts_del(a);
    support_error_clear();
    g_assert(qemu_opts_create(list, "9abc", 1) == NULL);
    assert_error("Parameter 'id' expects an identifier");
    g_assert(qemu_opts_create(list, "a b", 1) == NULL);
    g_assert(qemu_opts_create(list, "", 1) == NULL);

    /* anonymous groups never clash */
    a = qemu_opts_create(list, NULL, 1);
    b = qemu_opts_create(list, NULL, 1);
    g_assert(a != NULL && b != NULL && a != b);
    g_assert(qemu_opts_id(a) == NULL);
    qemu_opts_del(a);
    qemu_opts_del(b);
}

static int count_opt(const char *name, const char *value, void *opaque)
{
    GString *seen = opaque;

    g_string_append_printf(seen, "%s=%s;", name, value);
    return 0;
}

static int stop_at_second(const char *name, const char *value, void *opaque)
{
    int *n = opaque;

    return ++*n == 2 ? 42 : 0;
}

static void test_opts_misc(void)
{
    QemuOptsList *list = qemu_find_opts("chardev");
    GString *seen = g_string_new(NULL);
    QemuOpts *opts;
    QDict *dict;
    int n = 0;

    opts = parse_chardev("file,id=m1,path=a,path=b");
    g_assert(opts != NULL);
    /* the last occurrence wins, but every one is kept in order */
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "b");
    qemu_opt_foreach(opts, count_opt, seen, 0);
    g_assert_cmpstr(seen->str, ==, "backend=file;path=a;path=b;");
    g_assert_cmpint(qemu_opt_foreach(opts, stop_at_second, &n, 1), ==, 42);
    g_assert_cmpint(n, ==, 2);

    dict = qemu_opts_to_qdict(opts, NULL);
    g_assert_cmpstr(qdict_get_str(dict, "id"), ==, "m1");
    g_assert_cmpstr(qdict_get_str(dict, "path"), ==, "b");
    g_assert_cmpstr(qdict_get_str(dict, "backend"), ==, "file");
    qemu_opts_del(opts);

    /* and back: id becomes the group id, the rest options */
    qdict_put(dict, "server", qbool_from_int(1));
    qdict_put(dict, "to", qint_from_int(99));
    opts = qemu_opts_from_qdict(list, dict);
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "m1");
    g_assert_cmpint(qemu_opt_get_bool(opts, "server", 0), ==, 1);
    g_assert_cmpuint(qemu_opt_get_number(opts, "to", 0), ==, 99);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "b");
    QDECREF(dict);
    qemu_opts_del(opts);

    /* late validation of an accept-anything group */
    opts = qemu_opts_parse(qemu_find_opts("device"), "drv,id=v1,n=5", 1);
    g_assert(opts != NULL);
    g_assert_cmpint(qemu_opts_validate(opts, size_opts.desc), ==, -1);
    qemu_opts_del(opts);
    opts = qemu_opts_parse(qemu_find_opts("device"), "n=5,sz=2k", 0);
    g_assert(opts != NULL);
    g_assert_cmpint(qemu_opts_validate(opts, size_opts.desc), ==, 0);
    g_assert_cmpuint(qemu_opt_get_number(opts, "n", 0), ==, 5);
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 2048);
    qemu_opts_del(opts);

    g_string_free(seen, TRUE);
}

/* Every option v0.15.0 knows for -chardev, plus our additions. */
static void test_opts_chardev_list(void)
{
    static const struct {
        const char *name;
        const char *value;
    } v015[] = {
        { "backend", "socket" }, { "path", "/p" }, { "host", "h" },
        { "port", "1" }, { "localaddr", "l" }, { "localport", "2" },
        { "to", "3" }, { "ipv4", "on" }, { "ipv6", "off" },
        { "wait", "off" }, { "server", "on" }, { "delay", "off" },
        { "telnet", "on" }, { "width", "4" }, { "height", "5" },
        { "cols", "6" }, { "rows", "7" }, { "mux", "on" },
        { "signal", "off" }, { "name", "n" }, { "debug", "8" },
    };
    QemuOptsList *list = qemu_find_opts("chardev");
    QemuOpts *opts = qemu_opts_create(list, "all", 1);
    unsigned i;
    int found;

    g_assert_cmpstr(list->implied_opt_name, ==, "backend");
    for (i = 0; i < ARRAY_SIZE(v015); i++) {
        g_assert_cmpint(qemu_opt_set(opts, v015[i].name, v015[i].value),
                        ==, 0);
        g_assert_cmpstr(qemu_opt_get(opts, v015[i].name), ==,
                        v015[i].value);
    }
    g_assert_cmpint(qemu_opt_set(opts, "reconnect", "5"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_number(opts, "reconnect", 0), ==, 5);
    g_assert_cmpuint(qemu_opt_get_number(opts, "to", 0), ==, 3);
    g_assert_cmpuint(qemu_opt_get_number(opts, "debug", 0), ==, 8);
    g_assert_cmpint(qemu_opt_set(opts, "logfile", "l.log"), ==, 0);
    g_assert_cmpint(qemu_opt_set(opts, "logappend", "on"), ==, 0);
    g_assert(qemu_opt_get_bool(opts, "logappend", 0));
    g_assert_cmpint(qemu_opt_set(opts, "size", "64K"), ==, 0);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 65536);
    qemu_opts_del(opts);

    /* and nothing else: those 21, reconnect, size, logfile, logappend */
    for (found = 0; list->desc[found].name != NULL; found++) {
        continue;
    }
    g_assert_cmpint(found, ==, ARRAY_SIZE(v015) + 4);

    /* -mon */
    list = qemu_find_opts("mon");
    g_assert_cmpstr(list->implied_opt_name, ==, "chardev");
    opts = qemu_opts_parse(list, "charmon,id=mon0,mode=control,pretty", 1);
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "chardev"), ==, "charmon");
    g_assert_cmpstr(qemu_opt_get(opts, "mode"), ==, "control");
    g_assert_cmpint(qemu_opt_get_bool(opts, "pretty", 0), ==, 1);
    g_assert_cmpint(qemu_opt_get_bool(opts, "default", 0), ==, 0);
    qemu_opts_del(opts);
}

static void test_opts_config_file(void)
{
    static const char text[] =
        "# comment\n"
        "\n"
        "[chardev \"cf1\"]\n"
        "  backend = \"socket\"\n"
        "  port = \"4555\"\n"
        "  server = \"on\"\n";
    QemuOptsList *lists[] = { qemu_find_opts("chardev"), NULL };
    QemuOpts *opts;
    char *dir = support_make_tmpdir();
    char *path = g_build_filename(dir, "cfg", NULL);
    FILE *f;

    g_assert(g_file_set_contents(path, text, -1, NULL));
    f = fopen(path, "r");
    g_assert(f != NULL);
    g_assert_cmpint(qemu_config_parse(f, lists, path), ==, 0);
    fclose(f);
    opts = qemu_opts_find(lists[0], "cf1");
    g_assert(opts != NULL);
    g_assert_cmpstr(qemu_opt_get(opts, "port"), ==, "4555");
    g_assert_cmpint(qemu_opt_get_bool(opts, "server", 0), ==, 1);

    g_assert_cmpint(qemu_set_option("chardev.cf1.port=4666"), ==, 0);
    g_assert_cmpstr(qemu_opt_get(opts, "port"), ==, "4666");
    support_error_clear();
    g_assert_cmpint(qemu_set_option("chardev.nope.port=1"), ==, -1);
    assert_error("there is no chardev \"nope\" defined");
    qemu_opts_del(opts);

    g_assert(g_file_set_contents(path, "[chardev]\n  junk\n", -1, NULL));
    f = fopen(path, "r");
    support_error_clear();
    g_assert_cmpint(qemu_config_parse(f, lists, path), ==, -1);
    assert_error("parse error");
    fclose(f);
    qemu_opts_reset(lists[0]);
    g_assert(QTAILQ_EMPTY(&lists[0]->head));

    g_assert_cmpint(support_rm_tmpdir(dir), ==, 0);
    g_free(path);
    g_free(dir);
}

/* ---- /support/qobject ---- */

static void count_iter(QObject *obj, void *opaque)
{
    int *n = opaque;

    g_assert(qobject_type(obj) == QTYPE_QINT);
    g_assert_cmpint(qint_get_int(qobject_to_qint(obj)), ==, *n);
    (*n)++;
}

static void test_qobject_qlist(void)
{
    QList *list = qlist_new();
    QList *copy;
    QObject *obj;
    QInt *shared = qint_from_int(2);
    int n = 0;

    g_assert(qlist_empty(list));
    g_assert(qlist_peek(list) == NULL);
    g_assert(qlist_pop(list) == NULL);
    qlist_append(list, qint_from_int(0));
    qlist_append(list, qint_from_int(1));
    QINCREF(shared);
    qlist_append(list, shared);
    g_assert(!qlist_empty(list));
    qlist_iter(list, count_iter, &n);
    g_assert_cmpint(n, ==, 3);

    /* a copy shares the elements */
    copy = qlist_copy(list);
    g_assert_cmpuint(QOBJECT(shared)->refcnt, ==, 3);
    QDECREF(copy);
    g_assert_cmpuint(QOBJECT(shared)->refcnt, ==, 2);

    obj = qlist_peek(list);
    g_assert_cmpint(qint_get_int(qobject_to_qint(obj)), ==, 0);
    obj = qlist_pop(list);
    g_assert_cmpint(qint_get_int(qobject_to_qint(obj)), ==, 0);
    qobject_decref(obj);
    g_assert(qlist_first(list) != NULL);
    g_assert(qlist_next(qlist_first(list)) != NULL);
    g_assert(qlist_entry_obj(qlist_next(qlist_first(list))) ==
             QOBJECT(shared));

    g_assert(qobject_to_qlist(QOBJECT(list)) == list);
    g_assert(qobject_to_qdict(QOBJECT(list)) == NULL);
    QDECREF(list);
    /* the list let go of its reference, ours remains */
    g_assert_cmpuint(QOBJECT(shared)->refcnt, ==, 1);
    QDECREF(shared);
}

static void test_qobject_qdict(void)
{
    QDict *dict = qdict_new();
    QString *str = qstring_from_str("v");
    const QDictEntry *e;
    size_t walked = 0;

    g_assert_cmpuint(qdict_size(dict), ==, 0);
    g_assert(qdict_first(dict) == NULL);
    qdict_put(dict, "int", qint_from_int(-5));
    qdict_put(dict, "bool", qbool_from_int(1));
    qdict_put(dict, "float", qfloat_from_double(2.5));
    QINCREF(str);
    qdict_put(dict, "str", str);
    qdict_put(dict, "list", qlist_new());
    qdict_put(dict, "dict", qdict_new());
    g_assert_cmpuint(qdict_size(dict), ==, 6);
    g_assert_cmpuint(QOBJECT(str)->refcnt, ==, 2);

    g_assert_cmpint(qdict_get_int(dict, "int"), ==, -5);
    g_assert_cmpint(qdict_get_bool(dict, "bool"), ==, 1);
    g_assert(qdict_get_double(dict, "float") == 2.5);
    g_assert(qdict_get_double(dict, "int") == -5.0);
    g_assert_cmpstr(qdict_get_str(dict, "str"), ==, "v");
    g_assert(qlist_empty(qdict_get_qlist(dict, "list")));
    g_assert_cmpuint(qdict_size(qdict_get_qdict(dict, "dict")), ==, 0);
    g_assert(qdict_haskey(dict, "int"));
    g_assert(!qdict_haskey(dict, "nope"));
    g_assert(qdict_get(dict, "nope") == NULL);
    g_assert_cmpint(qdict_get_try_int(dict, "nope", 9), ==, 9);
    g_assert_cmpint(qdict_get_try_int(dict, "str", 9), ==, 9);
    g_assert_cmpint(qdict_get_try_bool(dict, "bool", 0), ==, 1);
    g_assert(qdict_get_try_str(dict, "int") == NULL);

    for (e = qdict_first(dict); e != NULL; e = qdict_next(dict, e)) {
        g_assert(qdict_get(dict, qdict_entry_key(e)) ==
                 qdict_entry_value(e));
        walked++;
    }
    g_assert_cmpuint(walked, ==, 6);

    /* replacing a value releases the old one */
    qdict_put(dict, "str", qint_from_int(1));
    g_assert_cmpuint(QOBJECT(str)->refcnt, ==, 1);
    g_assert_cmpuint(qdict_size(dict), ==, 6);
    qdict_del(dict, "str");
    qdict_del(dict, "nope");
    g_assert_cmpuint(qdict_size(dict), ==, 5);
    g_assert(!qdict_haskey(dict, "str"));

    QDECREF(dict);
    QDECREF(str);
}

static void test_qobject_qstring(void)
{
    QString *s = qstring_from_substr("hello", 1, 3);

    g_assert_cmpstr(qstring_get_str(s), ==, "ell");
    QDECREF(s);
    /* end is inclusive, so end == start - 1 is the empty string */
    s = qstring_from_substr("hello", 0, -1);
    g_assert_cmpstr(qstring_get_str(s), ==, "");
    qstring_append(s, "ab");
    qstring_append_chr(s, 'c');
    qstring_append_int(s, -42);
    g_assert_cmpstr(qstring_get_str(s), ==, "abc-42");
    QDECREF(s);

    s = qstring_new();
    for (int i = 0; i < 1000; i++) {
        qstring_append_chr(s, 'a' + i % 26);
    }
    g_assert_cmpuint(strlen(qstring_get_str(s)), ==, 1000);
    g_assert_cmpint(qstring_get_str(s)[999], ==, 'a' + 999 % 26);
    QDECREF(s);
}

static void assert_json(const QObject *obj, const char *want)
{
    QString *json = qobject_to_json(obj);

    g_assert_cmpstr(qstring_get_str(json), ==, want);
    QDECREF(json);
}

/* to_json -> from_json -> to_json must be a fixed point. */
static void assert_round_trip(const QObject *obj)
{
    QString *first = qobject_to_json(obj);
    QObject *back = qobject_from_json(qstring_get_str(first));
    QString *second;

    g_assert(back != NULL);
    second = qobject_to_json(back);
    g_assert_cmpstr(qstring_get_str(first), ==, qstring_get_str(second));
    QDECREF(first);
    QDECREF(second);
    qobject_decref(back);
}

static void test_qobject_jsonf(void)
{
    QObject *obj, *inner;
    QDict *dict;
    QList *list;
    int64_t big = INT64_C(-1234567890123);

    obj = qobject_from_jsonf("{ 'label': %s, 'filename': %s }",
                             "serial0", "pty:/dev/pts/3");
    dict = qobject_to_qdict(obj);
    g_assert(dict != NULL);
    g_assert_cmpuint(qdict_size(dict), ==, 2);
    g_assert_cmpstr(qdict_get_str(dict, "label"), ==, "serial0");
    g_assert_cmpstr(qdict_get_str(dict, "filename"), ==, "pty:/dev/pts/3");
    assert_round_trip(obj);
    qobject_decref(obj);

    inner = QOBJECT(qstring_from_str("spliced"));
    obj = qobject_from_jsonf("{ \"d\": %d, 'i': %i, 'n': %" PRId64 ", "
                             "'p': %p, 'f': %f, 'l': [1, 'two', true, "
                             "false, -3.5e2, {}], 'e': [] }",
                             -7, 1, big, inner, 0.25);
    dict = qobject_to_qdict(obj);
    g_assert(dict != NULL);
    g_assert_cmpint(qdict_get_int(dict, "d"), ==, -7);
    /* %i is a boolean in v0.15.0's dialect */
    g_assert_cmpint(qdict_get_bool(dict, "i"), ==, 1);
    g_assert_cmpint(qdict_get_int(dict, "n"), ==, big);
    /* %p takes over the caller's reference */
    g_assert(qdict_get(dict, "p") == inner);
    g_assert_cmpuint(inner->refcnt, ==, 1);
    g_assert(qdict_get_double(dict, "f") == 0.25);
    list = qdict_get_qlist(dict, "l");
    g_assert_cmpint(qint_get_int(qobject_to_qint(qlist_peek(list))), ==, 1);
    g_assert(qlist_empty(qdict_get_qlist(dict, "e")));
    assert_round_trip(obj);
    qobject_decref(obj);

    /* %I64d is parsed too, but gcc's format check rejects it on Linux */
    obj = qobject_from_jsonf("[%ld, %lld]", 5L, 6LL);
    assert_json(obj, "[5, 6]");
    qobject_decref(obj);
}

static void test_qobject_to_json(void)
{
    QObject *obj;
    QString *json;
    QDict *dict;

    obj = qobject_from_json("\"q\\\"b\\\\s\\/n\\nt\\t\\u00e9\\u20ac\"");
    g_assert(obj != NULL);
    g_assert_cmpstr(qstring_get_str(qobject_to_qstring(obj)), ==,
                    "q\"b\\s/n\nt\t\xc3\xa9\xe2\x82\xac");
    /* non-ASCII leaves as upper-case \u escapes */
    assert_json(obj, "\"q\\\"b\\\\s/n\\nt\\t\\u00E9\\u20AC\"");
    qobject_decref(obj);

    obj = QOBJECT(qstring_from_str("\x01\b\f\r"));
    assert_json(obj, "\"\\u0001\\b\\f\\r\"");
    qobject_decref(obj);

    obj = QOBJECT(qfloat_from_double(100.0));
    assert_json(obj, "100");
    qobject_decref(obj);
    obj = QOBJECT(qfloat_from_double(-0.125));
    assert_json(obj, "-0.125");
    qobject_decref(obj);

    obj = qobject_from_json(" [ 1 , [ ] , { \"k\" : false } ] ");
    g_assert(obj != NULL);
    assert_json(obj, "[1, [], {\"k\": false}]");
    json = qobject_to_json_pretty(obj);
    g_assert_cmpstr(qstring_get_str(json), ==,
                    "[\n    1, "
                    "\n    [\n    ], "
                    "\n    {\n        \"k\": false\n    }\n]");
    QDECREF(json);
    qobject_decref(obj);

    /* dict order is the bucket order of v0.15.0's hash, not insertion */
    dict = qdict_new();
    qdict_put(dict, "label", qstring_from_str("a"));
    qdict_put(dict, "filename", qstring_from_str("b"));
    obj = qobject_from_json("{\"filename\": \"b\", \"label\": \"a\"}");
    json = qobject_to_json(QOBJECT(dict));
    assert_json(obj, qstring_get_str(json));
    QDECREF(json);
    qobject_decref(obj);
    QDECREF(dict);
}

static void test_qobject_json_errors(void)
{
    static const char *const bad[] = {
        "", "{", "[1,", "{'a': }", "{'a' 1}", "{1: 2}", "[1 2]", "nul",
        "null", "tru", "01", "1.", "-", "'unterminated", "\"\\x\"",
        "\"\\u12\"", "[1] x", "%d", "{'a': 1,}",
    };
    GString *deep = g_string_new(NULL);
    QObject *obj;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        obj = qobject_from_json(bad[i]);
        if (obj != NULL) {
            g_error("accepted bad JSON \"%s\"", bad[i]);
        }
    }

    /* nesting is bounded, so hostile input cannot exhaust the stack */
    for (i = 0; i < 100000; i++) {
        g_string_append_c(deep, '[');
    }
    g_assert(qobject_from_json(deep->str) == NULL);
    g_string_free(deep, TRUE);

    obj = qobject_from_json("[[[[[[[[[[1]]]]]]]]]]");
    g_assert(obj != NULL);
    qobject_decref(obj);
}

/* ---- /support/sockets ---- */

static int listen_tcp(int port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert(fd >= 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    g_assert(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Occupy two consecutive loopback ports; returns the first. */
static int block_two_ports(int fds[2])
{
    int tries, port;

    for (tries = 0; tries < 100; tries++) {
        fds[0] = listen_tcp(0);
        port = local_port(fds[0]);
        if (port < 65000) {
            fds[1] = listen_tcp(port + 1);
            if (fds[1] >= 0) {
                return port;
            }
        }
        close(fds[0]);
    }
    g_assert_not_reached();
}

static void echo_check(int a, int b)
{
    char c = 0;

    g_assert_cmpint(write(a, "x", 1), ==, 1);
    g_assert_cmpint(read(b, &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'x');
}

/* @cfd connected to @lfd: both ends close-on-exec, bytes go both ways. */
static void accept_echo_check(int lfd, int cfd)
{
    int afd;

    g_assert(cfd >= 0);
    g_assert(support_fd_is_cloexec(cfd));
    afd = qemu_accept(lfd, NULL, NULL);
    g_assert(afd >= 0);
    g_assert(support_fd_is_cloexec(afd));
    echo_check(cfd, afd);
    echo_check(afd, cfd);
    close(afd);
    close(cfd);
}

static QemuOpts *inet_opts(const char *host, int port, int to)
{
    QemuOpts *opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    char buf[16];

    qemu_opt_set(opts, "host", host);
    snprintf(buf, sizeof(buf), "%d", port);
    qemu_opt_set(opts, "port", buf);
    if (to) {
        snprintf(buf, sizeof(buf), "%d", to);
        qemu_opt_set(opts, "to", buf);
    }
    return opts;
}

static void test_sockets_inet_port0(void)
{
    QemuOpts *opts = inet_opts("127.0.0.1", 0, 0);
    int lfd, port;

    lfd = inet_listen_opts(opts, 0);
    g_assert(lfd >= 0);
    g_assert(support_fd_is_cloexec(lfd));
    /* the kernel's choice of port is written back */
    port = atoi(qemu_opt_get(opts, "port"));
    g_assert_cmpint(port, >, 0);
    g_assert_cmpint(port, ==, local_port(lfd));
    g_assert_cmpstr(qemu_opt_get(opts, "host"), ==, "127.0.0.1");
    g_assert_cmpint(qemu_opt_get_bool(opts, "ipv4", 0), ==, 1);
    g_assert_cmpint(qemu_opt_get_bool(opts, "ipv6", 1), ==, 0);

    /* the written-back opts are good enough to connect with */
    accept_echo_check(lfd, inet_connect_opts(opts));
    close(lfd);
    qemu_opts_del(opts);
}

static void test_sockets_inet_range(void)
{
    QemuOpts *opts;
    int blockers[2];
    int base, lfd, cfd, port;

    base = block_two_ports(blockers);

    /* the walk goes past the two taken ports */
    opts = inet_opts("127.0.0.1", base, base + 4);
    lfd = inet_listen_opts(opts, 0);
    g_assert(lfd >= 0);
    port = atoi(qemu_opt_get(opts, "port"));
    g_assert_cmpint(port, >=, base + 2);
    g_assert_cmpint(port, <=, base + 5);
    g_assert_cmpint(port, ==, local_port(lfd));
    cfd = inet_connect_opts(opts);
    g_assert(cfd >= 0);
    close(cfd);
    close(lfd);
    qemu_opts_del(opts);

    /* no "to": a taken port is simply an error */
    opts = inet_opts("127.0.0.1", base, 0);
    g_assert_cmpint(inet_listen_opts(opts, 0), ==, -1);
    qemu_opts_del(opts);

    /*
     * v0.15.0 compatibility: the walk tries one port beyond "to", so
     * to=base still fails only because base + 1 is taken too.
     */
    opts = inet_opts("127.0.0.1", base, base);
    g_assert_cmpint(inet_listen_opts(opts, 0), ==, -1);
    qemu_opts_del(opts);
    close(blockers[1]);
    opts = inet_opts("127.0.0.1", base, base);
    lfd = inet_listen_opts(opts, 0);
    if (lfd >= 0) {
        g_assert_cmpint(atoi(qemu_opt_get(opts, "port")), ==, base + 1);
        close(lfd);
    }
    qemu_opts_del(opts);

    /* port_offset shifts the bind but not what is written back */
    opts = inet_opts("127.0.0.1", base - 10, base + 8 - 10);
    lfd = inet_listen_opts(opts, 10);
    g_assert(lfd >= 0);
    g_assert_cmpint(local_port(lfd) - 10, ==,
                    atoi(qemu_opt_get(opts, "port")));
    g_assert_cmpint(local_port(lfd), >, base);
    close(lfd);
    qemu_opts_del(opts);

    close(blockers[0]);
}

static void test_sockets_inet_errors(void)
{
    QemuOpts *opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    int lfd, port;

    /* host and port are both required */
    g_assert_cmpint(inet_listen_opts(opts, 0), ==, -1);
    g_assert_cmpint(inet_connect_opts(opts), ==, -1);
    qemu_opts_del(opts);

    /* nobody listening */
    lfd = listen_tcp(0);
    port = local_port(lfd);
    close(lfd);
    opts = inet_opts("127.0.0.1", port, 0);
    g_assert_cmpint(inet_connect_opts(opts), ==, -1);
    qemu_opts_del(opts);
}

static void test_sockets_legacy(void)
{
    char ostr[128];
    int lfd, cfd, afd;
    struct sockaddr_in sin;

    lfd = inet_listen("127.0.0.1:0,ipv4", ostr, sizeof(ostr),
                      SOCK_STREAM, 0);
    g_assert(lfd >= 0);
    g_assert(g_str_has_prefix(ostr, "127.0.0.1:"));
    g_assert(g_str_has_suffix(ostr, ",ipv4"));
    g_assert_cmpint(atoi(ostr + strlen("127.0.0.1:")), ==, local_port(lfd));
    cfd = inet_connect(ostr, SOCK_STREAM);
    g_assert(cfd >= 0);
    afd = qemu_accept(lfd, NULL, NULL);
    echo_check(cfd, afd);
    close(afd);
    close(cfd);
    close(lfd);

    g_assert_cmpint(inet_connect("nocolon", SOCK_STREAM), ==, -1);

    memset(&sin, 0, sizeof(sin));
    g_assert_cmpint(parse_host_port(&sin, "127.0.0.1:1234"), ==, 0);
    g_assert_cmpint(ntohs(sin.sin_port), ==, 1234);
    g_assert_cmpuint(ntohl(sin.sin_addr.s_addr), ==, INADDR_LOOPBACK);
    g_assert_cmpint(parse_host_port(&sin, ":0x50"), ==, 0);
    g_assert_cmpint(ntohs(sin.sin_port), ==, 80);
    g_assert_cmpuint(sin.sin_addr.s_addr, ==, 0);
    g_assert_cmpint(parse_host_port(&sin, "1234"), ==, -1);
    g_assert_cmpint(parse_host_port(&sin, "1.2.3.4:"), ==, -1);

    g_assert_cmpstr(inet_strfamily(AF_INET), ==, "ipv4");
    g_assert_cmpstr(inet_strfamily(AF_INET6), ==, "ipv6");
    g_assert_cmpstr(inet_strfamily(AF_UNIX), ==, "unix");
    g_assert_cmpint(socket_init(), ==, 0);
}

static void test_sockets_unix(void)
{
    char *dir = support_make_tmpdir();
    char *path = g_build_filename(dir, "sock", NULL);
    QemuOpts *opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    const char *old_tmpdir = g_getenv("TMPDIR");
    char *saved_tmpdir = g_strdup(old_tmpdir);
    char ostr[256];
    int lfd, cfd;

    qemu_opt_set(opts, "path", path);
    lfd = unix_listen_opts(opts);
    g_assert(lfd >= 0);
    g_assert(support_fd_is_cloexec(lfd));
    g_assert(g_file_test(path, G_FILE_TEST_EXISTS));
    accept_echo_check(lfd, unix_connect_opts(opts));

    /* listening again on the same path replaces the stale file */
    close(lfd);
    lfd = unix_listen_opts(opts);
    g_assert(lfd >= 0);
    close(lfd);
    qemu_opts_del(opts);

    /* no path: one is made up under $TMPDIR and written back */
    g_setenv("TMPDIR", dir, TRUE);
    opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    lfd = unix_listen_opts(opts);
    g_assert(lfd >= 0);
    g_assert(qemu_opt_get(opts, "path") != NULL);
    g_assert(g_str_has_prefix(qemu_opt_get(opts, "path"), dir));
    g_assert(strstr(qemu_opt_get(opts, "path"), "/qemu-socket-") != NULL);
    cfd = unix_connect(qemu_opt_get(opts, "path"));
    g_assert(cfd >= 0);
    close(cfd);
    close(lfd);
    qemu_opts_del(opts);

    /* the compatibility wrapper keeps the option suffix */
    lfd = unix_listen(",server", ostr, sizeof(ostr));
    g_assert(lfd >= 0);
    g_assert(g_str_has_prefix(ostr, dir));
    g_assert(g_str_has_suffix(ostr, ",server"));
    close(lfd);
    if (saved_tmpdir) {
        g_setenv("TMPDIR", saved_tmpdir, TRUE);
    } else {
        g_unsetenv("TMPDIR");
    }

    unlink(path);
    g_assert_cmpint(unix_connect(path), ==, -1);
    opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    g_assert_cmpint(unix_connect_opts(opts), ==, -1);
    qemu_opts_del(opts);

    g_assert_cmpint(support_rm_tmpdir(dir), ==, 0);
    g_free(saved_tmpdir);
    g_free(path);
    g_free(dir);
}

static void test_sockets_dgram(void)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    QemuOpts *opts;
    char buf[8];
    int rfd, fd;

    /* a plain UDP receiver on an ephemeral loopback port */
    rfd = socket(AF_INET, SOCK_DGRAM, 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert(bind(rfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    g_assert(getsockname(rfd, (struct sockaddr *)&sin, &len) == 0);

    opts = inet_opts("127.0.0.1", ntohs(sin.sin_port), 0);
    qemu_opt_set(opts, "localaddr", "127.0.0.1");
    fd = inet_dgram_opts(opts);
    g_assert(fd >= 0);
    g_assert(support_fd_is_cloexec(fd));
    g_assert_cmpint(send(fd, "ping", 4, 0), ==, 4);
    g_assert_cmpint(recv(rfd, buf, sizeof(buf), 0), ==, 4);
    g_assert(memcmp(buf, "ping", 4) == 0);
    close(fd);
    qemu_opts_del(opts);

    /* port is mandatory */
    opts = qemu_opts_create(qemu_find_opts("chardev"), NULL, 0);
    g_assert_cmpint(inet_dgram_opts(opts), ==, -1);
    qemu_opts_del(opts);
    close(rfd);
}

static void test_sockets_helpers(void)
{
    int fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert(fd >= 0);
    g_assert(support_fd_is_cloexec(fd));
    g_assert(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    socket_set_nonblock(fd);
    g_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
    closesocket(fd);
}

/* The one loopback address of port, as sock_resolve() gives it. */
static void loopback_addr(int port, SockAddr *a)
{
    SockAddr *addrs;
    SockError err;
    char serv[16];

    snprintf(serv, sizeof(serv), "%d", port);
    g_assert_cmpint(sock_resolve("127.0.0.1", serv, AF_INET, SOCK_STREAM,
                                 false, &addrs, &err), ==, 1);
    *a = addrs[0];
    qemu_free(addrs);
}

static void assert_fd_flags(int fd)
{
    g_assert(support_fd_is_cloexec(fd));
    g_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
}

static void test_sockets_resolve(void)
{
    SockAddr *addrs = NULL;
    SockError err;
    char host[INET6_ADDRSTRLEN + 1], serv[33];
    int n;

    n = sock_resolve("127.0.0.1", "4444", AF_UNSPEC, SOCK_STREAM, false,
                     &addrs, &err);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpint(addrs[0].family, ==, AF_INET);
    g_assert_cmpint(sock_addr_port(&addrs[0]), ==, 4444);
    g_assert_cmpint(sock_addr_name(&addrs[0], host, sizeof(host), serv,
                                   sizeof(serv)), ==, 0);
    g_assert_cmpstr(host, ==, "127.0.0.1");
    g_assert_cmpstr(serv, ==, "4444");
    qemu_free(addrs);

    /* a failed lookup says what was looked up */
    addrs = NULL;
    n = sock_resolve("nosuch.invalid", "1", AF_UNSPEC, SOCK_STREAM, false,
                     &addrs, &err);
    g_assert_cmpint(n, ==, -EINVAL);
    g_assert_null(addrs);
    g_assert_cmpint(err.code, ==, EINVAL);
    g_assert(!err.local);
    g_assert(g_str_has_prefix(err.msg, "cannot resolve \"nosuch.invalid\" "
                              "port \"1\": "));

    /* a unix path must fit sun_path, terminator included */
    {
        SockAddr a;
        char *longp = g_strnfill(sizeof(((struct sockaddr_un *)0)->sun_path),
                                 'x');

        g_assert(!sock_unix_addr(longp, &a));
        longp[sizeof(((struct sockaddr_un *)0)->sun_path) - 1] = '\0';
        g_assert(sock_unix_addr(longp, &a));
        g_assert_cmpint(a.family, ==, AF_UNIX);
        g_free(longp);
    }
}

/* Several addresses: a refused one is skipped for the next. */
static void test_sockets_connect_next(void)
{
    SockAddr addrs[2];
    SockError err;
    bool in_progress;
    char *want;
    int lfd, refused, port, next, fd, afd;

    lfd = listen_tcp(0);
    port = local_port(lfd);
    refused = listen_tcp(0);
    loopback_addr(local_port(refused), &addrs[0]);
    close(refused);
    loopback_addr(port, &addrs[1]);

    /* waiting: connected on return, *next past the address used */
    next = 0;
    fd = sock_connect_next(addrs, 2, &next, true, NULL, &err);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(next, ==, 2);
    assert_fd_flags(fd);
    afd = accept(lfd, NULL, NULL);
    g_assert_cmpint(afd, >=, 0);
    echo_check(fd, afd);
    close(afd);
    close(fd);

    /* not waiting: maybe under way, and sock_connect_result() tells */
    next = 1;
    fd = sock_connect_next(addrs, 2, &next, false, &in_progress, &err);
    g_assert_cmpint(fd, >=, 0);
    assert_fd_flags(fd);
    if (in_progress) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };

        g_assert_cmpint(poll(&pfd, 1, 10000), ==, 1);
    }
    g_assert_cmpint(sock_connect_result(fd), ==, 0);
    close(fd);
    close(lfd);

    /* nothing left: the last address and the cause */
    next = 0;
    g_assert_cmpint(sock_connect_next(addrs, 2, &next, true, NULL, &err), ==,
                    -ECONNREFUSED);
    g_assert_cmpint(next, ==, 2);
    g_assert_cmpint(err.code, ==, ECONNREFUSED);
    g_assert(!err.local);
    want = g_strdup_printf("cannot connect to 127.0.0.1:%d: %s", port,
                           strerror(ECONNREFUSED));
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);
}

static void test_sockets_listen_inet(void)
{
    SockAddr a, bound;
    SockError err;
    char *want;
    int blockers[2];
    int base, fd;

    base = block_two_ports(blockers);
    loopback_addr(base, &a);

    /* the range goes on past busy ports, and says which one it took */
    fd = sock_listen_inet(&a, 1, base, base + 4, &bound, &err);
    g_assert_cmpint(fd, >=, 0);
    assert_fd_flags(fd);
    g_assert_cmpint(sock_addr_port(&bound), ==, local_port(fd));
    g_assert_cmpint(local_port(fd), >=, base + 2);
    g_assert_cmpint(local_port(fd), <=, base + 4);
    close(fd);

    /* unlike inet_listen_opts(), it ends at to */
    fd = sock_listen_inet(&a, 1, base, base + 1, &bound, &err);
    g_assert_cmpint(fd, ==, -EADDRINUSE);
    g_assert_cmpint(err.code, ==, EADDRINUSE);
    g_assert(err.local);
    want = g_strdup_printf("no free port in %d..%d (last tried "
                           "127.0.0.1:%d): %s", base, base + 1, base + 1,
                           strerror(EADDRINUSE));
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);

    fd = sock_listen_inet(&a, 1, base, 0, &bound, &err);
    g_assert_cmpint(fd, ==, -EADDRINUSE);
    want = g_strdup_printf("cannot listen on 127.0.0.1:%d: %s", base,
                           strerror(EADDRINUSE));
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);
    close(blockers[0]);
    close(blockers[1]);
}

static void test_sockets_listen_unix(void)
{
    char *dir = support_make_tmpdir();
    char *path = g_strdup_printf("%s/s", dir);
    char *want;
    SockAddr a;
    SockError err;
    int fd, fd2, cfd;

    g_assert(sock_unix_addr(path, &a));

    /* not a socket: left alone */
    g_assert(g_file_set_contents(path, "x", 1, NULL));
    g_assert_cmpint(sock_listen_unix(&a, &err), ==, -EEXIST);
    g_assert(err.local);
    want = g_strdup_printf("\"%s\" exists and is not a socket", path);
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);
    unlink(path);

    fd = sock_listen_unix(&a, &err);
    g_assert_cmpint(fd, >=, 0);
    assert_fd_flags(fd);

    /* a server listening there keeps its socket and its clients */
    g_assert_cmpint(sock_listen_unix(&a, &err), ==, -EADDRINUSE);
    want = g_strdup_printf("\"%s\" is in use by a listening server", path);
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);
    cfd = unix_connect(path);
    g_assert_cmpint(cfd, >=, 0);
    close(cfd);

    /* once it is gone, its stale socket file is replaced */
    close(fd);
    g_assert(access(path, F_OK) == 0);
    fd2 = sock_listen_unix(&a, &err);
    g_assert_cmpint(fd2, >=, 0);
    cfd = unix_connect(path);
    g_assert_cmpint(cfd, >=, 0);
    close(cfd);
    close(fd2);
    unlink(path);
    g_assert_cmpint(support_rm_tmpdir(dir), ==, 0);
    g_free(path);
    g_free(dir);
}

static void test_sockets_dgram_addrs(void)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    SockAddr peer, local, busy;
    SockError err;
    char buf[8], *want;
    int rfd, fd;

    rfd = socket(AF_INET, SOCK_DGRAM, 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert(bind(rfd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    g_assert(getsockname(rfd, (struct sockaddr *)&sin, &len) == 0);
    loopback_addr(ntohs(sin.sin_port), &peer);
    loopback_addr(0, &local);

    fd = sock_dgram(&peer, &local, &err);
    g_assert_cmpint(fd, >=, 0);
    assert_fd_flags(fd);
    g_assert_cmpint(send(fd, "ping", 4, 0), ==, 4);
    g_assert_cmpint(recv(rfd, buf, sizeof(buf), 0), ==, 4);
    g_assert(memcmp(buf, "ping", 4) == 0);
    close(fd);

    /* a local address that cannot be bound is the local side's fault */
    busy = peer;
    fd = sock_dgram(&peer, &busy, &err);
    g_assert_cmpint(fd, ==, -EADDRINUSE);
    g_assert(err.local);
    want = g_strdup_printf("cannot bind to 127.0.0.1:%d: %s",
                           ntohs(sin.sin_port), strerror(EADDRINUSE));
    g_assert_cmpstr(err.msg, ==, want);
    g_free(want);
    close(rfd);
}

/* ---- /support/monitor ---- */

static char *mem_output(CharDriverState *chr)
{
    QString *qs = qemu_chr_mem_to_qs(chr);
    char *s = g_strdup(qstring_get_str(qs));

    QDECREF(qs);
    return s;
}

static void mon_type(CharDriverState *chr, const char *text)
{
    qemu_chr_read(chr, (uint8_t *)text, strlen(text));
}

static void test_monitor_buffer(void)
{
    Monitor *mon = support_monitor_new_buffer();
    CharDriverState *chr;

    monitor_printf(mon, "a%db\n", 1);
    g_assert_cmpstr(support_monitor_buffer(mon), ==, "a1b\n");
    support_monitor_buffer_clear(mon);
    monitor_print_filename(mon, "a b\"c\\d\te\rf\ng");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "a\\ b\\\"c\\\\d\\te\\rf\\ng");
    support_monitor_buffer_clear(mon);

    support_monitor_command(mon, "help");
    g_assert(strstr(support_monitor_buffer(mon),
                    "help|? [cmd] -- show the help\n") != NULL);
    g_assert(strstr(support_monitor_buffer(mon), "info [subcommand]"));
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "help info");
    g_assert(strstr(support_monitor_buffer(mon),
                    "info chardev  -- show the character devices\n"));
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "  frobnicate now");
    g_assert_cmpstr(support_monitor_buffer(mon), ==,
                    "unknown command: 'frobnicate'\n");
    g_assert_cmpint(support_monitor_command_count(mon), ==, 3);
    g_assert_cmpstr(support_monitor_last_command(mon), ==, "frobnicate now");
    support_monitor_buffer_clear(mon);

    /* "info chardev" goes through the chardev layer */
    chr = qemu_chr_open("supmon0", "null", NULL);
    g_assert(chr != NULL);
    support_monitor_command(mon, "info chardev");
    g_assert(strstr(support_monitor_buffer(mon),
                    "supmon0: filename=null\n") != NULL);
    qemu_chr_close(chr);
    support_monitor_buffer_clear(mon);
    support_monitor_command(mon, "info version");
    g_assert_cmpstr(support_monitor_buffer(mon), ==, "0.15.0\n");

    /* buffer monitors never show up as the chardev monitor */
    g_assert(support_monitor_last() != mon);
    support_monitor_free(mon);
}

static int fake_msgfd = -1;

static int fake_get_msgfd(CharDriverState *chr)
{
    int fd = fake_msgfd;

    /* like a real backend: the descriptor is handed out once */
    fake_msgfd = -1;
    return fd;
}

static void test_monitor_chardev(void)
{
    CharDriverState chr;
    Monitor *mon;
    char *out;
    size_t len;
    int fd;

    qemu_chr_init_mem(&chr);
    chr.get_msgfd = fake_get_msgfd;
    monitor_init(&chr, MONITOR_USE_READLINE);
    mon = support_monitor_last();
    g_assert(mon != NULL);
    g_assert(support_monitor_chr(mon) == &chr);
    g_assert(default_mon != NULL);
    g_assert_cmpint(qemu_chr_can_read(&chr), ==, 1);

    chr.chr_event(chr.handler_opaque, CHR_EVENT_OPENED);
    out = mem_output(&chr);
    g_assert_cmpstr(out, ==, "QEMU 0.15.0 monitor - type 'help' for more "
                    "information\r\n(qemu) ");
    g_free(out);

    /* typed characters echo; backspace rubs out; CR runs the line */
    mon_type(&chr, "infx\x7fo version\r");
    out = mem_output(&chr);
    g_assert(g_str_has_suffix(out, "infx\b \bo version\r\n0.15.0\r\n"
                              "(qemu) "));
    g_free(out);
    g_assert_cmpstr(support_monitor_last_command(mon), ==, "info version");
    g_assert(cur_mon == NULL);

    mon_type(&chr, "bogus\n");
    out = mem_output(&chr);
    g_assert(g_str_has_suffix(out, "unknown command: 'bogus'\r\n(qemu) "));
    g_free(out);

    /* arrow keys are swallowed whole */
    mon_type(&chr, "\x1b[Dhelp info\x1b[1~\r");
    g_assert_cmpstr(support_monitor_last_command(mon), ==, "help info");

    /* mux focus: leaving ends the line, returning brings the prompt */
    chr.chr_event(chr.handler_opaque, CHR_EVENT_MUX_OUT);
    g_assert_cmpint(qemu_chr_can_read(&chr), ==, 0);
    chr.chr_event(chr.handler_opaque, CHR_EVENT_MUX_IN);
    g_assert_cmpint(qemu_chr_can_read(&chr), ==, 1);
    out = mem_output(&chr);
    g_assert(g_str_has_suffix(out, "(qemu) \r\n(qemu) "));
    g_free(out);

    /* getfd/closefd with a descriptor from the backend */
    fake_msgfd = dup(0);
    mon_type(&chr, "getfd myfd\r");
    fd = monitor_get_fd(mon, "myfd");
    g_assert(fd >= 0);
    close(fd);
    g_assert_cmpint(monitor_get_fd(mon, "myfd"), ==, -1);
    support_error_clear();
    mon_type(&chr, "getfd other\r");
    assert_error("No file descriptor supplied via SCM_RIGHTS");
    mon_type(&chr, "closefd other\r");
    assert_error("File descriptor named 'other' not found");
    /* errors during a command are shown on that monitor */
    out = mem_output(&chr);
    g_assert(strstr(out, "File descriptor named 'other' not found\r\n"));
    g_free(out);

    g_assert_cmpint(support_monitor_event_count(mon), ==, 3);
    g_assert_cmpint(support_monitor_event(mon, 0), ==, CHR_EVENT_OPENED);
    g_assert_cmpint(support_monitor_event(mon, 1), ==, CHR_EVENT_MUX_OUT);
    g_assert_cmpint(support_monitor_event_seen(mon, CHR_EVENT_MUX_IN), ==, 1);
    g_assert(strstr((const char *)support_monitor_input(mon, &len),
                    "bogus\n") != NULL);
    g_assert_cmpuint(len, >, 20);
    /* the monitor's record is exactly what reached the chardev */
    out = mem_output(&chr);
    g_assert_cmpstr(support_monitor_buffer(mon), ==, out);
    g_free(out);

    support_monitor_free(mon);
    g_assert(support_monitor_last() != mon);
    /* the chardev may still deliver; a freed monitor ignores it */
    mon_type(&chr, "help\r");
    qemu_chr_close_mem(&chr);
}

static int echo_calls;
static bool echo_value;

static void fake_set_echo(CharDriverState *chr, bool echo)
{
    echo_calls++;
    echo_value = echo;
}

static void test_monitor_control(void)
{
    CharDriverState chr;
    Monitor *mon;
    QObject *obj;
    QDict *version;
    char *out;

    qemu_chr_init_mem(&chr);
    chr.chr_set_echo = fake_set_echo;
    monitor_init(&chr, MONITOR_USE_CONTROL);
    mon = support_monitor_last();
    g_assert_cmpint(echo_calls, ==, 1);
    g_assert(echo_value);

    chr.chr_event(chr.handler_opaque, CHR_EVENT_OPENED);
    out = mem_output(&chr);
    g_assert(g_str_has_suffix(out, "\r\n"));
    obj = qobject_from_json(out);
    g_assert(obj != NULL);
    version = qdict_get_qdict(qdict_get_qdict(qobject_to_qdict(obj), "QMP"),
                              "version");
    g_assert_cmpint(qdict_get_int(qdict_get_qdict(version, "qemu"), "minor"),
                    ==, 15);
    qobject_decref(obj);
    g_free(out);

    /* QMP monitors print no free-form text */
    monitor_printf(mon, "not shown\n");
    mon_type(&chr, "{ \"execute\": \"qmp_capabilities\" }");
    out = mem_output(&chr);
    g_assert(strstr(out, "not shown") == NULL);
    g_free(out);
    g_assert(strstr((const char *)support_monitor_input(mon, NULL),
                    "qmp_capabilities") != NULL);

    monitor_protocol_event(QEVENT_STOP, NULL);
    obj = QOBJECT(qint_from_int(3));
    monitor_protocol_event(QEVENT_SPICE_CONNECTED, obj);
    qobject_decref(obj);
    {
        QList *log = support_monitor_protocol_events();
        QDict *ev = qobject_to_qdict(qlist_peek(log));

        g_assert_cmpstr(qdict_get_str(ev, "event"), ==, "STOP");
        g_assert(qdict_haskey(qdict_get_qdict(ev, "timestamp"), "seconds"));
        support_monitor_protocol_events_clear();
        g_assert(qlist_empty(support_monitor_protocol_events()));
    }

    support_monitor_free(mon);
    qemu_chr_close_mem(&chr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* failures are asserted through support_error_last() */
    support_error_quiet(true);

    g_test_add_func("/support/opts/implied-name", test_opts_implied_name);
    g_test_add_func("/support/opts/escape", test_opts_escape);
    g_test_add_func("/support/opts/params", test_opts_params);
    g_test_add_func("/support/opts/bool", test_opts_bool);
    g_test_add_func("/support/opts/numbers", test_opts_numbers);
    g_test_add_func("/support/opts/unknown", test_opts_unknown);
    g_test_add_func("/support/opts/duplicate-id", test_opts_duplicate_id);
    g_test_add_func("/support/opts/misc", test_opts_misc);
    g_test_add_func("/support/opts/chardev-list", test_opts_chardev_list);
    g_test_add_func("/support/opts/config-file", test_opts_config_file);
    g_test_add_func("/support/qobject/qlist", test_qobject_qlist);
    g_test_add_func("/support/qobject/qdict", test_qobject_qdict);
    g_test_add_func("/support/qobject/qstring", test_qobject_qstring);
    g_test_add_func("/support/qobject/jsonf", test_qobject_jsonf);
    g_test_add_func("/support/qobject/to-json", test_qobject_to_json);
    g_test_add_func("/support/qobject/json-errors", test_qobject_json_errors);
    g_test_add_func("/support/sockets/inet-port0", test_sockets_inet_port0);
    g_test_add_func("/support/sockets/inet-range", test_sockets_inet_range);
    g_test_add_func("/support/sockets/inet-errors", test_sockets_inet_errors);
    g_test_add_func("/support/sockets/legacy", test_sockets_legacy);
    g_test_add_func("/support/sockets/unix", test_sockets_unix);
    g_test_add_func("/support/sockets/dgram", test_sockets_dgram);
    g_test_add_func("/support/sockets/helpers", test_sockets_helpers);
    g_test_add_func("/support/sockets/resolve", test_sockets_resolve);
    g_test_add_func("/support/sockets/connect-next",
                    test_sockets_connect_next);
    g_test_add_func("/support/sockets/listen-inet", test_sockets_listen_inet);
    g_test_add_func("/support/sockets/listen-unix", test_sockets_listen_unix);
    g_test_add_func("/support/sockets/dgram-addrs", test_sockets_dgram_addrs);
    g_test_add_func("/support/monitor/buffer", test_monitor_buffer);
    g_test_add_func("/support/monitor/chardev", test_monitor_chardev);
    g_test_add_func("/support/monitor/control", test_monitor_control);

    return test_run_fd_checked();
}
