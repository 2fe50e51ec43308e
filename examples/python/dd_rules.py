"""dd-rules from Python, through its C ABI, with ctypes (standard library only).

Build the shared library first, from the repository root::

    cargo build --release -p dd-rules-capi

then::

    import dd_rules

    rules = dd_rules.RuleSet.bundled()          # or RuleSet.compile(source, "my.rules")
    report = rules.evaluate({"id": "T-1", "country": {"civic_space": "closed"}})
    print(report["disposition"], report["scope"]["status"], report["missing_facts"])
    for q in report["questionnaire"]["questions"][:3]:   # what to ask next
        print(q["fact"], q.get("question"), q["changes_disposition"])
    print(report.get("remediation"))                      # safeguards that would lower it

The library is looked for in ``$DD_RULES_LIB`` (a path to the file), else in
the cargo target directory (``$CARGO_TARGET_DIR`` or ``target/`` at the
repository root), the newest of ``release/`` and ``debug/``.

A ``RuleSet`` is immutable and may be shared by threads: evaluation runs in
the library without the GIL, so threads evaluate in parallel. A report is a
recommendation for human review, never a legal clearance.

Every call goes through the ``_e`` form of the C function, which hands a
failure back as an error object (``dd_error``) that belongs to the call, not
as the OS thread's last error. Python threads are OS threads, so the last
error would do here; the error object is the way that also works where a
task can move between OS threads between two calls (Go goroutines, Java
virtual threads, async runtimes), and the one to copy.
"""

import ctypes
import json
import os
import sys
from pathlib import Path

__all__ = [
    "DdError",
    "InvalidArgument",
    "InvalidUtf8",
    "RulesError",
    "FactsError",
    "OverBudget",
    "InternalError",
    "RuleSet",
    "check",
    "version",
]

# The values of `dd_status` in dd_rules.h.
_OK, _INVALID_ARGUMENT, _INVALID_UTF8, _RULES, _FACTS, _PANIC, _BUDGET = range(7)


