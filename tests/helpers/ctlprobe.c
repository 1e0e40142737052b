// SPDX-License-Identifier: GPL-2.0
/*
 * ctlprobe: drive /dev/vfsblk-control with raw ioctls, including malformed
 * ones, and print the outcome: "OK ..." or the errno name (e.g. "EINVAL").
 * Exit status: 0 the call succeeded, 1 it failed (errno printed), 2 usage.
 *
 *   ctlprobe [--drop-priv] [--control PATH] COMMAND ...
 *   COMMAND:
 *     features [--size N] [--get FIELD]
 *     add (--fd-path P | --fifo P | --pipe | --socket | --fd N)
 *         [--rdonly-open] [--wronly-open] [--flags N] [--read-only]
 *         [--autoclear] [--partscan] [--owned] [--index N] [--offset N]
 *         [--size-limit N] [--block-size N] [--dio off|on|strict|N]
 *         [--nr-queues N] [--queue-depth N] [--name S] [--name-tail]
 *         [--reserved] [--reserved2] [--size N] [--tail-byte] [--hold]
 *     remove N [--deferred] [--flags N] [--reserved] [--size N]
 *     info N [--size N] [--bad-path] [--path-len N] [--get FIELD]
 *     list [--size N] [--reserved]
 *     set N [--capacity] [--size-limit N] [--offset N] [--block-size N]
 *         [--read-only 0|1] [--dio off|on|strict|N] [--change N]
 *         [--flags N] [--reserved] [--size N] [--tail-byte]
 *     uevent [--timeout S] [--match GLOB]... [-- COMMAND [ARG]...]
 *     raw CMDNUM [--dir none|r|w|rw] [--type T] [--size N]
 *
 * --drop-priv opens the control node as the caller, then switches to
 * uid/gid 65534 with no groups (losing every capability) before the ioctl.
 * --size sets the struct's size field (the buffer is always one page plus
 * one, zeroed); --tail-byte puts a non-zero byte just below that size.
 *
 * add: --name copies at most VFSBLK_NAME_LEN bytes (a longer name is not
 * NUL terminated); --name-tail puts a byte after the name's NUL.
 * --hold (with --owned) keeps the owner descriptor, and nothing else, open
 * until standard input reaches end of file or the process is killed; it
 * prints "OK index=N owner_fd=M cloexec=0|1" first.
 *
 * info prints every field, the path last; --get FIELD prints only the value
 * of one field (as named in the full line). features --get does the same.
 *
 * uevent listens to the kernel's uevents (NETLINK_KOBJECT_UEVENT), runs
 * COMMAND if given (its output passes through), and waits until an event
 * matches every GLOB (each must match one of the event's lines: the
 * "ACTION@DEVPATH" header or a KEY=VALUE) or the time-out (default 30 s)
 * passes. It then waits for COMMAND and prints the event, one "EVENT line"
 * per line. Failure: "ETIMEDOUT" when no event matched (the events seen go
 * to stderr), "COMMAND failed" when COMMAND did not exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/vfsblk.h>

#define BUF_SIZE 4097
#define MAX_MATCH 16

static union {
	unsigned char bytes[BUF_SIZE];
	struct vfsblk_features features;
	struct vfsblk_add add;
	struct vfsblk_remove remove;
	struct vfsblk_info info;
	struct vfsblk_list list;
	struct vfsblk_set set;
	uint64_t align;
} buf;

static const char *control = "/dev/" VFSBLK_CONTROL_NAME;
static int drop_priv;

static void usage(void)
{
	fprintf(stderr, "usage: ctlprobe [--drop-priv] [--control PATH] "
		"features|add|remove|info|list|set|uevent|raw ...\n");
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

static uint32_t dio_mode(const char *s)
{
	if (!strcmp(s, "off"))
		return VFSBLK_DIO_OFF;
	if (!strcmp(s, "on"))
		return VFSBLK_DIO_ON;
	if (!strcmp(s, "strict"))
		return VFSBLK_DIO_STRICT;
	return num(s);
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

/*
 * Output of the fields of a result: " key=value" each, or with a wanted
 * field (--get) that value alone.
 */
static const char *get_field;
static int got_field;

static void __attribute__((format(printf, 2, 3)))
field(const char *key, const char *fmt, ...)
{
	va_list ap;

	if (get_field && strcmp(get_field, key))
		return;
	if (!get_field)
		printf(" %s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (get_field) {
		printf("\n");
		got_field = 1;
	}
}

