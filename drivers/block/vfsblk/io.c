// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: the I/O path.
 *
 * queue_rq() first tries to serve a READ, and with direct I/O in effect a
 * WRITE, itself: a kiocb with IOCB_NOWAIT, asynchronous when direct and
 * completed through ki_complete and blk_mq_complete_request() (the tag set
 * is BLK_MQ_F_BLOCKING); a buffered read from a regular file is served
 * this way when the page cache holds its range (IOCB_NOIO: no readahead
 * from here), and not tried while the cache keeps failing such reads
 * (vfsblk_try_cached()). Two kinds of request go to the device's batch
 * list instead, which one work item serves one request after another, in
 * the order they came, as many as queue_rq() handed over in a batch
 * (bd->last, ->commit_rqs), under one plug: buffered writes, each of which
 * takes the backing file's inode lock for itself (workers writing the same
 * file at once would only contend for it), and direct reads and writes
 * that come while the backing file still has an earlier one of their task
 * queued, or while (and for a while after) their task has earlier ones
 * with the worker: the worker starts them asynchronously on another CPU
 * while the submitter queues more.
 * Everything else, and whatever the backing file would not serve
 * without blocking, goes to the device's own unbound workqueue (its work
 * item lives in the request's pdu, so nothing is allocated). All serve a
 * request with one VFS call on the backing file: one kiocb and one bvec
 * iov_iter over every segment of the request, direct or buffered as the
 * device's mode says, at the device's offset in the file. FLUSH is a
 * datasync of the file (served by the caller of queue_rq() when the
 * device does direct I/O), FUA a synchronous write of its range, DISCARD a
 * hole punch and WRITE_ZEROES a hole punch, a ZERO_RANGE or, when the
 * backing filesystem has neither, a write of zeroes. While the queue
 * announces no volatile write cache (write through, see
 * vfsblk_write_cache()), every WRITE is synchronous too, and a DISCARD or
 * WRITE_ZEROES syncs its range before it ends.
 */

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "vfsblk.h"

static bool vfsblk_inline = true;
module_param_named(inline_submit, vfsblk_inline, bool, 0644);
MODULE_PARM_DESC(inline_submit,
		 "Serve direct I/O and cached buffered reads from the submitting task, and flushes of direct I/O devices from the dispatching task, without a worker hand-off (default on)");

/*
 * Test only: the power-cut tests (tests/powercut) set it to show that they
 * notice lost writes. FLUSH then completes without syncing the backing
 * file, and neither FUA writes nor the writes of a write-through device
 * are synchronous: a power loss may lose data the device said was stable.
 */
static bool vfsblk_skip_flush;

static int vfsblk_skip_flush_set(const char *val,
				 const struct kernel_param *kp)
{
	bool was = vfsblk_skip_flush;
	int ret;

	ret = param_set_bool(val, kp);
	if (!ret && vfsblk_skip_flush && !was)
		pr_warn("vfsblk: unsafe_skip_flush set: flushes and FUA no longer reach stable storage (test only)\n");
	return ret;
}

static const struct kernel_param_ops vfsblk_skip_flush_ops = {
	.set	= vfsblk_skip_flush_set,
	.get	= param_get_bool,
};

module_param_cb(unsafe_skip_flush, &vfsblk_skip_flush_ops,
		&vfsblk_skip_flush, 0644);
MODULE_PARM_DESC(unsafe_skip_flush,
		 "Test only: complete FLUSH without syncing the backing file, and FUA writes and the writes of a write-through device without their sync, losing data at a power cut (default off)");

/*
 * Build the iov_iter and kiocb of a READ or WRITE: one bvec iterator over
 * every segment of the request, at the device's offset in the file. The
 * bio_vecs stay valid until vfsblk_rw_release(): they are the request's
 * own (one bio), or gathered in the pdu or in one allocation (several).
 */
static int vfsblk_rw_prep(struct vfsblk_device *dev, struct request *rq,
			  struct vfsblk_cmd *cmd, unsigned int dir,
			  struct iov_iter *iter)
{
	struct req_iterator rq_iter;
	struct bio_vec *bvec;
	struct bio_vec tmp;
	unsigned int nr = 0;
	unsigned int offset = 0;

	rq_for_each_bvec(tmp, rq, rq_iter)
		nr++;

	if (rq->bio != rq->biotail) {
		/* Several bios: gather their bio_vecs into one array. */
		unsigned int i = 0;

		if (nr <= VFSBLK_INLINE_BVECS) {
			bvec = cmd->inline_bvec;
		} else {
			bvec = kmalloc_array(nr, sizeof(*bvec), GFP_NOIO);
			if (!bvec)
				return -ENOMEM;
		}
		cmd->bvec = bvec;
		rq_for_each_bvec(tmp, rq, rq_iter)
			bvec[i++] = tmp;
	} else {
		/* One bio: iterate over its own bio_vec array in place. */
		struct bio *bio = rq->bio;

		offset = bio->bi_iter.bi_bvec_done;
		bvec = __bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter);
		cmd->bvec = NULL;
	}

	iov_iter_bvec(iter, dir, bvec, nr, blk_rq_bytes(rq));
	iter->iov_offset = offset;

	cmd->iocb = (struct kiocb) {
		.ki_filp = dev->backing,
		.ki_pos = dev->offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT),
	};
	if (dev->dio)
		cmd->iocb.ki_flags |= IOCB_DIRECT;
	/* A FUA write, or any write without a volatile write cache. */
	if (dir == ITER_SOURCE && !READ_ONCE(vfsblk_skip_flush) &&
	    ((rq->cmd_flags & REQ_FUA) || !vfsblk_write_cache(rq->q)))
		cmd->iocb.ki_flags |= IOCB_DSYNC;
	return 0;
}

