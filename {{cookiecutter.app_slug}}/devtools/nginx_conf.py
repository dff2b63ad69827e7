"""deploy/nginx.conf for the toolkit: read it as a tree, and run a copy of it on loopback.

The reader serves tests/test_nginx_conf.py, which checks the file directive by directive;
the loopback copy (127.0.0.1, free ports, the dev_cert certificate, a run directory of its
own) serves those tests and the loopback stack (loopback_stack.py, `make bench`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

from . import PROJECT_ROOT

NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
    None)
# Where Debian's nginx module packages put their .so files, and the one deploy/nginx.conf loads.
DEBIAN_MODULES = "/usr/lib/nginx/modules"
BROTLI_STATIC_MODULE = "ngx_http_brotli_static_module.so"
MODULE_PACKAGES = {BROTLI_STATIC_MODULE: "libnginx-mod-http-brotli-static"}


class NginxConfError(ValueError):
    """The file cannot be read, or no longer has a line the loopback copy must change."""


# ---- a small reader of nginx's configuration syntax --------------------------------------

@dataclasses.dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None

    def all(self, name: str) -> list[Directive]:
        return [child for child in self.block or [] if child.name == name]

    def one(self, name: str) -> Directive:
        found = self.all(name)
        assert len(found) == 1, f"{self.name}: expected one {name}, found {len(found)}"
        return found[0]

    def walk(self):
        yield self
        for child in self.block or []:
            yield from child.walk()


# Blanks, a comment, a "double" or 'single' quoted string, { } ;, or a bare word.
TOKEN = re.compile(r"""\s+|\#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'"""
                   r"""|([{};])|([^\s{};"'#]+)""")


def tokens(text: str):
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise NginxConfError(f"cannot read nginx.conf at {text[position:position + 40]!r}")
        position = match.end()
        double, single, punctuation, word = match.groups()
        if punctuation:
            yield punctuation, True
        elif double is not None or single is not None:
            yield double if double is not None else single, False
        elif word:
            yield word, False


def parse(text: str) -> Directive:
    """The configuration as a tree of directives under a root named "main"."""
    root = Directive("main", [], [])
    stack, words = [root], []
    for token, is_punctuation in tokens(text):
        if not is_punctuation:
            words.append(token)
        elif token == ";":
            if not words:
                raise NginxConfError("empty directive")
            stack[-1].block.append(Directive(words[0], words[1:]))
            words = []
        elif token == "{":
            block = Directive(words[0], words[1:], [])
            stack[-1].block.append(block)
            stack.append(block)
            words = []
        else:
            if words or len(stack) == 1:
                raise NginxConfError("unbalanced }")
            stack.pop()
    if len(stack) != 1 or words:
        raise NginxConfError("unclosed block")
    return root


# ---- a loopback copy --------------------------------------------------------------------

def missing_nginx_packages() -> list[str]:
    """The Debian packages deploy/nginx.conf needs to run that are not installed."""
    modules = [Path(d.args[0]) for d in parse(NGINX_CONF.read_text(encoding="utf-8"))
               .all("load_module")]
    return ([] if NGINX else ["nginx"]) + [
        MODULE_PACKAGES.get(module.name, str(module)) for module in modules
        if not module.is_file()]


def replace_directive(text: str, name: str, value: str | None) -> str:
    """Set every `name ...;` line to `name value;`, or drop it (value None)."""
    pattern = re.compile(r"(?m)^([ \t]*)" + re.escape(name) + r"[ \t]+[^;{}\n]*;[ \t]*\n")
    replacement = (lambda m: f"{m.group(1)}{name} {value};\n") if value else ""
    text, count = pattern.subn(replacement, text)
    if not count:
        raise NginxConfError(f"nginx.conf has no `{name}` line any more: "
                             "update devtools/nginx_conf.py")
    return text


def render_loopback(text: str, *, run_dir: Path, dist: Path, cert: Path, key: Path,
                    upstream: str, http_port: int, https_port: int) -> str:
    """deploy/nginx.conf on 127.0.0.1 with test paths; everything else as shipped."""
    for old, new in ((r"listen 80 ", f"listen 127.0.0.1:{http_port} "),
                     (r"listen 443 ", f"listen 127.0.0.1:{https_port} ")):
        if old not in text:
            raise NginxConfError(f"nginx.conf has no `{old}`: update devtools/nginx_conf.py")
        text = text.replace(old, new)
    text = re.sub(r"(?m)^[ \t]*listen \[::\]:.*\n", "", text)  # the host may have no IPv6
    text = replace_directive(text, "ssl_certificate", str(cert))
    text = replace_directive(text, "ssl_certificate_key", str(key))
    text = replace_directive(text, "root", str(dist))
    text = replace_directive(text, "server", upstream)
    text = replace_directive(text, "pid", str(run_dir / "nginx.pid"))
    text = replace_directive(text, "error_log", f"{run_dir / 'error.log'} warn")
    text = replace_directive(text, "access_log", str(run_dir / "access.log"))
    # As root, workers must still read the test's private directories.
    text = replace_directive(text, "user", "root" if os.geteuid() == 0 else None)
    temp_paths = "".join(f"    {kind}_temp_path {run_dir / kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    if "\nhttp {\n" not in text:
        raise NginxConfError("nginx.conf has no `http {` block: update devtools/nginx_conf.py")
    return text.replace("\nhttp {\n", "\nhttp {\n" + temp_paths, 1)
