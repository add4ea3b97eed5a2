/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the spicevmc and spiceport chardevs against a real spice client. */

#include <glib.h>
#include "qemu-common.h"
#include "qemu-char.h"
#include "qemu-timer.h"
#include "ui/qemu-spice.h"
#include "char-test-util.h"
#include "support-test.h"
#include "support-spice.h"
#include "qemu_socket.h"
#include "module.h"
#include "support-virtio.h"
#include "libvirtio-guest.h"

#ifdef CONFIG_SPICE_CLIENT
#include <spice-client.h>
#endif

#define WAIT_MS 10000           /* bound of any single wait */
#define BIG_LEN (1024 * 1024)   /* larger than any buffer on the way */
#define PORT_NAME "org.example.port"

/* ---- open errors --------------------------------------------------------- */

/*
 * What "-spice port=N" leaves when vl.c opens the chardevs: the option is
 * there, the server starts only later (qemu_spice_init() runs with the
 * devices).  The spice chardevs need at least this.
 */
static QemuOpts *spice_option_given(void)
{
    QemuOpts *opts = qemu_opts_parse(qemu_find_opts("spice"), "port=5930",
                                     0);

    g_assert(opts != NULL);
    return opts;
}

/* Without -spice the spice chardevs would be inert: refused. */
static void test_needs_spice(void)
{
    static const struct {
        const char *opts;
        const char *err;
    } cases[] = {
        { "spicevmc,id=nospice0,name=vdagent",
          "chardev \"nospice0\": backend \"spicevmc\": spice is not "
          "enabled (this backend needs -spice)" },
        { "spiceport,id=nospice1,name=" PORT_NAME,
          "chardev \"nospice1\": backend \"spiceport\": spice is not "
          "enabled (this backend needs -spice)" },
    };
    QemuOpts *spice;
    CharDriverState *chr;
    unsigned i;

    g_assert(!using_spice);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        char *err = test_chr_open_error(cases[i].opts);

        g_assert_cmpstr(err, ==, cases[i].err);
        g_free(err);
    }
    /* -spice given, server not started yet: the order of vl.c */
    spice = spice_option_given();
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        chr = test_chr_new(cases[i].opts);
        g_assert(chr != NULL);
        qemu_chr_close(chr);
    }
    qemu_opts_del(spice);
}

/* The names spicevmc accepts, as its error message lists them. */
static char *vmc_names(void)
{
    GString *s = g_string_new("");
    const char **p;

    for (p = spice_server_char_device_recognized_subtypes(); *p; p++) {
        if (strcmp(*p, "port") != 0) {
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", *p);
        }
    }
    return g_string_free(s, FALSE);
}

static void test_vmc_name_missing(void)
{
    QemuOpts *spice = spice_option_given();
    char *names = vmc_names();
    char *err = test_chr_open_error("spicevmc,id=vmc0");
    char *want = g_strdup_printf("chardev \"vmc0\": backend \"spicevmc\": "
                                 "name: missing (valid names: %s)", names);

    g_assert(strstr(names, "vdagent") != NULL);
    g_assert_cmpstr(err, ==, want);
    g_assert(qemu_chr_find("vmc0") == NULL);
    g_free(want);
    g_free(err);
    g_free(names);
    qemu_opts_del(spice);
}

static void test_vmc_name_unknown(void)
{
    QemuOpts *spice = spice_option_given();
    char *names = vmc_names();
    char *err;
    char *want;

    err = test_chr_open_error("spicevmc,id=vmc0,name=bogus");
    want = g_strdup_printf("chardev \"vmc0\": backend \"spicevmc\": "
                           "name: unknown channel \"bogus\" "
                           "(valid names: %s)", names);
    g_assert_cmpstr(err, ==, want);
    g_free(want);
    g_free(err);

    /* "port" is a spice subtype, but it belongs to spiceport */
    err = test_chr_open_error("spicevmc,id=vmc0,name=port");
    g_assert(strstr(err, "unknown channel \"port\"") != NULL);
    g_free(err);
    g_free(names);
    qemu_opts_del(spice);
}

static void test_port_name_missing(void)
{
    QemuOpts *spice = spice_option_given();
    char *err = test_chr_open_error("spiceport,id=port0");

    g_assert_cmpstr(err, ==, "chardev \"port0\": backend \"spiceport\": "
                    "name: missing (a port name such as "
                    "org.qemu.console.serial.0)");
    g_free(err);
    qemu_opts_del(spice);
}

/* Guest open/close without a client or server: harmless, never fatal. */
static void test_vmc_no_server(void)
{
    QemuOpts *spice = spice_option_given();
    CharDriverState *chr = test_chr_new("spicevmc,id=vmc1,name=vdagent");
    TestFrontend fe;
    static const uint8_t msg[] = "nobody listens";

    g_assert(chr != NULL);
    test_fe_attach(&fe, chr);
    g_assert(test_fe_wait_event(&fe, CHR_EVENT_OPENED, WAIT_MS));
    /* closed: nobody to keep the bytes for, so they are taken and gone */
    g_assert_cmpint(qemu_chr_write(chr, msg, sizeof(msg)), ==, sizeof(msg));
    qemu_chr_guest_close(chr);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    qemu_opts_del(spice);
}

