/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: a small human monitor (and QMP greeter) for chardevs. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-error.h"
#include "qemu-objects.h"
#include "qerror.h"
#include "monitor.h"
#include "support-monitor.h"
#include "support-int.h"

#ifndef QEMU_VERSION
#define QEMU_VERSION "0.15.0"
#endif
#ifndef QEMU_PKGVERSION
#define QEMU_PKGVERSION ""
#endif

#define MON_PROMPT "(qemu) "
#define MON_OUTBUF_SIZE 1024
/* one less than the buffer, as in v0.15.0's readline */
#define MON_LINE_MAX 4095
/* Caps on what is kept for tests, so a runaway peer cannot eat memory. */
#define MON_LOG_MAX (1024 * 1024)
#define MON_EVENTS_MAX 4096
#define MON_PROTOCOL_EVENTS_MAX 256

enum {
    ESC_NONE,       /* plain input */
    ESC_SEEN,       /* after ESC */
    ESC_CSI,        /* inside ESC [ ... or a bare CSI byte */
};

typedef struct MonFd {
    char *name;
    int fd;
    QLIST_ENTRY(MonFd) next;
} MonFd;

struct Monitor {
    CharDriverState *chr;       /* NULL for buffer monitors */
    int flags;
    bool retired;               /* freed by the test, chardev still holds it */

    /* output is staged here and flushed per line, as in v0.15.0 */
    char outbuf[MON_OUTBUF_SIZE];
    int outbuf_index;
    int mux_out;                /* mux focus is elsewhere: hold output */
    int reset_seen;             /* CHR_EVENT_OPENED has arrived */
    int suspend_cnt;

    /* line editor (MONITOR_USE_READLINE only) */
    char line[MON_LINE_MAX + 1];
    int line_len;
    int esc_state;

    /* records for tests */
    GString *log;
    GArray *events;
    GByteArray *input;
    int ncommands;
    char *last_command;
    QDict *error;               /* QMP: first qerror_report() of a command */

    QLIST_HEAD(, MonFd) fds;
    QLIST_ENTRY(Monitor) entry;
};

Monitor *cur_mon;
Monitor *default_mon;

/* Live monitors, newest first. */
static QLIST_HEAD(, Monitor) mon_list = QLIST_HEAD_INITIALIZER(mon_list);
/* Freed chardev monitors: the chardev may still call their handlers. */
static GSList *retired_mons;
static QList *protocol_events;
static int protocol_event_count;

static int monitor_ctrl_mode(const Monitor *mon)
{
    return (mon->flags & MONITOR_USE_CONTROL) != 0;
}

static int monitor_readline(const Monitor *mon)
{
    return (mon->flags & MONITOR_USE_READLINE) != 0;
}

int monitor_cur_is_qmp(void)
{
    return cur_mon && monitor_ctrl_mode(cur_mon);
}

static void log_append(Monitor *mon, const char *data, size_t len)
{
    if (mon->log->len < MON_LOG_MAX) {
        g_string_append_len(mon->log, data,
                            MIN(len, MON_LOG_MAX - mon->log->len));
    }
}

void monitor_flush(Monitor *mon)
{
    if (mon == NULL || mon->chr == NULL || mon->outbuf_index == 0 ||
        mon->mux_out) {
        return;
    }
    log_append(mon, mon->outbuf, mon->outbuf_index);
    qemu_chr_write(mon->chr, (const uint8_t *)mon->outbuf, mon->outbuf_index);
    mon->outbuf_index = 0;
}

/* Terminal output: "\n" becomes "\r\n"; flushed per line or when full. */
static void monitor_puts(Monitor *mon, const char *str)
{
    const char *p;

    if (mon->chr == NULL) {
        log_append(mon, str, strlen(str));
        return;
    }
    for (p = str; *p != '\0'; p++) {
        /*
         * While the mux holds output back the buffer can fill up; v0.15.0
         * would overrun it, we drop the excess instead.
         */
        if (mon->outbuf_index + 2 > MON_OUTBUF_SIZE) {
            continue;
        }
        if (*p == '\n') {
            mon->outbuf[mon->outbuf_index++] = '\r';
        }
        mon->outbuf[mon->outbuf_index++] = *p;
        if (*p == '\n' || mon->outbuf_index >= MON_OUTBUF_SIZE - 1) {
            monitor_flush(mon);
        }
    }
}

void monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    char *text;

    /* QMP output is JSON only; free-form text is discarded */
    if (mon == NULL || monitor_ctrl_mode(mon)) {
        return;
    }
    text = g_strdup_vprintf(fmt, ap);
    monitor_puts(mon, text);
    g_free(text);
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    monitor_vprintf(mon, fmt, ap);
    va_end(ap);
}

