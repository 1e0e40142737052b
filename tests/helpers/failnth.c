// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: ADD a device with the Nth fault-injection point of the ioctl
 * failing (/proc/thread-self/fail-nth), for N = 1, 2, ... until an ADD
 * runs without reaching its Nth point. A failed ADD must fail with
 * ENOMEM and leave no vfsblk device; a successful one (a failure the
 * driver or the kernel absorbed) must give a device that REMOVE removes.
 * Needs CONFIG_FAULT_INJECTION (a kernel without it has no fail-nth).
 *
 *   failnth FILE [MAX]     (MAX: bound of N, default 20000)
 *
 * Prints one line per N that failed oddly, and a summary:
 * "points=P enomem=F absorbed=S". Exit status: 0 every N behaved,
 * 1 one did not, 2 usage or setup error.
 *
 *   failnth --io DEV COUNT
 *
 * COUNT direct 512 KiB writes to DEV with /proc/self/make-it-fail set, so
 * that failslab (task-filter) fails this process's allocations. The
 * process is locked in memory first and makes no other system call while
 * failing: an exec, or a page fault on the 9p root of the test guest,
 * with failing allocations would break the guest rather than test the
 * device. A write must succeed or fail with ENOMEM, EIO or ENOSPC. Prints
 * "ok=N failed=M"; exit status 1 on any other errno.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfsblk.h>

static int devices_left(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfsblk", 6))
			n++;
	closedir(d);
	return n;
}

static int set_nth(int fd, unsigned long nth)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lu", nth);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

static long get_nth(int fd)
{
	char buf[32];
	ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);

	if (r <= 0)
		return -1;
	buf[r] = 0;
	return strtol(buf, NULL, 10);
}

static int remove_dev(int ctl, unsigned int index)
{
	struct vfsblk_remove rm;

	memset(&rm, 0, sizeof(rm));
	rm.size = sizeof(rm);
	rm.index = index;
	return ioctl(ctl, VFSBLK_CTL_REMOVE, &rm);
}

static int io_mode(const char *path, unsigned long count)
{
	enum { CHUNK = 512 << 10, SPAN = 32 };
	unsigned long i, ok = 0, failed = 0;
	int fd, mif, errs[64], nerr = 0;
	void *buf;
	ssize_t r;

	fd = open(path, O_WRONLY | O_DIRECT | O_CLOEXEC);
	mif = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || mif < 0 || posix_memalign(&buf, 4096, CHUNK)) {
		perror("failnth --io: open");
		return 2;
	}
	memset(buf, 0x5a, CHUNK);
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		perror("failnth --io: mlockall");
		return 2;
	}
	if (pwrite(mif, "1", 1, 0) != 1) {
		perror("failnth --io: make-it-fail");
		return 2;
	}
	for (i = 0; i < count; i++) {
		r = pwrite(fd, buf, CHUNK, (off_t)(i % SPAN) * CHUNK);
		if (r == CHUNK) {
			ok++;
		} else {
			failed++;
			if (nerr < 64)
				errs[nerr++] = r < 0 ? errno : 0;
		}
	}
	while (pwrite(mif, "0", 1, 0) != 1)
		;
	munlockall();
	for (i = 0; i < (unsigned long)nerr; i++) {
		if (errs[i] == ENOMEM || errs[i] == EIO || errs[i] == ENOSPC)
			continue;
		printf("a write failed with %s\n",
		       errs[i] ? strerror(errs[i]) : "a short count");
		return 1;
	}
	printf("ok=%lu failed=%lu\n", ok, failed);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long max = 20000, nth, enomem = 0, absorbed = 0;
	int ctl, file, nthfd, bad = 0, left;
	struct vfsblk_add add;
	long rest;
	int ret, err;

	if (argc == 4 && !strcmp(argv[1], "--io"))
		return io_mode(argv[2], strtoul(argv[3], NULL, 0));
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: failnth FILE [MAX] | --io DEV COUNT\n");
		return 2;
	}
	if (argc == 3)
		max = strtoul(argv[2], NULL, 0);
	ctl = open("/dev/" VFSBLK_CONTROL_NAME, O_RDWR | O_CLOEXEC);
	file = open(argv[1], O_RDWR | O_CLOEXEC);
	nthfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (ctl < 0 || file < 0 || nthfd < 0) {
		perror("failnth: open");
		return 2;
	}
	for (nth = 1; nth <= max; nth++) {
		memset(&add, 0, sizeof(add));
		add.size = sizeof(add);
		add.fd = file;
		add.index = VFSBLK_INDEX_ANY;
		if (set_nth(nthfd, nth)) {
			perror("failnth: write fail-nth");
			return 2;
		}
		ret = ioctl(ctl, VFSBLK_CTL_ADD, &add);
		err = errno;
		rest = get_nth(nthfd);
		set_nth(nthfd, 0);
		if (ret == 0) {
			if (remove_dev(ctl, add.index)) {
				printf("N=%lu: REMOVE of the added device %u: %s\n",
				       nth, add.index, strerror(errno));
				bad = 1;
			}
			if (rest > 0) {
				/* The ADD ran without reaching point N. */
				break;
			}
			absorbed++;
		} else if (err == ENOMEM) {
			enomem++;
		} else {
			printf("N=%lu: ADD failed with %s, not ENOMEM\n", nth,
			       strerror(err));
			bad = 1;
		}
		left = devices_left();
		if (left != 0) {
			printf("N=%lu: %d vfsblk device(s) left after ADD %s\n",
			       nth, left, ret ? "failed" : "and REMOVE");
			return 1;
		}
	}
	printf("points=%lu enomem=%lu absorbed=%lu\n", nth - 1, enomem,
	       absorbed);
	if (nth > max) {
		printf("ADD still reached point N at N=%lu\n", max);
		bad = 1;
	}
	return bad;
}
