"""What a learner sees: `make lab`'s JupyterLab, driven by a real (headless) browser.

The server is started with the command line of `make lab` (read from `make -n lab`),
on 127.0.0.1, a free port and a random token. Headless Chromium opens the address a
learner opens, runs Kernel > Restart Kernel and Run All Cells in
`notebooks/00_start_here.ipynb`, and the tests check that:

- nothing is served without the token (the API answers 403, the page sends you to login);
- the start notebook opens with its kernel, and no dialog ("Select Kernel", ...) or
  offline-unfriendly prompt (the Jupyter news question) appears;
- every code cell ran once, in order, in a fresh kernel that is idle afterwards;
- no cell shows an error or a red stderr box.

A screenshot of the executed notebook is saved to tests/artifacts/ (gitignored).

The browser is Debian's `chromium` package (`/usr/bin/chromium`, or the path in the
CHROMIUM environment variable) driven by the `playwright` package pinned in
requirements.txt; Playwright's own browser download is never used (the course runs
offline). `make test` installs the package when it can (as root, or with sudo); where
no Chromium can be found these tests are skipped and say why.

Nothing is written into the repository: JupyterLab's settings, workspaces, runtime
files and checkpoints live in a temporary folder, autosave is off, and a test checks
that the notebook file is unchanged afterwards.
"""

import hashlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time

import nbformat
import pytest

from tests.conftest import REPO_ROOT

NOTEBOOK = "notebooks/00_start_here.ipynb"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "start_here.png"
SCREENSHOT_FULL = ARTIFACTS / "start_here_full.png"

# The network is closed and the tests may run as root: no sandbox, no GPU, no
# background traffic; the profile (--user-data-dir) is a fresh temporary folder.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]

SERVER_START_TIMEOUT_S = 120
RUN_ALL_TIMEOUT_MS = 300_000  # the notebook runs in ~3 s; generous for a loaded 2-core CI machine
UI_TIMEOUT_MS = 120_000

# The red boxes. JupyterLab 4.6 renders a traceback with the stderr renderer too
# (data-mime-type="application/vnd.jupyter.stderr"); the error type is checked in
# case a later version renders it on its own.
STDERR_MIME = "application/vnd.jupyter.stderr"
ERROR_MIME = "application/vnd.jupyter.error"

# Records every dialog and notification that appears, however briefly; their text is
# read when the test asks (window.__popupTexts()), so it is complete even for those gone.
RECORD_POPUPS = """
window.__popups = [];
window.__popupTexts = () => window.__popups.map(p => ({
  kind: p.el.matches('.jp-Dialog') ? 'dialog' : 'notification',
  title: p.title,
  text: (p.el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 300),
}));
new MutationObserver(records => {
  for (const record of records) for (const node of record.addedNodes) {
    if (!(node instanceof Element)) continue;
    for (const el of [node, ...node.querySelectorAll('.jp-Dialog, .Toastify__toast')]) {
      if (!el.matches('.jp-Dialog, .Toastify__toast') || window.__popups.some(p => p.el === el)) continue;
      const popup = {el, title: ''};
      window.__popups.push(popup);
      // A dialog's title is rendered a moment after it, and removed with it.
      const readTitle = () => {
        const header = el.querySelector('.jp-Dialog-header');
        if (header && header.textContent.trim()) popup.title = header.textContent.trim();
      };
      for (const ms of [0, 50, 200, 1000]) setTimeout(readTitle, ms);
    }
  }
}).observe(document, {childList: true, subtree: true});
"""

# The state of the open notebook, read from the DOM.
NOTEBOOK_STATE = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')];
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const kernelName = panel.querySelector('.jp-Toolbar-kernelName');
  return {
    prompts: cells.map(c => ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim()),
    status: indicator ? indicator.getAttribute('data-status') : null,
    kernel: kernelName ? kernelName.textContent.trim() : null,
  };
}
"""

# Every output of every cell: its cell's index among code cells, MIME type and text.
NOTEBOOK_OUTPUTS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')];
  return cells.flatMap((cell, i) => [...cell.querySelectorAll('[data-mime-type]')].map(el => ({
    cell: i,
    mime: el.getAttribute('data-mime-type'),
    text: (el.innerText || el.textContent || '').trim().slice(0, 500),
  })));
}
"""

EXECUTION_COUNT = re.compile(r"^\[(\d+)\]:$")


# ---------------------------------------------------------------------------
# Chromium, the JupyterLab server, the browser
# ---------------------------------------------------------------------------

