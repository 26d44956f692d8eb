"""Sandbox Jobs Python executor: one IPython shell driven over JSON lines.

Protocol (see docs/code-interpreter.md): requests arrive on stdin, one JSON object per line;
events leave on the process's original stdout, one JSON object per line. User code never
touches that stream: at start-up the executor moves the protocol to private file descriptors
and points fd 0 at /dev/null and fds 1 and 2 at pipes whose bytes become stdout/stderr events.
So `print('{"type":"done"}')`, `os.system('echo hi')` or a C library writing to fd 1 cannot
break the framing; they arrive as output events like any other output.
"""

import base64
import codecs
import json
import os
import queue
import signal
import sys
import threading
import time

PROTOCOL_VERSION = 1
LANGUAGE = "python"

# --- protocol streams ------------------------------------------------------------------------

_proto_in = os.dup(0)
_proto_out = os.dup(1)
_diag = os.dup(2)
for _fd in (_proto_in, _proto_out, _diag):
    os.set_inheritable(_fd, False)

_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)

_write_lock = threading.Lock()
_current_id = None  # id of the request being executed, None between requests


_main_ident = threading.get_ident()
_emitting = False  # main thread is writing a protocol line: an interrupt must wait
_deferred_interrupt = False


def emit(event):
    global _emitting, _deferred_interrupt
    line = (json.dumps(event, ensure_ascii=False, default=str) + "\n").encode("utf-8", "replace")
    on_main = threading.get_ident() == _main_ident
    with _write_lock:
        if on_main:
            _emitting = True
        try:
            view = memoryview(line)
            while view:
                written = os.write(_proto_out, view)
                view = view[written:]
        finally:
            if on_main:
                _emitting = False
    if on_main and _deferred_interrupt:
        _deferred_interrupt = False
        if _running:
            raise KeyboardInterrupt


def _on_sigint(signum, frame):
    """Raises KeyboardInterrupt, but never in the middle of a protocol line."""
    global _deferred_interrupt
    if _emitting:
        _deferred_interrupt = True
        return
    raise KeyboardInterrupt


