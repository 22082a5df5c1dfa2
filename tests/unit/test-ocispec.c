/* libocispec: parse, emit, dup, free, state and features. Run under
 * valgrind in CI-like checks: every path here must be leak-free. */
#define _GNU_SOURCE
#include "features-json.h"
#include "spec-desc.h"
#include "spec.h"
#include "state.h"
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

/* What dockerd sends, give or take: every section in use. */
static const char full_config[] =
    "{\n"
    "  \"ociVersion\": \"1.1.0\",\n"
    "  \"process\": {\n"
    "    \"terminal\": false,\n"
    "    \"consoleSize\": {\"height\": 40, \"width\": 120},\n"
    "    \"user\": {\"uid\": 1000, \"gid\": 1000, \"umask\": 18, "
    "\"additionalGids\": [10, 4294967295], \"username\": \"app\"},\n"
    "    \"args\": [\"/usr/bin/nginx\", \"-g\", \"daemon off;\"],\n"
    "    \"env\": "
    "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", "
    "\"HOSTNAME=web1\", \"NGINX_VERSION=1.25.3\"],\n"
    "    \"cwd\": \"/srv/www\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", "
    "\"CAP_NET_BIND_SERVICE\", \"CAP_CHECKPOINT_RESTORE\"],\n"
    "      \"effective\": [\"CAP_CHOWN\", \"CAP_NET_BIND_SERVICE\"],\n"
    "      \"inheritable\": [],\n"
    "      \"permitted\": [\"CAP_CHOWN\", \"CAP_NET_BIND_SERVICE\"],\n"
    "      \"ambient\": [\"CAP_NET_BIND_SERVICE\"]\n"
    "    },\n"
    "    \"rlimits\": [\n"
    "      {\"type\": \"RLIMIT_NOFILE\", \"hard\": 1048576, \"soft\": "
    "1048576},\n"
    "      {\"type\": \"RLIMIT_CORE\", \"hard\": 18446744073709551615, "
    "\"soft\": 0}\n"
    "    ],\n"
    "    \"noNewPrivileges\": true,\n"
    "    \"oomScoreAdj\": -500,\n"
    "    \"apparmorProfile\": \"docker-default\",\n"
    "    \"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\",\n"
    "    \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4},\n"
    "    \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": 0}\n"
    "  },\n"
    "  \"root\": {\"path\": \"/var/lib/docker/overlay2/abc/merged\", "
    "\"readonly\": false},\n"
    "  \"hostname\": \"web1\",\n"
    "  \"domainname\": \"example.org\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
    "\"proc\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
    "\"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
    "\"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
    "\"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
    "\"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
    "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
    "\"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", "
    "\"source\": \"cgroup\", \"options\": [\"ro\", \"nosuid\", \"noexec\", "
    "\"nodev\"]},\n"
    "    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": "
    "\"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
    "    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
    "\"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", "
    "\"size=67108864\"]},\n"
    "    {\"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", "
    "\"source\": \"/var/lib/docker/containers/abc/resolv.conf\", \"options\": "
    "[\"rbind\", \"rprivate\"]},\n"
    "    {\"destination\": \"/data\", \"type\": \"bind\", \"source\": "
    "\"/srv/data\", \"options\": [\"rbind\", \"ro\"],\n"
    "     \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": "
    "65536}],\n"
    "     \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": "
    "65536}]},\n"
    "    {\"destination\": \"/empty\"}\n"
    "  ],\n"
    "  \"hooks\": {\n"
    "    \"prestart\": [{\"path\": \"/usr/bin/netns-hook\", \"args\": "
    "[\"netns-hook\", \"prestart\"], \"env\": [\"A=1\"], \"timeout\": 5}],\n"
    "    \"createRuntime\": [{\"path\": \"/usr/libexec/oci/hooks.d/a\"}],\n"
    "    \"createContainer\": [{\"path\": \"/bin/cc\", \"args\": [\"cc\"]}],\n"
    "    \"startContainer\": [{\"path\": \"/bin/sc\"}],\n"
    "    \"poststart\": [{\"path\": \"/bin/ps1\"}, {\"path\": \"/bin/ps2\", "
    "\"timeout\": 30}],\n"
    "    \"poststop\": [{\"path\": \"/usr/bin/cleanup\", \"args\": "
    "[\"cleanup\", \"--all\"]}]\n"
    "  },\n"
    "  \"annotations\": {\"com.example.key\": \"value\", "
    "\"org.opencontainers.image.ref.name\": \"nginx\"},\n"
    "  \"linux\": {\n"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": "
    "65536}],\n"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": "
    "65536}, {\"containerID\": 65536, \"hostID\": 300000, \"size\": 1}],\n"
    "    \"sysctl\": {\"net.ipv4.ip_unprivileged_port_start\": \"0\", "
    "\"net.core.somaxconn\": \"1024\"},\n"
    "    \"resources\": {\n"
    "      \"devices\": [\n"
    "        {\"allow\": false, \"access\": \"rwm\"},\n"
    "        {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, "
    "\"access\": \"rwm\"},\n"
    "        {\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": "
    "\"rw\"},\n"
    "        {\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": 0, "
    "\"access\": \"r\"}\n"
    "      ],\n"
    "      \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, "
    "\"swap\": -1, \"kernel\": 0, \"kernelTCP\": 1048576, \"swappiness\": 60, "
    "\"disableOOMKiller\": false, \"useHierarchy\": true, "
    "\"checkBeforeUpdate\": true},\n"
    "      \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"burst\": 10000, "
    "\"period\": 100000, \"realtimeRuntime\": 950000, \"realtimePeriod\": "
    "1000000, \"cpus\": \"0-1\", \"mems\": \"0\", \"idle\": 1},\n"
    "      \"pids\": {\"limit\": 512},\n"
    "      \"blockIO\": {\n"
    "        \"weight\": 500, \"leafWeight\": 300,\n"
    "        \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 600, "
    "\"leafWeight\": 200}, {\"major\": 8, \"minor\": 16}],\n"
    "        \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
    "\"rate\": 104857600}],\n"
    "        \"throttleWriteBpsDevice\": [{\"major\": 8, \"minor\": 0, "
    "\"rate\": 52428800}],\n"
    "        \"throttleReadIOPSDevice\": [{\"major\": 8, \"minor\": 0, "
    "\"rate\": 1000}],\n"
    "        \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, "
    "\"rate\": 500}]\n"
    "      },\n"
    "      \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}, "
    "{\"pageSize\": \"1GB\", \"limit\": 0}],\n"
    "      \"unified\": {\"memory.high\": \"400000000\", \"io.weight\": "
    "\"default 100\"},\n"
    "      \"network\": {\"classID\": 1048577}\n"
    "    },\n"
    "    \"cgroupsPath\": \"/docker/abc\",\n"
    "    \"namespaces\": [\n"
    "      {\"type\": \"pid\"}, {\"type\": \"network\", \"path\": "
    "\"/var/run/netns/web1\"}, {\"type\": \"ipc\"},\n"
    "      {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}, "
    "{\"type\": \"cgroup\"}, {\"type\": \"time\"}\n"
    "    ],\n"
    "    \"devices\": [\n"
    "      {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, "
    "\"minor\": 229, \"fileMode\": 438, \"uid\": 0, \"gid\": 0},\n"
    "      {\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": "
    "0},\n"
    "      {\"path\": \"/dev/myfifo\", \"type\": \"p\"}\n"
    "    ],\n"
    "    \"seccomp\": {\n"
    "      \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
    "      \"defaultErrnoRet\": 1,\n"
    "      \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", "
    "\"SCMP_ARCH_X32\"],\n"
    "      \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
    "      \"listenerPath\": \"/run/seccomp-agent.sock\",\n"
    "      \"listenerMetadata\": \"meta\",\n"
    "      \"syscalls\": [\n"
    "        {\"names\": [\"accept\", \"accept4\", \"read\", \"write\"], "
    "\"action\": \"SCMP_ACT_ALLOW\"},\n"
    "        {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", "
    "\"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},\n"
    "        {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", "
    "\"args\": [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": "
    "\"SCMP_CMP_MASKED_EQ\"}]},\n"
    "        {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", "
    "\"errnoRet\": 38, \"args\": [{\"index\": 0, \"value\": 40, \"valueTwo\": "
    "7, \"op\": \"SCMP_CMP_NE\"}, {\"index\": 1, \"value\": "
    "18446744073709551615, \"op\": \"SCMP_CMP_GE\"}]},\n"
    "        {\"names\": [\"ptrace\"], \"action\": "
    "\"SCMP_ACT_KILL_PROCESS\"},\n"
    "        {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"}\n"
    "      ]\n"
    "    },\n"
    "    \"rootfsPropagation\": \"rprivate\",\n"
    "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/kcore\", "
    "\"/sys/firmware\"],\n"
    "    \"readonlyPaths\": [\"/proc/bus\", \"/proc/sys\"],\n"
    "    \"mountLabel\": \"system_u:object_r:container_file_t:s0:c1,c2\",\n"
    "    \"personality\": {\"domain\": \"LINUX32\", \"flags\": []},\n"
    "    \"intelRdt\": {\"closID\": \"x\"}\n"
    "  },\n"
    "  \"windows\": {\"ignored\": true}\n"
    "}\n";

