// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: block devices backed by regular files.
 *
 * Module init and exit, and the life of a device: ADD binds an open file
 * and publishes a gendisk, REMOVE (or the last close after a deferred
 * removal) tears it down.
 *
 * Locking:
 * - vfsblk_ctl_mutex guards the index IDR. An index is reserved (NULL
 *   entry) while its device is being built and published (entry set) once
 *   add_disk() succeeded; teardown removes the entry after del_gendisk().
 *   A device found in the IDR under the mutex has a valid ->backing file.
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

#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vfsblk.h"

#define VFSBLK_QUEUE_DEPTH	128
#define VFSBLK_MAX_HW_QUEUES	16
#define VFSBLK_MAX_SECTORS	2048

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
 * Return: the largest index; one minor per device.
 */
u32 vfsblk_max_index(void)
{
	return MINORMASK;
}

/*
 * Final teardown of a device whose state is VFSBLK_DELETING: no new open
 * can start. del_gendisk() waits for the I/O in flight, so the file can be
 * released after it.
 */
static void vfsblk_teardown(struct vfsblk_device *dev)
{
	del_gendisk(dev->disk);
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

	return dev->state == VFSBLK_DELETING ? -ENXIO : 0;
}

/*
 * On the last close of a device marked AUTOCLEAR, remove it. del_gendisk()
 * takes open_mutex, which is held here: the removal runs on a workqueue.
 */
static void vfsblk_check_release(struct vfsblk_device *dev)
{
	lockdep_assert_held(&dev->disk->open_mutex);

	if (disk_openers(dev->disk) > 0 || dev->state == VFSBLK_DELETING)
		return;
	if (!(dev->flags & VFSBLK_FLAG_AUTOCLEAR))
		return;
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

/*
 * Allocate the gendisk and its queue with the device's limits: 512-byte
 * logical blocks, the backing filesystem's block as physical block and
 * discard granularity, a volatile write cache with FUA.
 */
static struct gendisk *vfsblk_alloc_disk(struct vfsblk_device *dev)
{
	struct inode *inode = file_inode(dev->backing);
	unsigned int fs_block = max_t(unsigned int, inode->i_sb->s_blocksize,
				      SECTOR_SIZE);
	bool rw = !(dev->flags & VFSBLK_FLAG_READ_ONLY);
	bool discard = rw && dev->backing->f_op->fallocate;
	unsigned int phys = min_t(unsigned int, fs_block, PAGE_SIZE);
#ifdef VFSBLK_QUEUE_FEATURES
	struct queue_limits lim = {
		.logical_block_size	= SECTOR_SIZE,
		.physical_block_size	= phys,
		.io_min			= phys,
		.max_hw_sectors		= VFSBLK_MAX_SECTORS,
		.max_hw_discard_sectors	= discard ? UINT_MAX >> SECTOR_SHIFT : 0,
		.max_write_zeroes_sectors = rw ? UINT_MAX >> SECTOR_SHIFT : 0,
		.discard_granularity	= fs_block,
		.features		= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA,
	};

	return blk_mq_alloc_disk(&dev->tag_set, &lim, dev);
#else
	struct gendisk *disk = blk_mq_alloc_disk(&dev->tag_set, dev);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, SECTOR_SIZE);
	blk_queue_physical_block_size(q, phys);
	blk_queue_io_min(q, phys);
	blk_queue_max_hw_sectors(q, VFSBLK_MAX_SECTORS);
	blk_queue_max_discard_sectors(q, discard ?
				      UINT_MAX >> SECTOR_SHIFT : 0);
	blk_queue_max_write_zeroes_sectors(q, rw ?
					   UINT_MAX >> SECTOR_SHIFT : 0);
	q->limits.discard_granularity = fs_block;
	blk_queue_write_cache(q, true, true);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	return disk;
#endif
}

/* Refuse what cannot back a device; see struct vfsblk_add for errnos. */
static int vfsblk_check_file(struct file *file, u64 flags)
{
	umode_t mode = file_inode(file)->i_mode;
	bool rw = !(flags & VFSBLK_FLAG_READ_ONLY);

	if (S_ISDIR(mode))
		return -EISDIR;
	if (S_ISFIFO(mode) || S_ISSOCK(mode))
		return -ESPIPE;
	if (!S_ISREG(mode))
		return -EINVAL;
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (rw && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file->f_op->read_iter || (rw && !file->f_op->write_iter))
		return -EINVAL;
	if (i_size_read(file_inode(file)) < SECTOR_SIZE)
		return -EINVAL;
	return 0;
}