static void vfsblk_rw_release(struct vfsblk_cmd *cmd)
{
	if (cmd->bvec && cmd->bvec != cmd->inline_bvec)
		kfree(cmd->bvec);
	cmd->bvec = NULL;
}

/* A READ or WRITE served buffered although direct I/O was asked for. */
static void vfsblk_count_buffered(struct vfsblk_device *dev)
{
	if (!dev->dio && dev->dio_request != VFSBLK_DIO_OFF)
		atomic64_inc(&dev->stats.buffered_fallbacks);
}

/* Call the backing file's read_iter or write_iter. */
static ssize_t vfsblk_rw_call(struct file *file, struct kiocb *iocb,
			      struct iov_iter *iter, unsigned int dir)
{
	if (dir == ITER_SOURCE)
		return file->f_op->write_iter(iocb, iter);
	return file->f_op->read_iter(iocb, iter);
}

/*
 * Does @rq end past the end of the backing file? Only a file truncated
 * under the device can make it so; such a write is an error rather than
 * a write that extends the file (whatever truncates it concurrently).
 */
static bool vfsblk_past_eof(struct vfsblk_device *dev, struct request *rq)
{
	loff_t end = dev->offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT) +
		blk_rq_bytes(rq);

	return end > vfsblk_file_size(dev->backing);
}

/* Serve a READ or WRITE synchronously, from a worker. */
static int vfsblk_rw(struct vfsblk_device *dev, struct request *rq,
		     struct vfsblk_cmd *cmd, unsigned int dir)
{
	struct file *file = dev->backing;
	struct iov_iter iter;
	ssize_t ret;

	/* A write past the end of a file truncated under us must not grow it. */
	if (dir == ITER_SOURCE && vfsblk_past_eof(dev, rq))
		return -EIO;
	ret = vfsblk_rw_prep(dev, rq, cmd, dir, &iter);
	if (ret)
		return ret;
	vfsblk_count_buffered(dev);

	if (dir == ITER_SOURCE) {
		file_start_write(file);
		ret = vfsblk_rw_call(file, &cmd->iocb, &iter, dir);
		file_end_write(file);
	} else {
		ret = vfsblk_rw_call(file, &cmd->iocb, &iter, dir);
	}
	vfsblk_rw_release(cmd);

	if (ret < 0)
		return ret;
	/*
	 * A short transfer means the file ended (it was truncated under the
	 * device) or the filesystem gave up: an error, never stale data.
	 */
	if (ret != blk_rq_bytes(rq))
		return -EIO;
	return 0;
}

/*
 * Keep @cmd, which the batch worker served, to be completed with others
 * by vfsblk_batch_complete(): only the worker touches its batch_done.
 */
static void vfsblk_batch_gather(struct vfsblk_device *dev,
				struct vfsblk_cmd *cmd)
{
	list_add_tail(&cmd->list, &dev->batch_done);
	dev->batch_ndone++;
}

/*
 * End of an asynchronous submission, in any context (ki_complete may run
 * in interrupt context). A request that failed or was served only in part
 * is done again by a worker, whose answer is final: the filesystem would
 * not serve it without blocking (-EAGAIN), the submitter has a fatal
 * signal pending (-EINTR from a buffered read, which must not fail a
 * request that may serve other tasks), or the file really failed (the
 * worker finds the same error). Doing a READ or WRITE again is harmless:
 * same data, same place.
 */
static void vfsblk_async_done(struct vfsblk_cmd *cmd)
{
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct vfsblk_device *dev = rq->q->queuedata;
	long ret = cmd->ret;

	if (cmd->sb_writers) {
		struct super_block *sb = file_inode(cmd->iocb.ki_filp)->i_sb;

		/* The freeze protection was handed over by the submitter. */
		__sb_writers_acquired(sb, SB_FREEZE_WRITE);
		sb_end_write(sb);
		cmd->sb_writers = false;
	}
	vfsblk_rw_release(cmd);

	if (ret != blk_rq_bytes(rq)) {
		queue_work(dev->wq, &cmd->work);
		return;
	}
	if (cmd->inline_submit)
		atomic64_inc(&dev->stats.inline_submits);
	else
		atomic64_inc(&dev->stats.batched_submits);
	vfsblk_count_buffered(dev);
	cmd->ret = 0;
	/*
	 * Ended within a call of the batch worker (the backing file served
	 * it at once): the worker completes it with others (see
	 * vfsblk_batch_workfn()). Not from an interrupt that hit the worker.
	 */
	if (in_task() && READ_ONCE(dev->batch_runner) == current) {
		vfsblk_batch_gather(dev, cmd);
		return;
	}
	blk_mq_complete_request(rq);
}

/*
 * Both the submitter and the completion hold a reference on an
 * asynchronous submission: whichever comes last ends it, so the completion
 * may run before the VFS call returns.
 */
static void vfsblk_async_put(struct vfsblk_cmd *cmd)
{
	if (atomic_dec_and_test(&cmd->ref))
		vfsblk_async_done(cmd);
}