static int fields_end(void)
{
	if (!get_field) {
		printf("\n");
		return 0;
	}
	if (!got_field) {
		fprintf(stderr, "ctlprobe: no field '%s'\n", get_field);
		return 2;
	}
	return 0;
}

static void fields_start(void)
{
	if (!get_field)
		printf("OK");
}

static int cmd_features(int argc, char **argv)
{
	uint32_t size = sizeof(buf.features);
	int i, ctl;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = num(argv[++i]);
		else if (!strcmp(argv[i], "--get") && i + 1 < argc)
			get_field = argv[++i];
		else
			usage();
	}
	ctl = open_control();
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_GET_FEATURES))
		return 1;
	fields_start();
	field("abi", "%u", buf.features.abi_version);
	field("add_flags", "%#" PRIx64, (uint64_t)buf.features.add_flags);
	field("max_index", "%u", buf.features.max_index);
	field("minors", "%u", buf.features.minors);
	field("set_changes", "%#" PRIx64,
	      (uint64_t)buf.features.set_changes);
	return fields_end();
}

/* Keep only the owner descriptor open until stdin ends. */
static int hold_owner(int owner_fd)
{
	char c[64];
	int fdflags = fcntl(owner_fd, F_GETFD);

	printf("OK index=%u owner_fd=%d cloexec=%d\n", buf.add.index,
	       owner_fd, fdflags >= 0 && (fdflags & FD_CLOEXEC));
	fflush(stdout);
	while (read(STDIN_FILENO, c, sizeof(c)) > 0)
		;
	close(owner_fd);
	return 0;
}

