/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: minimal qdev (device registry, buses, -device, unplug). */

#include <glib.h>
#include "hw/qdev.h"
#include "monitor.h"
#include "qemu-error.h"
#include "support-virtio.h"

DeviceInfo *device_info_list;
static BusState *main_system_bus;
static int qdev_hotplug;

struct BusInfo system_bus_info = {
    .name = "System",
    .size = sizeof(BusState),
};

void qdev_register(DeviceInfo *info)
{
    assert(info->size >= sizeof(DeviceState));
    assert(!info->next);
    info->next = device_info_list;
    device_info_list = info;
}

static DeviceInfo *qdev_find_info(BusInfo *bus_info, const char *name)
{
    DeviceInfo *info;

    for (info = device_info_list; info; info = info->next) {
        if (bus_info && info->bus_info != bus_info) {
            continue;
        }
        if (strcmp(info->name, name) == 0 ||
            (info->alias && strcmp(info->alias, name) == 0)) {
            return info;
        }
    }
    return NULL;
}

BusState *sysbus_get_default(void)
{
    if (!main_system_bus) {
        main_system_bus = qbus_create(&system_bus_info, NULL,
                                      "main-system-bus");
        /* simulated slots: the transport device may come and go */
        main_system_bus->allow_hotplug = 1;
    }
    return main_system_bus;
}

static DeviceState *qdev_create_from_info(BusState *bus, DeviceInfo *info)
{
    DeviceState *dev;

    assert(bus->info == info->bus_info);
    dev = qemu_mallocz(info->size);
    dev->info = info;
    dev->parent_bus = bus;
    QLIST_INIT(&dev->child_bus);
    qdev_prop_set_defaults(dev, dev->info->props);
    qdev_prop_set_defaults(dev, dev->parent_bus->info->props);
    QLIST_INSERT_HEAD(&bus->children, dev, sibling);
    if (qdev_hotplug) {
        dev->hotplugged = 1;
    }
    dev->state = DEV_STATE_CREATED;
    return dev;
}

DeviceState *qdev_try_create(BusState *bus, const char *name)
{
    DeviceInfo *info;

    if (!bus) {
        bus = sysbus_get_default();
    }
    info = qdev_find_info(bus->info, name);
    if (!info) {
        return NULL;
    }
    return qdev_create_from_info(bus, info);
}

DeviceState *qdev_create(BusState *bus, const char *name)
{
    DeviceState *dev = qdev_try_create(bus, name);

    if (!dev) {
        hw_error("Unknown device '%s' for bus '%s'", name,
                 bus ? bus->info->name : "System");
    }
    return dev;
}

int qdev_init(DeviceState *dev)
{
    int rc;

    assert(dev->state == DEV_STATE_CREATED);
    rc = dev->info->init(dev, dev->info);
    if (rc < 0) {
        qdev_free(dev);
        return -1;
    }
    dev->state = DEV_STATE_INITIALIZED;
    if (dev->hotplugged && dev->info->reset) {
        dev->info->reset(dev);
    }
    return 0;
}

void qdev_init_nofail(DeviceState *dev)
{
    if (qdev_init(dev) < 0) {
        hw_error("Initialization of device %s failed", dev->info->name);
    }
}

int qdev_unplug(DeviceState *dev)
{
    if (!dev->parent_bus->allow_hotplug) {
        error_report("Bus %s does not support hotplugging",
                     dev->parent_bus->name);
        return -1;
    }
    assert(dev->info->unplug != NULL);
    return dev->info->unplug(dev);
}

int qdev_simple_unplug_cb(DeviceState *dev)
{
    qdev_free(dev);
    return 0;
}

void qdev_free(DeviceState *dev)
{
    Property *prop;
    int pass;

    if (dev->state == DEV_STATE_INITIALIZED) {
        while (dev->num_child_bus) {
            qbus_free(QLIST_FIRST(&dev->child_bus));
        }
        if (dev->info->exit) {
            dev->info->exit(dev);
        }
        if (dev->opts) {
            qemu_opts_del(dev->opts);
        }
    }
    QLIST_REMOVE(dev, sibling);
    for (pass = 0; pass < 2; pass++) {
        prop = pass ? dev->parent_bus->info->props : dev->info->props;
        for (; prop && prop->name; prop++) {
            if (prop->info->free) {
                prop->info->free(dev, prop);
            }
        }
    }
    qemu_free(dev);
}