static oci_spec *parse_str(const char *json, oci_parse_error *err) {
  return oci_spec_parse(json, strlen(json), err);
}

static void check_full_process(const oci_process *p) {
  CHECK(!p->terminal);
  CHECK(p->has_console_size && p->console_height == 40 &&
        p->console_width == 120);
  CHECK(p->user.uid == 1000 && p->user.gid == 1000);
  CHECK(p->user.has_umask && p->user.umask == 18);
  CHECK(p->user.additional_gids_len == 2 && p->user.additional_gids[0] == 10 &&
        p->user.additional_gids[1] == 4294967295u);
  CHECK_STR(p->user.username, "app");
  CHECK(p->args_len == 3);
  CHECK_STR(p->args[2], "daemon off;");
  CHECK(p->env_len == 3);
  CHECK_STR(p->env[1], "HOSTNAME=web1");
  CHECK_STR(p->cwd, "/srv/www");
  CHECK(p->capabilities != NULL);
  CHECK(p->capabilities->bounding_len == 4);
  CHECK_STR(p->capabilities->bounding[3], "CAP_CHECKPOINT_RESTORE");
  CHECK(p->capabilities->effective_len == 2);
  CHECK(p->capabilities->inheritable != NULL &&
        p->capabilities->inheritable_len == 0);
  CHECK(p->capabilities->permitted_len == 2);
  CHECK(p->capabilities->ambient_len == 1);
  CHECK_STR(p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
  CHECK(p->rlimits_len == 2);
  CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE");
  CHECK(p->rlimits[0].hard == 1048576 && p->rlimits[0].soft == 1048576);
  CHECK(p->rlimits[1].hard == UINT64_MAX && p->rlimits[1].soft == 0);
  CHECK(p->no_new_privileges);
  CHECK(p->has_oom_score_adj && p->oom_score_adj == -500);
  CHECK_STR(p->apparmor_profile, "docker-default");
  CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  CHECK_STR(p->io_priority_class, "IOPRIO_CLASS_BE");
  CHECK(p->has_io_priority && p->io_priority == 4);
  CHECK_STR(p->scheduler_policy, "SCHED_OTHER");
  CHECK(p->command_line == NULL);
}

static void check_full_mounts(const oci_spec *s) {
  CHECK(s->mounts_len == 10);
  CHECK_STR(s->mounts[0].destination, "/proc");
  CHECK_STR(s->mounts[0].type, "proc");
  CHECK_STR(s->mounts[0].source, "proc");
  CHECK(s->mounts[0].options_len == 3);
  CHECK_STR(s->mounts[2].options[5], "gid=5");
  CHECK_STR(s->mounts[7].source, "/var/lib/docker/containers/abc/resolv.conf");
  const oci_mount *m = &s->mounts[8];
  CHECK(m->uid_mappings_len == 1 && m->uid_mappings[0].host_id == 100000 &&
        m->uid_mappings[0].size == 65536);
  CHECK(m->gid_mappings_len == 1 && m->gid_mappings[0].host_id == 200000);
  CHECK(s->mounts[9].type == NULL && s->mounts[9].options == NULL &&
        s->mounts[9].uid_mappings == NULL);
}

static void check_full_hooks(const oci_hooks *h) {
  CHECK(h != NULL);
  CHECK(h->prestart_len == 1);
  CHECK_STR(h->prestart[0].path, "/usr/bin/netns-hook");
  CHECK(h->prestart[0].args_len == 2);
  CHECK_STR(h->prestart[0].env[0], "A=1");
  CHECK(h->prestart[0].has_timeout && h->prestart[0].timeout == 5);
  CHECK(h->create_runtime_len == 1 && !h->create_runtime[0].has_timeout);
  CHECK(h->create_container_len == 1);
  CHECK_STR(h->start_container[0].path, "/bin/sc");
  CHECK(h->poststart_len == 2 && h->poststart[1].timeout == 30);
  CHECK(h->poststop_len == 1 && h->poststop[0].args_len == 2);
}

static void check_full_resources(const oci_resources *r) {
  CHECK(r != NULL);
  CHECK(r->devices_len == 4);
  CHECK(!r->devices[0].allow && r->devices[0].type == 0 &&
        !r->devices[0].has_major);
  CHECK_STR(r->devices[0].access, "rwm");
  CHECK(r->devices[1].allow && r->devices[1].type == 'c' &&
        r->devices[1].major == 1 && r->devices[1].minor == 3);
  CHECK(r->devices[2].has_major && !r->devices[2].has_minor);
  CHECK(r->devices[3].type == 'b');
  const oci_memory *m = r->memory;
  CHECK(m->has_limit && m->limit == 536870912);
  CHECK(m->has_reservation && m->reservation == 268435456);
  CHECK(m->has_swap && m->swap == -1);
  CHECK(m->has_kernel && m->kernel == 0);
  CHECK(m->has_kernel_tcp && m->kernel_tcp == 1048576);
  CHECK(m->has_swappiness && m->swappiness == 60);
  CHECK(m->has_disable_oom_killer && !m->disable_oom_killer);
  CHECK(m->has_use_hierarchy && m->use_hierarchy);
  CHECK(m->has_check_before_update && m->check_before_update);
  const oci_cpu *c = r->cpu;
  CHECK(c->has_shares && c->shares == 1024);
  CHECK(c->has_quota && c->quota == 50000);
  CHECK(c->has_burst && c->burst == 10000);
  CHECK(c->has_period && c->period == 100000);
  CHECK(c->has_realtime_runtime && c->realtime_runtime == 950000);
  CHECK(c->has_realtime_period && c->realtime_period == 1000000);
  CHECK(c->has_idle && c->idle == 1);
  CHECK_STR(c->cpus, "0-1");
  CHECK_STR(c->mems, "0");
  CHECK(r->pids->has_limit && r->pids->limit == 512);
  const oci_blkio *b = r->block_io;
  CHECK(b->has_weight && b->weight == 500);
  CHECK(b->has_leaf_weight && b->leaf_weight == 300);
  CHECK(b->weight_device_len == 2 && b->weight_device[0].weight == 600 &&
        b->weight_device[0].leaf_weight == 200);
  CHECK(!b->weight_device[1].has_weight && b->weight_device[1].minor == 16);
  CHECK(b->throttle_read_bps_device_len == 1 &&
        b->throttle_read_bps_device[0].rate == 104857600);
  CHECK(b->throttle_write_bps_device[0].rate == 52428800);
  CHECK(b->throttle_read_iops_device[0].rate == 1000);
  CHECK(b->throttle_write_iops_device[0].rate == 500);
  CHECK(r->hugepage_limits_len == 2);
  CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
  CHECK(r->hugepage_limits[0].limit == 209715200);
  CHECK(r->unified_len == 2);
  CHECK_STR(r->unified[1].key, "io.weight");
  CHECK_STR(r->unified[1].value, "default 100");
}

static void check_full_seccomp(const oci_seccomp *s) {
  CHECK(s != NULL);
  CHECK(s->default_action == OCI_SECCOMP_ACT_ERRNO);
  CHECK(s->has_default_errno_ret && s->default_errno_ret == 1);
  CHECK(s->architectures_len == 3);
  CHECK_STR(s->architectures[2], "SCMP_ARCH_X32");
  CHECK(s->flags_len == 1);
  CHECK_STR(s->listener_path, "/run/seccomp-agent.sock");
  CHECK_STR(s->listener_metadata, "meta");
  CHECK(s->syscalls_len == 6);
  CHECK(s->syscalls[0].names_len == 4 &&
        s->syscalls[0].action == OCI_SECCOMP_ACT_ALLOW);
  CHECK(s->syscalls[1].args_len == 1 &&
        s->syscalls[1].args[0].op == OCI_SECCOMP_OP_EQ);
  CHECK(s->syscalls[2].args[0].value == 2114060288 &&
        s->syscalls[2].args[0].op == OCI_SECCOMP_OP_MASKED_EQ);
  const oci_seccomp_syscall *sock = &s->syscalls[3];
  CHECK(sock->action == OCI_SECCOMP_ACT_ERRNO && sock->has_errno_ret &&
        sock->errno_ret == 38);
  CHECK(sock->args_len == 2 && sock->args[0].value_two == 7 &&
        sock->args[0].op == OCI_SECCOMP_OP_NE);
  CHECK(sock->args[1].index == 1 && sock->args[1].value == UINT64_MAX &&
        sock->args[1].op == OCI_SECCOMP_OP_GE);
  CHECK(!s->syscalls[0].has_errno_ret);
  CHECK(s->syscalls[4].action == OCI_SECCOMP_ACT_KILL_PROCESS);
  CHECK(s->syscalls[5].action == OCI_SECCOMP_ACT_NOTIFY);
}

static void check_full_linux(const oci_linux *l) {
  CHECK(l != NULL);
  CHECK(l->uid_mappings_len == 1 && l->uid_mappings[0].container_id == 0 &&
        l->uid_mappings[0].host_id == 100000 &&
        l->uid_mappings[0].size == 65536);
  CHECK(l->gid_mappings_len == 2 && l->gid_mappings[1].container_id == 65536 &&
        l->gid_mappings[1].size == 1);
  CHECK(l->sysctl_len == 2);
  CHECK_STR(l->sysctl[0].key, "net.ipv4.ip_unprivileged_port_start");
  CHECK_STR(l->sysctl[0].value, "0");
  check_full_resources(l->resources);
  CHECK_STR(l->cgroups_path, "/docker/abc");
  CHECK(l->namespaces_len == 8);
  CHECK(l->namespaces[0].type == OCI_NS_PID && l->namespaces[0].path == NULL);
  CHECK(l->namespaces[1].type == OCI_NS_NETWORK);
  CHECK_STR(l->namespaces[1].path, "/var/run/netns/web1");
  CHECK(l->namespaces[5].type == OCI_NS_USER);
  CHECK(l->namespaces[7].type == OCI_NS_TIME);
  CHECK(l->devices_len == 3);
  CHECK_STR(l->devices[0].path, "/dev/fuse");
  CHECK(l->devices[0].type == 'c' && l->devices[0].major == 10 &&
        l->devices[0].minor == 229);
  CHECK(l->devices[0].has_file_mode && l->devices[0].file_mode == 0666);
  CHECK(l->devices[0].has_uid && l->devices[0].has_gid);
  CHECK(l->devices[2].type == 'p' && !l->devices[2].has_major);
  check_full_seccomp(l->seccomp);
  CHECK_STR(l->rootfs_propagation, "rprivate");
  CHECK(l->masked_paths_len == 3);
  CHECK_STR(l->masked_paths[2], "/sys/firmware");
  CHECK(l->readonly_paths_len == 2);
  CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK(l->personality != NULL);
  CHECK_STR(l->personality->domain, "LINUX32");
  CHECK(l->personality->flags != NULL && l->personality->flags_len == 0);
}

static void check_full(const oci_spec *s) {
  CHECK_STR(s->oci_version, "1.1.0");
  CHECK(s->process != NULL);
  if (s->process)
    check_full_process(s->process);
  CHECK(s->root != NULL && !s->root->readonly);
  CHECK_STR(s->root->path, "/var/lib/docker/overlay2/abc/merged");
  CHECK_STR(s->hostname, "web1");
  CHECK_STR(s->domainname, "example.org");
  check_full_mounts(s);
  check_full_hooks(s->hooks);
  CHECK(s->annotations_len == 2);
  CHECK_STR(s->annotations[0].key, "com.example.key");
  CHECK_STR(s->annotations[0].value, "value");
  check_full_linux(s->linux_);
}

static void test_full_config(void) {
  oci_parse_error err = {0};
  oci_spec *s = parse_str(full_config, &err);
  CHECK(s != NULL);
  CHECK(err.msg == NULL);
  if (s == NULL) {
    fprintf(stderr, "parse error: %s\n", err.msg);
    oci_parse_error_clear(&err);
    return;
  }
  check_full(s);
  oci_spec_free(s);
}

/* parse(emit(parse(x))) == parse(x), checked field by field through
 * check_full and as text through a second emit. */
static void test_round_trip(void) {
  oci_spec *s = parse_str(full_config, NULL);
  CHECK(s != NULL);
  if (s == NULL)
    return;
  for (int pretty = 0; pretty < 2; pretty++) {
    char *text = oci_spec_emit(s, pretty);
    CHECK(text != NULL);
    oci_parse_error err = {0};
    oci_spec *again = parse_str(text, &err);
    CHECK(again != NULL);
    if (again) {
      check_full(again);
      char *text2 = oci_spec_emit(again, pretty);
      CHECK_STR(text2, text);
      free(text2);
    } else {
      fprintf(stderr, "re-parse error: %s\n", err.msg);
    }
    oci_parse_error_clear(&err);
    oci_spec_free(again);
    free(text);
  }
  oci_spec_free(s);
}

static void test_dup(void) {
  oci_spec *s = parse_str(full_config, NULL);
  CHECK(s != NULL);
  if (s == NULL)
    return;
  oci_spec *d = oci_spec_dup(s);
  CHECK(d != NULL && d != s);
  char *a = oci_spec_emit(s, false), *b = oci_spec_emit(d, false);
  CHECK_STR(b, a);
  /* A deep copy shares nothing: changing it leaves the original alone. */
  CHECK(d->process->args != s->process->args);
  CHECK(d->linux_->seccomp->syscalls[3].args !=
        s->linux_->seccomp->syscalls[3].args);
  d->process->args[0][0] = 'X';
  d->linux_->resources->cpu->cpus[0] = '7';
  CHECK_STR(s->process->args[0], "/usr/bin/nginx");
  CHECK_STR(s->linux_->resources->cpu->cpus, "0-1");
  free(a);
  free(b);
  oci_spec_free(d);

  oci_process *p = oci_process_dup(s->process);
  char *pa = oci_process_emit(s->process, false),
       *pb = oci_process_emit(p, false);
  CHECK_STR(pb, pa);
  free(pa);
  free(pb);
  oci_process_free(p);
  oci_resources *r = oci_resources_dup(s->linux_->resources);
  char *ra = oci_resources_emit(s->linux_->resources, false);
  char *rb = oci_resources_emit(r, false);
  CHECK_STR(rb, ra);
  free(ra);
  free(rb);
  oci_resources_free(r);
  CHECK(oci_spec_dup(NULL) == NULL);
  oci_spec_free(s);
}

/* Parse `json` expecting failure with exactly `want`. */
static void expect_error(const char *json, const char *want) {
  oci_parse_error err = {0};
  oci_spec *s = parse_str(json, &err);
  CHECK(s == NULL);
  CHECK_STR(err.msg, want);
  oci_spec_free(s);
  oci_parse_error_clear(&err);
}

#define PROC(fields)                                                           \
  "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","    \
  "\"user\":{\"uid\":0,\"gid\":0}" fields "}}"

static void test_errors(void) {
  /* truncated JSON: yajl's text squashed to one line */
  oci_parse_error err = {0};
  CHECK(parse_str("{\"ociVersion\": \"1.0\", \"process\": {", &err) == NULL);
  CHECK(err.msg && strncmp(err.msg, "invalid JSON: ", 14) == 0);
  CHECK(err.msg && strchr(err.msg, '\n') == NULL);
  CHECK(err.msg && strstr(err.msg, "premature EOF") != NULL);
  oci_parse_error_clear(&err);
  expect_error("[1,2]", "expected a JSON object, got an array");

  /* wrong type */
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}}",
               "process.user.uid: expected a non-negative integer, got a "
               "string");
  expect_error("{\"ociVersion\":1}",
               "ociVersion: expected a string, got a number");
  expect_error(PROC(",\"terminal\":\"yes\""),
               "process.terminal: expected a boolean, got a string");
  expect_error(PROC(",\"env\":[\"A=1\",2]"),
               "process.env[1]: expected a string, got a number");
  expect_error("{\"ociVersion\":\"1.2.0\",\"mounts\":{}}",
               "mounts: expected an array, got an object");

  /* out of range and non-integer numbers */
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"/\",\"user\":{\"uid\":4294967296,\"gid\":0}}}",
               "process.user.uid: 4294967296 is out of range (0 to "
               "4294967295)");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":-1}}}",
               "process.user.gid: -1 is out of range (0 to 4294967295)");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"/\",\"user\":{\"uid\":1.5,\"gid\":0}}}",
               "process.user.uid: expected a non-negative integer, got 1.5");
  expect_error(PROC(",\"oomScoreAdj\":1001"),
               "process.oomScoreAdj: 1001 is out of range (-1000 to 1000)");
  expect_error(PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":"
                    "18446744073709551616,\"soft\":1}]"),
               "process.rlimits[0].hard: 18446744073709551616 is out of range "
               "(0 to 18446744073709551615)");

  /* enumerations */
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":"
               "[{\"type\":\"pid\"},{\"type\":\"foo\"}]}}",
               "linux.namespaces[1].type: unknown namespace type \"foo\"");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{"
               "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
               "[\"read\"],\"action\":\"SCMP_ACT_X\"}]}}}",
               "linux.seccomp.syscalls[0].action: unknown seccomp action "
               "\"SCMP_ACT_X\"");
  expect_error(
      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{"
      "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
      "\"value\":1,\"op\":\"SCMP_CMP_XX\"}]}]}}}",
      "linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
      "operator \"SCMP_CMP_XX\"");
  expect_error(PROC(",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\","
                    "\"CAP_KILL\",\"CAP_BPF\",\"CAP_FOO\"]}"),
               "process.capabilities.bounding[3]: unknown capability "
               "\"CAP_FOO\"");
  expect_error(
      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":"
      "[{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"pid\","
      "\"path\":\"/proc/1/ns/pid\"}]}}",
      "linux.namespaces[2]: namespace type \"pid\" given more than once");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"devices\":"
               "[{\"path\":\"/dev/x\",\"type\":\"q\"}]}}",
               "linux.devices[0].type: unknown device type \"q\"");

  /* required fields */
  expect_error("{}", "ociVersion: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\"},"
               "{\"destination\":\"/b\"},{\"type\":\"tmpfs\"}]}",
               "mounts[2].destination: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"root\":{\"readonly\":true}}",
               "root.path: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"/\"}}",
               "process.user: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\","
               "\"user\":{\"uid\":0,\"gid\":0}}}",
               "process.args: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[],"
               "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}",
               "process.args: must not be empty");
  expect_error("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
               "\"cwd\":\"srv\",\"user\":{\"uid\":0,\"gid\":0}}}",
               "process.cwd: must be an absolute path, got \"srv\"");
  expect_error("{\"ociVersion\":\"1.2.0\",\"hooks\":{\"poststop\":[{}]}}",
               "hooks.poststop[0].path: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":[{}]}}",
               "linux.namespaces[0].type: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"devices\":"
               "[{\"type\":\"c\"}]}}",
               "linux.devices[0].path: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{}}}",
               "linux.seccomp.defaultAction: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{"
               "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
               "\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
               "linux.seccomp.syscalls[0].names: required field missing");
  expect_error(PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]"),
               "process.rlimits[0].soft: required field missing");
  expect_error(PROC(",\"rlimits\":[{\"type\":null,\"hard\":1,\"soft\":1}]"),
               "process.rlimits[0].type: required field missing");
  expect_error("{\"ociVersion\":\"1.2.0\",\"hooks\":{\"prestart\":[{\"path\":"
               "\"/x\",\"timeout\":0}]}}",
               "hooks.prestart[0].timeout: must be greater than zero, got 0");
}