/* debug=N: the backend traces to stderr, more with a higher level */
static void test_vmc_debug(void)
{
    QemuOpts *spice = spice_option_given();
    char *dir = support_make_tmpdir();
    char *path = g_build_filename(dir, "stderr", NULL);
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    static const uint8_t msg[] = "traced";
    CharDriverState *quiet, *loud;
    char *out = NULL;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(saved, >=, 0);
    quiet = test_chr_new("spicevmc,id=quiet,name=usbredir");
    loud = test_chr_new("spicevmc,id=loud,name=vdagent,debug=2");
    g_assert(quiet && loud);

    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    qemu_chr_write(quiet, msg, sizeof(msg));
    qemu_chr_write(loud, msg, sizeof(msg));
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);

    g_assert(g_file_get_contents(path, &out, NULL, NULL));
    g_assert(strstr(out, "spice chardev vdagent: no interface, 7 bytes "
                    "dropped") != NULL);
    g_assert(strstr(out, "usbredir") == NULL);

    g_free(out);
    qemu_chr_close(quiet);
    qemu_chr_close(loud);
    unlink(path);
    g_assert_cmpint(support_rm_tmpdir(dir), ==, 0);
    g_free(path);
    g_free(dir);
    qemu_opts_del(spice);
}

#ifdef CONFIG_SPICE_CLIENT

/* ---- a spice-client-glib client in this process --------------------------
 *
 * The support main loop also dispatches the default GMainContext, where
 * spice-client-glib runs, so both ends share the test's loop.
 */

typedef struct TestClient {
    SpiceSession *session;
    SpiceMainChannel *main;
    SpicePortChannel *port;         /* the one named PORT_NAME */
    int channels;                   /* alive (channel-new - channel-destroy) */
    bool main_open;
    bool main_error;
    /* every agent-connected value seen, in order */
    int agent_changes;
    bool agent_values[16];
    /* port */
    bool port_open;                 /* channel-event OPENED seen */
    int port_events[3];             /* SPICE_PORT_EVENT_* received */
    GByteArray *port_data;
    size_t written;                 /* client->guest bytes acknowledged */
    int write_errors;
} TestClient;

static void client_main_event(SpiceChannel *channel, SpiceChannelEvent event,
                              gpointer opaque)
{
    TestClient *c = opaque;

    if (event == SPICE_CHANNEL_OPENED) {
        c->main_open = true;
    } else if (event >= SPICE_CHANNEL_ERROR_CONNECT) {
        c->main_error = true;
    }
}

static void client_agent_notify(GObject *obj, GParamSpec *pspec,
                                gpointer opaque)
{
    TestClient *c = opaque;
    gboolean connected;

    g_object_get(obj, "agent-connected", &connected, NULL);
    if (c->agent_changes > 0 &&
        c->agent_values[c->agent_changes - 1] == !!connected) {
        return;     /* a notify without a change */
    }
    g_assert_cmpint(c->agent_changes, <, (int)G_N_ELEMENTS(c->agent_values));
    c->agent_values[c->agent_changes++] = connected;
}

static void client_port_event(SpiceChannel *channel, SpiceChannelEvent event,
                              gpointer opaque)
{
    TestClient *c = opaque;

    if (event != SPICE_CHANNEL_OPENED && SPICE_CHANNEL(c->port) == channel) {
        c->port_open = false;
    }
}

/* The port's name arrives after the channel opened. */
static void client_port_named(GObject *obj, GParamSpec *pspec,
                              gpointer opaque)
{
    TestClient *c = opaque;
    gchar *name = NULL;

    g_object_get(obj, "port-name", &name, NULL);
    if (g_strcmp0(name, PORT_NAME) == 0) {
        c->port = SPICE_PORT_CHANNEL(obj);
        c->port_open = true;
    }
    g_free(name);
}

static void client_port_data(SpicePortChannel *port, gpointer data, int size,
                             gpointer opaque)
{
    TestClient *c = opaque;

    if (port == c->port) {
        g_byte_array_append(c->port_data, data, size);
    }
}

static void client_port_guest_event(SpicePortChannel *port, int event,
                                    gpointer opaque)
{
    TestClient *c = opaque;

    if (port == c->port && event >= 0 &&
        event < (int)G_N_ELEMENTS(c->port_events)) {
        c->port_events[event]++;
    }
}

static void client_channel_new(SpiceSession *s, SpiceChannel *channel,
                               gpointer opaque)
{
    TestClient *c = opaque;

    c->channels++;
    if (SPICE_IS_MAIN_CHANNEL(channel)) {
        c->main = SPICE_MAIN_CHANNEL(channel);
        g_signal_connect(channel, "channel-event",
                         G_CALLBACK(client_main_event), c);
        g_signal_connect(channel, "notify::agent-connected",
                         G_CALLBACK(client_agent_notify), c);
        return;     /* the session connects it */
    }
    if (SPICE_IS_PORT_CHANNEL(channel)) {
        /* the name is known once connected */
        g_signal_connect(channel, "channel-event",
                         G_CALLBACK(client_port_event), c);
        g_signal_connect(channel, "notify::port-name",
                         G_CALLBACK(client_port_named), c);
        g_signal_connect(channel, "port-data",
                         G_CALLBACK(client_port_data), c);
        g_signal_connect(channel, "port-event",
                         G_CALLBACK(client_port_guest_event), c);
        spice_channel_connect(channel);
    }
    /* other channels (inputs, ...) are of no interest and stay idle */
}