class DdError(Exception):
    """A call into dd-rules failed.

    ``status`` is the C status value, ``message`` the text for people and
    ``details`` the same as parsed JSON (see ``dd_error_json`` and
    ``dd_last_error_json`` in dd_rules.h).
    """

    def __init__(self, status, message, details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class InvalidArgument(DdError):
    """An argument the C ABI refuses, such as a text with a NUL character."""


class InvalidUtf8(DdError):
    """A text that is not UTF-8; ``offset`` is the first bad byte."""

    @property
    def offset(self):
        return self.details.get("offset")


class RulesError(DdError):
    """A ruleset that does not compile; ``diagnostics`` lists every error and warning."""

    @property
    def diagnostics(self):
        return self.details


class FactsError(DdError):
    """A facts document that was rejected, with where (``path``, ``line``, ``column``)."""

    @property
    def path(self):
        return self.details["path"]

    @property
    def line(self):
        return self.details["line"]

    @property
    def column(self):
        return self.details["column"]


class OverBudget(DdError):
    """An evaluation that went over its work budget (``RuleSet.with_budget``).

    ``budget`` is the budget in steps; ``kind`` (``"flag"``, ``"safeguard"``
    or ``"predicate"``) and ``id`` name the condition being evaluated.
    """

    @property
    def budget(self):
        return self.details["budget"]

    @property
    def kind(self):
        return self.details["kind"]

    @property
    def id(self):
        return self.details["id"]


class InternalError(DdError):
    """A bug in dd-rules, caught at the boundary; the library remains usable."""


_ERRORS = {
    _INVALID_ARGUMENT: InvalidArgument,
    _INVALID_UTF8: InvalidUtf8,
    _RULES: RulesError,
    _FACTS: FactsError,
    _PANIC: InternalError,
    _BUDGET: OverBudget,
}


def _library_path():
    explicit = os.environ.get("DD_RULES_LIB")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        name = "dd_rules_capi.dll"
    elif sys.platform == "darwin":
        name = "libdd_rules_capi.dylib"
    else:
        name = "libdd_rules_capi.so"
    root = Path(__file__).resolve().parent.parent.parent
    target = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
    found = [p for p in (target / "release" / name, target / "debug" / name) if p.is_file()]
    if not found:
        raise OSError(
            f"cannot find {name} in {target}/release or {target}/debug: build it with "
            "`cargo build --release -p dd-rules-capi`, or set DD_RULES_LIB to its path"
        )
    return max(found, key=lambda p: p.stat().st_mtime)


def _load():
    lib = ctypes.CDLL(str(_library_path()))
    c_char_p, c_void_p, c_size_t, c_int = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    out = ctypes.POINTER(c_void_p)
    signatures = {
        # Strings the library owns are read as bytes; strings it hands over
        # stay raw pointers (c_void_p) so that they can be freed. Each
        # fallible call is the `_e` form, whose last argument receives the
        # error object (a `dd_error *`) on failure.
        "dd_version": ([], c_char_p),
        "dd_error_status": ([c_void_p], c_int),
        "dd_error_message": ([c_void_p], c_char_p),
        "dd_error_json": ([c_void_p], c_char_p),
        "dd_error_free": ([c_void_p], None),
        "dd_ruleset_compile_e": ([c_char_p, c_size_t, c_char_p, out, out], c_int),
        "dd_ruleset_bundled_e": ([out, out], c_int),
        "dd_ruleset_evaluate_json_e": ([c_void_p, c_char_p, c_size_t, out, out], c_int),
        "dd_ruleset_with_budget_e": ([c_void_p, ctypes.c_uint64, out, out], c_int),
        "dd_ruleset_check_e": ([c_char_p, c_size_t, c_char_p, out, out], c_int),
        "dd_ruleset_warnings_json_e": ([c_void_p, out, out], c_int),
        "dd_ruleset_json_schema_e": ([c_void_p, out, out], c_int),
        "dd_ruleset_name": ([c_void_p], c_char_p),
        "dd_ruleset_version": ([c_void_p], c_char_p),
        "dd_ruleset_free": ([c_void_p], None),
        "dd_string_free": ([c_void_p], None),
    }
    for name, (argtypes, restype) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype
    return lib


_lib = _load()


def _take_error(error):
    """The exception for an error object (a ``dd_error *`` as c_void_p or
    int), which is then freed. Any thread may take an error object, whichever
    thread made the call."""
    try:
        status = _lib.dd_error_status(error)
        message = (_lib.dd_error_message(error) or b"").decode("utf-8", "replace")
        raw = _lib.dd_error_json(error)
        details = json.loads(raw) if raw else {}
    finally:
        _lib.dd_error_free(error)
    return _ERRORS.get(status, DdError)(status, message, details)


def _call(function, *args):
    """Calls the ``_e`` form of a C function with an error object as its last
    argument, and raises the error if the call failed."""
    error = ctypes.c_void_p()
    status = function(*args, ctypes.byref(error))
    if error.value is not None:
        raise _take_error(error)
    if status != _OK:
        # The library could not even build the error object (it never fails
        # to, short of a bug in the boundary itself).
        raise _ERRORS.get(status, DdError)(status, "dd-rules failed without saying why", {})


def _text(value):
    """The bytes of a text argument: str is encoded as UTF-8, bytes passed as they are."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"expected str or bytes, not {type(value).__name__}")


def _take_string(pointer):
    """Copies a string the library handed over, then frees it."""
    try:
        return ctypes.string_at(pointer.value).decode("utf-8")
    finally:
        _lib.dd_string_free(pointer)


def version():
    """The version of the dd-rules library."""
    return _lib.dd_version().decode("utf-8")


def check(source, file_name="<source>"):
    """Every diagnostic of a ruleset, errors and warnings, without compiling it.

    Returns a list of dicts (``code``, ``severity``, ``message``, ``line``,
    ``column``, ``span``, ``help``…); the ruleset has errors if any has
    ``severity == "error"``.
    """
    data = _text(source)
    out = ctypes.c_void_p()
    _call(_lib.dd_ruleset_check_e, data, len(data), _text(file_name), ctypes.byref(out))
    return json.loads(_take_string(out))


class RuleSet:
    """A compiled ruleset. Close it (or use ``with``) to free it at once."""

    def __init__(self, handle):
        # Use RuleSet.compile or RuleSet.bundled.
        self._handle = handle

    @classmethod
    def compile(cls, source, file_name="<source>"):
        """Parses, checks and compiles a ruleset; raises RulesError with every diagnostic."""
        data = _text(source)
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_compile_e, data, len(data), _text(file_name), ctypes.byref(out))
        return cls(out)

    @classmethod
    def bundled(cls):
        """The bundled ruleset: the 2020 U.S. State Department guidance."""
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_bundled_e, ctypes.byref(out))
        return cls(out)

    def with_budget(self, steps):
        """A second ruleset sharing this one's compiled rules, whose evaluations
        raise OverBudget after ``steps`` steps of work (the default budget is
        100,000,000). Close each independently."""
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_with_budget_e, self._live(), steps, ctypes.byref(out))
        return RuleSet(out)

    def _live(self):
        if self._handle is None:
            raise ValueError("the ruleset is closed")
        return self._handle

    def evaluate_json(self, facts):
        """Evaluates a facts document (str or bytes of JSON); returns the report as JSON text."""
        data = _text(facts)
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_evaluate_json_e, self._live(), data, len(data), ctypes.byref(out))
        return _take_string(out)

    def evaluate(self, facts):
        """Evaluates facts (a dict, or JSON text) and returns the report as a dict.

        Raises FactsError, with ``path``, ``line`` and ``column``, if the
        facts do not fit the ruleset's schema.
        """
        if isinstance(facts, (dict, list)):
            facts = json.dumps(facts)
        return json.loads(self.evaluate_json(facts))

    def warnings(self):
        """The checker's warnings, as a list of diagnostics."""
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_warnings_json_e, self._live(), ctypes.byref(out))
        return json.loads(_take_string(out))

    def json_schema(self):
        """The fact schema as a JSON Schema (draft 2020-12), as a dict."""
        out = ctypes.c_void_p()
        _call(_lib.dd_ruleset_json_schema_e, self._live(), ctypes.byref(out))
        return json.loads(_take_string(out))

    @property
    def name(self):
        return _lib.dd_ruleset_name(self._live()).decode("utf-8")

    @property
    def version(self):
        return _lib.dd_ruleset_version(self._live()).decode("utf-8")

    def close(self):
        """Frees the ruleset; reports already returned stay valid.

        Close it only once no other thread is evaluating with it; a ruleset
        that is simply dropped is freed when the last reference goes.
        """
        handle, self._handle = self._handle, None
        if handle is not None:
            _lib.dd_ruleset_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # During interpreter shutdown the module's globals may already be gone.
        if getattr(self, "_handle", None) is not None and _lib is not None:
            self.close()

    def __repr__(self):
        if self._handle is None:
            return "<RuleSet (closed)>"
        return f"<RuleSet {self.name} {self.version}>"