/* Print a file name so that the monitor's own parser would read it back. */
void monitor_print_filename(Monitor *mon, const char *filename)
{
    const char *p;

    for (p = filename; *p != '\0'; p++) {
        switch (*p) {
        case ' ':
        case '"':
        case '\\':
            monitor_printf(mon, "\\%c", *p);
            break;
        case '\t':
            monitor_printf(mon, "\\t");
            break;
        case '\r':
            monitor_printf(mon, "\\r");
            break;
        case '\n':
            monitor_printf(mon, "\\n");
            break;
        default:
            monitor_printf(mon, "%c", *p);
            break;
        }
    }
}

static void monitor_show_prompt(Monitor *mon)
{
    monitor_printf(mon, "%s", MON_PROMPT);
    monitor_flush(mon);
    mon->esc_state = ESC_NONE;
}

/* Only line-editing monitors can be suspended, as in v0.15.0. */
int monitor_suspend(Monitor *mon)
{
    if (!monitor_readline(mon)) {
        return -ENOTTY;
    }
    mon->suspend_cnt++;
    return 0;
}

void monitor_resume(Monitor *mon)
{
    if (!monitor_readline(mon) || mon->suspend_cnt == 0) {
        return;
    }
    mon->suspend_cnt--;
    if (mon->suspend_cnt == 0) {
        monitor_show_prompt(mon);
    }
}

/* Hands a descriptor received with "getfd" over to the caller. */
int monitor_get_fd(Monitor *mon, const char *fdname)
{
    MonFd *monfd;
    int fd;

    QLIST_FOREACH(monfd, &mon->fds, next) {
        if (strcmp(monfd->name, fdname) == 0) {
            fd = monfd->fd;
            QLIST_REMOVE(monfd, next);
            g_free(monfd->name);
            g_free(monfd);
            return fd;
        }
    }
    return -1;
}

/* ---- commands ---- */

/*
 * A command has one of three handlers: the support monitor's own
 * (handler: at most one word of argument), or v0.15.0's cmd or cmd_new,
 * whose arguments are parsed by args_type as v0.15.0's monitor does
 * ("name:s" a string, "name:i" an integer, '?' after the type: optional).
 * user_print shows a cmd_new result on the human monitor.
 */
typedef struct MonCmd {
    const char *name;       /* '|' separates aliases */
    const char *args_type;
    const char *params;
    const char *help;
    void (*handler)(Monitor *mon, const char *arg);
    void (*cmd)(Monitor *mon, const QDict *qdict);
    int (*cmd_new)(Monitor *mon, const QDict *params, QObject **ret_data);
    void (*user_print)(Monitor *mon, const QObject *data);
} MonCmd;

static void monitor_user_noop(Monitor *mon, const QObject *data)
{
}

static void cmd_help(Monitor *mon, const char *arg);
static void cmd_info(Monitor *mon, const char *arg);
static void cmd_getfd(Monitor *mon, const char *arg);
static void cmd_closefd(Monitor *mon, const char *arg);
static void info_version(Monitor *mon, const char *arg);
static void info_chardev(Monitor *mon, const char *arg);

/* args_type, params and help of chardev_add/chardev_remove as in the .hx */
static const MonCmd mon_cmds[] = {
    {
        .name = "help|?", .params = "[cmd]", .help = "show the help",
        .handler = cmd_help,
    }, {
        .name = "info", .params = "[subcommand]",
        .help = "show various information about the system state",
        .handler = cmd_info,
    }, {
        .name = "getfd", .params = "getfd name",
        .help = "receive a file descriptor via SCM rights and assign it a "
                "name",
        .handler = cmd_getfd,
    }, {
        .name = "closefd", .params = "closefd name",
        .help = "close a file descriptor previously passed via SCM rights",
        .handler = cmd_closefd,
    }, {
        .name       = "chardev_add",
        .args_type  = "args:s",
        .params     = "backend,id=str[,prop=value][,...]",
        .help       = "add a character device (takes the -chardev options)",
        .cmd        = do_chardev_add_hmp,
    }, {
        .name       = "chardev_remove",
        .args_type  = "id:s",
        .params     = "id",
        .help       = "remove a character device that no device uses",
        .cmd_new    = do_chardev_remove,
    }, {
        .name       = "ringbuf_write",
        .args_type  = "device:s,data:s",
        .params     = "device data",
        .help       = "write data to a ring buffer chardev",
        .user_print = monitor_user_noop,
        .cmd_new    = do_ringbuf_write,
    }, {
        .name       = "ringbuf_read",
        .args_type  = "device:s,size:i",
        .params     = "device size",
        .help       = "read up to size bytes of a ringbuf chardev's output",
        .user_print = do_ringbuf_read_print,
        .cmd_new    = do_ringbuf_read,
    },
    { .name = NULL },
};

