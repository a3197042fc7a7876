"""The page token is in no command line and no log line (issue 14, finding 5)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from aipo_widgets.pipeline import serve
from aipo_widgets.pipeline.serve import TOKEN_ENV, plan, redact, redact_logs


def test_the_token_is_passed_in_the_environment_not_the_command_line(small_ws: Path) -> None:
    p = plan(small_ws)
    assert p.token and len(p.token) >= 16
    assert not [a for a in p.argv if p.token in a]
    assert p.env[TOKEN_ENV] == p.token
    assert f"token={p.token}" in p.url  # the URL printed for the person who serves
    open_ = plan(small_ws, no_token=True)
    assert "--token=" in open_.argv and TOKEN_ENV not in open_.env


def test_voila_gets_the_token_and_kernels_do_not_inherit_it(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    seen: dict[str, object] = {}

    def fake_main() -> None:
        seen["argv"] = list(sys.argv)
        seen["env"] = TOKEN_ENV in __import__("os").environ

    import voila.app

    monkeypatch.setattr(voila.app, "main", fake_main)
    monkeypatch.setattr(serve, "redact_logs", lambda token: None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setenv(TOKEN_ENV, "t" * 32)
    serve.run_voila(["page.ipynb", "--no-browser"])
    assert seen["argv"] == ["voila", "page.ipynb", "--no-browser", "--token=" + "t" * 32]
    assert seen["env"] is False


@pytest.mark.parametrize("line", [
    "404 GET /voila/templates/..%2f..?token=SECRETSECRETSECRET (127.0.0.1) 2.1ms",
    "302 GET /?token=SECRETSECRETSECRET&workspace=a (::1) 1ms",
    "Authorization: token SECRETSECRETSECRET",
    'url="http://127.0.0.1:8866/?token=SECRETSECRETSECRET"',
])
def test_tokens_are_redacted(line: str) -> None:
    assert "SECRET" not in redact(line, ("SECRETSECRETSECRET",))
    assert "SECRET" not in redact(line)


def test_every_log_record_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    previous = logging.getLogRecordFactory()
    try:
        redact_logs("SECRETSECRETSECRET")
        with caplog.at_level(logging.INFO):
            logging.getLogger("tornado.access").warning(
                "%d %s %s", 404, "GET", "/logout?token=SECRETSECRETSECRET")
            logging.getLogger("Voila").info("token SECRETSECRETSECRET in %s", "a message")
        assert "SECRET" not in caplog.text and "[redacted]" in caplog.text
    finally:
        logging.setLogRecordFactory(previous)


def test_odd_paths_are_404_and_errors_log_one_line(caplog: pytest.LogCaptureFixture) -> None:
    import tornado.web
    from jupyter_server.auth.logout import LogoutHandler
    from voila.static_file_handler import TemplateStaticFileHandler

    serve.harden_voila()
    handler = TemplateStaticFileHandler.__new__(TemplateStaticFileHandler)
    for odd in ("..%2f..", "../..", "lab", "lab/nostatic/x"):
        with pytest.raises(tornado.web.HTTPError) as err:
            handler.parse_url_path(odd)
        assert err.value.status_code == 404
    with pytest.raises(tornado.web.HTTPError) as err:
        LogoutHandler.get(LogoutHandler.__new__(LogoutHandler))
    assert err.value.status_code == 404

    class Request:
        method, uri = "GET", "/voila/x?token=SECRETSECRETSECRET"

    fake = tornado.web.RequestHandler.__new__(tornado.web.RequestHandler)
    fake.request = Request()  # type: ignore[assignment]
    try:
        raise ValueError("not enough values to unpack")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            fake.log_exception(ValueError, exc, exc.__traceback__)
    assert "GET /voila/x?token=[redacted] failed: ValueError" in caplog.text
    assert "Traceback" not in caplog.text and "SECRET" not in caplog.text


def test_pages_beyond_the_kernel_cap_get_a_busy_page(small_ws: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from voila.handler import VoilaHandler

    p = plan(small_ws, max_kernels=2)
    assert p.env[serve.MAX_KERNELS_ENV] == "2"
    assert "--MappingKernelManager.cull_busy=True" in p.argv
    with pytest.raises(serve.UsageError):
        plan(small_ws, max_kernels=0)

    async def page(self: object, path: str | None = None):  # what Voila would render
        yield "<html>page</html>"

    monkeypatch.setattr(VoilaHandler, "get_generator", page)
    serve._cap_kernels()
    monkeypatch.setenv(serve.MAX_KERNELS_ENV, "2")

    class Manager:
        def __init__(self, n: int) -> None:
            self.n = n

        def list_kernel_ids(self) -> list[str]:
            return [str(i) for i in range(self.n)]

        def get_pool_size(self, path: str) -> int:
            return 1

    class Handler:
        notebook_path = "status.ipynb"

        def __init__(self, n: int) -> None:
            from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

            self.request = HTTPServerRequest(start_line=RequestStartLine("GET", "/", "HTTP/1.1"),
                                             headers=HTTPHeaders({"Host": "127.0.0.1"}))
            self.kernel_manager = Manager(n)
            self.status = 200
            self.headers: dict[str, str] = {}

        def set_status(self, code: int) -> None:
            self.status = code

        def set_header(self, name: str, value: str) -> None:
            self.headers[name] = value

    async def render(n: int) -> tuple[int, str, dict[str, str]]:
        h = Handler(n)
        chunks = [c async for c in VoilaHandler.get_generator(h)]
        return h.status, "".join(chunks), h.headers

    assert asyncio.run(render(2))[:2] == (200, "<html>page</html>")  # pool 1 + 1 visitor
    status, body, headers = asyncio.run(render(3))  # pool 1 + 2 visitors: full
    assert status == 503 and "busy" in body and headers["Retry-After"] == "30"


def test_the_checked_token_is_dropped_before_the_kernel_sees_the_request() -> None:
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    request = HTTPServerRequest(start_line=RequestStartLine(
        "GET", "/?workspace=a&token=SECRETSECRETSECRET", "HTTP/1.1"),
        headers=HTTPHeaders({"Host": "127.0.0.1"}))
    serve._drop_token(request)
    assert request.query == "workspace=a" and request.uri == "/?workspace=a"
    assert "token" not in request.arguments and request.arguments["workspace"] == [b"a"]
    assert "SECRET" not in request.full_url()
