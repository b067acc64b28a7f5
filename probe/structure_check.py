"""Checks the structure the brief asks of a submission, for `deno task probe
--submission DIR`. Run by the probe as

    python3 structure_check.py DIR PORT import MODULE
    python3 structure_check.py DIR PORT shared
    python3 structure_check.py DIR PORT all PORT_NB

`import MODULE` imports DIR/MODULE.py (with sys.argv as if it were started
on PORT, so that code which starts a server at import really does) and tells
whether the import returned within 2 s, whether anything listens afterwards,
and what its handle_connection accepts. `shared` imports webserve and
webserve_nb and tells whether their handle_connection is the same function.
The last line printed is the JSON answer, after the marker below.

`all` gives the three answers from one python3 (each start costs more than
the checks): `import webserve` on PORT, `import webserve_nb` on PORT_NB (what
listens is what its import added), then `shared` of the modules imported.
It prints what it has after each, so that a module that ends the process at
import leaves the answers before it; the probe runs what is missing alone.
"""

import inspect
import json
import os
import socket
import stat
import sys
import threading

MARKER = "probe-structure-result:"
IMPORT_SECONDS = 2


def import_within(name, seconds):
    """Imports `name` in a thread; returns (module or None, error text or None)."""
    outcome = {}

    def run():
        try:
            outcome["module"] = __import__(name)
        except BaseException as error:  # SystemExit, KeyboardInterrupt too: all are findings
            outcome["error"] = f"{type(error).__name__}: {error}"

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return None, f"the import did not return within {seconds} s"
    return outcome.get("module"), outcome.get("error")


def listening_sockets():
    """Addresses this process listens on (Linux: from /proc/self/fd)."""
    found = []
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 256)
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                found.append(str(sock.getsockname()))
        except OSError:
            pass
        finally:
            sock.detach()
    return found


def describe_handler(module):
    """What the module's handle_connection is and accepts."""
    function = getattr(module, "handle_connection", None)
    if function is None:
        return {"found": False}
    info = {"found": True, "callable": callable(function)}
    if not callable(function):
        return info
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as error:
        info["signature_error"] = str(error)
        return info
    info["signature"] = f"handle_connection{signature}"
    for count in (1, 2):
        try:
            signature.bind(*[object()] * count)
            info[f"takes_{count}"] = True
        except TypeError:
            info[f"takes_{count}"] = False
    code = getattr(function, "__code__", None)
    if code is not None:
        info["defined_at"] = f"{os.path.relpath(code.co_filename)}:{code.co_firstlineno}"
    info["module"] = getattr(function, "__module__", None)
    return info


def import_answer(name, port, listening_before=()):
    """The answer of `import name` started on `port`: did it return, and what listens that did not before."""
    sys.argv = [f"{name}.py", port]
    module, error = import_within(name, IMPORT_SECONDS)
    return {
        "returned": module is not None or (error is not None and "did not return" not in error),
        "error": error,
        "listening": [a for a in listening_sockets() if a not in listening_before],
        "handler": describe_handler(module) if module is not None else None,
    }


def shared_answer():
    """Whether webserve and webserve_nb (imported now, or earlier in this process) share one handle_connection."""
    answer = {}
    modules = {}
    for name in ("webserve", "webserve_nb"):
        module, error = import_within(name, IMPORT_SECONDS)
        if module is None:
            answer["error"] = f"importing {name}: {error}"
            return answer
        modules[name] = module
    blocking = getattr(modules["webserve"], "handle_connection", None)
    non_blocking = getattr(modules["webserve_nb"], "handle_connection", None)
    answer["same"] = blocking is not None and blocking is non_blocking
    answer["webserve"] = describe_handler(modules["webserve"])
    answer["webserve_nb"] = describe_handler(modules["webserve_nb"])
    return answer


def say(answer):
    """Prints `answer` as the last line, after the marker."""
    os.write(1, (MARKER + json.dumps(answer) + "\n").encode())


def main(argv):
    directory, port, mode = argv[1], argv[2], argv[3]
    os.chdir(directory)
    sys.path[0] = os.getcwd()  # import the submission's modules, not this folder's
    sys.stdout = sys.stderr  # the submission's prints must not mix with the answer
    if mode == "import":
        say(import_answer(argv[4], port))
    elif mode == "shared":
        sys.argv = ["webserve.py", port]
        say(shared_answer())
    else:
        answers = {"webserve": import_answer("webserve", port)}
        say(answers)
        before = answers["webserve"]["listening"]
        answers["webserve_nb"] = import_answer("webserve_nb", argv[4], before)
        say(answers)
        sys.argv = ["webserve.py", port]
        answers["shared"] = shared_answer()
        say(answers)
    os._exit(0)  # a server started at import may still hold a thread


if __name__ == "__main__":
    main(sys.argv)
