/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mirrors the QEMU v0.15.0 qemu-queue.h interface for the standalone build. */

/*
 * Intrusive lists with the BSD <sys/queue.h> semantics, under the QEMU
 * names.  Field names (lh_first, tqh_last, ...) are part of the interface
 * because callers occasionally touch them directly.
 *
 *   QLIST     doubly linked list, O(1) removal, head holds one pointer
 *   QSLIST    singly linked list (not in v0.15.0; provided for convenience)
 *   QSIMPLEQ  singly linked tail queue, O(1) append
 *   QTAILQ    doubly linked tail queue, O(1) append/removal, reverse walk
 */

#ifndef QEMU_SYS_QUEUE_H_
#define QEMU_SYS_QUEUE_H_

#include <stddef.h>

/* ---- QLIST ---- */

#define QLIST_HEAD(name, type)                                          \
    struct name {                                                       \
        struct type *lh_first;                                          \
    }

#define QLIST_HEAD_INITIALIZER(head) { NULL }

#define QLIST_ENTRY(type)                                               \
    struct {                                                            \
        struct type *le_next;                                           \
        struct type **le_prev; /* the pointer that points at us */      \
    }

#define QLIST_INIT(head) do {                                           \
        (head)->lh_first = NULL;                                        \
    } while (0)

#define QLIST_INSERT_HEAD(head, elm, field) do {                        \
        (elm)->field.le_next = (head)->lh_first;                        \
        if ((elm)->field.le_next != NULL) {                             \
            (head)->lh_first->field.le_prev = &(elm)->field.le_next;    \
        }                                                               \
        (head)->lh_first = (elm);                                       \
        (elm)->field.le_prev = &(head)->lh_first;                       \
    } while (0)

#define QLIST_INSERT_AFTER(listelm, elm, field) do {                    \
        (elm)->field.le_next = (listelm)->field.le_next;                \
        if ((elm)->field.le_next != NULL) {                             \
            (listelm)->field.le_next->field.le_prev =                   \
                &(elm)->field.le_next;                                  \
        }                                                               \
        (listelm)->field.le_next = (elm);                               \
        (elm)->field.le_prev = &(listelm)->field.le_next;               \
    } while (0)

#define QLIST_INSERT_BEFORE(listelm, elm, field) do {                   \
        (elm)->field.le_prev = (listelm)->field.le_prev;                \
        (elm)->field.le_next = (listelm);                               \
        *(listelm)->field.le_prev = (elm);                              \
        (listelm)->field.le_prev = &(elm)->field.le_next;               \
    } while (0)

#define QLIST_REMOVE(elm, field) do {                                   \
        if ((elm)->field.le_next != NULL) {                             \
            (elm)->field.le_next->field.le_prev = (elm)->field.le_prev; \
        }                                                               \
        *(elm)->field.le_prev = (elm)->field.le_next;                   \
    } while (0)

#define QLIST_FOREACH(var, head, field)                                 \
    for ((var) = (head)->lh_first; (var); (var) = (var)->field.le_next)

/* Safe against removal (and freeing) of the current element. */
#define QLIST_FOREACH_SAFE(var, head, field, next_var)                  \
    for ((var) = (head)->lh_first;                                      \
         (var) && ((next_var) = (var)->field.le_next, 1);               \
         (var) = (next_var))

#define QLIST_EMPTY(head)      ((head)->lh_first == NULL)
#define QLIST_FIRST(head)      ((head)->lh_first)
#define QLIST_NEXT(elm, field) ((elm)->field.le_next)

/* ---- QSLIST ---- */

#define QSLIST_HEAD(name, type)                                         \
    struct name {                                                       \
        struct type *slh_first;                                         \
    }

#define QSLIST_HEAD_INITIALIZER(head) { NULL }

#define QSLIST_ENTRY(type)                                              \
    struct {                                                            \
        struct type *sle_next;                                          \
    }

#define QSLIST_INIT(head) do {                                          \
        (head)->slh_first = NULL;                                       \
    } while (0)

#define QSLIST_INSERT_HEAD(head, elm, field) do {                       \
        (elm)->field.sle_next = (head)->slh_first;                      \
        (head)->slh_first = (elm);                                      \
    } while (0)

#define QSLIST_INSERT_AFTER(slistelm, elm, field) do {                  \
        (elm)->field.sle_next = (slistelm)->field.sle_next;             \
        (slistelm)->field.sle_next = (elm);                             \
    } while (0)

#define QSLIST_REMOVE_HEAD(head, field) do {                            \
        (head)->slh_first = (head)->slh_first->field.sle_next;          \
    } while (0)

#define QSLIST_REMOVE_AFTER(slistelm, field) do {                       \
        (slistelm)->field.sle_next =                                    \
            (slistelm)->field.sle_next->field.sle_next;                 \
    } while (0)

