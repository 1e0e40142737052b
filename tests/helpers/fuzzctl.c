// SPDX-License-Identifier: GPL-2.0
/*
 * fuzzctl: random control ioctls on /dev/vfsblk-control, and a check of
 * what the control commands copy out.
 *
 *   fuzzctl fuzz DIR CALLS [--seed N] [--threads N]
 *   fuzzctl copyout FILE
 *
 * fuzz: CALLS ioctls from --threads threads (default 4) with random
 * commands (ours with every number, direction and size, and random ones),
 * random struct sizes (0, short, each published size, long, a page,
 * huge, with zero or non-zero tails), random field values and reserved
 * fields, bad pointers, and every kind of descriptor as backing file:
 * closed and huge numbers, -1, a directory, a pipe, a socket, the control
 * node, a vfsblk device node, a file open read-only or write-only, a
 * small regular file in DIR, /dev/null, a /proc file and a /sys
 * attribute. Each result must be success or an errno documented for the
 * command (ENOTTY for any other command); a request that must fail must
 * fail. Each violation is printed with its call. At the end every device
 * the run made is removed (a device that cannot be removed is a
 * violation), and a summary prints the calls, successes and errno
 * histogram per command. The seed is printed first; --seed replays its
 * requests (the interleaving of threads varies).
 *
 * copyout: with two devices on FILE, fill user buffers with 0xa5 and run
 * every command that copies out, at each accepted size (each published
 * size, the kernel's, larger ones up to a page): every output field must
 * be written, reserved fields must come back zero, bytes past the
 * kernel's struct (zero on input) must stay zero, and nothing may be
 * written past the caller's size, past the INFO path length or past the
 * LIST room.
 *
 * Exit status: 0 no violation, 1 violations, 2 setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfsblk.h>

#define PAGE		4096
#define NCMD		7	/* six commands, then "other" */
#define CMD_OTHER	6
#define MAX_ERRNO	134
#define MAX_THREADS	16
#define NOWNERS		32
#define BASE_INDEX	60000
#define LIST_ROOM	65536

static const char *const cmd_names[NCMD] = {
	"GET_FEATURES", "ADD", "REMOVE", "INFO", "LIST", "SET", "other",
};

/* Errnos documented per command (uapi header, Documentation/abi.rst). */
static const int allowed[NCMD][16] = {
	{ EFAULT, EINVAL, E2BIG },
	{ EFAULT, EINVAL, E2BIG, EBADF, EISDIR, ESPIPE, EOPNOTSUPP, ELOOP,
	  EEXIST, ENOSPC, EMFILE, ENOMEM },
	{ EFAULT, EINVAL, E2BIG, ENODEV, EBUSY },
	{ EFAULT, EINVAL, E2BIG, ENODEV },
	{ EFAULT, EINVAL, E2BIG },
	{ EFAULT, EINVAL, E2BIG, ENODEV, EBUSY, EBADF, EOPNOTSUPP },
	{ ENOTTY },
};

static int ctl;
static char *dir;
static unsigned long long stats[NCMD][MAX_ERRNO + 1];
static unsigned long long violations;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 2))) violation(const char *fmt,
							   ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	violations++;
	printf("VIOLATION: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	pthread_mutex_unlock(&out_lock);
}

static void __attribute__((noreturn)) setup_fail(const char *what)
{
	fprintf(stderr, "fuzzctl: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "OK";

	return n ? n : "E?";
}

/* xorshift64*, one state per thread. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return rnd(s) % n;
}

/* ---------------------------------------------------------------- fds */

enum fd_kind {
	FD_GOOD,	/* regular file, read-write: may succeed */
	FD_RDONLY,	/* regular file, read-only: may succeed */
	FD_VFSBLK,	/* a vfsblk device node: may succeed (stacking) */
	FD_BAD,		/* must fail */
};

struct fd_case {
	const char *what;
	int fd;
	enum fd_kind kind;
};

static struct fd_case fds[20];
static int nfds;

static void add_fd(const char *what, int fd, enum fd_kind kind)
{
	fds[nfds].what = what;
	fds[nfds].fd = fd;
	fds[nfds].kind = kind;
	nfds++;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		setup_fail(path);
	return fd;
}

static char small_path[4096], base_path[4096];
static int base_dev_fd = -1;

static int make_file(const char *path, off_t size)
{
	int fd = open_or_die(path, O_RDWR | O_CREAT | O_TRUNC);

	if (ftruncate(fd, size))
		setup_fail("ftruncate");
	return fd;
}

static void setup_fds(void)
{
	struct vfsblk_add add = { .size = sizeof(add) };
	char node[64];
	int p[2], s[2], fd, i;

	snprintf(small_path, sizeof(small_path), "%s/small", dir);
	snprintf(base_path, sizeof(base_path), "%s/base", dir);
	add_fd("regular file", make_file(small_path, 1 << 20), FD_GOOD);
	add_fd("read-only file", open_or_die(small_path, O_RDONLY), FD_RDONLY);
	add_fd("write-only file", open_or_die(small_path, O_WRONLY), FD_BAD);
	add_fd("directory", open_or_die(dir, O_RDONLY | O_DIRECTORY), FD_BAD);
	if (pipe2(p, O_CLOEXEC))
		setup_fail("pipe");
	add_fd("pipe read end", p[0], FD_BAD);
	add_fd("pipe write end", p[1], FD_BAD);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s))
		setup_fail("socketpair");
	add_fd("socket", s[0], FD_BAD);
	add_fd("control node", ctl, FD_BAD);
	add_fd("/dev/null", open_or_die("/dev/null", O_RDWR), FD_BAD);
	add_fd("/proc file", open_or_die("/proc/self/status", O_RDONLY),
	       FD_BAD);
	add_fd("/sys attribute", open_or_die("/sys/kernel/uevent_seqnum",
					     O_RDONLY), FD_BAD);
	add_fd("-1", -1, FD_BAD);
	add_fd("huge number", 1 << 30, FD_BAD);
	add_fd("INT_MIN", INT32_MIN, FD_BAD);

	/* A vfsblk device of our own, at an index the fuzzer rarely hits. */
	fd = make_file(base_path, 1 << 20);
	add.fd = fd;
	add.index = BASE_INDEX;
	if (ioctl(ctl, VFSBLK_CTL_ADD, &add))
		setup_fail("ADD of the base device");
	close(fd);
	snprintf(node, sizeof(node), "/dev/vfsblk%d", BASE_INDEX);
	for (i = 0; i < 3000 && base_dev_fd < 0; i++) {
		base_dev_fd = open(node, O_RDWR | O_CLOEXEC);
		if (base_dev_fd < 0)
			usleep(10000);
	}
	if (base_dev_fd < 0)
		setup_fail(node);
	add_fd("vfsblk device node", base_dev_fd, FD_VFSBLK);
	/* Last: only owner descriptors may take the number later. */
	fd = open_or_die("/dev/null", O_RDONLY);
	close(fd);
	add_fd("closed number", fd, FD_BAD);
}

