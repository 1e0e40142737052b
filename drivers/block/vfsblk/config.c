// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: the configuration of a device: its window of the backing file,
 * block size, direct I/O mode and queue limits, set at ADD and changed by
 * SET.
 *
 * Locking: SET takes vfsblk_ctl_mutex (the device stays in the IDR), then
 * the disk's open_mutex (no open or close crosses the change), then
 * freezes the queue around the fields the I/O path reads. The limits of
 * a 6.11+ queue are updated under its limits lock, taken inside the
 * freeze; the discard work takes that lock alone.
 */

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/file.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/magic.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "vfsblk.h"

#define VFSBLK_MAX_SECTORS	2048

/**
 * vfsblk_check_config() - range checks shared by ADD and SET.
 * @cfg: the configuration; the name is checked by the caller.
 *
 * Return: 0, or -EINVAL for a value out of range.
 */
int vfsblk_check_config(const struct vfsblk_config *cfg)
{
	u64 end;

	if (cfg->block_size < SECTOR_SIZE || cfg->block_size > PAGE_SIZE ||
	    cfg->block_size > 4096 || !is_power_of_2(cfg->block_size))
		return -EINVAL;
	if (!IS_ALIGNED(cfg->offset, SECTOR_SIZE) ||
	    !IS_ALIGNED(cfg->size_limit, SECTOR_SIZE))
		return -EINVAL;
	if (check_add_overflow(cfg->offset, cfg->size_limit, &end) ||
	    end > LLONG_MAX)
		return -EINVAL;
	if (cfg->dio > VFSBLK_DIO_STRICT)
		return -EINVAL;
	return 0;
}

/**
 * vfsblk_file_writable() - can the device write @file?
 * @file: a backing file.
 *
 * Return: true when @file is open for writing on a writable mount or
 * block device.
 */
bool vfsblk_file_writable(struct file *file)
{
	struct inode *host = file->f_mapping->host;

	if (!(file->f_mode & FMODE_WRITE) || !file->f_op->write_iter)
		return false;
	if (IS_RDONLY(file_inode(file)))
		return false;
	if (S_ISBLK(file_inode(file)->i_mode) && bdev_read_only(I_BDEV(host)))
		return false;
	return true;
}

/**
 * vfsblk_file_size() - size of a backing file or block device, now.
 * @file: a backing file.
 *
 * Return: the size in bytes.
 */
loff_t vfsblk_file_size(struct file *file)
{
	return i_size_read(file->f_mapping->host);
}

/**
 * vfsblk_can_punch() - can the backing file still punch holes?
 * @dev: a device.
 *
 * Return: false when its filesystem has no fallocate, or refused to punch
 * once; the device then does not advertise discard.
 */
bool vfsblk_can_punch(struct vfsblk_device *dev)
{
	return dev->backing->f_op->fallocate && !READ_ONCE(dev->no_punch);
}

/**
 * vfsblk_backing_devt() - the device that holds a device's data.
 * @dev: a bound device.
 *
 * Return: the backing block device, or the device of the backing file's
 * filesystem (0 for filesystems without one).
 */
dev_t vfsblk_backing_devt(struct vfsblk_device *dev)
{
	struct file *file = dev->backing;

	if (S_ISBLK(file_inode(file)->i_mode))
		return file->f_mapping->host->i_rdev;
	return file_inode(file)->i_sb->s_dev;
}

/**
 * vfsblk_file_dio_align() - direct I/O alignment of a backing file.
 * @file: a backing file.
 *
 * The alignment the file's filesystem reports (STATX_DIOALIGN), else the
 * logical block size of the device under it.
 *
 * Return: the alignment in bytes, or 0 when @file has no direct I/O.
 */
unsigned int vfsblk_file_dio_align(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct kstat st = {};

	if (!(file->f_mode & FMODE_CAN_ODIRECT))
		return 0;
	if (S_ISBLK(inode->i_mode))
		return bdev_logical_block_size(I_BDEV(file->f_mapping->host));
	if (!vfs_getattr(&file->f_path, &st, STATX_DIOALIGN,
			 AT_STATX_SYNC_AS_STAT) &&
	    (st.result_mask & STATX_DIOALIGN)) {
		if (!st.dio_offset_align)
			return 0;
		return max(st.dio_offset_align, st.dio_mem_align);
	}
	if (inode->i_sb->s_bdev)
		return bdev_logical_block_size(inode->i_sb->s_bdev);
	return SECTOR_SIZE;
}

