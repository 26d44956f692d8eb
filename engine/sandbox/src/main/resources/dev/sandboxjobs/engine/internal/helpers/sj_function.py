# Sandbox Jobs remote-function runner: runs one Python function with JSON arguments and writes its
# JSON result (or the error it raised) to a file, so that the function's own prints stay its output.
#
#   python3 sj_function.py REQUEST.json RESULT.json
#
# REQUEST: {"source": "...", "name": "process", "filename": "...", "args": [...], "kwargs": {...}}
# RESULT:  {"ok": true, "value": ...} or {"ok": false, "error": {"type", "message", "traceback", "phase"}}
# phase: "call" (the function raised) or "runner" (no such function, a return value that is not JSON).
import json
import os
import sys
import traceback
import types


def write(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def failure(kind, message, tb, phase="call"):
    return {"ok": False, "error": {"type": kind, "message": message, "traceback": tb, "phase": phase}}


def main():
    request_path, result_path = sys.argv[1], sys.argv[2]
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    filename = request.get("filename") or "<remote function>"
    module = types.ModuleType("__sandbox_function__")
    module.__file__ = filename
    sys.modules["__sandbox_function__"] = module
    try:
        exec(compile(request["source"], filename, "exec"), module.__dict__)
        function = module.__dict__.get(request["name"])
        if not callable(function):
            write(result_path, failure("NameError", "the source defines no function named " + request["name"], [], "runner"))
            return
        value = function(*request.get("args", []), **request.get("kwargs", {}))
    except BaseException as e:  # the function's error is the call's result
        lines = traceback.format_exception(type(e), e, e.__traceback__)
        write(result_path, failure(type(e).__name__, str(e), [line.rstrip("\n") for line in lines]))
        return
    try:
        text = json.dumps({"ok": True, "value": value})
    except (TypeError, ValueError) as e:
        write(result_path, failure("TypeError", "the return value is not JSON: " + str(e), [], "runner"))
        return
    tmp = result_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, result_path)


if __name__ == "__main__":
    main()
