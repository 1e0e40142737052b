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
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/vfsblk.h>

/**
 * enum vfsblk_state - lifecycle of a device.
 * @VFSBLK_BUILDING: ADD is building it: it holds its index and name, but
 *	lookups skip it.
 * @VFSBLK_BOUND: bound to its file and usable; opens succeed.
 * @VFSBLK_RUNDOWN: a deferred removal waits for the last close; opens still
 *	succeed (the holder may reopen it) until that close.
 * @VFSBLK_DELETING: removal has started; opens fail, lookups skip it.
 *
 * Transitions happen under the disk's open_mutex, and all but the last
 * close's (RUNDOWN or AUTOCLEAR -> DELETING, in ->release) also under
 * vfsblk_ctl_mutex: open_mutex is the lock to read the state under;
 * vfsblk_ctl_mutex alone gives a snapshot:
 * BUILDING -> BOUND (ADD done),
 * BOUND -> RUNDOWN (REMOVE with deferral, or owner closed, while open),
 * BOUND|RUNDOWN -> DELETING (REMOVE or owner close while unused, or last
 * close in RUNDOWN).
 */
enum vfsblk_state {
	VFSBLK_BUILDING,
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
 * @buffered_fallbacks: READ and WRITE requests served buffered while
 *	direct I/O was asked for.
 * @inline_submits: READ and WRITE requests served from the submitting
 *	task, without a worker.
 * @batched_submits: direct READ and WRITE requests the batch worker
 *	started asynchronously, because the backing file held a call their
 *	task had started itself queued, or their task had others with the
 *	worker (io.c).
 * @inline_flushes: FLUSH requests served by the task the block layer
 *	dispatched them from, without a worker.
 * @inline_misses: buffered READ requests tried from the submitting task
 *	that the page cache could not serve at once, done by a worker.
 */
struct vfsblk_stats {
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t flushes;
	atomic64_t discards;
	atomic64_t errors;
	atomic64_t buffered_fallbacks;
	atomic64_t inline_submits;
	atomic64_t batched_submits;
	atomic64_t inline_flushes;
	atomic64_t inline_misses;
};

/**
 * struct vfsblk_config - what ADD asks for, and what SET may change.
 * @flags: %VFSBLK_FLAG_* of %VFSBLK_ADD_FLAGS.
 * @offset: byte offset of the device in the backing file.
 * @size_limit: largest size of the device in bytes, 0 for none.
 * @block_size: logical block size, already defaulted (512..4096).
 * @dio: %VFSBLK_DIO_* request.
 * @nr_queues: hardware queues, already defaulted.
 * @queue_depth: requests per hardware queue, already defaulted.
 * @name: NUL-terminated name, empty for none.
 */
struct vfsblk_config {
	u64 flags;
	u64 offset;
	u64 size_limit;
	unsigned int block_size;
	u32 dio;
	unsigned int nr_queues;
	unsigned int queue_depth;
	char name[VFSBLK_NAME_LEN];
};

/*
 * Largest number of vfsblk devices stacked on one another (a device whose
 * backing file lives on, or is, another vfsblk device is one level up).
 */
#define VFSBLK_MAX_DEPTH	8

/**
 * struct vfsblk_device - one device and its backing file.
 * @index: device index, fixed for the device's life: /dev/vfsblk<index>.
 * @state: see &enum vfsblk_state.
 * @flags: %VFSBLK_FLAG_* in effect (uapi values, INFO-only bits excluded).
 *	PARTSCAN is fixed at ADD; READ_ONLY changes with the queue frozen
 *	under the disk's open_mutex; AUTOCLEAR and OWNED change under
 *	vfsblk_ctl_mutex and open_mutex.
 * @backing: the backing file, referenced from ADD until the device is torn
 *	down (after del_gendisk(), when no request can reach it any more).
 * @file_ro: the backing file cannot be written: READ_ONLY is forced.
 * @depth: stacking level: 1, or one more than the vfsblk device under the
 *	backing file. Fixed at ADD.
 * @building_opens: opens made while the device was BUILDING (the
 *	partition scan) not yet closed; their closes do not count as a last
 *	close. Under open_mutex.
 * @capacity: device size in bytes.
 * @offset: byte offset of the device in the file.
 * @size_limit: size limit in bytes, 0 for none.
 * @block_size: logical block size.
 * @dio_request: %VFSBLK_DIO_* asked for.
 * @dio: direct I/O is in effect.
 * @dio_reason: %VFSBLK_DIO_REASON_* when @dio differs from @dio_request.
 * @dio_align: direct I/O alignment of the backing file, 0 for none.
 *	@offset, @size_limit, @block_size and the @dio* fields change only
 *	under vfsblk_ctl_mutex and open_mutex with the queue frozen, so a
 *	request sees one consistent set; @capacity changes under both
 *	mutexes.
 * @dio_read_locks: the backing filesystem takes a lock for a direct read
 *	whatever IOCB_NOWAIT says (btrfs); set at ADD.
 * @no_punch: set once the backing filesystem refused to punch holes.
 * @no_zero_range: set once the backing filesystem refused ZERO_RANGE.
 * @discard_off: set once @discard_work was queued.
 * @wc_auto: the write cache mode vfsblk chose last, true for write back:
 *	at ADD, at a SET of the direct I/O or read-only state, at a last
 *	close (vfsblk_recheck_write_cache()). A queue whose mode differs
 *	was set by hand in sysfs, which the last close leaves alone. Under
 *	open_mutex.
 * @wc_recheck: set by the I/O path when a WRITE, DISCARD or WRITE_ZEROES
 *	may have filled or made a hole in the window, and by a SET that
 *	left a mode to the last close; cleared by the last close, which
 *	chooses the mode again.
 * @name: NUL-terminated name, empty for none. Fixed at ADD.
 * @disk: the gendisk; its ->free_disk frees this struct.
 * @tag_set: the blk-mq tag set, freed right after del_gendisk().
 * @wq: runs the requests queue_rq() does not serve itself. One per device:
 *	the work of a device stacked on another waits for the lower
 *	device's work, and the rescuer of a WQ_MEM_RECLAIM workqueue runs
 *	the items it takes one after another, so the two must never share
 *	a workqueue. Destroyed after del_gendisk(), when no request is left.
 * @batch_lock: protects @batch_list.
 * @batch_list: requests queue_rq() handed over to @batch_work, in the
 *	order they came: buffered writes, and direct reads and writes that
 *	came while the backing file held queued a call their task had
 *	started itself from the same hardware queue (&struct vfsblk_queue),
 *	or from their task, @batch_task, while it had others pending there
 *	or while @batch_stick was above zero.
 * @batch_work: serves the requests of @batch_list one after another
 *	(on @wq, never concurrently with itself).
 * @batch_pending: direct requests handed to @batch_work and not yet
 *	ended.
 * @batch_runner: the task running @batch_work while it serves requests,
 *	else NULL; only compared, never dereferenced.
 * @batch_done: requests whose asynchronous call ended within a call of
 *	@batch_runner, to be completed together (vfsblk_batch_workfn());
 *	only @batch_runner touches it.
 * @batch_ndone: the requests on @batch_done.
 * @batch_task: the task whose direct requests go to @batch_work while it
 *	has one there still pending, set by the probes; only compared, never
 *	dereferenced.
 * @batch_stick: direct requests of @batch_task still to go to @batch_work
 *	whether or not it has one pending there: %VFSBLK_BATCH_STICK when it
 *	was found with one pending, zero when a probe sets @batch_task or
 *	another task submits a direct request.
 * @batch_seen: whether @batch_task submitted one of its current
 *	@batch_stick requests while one was pending at @batch_work; false
 *	whenever @batch_stick is set anew or ended by another task.
 * @remove_work: runs a deferred removal after the last close.
 * @discard_work: stops advertising discard once the file cannot punch.
 * @stats: counters.
 *
 * Lifetime: allocated by ADD, referenced by the index IDR while it is in it,
 * freed by vfsblk_free_disk() when the last gendisk reference goes (an
 * owner descriptor holds one).
 */
struct vfsblk_device {
	int index;
	enum vfsblk_state state;
	u64 flags;
	struct file *backing;
	bool file_ro;
	unsigned int depth;
	unsigned int building_opens;
	loff_t capacity;
	u64 offset;
	u64 size_limit;
	unsigned int block_size;
	u32 dio_request;
	bool dio;
	u32 dio_reason;
	unsigned int dio_align;
	bool dio_read_locks;
	bool no_punch;
	bool no_zero_range;
	unsigned long discard_off;
	bool wc_auto;
	bool wc_recheck;
	char name[VFSBLK_NAME_LEN];
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	struct workqueue_struct *wq;
	spinlock_t batch_lock;		/* protects batch_list */
	struct list_head batch_list;
	struct work_struct batch_work;
	atomic_t batch_pending;
	const struct task_struct *batch_runner;
	struct list_head batch_done;
	unsigned int batch_ndone;
	const struct task_struct *batch_task;
	unsigned int batch_stick;
	bool batch_seen;
	struct work_struct remove_work;
	struct work_struct discard_work;
	struct vfsblk_stats stats;
};

/*
 * One direct request in this many (a power of two) on each CPU that the
 * submitting task could serve itself goes to the batch worker instead, to
 * find out whether the task submits more while it is pending (io.c).
 */
#define VFSBLK_BATCH_PROBE	256

/*
 * Direct requests of a task found submitting while it has one of its own
 * with the batch worker that go to the worker too, before that is looked
 * at again (io.c).
 */
#define VFSBLK_BATCH_STICK	256

/*
 * Requests the batch worker completes together at most, of those whose
 * backing file served them within its call (io.c).
 */
#define VFSBLK_BATCH_DONE	8

/**
 * struct vfsblk_queue - per hardware queue state, the queue's driver_data.
 * @task: the task that last started an asynchronous call itself, from
 *	queue_rq() on this queue; only compared, never dereferenced.
 * @cmd: the request of that call while the backing file has not
 *	completed it, else NULL.
 * @miss_score: how often the page cache lately failed the buffered reads
 *	tried from queue_rq() on this queue: up one for each it failed, down
 *	%VFSBLK_MISS_HIT for each it served, from zero to %VFSBLK_MISS_MAX.
 * @miss_probe: counts this queue's buffered reads while @miss_score is
 *	%VFSBLK_MISS_SKIP or above: one in %VFSBLK_MISS_PROBE is tried, the
 *	others go to a worker.
 *
 * @task and @cmd are set by the submitter before the call, cleared by the
 * call's end (io.c), both without a lock: see vfsblk_batch_dio(). The
 * submitters update @miss_score and @miss_probe without a lock too: a
 * race loses a count, which only moves a decision (vfsblk_try_cached()).
 * Allocated by ->init_hctx, freed by ->exit_hctx.
 */
struct vfsblk_queue {
	const struct task_struct *task;
	struct vfsblk_cmd *cmd;
	unsigned int miss_score;
	unsigned int miss_probe;
};

/*
 * Buffered reads of a hardware queue are no longer tried from queue_rq()
 * while its &vfsblk_queue.miss_score is %VFSBLK_MISS_SKIP or above, except
 * one in %VFSBLK_MISS_PROBE (a power of two), which tells when the page
 * cache serves them again. A read the page cache serves lowers the score
 * by %VFSBLK_MISS_HIT, one it fails raises it by one, up to
 * %VFSBLK_MISS_MAX: the tries stop while more than about four in five
 * fail, and resume after a few served (io.c).
 */
#define VFSBLK_MISS_SKIP	16
#define VFSBLK_MISS_MAX		32
#define VFSBLK_MISS_HIT		4
#define VFSBLK_MISS_PROBE	8

/*
 * Number of bio_vecs a request carries inline before it allocates: room for
 * the small merges of a few bios. Every request of every hardware queue
 * holds them for the life of the device, so they are few: loop allocates
 * for every request made of several bios.
 */
#define VFSBLK_INLINE_BVECS	4

/**
 * struct vfsblk_cmd - per-request state, in the blk-mq pdu.
 * @work: the request's turn on the device's workqueue.
 * @list: its place in &vfsblk_device.batch_list, then in batch_done.
 * @iocb: kiocb of the one VFS call that serves a read or write.
 * @bvec: bio_vecs of a request made of several bios: @inline_bvec when
 *	they fit, else an allocation freed at completion.
 * @ref: an asynchronous submission's references: the submitter's and
 *	the completion's.
 * @ret: result of an asynchronous submission: bytes or a negative errno,
 *	then the request's errno.
 * @sb_writers: the asynchronous write holds the backing filesystem's
 *	freeze protection, handed over from the submitter to the completion.
 * @inline_submit: the asynchronous submission was made by the task that
 *	submitted the request, not by a worker.
 * @batched: a direct request counted in &vfsblk_device.batch_pending.
 * @inline_bvec: room for small multi-bio requests, no allocation needed.
 */
struct vfsblk_cmd {
	struct work_struct work;
	struct list_head list;
	struct kiocb iocb;
	struct bio_vec *bvec;
	long ret;
	atomic_t ref;
	bool sb_writers;
	bool inline_submit;
	bool batched;
	struct bio_vec inline_bvec[VFSBLK_INLINE_BVECS];
};

/**
 * vfsblk_write_cache() - does a queue announce a volatile write cache?
 * @q: the queue of a vfsblk device.
 *
 * Without one (write through, as the queue's write_cache attribute in
 * sysfs reads), the block layer sends no FLUSH and strips FUA, and every
 * WRITE is served as a synchronous write of its range.
 *
 * Return: true for write back.
 */
static inline bool vfsblk_write_cache(struct request_queue *q)
{
#ifdef VFSBLK_QUEUE_FEATURES
	return blk_queue_write_cache(q);
#else
	return test_bit(QUEUE_FLAG_WC, &q->queue_flags);
#endif
}

/* main.c */
extern struct mutex vfsblk_ctl_mutex;
extern unsigned int vfsblk_minors;
int vfsblk_add(struct file *file, const struct vfsblk_config *cfg,
	       u32 *index, struct file **owner, int *owner_fd);
int vfsblk_remove(u32 index, bool deferred, u32 *result);
struct vfsblk_device *vfsblk_lookup(u32 index);
u32 vfsblk_max_index(void);
int vfsblk_list(u32 *indices, u32 room, u32 *count);
bool vfsblk_is_vfsblk_disk(struct gendisk *disk);

/* config.c */
int vfsblk_check_config(const struct vfsblk_config *cfg);
bool vfsblk_file_writable(struct file *file);
loff_t vfsblk_file_size(struct file *file);
dev_t vfsblk_backing_devt(struct vfsblk_device *dev);
bool vfsblk_can_punch(struct vfsblk_device *dev);
unsigned int vfsblk_file_dio_align(struct file *file);
int vfsblk_window(loff_t file_size, u64 offset, u64 size_limit,
		  unsigned int block_size, loff_t *capacity);
int vfsblk_dio_mode(u32 request, unsigned int align, unsigned int block_size,
		    u64 offset, bool *dio, u32 *reason);
int vfsblk_config_init(struct vfsblk_device *dev,
		       const struct vfsblk_config *cfg);
struct gendisk *vfsblk_alloc_disk(struct vfsblk_device *dev);
int vfsblk_set(u32 index, const struct vfsblk_set *req, u64 *capacity);
void vfsblk_discard_workfn(struct work_struct *work);
void vfsblk_recheck_write_cache(struct vfsblk_device *dev);

/* io.c */
extern const struct blk_mq_ops vfsblk_mq_ops;
void vfsblk_io_init(void);
void vfsblk_batch_workfn(struct work_struct *work);

/* ctl.c */
int vfsblk_ctl_init(void);
void vfsblk_ctl_exit(void);

/* sysfs.c */
extern const struct attribute_group *vfsblk_disk_groups[];

#endif /* _VFSBLK_H */