/**
 * vfsblk_window() - capacity of a window of a file.
 * @file_size: size of the backing file.
 * @offset: start of the window.
 * @size_limit: largest size, 0 for none.
 * @block_size: logical block size; the capacity is rounded down to it.
 * @capacity: out: the capacity in bytes.
 *
 * Return: 0, or -EINVAL when the window holds no whole block.
 */
int vfsblk_window(loff_t file_size, u64 offset, u64 size_limit,
		  unsigned int block_size, loff_t *capacity)
{
	u64 size;

	if (file_size < 0 || offset >= (u64)file_size)
		return -EINVAL;
	size = file_size - offset;
	if (size_limit && size_limit < size)
		size = size_limit;
	size = round_down(size, block_size);
	if (!size)
		return -EINVAL;
	*capacity = size;
	return 0;
}

/**
 * vfsblk_dio_mode() - decide the direct I/O mode in effect.
 * @request: %VFSBLK_DIO_* asked for.
 * @align: direct I/O alignment of the backing file, 0 for none.
 * @block_size: logical block size of the device.
 * @offset: offset of the device in the file.
 * @dio: out: direct I/O is in effect.
 * @reason: out: %VFSBLK_DIO_REASON_* when the mode differs from @request.
 *
 * Return: 0; for %VFSBLK_DIO_STRICT, -EOPNOTSUPP when the file has no
 * direct I/O and -EINVAL when @block_size or @offset do not fit @align.
 */
int vfsblk_dio_mode(u32 request, unsigned int align, unsigned int block_size,
		    u64 offset, bool *dio, u32 *reason)
{
	*dio = false;
	*reason = VFSBLK_DIO_REASON_NONE;
	if (request == VFSBLK_DIO_OFF)
		return 0;
	if (!align)
		*reason = VFSBLK_DIO_REASON_UNSUPPORTED;
	else if (block_size % align || offset % align)
		*reason = VFSBLK_DIO_REASON_ALIGNMENT;
	else
		*dio = true;
	if (request != VFSBLK_DIO_STRICT || *dio)
		return 0;
	return *reason == VFSBLK_DIO_REASON_UNSUPPORTED ? -EOPNOTSUPP : -EINVAL;
}

/* Is @file a regular file on btrfs? */
static bool vfsblk_file_on_btrfs(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISREG(inode->i_mode) &&
	       inode->i_sb->s_magic == BTRFS_SUPER_MAGIC;
}

/**
 * vfsblk_config_init() - fill a new device from its file and @cfg.
 * @dev: the device; ->backing is set.
 * @cfg: the checked configuration.
 *
 * Return: 0, or -EINVAL / -EOPNOTSUPP (see &struct vfsblk_add).
 */
int vfsblk_config_init(struct vfsblk_device *dev,
		       const struct vfsblk_config *cfg)
{
	int ret;

	dev->flags = cfg->flags;
	dev->file_ro = !vfsblk_file_writable(dev->backing);
	if (dev->file_ro)
		dev->flags |= VFSBLK_FLAG_READ_ONLY;
	dev->offset = cfg->offset;
	dev->size_limit = cfg->size_limit;
	dev->block_size = cfg->block_size;
	dev->dio_request = cfg->dio;
	dev->dio_align = vfsblk_file_dio_align(dev->backing);
	dev->dio_read_locks = vfsblk_file_on_btrfs(dev->backing);
	strscpy(dev->name, cfg->name, sizeof(dev->name));

	ret = vfsblk_window(vfsblk_file_size(dev->backing), dev->offset,
			    dev->size_limit, dev->block_size, &dev->capacity);
	if (ret)
		return ret;
	return vfsblk_dio_mode(dev->dio_request, dev->dio_align,
			       dev->block_size, dev->offset, &dev->dio,
			       &dev->dio_reason);
}

