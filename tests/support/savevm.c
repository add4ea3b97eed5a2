/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: QEMUFile streams, savevm sections and an in-memory file. */

#include <glib.h>
#include "hw/hw.h"
#include "hw/qdev.h"
#include "qemu-error.h"
#include "support-virtio.h"

#define QEMU_VM_FILE_MAGIC     0x5145564d
#define QEMU_VM_FILE_VERSION   0x00000003
#define QEMU_VM_EOF            0x00
#define QEMU_VM_SECTION_FULL   0x04

struct QEMUFile {
    QEMUFilePutBufferFunc *put_buffer;
    QEMUFileGetBufferFunc *get_buffer;
    QEMUFileCloseFunc *close;
    void *opaque;
    int64_t pos;            /* stream offset of the next byte */
    int has_error;
};

QEMUFile *qemu_fopen_ops(void *opaque, QEMUFilePutBufferFunc *put_buffer,
                         QEMUFileGetBufferFunc *get_buffer,
                         QEMUFileCloseFunc *close,
                         QEMUFileRateLimit *rate_limit,
                         QEMUFileSetRateLimit *set_rate_limit,
                         QEMUFileGetRateLimit *get_rate_limit)
{
    QEMUFile *f = qemu_mallocz(sizeof(*f));

    f->opaque = opaque;
    f->put_buffer = put_buffer;
    f->get_buffer = get_buffer;
    f->close = close;
    return f;
}

void qemu_fflush(QEMUFile *f)
{
    /* unbuffered: every put goes straight to put_buffer */
}

int qemu_fclose(QEMUFile *f)
{
    int ret = 0;

    if (f->close) {
        ret = f->close(f->opaque);
    }
    qemu_free(f);
    return ret;
}

int qemu_file_has_error(QEMUFile *f)
{
    return f->has_error;
}

void qemu_file_set_error(QEMUFile *f)
{
    f->has_error = 1;
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, int size)
{
    if (f->has_error || size <= 0) {
        return;
    }
    if (!f->put_buffer || f->put_buffer(f->opaque, buf, f->pos, size) !=
        size) {
        f->has_error = 1;
        return;
    }
    f->pos += size;
}

void qemu_put_byte(QEMUFile *f, int v)
{
    uint8_t b = v;

    qemu_put_buffer(f, &b, 1);
}

void qemu_put_be16(QEMUFile *f, unsigned int v)
{
    qemu_put_byte(f, v >> 8);
    qemu_put_byte(f, v);
}

void qemu_put_be32(QEMUFile *f, unsigned int v)
{
    qemu_put_be16(f, v >> 16);
    qemu_put_be16(f, v);
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    qemu_put_be32(f, v >> 32);
    qemu_put_be32(f, v);
}

/* Short reads set the error flag; missing bytes read as zero. */
int qemu_get_buffer(QEMUFile *f, uint8_t *buf, int size)
{
    int n = 0;

    if (size <= 0) {
        return 0;
    }
    if (!f->has_error && f->get_buffer) {
        n = f->get_buffer(f->opaque, buf, f->pos, size);
        n = MAX(n, 0);
    }
    if (n < size) {
        memset(buf + n, 0, size - n);
        f->has_error = 1;
    }
    f->pos += n;
    return n;
}

int qemu_get_byte(QEMUFile *f)
{
    uint8_t b;

    qemu_get_buffer(f, &b, 1);
    return b;
}

unsigned int qemu_get_be16(QEMUFile *f)
{
    unsigned int v = qemu_get_byte(f) << 8;

    return v | qemu_get_byte(f);
}

unsigned int qemu_get_be32(QEMUFile *f)
{
    unsigned int v = qemu_get_be16(f) << 16;

    return v | qemu_get_be16(f);
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    uint64_t v = (uint64_t)qemu_get_be32(f) << 32;

    return v | qemu_get_be32(f);
}

/* In-memory files */

typedef struct MemFile {
    GByteArray *out;        /* writer */
    const uint8_t *in;      /* reader */
    size_t in_len;
} MemFile;

static int mem_put_buffer(void *opaque, const uint8_t *buf, int64_t pos,
                          int size)
{
    MemFile *m = opaque;

    g_byte_array_append(m->out, buf, size);
    return size;
}

static int mem_get_buffer(void *opaque, uint8_t *buf, int64_t pos, int size)
{
    MemFile *m = opaque;
    size_t n;

    if (pos < 0 || (uint64_t)pos >= m->in_len) {
        return 0;
    }
    n = MIN((size_t)size, m->in_len - pos);
    memcpy(buf, m->in + pos, n);
    return n;
}

static int mem_close(void *opaque)
{
    g_free(opaque);
    return 0;
}

QEMUFile *support_qemu_file_mem_writer(GByteArray *buf)
{
    MemFile *m = g_new0(MemFile, 1);

    m->out = buf;
    return qemu_fopen_ops(m, mem_put_buffer, NULL, mem_close, NULL, NULL,
                          NULL);
}

QEMUFile *support_qemu_file_mem_reader(const uint8_t *data, size_t len)
{
    MemFile *m = g_new0(MemFile, 1);

    m->in = data;
    m->in_len = len;
    return qemu_fopen_ops(m, NULL, mem_get_buffer, mem_close, NULL, NULL,
                          NULL);
}

/* Sections */