static void client_channel_destroy(SpiceSession *s, SpiceChannel *channel,
                                   gpointer opaque)
{
    TestClient *c = opaque;

    c->channels--;
    if (SPICE_CHANNEL(c->port) == channel) {
        c->port = NULL;
        c->port_open = false;
    }
    if (SPICE_CHANNEL(c->main) == channel) {
        c->main = NULL;
    }
}

static bool client_main_ready(void *opaque)
{
    TestClient *c = opaque;

    return c->main_open || c->main_error;
}

static bool client_port_ready(void *opaque)
{
    TestClient *c = opaque;

    return c->port_open;
}

static bool client_port_closed(void *opaque)
{
    TestClient *c = opaque;

    return !c->port_open;
}

static bool client_gone(void *opaque)
{
    TestClient *c = opaque;

    return c->channels == 0 && support_spice_channels_connected() == 0;
}

static void client_connect(TestClient *c)
{
    char *port = g_strdup_printf("%d", support_spice_port());

    memset(c, 0, sizeof(*c));
    c->port_data = g_byte_array_new();
    c->session = spice_session_new();
    g_object_set(c->session, "host", "127.0.0.1", "port", port, NULL);
    g_signal_connect(c->session, "channel-new",
                     G_CALLBACK(client_channel_new), c);
    g_signal_connect(c->session, "channel-destroy",
                     G_CALLBACK(client_channel_destroy), c);
    g_assert(spice_session_connect(c->session));
    g_assert(support_run_until(client_main_ready, c, WAIT_MS));
    g_assert(!c->main_error);
    g_free(port);
}

static void client_disconnect(TestClient *c)
{
    spice_session_disconnect(c->session);
    g_assert(support_run_until(client_gone, c, WAIT_MS));
    g_signal_handlers_disconnect_by_data(c->session, c);
    g_object_unref(c->session);
    c->session = NULL;
    g_byte_array_free(c->port_data, TRUE);
    c->port_data = NULL;
}

static void server_start(void)
{
    g_assert_cmpint(support_spice_init("127.0.0.1", 0), ==, 0);
    g_assert_cmpint(support_spice_port(), >, 0);
}

static void server_stop(void)
{
    support_spice_destroy();
    g_assert_cmpint(support_spice_timer_count(), ==, 0);
    g_assert_cmpint(support_spice_watch_count(), ==, 0);
}

/* ---- spicevmc: the agent channel ----------------------------------------- */

/* Wait until a client counter (agent changes, bytes) reaches @count. */
typedef struct {
    TestClient *c;
    size_t count;
} ClientWait;

static bool agent_changed(void *opaque)
{
    ClientWait *w = opaque;

    return w->c->agent_changes >= w->count;
}

/* Run until @c has seen @count agent connection changes in all. */
static void wait_agent_changes(TestClient *c, int count)
{
    ClientWait w = { .c = c, .count = count };

    g_assert(support_run_until(agent_changed, &w, WAIT_MS));
}

/* Server and a spicevmc chardev @opts; no frontend yet. */
static CharDriverState *vmc_start(const char *opts)
{
    CharDriverState *chr;

    server_start();
    chr = test_chr_new(opts);
    g_assert(chr != NULL);
    return chr;
}

static bool agent_connected_now(TestClient *c)
{
    gboolean connected;

    g_object_get(c->main, "agent-connected", &connected, NULL);
    return connected;
}

/* What the client said to the agent starts with a capabilities message. */
static void check_agent_greeting(TestFrontend *fe)
{
    VDIChunkHeader chunk;
    VDAgentMessage msg;

    g_assert(test_fe_wait_input(fe, sizeof(chunk) + sizeof(msg), WAIT_MS));
    memcpy(&chunk, fe->input->data, sizeof(chunk));
    memcpy(&msg, fe->input->data + sizeof(chunk), sizeof(msg));
    g_assert_cmpuint(GUINT32_FROM_LE(chunk.port), ==, VDP_CLIENT_PORT);
    g_assert_cmpuint(GUINT32_FROM_LE(msg.protocol), ==,
                     VD_AGENT_PROTOCOL);
    g_assert_cmpuint(GUINT32_FROM_LE(msg.type), ==,
                     VD_AGENT_ANNOUNCE_CAPABILITIES);
}

static bool agent_has_monitors_cap(void *opaque)
{
    TestClient *c = opaque;

    return spice_main_channel_agent_test_capability(c->main,
                VD_AGENT_CAP_MONITORS_CONFIG);
}

/*
 * guest -> client through spicevmc: the "agent" announces a capability,
 * spice-server forwards the message, the client records it.
 */
static void agent_announce(CharDriverState *chr)
{
    struct {
        VDIChunkHeader chunk;
        VDAgentMessage msg;
        VDAgentAnnounceCapabilities caps;
        uint32_t caps_bits;
    } __attribute__((packed)) m;

    memset(&m, 0, sizeof(m));
    m.chunk.port = GUINT32_TO_LE(VDP_CLIENT_PORT);
    m.chunk.size = GUINT32_TO_LE(sizeof(m) - sizeof(m.chunk));
    m.msg.protocol = GUINT32_TO_LE(VD_AGENT_PROTOCOL);
    m.msg.type = GUINT32_TO_LE(VD_AGENT_ANNOUNCE_CAPABILITIES);
    m.msg.size = GUINT32_TO_LE(sizeof(m.caps) + sizeof(m.caps_bits));
    m.caps_bits = GUINT32_TO_LE(1u << VD_AGENT_CAP_MONITORS_CONFIG);
    g_assert_cmpint(qemu_chr_write(chr, (uint8_t *)&m, sizeof(m)), ==,
                    sizeof(m));
}

