/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support layer: device/block init functions registered before main(). */

#include "qemu-common.h"
#include "module.h"

/* Enough for every device_init() of the fragment and the support layer. */
#define MODULE_MAX_INITS 64

typedef struct ModuleInitList {
    void (*fn[MODULE_MAX_INITS])(void);
    int count;
    int called;         /* how many of fn[] have run */
} ModuleInitList;

static ModuleInitList init_lists[MODULE_INIT_MAX];

void register_module_init(void (*fn)(void), module_init_type type)
{
    ModuleInitList *l = &init_lists[type];

    if (l->count == MODULE_MAX_INITS) {
        fprintf(stderr, "module: too many init functions\n");
        abort();
    }
    l->fn[l->count++] = fn;
}

void module_call_init(module_init_type type)
{
    ModuleInitList *l = &init_lists[type];

    while (l->called < l->count) {
        l->fn[l->called++]();
    }
}