/* Owner descriptors returned by ADD: kept a while, then closed. */
static int owners[NOWNERS];
static pthread_mutex_t owners_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_owner(uint64_t *s, int fd)
{
	int slot = below(s, NOWNERS), old;

	pthread_mutex_lock(&owners_lock);
	old = owners[slot];
	owners[slot] = fd;
	pthread_mutex_unlock(&owners_lock);
	if (old > 0)
		close(old);
}

/* ----------------------------------------------------------- requests */

/*
 * Memory for a request: a page-aligned area of two pages followed by an
 * inaccessible guard page, per thread.
 */
struct arena {
	unsigned char *mem;		/* 2 pages */
	unsigned char *guard;		/* PROT_NONE page after them */
	char path[8192];
	uint32_t *indices;		/* LIST_ROOM entries */
};

struct req {
	unsigned long cmd;
	int nr;			/* 0-5, or CMD_OTHER */
	void *arg;
	int must_fail;		/* a documented rule says it fails */
	int want;		/* that errno exactly, or 0 for any allowed */
	char desc[256];
};

static const uint32_t ver0[6] = {
	VFSBLK_FEATURES_SIZE_VER0, VFSBLK_ADD_SIZE_VER0,
	VFSBLK_REMOVE_SIZE_VER0, VFSBLK_INFO_SIZE_VER0,
	VFSBLK_LIST_SIZE_VER0, VFSBLK_SET_SIZE_VER0,
};

static const uint32_t ksize[6] = {
	sizeof(struct vfsblk_features), sizeof(struct vfsblk_add),
	sizeof(struct vfsblk_remove), sizeof(struct vfsblk_info),
	sizeof(struct vfsblk_list), sizeof(struct vfsblk_set),
};

static uint64_t interesting(uint64_t *s)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 63, 64, 127, 128, 255, 256,
		511, 512, 513, 1023, 1024, 2048, 4095, 4096, 8192, 65535,
		65536, 1 << 20, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
		~0ULL, ~0ULL - 511,
	};

	switch (below(s, 4)) {
	case 0:
		return rnd(s);
	case 1:
		return 1ULL << below(s, 64);
	default:
		return v[below(s, sizeof(v) / sizeof(v[0]))];
	}
}

/* A device index: mostly a few small ones, so requests meet devices. */
static uint32_t rand_index(uint64_t *s)
{
	switch (below(s, 16)) {
	case 0:
		return VFSBLK_INDEX_ANY;
	case 1:
		return interesting(s);
	default:
		return below(s, 24);
	}
}

static void set_u32(void *p, size_t off, uint32_t v)
{
	memcpy((char *)p + off, &v, sizeof(v));
}

