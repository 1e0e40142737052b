// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the vfsblk module, for host-side tests of vfsblkctl:
 * an LD_PRELOAD library that answers the VFSBLK_CTL_* ioctls (on any
 * descriptor, e.g. VFSBLKCTL_CONTROL=/dev/null) from a small device table,
 * checking the arguments as strictly as the ABI allows: exact @size,
 * reserved fields zero. It also makes /dev/vfsblkN look like block devices
 * to stat(), so that add does not wait for a node.
 *
 * Built without _FILE_OFFSET_BITS=64, so that stat and stat64 are two
 * functions here (struct stat and stat64 are the same on 64-bit hosts).
 *
 * Devices at start (per process, none if $FAKE_VFSBLK_EMPTY is set): 0 bound, on a short path; 5 in rundown,
 * read-only, autoclear, open twice, on a path longer than PATH_MAX (to
 * exercise INFO's retry).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/vfsblk.h>

#define FAKE_MAX	8

struct fake_dev {
	int used;
	struct vfsblk_info info;
	char path[PATH_MAX + 200];
};

static struct fake_dev devs[FAKE_MAX];
static int initialised;

static void fake_init(void)
{
	struct fake_dev *d;

	if (initialised)
		return;
	initialised = 1;
	if (getenv("FAKE_VFSBLK_EMPTY"))
		return;

	d = &devs[0];
	d->used = 1;
	d->info.state = VFSBLK_STATE_BOUND;
	d->info.capacity = 1ULL << 30;
	d->info.backing_size = 1ULL << 30;
	d->info.backing_inode = 12;
	d->info.backing_major = 8;
	d->info.backing_minor = 1;
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
	d->path[0] = '/';
	memset(d->path + 1, 'x', PATH_MAX + 100);
	strcpy(d->path + PATH_MAX + 101, " (deleted)");
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

static int fake_add(struct vfsblk_add *a)
{
	struct stat st;
	int fl, i;

	if (a->size != sizeof(*a) || a->reserved0 || !zero(a->reserved, sizeof(a->reserved)) ||
	    (a->flags & ~(uint64_t)VFSBLK_ADD_FLAGS) || a->index != VFSBLK_INDEX_ANY)
		return fail(EINVAL);
	fl = fcntl(a->fd, F_GETFL);
	if (fl < 0 || fstat(a->fd, &st) < 0)
		return fail(EBADF);
	if ((fl & O_ACCMODE) == O_WRONLY ||
	    ((fl & O_ACCMODE) != O_RDWR && !(a->flags & VFSBLK_FLAG_READ_ONLY)))
		return fail(EBADF);
	if (S_ISDIR(st.st_mode))
		return fail(EISDIR);
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return fail(ESPIPE);
	if (!S_ISREG(st.st_mode) || st.st_size < 512)
		return fail(EINVAL);
	for (i = 0; i < FAKE_MAX && devs[i].used; i++)
		;
	if (i == FAKE_MAX)
		return fail(ENOSPC);
	memset(&devs[i], 0, sizeof(devs[i]));
	devs[i].used = 1;
	devs[i].info.state = VFSBLK_STATE_BOUND;
	devs[i].info.flags = a->flags;
	devs[i].info.capacity = (uint64_t)st.st_size & ~511ULL;
	devs[i].info.backing_size = (uint64_t)st.st_size;
	devs[i].info.backing_inode = st.st_ino;
	strcpy(devs[i].path, "/added");
	a->index = (uint32_t)i;
	return 0;
}

static int fake_ioctl(unsigned long req, void *arg)
{
	fake_init();

	if (req == VFSBLK_CTL_GET_FEATURES) {
		struct vfsblk_features *f = arg;

		if (f->size != sizeof(*f) || !zero(&f->abi_version, sizeof(*f) - 4))
			return fail(EINVAL);
		f->abi_version = VFSBLK_ABI_VERSION;
		f->add_flags = VFSBLK_ADD_FLAGS;
		f->max_index = FAKE_MAX - 1;
		return 0;
	}
	if (req == VFSBLK_CTL_ADD)
		return fake_add(arg);
	if (req == VFSBLK_CTL_REMOVE) {
		struct vfsblk_remove *r = arg;

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
	if (req == VFSBLK_CTL_INFO) {
		struct vfsblk_info *in = arg, out;
		size_t need;

		if (in->size != sizeof(*in) || in->state || in->open_count || in->flags ||
		    in->capacity || in->backing_size || in->backing_inode ||
		    in->backing_major || in->backing_minor || in->reserved0 ||
		    !zero(in->reserved, sizeof(in->reserved)))
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
		*in = out;
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
