/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: guest RAM and the physical memory accessors of hw/hw.h. */

#include <glib.h>
#include <sys/mman.h>
#include "hw/hw.h"
#include "support-virtio.h"

static uint8_t *ram;
static size_t ram_size;

/*
 * An anonymous mapping rather than the heap, so that clearing RAM costs
 * the pages the test touched, not the whole size.
 */
void support_guest_ram_init(size_t size)
{
    void *p;

    support_guest_ram_free();
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    g_assert(p != MAP_FAILED);
    ram = p;
    ram_size = size;
}

void support_guest_ram_clear(void)
{
    /* private anonymous pages read as zero again after MADV_DONTNEED */
    if (ram && madvise(ram, ram_size, MADV_DONTNEED) < 0) {
        memset(ram, 0, ram_size);
    }
}

void support_guest_ram_free(void)
{
    if (ram) {
        munmap(ram, ram_size);
    }
    ram = NULL;
    ram_size = 0;
}

uint8_t *support_guest_ram(void)
{
    return ram;
}

size_t support_guest_ram_size(void)
{
    return ram_size;
}

/* Whether [addr, addr + len) lies inside RAM, without overflowing. */
static bool ram_range_ok(target_phys_addr_t addr, uint64_t len)
{
    return addr <= ram_size && len <= ram_size - addr;
}

void cpu_physical_memory_rw(target_phys_addr_t addr, uint8_t *buf,
                            int len, int is_write)
{
    if (len <= 0) {
        return;
    }
    if (!ram_range_ok(addr, len)) {
        if (!is_write) {
            memset(buf, 0, len);
        }
        return;
    }
    if (is_write) {
        memcpy(ram + addr, buf, len);
    } else {
        memcpy(buf, ram + addr, len);
    }
}

void *cpu_physical_memory_map(target_phys_addr_t addr,
                              target_phys_addr_t *plen, int is_write)
{
    if (!ram || addr > ram_size) {
        *plen = 0;
        return NULL;
    }
    *plen = MIN(*plen, ram_size - addr);
    return ram + addr;
}

void cpu_physical_memory_unmap(void *buffer, target_phys_addr_t len,
                               int is_write, target_phys_addr_t access_len)
{
    /* RAM is mapped directly: nothing to write back */
}

/* The target is little-endian whatever the host is. */
static uint64_t ld_phys(target_phys_addr_t addr, int size)
{
    uint8_t b[8];
    uint64_t v = 0;
    int i;

    if (!ram_range_ok(addr, size)) {
        return 0;
    }
    memcpy(b, ram + addr, size);
    for (i = size - 1; i >= 0; i--) {
        v = (v << 8) | b[i];
    }
    return v;
}

static void st_phys(target_phys_addr_t addr, uint64_t val, int size)
{
    int i;

    if (!ram_range_ok(addr, size)) {
        return;
    }
    for (i = 0; i < size; i++) {
        ram[addr + i] = val >> (8 * i);
    }
}

uint32_t ldub_phys(target_phys_addr_t addr)
{
    return ld_phys(addr, 1);
}

uint32_t lduw_phys(target_phys_addr_t addr)
{
    return ld_phys(addr, 2);
}

uint32_t ldl_phys(target_phys_addr_t addr)
{
    return ld_phys(addr, 4);
}

uint64_t ldq_phys(target_phys_addr_t addr)
{
    return ld_phys(addr, 8);
}

void stb_phys(target_phys_addr_t addr, uint32_t val)
{
    st_phys(addr, val, 1);
}

void stw_phys(target_phys_addr_t addr, uint32_t val)
{
    st_phys(addr, val, 2);
}

void stl_phys(target_phys_addr_t addr, uint32_t val)
{
    st_phys(addr, val, 4);
}

void stq_phys(target_phys_addr_t addr, uint64_t val)
{
    st_phys(addr, val, 8);
}
