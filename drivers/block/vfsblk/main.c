// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: block devices backed by regular files.
 *
 * Module init and exit, and the life of a device: ADD binds an open file
 * and publishes a gendisk, REMOVE (or the last close after a deferred
 * removal, or the close of its owner descriptor) tears it down.
 *
 * Locking:
 * - vfsblk_ctl_mutex guards the index IDR and the names in it. A device
 *   enters the IDR in state BUILDING (lookups skip it, but its index and
 *   name are taken) and becomes BOUND once add_disk() succeeded; teardown
 *   removes the entry after del_gendisk(). A device found in the IDR under
 *   the mutex has a valid ->backing file.
 * - The disk's open_mutex guards ->state and the AUTOCLEAR flag together
 *   with the open count, so a removal and an open cannot cross.
 * - Order: vfsblk_ctl_mutex, then open_mutex. Neither is held across
 *   add_disk() or del_gendisk().
 *
 * Unloading: every device holds a module reference from ADD until its
 * teardown, so rmmod fails with EBUSY while any device is bound (rather
 * than taking devices away from their users). The reference is dropped at
 * the end of the teardown, which runs either in a control ioctl (that pins
 * the module itself) or on vfsblk_ctl_wq, which module exit destroys.
 */

#include <linux/anon_inodes.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/kobject.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vfsblk.h"

unsigned int vfsblk_minors = 16;
module_param_named(minors, vfsblk_minors, uint, 0444);
MODULE_PARM_DESC(minors,
		 "Minor numbers per device, a power of two from 1 to 256: a device with partition scanning has up to minors - 1 partitions (default 16)");

/* Guards vfsblk_index_idr; see "Locking" above. */
DEFINE_MUTEX(vfsblk_ctl_mutex);
/* Index -> device; NULL while a device is being built. */
static DEFINE_IDR(vfsblk_index_idr);
static int vfsblk_major;
/* Runs deferred removals; destroyed (and so drained) at module exit. */
static struct workqueue_struct *vfsblk_ctl_wq;

/**
 * vfsblk_max_index() - largest index a device can have.
 *
 * Return: the largest index: the minor numbers divided by ``minors``.
 */
u32 vfsblk_max_index(void)
{
	return (MINORMASK + 1) / vfsblk_minors - 1;
}

/*
 * Final teardown of a device whose state is VFSBLK_DELETING: no new open
 * can start. del_gendisk() waits for the I/O in flight, so the file can be
 * released after it.
 */
static void vfsblk_teardown(struct vfsblk_device *dev)
{
	del_gendisk(dev->disk);
	flush_work(&dev->discard_work);
	/* No request is left; a worker may still be returning from one. */
	destroy_workqueue(dev->wq);
	blk_mq_free_tag_set(&dev->tag_set);

	mutex_lock(&vfsblk_ctl_mutex);
	idr_remove(&vfsblk_index_idr, dev->index);
	mutex_unlock(&vfsblk_ctl_mutex);

	fput(dev->backing);
	dev->backing = NULL;
	put_disk(dev->disk);	/* frees dev, now or at the last reference */
	module_put(THIS_MODULE);
}

static void vfsblk_remove_workfn(struct work_struct *work)
{
	struct vfsblk_device *dev =
		container_of(work, struct vfsblk_device, remove_work);

	vfsblk_teardown(dev);
}

static int vfsblk_check_open(struct vfsblk_device *dev)
{
	lockdep_assert_held(&dev->disk->open_mutex);

	if (dev->state == VFSBLK_DELETING)
		return -ENXIO;
	/* The partition scan of add_disk(); it may close after ADD ends. */
	if (dev->state == VFSBLK_BUILDING)
		dev->building_opens++;
	return 0;
}

/*
 * On the last close of a device marked AUTOCLEAR, remove it. del_gendisk()
 * takes open_mutex, which is held here: the removal runs on a workqueue.
 * The last close of any other device chooses its write cache mode again
 * if it wrote since the mode was chosen.
 */
static void vfsblk_check_release(struct vfsblk_device *dev)
{
	lockdep_assert_held(&dev->disk->open_mutex);

	/* The close of an open made while building is not a user's close. */
	if (dev->building_opens) {
		dev->building_opens--;
		return;
	}
	if (disk_openers(dev->disk) > 0 || dev->state == VFSBLK_DELETING ||
	    dev->state == VFSBLK_BUILDING)
		return;
	if (!(dev->flags & VFSBLK_FLAG_AUTOCLEAR)) {
		vfsblk_recheck_write_cache(dev);
		return;
	}
	dev->state = VFSBLK_DELETING;
	queue_work(vfsblk_ctl_wq, &dev->remove_work);
}

