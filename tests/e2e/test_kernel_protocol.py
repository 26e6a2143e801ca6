"""The glassbox kernel (kernel/src, binary `glassbox-kernel`) over the real Jupyter protocol, with
jupyter_client: kernel_info, live display_data / update_display_data, interrupt, errors with
spans, input(), completion, inspection, evcxr's commands, restart and shutdown.

Most cells here write the display channel's lines by hand (kernel/src/outputs.rs documents the
format), so they need no `:dep` and the kernel is tested on its own; `test_glassbox_display_api`
then drives the same messages from the crate (`glassbox::display`) in the shared, warm build
folder the notebook tests compiled glassbox into.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
from conftest import ROOT
from jupyter_client.manager import start_new_kernel
from notebook_runner import KERNEL_NAME, evcxr_build_dir

MARKER = "\u001fglassbox-display "
TIMEOUT = 600  # a cold first cell compiles; warm cells take a second or two


def _kernel(build_dir="protocol"):
    """A fresh kernel in the repo root, with its own evcxr build folder under target/evcxr/."""
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=300, cwd=str(ROOT),
                            env=_env(build_dir))


def _env(build_dir):
    import os

    env = dict(os.environ)
    env.setdefault("EVCXR_TMPDIR", str(ROOT / "target" / "evcxr" / build_dir))
    return env


@pytest.fixture(scope="module")
def kernel():
    km, kc = _kernel()
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kc, code, timeout=TIMEOUT, allow_stdin=False, stdin_hook=None):
    """Executes `code`; returns (execute_reply content, [iopub messages of this cell])."""
    seen = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=seen.append,
                                   allow_stdin=allow_stdin, stdin_hook=stdin_hook)
    return reply["content"], [m for m in seen if m["msg_type"] != "status"]


def display_line(op, display_id, text):
    payload = {"op": op, "display_id": display_id, "data": {"text/plain": text}, "metadata": {}}
    # As a Rust raw string: the JSON has quotes but never `"#`.
    return f'println!("{{}}", r#"{MARKER}{json.dumps(payload)}"#);'


def test_kernel_info(kernel):
    _, kc = kernel
    kc.kernel_info()
    info = kc.get_shell_msg(timeout=30)["content"]
    assert info["status"] == "ok"
    assert info["implementation"] == "glassbox-kernel"
    assert info["protocol_version"] == "5.3"
    assert info["language_info"]["name"] == "Rust"
    assert info["language_info"]["file_extension"] == ".rs"


def test_values_and_streams(kernel):
    _, kc = kernel
    reply, msgs = run(kc, 'println!("to stdout");\neprintln!("to stderr");\n40 + 2')
    assert reply["status"] == "ok"
    streams = {m["content"]["name"]: m["content"]["text"] for m in msgs if m["msg_type"] == "stream"}
    assert streams == {"stdout": "to stdout\n", "stderr": "to stderr\n"}
    [result] = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "42"
    assert result["content"]["execution_count"] == reply["execution_count"]


def test_several_display_data_in_order(kernel):
    _, kc = kernel
    code = "\n".join([
        'println!("before");',
        display_line("display", "a", "first"),
        'println!("between");',
        display_line("display", "b", "second"),
        display_line("display", "c", "third"),
        'println!("after");',
    ])
    reply, msgs = run(kc, code)
    assert reply["status"] == "ok"
    order = []
    for m in msgs:
        if m["msg_type"] == "stream":
            order += m["content"]["text"].splitlines()
        elif m["msg_type"] == "display_data":
            order.append(m["content"]["data"]["text/plain"])
            assert m["content"]["transient"]["display_id"] in "abc"
    assert order == ["before", "first", "between", "second", "third", "after"]


def test_updates_share_one_display_id(kernel):
    _, kc = kernel
    n = 20
    code = display_line("display", "bar", "0") + "\n" + "\n".join(
        f'{display_line("update", "bar", str(i))}\nstd::thread::sleep(std::time::Duration::from_millis(20));'
        for i in range(1, n + 1))
    reply, msgs = run(kc, code)
    assert reply["status"] == "ok"
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1 and len(updates) == n
    assert {m["content"]["transient"]["display_id"] for m in shown + updates} == {"bar"}
    assert [m["content"]["data"]["text/plain"] for m in updates] == [str(i) for i in range(1, n + 1)]
    # Live: the updates left while the cell ran (20 ms apart), not in one burst at its end.
    dates = [m["header"]["date"] for m in updates]
    assert dates[0] != dates[-1]


def test_a_bad_display_line_is_reported_not_fatal(kernel):
    _, kc = kernel
    reply, msgs = run(kc, f'println!("{{}}", "{MARKER}{{broken");\n1')
    assert reply["status"] == "ok"
    text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
    assert "display line was dropped" in text


def test_compile_error_shows_the_span(kernel):
    _, kc = kernel
    reply, msgs = run(kc, 'let n: u32 = "seven";')
    assert reply["status"] == "error"
    [error] = [m["content"] for m in msgs if m["msg_type"] == "error"]
    assert "mismatched types" in error["evalue"]
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))
    assert 'let n: u32 = "seven";' in traceback  # the cell's own line, with the span marked
    assert reply["ename"] == error["ename"]


def test_a_panic_is_reported_and_the_kernel_goes_on(kernel):
    _, kc = kernel
    reply, msgs = run(kc, 'panic!("on purpose");')
    assert "on purpose" in json.dumps([m["content"] for m in msgs])
    _, msgs = run(kc, "2 + 3")
    [result] = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "5"


def test_interrupt_stops_an_endless_loop(kernel):
    km, kc = kernel
    assert run(kc, "fn answer() -> i32 { 42 }")[0]["status"] == "ok"
    sent, seen = [], []

    def on_output(msg):
        # Interrupt once the loop really runs (compiling the cell takes a while on a busy machine).
        if msg["msg_type"] == "stream" and "looping" in msg["content"]["text"] and not sent:
            sent.append(time.monotonic())
            threading.Timer(1.0, km.interrupt_kernel).start()

    code = 'println!("looping");\nlet mut i: u64 = 0;\nloop { i = i.wrapping_add(1); std::hint::black_box(i); }'
    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda m: (seen.append(m), on_output(m)))
    stopped_after = time.monotonic() - sent[0] - 1.0
    assert reply["content"]["status"] == "error"
    assert stopped_after < 5.0, f"the interrupt took {stopped_after:.1f} s"
    assert any(m["msg_type"] == "error" and m["content"]["ename"] == "Interrupted" for m in seen)
    # The kernel lives on, with its functions.
    _, msgs = run(kc, "answer()")
    [result] = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "42"


def test_an_interrupt_between_cells_keeps_variables(kernel):
    km, kc = kernel
    run(kc, "let survivor = 5;")
    km.interrupt_kernel()
    time.sleep(0.5)
    _, msgs = run(kc, "survivor")
    [result] = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "5"


def test_evcxr_commands(kernel):
    _, kc = kernel
    # `:opt` toggles between 0 and the level set: 2 from kernel/evcxr-config/init.evcxr.
    reply, msgs = run(kc, ":opt")
    assert reply["status"] == "ok"
    text = json.dumps([m["content"] for m in msgs])
    assert "Optimization: 0" in text, text
    assert "Optimization: 2" in json.dumps([m["content"] for m in run(kc, ":opt 2")[1]])
    reply, msgs = run(kc, ":help")
    assert ":dep" in json.dumps([m["content"] for m in msgs])


def test_completion_and_inspection(kernel):
    _, kc = kernel
    code = "let v: Vec<u8> = Vec::new();\nv.pus"
    kc.complete(code, len(code))
    reply = kc.get_shell_msg(timeout=120)["content"]
    assert reply["status"] == "ok"
    assert any(m.startswith("push(") for m in reply["matches"]), reply["matches"][:20]
    assert reply["cursor_end"] == len(code)
    assert reply["cursor_start"] == len(code) - len("pus")
    code = "String"  # the cursor at the end of the word, as JupyterLab's Shift+Tab sends it
    kc.inspect(code, len(code))
    reply = kc.get_shell_msg(timeout=120)["content"]
    assert reply["status"] == "ok"
    assert reply["found"] is True
    assert "String" in reply["data"]["text/plain"]


def test_input_reads_from_the_frontend(kernel):
    _, kc = kernel
    assert run(kc, ":dep evcxr_input = \"1\"")[0]["status"] == "ok"
    asked = []

    def answer(msg):
        asked.append(msg["content"]["prompt"])
        kc.input("Ferris")

    reply, msgs = run(kc, 'let name = evcxr_input::get_string("Name? ");\nformat!("hello {name}")',
                      allow_stdin=True, stdin_hook=answer)
    assert reply["status"] == "ok"
    assert asked == ["Name? "]
    [result] = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == '"hello Ferris"'


def test_restart_and_shutdown():
    km, kc = _kernel()
    try:
        assert run(kc, "let before_restart = 1;")[0]["status"] == "ok"
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=300)
        reply, msgs = run(kc, "before_restart")
        assert reply["status"] == "error"  # a fresh kernel: the variable is gone
        assert run(kc, "1 + 1")[0]["status"] == "ok"
    finally:
        kc.stop_channels()
        start = time.monotonic()
        km.shutdown_kernel(now=False)  # a shutdown_request; the kernel exits by itself
        assert not km.is_alive()
        assert time.monotonic() - start < 10


def test_glassbox_display_api():
    """The crate's side: display(), update() and ProgressBar through the kernel, in order."""
    code = """
use glassbox::{display, LineChart, ProgressBar, Table};
println!("start");
let table = display(&Table::new(["k", "v"]).row(["a", "1"]));
let chart = display(&LineChart::new().series_indexed("loss", &[1.0f32, 0.5]));
let mut bar = ProgressBar::new("work", 3);
for i in 0..3 {
    std::thread::sleep(std::time::Duration::from_millis(150));
    bar.inc(1);
}
bar.finish();
chart.update(&LineChart::new().series_indexed("loss", &[1.0f32, 0.5, 0.25]));
println!("end");
"""
    run_code = """
let mut run = glassbox::Run::in_memory("live").total_steps(20);
for step in 0..20 {
    std::thread::sleep(std::time::Duration::from_millis(60));
    run.log("loss", step, 1.0 / (step as f64 + 1.0))?;
}
run.finish();
"""
    with evcxr_build_dir("kernel-0"):  # where the notebook tests compiled glassbox
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=300,
                                  cwd=str(ROOT / "notebooks"))
        try:
            reply, _ = run(kc, ':dep glassbox = { path = "../crate" }')
            assert reply["status"] == "ok"
            reply, msgs = run(kc, code)
            run_reply, run_msgs = run(kc, run_code)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    assert reply["status"] == "ok", reply
    kinds = [(m["msg_type"], m["content"].get("text", "").strip()) for m in msgs
             if m["msg_type"] in ("stream", "display_data")]
    assert kinds[0] == ("stream", "start") and kinds[-1] == ("stream", "end"), kinds
    shown = [m["content"] for m in msgs if m["msg_type"] == "display_data"]
    assert [sorted(d["data"]) for d in shown] == [
        ["text/html", "text/plain"], ["image/png", "text/plain"], ["text/html", "text/plain"]]
    chart_id = shown[1]["transient"]["display_id"]
    bar_id = shown[2]["transient"]["display_id"]
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates[-1]["transient"]["display_id"] == chart_id
    assert updates[-1]["data"]["image/png"] != shown[1]["data"]["image/png"]
    bar_updates = [u for u in updates if u["transient"]["display_id"] == bar_id]
    assert bar_updates and bar_updates[-1]["data"]["text/plain"].startswith("work 3/3 [")
    assert '<progress value="3" max="3"' in bar_updates[-1]["data"]["text/html"]

    # Run: one progress output and one curves output, each updated in place (≤ 4 per second).
    assert run_reply["status"] == "ok", run_reply
    shown = [m["content"] for m in run_msgs if m["msg_type"] == "display_data"]
    assert sorted(sorted(d["data"]) for d in shown) == [["image/png", "text/plain"], ["text/html", "text/plain"]]
    assert not [m for m in run_msgs if m["msg_type"] == "stream"], "no progress lines on stdout"
    updates = [m["content"] for m in run_msgs if m["msg_type"] == "update_display_data"]
    ids = {d["transient"]["display_id"] for d in shown}
    assert {u["transient"]["display_id"] for u in updates} <= ids
    by_id = {i: [u for u in updates if u["transient"]["display_id"] == i] for i in ids}
    assert all(1 <= len(v) <= 8 for v in by_id.values()), {i: len(v) for i, v in by_id.items()}
    progress = next(d for d in shown if "text/html" in d["data"])["transient"]["display_id"]
    assert "step 19/20" in by_id[progress][-1]["data"]["text/plain"]