def diag(message):
    try:
        os.write(_diag, ("python-executor: " + message + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


# --- fd-level capture: subprocesses and C code writing to fds 1 and 2 -------------------------

_MARKER = ("\x00sandbox-jobs-sync-" + base64.b32encode(os.urandom(15)).decode() + "\x00").encode()


class FdCapture:
    """Reads one pipe that replaced fd 1 or 2 and turns its bytes into output events."""

    def __init__(self, fd, stream):
        self.stream = stream
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        os.set_inheritable(read_end, False)
        self.fd = fd
        self.read_end = read_end
        self.synced = threading.Event()
        self.thread = threading.Thread(target=self._pump, name="capture-" + stream, daemon=True)
        self.thread.start()

    def _pump(self):
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = b""
        while True:
            try:
                chunk = os.read(self.read_end, 65536)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            while True:
                at = pending.find(_MARKER)
                if at < 0:
                    break
                self._emit(decoder.decode(pending[:at]))
                self._emit(decoder.decode(b"", final=True))
                pending = pending[at + len(_MARKER):]
                self.synced.set()
            keep = _partial_marker_suffix(pending)
            self._emit(decoder.decode(pending[:len(pending) - keep]))
            pending = pending[len(pending) - keep:]

    def _emit(self, text):
        if text:
            emit({"type": self.stream, "id": _current_id, "text": text})

    def sync(self, timeout=2.0):
        """Waits until every byte written to the fd before this call has been emitted."""
        self.synced.clear()
        try:
            os.write(self.fd, _MARKER)
        except OSError:
            return
        self.synced.wait(timeout)


def _partial_marker_suffix(data):
    for size in range(min(len(_MARKER) - 1, len(data)), 0, -1):
        if _MARKER.startswith(data[-size:]):
            return size
    return 0


class EventStream:
    """sys.stdout / sys.stderr replacement: emits output events in program order, line by line."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, stream, fd):
        self.stream = stream
        self._fd = fd
        self._buffer = []
        self._lock = threading.RLock()

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        if not text:
            return 0
        with self._lock:
            self._buffer.append(text)
            if "\n" in text or sum(len(part) for part in self._buffer) > 8192:
                joined = "".join(self._buffer)
                cut = joined.rfind("\n") + 1 or len(joined)
                self._buffer = [joined[cut:]] if cut < len(joined) else []
                emit({"type": self.stream, "id": _current_id, "text": joined[:cut]})
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with self._lock:
            if self._buffer:
                joined = "".join(self._buffer)
                self._buffer = []
                emit({"type": self.stream, "id": _current_id, "text": joined})

    def fileno(self):
        return self._fd

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

    def seekable(self):
        return False

    @property
    def closed(self):
        return False

    @property
    def buffer(self):
        return _BinaryView(self)


class _BinaryView:
    def __init__(self, owner):
        self._owner = owner

    def write(self, data):
        self._owner.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self):
        self._owner.flush()


_captures = [FdCapture(1, "stdout"), FdCapture(2, "stderr")]
sys.stdout = sys.__stdout__ = EventStream("stdout", 1)
sys.stderr = sys.__stderr__ = EventStream("stderr", 2)
sys.stdin = sys.__stdin__ = open(os.devnull, "r")

# --- a home for IPython's and Matplotlib's files, also when $HOME is not writable --------------

_home = os.path.expanduser("~")
if not (os.path.isdir(_home) and os.access(_home, os.W_OK)):
    import tempfile

    _scratch = tempfile.mkdtemp(prefix="sandbox-jobs-python-")
    os.environ.setdefault("IPYTHONDIR", os.path.join(_scratch, "ipython"))
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(_scratch, "matplotlib"))

# --- matplotlib: figures become PNG results ---------------------------------------------------

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.append(_here)
if os.environ.get("MPLBACKEND", "").lower() in ("", "agg"):
    os.environ["MPLBACKEND"] = "module://sandbox_jobs_mpl_backend"

# --- IPython ------------------------------------------------------------------------------------

from IPython.core.displayhook import DisplayHook  # noqa: E402
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets import Type  # noqa: E402
from traitlets.config import Config  # noqa: E402


def _jsonable(data):
    out = {}
    for mime, value in data.items():
        if isinstance(value, (bytes, bytearray)):
            value = base64.b64encode(value).decode("ascii")
        elif mime in ("image/png", "image/jpeg") and isinstance(value, str):
            value = value.replace("\n", "")
        elif mime == "application/json" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        out[mime] = value
    return out


def emit_result(data, main):
    if not data:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    event = {"type": "result", "id": _current_id, "data": _jsonable(data), "isMainResult": bool(main)}
    chart = _chart_of(data)
    if chart is not None:
        event["chart"] = chart
    emit(event)


class EventDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        emit_result(data, False)

    def clear_output(self, wait=False):
        pass


class EventDisplayHook(DisplayHook):
    def start_displayhook(self):
        pass

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        emit_result(format_dict, True)

    def finish_displayhook(self):
        pass


class ExecutorShell(InteractiveShell):
    display_pub_class = Type(EventDisplayPublisher)
    displayhook_class = Type(EventDisplayHook)

    def _showtraceback(self, etype, evalue, stb):
        sys.stdout.flush()
        sys.stderr.flush()
        global _pending_error
        _pending_error = {
            "name": getattr(etype, "__name__", str(etype)),
            "value": str(evalue),
            "traceback": list(stb) if isinstance(stb, (list, tuple)) else [str(stb)],
        }

    def enable_gui(self, gui=None):
        pass


_pending_error = None

config = Config()
config.HistoryManager.hist_file = ":memory:"
config.InteractiveShell.colors = "NoColor"
config.InteractiveShell.xmode = "Context"
shell = ExecutorShell.instance(config=config)
shell.display_formatter.active_types = list(shell.display_formatter.format_types)


def _figure_png(figure):
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    try:
        chart = _extract_chart(figure)
    except Exception:
        chart = None
    _pending_chart[:] = [chart] if chart else []
    return buffer.getvalue()


_pending_chart = []
shell.display_formatter.formatters["image/png"].for_type_by_name("matplotlib.figure", "Figure", _figure_png)
if "" not in sys.path:
    sys.path.insert(0, "")


def show_open_figures():
    """Displays and closes every figure still open (what plt.show() does under our backend)."""
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    if helpers is None:
        return
    try:
        from IPython.display import display

        for manager in helpers.Gcf.get_all_fig_managers():
            display(manager.canvas.figure)
        helpers.Gcf.destroy_all()
    except Exception as error:  # a broken figure must not break the executor
        diag("could not render figures: %r" % (error,))
        try:
            helpers.Gcf.destroy_all()
        except Exception:
            pass


def _chart_of(data):
    """Chart data for a matplotlib figure result, where it is a simple line, scatter or bar plot."""
    return _pending_chart.pop() if _pending_chart and "image/png" in data else None



def _extract_chart(figure):
    axes = figure.get_axes()
    if len(axes) != 1:
        return None
    ax = axes[0]
    elements = []
    kind = None
    for line in ax.get_lines():
        xs, ys = line.get_xdata(), line.get_ydata()
        elements.append({"label": _label(line.get_label()),
                         "points": [[_num(x), _num(y)] for x, y in zip(xs, ys)]})
        kind = "line"
    if not elements and ax.containers:
        from matplotlib.container import BarContainer

        labels = [tick.get_text() for tick in ax.get_xticklabels()]
        for container in ax.containers:
            if isinstance(container, BarContainer):
                for index, patch in enumerate(container.patches):
                    label = labels[index] if index < len(labels) and labels[index] else str(index)
                    elements.append({"label": label, "value": _num(patch.get_height()),
                                     "group": _label(container.get_label())})
                kind = "bar"
    if not elements and ax.collections:
        for collection in ax.collections:
            offsets = collection.get_offsets()
            elements.append({"label": _label(collection.get_label()),
                             "points": [[_num(p[0]), _num(p[1])] for p in offsets]})
        kind = "scatter"
    if kind is None:
        return None
    return {"type": kind, "title": ax.get_title(), "xLabel": ax.get_xlabel(), "yLabel": ax.get_ylabel(),
            "elements": elements}


def _label(label):
    text = str(label) if label is not None else ""
    return "" if text.startswith("_") else text


def _num(value):
    try:
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None
    except (TypeError, ValueError):
        return str(value)


# --- running requests ---------------------------------------------------------------------------

_requests = queue.Queue()
_state_lock = threading.Lock()
_running = False
_main_thread_id = threading.main_thread().ident
_interrupted_by = None  # "timeout" or "interrupt" while a request runs


def _interrupt(reason):
    global _interrupted_by
    with _state_lock:
        if not _running:
            return
        _interrupted_by = _interrupted_by or reason
    signal.pthread_kill(_main_thread_id, signal.SIGINT)


def _read_requests():
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    while True:
        try:
            chunk = os.read(_proto_in, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            _requests.put(None)
            return
        pending += decoder.decode(chunk)
        while "\n" in pending:
            line, pending = pending.split("\n", 1)
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as error:
                emit({"type": "protocol_error", "message": "not a JSON line: %s" % error})
                continue
            if request.get("type") == "interrupt":
                _interrupt("interrupt")
            else:
                _requests.put(request)


def _sync_output():
    sys.stdout.flush()
    sys.stderr.flush()
    for capture in _captures:
        capture.sync()


def execute(request):
    global _current_id, _running, _pending_error, _interrupted_by
    request_id = request.get("id")
    code = request.get("code", "")
    timeout_ms = request.get("timeout")
    signal.signal(signal.SIGINT, _on_sigint)
    _current_id = request_id
    _pending_error = None
    _interrupted_by = None
    timer = None
    with _state_lock:
        _running = True
    if timeout_ms and timeout_ms > 0:
        timer = threading.Timer(timeout_ms / 1000.0, _interrupt, args=("timeout",))
        timer.daemon = True
        timer.start()
    count = shell.execution_count
    try:
        try:
            shell.run_cell(code, store_history=True, silent=False)
            show_open_figures()
        finally:
            with _state_lock:
                _running = False
            if timer is not None:
                timer.cancel()
    except KeyboardInterrupt:
        # the interrupt landed after run_cell returned (while showing figures): same outcome
        _pending_error = _pending_error or {"name": "KeyboardInterrupt", "value": "", "traceback": []}
    _sync_output()
    error = _pending_error
    if error is not None:
        if _interrupted_by == "timeout" and error["name"] == "KeyboardInterrupt":
            error = {"name": "TimeoutError",
                     "value": "Execution exceeded its timeout of %d ms and was interrupted; "
                              "the context keeps its state." % timeout_ms,
                     "traceback": error["traceback"]}
        emit(dict(error, type="error", id=request_id))
    emit({"type": "done", "id": request_id, "executionCount": count,
          "timedOut": _interrupted_by == "timeout"})
    _current_id = None


def configure(request):
    request_id = request.get("id")
    try:
        cwd = request.get("cwd")
        if cwd:
            os.makedirs(cwd, exist_ok=True)
            os.chdir(cwd)
        for name, value in (request.get("env") or {}).items():
            os.environ[str(name)] = str(value)
        emit({"type": "done", "id": request_id, "executionCount": shell.execution_count - 1})
    except Exception as error:
        emit({"type": "error", "id": request_id, "name": type(error).__name__, "value": str(error),
              "traceback": []})
        emit({"type": "done", "id": request_id, "executionCount": shell.execution_count - 1})


def main():
    signal.signal(signal.SIGINT, _on_sigint)
    threading.Thread(target=_read_requests, name="requests", daemon=True).start()
    emit({"type": "ready", "language": LANGUAGE, "protocol": PROTOCOL_VERSION, "pid": os.getpid(),
          "version": sys.version.split()[0]})
    while True:
        try:
            request = _requests.get()
        except KeyboardInterrupt:
            continue  # a late interrupt between requests is harmless
        if request is None:
            break
        try:
            kind = request.get("type", "execute")
            if kind == "execute":
                execute(request)
            elif kind == "configure":
                configure(request)
            elif kind == "shutdown":
                emit({"type": "done", "id": request.get("id"), "executionCount": shell.execution_count - 1})
                break
            else:
                emit({"type": "protocol_error", "id": request.get("id"), "message": "unknown type " + str(kind)})
        except KeyboardInterrupt:
            emit({"type": "done", "id": request.get("id"), "executionCount": shell.execution_count - 1,
                  "timedOut": _interrupted_by == "timeout"})
        except BaseException as error:  # never die on one bad request
            diag("request failed: %r" % (error,))
            emit({"type": "error", "id": request.get("id"), "name": type(error).__name__, "value": str(error),
                  "traceback": []})
            emit({"type": "done", "id": request.get("id"), "executionCount": shell.execution_count - 1})
    os._exit(0)


if __name__ == "__main__":
    main()
