# Sandbox Jobs file watcher: inotify through ctypes (standard library only), one JSON line per event.
#
#   python3 -u sj_watch.py PATH RECURSIVE(0|1)
#
# First line: {"type":"watching","pid":N} or {"type":"error","code":...,"message":...} (then exit 2).
# Events: {"type":"event","event":"create|modify|delete|move_from|move_to|close_write","path":ABS,"dir":bool}.
# A file's writes until it is closed are one "modify"; "close_write" says a written file was
# closed (the engine's bucket sync uploads then). New directories under a recursive watch are
# watched as they appear. Ends with {"type":"stopped","reason":...}.
import ctypes
import ctypes.util
import errno
import json
import os
import struct
import sys

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_ISDIR = 0x40000000
MASK = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
HEADER = struct.Struct("iIII")


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail(code, message):
    out({"type": "error", "code": code, "message": message})
    sys.exit(2)


def main():
    root = os.path.abspath(sys.argv[1])
    recursive = len(sys.argv) > 2 and sys.argv[2] == "1"
    if not os.path.lexists(root):
        fail("FILE_NOT_FOUND", "no file or directory at " + root)
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fd = libc.inotify_init1(0)
    if fd < 0:
        fail("SANDBOX_ERROR", "inotify_init1 failed: " + os.strerror(ctypes.get_errno()))
    watches = {}
    dirty = set()

    def add(path, top=False):
        wd = libc.inotify_add_watch(fd, os.fsencode(path), MASK)
        if wd < 0:
            err = ctypes.get_errno()
            if top or err == errno.ENOSPC:
                fail("SANDBOX_ERROR" if err == errno.ENOSPC else "FILE_NOT_FOUND",
                     "cannot watch " + path + ": " + os.strerror(err)
                     + (" (the kernel's inotify watch limit; watch a smaller tree)" if err == errno.ENOSPC else ""))
            return
        watches[wd] = path

    def add_tree(path, top=False):
        add(path, top)
        if recursive and os.path.isdir(path) and not os.path.islink(path):
            for dirpath, dirnames, _ in os.walk(path):
                for name in dirnames:
                    child = os.path.join(dirpath, name)
                    if not os.path.islink(child):
                        add(child)

    add_tree(root, top=True)
    out({"type": "watching", "pid": os.getpid(), "path": root, "recursive": recursive})
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except InterruptedError:
            continue
        offset = 0
        while offset < len(data):
            wd, mask, _, size = HEADER.unpack_from(data, offset)
            name = data[offset + HEADER.size: offset + HEADER.size + size].split(b"\0", 1)[0]
            offset += HEADER.size + size
            if mask & IN_Q_OVERFLOW:
                out({"type": "event", "event": "overflow", "path": root, "dir": True})
                dirty.clear()
                continue
            base = watches.get(wd)
            if base is None:
                continue
            if mask & IN_IGNORED:
                watches.pop(wd, None)
                continue
            path = os.path.join(base, os.fsdecode(name)) if name else base
            is_dir = bool(mask & IN_ISDIR)
            if (mask & (IN_DELETE_SELF | IN_MOVE_SELF)) and base == root and not name:
                out({"type": "stopped", "reason": "the watched path was deleted or moved"})
                return
            if mask & IN_CREATE:
                kind = "create"
            elif mask & IN_MODIFY:
                kind = "modify"
            elif mask & IN_CLOSE_WRITE:
                kind = "close_write"
            elif mask & IN_DELETE:
                kind = "delete"
            elif mask & IN_MOVED_FROM:
                kind = "move_from"
            elif mask & IN_MOVED_TO:
                kind = "move_to"
            else:
                continue
            if is_dir and recursive and kind in ("create", "move_to"):
                add_tree(path)
            if kind == "modify":
                if path in dirty:
                    continue
                dirty.add(path)
            elif kind == "close_write":
                dirty.discard(path)
            elif kind in ("delete", "move_from"):
                dirty.discard(path)
            out({"type": "event", "event": kind, "path": path, "dir": is_dir})


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
