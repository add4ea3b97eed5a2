/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest tests: a spice client that reports the agent's connection state. */

/*
 * Usage: spice-agent-probe URI [MAX_SECONDS]
 *
 * Connects to the spice server at URI (spice://HOST:PORT or
 * spice+unix://PATH) and stays connected, printing on stdout
 *     main-channel open        once the main channel is up,
 *     agent-connected 0|1      the agent state right after that line,
 *                              then again on every change.
 * Exits with status 0 on SIGTERM, SIGINT, SIGHUP or end of stdin, and
 * with 1 when the main channel fails or closes, or MAX_SECONDS (default
 * 300) have passed; usage errors give 2.
 *
 * It stays connected rather than polling because spice-server tells a
 * client that the guest agent came or went only while that client is
 * connected: a late client can read the current state, but never see a
 * transition.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib.h>
#include <glib-unix.h>
#include <spice-client.h>

#define DEFAULT_MAX_SECONDS 300
#define MAX_MAX_SECONDS 86400
#define DISCONNECT_MS 5000      /* bound on leaving the server cleanly */

typedef struct Probe {
    GMainLoop *loop;
    SpiceSession *session;
    SpiceMainChannel *main;
    int channels;               /* alive: channel-new minus channel-destroy */
    bool main_open;
    int agent;                  /* last value printed, -1 before any */
    bool stopping;
    int status;                 /* exit status, fixed by the first stop */
} Probe;

static void probe_stop(Probe *p, int status)
{
    if (!p->stopping) {
        p->stopping = true;
        p->status = status;
    }
    g_main_loop_quit(p->loop);
}

/* Print the agent state if it differs from what was printed last. */
static void probe_report_agent(Probe *p)
{
    gboolean connected = FALSE;

    g_object_get(p->main, "agent-connected", &connected, NULL);
    if (p->agent != !!connected) {
        p->agent = !!connected;
        printf("agent-connected %d\n", p->agent);
    }
}

static void probe_agent_notify(GObject *obj, GParamSpec *pspec,
                               gpointer opaque)
{
    Probe *p = opaque;

    /* Before the channel opened the value is only a default. */
    if (p->main_open && !p->stopping) {
        probe_report_agent(p);
    }
}

static void probe_main_event(SpiceChannel *channel, SpiceChannelEvent event,
                             gpointer opaque)
{
    Probe *p = opaque;
    const GError *err;
    gchar *name;

    if (p->stopping) {
        return;
    }
    if (event == SPICE_CHANNEL_OPENED) {
        p->main_open = true;
        printf("main-channel open\n");
        probe_report_agent(p);
        return;
    }
    if (event == SPICE_CHANNEL_SWITCHING) {
        return;
    }
    name = g_enum_to_string(SPICE_TYPE_CHANNEL_EVENT, event);
    err = spice_channel_get_error(channel);
    fprintf(stderr, "spice-agent-probe: main channel: %s%s%s\n", name,
            err ? ": " : "", err ? err->message : "");
    g_free(name);
    probe_stop(p, 1);
}

static void probe_channel_new(SpiceSession *session, SpiceChannel *channel,
                              gpointer opaque)
{
    Probe *p = opaque;

    p->channels++;
    if (SPICE_IS_MAIN_CHANNEL(channel)) {
        /* The session connects the main channel itself. */
        p->main = SPICE_MAIN_CHANNEL(channel);
        g_signal_connect(channel, "channel-event",
                         G_CALLBACK(probe_main_event), p);
        g_signal_connect(channel, "notify::agent-connected",
                         G_CALLBACK(probe_agent_notify), p);
    }
    /* Other channels stay unconnected: only the agent state matters. */
}

static void probe_channel_destroy(SpiceSession *session,
                                  SpiceChannel *channel, gpointer opaque)
{
    Probe *p = opaque;

    p->channels--;
    if (SPICE_CHANNEL(p->main) == channel) {
        g_signal_handlers_disconnect_by_data(channel, p);
        p->main = NULL;
        p->main_open = false;
    }
    if (p->stopping && p->channels == 0) {
        g_main_loop_quit(p->loop);
    }
}

