// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: the control node /dev/vfsblk-control and its ioctls.
 *
 * Each handler copies its argument in with vfsblk_copy_in() (size field,
 * zero tail, reserved fields), does its work and copies the whole struct
 * back. The struct lives on the stack and starts zeroed, so nothing
 * uninitialised reaches userspace. Output fields are ignored on input.
 */

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vfsblk.h"

/*
 * Copy a struct whose first field is its __u32 size from userspace: the
 * caller's size must be at least @min_size and at most a page; bytes past
 * what the kernel knows must be zero, fields the caller lacks read as zero.
 * Returns the caller's size, or a negative errno.
 */
static long vfsblk_copy_in(void *karg, size_t ksize, size_t min_size,
			   void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	return usize;
}

/* Copy a struct back, as much of it as the caller's struct holds. */
static int vfsblk_copy_out(void __user *uarg, const void *karg, size_t ksize,
			   size_t usize)
{
	if (copy_to_user(uarg, karg, min(ksize, usize)))
		return -EFAULT;
	return 0;
}

static bool vfsblk_is_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static long vfsblk_ctl_features(void __user *uarg)
{
	struct vfsblk_features arg = {};
	long usize;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_FEATURES_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	arg.abi_version = VFSBLK_ABI_VERSION;
	arg.add_flags = VFSBLK_ADD_FLAGS;
	arg.max_index = vfsblk_max_index();
	arg.minors = vfsblk_minors;
	arg.set_changes = VFSBLK_SET_CHANGES;
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
}

/*
 * A name is empty (all zero), or 1 to VFSBLK_NAME_LEN - 1 characters of
 * [A-Za-z0-9._-], not starting with '.', NUL terminated and NUL padded.
 */
static bool vfsblk_name_ok(const char *name)
{
	size_t len = strnlen(name, VFSBLK_NAME_LEN);
	size_t i;

	if (len == VFSBLK_NAME_LEN || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return false;
	}
	return vfsblk_is_zero(name + len, VFSBLK_NAME_LEN - len);
}

#define VFSBLK_DEFAULT_QUEUES		16
#define VFSBLK_MAX_QUEUES		64
#define VFSBLK_DEFAULT_QUEUE_DEPTH	128
#define VFSBLK_MAX_QUEUE_DEPTH		1024

/* Check an ADD request and turn it into a configuration with defaults. */
static int vfsblk_add_config(const struct vfsblk_add *arg,
			     struct vfsblk_config *cfg)
{
	if (arg->flags & ~VFSBLK_ADD_FLAGS)
		return -EINVAL;
	if (arg->nr_queues > VFSBLK_MAX_QUEUES ||
	    arg->queue_depth > VFSBLK_MAX_QUEUE_DEPTH)
		return -EINVAL;
	if (!vfsblk_name_ok(arg->name))
		return -EINVAL;

	cfg->flags = arg->flags;
	cfg->offset = arg->offset;
	cfg->size_limit = arg->size_limit;
	cfg->block_size = arg->block_size ?: SECTOR_SIZE;
	cfg->dio = arg->dio;
	cfg->nr_queues = arg->nr_queues ?:
		min_t(unsigned int, num_online_cpus(), VFSBLK_DEFAULT_QUEUES);
	cfg->queue_depth = arg->queue_depth ?: VFSBLK_DEFAULT_QUEUE_DEPTH;
	memcpy(cfg->name, arg->name, sizeof(cfg->name));
	return vfsblk_check_config(cfg);
}