typedef struct {
    TestClient *c;
    int changes;
    VGuestPort *port;
    size_t rx;
} GuestAgentWait;

static bool guest_agent_changed(VGuest *g, void *opaque)
{
    GuestAgentWait *w = opaque;

    return w->c->agent_changes >= w->changes;
}

static bool guest_port_named(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->present && vg_port(g, 1)->name;
}

static bool guest_got_greeting(VGuest *g, void *opaque)
{
    GuestAgentWait *w = opaque;

    return w->port->rx_total >= w->rx + sizeof(VDIChunkHeader) +
                                 sizeof(VDAgentMessage);
}

/*
 * The whole path: a guest (the virtio-serial harness, playing the Linux
 * driver) opens and closes the vdagent port of a virtserialport backed by
 * spicevmc, and the real client's agent-connected follows.
 */
static void test_vmc_virtio_guest(void)
{
    TestClient c;
    GuestAgentWait w = { .c = &c };
    CharDriverState *chr;
    DeviceState *vser;
    VGuest *g;
    VDIChunkHeader chunk;

    server_start();
    chr = test_chr_new("spicevmc,id=vdagent1,name=vdagent");
    g_assert(chr != NULL);
    vser = support_device_add("virtio-serial,id=vserspice,max_ports=4");
    g_assert(vser);
    g_assert(support_device_add("virtserialport,id=agent,chardev=vdagent1,"
                                "name=com.redhat.spice.0"));
    g = vg_new(vser);
    vg_init(g, 1u << VIRTIO_CONSOLE_F_MULTIPORT);
    g_assert(vg_run_until(g, guest_port_named, NULL, WAIT_MS));
    g_assert_cmpstr(vg_port(g, 1)->name, ==, "com.redhat.spice.0");
    client_connect(&c);
    g_assert(!agent_connected_now(&c));
    w.port = vg_port(g, 1);

    vg_port_open(g, 1);
    w.changes = 1;
    g_assert(vg_run_until(g, guest_agent_changed, &w, WAIT_MS));
    g_assert(c.agent_values[0]);
    /* the client's greeting reaches the guest through its rings */
    g_assert(vg_run_until(g, guest_got_greeting, &w, WAIT_MS));
    memcpy(&chunk, w.port->rx->data, sizeof(chunk));
    g_assert_cmpuint(GUINT32_FROM_LE(chunk.port), ==, VDP_CLIENT_PORT);

    vg_port_close(g, 1);
    w.changes = 2;
    g_assert(vg_run_until(g, guest_agent_changed, &w, WAIT_MS));
    g_assert(!c.agent_values[1]);

    w.rx = w.port->rx_total;
    vg_port_open(g, 1);
    w.changes = 3;
    g_assert(vg_run_until(g, guest_agent_changed, &w, WAIT_MS));
    g_assert(c.agent_values[2]);
    vg_run_for(g, 200);
    g_assert_cmpint(c.agent_changes, ==, 3);

    client_disconnect(&c);
    qdev_free(vser);
    vg_free(g);
    qemu_chr_close(chr);
    server_stop();
}

static void test_vmc_agent_connected(void)
{
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr;

    chr = vmc_start("spicevmc,id=vdagent0,name=vdagent");
    test_fe_attach(&fe, chr);
    /* the frontend reports guest open/close, as virtio ports declare */
    qemu_chr_guest_close(chr);
    client_connect(&c);
    support_run_for(200);
    g_assert(!agent_connected_now(&c));
    g_assert_cmpint(c.agent_changes, ==, 0);

    /* guest opens the port: the agent appears to the client */
    qemu_chr_guest_open(chr);
    wait_agent_changes(&c, 1);
    g_assert(c.agent_values[0]);
    check_agent_greeting(&fe);
    g_assert(!agent_has_monitors_cap(&c));
    agent_announce(chr);
    g_assert(support_run_until(agent_has_monitors_cap, &c, WAIT_MS));

    /* a second open is no transition */
    qemu_chr_guest_open(chr);
    support_run_for(200);
    g_assert_cmpint(c.agent_changes, ==, 1);

    /* guest closes: gone; a second close changes nothing */
    qemu_chr_guest_close(chr);
    qemu_chr_guest_close(chr);
    wait_agent_changes(&c, 2);
    g_assert(!c.agent_values[1]);
    g_assert(!agent_connected_now(&c));

    /* and back */
    g_byte_array_set_size(fe.input, 0);
    qemu_chr_guest_open(chr);
    wait_agent_changes(&c, 3);
    g_assert(c.agent_values[2]);
    g_assert(agent_connected_now(&c));
    check_agent_greeting(&fe);

    support_run_for(200);
    g_assert_cmpint(c.agent_changes, ==, 3);

    client_disconnect(&c);
    test_fe_detach(&fe);
    qemu_chr_close(chr);
    server_stop();
}

/*
 * A frontend that never reports guest open/close (ccid-card-passthru on a
 * smartcard spicevmc) has the interface for as long as it is attached.
 */