static const MonCmd info_cmds[] = {
    {
        .name = "version", .params = "",
        .help = "show the version of QEMU", .handler = info_version,
    }, {
        .name = "chardev", .params = "",
        .help = "show the character devices", .handler = info_chardev,
    },
    { .name = NULL },
};

/* The QMP commands (qmp-commands.hx): args_type, handler. */
static const MonCmd qmp_cmds[] = {
    {
        .name       = "chardev-add",
        .args_type  = "chardev:O",
        .cmd_new    = do_chardev_add,
    }, {
        .name       = "chardev-remove",
        .args_type  = "id:s",
        .cmd_new    = do_chardev_remove,
    }, {
        .name       = "ringbuf-write",
        .args_type  = "device:s,data:s,format:s?",
        .cmd_new    = do_ringbuf_write,
    }, {
        .name       = "ringbuf-read",
        .args_type  = "device:s,size:i,format:s?",
        .cmd_new    = do_ringbuf_read,
    },
    { .name = NULL },
};

static bool cmd_matches(const char *names, const char *name)
{
    size_t len = strlen(name);
    const char *p = names;

    for (;;) {
        if (strncmp(p, name, len) == 0 && (p[len] == '|' || !p[len])) {
            return true;
        }
        p = strchr(p, '|');
        if (p == NULL) {
            return false;
        }
        p++;
    }
}

static const MonCmd *find_cmd(const MonCmd *table, const char *name)
{
    for (; table->name != NULL; table++) {
        if (cmd_matches(table->name, name)) {
            return table;
        }
    }
    return NULL;
}

static void help_dump(Monitor *mon, const MonCmd *table, const char *prefix,
                      const char *name)
{
    for (; table->name != NULL; table++) {
        if (name == NULL || strcmp(name, table->name) == 0) {
            monitor_printf(mon, "%s%s %s -- %s\n", prefix, table->name,
                           table->params, table->help);
        }
    }
}

static void cmd_help(Monitor *mon, const char *arg)
{
    if (arg != NULL && strcmp(arg, "info") == 0) {
        help_dump(mon, info_cmds, "info ", NULL);
    } else {
        help_dump(mon, mon_cmds, "", arg);
    }
}

static void cmd_info(Monitor *mon, const char *arg)
{
    const MonCmd *cmd = arg ? find_cmd(info_cmds, arg) : NULL;

    if (cmd == NULL) {
        help_dump(mon, info_cmds, "info ", NULL);
        return;
    }
    cmd->handler(mon, NULL);
}

static void info_version(Monitor *mon, const char *arg)
{
    monitor_printf(mon, "%s%s\n", QEMU_VERSION, QEMU_PKGVERSION);
}

static void info_chardev(Monitor *mon, const char *arg)
{
    QObject *data = NULL;

    qemu_chr_info(mon, &data);
    if (data != NULL) {
        qemu_chr_info_print(mon, data);
        qobject_decref(data);
    }
}

static void cmd_getfd(Monitor *mon, const char *arg)
{
    MonFd *monfd;
    int fd;

    if (arg == NULL) {
        monitor_printf(mon, "getfd: missing name\n");
        return;
    }
    fd = mon->chr ? qemu_chr_get_msgfd(mon->chr) : -1;
    if (fd == -1) {
        error_report("No file descriptor supplied via SCM_RIGHTS");
        return;
    }
    if (qemu_isdigit(arg[0])) {
        close(fd);
        error_report("Parameter 'fdname' expects a name not starting "
                     "with a digit");
        return;
    }
    QLIST_FOREACH(monfd, &mon->fds, next) {
        if (strcmp(monfd->name, arg) == 0) {
            /* a name can be reused: the old descriptor is closed */
            close(monfd->fd);
            monfd->fd = fd;
            return;
        }
    }
    monfd = g_new0(MonFd, 1);
    monfd->name = g_strdup(arg);
    monfd->fd = fd;
    QLIST_INSERT_HEAD(&mon->fds, monfd, next);
}

static void cmd_closefd(Monitor *mon, const char *arg)
{
    int fd;

    if (arg == NULL) {
        monitor_printf(mon, "closefd: missing name\n");
        return;
    }
    fd = monitor_get_fd(mon, arg);
    if (fd == -1) {
        error_report("File descriptor named '%s' not found", arg);
        return;
    }
    close(fd);
}

