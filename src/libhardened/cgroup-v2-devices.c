/* cgroup v2 has no devices.allow: device access is decided by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup. We emit its
 * instructions directly (encoding from the kernel's uapi linux/bpf.h),
 * load them with bpf(2) and attach with BPF_F_ALLOW_MULTI.
 *
 * Semantics match a v1 list evaluated per access bit: for each requested
 * bit (read, write, mknod) the LAST rule that matches the device and
 * names that bit decides; no such rule means deny. The program walks the
 * rules from last to first, keeping in r3 the bits still undecided:
 *   deny rule naming an undecided bit  -> return 0
 *   allow rule                         -> clear its bits; none left -> 1
 * and returns 0 when it runs out of rules. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
  struct bpf_insn *insns;
  size_t n;
} prog_buf;

static void emit(prog_buf *p, uint8_t code, uint8_t dst, uint8_t src,
                 int16_t off, int32_t imm) {
  p->insns = xrealloc(p->insns, (p->n + 1) * sizeof *p->insns);
  p->insns[p->n++] = (struct bpf_insn){
      .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

enum { R0, R1, R2, R3, R4, R5 };

/* r2 = device type, r3 = requested access bits, r4 = major, r5 = minor. */
static void emit_prologue(prog_buf *p) {
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R2, R1,
       offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
  emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
  emit(p, BPF_ALU64 | BPF_RSH | BPF_K, R3, 0, 0, 16);
  emit(p, BPF_ALU64 | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R4, R1,
       offsetof(struct bpf_cgroup_dev_ctx, major), 0);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R5, R1,
       offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
}

static int access_bits(const char *access) {
  int bits = 0;
  for (const char *c = access; *c; c++)
    bits |= *c == 'r'   ? BPF_DEVCG_ACC_READ
            : *c == 'w' ? BPF_DEVCG_ACC_WRITE
            : *c == 'm' ? BPF_DEVCG_ACC_MKNOD
                        : -1;
  return *access ? bits : -1;
}

static int check_rule(const oci_device_cgroup *d, int *bits, hd_error_t *err) {
  char type = d->type ? d->type : 'a';
  *bits = access_bits(d->access ? d->access : "rwm");
  bool bad_num = (d->has_major && d->major > INT32_MAX) ||
                 (d->has_minor && d->minor > INT32_MAX);
  if (strchr("abc", type) == NULL || type == '\0' || *bits < 0 || bad_num)
    return hd_error_set(err, 0,
                        "linux.resources.devices: invalid rule (type '%c', "
                        "access \"%s\")",
                        type, d->access ? d->access : "rwm");
  return 0;
}

/* One rule as a block whose "no match" jumps land just past its end. */
static void emit_rule(prog_buf *p, const oci_device_cgroup *d, int bits) {
  prog_buf b = {0};
  char type = d->type ? d->type : 'a';
  /* Placeholder offsets (-1) are fixed up once the block's size is known. */
  if (type != 'a')
    emit(&b, BPF_JMP32 | BPF_JNE | BPF_K, R2, 0, -1,
         type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (d->has_major && d->major >= 0)
    emit(&b, BPF_JMP32 | BPF_JNE | BPF_K, R4, 0, -1, (int32_t)d->major);
  if (d->has_minor && d->minor >= 0)
    emit(&b, BPF_JMP32 | BPF_JNE | BPF_K, R5, 0, -1, (int32_t)d->minor);
  if (d->allow) {
    emit(&b, BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, ~bits);
    emit(&b, BPF_JMP | BPF_JNE | BPF_K, R3, 0, -1, 0);
    emit(&b, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1);
  } else {
    emit(&b, BPF_JMP | BPF_JSET | BPF_K, R3, 0, 1, bits);
    emit(&b, BPF_JMP | BPF_JA, 0, 0, -1, 0);
    emit(&b, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
  }
  emit(&b, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (size_t i = 0; i < b.n; i++) {
    if (b.insns[i].off == -1)
      b.insns[i].off = (int16_t)(b.n - 1 - i);
    emit(p, b.insns[i].code, b.insns[i].dst_reg, b.insns[i].src_reg,
         b.insns[i].off, b.insns[i].imm);
  }
  free(b.insns);
}

static int build_program(const oci_device_cgroup *rules, size_t n, prog_buf *p,
                         hd_error_t *err) {
  emit_prologue(p);
  for (size_t i = n; i-- > 0;) {
    int bits;
    if (check_rule(&rules[i], &bits, err) < 0)
      return -1;
    emit_rule(p, &rules[i], bits);
  }
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* One BPF_PROG_LOAD; log may be NULL (no verifier log). */
static int load_once(const prog_buf *p, char *log, uint32_t log_size) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p->insns;
  attr.insn_cnt = (uint32_t)p->n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  if (log) {
    log[0] = '\0';
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = log_size;
    attr.log_level = 1;
  }
  return (int)sys_bpf(BPF_PROG_LOAD, &attr);
}

/* Loaded without a verifier log: before 6.4 a log that does not fit its
 * buffer fails the whole load with ENOSPC, so logging is only a way to
 * explain a failure, asked for again after the quiet load failed. */
static int load_program(const prog_buf *p, hd_error_t *err) {
  enum { LOG_SIZE = 1 << 20 };
  int fd = load_once(p, NULL, 0);
  if (fd >= 0)
    return fd;
  int saved = errno;
  cleanup_free char *log = malloc(LOG_SIZE);
  if (log) {
    fd = load_once(p, log, LOG_SIZE);
    if (fd >= 0)
      return fd; /* the first failure was transient */
    hd_debug("cgroup: BPF verifier log: %s", log);
  }
  return hd_error_set(err, saved, "loading the device filter (bpf)");
}

/* Ids of the device programs attached to the cgroup right now. */
static size_t attached_ids(int cgroup_fd, uint32_t *ids, size_t cap) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)cgroup_fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = (uint32_t)cap;
  if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
    return 0;
  return attr.query.prog_cnt < cap ? attr.query.prog_cnt : cap;
}

/* An update must not leave the old filter in force: ALLOW_MULTI runs
 * every attached program and all must allow. */
static void detach_old(int cgroup_fd, const uint32_t *ids, size_t n) {
  for (size_t i = 0; i < n; i++) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_id = ids[i];
    cleanup_close int prog = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (prog < 0)
      continue;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &attr) < 0)
      hd_debug("cgroup: detaching old device filter %u: %s", ids[i],
               strerror(errno));
  }
}

int hd_cg_v2_devices(const char *dir, const oci_device_cgroup *rules, size_t n,
                     hd_error_t *err) {
  prog_buf p = {0};
  int r = build_program(rules, n, &p, err);
  cleanup_close int prog = r < 0 ? -1 : load_program(&p, err);
  free(p.insns);
  if (prog < 0)
    return -1;
  cleanup_close int cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgroup_fd < 0)
    return hd_error_set(err, errno, "opening %s", dir);
  uint32_t old[64];
  size_t n_old = attached_ids(cgroup_fd, old, 64);
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cgroup_fd;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
    return hd_error_set(err, errno, "attaching the device filter (bpf)");
  detach_old(cgroup_fd, old, n_old);
  return 0;
}