/*
 * The limits that follow from the block size and the backing file: the
 * physical block and minimum I/O are the backing filesystem's block (or
 * the backing device's physical block), at least a logical block; user
 * buffers must be aligned to a logical block, which is what direct I/O on
 * the backing file needs once the block size fits its alignment.
 */
struct vfsblk_geometry {
	unsigned int logical;
	unsigned int physical;
	unsigned int dma_alignment;
	unsigned int discard_granularity;
};

static void vfsblk_geometry(struct vfsblk_device *dev,
			    struct vfsblk_geometry *geo)
{
	struct file *file = dev->backing;
	struct inode *inode = file_inode(file);
	unsigned int hint;

	if (S_ISBLK(inode->i_mode))
		hint = bdev_physical_block_size(I_BDEV(file->f_mapping->host));
	else
		hint = inode->i_sb->s_blocksize;
	hint = clamp_t(unsigned int, hint, SECTOR_SIZE, PAGE_SIZE);

	geo->logical = dev->block_size;
	geo->physical = max(hint, dev->block_size);
	geo->dma_alignment = dev->block_size - 1;
	geo->discard_granularity = geo->physical;
}

/*
 * The block device under the backing file: the file itself when it is a
 * block device, else the device of its filesystem; NULL for a filesystem
 * without one of its own (tmpfs, NFS, btrfs).
 */
static struct block_device *vfsblk_backing_bdev(struct vfsblk_device *dev)
{
	struct inode *inode = dev->backing->f_mapping->host;

	if (S_ISBLK(inode->i_mode))
		return I_BDEV(inode);
	return inode->i_sb->s_bdev;
}

/*
 * Does the window [@start, @end) of @dev's backing file hold a hole, or
 * blocks allocated but never written? SEEK_HOLE reports both: iomap
 * filesystems count an unwritten extent without cached pages as a hole.
 * A synchronous write there waits for the filesystem to commit the
 * allocation, or the conversion of the extent, to its journal. The seek
 * runs on a file of its own, as it moves the file position, which the
 * backing file shares with whoever opened it. A file that cannot be
 * opened again counts as having none.
 */
static bool vfsblk_window_has_hole(struct vfsblk_device *dev, loff_t start,
				   loff_t end)
{
	struct file *f;
	loff_t hole;

	if (start >= end || !S_ISREG(file_inode(dev->backing)->i_mode))
		return false;
	f = dentry_open(&dev->backing->f_path, O_RDONLY | O_LARGEFILE,
			dev->backing->f_cred);
	if (IS_ERR(f))
		return false;
	hole = vfs_llseek(f, start, SEEK_HOLE);
	fput(f);
	return hole >= 0 && hole < end;
}

/*
 * The write cache mode that follows from the device's state (@dio,
 * @read_only and its window of @capacity bytes at @offset), given at ADD,
 * again when SET changes direct I/O or the read-only state, and at the
 * last close after writes (vfsblk_recheck_write_cache()). Write
 * through (no volatile write cache announced) when the device is
 * writable, does direct I/O, the block device under its file has no
 * volatile write cache of its own, and the window has no hole: every
 * WRITE is then a synchronous write of its range (IOCB_DSYNC, see
 * vfsblk_rw_prep()), which costs little there, and no FLUSH, each of
 * which the block layer would hand to kblockd, reaches the device. Write
 * back otherwise, where a synchronous write would flush the backing
 * device's cache, write back the file's pages, or commit the allocation
 * of its blocks every time.
 */
static bool vfsblk_want_write_through(struct vfsblk_device *dev, bool dio,
				      bool read_only, loff_t offset,
				      loff_t capacity)
{
	struct block_device *bdev;

	if (!dio || read_only)
		return false;
	bdev = vfsblk_backing_bdev(dev);
	if (!bdev || bdev_write_cache(bdev))
		return false;
	return !vfsblk_window_has_hole(dev, offset, offset + capacity);
}

