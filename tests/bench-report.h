/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark figures: median, spread, direction, reference and goal. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>

/*
 * One figure measured in several rounds.  Each round adds its value and
 * the value of the figure's reference in the same round, so the ratio of
 * a round compares runs made next to each other.  Printed as
 *
 *   bench <name> <value> <unit> x<ratio> <higher|lower>-better
 *         ref=<reference> [goal>=x<g>|goal<=x<g>] spread=x<lo>..x<hi>
 *         [met|missed]
 *
 * (one line) with the medians of the values and of the ratios, and the
 * smallest and largest ratio of a round.  A reference prints x1.00 and,
 * as its spread, its rounds against its median.
 */
typedef struct BenchFigure BenchFigure;

/* ref: the reference's name, NULL for a reference; goal 0: none. */
BenchFigure *bench_figure_new(const char *name, const char *unit,
                              bool higher_better, const char *ref,
                              double goal);
/* A round: value, and the reference's value in the same round. */
void bench_figure_add(BenchFigure *f, double value, double ref_value);
double bench_figure_median(const BenchFigure *f);
/* Print the figure's line (nothing if it has no rounds), free it. */
void bench_figure_report(BenchFigure *f);
/* Print "N goals met, N missed"; returns the number missed. */
int bench_summary(void);

#endif
