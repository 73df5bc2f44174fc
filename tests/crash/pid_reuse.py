#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pid_reuse.py WERFAULT STORE WORK

The PID-reuse race behind apport's CVE-2020-15702 and CVE-2025-5054 and
systemd-coredump's CVE-2025-4598, made to happen: an unprivileged user's
(65534's) process's core is taken (gcore) and the process reaped, then an
impostor, a root process whose environment is marked OPENWER_IMPOSTOR (what
the attacker wants to read), takes its PID. The harness wins the race the
attacker would have to win by forking (ns_last_pid, root). werfault
--core is then run on the core, as the kernel would run it late, three
times, each into its own store root under STORE:

  stale    with the kernel's pidfd of the crashed process (now reaped)
  none     without a pidfd (kernels before 6.16): werfault's own checks
  control  with a pidfd of the impostor itself: werfault must read its
           /proc (so that the test could fail)

The checks are system_tests.sh's.
"""
import os
import subprocess
import sys
import time

werfault, store, work = sys.argv[1:4]
os.makedirs(store, exist_ok=True)



def nobody():
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(65534, 65534, 65534)


victim = subprocess.Popen(["tail", "-f", "/dev/null"], preexec_fn=nobody)
pid = victim.pid
kernel_pidfd = os.pidfd_open(pid)
subprocess.run(["gcore", "-o", os.path.join(work, "gone"), str(pid)],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
               check=True)
core = os.path.join(work, "gone.%d" % pid)
victim.kill()
victim.wait()

env = dict(os.environ, OPENWER_IMPOSTOR="planted")
deadline = time.monotonic() + 120
while True:
    with open("/proc/sys/kernel/ns_last_pid", "w") as f:
        f.write(str(pid - 1))
    impostor = subprocess.Popen(["tail", "-f", "/dev/null"], env=env)
    if impostor.pid == pid:
        break
    impostor.kill()
    impostor.wait()
    if time.monotonic() > deadline:
        sys.exit("the impostor could not take PID %d" % pid)


def run(name, pidfd):
    args = [werfault, "--core", "--store-root", os.path.join(store, name),
            str(pid), str(pid), "65534", "65534", "1", "11", str(int(time.time())),
            "0", "3" if pidfd is not None else "", "host", "tail"]
    with open(core, "rb") as f:
        subprocess.run(args, stdin=f,
                       pass_fds=(3, pidfd) if pidfd is not None else (),
                       preexec_fn=(lambda: os.dup2(pidfd, 3))
                       if pidfd is not None else None)


run("stale", kernel_pidfd)
run("none", None)
run("control", os.pidfd_open(pid))
impostor.kill()
impostor.wait()