/*
 * Does the backing file itself need the pages written to it to stay
 * unchanged until the write completes? Its filesystem says so on its
 * mapping: one on a device that needs stable pages, NFS, and btrfs on
 * 6.12 for a file whose data blocks carry checksums. btrfs on 6.1
 * computes the checksums of a direct write from its very pages without
 * saying so: a file there needs them unless it has no copy-on-write
 * (chattr +C), which leaves its data without checksums. A file whose
 * attributes cannot be read counts as needing them.
 */
static bool vfsblk_file_stable_writes(struct file *file)
{
	struct fileattr fa = { };

	if (mapping_stable_writes(file->f_mapping))
		return true;
	if (!vfsblk_file_on_btrfs(file))
		return false;
	if (vfs_fileattr_get(file->f_path.dentry, &fa))
		return true;
	return !(fa.flags & FS_NOCOW_FL);
}

/*
 * Must the pages of a write stay unchanged until the write completes?
 * The block device under the backing file may need them to (zram
 * compresses them, a RAID computes parity and a device with integrity
 * metadata checksums from them), or the backing file's filesystem may
 * (vfsblk_file_stable_writes()). A device with direct I/O hands its
 * requests' pages down to them, so its own queue must ask for stable
 * pages too. Chosen at ADD whatever the mode, as SET may turn direct I/O
 * on under a filesystem that read the flag when it was mounted.
 */
static bool vfsblk_want_stable_writes(struct vfsblk_device *dev)
{
	struct block_device *bdev = vfsblk_backing_bdev(dev);

	return (bdev && bdev_stable_writes(bdev)) ||
	       vfsblk_file_stable_writes(dev->backing);
}

/*
 * Announce a volatile write cache, or none, on the frozen queue of @dev.
 * Before the device turns write through, the backing file is synced: the
 * filesystem on the device sends no FLUSH from then on for what it wrote
 * before. The sync runs with I/O-free allocations, as the queue is frozen.
 */
static int vfsblk_set_write_cache(struct vfsblk_device *dev, bool wc)
{
	struct request_queue *q = dev->disk->queue;
	unsigned int noio;
#ifdef VFSBLK_QUEUE_FEATURES
	struct queue_limits lim;
#endif
	int ret;

	if (!wc) {
		noio = memalloc_noio_save();
		ret = vfs_fsync(dev->backing, 1);
		memalloc_noio_restore(noio);
		if (ret)
			return ret;
	}
#ifdef VFSBLK_QUEUE_FEATURES
	lim = queue_limits_start_update(q);
	if (wc)
		lim.flags &= ~BLK_FLAG_WRITE_CACHE_DISABLED;
	else
		lim.flags |= BLK_FLAG_WRITE_CACHE_DISABLED;
	return queue_limits_commit_update(q, &lim);
#else
	if (wc)
		blk_queue_flag_set(QUEUE_FLAG_WC, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_WC, q);
	return 0;
#endif
}

/**
 * vfsblk_recheck_write_cache() - choose the write cache mode again.
 * @dev: the device, whose last opener is closing it.
 *
 * A WRITE may fill the last hole of the window, a DISCARD or WRITE_ZEROES
 * make one: when one of them ran since the mode was chosen, or a SET left
 * the mode to this close, vfsblk_want_write_through() chooses it again. A
 * write-through device turns write back only here, with no opener: the
 * block layer strips the FUA and PREFLUSH of a bio submitted to a queue
 * without a volatile write cache before the bio waits for a frozen queue,
 * and its submitter takes it to be stable when it ends, which a
 * write-back device would not make it. A mode set by hand in sysfs, one
 * other than &vfsblk_device.wc_auto, is left as it is.
 *
 * Context: process context, from ->release, under open_mutex.
 */
void vfsblk_recheck_write_cache(struct vfsblk_device *dev)
{
	struct request_queue *q = dev->disk->queue;
	bool wc = vfsblk_write_cache(q);
	bool wt;
	int ret;

	lockdep_assert_held(&dev->disk->open_mutex);

	if (!READ_ONCE(dev->wc_recheck) || disk_openers(dev->disk))
		return;
	WRITE_ONCE(dev->wc_recheck, false);
	if (wc != dev->wc_auto)
		return;
	wt = vfsblk_want_write_through(dev, dev->dio,
				       dev->flags & VFSBLK_FLAG_READ_ONLY,
				       dev->offset, dev->capacity);
	if (wt != wc)
		return;
	blk_mq_freeze_queue(q);
	ret = vfsblk_set_write_cache(dev, !wt);
	blk_mq_unfreeze_queue(q);
	if (ret) {
		pr_warn("%s: cannot sync the backing file (%d): the device stays write back\n",
			dev->disk->disk_name, ret);
		return;
	}
	dev->wc_auto = !wt;
}