static void test_hostile_input(void) {
  /* Values in messages are escaped and cut, so the message stays one
   * short line whatever the input holds. */
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":"
               "[{\"type\":\"a\\nb\"}]}}",
               "linux.namespaces[0].type: unknown namespace type \"a\\nb\"");
  char long_cap[300];
  memset(long_cap, 'A', sizeof long_cap - 1);
  long_cap[sizeof long_cap - 1] = '\0';
  char *json = NULL;
  if (asprintf(&json, PROC(",\"capabilities\":{\"ambient\":[\"%s\"]}"),
               long_cap) < 0)
    return;
  oci_parse_error err = {0};
  CHECK(parse_str(json, &err) == NULL);
  CHECK(err.msg && strlen(err.msg) < 150);
  CHECK(err.msg && strstr(err.msg, "AAAA\"...") != NULL);
  oci_parse_error_clear(&err);
  free(json);

  /* Deep nesting is refused before yajl builds (and recursively frees)
   * a tree that would overflow the stack. */
  size_t depth = 1000000;
  char *deep = malloc(2 * depth + 40);
  size_t n = (size_t)sprintf(deep, "{\"ociVersion\":\"1\",\"x\":");
  memset(deep + n, '[', depth);
  memset(deep + n + depth, ']', depth);
  strcpy(deep + n + 2 * depth, "}");
  CHECK(oci_spec_parse(deep, strlen(deep), &err) == NULL);
  CHECK_STR(err.msg, "invalid JSON: nested deeper than 256 levels");
  oci_parse_error_clear(&err);
  free(deep);
  /* Brackets inside strings do not count. */
  const char *in_str = "{\"ociVersion\":\"[[[[[[[[[[[[[[[[[[[[\\\"[[\"}";
  oci_spec *s = parse_str(in_str, &err);
  CHECK(s != NULL);
  oci_spec_free(s);
  oci_parse_error_clear(&err);
  expect_error("{\"ociVersion\":\"1.2.0\",\"hostname\":\"a\\u0000b\"}",
               "invalid JSON: \\u0000 in a string");
  s = parse_str("{\"ociVersion\":\"1.2.0\",\"hostname\":\"a\\\\u0000b\"}",
                &err);
  CHECK(s != NULL && strcmp(s->hostname, "a\\u0000b") == 0);
  oci_spec_free(s);
  oci_parse_error_clear(&err);
  const char *nul = "{\"ociVersion\":\"1\"}\0garbage";
  CHECK(oci_spec_parse(nul, 25, &err) == NULL);
  CHECK_STR(err.msg, "invalid JSON: NUL byte in input");
  oci_parse_error_clear(&err);
}