/*
 * One string argument as v0.15.0's get_str() reads it: a "quoted" string
 * with \\ \" \n \r \t escapes, or up to the next white space.  NULL if
 * the quotes are not closed.
 */
static char *parse_str_arg(const char **pp)
{
    const char *p = *pp;
    GString *out = g_string_new(NULL);

    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                switch (*p) {
                case 'n':
                    g_string_append_c(out, '\n');
                    break;
                case 'r':
                    g_string_append_c(out, '\r');
                    break;
                case 't':
                    g_string_append_c(out, '\t');
                    break;
                default:
                    g_string_append_c(out, *p);
                    break;
                }
            } else {
                g_string_append_c(out, *p);
            }
        }
        if (*p != '"') {
            g_string_free(out, TRUE);
            return NULL;
        }
        p++;
    } else {
        while (*p && !qemu_isspace(*p)) {
            g_string_append_c(out, *p++);
        }
    }
    *pp = p;
    return g_string_free(out, FALSE);
}

/*
 * One integer argument, with the messages of v0.15.0's expression parser
 * (plain numbers only: no registers or arithmetic) and its 32-bit limit
 * of 'i'.  False, with the message printed, if there is none.
 */
static bool parse_int_arg(Monitor *mon, const MonCmd *cmd, const char **pp,
                          int64_t *val)
{
    char *end;

    if (**pp == '\0') {
        monitor_printf(mon, "unexpected end of expression\n");
        return false;
    }
    errno = 0;
    *val = strtoll(*pp, &end, 0);
    if (end == *pp || (*end && !qemu_isspace(*end))) {
        monitor_printf(mon, "invalid char in expression\n");
        return false;
    }
    if (errno || (*val >> 32) & 0xffffffff) {
        monitor_printf(mon, "'%s' has failed: integer is for 32-bit values\n",
                       cmd->name);
        return false;
    }
    *pp = end;
    return true;
}

/*
 * Arguments by args_type ("name:s", "name:i", '?' for optional, comma
 * separated), with v0.15.0's messages.  NULL on error.
 */
static QDict *parse_typed_args(Monitor *mon, const MonCmd *cmd,
                               const char *p)
{
    QDict *qdict = qdict_new();
    char **specs = g_strsplit(cmd->args_type, ",", -1);
    char **spec;

    for (spec = specs; *spec; spec++) {
        char *colon = strchr(*spec, ':');
        bool optional = g_str_has_suffix(*spec, "?");
        char *value;
        int64_t num;

        assert(colon && (colon[1] == 's' || colon[1] == 'i'));
        *colon = '\0';
        while (qemu_isspace(*p)) {
            p++;
        }
        if (*p == '\0' && optional) {
            continue;
        }
        if (colon[1] == 'i') {
            if (!parse_int_arg(mon, cmd, &p, &num)) {
                goto fail;
            }
            qdict_put(qdict, *spec, qint_from_int(num));
            continue;
        }
        if (*p == '\0') {
            monitor_printf(mon, "%s: string expected\n", cmd->name);
            goto fail;
        }
        value = parse_str_arg(&p);
        if (value == NULL) {
            monitor_printf(mon, "%s: string expected\n", cmd->name);
            goto fail;
        }
        qdict_put(qdict, *spec, qstring_from_str(value));
        g_free(value);
    }
    while (qemu_isspace(*p)) {
        p++;
    }
    if (*p != '\0') {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmd->name);
        goto fail;
    }
    g_strfreev(specs);
    return qdict;

fail:
    g_strfreev(specs);
    QDECREF(qdict);
    return NULL;
}

static void run_typed_command(Monitor *mon, const MonCmd *cmd,
                              const char *args)
{
    QDict *qdict = parse_typed_args(mon, cmd, args);
    QObject *data = NULL;

    if (qdict == NULL) {
        return;
    }
    if (cmd->cmd_new) {
        /* as in v0.15.0, only a result of a command that succeeded shows */
        if (cmd->cmd_new(mon, qdict, &data) == 0 && data && cmd->user_print) {
            cmd->user_print(mon, data);
        }
        qobject_decref(data);
    } else {
        cmd->cmd(mon, qdict);
    }
    QDECREF(qdict);
}

