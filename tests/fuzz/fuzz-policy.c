/* libFuzzer target: the policy file parser. The policy is trusted, but
 * a typo in it must fail closed with a message, never crash the runtime
 * or yield a policy that breaks an invariant. */
#include "policy.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hd_error_t err = NULL;
  hd_policy *policy = NULL;
  if (hd_policy_parse((const char *)data, size, "fuzz", &policy, &err) < 0) {
    hd_error_free(&err);
    return 0;
  }
  /* The invariants the overlay relies on, whatever the file said. */
  if (policy->uid == 0 || policy->gid == 0 || policy->pids_max < 1 ||
      policy->pids_max > 4194304 || policy->tmp_size_text == NULL)
    abort();
  hd_policy_free(policy);
  return 0;
}
