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

static ssize_t read_only_show(struct device *d,
			      struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%d\n",
			  !!(READ_ONCE(dev->flags) & VFSBLK_FLAG_READ_ONLY));
}

static ssize_t autoclear_show(struct device *d,
			      struct device_attribute *attr, char *buf)
{
	struct vfsblk_device *dev = vfsblk_from_dev(d);

	return sysfs_emit(buf, "%d\n",
			  !!(READ_ONCE(dev->flags) & VFSBLK_FLAG_AUTOCLEAR));
}

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	static const char * const names[] = {
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
};

static DEVICE_ATTR_RO(backing_file);
static DEVICE_ATTR_RO(read_only);
static DEVICE_ATTR_RO(autoclear);
static DEVICE_ATTR_RO(state);

static struct attribute *vfsblk_attrs[] = {
	&dev_attr_backing_file.attr,
	&dev_attr_read_only.attr,
	&dev_attr_autoclear.attr,
	&dev_attr_state.attr,
	&vfsblk_stat_attrs[0].attr.attr,
	&vfsblk_stat_attrs[1].attr.attr,
	&vfsblk_stat_attrs[2].attr.attr,
	&vfsblk_stat_attrs[3].attr.attr,
	&vfsblk_stat_attrs[4].attr.attr,
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