/* A name: mostly valid, sometimes not. */
static void rand_name(uint64_t *s, char *name, int *bad)
{
	static const char ok[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	int len, i;

	memset(name, 0, VFSBLK_NAME_LEN);
	if (below(s, 4))
		return;
	len = 1 + below(s, 12);
	for (i = 0; i < len; i++)
		name[i] = ok[below(s, sizeof(ok) - 1)];
	if (name[0] == '.')
		name[0] = 'n';
	if (!below(s, 8)) {
		switch (below(s, 4)) {
		case 0:
			name[0] = '.';
			break;
		case 1:
			memset(name, 'x', VFSBLK_NAME_LEN);
			break;
		case 2:
			name[len + 1] = 'y';
			break;
		default:
			name[below(s, len)] = " /*\x80\x01"[below(s, 5)];
			break;
		}
		*bad = 1;
	}
}

/*
 * The fields of a plausible request of command @nr into @p. ADD mostly
 * gets a descriptor that must fail: each device made costs much more
 * than a refused request.
 */
static void fill_plausible(uint64_t *s, int nr, void *p, int *bad,
			   const struct fd_case **fdc)
{
	switch (nr) {
	case 1: {
		struct vfsblk_add *add = p;
		static const uint32_t bs[] = { 0, 512, 1024, 2048, 4096 };

		*fdc = &fds[below(s, 16) ? below(s, nfds) : below(s, 2)];
		add->fd = (*fdc)->fd;
		add->index = rand_index(s);
		add->block_size = bs[below(s, 5)];
		add->flags = rnd(s) & VFSBLK_ADD_FLAGS;
		add->offset = below(s, 4) ? 0 : 512 * below(s, 2048);
		add->size_limit = below(s, 2) ? 0 : 512 * below(s, 4096);
		add->dio = below(s, 3);
		add->nr_queues = below(s, 2) ? 0 : below(s, 5);
		add->queue_depth = below(s, 2) ? 0 : below(s, 64);
		rand_name(s, add->name, bad);
		break;
	}
	case 2: {
		struct vfsblk_remove *rm = p;

		rm->index = rand_index(s);
		rm->flags = below(s, 2) ? VFSBLK_REMOVE_DEFERRED : 0;
		break;
	}
	case 3: {
		struct vfsblk_info *in = p;

		in->index = rand_index(s);
		break;
	}
	case 4: {
		struct vfsblk_list *l = p;

		l->count = below(s, 2) ? below(s, 64) : rnd(s);
		break;
	}
	case 5: {
		struct vfsblk_set *st = p;
		static const uint32_t bs[] = { 512, 1024, 2048, 4096 };

		st->index = rand_index(s);
		st->change = rnd(s) & VFSBLK_SET_CHANGES;
		if (!st->change && below(s, 2))
			st->change = VFSBLK_SET_CAPACITY;
		if (st->change & VFSBLK_SET_READ_ONLY)
			st->flags = rnd(s) & VFSBLK_FLAG_READ_ONLY;
		if (st->change & VFSBLK_SET_OFFSET)
			st->offset = 512 * below(s, 2048);
		if (st->change & VFSBLK_SET_SIZE_LIMIT)
			st->size_limit = 512 * below(s, 4096);
		if (st->change & VFSBLK_SET_BLOCK_SIZE)
			st->block_size = bs[below(s, 4)];
		if (st->change & VFSBLK_SET_DIO)
			st->dio = below(s, 3);
		break;
	}
	}
}

/*
 * Put a non-zero byte in a reserved field, which must be zero (else
 * EINVAL); return its offset.
 */
static size_t set_reserved(uint64_t *s, int nr, void *p)
{
	size_t off;

	switch (nr) {
	case 0:
		off = offsetof(struct vfsblk_features, reserved);
		break;
	case 1:
		off = below(s, 2) ? offsetof(struct vfsblk_add, reserved) :
			offsetof(struct vfsblk_add, reserved2);
		break;
	case 2:
		off = offsetof(struct vfsblk_remove, reserved);
		break;
	case 3:
		off = below(s, 2) ? offsetof(struct vfsblk_info, reserved) :
			offsetof(struct vfsblk_info, reserved2);
		break;
	case 4:
		off = offsetof(struct vfsblk_list, reserved);
		break;
	default:
		off = offsetof(struct vfsblk_set, reserved);
		break;
	}
	off += below(s, 16);
	((unsigned char *)p)[off] = 1 + below(s, 255);
	return off;
}

/* Overwrite one field of a request with a random value. */
static void mutate(uint64_t *s, int nr, void *p)
{
	uint32_t ks = ksize[nr];
	size_t off = 4 + 4 * below(s, (ks - 4) / 4);

	/* Keep the user pointers (INFO path, LIST indices) safe. */
	if ((nr == 3 && off >= offsetof(struct vfsblk_info, path) &&
	     off < offsetof(struct vfsblk_info, block_size)) ||
	    (nr == 4 && off >= offsetof(struct vfsblk_list, indices) &&
	     off < offsetof(struct vfsblk_list, reserved)))
		return;
	if (below(s, 2))
		set_u32(p, off, interesting(s));
	else
		((unsigned char *)p)[off + below(s, 4)] ^= 1 << below(s, 8);
}

static void build(uint64_t *s, struct arena *a, struct req *r)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	const struct fd_case *fdc = NULL;
	unsigned int dir, type, nr, sz;
	uint32_t size, ks;
	int bad = 0, nmut, i, where;
	unsigned char *p;
	const char *sizedesc = "own";

	memset(r, 0, sizeof(*r));
	/* The command. */
	switch (below(s, 16)) {
	case 0: {
		/*
		 * Anything, but not the types of the VFS's own ioctls
		 * (do_vfs_ioctl(): FIOCLEX, FIGETBSZ, FICLONE, ...), which
		 * never reach the driver.
		 */
		do {
			r->cmd = (uint32_t)rnd(s);
			type = _IOC_TYPE(r->cmd);
		} while (type == 'f' || type == 'X' || type == 'T' ||
			 type == 0x94 || type == 0x15 || type == 0);
		break;
	}
	case 1:
		dir = dirs[below(s, 4)];
		r->cmd = _IOC(dir, VFSBLK_IOC_MAGIC, below(s, 256),
			      below(s, 1 << 14));
		break;
	default:
		/* Ours, with any size bits now and then. */
		sz = below(s, 8) ? ksize[below(s, 6)] : below(s, 1 << 14);
		r->cmd = _IOC(_IOC_READ | _IOC_WRITE, VFSBLK_IOC_MAGIC,
			      below(s, 6), sz);
		break;
	}
	dir = _IOC_DIR(r->cmd);
	type = _IOC_TYPE(r->cmd);
	nr = _IOC_NR(r->cmd);
	if (type == VFSBLK_IOC_MAGIC && dir == (_IOC_READ | _IOC_WRITE) &&
	    nr <= 5)
		r->nr = nr;
	else
		r->nr = CMD_OTHER;

	if (r->nr == CMD_OTHER) {
		memset(a->mem, 0, 64);
		r->arg = below(s, 2) ? (void *)a->mem : (void *)(uintptr_t)
			interesting(s);
		r->must_fail = 1;
		r->want = ENOTTY;
		snprintf(r->desc, sizeof(r->desc), "cmd=%#lx arg=%p", r->cmd,
			 r->arg);
		return;
	}

	/* The size field. */
	ks = ksize[r->nr];
	switch (below(s, 12)) {
	case 0:
		size = below(s, 2) ? 0 : below(s, 4);
		sizedesc = "tiny";
		break;
	case 1:
		size = ver0[r->nr] - 1 - below(s, 8);
		sizedesc = "short";
		break;
	case 2:
		size = ver0[r->nr];
		sizedesc = "ver0";
		break;
	case 3:
		size = ks + 8 * (1 + below(s, 8));
		sizedesc = "long";
		break;
	case 4:
		size = PAGE;
		sizedesc = "page";
		break;
	case 5:
		size = below(s, 2) ? PAGE + 1 + below(s, 8) : interesting(s);
		sizedesc = "huge";
		break;
	case 6:
		if (r->nr == 1 || r->nr == 3) {
			size = r->nr == 1 ? VFSBLK_ADD_SIZE_VER1 :
				VFSBLK_INFO_SIZE_VER1;
			sizedesc = "ver1";
			break;
		}
		/* fall through */
	default:
		size = ks;
		break;
	}

	/* Built at the start of the arena, moved at the end. */
	p = a->mem;
	memset(a->mem, 0, 2 * PAGE);
	set_u32(p, 0, size);
	fill_plausible(s, r->nr, p, &bad, &fdc);
	/* A bad name is not read from the ABI 1 struct. */
	if (r->nr == 1 && size < VFSBLK_ADD_SIZE_VER1)
		bad = 0;
	if (r->nr == 3) {
		struct vfsblk_info *in = (void *)p;

		switch (below(s, 4)) {
		case 0:
			break;
		case 1:
			in->path = (uintptr_t)a->guard;
			in->path_len = rnd(s);
			break;
		case 2:
			/* Unmapped low addresses, or kernel ones. */
			in->path = below(s, 2) ? 0x1000 * below(s, 16) :
				0xffff800000000000ULL | rnd(s);
			in->path_len = rnd(s);
			break;
		default:
			/* Room for any path (PATH_MAX). */
			in->path = (uintptr_t)a->path;
			in->path_len = below(s, sizeof(a->path) + 1);
			break;
		}
	}
	if (r->nr == 4) {
		struct vfsblk_list *l = (void *)p;

		switch (below(s, 4)) {
		case 0:
			l->indices = 0;
			break;
		case 1:
			l->indices = (uintptr_t)a->guard;
			break;
		default:
			/* LIST_ROOM entries: room for any index count. */
			l->indices = (uintptr_t)a->indices;
			break;
		}
	}
	nmut = below(s, 3) ? 0 : 1 + below(s, 3);
	for (i = 0; i < nmut; i++)
		mutate(s, r->nr, p);
	/* What the mutations left alone keeps its verdict. */
	if (nmut)
		bad = 0;
	if (fdc && fdc->kind == FD_BAD &&
	    ((struct vfsblk_add *)p)->fd == fdc->fd)
		bad = 1;
	if (r->nr == 1 &&
	    (((struct vfsblk_add *)p)->flags & ~VFSBLK_ADD_FLAGS))
		bad = 1;
	if (!below(s, 12) && set_reserved(s, r->nr, p) < size)
		bad = 1;
	if (bad && size >= ver0[r->nr] && size <= PAGE)
		r->must_fail = 1;
	/* A non-zero byte past the kernel's struct: E2BIG. */
	if (size > ks && size <= PAGE && !below(s, 3)) {
		p[ks + below(s, size - ks)] = 1 + below(s, 255);
		r->must_fail = 1;
		r->want = E2BIG;
	}
	if (size < ver0[r->nr]) {
		r->must_fail = 1;
		r->want = EINVAL;
	} else if (size > PAGE) {
		r->must_fail = 1;
		r->want = E2BIG;
	}
	r->arg = p;
	where = below(s, 16);
	if (where == 0 && size <= PAGE) {
		/* Ending at the guard page: a size field cut by it faults. */
		r->arg = memmove(a->guard - size, p, size);
		if (size < 4)
			r->want = EFAULT;
	} else if (where == 1) {
		static const uint64_t badp[] = {
			0, 8, 0x1000, 0xffff888000000000ULL,
			0xffffffffff600000ULL, ~0ULL - 3,
		};

		r->arg = (void *)(uintptr_t)badp[below(s, 6)];
		r->must_fail = 1;
		r->want = EFAULT;
	} else if (where == 2) {
		r->arg = a->guard;
		r->must_fail = 1;
		r->want = EFAULT;
	}
	snprintf(r->desc, sizeof(r->desc),
		 "cmd=%#lx (%s) size=%u (%s) arg=%s fd=%s mutations=%d", r->cmd,
		 cmd_names[r->nr], size, sizedesc,
		 r->arg == a->mem ? "arena" :
		 r->arg == a->guard - size ? "at guard" : "bad",
		 fdc ? fdc->what : "-", nmut);
}

