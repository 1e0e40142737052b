/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfsblk: block devices backed by regular files.
 *
 * This header is the control ABI of the vfsblk module. It is driven through
 * ioctls on the misc device /dev/vfsblk-control (mode 0600); every command
 * needs CAP_SYS_ADMIN.
 *
 * Conventions shared by every command:
 *
 * - Each argument struct starts with a __u32 @size that the caller sets to
 *   sizeof() the struct as it knows it. The kernel accepts any @size from
 *   the command's first published size up to one page: bytes it does not
 *   know must be zero (else -E2BIG), fields a caller's older struct lacks
 *   read as zero. A @size below the first published size gives -EINVAL.
 * - Commands are matched on their type (%VFSBLK_IOC_MAGIC), number and
 *   direction; the size bits of the command are not used, @size is.
 *   Anything else gives -ENOTTY.
 * - Reserved fields and unknown flag bits must be zero (else -EINVAL).
 * - Output is written back over the whole struct, up to @size bytes;
 *   reserved and padding bytes come back zero.
 * - Pointers to user memory travel as __u64.
 */
#ifndef _UAPI_LINUX_VFSBLK_H
#define _UAPI_LINUX_VFSBLK_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* VFSBLK_CONTROL_NAME - name of the control node under /dev. */
#define VFSBLK_CONTROL_NAME	"vfsblk-control"

/*
 * VFSBLK_ABI_VERSION - version of this ABI, reported by GET_FEATURES.
 * 1: GET_FEATURES, ADD, REMOVE, INFO, LIST.
 * 2: ADD grows offset, size limit, block size, direct I/O, partition scan,
 *    owner descriptor, name and queue shape; INFO reports them; SET.
 *    An ADD of a file not open for writing makes a read-only device
 *    instead of failing with -EBADF.
 */
#define VFSBLK_ABI_VERSION	2

/* VFSBLK_INDEX_ANY - &vfsblk_add.index value asking for any free index. */
#define VFSBLK_INDEX_ANY	0xffffffffU

/*
 * Device flags, in &vfsblk_add.flags (request) and &vfsblk_info.flags
 * (in effect).
 */
/* VFSBLK_FLAG_READ_ONLY - the device refuses writes; the file is never written. */
#define VFSBLK_FLAG_READ_ONLY	(1ULL << 0)
/* VFSBLK_FLAG_AUTOCLEAR - the device is removed at its last close. */
#define VFSBLK_FLAG_AUTOCLEAR	(1ULL << 1)
/* VFSBLK_FLAG_PARTSCAN - partitions are scanned: /dev/vfsblk<N>p<M>. */
#define VFSBLK_FLAG_PARTSCAN	(1ULL << 2)
/*
 * VFSBLK_FLAG_OWNED - ADD returns an owner descriptor in
 * &vfsblk_add.owner_fd; the device is removed when it is closed (at once
 * if the device is unused, else at its last close). In INFO: the owner
 * descriptor is still open.
 */
#define VFSBLK_FLAG_OWNED	(1ULL << 3)
/*
 * VFSBLK_FLAG_FILE_READ_ONLY - INFO only: the backing file cannot be
 * written (not open for writing, or on a read-only mount or device), so
 * the device is read-only whatever was asked.
 */
#define VFSBLK_FLAG_FILE_READ_ONLY	(1ULL << 8)
/*
 * VFSBLK_FLAG_NO_DISCARD - INFO only: the backing file cannot punch
 * holes, so the device does not advertise discard.
 */
#define VFSBLK_FLAG_NO_DISCARD	(1ULL << 9)
/*
 * VFSBLK_FLAG_WRITE_THROUGH - INFO only: the device announces no volatile
 * write cache (its queue's write_cache attribute reads "write through"),
 * so every write reaches stable storage of the backing file before it
 * completes and no flush is needed. The default for a device doing direct
 * I/O on a file whose block device has no volatile write cache, when its
 * window of the file has no hole (unallocated or unwritten blocks), as
 * found at ADD and again at the last close after writes or discards.
 */