/**
 * vfsblk_alloc_disk() - allocate the gendisk and queue of a new device.
 * @dev: the device, configured by vfsblk_config_init(), with its tag set.
 *
 * The queue gets the device's geometry, a write cache with FUA, volatile
 * (write back) or not (write through) as vfsblk_want_write_through()
 * says, and discard when the device is writable and its file can
 * fallocate. Either mode can be changed through the queue's write_cache
 * attribute in sysfs, which the I/O path follows and the choices of the
 * mode that follow ADD leave alone. It asks for stable pages when the
 * device under the backing file does (vfsblk_want_stable_writes()).
 *
 * Return: the gendisk or an ERR_PTR().
 */
struct gendisk *vfsblk_alloc_disk(struct vfsblk_device *dev)
{
	bool rw = !(dev->flags & VFSBLK_FLAG_READ_ONLY);
	bool discard = rw && vfsblk_can_punch(dev);
	bool wt = vfsblk_want_write_through(dev, dev->dio, !rw, dev->offset,
					    dev->capacity);
	struct vfsblk_geometry geo;
#ifdef VFSBLK_QUEUE_FEATURES
	struct queue_limits lim = {
		.max_hw_sectors		= VFSBLK_MAX_SECTORS,
		.max_write_zeroes_sectors = UINT_MAX >> SECTOR_SHIFT,
		.features		= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA,
	};

	dev->wc_auto = !wt;
	vfsblk_geometry(dev, &geo);
	lim.logical_block_size = geo.logical;
	lim.physical_block_size = geo.physical;
	lim.io_min = geo.physical;
	lim.dma_alignment = geo.dma_alignment;
	if (discard) {
		lim.max_hw_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
		lim.discard_granularity = geo.discard_granularity;
	}
	if (wt)
		lim.flags |= BLK_FLAG_WRITE_CACHE_DISABLED;
	if (vfsblk_want_stable_writes(dev))
		lim.features |= BLK_FEAT_STABLE_WRITES;
	return blk_mq_alloc_disk(&dev->tag_set, &lim, dev);
#else
	struct gendisk *disk = blk_mq_alloc_disk(&dev->tag_set, dev);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	dev->wc_auto = !wt;
	vfsblk_geometry(dev, &geo);
	blk_queue_logical_block_size(q, geo.logical);
	blk_queue_physical_block_size(q, geo.physical);
	blk_queue_io_min(q, geo.physical);
	blk_queue_dma_alignment(q, geo.dma_alignment);
	blk_queue_max_hw_sectors(q, VFSBLK_MAX_SECTORS);
	blk_queue_max_write_zeroes_sectors(q, UINT_MAX >> SECTOR_SHIFT);
	if (discard) {
		blk_queue_max_discard_sectors(q, UINT_MAX >> SECTOR_SHIFT);
		q->limits.discard_granularity = geo.discard_granularity;
	}
	blk_queue_write_cache(q, true, true);
	/* The cache stays one sysfs can turn on: QUEUE_FLAG_HW_WC is kept. */
	if (wt)
		blk_queue_flag_clear(QUEUE_FLAG_WC, q);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	if (vfsblk_want_stable_writes(dev))
		blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, q);
	return disk;
#endif
}