#define QSLIST_FOREACH(var, head, field)                                \
    for ((var) = (head)->slh_first; (var); (var) = (var)->field.sle_next)

#define QSLIST_FOREACH_SAFE(var, head, field, next_var)                 \
    for ((var) = (head)->slh_first;                                     \
         (var) && ((next_var) = (var)->field.sle_next, 1);              \
         (var) = (next_var))

#define QSLIST_EMPTY(head)      ((head)->slh_first == NULL)
#define QSLIST_FIRST(head)      ((head)->slh_first)
#define QSLIST_NEXT(elm, field) ((elm)->field.sle_next)

/* ---- QSIMPLEQ ---- */

#define QSIMPLEQ_HEAD(name, type)                                       \
    struct name {                                                       \
        struct type *sqh_first;                                         \
        struct type **sqh_last; /* where the next append is stored */   \
    }

#define QSIMPLEQ_HEAD_INITIALIZER(head) { NULL, &(head).sqh_first }

#define QSIMPLEQ_ENTRY(type)                                            \
    struct {                                                            \
        struct type *sqe_next;                                          \
    }

#define QSIMPLEQ_INIT(head) do {                                        \
        (head)->sqh_first = NULL;                                       \
        (head)->sqh_last = &(head)->sqh_first;                          \
    } while (0)

#define QSIMPLEQ_INSERT_HEAD(head, elm, field) do {                     \
        (elm)->field.sqe_next = (head)->sqh_first;                      \
        if ((elm)->field.sqe_next == NULL) {                            \
            (head)->sqh_last = &(elm)->field.sqe_next;                  \
        }                                                               \
        (head)->sqh_first = (elm);                                      \
    } while (0)

#define QSIMPLEQ_INSERT_TAIL(head, elm, field) do {                     \
        (elm)->field.sqe_next = NULL;                                   \
        *(head)->sqh_last = (elm);                                      \
        (head)->sqh_last = &(elm)->field.sqe_next;                      \
    } while (0)

#define QSIMPLEQ_INSERT_AFTER(head, listelm, elm, field) do {           \
        (elm)->field.sqe_next = (listelm)->field.sqe_next;              \
        if ((elm)->field.sqe_next == NULL) {                            \
            (head)->sqh_last = &(elm)->field.sqe_next;                  \
        }                                                               \
        (listelm)->field.sqe_next = (elm);                              \
    } while (0)

#define QSIMPLEQ_REMOVE_HEAD(head, field) do {                          \
        (head)->sqh_first = (head)->sqh_first->field.sqe_next;          \
        if ((head)->sqh_first == NULL) {                                \
            (head)->sqh_last = &(head)->sqh_first;                      \
        }                                                               \
    } while (0)

/* O(n): walks from the head to find the predecessor. */
#define QSIMPLEQ_REMOVE(head, elm, type, field) do {                    \
        if ((head)->sqh_first == (elm)) {                               \
            QSIMPLEQ_REMOVE_HEAD((head), field);                        \
        } else {                                                        \
            struct type *qsimpleq_prev_ = (head)->sqh_first;            \
            while (qsimpleq_prev_->field.sqe_next != (elm)) {           \
                qsimpleq_prev_ = qsimpleq_prev_->field.sqe_next;        \
            }                                                           \
            qsimpleq_prev_->field.sqe_next = (elm)->field.sqe_next;     \
            if (qsimpleq_prev_->field.sqe_next == NULL) {               \
                (head)->sqh_last = &qsimpleq_prev_->field.sqe_next;     \
            }                                                           \
        }                                                               \
    } while (0)

#define QSIMPLEQ_FOREACH(var, head, field)                              \
    for ((var) = (head)->sqh_first; (var); (var) = (var)->field.sqe_next)

#define QSIMPLEQ_FOREACH_SAFE(var, head, field, next_var)               \
    for ((var) = (head)->sqh_first;                                     \
         (var) && ((next_var) = (var)->field.sqe_next, 1);              \
         (var) = (next_var))

/* Moves every element of head2 to the end of head1; head2 ends empty. */
#define QSIMPLEQ_CONCAT(head1, head2) do {                              \
        if (!QSIMPLEQ_EMPTY((head2))) {                                 \
            *(head1)->sqh_last = (head2)->sqh_first;                    \
            (head1)->sqh_last = (head2)->sqh_last;                      \
            QSIMPLEQ_INIT((head2));                                     \
        }                                                               \
    } while (0)

/* sqh_last points at the sqe_next field of the last element. */
#define QSIMPLEQ_LAST(head, type, field)                                \
    (QSIMPLEQ_EMPTY((head)) ? NULL :                                    \
     ((struct type *)(void *)((char *)((head)->sqh_last) -              \
                              offsetof(struct type, field))))

#define QSIMPLEQ_EMPTY(head)      ((head)->sqh_first == NULL)
#define QSIMPLEQ_FIRST(head)      ((head)->sqh_first)
#define QSIMPLEQ_NEXT(elm, field) ((elm)->field.sqe_next)