static void test_lenient(void) {
  /* Unknown keys anywhere are ignored; null means absent. */
  const char *json =
      "{\"ociVersion\":\"1.2.0\",\"futureTopLevel\":{\"x\":[1,2]},"
      "\"hostname\":null,\"root\":{\"path\":\"rootfs\",\"newThing\":1},"
      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":5,"
      "\"gid\":6,\"umask\":null},\"capabilities\":null,\"whatever\":true},"
      "\"linux\":{\"resources\":{\"memory\":null,\"rdma\":{}},\"netDevices\":{}"
      "}}";
  oci_parse_error err = {0};
  oci_spec *s = parse_str(json, &err);
  CHECK(s != NULL);
  CHECK(err.msg == NULL);
  if (s) {
    CHECK(s->hostname == NULL);
    CHECK_STR(s->root->path, "rootfs");
    CHECK(s->process->user.uid == 5 && !s->process->user.has_umask);
    CHECK(s->process->capabilities == NULL);
    CHECK(s->linux_->resources != NULL && s->linux_->resources->memory == NULL);
    CHECK(s->mounts == NULL && s->mounts_len == 0);
    char *text = oci_spec_emit(s, false);
    CHECK(text && strstr(text, "futureTopLevel") == NULL);
    CHECK(text && strstr(text, "hostname") == NULL);
    free(text);
  }
  oci_parse_error_clear(&err);
  oci_spec_free(s);
}

