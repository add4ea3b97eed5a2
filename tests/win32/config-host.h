/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config-host.h of a QEMU build for 64-bit Windows, spice off. */

#define QEMU_VERSION "0.15.0"
#define QEMU_PKGVERSION ""
#define HOST_X86_64 1
#define HOST_LONG_BITS 64
#define CONFIG_WIN32 1