/* Split "name  arg" and run it; errors land on this monitor. */
static void handle_user_command(Monitor *mon, const char *cmdline)
{
    Monitor *old_mon = cur_mon;
    const MonCmd *cmd;
    char **words;
    char *name, *arg;

    while (qemu_isspace(*cmdline)) {
        cmdline++;
    }
    if (*cmdline == '\0') {
        return;
    }
    mon->ncommands++;
    g_free(mon->last_command);
    mon->last_command = g_strdup(cmdline);

    /* the command takes at most one argument: the first word after it */
    words = g_strsplit_set(cmdline, " \t", -1);
    name = words[0];
    arg = NULL;
    if (words[1] != NULL) {
        char **w;

        for (w = words + 1; *w != NULL; w++) {
            if (**w != '\0') {
                arg = *w;
                break;
            }
        }
    }

    cur_mon = mon;
    cmd = find_cmd(mon_cmds, name);
    if (cmd == NULL) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
    } else if (cmd->args_type) {
        run_typed_command(mon, cmd, cmdline + strlen(name));
    } else {
        cmd->handler(mon, arg);
    }
    cur_mon = old_mon;
    g_strfreev(words);
}

static void monitor_run_line(Monitor *mon, const char *line)
{
    /* no new prompt or input until the command has finished */
    monitor_suspend(mon);
    handle_user_command(mon, line);
    monitor_resume(mon);
}

/* ---- line editor ---- */

static void readline_byte(Monitor *mon, uint8_t ch)
{
    char line[MON_LINE_MAX + 1];

    switch (mon->esc_state) {
    case ESC_SEEN:
        mon->esc_state = ch == '[' ? ESC_CSI : ESC_NONE;
        return;
    case ESC_CSI:
        /* cursor and history keys are swallowed, not acted upon */
        if (!g_ascii_isdigit(ch)) {
            mon->esc_state = ESC_NONE;
        }
        return;
    }

    switch (ch) {
    case '\r':
    case '\n':
        /* each of CR and LF ends a line, so CRLF also runs an empty one */
        mon->line[mon->line_len] = '\0';
        memcpy(line, mon->line, mon->line_len + 1);
        mon->line_len = 0;
        monitor_printf(mon, "\n");
        monitor_run_line(mon, line);
        break;
    case 27:
        mon->esc_state = ESC_SEEN;
        break;
    case 155:
        mon->esc_state = ESC_CSI;
        break;
    case 8:
    case 127:
        if (mon->line_len > 0) {
            mon->line_len--;
            monitor_printf(mon, "\b \b");
        }
        break;
    default:
        if (ch >= 32 && mon->line_len < MON_LINE_MAX) {
            mon->line[mon->line_len++] = ch;
            monitor_printf(mon, "%c", ch);
        }
        break;
    }
}

/* ---- chardev frontend ---- */

static void record_input(Monitor *mon, const uint8_t *buf, int size)
{
    if (mon->input->len < MON_LOG_MAX) {
        g_byte_array_append(mon->input, buf,
                            MIN((guint)size, MON_LOG_MAX - mon->input->len));
    }
}

static void record_event(Monitor *mon, int event)
{
    if (mon->events->len < MON_EVENTS_MAX) {
        g_array_append_val(mon->events, event);
    }
}

/* One byte at a time, and nothing while a command runs, like v0.15.0. */
static int monitor_can_read(void *opaque)
{
    Monitor *mon = opaque;

    if (mon->retired) {
        return 1;
    }
    return mon->suspend_cnt == 0 ? 1 : 0;
}

static void monitor_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;
    Monitor *old_mon = cur_mon;
    int i;

    if (mon->retired) {
        return;
    }
    record_input(mon, buf, size);
    cur_mon = mon;
    if (monitor_readline(mon)) {
        for (i = 0; i < size; i++) {
            readline_byte(mon, buf[i]);
        }
        monitor_flush(mon);
    } else if (size == 0 || buf[size - 1] != '\0') {
        /* without line editing, each read must be one NUL-ended command */
        monitor_printf(mon, "corrupted command\n");
    } else {
        handle_user_command(mon, (const char *)buf);
    }
    cur_mon = old_mon;
}

static void monitor_event(void *opaque, int event)
{
    Monitor *mon = opaque;

    if (mon->retired) {
        return;
    }
    record_event(mon, event);
    switch (event) {
    case CHR_EVENT_MUX_IN:
        mon->mux_out = 0;
        if (mon->reset_seen) {
            /* a half-typed line is abandoned; the prompt comes back */
            mon->line_len = 0;
            monitor_resume(mon);
            monitor_flush(mon);
        } else {
            mon->suspend_cnt = 0;
        }
        break;
    case CHR_EVENT_MUX_OUT:
        if (mon->reset_seen) {
            if (mon->suspend_cnt == 0) {
                monitor_printf(mon, "\n");
            }
            monitor_flush(mon);
            monitor_suspend(mon);
        } else {
            mon->suspend_cnt++;
        }
        mon->mux_out = 1;
        break;
    case CHR_EVENT_OPENED:
        monitor_printf(mon, "QEMU %s monitor - type 'help' for more "
                       "information\n", QEMU_VERSION);
        if (!mon->mux_out) {
            monitor_show_prompt(mon);
        }
        mon->reset_seen = 1;
        break;
    }
}