#ifdef VFSBLK_OPEN_TAKES_GENDISK
static int vfsblk_open(struct gendisk *disk, blk_mode_t mode)
{
	return vfsblk_check_open(disk->private_data);
}

static void vfsblk_release(struct gendisk *disk)
{
	vfsblk_check_release(disk->private_data);
}
#else
static int vfsblk_open(struct block_device *bdev, fmode_t mode)
{
	return vfsblk_check_open(bdev->bd_disk->private_data);
}

static void vfsblk_release(struct gendisk *disk, fmode_t mode)
{
	vfsblk_check_release(disk->private_data);
}
#endif

/* The last reference to the gendisk is gone: free the device. */
static void vfsblk_free_disk(struct gendisk *disk)
{
	kfree(disk->private_data);
}

static const struct block_device_operations vfsblk_fops = {
	.owner		= THIS_MODULE,
	.open		= vfsblk_open,
	.release	= vfsblk_release,
	.free_disk	= vfsblk_free_disk,
};

/**
 * vfsblk_is_vfsblk_disk() - is @disk a vfsblk device?
 * @disk: any gendisk.
 *
 * Return: true when @disk belongs to this driver; its private_data is then
 * a &struct vfsblk_device.
 */
bool vfsblk_is_vfsblk_disk(struct gendisk *disk)
{
	return disk->fops == &vfsblk_fops;
}

/*
 * The owner descriptor of a device added with VFSBLK_FLAG_OWNED. Its
 * private_data is the device once ADD succeeded (NULL before), and it
 * holds a reference to the gendisk, so the device stays readable here
 * even after a REMOVE tore it down.
 */
static int vfsblk_owner_release(struct inode *inode, struct file *file)
{
	struct vfsblk_device *dev = file->private_data;
	bool now = false;

	if (!dev)
		return 0;
	mutex_lock(&vfsblk_ctl_mutex);
	mutex_lock(&dev->disk->open_mutex);
	if (dev->state == VFSBLK_BOUND || dev->state == VFSBLK_RUNDOWN) {
		dev->flags &= ~VFSBLK_FLAG_OWNED;
		if (disk_openers(dev->disk) > 0) {
			dev->flags |= VFSBLK_FLAG_AUTOCLEAR;
			dev->state = VFSBLK_RUNDOWN;
		} else {
			dev->state = VFSBLK_DELETING;
			now = true;
		}
	}
	mutex_unlock(&dev->disk->open_mutex);
	mutex_unlock(&vfsblk_ctl_mutex);

	if (now)
		vfsblk_teardown(dev);
	put_device(disk_to_dev(dev->disk));
	return 0;
}

static const struct file_operations vfsblk_owner_fops = {
	.owner		= THIS_MODULE,
	.release	= vfsblk_owner_release,
	.llseek		= noop_llseek,
};

/*
 * Does @file hold stored data? Files of pseudo filesystems (proc, sysfs,
 * debugfs, configfs, ...) are regular files whose size and contents are
 * made up at each read. Those without a page cache have empty_aops; the
 * memory-only kernfs and configfs share ram_aops with ramfs, but only
 * ramfs reads its files through the page cache.
 */
static bool vfsblk_file_has_data(struct file *file)
{
	const struct address_space_operations *aops = file->f_mapping->a_ops;

	if (aops == &empty_aops)
		return false;
	if (aops == &ram_aops &&
	    file->f_op->read_iter != generic_file_read_iter)
		return false;
	return true;
}

/*
 * Refuse what cannot back a device; see struct vfsblk_add for errnos. A
 * file that cannot be written is accepted: the device is read-only.
 */
static int vfsblk_check_file(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (S_ISDIR(mode))
		return -EISDIR;
	if (S_ISFIFO(mode) || S_ISSOCK(mode))
		return -ESPIPE;
	if (!S_ISREG(mode) && !S_ISBLK(mode))
		return -EINVAL;
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!file->f_op->read_iter || !vfsblk_file_has_data(file))
		return -EINVAL;
	return 0;
}

/*
 * Stacking level of a device backed by @file: one more than the vfsblk
 * device the file lives on (or is). That device stays alive while @file
 * is held: its filesystem is mounted on it, or @file has it open.
 */
