// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the vfsblk module, for host-side tests of vfsblkctl:
 * an LD_PRELOAD library that answers the VFSBLK_CTL_* ioctls (on any
 * descriptor, e.g. VFSBLKCTL_CONTROL=/dev/null) from a small device table,
 * checking the arguments as strictly as the ABI allows: exact @size,
 * reserved fields zero, values in range. It also makes /dev/vfsblkN look
 * like block devices to stat(), so that add does not wait for a node.
 *
 * Built without _FILE_OFFSET_BITS=64, so that stat and stat64 are two
 * functions here (struct stat and stat64 are the same on 64-bit hosts).
 *
 * Devices at start (per process, none if $FAKE_VFSBLK_EMPTY is set):
 * 0 bound, named "data", on a short path; 5 in rundown, read-only,
 * autoclear, open twice, on a path longer than PATH_MAX (to exercise
 * INFO's retry); 2, when $FAKE_VFSBLK_FILE names a file, bound to it
 * (device and inode as stat() gives them) at offset 512.
 *
 * Environment: $FAKE_VFSBLK_ABI (2, or 1 for a module of ABI 1: first
 * published struct sizes, no SET); $FAKE_VFSBLK_MINORS (16);
 * $FAKE_VFSBLK_NODIO (the files have no direct I/O);
 * $FAKE_VFSBLK_DIO_ALIGN (512); $FAKE_VFSBLK_LOG, a file to which each
 * ADD, REMOVE and SET request is appended as one line, as it came.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/vfsblk.h>

#define FAKE_MAX	8

struct fake_dev {
	int used;
	int writable;
	struct vfsblk_info info;
	char path[PATH_MAX + 200];
};

static struct fake_dev devs[FAKE_MAX];
static int initialised;
static unsigned int abi = VFSBLK_ABI_VERSION;

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : def;
}

static void fake_init(void)
{
	const char *file = getenv("FAKE_VFSBLK_FILE");
	struct fake_dev *d;
	struct stat st;

	if (initialised)
		return;
	initialised = 1;
	abi = env_uint("FAKE_VFSBLK_ABI", VFSBLK_ABI_VERSION);
	if (getenv("FAKE_VFSBLK_EMPTY"))
		return;

	d = &devs[0];
	d->used = 1;
	d->writable = 1;
	d->info.state = VFSBLK_STATE_BOUND;
	d->info.capacity = 1ULL << 30;
	d->info.backing_size = 1ULL << 30;
	d->info.backing_inode = 12;
	d->info.backing_major = 8;
	d->info.backing_minor = 1;
	if (abi >= 2) {
		d->info.block_size = 512;
		d->info.dio_request = VFSBLK_DIO_ON;
		d->info.dio = VFSBLK_DIO_ON;
		d->info.nr_queues = 2;
		d->info.queue_depth = 128;
		d->info.dio_align = 512;
		strcpy(d->info.name, "data");
	}
	strcpy(d->path, "/srv/images/a disk.img");

	d = &devs[5];
	d->used = 1;
	d->info.state = VFSBLK_STATE_RUNDOWN;
	d->info.open_count = 2;
	d->info.flags = VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR;
	d->info.capacity = 3ULL << 20;
	d->info.backing_size = (3ULL << 20) + 100;
	d->info.backing_inode = 4242;
	d->info.backing_major = 0;
	d->info.backing_minor = 33;
	if (abi >= 2) {
		d->info.block_size = 4096;
		d->info.size_limit = 3ULL << 20;
		d->info.dio_request = VFSBLK_DIO_ON;
		d->info.dio = VFSBLK_DIO_OFF;
		d->info.dio_reason = VFSBLK_DIO_REASON_UNSUPPORTED;
		d->info.nr_queues = 1;
		d->info.queue_depth = 64;
	}
	d->path[0] = '/';
	memset(d->path + 1, 'x', PATH_MAX + 100);
	strcpy(d->path + PATH_MAX + 101, " (deleted)");

	if (file && stat(file, &st) == 0) {
		d = &devs[2];
		d->used = 1;
		d->writable = 1;
		d->info.state = VFSBLK_STATE_BOUND;
		d->info.offset = 512;
		d->info.capacity = ((uint64_t)st.st_size - 512) & ~511ULL;
		d->info.backing_size = (uint64_t)st.st_size;
		d->info.backing_inode = st.st_ino;
		d->info.backing_major = major(st.st_dev);
		d->info.backing_minor = minor(st.st_dev);
		if (abi >= 2) {
			d->info.block_size = 512;
			d->info.nr_queues = 1;
			d->info.queue_depth = 128;
		}
		if (!realpath(file, d->path))
			strcpy(d->path, file);
	}
}