/* Brackets inside strings are data, not structure, for the pretty
 * printer's empty-list folding. */
static void test_pretty_strings(void) {
  const char *json = "{\"ociVersion\":\"1.2.0\",\"hostname\":\"[ \\n ]\","
                     "\"annotations\":{\"a\\\"[\":\"{  }\",\"e\":\"\"}}";
  oci_spec *s = parse_str(json, NULL);
  CHECK(s != NULL);
  if (s == NULL)
    return;
  char *text = oci_spec_emit(s, true);
  oci_spec *again = parse_str(text, NULL);
  CHECK(again != NULL);
  if (again) {
    CHECK_STR(again->hostname, "[ \n ]");
    CHECK_STR(again->annotations[0].key, "a\"[");
    CHECK_STR(again->annotations[0].value, "{  }");
    CHECK_STR(again->annotations[1].value, "");
  }
  oci_spec_free(again);
  oci_spec_free(s);
  free(text);
}

static void test_process_parse(void) {
  const char *json =
      "{\"terminal\":true,\"user\":{\"uid\":1000,\"gid\":100},"
      "\"args\":[\"/bin/ls\",\"-l\"],\"cwd\":\"/tmp\",\"env\":[\"A=b\"],"
      "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},\"noNewPrivileges\":"
      "true}";
  oci_parse_error err = {0};
  oci_process *p = oci_process_parse(json, strlen(json), &err);
  CHECK(p != NULL);
  if (p) {
    CHECK(p->terminal && p->no_new_privileges);
    CHECK(p->user.uid == 1000 && p->user.gid == 100);
    CHECK(p->args_len == 2);
    CHECK_STR(p->args[1], "-l");
    CHECK_STR(p->cwd, "/tmp");
    CHECK(p->capabilities && p->capabilities->bounding_len == 1 &&
          p->capabilities->effective == NULL);
    char *text = oci_process_emit(p, false);
    oci_process *again = oci_process_parse(text, strlen(text), NULL);
    CHECK(again != NULL);
    char *text2 = again ? oci_process_emit(again, false) : NULL;
    CHECK_STR(text2, text);
    free(text);
    free(text2);
    oci_process_free(again);
  }
  oci_process_free(p);
  const char *bad =
      "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
      "\"cwd\":\"/\",\"capabilities\":{\"effective\":[\"CAP_NOPE\"]}}";
  CHECK(oci_process_parse(bad, strlen(bad), &err) == NULL);
  CHECK_STR(err.msg,
            "capabilities.effective[0]: unknown capability \"CAP_NOPE\"");
  oci_parse_error_clear(&err);
}

static void test_resources_parse(void) {
  const char *json = "{\"memory\":{\"limit\":1048576,\"swap\":2097152},"
                     "\"cpu\":{\"shares\":512,\"quota\":-1,\"cpus\":\"0\"},"
                     "\"pids\":{\"limit\":-1},\"blockIO\":{\"weight\":100},"
                     "\"unified\":{\"cpu.max\":\"max 100000\"}}";
  oci_parse_error err = {0};
  oci_resources *r = oci_resources_parse(json, strlen(json), &err);
  CHECK(r != NULL);
  if (r) {
    CHECK(r->memory->has_limit && r->memory->limit == 1048576);
    CHECK(r->memory->has_swap && !r->memory->has_reservation);
    CHECK(r->cpu->shares == 512 && r->cpu->quota == -1);
    CHECK(r->pids->has_limit && r->pids->limit == -1);
    CHECK(r->block_io->has_weight && r->block_io->weight == 100);
    CHECK(r->devices == NULL);
    CHECK_STR(r->unified[0].value, "max 100000");
  }
  oci_resources_free(r);
  const char *bad = "{\"blockIO\":{\"weight\":70000}}";
  CHECK(oci_resources_parse(bad, strlen(bad), &err) == NULL);
  CHECK_STR(err.msg, "blockIO.weight: 70000 is out of range (0 to 65535)");
  oci_parse_error_clear(&err);
  const char *bad2 = "{\"devices\":[{\"access\":\"rwm\"}]}";
  CHECK(oci_resources_parse(bad2, strlen(bad2), &err) == NULL);
  CHECK_STR(err.msg, "devices[0].allow: required field missing");
  oci_parse_error_clear(&err);
}

