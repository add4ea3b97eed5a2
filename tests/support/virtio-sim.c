/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: virtio-serial-sim, a legacy virtio-pci style transport. */

#include "hw/qdev.h"
#include "hw/virtio.h"
#include "hw/virtio-serial.h"
#include "module.h"
#include "qemu-error.h"
#include "support-virtio.h"

typedef struct VirtIOSimDevice {
    DeviceState qdev;
    VirtIODevice *vdev;
    virtio_serial_conf serial;
    uint32_t host_features;
    uint64_t irq_count;
    void (*irq_fn)(void *opaque);
    void *irq_opaque;
} VirtIOSimDevice;

static VirtIOSimDevice *to_sim(DeviceState *dev)
{
    return DO_UPCAST(VirtIOSimDevice, qdev, dev);
}

static void sim_notify(void *opaque, uint16_t vector)
{
    VirtIOSimDevice *d = opaque;

    /* a level-triggered line: raised while isr is set */
    if (d->vdev->isr & 1) {
        d->irq_count++;
        if (d->irq_fn) {
            d->irq_fn(d->irq_opaque);
        }
    }
}

static unsigned sim_get_features(void *opaque)
{
    VirtIOSimDevice *d = opaque;

    return d->host_features;
}

static const VirtIOBindings sim_bindings = {
    .notify = sim_notify,
    .get_features = sim_get_features,
};

uint32_t virtio_sim_io_read(DeviceState *dev, uint32_t offset, int size)
{
    VirtIOSimDevice *d = to_sim(dev);
    VirtIODevice *vdev = d->vdev;
    uint32_t ret;

    if (offset >= VIRTIO_SIM_CONFIG) {
        offset -= VIRTIO_SIM_CONFIG;
        switch (size) {
        case 1:
            return virtio_config_readb(vdev, offset);
        case 2:
            return virtio_config_readw(vdev, offset);
        default:
            return virtio_config_readl(vdev, offset);
        }
    }
    switch (offset) {
    case VIRTIO_SIM_HOST_FEATURES:
        return d->host_features;
    case VIRTIO_SIM_GUEST_FEATURES:
        return vdev->guest_features;
    case VIRTIO_SIM_QUEUE_PFN:
        return virtio_queue_get_addr(vdev, vdev->queue_sel) >>
               VIRTIO_SIM_QUEUE_ADDR_SHIFT;
    case VIRTIO_SIM_QUEUE_NUM:
        return virtio_queue_get_num(vdev, vdev->queue_sel);
    case VIRTIO_SIM_QUEUE_SEL:
        return vdev->queue_sel;
    case VIRTIO_SIM_STATUS:
        return vdev->status;
    case VIRTIO_SIM_ISR:
        ret = vdev->isr;
        vdev->isr = 0;
        return ret;
    default:
        return (uint32_t)-1;
    }
}

void virtio_sim_io_write(DeviceState *dev, uint32_t offset, uint32_t val,
                         int size)
{
    VirtIOSimDevice *d = to_sim(dev);
    VirtIODevice *vdev = d->vdev;
    uint32_t supported;

    if (offset >= VIRTIO_SIM_CONFIG) {
        offset -= VIRTIO_SIM_CONFIG;
        switch (size) {
        case 1:
            virtio_config_writeb(vdev, offset, val);
            break;
        case 2:
            virtio_config_writew(vdev, offset, val);
            break;
        default:
            virtio_config_writel(vdev, offset, val);
            break;
        }
        return;
    }
    switch (offset) {
    case VIRTIO_SIM_GUEST_FEATURES:
        supported = d->host_features;
        val &= supported;
        if (vdev->set_features) {
            vdev->set_features(vdev, val);
        }
        vdev->guest_features = val;
        break;
    case VIRTIO_SIM_QUEUE_PFN:
        if (vdev->queue_sel >= VIRTIO_PCI_QUEUE_MAX) {
            break;
        }
        if (val == 0) {
            virtio_reset(vdev);
        } else {
            virtio_queue_set_addr(vdev, vdev->queue_sel,
                                  (target_phys_addr_t)val <<
                                  VIRTIO_SIM_QUEUE_ADDR_SHIFT);
        }
        break;
    case VIRTIO_SIM_QUEUE_SEL:
        if (val < VIRTIO_PCI_QUEUE_MAX) {
            vdev->queue_sel = val;
        }
        break;
    case VIRTIO_SIM_QUEUE_NOTIFY:
        if (val < VIRTIO_PCI_QUEUE_MAX) {
            virtio_queue_notify(vdev, val);
        }
        break;
    case VIRTIO_SIM_STATUS:
        virtio_set_status(vdev, val & 0xff);
        if (vdev->status == 0) {
            virtio_reset(vdev);
        }
        break;
    default:
        break;
    }
}

void virtio_sim_set_irq_handler(DeviceState *dev, void (*fn)(void *opaque),
                                void *opaque)
{
    VirtIOSimDevice *d = to_sim(dev);

    d->irq_fn = fn;
    d->irq_opaque = opaque;
}

uint64_t virtio_sim_irq_count(DeviceState *dev)
{
    return to_sim(dev)->irq_count;
}

VirtIODevice *virtio_sim_vdev(DeviceState *dev)
{
    return to_sim(dev)->vdev;
}

static int virtio_sim_serial_init(DeviceState *dev, DeviceInfo *info)
{
    VirtIOSimDevice *d = to_sim(dev);

    d->vdev = virtio_serial_init(dev, &d->serial);
    if (!d->vdev) {
        return -1;
    }
    /* transport features plus what the device adds, fixed from now on */
    d->host_features = (1 << VIRTIO_F_NOTIFY_ON_EMPTY) |
                       (1 << VIRTIO_RING_F_INDIRECT_DESC) |
                       (1 << VIRTIO_RING_F_EVENT_IDX);
    d->host_features = d->vdev->get_features(d->vdev, d->host_features);
    virtio_bind_device(d->vdev, &sim_bindings, d);
    return 0;
}

static int virtio_sim_serial_exit(DeviceState *dev)
{
    VirtIOSimDevice *d = to_sim(dev);

    virtio_serial_exit(d->vdev);
    d->vdev = NULL;
    return 0;
}

static void virtio_sim_reset(DeviceState *dev)
{
    virtio_reset(to_sim(dev)->vdev);
}

static DeviceInfo virtio_sim_serial_info = {
    .name = "virtio-serial-sim",
    .alias = "virtio-serial",
    .size = sizeof(VirtIOSimDevice),
    .init = virtio_sim_serial_init,
    .exit = virtio_sim_serial_exit,
    .reset = virtio_sim_reset,
    .unplug = qdev_simple_unplug_cb,
    .bus_info = &system_bus_info,
    .props = (Property[]) {
        DEFINE_PROP_UINT32("max_ports", VirtIOSimDevice,
                           serial.max_virtserial_ports, 31),
        DEFINE_PROP_END_OF_LIST(),
    },
};

static void virtio_sim_register(void)
{
    qdev_register(&virtio_sim_serial_info);
}
device_init(virtio_sim_register)