static void test_vmc_frontend_without_guest_open(void)
{
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr;

    chr = vmc_start("spicevmc,id=vdagent0,name=vdagent");
    client_connect(&c);
    g_assert(!agent_connected_now(&c));

    test_fe_attach(&fe, chr);
    wait_agent_changes(&c, 1);
    g_assert(c.agent_values[0]);
    check_agent_greeting(&fe);

    test_fe_detach(&fe);
    wait_agent_changes(&c, 2);
    g_assert(!c.agent_values[1]);

    client_disconnect(&c);
    qemu_chr_close(chr);
    server_stop();
}

/* ---- spiceport ----------------------------------------------------------- */

typedef struct {
    TestClient *c;
    int event;
    int count;
} PortEventWait;

static bool port_event_seen(void *opaque)
{
    PortEventWait *w = opaque;

    return w->c->port_events[w->event] >= w->count;
}

static bool port_opened_now(TestClient *c)
{
    gboolean opened;

    g_object_get(c->port, "port-opened", &opened, NULL);
    return opened;
}

/* The guest opens the port; the client writes only once it knows. */
static void port_guest_open(TestClient *c, CharDriverState *chr)
{
    PortEventWait w = {
        .c = c,
        .event = SPICE_PORT_EVENT_OPENED,
        .count = c->port_events[SPICE_PORT_EVENT_OPENED] + 1,
    };

    qemu_chr_guest_open(chr);
    g_assert(support_run_until(port_event_seen, &w, WAIT_MS));
}

/* Server, port chardev with a frontend, client with the port connected. */
static CharDriverState *port_setup(TestClient *c, TestFrontend *fe)
{
    CharDriverState *chr;

    server_start();
    chr = test_chr_new("spiceport,id=port0,name=" PORT_NAME);
    g_assert(chr != NULL);
    test_fe_attach(fe, chr);
    client_connect(c);
    g_assert(support_run_until(client_port_ready, c, WAIT_MS));
    return chr;
}

static void port_teardown(TestClient *c, TestFrontend *fe,
                          CharDriverState *chr)
{
    client_disconnect(c);
    test_fe_detach(fe);
    qemu_chr_close(chr);
    server_stop();
}

/* A connected port the guest has opened, and @len bytes of pattern. */
typedef struct PortData {
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr;
    uint8_t *data;
} PortData;

static void port_data_setup(PortData *p, size_t len, int seed)
{
    p->chr = port_setup(&p->c, &p->fe);
    p->data = g_malloc(len);
    test_fill_pattern(p->data, len, seed);
    port_guest_open(&p->c, p->chr);
}

static void port_data_teardown(PortData *p)
{
    g_free(p->data);
    port_teardown(&p->c, &p->fe, p->chr);
}

static void test_port_open_close(void)
{
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr = port_setup(&c, &fe);
    PortEventWait w = { .c = &c };

    g_assert(!port_opened_now(&c));

    qemu_chr_guest_open(chr);
    qemu_chr_guest_open(chr);
    w.event = SPICE_PORT_EVENT_OPENED;
    w.count = 1;
    g_assert(support_run_until(port_event_seen, &w, WAIT_MS));
    g_assert(port_opened_now(&c));

    qemu_chr_guest_close(chr);
    qemu_chr_guest_close(chr);
    w.event = SPICE_PORT_EVENT_CLOSED;
    g_assert(support_run_until(port_event_seen, &w, WAIT_MS));
    g_assert(!port_opened_now(&c));

    qemu_chr_guest_open(chr);
    w.event = SPICE_PORT_EVENT_OPENED;
    w.count = 2;
    g_assert(support_run_until(port_event_seen, &w, WAIT_MS));
    g_assert(port_opened_now(&c));

    /* each transition exactly once */
    support_run_for(200);
    g_assert_cmpint(c.port_events[SPICE_PORT_EVENT_OPENED], ==, 2);
    g_assert_cmpint(c.port_events[SPICE_PORT_EVENT_CLOSED], ==, 1);

    port_teardown(&c, &fe, chr);
}

/* The port channel exists only while the chardev has it registered. */
static void test_port_goes_with_chardev(void)
{
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr = port_setup(&c, &fe);

    test_fe_detach(&fe);
    qemu_chr_close(chr);
    /* the server drops the channel: the client sees it close */
    g_assert(support_run_until(client_port_closed, &c, WAIT_MS));
    client_disconnect(&c);
    server_stop();
}

/* guest -> client: qemu_chr_write_nb() paced by the write-ready handler */

typedef struct {
    CharDriverState *chr;
    const uint8_t *data;
    size_t len, off;
    int short_writes;
} GuestWriter;

static void guest_write_more(void *opaque)
{
    GuestWriter *g = opaque;

    while (g->off < g->len) {
        int n = qemu_chr_write_nb(g->chr, g->data + g->off,
                                  MIN(g->len - g->off, 32768));

        g_assert_cmpint(n, >=, 0);
        g->off += n;
        if (n < (int)MIN(g->len - g->off + n, 32768)) {
            g->short_writes++;
            break;      /* the write-ready handler calls us again */
        }
    }
}

static bool client_has_data(void *opaque)
{
    ClientWait *w = opaque;

    return w->c->port_data->len >= w->count;
}

