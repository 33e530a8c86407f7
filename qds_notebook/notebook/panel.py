"""The role panel: pick and assume a role, watch its expiry, check it, browse and load data.

:class:`PanelState` is a plain object holding what the panel knows (the chosen role, the
last status, the last check, the listing, the busy and error lines); :class:`RolePanel`
observes it and renders it into ipywidgets. Actions run on a one-thread executor so
the kernel stays responsive; ``background=False`` runs them inline (tests).

No widget trait ever holds a secret: nbclient and JupyterLab can save every synced trait
into the notebook file. The panel shows ARNs, expiry and paths only; "Export to
environment" reports variable names, never values.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from qds_notebook import redact
from qds_notebook.errors import QdsError
from qds_notebook.notebook import commands
from qds_notebook.notebook.display import StatusView, human_duration

if TYPE_CHECKING:
    from qds_notebook.session import Session

__all__ = ["BrowserItem", "PanelState", "RolePanel"]

UP = "\u2191 .."


@dataclass(frozen=True, slots=True)
class BrowserItem:
    """One row of the default-location browser."""

    label: str
    uri: str
    kind: str  # "prefix", "object" or "up"


@dataclass(slots=True)
class PanelState:
    """What the panel knows; :class:`RolePanel` re-renders after every :meth:`update`.

    Attributes
    ----------
    choices
        ``(label, kind)`` of the user's roles, e.g. ``("override: alice-analyst", "override")``.
    selected
        The kind chosen in the picker (not yet assumed until "Assume").
    status
        The last status (caller ARN, expiry, default location), ``None`` before the first.
    expires_at
        ``time.monotonic()`` at which the status's credentials expire.
    matrix_html
        The last permission check, rendered.
    location
        The browser's current prefix (an ``s3://`` URI).
    items
        The browser's rows.
    picked
        The object picked for loading.
    busy
        What is running (``""`` when idle).
    message, error
        The last result line and the last error line (one line each).
    """

    choices: tuple[tuple[str, str], ...] = ()
    selected: str | None = None
    status: StatusView | None = None
    expires_at: float | None = None
    matrix_html: str = ""
    probe_writes: bool = False
    location: str = ""
    items: tuple[BrowserItem, ...] = ()
    picked: str | None = None
    busy: str = ""
    message: str = ""
    error: str = ""
    _observers: list[Callable[[PanelState], None]] = field(default_factory=list, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def subscribe(self, observer: Callable[[PanelState], None]) -> None:
        """Call ``observer(state)`` after every update."""
        self._observers.append(observer)

    def update(self, **changes: Any) -> None:
        """Set attributes, then notify the observers."""
        with self._lock:
            for name, value in changes.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise AttributeError(name)
                setattr(self, name, value)
            for observer in tuple(self._observers):
                observer(self)

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds until the shown credentials expire."""
        if self.expires_at is None:
            return None
        return self.expires_at - (time.monotonic() if now is None else now)


def one_line(exc: BaseException) -> str:
    """An error as one line: the package's own message, else ``Type: message``."""
    text = str(exc) if isinstance(exc, QdsError) else f"{type(exc).__name__}: {exc}"
    # Package errors never hold a secret; anything else is masked before display.
    text = " ".join(redact(text).split())
    return text if len(text) <= 300 else text[:299] + "\u2026"


