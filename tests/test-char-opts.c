/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every backend option with bad values, in -chardev and legacy syntax. */
#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-config.h"
#include "qemu-error.h"
#include "support-test.h"
#include "char-test-util.h"

typedef enum {
    SYN_OPTS,       /* -chardev: qemu_opts_parse() + qemu_chr_open_opts() */
    SYN_LEGACY,     /* -serial and friends: qemu_chr_open(label, ...) */
} Syntax;

/*
 * One input and what it must give: the one error line (NULL: the chardev
 * opens), and for the legacy syntax the errno vl.c prints with
 * strerror() (0: not checked).  In input and error, @T@ is a private
 * directory, @A31@ / @A32@ are ids of 31 / 32 letters, @B1100@ a value
 * of 1100 characters and @B1023@ what the option parser keeps of it.
 */
typedef struct {
    Syntax syntax;
    const char *label;      /* legacy: the label vl.c would pass */
    const char *input;
    const char *error;
    int err;
} OptCase;

#define REFUSED_TCP "host: cannot connect to 127.0.0.1:1: Connection refused"
#define SOCK_OPTS "path, host, port, to, ipv4, ipv6, server, wait, delay, " \
                  "telnet, reconnect, mux"
#define UDP_OPTS "host, port, localaddr, localport, ipv4, ipv6, mux"