static long vfsblk_ctl_add(void __user *uarg)
{
	struct vfsblk_add arg = {};
	struct vfsblk_config cfg = {};
	struct file *owner;
	struct file *file;
	int owner_fd;
	long usize;
	int ret;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_ADD_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)) ||
	    !vfsblk_is_zero(arg.reserved2, sizeof(arg.reserved2)))
		return -EINVAL;
	ret = vfsblk_add_config(&arg, &cfg);
	if (ret)
		return ret;
	if (arg.fd < 0)
		return -EBADF;

	file = fget(arg.fd);
	if (!file)
		return -EBADF;
	ret = vfsblk_add(file, &cfg, &arg.index, &owner, &owner_fd);
	fput(file);
	if (ret)
		return ret;

	arg.owner_fd = owner ? owner_fd : 0;
	ret = vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
	if (owner) {
		/*
		 * The descriptor is installed only once the caller can learn
		 * it; else closing the owner file removes the device.
		 */
		if (ret) {
			put_unused_fd(owner_fd);
			fput(owner);
			return ret;
		}
		fd_install(owner_fd, owner);
	}
	/*
	 * Any other device exists now whatever happened to the copy: a caller
	 * that passed an unwritable struct finds it with VFSBLK_CTL_LIST.
	 */
	return ret;
}

static long vfsblk_ctl_remove(void __user *uarg)
{
	struct vfsblk_remove arg = {};
	long usize;
	int ret;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_REMOVE_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.flags & ~VFSBLK_REMOVE_DEFERRED)
		return -EINVAL;

	ret = vfsblk_remove(arg.index, arg.flags & VFSBLK_REMOVE_DEFERRED,
			    &arg.result);
	if (ret)
		return ret;
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
}

/*
 * Fill @arg from the device at @arg->index and put its path at the start
 * of @buf (PATH_MAX bytes). Returns the path length with its NUL.
 */
static long vfsblk_fill_info(struct vfsblk_info *arg, char *buf)
{
	struct vfsblk_device *dev;
	struct inode *inode;
	char *path;
	long len;

	mutex_lock(&vfsblk_ctl_mutex);
	dev = vfsblk_lookup(arg->index);
	if (!dev) {
		mutex_unlock(&vfsblk_ctl_mutex);
		return -ENODEV;
	}
	inode = file_inode(dev->backing);
	mutex_lock(&dev->disk->open_mutex);
	arg->state = dev->state == VFSBLK_RUNDOWN ?
		VFSBLK_STATE_RUNDOWN : VFSBLK_STATE_BOUND;
	arg->open_count = disk_openers(dev->disk);
	arg->flags = dev->flags;
	mutex_unlock(&dev->disk->open_mutex);
	if (dev->file_ro)
		arg->flags |= VFSBLK_FLAG_FILE_READ_ONLY;
	if (!vfsblk_can_punch(dev))
		arg->flags |= VFSBLK_FLAG_NO_DISCARD;
	if (!vfsblk_write_cache(dev->disk->queue))
		arg->flags |= VFSBLK_FLAG_WRITE_THROUGH;
	arg->capacity = dev->capacity;
	arg->backing_size = vfsblk_file_size(dev->backing);
	arg->backing_inode = inode->i_ino;
	arg->backing_major = MAJOR(vfsblk_backing_devt(dev));
	arg->backing_minor = MINOR(vfsblk_backing_devt(dev));
	/* These change only under vfsblk_ctl_mutex, held here. */
	arg->block_size = dev->block_size;
	arg->offset = dev->offset;
	arg->size_limit = dev->size_limit;
	arg->dio_request = dev->dio_request;
	arg->dio = dev->dio ? VFSBLK_DIO_ON : VFSBLK_DIO_OFF;
	arg->dio_reason = dev->dio_reason;
	arg->nr_queues = dev->tag_set.nr_hw_queues;
	arg->queue_depth = dev->tag_set.queue_depth;
	arg->dio_align = dev->dio_align;
	memcpy(arg->name, dev->name, sizeof(arg->name));

	path = d_path(&dev->backing->f_path, buf, PATH_MAX);
	mutex_unlock(&vfsblk_ctl_mutex);

	if (IS_ERR(path)) {
		buf[0] = '\0';
		return 1;
	}
	len = strlen(path) + 1;
	memmove(buf, path, len);
	return len;
}

static long vfsblk_ctl_info(void __user *uarg)
{
	struct vfsblk_info arg = {};
	u32 room;
	long usize;
	long len;
	char *buf;
	int ret;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_INFO_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)) ||
	    !vfsblk_is_zero(arg.reserved2, sizeof(arg.reserved2)))
		return -EINVAL;
	room = arg.path ? arg.path_len : 0;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = vfsblk_fill_info(&arg, buf);
	if (len < 0) {
		ret = len;
		goto out_free;
	}
	arg.path_len = len;
	if (room) {
		size_t n = min_t(size_t, room, len);

		buf[n - 1] = '\0';
		if (copy_to_user(u64_to_user_ptr(arg.path), buf, n)) {
			ret = -EFAULT;
			goto out_free;
		}
	}
	ret = vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