static unsigned int vfsblk_depth(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct block_device *bdev;
	struct vfsblk_device *lower;

	if (S_ISBLK(inode->i_mode))
		bdev = I_BDEV(file->f_mapping->host);
	else
		bdev = inode->i_sb->s_bdev;
	if (!bdev || !vfsblk_is_vfsblk_disk(bdev->bd_disk))
		return 1;
	lower = bdev->bd_disk->private_data;
	return lower->depth + 1;
}

/*
 * Enter @dev in the IDR in state BUILDING, at @index or the lowest free
 * index, once its name is known to be free.
 */
static int vfsblk_alloc_index(struct vfsblk_device *dev, u32 index)
{
	struct vfsblk_device *other;
	int id, ret;

	mutex_lock(&vfsblk_ctl_mutex);
	if (dev->name[0]) {
		idr_for_each_entry(&vfsblk_index_idr, other, id) {
			if (!strcmp(other->name, dev->name)) {
				ret = -EEXIST;
				goto out_unlock;
			}
		}
	}
	if (index == VFSBLK_INDEX_ANY) {
		ret = idr_alloc(&vfsblk_index_idr, dev, 0,
				vfsblk_max_index() + 1, GFP_KERNEL);
	} else {
		ret = idr_alloc(&vfsblk_index_idr, dev, index, index + 1,
				GFP_KERNEL);
		if (ret == -ENOSPC)
			ret = -EEXIST;
	}
out_unlock:
	mutex_unlock(&vfsblk_ctl_mutex);
	return ret;
}

/* Tell udev the name of a named device; the ADD uevent went already. */
static void vfsblk_name_uevent(struct vfsblk_device *dev)
{
	char env[sizeof("VFSBLK_NAME=") + VFSBLK_NAME_LEN];
	char *envp[2];

	if (!dev->name[0])
		return;
	snprintf(env, sizeof(env), "VFSBLK_NAME=%s", dev->name);
	envp[0] = env;
	envp[1] = NULL;
	kobject_uevent_env(&disk_to_dev(dev->disk)->kobj, KOBJ_CHANGE, envp);
}

/**
 * vfsblk_add() - create a device backed by @file.
 * @file: the backing file; the device takes its own reference.
 * @cfg: the configuration, range-checked by vfsblk_check_config().
 * @index: in: the index wanted or %VFSBLK_INDEX_ANY; out: the index given.
 * @owner: out: with %VFSBLK_FLAG_OWNED, the owner file, else NULL.
 * @owner_fd: out: with %VFSBLK_FLAG_OWNED, a descriptor reserved for
 *	@owner. The caller either fd_install()s it, or releases both with
 *	put_unused_fd() and fput(), which removes the device.
 *
 * Context: process context, no locks held; the caller pins the module.
 * Return: 0 or a negative errno, see &struct vfsblk_add.
 */
