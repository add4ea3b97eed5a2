/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the v0.15.0 qemu-objects.h interface for the standalone build. */

#ifndef QEMU_OBJECTS_H
#define QEMU_OBJECTS_H

#include "qobject.h"
#include "qint.h"
#include "qfloat.h"
#include "qbool.h"
#include "qstring.h"
#include "qdict.h"
#include "qlist.h"
#include "qjson.h"

#endif /* QEMU_OBJECTS_H */