static int is_allowed(int nr, int e)
{
	int i;

	for (i = 0; i < 16 && allowed[nr][i]; i++)
		if (allowed[nr][i] == e)
			return 1;
	return 0;
}

struct worker {
	pthread_t thread;
	uint64_t seed;
	unsigned long calls;
};

static void *fuzz_thread(void *data)
{
	struct worker *w = data;
	uint64_t s = w->seed;
	struct arena a;
	struct req r;
	unsigned long n;
	unsigned char *m;

	m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + 2 * PAGE, PAGE, PROT_NONE))
		setup_fail("mmap");
	a.mem = m;
	a.guard = m + 2 * PAGE;
	a.indices = calloc(LIST_ROOM, sizeof(uint32_t));
	if (!a.indices)
		setup_fail("calloc");

	for (n = 0; n < w->calls; n++) {
		int ret, e;

		build(&s, &a, &r);
		ret = ioctl(ctl, r.cmd, r.arg);
		e = ret < 0 ? errno : 0;
		if (e > MAX_ERRNO)
			e = MAX_ERRNO;
		__atomic_fetch_add(&stats[r.nr][e], 1, __ATOMIC_RELAXED);
		if (ret < 0 && !is_allowed(r.nr, e))
			violation("%s: undocumented errno %s", r.desc,
				  ename(e));
		else if (ret < 0 && r.want && e != r.want)
			violation("%s: %s, want %s", r.desc, ename(e),
				  ename(r.want));
		else if (ret >= 0 && r.must_fail)
			violation("%s: succeeded, must fail%s%s", r.desc,
				  r.want ? " with " : "",
				  r.want ? ename(r.want) : "");
		if (ret >= 0 && r.nr == 1) {
			struct vfsblk_add *add = r.arg;

			if (add->flags & VFSBLK_FLAG_OWNED) {
				if (add->owner_fd <= 2)
					violation("%s: owner_fd %d", r.desc,
						  add->owner_fd);
				else if (below(&s, 2))
					close(add->owner_fd);
				else
					keep_owner(&s, add->owner_fd);
			} else if (add->owner_fd) {
				violation("%s: owner_fd %d without OWNED",
					  r.desc, add->owner_fd);
			}
		}
	}
	munmap(m, 3 * PAGE);
	free(a.indices);
	return NULL;
}