static gboolean probe_stdin(gint fd, GIOCondition cond, gpointer opaque)
{
    Probe *p = opaque;
    char buf[256];
    ssize_t n;

    n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n > 0) {
        return G_SOURCE_CONTINUE;       /* input carries no commands */
    }
    probe_stop(p, 0);
    return G_SOURCE_REMOVE;
}

static gboolean probe_signal(gpointer opaque)
{
    probe_stop(opaque, 0);
    return G_SOURCE_CONTINUE;
}

static gboolean probe_expired(gpointer opaque)
{
    fprintf(stderr, "spice-agent-probe: time limit reached\n");
    probe_stop(opaque, 1);
    return G_SOURCE_REMOVE;
}

static gboolean probe_quit(gpointer opaque)
{
    Probe *p = opaque;

    g_main_loop_quit(p->loop);
    return G_SOURCE_CONTINUE;
}

static int parse_seconds(const char *arg, unsigned *seconds)
{
    unsigned long v;
    char *end;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno || end == arg || *end || v == 0 || v > MAX_MAX_SECONDS) {
        return -1;
    }
    *seconds = v;
    return 0;
}

int main(int argc, char **argv)
{
    Probe p = { .agent = -1 };
    unsigned max_seconds = DEFAULT_MAX_SECONDS;
    guint sources[5] = { 0 };
    guint nsources = 0;
    guint bye;
    guint i;

    if (argc < 2 || argc > 3 ||
        (argc == 3 && parse_seconds(argv[2], &max_seconds) < 0)) {
        fprintf(stderr, "usage: %s URI [MAX_SECONDS (1-%d)]\n", argv[0],
                MAX_MAX_SECONDS);
        return 2;
    }
    /* A reader waits for each line: never leave one in the buffer. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    p.loop = g_main_loop_new(NULL, FALSE);
    p.session = spice_session_new();
    g_object_set(p.session, "uri", argv[1], "enable-audio", FALSE,
                 "enable-usbredir", FALSE, "enable-smartcard", FALSE, NULL);
    g_signal_connect(p.session, "channel-new",
                     G_CALLBACK(probe_channel_new), &p);
    g_signal_connect(p.session, "channel-destroy",
                     G_CALLBACK(probe_channel_destroy), &p);

    sources[nsources++] = g_unix_signal_add(SIGTERM, probe_signal, &p);
    sources[nsources++] = g_unix_signal_add(SIGINT, probe_signal, &p);
    sources[nsources++] = g_unix_signal_add(SIGHUP, probe_signal, &p);
    /* Below the client's idle work, so chatter on stdin cannot stall it. */
    sources[nsources++] = g_unix_fd_add_full(G_PRIORITY_LOW, STDIN_FILENO,
                                             G_IO_IN | G_IO_HUP | G_IO_ERR,
                                             probe_stdin, &p, NULL);
    sources[nsources++] = g_timeout_add_seconds(max_seconds, probe_expired,
                                                &p);

    if (!spice_session_connect(p.session)) {
        fprintf(stderr, "spice-agent-probe: cannot connect to %s\n",
                argv[1]);
        p.status = 1;
        goto out;
    }
    g_main_loop_run(p.loop);

    /* Leave the server cleanly, but do not wait on it for long. */
    p.stopping = true;
    spice_session_disconnect(p.session);
    if (p.channels > 0) {
        bye = g_timeout_add(DISCONNECT_MS, probe_quit, &p);
        g_main_loop_run(p.loop);
        g_source_remove(bye);
    }

out:
    for (i = 0; i < nsources; i++) {
        /* The stdin watch and the time limit may be gone already. */
        if (g_main_context_find_source_by_id(NULL, sources[i])) {
            g_source_remove(sources[i]);
        }
    }
    g_signal_handlers_disconnect_by_data(p.session, &p);
    g_object_unref(p.session);
    g_main_loop_unref(p.loop);
    return p.status;
}