void qdev_machine_creation_done(void)
{
    qdev_hotplug = 1;
}

BusState *qdev_get_parent_bus(DeviceState *dev)
{
    return dev->parent_bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    BusState *bus;

    QLIST_FOREACH(bus, &dev->child_bus, sibling) {
        if (strcmp(name, bus->name) == 0) {
            return bus;
        }
    }
    return NULL;
}

int qbus_walk_children(BusState *bus, qdev_walkerfn *devfn,
                       qbus_walkerfn *busfn, void *opaque)
{
    DeviceState *dev;
    int err;

    if (busfn) {
        err = busfn(bus, opaque);
        if (err) {
            return err;
        }
    }
    QLIST_FOREACH(dev, &bus->children, sibling) {
        err = qdev_walk_children(dev, devfn, busfn, opaque);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

int qdev_walk_children(DeviceState *dev, qdev_walkerfn *devfn,
                       qbus_walkerfn *busfn, void *opaque)
{
    BusState *bus;
    int err;

    if (devfn) {
        err = devfn(dev, opaque);
        if (err) {
            return err;
        }
    }
    QLIST_FOREACH(bus, &dev->child_bus, sibling) {
        err = qbus_walk_children(bus, devfn, busfn, opaque);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

static int qdev_reset_one(DeviceState *dev, void *opaque)
{
    if (dev->info->reset) {
        dev->info->reset(dev);
    }
    return 0;
}

static int qbus_reset_one(BusState *bus, void *opaque)
{
    if (bus->info->reset) {
        return bus->info->reset(bus);
    }
    return 0;
}

void qdev_reset_all(DeviceState *dev)
{
    qdev_walk_children(dev, qdev_reset_one, qbus_reset_one, NULL);
}

void qbus_reset_all_fn(void *opaque)
{
    qbus_walk_children(opaque, qdev_reset_one, qbus_reset_one, NULL);
}

DeviceState *qdev_find_recursive(BusState *bus, const char *id)
{
    DeviceState *dev, *ret;
    BusState *child;

    QLIST_FOREACH(dev, &bus->children, sibling) {
        if (dev->id && strcmp(dev->id, id) == 0) {
            return dev;
        }
        QLIST_FOREACH(child, &dev->child_bus, sibling) {
            ret = qdev_find_recursive(child, id);
            if (ret) {
                return ret;
            }
        }
    }
    return NULL;
}

/* A bus by name, or the first one of type @info with room for a device. */
static BusState *qbus_find_recursive(BusState *bus, const char *name,
                                     const BusInfo *info)
{
    DeviceState *dev;
    BusState *child, *ret;

    if ((!name || strcmp(bus->name, name) == 0) &&
        (!info || bus->info == info)) {
        return bus;
    }
    QLIST_FOREACH(dev, &bus->children, sibling) {
        QLIST_FOREACH(child, &dev->child_bus, sibling) {
            ret = qbus_find_recursive(child, name, info);
            if (ret) {
                return ret;
            }
        }
    }
    return NULL;
}

void qbus_create_inplace(BusState *bus, BusInfo *info, DeviceState *parent,
                         const char *name)
{
    char *buf;
    int i;

    bus->info = info;
    bus->parent = parent;
    if (name) {
        bus->name = qemu_strdup(name);
    } else if (parent && parent->id) {
        bus->name = g_strdup_printf("%s.%d", parent->id,
                                    parent->num_child_bus);
    } else {
        buf = g_strdup_printf("%s.%d", info->name,
                              parent ? parent->num_child_bus : 0);
        for (i = 0; buf[i]; i++) {
            buf[i] = qemu_tolower(buf[i]);
        }
        bus->name = buf;
    }
    QLIST_INIT(&bus->children);
    if (parent) {
        QLIST_INSERT_HEAD(&parent->child_bus, bus, sibling);
        parent->num_child_bus++;
    }
}

BusState *qbus_create(BusInfo *info, DeviceState *parent, const char *name)
{
    BusState *bus = qemu_mallocz(info->size);

    bus->qdev_allocated = 1;
    qbus_create_inplace(bus, info, parent, name);
    return bus;
}

void qbus_free(BusState *bus)
{
    DeviceState *dev;

    while ((dev = QLIST_FIRST(&bus->children)) != NULL) {
        qdev_free(dev);
    }
    if (bus->parent) {
        QLIST_REMOVE(bus, sibling);
        bus->parent->num_child_bus--;
    }
    qemu_free((void *)bus->name);
    if (bus->qdev_allocated) {
        qemu_free(bus);
    }
}

static void qbus_print(Monitor *mon, BusState *bus, int indent);

static void qdev_print(Monitor *mon, DeviceState *dev, int indent)
{
    BusState *child;

    monitor_printf(mon, "%*sdev: %s, id \"%s\"\n", indent, "",
                   dev->info->name, dev->id ? dev->id : "");
    if (dev->parent_bus->info->print_dev) {
        dev->parent_bus->info->print_dev(mon, dev, indent + 2);
    }
    QLIST_FOREACH(child, &dev->child_bus, sibling) {
        qbus_print(mon, child, indent + 2);
    }
}

static void qbus_print(Monitor *mon, BusState *bus, int indent)
{
    DeviceState *dev;

    monitor_printf(mon, "%*sbus: %s\n", indent, "", bus->name);
    monitor_printf(mon, "%*stype %s\n", indent + 2, "", bus->info->name);
    QLIST_FOREACH(dev, &bus->children, sibling) {
        qdev_print(mon, dev, indent + 2);
    }
}

void do_info_qtree(Monitor *mon)
{
    qbus_print(mon, sysbus_get_default(), 0);
}

static int set_property(const char *name, const char *value, void *opaque)
{
    DeviceState *dev = opaque;

    if (strcmp(name, "driver") == 0 || strcmp(name, "bus") == 0) {
        return 0;
    }
    return qdev_prop_parse(dev, name, value) == -1 ? -1 : 0;
}

DeviceState *qdev_device_add(QemuOpts *opts)
{
    const char *driver = qemu_opt_get(opts, "driver");
    const char *path = qemu_opt_get(opts, "bus");
    DeviceInfo *info;
    DeviceState *dev;
    BusState *bus;

    if (!driver) {
        error_report("Parameter 'driver' missing");
        return NULL;
    }
    info = qdev_find_info(NULL, driver);
    if (!info || info->no_user) {
        error_report("Parameter 'driver' expects a driver name "
                     "(\"%s\" is not one)", driver);
        return NULL;
    }
    if (path) {
        bus = qbus_find_recursive(sysbus_get_default(), path, NULL);
        if (!bus) {
            error_report("Bus '%s' not found", path);
            return NULL;
        }
        if (bus->info != info->bus_info) {
            error_report("Device '%s' can't go on a %s bus", driver,
                         bus->info->name);
            return NULL;
        }
    } else {
        bus = qbus_find_recursive(sysbus_get_default(), NULL,
                                  info->bus_info);
        if (!bus) {
            error_report("No '%s' bus found for device '%s'",
                         info->bus_info->name, driver);
            return NULL;
        }
    }
    if (qdev_hotplug && !bus->allow_hotplug) {
        error_report("Bus '%s' does not support hotplugging", bus->name);
        return NULL;
    }

    dev = qdev_create_from_info(bus, info);
    dev->id = qemu_opts_id(opts);
    if (qemu_opt_foreach(opts, set_property, dev, 1) != 0) {
        qdev_free(dev);
        return NULL;
    }
    if (qdev_init(dev) < 0) {
        error_report("Device '%s' could not be initialized", driver);
        return NULL;
    }
    dev->opts = opts;
    return dev;
}

/* Standalone "-device" / "device_add" / "device_del" helpers. */

static QemuOptsList support_device_opts = {
    .name = "device",
    .implied_opt_name = "driver",
    .head = QTAILQ_HEAD_INITIALIZER(support_device_opts.head),
    .desc = {
        { /* any property: validated by qdev */ }
    },
};

DeviceState *support_device_add(const char *optstr)
{
    QemuOpts *opts = qemu_opts_parse(&support_device_opts, optstr, 1);
    DeviceState *dev;

    if (!opts) {
        return NULL;
    }
    dev = qdev_device_add(opts);
    if (!dev) {
        qemu_opts_del(opts);
    }
    return dev;
}

int support_device_del(const char *id)
{
    DeviceState *dev = qdev_find_recursive(sysbus_get_default(), id);

    if (!dev) {
        error_report("Device '%s' not found", id);
        return -1;
    }
    return qdev_unplug(dev);
}
