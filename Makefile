# SPDX-License-Identifier: GPL-2.0
#
# vfsblk: top-level targets. Kbuild (the file next to this one) describes
# the module; this Makefile is for people:
#
#   make                 module for KDIR, and tools/vfsblkctl
#   make check           lint, tool tests, VM tests on Debian's 6.1 and 6.12
#   make demo            the walk-through, narrated, in a VM
#   make lint            W=1, sparse and checkpatch on both guest kernels
#   make kmod KREL=R     module for a cached guest kernel, in build/R/
#                        (KROOT=DIR: that kernel's root, e.g. the debug one)
#   make check-debug     the VM suite on a KASAN/lockdep/kmemleak kernel
#                        (KERNEL=6.12: built from 6.12, default 6.1)
#   make install         module for KDIR (kbuild runs depmod), tool, man
#                        page, bash completion, udev rule

SHELL := /bin/bash
KVER ?= $(shell uname -r)
# The running kernel's build tree when it exists, else the newest installed
# Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	  $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
VFSBLK_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vfsblk
export VFSBLK_CACHE
PREFIX ?= /usr/local
MODSRC := Kbuild $(wildcard drivers/block/vfsblk/*.[ch]) \
	  include/uapi/linux/vfsblk.h

.PHONY: all module tools kmod check demo lint install clean help bench powercut

all: module tools

module:
	@test -n "$(KDIR)" || { echo "make: no kernel build tree: install" \
		"linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

# Build the module for a guest kernel from tests/lib/kernels.sh's cache, in
# its own directory so several kernels can be built side by side.
kmod:
	@test -n "$(KREL)" || { echo "make kmod: set KREL=<release>" >&2; exit 2; }
	@set -e; root=$(or $(KROOT),$$(tests/lib/kernels.sh fetch "$(KREL)")); \
	out=$(CURDIR)/build/$(KREL); \
	mkdir -p $$out; \
	cp --parents -u $(MODSRC) $$out/; \
	$(MAKE) -C $$root/build M=$$out W=1 modules

# Static checks and the tool's host-side tests first, then the VM suite,
# whose summary is the last line.
check:
	tests/lib/deps.sh
	$(if $(CASE),,tests/lint.sh)
	$(MAKE) -C tools check
	$(if $(KERNEL),tests/run --kernel $(KERNEL),tests/run-kernels) $(if $(CASE),--case $(CASE))

# The whole suite on the debug kernel (tests/lib/debug-kernel.sh, built on
# first use: 7 to 20 minutes; KERNEL=6.1 or 6.12 picks its source), with
# long stress and fuzz runs and a kmemleak scan at the end. CASE=NAME
# runs one case; STRESS_SECONDS and FUZZ_CALLS change the sizes. Not part
# of `make check`: see tests/README.md.
.PHONY: check-debug
check-debug:
	tests/lib/deps.sh
	VFSBLK_STRESS_SECONDS=$(or $(STRESS_SECONDS),300) \
	VFSBLK_FUZZ_CALLS=$(or $(FUZZ_CALLS),1000000) \
	VFSBLK_VM_TIMEOUT=$${VFSBLK_VM_TIMEOUT:-14400} \
	VFSBLK_CASE_TIMEOUT=$${VFSBLK_CASE_TIMEOUT:-7200} \
	tests/run-kernels --debug $(if $(KERNEL),--kernel $(KERNEL)) \
		$(if $(CASE),--case $(CASE))

demo:
	tests/lib/deps.sh
	tests/run --demo

lint:
	tests/lint.sh

#   make bench           fio: vfsblk against loop and the file, in a VM
#                        (KVER=6.1|6.12, default 6.1; QUICK=1: a short run)
# Results in build/bench/; see Documentation/performance.rst. KVER here is
# the guest series, whatever the variable means to the targets above.
bench:
	tests/bench/run --kernel $(if $(filter command line environment,$(origin KVER)),$(KVER),6.1) \
		$(if $(filter 1,$(QUICK)),--quick)

#   make powercut        power-cut tests in VMs: N=20 whole-machine cycles
#                        (QEMU killed), a negative control and the
#                        dm-log-writes replay (KVER=6.1|6.12, default 6.1)
powercut:
	tests/lib/deps.sh
	tests/powercut/run --kernel $(if $(filter command line environment,$(origin KVER)),$(KVER),6.1) \
		--cycles $(or $(N),20)

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	$(MAKE) -C tools install PREFIX=$(PREFIX)

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	rm -rf build

help:
	@sed -n 's/^#   //p' Makefile