def find_chromium():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def make_lab_command():
    """The `jupyter lab ...` line that `make lab` runs, split into arguments."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed: the browser test starts JupyterLab the way `make lab` does")
    # Under `make test` this runs inside make: drop make's variables so it behaves as from a shell.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", "LAB_ARGS="],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True, env=env,
    ).stdout
    lines = [line for line in recipe.splitlines() if "jupyter lab" in line]
    assert len(lines) == 1, recipe
    return shlex.split(lines[0])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_request(port, path, token=None, method="GET"):
    """(status, headers, body) of one request; redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"token {token}"} if token else {}
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        connection.close()


class LabServer:
    def __init__(self, port, token, process, log_path):
        self.port, self.token, self.process, self.log_path = port, token, process, log_path
        self.base_url = f"http://127.0.0.1:{port}"

    def log_tail(self, lines=40):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.skip(
            "No Chromium found at /usr/bin/chromium (nor at $CHROMIUM, nor on PATH). "
            "`make test` installs Debian's `chromium` package when it runs as root or with "
            "passwordless sudo; otherwise run `sudo apt-get install chromium`. "
            "Playwright's own browser download is not used."
        )
    return path


@pytest.fixture(scope="module")
def lab_server(chromium_path, tmp_path_factory):
    """`make lab`'s JupyterLab on 127.0.0.1, a free port and a random token; always shut down."""
    command = make_lab_command()
    tmp = tmp_path_factory.mktemp("jupyterlab")
    settings = tmp / "settings"
    # Autosave off: running the notebook must never write its outputs into the repository.
    docmanager = settings / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),  # no personal ~/.jupyter configuration
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        IPYTHONDIR=str(tmp / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    for key in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "JUPYTER_TOKEN"):
        env.pop(key, None)

    port, token = free_port(), secrets.token_hex(24)
    command += [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--FileCheckpoints.checkpoint_dir={tmp / 'checkpoints'}",
    ]
    notebook = REPO_ROOT / NOTEBOOK
    digest_before = file_digest(notebook)
    checkpoints_before = (notebook.parent / ".ipynb_checkpoints").exists()

    log_path = tmp / "jupyterlab.log"
    with open(log_path, "w") as log:
        # A process group of its own, so its kernels can be stopped with it.
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(port, token, process, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
            try:
                if http_request(port, "/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        if process.poll() is None:
            try:  # a clean shutdown also stops the kernels
                http_request(port, "/api/shutdown", token, method="POST")
                process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        try:  # and any kernel of ours still left in the server's process group
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert file_digest(notebook) == digest_before, f"the browser test changed {NOTEBOOK}"
    assert (notebook.parent / ".ipynb_checkpoints").exists() == checkpoints_before, \
        "the browser test wrote notebooks/.ipynb_checkpoints"


@pytest.fixture(scope="module")
def browser_context(chromium_path, tmp_path_factory):
    """Headless Debian Chromium with a fresh profile, driven by Playwright; always closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1800},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context):
    browser_context.clear_cookies()
    page = browser_context.new_page()
    page.add_init_script(RECORD_POPUPS)
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield page
    finally:
        page.close()


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------

def test_nothing_is_served_without_the_token(lab_server, page):
    notebook_api = f"/api/contents/{NOTEBOOK}"
    assert http_request(lab_server.port, notebook_api, lab_server.token)[0] == 200
    assert http_request(lab_server.port, notebook_api)[0] == 403
    assert http_request(lab_server.port, notebook_api, "wrong" + lab_server.token)[0] == 403
    assert http_request(lab_server.port, "/api/sessions")[0] == 403

    status, headers, _ = http_request(lab_server.port, f"/lab/tree/{NOTEBOOK}")
    assert status in (302, 303) and "/login" in headers.get("Location", ""), (status, headers)

    # A browser without the token lands on the login page and sees no notebook.
    page.goto(f"{lab_server.base_url}/lab/tree/{NOTEBOOK}")
    assert page.url.startswith(f"{lab_server.base_url}/login"), page.url
    page.wait_for_selector("input[type=password]")
    assert page.locator(".jp-Notebook").count() == 0


def test_start_here_runs_in_the_browser_without_errors(lab_server, page):
    console_errors = []
    page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    # The address `make lab` opens: the server root, which redirects to lesson 00.
    page.goto(f"{lab_server.base_url}/?token={lab_server.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell, input[type=password]")
    assert "/login" not in page.url, f"JupyterLab refused the token and asks to log in: {page.url}"
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    assert page.url.split("?")[0].endswith(f"/lab/tree/{NOTEBOOK}"), page.url

    # The notebook's own kernel starts by itself (no "Select Kernel" question) and goes idle.
    page.wait_for_function(
        f"""() => {{
          const s = ({NOTEBOOK_STATE})();
          return (s && s.status === 'idle' && s.kernel && !/no kernel/i.test(s.kernel))
            || document.querySelector('.jp-Dialog') !== null;
        }}""",
        timeout=UI_TIMEOUT_MS,
    )
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    if dialogs:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
    assert dialogs == [], f"a dialog asks the learner something on opening (screenshot: {SCREENSHOT}): {dialogs}"
    assert page.evaluate(f"({NOTEBOOK_STATE})()")["kernel"] == "Python 3 (ipykernel)"

    # Kernel > Restart Kernel and Run All Cells..., as the course tells learners to.
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                 has_text="Restart Kernel and Run All Cells").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator(".jp-Dialog-button", has_text="Restart").first.click()
    dialog.first.wait_for(state="detached")

    # JupyterLab does not run empty code cells: they keep an empty prompt.
    code_cells = [cell for cell in nbformat.read(REPO_ROOT / NOTEBOOK, as_version=4).cells if cell.cell_type == "code"]
    to_run = json.dumps([bool(cell.source.strip()) for cell in code_cells])
    # Wait until the kernel is idle with no cell queued and every code cell shows an
    # execution count, or until an error has stopped Run All part-way or a dialog
    # (the kernel died, ...) waits for an answer: the asserts below say which.
    page.wait_for_function(
        f"""() => {{
          if (document.querySelector('.jp-Dialog')) return true;
          const s = ({NOTEBOOK_STATE})();
          if (!s || s.status !== 'idle' || s.prompts.some(p => p.includes('*'))) return false;
          const toRun = {to_run};
          return (s.prompts.length === toRun.length && s.prompts.every((p, i) => !toRun[i] || /^\\[\\d+\\]:$/.test(p)))
            || document.querySelector('.jp-Notebook [data-mime-type="{ERROR_MIME}"], .jp-Notebook [data-mime-type="{STDERR_MIME}"]') !== null;
        }}""",
        timeout=RUN_ALL_TIMEOUT_MS,
        polling=250,
    )
    state = page.evaluate(f"({NOTEBOOK_STATE})()")
    open_dialogs = page.locator(".jp-Dialog").all_inner_texts()
    outputs = page.evaluate(NOTEBOOK_OUTPUTS)
    popups = page.evaluate("window.__popupTexts()")
    _save_screenshots(page)

    problems = [o for o in outputs if o["mime"] in (STDERR_MIME, ERROR_MIME)]
    assert problems == [], f"cells wrote errors or to stderr (screenshot: {SCREENSHOT}):\n" + "\n".join(
        f"code cell {o['cell']} ({o['mime']}): {o['text']}" for o in problems)

    assert open_dialogs == [], f"a dialog is waiting for an answer (screenshot: {SCREENSHOT}): {open_dialogs}"

    assert len(state["prompts"]) == len(code_cells), f"the page shows {len(state['prompts'])} of {len(code_cells)} code cells"
    prompts = [prompt for prompt, cell in zip(state["prompts"], code_cells) if cell.source.strip()]
    counts = [EXECUTION_COUNT.match(prompt) for prompt in prompts]
    assert all(counts), f"cells that did not run: {prompts} (screenshot: {SCREENSHOT})"
    assert [int(m.group(1)) for m in counts] == list(range(1, len(prompts) + 1)), \
        f"not run once each, in order, in a fresh kernel: {prompts}"
    assert state["status"] == "idle" and state["kernel"] == "Python 3 (ipykernel)", state

    # The outputs are really there (and the selectors above are not stale).
    assert any(o["mime"] == "application/vnd.jupyter.stdout" and "pinned packages match" in o["text"] for o in outputs), outputs
    assert any(o["mime"] == "application/vnd.jupyter.stdout" and "output shape: (2, 4)" in o["text"] for o in outputs), outputs

    # The only dialog is the restart question we asked for; an offline classroom is not
    # asked about Jupyter news (tools/jupyterlab/lstm-course.json) or anything else.
    unexpected = [p for p in popups if not (p["kind"] == "dialog" and p["title"] == "Restart Kernel?")]
    assert unexpected == [], f"unexpected dialogs or notifications: {unexpected}; console: {console_errors}"


def _save_screenshots(page):
    ARTIFACTS.mkdir(exist_ok=True)
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    page.evaluate(f"document.querySelector('{scroller}').scrollTop = 0")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOT))
    # The whole notebook in one image: a viewport as tall as the notebook.
    height = page.evaluate(f"document.querySelector('{scroller}').scrollHeight")
    viewport = page.viewport_size
    page.set_viewport_size({"width": viewport["width"], "height": min(height + 200, 12000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOT_FULL))
    page.set_viewport_size(viewport)