static int vfsblk_alloc_index(u32 index)
{
	int ret;

	mutex_lock(&vfsblk_ctl_mutex);
	if (index == VFSBLK_INDEX_ANY) {
		ret = idr_alloc(&vfsblk_index_idr, NULL, 0,
				vfsblk_max_index() + 1, GFP_KERNEL);
	} else {
		ret = idr_alloc(&vfsblk_index_idr, NULL, index, index + 1,
				GFP_KERNEL);
		if (ret == -ENOSPC)
			ret = -EEXIST;
	}
	mutex_unlock(&vfsblk_ctl_mutex);
	return ret;
}

/**
 * vfsblk_add() - create a device backed by @file.
 * @file: the backing file; the device takes its own reference.
 * @flags: %VFSBLK_FLAG_* of %VFSBLK_ADD_FLAGS, already validated.
 * @index: in: the index wanted or %VFSBLK_INDEX_ANY; out: the index given.
 *
 * Context: process context, no locks held; the caller pins the module.
 * Return: 0 or a negative errno, see &struct vfsblk_add.
 */
int vfsblk_add(struct file *file, u64 flags, u32 *index)
{
	struct vfsblk_device *dev;
	struct gendisk *disk;
	int ret;

	if (*index != VFSBLK_INDEX_ANY && *index > vfsblk_max_index())
		return -EINVAL;
	ret = vfsblk_check_file(file, flags);
	if (ret)
		return ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->flags = flags;
	dev->state = VFSBLK_BOUND;
	dev->capacity = round_down(i_size_read(file_inode(file)),
				   SECTOR_SIZE);
	dev->backing = get_file(file);
	INIT_WORK(&dev->remove_work, vfsblk_remove_workfn);

	ret = vfsblk_alloc_index(*index);
	if (ret < 0)
		goto out_free_dev;
	dev->index = ret;

	dev->tag_set.ops = &vfsblk_mq_ops;
	dev->tag_set.nr_hw_queues = min_t(unsigned int, num_online_cpus(),
					  VFSBLK_MAX_HW_QUEUES);
	dev->tag_set.queue_depth = VFSBLK_QUEUE_DEPTH;
	dev->tag_set.numa_node = NUMA_NO_NODE;
	dev->tag_set.cmd_size = sizeof(struct vfsblk_cmd);
	dev->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	dev->tag_set.driver_data = dev;
	ret = blk_mq_alloc_tag_set(&dev->tag_set);
	if (ret)
		goto out_free_index;

	disk = vfsblk_alloc_disk(dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto out_free_tag_set;
	}
	dev->disk = disk;
	disk->major = vfsblk_major;
	disk->first_minor = dev->index;
	disk->minors = 1;
	disk->fops = &vfsblk_fops;
	disk->private_data = dev;
	disk->flags |= GENHD_FL_NO_PART;
	snprintf(disk->disk_name, DISK_NAME_LEN, "vfsblk%d", dev->index);
	set_capacity(disk, dev->capacity >> SECTOR_SHIFT);
	set_disk_ro(disk, flags & VFSBLK_FLAG_READ_ONLY);

	ret = device_add_disk(NULL, disk, vfsblk_disk_groups);
	if (ret)
		goto out_put_disk;

	/* Published: the control commands can see it from here on. */
	__module_get(THIS_MODULE);
	mutex_lock(&vfsblk_ctl_mutex);
	idr_replace(&vfsblk_index_idr, dev, dev->index);
	mutex_unlock(&vfsblk_ctl_mutex);

	*index = dev->index;
	return 0;

out_put_disk:
	/* Not added: put_disk() does not call ->free_disk. */
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(&dev->tag_set);
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
	dev = idr_find(&vfsblk_index_idr, index);
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
	if (!dev || READ_ONCE(dev->state) == VFSBLK_DELETING)
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
		if (READ_ONCE(dev->state) == VFSBLK_DELETING)
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

	vfsblk_major = register_blkdev(0, "vfsblk");
	if (vfsblk_major < 0)
		return vfsblk_major;

	vfsblk_ctl_wq = alloc_workqueue("vfsblk_ctl", WQ_UNBOUND, 0);
	if (!vfsblk_ctl_wq) {
		ret = -ENOMEM;
		goto out_unregister;
	}
	ret = vfsblk_io_init();
	if (ret)
		goto out_ctl_wq;
	ret = vfsblk_ctl_init();
	if (ret)
		goto out_io;
	pr_info("vfsblk: loaded, control node /dev/%s, ABI %d\n",
		VFSBLK_CONTROL_NAME, VFSBLK_ABI_VERSION);
	return 0;

out_io:
	vfsblk_io_exit();
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
	vfsblk_io_exit();
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