static void vfsblk_aio_complete(struct kiocb *iocb, long ret)
{
	struct vfsblk_cmd *cmd = container_of(iocb, struct vfsblk_cmd, iocb);

	cmd->ret = ret;
	vfsblk_async_put(cmd);
}

/*
 * The submitting task starts an asynchronous call itself: mark the
 * request's hardware queue with it (&struct vfsblk_queue) before the
 * call, which may end on another CPU before it returns.
 */
static void vfsblk_mark(struct request *rq, struct vfsblk_cmd *cmd)
{
	struct vfsblk_queue *q = rq->mq_hctx->driver_data;

	WRITE_ONCE(q->task, current);
	WRITE_ONCE(q->cmd, cmd);
}

/*
 * The call vfsblk_mark() marked the queue with has ended: the mark goes,
 * unless another call marked the queue since. Before the request can
 * end: its tag, and @cmd, may then serve another call at once. Without a
 * lock: a call that marks the queue between the test and the write loses
 * its mark, which only moves a hand-off; a mark is never left on a call
 * that has ended, as its own mark came before its call.
 */
static void vfsblk_unmark(struct vfsblk_cmd *cmd)
{
	struct vfsblk_queue *q = blk_mq_rq_from_pdu(cmd)->mq_hctx->driver_data;

	if (READ_ONCE(q->cmd) == cmd)
		WRITE_ONCE(q->cmd, NULL);
}

/*
 * ki_complete: the backing file completes a call it had queued (the call
 * returned -EIOCBQUEUED; it never calls this for a call that returned
 * anything else).
 */
static void vfsblk_aio_queued_complete(struct kiocb *iocb, long ret)
{
	struct vfsblk_cmd *cmd = container_of(iocb, struct vfsblk_cmd, iocb);

	if (cmd->inline_submit)
		vfsblk_unmark(cmd);
	vfsblk_aio_complete(iocb, ret);
}

/*
 * May the task that hands @dev a request serve it itself, without a worker?
 * Only while inline submission is on (the module parameter) and when @dev
 * is not stacked on another vfsblk device: serving a request of @dev from
 * the task that submitted it must not recurse into the device below.
 */
static bool vfsblk_inline_allowed(const struct vfsblk_device *dev)
{
	return READ_ONCE(vfsblk_inline) && dev->depth <= 1;
}

/*
 * Is a buffered READ of @rq worth trying from queue_rq()? Not while the
 * page cache failed most of the recent tries of its hardware queue (random
 * reads of a file the cache does not hold, say): a failed try costs a
 * page cache lookup and the set-up of a call on top of the worker's read.
 * One in %VFSBLK_MISS_PROBE is tried all the same, to tell when the cache
 * serves them again. See &struct vfsblk_queue for the lockless updates.
 */
static bool vfsblk_try_cached(struct request *rq)
{
	struct vfsblk_queue *q = rq->mq_hctx->driver_data;
	unsigned int probe;

	if (READ_ONCE(q->miss_score) < VFSBLK_MISS_SKIP)
		return true;
	probe = READ_ONCE(q->miss_probe) + 1;
	WRITE_ONCE(q->miss_probe, probe);
	return !(probe & (VFSBLK_MISS_PROBE - 1));
}

/*
 * The page cache served (@hit) or failed a buffered READ of @rq tried
 * from queue_rq(): score it for vfsblk_try_cached(), and count a miss.
 */
static void vfsblk_note_cached(struct vfsblk_device *dev,
			       struct request *rq, bool hit)
{
	struct vfsblk_queue *q = rq->mq_hctx->driver_data;
	unsigned int score = READ_ONCE(q->miss_score);

	if (hit) {
		score = score > VFSBLK_MISS_HIT ? score - VFSBLK_MISS_HIT : 0;
	} else {
		if (score < VFSBLK_MISS_MAX)
			score++;
		atomic64_inc(&dev->stats.inline_misses);
	}
	WRITE_ONCE(q->miss_score, score);
}

/*
 * Can the backing file serve @rq asynchronously, with the one VFS call of
 * vfsblk_start_async()? A READ, or a WRITE with direct I/O in effect (a
 * buffered write may block whatever the flags say), when inline
 * submission is allowed (vfsblk_inline_allowed()) and the file can
 * promise not to block (FMODE_NOWAIT). Not a buffered read of a block
 * device: the block device's read_iter takes its inode lock shared
 * whatever IOCB_NOWAIT says, and the submitter may hold the same lock
 * class already, that of this device's inode, when readahead of a
 * buffered read of this device flushes its plug (lockdep sees recursion).
 * Not a buffered read of a regular file while the page cache keeps
 * failing them (vfsblk_try_cached()). Sets *@dir.
 */
static bool vfsblk_async_dir(struct vfsblk_device *dev, struct request *rq,
			     unsigned int *dir)
{
	if (!vfsblk_inline_allowed(dev) ||
	    !(dev->backing->f_mode & FMODE_NOWAIT))
		return false;
	if (req_op(rq) == REQ_OP_READ) {
		if (!dev->dio && (S_ISBLK(file_inode(dev->backing)->i_mode) ||
				  !vfsblk_try_cached(rq)))
			return false;
		*dir = ITER_DEST;
		return true;
	}
	if (req_op(rq) == REQ_OP_WRITE && dev->dio &&
	    !vfsblk_past_eof(dev, rq)) {
		*dir = ITER_SOURCE;
		return true;
	}
	return false;
}

