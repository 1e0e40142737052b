// SPDX-License-Identifier: GPL-2.0
/*
 * ctlprobe: drive /dev/vfsblk-control with raw ioctls, including malformed
 * ones, and print the outcome: "OK ..." or the errno name (e.g. "EINVAL").
 * Exit status: 0 the call succeeded, 1 it failed (errno printed), 2 usage.
 *
 *   ctlprobe [--drop-priv] [--control PATH] COMMAND ...
 *   COMMAND:
 *     features [--size N]
 *     add (--fd-path P | --fifo P | --pipe | --socket | --fd N)
 *         [--rdonly-open] [--wronly-open] [--flags N] [--index N]
 *         [--reserved] [--reserved0] [--size N] [--tail-byte]
 *     remove N [--deferred] [--flags N] [--reserved] [--size N]
 *     info N [--size N] [--bad-path]
 *     list [--size N] [--reserved]
 *     raw CMDNUM [--dir none|r|w|rw] [--type T] [--size N]
 *
 * --drop-priv opens the control node as the caller, then switches to
 * uid/gid 65534 with no groups (losing every capability) before the ioctl.
 * --size sets the struct's size field (the buffer is always one page plus
 * one, zeroed); --tail-byte puts a non-zero byte just below that size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfsblk.h>

#define BUF_SIZE 4097

static union {
	unsigned char bytes[BUF_SIZE];
	struct vfsblk_features features;
	struct vfsblk_add add;
	struct vfsblk_remove remove;
	struct vfsblk_info info;
	struct vfsblk_list list;
	uint64_t align;
} buf;

static const char *control = "/dev/" VFSBLK_CONTROL_NAME;
static int drop_priv;

static void usage(void)
{
	fprintf(stderr, "usage: ctlprobe [--drop-priv] [--control PATH] "
		"features|add|remove|info|list|raw ...\n");
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "ctlprobe: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int fail(void)
{
	const char *name = strerrorname_np(errno);

	if (name)
		printf("%s\n", name);
	else
		printf("E%d\n", errno);
	return 1;
}

static int open_control(void)
{
	int fd = open(control, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fail();
		exit(1);
	}
	if (drop_priv) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534)) {
			perror("ctlprobe: dropping privileges");
			exit(2);
		}
	}
	return fd;
}

/* Set the size field and optionally poison the last byte below it. */
static void set_size(uint32_t size, int tail_byte)
{
	memcpy(buf.bytes, &size, sizeof(size));
	if (tail_byte && size > 4 && size <= BUF_SIZE)
		buf.bytes[size - 1] = 0x5a;
}

static int do_ioctl(int ctl, unsigned long cmd)
{
	if (ioctl(ctl, cmd, buf.bytes) < 0)
		return fail();
	return 0;
}

static int cmd_features(int argc, char **argv)
{
	uint32_t size = sizeof(buf.features);
	int i, ctl;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = num(argv[++i]);
		else
			usage();
	}
	ctl = open_control();
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_GET_FEATURES))
		return 1;
	printf("OK abi=%u add_flags=%#" PRIx64 " max_index=%u\n",
	       buf.features.abi_version, (uint64_t)buf.features.add_flags,
	       buf.features.max_index);
	return 0;
}

static int cmd_add(int argc, char **argv)
{
	uint32_t size = sizeof(buf.add), index = VFSBLK_INDEX_ANY;
	uint64_t flags = 0;
	int i, fd = -1, have_fd = 0, mode = O_RDWR, reserved = 0;
	int reserved0 = 0, tail = 0, ctl;
	const char *path = NULL, *fifo = NULL;
	int pipe_fd = 0, sock_fd = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--fd-path") && v)
			path = v, i++;
		else if (!strcmp(a, "--fifo") && v)
			fifo = v, i++;
		else if (!strcmp(a, "--pipe"))
			pipe_fd = 1;
		else if (!strcmp(a, "--socket"))
			sock_fd = 1;
		else if (!strcmp(a, "--fd") && v)
			fd = (int)strtol(v, NULL, 0), have_fd = 1, i++;
		else if (!strcmp(a, "--rdonly-open"))
			mode = O_RDONLY;
		else if (!strcmp(a, "--wronly-open"))
			mode = O_WRONLY;
		else if (!strcmp(a, "--flags") && v)
			flags = num(v), i++;
		else if (!strcmp(a, "--index") && v)
			index = num(v), i++;
		else if (!strcmp(a, "--reserved"))
			reserved = 1;
		else if (!strcmp(a, "--reserved0"))
			reserved0 = 1;
		else if (!strcmp(a, "--size") && v)
			size = num(v), i++;
		else if (!strcmp(a, "--tail-byte"))
			tail = 1;
		else
			usage();
	}

	if (path) {
		fd = open(path, mode | O_CLOEXEC);
		if (fd < 0) {
			perror("ctlprobe: open backing");
			return 2;
		}
	} else if (fifo) {
		/* O_RDWR on a FIFO does not wait for a peer on Linux. */
		fd = open(fifo, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			perror("ctlprobe: open fifo");
			return 2;
		}
	} else if (pipe_fd) {
		int p[2];

		if (pipe(p)) {
			perror("ctlprobe: pipe");
			return 2;
		}
		fd = p[0];
	} else if (sock_fd) {
		int s[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, s)) {
			perror("ctlprobe: socketpair");
			return 2;
		}
		fd = s[0];
	} else if (!have_fd) {
		usage();
	}

	ctl = open_control();
	buf.add.fd = fd;
	buf.add.index = index;
	buf.add.flags = flags;
	if (reserved)
		buf.add.reserved[5] = 1;
	if (reserved0)
		buf.add.reserved0 = 1;
	set_size(size, tail);
	if (do_ioctl(ctl, VFSBLK_CTL_ADD))
		return 1;
	printf("OK index=%u\n", buf.add.index);
	return 0;
}