#define VFSBLK_FLAG_WRITE_THROUGH	(1ULL << 10)
/* VFSBLK_ADD_FLAGS - every flag &vfsblk_add.flags accepts. */
#define VFSBLK_ADD_FLAGS	(VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR | \
				 VFSBLK_FLAG_PARTSCAN | VFSBLK_FLAG_OWNED)

/* VFSBLK_NAME_LEN - size of a device name buffer, terminating NUL included. */
#define VFSBLK_NAME_LEN		32

/* VFSBLK_DIO_OFF - direct I/O request: buffered I/O on the backing file. */
#define VFSBLK_DIO_OFF		0
/*
 * VFSBLK_DIO_ON - direct I/O request: direct I/O when the backing file
 * allows it, else buffered; &vfsblk_info.dio_reason says why.
 */
#define VFSBLK_DIO_ON		1
/*
 * VFSBLK_DIO_STRICT - direct I/O request: direct I/O or fail (ADD and
 * SET fail with -EOPNOTSUPP or -EINVAL, see &struct vfsblk_add).
 */
#define VFSBLK_DIO_STRICT	2

/* VFSBLK_DIO_REASON_NONE - &vfsblk_info.dio_reason: the mode asked for. */
#define VFSBLK_DIO_REASON_NONE		0
/*
 * VFSBLK_DIO_REASON_UNSUPPORTED - &vfsblk_info.dio_reason: the backing
 * filesystem has no direct I/O (tmpfs before Linux 6.6, 9p, ...).
 */
#define VFSBLK_DIO_REASON_UNSUPPORTED	1
/*
 * VFSBLK_DIO_REASON_ALIGNMENT - &vfsblk_info.dio_reason: the block size or
 * the offset is not a multiple of the backing file's direct I/O alignment
 * (&vfsblk_info.dio_align).
 */
#define VFSBLK_DIO_REASON_ALIGNMENT	2

/**
 * struct vfsblk_features - what the loaded module supports.
 * @size: in: sizeof(struct vfsblk_features) as the caller knows it.
 * @abi_version: out: %VFSBLK_ABI_VERSION of the module.
 * @add_flags: out: the flags %VFSBLK_CTL_ADD accepts.
 * @max_index: out: the largest device index the module can create.
 * @minors: out: minor numbers per device: a partitioned device has at
 *	most @minors - 1 partitions (module parameter ``minors``).
 * @set_changes: out: the %VFSBLK_SET_* bits %VFSBLK_CTL_SET accepts.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_GET_FEATURES. Cannot fail but for -EFAULT, -EINVAL,
 * -E2BIG and -EPERM.
 */
struct vfsblk_features {
	__u32 size;
	__u32 abi_version;
	__u64 add_flags;
	__u32 max_index;
	__u32 minors;
	__u64 set_changes;
	__u64 reserved[3];
};

/* VFSBLK_FEATURES_SIZE_VER0 - first published size of &vfsblk_features. */
#define VFSBLK_FEATURES_SIZE_VER0	56

