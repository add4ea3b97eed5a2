/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 trace.h interface for the standalone build. */

#ifndef TRACE_H
#define TRACE_H

#include "qemu-common.h"

/*
 * v0.15.0 generates this header from trace-events.  The standalone build
 * has no trace backend: a file that calls trace_foo(...) adds a matching
 * no-op here, e.g.
 *
 *   static inline void trace_foo(unsigned int x)
 *   {
 *   }
 */

#endif