static void test_port_guest_to_client(void)
{
    PortData t;
    GuestWriter g = { .len = BIG_LEN };
    ClientWait w = { .c = &t.c, .count = BIG_LEN };

    port_data_setup(&t, BIG_LEN, 7);
    g.chr = t.chr;
    g.data = t.data;
    qemu_chr_set_write_ready(t.chr, guest_write_more, &g);
    guest_write_more(&g);
    g_assert(support_run_until(client_has_data, &w, WAIT_MS));
    g_assert_cmpuint(g.off, ==, BIG_LEN);
    g_assert_cmpuint(t.c.port_data->len, ==, BIG_LEN);
    g_assert(memcmp(t.c.port_data->data, t.data, BIG_LEN) == 0);
    /* more than the backend holds: back-pressure must have happened */
    g_assert_cmpint(g.short_writes, >, 0);
    g_assert_cmpint(qemu_chr_dropped_bytes(t.chr), ==, 0);

    qemu_chr_set_write_ready(t.chr, NULL, NULL);
    port_data_teardown(&t);
}

/*
 * guest -> client with the v0.15.0 qemu_chr_write(): what the backend
 * cannot take waits in the core's queue and must still arrive.
 */
static void test_port_guest_to_client_queued(void)
{
    PortData t;
    size_t len = 96 * 1024;     /* backend ring + core queue hold it */
    ClientWait w = { .c = &t.c, .count = len };

    port_data_setup(&t, len, 11);
    g_assert_cmpint(qemu_chr_write(t.chr, t.data, len), ==, len);
    g_assert_cmpint(qemu_chr_queued_bytes(t.chr), >, 0);
    g_assert(support_run_until(client_has_data, &w, WAIT_MS));
    g_assert_cmpuint(t.c.port_data->len, ==, len);
    g_assert(memcmp(t.c.port_data->data, t.data, len) == 0);
    g_assert_cmpint(qemu_chr_queued_bytes(t.chr), ==, 0);
    g_assert_cmpint(qemu_chr_dropped_bytes(t.chr), ==, 0);

    port_data_teardown(&t);
}

/* client -> guest */

static void client_write_done(GObject *src, GAsyncResult *res,
                              gpointer opaque)
{
    TestClient *c = opaque;
    GError *err = NULL;
    gssize n;

    n = spice_port_channel_write_finish(SPICE_PORT_CHANNEL(src), res, &err);
    if (n < 0) {
        c->write_errors++;
        g_error_free(err);
        return;
    }
    c->written += n;
}

static bool client_written(void *opaque)
{
    ClientWait *w = opaque;

    return w->c->written >= w->count || w->c->write_errors > 0;
}

static void client_send(TestClient *c, const uint8_t *data, size_t len,
                        size_t chunk)
{
    size_t off;

    for (off = 0; off < len; off += chunk) {
        spice_port_channel_write_async(c->port, data + off,
                                       MIN(chunk, len - off), NULL,
                                       client_write_done, c);
    }
}

static void test_port_client_to_guest(void)
{
    PortData t;
    ClientWait w = { .c = &t.c, .count = BIG_LEN };

    port_data_setup(&t, BIG_LEN, 3);
    t.fe.can_read = 4096;     /* a guest with small buffers */
    client_send(&t.c, t.data, BIG_LEN, 65536);
    g_assert(test_fe_wait_input(&t.fe, BIG_LEN, WAIT_MS));
    g_assert(support_run_until(client_written, &w, WAIT_MS));
    g_assert_cmpint(t.c.write_errors, ==, 0);
    g_assert_cmpuint(t.fe.input->len, ==, BIG_LEN);
    g_assert(memcmp(t.fe.input->data, t.data, BIG_LEN) == 0);

    port_data_teardown(&t);
}

/*
 * A guest that stops reading: the client's data waits in spice-server,
 * the loop stays idle (no busy retry), and qemu_chr_accept_input() gets
 * it moving again.
 */
static void test_port_client_to_guest_flow(void)
{
    PortData t;
    size_t len = 256 * 1024;
    uint64_t iterations;
    int round;

    port_data_setup(&t, len, 5);
    t.fe.can_read = 0;
    client_send(&t.c, t.data, len, 65536);

    for (round = 0; t.fe.input->len < len; round++) {
        size_t before = t.fe.input->len;

        g_assert_cmpint(round, <, 64);
        /* blocked: nothing arrives, and the loop sleeps */
        support_loop_stats_reset();
        support_run_for(100);
        iterations = support_loop_iterations();
        g_assert_cmpuint(t.fe.input->len, ==, before);
        g_assert_cmpuint(iterations, <, 50);

        /* the guest frees 32 KiB of buffer space */
        t.fe.can_read = 32768;
        qemu_chr_accept_input(t.chr);
        g_assert(test_fe_wait_input(&t.fe, MIN(len, before + 1), WAIT_MS));
        /* let it fill what the guest offered, no more */
        while (t.fe.input->len < MIN(len, before + 32768) &&
               test_fe_wait_input(&t.fe, t.fe.input->len + 1, 200)) {
            t.fe.can_read = MIN(len, before + 32768) - t.fe.input->len;
            if (t.fe.can_read == 0) {
                break;
            }
        }
        t.fe.can_read = 0;
    }
    g_assert_cmpuint(t.fe.input->len, ==, len);
    g_assert(memcmp(t.fe.input->data, t.data, len) == 0);

    port_data_teardown(&t);
}

/*
 * A frontend that echoes from inside its read handler, i.e. while
 * spice-server is on the stack: the backend must defer its own calls
 * into spice-server.  What the backend cannot take yet waits here for
 * the write-ready handler.
 */
typedef struct EchoFrontend {
    CharDriverState *chr;
    GByteArray *pending;
    size_t received;
    int window;             /* bytes it accepts before it must echo */
} EchoFrontend;

