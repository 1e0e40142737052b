// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblk: per-device attributes in /sys/block/vfsblkN/vfsblk/.
 *
 * The attributes belong to the gendisk's device; del_gendisk() removes them
 * and waits for readers before the teardown releases the backing file, so
 * a reader always sees a bound device.
 */

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "vfsblk.h"

static struct vfsblk_device *vfsblk_from_dev(struct device *d)
{
	return dev_to_disk(d)->private_data;
}

static ssize_t backing_file_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);
	char *path;
	size_t len;

	/* d_path() fills from the end of the page; move it to the start. */
	path = d_path(&dev->backing->f_path, buf, PAGE_SIZE - 1);
	if (IS_ERR(path))
		return PTR_ERR(path);
	len = strlen(path);
	memmove(buf, path, len);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

static ssize_t backing_dev_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	dev_t devt = vfsblk_backing_devt(vfsblk_from_dev(d));

	return sysfs_emit(buf, "%u:%u\n", MAJOR(devt), MINOR(devt));
}

static ssize_t backing_inode_show(struct device *d,
				  struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%lu\n", file_inode(dev->backing)->i_ino);
}

static ssize_t offset_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(dev->offset));
}

static ssize_t size_limit_show(struct device *d,
			       struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(dev->size_limit));
}

/* A flag of vfsblk_device.flags as 0 or 1. */
static ssize_t vfsblk_flag_show(struct device *d, char *buf, u64 flag)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%d\n", !!(READ_ONCE(dev->flags) & flag));
}

static ssize_t read_only_show(struct device *d,
			      struct device_attribute *attr, char *buf)
{
	return vfsblk_flag_show(d, buf, VFSBLK_FLAG_READ_ONLY);
}

static ssize_t read_only_reason_show(struct device *d,
				     struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	if (dev->file_ro)
		return sysfs_emit(buf, "file\n");
	if (READ_ONCE(dev->flags) & VFSBLK_FLAG_READ_ONLY)
		return sysfs_emit(buf, "requested\n");
	return sysfs_emit(buf, "none\n");
}

static ssize_t autoclear_show(struct device *d,
			      struct device_attribute *attr, char *buf)
{
	return vfsblk_flag_show(d, buf, VFSBLK_FLAG_AUTOCLEAR);
}

static ssize_t partscan_show(struct device *d,
			     struct device_attribute *attr, char *buf)
{
	return vfsblk_flag_show(d, buf, VFSBLK_FLAG_PARTSCAN);
}

static ssize_t owned_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	return vfsblk_flag_show(d, buf, VFSBLK_FLAG_OWNED);
}

static ssize_t dio_show(struct device *d, struct device_attribute *attr,
			char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%d\n", READ_ONCE(dev->dio));
}

static ssize_t dio_request_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	static const char * const names[] = {
		[VFSBLK_DIO_OFF]	= "off",
		[VFSBLK_DIO_ON]		= "on",
		[VFSBLK_DIO_STRICT]	= "strict",
	};
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(dev->dio_request)]);
}

static ssize_t dio_reason_show(struct device *d,
			       struct device_attribute *attr, char *buf)
{
	static const char * const names[] = {
		[VFSBLK_DIO_REASON_NONE]	= "none",
		[VFSBLK_DIO_REASON_UNSUPPORTED]	= "unsupported",
		[VFSBLK_DIO_REASON_ALIGNMENT]	= "alignment",
	};
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(dev->dio_reason)]);
}

static ssize_t name_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", vfsblk_from_dev(d)->name);
}

static ssize_t discard_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);
	bool on = !(READ_ONCE(dev->flags) & VFSBLK_FLAG_READ_ONLY) &&
		  vfsblk_can_punch(dev);

	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
		[VFSBLK_BUILDING]	= "building",
		[VFSBLK_BOUND]		= "bound",
		[VFSBLK_RUNDOWN]	= "rundown",
		[VFSBLK_DELETING]	= "deleting",
	};
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(dev->state)]);
}

/* A counter of struct vfsblk_stats, found by its offset. */
struct vfsblk_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t vfsblk_stat_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);
	size_t offset = container_of(attr, struct vfsblk_stat_attr,
				     attr)->offset;
	atomic64_t *counter = (void *)&dev->stats + offset;

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(counter));
}

static struct vfsblk_stat_attr vfsblk_stat_attrs[] = {
	{ __ATTR(reads, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, reads) },
	{ __ATTR(writes, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, writes) },
	{ __ATTR(flushes, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, flushes) },
	{ __ATTR(discards, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, discards) },
	{ __ATTR(errors, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, errors) },
	{ __ATTR(buffered_fallbacks, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, buffered_fallbacks) },
	{ __ATTR(inline_submits, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, inline_submits) },
	{ __ATTR(batched_submits, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, batched_submits) },
	{ __ATTR(inline_flushes, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, inline_flushes) },
	{ __ATTR(inline_misses, 0444, vfsblk_stat_show, NULL),
	  offsetof(struct vfsblk_stats, inline_misses) },
};

static DEVICE_ATTR_RO(backing_file);
static DEVICE_ATTR_RO(backing_dev);
static DEVICE_ATTR_RO(backing_inode);
static DEVICE_ATTR_RO(offset);
static DEVICE_ATTR_RO(size_limit);
static DEVICE_ATTR_RO(read_only);
static DEVICE_ATTR_RO(read_only_reason);
static DEVICE_ATTR_RO(dio);
static DEVICE_ATTR_RO(dio_request);
static DEVICE_ATTR_RO(dio_reason);
static DEVICE_ATTR_RO(autoclear);
static DEVICE_ATTR_RO(partscan);
static DEVICE_ATTR_RO(owned);
static DEVICE_ATTR_RO(name);
static DEVICE_ATTR_RO(discard);
static DEVICE_ATTR_RO(state);

static struct attribute *vfsblk_attrs[] = {
	&dev_attr_backing_file.attr,
	&dev_attr_backing_dev.attr,
	&dev_attr_backing_inode.attr,
	&dev_attr_offset.attr,
	&dev_attr_size_limit.attr,
	&dev_attr_read_only.attr,
	&dev_attr_read_only_reason.attr,
	&dev_attr_dio.attr,
	&dev_attr_dio_request.attr,
	&dev_attr_dio_reason.attr,
	&dev_attr_autoclear.attr,
	&dev_attr_partscan.attr,
	&dev_attr_owned.attr,
	&dev_attr_name.attr,
	&dev_attr_discard.attr,
	&dev_attr_state.attr,
	&vfsblk_stat_attrs[0].attr.attr,
	&vfsblk_stat_attrs[1].attr.attr,
	&vfsblk_stat_attrs[2].attr.attr,
	&vfsblk_stat_attrs[3].attr.attr,
	&vfsblk_stat_attrs[4].attr.attr,
	&vfsblk_stat_attrs[5].attr.attr,
	&vfsblk_stat_attrs[6].attr.attr,
	&vfsblk_stat_attrs[7].attr.attr,
	&vfsblk_stat_attrs[8].attr.attr,
	&vfsblk_stat_attrs[9].attr.attr,
	NULL,
};

static const struct attribute_group vfsblk_attr_group = {
	.name	= "vfsblk",
	.attrs	= vfsblk_attrs,
};

/* Passed to device_add_disk(): created with the disk, removed with it. */
const struct attribute_group *vfsblk_disk_groups[] = {
	&vfsblk_attr_group,
	NULL,
};