/*
 * Start the one VFS call of an asynchronous READ or WRITE: a kiocb
 * completed by vfsblk_aio_complete(), from ki_complete when the backing
 * file queued the I/O, else here. @inline_submit: the submitting task
 * calls, which must not block: IOCB_NOWAIT, and for a buffered read
 * IOCB_NOIO (it fails or comes back short unless the page cache holds its
 * whole range uptodate and no readahead is due); a write takes the freeze
 * protection only if it can at once; the call marks its queue until it
 * ends (vfsblk_mark()). Otherwise a worker calls, which may block.
 * Returns false when nothing was started.
 */
static bool vfsblk_start_async(struct vfsblk_device *dev, struct request *rq,
			       struct vfsblk_cmd *cmd, unsigned int dir,
			       bool inline_submit)
{
	struct file *file = dev->backing;
	struct inode *inode = file_inode(file);
	struct iov_iter iter;
	ssize_t ret;

	if (vfsblk_rw_prep(dev, rq, cmd, dir, &iter))
		return false;
	if (dir == ITER_SOURCE && S_ISREG(inode->i_mode)) {
		if (!inline_submit) {
			sb_start_write(inode->i_sb);
		} else if (!sb_start_write_trylock(inode->i_sb)) {
			vfsblk_rw_release(cmd);
			return false;
		}
		/* Released by vfsblk_async_done(), maybe in another task. */
		__sb_writers_release(inode->i_sb, SB_FREEZE_WRITE);
		cmd->sb_writers = true;
	}
	if (inline_submit) {
		cmd->iocb.ki_flags |= IOCB_NOWAIT;
		if (!dev->dio)
			cmd->iocb.ki_flags |= IOCB_NOIO;
	}
	cmd->iocb.ki_complete = vfsblk_aio_queued_complete;
	cmd->inline_submit = inline_submit;
	atomic_set(&cmd->ref, 2);
	if (inline_submit)
		vfsblk_mark(rq, cmd);

	ret = vfsblk_rw_call(file, &cmd->iocb, &iter, dir);
	/* Before the put: the request may end with it, and @cmd be reused. */
	if (ret != -EIOCBQUEUED && inline_submit) {
		vfsblk_unmark(cmd);
		if (dir == ITER_DEST && !dev->dio)
			vfsblk_note_cached(dev, rq, ret == blk_rq_bytes(rq));
	}
	vfsblk_async_put(cmd);
	if (ret != -EIOCBQUEUED)
		vfsblk_aio_complete(&cmd->iocb, ret);
	return true;
}

/*
 * A plug set aside must not keep a cached time (6.9+): the task may sleep
 * meanwhile, and the scheduler invalidates the time of current->plug only.
 */
static void vfsblk_plug_forget_time(struct blk_plug *plug)
{
#ifdef VFSBLK_PLUG_TIME
	if (plug) {
		plug->cur_ktime = 0;
		current->flags &= ~PF_BLOCK_TS;
	}
#endif
}

/**
 * struct vfsblk_aside - what a task calling into the backing filesystem
 * from queue_rq() sets aside meanwhile.
 * @plug: the task's plug: the filesystem's requests must not join a plug
 *	list that is being flushed.
 * @bio_list: the task's bio list: a bio the filesystem waits for must not
 *	queue behind the submission that called queue_rq().
 * @noio: memalloc_noio_save()'s cookie: the filesystem's allocations
 *	cannot recurse into I/O.
 */
struct vfsblk_aside {
	struct blk_plug *plug;
	struct bio_list *bio_list;
	unsigned int noio;
};

static void vfsblk_set_aside(struct vfsblk_aside *aside)
{
	aside->plug = current->plug;
	aside->bio_list = current->bio_list;
	vfsblk_plug_forget_time(aside->plug);
	current->plug = NULL;
	current->bio_list = NULL;
	aside->noio = memalloc_noio_save();
}

static void vfsblk_restore_aside(struct vfsblk_aside *aside)
{
	memalloc_noio_restore(aside->noio);
	current->bio_list = aside->bio_list;
	current->plug = aside->plug;
}

/*
 * Try to serve a READ or a direct WRITE (vfsblk_async_dir() said which)
 * from the submitting task, with vfsblk_start_async(). A buffered read
 * that misses the page cache goes to a worker, which reads ahead:
 * readahead would take the backing file's invalidate_lock, which may
 * block, and which the submitter may hold already for a file of a
 * filesystem on this device (the same lock class: lockdep sees
 * recursion). Returns false when the request must go to a worker instead:
 * - the task is inside a filesystem transaction (journal_info): calling
 *   into the backing filesystem would nest its transactions;
 * - a write cannot take the backing filesystem's freeze protection now.
 * The backing filesystem runs with the submitter's plug and bio list set
 * aside, under a plug of its own: its requests must not join a plug list
 * that is being flushed, and a bio it waits for must not queue behind the
 * submission that called us. Its allocations cannot recurse into I/O.
 */
static bool vfsblk_submit_inline(struct vfsblk_device *dev,
				 struct request *rq, struct vfsblk_cmd *cmd,
				 unsigned int dir)
{
	struct vfsblk_aside aside;
	struct blk_plug plug;
	bool started;

	if (current->journal_info)
		return false;

	vfsblk_set_aside(&aside);
	blk_start_plug(&plug);
	started = vfsblk_start_async(dev, rq, cmd, dir, true);
	blk_finish_plug(&plug);
	vfsblk_restore_aside(&aside);
	return started;
}

