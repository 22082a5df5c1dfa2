/* The five capability sets of the container process, through libcap.
 *
 * The caller has already switched uid with PR_SET_KEEPCAPS, so the
 * effective set may be empty while the permitted set still holds what
 * the runtime had. Dropping from the bounding set needs CAP_SETPCAP in
 * the effective set, hence the first step raises effective back to
 * permitted. */
#define _GNU_SOURCE
#include "capabilities.h"

#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* One bit per capability the kernel may know; cap_max_bits() is at most
 * 64 for any kernel libcap can talk to. */
typedef uint64_t cap_mask;

static bool mask_has(cap_mask m, cap_value_t c) {
  return (m >> c) & 1;
}

/* cap_to_name() memory belongs to libcap (cap_free), so copy it into a
 * caller buffer for messages. */
static const char *cap_name(cap_value_t v, char *buf, size_t len) {
  char *n = cap_to_name(v);
  snprintf(buf, len, "%s", n ? n : "?");
  if (n)
    cap_free(n);
  return buf;
}

static cap_mask host_bounding_set(void) {
  cap_mask m = 0;
  for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
    if (cap_get_bound(c) == 1)
      m |= (cap_mask)1 << c;
  return m;
}

/* Turn one spec list into a mask. Names libcap does not know are an
 * error; names the host cannot grant (absent from its bounding set) are
 * skipped with a warning, like runc does. */
static int names_to_mask(char **names, size_t n, const char *field,
                         cap_mask host, cap_mask *out, hd_error_t *err) {
  *out = 0;
  for (size_t i = 0; i < n; i++) {
    cap_value_t c;
    if (cap_from_name(names[i], &c) < 0 || c >= (cap_value_t)cap_max_bits())
      return hd_error_set(err, 0,
                          "process.capabilities.%s[%zu]: unknown "
                          "capability \"%s\"",
                          field, i, names[i]);
    if (!mask_has(host, c)) {
      hd_warn("process.capabilities.%s: %s is not in the host's bounding "
              "set; skipped",
              field, names[i]);
      continue;
    }
    *out |= (cap_mask)1 << c;
  }
  return 0;
}

typedef struct {
  cap_mask bounding, effective, permitted, inheritable, ambient;
} cap_sets;

static bool any_names(const oci_capabilities *caps) {
  return caps->bounding_len || caps->effective_len || caps->permitted_len ||
         caps->inheritable_len || caps->ambient_len;
}

/* The host's bounding set costs one prctl per capability: read it only
 * when a list names something (hardened's own overlay empties them). */
static int parse_sets(const oci_capabilities *caps, cap_sets *s,
                      hd_error_t *err) {
  memset(s, 0, sizeof *s);
  if (caps == NULL || !any_names(caps))
    return 0;
  cap_mask host = host_bounding_set();
  if (names_to_mask(caps->bounding, caps->bounding_len, "bounding", host,
                    &s->bounding, err) < 0 ||
      names_to_mask(caps->effective, caps->effective_len, "effective", host,
                    &s->effective, err) < 0 ||
      names_to_mask(caps->permitted, caps->permitted_len, "permitted", host,
                    &s->permitted, err) < 0 ||
      names_to_mask(caps->inheritable, caps->inheritable_len, "inheritable",
                    host, &s->inheritable, err) < 0 ||
      names_to_mask(caps->ambient, caps->ambient_len, "ambient", host,
                    &s->ambient, err) < 0)
    return -1;
  return 0;
}

static void free_cap(cap_t *c) {
  if (*c)
    cap_free(*c);
}
#define cleanup_cap __attribute__((cleanup(free_cap)))

static int set_flag_from_mask(cap_t c, cap_flag_t flag, cap_mask m) {
  for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++)
    if (mask_has(m, v) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
      return -1;
  return 0;
}