static void test_parse_file(void) {
  char dir[] = "/tmp/test-ocispec-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/config.json", dir);

  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  const char *bad = "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                    "\"cwd\":\"/\",\"user\":{\"uid\":\"x\",\"gid\":0}}}";
  CHECK(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad));
  close(fd);
  oci_parse_error err = {0};
  CHECK(oci_spec_parse_file(path, &err) == NULL);
  CHECK_STR(err.msg, "config.json: process.user.uid: expected a non-negative "
                     "integer, got a string");
  oci_parse_error_clear(&err);

  /* Sparse: 32 MiB + 1 byte of apparent size, no disk used. */
  fd = open(path, O_WRONLY | O_TRUNC);
  CHECK(fd >= 0 && ftruncate(fd, OCI_SPEC_MAX_FILE_SIZE + 1) == 0);
  close(fd);
  CHECK(oci_spec_parse_file(path, &err) == NULL);
  CHECK_STR(err.msg, "config.json: file is 33554433 bytes, larger than the "
                     "32 MiB limit");
  oci_parse_error_clear(&err);

  fd = open(path, O_WRONLY | O_TRUNC);
  CHECK(write(fd, full_config, strlen(full_config)) ==
        (ssize_t)strlen(full_config));
  close(fd);
  oci_spec *s = oci_spec_parse_file(path, &err);
  CHECK(s != NULL && err.msg == NULL);
  if (s)
    check_full(s);
  oci_spec_free(s);
  unlink(path);

  /* Regression (garbage.bats): a fifo as config.json hung create in
   * open(); a device never ends. Both are refused without reading. */
  CHECK(mkfifo(path, 0600) == 0);
  CHECK(oci_spec_parse_file(path, &err) == NULL);
  CHECK_STR(err.msg, "config.json: not a regular file");
  oci_parse_error_clear(&err);
  unlink(path);
  CHECK(oci_spec_parse_file("/dev/zero", &err) == NULL);
  CHECK_STR(err.msg, "zero: not a regular file");
  oci_parse_error_clear(&err);
  CHECK(oci_spec_parse_file(dir, &err) == NULL);
  CHECK(err.msg != NULL);
  oci_parse_error_clear(&err);
  rmdir(dir);

  CHECK(oci_spec_parse_file("/nonexistent/dir/config.json", &err) == NULL);
  CHECK_STR(err.msg, "config.json: cannot open: No such file or directory");
  oci_parse_error_clear(&err);
}

static oci_state *sample_state(void) {
  oci_state *s = calloc(1, sizeof *s);
  s->oci_version = strdup("1.2.0");
  s->id = strdup("web1");
  s->status = strdup("running");
  s->pid = 4242;
  s->bundle = strdup("/run/bundles/web1");
  s->annotations = calloc(1, sizeof(oci_kv));
  s->annotations[0].key = strdup("k");
  s->annotations[0].value = strdup("v");
  s->annotations_len = 1;
  s->rootfs = strdup("/run/bundles/web1/rootfs");
  s->created = strdup("2026-11-22T05:00:00.123456789Z");
  s->owner = strdup("");
  s->pid_start_time = 987654321;
  s->cgroup_path = strdup("/hardened/web1");
  s->systemd_cgroup = false;
  s->overrides = calloc(1, sizeof(oci_override));
  s->overrides[0].rule = strdup("non-root");
  s->overrides[0].field = strdup("process.user.uid");
  s->overrides[0].requested = strdup("0");
  s->overrides[0].enforced = strdup("65534");
  s->overrides_len = 1;
  return s;
}

static void test_state(void) {
  oci_state *s = sample_state();
  char *pub = oci_state_emit(s, false, false);
  CHECK_STR(pub, "{\"ociVersion\":\"1.2.0\",\"id\":\"web1\",\"status\":"
                 "\"running\",\"pid\":4242,\"bundle\":\"/run/bundles/web1\","
                 "\"rootfs\":\"/run/bundles/web1/rootfs\",\"created\":"
                 "\"2026-11-22T05:00:00.123456789Z\",\"owner\":\"\","
                 "\"annotations\":{\"k\":\"v\"}}");
  char *priv = oci_state_emit(s, true, true);
  CHECK(priv && strstr(priv, "\"hardened\"") != NULL);
  CHECK(priv && strstr(priv, "\"pid_start_time\": 987654321") != NULL);

  oci_parse_error err = {0};
  oci_state *back = oci_state_parse(priv, strlen(priv), &err);
  CHECK(back != NULL);
  if (back) {
    CHECK_STR(back->id, "web1");
    CHECK(back->pid == 4242);
    CHECK(back->pid_start_time == 987654321);
    CHECK_STR(back->cgroup_path, "/hardened/web1");
    CHECK(back->overrides_len == 1);
    CHECK_STR(back->overrides[0].enforced, "65534");
    char *priv2 = oci_state_emit(back, true, true);
    CHECK_STR(priv2, priv);
    free(priv2);
  }
  oci_state_free(back);
  /* The public form reads back too, without private fields. */
  back = oci_state_parse(pub, strlen(pub), &err);
  CHECK(back != NULL && back->pid_start_time == 0 && back->overrides == NULL);
  CHECK(back && back->annotations_len == 1);
  oci_state_free(back);
  CHECK(oci_state_parse("{\"id\":\"x\"}", 10, &err) == NULL);
  CHECK_STR(err.msg, "ociVersion: required field missing");
  oci_parse_error_clear(&err);

  oci_state *list[2] = {s, s};
  char *arr = oci_state_list_emit(list, 2, false);
  CHECK(arr && arr[0] == '[' && strstr(arr, "hardened") == NULL);
  CHECK(arr && strstr(strstr(arr, "web1") + 1, "\"id\":\"web1\"") != NULL);
  char *empty = oci_state_list_emit(NULL, 0, false);
  CHECK_STR(empty, "[]");
  free(empty);
  free(arr);
  free(pub);
  free(priv);
  oci_override_clear(&s->overrides[0]);
  CHECK(s->overrides[0].rule == NULL);
  oci_state_free(s);
}

static bool json_has_string(yajl_val arr, const char *want) {
  for (size_t i = 0; arr && YAJL_IS_ARRAY(arr) && i < arr->u.array.len; i++) {
    const char *s = YAJL_GET_STRING(arr->u.array.values[i]);
    if (s != NULL && strcmp(s, want) == 0)
      return true;
  }
  return false;
}

