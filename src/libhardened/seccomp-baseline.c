/* The baseline seccomp filter: stacked on whatever the spec loads, so a
 * spec cannot turn it off (seccomp=unconfined included). Filters stack and
 * the strictest action wins, so this only ever takes away.
 *
 * Decisions:
 * - Foreign ABIs (i386 via int 0x80, x32 via the 0x40000000 bit) are the
 *   filter's "bad arch" and kill the process: libseccomp puts only the
 *   native arch in the filter and sends x32 numbers to the bad-arch action
 *   too. EPERM would not do: a 32-bit program whose exit_group fails spins
 *   or faults instead of stopping, and no container needs these ABIs.
 * - clone3 passes its flags in memory, which seccomp cannot read, so it is
 *   refused entirely with ENOSYS: glibc and others then fall back to clone,
 *   whose flags (arg0) are checked for CLONE_NEW* bits.
 * - unshare and setns are refused whatever their flags.
 * - personality is allowed for the default persona only: 0 (PER_LINUX), 8
 *   (PER_LINUX32, what `linux32` and i386 build chroots ask for) and
 *   0xffffffff (the query). libseccomp cannot say "none of these three"
 *   in one rule, so a small hand-written prelude checks it before the
 *   libseccomp program (the low 32 bits only: the kernel takes an int).
 * - Syscalls this arch does not have (vm86, vm86old on x86_64) need no
 *   rule: they only exist in the foreign ABIs, which are killed.
 *
 * Cost: compiled once per process, the BPF is cached; a compile costs about
 * 50us here (test-overlay prints it), well under a millisecond. */
#define _GNU_SOURCE
#include "seccomp-baseline.h"
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const denied[] = {
    /* the mount family, and chroot */
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "chroot",
    /* namespaces */
    "unshare",
    "setns",
    /* kernel attack surface a container does not need */
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    /* other processes' memory */
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    /* the kernel itself */
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    /* file handles bypass the mount namespace */
    "open_by_handle_at",
    "name_to_handle_at",
    /* host-wide state */
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "iopl",
    "ioperm",
    "quotactl",
    "quotactl_fd",
    "syslog",
    "lookup_dcookie",
    "vm86",
    "vm86old",
    "uselib",
};

static const unsigned long clone_ns_flags[] = {
    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

static int add_rules(scmp_filter_ctx ctx) {
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof denied[0]; i++) {
    int nr = seccomp_syscall_resolve_name(denied[i]);
    if (nr < 0) /* not on this arch (see the top) */
      continue;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
  }
  for (size_t i = 0;
       rc == 0 && i < sizeof clone_ns_flags / sizeof clone_ns_flags[0]; i++)
    rc = seccomp_rule_add(
        ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
        SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]));
  if (rc == 0)
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  return rc;
}

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* personality(): allow 0, 8, 0xffffffff; EPERM otherwise. Anything that is
 * not the native personality() falls through to the libseccomp program,
 * which starts right after. */
static const struct sock_filter personality_prelude[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, 8),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_personality, 0, 6),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 8, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
};
#define PRELUDE_LEN (sizeof personality_prelude / sizeof personality_prelude[0])

#define MAX_INSNS 4096
static struct sock_filter cached[MAX_INSNS];
static unsigned short cached_len;

int hd_seccomp_baseline_compile(hd_error_t *err) {
  if (cached_len)
    return 0;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return hd_error_set(err, ENOMEM, "seccomp_init");
  int rc =
      seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (rc == 0)
    rc = add_rules(ctx);
  if (rc < 0) {
    seccomp_release(ctx);
    return hd_error_set(err, -rc, "building the filter");
  }
  size_t len = 0;
  memcpy(cached, personality_prelude, sizeof personality_prelude);
  rc = hd_seccomp_export_into(ctx, cached + PRELUDE_LEN,
                              MAX_INSNS - PRELUDE_LEN, &len, err);
  seccomp_release(ctx);
  if (rc < 0)
    return -1;
  cached_len = (unsigned short)(PRELUDE_LEN + len);
  return 0;
}

void hd_seccomp_baseline_forget(void) {
  cached_len = 0;
}

int hd_seccomp_baseline_load(hd_error_t *err) {
  if (hd_seccomp_baseline_compile(err) < 0)
    return -1;
  struct sock_fprog prog = {.len = cached_len, .filter = cached};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
    return hd_error_set(err, errno, "loading the baseline seccomp filter");
  return 0;
}