static void monitor_json_emit(Monitor *mon, const QObject *data)
{
    QString *json;

    json = (mon->flags & MONITOR_USE_PRETTY) ? qobject_to_json_pretty(data) :
                                               qobject_to_json(data);
    qstring_append_chr(json, '\n');
    monitor_puts(mon, qstring_get_str(json));
    QDECREF(json);
}

static QObject *qmp_greeting(void)
{
    QObject *version;
    char *end;
    long major, minor, micro;

    major = strtol(QEMU_VERSION, &end, 10);
    minor = strtol(end + (*end == '.'), &end, 10);
    micro = strtol(end + (*end == '.'), &end, 10);
    version = qobject_from_jsonf("{ 'qemu': { 'major': %d, 'minor': %d, "
                                 "'micro': %d }, 'package': %s }",
                                 (int)major, (int)minor, (int)micro,
                                 QEMU_PKGVERSION);
    return qobject_from_jsonf("{ 'QMP': { 'version': %p, "
                              "'capabilities': [] } }", version);
}

static void monitor_control_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    if (mon->retired) {
        return;
    }
    /* QMP commands are not executed by the support monitor */
    record_input(mon, buf, size);
}

static void monitor_control_event(void *opaque, int event)
{
    Monitor *mon = opaque;
    QObject *greeting;

    if (mon->retired) {
        return;
    }
    record_event(mon, event);
    if (event == CHR_EVENT_OPENED) {
        greeting = qmp_greeting();
        monitor_json_emit(mon, greeting);
        qobject_decref(greeting);
    }
}

static Monitor *monitor_new(CharDriverState *chr, int flags)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->flags = flags;
    mon->log = g_string_new(NULL);
    mon->events = g_array_new(FALSE, FALSE, sizeof(int));
    mon->input = g_byte_array_new();
    QLIST_INIT(&mon->fds);
    QLIST_INSERT_HEAD(&mon_list, mon, entry);
    return mon;
}

void monitor_init(CharDriverState *chr, int flags)
{
    Monitor *mon = monitor_new(chr, flags);

    if (monitor_ctrl_mode(mon)) {
        qemu_chr_add_handlers(chr, monitor_can_read, monitor_control_read,
                              monitor_control_event, mon);
        /* v0.15.0 asks for echo on a control chardev */
        qemu_chr_set_echo(chr, true);
    } else {
        qemu_chr_add_handlers(chr, monitor_can_read, monitor_read,
                              monitor_event, mon);
    }
    if (default_mon == NULL || (flags & MONITOR_IS_DEFAULT)) {
        default_mon = mon;
    }
}

static const char *protocol_event_name(MonitorEvent event)
{
    static const char *const names[QEVENT_MAX] = {
        [QEVENT_SHUTDOWN] = "SHUTDOWN",
        [QEVENT_RESET] = "RESET",
        [QEVENT_POWERDOWN] = "POWERDOWN",
        [QEVENT_STOP] = "STOP",
        [QEVENT_RESUME] = "RESUME",
        [QEVENT_VNC_CONNECTED] = "VNC_CONNECTED",
        [QEVENT_VNC_INITIALIZED] = "VNC_INITIALIZED",
        [QEVENT_VNC_DISCONNECTED] = "VNC_DISCONNECTED",
        [QEVENT_BLOCK_IO_ERROR] = "BLOCK_IO_ERROR",
        [QEVENT_RTC_CHANGE] = "RTC_CHANGE",
        [QEVENT_WATCHDOG] = "WATCHDOG",
        [QEVENT_SPICE_CONNECTED] = "SPICE_CONNECTED",
        [QEVENT_SPICE_INITIALIZED] = "SPICE_INITIALIZED",
        [QEVENT_SPICE_DISCONNECTED] = "SPICE_DISCONNECTED",
    };

    assert((unsigned)event < QEVENT_MAX && names[event] != NULL);
    return names[event];
}

/*
 * Events are logged for tests.  v0.15.0 emits them only to QMP monitors
 * that have negotiated capabilities, which ours never do.
 */
