import errno
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite expected diagnostics and golden files from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def sample_tree(tmp_path, monkeypatch) -> Path:
    """A writable copy of the sample playbook at tmp_path/playbooks/sample; cwd is tmp_path."""
    shutil.copytree(FIXTURES / "sample", tmp_path / "playbooks" / "sample")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "playbooks" / "sample"


def build_site(project: Path, site_dir: Path, *extra: str, strict: bool = True,
               env: dict[str, str] | None = None):
    """Run a real `mkdocs build` of a project folder; returns the finished process. Without
    `strict` a warning does not fail the build (for tests of the warning); `env` is added to
    the environment."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
         "-f", str(project / "mkdocs.yml"), "-d", str(site_dir), *extra],
        capture_output=True, text=True, env=env, cwd=project)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_luodi_options(config: str, **options: str) -> str:
    """The text of a mkdocs.yml with more options for the luodi plugin (search: material …)."""
    line = "      playbooks: playbooks\n"
    assert line in config, "the repo's mkdocs.yml no longer sets luodi's playbooks option"
    return config.replace(line, line + "".join(f"      {k}: {v}\n" for k, v in options.items()))


def make_project(root: Path, playbooks: Path, pages: dict[str, str] | None = None,
                 **luodi_options: str) -> Path:
    """A minimal mkdocs project using the repo's mkdocs.yml, with its own playbooks and pages,
    and more options for the luodi plugin if given."""
    config = with_luodi_options((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), **luodi_options)
    # Keep the repo's theme, plugins and extensions; only the nav of hand-written pages changes.
    head, _, _ = config.partition("\nnav:")
    # Outside this repo there is no macros/ folder of the site's own: load Luodi's pluglet.
    head = head.replace("module_name: macros", "modules: [luodi]")
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(head + "\nnav:\n  - 首页: index.md\n", encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    pages = {"index.md": "# 首页\n\n{{ playbook_list() }}\n", **(pages or {})}
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    if playbooks.resolve() != (root / "playbooks").resolve():
        shutil.copytree(playbooks, root / "playbooks", dirs_exist_ok=True)
    return root


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    """The repo's own site, built once per test session with --strict."""
    site = tmp_path_factory.mktemp("default-site")
    done = build_site(ROOT, site)
    assert done.returncode == 0, done.stderr
    return site


@pytest.fixture(scope="session")
def renamed_sample_site(tmp_path_factory):
    """The sample playbook built, then built again with a phase, an item and a module renamed
    (old ids as aliases): (site folder, the second build). test_reader checks the pages,
    test_browser_reader follows the old links."""
    from test_reader import rename_sample

    root = tmp_path_factory.mktemp("renamed-sample")
    project = make_project(root / "p", FIXTURES)
    site = root / "site"
    assert build_site(project, site).returncode == 0  # the old ids, as published
    rename_sample(project / "playbooks", item=True, module=True, phase=True)
    return site, build_site(project, site)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def serve(directory: Path):
    """Serve a folder over HTTP on a free loopback port in a thread; returns (base_url, stop)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/", stop


@pytest.fixture(scope="session")
def site_url(default_site):
    url, stop = serve(default_site)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


@contextmanager
def full_disk(monkeypatch):
    """Within `with full_disk(monkeypatch):` every file opened with os.fdopen (Luodi's safe
    writes) stops halfway through its first write, as on a full disk."""
    import os

    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fdopen", lambda fd, mode: HalfWritten(real_fdopen(fd, mode)))
        yield
