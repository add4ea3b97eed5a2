/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer hooks for virtio tests: guest RAM, a transport, savevm. */

#ifndef SUPPORT_VIRTIO_H
#define SUPPORT_VIRTIO_H

#include <glib.h>
#include "hw/hw.h"
#include "hw/qdev.h"
#include "hw/virtio.h"

/*
 * Guest RAM: one zeroed buffer at guest physical address 0.  Accesses
 * outside it never touch host memory (see hw/hw.h).
 */
void support_guest_ram_init(size_t size);
void support_guest_ram_free(void);
/* Zero all of guest RAM again (cheap: only touched pages cost). */
void support_guest_ram_clear(void);
uint8_t *support_guest_ram(void);
size_t support_guest_ram_size(void);

/*
 * "virtio-serial-sim" (alias "virtio-serial"): a virtio-serial device on
 * the system bus behind a transport with the legacy virtio-pci register
 * layout, as a Linux guest driver programs it.  Property: max_ports.
 */
#define VIRTIO_SIM_HOST_FEATURES   0    /* 32 bit, read-only */
#define VIRTIO_SIM_GUEST_FEATURES  4    /* 32 bit */
#define VIRTIO_SIM_QUEUE_PFN       8    /* 32 bit, ring address >> 12 */
#define VIRTIO_SIM_QUEUE_NUM       12   /* 16 bit, read-only */
#define VIRTIO_SIM_QUEUE_SEL       14   /* 16 bit */
#define VIRTIO_SIM_QUEUE_NOTIFY    16   /* 16 bit, write: kick queue */
#define VIRTIO_SIM_STATUS          18   /* 8 bit, 0 resets the device */
#define VIRTIO_SIM_ISR             19   /* 8 bit, read clears */
#define VIRTIO_SIM_CONFIG          20   /* device config space */
#define VIRTIO_SIM_QUEUE_ADDR_SHIFT 12

uint32_t virtio_sim_io_read(DeviceState *dev, uint32_t offset, int size);
void virtio_sim_io_write(DeviceState *dev, uint32_t offset, uint32_t val,
                         int size);
/* Called (never re-entrantly from the device) when the interrupt fires. */
void virtio_sim_set_irq_handler(DeviceState *dev, void (*fn)(void *opaque),
                                void *opaque);
uint64_t virtio_sim_irq_count(DeviceState *dev);
VirtIODevice *virtio_sim_vdev(DeviceState *dev);

/* "-device" option string -> initialized device, or NULL (error reported) */
DeviceState *support_device_add(const char *optstr);
/* "device_del": unplug by id; 0 or -1 (error reported) */
int support_device_del(const char *id);

/* savevm: every register_savevm() section, in an in-memory stream. */
QEMUFile *support_qemu_file_mem_writer(GByteArray *buf);
QEMUFile *support_qemu_file_mem_reader(const uint8_t *data, size_t len);
int support_savevm_save(QEMUFile *f);
int support_savevm_load(QEMUFile *f);
int support_savevm_count(void);       /* registered sections */

#endif