static void __attribute__((format(printf, 1, 2))) fake_log(const char *fmt, ...)
{
	const char *path = getenv("FAKE_VFSBLK_LOG");
	va_list ap;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i])
			return 0;
	return 1;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static int valid_name(const char *name)
{
	const char *end = memchr(name, '\0', VFSBLK_NAME_LEN);
	size_t len = end ? (size_t)(end - name) : VFSBLK_NAME_LEN;

	if (len == VFSBLK_NAME_LEN || name[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    name[i]))
			return 0;
	return zero(name + len, VFSBLK_NAME_LEN - len);
}

static int valid_bs(uint32_t bs)
{
	return bs == 0 || bs == 512 || bs == 1024 || bs == 2048 || bs == 4096;
}

/* The device's capacity for a file of @size bytes; 0 if under a block. */
static uint64_t window(uint64_t size, uint64_t offset, uint64_t limit, uint32_t bs)
{
	uint64_t w;

	if (!bs)
		bs = 512;
	if (offset >= size)
		return 0;
	w = size - offset;
	if (limit && limit < w)
		w = limit;
	return w / bs * bs;
}

/* Direct I/O as asked: sets dio and dio_reason, or returns an errno. */
static int fake_dio(struct vfsblk_info *i, uint32_t want)
{
	uint32_t align = env_uint("FAKE_VFSBLK_DIO_ALIGN", 512);
	int reason = VFSBLK_DIO_REASON_NONE;

	i->dio_align = getenv("FAKE_VFSBLK_NODIO") ? 0 : align;
	if (want != VFSBLK_DIO_OFF) {
		if (!i->dio_align)
			reason = VFSBLK_DIO_REASON_UNSUPPORTED;
		else if (i->block_size % align || i->offset % align)
			reason = VFSBLK_DIO_REASON_ALIGNMENT;
	}
	if (want == VFSBLK_DIO_STRICT && reason)
		return reason == VFSBLK_DIO_REASON_UNSUPPORTED ? EOPNOTSUPP : EINVAL;
	i->dio_request = want;
	i->dio_reason = reason;
	i->dio = want != VFSBLK_DIO_OFF && !reason ? VFSBLK_DIO_ON : VFSBLK_DIO_OFF;
	return 0;
}

static int fake_add(struct vfsblk_add *a)
{
	uint32_t want_size = abi >= 2 ? sizeof(*a) : VFSBLK_ADD_SIZE_VER0;
	uint64_t flags = VFSBLK_ADD_FLAGS, cap;
	struct fake_dev *d;
	char link[64];
	struct stat st;
	int fl, i, err;
	ssize_t n;

	fake_log("ADD size=%u index=%d block_size=%u flags=0x%llx offset=%llu size_limit=%llu dio=%u nr_queues=%u queue_depth=%u name=%.32s",
		 a->size, (int)a->index, a->block_size, (unsigned long long)a->flags,
		 (unsigned long long)a->offset, (unsigned long long)a->size_limit,
		 a->dio, a->nr_queues, a->queue_depth, a->name);
	if (abi < 2)
		flags = VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR;
	if (a->size != want_size || (a->flags & ~flags) || a->owner_fd)
		return fail(EINVAL);
	if (abi < 2 && !zero(&a->block_size, sizeof(a->block_size)))
		return fail(EINVAL);
	if (abi < 2 && !zero(&a->offset, VFSBLK_ADD_SIZE_VER0 - offsetof(struct vfsblk_add, offset)))
		return fail(EINVAL);
	if (!zero(a->reserved, sizeof(a->reserved)) || !zero(a->reserved2, sizeof(a->reserved2)))
		return fail(EINVAL);
	if (!valid_bs(a->block_size) || a->offset % 512 || a->size_limit % 512 ||
	    a->offset + a->size_limit < a->offset || a->dio > VFSBLK_DIO_STRICT ||
	    a->nr_queues > 64 || a->queue_depth > 1024 ||
	    (a->name[0] && !valid_name(a->name)) ||
	    (!a->name[0] && !zero(a->name, sizeof(a->name))))
		return fail(EINVAL);
	if ((a->flags & VFSBLK_FLAG_PARTSCAN) && env_uint("FAKE_VFSBLK_MINORS", 16) == 1)
		return fail(EINVAL);
	fl = fcntl(a->fd, F_GETFL);
	if (fl < 0 || fstat(a->fd, &st) < 0 || (fl & O_ACCMODE) == O_WRONLY)
		return fail(EBADF);
	if (abi < 2 && (fl & O_ACCMODE) != O_RDWR && !(a->flags & VFSBLK_FLAG_READ_ONLY))
		return fail(EBADF);
	if (S_ISDIR(st.st_mode))
		return fail(EISDIR);
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return fail(ESPIPE);
	if (!S_ISREG(st.st_mode))
		return fail(EINVAL);
	cap = window((uint64_t)st.st_size, a->offset, a->size_limit, a->block_size);
	if (!cap)
		return fail(EINVAL);
	if (a->index != VFSBLK_INDEX_ANY && a->index >= FAKE_MAX)
		return fail(EINVAL);
	for (i = 0; i < FAKE_MAX; i++)
		if (devs[i].used && a->name[0] &&
		    strcmp(devs[i].info.name, a->name) == 0)
			return fail(EEXIST);
	if (a->index != VFSBLK_INDEX_ANY) {
		i = (int)a->index;
		if (devs[i].used)
			return fail(EEXIST);
	} else {
		for (i = 0; i < FAKE_MAX && devs[i].used; i++)
			;
		if (i == FAKE_MAX)
			return fail(ENOSPC);
	}
	d = &devs[i];
	memset(d, 0, sizeof(*d));
	d->info.block_size = abi >= 2 ? (a->block_size ? a->block_size : 512) : 0;
	d->info.offset = a->offset;
	if (abi >= 2) {
		err = fake_dio(&d->info, a->dio);
		if (err)
			return fail(err);
		d->info.nr_queues = a->nr_queues ? a->nr_queues : 2;
		d->info.queue_depth = a->queue_depth ? a->queue_depth : 128;
		memcpy(d->info.name, a->name, sizeof(d->info.name));
	}
	d->used = 1;
	d->writable = (fl & O_ACCMODE) == O_RDWR;
	d->info.state = VFSBLK_STATE_BOUND;
	d->info.flags = a->flags;
	if (a->flags & VFSBLK_FLAG_OWNED)
		a->owner_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!d->writable && abi >= 2)
		d->info.flags |= VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_FILE_READ_ONLY;
	d->info.size_limit = a->size_limit;
	d->info.capacity = cap;
	d->info.backing_size = (uint64_t)st.st_size;
	d->info.backing_inode = st.st_ino;
	d->info.backing_major = major(st.st_dev);
	d->info.backing_minor = minor(st.st_dev);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", a->fd);
	n = readlink(link, d->path, sizeof(d->path) - 1);
	d->path[n > 0 ? n : 0] = '\0';
	a->index = (uint32_t)i;
	return 0;
}