/**
 * struct vfsblk_add - create a device bound to an open file, in one step.
 * @size: in: sizeof(struct vfsblk_add) as the caller knows it.
 * @fd: in: descriptor of the backing file: a regular file or a block
 *	device, open for reading. The device holds its own reference to the
 *	open file; the caller may close @fd afterwards. A file not open for
 *	writing (or on a read-only mount or device) makes a read-only device,
 *	flagged %VFSBLK_FLAG_FILE_READ_ONLY in INFO.
 * @index: in: the index wanted, or %VFSBLK_INDEX_ANY for the lowest free
 *	one; out: the index of the new device /dev/vfsblk<index>.
 * @block_size: in: logical block size of the device: 512, 1024, 2048 or
 *	4096; 0 means 512.
 * @flags: in: %VFSBLK_FLAG_* of %VFSBLK_ADD_FLAGS.
 * @offset: in: byte offset in the file where the device starts; a
 *	multiple of 512.
 * @size_limit: in: largest size of the device in bytes, a multiple of 512,
 *	or 0 for up to the end of the file.
 * @dio: in: %VFSBLK_DIO_OFF, %VFSBLK_DIO_ON or %VFSBLK_DIO_STRICT.
 * @owner_fd: out: with %VFSBLK_FLAG_OWNED, a new close-on-exec descriptor
 *	that owns the device; else 0.
 * @nr_queues: in: number of hardware queues, 1 to 64, or 0 for one per
 *	online CPU (at most 16).
 * @queue_depth: in: requests per hardware queue, 1 to 1024, or 0 for 128.
 * @reserved: must be zero.
 * @name: in: optional name of the device, shown in INFO and sysfs and
 *	sent in uevents as VFSBLK_NAME: up to %VFSBLK_NAME_LEN - 1
 *	characters of ``[A-Za-z0-9._-]``, not starting with ``.``, NUL
 *	terminated and NUL padded; all zero for none. Names are unique.
 * @reserved2: must be zero.
 *
 * Used with %VFSBLK_CTL_ADD. The device shows the window of the file that
 * starts at @offset and ends at the end of the file or after @size_limit
 * bytes, rounded down to @block_size: its capacity. The device is visible
 * to the other commands only once it is complete.
 *
 * Errors: -EBADF @fd is not an open descriptor or is not open for reading;
 * -EISDIR @fd is a directory; -ESPIPE @fd is a pipe or a socket;
 * -EINVAL @fd is any other kind of file, a file whose filesystem cannot
 * read it, or the window is smaller than a block; a flag,
 * reserved field, @index, @block_size, @nr_queues, @queue_depth or @name
 * is out of range; @offset or @size_limit is not a multiple of 512 or
 * their sum overflows; %VFSBLK_FLAG_PARTSCAN with ``minors`` of 1;
 * %VFSBLK_DIO_STRICT and @block_size or @offset do not fit the file's
 * direct I/O alignment;
 * -EOPNOTSUPP %VFSBLK_DIO_STRICT and the file has no direct I/O;
 * -ELOOP the file lives on a stack of vfsblk devices deeper than 8;
 * -EEXIST @index or @name is in use; -ENOSPC no index is free;
 * -EMFILE no descriptor is free for @owner_fd; -ENOMEM;
 * -EFAULT the struct could not be read, or could not be written back once
 * the device existed (it then stays: %VFSBLK_CTL_LIST finds it; an owned
 * device goes away, its descriptor is never installed).
 */
struct vfsblk_add {
	__u32 size;
	__s32 fd;
	__u32 index;
	__u32 block_size;
	__u64 flags;
	__u64 offset;
	__u64 size_limit;
	__u32 dio;
	__s32 owner_fd;
	__u32 nr_queues;
	__u32 queue_depth;
	__u64 reserved[2];
	char name[VFSBLK_NAME_LEN];
	__u64 reserved2[4];
};

/* VFSBLK_ADD_SIZE_VER0 - first published size of &vfsblk_add (ABI 1). */
#define VFSBLK_ADD_SIZE_VER0	72
/* VFSBLK_ADD_SIZE_VER1 - size of &vfsblk_add with @name (ABI 2). */
#define VFSBLK_ADD_SIZE_VER1	136

/* VFSBLK_REMOVE_DEFERRED - remove at last close if the device is in use. */
#define VFSBLK_REMOVE_DEFERRED	(1U << 0)

/* VFSBLK_REMOVED - &vfsblk_remove.result: the device is gone. */
#define VFSBLK_REMOVED		1
/* VFSBLK_REMOVE_PENDING - &vfsblk_remove.result: removed at last close. */
#define VFSBLK_REMOVE_PENDING	2

