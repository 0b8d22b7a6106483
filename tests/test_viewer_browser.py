"""The Viewer in a real browser: notebooks/06_viewer.ipynb run in JupyterLab, driven through
headless Chromium (Debian's chromium + chromium-driver, no browser downloads) by selenium.

At 1400 px and 1000 px windows, moving the slider, switching the document and the layer and
clicking a table row must each change the picture without a JS or Python error; at those widths
and at 1280 px with the file browser open every part of the viewer must be visible. Saved and
reopened without the widget's kernel state, the notebook must still show the figure (the PNG
output next to the widget) in JupyterLab and in Notebook 7. One server, one browser, one
notebook run: one to two minutes on a busy 2-core machine, most of it the notebook's OCR.

Set OCRFRAME_SCREENSHOTS=<dir> to keep the 1000 px and 1280 px screenshots (docs/images).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_viewer.ipynb"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WAIT = 120.0  # seconds: an upper bound for the notebook's OCR on a busy 2-core machine
MIN_PANEL, MIN_FIGURE, MIN_TEXT_COLUMN = 300, 280, 20  # px (a chars column is 1 character)

# a cheap checksum of the PNG the figure <img> shows (its blob), to see that the picture changed
PICTURE_JS = """
const done = arguments[arguments.length - 1];
const img = document.querySelector('.ocrframe-figure img');
if (!img || !img.src) { done(null); return; }
fetch(img.src).then(r => r.arrayBuffer()).then(b => {
  const a = new Uint8Array(b); let h = 0;
  for (let i = 0; i < a.length; i++) { h = (h * 31 + a[i]) >>> 0; }
  done(a.length + ':' + h);
}).catch(e => done('error ' + e));
"""

# where each part of the viewer is, relative to the output area that holds it
LAYOUT_JS = """
const root = document.querySelector('.ocrframe-viewer');
const area = root.closest('.jp-OutputArea-output').getBoundingClientRect();
const box = e => { if (!e) return null; const b = e.getBoundingClientRect();
  return {left: b.left - area.left, right: area.right - b.right, width: b.width,
          height: b.height, top: b.top, visible: e.offsetParent !== null}; };
