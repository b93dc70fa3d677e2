"""deploy/nginx/luodi.conf serving the built site, tried for real with Debian's nginx on loopback.

The example file is used as it is, inside a minimal main configuration (what Debian's
nginx.conf does with conf.d/*.conf), with only listen and root replaced.
"""

import gzip
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port

NGINX = Path("/usr/sbin/nginx")
CONF = ROOT / "deploy" / "nginx" / "luodi.conf"

# Downloads with the file names the hosting must handle (Chinese names, each type); the default
# site publishes its own downloads too (test_site.py).
DOWNLOADS = {
    "downloads/验收确认书.docx": b"PK\x03\x04 not really a docx",
    "downloads/checklist.xlsx": b"PK\x03\x04 not really an xlsx",
    "downloads/检查清单.csv": "\ufeff阶段,编号,标题\n准备,prep-team,组建项目团队\n".encode(),
}


# Pagefind's bundle (search: pagefind) as it names its files: index files carry a content hash.
PAGEFIND = {
    "pagefind/pagefind.js": b"export {}",
    "pagefind/pagefind-entry.json": b'{"version":"1.5.2"}',
    "pagefind/pagefind.zh_b28f6c9c4f.pf_meta": b"\x1f\x8b meta",
    "pagefind/index/zh_10947e3.pf_index": b"\x1f\x8b index",
    "pagefind/fragment/zh_099b6fa.pf_fragment": b"\x1f\x8b fragment",
}


def _main_conf(prefix: Path, server_conf: Path) -> str:
    temp = "\n".join(f"    {kind}_temp_path {prefix / 'tmp' / kind};"
                     for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    return f"""\
daemon off;
master_process off;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / 'access.log'};
{temp}
    include {server_conf};
}}
"""


@pytest.fixture(scope="module")
def site_root(default_site, tmp_path_factory) -> Path:
    """The default site, plus a few download files (a copy: default_site is shared)."""
    root = tmp_path_factory.mktemp("www") / "site"
    shutil.copytree(default_site, root)
    for name, data in {**DOWNLOADS, **PAGEFIND}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def nginx(site_root, tmp_path_factory):
    """nginx with deploy/nginx/luodi.conf on a free loopback port; yields the base URL."""
    if not NGINX.exists():
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does it)")
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "tmp").mkdir()
    error_log = prefix / "error.log"
    for _attempt in range(3):  # another process may take the free port before nginx does
        port = free_port()
        server = CONF.read_text(encoding="utf-8")
        server, listens = re.subn(r"(?m)^(\s*)listen\s+[^;]+;", rf"\1listen 127.0.0.1:{port};",
                                  server)
        server, roots = re.subn(r"(?m)^(\s*)root\s+[^;]+;", rf"\1root {site_root};", server)
        assert listens == 1 and roots == 1, "luodi.conf should have one listen and one root"
        (prefix / "luodi.conf").write_text(server, encoding="utf-8")
        conf = prefix / "nginx.conf"
        conf.write_text(_main_conf(prefix, prefix / "luodi.conf"), encoding="utf-8")
        command = [str(NGINX), "-p", str(prefix), "-c", str(conf), "-e", str(error_log)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        if process.poll() is None:
            break
    else:
        pytest.fail(f"nginx did not start:\n{error_log.read_text(errors='replace')}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str, **headers: str):
    """(status, headers, body) without following redirects or decompressing anything."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def test_pages_are_html_in_utf8_and_revalidated(nginx, site_root):
    status, headers, body = _get(nginx + "/standard/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == (site_root / "standard" / "index.html").read_bytes()
    # A folder without its slash is redirected, with a relative Location.
    status, headers, _ = _get(nginx + "/standard")
    assert status == 301 and headers["Location"] == "/standard/"


def test_search_index_is_json_revalidated_and_gzipped(nginx, site_root):
    index = (site_root / "search" / "search_index.json").read_bytes()
    status, headers, body = _get(nginx + "/search/search_index.json")
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    assert "Content-Encoding" not in headers and body == index
    # Revalidation: the same ETag gives 304 and no body.
    status, again, body = _get(nginx + "/search/search_index.json", **{
        "If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    # Compressed for browsers that ask (all of them).
    status, headers, body = _get(nginx + "/search/search_index.json",
                                 **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == index
    assert len(body) < len(index) / 3
    json.loads(gzip.decompress(body))


def test_hashed_assets_are_cached_for_a_year_and_others_revalidated(nginx, site_root):
    bundle = next((site_root / "assets" / "javascripts").glob("bundle.*.min.js"))
    status, headers, body = _get(nginx + "/assets/javascripts/" + bundle.name,
                                 **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    css = next((site_root / "assets" / "stylesheets").glob("main.*.min.css"))
    status, headers, _ = _get(nginx + "/assets/stylesheets/" + css.name)
    assert headers["Content-Type"] == "text/css; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Luodi's own assets keep their names from build to build: revalidated.
    status, headers, _ = _get(nginx + "/assets/luodi/luodi.css")
    assert status == 200 and headers["Cache-Control"] == "no-cache"


def test_pagefind_index_files_are_cached_for_a_year_and_its_entry_points_revalidated(nginx):
    for name in PAGEFIND:
        status, headers, body = _get(nginx + "/" + name)
        assert status == 200 and body == PAGEFIND[name]
        hashed = ".pf_" in name
        assert headers["Cache-Control"] == (
            "public, max-age=31536000, immutable" if hashed else "no-cache"), name


def test_missing_page_gets_the_sites_404_page(nginx, site_root):
    status, headers, body = _get(nginx + "/standard/no-such-page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (site_root / "404.html").read_bytes()


def test_downloads_have_their_type_and_open_as_attachments(nginx):
    expected = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }
    for name, data in DOWNLOADS.items():
        status, headers, body = _get(f"{nginx}/{urllib.parse.quote(name)}")
        assert status == 200, name
        assert headers["Content-Type"] == expected[name.rsplit(".", 1)[1]], name
        assert headers["Content-Disposition"] == "attachment", name
        assert body == data, name
    # Pages are not downloads.
    _, headers, _ = _get(nginx + "/standard/")
    assert "Content-Disposition" not in headers
