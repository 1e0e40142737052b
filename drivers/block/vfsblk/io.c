// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: the I/O path.
 *
 * queue_rq() hands each request to an unbound workqueue (its work item lives
 * in the request's pdu, so nothing is allocated); the worker serves it with
 * one VFS call on the backing file: one kiocb and one bvec iov_iter over
 * every segment of the request, direct or buffered as the device's mode
 * says, at the device's offset in the file. FLUSH is a datasync of the
 * file, FUA a
 * synchronous write of its range, DISCARD a hole punch and WRITE_ZEROES a
 * hole punch, a ZERO_RANGE or, when the backing filesystem has neither, a
 * write of zeroes.
 */

#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "vfsblk.h"

/* Runs requests; WQ_MEM_RECLAIM because writeback may depend on it. */
static struct workqueue_struct *vfsblk_io_wq;

static int vfsblk_rw(struct vfsblk_device *dev, struct request *rq,
		     struct vfsblk_cmd *cmd, unsigned int dir)
{
	struct file *file = dev->backing;
	size_t len = blk_rq_bytes(rq);
	struct req_iterator rq_iter;
	struct iov_iter iter;
	struct bio_vec *bvec;
	struct bio_vec tmp;
	unsigned int nr = 0;
	unsigned int offset = 0;
	ssize_t ret;

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

	iov_iter_bvec(&iter, dir, bvec, nr, len);
	iter.iov_offset = offset;

	cmd->iocb = (struct kiocb) {
		.ki_filp = file,
		.ki_pos = dev->offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT),
	};
	if (dev->dio)
		cmd->iocb.ki_flags |= IOCB_DIRECT;
	else if (dev->dio_request != VFSBLK_DIO_OFF)
		atomic64_inc(&dev->stats.buffered_fallbacks);

	if (dir == ITER_SOURCE) {
		if (rq->cmd_flags & REQ_FUA)
			cmd->iocb.ki_flags |= IOCB_DSYNC;
		file_start_write(file);
		ret = file->f_op->write_iter(&cmd->iocb, &iter);
		file_end_write(file);
	} else {
		ret = file->f_op->read_iter(&cmd->iocb, &iter);
	}

	if (cmd->bvec && cmd->bvec != cmd->inline_bvec)
		kfree(cmd->bvec);
	cmd->bvec = NULL;

	if (ret < 0)
		return ret;
	/*
	 * A short transfer means the file ended (it was truncated under the
	 * device) or the filesystem gave up: an error, never stale data.
	 */
	if (ret != len)
		return -EIO;
	return 0;
}

/* Write zeroes over [pos, pos + len) with ordinary writes of the zero page. */
static int vfsblk_write_zero_pages(struct vfsblk_device *dev,
				   struct vfsblk_cmd *cmd, loff_t pos,
				   loff_t len)
{
	struct file *file = dev->backing;
	struct iov_iter iter;
	unsigned int i;
	ssize_t ret = 0;

	for (i = 0; i < VFSBLK_INLINE_BVECS; i++)
		cmd->inline_bvec[i] = (struct bio_vec) {
			.bv_page = ZERO_PAGE(0),
			.bv_len = PAGE_SIZE,
		};

	while (len > 0) {
		size_t chunk = min_t(loff_t, len,
				     VFSBLK_INLINE_BVECS * PAGE_SIZE);
		struct kiocb iocb = {
			.ki_filp = file,
			.ki_pos = pos,
		};

		iov_iter_bvec(&iter, ITER_SOURCE, cmd->inline_bvec,
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
static int vfsblk_write_zeroes(struct vfsblk_device *dev,
			       struct vfsblk_cmd *cmd, struct request *rq,
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
	return vfsblk_write_zero_pages(dev, cmd, pos, len);
}

static int vfsblk_do_cmd(struct vfsblk_device *dev, struct request *rq,
			 struct vfsblk_cmd *cmd)
{
	loff_t pos = dev->offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT);
	loff_t len = blk_rq_bytes(rq);

	switch (req_op(rq)) {
	case REQ_OP_READ:
		atomic64_inc(&dev->stats.reads);
		return vfsblk_rw(dev, rq, cmd, ITER_DEST);
	case REQ_OP_WRITE:
		atomic64_inc(&dev->stats.writes);
		return vfsblk_rw(dev, rq, cmd, ITER_SOURCE);
	case REQ_OP_FLUSH:
		atomic64_inc(&dev->stats.flushes);
		/* A read-only device has nothing of its own to sync. */
		if (dev->flags & VFSBLK_FLAG_READ_ONLY)
			return 0;
		return vfs_fsync(dev->backing, 1);
	case REQ_OP_DISCARD:
		atomic64_inc(&dev->stats.discards);
		return vfsblk_discard(dev, pos, len);
	case REQ_OP_WRITE_ZEROES:
		atomic64_inc(&dev->stats.discards);
		return vfsblk_write_zeroes(dev, cmd, rq, pos, len);
	default:
		return -EOPNOTSUPP;
	}
}

static void vfsblk_cmd_workfn(struct work_struct *work)
{
	struct vfsblk_cmd *cmd = container_of(work, struct vfsblk_cmd, work);
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct vfsblk_device *dev = rq->q->queuedata;
	unsigned int noio;
	int ret;

	/* Allocations below must not recurse into I/O that waits on us. */
	noio = memalloc_noio_save();
	ret = vfsblk_do_cmd(dev, rq, cmd);
	memalloc_noio_restore(noio);

	if (ret)
		atomic64_inc(&dev->stats.errors);
	blk_mq_end_request(rq, errno_to_blk_status(ret));
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

	queue_work(vfsblk_io_wq, &cmd->work);
	return BLK_STS_OK;
}

static int vfsblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			       unsigned int hctx_idx, unsigned int numa_node)
{
	struct vfsblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, vfsblk_cmd_workfn);
	cmd->bvec = NULL;
	return 0;
}

const struct blk_mq_ops vfsblk_mq_ops = {
	.queue_rq	= vfsblk_queue_rq,
	.init_request	= vfsblk_init_request,
};

int vfsblk_io_init(void)
{
	vfsblk_io_wq = alloc_workqueue("vfsblk_io",
				       WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return vfsblk_io_wq ? 0 : -ENOMEM;
}

void vfsblk_io_exit(void)
{
	destroy_workqueue(vfsblk_io_wq);
}
