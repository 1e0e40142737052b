/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblk: block devices backed by regular files. Shared declarations.
 */
#ifndef _VFSBLK_H
#define _VFSBLK_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/vfsblk.h>

/**
 * enum vfsblk_state - lifecycle of a device.
 * @VFSBLK_BOUND: bound to its file and usable; opens succeed.
 * @VFSBLK_RUNDOWN: a deferred removal waits for the last close; opens still
 *	succeed (the holder may reopen it) until that close.
 * @VFSBLK_DELETING: removal has started; opens fail, lookups skip it.
 *
 * Transitions happen under both vfsblk_ctl_mutex and the disk's open_mutex,
 * so either lock is enough to read the state:
 * BOUND -> RUNDOWN (REMOVE with deferral while open),
 * BOUND|RUNDOWN -> DELETING (REMOVE while unused, or last close in RUNDOWN).
 */
enum vfsblk_state {
	VFSBLK_BOUND,
	VFSBLK_RUNDOWN,
	VFSBLK_DELETING,
};

/* Bits of vfsblk_device.flags: the uapi VFSBLK_FLAG_* values. */

/**
 * struct vfsblk_stats - per-device counters, read through sysfs.
 * @reads: READ requests completed.
 * @writes: WRITE requests completed.
 * @flushes: FLUSH requests completed.
 * @discards: DISCARD and WRITE_ZEROES requests completed.
 * @errors: requests completed with an error.
 */
struct vfsblk_stats {
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t flushes;
	atomic64_t discards;
	atomic64_t errors;
};

/**
 * struct vfsblk_device - one device and its backing file.
 * @index: device index, fixed for the device's life: /dev/vfsblk<index>.
 * @state: see &enum vfsblk_state.
 * @flags: %VFSBLK_FLAG_* in effect. READ_ONLY is fixed at ADD; AUTOCLEAR
 *	changes under the disk's open_mutex.
 * @backing: the backing file, referenced from ADD until the device is torn
 *	down (after del_gendisk(), when no request can reach it any more).
 * @capacity: device size in bytes, fixed at ADD.
 * @no_punch: set once the backing filesystem refused to punch holes.
 * @no_zero_range: set once the backing filesystem refused ZERO_RANGE.
 * @disk: the gendisk; its ->free_disk frees this struct.
 * @tag_set: the blk-mq tag set, freed right after del_gendisk().
 * @remove_work: runs a deferred removal after the last close.
 * @stats: counters.
 *
 * Lifetime: allocated by ADD, referenced by the index IDR while it is in it,
 * freed by vfsblk_free_disk() when the last gendisk reference goes.
 */
struct vfsblk_device {
	int index;
	enum vfsblk_state state;
	u64 flags;
	struct file *backing;
	loff_t capacity;
	bool no_punch;
	bool no_zero_range;
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	struct work_struct remove_work;
	struct vfsblk_stats stats;
};

/* Number of bio_vecs a request carries inline before it allocates. */
#define VFSBLK_INLINE_BVECS	16

/**
 * struct vfsblk_cmd - per-request state, in the blk-mq pdu.
 * @work: the request's turn on the I/O workqueue.
 * @iocb: kiocb of the one VFS call that serves a read or write.
 * @bvec: bio_vecs of a request made of several bios: @inline_bvec when
 *	they fit, else an allocation freed at completion.
 * @inline_bvec: room for small multi-bio requests, no allocation needed.
 */
struct vfsblk_cmd {
	struct work_struct work;
	struct kiocb iocb;
	struct bio_vec *bvec;
	struct bio_vec inline_bvec[VFSBLK_INLINE_BVECS];
};

/* main.c */
extern struct mutex vfsblk_ctl_mutex;
int vfsblk_add(struct file *file, u64 flags, u32 *index);
int vfsblk_remove(u32 index, bool deferred, u32 *result);
struct vfsblk_device *vfsblk_lookup(u32 index);
u32 vfsblk_max_index(void);
int vfsblk_list(u32 *indices, u32 room, u32 *count);

/* io.c */
extern const struct blk_mq_ops vfsblk_mq_ops;
int vfsblk_io_init(void);
void vfsblk_io_exit(void);

/* ctl.c */
int vfsblk_ctl_init(void);
void vfsblk_ctl_exit(void);

/* sysfs.c */
extern const struct attribute_group *vfsblk_disk_groups[];

#endif /* _VFSBLK_H */