static void test_features(void) {
  oci_features *f = oci_features_new("1.0.0", "1.2.0");
  oci_features_add(&f->hooks, "prestart");
  oci_features_add(&f->linux_.namespaces, "pid");
  oci_features_add(&f->linux_.seccomp.actions, "SCMP_ACT_ALLOW");
  f->linux_.cgroup.v1 = true;
  f->linux_.seccomp.enabled = true;
  oci_features_add_annotation(f, "org.hardened.x", "one");
  oci_features_add_annotation(f, "org.hardened.x", "two");
  char *text = oci_features_emit(f, true);
  CHECK(text != NULL);
  char ebuf[256];
  yajl_val t = text ? yajl_tree_parse(text, ebuf, sizeof ebuf) : NULL;
  CHECK(t != NULL);
  const char *pmin[] = {"ociVersionMin", NULL};
  const char *phooks[] = {"hooks", NULL};
  const char *pns[] = {"linux", "namespaces", NULL};
  const char *pv1[] = {"linux", "cgroup", "v1", NULL};
  const char *psys[] = {"linux", "cgroup", "systemd", NULL};
  const char *pidmap[] = {"linux", "mountExtensions", "idmap", "enabled", NULL};
  const char *pann[] = {"annotations", "org.hardened.x", NULL};
  const char *popt[] = {"mountOptions", NULL};
  CHECK_STR(YAJL_GET_STRING(yajl_tree_get(t, pmin, yajl_t_string)), "1.0.0");
  CHECK(json_has_string(yajl_tree_get(t, phooks, yajl_t_array), "prestart"));
  CHECK(json_has_string(yajl_tree_get(t, pns, yajl_t_array), "pid"));
  CHECK(YAJL_IS_TRUE(yajl_tree_get(t, pv1, yajl_t_any)));
  CHECK(YAJL_IS_FALSE(yajl_tree_get(t, psys, yajl_t_any)));
  CHECK(YAJL_IS_FALSE(yajl_tree_get(t, pidmap, yajl_t_any)));
  CHECK_STR(YAJL_GET_STRING(yajl_tree_get(t, pann, yajl_t_string)), "two");
  yajl_val opts = yajl_tree_get(t, popt, yajl_t_array);
  CHECK(opts != NULL && opts->u.array.len == 0);
  yajl_tree_free(t);
  free(text);
  oci_features_free(f);
}

static void test_enums(void) {
  for (int i = 0; i < OCI_NS__COUNT; i++)
    CHECK(oci_namespace_type_from_name(oci_namespace_type_name(i)) == i);
  CHECK(oci_namespace_type_from_name("net") == -1);
  size_t n = 0;
  const char *const *acts = oci_seccomp_action_names(&n);
  CHECK(n == 9);
  for (size_t i = 0; i < n; i++)
    CHECK(oci_seccomp_action_from_name(acts[i]) == (int)i);
  const char *const *ops = oci_seccomp_op_names(&n);
  CHECK(n == 7 && oci_seccomp_op_from_name(ops[6]) == OCI_SECCOMP_OP_MASKED_EQ);
  const char *const *caps = oci_capability_names(&n);
  CHECK(n == 41);
  CHECK_STR(caps[0], "CAP_CHOWN");
  CHECK_STR(caps[21], "CAP_SYS_ADMIN");
  CHECK_STR(caps[40], "CAP_CHECKPOINT_RESTORE");
}

static bool has_mount(const oci_spec *s, const char *dest, const char *type,
                      const char *opt) {
  for (size_t i = 0; i < s->mounts_len; i++) {
    const oci_mount *m = &s->mounts[i];
    if (strcmp(m->destination, dest) != 0 || strcmp(m->type, type) != 0)
      continue;
    for (size_t j = 0; j < m->options_len; j++)
      if (strcmp(m->options[j], opt) == 0)
        return true;
  }
  return false;
}

/* The default `hardened spec` writes must parse and already be hardened. */
static void test_default_spec(void) {
  for (int rootless = 0; rootless < 2; rootless++) {
    oci_spec *d = oci_spec_default(rootless);
    char *text = oci_spec_emit(d, true);
    oci_parse_error err = {0};
    oci_spec *s = parse_str(text, &err);
    CHECK(s != NULL);
    if (s == NULL) {
      fprintf(stderr, "default spec: %s\n", err.msg);
      oci_parse_error_clear(&err);
      free(text);
      oci_spec_free(d);
      continue;
    }
    const oci_process *p = s->process;
    CHECK(p->user.uid == 65534 && p->user.gid == 65534);
    CHECK(p->terminal && p->args_len == 1);
    CHECK_STR(p->args[0], "sh");
    CHECK_STR(p->cwd, "/");
    CHECK_STR(p->env[1], "TERM=xterm");
    CHECK(p->capabilities != NULL && p->capabilities->bounding != NULL &&
          p->capabilities->bounding_len == 0 &&
          p->capabilities->ambient_len == 0);
    CHECK(p->no_new_privileges);
    /* Pretty output keeps empty lists on one line. */
    CHECK(strstr(text, "\"bounding\": []") != NULL);
    CHECK(p->rlimits_len == 1 && p->rlimits[0].hard == 1024);
    CHECK(s->root->readonly);
    CHECK_STR(s->root->path, "rootfs");
    CHECK_STR(s->hostname, "hardened");
    CHECK(s->mounts_len == 8);
    CHECK(has_mount(s, "/tmp", "tmpfs", "noexec"));
    CHECK(has_mount(s, "/dev/shm", "tmpfs", "nodev"));
    CHECK(has_mount(s, "/sys/fs/cgroup", "cgroup", "ro"));
    CHECK(has_mount(s, "/dev/pts", "devpts", "gid=5") == !rootless);
    CHECK(s->linux_->masked_paths_len == 12);
    CHECK(s->linux_->readonly_paths_len == 5);
    CHECK(s->linux_->namespaces_len == 6);
    if (!rootless) {
      CHECK(s->linux_->resources->pids->limit == 1024);
      CHECK(s->linux_->resources->devices_len == 1 &&
            !s->linux_->resources->devices[0].allow);
      CHECK(s->linux_->uid_mappings == NULL);
    } else {
      CHECK(s->linux_->namespaces[1].type == OCI_NS_USER);
      CHECK(s->linux_->uid_mappings_len == 1 &&
            s->linux_->uid_mappings[0].container_id == 65534 &&
            s->linux_->uid_mappings[0].host_id == (uint32_t)geteuid());
    }
    free(text);
    oci_spec_free(s);
    oci_spec_free(d);
  }
}

/* A key given twice is refused wherever it is, naming the key and the
 * object: the overlay would check one value and the kernel get the other. */