/**
 * struct vfsblk_remove - remove a device.
 * @size: in: sizeof(struct vfsblk_remove) as the caller knows it.
 * @index: in: index of the device.
 * @flags: in: %VFSBLK_REMOVE_DEFERRED or 0.
 * @result: out: %VFSBLK_REMOVED, or %VFSBLK_REMOVE_PENDING when the device
 *	was open and %VFSBLK_REMOVE_DEFERRED was asked: it then goes away at
 *	its last close (its %VFSBLK_FLAG_AUTOCLEAR is set).
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_REMOVE. Pending I/O completes before the device
 * goes; the backing file is released after it.
 *
 * A device whose removal is already pending answers a deferred REMOVE with
 * %VFSBLK_REMOVE_PENDING again, and a plain one with -EBUSY while it is
 * open.
 *
 * Errors: -ENODEV no device has @index, or its teardown has started;
 * -EBUSY the device is open (mounted, or held by a process) and
 * %VFSBLK_REMOVE_DEFERRED was not asked; -EINVAL bad flags or reserved.
 */
struct vfsblk_remove {
	__u32 size;
	__u32 index;
	__u32 flags;
	__u32 result;
	__u64 reserved[2];
};

/* VFSBLK_REMOVE_SIZE_VER0 - first published size of &vfsblk_remove. */
#define VFSBLK_REMOVE_SIZE_VER0	32

/* VFSBLK_STATE_BOUND - &vfsblk_info.state: bound and usable. */
#define VFSBLK_STATE_BOUND	1
/* VFSBLK_STATE_RUNDOWN - &vfsblk_info.state: goes away at its last close. */
#define VFSBLK_STATE_RUNDOWN	2

/**
 * struct vfsblk_info - describe one device.
 * @size: in: sizeof(struct vfsblk_info) as the caller knows it.
 * @index: in: index of the device.
 * @state: out: %VFSBLK_STATE_BOUND, or %VFSBLK_STATE_RUNDOWN when a
 *	deferred removal waits for the last close.
 * @open_count: out: how many times the device is open now.
 * @flags: out: %VFSBLK_FLAG_* in effect.
 * @capacity: out: size of the device in bytes.
 * @backing_size: out: size of the backing file in bytes, now.
 * @backing_inode: out: inode number of the backing file.
 * @backing_major: out: major number of the device holding the file's
 *	filesystem (0 for filesystems without one); for a block device as
 *	backing, its own major number.
 * @backing_minor: out: its minor number.
 * @path: in: user pointer to a buffer for the backing file's path, or 0.
 * @path_len: in: length of that buffer; out: length the whole path needs,
 *	terminating NUL included. A shorter buffer gets a truncated,
 *	NUL-terminated path. The path is the file's current one: a renamed
 *	file shows its new name, a deleted one ends in " (deleted)".
 * @block_size: out: logical block size.
 * @offset: out: byte offset of the device in the file.
 * @size_limit: out: size limit in bytes, 0 for none.
 * @dio_request: out: the %VFSBLK_DIO_* mode asked for.
 * @dio: out: the mode in effect: %VFSBLK_DIO_ON or %VFSBLK_DIO_OFF.
 * @dio_reason: out: %VFSBLK_DIO_REASON_* saying why @dio differs from
 *	@dio_request, or %VFSBLK_DIO_REASON_NONE.
 * @nr_queues: out: number of hardware queues.
 * @queue_depth: out: requests per hardware queue.
 * @dio_align: out: direct I/O alignment of the backing file in bytes, 0
 *	when it has no direct I/O.
 * @reserved: must be zero; comes back zero.
 * @name: out: name of the device, NUL terminated; empty for none.
 * @reserved2: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_INFO.
 *
 * Errors: -ENODEV no device has @index; -EFAULT @path is not writable.
 */
struct vfsblk_info {
	__u32 size;
	__u32 index;
	__u32 state;
	__u32 open_count;
	__u64 flags;
	__u64 capacity;
	__u64 backing_size;
	__u64 backing_inode;
	__u32 backing_major;
	__u32 backing_minor;
	__u64 path;
	__u32 path_len;
	__u32 block_size;
	__u64 offset;
	__u64 size_limit;
	__u32 dio_request;
	__u32 dio;
	__u32 dio_reason;
	__u32 nr_queues;
	__u32 queue_depth;
	__u32 dio_align;
	__u64 reserved[3];
	char name[VFSBLK_NAME_LEN];
	__u64 reserved2[4];
};