void monitor_protocol_event(MonitorEvent event, QObject *data)
{
    QDict *qmp = qdict_new();
    QObject *dropped;
    gint64 now = g_get_real_time();

    qdict_put_obj(qmp, "timestamp",
                  qobject_from_jsonf("{ 'seconds': %" PRId64 ", "
                                     "'microseconds': %" PRId64 " }",
                                     (int64_t)(now / G_USEC_PER_SEC),
                                     (int64_t)(now % G_USEC_PER_SEC)));
    qdict_put(qmp, "event", qstring_from_str(protocol_event_name(event)));
    if (data != NULL) {
        qobject_incref(data);
        qdict_put_obj(qmp, "data", data);
    }
    if (protocol_events == NULL) {
        protocol_events = qlist_new();
    }
    qlist_append(protocol_events, qmp);
    if (++protocol_event_count > MON_PROTOCOL_EVENTS_MAX) {
        dropped = qlist_pop(protocol_events);
        qobject_decref(dropped);
        protocol_event_count--;
    }
}

/* ---- QMP command execution (qmp-commands.hx table) ---- */

void support_int_monitor_set_error(Monitor *mon, QDict *error)
{
    if (mon->error) {
        QDECREF(error);
        return;
    }
    mon->error = error;
}

/* v0.15.0's argument checks against args_type; false with an error set. */
static bool qmp_check_args(const MonCmd *cmd, const QDict *args)
{
    char **specs = g_strsplit(cmd->args_type, ",", -1);
    char **spec;
    const QDictEntry *ent;
    bool accept_unknown = false;
    bool ok = true;

    for (spec = specs; *spec && ok; spec++) {
        char *colon = strchr(*spec, ':');
        QObject *value;

        assert(colon);
        *colon = '\0';
        if (colon[1] == 'O') {
            accept_unknown = true;
            continue;
        }
        assert(colon[1] == 's' || colon[1] == 'i');
        value = qdict_get(args, *spec);
        if (value == NULL) {
            if (colon[2] != '?') {
                qerror_report(QERR_MISSING_PARAMETER, *spec);
                ok = false;
            }
        } else if (colon[1] == 'i' && qobject_type(value) != QTYPE_QINT) {
            qerror_report(QERR_INVALID_PARAMETER_TYPE, *spec, "int");
            ok = false;
        } else if (colon[1] == 's' && qobject_type(value) != QTYPE_QSTRING) {
            qerror_report(QERR_INVALID_PARAMETER_TYPE, *spec, "string");
            ok = false;
        }
    }
    for (ent = qdict_first(args); ent && ok && !accept_unknown;
         ent = qdict_next(args, ent)) {
        const char *key = qdict_entry_key(ent);
        bool known = false;

        for (spec = specs; *spec; spec++) {
            known = known || strcmp(*spec, key) == 0;
        }
        if (!known) {
            qerror_report(QERR_INVALID_PARAMETER, key);
            ok = false;
        }
    }
    g_strfreev(specs);
    return ok;
}

static void qmp_dispatch(Monitor *mon, const char *json, QObject **ret_data)
{
    QObject *req = qobject_from_json(json);
    QDict *dict, *args;
    const MonCmd *cmd;
    const char *name;

    if (req == NULL) {
        qerror_report(QERR_JSON_PARSING);
        return;
    }
    dict = qobject_to_qdict(req);
    if (dict == NULL || !qdict_haskey(dict, "execute") ||
        qobject_type(qdict_get(dict, "execute")) != QTYPE_QSTRING) {
        qerror_report(QERR_QMP_BAD_INPUT_OBJECT, "execute");
        goto out;
    }
    name = qdict_get_str(dict, "execute");
    cmd = find_cmd(qmp_cmds, name);
    if (cmd == NULL) {
        qerror_report(QERR_COMMAND_NOT_FOUND, name);
        goto out;
    }
    if (qdict_haskey(dict, "arguments")) {
        args = qobject_to_qdict(qdict_get(dict, "arguments"));
        if (args == NULL) {
            qerror_report(QERR_QMP_BAD_INPUT_OBJECT, "arguments");
            goto out;
        }
        QINCREF(args);
    } else {
        args = qdict_new();
    }
    if (qmp_check_args(cmd, args) &&
        cmd->cmd_new(mon, args, ret_data) < 0 && mon->error == NULL) {
        /* a failing handler must say why: as v0.15.0's handler_audit */
        qerror_report(QERR_UNDEFINED_ERROR);
    }
    QDECREF(args);
out:
    qobject_decref(req);
}