/* ------------------------------------------------------------ cleanup */

static int list_devices(uint32_t *idx, uint32_t room)
{
	struct vfsblk_list l = {
		.size = sizeof(l), .count = room,
		.indices = (uintptr_t)idx,
	};

	if (ioctl(ctl, VFSBLK_CTL_LIST, &l))
		setup_fail("LIST");
	return l.count < room ? (int)l.count : (int)room;
}

/*
 * Remove every device: top of a stack first (a device backing another
 * is busy until the one above goes). A device that no round can remove
 * is stuck.
 */
static int remove_all(void)
{
	static uint32_t idx[LIST_ROOM];
	int n, k, removed, rounds, total = 0;

	for (rounds = 0; rounds < 20; rounds++) {
		n = list_devices(idx, LIST_ROOM);
		if (!n)
			return total;
		removed = 0;
		for (k = n - 1; k >= 0; k--) {
			struct vfsblk_remove rm = {
				.size = sizeof(rm), .index = idx[k],
			};

			if (!ioctl(ctl, VFSBLK_CTL_REMOVE, &rm)) {
				removed++;
				total++;
			} else if (errno != EBUSY && errno != ENODEV) {
				violation("cleanup: REMOVE %u: %s", idx[k],
					  ename(errno));
			}
		}
		if (!removed)
			usleep(100000);
	}
	n = list_devices(idx, LIST_ROOM);
	for (k = 0; k < n; k++) {
		struct vfsblk_info in = { .size = sizeof(in), .index = idx[k] };
		int r = ioctl(ctl, VFSBLK_CTL_INFO, &in);

		violation("cleanup: device %u cannot be removed (INFO: %s, "
			  "state %u, open %u, flags %#llx)", idx[k],
			  ename(r ? errno : 0), in.state, in.open_count,
			  (unsigned long long)in.flags);
	}
	return total;
}

