"""Check 15: a hostile run name renders as text on the deck and the audience page, and the
pages forbid inline script and foreign origins."""

from typing import Any

from support.live import TOKEN, LiveServer

PAYLOAD = "<img src=x onerror=alert(1)>"


def test_a_hostile_run_name_is_shown_as_text(deck_server: LiveServer, new_page: Any) -> None:
    run = deck_server.start_run(epochs=1, name=PAYLOAD)
    deck_server.wait_run(run["id"])
    for url, width in (
        (f"{deck_server.url}/watch", 412),
        (f"{deck_server.url}/?token={TOKEN}#/5", 1280),
    ):
        page = new_page(width, 800)
        dialogs: list[str] = []
        page.on(
            "dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss())
        )
        page.goto(url)
        page.wait_for_function(
            "(payload) => document.querySelector('.lc-status')?.textContent.includes(payload)",
            arg=PAYLOAD,
        )
        page.wait_for_timeout(500)
        assert page.locator(".lc-panel img[src=x]").count() == 0
        assert dialogs == []


def test_pages_send_a_strict_content_security_policy(deck_server: LiveServer) -> None:
    for path in ("/", "/watch", "/static/js/watch.js", "/api/status"):
        policy = deck_server.http.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_inline_script_is_blocked_by_the_browser(deck_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{deck_server.url}/watch")
    ran = page.evaluate(
        """() => new Promise((done) => {
            window.__inline = false
            const blocked = () => done('blocked')
            document.addEventListener('securitypolicyviolation', blocked, {once: true})
            const script = document.createElement('script')
            script.textContent = 'window.__inline = true'
            document.body.append(script)
            setTimeout(() => done(window.__inline ? 'ran' : 'blocked'), 1000)
        })"""
    )
    assert ran == "blocked"