/* ---- QTAILQ ---- */

/*
 * The head and the entry have the same layout (first pointer, then the
 * address of a pointer), which is what lets QTAILQ_LAST/QTAILQ_PREV step
 * backwards by reinterpreting an entry's tqe_prev as a head.
 */
#define Q_TAILQ_HEAD(name, type, qual)                                  \
    struct name {                                                       \
        qual type *tqh_first;                                           \
        qual type *qual *tqh_last;                                      \
    }
#define QTAILQ_HEAD(name, type) Q_TAILQ_HEAD(name, struct type, )

#define QTAILQ_HEAD_INITIALIZER(head) { NULL, &(head).tqh_first }

#define Q_TAILQ_ENTRY(type, qual)                                       \
    struct {                                                            \
        qual type *tqe_next;                                            \
        qual type *qual *tqe_prev;                                      \
    }
#define QTAILQ_ENTRY(type) Q_TAILQ_ENTRY(struct type, )

#define QTAILQ_INIT(head) do {                                          \
        (head)->tqh_first = NULL;                                       \
        (head)->tqh_last = &(head)->tqh_first;                          \
    } while (0)

#define QTAILQ_INSERT_HEAD(head, elm, field) do {                       \
        (elm)->field.tqe_next = (head)->tqh_first;                      \
        if ((elm)->field.tqe_next != NULL) {                            \
            (head)->tqh_first->field.tqe_prev = &(elm)->field.tqe_next; \
        } else {                                                        \
            (head)->tqh_last = &(elm)->field.tqe_next;                  \
        }                                                               \
        (head)->tqh_first = (elm);                                      \
        (elm)->field.tqe_prev = &(head)->tqh_first;                     \
    } while (0)

#define QTAILQ_INSERT_TAIL(head, elm, field) do {                       \
        (elm)->field.tqe_next = NULL;                                   \
        (elm)->field.tqe_prev = (head)->tqh_last;                       \
        *(head)->tqh_last = (elm);                                      \
        (head)->tqh_last = &(elm)->field.tqe_next;                      \
    } while (0)

#define QTAILQ_INSERT_AFTER(head, listelm, elm, field) do {             \
        (elm)->field.tqe_next = (listelm)->field.tqe_next;              \
        if ((elm)->field.tqe_next != NULL) {                            \
            (elm)->field.tqe_next->field.tqe_prev =                     \
                &(elm)->field.tqe_next;                                 \
        } else {                                                        \
            (head)->tqh_last = &(elm)->field.tqe_next;                  \
        }                                                               \
        (listelm)->field.tqe_next = (elm);                              \
        (elm)->field.tqe_prev = &(listelm)->field.tqe_next;             \
    } while (0)

#define QTAILQ_INSERT_BEFORE(listelm, elm, field) do {                  \
        (elm)->field.tqe_prev = (listelm)->field.tqe_prev;              \
        (elm)->field.tqe_next = (listelm);                              \
        *(listelm)->field.tqe_prev = (elm);                             \
        (listelm)->field.tqe_prev = &(elm)->field.tqe_next;             \
    } while (0)

#define QTAILQ_REMOVE(head, elm, field) do {                            \
        if ((elm)->field.tqe_next != NULL) {                            \
            (elm)->field.tqe_next->field.tqe_prev =                     \
                (elm)->field.tqe_prev;                                  \
        } else {                                                        \
            (head)->tqh_last = (elm)->field.tqe_prev;                   \
        }                                                               \
        *(elm)->field.tqe_prev = (elm)->field.tqe_next;                 \
    } while (0)

#define QTAILQ_FOREACH(var, head, field)                                \
    for ((var) = (head)->tqh_first; (var); (var) = (var)->field.tqe_next)

/* Safe against removal (and freeing) of the current element. */
#define QTAILQ_FOREACH_SAFE(var, head, field, next_var)                 \
    for ((var) = (head)->tqh_first;                                     \
         (var) && ((next_var) = (var)->field.tqe_next, 1);              \
         (var) = (next_var))

#define QTAILQ_LAST(head, headname)                                     \
    (*(((struct headname *)((head)->tqh_last))->tqh_last))

#define QTAILQ_PREV(elm, headname, field)                               \
    (*(((struct headname *)((elm)->field.tqe_prev))->tqh_last))

#define QTAILQ_FOREACH_REVERSE(var, head, headname, field)              \
    for ((var) = QTAILQ_LAST((head), headname);                         \
         (var);                                                         \
         (var) = QTAILQ_PREV((var), headname, field))

#define QTAILQ_EMPTY(head)      ((head)->tqh_first == NULL)
#define QTAILQ_FIRST(head)      ((head)->tqh_first)
#define QTAILQ_NEXT(elm, field) ((elm)->field.tqe_next)

#endif