/*
 * The source of vfsblk_write_zero_pages(): the zero page, VFSBLK_ZERO_PAGES
 * times. Filled once by vfsblk_io_init() at module load, read-only after,
 * shared by every device.
 */
#define VFSBLK_ZERO_PAGES	16
static struct bio_vec vfsblk_zero_bvec[VFSBLK_ZERO_PAGES] __ro_after_init;

/**
 * vfsblk_io_init() - set up what the I/O path of every device shares.
 *
 * Called once from the module's init, before any device exists.
 */
void __init vfsblk_io_init(void)
{
	unsigned int i;

	for (i = 0; i < VFSBLK_ZERO_PAGES; i++)
		vfsblk_zero_bvec[i] = (struct bio_vec) {
			.bv_page = ZERO_PAGE(0),
			.bv_len = PAGE_SIZE,
		};
}

/* Write zeroes over [pos, pos + len) with ordinary writes of the zero page. */
static int vfsblk_write_zero_pages(struct vfsblk_device *dev, loff_t pos,
				   loff_t len)
{
	struct file *file = dev->backing;
	struct iov_iter iter;
	ssize_t ret = 0;

	/* As for writes: never grow a file truncated under the device. */
	if (pos + len > vfsblk_file_size(file))
		return -EIO;

	while (len > 0) {
		size_t chunk = min_t(loff_t, len,
				     VFSBLK_ZERO_PAGES * PAGE_SIZE);
		struct kiocb iocb = {
			.ki_filp = file,
			.ki_pos = pos,
		};

		iov_iter_bvec(&iter, ITER_SOURCE, vfsblk_zero_bvec,
			      DIV_ROUND_UP(chunk, PAGE_SIZE), chunk);
		file_start_write(file);
		ret = file->f_op->write_iter(&iocb, &iter);
		file_end_write(file);
		if (ret < 0)
			return ret;
		if (ret != chunk)
			return -EIO;
		pos += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * The backing file cannot punch holes: remember it, and stop advertising
 * discard (from a work item: the queue limits are not changed from the
 * I/O path).
 */
static void vfsblk_no_punch(struct vfsblk_device *dev)
{
	WRITE_ONCE(dev->no_punch, true);
	if (!test_and_set_bit(0, &dev->discard_off))
		queue_work(system_unbound_wq, &dev->discard_work);
}

/*
 * DISCARD is a hint: when the backing filesystem cannot punch holes, the
 * request succeeds without freeing space, and the device stops
 * advertising discard.
 */
static int vfsblk_discard(struct vfsblk_device *dev, loff_t pos, loff_t len)
{
	int ret;

	if (READ_ONCE(dev->no_punch))
		return 0;
	ret = vfs_fallocate(dev->backing,
			    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    pos, len);
	if (ret == -EOPNOTSUPP) {
		vfsblk_no_punch(dev);
		return 0;
	}
	return ret;
}

/*
 * WRITE_ZEROES must leave zeroes: punch a hole when unmapping is allowed,
 * else allocate zeroed blocks, else write zeroes; each method the backing
 * filesystem refuses once is not tried again.
 */
static int vfsblk_write_zeroes(struct vfsblk_device *dev, struct request *rq,
			       loff_t pos, loff_t len)
{
	int ret;

	if (!(rq->cmd_flags & REQ_NOUNMAP) && !READ_ONCE(dev->no_punch)) {
		ret = vfs_fallocate(dev->backing,
				    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				    pos, len);
		if (ret != -EOPNOTSUPP)
			return ret;
		vfsblk_no_punch(dev);
	}
	if (!READ_ONCE(dev->no_zero_range)) {
		ret = vfs_fallocate(dev->backing,
				    FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				    pos, len);
		if (ret != -EOPNOTSUPP)
			return ret;
		WRITE_ONCE(dev->no_zero_range, true);
	}
	return vfsblk_write_zero_pages(dev, pos, len);
}

/*
 * A DISCARD or WRITE_ZEROES that succeeded (@ret 0) is stable when it ends
 * on a write-through device, as its writes are (they carry IOCB_DSYNC):
 * sync its range of the file. Returns @ret, or the sync's error.
 */
static int vfsblk_synced(struct vfsblk_device *dev, struct request *rq,
			 loff_t pos, loff_t len, int ret)
{
	if (ret || vfsblk_write_cache(rq->q) || READ_ONCE(vfsblk_skip_flush))
		return ret;
	return vfs_fsync_range(dev->backing, pos, pos + len - 1, 1);
}

static int vfsblk_do_cmd(struct vfsblk_device *dev, struct request *rq,
			 struct vfsblk_cmd *cmd)
{
	loff_t pos = dev->offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT);
	loff_t len = blk_rq_bytes(rq);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		return vfsblk_rw(dev, rq, cmd, ITER_DEST);
	case REQ_OP_WRITE:
		return vfsblk_rw(dev, rq, cmd, ITER_SOURCE);
	case REQ_OP_FLUSH:
		/* A read-only device has nothing of its own to sync. */
		if ((dev->flags & VFSBLK_FLAG_READ_ONLY) ||
		    READ_ONCE(vfsblk_skip_flush))
			return 0;
		return vfs_fsync(dev->backing, 1);
	case REQ_OP_DISCARD:
		return vfsblk_synced(dev, rq, pos, len,
				     vfsblk_discard(dev, pos, len));
	case REQ_OP_WRITE_ZEROES:
		return vfsblk_synced(dev, rq, pos, len,
				     vfsblk_write_zeroes(dev, rq, pos, len));
	default:
		return -EOPNOTSUPP;
	}
}