static int fake_set(struct vfsblk_set *s)
{
	struct vfsblk_info next;
	struct fake_dev *d;
	struct stat st;
	uint64_t size;
	int err;

	fake_log("SET size=%u index=%u change=0x%llx flags=0x%llx offset=%llu size_limit=%llu block_size=%u dio=%u",
		 s->size, s->index, (unsigned long long)s->change,
		 (unsigned long long)s->flags, (unsigned long long)s->offset,
		 (unsigned long long)s->size_limit, s->block_size, s->dio);
	if (abi < 2)
		return fail(ENOTTY);
	if (s->size != sizeof(*s) || !s->change || (s->change & ~VFSBLK_SET_CHANGES) ||
	    s->capacity || !zero(s->reserved, sizeof(s->reserved)) ||
	    (s->flags & ~VFSBLK_FLAG_READ_ONLY) ||
	    (s->flags && !(s->change & VFSBLK_SET_READ_ONLY)))
		return fail(EINVAL);
	if (s->index >= FAKE_MAX || !devs[s->index].used)
		return fail(ENODEV);
	d = &devs[s->index];
	next = d->info;
	if (s->change & VFSBLK_SET_OFFSET)
		next.offset = s->offset;
	if (s->change & VFSBLK_SET_SIZE_LIMIT)
		next.size_limit = s->size_limit;
	if (s->change & VFSBLK_SET_BLOCK_SIZE)
		next.block_size = s->block_size ? s->block_size : 512;
	if (!valid_bs(s->block_size) || next.offset % 512 || next.size_limit % 512 ||
	    next.offset + next.size_limit < next.offset || s->dio > VFSBLK_DIO_STRICT)
		return fail(EINVAL);
	size = d->info.backing_size;
	if (d->path[0] == '/' && stat(d->path, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	next.backing_size = size;
	next.capacity = window(size, next.offset, next.size_limit, next.block_size);
	if (!next.capacity)
		return fail(EINVAL);
	if (s->change & VFSBLK_SET_READ_ONLY) {
		if (!s->flags && (d->info.flags & VFSBLK_FLAG_FILE_READ_ONLY))
			return fail(EBADF);
		next.flags = (next.flags & ~VFSBLK_FLAG_READ_ONLY) | s->flags;
	}
	if (d->info.open_count &&
	    ((s->change & (VFSBLK_SET_OFFSET | VFSBLK_SET_BLOCK_SIZE | VFSBLK_SET_READ_ONLY)) ||
	     next.capacity < d->info.capacity))
		return fail(EBUSY);
	if (s->change & VFSBLK_SET_DIO) {
		err = fake_dio(&next, s->dio);
		if (err)
			return fail(err);
	}
	d->info = next;
	s->capacity = next.capacity;
	return 0;
}

static int fake_info(struct vfsblk_info *in)
{
	uint32_t want_size = abi >= 2 ? sizeof(*in) : VFSBLK_INFO_SIZE_VER0;
	struct vfsblk_info out;
	size_t need;

	if (in->size != want_size || in->state || in->open_count || in->flags ||
	    in->capacity || in->backing_size || in->backing_inode ||
	    in->backing_major || in->backing_minor || in->block_size ||
	    !zero(&in->offset, sizeof(*in) - offsetof(struct vfsblk_info, offset)))
		return fail(EINVAL);
	if (in->index >= FAKE_MAX || !devs[in->index].used)
		return fail(ENODEV);
	out = devs[in->index].info;
	out.size = in->size;
	out.index = in->index;
	out.path = in->path;
	need = strlen(devs[in->index].path) + 1;
	out.path_len = (uint32_t)need;
	if (in->path && in->path_len) {
		size_t n = need < in->path_len ? need : in->path_len;
		char *dst = (char *)(uintptr_t)in->path;

		memcpy(dst, devs[in->index].path, n);
		dst[n - 1] = '\0';
	}
	memcpy(in, &out, want_size);
	return 0;
}

static int fake_ioctl(unsigned long req, void *arg)
{
	fake_init();

	if (req == VFSBLK_CTL_GET_FEATURES) {
		struct vfsblk_features *f = arg;

		if (f->size != sizeof(*f) || !zero(&f->abi_version, sizeof(*f) - 4))
			return fail(EINVAL);
		f->abi_version = abi;
		f->max_index = FAKE_MAX - 1;
		if (abi >= 2) {
			f->add_flags = VFSBLK_ADD_FLAGS;
			f->minors = env_uint("FAKE_VFSBLK_MINORS", 16);
			f->set_changes = VFSBLK_SET_CHANGES;
		} else {
			f->add_flags = VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR;
		}
		return 0;
	}
	if (req == VFSBLK_CTL_ADD)
		return fake_add(arg);
	if (req == VFSBLK_CTL_SET)
		return fake_set(arg);
	if (req == VFSBLK_CTL_INFO)
		return fake_info(arg);
	if (req == VFSBLK_CTL_REMOVE) {
		struct vfsblk_remove *r = arg;

		fake_log("REMOVE size=%u index=%u flags=0x%x", r->size, r->index,
			 r->flags);
		if (r->size != sizeof(*r) || r->result || !zero(r->reserved, sizeof(r->reserved)) ||
		    (r->flags & ~VFSBLK_REMOVE_DEFERRED))
			return fail(EINVAL);
		if (r->index >= FAKE_MAX || !devs[r->index].used)
			return fail(ENODEV);
		if (devs[r->index].info.open_count) {
			if (!(r->flags & VFSBLK_REMOVE_DEFERRED))
				return fail(EBUSY);
			r->result = VFSBLK_REMOVE_PENDING;
			return 0;
		}
		devs[r->index].used = 0;
		r->result = VFSBLK_REMOVED;
		return 0;
	}
	if (req == VFSBLK_CTL_LIST) {
		struct vfsblk_list *l = arg;
		uint32_t n = 0;

		if (l->size != sizeof(*l) || !zero(l->reserved, sizeof(l->reserved)) ||
		    (l->count && !l->indices))
			return fail(EINVAL);
		for (uint32_t i = 0; i < FAKE_MAX; i++) {
			if (!devs[i].used)
				continue;
			if (n < l->count)
				((uint32_t *)(uintptr_t)l->indices)[n] = i;
			n++;
		}
		l->count = n;
		return 0;
	}
	return fail(ENOTTY);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (_IOC_TYPE(req) == VFSBLK_IOC_MAGIC)
		return fake_ioctl(req, arg);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}

static int fake_node(const char *path, struct stat *st)
{
	if (strncmp(path, "/dev/vfsblk", 11) != 0 || path[11] < '0' || path[11] > '9')
		return 0;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFBLK | 0660;
	return 1;
}

/* With _FILE_OFFSET_BITS=64 the tool calls stat64; cover both names. */
int stat(const char *restrict path, struct stat *restrict st)
{
	static int (*real)(const char *restrict, struct stat *restrict);

	if (fake_node(path, st))
		return 0;
	if (!real)
		real = (int (*)(const char *restrict, struct stat *restrict))dlsym(RTLD_NEXT, "stat");
	return real(path, st);
}

int stat64(const char *restrict path, struct stat64 *restrict st)
{
	static int (*real)(const char *restrict, struct stat64 *restrict);

	if (fake_node(path, (struct stat *)st))
		return 0;
	if (!real)
		real = (int (*)(const char *restrict, struct stat64 *restrict))dlsym(RTLD_NEXT, "stat64");
	return real(path, st);
}