class RolePanel:
    """The role panel for ``session``.

    Parameters
    ----------
    session
        The SDK session the panel drives.
    namespace
        Where "Load as DataFrame" puts the frame (e.g. ``get_ipython().user_ns``);
        default the running IPython's user namespace, else :attr:`namespace` (a dict).
    background
        Run actions on a worker thread (default); ``False`` runs them inline.
    tick
        Seconds between expiry-countdown updates; ``None`` turns the countdown off.

    Attributes
    ----------
    widget
        The ``ipywidgets.VBox`` shown; displaying the panel displays it.
    state
        The :class:`PanelState` the widgets render.
    """

    def __init__(
        self,
        session: Session,
        *,
        namespace: MutableMapping[str, Any] | None = None,
        background: bool = True,
        tick: float | None = 1.0,
        **kwargs: Any,
    ) -> None:
        self.session = session
        self.namespace = _default_namespace() if namespace is None else namespace
        self.state = PanelState()
        self._executor = ThreadPoolExecutor(1, "qds-panel") if background else None
        self._futures: list[Future[None]] = []
        self._rendering = False
        self._stop = threading.Event()
        self._build()
        self.widget = w.VBox(children=self._layout(), **kwargs)
        self.state.subscribe(self._render)
        self._start(tick)

    # -- view ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.picker = w.Dropdown(description="Role", layout=w.Layout(width="420px"))
        self.assume_button = w.Button(description="Assume", button_style="primary")
        self.status_html = w.HTML()
        self.expiry_html = w.HTML()
        self.probe_writes = w.Checkbox(description="probe writes too", indent=False)
        self.check_button = w.Button(description="Check")
        self.matrix_html = w.HTML()
        self.location_html = w.HTML()
        self.browser = w.Select(rows=8, layout=w.Layout(width="520px"))
        self.var_name = w.Text(value="df", description="Variable", layout=w.Layout(width="220px"))
        self.load_button = w.Button(description="Load as DataFrame")
        self.export_button = w.Button(description="Export to environment")
        self.busy_html = w.HTML()
        self.message_html = w.HTML()
        self.error_html = w.HTML()
        self.assume_button.on_click(lambda _: self.assume())
        self.check_button.on_click(lambda _: self.check())
        self.load_button.on_click(lambda _: self.load())
        self.export_button.on_click(lambda _: self.export())
        self.picker.observe(self._on_pick, names="value")
        self.browser.observe(self._on_browse, names="value")
        self.probe_writes.observe(self._on_probe, names="value")

    def _layout(self) -> list[w.Widget]:
        return [
            w.HTML("<b>QDS role</b>"),
            w.HBox([self.picker, self.assume_button]),
            self.status_html,
            self.expiry_html,
            w.HTML("<b>Permissions of the current role</b>"),
            w.HBox([self.probe_writes, self.check_button]),
            self.matrix_html,
            w.HTML("<b>Default location</b>"),
            self.location_html,
            self.browser,
            w.HBox([self.var_name, self.load_button]),
            self.export_button,
            self.busy_html,
            self.message_html,
            self.error_html,
        ]

    @property
    def buttons(self) -> tuple[w.Button, ...]:
        """The action buttons (disabled while an action runs)."""
        return (self.assume_button, self.check_button, self.load_button, self.export_button)

    def _render(self, state: PanelState) -> None:
        self._rendering = True
        try:
            if tuple(self.picker.options) != state.choices:
                self.picker.options = state.choices
            known = {kind for _, kind in state.choices}
            if state.selected in known and self.picker.value != state.selected:
                self.picker.value = state.selected
            self.status_html.value = _status_html(state.status)
            self._render_expiry()
            self.matrix_html.value = state.matrix_html
            self.location_html.value = f"<code>{html.escape(state.location)}</code>"
            options = tuple((i.label, i.uri) for i in state.items)
            if tuple(self.browser.options) != options:
                self.browser.options = options
            if state.picked and self.browser.value != state.picked:
                self.browser.value = state.picked
            for button in self.buttons:
                button.disabled = bool(state.busy)
            self.busy_html.value = (
                f"<i>working: {html.escape(state.busy)}\u2026</i>" if (state.busy) else ""
            )
            self.message_html.value = html.escape(state.message)
            self.error_html.value = (
                f'<span style="color:#b00">{html.escape(state.error)}</span>' if state.error else ""
            )
        finally:
            self._rendering = False

    def _render_expiry(self) -> None:
        if self.state.status is None:
            self.expiry_html.value = ""
            return
        left = human_duration(self.state.remaining())
        self.expiry_html.value = f"credentials expire in <b>{left}</b>"

    # -- widget events -------------------------------------------------------------------

    def _on_pick(self, change: Any) -> None:
        if not self._rendering and change["new"] is not None:
            self.state.update(selected=change["new"])

    def _on_probe(self, change: Any) -> None:
        if not self._rendering:
            self.state.update(probe_writes=bool(change["new"]))

    def _on_browse(self, change: Any) -> None:
        if self._rendering or change["new"] is None:
            return
        item = next((i for i in self.state.items if i.uri == change["new"]), None)
        if item is None:
            return
        if item.kind == "object":
            self.state.update(picked=item.uri, message=f"picked {item.uri}")
        else:
            self.browse(item.uri)

    # -- actions -------------------------------------------------------------------------

    def _start(self, tick: float | None) -> None:
        ses = self.session
        choices = tuple((c.label, c.kind) for c in ses.choices())
        self.state.update(
            choices=choices, selected=ses.effective_role.kind, location=ses.default_location.uri
        )
        self._submit("connecting", self._refresh)
        if tick is not None:
            threading.Thread(target=self._countdown, args=(tick,), daemon=True).start()

    def _countdown(self, tick: float) -> None:
        # Touches only the expiry line: a non-secret HTML widget.
        while not self._stop.wait(tick):
            self._render_expiry()

    def _submit(self, label: str, action: Callable[[], None]) -> None:
        with self.state._lock:
            if self.state.busy:
                self.state.update(error=f"busy ({self.state.busy}); try again when it is done")
                return
            self.state.update(busy=label, error="", message="")
        if self._executor is None:
            self._work(action)
        else:
            self._futures.append(self._executor.submit(self._work, action))

    def _work(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # the panel shows one line, never a traceback
            self.state.update(error=one_line(exc))
        finally:
            self.state.update(busy="")

    def wait(self, timeout: float | None = 60.0) -> None:
        """Block until the actions started so far are done (for scripts and tests)."""
        pending, self._futures = self._futures, []
        wait_futures(pending, timeout=timeout)

    def _status(self) -> None:
        status = commands.status(self.session)
        left = status.expires_in
        expires_at = None if left is None else time.monotonic() + left
        self.state.update(status=status, expires_at=expires_at, selected=status.role_kind)

    def _refresh(self) -> None:
        self._status()
        self._list(self.state.location)

    def _list(self, uri: str) -> None:
        listing = self.session.ls(uri)
        root = self.session.default_location.uri
        items = [BrowserItem(UP, _parent(uri), "up")] if uri.rstrip("/") != root.rstrip("/") else []
        for entry in listing:
            label = entry.name if entry.kind == "prefix" else f"{entry.name}  ({entry.human_size})"
            items.append(BrowserItem(label, entry.path, entry.kind))
        self.state.update(location=uri, items=tuple(items), picked=None)

    def assume(self) -> None:
        """Switch to the role chosen in the picker, then show its status (and re-check)."""
        kind = self.state.selected or self.picker.value

        def action() -> None:
            self.session.use(str(kind))
            self._status()
            if self.state.matrix_html:
                self._check()
            self.state.update(message=f"now acting as {self.session.effective_role}")

        self._submit(f"assuming {kind}", action)

    def _check(self) -> None:
        result = commands.check(self.session, write=self.state.probe_writes)
        self.state.update(matrix_html=_html_of(result))

    def check(self) -> None:
        """Probe the current role's permissions (writes too when the checkbox is on)."""
        self._submit("checking permissions", self._check)

    def browse(self, uri: str) -> None:
        """Show the prefixes and objects under ``uri``."""
        self._submit(f"listing {uri}", lambda: self._list(uri))

    def load(self) -> None:
        """Read the picked object into ``namespace[var_name]``."""
        name = self.var_name.value.strip()
        picked = self.state.picked
        if not name.isidentifier():
            self.state.update(error=f"{name!r} is not a valid variable name")
            return
        if picked is None:
            self.state.update(error="pick a file in the browser first")
            return

        def action() -> None:
            frame = commands.read(self.session, picked)
            self.namespace[name] = frame
            shape = getattr(frame, "shape", ("?", "?"))
            self.state.update(message=f"{name} = {picked} ({shape[0]} rows \u00d7 {shape[1]} cols)")

        self._submit(f"loading {picked}", action)

    def export(self) -> None:
        """Same as ``%qds env``: the role's credentials into ``os.environ`` (names shown)."""

        def action() -> None:
            self.state.update(message=str(commands.env(self.session)))

        self._submit("exporting", action)

    def close(self) -> None:
        """Stop the countdown and the worker, then close the widgets."""
        self._stop.set()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        for child in self._layout():
            child.close()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<RolePanel user={self.session.user!r} role={self.state.selected!r}>"


def _default_namespace() -> MutableMapping[str, Any]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _parent(uri: str) -> str:
    head, _, _ = uri.rstrip("/").rpartition("/")
    return head + "/"


def _html_of(value: Any) -> str:
    render = getattr(value, "_repr_html_", None)
    return str(render()) if callable(render) else f"<pre>{html.escape(str(value))}</pre>"


def _status_html(status: StatusView | None) -> str:
    if status is None:
        return "<i>not connected yet</i>"
    rows = [r for r in status.rows() if r[0] != "expires in"]
    body = "".join(
        f"<tr><td style='padding:1px 8px'>{html.escape(k)}</td>"
        f"<td style='padding:1px 8px'><code>{html.escape(v)}</code></td></tr>"
        for k, v in rows
    )
    return f"<table>{body}</table>"
