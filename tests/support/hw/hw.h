/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the parts of QEMU v0.15.0 hw/hw.h (and cpu-common.h) we need. */

#ifndef QEMU_HW_H
#define QEMU_HW_H

#include "qemu-common.h"
#ifdef _WIN32
/* every Windows host is little-endian; mingw has no endian.h */
#define le16toh(v) ((uint16_t)(v))
#define le32toh(v) ((uint32_t)(v))
#define htole16(v) ((uint16_t)(v))
#define htole32(v) ((uint32_t)(v))
#else
#include <endian.h>
#endif
#include "qemu-queue.h"
#include "module.h"

/*
 * The standalone "target" is a little-endian machine with 64-bit physical
 * addresses whose RAM is one buffer (see support-virtio.h).
 */
typedef uint64_t target_phys_addr_t;
#define TARGET_FMT_plx "%016" PRIx64

void cpu_physical_memory_rw(target_phys_addr_t addr, uint8_t *buf,
                            int len, int is_write);
static inline void cpu_physical_memory_read(target_phys_addr_t addr,
                                            void *buf, int len)
{
    cpu_physical_memory_rw(addr, buf, len, 0);
}
static inline void cpu_physical_memory_write(target_phys_addr_t addr,
                                             const void *buf, int len)
{
    cpu_physical_memory_rw(addr, (uint8_t *)buf, len, 1);
}
/* NULL, or a pointer valid for *plen bytes (possibly fewer than asked) */
void *cpu_physical_memory_map(target_phys_addr_t addr,
                              target_phys_addr_t *plen, int is_write);
void cpu_physical_memory_unmap(void *buffer, target_phys_addr_t len,
                               int is_write, target_phys_addr_t access_len);

/* Outside RAM, loads return 0 and stores are ignored. */
uint32_t ldub_phys(target_phys_addr_t addr);
uint32_t lduw_phys(target_phys_addr_t addr);
uint32_t ldl_phys(target_phys_addr_t addr);
uint64_t ldq_phys(target_phys_addr_t addr);
void stb_phys(target_phys_addr_t addr, uint32_t val);
void stw_phys(target_phys_addr_t addr, uint32_t val);
void stl_phys(target_phys_addr_t addr, uint32_t val);
void stq_phys(target_phys_addr_t addr, uint64_t val);

/* Target-endian accessors of host memory (cpu-all.h). */
static inline int lduw_p(const void *ptr)
{
    uint16_t v;

    memcpy(&v, ptr, sizeof(v));
    return le16toh(v);
}
static inline int ldl_p(const void *ptr)
{
    uint32_t v;

    memcpy(&v, ptr, sizeof(v));
    return le32toh(v);
}
static inline void stw_p(void *ptr, int v)
{
    uint16_t x = htole16((uint16_t)v);

    memcpy(ptr, &x, sizeof(x));
}
static inline void stl_p(void *ptr, int v)
{
    uint32_t x = htole32((uint32_t)v);

    memcpy(ptr, &x, sizeof(x));
}
static inline uint16_t tswap16(uint16_t s)
{
    return htole16(s);
}
static inline uint32_t tswap32(uint32_t s)
{
    return htole32(s);
}
static inline void tswap32s(uint32_t *s)
{
    *s = tswap32(*s);
}

/* Migration streams. */
typedef int (QEMUFilePutBufferFunc)(void *opaque, const uint8_t *buf,
                                    int64_t pos, int size);
typedef int (QEMUFileGetBufferFunc)(void *opaque, uint8_t *buf,
                                    int64_t pos, int size);
typedef int (QEMUFileCloseFunc)(void *opaque);
typedef int (QEMUFileRateLimit)(void *opaque);
typedef int64_t (QEMUFileSetRateLimit)(void *opaque, int64_t new_rate);
typedef int64_t (QEMUFileGetRateLimit)(void *opaque);

QEMUFile *qemu_fopen_ops(void *opaque, QEMUFilePutBufferFunc *put_buffer,
                         QEMUFileGetBufferFunc *get_buffer,
                         QEMUFileCloseFunc *close,
                         QEMUFileRateLimit *rate_limit,
                         QEMUFileSetRateLimit *set_rate_limit,
                         QEMUFileGetRateLimit *get_rate_limit);
void qemu_fflush(QEMUFile *f);
int qemu_fclose(QEMUFile *f);
void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, int size);
void qemu_put_byte(QEMUFile *f, int v);
void qemu_put_be16(QEMUFile *f, unsigned int v);
void qemu_put_be32(QEMUFile *f, unsigned int v);
void qemu_put_be64(QEMUFile *f, uint64_t v);
int qemu_get_buffer(QEMUFile *f, uint8_t *buf, int size);
int qemu_get_byte(QEMUFile *f);
unsigned int qemu_get_be16(QEMUFile *f);
unsigned int qemu_get_be32(QEMUFile *f);
uint64_t qemu_get_be64(QEMUFile *f);
int qemu_file_has_error(QEMUFile *f);
void qemu_file_set_error(QEMUFile *f);

static inline void qemu_put_be64s(QEMUFile *f, const uint64_t *pv)
{
    qemu_put_be64(f, *pv);
}
static inline void qemu_put_be32s(QEMUFile *f, const uint32_t *pv)
{
    qemu_put_be32(f, *pv);
}
static inline void qemu_put_be16s(QEMUFile *f, const uint16_t *pv)
{
    qemu_put_be16(f, *pv);
}
static inline void qemu_put_8s(QEMUFile *f, const uint8_t *pv)
{
    qemu_put_byte(f, *pv);
}
static inline void qemu_get_be64s(QEMUFile *f, uint64_t *pv)
{
    *pv = qemu_get_be64(f);
}
static inline void qemu_get_be32s(QEMUFile *f, uint32_t *pv)
{
    *pv = qemu_get_be32(f);
}
static inline void qemu_get_be16s(QEMUFile *f, uint16_t *pv)
{
    *pv = qemu_get_be16(f);
}
static inline void qemu_get_8s(QEMUFile *f, uint8_t *pv)
{
    *pv = qemu_get_byte(f);
}

typedef void SaveStateHandler(QEMUFile *f, void *opaque);
typedef int LoadStateHandler(QEMUFile *f, void *opaque, int version_id);
typedef struct VMStateDescription VMStateDescription;

int register_savevm(DeviceState *dev, const char *idstr, int instance_id,
                    int version_id, SaveStateHandler *save_state,
                    LoadStateHandler *load_state, void *opaque);
void unregister_savevm(DeviceState *dev, const char *idstr, void *opaque);
/* as in v0.15.0: the section blocks migration and savevm */
void register_device_unmigratable(DeviceState *dev, const char *idstr,
                                  void *opaque);

#endif