static int cmd_add(int argc, char **argv)
{
	uint32_t size = sizeof(buf.add), index = VFSBLK_INDEX_ANY;
	uint64_t flags = 0;
	int i, fd = -1, have_fd = 0, mode = O_RDWR, reserved = 0;
	int reserved2 = 0, tail = 0, hold = 0, name_tail = 0, ctl;
	const char *path = NULL, *fifo = NULL, *name = NULL;
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
		else if (!strcmp(a, "--read-only"))
			flags |= VFSBLK_FLAG_READ_ONLY;
		else if (!strcmp(a, "--autoclear"))
			flags |= VFSBLK_FLAG_AUTOCLEAR;
		else if (!strcmp(a, "--partscan"))
			flags |= VFSBLK_FLAG_PARTSCAN;
		else if (!strcmp(a, "--owned"))
			flags |= VFSBLK_FLAG_OWNED;
		else if (!strcmp(a, "--index") && v)
			index = num(v), i++;
		else if (!strcmp(a, "--offset") && v)
			buf.add.offset = num(v), i++;
		else if (!strcmp(a, "--size-limit") && v)
			buf.add.size_limit = num(v), i++;
		else if (!strcmp(a, "--block-size") && v)
			buf.add.block_size = num(v), i++;
		else if (!strcmp(a, "--dio") && v)
			buf.add.dio = dio_mode(v), i++;
		else if (!strcmp(a, "--nr-queues") && v)
			buf.add.nr_queues = num(v), i++;
		else if (!strcmp(a, "--queue-depth") && v)
			buf.add.queue_depth = num(v), i++;
		else if (!strcmp(a, "--name") && v)
			name = v, i++;
		else if (!strcmp(a, "--name-tail"))
			name_tail = 1;
		else if (!strcmp(a, "--reserved"))
			reserved = 1;
		else if (!strcmp(a, "--reserved2"))
			reserved2 = 1;
		else if (!strcmp(a, "--size") && v)
			size = num(v), i++;
		else if (!strcmp(a, "--tail-byte"))
			tail = 1;
		else if (!strcmp(a, "--hold"))
			hold = 1;
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
	if (name) {
		size_t len = strlen(name);

		if (len > VFSBLK_NAME_LEN)
			len = VFSBLK_NAME_LEN;
		memcpy(buf.add.name, name, len);
		if (name_tail && len + 1 < VFSBLK_NAME_LEN)
			buf.add.name[len + 1] = 'x';
	}
	if (reserved)
		buf.add.reserved[1] = 1;
	if (reserved2)
		buf.add.reserved2[3] = 1;
	set_size(size, tail);
	if (do_ioctl(ctl, VFSBLK_CTL_ADD))
		return 1;
	if (hold) {
		if (!(flags & VFSBLK_FLAG_OWNED) || buf.add.owner_fd <= 0) {
			printf("no owner descriptor: owner_fd=%d\n",
			       buf.add.owner_fd);
			return 1;
		}
		close(ctl);
		if (fd > STDERR_FILENO)
			close(fd);
		return hold_owner(buf.add.owner_fd);
	}
	printf("OK index=%u owner_fd=%d\n", buf.add.index, buf.add.owner_fd);
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
	switch (buf.remove.result) {
	case VFSBLK_REMOVED:
		printf("OK result=removed\n");
		break;
	case VFSBLK_REMOVE_PENDING:
		printf("OK result=pending\n");
		break;
	default:
		printf("OK result=unknown\n");
	}
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	static char path[4096];
	uint32_t size = sizeof(buf.info), path_len = sizeof(path);
	struct vfsblk_info *in = &buf.info;
	int i, bad_path = 0, ctl;

	if (argc < 1)
		usage();
	in->index = num(argv[0]);
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--size") && v)
			size = num(v), i++;
		else if (!strcmp(argv[i], "--bad-path"))
			bad_path = 1;
		else if (!strcmp(argv[i], "--path-len") && v)
			path_len = num(v), i++;
		else if (!strcmp(argv[i], "--get") && v)
			get_field = v, i++;
		else
			usage();
	}
	if (path_len > sizeof(path))
		usage();
	ctl = open_control();
	in->path = bad_path ? (uint64_t)8 : (uint64_t)(uintptr_t)path;
	in->path_len = path_len;
	set_size(size, 0);
	if (do_ioctl(ctl, VFSBLK_CTL_INFO))
		return 1;
	fields_start();
	field("index", "%u", in->index);
	field("state", "%u", in->state);
	field("open", "%u", in->open_count);
	field("flags", "%#" PRIx64, (uint64_t)in->flags);
	field("capacity", "%" PRIu64, (uint64_t)in->capacity);
	field("backing_size", "%" PRIu64, (uint64_t)in->backing_size);
	field("backing_inode", "%" PRIu64, (uint64_t)in->backing_inode);
	field("backing_dev", "%u:%u", in->backing_major, in->backing_minor);
	field("block_size", "%u", in->block_size);
	field("offset", "%" PRIu64, (uint64_t)in->offset);
	field("size_limit", "%" PRIu64, (uint64_t)in->size_limit);
	field("dio_request", "%u", in->dio_request);
	field("dio", "%u", in->dio);
	field("dio_reason", "%u", in->dio_reason);
	field("nr_queues", "%u", in->nr_queues);
	field("queue_depth", "%u", in->queue_depth);
	field("dio_align", "%u", in->dio_align);
	field("path_len", "%u", in->path_len);
	field("name", "%.*s", VFSBLK_NAME_LEN, in->name);
	/* Last: a path may hold spaces (" (deleted)"). */
	field("path", "%.*s", (int)path_len, path);
	return fields_end();
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

static int cmd_set(int argc, char **argv)
{
	uint32_t size = sizeof(buf.set);
	struct vfsblk_set *s = &buf.set;
	int i, reserved = 0, raw_change = 0, raw_flags = 0, tail = 0, ctl;
	uint64_t change = 0, flags = 0;

	if (argc < 1)
		usage();
	s->index = num(argv[0]);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--capacity")) {
			change |= VFSBLK_SET_CAPACITY;
		} else if (!strcmp(a, "--size-limit") && v) {
			change |= VFSBLK_SET_SIZE_LIMIT;
			s->size_limit = num(v), i++;
		} else if (!strcmp(a, "--offset") && v) {
			change |= VFSBLK_SET_OFFSET;
			s->offset = num(v), i++;
		} else if (!strcmp(a, "--block-size") && v) {
			change |= VFSBLK_SET_BLOCK_SIZE;
			s->block_size = num(v), i++;
		} else if (!strcmp(a, "--read-only") && v) {
			change |= VFSBLK_SET_READ_ONLY;
			if (num(v))
				flags |= VFSBLK_FLAG_READ_ONLY;
			i++;
		} else if (!strcmp(a, "--dio") && v) {
			change |= VFSBLK_SET_DIO;
			s->dio = dio_mode(v), i++;
		} else if (!strcmp(a, "--change") && v) {
			raw_change = 1;
			s->change = num(v), i++;
		} else if (!strcmp(a, "--flags") && v) {
			raw_flags = 1;
			s->flags = num(v), i++;
		} else if (!strcmp(a, "--reserved")) {
			reserved = 1;
		} else if (!strcmp(a, "--size") && v) {
			size = num(v), i++;
		} else if (!strcmp(a, "--tail-byte")) {
			tail = 1;
		} else {
			usage();
		}
	}
	ctl = open_control();
	if (!raw_change)
		s->change = change;
	if (!raw_flags)
		s->flags = flags;
	if (reserved)
		s->reserved[1] = 1;
	set_size(size, tail);
	if (do_ioctl(ctl, VFSBLK_CTL_SET))
		return 1;
	printf("OK capacity=%" PRIu64 "\n", (uint64_t)s->capacity);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Does every pattern match one of the event's NUL-separated lines? */