QObject *support_monitor_qmp(Monitor *mon, const char *json)
{
    Monitor *old_mon = cur_mon;
    QObject *data = NULL;
    QDict *rsp = qdict_new();

    assert(monitor_ctrl_mode(mon));
    cur_mon = mon;
    qmp_dispatch(mon, json, &data);
    cur_mon = old_mon;

    if (mon->error) {
        QDict *err = qdict_new();
        char *desc = support_qerror_human(mon->error);

        qdict_put(err, "class",
                  qstring_from_str(qdict_get_str(mon->error, "class")));
        qdict_put(err, "desc", qstring_from_str(desc));
        QINCREF(qdict_get_qdict(mon->error, "data"));
        qdict_put(err, "data", qdict_get_qdict(mon->error, "data"));
        qdict_put(rsp, "error", err);
        g_free(desc);
        QDECREF(mon->error);
        mon->error = NULL;
        qobject_decref(data);
    } else {
        qdict_put_obj(rsp, "return", data ? data : QOBJECT(qdict_new()));
    }
    return QOBJECT(rsp);
}

/* ---- support-monitor.h ---- */

Monitor *support_monitor_new_qmp(void)
{
    return monitor_new(NULL, MONITOR_USE_CONTROL);
}

Monitor *support_monitor_new_buffer(void)
{
    return monitor_new(NULL, 0);
}

const char *support_monitor_buffer(Monitor *mon)
{
    return mon->log->str;
}

size_t support_monitor_buffer_len(Monitor *mon)
{
    return mon->log->len;
}

void support_monitor_buffer_clear(Monitor *mon)
{
    g_string_truncate(mon->log, 0);
}

void support_monitor_free(Monitor *mon)
{
    MonFd *monfd, *next_fd;

    if (mon == NULL || mon->retired) {
        return;
    }
    QLIST_REMOVE(mon, entry);
    if (cur_mon == mon) {
        cur_mon = NULL;
    }
    if (default_mon == mon) {
        default_mon = NULL;
    }
    QLIST_FOREACH_SAFE(monfd, &mon->fds, next, next_fd) {
        QLIST_REMOVE(monfd, next);
        close(monfd->fd);
        g_free(monfd->name);
        g_free(monfd);
    }
    g_string_free(mon->log, TRUE);
    g_array_free(mon->events, TRUE);
    g_byte_array_free(mon->input, TRUE);
    g_free(mon->last_command);
    if (mon->error) {
        QDECREF(mon->error);
    }
    if (mon->chr == NULL) {
        g_free(mon);
        return;
    }
    /*
     * The chardev (perhaps a mux, perhaps already closed) may still hold
     * mon as its handler opaque, and detaching is not safe for every
     * backend, so the husk stays allocated with inert handlers.
     */
    mon->retired = true;
    retired_mons = g_slist_prepend(retired_mons, mon);
}

Monitor *support_monitor_last(void)
{
    Monitor *mon;

    QLIST_FOREACH(mon, &mon_list, entry) {
        if (mon->chr != NULL) {
            return mon;
        }
    }
    return NULL;
}

CharDriverState *support_monitor_chr(Monitor *mon)
{
    return mon->chr;
}

int support_monitor_flags(Monitor *mon)
{
    return mon->flags;
}

int support_monitor_event_count(Monitor *mon)
{
    return mon->events->len;
}

int support_monitor_event(Monitor *mon, int index)
{
    assert(index >= 0 && (guint)index < mon->events->len);
    return g_array_index(mon->events, int, index);
}

int support_monitor_event_seen(Monitor *mon, int event)
{
    guint i;
    int n = 0;

    for (i = 0; i < mon->events->len; i++) {
        if (g_array_index(mon->events, int, i) == event) {
            n++;
        }
    }
    return n;
}

const uint8_t *support_monitor_input(Monitor *mon, size_t *len)
{
    static const uint8_t nul;

    /* keep a NUL after the data without counting it */
    g_byte_array_append(mon->input, &nul, 1);
    g_byte_array_set_size(mon->input, mon->input->len - 1);
    if (len != NULL) {
        *len = mon->input->len;
    }
    return mon->input->data ? mon->input->data : &nul;
}

void support_monitor_input_clear(Monitor *mon)
{
    g_byte_array_set_size(mon->input, 0);
}

int support_monitor_command_count(Monitor *mon)
{
    return mon->ncommands;
}

const char *support_monitor_last_command(Monitor *mon)
{
    return mon->last_command;
}

void support_monitor_command(Monitor *mon, const char *cmdline)
{
    handle_user_command(mon, cmdline);
    monitor_flush(mon);
}

QList *support_monitor_protocol_events(void)
{
    if (protocol_events == NULL) {
        protocol_events = qlist_new();
    }
    return protocol_events;
}

void support_monitor_protocol_events_clear(void)
{
    QDECREF(protocol_events);
    protocol_events = NULL;
    protocol_event_count = 0;
}