static int raise_effective_to_permitted(hd_error_t *err) {
  cleanup_cap cap_t cur = cap_get_proc();
  if (cur == NULL)
    return hd_error_set(err, errno, "capabilities: read current sets");
  for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++) {
    cap_flag_value_t has = CAP_CLEAR;
    if (cap_get_flag(cur, v, CAP_PERMITTED, &has) == 0 && has == CAP_SET)
      cap_set_flag(cur, CAP_EFFECTIVE, 1, &v, CAP_SET);
  }
  if (cap_set_proc(cur) < 0)
    return hd_error_set(err, errno, "capabilities: raise effective set");
  return 0;
}

/* One prctl per capability: dropping one that is already gone succeeds,
 * so there is no need to read the set first. Without CAP_SETPCAP even
 * that fails, which only matters if the capability is still there. */
static int drop_bounding(cap_mask keep, hd_error_t *err) {
  for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++) {
    if (mask_has(keep, v))
      continue;
    if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 &&
        (errno != EPERM || cap_get_bound(v) == 1)) {
      char buf[64];
      return hd_error_set(err, errno, "capabilities: drop %s from bounding set",
                          cap_name(v, buf, sizeof buf));
    }
  }
  return 0;
}

static int set_proc_sets(const cap_sets *s, hd_error_t *err) {
  cleanup_cap cap_t c = cap_init();
  if (c == NULL)
    return hd_error_set(err, errno, "capabilities: cap_init");
  if (set_flag_from_mask(c, CAP_EFFECTIVE, s->effective) < 0 ||
      set_flag_from_mask(c, CAP_PERMITTED, s->permitted) < 0 ||
      set_flag_from_mask(c, CAP_INHERITABLE, s->inheritable) < 0)
    return hd_error_set(err, errno, "capabilities: build sets");
  if (cap_set_proc(c) < 0)
    return hd_error_set(err, errno,
                        "capabilities: set effective/permitted/inheritable "
                        "(effective must be within permitted, inheritable "
                        "within bounding)");
  return 0;
}

/* The kernel only keeps an ambient capability that is both permitted
 * and inheritable; runc warns on a refused one, so do we. */
static void raise_ambient(cap_mask ambient) {
  for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++) {
    if (!mask_has(ambient, v))
      continue;
    if (cap_set_ambient(v, CAP_SET) < 0) {
      char buf[64];
      hd_warn("capabilities: cannot raise ambient %s: %s",
              cap_name(v, buf, sizeof buf), strerror(errno));
    }
  }
}

/* One prctl; libcap's cap_reset_ambient() first asks about every
 * capability in turn. EINVAL: a kernel without ambient capabilities. */
static int clear_ambient(void) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
      errno != EINVAL)
    return -1;
  return 0;
}

int hd_capabilities_apply(const oci_capabilities *caps, hd_error_t *err) {
  cap_sets s;
  if (parse_sets(caps, &s, err) < 0)
    return -1;
  if (raise_effective_to_permitted(err) < 0 ||
      drop_bounding(s.bounding, err) < 0)
    return -1;
  /* Ambient first: lowering permitted/inheritable would clear it anyway,
   * and clearing it while still privileged cannot fail for lack of
   * rights. */
  if (clear_ambient() < 0)
    return hd_error_set(err, errno, "capabilities: clear ambient set");
  if (set_proc_sets(&s, err) < 0)
    return -1;
  raise_ambient(s.ambient);
  return 0;
}

char **hd_capabilities_known(size_t *n) {
  size_t count = (size_t)cap_max_bits();
  char **names = xcalloc(count + 1, sizeof *names);
  size_t out = 0;
  for (cap_value_t v = 0; v < (cap_value_t)count; v++) {
    char *lower = cap_to_name(v);
    if (lower == NULL)
      continue;
    /* cap_to_name spells unnamed bits as a number; skip those. */
    if (strncmp(lower, "cap_", 4) == 0) {
      char *upper = xstrdup(lower);
      for (char *p = upper; *p; p++)
        *p = (char)toupper((unsigned char)*p);
      names[out++] = upper;
    }
    cap_free(lower);
  }
  *n = out;
  return names;
}