out_free:
	kfree(buf);
	return ret;
}

static long vfsblk_ctl_list(void __user *uarg)
{
	struct vfsblk_list arg = {};
	u32 *indices = NULL;
	u32 count, room;
	long usize;
	int ret = 0;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_LIST_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	mutex_lock(&vfsblk_ctl_mutex);
	vfsblk_list(NULL, 0, &count);
	room = min(arg.count, count);
	if (room) {
		indices = kmalloc_array(room, sizeof(*indices), GFP_KERNEL);
		if (!indices) {
			mutex_unlock(&vfsblk_ctl_mutex);
			return -ENOMEM;
		}
		vfsblk_list(indices, room, &count);
	}
	mutex_unlock(&vfsblk_ctl_mutex);

	if (room && copy_to_user(u64_to_user_ptr(arg.indices), indices,
				 room * sizeof(*indices)))
		ret = -EFAULT;
	kfree(indices);
	if (ret)
		return ret;
	arg.count = count;
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
}

/* Fields of a SET request must be zero unless their change bit is set. */
static int vfsblk_set_check_fields(const struct vfsblk_set *arg)
{
	if (!arg->change || (arg->change & ~VFSBLK_SET_CHANGES))
		return -EINVAL;
	if (arg->flags & ~VFSBLK_FLAG_READ_ONLY)
		return -EINVAL;
	if ((arg->flags && !(arg->change & VFSBLK_SET_READ_ONLY)) ||
	    (arg->offset && !(arg->change & VFSBLK_SET_OFFSET)) ||
	    (arg->size_limit && !(arg->change & VFSBLK_SET_SIZE_LIMIT)) ||
	    (arg->block_size && !(arg->change & VFSBLK_SET_BLOCK_SIZE)) ||
	    (arg->dio && !(arg->change & VFSBLK_SET_DIO)))
		return -EINVAL;
	return 0;
}

static long vfsblk_ctl_set(void __user *uarg)
{
	struct vfsblk_set arg = {};
	long usize;
	int ret;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_SET_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (!vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = vfsblk_set_check_fields(&arg);
	if (ret)
		return ret;

	ret = vfsblk_set(arg.index, &arg, &arg.capacity);
	if (ret)
		return ret;
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
}

static long vfsblk_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The size bits are not part of the match: the size field is. */
	if (_IOC_TYPE(cmd) != VFSBLK_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	if (_IOC_NR(cmd) > _IOC_NR(VFSBLK_CTL_SET))
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(VFSBLK_CTL_GET_FEATURES):
		return vfsblk_ctl_features(uarg);
	case _IOC_NR(VFSBLK_CTL_ADD):
		return vfsblk_ctl_add(uarg);
	case _IOC_NR(VFSBLK_CTL_REMOVE):
		return vfsblk_ctl_remove(uarg);
	case _IOC_NR(VFSBLK_CTL_INFO):
		return vfsblk_ctl_info(uarg);
	case _IOC_NR(VFSBLK_CTL_LIST):
		return vfsblk_ctl_list(uarg);
	case _IOC_NR(VFSBLK_CTL_SET):
		return vfsblk_ctl_set(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations vfsblk_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= vfsblk_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vfsblk_ctl_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= VFSBLK_CONTROL_NAME,
	.fops		= &vfsblk_ctl_fops,
	.mode		= 0600,
};

/**
 * vfsblk_ctl_init() - create the control node.
 *
 * Return: 0 or a negative errno.
 */
int vfsblk_ctl_init(void)
{
	return misc_register(&vfsblk_ctl_misc);
}

/**
 * vfsblk_ctl_exit() - remove the control node.
 */
void vfsblk_ctl_exit(void)
{
	misc_deregister(&vfsblk_ctl_misc);
}