int vfsblk_add(struct file *file, const struct vfsblk_config *cfg,
	       u32 *index, struct file **owner, int *owner_fd)
{
	struct vfsblk_device *dev;
	struct gendisk *disk;
	int ret;

	*owner = NULL;
	*owner_fd = -1;
	if (*index != VFSBLK_INDEX_ANY && *index > vfsblk_max_index())
		return -EINVAL;
	if ((cfg->flags & VFSBLK_FLAG_PARTSCAN) && vfsblk_minors < 2)
		return -EINVAL;
	ret = vfsblk_check_file(file);
	if (ret)
		return ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->state = VFSBLK_BUILDING;
	dev->backing = get_file(file);
	spin_lock_init(&dev->batch_lock);
	INIT_LIST_HEAD(&dev->batch_list);
	INIT_LIST_HEAD(&dev->batch_done);
	INIT_WORK(&dev->batch_work, vfsblk_batch_workfn);
	INIT_WORK(&dev->remove_work, vfsblk_remove_workfn);
	INIT_WORK(&dev->discard_work, vfsblk_discard_workfn);
	dev->depth = vfsblk_depth(file);
	ret = -ELOOP;
	if (dev->depth > VFSBLK_MAX_DEPTH)
		goto out_free_dev;
	ret = vfsblk_config_init(dev, cfg);
	if (ret)
		goto out_free_dev;

	ret = vfsblk_alloc_index(dev, *index);
	if (ret < 0)
		goto out_free_dev;
	dev->index = ret;

	/* WQ_MEM_RECLAIM: writeback may wait for the device's requests. */
	dev->wq = alloc_workqueue("vfsblk%d", WQ_UNBOUND | WQ_MEM_RECLAIM, 0,
				  dev->index);
	if (!dev->wq) {
		ret = -ENOMEM;
		goto out_free_index;
	}

	dev->tag_set.ops = &vfsblk_mq_ops;
	dev->tag_set.nr_hw_queues = cfg->nr_queues;
	dev->tag_set.queue_depth = cfg->queue_depth;
	dev->tag_set.numa_node = NUMA_NO_NODE;
	dev->tag_set.cmd_size = sizeof(struct vfsblk_cmd);
	/*
	 * queue_rq() may call into the backing filesystem: it may sleep. No
	 * I/O scheduler by default, even with one hardware queue (where
	 * blk-mq would pick mq-deadline): the backing file's own block
	 * device schedules its I/O, and a scheduler here only adds a
	 * hand-off per request. The administrator may still set one.
	 */
	dev->tag_set.flags = BLK_MQ_F_SHOULD_MERGE | BLK_MQ_F_BLOCKING |
			     BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	dev->tag_set.driver_data = dev;
	ret = blk_mq_alloc_tag_set(&dev->tag_set);
	if (ret)
		goto out_destroy_wq;

	disk = vfsblk_alloc_disk(dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto out_free_tag_set;
	}
	dev->disk = disk;
	disk->major = vfsblk_major;
	disk->first_minor = dev->index * vfsblk_minors;
	disk->minors = vfsblk_minors;
	disk->fops = &vfsblk_fops;
	disk->private_data = dev;
	if (!(dev->flags & VFSBLK_FLAG_PARTSCAN))
		disk->flags |= GENHD_FL_NO_PART;
	snprintf(disk->disk_name, DISK_NAME_LEN, "vfsblk%d", dev->index);
	set_capacity(disk, dev->capacity >> SECTOR_SHIFT);
	set_disk_ro(disk, dev->flags & VFSBLK_FLAG_READ_ONLY);

	/* The owner file exists before the disk, so nothing can fail after. */
	if (dev->flags & VFSBLK_FLAG_OWNED) {
		ret = get_unused_fd_flags(O_CLOEXEC);
		if (ret < 0)
			goto out_put_disk;
		*owner_fd = ret;
		*owner = anon_inode_getfile("[vfsblk]", &vfsblk_owner_fops,
					    NULL, O_RDWR);
		if (IS_ERR(*owner)) {
			ret = PTR_ERR(*owner);
			*owner = NULL;
			goto out_put_fd;
		}
	}

	/* Partitions, if scanned, are scanned here. */
	ret = device_add_disk(NULL, disk, vfsblk_disk_groups);
	/*
	 * Every argument has been checked: the -EINVAL left is device_add()
	 * finding the disk without a name, because dev_set_name() could not
	 * allocate it. Tell the caller the truth.
	 */
	if (ret == -EINVAL)
		ret = -ENOMEM;
	if (ret)
		goto out_put_owner;

	/* Published: the control commands can see it from here on. */
	__module_get(THIS_MODULE);
	if (*owner) {
		get_device(disk_to_dev(disk));
		(*owner)->private_data = dev;
	}
	mutex_lock(&vfsblk_ctl_mutex);
	mutex_lock(&disk->open_mutex);
	dev->state = VFSBLK_BOUND;
	mutex_unlock(&disk->open_mutex);
	mutex_unlock(&vfsblk_ctl_mutex);
	vfsblk_name_uevent(dev);

	*index = dev->index;
	return 0;

out_put_owner:
	/* private_data is NULL: the release does nothing. */
	if (*owner)
		fput(*owner);
	*owner = NULL;
out_put_fd:
	if (*owner_fd >= 0)
		put_unused_fd(*owner_fd);
	*owner_fd = -1;
out_put_disk:
	/* Not added: put_disk() does not call ->free_disk. */
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(&dev->tag_set);
out_destroy_wq:
	destroy_workqueue(dev->wq);
out_free_index:
	mutex_lock(&vfsblk_ctl_mutex);
	idr_remove(&vfsblk_index_idr, dev->index);
	mutex_unlock(&vfsblk_ctl_mutex);
out_free_dev:
	fput(dev->backing);
	kfree(dev);
	return ret;
}

/**
 * vfsblk_remove() - remove a device now, or at its last close.
 * @index: index of the device.
 * @deferred: when the device is open, mark it for removal at last close
 *	instead of failing with -EBUSY.
 * @result: out: %VFSBLK_REMOVED or %VFSBLK_REMOVE_PENDING.
 *
 * Context: process context, no locks held; the caller pins the module.
 * Return: 0, -ENODEV or -EBUSY.
 */
