"""Many cells, one kernel: evcxr gives every cell its own copy of every static (dfdx's tensor-id
counter, glassbox's scratch pools). A model built in one cell must give exactly the same results in
every later cell, no later cell may get slower, and memory must not grow cell by cell.

The notebooks are generated here (too repetitive to keep by hand) and run by the tour's runner.
"""

import re
import statistics

import nbformat
from conftest import E2E_OUT
from notebook_runner import execute

OUT = E2E_OUT / "many-cells"
LATER_CELLS = 100
VGG_CELLS = 20
USE = "use glassbox::prelude::*;"  # evcxr takes `use` items best in a cell of their own


def _notebook(name, cells):
    """Writes a notebook of code cells to OUT/<name> (three levels below the repo root)."""
    OUT.mkdir(parents=True, exist_ok=True)
    dep = ':dep glassbox = { path = "../../../crate" }'
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "glassbox-rust", "display_name": "Rust · glassbox"}},
        cells=[nbformat.v4.new_code_cell(src) for src in [dep, *cells]])
    path = OUT / name
    nbformat.write(nb, path)
    return path


def _run(path):
    result = execute(path, OUT / "executed")
    assert result.ok, result.error
    return nbformat.read(result.executed, as_version=4)


def _printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def test_a_hundred_later_cells_give_the_same_results_and_are_not_slower():
    setup = """let net = MnistNet::pretrained()?;
let x = glassbox::data::mnist()?.test.images(0..2)?;
// The reference: the same computation in the cell that built the model.
let sal0 = Saliency::new(&net).explain(&x, Target::Predicted)?.values().to_vec();
let cam0 = GradCam::new(&net, "conv3").explain(&x, Target::Predicted)?.values().to_vec();
println!("reference ready");"""
    later = """let t = std::time::Instant::now();
let sal = Saliency::new(&net).explain(&x, Target::Predicted)?;
let cam = GradCam::new(&net, "conv3").explain(&x, Target::Predicted)?;
let ms = t.elapsed().as_secs_f64() * 1e3;
assert!(sal.values() == &sal0[..], "cell {k}: saliency differs from the first cell's");
assert!(cam.values() == &cam0[..], "cell {k}: Grad-CAM differs from the first cell's");
println!("cell {k}: same results, {ms:.3} ms");"""
    cells = [USE, setup] + [later.replace("{k}", str(k)) for k in range(2, LATER_CELLS + 2)]
    nb = _run(_notebook("many_cells.ipynb", cells))
    code = [c for c in nb.cells if c.cell_type == "code"][3:]
    times = []
    for k, cell in enumerate(code, start=2):
        m = re.search(rf"cell {k}: same results, ([0-9.]+) ms", _printed(cell))
        assert m, f"cell {k} printed: {_printed(cell)!r}"
        times.append(float(m.group(1)))
    assert len(times) == LATER_CELLS
    first, last = statistics.median(times[:5]), statistics.median(times[-5:])
    print(f"saliency + Grad-CAM: cell 2 {times[0]:.3f} ms, cell {LATER_CELLS + 1} {times[-1]:.3f} ms; "
          f"median of the first five {first:.3f} ms, of the last five {last:.3f} ms")
    # Not a benchmark: a guard that walked dfdx's counter up cell by cell (the old one) made
    # the 100th cell ~100× slower than the 2nd; noise is a few tenths.
    assert last <= 1.5 * first + 1.0, f"later cells got slower: {first:.3f} → {last:.3f} ms"


def test_vgg16_saliency_in_twenty_cells_stays_within_one_and_a_half_times_one_cells_memory():
    rss = """fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0
}"""
    setup = """let vgg = Vgg16::new(0);
let x = glassbox::testing::random_input([1, 3, 224, 224], 5);"""
    step = """let s = Saliency::new(&vgg).explain(&x, Target::Class(1))?;
println!("cell {k}: VmRSS {:.0} MiB (map sum {:.6e})", rss_mib(), s.values().iter().sum::<f32>());"""
    cells = [USE, rss, setup] + [step.replace("{k}", str(k)) for k in range(1, VGG_CELLS + 1)]
    nb = _run(_notebook("vgg_memory.ipynb", cells))
    code = [c for c in nb.cells if c.cell_type == "code"][4:]
    found = [re.search(r"VmRSS ([0-9.]+) MiB \(map sum ([^)]+)\)", _printed(c)) for c in code]
    assert all(found), [_printed(c) for c in code]
    mib = [float(m.group(1)) for m in found]
    sums = {m.group(2) for m in found}
    print("VmRSS after each VGG16 saliency cell (MiB): " + ", ".join(f"{v:.0f}" for v in mib))
    assert len(sums) == 1, f"the same saliency gave different maps in different cells: {sums}"
    assert mib[-1] <= 1.5 * mib[0], f"memory grew {mib[0]:.0f} → {mib[-1]:.0f} MiB over {VGG_CELLS} cells"