static int cmd_remove(int argc, char **argv)
{
	uint32_t size = sizeof(buf.remove), flags = 0;
	int i, reserved = 0, ctl;

	if (argc < 1)
		usage();
	buf.remove.index = num(argv[0]);
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--deferred"))
			flags |= VFSBLK_REMOVE_DEFERRED;
		else if (!strcmp(argv[i], "--flags") && v)
			flags = num(v), i++;
		else if (!strcmp(argv[i], "--reserved"))
			reserved = 1;
		else if (!strcmp(argv[i], "--size") && v)
			size = num(v), i++;
		else
			usage();
	}
	ctl = open_control();
	buf.remove.flags = flags;
	if (reserved)
		buf.remove.reserved[1] = 1;
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_REMOVE))
		return 1;
	printf("OK result=%s\n", buf.remove.result == VFSBLK_REMOVED ? "removed" :
	       buf.remove.result == VFSBLK_REMOVE_PENDING ? "pending" : "unknown");
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	static char path[4096];
	uint32_t size = sizeof(buf.info);
	int i, bad_path = 0, ctl;

	if (argc < 1)
		usage();
	buf.info.index = num(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = num(argv[++i]);
		else if (!strcmp(argv[i], "--bad-path"))
			bad_path = 1;
		else
			usage();
	}
	ctl = open_control();
	buf.info.path = bad_path ? (uint64_t)8 : (uint64_t)(uintptr_t)path;
	buf.info.path_len = sizeof(path);
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_INFO))
		return 1;
	printf("OK index=%u state=%u open=%u flags=%#" PRIx64
	       " capacity=%" PRIu64 " backing_size=%" PRIu64 " path=%s\n",
	       buf.info.index, buf.info.state, buf.info.open_count,
	       (uint64_t)buf.info.flags, (uint64_t)buf.info.capacity,
	       (uint64_t)buf.info.backing_size, path);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	static uint32_t idx[1024];
	uint32_t size = sizeof(buf.list), n, k;
	int i, reserved = 0, ctl;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = num(argv[++i]);
		else if (!strcmp(argv[i], "--reserved"))
			reserved = 1;
		else
			usage();
	}
	ctl = open_control();
	buf.list.count = 1024;
	buf.list.indices = (uint64_t)(uintptr_t)idx;
	if (reserved)
		buf.list.reserved[0] = 1;
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_LIST))
		return 1;
	n = buf.list.count;
	printf("OK count=%u indices=", n);
	for (k = 0; k < n && k < 1024; k++)
		printf("%s%u", k ? "," : "", idx[k]);
	printf("\n");
	return 0;
}

static int cmd_raw(int argc, char **argv)
{
	unsigned int nr, type = VFSBLK_IOC_MAGIC, dir = _IOC_READ | _IOC_WRITE;
	uint32_t size = sizeof(buf.add);
	int i, ctl;

	if (argc < 1)
		usage();
	nr = num(argv[0]);
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--dir") && v) {
			i++;
			if (!strcmp(v, "none"))
				dir = _IOC_NONE;
			else if (!strcmp(v, "r"))
				dir = _IOC_READ;
			else if (!strcmp(v, "w"))
				dir = _IOC_WRITE;
			else if (!strcmp(v, "rw"))
				dir = _IOC_READ | _IOC_WRITE;
			else
				usage();
		} else if (!strcmp(argv[i], "--type") && v) {
			type = num(v), i++;
		} else if (!strcmp(argv[i], "--size") && v) {
			size = num(v), i++;
		} else {
			usage();
		}
	}
	ctl = open_control();
	set_size(size, 0);
	if (do_ioctl(ctl, _IOC(dir, type, nr, 64)))
		return 1;
	printf("OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--drop-priv"))
			drop_priv = 1;
		else if (!strcmp(argv[i], "--control") && i + 1 < argc)
			control = argv[++i];
		else
			usage();
	}
	if (i >= argc)
		usage();
	argv += i;
	argc -= i;
	if (!strcmp(argv[0], "features"))
		return cmd_features(argc - 1, argv + 1);
	if (!strcmp(argv[0], "add"))
		return cmd_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "remove"))
		return cmd_remove(argc - 1, argv + 1);
	if (!strcmp(argv[0], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[0], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[0], "raw"))
		return cmd_raw(argc - 1, argv + 1);
	usage();
	return 2;
}