static void echo_flush(void *opaque)
{
    EchoFrontend *e = opaque;

    while (e->pending->len > 0) {
        int n = qemu_chr_write_nb(e->chr, e->pending->data,
                                  e->pending->len);

        g_assert_cmpint(n, >=, 0);
        if (n == 0) {
            break;
        }
        g_byte_array_remove_range(e->pending, 0, n);
    }
    /* room again: the client's data may flow */
    qemu_chr_accept_input(e->chr);
}

static int echo_can_read(void *opaque)
{
    EchoFrontend *e = opaque;

    return MAX(0, e->window - (int)e->pending->len);
}

static void echo_read(void *opaque, const uint8_t *buf, int size)
{
    EchoFrontend *e = opaque;

    g_assert_cmpint(size, <=, echo_can_read(e));
    e->received += size;
    g_byte_array_append(e->pending, buf, size);
    echo_flush(e);
}

static void echo_event(void *opaque, int event)
{
}

static void test_port_echo_in_callback(void)
{
    TestClient c;
    TestFrontend fe;
    CharDriverState *chr = port_setup(&c, &fe);
    EchoFrontend e = { .chr = chr, .window = 8192 };
    size_t len = BIG_LEN;
    uint8_t *data = g_malloc(len);
    ClientWait w = { .c = &c, .count = len };

    test_fe_detach(&fe);
    e.pending = g_byte_array_new();
    qemu_chr_add_handlers(chr, echo_can_read, echo_read, echo_event, &e);
    qemu_chr_set_write_ready(chr, echo_flush, &e);
    test_fill_pattern(data, len, 9);
    port_guest_open(&c, chr);

    client_send(&c, data, len, 16384);
    g_assert(support_run_until(client_has_data, &w, WAIT_MS));
    g_assert_cmpuint(e.received, ==, len);
    g_assert_cmpuint(c.port_data->len, ==, len);
    g_assert(memcmp(c.port_data->data, data, len) == 0);
    g_assert_cmpint(qemu_chr_dropped_bytes(chr), ==, 0);

    qemu_chr_set_write_ready(chr, NULL, NULL);
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    g_byte_array_free(e.pending, TRUE);
    g_free(data);
    client_disconnect(&c);
    qemu_chr_close(chr);
    server_stop();
}

/*
 * A guest that closes the agent port as soon as the client talks to it,
 * from inside the read handler: the interface still goes, once.
 */
typedef struct {
    CharDriverState *chr;
    int reads;
} CloseFrontend;

static int close_can_read(void *opaque)
{
    return 4096;
}

static void close_read(void *opaque, const uint8_t *buf, int size)
{
    CloseFrontend *f = opaque;

    f->reads++;
    qemu_chr_guest_close(f->chr);
}

static void test_vmc_close_in_callback(void)
{
    TestClient c;
    CloseFrontend f = { 0 };
    CharDriverState *chr;

    chr = vmc_start("spicevmc,id=vdagent0,name=vdagent,debug=0");
    f.chr = chr;
    qemu_chr_add_handlers(chr, close_can_read, close_read, echo_event, &f);
    client_connect(&c);

    qemu_chr_guest_open(chr);
    wait_agent_changes(&c, 2);
    g_assert(c.agent_values[0]);
    g_assert(!c.agent_values[1]);
    g_assert_cmpint(f.reads, >=, 1);
    support_run_for(200);
    g_assert_cmpint(c.agent_changes, ==, 2);

    client_disconnect(&c);
    qemu_chr_add_handlers(chr, NULL, NULL, NULL, NULL);
    qemu_chr_close(chr);
    server_stop();
}

/* qemu_spice_init() reads -spice options as in v0.15.0. */
static void test_server_init_opts(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t salen = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    QemuOpts *opts;
    TestClient c;
    char *optstr;
    int port;

    /* a free port: the kernel's pick, released again */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &salen), ==, 0);
    port = ntohs(sa.sin_port);
    close(fd);

    optstr = g_strdup_printf("port=%d,addr=127.0.0.1,disable-ticketing=on",
                             port);
    opts = qemu_opts_parse(qemu_find_opts("spice"), optstr, 0);
    g_assert(opts != NULL);
    g_assert(!using_spice);
    qemu_spice_init();
    g_assert(using_spice);
    g_assert_cmpint(support_spice_port(), ==, port);

    client_connect(&c);
    g_assert(support_spice_channels_connected() >= 1);
    /* let the handshake finish, so that nothing is cut off mid-way */
    support_run_for(300);
    client_disconnect(&c);

    qemu_opts_del(opts);
    g_free(optstr);
    server_stop();
    g_assert(!using_spice);
}

typedef struct {
    TestClient *c;
    VGuestPort *port;
    size_t len;
} GuestDataWait;

static bool guest_port_present(VGuest *g, void *opaque)
{
    return vg_port(g, 1)->present;
}

static bool guest_client_has_data(VGuest *g, void *opaque)
{
    GuestDataWait *w = opaque;

    return w->c->port_data->len >= w->len;
}

static bool guest_has_data(VGuest *g, void *opaque)
{
    GuestDataWait *w = opaque;

    return w->port->rx->len >= w->len;
}

/*
 * spiceport through the guest harness: a virtserialport backed by a
 * spiceport chardev carries more than any buffer on the way, both ways,
 * between the guest's rings and the client's port channel.
 */