/* Count a finished request and end it. */
static void vfsblk_end(struct request *rq, int ret)
{
	struct vfsblk_device *dev = rq->q->queuedata;
	struct vfsblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		atomic64_inc(&dev->stats.reads);
		break;
	case REQ_OP_WRITE:
		atomic64_inc(&dev->stats.writes);
		break;
	case REQ_OP_FLUSH:
		atomic64_inc(&dev->stats.flushes);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		atomic64_inc(&dev->stats.discards);
		break;
	default:
		break;
	}
	if (ret)
		atomic64_inc(&dev->stats.errors);
	/* Before the end: its submitter may send the next one at once. */
	if (cmd->batched) {
		cmd->batched = false;
		atomic_dec(&dev->batch_pending);
	}
	blk_mq_end_request(rq, errno_to_blk_status(ret));
}

/* ->complete of a request ended by blk_mq_complete_request(). */
static void vfsblk_complete_rq(struct request *rq)
{
	struct vfsblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	vfsblk_end(rq, cmd->ret);
}

/*
 * Serve a FLUSH of a direct I/O device from the calling task, a datasync
 * of the backing file, rather than hand it to a worker: the block layer's
 * flush machinery calls queue_rq() for it from a kblockd work item (never
 * from the task that asked for the flush, which waits), and one more
 * hand-off would only add a wake-up. With direct I/O the backing file holds
 * no dirty page of the device, so the datasync writes back no data of it:
 * it commits the file's metadata and flushes the backing device, which
 * keeps the queue's dispatch from waiting long. A device with buffered I/O
 * keeps serving its flushes from a worker: their datasync writes back
 * every page the device dirtied. Returns false when the request must go
 * to a worker, for the reasons vfsblk_submit_inline() gives; the
 * filesystem likewise runs with what &struct vfsblk_aside lists set aside.
 */
static bool vfsblk_flush_inline(struct vfsblk_device *dev,
				struct request *rq, struct vfsblk_cmd *cmd)
{
	struct vfsblk_aside aside;
	int ret;

	if (!vfsblk_inline_allowed(dev) || !dev->dio || current->journal_info)
		return false;

	vfsblk_set_aside(&aside);
	ret = vfsblk_do_cmd(dev, rq, cmd);
	vfsblk_restore_aside(&aside);

	atomic64_inc(&dev->stats.inline_flushes);
	vfsblk_end(rq, ret);
	return true;
}

/*
 * The task flags a worker serves requests with, as loop's workers do:
 * its allocations must not recurse into I/O that may wait for it
 * (PF_MEMALLOC_NOIO), and its writes to the backing file are throttled
 * against the dirty pages of the backing file's device only
 * (PF_LOCAL_THROTTLE): the dirty pages of a filesystem on this device
 * count in the global dirty limits too, and only this worker can clean
 * them. Returns the flags to give back to vfsblk_worker_exit().
 */
static unsigned int vfsblk_worker_enter(void)
{
	unsigned int old = current->flags &
			   (PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE);

	current->flags |= PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE;
	return old;
}

static void vfsblk_worker_exit(unsigned int old)
{
	current_restore_flags(old, PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE);
}

static void vfsblk_cmd_workfn(struct work_struct *work)
{
	struct vfsblk_cmd *cmd = container_of(work, struct vfsblk_cmd, work);
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct vfsblk_device *dev = rq->q->queuedata;
	unsigned int pflags;
	int ret;

	pflags = vfsblk_worker_enter();
	ret = vfsblk_do_cmd(dev, rq, cmd);
	vfsblk_worker_exit(pflags);

	vfsblk_end(rq, ret);
}

/*
 * Serve one request of the batch list: a direct READ or WRITE is started
 * asynchronously (it may block here, and its bios join the worker's plug,
 * so that a batch reaches the backing device together), a buffered WRITE,
 * or a direct WRITE that now ends past the end of the file, is done
 * synchronously and completed with others (vfsblk_batch_workfn()).
 */
static void vfsblk_batch_one(struct vfsblk_device *dev, struct request *rq,
			     struct vfsblk_cmd *cmd)
{
	bool write = req_op(rq) == REQ_OP_WRITE;

	if (dev->dio && !(write && vfsblk_past_eof(dev, rq)) &&
	    vfsblk_start_async(dev, rq, cmd, write ? ITER_SOURCE : ITER_DEST,
			       false))
		return;
	cmd->ret = vfsblk_do_cmd(dev, rq, cmd);
	vfsblk_batch_gather(dev, cmd);
}

/* Complete the requests the batch worker gathered on its batch_done. */
static void vfsblk_batch_complete(struct vfsblk_device *dev)
{
	struct vfsblk_cmd *cmd, *next;

	list_for_each_entry_safe(cmd, next, &dev->batch_done, list) {
		list_del_init(&cmd->list);
		blk_mq_complete_request(blk_mq_rq_from_pdu(cmd));
	}
	dev->batch_ndone = 0;
}