static int cmd_fuzz(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	unsigned long calls;
	uint64_t seed;
	int threads = 4, i, c, e, removed;
	struct timespec t0, t1;

	if (argc < 2)
		return 2;
	dir = argv[0];
	calls = strtoul(argv[1], NULL, 0);
	clock_gettime(CLOCK_REALTIME, &t0);
	seed = (uint64_t)t0.tv_sec * 1000003 ^ t0.tv_nsec ^ getpid();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else
			return 2;
	}
	if (threads < 1 || threads > MAX_THREADS)
		return 2;
	printf("seed %#" PRIx64 " calls %lu threads %d\n", seed, calls,
	       threads);
	fflush(stdout);
	setup_fds();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++) {
		w[i].seed = (seed + 1) * 0x9E3779B97F4A7C15ULL + i;
		if (!w[i].seed)
			w[i].seed = 1;
		w[i].calls = calls / threads + (i < (int)(calls % threads));
		if (pthread_create(&w[i].thread, NULL, fuzz_thread, &w[i]))
			setup_fail("pthread_create");
	}
	for (i = 0; i < threads; i++)
		pthread_join(w[i].thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (i = 0; i < NOWNERS; i++)
		if (owners[i] > 0)
			close(owners[i]);
	close(base_dev_fd);
	removed = remove_all();

	printf("%lu calls in %.1f s; %d devices removed at the end\n", calls,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       removed);
	for (c = 0; c < NCMD; c++) {
		unsigned long long total = 0;

		for (e = 0; e <= MAX_ERRNO; e++)
			total += stats[c][e];
		printf("%-12s calls %llu ok %llu", cmd_names[c], total,
		       stats[c][0]);
		for (e = 1; e <= MAX_ERRNO; e++)
			if (stats[c][e])
				printf(" %s %llu", ename(e), stats[c][e]);
		printf("\n");
	}
	printf("violations %llu\n", violations);
	return violations ? 1 : 0;
}

/* ------------------------------------------------------------ copyout */

#define FILL	0xa5

struct field {
	const char *name;
	size_t off, len;
	int out;	/* 1: output, must be written; 2: reserved, zero */
};

#define F(t, m, o) { #m, offsetof(t, m), sizeof(((t *)0)->m), o }

static const struct field features_fields[] = {
	F(struct vfsblk_features, size, 0),
	F(struct vfsblk_features, abi_version, 1),
	F(struct vfsblk_features, add_flags, 1),
	F(struct vfsblk_features, max_index, 1),
	F(struct vfsblk_features, minors, 1),
	F(struct vfsblk_features, set_changes, 1),
	F(struct vfsblk_features, reserved, 2),
	{ NULL },
};

static const struct field add_fields[] = {
	F(struct vfsblk_add, size, 0),
	F(struct vfsblk_add, fd, 0),
	F(struct vfsblk_add, index, 0),
	F(struct vfsblk_add, block_size, 0),
	F(struct vfsblk_add, flags, 0),
	F(struct vfsblk_add, offset, 0),
	F(struct vfsblk_add, size_limit, 0),
	F(struct vfsblk_add, dio, 0),
	F(struct vfsblk_add, owner_fd, 1),
	F(struct vfsblk_add, nr_queues, 0),
	F(struct vfsblk_add, queue_depth, 0),
	F(struct vfsblk_add, reserved, 2),
	F(struct vfsblk_add, name, 0),
	F(struct vfsblk_add, reserved2, 2),
	{ NULL },
};

static const struct field remove_fields[] = {
	F(struct vfsblk_remove, size, 0),
	F(struct vfsblk_remove, index, 0),
	F(struct vfsblk_remove, flags, 0),
	F(struct vfsblk_remove, result, 1),
	F(struct vfsblk_remove, reserved, 2),
	{ NULL },
};

static const struct field info_fields[] = {
	F(struct vfsblk_info, size, 0),
	F(struct vfsblk_info, index, 0),
	F(struct vfsblk_info, state, 1),
	F(struct vfsblk_info, open_count, 1),
	F(struct vfsblk_info, flags, 1),
	F(struct vfsblk_info, capacity, 1),
	F(struct vfsblk_info, backing_size, 1),
	F(struct vfsblk_info, backing_inode, 1),
	F(struct vfsblk_info, backing_major, 1),
	F(struct vfsblk_info, backing_minor, 1),
	F(struct vfsblk_info, path, 0),
	F(struct vfsblk_info, path_len, 1),
	F(struct vfsblk_info, block_size, 1),
	F(struct vfsblk_info, offset, 1),
	F(struct vfsblk_info, size_limit, 1),
	F(struct vfsblk_info, dio_request, 1),
	F(struct vfsblk_info, dio, 1),
	F(struct vfsblk_info, dio_reason, 1),
	F(struct vfsblk_info, nr_queues, 1),
	F(struct vfsblk_info, queue_depth, 1),
	F(struct vfsblk_info, dio_align, 1),
	F(struct vfsblk_info, reserved, 2),
	F(struct vfsblk_info, name, 1),
	F(struct vfsblk_info, reserved2, 2),
	{ NULL },
};