/* VFSBLK_INFO_SIZE_VER0 - first published size of &vfsblk_info (ABI 1). */
#define VFSBLK_INFO_SIZE_VER0	136
/* VFSBLK_INFO_SIZE_VER1 - size of &vfsblk_info with @name (ABI 2). */
#define VFSBLK_INFO_SIZE_VER1	200

/**
 * struct vfsblk_list - enumerate devices.
 * @size: in: sizeof(struct vfsblk_list) as the caller knows it.
 * @count: in: how many __u32 entries @indices has room for; out: how many
 *	devices exist (bound or pending removal). When that is more than the
 *	room given, only the room was filled: call again with more.
 * @indices: in: user pointer to an array of __u32, filled with indices in
 *	increasing order; may be 0 when @count is 0.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_LIST.
 *
 * Errors: -EFAULT @indices is not writable for the entries filled.
 */
struct vfsblk_list {
	__u32 size;
	__u32 count;
	__u64 indices;
	__u64 reserved[2];
};

/* VFSBLK_LIST_SIZE_VER0 - first published size of &vfsblk_list. */
#define VFSBLK_LIST_SIZE_VER0	32

/* VFSBLK_SET_CAPACITY - re-read the file size and update the capacity. */
#define VFSBLK_SET_CAPACITY	(1ULL << 0)
/* VFSBLK_SET_SIZE_LIMIT - take &vfsblk_set.size_limit (and re-read). */
#define VFSBLK_SET_SIZE_LIMIT	(1ULL << 1)
/* VFSBLK_SET_OFFSET - take &vfsblk_set.offset; the device must be unused. */
#define VFSBLK_SET_OFFSET	(1ULL << 2)
/* VFSBLK_SET_BLOCK_SIZE - take &vfsblk_set.block_size; must be unused. */
#define VFSBLK_SET_BLOCK_SIZE	(1ULL << 3)
/*
 * VFSBLK_SET_READ_ONLY - take %VFSBLK_FLAG_READ_ONLY from
 * &vfsblk_set.flags; the device must be unused.
 */
#define VFSBLK_SET_READ_ONLY	(1ULL << 4)
/* VFSBLK_SET_DIO - take &vfsblk_set.dio; allowed while in use. */
#define VFSBLK_SET_DIO		(1ULL << 5)
/* VFSBLK_SET_CHANGES - every bit &vfsblk_set.change accepts. */
#define VFSBLK_SET_CHANGES	(VFSBLK_SET_CAPACITY | VFSBLK_SET_SIZE_LIMIT | \
				 VFSBLK_SET_OFFSET | VFSBLK_SET_BLOCK_SIZE | \
				 VFSBLK_SET_READ_ONLY | VFSBLK_SET_DIO)

/**
 * struct vfsblk_set - change a bound device.
 * @size: in: sizeof(struct vfsblk_set) as the caller knows it.
 * @index: in: index of the device.
 * @change: in: %VFSBLK_SET_* bits naming the fields below that apply;
 *	at least one.
 * @flags: in: with %VFSBLK_SET_READ_ONLY, %VFSBLK_FLAG_READ_ONLY or 0;
 *	else 0.
 * @offset: in: with %VFSBLK_SET_OFFSET, as in &struct vfsblk_add.
 * @size_limit: in: with %VFSBLK_SET_SIZE_LIMIT, as in &struct vfsblk_add.
 * @block_size: in: with %VFSBLK_SET_BLOCK_SIZE, as in &struct vfsblk_add.
 * @dio: in: with %VFSBLK_SET_DIO, as in &struct vfsblk_add.
 * @capacity: out: size of the device in bytes after the change.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_SET. Every change recomputes the capacity from the
 * current file size; a new capacity is announced with a change uevent
 * (RESIZE=1). Growing is always allowed. Shrinking, and changing the
 * offset, block size or read-only state, need a device nobody has open
 * (not mounted, not held by any process): the data under an open device
 * does not move. The changes are checked together and applied together,
 * or not at all.
 *
 * Errors: -ENODEV no device has @index; -EBUSY the change needs an unused
 * device and it is open; -EINVAL @change is empty or has unknown bits, a
 * value is out of range (as for ADD), or the new window is smaller than a
 * block; -EBADF read-write asked for a file that cannot be written;
 * -EOPNOTSUPP %VFSBLK_DIO_STRICT asked and the file has no direct I/O.
 */