/**
 * vfsblk_batch_workfn() - serve the requests of the batch list.
 * @work: &vfsblk_device.batch_work.
 *
 * Runs on the device's workqueue, which never runs it twice at once: the
 * requests of &vfsblk_device.batch_list are served in the order they came,
 * one at a time, under one plug, until the list stays empty.
 *
 * A request whose backing file served it within the worker's call (a RAM
 * disk, say), and one the worker served synchronously (a buffered WRITE),
 * is completed with up to %VFSBLK_BATCH_DONE - 1 others, when the worker
 * has served them or the list it took runs out: what its completion wakes
 * (a work item of a filesystem on the device, the task waiting for it)
 * then wakes once for several.
 */
void vfsblk_batch_workfn(struct work_struct *work)
{
	struct vfsblk_device *dev =
		container_of(work, struct vfsblk_device, batch_work);
	struct vfsblk_cmd *cmd, *next;
	struct blk_plug plug;
	unsigned int pflags;
	LIST_HEAD(batch);

	pflags = vfsblk_worker_enter();
	WRITE_ONCE(dev->batch_runner, current);
	blk_start_plug(&plug);
	for (;;) {
		spin_lock(&dev->batch_lock);
		list_splice_init(&dev->batch_list, &batch);
		spin_unlock(&dev->batch_lock);
		if (list_empty(&batch))
			break;
		list_for_each_entry_safe(cmd, next, &batch, list) {
			list_del_init(&cmd->list);
			vfsblk_batch_one(dev, blk_mq_rq_from_pdu(cmd), cmd);
			if (dev->batch_ndone >= VFSBLK_BATCH_DONE)
				vfsblk_batch_complete(dev);
			cond_resched();
		}
		vfsblk_batch_complete(dev);
	}
	blk_finish_plug(&plug);
	/* The plug's flush may have served more within this task. */
	WRITE_ONCE(dev->batch_runner, NULL);
	vfsblk_batch_complete(dev);
	vfsblk_worker_exit(pflags);
}

/*
 * Start serving the batch list. A request the caller added is seen here;
 * one added by another task is that task's to start.
 */
static void vfsblk_start_batch(struct vfsblk_device *dev)
{
	if (!list_empty(&dev->batch_list))
		queue_work(dev->wq, &dev->batch_work);
}

/* The block layer ended a batch early: start what queue_rq() kept back. */
static void vfsblk_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	vfsblk_start_batch(hctx->queue->queuedata);
}

/*
 * Direct requests each CPU counted for the probes of vfsblk_batch_dio(),
 * whatever their device: one counter per CPU, so that tasks submitting
 * on many CPUs do not share one cache line for it.
 */
static DEFINE_PER_CPU(unsigned int, vfsblk_batch_probe);

/*
 * Should a direct READ or WRITE the submitting task could start itself go
 * to the batch list instead? The worker starts the batch on another CPU,
 * under one plug, while the submitter goes on queueing: the two overlap,
 * as they do for loop. Yes
 * - while the backing file holds queued the last call the task started
 *   itself from the request's hardware queue (&struct vfsblk_queue):
 *   the task submits without waiting for each request, the file
 *   completes its I/O later, not within the call (a virtio disk, not a
 *   RAM disk), and starting it costs the submitter most of the time of
 *   a request (on a virtual machine, a notification of the host per
 *   call). A task that waits for each request never finds a call of
 *   its own queued when it submits, however many calls other tasks
 *   hold queued. Tasks that share a hardware queue (a CPU) take its
 *   mark from one another, and then serve more of their requests
 *   themselves;
 * - for a request of a task that has one of its own in the batch list
 *   or in the worker (as far as the device tells: it remembers one task,
 *   that of its last probe, and counts the pending requests of all), and
 *   for the task's next %VFSBLK_BATCH_STICK direct ones: it submits
 *   without waiting for each (libaio at a queue depth above 1), so the
 *   worker's CPU adds to its own even when the file completes every
 *   call within it (a RAM disk). They go over whether or not the
 *   worker has caught up meanwhile: a task that took its requests back
 *   whenever the list ran empty would end up serving most of them
 *   itself, with the worker idle between its probes. For the same
 *   reason the task gets another %VFSBLK_BATCH_STICK if it submitted
 *   any of them while one was pending (batch_seen), not only if one is
 *   pending when they run out: the worker empties the list often, and
 *   a task that waits for each request never finds one pending. A
 *   direct request of another task ends that count: tasks submitting
 *   side by side bring CPUs of their own, and only their pending
 *   requests go over;
 * - for one request in %VFSBLK_BATCH_PROBE on each CPU, which finds
 *   such a task.
 * Tasks that wait for each request (queue depth 1), however many side
 * by side, keep serving their own requests, with no hand-off but for the
 * probes, however slow the backing file: a hand-off would only add a
 * wake-up to the wait for each.
 * The device's batch_task, batch_stick and batch_seen, and the queue's
 * mark, are read and written without a lock, from whichever CPU submits:
 * a lost update only moves a hand-off.
 */