static const struct field list_fields[] = {
	F(struct vfsblk_list, size, 0),
	F(struct vfsblk_list, count, 1),
	F(struct vfsblk_list, indices, 0),
	F(struct vfsblk_list, reserved, 2),
	{ NULL },
};

static const struct field set_fields[] = {
	F(struct vfsblk_set, size, 0),
	F(struct vfsblk_set, index, 0),
	F(struct vfsblk_set, change, 0),
	F(struct vfsblk_set, flags, 0),
	F(struct vfsblk_set, offset, 0),
	F(struct vfsblk_set, size_limit, 0),
	F(struct vfsblk_set, block_size, 0),
	F(struct vfsblk_set, dio, 0),
	F(struct vfsblk_set, capacity, 1),
	F(struct vfsblk_set, reserved, 2),
	{ NULL },
};

static const struct field *const cmd_fields[6] = {
	features_fields, add_fields, remove_fields, info_fields, list_fields,
	set_fields,
};

static const unsigned long cmds[6] = {
	VFSBLK_CTL_GET_FEATURES, VFSBLK_CTL_ADD, VFSBLK_CTL_REMOVE,
	VFSBLK_CTL_INFO, VFSBLK_CTL_LIST, VFSBLK_CTL_SET,
};

static unsigned long checks;

/* The field table covers every byte: the struct has no hidden padding. */
static void check_layout(int nr)
{
	const struct field *f;
	size_t at = 0;

	for (f = cmd_fields[nr]; f->name; f++) {
		if (f->off != at)
			violation("%s: %zu bytes of padding before %s",
				  cmd_names[nr], f->off - at, f->name);
		at = f->off + f->len;
	}
	if (at != ksize[nr])
		violation("%s: %zu bytes of padding at the end", cmd_names[nr],
			  ksize[nr] - at);
}

static int all_fill(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != FILL)
			return 0;
	return 1;
}

static int all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * @buf (2 pages) holds the request: input fields as set by the caller,
 * output fields FILL, reserved and the tail up to @size zero, FILL past
 * @size. Run it and check the copy-out.
 */
static int run_copyout(int nr, unsigned char *buf, uint32_t size,
		       const char *what)
{
	const struct field *f;
	uint32_t ks = ksize[nr];
	uint32_t known = size < ks ? size : ks;

	checks++;
	if (ioctl(ctl, cmds[nr], buf)) {
		violation("%s %s size %u: %s", cmd_names[nr], what, size,
			  ename(errno));
		return -1;
	}
	for (f = cmd_fields[nr]; f->name; f++) {
		if (f->off + f->len > known) {
			/* Beyond the caller's struct: never written. */
			if (f->off < known)
				violation("%s %s size %u: field %s cut",
					  cmd_names[nr], what, size, f->name);
			continue;
		}
		if (f->out == 1 && all_fill(buf + f->off, f->len))
			violation("%s %s size %u: output %s not written",
				  cmd_names[nr], what, size, f->name);
		if (f->out == 2 && !all_zero(buf + f->off, f->len))
			violation("%s %s size %u: reserved %s not zero",
				  cmd_names[nr], what, size, f->name);
	}
	if (size > ks && !all_zero(buf + ks, size - ks))
		violation("%s %s size %u: bytes past the kernel's struct "
			  "(%u) not zero", cmd_names[nr], what, size, ks);
	if (!all_fill(buf + known, 2 * PAGE - known) &&
	    !(size > ks && all_fill(buf + size, 2 * PAGE - size)))
		violation("%s %s size %u: bytes written past the caller's "
			  "size", cmd_names[nr], what, size);
	return 0;
}

/*
 * Fill @buf for command @nr at @size: output fields and what lies past
 * @size FILL, the rest of the caller's struct zero.
 */
static void prepare(int nr, unsigned char *buf, uint32_t size)
{
	const struct field *f;
	uint32_t ks = ksize[nr];

	memset(buf, FILL, 2 * PAGE);
	for (f = cmd_fields[nr]; f->name; f++)
		if (f->out != 1 && f->off + f->len <= size)
			memset(buf + f->off, 0, f->len);
	if (size > ks)
		memset(buf + ks, 0, size - ks);
	set_u32(buf, 0, size);
}