const q = s => root.querySelector(s);
const heads = [...root.querySelectorAll('.ocrframe-table thead th')];
const layer = [...root.querySelectorAll('.ocrframe-controls .widget-toggle-buttons')][0];
const show = root.querySelector('.ocrframe-show .widget-toggle-buttons');
return {
  window: window.innerWidth, area: area.width,
  figure: box(q('.ocrframe-figure img')), panel: box(q('.ocrframe-panel')),
  status: box(q('.ocrframe-panel .widget-html')), rows: box(q('.ocrframe-rows select')),
  table: box(q('.ocrframe-table')),
  text: box(heads.find(h => h.textContent === 'text')),
  textInView: (() => { const t = heads.find(h => h.textContent === 'text');
    const v = t.closest('.widget-html').getBoundingClientRect(), b = t.getBoundingClientRect();
    return b.left >= v.left - 1 && b.right <= v.right + 1; })(),
  confidence: box(heads.find(h => h.textContent === 'confidence')),
  dropdown: box(q('.ocrframe-controls .widget-dropdown')),
  slider: box(q('.ocrframe-controls .widget-slider')),
  layerTops: [...layer.querySelectorAll('button')].map(b => b.getBoundingClientRect().top),
  layer: box(layer), show: box(show),
  showLabel: box(root.querySelector('.ocrframe-show > .widget-label')),
  showButtonTop: show.querySelector('button').getBoundingClientRect().top,
};
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(what: str, check, timeout: float = WAIT, every: float = 0.25):
    """Poll ``check`` until it returns something truthy; fail naming ``what`` otherwise."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(every)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 with a token, in a scratch home; yields the notebook's
    URL, the server's log (the kernel's stderr too) and the folder it serves."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "no browser: Chromium is not installed (Debian: apt-get install chromium "
            "chromium-driver), so the viewer's browser test cannot run"
        )
    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[browser])")
    for module in ("jupyterlab", "notebook"):  # the server and Notebook 7
        pytest.importorskip(module, reason=f"{module} is not installed (pip install -e .[browser])")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"  # what the file browser lists: the notebook only
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's own default
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        PYTHONPATH=os.pathsep.join([str(NOTEBOOK.parents[1]), env.get("PYTHONPATH", "")]),
    )
    port, token = _free_port(), os.urandom(12).hex()
    log_path = home / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the server stops
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
         "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        _wait_until("JupyterLab to answer", up, timeout=60)
        yield f"{base}/lab/tree/{NOTEBOOK.name}?token={token}", log_path, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except WebDriverException as exc:
        pytest.skip(f"no browser: Chromium is installed but did not start ({exc.msg})")
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


class Page:
    """The notebook in the browser, with the error checks every step makes."""

    def __init__(self, driver, log_path: Path):
        self.driver, self.log_path, self.log_seen = driver, log_path, 0

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def command(self, name: str) -> None:
        """Start a JupyterLab command (not awaited: running all cells outlasts a script call)."""
        self.js("window.jupyterapp.commands.execute(arguments[0]); return null", name)

    def picture(self) -> str | None:
        from selenium.common.exceptions import TimeoutException

        try:
            return self.driver.execute_async_script(PICTURE_JS)
        except TimeoutException:  # the page was busy (the kernel's first output); ask again
            return None

    def errors(self) -> list[str]:
        """New JS errors in the console and Python tracebacks in the server's (kernel's) log."""
        found = [
            e["message"]
            for e in self.driver.get_log("browser")
            if e["level"] == "SEVERE" and "favicon" not in e["message"]
        ]
        text = self.log_path.read_text(errors="replace")
        new, self.log_seen = text[self.log_seen :], len(text)
        found += [line for line in new.splitlines() if "Traceback" in line or "Error" in line]
        return found

    def changes_picture(self, what: str, act) -> None:
        before = self.picture()
        act()
        _wait_until(f"the picture to change after {what}", lambda: self.picture() != before)
        errors = self.errors()
        assert not errors, f"errors after {what}: {errors}"

    def resize(self, width: int, *, sidebar: bool) -> None:
        self.driver.set_window_size(width, 1000)
        self.js(f"window.jupyterapp.shell.{'expandLeft' if sidebar else 'collapseLeft'}()")
        _wait_until(f"a {width} px window", lambda: abs(self.js("return innerWidth") - width) < 20)
        time.sleep(0.5)  # let the layout settle


def _click(page: Page, css: str, text: str | None = None) -> None:
    """Click the first element at ``css`` (with ``text``); again if a widget update replaced it."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def click() -> bool:
        try:
            for element in page.driver.find_elements(By.CSS_SELECTOR, css):
                if text is None or element.text.strip() == text:
                    element.click()
                    return True
        except StaleElementReferenceException:
            return False
        return False

    _wait_until(f"something to click at {css} {text or ''}", click, timeout=30)