/* Apply a new block size to a frozen queue. */
static int vfsblk_update_geometry(struct vfsblk_device *dev)
{
	struct request_queue *q = dev->disk->queue;
	struct vfsblk_geometry geo;
#ifdef VFSBLK_QUEUE_FEATURES
	struct queue_limits lim;

	vfsblk_geometry(dev, &geo);
	lim = queue_limits_start_update(q);
	lim.logical_block_size = geo.logical;
	lim.physical_block_size = geo.physical;
	lim.io_min = geo.physical;
	lim.dma_alignment = geo.dma_alignment;
	if (lim.max_hw_discard_sectors)
		lim.discard_granularity = geo.discard_granularity;
	return queue_limits_commit_update(q, &lim);
#else
	vfsblk_geometry(dev, &geo);
	blk_queue_logical_block_size(q, geo.logical);
	blk_queue_physical_block_size(q, geo.physical);
	blk_queue_io_min(q, geo.physical);
	blk_queue_dma_alignment(q, geo.dma_alignment);
	if (q->limits.max_discard_sectors)
		q->limits.discard_granularity = geo.discard_granularity;
	return 0;
#endif
}

/**
 * vfsblk_discard_workfn() - stop advertising discard.
 * @work: &vfsblk_device.discard_work.
 *
 * Queued once, from the I/O path, when the backing file first refused to
 * punch a hole. Flushed by the teardown before the device is freed.
 */
void vfsblk_discard_workfn(struct work_struct *work)
{
	struct vfsblk_device *dev =
		container_of(work, struct vfsblk_device, discard_work);
	struct request_queue *q = dev->disk->queue;
#ifdef VFSBLK_QUEUE_FEATURES
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_discard_sectors = 0;
	lim.discard_granularity = 0;
	if (queue_limits_commit_update(q, &lim))
		return;
#else
	blk_queue_max_discard_sectors(q, 0);
#endif
	pr_info("%s: the backing file cannot punch holes: discard is off\n",
		dev->disk->disk_name);
}

/* The new state SET computes before it applies anything. */
struct vfsblk_set_plan {
	u64 offset;
	u64 size_limit;
	unsigned int block_size;
	bool read_only;
	u32 dio_request;
	bool dio;
	u32 dio_reason;
	loff_t capacity;
};

/*
 * Check @req against @dev and fill @plan. Changes of the window's start,
 * the block size and the read-only state need an unused device, and so
 * does shrinking; changes to the value already in effect are no change.
 */
static int vfsblk_set_check(struct vfsblk_device *dev,
			    const struct vfsblk_set *req,
			    struct vfsblk_set_plan *plan)
{
	struct vfsblk_config cfg = {};
	bool busy;
	int ret;

	lockdep_assert_held(&dev->disk->open_mutex);

	busy = disk_openers(dev->disk) > 0;
	plan->offset = dev->offset;
	plan->size_limit = dev->size_limit;
	plan->block_size = dev->block_size;
	plan->read_only = dev->flags & VFSBLK_FLAG_READ_ONLY;
	plan->dio_request = dev->dio_request;
	if (req->change & VFSBLK_SET_OFFSET)
		plan->offset = req->offset;
	if (req->change & VFSBLK_SET_SIZE_LIMIT)
		plan->size_limit = req->size_limit;
	if (req->change & VFSBLK_SET_BLOCK_SIZE)
		plan->block_size = req->block_size;
	if (req->change & VFSBLK_SET_READ_ONLY)
		plan->read_only = req->flags & VFSBLK_FLAG_READ_ONLY;
	if (req->change & VFSBLK_SET_DIO)
		plan->dio_request = req->dio;

	cfg.offset = plan->offset;
	cfg.size_limit = plan->size_limit;
	cfg.block_size = plan->block_size;
	cfg.dio = plan->dio_request;
	ret = vfsblk_check_config(&cfg);
	if (ret)
		return ret;
	if (!plan->read_only && dev->file_ro)
		return -EBADF;
	if (busy && (plan->offset != dev->offset ||
		     plan->block_size != dev->block_size ||
		     plan->read_only != !!(dev->flags & VFSBLK_FLAG_READ_ONLY)))
		return -EBUSY;
	ret = vfsblk_window(vfsblk_file_size(dev->backing), plan->offset,
			    plan->size_limit, plan->block_size,
			    &plan->capacity);
	if (ret)
		return ret;
	if (busy && plan->capacity < dev->capacity)
		return -EBUSY;
	return vfsblk_dio_mode(plan->dio_request, dev->dio_align,
			       plan->block_size, plan->offset, &plan->dio,
			       &plan->dio_reason);
}