typedef struct SaveStateEntry {
    QTAILQ_ENTRY(SaveStateEntry) entry;
    char idstr[256];
    int instance_id;
    int version_id;
    int section_id;
    SaveStateHandler *save_state;
    LoadStateHandler *load_state;
    void *opaque;
    bool no_migrate;
} SaveStateEntry;

static QTAILQ_HEAD(, SaveStateEntry) savevm_handlers =
    QTAILQ_HEAD_INITIALIZER(savevm_handlers);
static int global_section_id;

static int next_instance_id(const char *idstr)
{
    SaveStateEntry *se;
    int id = 0;

    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        if (strcmp(se->idstr, idstr) == 0 && se->instance_id >= id) {
            id = se->instance_id + 1;
        }
    }
    return id;
}

int register_savevm(DeviceState *dev, const char *idstr, int instance_id,
                    int version_id, SaveStateHandler *save_state,
                    LoadStateHandler *load_state, void *opaque)
{
    SaveStateEntry *se = qemu_mallocz(sizeof(*se));

    /* sections are matched by name and instance, as in v0.15.0 */
    pstrcpy(se->idstr, sizeof(se->idstr), idstr);
    se->instance_id = instance_id == -1 ? next_instance_id(idstr)
                                        : instance_id;
    se->version_id = version_id;
    se->section_id = global_section_id++;
    se->save_state = save_state;
    se->load_state = load_state;
    se->opaque = opaque;
    QTAILQ_INSERT_TAIL(&savevm_handlers, se, entry);
    return 0;
}

void unregister_savevm(DeviceState *dev, const char *idstr, void *opaque)
{
    SaveStateEntry *se, *next;

    QTAILQ_FOREACH_SAFE(se, &savevm_handlers, entry, next) {
        if (strcmp(se->idstr, idstr) == 0 && se->opaque == opaque) {
            QTAILQ_REMOVE(&savevm_handlers, se, entry);
            qemu_free(se);
        }
    }
}

void register_device_unmigratable(DeviceState *dev, const char *idstr,
                                  void *opaque)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        if (strcmp(se->idstr, idstr) == 0 && se->opaque == opaque) {
            se->no_migrate = true;
        }
    }
}

int support_savevm_count(void)
{
    SaveStateEntry *se;
    int n = 0;

    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        n++;
    }
    return n;
}

int support_savevm_save(QEMUFile *f)
{
    SaveStateEntry *se;

    /* as qemu_savevm_state_blocked() does before anything is written */
    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        if (se->no_migrate) {
            error_report("savevm: state blocked by non-migratable device "
                         "'%s'", se->idstr);
            return -EBUSY;
        }
    }
    qemu_put_be32(f, QEMU_VM_FILE_MAGIC);
    qemu_put_be32(f, QEMU_VM_FILE_VERSION);
    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        size_t len = strlen(se->idstr);

        if (!se->save_state) {
            continue;               /* v0.15.0 skips such sections too */
        }

        qemu_put_byte(f, QEMU_VM_SECTION_FULL);
        qemu_put_be32(f, se->section_id);
        qemu_put_byte(f, len);
        qemu_put_buffer(f, (const uint8_t *)se->idstr, len);
        qemu_put_be32(f, se->instance_id);
        qemu_put_be32(f, se->version_id);
        se->save_state(f, se->opaque);
    }
    qemu_put_byte(f, QEMU_VM_EOF);
    return qemu_file_has_error(f) ? -EIO : 0;
}

static SaveStateEntry *find_se(const char *idstr, int instance_id)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_handlers, entry) {
        if (strcmp(se->idstr, idstr) == 0 &&
            se->instance_id == instance_id) {
            return se;
        }
    }
    return NULL;
}

int support_savevm_load(QEMUFile *f)
{
    uint8_t type;
    int ret;

    if (qemu_get_be32(f) != QEMU_VM_FILE_MAGIC ||
        qemu_get_be32(f) != QEMU_VM_FILE_VERSION) {
        error_report("savevm: not a migration stream");
        return -EINVAL;
    }
    while ((type = qemu_get_byte(f)) != QEMU_VM_EOF) {
        char idstr[256];
        uint32_t instance_id, version_id;
        SaveStateEntry *se;
        int len;

        if (qemu_file_has_error(f) || type != QEMU_VM_SECTION_FULL) {
            error_report("savevm: bad section type 0x%x", type);
            return -EINVAL;
        }
        qemu_get_be32(f);                   /* section id */
        len = qemu_get_byte(f);
        qemu_get_buffer(f, (uint8_t *)idstr, len);
        idstr[len] = 0;
        instance_id = qemu_get_be32(f);
        version_id = qemu_get_be32(f);
        se = find_se(idstr, instance_id);
        if (!se) {
            error_report("savevm: unknown section or instance '%s' %u",
                         idstr, instance_id);
            return -EINVAL;
        }
        if (version_id > (uint32_t)se->version_id) {
            error_report("savevm: '%s' version %u is newer than %d", idstr,
                         version_id, se->version_id);
            return -EINVAL;
        }
        ret = se->load_state(f, se->opaque, version_id);
        if (ret < 0) {
            error_report("savevm: error while loading state for instance "
                         "0x%x of device '%s'", instance_id, idstr);
            return ret;
        }
    }
    if (qemu_file_has_error(f)) {
        error_report("savevm: truncated stream");
        return -EIO;
    }
    return 0;
}