static bool vfsblk_batch_dio(struct vfsblk_device *dev, struct request *rq)
{
	struct vfsblk_queue *q = rq->mq_hctx->driver_data;

	if (!dev->dio)
		return false;
	if (READ_ONCE(q->cmd) && READ_ONCE(q->task) == current)
		return true;
	if (READ_ONCE(dev->batch_task) == current) {
		unsigned int stick = READ_ONCE(dev->batch_stick);
		bool seen = READ_ONCE(dev->batch_seen);

		if (stick) {
			if (!seen && atomic_read(&dev->batch_pending) > 0)
				WRITE_ONCE(dev->batch_seen, true);
			WRITE_ONCE(dev->batch_stick, stick - 1);
			return true;
		}
		if (seen || atomic_read(&dev->batch_pending) > 0) {
			WRITE_ONCE(dev->batch_seen, false);
			WRITE_ONCE(dev->batch_stick, VFSBLK_BATCH_STICK);
			return true;
		}
	} else {
		if (READ_ONCE(dev->batch_stick))
			WRITE_ONCE(dev->batch_stick, 0);
		if (READ_ONCE(dev->batch_seen))
			WRITE_ONCE(dev->batch_seen, false);
	}
	if (this_cpu_inc_return(vfsblk_batch_probe) & (VFSBLK_BATCH_PROBE - 1))
		return false;
	WRITE_ONCE(dev->batch_task, current);
	WRITE_ONCE(dev->batch_stick, 0);
	WRITE_ONCE(dev->batch_seen, false);
	return true;
}

/*
 * Must a direct READ go to the batch worker, whatever vfsblk_batch_dio()
 * says? Yes when @dev->dio_read_locks: btrfs takes its inode lock for a
 * direct read whatever IOCB_NOWAIT says, so the submitting task would
 * take it under the locks it may hold: a page fault on a file of a
 * filesystem on this device holds its mmap_lock and that file's
 * invalidate_lock. A task reading a btrfs file with O_DIRECT takes them
 * the other way round, the inode lock and then its mmap_lock to pin its
 * pages (lockdep sees a cycle). The worker holds none of the submitter's
 * locks. btrfs takes the lock only if it can for a write with IOCB_NOWAIT.
 */
static bool vfsblk_read_must_batch(const struct vfsblk_device *dev,
				   const struct request *rq)
{
	return dev->dio_read_locks && dev->dio && req_op(rq) == REQ_OP_READ;
}

static void vfsblk_batch_add(struct vfsblk_device *dev, struct vfsblk_cmd *cmd)
{
	spin_lock(&dev->batch_lock);
	list_add_tail(&cmd->list, &dev->batch_list);
	spin_unlock(&dev->batch_lock);
}

/* Hand @rq to what serves it (see the top of this file). */
static void vfsblk_dispatch(struct vfsblk_device *dev, struct request *rq,
			    struct vfsblk_cmd *cmd)
{
	unsigned int dir;

	if (req_op(rq) == REQ_OP_FLUSH && vfsblk_flush_inline(dev, rq, cmd))
		return;
	if (vfsblk_async_dir(dev, rq, &dir)) {
		if (vfsblk_read_must_batch(dev, rq) ||
		    vfsblk_batch_dio(dev, rq)) {
			cmd->batched = true;
			atomic_inc(&dev->batch_pending);
			vfsblk_batch_add(dev, cmd);
			return;
		}
		if (vfsblk_submit_inline(dev, rq, cmd, dir))
			return;
	}
	if (req_op(rq) == REQ_OP_WRITE && !dev->dio)
		vfsblk_batch_add(dev, cmd);
	else
		queue_work(dev->wq, &cmd->work);
}

static blk_status_t vfsblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				    const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct vfsblk_device *dev = rq->q->queuedata;
	struct vfsblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_start_request(rq);

	/*
	 * The block layer lets writes reach a read-only disk; a read-only
	 * device never writes its file, whatever is asked.
	 */
	if (op_is_write(req_op(rq)) && (dev->flags & VFSBLK_FLAG_READ_ONLY)) {
		atomic64_inc(&dev->stats.errors);
		return BLK_STS_IOERR;
	}
	/* It may fill or make a hole: the last close looks again. */
	if (req_op(rq) != REQ_OP_READ && req_op(rq) != REQ_OP_FLUSH &&
	    !READ_ONCE(dev->wc_recheck))
		WRITE_ONCE(dev->wc_recheck, true);

	vfsblk_dispatch(dev, rq, cmd);
	/*
	 * The batch list waits for the last request of a batch, whatever
	 * that is, or for ->commit_rqs when the block layer ends it early.
	 */
	if (bd->last)
		vfsblk_start_batch(dev);
	return BLK_STS_OK;
}

static int vfsblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			       unsigned int hctx_idx, unsigned int numa_node)
{
	struct vfsblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, vfsblk_cmd_workfn);
	INIT_LIST_HEAD(&cmd->list);
	cmd->bvec = NULL;
	cmd->sb_writers = false;
	cmd->inline_submit = false;
	cmd->batched = false;
	return 0;
}

/* Each hardware queue's &struct vfsblk_queue, until vfsblk_exit_hctx(). */
static int vfsblk_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			    unsigned int hctx_idx)
{
	struct vfsblk_queue *q;

	q = kzalloc_node(sizeof(*q), GFP_KERNEL, hctx->numa_node);
	if (!q)
		return -ENOMEM;
	hctx->driver_data = q;
	return 0;
}

/* The queue is going: no request is left on it. */
static void vfsblk_exit_hctx(struct blk_mq_hw_ctx *hctx,
			     unsigned int hctx_idx)
{
	kfree(hctx->driver_data);
	hctx->driver_data = NULL;
}

const struct blk_mq_ops vfsblk_mq_ops = {
	.queue_rq	= vfsblk_queue_rq,
	.commit_rqs	= vfsblk_commit_rqs,
	.complete	= vfsblk_complete_rq,
	.init_request	= vfsblk_init_request,
	.init_hctx	= vfsblk_init_hctx,
	.exit_hctx	= vfsblk_exit_hctx,
};