static void test_port_virtio_guest(void)
{
    TestClient c;
    CharDriverState *chr;
    DeviceState *vser;
    uint8_t *out = g_malloc(BIG_LEN), *in = g_malloc(BIG_LEN);
    GuestDataWait w = { .c = &c, .len = BIG_LEN };
    ClientWait dw = { .c = &c, .count = BIG_LEN };
    size_t sent = 0;
    int64_t deadline;
    VGuest *g;

    server_start();
    chr = test_chr_new("spiceport,id=port1,name=" PORT_NAME);
    g_assert(chr != NULL);
    vser = support_device_add("virtio-serial,id=vserport,max_ports=4");
    g_assert(vser);
    g_assert(support_device_add("virtserialport,id=sport,chardev=port1,"
                                "name=" PORT_NAME));
    g = vg_new(vser);
    vg_init(g, 1u << VIRTIO_CONSOLE_F_MULTIPORT);
    g_assert(vg_run_until(g, guest_port_present, NULL, WAIT_MS));
    client_connect(&c);
    g_assert(support_run_until(client_port_ready, &c, WAIT_MS));
    w.port = vg_port(g, 1);
    vg_port_open(g, 1);

    /* guest -> client */
    test_fill_pattern(out, BIG_LEN, 11);
    deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;
    while (sent < BIG_LEN && g_get_monotonic_time() < deadline) {
        sent += vg_port_write(g, 1, out + sent, BIG_LEN - sent);
        vg_run_for(g, 1);
    }
    g_assert_cmpuint(sent, ==, BIG_LEN);
    g_assert(vg_run_until(g, guest_client_has_data, &w, WAIT_MS));
    g_assert_cmpuint(c.port_data->len, ==, BIG_LEN);
    g_assert(memcmp(c.port_data->data, out, BIG_LEN) == 0);

    /* client -> guest */
    test_fill_pattern(in, BIG_LEN, 12);
    client_send(&c, in, BIG_LEN, 65536);
    g_assert(vg_run_until(g, guest_has_data, &w, WAIT_MS));
    g_assert(support_run_until(client_written, &dw, WAIT_MS));
    g_assert_cmpint(c.write_errors, ==, 0);
    g_assert_cmpuint(w.port->rx->len, ==, BIG_LEN);
    g_assert(memcmp(w.port->rx->data, in, BIG_LEN) == 0);

    vg_port_close(g, 1);
    vg_run_for(g, 50);
    client_disconnect(&c);
    qdev_free(vser);
    vg_free(g);
    qemu_chr_close(chr);
    server_stop();
    g_free(out);
    g_free(in);
}

#endif /* CONFIG_SPICE_CLIENT */

/* spice-server and spice-client-glib debug output only with --verbose */
static GLogFunc test_log_next;

static void test_log_quiet(const gchar *domain, GLogLevelFlags level,
                           const gchar *message, gpointer opaque)
{
    if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) {
        return;
    }
    test_log_next(domain, level, message, opaque);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_machine_init(16 * 1024 * 1024);
    /*
     * spice-server warns when a peer resets a connection, which a client
     * going away may do at any time: warnings are printed, not fatal.
     */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    /* v0.15.0's spice-core.c registers -spice at machine init */
    qemu_add_opts(&qemu_spice_opts);
    if (!g_test_verbose()) {
        test_log_next = g_log_set_default_handler(test_log_quiet, NULL);
    }

    g_test_add_func("/spice/needs-spice", test_needs_spice);
    g_test_add_func("/spice/vmc/name-missing", test_vmc_name_missing);
    g_test_add_func("/spice/vmc/name-unknown", test_vmc_name_unknown);
    g_test_add_func("/spice/port/name-missing", test_port_name_missing);
    g_test_add_func("/spice/vmc/no-server", test_vmc_no_server);
    g_test_add_func("/spice/vmc/debug", test_vmc_debug);
#ifdef CONFIG_SPICE_CLIENT
    g_test_add_func("/spice/vmc/agent-connected", test_vmc_agent_connected);
    g_test_add_func("/spice/vmc/virtio-guest", test_vmc_virtio_guest);
    g_test_add_func("/spice/vmc/frontend-without-guest-open",
                    test_vmc_frontend_without_guest_open);
    g_test_add_func("/spice/port/open-close", test_port_open_close);
    g_test_add_func("/spice/port/goes-with-chardev",
                    test_port_goes_with_chardev);
    g_test_add_func("/spice/port/guest-to-client", test_port_guest_to_client);
    g_test_add_func("/spice/port/guest-to-client-queued",
                    test_port_guest_to_client_queued);
    g_test_add_func("/spice/port/client-to-guest", test_port_client_to_guest);
    g_test_add_func("/spice/port/virtio-guest", test_port_virtio_guest);
    g_test_add_func("/spice/port/client-to-guest-flow",
                    test_port_client_to_guest_flow);
    g_test_add_func("/spice/port/echo-in-callback",
                    test_port_echo_in_callback);
    g_test_add_func("/spice/vmc/close-in-callback",
                    test_vmc_close_in_callback);
    g_test_add_func("/spice/server/init-opts", test_server_init_opts);
#endif
    /*
     * No fd leak check here: spice-client-glib's first connected session
     * leaves a libusb context (an eventfd) open until exit, which would
     * be reported as ours.  The chardev side's fds are checked by the
     * other programs.
     */
    ret = g_test_run();
    return ret;
}