/* Apply a checked plan: the fields the I/O path reads change frozen. */
static int vfsblk_set_apply(struct vfsblk_device *dev,
			    const struct vfsblk_set_plan *plan)
{
	struct gendisk *disk = dev->disk;
	bool geometry = plan->block_size != dev->block_size;
	bool ro_change = plan->read_only !=
		!!(dev->flags & VFSBLK_FLAG_READ_ONLY);
	bool moved = geometry || ro_change || plan->offset != dev->offset;
	bool mode = ro_change || plan->dio != dev->dio;
	bool wt = false, flip = false;
	int ret = 0;

	lockdep_assert_held(&vfsblk_ctl_mutex);
	lockdep_assert_held(&disk->open_mutex);

	/*
	 * A new mode takes its write cache mode afresh, chosen before the
	 * freeze: the seek for holes allocates, and may wait for I/O. A
	 * device in use stays write through until its last close, which
	 * may turn it write back (vfsblk_recheck_write_cache()).
	 */
	if (mode) {
		wt = vfsblk_want_write_through(dev, plan->dio, plan->read_only,
					       plan->offset, plan->capacity);
		flip = wt == vfsblk_write_cache(disk->queue);
		if (flip && !wt && disk_openers(disk)) {
			flip = false;
			wt = true;
			WRITE_ONCE(dev->wc_recheck, true);
		}
	}
	if (moved || plan->dio != dev->dio ||
	    plan->dio_request != dev->dio_request ||
	    plan->size_limit != dev->size_limit) {
		blk_mq_freeze_queue(disk->queue);
		dev->offset = plan->offset;
		dev->size_limit = plan->size_limit;
		dev->dio_request = plan->dio_request;
		dev->dio = plan->dio;
		dev->dio_reason = plan->dio_reason;
		if (ro_change)
			dev->flags ^= VFSBLK_FLAG_READ_ONLY;
		if (geometry) {
			dev->block_size = plan->block_size;
			ret = vfsblk_update_geometry(dev);
		}
		if (!ret && flip)
			ret = vfsblk_set_write_cache(dev, !wt);
		if (!ret && mode)
			dev->wc_auto = !wt;
		blk_mq_unfreeze_queue(disk->queue);
		if (ret)
			return ret;
	}
	if (ro_change)
		set_disk_ro(disk, plan->read_only);
	if (plan->capacity != dev->capacity) {
		moved = true;
		WRITE_ONCE(dev->capacity, plan->capacity);
		set_capacity_and_notify(disk, plan->capacity >> SECTOR_SHIFT);
	}
	/*
	 * The partition table may have moved or been cut: rescan, which only
	 * an unused device allows (open partitions cannot be dropped).
	 */
	if (moved && (dev->flags & VFSBLK_FLAG_PARTSCAN) &&
	    !disk_openers(disk))
		bdev_disk_changed(disk, false);
	return 0;
}

/**
 * vfsblk_set() - change a bound device.
 * @index: index of the device.
 * @req: the request, its fields checked for range by the caller.
 * @capacity: out: the capacity after the change.
 *
 * Context: process context, no locks held; the caller pins the module.
 * Return: 0 or a negative errno, see &struct vfsblk_set.
 */
int vfsblk_set(u32 index, const struct vfsblk_set *req, u64 *capacity)
{
	struct vfsblk_set_plan plan = {};
	struct vfsblk_device *dev;
	int ret;

	mutex_lock(&vfsblk_ctl_mutex);
	dev = vfsblk_lookup(index);
	if (!dev) {
		ret = -ENODEV;
		goto out_unlock_ctl;
	}
	mutex_lock(&dev->disk->open_mutex);
	ret = vfsblk_set_check(dev, req, &plan);
	if (!ret)
		ret = vfsblk_set_apply(dev, &plan);
	*capacity = dev->capacity;
	mutex_unlock(&dev->disk->open_mutex);
out_unlock_ctl:
	mutex_unlock(&vfsblk_ctl_mutex);
	return ret;
}
