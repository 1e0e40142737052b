/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: a minimal harness for the host-side unit tests.
 *
 * CHECK() counts and reports; test_summary() prints the totals and gives
 * the exit status (non-zero if anything failed).
 */
#ifndef VFSBLKCTL_TEST_H
#define VFSBLKCTL_TEST_H

#include <stdio.h>

static int test_passed, test_failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			test_passed++;					\
		} else {						\
			test_failed++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			putchar('\n');					\
		}							\
	} while (0)

static inline int test_summary(const char *name)
{
	printf("%s: %d passed, %d failed: %s\n", name, test_passed,
	       test_failed, test_failed ? "FAIL" : "ok");
	return test_failed ? 1 : 0;
}

#endif /* VFSBLKCTL_TEST_H */