struct vfsblk_set {
	__u32 size;
	__u32 index;
	__u64 change;
	__u64 flags;
	__u64 offset;
	__u64 size_limit;
	__u32 block_size;
	__u32 dio;
	__u64 capacity;
	__u64 reserved[2];
};

/* VFSBLK_SET_SIZE_VER0 - first published size of &vfsblk_set. */
#define VFSBLK_SET_SIZE_VER0	72

/**
 * DOC: Commands
 *
 * All commands are ``_IOWR`` on type %VFSBLK_IOC_MAGIC (0xB8):
 *
 * - %VFSBLK_CTL_GET_FEATURES (0x00), &struct vfsblk_features: ABI version
 *   and what the module accepts.
 * - %VFSBLK_CTL_ADD (0x01), &struct vfsblk_add: create a device bound to an
 *   open file, in one step.
 * - %VFSBLK_CTL_REMOVE (0x02), &struct vfsblk_remove: remove a device now,
 *   or at its last close.
 * - %VFSBLK_CTL_INFO (0x03), &struct vfsblk_info: state, flags, size and
 *   backing file of one device.
 * - %VFSBLK_CTL_LIST (0x04), &struct vfsblk_list: indices of all devices.
 * - %VFSBLK_CTL_SET (0x05), &struct vfsblk_set: resize a device, or change
 *   its geometry, read-only state or direct I/O mode (ABI 2).
 *
 * Every command may also fail with -EPERM (no CAP_SYS_ADMIN), -EFAULT,
 * -EINVAL (size too small, reserved field or unknown flag set) and -E2BIG
 * (size larger than the module knows, with non-zero bytes past its end).
 * Any other command gives -ENOTTY.
 */
/* VFSBLK_IOC_MAGIC - ioctl type of the control node. */
#define VFSBLK_IOC_MAGIC	0xB8

/* VFSBLK_CTL_GET_FEATURES - fill a &struct vfsblk_features. */
#define VFSBLK_CTL_GET_FEATURES	_IOWR(VFSBLK_IOC_MAGIC, 0x00, struct vfsblk_features)
/* VFSBLK_CTL_ADD - create a device, see &struct vfsblk_add. */
#define VFSBLK_CTL_ADD		_IOWR(VFSBLK_IOC_MAGIC, 0x01, struct vfsblk_add)
/* VFSBLK_CTL_REMOVE - remove a device, see &struct vfsblk_remove. */
#define VFSBLK_CTL_REMOVE	_IOWR(VFSBLK_IOC_MAGIC, 0x02, struct vfsblk_remove)
/* VFSBLK_CTL_INFO - describe a device, see &struct vfsblk_info. */
#define VFSBLK_CTL_INFO		_IOWR(VFSBLK_IOC_MAGIC, 0x03, struct vfsblk_info)
/* VFSBLK_CTL_LIST - enumerate devices, see &struct vfsblk_list. */
#define VFSBLK_CTL_LIST		_IOWR(VFSBLK_IOC_MAGIC, 0x04, struct vfsblk_list)
/* VFSBLK_CTL_SET - change a device, see &struct vfsblk_set. */
#define VFSBLK_CTL_SET		_IOWR(VFSBLK_IOC_MAGIC, 0x05, struct vfsblk_set)

#endif /* _UAPI_LINUX_VFSBLK_H */