static void test_duplicate_keys(void) {
  expect_error("{\"ociVersion\":\"1.2.0\",\"linux\":{\"sysctl\":{"
               "\"vm.memfd_noexec\":\"2\",\"vm.memfd_noexec\":\"0\"}}}",
               "duplicate key \"vm.memfd_noexec\" in linux.sysctl");
  expect_error("{\"ociVersion\":\"1.2.0\",\"ociVersion\":\"1.0.0\"}",
               "duplicate key \"ociVersion\" in the top-level object");
  expect_error(PROC(",\"user\":{\"uid\":1,\"gid\":1}"),
               "duplicate key \"user\" in process");
  expect_error("{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":"
               "\"/a\"},{\"destination\":\"/b\",\"options\":[],\"options\":"
               "[\"rw\"]}]}",
               "duplicate key \"options\" in mounts[1]");
  /* in keys no table knows, too */
  expect_error("{\"ociVersion\":\"1.2.0\",\"future\":{\"a\":[{\"k\":1,"
               "\"k\":2}]}}",
               "duplicate key \"k\" in future.a[0]");
  /* the same name in different objects is no duplicate */
  oci_spec *s = parse_str("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":"
                          "\"r\"},\"linux\":{\"sysctl\":{\"path\":\"1\"}}}",
                          NULL);
  CHECK(s != NULL);
  oci_spec_free(s);
  oci_parse_error err = {0};
  const char *proc = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"cwd\":\"/tmp\","
                     "\"user\":{\"uid\":0,\"gid\":0}}";
  CHECK(oci_process_parse(proc, strlen(proc), &err) == NULL);
  CHECK_STR(err.msg, "duplicate key \"cwd\" in the top-level object");
  oci_parse_error_clear(&err);
  const char *res = "{\"unified\":{\"cgroup.procs\":\"1\",\"cgroup.procs\":"
                    "\"2\"}}";
  CHECK(oci_resources_parse(res, strlen(res), &err) == NULL);
  CHECK_STR(err.msg, "duplicate key \"cgroup.procs\" in unified");
  oci_parse_error_clear(&err);
}

/* Keys no table names are kept by path with their kind, survive dup,
 * are never emitted, and are capped. */
static void test_unknown_fields(void) {
  oci_spec *s =
      parse_str("{\"ociVersion\":\"1.2.0\",\"futureTopLevel\":{\"x\":1},"
                "\"mounts\":[{\"destination\":\"/a\",\"tmpcopyup\":true}],"
                "\"linux\":{\"netDevices\":{},\"resources\":{\"rdma\":{}}}}",
                NULL);
  CHECK(s != NULL);
  if (s == NULL)
    return;
  CHECK(s->unknown.len == 4 && s->unknown.total == 4);
  if (s->unknown.len == 4) {
    CHECK_STR(s->unknown.items[0].key, "futureTopLevel");
    CHECK_STR(s->unknown.items[0].value, "an object");
    CHECK_STR(s->unknown.items[1].key, "mounts[0].tmpcopyup");
    CHECK_STR(s->unknown.items[1].value, "a boolean");
    CHECK_STR(s->unknown.items[2].key, "linux.netDevices");
    CHECK_STR(s->unknown.items[3].key, "linux.resources.rdma");
  }
  oci_spec *d = oci_spec_dup(s);
  CHECK(d && d->unknown.len == 4 && d->unknown.items != s->unknown.items);
  if (d && d->unknown.len == 4)
    CHECK_STR(d->unknown.items[3].key, "linux.resources.rdma");
  char *text = oci_spec_emit(s, false);
  CHECK(text && strstr(text, "tmpcopyup") == NULL);
  free(text);
  oci_spec_free(d);
  oci_spec_free(s);

  /* a hostile spec cannot grow the list without bound */
  char *json = malloc(100 * 16 + 64);
  size_t n = (size_t)sprintf(json, "{\"ociVersion\":\"1.2.0\"");
  for (int i = 0; i < 100; i++)
    n += (size_t)sprintf(json + n, ",\"k%d\":%d", i, i);
  strcpy(json + n, "}");
  s = parse_str(json, NULL);
  CHECK(s && s->unknown.len == OCI_UNKNOWN_FIELDS_MAX &&
        s->unknown.total == 100);
  oci_spec_free(s);
  free(json);

  const char *proc = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,"
                     "\"gid\":0,\"sid\":1}}";
  oci_process *p = oci_process_parse(proc, strlen(proc), NULL);
  CHECK(p && p->unknown.len == 1);
  if (p && p->unknown.len == 1)
    CHECK_STR(p->unknown.items[0].key, "user.sid");
  oci_process_free(p);
  const char *res = "{\"pids\":{\"limit\":5,\"max\":6}}";
  oci_resources *r = oci_resources_parse(res, strlen(res), NULL);
  CHECK(r && r->unknown.len == 1);
  if (r && r->unknown.len == 1)
    CHECK_STR(r->unknown.items[0].key, "pids.max");
  oci_resources_free(r);
}

static void test_network(void) {
  const char *res = "{\"network\":{\"classID\":1048577,\"priorities\":["
                    "{\"name\":\"eth0\",\"priority\":500}]}}";
  oci_resources *r = oci_resources_parse(res, strlen(res), NULL);
  CHECK(r && r->network && r->network->has_class_id &&
        r->network->class_id == 1048577 && r->network->priorities_len == 1);
  if (r && r->network && r->network->priorities_len == 1) {
    CHECK_STR(r->network->priorities[0].name, "eth0");
    CHECK(r->network->priorities[0].priority == 500);
    char *text = oci_resources_emit(r, false);
    CHECK_STR(text, res);
    free(text);
  }
  oci_resources_free(r);
  oci_parse_error err = {0};
  const char *bad = "{\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}}";
  CHECK(oci_resources_parse(bad, strlen(bad), &err) == NULL);
  CHECK_STR(err.msg, "network.priorities[0].priority: required field missing");
  oci_parse_error_clear(&err);
}

static void count_field(const char *path, const oci_field *f, void *data) {
  (void)f;
  size_t *n = data;
  (*n)++;
  CHECK(path[0] != '\0' && strstr(path, "..") == NULL);
}

/* The tables reach every struct: a sample of leaves by path, and the
 * process and resources tables are the spec's own. */
static bool has_path_hit;
static const char *has_path_want;
static void find_path(const char *path, const oci_field *f, void *data) {
  (void)f;
  (void)data;
  if (strcmp(path, has_path_want) == 0)
    has_path_hit = true;
}
static bool desc_has(const oci_struct_desc *d, const char *prefix,
                     const char *path) {
  has_path_hit = false;
  has_path_want = path;
  oci_desc_walk(d, prefix, find_path, NULL);
  return has_path_hit;
}

static void test_desc_walk(void) {
  size_t n = 0;
  oci_desc_walk(&oci_spec_desc, "", count_field, &n);
  CHECK(n > 100);
  CHECK(desc_has(&oci_spec_desc, "", "process.user.uid"));
  CHECK(desc_has(&oci_spec_desc, "", "process.consoleSize.height"));
  CHECK(desc_has(&oci_spec_desc, "", "mounts[].options"));
  CHECK(desc_has(&oci_spec_desc, "", "hooks.prestart[].env"));
  CHECK(desc_has(&oci_spec_desc, "", "linux.resources.memory.limit"));
  CHECK(desc_has(&oci_spec_desc, "", "linux.resources.network.classID"));
  CHECK(desc_has(&oci_spec_desc, "", "linux.seccomp.syscalls[].args[].op"));
  CHECK(desc_has(&oci_process_desc, "process", "process.user.uid"));
  CHECK(desc_has(&oci_resources_desc, "linux.resources",
                 "linux.resources.unified"));
  CHECK(!desc_has(&oci_spec_desc, "", "process.user"));
}

int main(void) {
  test_duplicate_keys();
  test_unknown_fields();
  test_network();
  test_desc_walk();
  test_full_config();
  test_round_trip();
  test_dup();
  test_errors();
  test_lenient();
  test_hostile_input();
  test_pretty_strings();
  test_process_parse();
  test_resources_parse();
  test_parse_file();
  test_state();
  test_features();
  test_enums();
  test_default_spec();
  return UNIT_DONE();
}
