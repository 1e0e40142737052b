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
	if (arg.reserved0 || !vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;

	arg.abi_version = VFSBLK_ABI_VERSION;
	arg.add_flags = VFSBLK_ADD_FLAGS;
	arg.max_index = vfsblk_max_index();
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
}

static long vfsblk_ctl_add(void __user *uarg)
{
	struct vfsblk_add arg = {};
	struct file *file;
	long usize;
	int ret;

	usize = vfsblk_copy_in(&arg, sizeof(arg), VFSBLK_ADD_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (arg.reserved0 || !vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.flags & ~VFSBLK_ADD_FLAGS)
		return -EINVAL;
	if (arg.fd < 0)
		return -EBADF;

	file = fget(arg.fd);
	if (!file)
		return -EBADF;
	ret = vfsblk_add(file, arg.flags, &arg.index);
	fput(file);
	if (ret)
		return ret;

	/*
	 * The device exists now whatever happens to the copy: a caller that
	 * passed an unwritable struct finds it with VFSBLK_CTL_LIST.
	 */
	return vfsblk_copy_out(uarg, &arg, sizeof(arg), usize);
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
	arg->state = READ_ONCE(dev->state) == VFSBLK_RUNDOWN ?
		VFSBLK_STATE_RUNDOWN : VFSBLK_STATE_BOUND;
	arg->open_count = disk_openers(dev->disk);
	arg->flags = READ_ONCE(dev->flags);
	arg->capacity = dev->capacity;
	arg->backing_size = i_size_read(inode);
	arg->backing_inode = inode->i_ino;
	arg->backing_major = MAJOR(inode->i_sb->s_dev);
	arg->backing_minor = MINOR(inode->i_sb->s_dev);

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
	if (arg.reserved0 || !vfsblk_is_zero(arg.reserved, sizeof(arg.reserved)))
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

static long vfsblk_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The size bits are not part of the match: the size field is. */
	if (_IOC_TYPE(cmd) != VFSBLK_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	if (_IOC_NR(cmd) > _IOC_NR(VFSBLK_CTL_LIST))
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