static int cmd_copyout(int argc, char **argv)
{
	static unsigned char buf[2 * PAGE];
	static uint32_t idx[8];
	static char path[256];
	uint32_t sizes[8], dev[2] = { 0, 0 };
	const char *file;
	int nsizes, nr, i, k, fd;

	if (argc != 1)
		return 2;
	file = argv[0];
	fd = open_or_die(file, O_RDWR);

	for (nr = 0; nr < 6; nr++)
		check_layout(nr);

	for (nr = 0; nr < 6; nr++) {
		/* Every accepted size worth telling apart. */
		nsizes = 0;
		sizes[nsizes++] = ver0[nr];
		if (nr == 1)
			sizes[nsizes++] = VFSBLK_ADD_SIZE_VER1;
		if (nr == 3)
			sizes[nsizes++] = VFSBLK_INFO_SIZE_VER1;
		if (ksize[nr] != sizes[nsizes - 1])
			sizes[nsizes++] = ksize[nr];
		sizes[nsizes++] = ksize[nr] + 8;
		sizes[nsizes++] = ksize[nr] + 100;
		sizes[nsizes++] = PAGE;

		for (k = 0; k < nsizes; k++) {
			uint32_t sz = sizes[k];
			char what[64];

			prepare(nr, buf, sz);
			switch (nr) {
			case 1: {
				struct vfsblk_add *add = (void *)buf;
				int named = k % 2;

				add->fd = fd;
				add->index = VFSBLK_INDEX_ANY;
				if (named && sz >= VFSBLK_ADD_SIZE_VER1)
					snprintf(add->name, VFSBLK_NAME_LEN,
						 "copyout-%d", k);
				snprintf(what, sizeof(what), "%s device",
					 named ? "named" : "unnamed");
				if (run_copyout(nr, buf, sz, what))
					break;
				if (add->owner_fd)
					violation("ADD size %u: owner_fd %d",
						  sz, add->owner_fd);
				/* Keep two devices for the other commands. */
				if (k < 2) {
					dev[k] = add->index;
				} else {
					struct vfsblk_remove rm = {
						.size = sizeof(rm),
						.index = add->index,
					};

					if (ioctl(ctl, VFSBLK_CTL_REMOVE, &rm))
						violation("REMOVE %u: %s",
							  rm.index,
							  ename(errno));
				}
				break;
			}
			case 2: {
				struct vfsblk_remove *rm = (void *)buf;
				struct vfsblk_add add = {
					.size = sizeof(add), .fd = fd,
					.index = VFSBLK_INDEX_ANY,
				};

				if (ioctl(ctl, VFSBLK_CTL_ADD, &add)) {
					violation("ADD: %s", ename(errno));
					break;
				}
				rm->index = add.index;
				run_copyout(nr, buf, sz, "");
				break;
			}
			case 3:
				for (i = 0; i < 2; i++) {
					struct vfsblk_info *in = (void *)buf;
					uint32_t room = k ? 5 : sizeof(path);
					size_t plen;

					prepare(nr, buf, sz);
					in->index = dev[i];
					memset(path, FILL, sizeof(path));
					in->path = (uintptr_t)path;
					/* path_len is in and out. */
					in->path_len = room;
					snprintf(what, sizeof(what),
						 "device %u path room %u",
						 dev[i], room);
					if (run_copyout(nr, buf, sz, what))
						continue;
					plen = strnlen(path, sizeof(path));
					if (plen >= room ||
					    plen + 1 != (room < in->path_len ?
							 room : in->path_len))
						violation("INFO %s: path of %zu "
							  "bytes, path_len %u",
							  what, plen,
							  in->path_len);
					if (!all_fill((unsigned char *)path +
						      plen + 1,
						      sizeof(path) - plen - 1))
						violation("INFO %s: written "
							  "past the path", what);
					if (sz >= VFSBLK_INFO_SIZE_VER1 &&
					    !all_zero((unsigned char *)in->name +
						      strnlen(in->name,
							      VFSBLK_NAME_LEN),
						      VFSBLK_NAME_LEN -
						      strnlen(in->name,
							      VFSBLK_NAME_LEN)))
						violation("INFO %s: name not "
							  "NUL padded", what);
				}
				break;
			case 4: {
				struct vfsblk_list *l = (void *)buf;

				memset(idx, FILL, sizeof(idx));
				l->indices = (uintptr_t)idx;
				l->count = 1;
				if (run_copyout(nr, buf, sz, "room 1"))
					break;
				if (l->count != 2 || (idx[0] != dev[0] &&
						      idx[0] != dev[1]))
					violation("LIST: count %u, first %u",
						  l->count, idx[0]);
				if (!all_fill((unsigned char *)&idx[1],
					      sizeof(idx) - sizeof(idx[0])))
					violation("LIST: written past the room");
				break;
			}
			case 5: {
				struct vfsblk_set *st = (void *)buf;

				st->index = dev[k % 2];
				st->change = VFSBLK_SET_CAPACITY;
				run_copyout(nr, buf, sz, "capacity");
				break;
			}
			default:
				run_copyout(nr, buf, sz, "");
				break;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		struct vfsblk_remove rm = { .size = sizeof(rm), .index = dev[i] };

		if (ioctl(ctl, VFSBLK_CTL_REMOVE, &rm))
			violation("REMOVE %u: %s", dev[i], ename(errno));
	}
	close(fd);
	printf("copyout: %lu requests checked, violations %llu\n", checks,
	       violations);
	return violations ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && (!strcmp(argv[1], "fuzz") ||
			  !strcmp(argv[1], "copyout"))) {
		ctl = open("/dev/" VFSBLK_CONTROL_NAME, O_RDWR | O_CLOEXEC);
		if (ctl < 0)
			setup_fail("/dev/" VFSBLK_CONTROL_NAME);
		if (!strcmp(argv[1], "fuzz"))
			ret = cmd_fuzz(argc - 2, argv + 2);
		else
			ret = cmd_copyout(argc - 2, argv + 2);
	}
	if (ret == 2)
		fprintf(stderr, "usage: fuzzctl fuzz DIR CALLS [--seed N] "
			"[--threads N]\n       fuzzctl copyout FILE\n");
	return ret;
}