int vfsblk_remove(u32 index, bool deferred, u32 *result)
{
	struct vfsblk_device *dev;
	struct gendisk *disk;
	int ret = 0;

	mutex_lock(&vfsblk_ctl_mutex);
	dev = vfsblk_lookup(index);
	if (!dev) {
		mutex_unlock(&vfsblk_ctl_mutex);
		return -ENODEV;
	}
	disk = dev->disk;
	mutex_lock(&disk->open_mutex);
	if (dev->state == VFSBLK_DELETING) {
		ret = -ENODEV;
	} else if (disk_openers(disk) > 0) {
		if (deferred) {
			dev->flags |= VFSBLK_FLAG_AUTOCLEAR;
			dev->state = VFSBLK_RUNDOWN;
			*result = VFSBLK_REMOVE_PENDING;
		} else {
			ret = -EBUSY;
		}
	} else {
		dev->state = VFSBLK_DELETING;
		*result = VFSBLK_REMOVED;
	}
	mutex_unlock(&disk->open_mutex);
	mutex_unlock(&vfsblk_ctl_mutex);

	if (!ret && *result == VFSBLK_REMOVED)
		vfsblk_teardown(dev);
	return ret;
}

/**
 * vfsblk_lookup() - find a device that is not being removed.
 * @index: index of the device.
 *
 * Context: vfsblk_ctl_mutex held; the device and its backing file stay
 * valid until it is released.
 * Return: the device, or NULL.
 */
struct vfsblk_device *vfsblk_lookup(u32 index)
{
	struct vfsblk_device *dev;

	lockdep_assert_held(&vfsblk_ctl_mutex);

	dev = idr_find(&vfsblk_index_idr, index);
	if (!dev || READ_ONCE(dev->state) == VFSBLK_DELETING ||
	    READ_ONCE(dev->state) == VFSBLK_BUILDING)
		return NULL;
	return dev;
}

/**
 * vfsblk_list() - collect the indices of the devices.
 * @indices: array to fill, in increasing order.
 * @room: entries @indices has room for.
 * @count: out: number of devices, which may exceed @room.
 *
 * Context: vfsblk_ctl_mutex held.
 * Return: 0.
 */
int vfsblk_list(u32 *indices, u32 room, u32 *count)
{
	struct vfsblk_device *dev;
	u32 n = 0;
	int id;

	lockdep_assert_held(&vfsblk_ctl_mutex);

	idr_for_each_entry(&vfsblk_index_idr, dev, id) {
		if (READ_ONCE(dev->state) == VFSBLK_DELETING ||
		    READ_ONCE(dev->state) == VFSBLK_BUILDING)
			continue;
		if (n < room)
			indices[n] = id;
		n++;
	}
	*count = n;
	return 0;
}

static int __init vfsblk_init(void)
{
	int ret;

	if (!is_power_of_2(vfsblk_minors) || vfsblk_minors > 256) {
		pr_err("vfsblk: minors=%u is not a power of two from 1 to 256\n",
		       vfsblk_minors);
		return -EINVAL;
	}
	vfsblk_io_init();
	vfsblk_major = register_blkdev(0, "vfsblk");
	if (vfsblk_major < 0)
		return vfsblk_major;

	vfsblk_ctl_wq = alloc_workqueue("vfsblk_ctl", WQ_UNBOUND, 0);
	if (!vfsblk_ctl_wq) {
		ret = -ENOMEM;
		goto out_unregister;
	}
	ret = vfsblk_ctl_init();
	if (ret)
		goto out_ctl_wq;
	pr_info("vfsblk: loaded, control node /dev/%s, ABI %d\n",
		VFSBLK_CONTROL_NAME, VFSBLK_ABI_VERSION);
	return 0;

out_ctl_wq:
	destroy_workqueue(vfsblk_ctl_wq);
out_unregister:
	unregister_blkdev(vfsblk_major, "vfsblk");
	return ret;
}

/*
 * Every device pins the module: none is left when this runs, unless an
 * administrator forced the unload (rmmod -f), which is not supported.
 */
static void __exit vfsblk_exit(void)
{
	vfsblk_ctl_exit();
	/* Waits for the tail of the last deferred removal. */
	destroy_workqueue(vfsblk_ctl_wq);
	if (!idr_is_empty(&vfsblk_index_idr))
		pr_err("vfsblk: forced unload with devices bound; they are left unusable\n");
	idr_destroy(&vfsblk_index_idr);
	unregister_blkdev(vfsblk_major, "vfsblk");
}

module_init(vfsblk_init);
module_exit(vfsblk_exit);

MODULE_DESCRIPTION("Block devices backed by regular files");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
