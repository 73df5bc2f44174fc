#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""wait_job.py URL TOKEN JOB [SECONDS]: waits (60 s at most) until the
collector's reprocessing job JOB (a symbol upload's "reprocess_job") is
done, reading GET /api/symbols/jobs/JOB with the read token; prints the
job as JSON. Exit 1 when it is not done by then."""
import json
import subprocess
import sys
import time


def wait(url, token, job, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        out = subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + token,
                              "%s/api/symbols/jobs/%s" % (url, job)],
                             capture_output=True).stdout
        state = json.loads(out) if out else {}
        if state.get("state") == "done" or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


if __name__ == "__main__":
    j = wait(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 60)
    print(json.dumps(j))
    sys.exit(0 if j.get("state") == "done" else 1)