static int event_matches(const char *ev, size_t len, char **pat, int npat)
{
	int k;

	for (k = 0; k < npat; k++) {
		const char *s = ev;
		int hit = 0;

		while (s < ev + len && !hit) {
			hit = !fnmatch(pat[k], s, 0);
			s += strlen(s) + 1;
		}
		if (!hit)
			return 0;
	}
	return 1;
}

static void print_event(FILE *f, const char *prefix, const char *ev,
			size_t len, const char *sep)
{
	const char *s;

	for (s = ev; s < ev + len; s += strlen(s) + 1)
		fprintf(f, "%s%s%s", prefix, s, sep);
}

static int cmd_uevent(int argc, char **argv)
{
	static char ev[16384], match[16384];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char *pat[MAX_MATCH];
	int npat = 0, i, sock, rcvbuf = 8 << 20, status = 0, matched = 0;
	long long deadline, timeout = 30;
	size_t match_len = 0;
	pid_t pid = -1;

	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--timeout") && v) {
			timeout = num(v), i++;
		} else if (!strcmp(argv[i], "--match") && v) {
			if (npat == MAX_MATCH)
				usage();
			pat[npat++] = argv[++i];
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			usage();
		}
	}
	if (!npat)
		usage();
	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		      NETLINK_KOBJECT_UEVENT);
	if (sock < 0) {
		perror("ctlprobe: uevent socket");
		return 2;
	}
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("ctlprobe: uevent bind");
		return 2;
	}
	fflush(stdout);
	if (i < argc) {
		pid = fork();
		if (pid < 0) {
			perror("ctlprobe: fork");
			return 2;
		}
		if (!pid) {
			execvp(argv[i], argv + i);
			perror("ctlprobe: exec");
			_exit(127);
		}
	}
	deadline = now_ms() + timeout * 1000;
	while (!matched) {
		long long left = deadline - now_ms();
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;
		int r;

		if (left <= 0)
			break;
		r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (r < 0 && errno != EINTR) {
			perror("ctlprobe: poll");
			return 2;
		}
		if (r <= 0)
			continue;
		n = recv(sock, ev, sizeof(ev) - 1, 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				fprintf(stderr, "uevent: events lost\n");
			else if (errno != EINTR)
				perror("ctlprobe: recv");
			continue;
		}
		ev[n] = '\0';
		if (event_matches(ev, n, pat, npat)) {
			memcpy(match, ev, n + 1);
			match_len = n;
			matched = 1;
		} else {
			print_event(stderr, "", ev, n, " ");
			fprintf(stderr, "(not matched)\n");
		}
	}
	if (pid > 0 && waitpid(pid, &status, 0) < 0) {
		perror("ctlprobe: waitpid");
		return 2;
	}
	if (!matched) {
		printf("ETIMEDOUT\n");
		return 1;
	}
	print_event(stdout, "EVENT ", match, match_len, "\n");
	if (pid > 0 && !(WIFEXITED(status) && !WEXITSTATUS(status))) {
		printf("COMMAND failed: status %#x\n", status);
		return 1;
	}
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
	if (!strcmp(argv[0], "set"))
		return cmd_set(argc - 1, argv + 1);
	if (!strcmp(argv[0], "uevent"))
		return cmd_uevent(argc - 1, argv + 1);
	if (!strcmp(argv[0], "raw"))
		return cmd_raw(argc - 1, argv + 1);
	usage();
	return 2;
}