static const OptCase cases[] = {
    /* 0-3 null, msmouse, pty, stdio: options of other backends */
    { SYN_OPTS, NULL, "null,id=o0,reconnect=5",
      "chardev \"o0\": backend \"null\": reconnect: not an option of this "
      "backend (valid: mux)" },
    { SYN_OPTS, NULL, "null,id=o1,path=@T@/n",
      "chardev \"o1\": backend \"null\": path: not an option of this "
      "backend (valid: mux)" },
    { SYN_OPTS, NULL, "msmouse,id=o2,name=m",
      "chardev \"o2\": backend \"msmouse\": name: not an option of this "
      "backend (valid: mux)" },
    { SYN_OPTS, NULL, "pty,id=o3,path=/dev/ptmx",
      "chardev \"o3\": backend \"pty\": path: not an option of this "
      "backend (valid: mux)" },
    /* 4-5 */
    { SYN_OPTS, NULL, "stdio,id=o4,path=@T@/s",
      "chardev \"o4\": backend \"stdio\": path: not an option of this "
      "backend (valid: signal, mux)" },
    { SYN_OPTS, NULL, "null,id=o5,mux=on", NULL },
    /* 6-11 file, pipe, tty, parport: path absent, empty, foreign options */
    { SYN_OPTS, NULL, "file,id=o6",
      "chardev \"o6\": backend \"file\": path: missing (file needs "
      "path=<file>)" },
    { SYN_OPTS, NULL, "file,id=o7,path=",
      "chardev \"o7\": backend \"file\": path: empty (file needs "
      "path=<file>)" },
    { SYN_OPTS, NULL, "file,id=o8,path=@T@/f,host=127.0.0.1",
      "chardev \"o8\": backend \"file\": host: not an option of this "
      "backend (valid: path, mux)" },
    { SYN_OPTS, NULL, "pipe,id=o9,path=",
      "chardev \"o9\": backend \"pipe\": path: empty (pipe needs "
      "path=<fifo>)" },
    { SYN_OPTS, NULL, "tty,id=o10,path=",
      "chardev \"o10\": backend \"tty\": path: empty (tty needs "
      "path=<device>)" },
    { SYN_OPTS, NULL, "parport,id=o11,path=",
      "chardev \"o11\": backend \"parport\": path: empty (parport needs "
      "path=/dev/parportN)" },
    /* 12-14 huge values: the option parser keeps 1023 characters */
    { SYN_OPTS, NULL, "file,id=o12,path=/@B1100@",
      "chardev \"o12\": backend \"file\": path: value too long (1023 "
      "characters, at most 1022)" },
    { SYN_OPTS, NULL, "socket,id=o13,host=@B1100@,port=1",
      "chardev \"o13\": backend \"socket\": host: value too long (1023 "
      "characters, at most 1022)" },
    { SYN_OPTS, NULL, "tty,id=o14,path=/nonexistent-dir/tty",
      "chardev \"o14\": backend \"tty\": path: cannot open "
      "\"/nonexistent-dir/tty\": No such file or directory" },
    /* 15-22 socket: options that mean nothing for this kind of socket */
    { SYN_OPTS, NULL, "socket,id=o15,host=127.0.0.1,port=1,nowait",
      "chardev \"o15\": backend \"socket\": wait: only for a server "
      "(server=on)" },
    { SYN_OPTS, NULL, "socket,id=o16,host=127.0.0.1,port=1,wait",
      "chardev \"o16\": backend \"socket\": wait: only for a server "
      "(server=on)" },
    { SYN_OPTS, NULL, "socket,id=o17,host=127.0.0.1,port=1,to=5",
      "chardev \"o17\": backend \"socket\": to: only for a server "
      "(server=on)" },
    { SYN_OPTS, NULL, "socket,id=o18,path=@T@/s18,host=127.0.0.1,server,"
      "nowait",
      "chardev \"o18\": backend \"socket\": host: not for a unix socket "
      "(path= is set)" },
    { SYN_OPTS, NULL, "socket,id=o19,path=@T@/s19,port=4444,server,nowait",
      "chardev \"o19\": backend \"socket\": port: not for a unix socket "
      "(path= is set)" },
    { SYN_OPTS, NULL, "socket,id=o20,path=@T@/s20,server,nowait,nodelay",
      "chardev \"o20\": backend \"socket\": delay: not for a unix socket "
      "(path= is set)" },
    { SYN_OPTS, NULL, "socket,id=o21,path=@T@/s21,ipv6",
      "chardev \"o21\": backend \"socket\": ipv6: not for a unix socket "
      "(path= is set)" },
    { SYN_OPTS, NULL, "socket,id=o22,host=127.0.0.1,port=0,server,nowait,"
      "ipv4,ipv6",
      "chardev \"o22\": backend \"socket\": ipv6: conflicts with ipv4=on "
      "(one address family only)" },
    /* 23-31 socket: numbers empty, negative, huge, out of range */
    { SYN_OPTS, NULL, "socket,id=o23,host=127.0.0.1,port=99999,server,"
      "nowait",
      "chardev \"o23\": backend \"socket\": port: \"99999\" is not a port "
      "number (0..65535) or service name" },
    { SYN_OPTS, NULL, "socket,id=o24,host=127.0.0.1,port=-1",
      "chardev \"o24\": backend \"socket\": port: \"-1\" is not a port "
      "number (0..65535) or service name" },
    { SYN_OPTS, NULL, "socket,id=o25,host=127.0.0.1,port=1,reconnect=",
      "chardev \"o25\": backend \"socket\": reconnect: empty (a number is "
      "needed)" },
    { SYN_OPTS, NULL, "socket,id=o26,host=127.0.0.1,port=0,server,nowait,"
      "to=",
      "chardev \"o26\": backend \"socket\": to: empty (a number is "
      "needed)" },
    { SYN_OPTS, NULL, "socket,id=o27,host=127.0.0.1,port=1,"
      "reconnect=99999999999999999999999",
      "chardev \"o27\": backend \"socket\": reconnect: "
      "99999999999999999999999 is out of range" },
    { SYN_OPTS, NULL, "socket,id=o28,host=127.0.0.1,port=1,reconnect=-1",
      "chardev \"o28\": backend \"socket\": reconnect: -1 is negative" },
    { SYN_OPTS, NULL, "socket,id=o29,host=127.0.0.1,port=1,localport=5",
      "chardev \"o29\": backend \"socket\": localport: not an option of "
      "this backend (valid: " SOCK_OPTS ")" },
    { SYN_OPTS, NULL, "socket,id=o30,host=127.0.0.1,port=1",
      "chardev \"o30\": backend \"socket\": " REFUSED_TCP },
    { SYN_OPTS, NULL, "socket,id=o31,host=,port=1",
      "chardev \"o31\": backend \"socket\": host: missing (a client needs "
      "the host to connect to)" },
    /* 32-37 udp */
    { SYN_OPTS, NULL, "udp,id=o32,host=127.0.0.1,port=9,server",
      "chardev \"o32\": backend \"udp\": server: not an option of this "
      "backend (valid: " UDP_OPTS ")" },
    { SYN_OPTS, NULL, "udp,id=o33,host=127.0.0.1,port=9,path=@T@/u",
      "chardev \"o33\": backend \"udp\": path: not an option of this "
      "backend (valid: " UDP_OPTS ")" },
    { SYN_OPTS, NULL, "udp,id=o34,host=127.0.0.1,port=9,localport=70000",
      "chardev \"o34\": backend \"udp\": localport: \"70000\" is not a "
      "port number (0..65535) or service name" },
    { SYN_OPTS, NULL, "udp,id=o35,host=127.0.0.1,port=-9",
      "chardev \"o35\": backend \"udp\": port: \"-9\" is not a port "
      "number (0..65535) or service name" },
    { SYN_OPTS, NULL, "udp,id=o36,host=127.0.0.1,port=no-such-service",
      "chardev \"o36\": backend \"udp\": host: cannot resolve "
      "\"127.0.0.1\" port \"no-such-service\": Servname not supported for "
      "ai_socktype" },
    { SYN_OPTS, NULL, "udp,id=o37,host=127.0.0.1,port=9", NULL },
    /* 38-39 vc (the stand-in of console.c) */
    { SYN_OPTS, NULL, "vc,id=o38,width=",
      "chardev \"o38\": backend \"vc\": width: empty (a number is "
      "needed)" },
    { SYN_OPTS, NULL, "vc,id=o39,path=@T@/v",
      "chardev \"o39\": backend \"vc\": path: not an option of this "
      "backend (valid: width, height, cols, rows, mux)" },
    /* 40-43 ids */
    { SYN_OPTS, NULL, "null,id=@A32@",
      "chardev \"@A31@...\": id: too long (32 characters, at most 31)" },
    { SYN_OPTS, NULL, "null,id=@B1100@",
      "chardev \"@B31@...\": id: too long (1023 characters, at most 31)" },
    { SYN_OPTS, NULL, "null,id=@A31@", NULL },
    { SYN_OPTS, NULL, "null,id=1bad",
      "Parameter 'id' expects an identifier" },
    /* 44-: the legacy syntax */
    { SYN_LEGACY, "serial0", "tcp:127.0.0.1:1",
      "chardev \"serial0\": backend \"socket\": " REFUSED_TCP,
      ECONNREFUSED },
    { SYN_LEGACY, "serial0", "chardev:nope",
      "chardev \"nope\": no such chardev (\"chardev:nope\" needs a "
      "-chardev with id=nope)", ENOENT },
    { SYN_LEGACY, "serial0", "tcp:127.0.0.1:1,nowait",
      "chardev \"serial0\": backend \"socket\": wait: only for a server "
      "(server=on)", EINVAL },
    { SYN_LEGACY, "serial0", "mon:tcp:127.0.0.1:1,nowait",
      "chardev \"serial0\": backend \"socket\": wait: only for a server "
      "(server=on)", EINVAL },
    { SYN_LEGACY, "monitor0", "unix:@T@/l48,server,nowait,nodelay",
      "chardev \"monitor0\": backend \"socket\": delay: not for a unix "
      "socket (path= is set)", EINVAL },
    { SYN_LEGACY, "serial0", "tcp::0,server,nowait,to=",
      "chardev \"serial0\": backend \"socket\": to: empty (a number is "
      "needed)", EINVAL },
    { SYN_LEGACY, "serial0", "tcp:127.0.0.1:99999,server,nowait",
      "chardev \"serial0\": backend \"socket\": port: \"99999\" is not a "
      "port number (0..65535) or service name", EINVAL },
    { SYN_LEGACY, "serial0", "udp:127.0.0.1:9@:70000",
      "chardev \"serial0\": backend \"udp\": localport: \"70000\" is not "
      "a port number (0..65535) or service name", EINVAL },
    { SYN_LEGACY, "parallel0", "file:",
      "chardev \"parallel0\": backend \"file\": path: empty (file needs "
      "path=<file>)", EINVAL },
    { SYN_LEGACY, "virtcon0", "pipe:",
      "chardev \"virtcon0\": backend \"pipe\": path: empty (pipe needs "
      "path=<fifo>)", EINVAL },
    { SYN_LEGACY, "serial0", "unix:",
      "chardev \"serial0\": backend \"socket\": path: missing (socket "
      "needs path=<unix socket> or host=/port=)", EINVAL },
    { SYN_LEGACY, "serial0", "tcp:127.0.0.1:1,server,reconnect=5",
      "chardev \"serial0\": backend \"socket\": reconnect: only for "
      "clients; a server listens again by itself", EINVAL },
    { SYN_LEGACY, "serial0", "tcp:127.0.0.1:1,server=maybe",
      "chardev \"serial0\": cannot parse \"tcp:127.0.0.1:1,server=maybe\"",
      EINVAL },
    { SYN_LEGACY, "serial0", "nosuch:thing",
      "chardev \"serial0\": cannot parse \"nosuch:thing\"", EINVAL },
    { SYN_LEGACY, "@A32@", "null",
      "chardev \"@A31@...\": id: too long (32 characters, at most 31)",
      ENAMETOOLONG },
    { SYN_LEGACY, "1bad", "null",
      "chardev \"1bad\": id: not an identifier (a letter, then letters, "
      "digits, '-', '.' or '_')", EINVAL },
    { SYN_LEGACY, "serial0", "telnet:127.0.0.1:0,server,nowait", NULL },
    { SYN_LEGACY, "serial0", "udp:127.0.0.1:9@:0", NULL },
    { SYN_LEGACY, "serial0", "vc:80Cx24C", NULL },
    /* numbers: strtoull() would take a negative one and wrap it around */
    { SYN_OPTS, NULL, "vc,id=n0,width=-1",
      "chardev \"n0\": backend \"vc\": width: -1 is negative" },
    { SYN_OPTS, NULL, "vc,id=n1,cols= -2",
      "chardev \"n1\": backend \"vc\": cols:  -2 is negative" },
    { SYN_OPTS, NULL, "vc,id=n2,rows=0", NULL },
    { SYN_OPTS, NULL, "socket,id=n3,host=127.0.0.1,port=0,server,nowait,"
      "to=-1",
      "chardev \"n3\": backend \"socket\": to: -1 is negative" },
    { SYN_OPTS, NULL, "spicevmc,id=n4,name=vdagent,debug=-1",
      "chardev \"n4\": backend \"spicevmc\": debug: -1 is negative" },
};