def _interact(page: Page, document: str, layer: str, keys: list[str], threshold: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    handle = page.driver.find_element(By.CSS_SELECTOR, ".ocrframe-controls .noUi-handle")
    page.changes_picture("moving the slider", lambda: handle.send_keys(*keys))
    readout = ".ocrframe-controls .widget-readout"
    assert page.driver.find_element(By.CSS_SELECTOR, readout).text == threshold
    dropdown = page.driver.find_element(By.CSS_SELECTOR, ".ocrframe-controls select")
    page.changes_picture(
        "switching the document", lambda: Select(dropdown).select_by_value(document)
    )
    page.changes_picture(
        "switching the layer", lambda: _click(page, ".ocrframe-controls button", layer)
    )
    row = ".ocrframe-table tbody tr:nth-child(2)"
    page.changes_picture("clicking a table row", lambda: _click(page, row))
    selected = ".ocrframe-table tr.ocrframe-selected"
    _wait_until("the clicked row to be marked", lambda: page.js(
        f"return document.querySelector('{selected}')"), timeout=30)  # fmt: skip
    _wait_until("the zoomed crop of the row", lambda: page.js(
        "const z = document.querySelector('.ocrframe-panel img');"
        "return !!z && z.offsetParent !== null && z.getBoundingClientRect().height >= 60"),
        timeout=30)  # fmt: skip


def _check_layout(page: Page, width: int, screenshots: Path | None, name: str) -> dict:
    page.driver.save_screenshot(str(page.log_path.with_name(f"layout-{width}.png")))  # to debug
    box = page.js(LAYOUT_JS)
    where = f"at {width} px ({box['area']:.0f} px for the output)"
    for part in ("figure", "panel", "status", "rows", "table", "text", "confidence",
                 "dropdown", "slider", "layer", "show"):  # fmt: skip
        b = box[part]
        assert b and b["visible"], f"{part} is not shown {where}"
        assert b["left"] >= -1 and b["right"] >= -1, f"{part} sticks out of the output {where}"
    assert box["panel"]["width"] >= MIN_PANEL, f"the panel is {box['panel']['width']} px {where}"
    assert box["figure"]["width"] >= MIN_FIGURE, f"the figure is {box['figure']['width']} {where}"
    assert box["text"]["width"] >= MIN_TEXT_COLUMN, f"the text column is cut {where}"
    assert box["textInView"], f"the text column is scrolled out of the table's view {where}"
    assert max(box["layerTops"]) - min(box["layerTops"]) < 2, f"layer buttons wrap {where}"
    assert abs(box["showLabel"]["top"] - box["showButtonTop"]) < 12, f"'show' wraps {where}"
    if screenshots is not None:
        _screenshot(page, screenshots / name)
    return box


def _screenshot(page: Page, path: Path) -> None:
    """A small PNG of the window, scrolled so the viewer is in view."""
    from PIL import Image

    page.js("document.querySelector('.ocrframe-viewer').scrollIntoView({block: 'start'})")
    page.js("document.querySelector('.jp-WindowedPanel-outer').scrollBy(0, -110)")
    time.sleep(0.5)
    raw = path.with_suffix(".raw.png")
    page.driver.save_screenshot(str(raw))
    with Image.open(raw) as im:
        im.convert("RGB").quantize(colors=256).save(path, optimize=True)
    raw.unlink()


def test_viewer_in_jupyterlab(lab, browser):
    from selenium.webdriver.common.keys import Keys

    url, log_path, root = lab
    shots = os.environ.get("OCRFRAME_SCREENSHOTS")
    screenshots = Path(shots) if shots else None
    page = Page(browser, log_path)
    browser.set_window_size(1400, 1000)
    browser.get(url)
    _wait_until("the notebook and its kernel", lambda: page.js(
        "const a = window.jupyterapp; const w = a && a.shell.currentWidget;"
        "return !!(w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel && w.content.widgets.length)"))  # fmt: skip
    page.errors()  # start counting from here
    page.command("notebook:run-all-cells")
    _wait_until("the viewer to show its picture", page.picture)
    _wait_until("the last cell's output", lambda: page.js(
        "return [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.innerText.includes('items below 0.95'))"))  # fmt: skip
    assert not page.errors()

    # while the widget lives, the PNG output next to it (the saved-notebook fallback) is hidden
    outputs = page.js(
        "const c = document.querySelector('.ocrframe-viewer').closest('.jp-OutputArea-child');"
        "return [...c.parentElement.children].map(e => [e === c, !!e.querySelector('img'),"
        " getComputedStyle(e).display])"
    )
    mine = [o[0] for o in outputs].index(True)
    assert outputs[mine + 1][1:] == [True, "none"], f"the static PNG is not hidden: {outputs}"

    page.resize(1400, sidebar=False)
    wide = _check_layout(page, 1400, None, "")
    assert abs(wide["panel"]["top"] - wide["figure"]["top"]) < 5, "at 1400 px: side by side"
    _interact(page, document="form", layer="chars", keys=[Keys.END], threshold="1.00")

    page.resize(1000, sidebar=False)
    _check_layout(page, 1000, screenshots, "viewer-1000.png")
    # sample data read by the local engine: below 0.97 are 4 of form's characters, 14 of
    # receipt-noisy's and 3 of its words (so there are rows to click)
    _interact(page, "receipt-noisy", "words", keys=[Keys.ARROW_LEFT] * 3, threshold="0.97")

    page.resize(1280, sidebar=True)
    assert page.js("return !window.jupyterapp.shell.leftCollapsed")
    _check_layout(page, 1280, screenshots, "viewer-1280-sidebar.png")

    page.resize(1000, sidebar=True)  # too narrow for both side by side: the panel wraps below
    narrow = _check_layout(page, 1000, None, "")
    assert narrow["panel"]["top"] >= narrow["figure"]["top"] + narrow["figure"]["height"] - 2

    # saved and reopened: the widget's models are gone ("model not found"), the PNG shows
    page.command("docmanager:save")
    _wait_until(
        "the notebook to be saved", lambda: "image/png" in (root / NOTEBOOK.name).read_text()
    )
    static_figure = (
        "return [...document.querySelectorAll('.jp-OutputArea-output img')]"
        ".some(i => i.naturalWidth > 300 && i.offsetParent !== null)"
    )
    for frontend in (url, url.replace("/lab/tree/", "/notebooks/")):  # JupyterLab, Notebook 7
        browser.get(frontend)
        _wait_until(f"the static figure in {frontend}", lambda: page.js(static_figure))
