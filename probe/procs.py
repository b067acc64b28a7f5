"""Lists the live processes this user can see, for the probe: one JSON line
of [pid, ppid, pgid, nspid, uid, command] per process (zombies, which have
ended, and this script itself left out). `nspid` is the process's PID in
the innermost PID namespace it belongs to: 1 and 2 for a sandbox's init
and the program it runs.

    python3 procs.py

(Deno can read /proc only with --allow-all; python3 is needed anyway.)
"""

import json
import os
import sys


def status_fields(name):
    """NSpid's innermost PID and the real uid, from /proc/PID/status."""
    nspid, uid = int(name), -1
    with open(f"/proc/{name}/status") as f:
        for line in f:
            if line.startswith("NSpid:"):
                nspid = int(line.split()[-1])
            elif line.startswith("Uid:"):
                uid = int(line.split()[1])
    return nspid, uid


def main(argv):
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            after = stat[stat.rindex(")") + 2:].split()
            if after[0] == "Z":
                continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            nspid, uid = status_fields(name)
            found.append([int(name), int(after[1]), int(after[2]), nspid, uid, command])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