static char *expand(const char *s)
{
    char *a31 = g_strnfill(31, 'a'), *a32 = g_strnfill(32, 'a');
    char *b31 = g_strnfill(31, 'b'), *b1023 = g_strnfill(1023, 'b');
    char *b1100 = g_strnfill(1100, 'b');
    char *out = test_subst(s, "@T@", test_tmpdir(), "@A31@", a31,
                           "@A32@", a32, "@B31@", b31, "@B1023@", b1023,
                           "@B1100@", b1100, NULL);

    g_free(a31);
    g_free(a32);
    g_free(b31);
    g_free(b1023);
    g_free(b1100);
    return out;
}

static void test_case(gconstpointer data)
{
    const OptCase *c = data;
    char *input = expand(c->input);
    char *want = c->error ? expand(c->error) : NULL;
    char *label = c->label ? expand(c->label) : NULL;
    CharDriverState *chr;
    int err;

#ifndef CONFIG_SPICE
    /* a build without spice has no spice backends to check options of */
    if (strstr(c->input, "spicevmc") || strstr(c->input, "spiceport")) {
        g_test_skip("spice is not configured");
        g_free(input);
        g_free(want);
        g_free(label);
        return;
    }
#endif
    support_error_clear();
    support_error_quiet(true);
    if (c->syntax == SYN_OPTS) {
        chr = test_chr_new(input);
    } else {
        errno = 0;
        chr = qemu_chr_open(label, input, NULL);
    }
    err = errno;
    support_error_quiet(false);

    if (!want) {
        if (!chr) {
            g_error("\"%s\" refused: %s", input, support_error_last());
        }
        g_assert_cmpint(support_error_count(), ==, 0);
        qemu_chr_close(chr);
    } else {
        g_assert(chr == NULL);
        g_assert_cmpstr(support_error_last(), ==, want);
        if (c->err) {
            g_assert_cmpstr(strerror(err), ==, strerror(c->err));
        }
    }
    /* nothing is left registered under the id or label */
    if (c->syntax == SYN_LEGACY) {
        g_assert(qemu_opts_find(qemu_find_opts("chardev"), label) == NULL);
    }
    g_free(input);
    g_free(want);
    g_free(label);
}

/* A legacy label already taken by a -chardev id: said in chardev terms. */
static void test_legacy_id_in_use(void)
{
    QemuOpts *opts = qemu_opts_parse(qemu_find_opts("chardev"),
                                     "null,id=serial1", 1);

    g_assert(opts);
    support_error_clear();
    support_error_quiet(true);
    errno = 0;
    g_assert(qemu_chr_open("serial1", "null", NULL) == NULL);
    support_error_quiet(false);
    g_assert_cmpint(errno, ==, EEXIST);
    g_assert_cmpint(support_error_count(), ==, 1);
    g_assert_cmpstr(support_error_last(), ==,
                    "chardev \"serial1\": id already in use");
    qemu_opts_del(opts);
}

int main(int argc, char **argv)
{
    unsigned i;
    g_test_init(&argc, &argv, NULL);

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char *path = g_strdup_printf("/char/opts/%u", i);

        g_test_add_data_func(path, &cases[i], test_case);
        g_free(path);
    }
    g_test_add_func("/char/opts/legacy-id-in-use", test_legacy_id_in_use);

    return test_run_fd_checked();
}
