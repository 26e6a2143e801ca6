//! Run tracking and TensorBoard interop: files written here are read back by our own reader
//! (CRCs checked) and, when a Python with `tensorboard` is configured, by TensorBoard itself.
//!
//! Set `GLASSBOX_PYTHON=/path/to/python` (with `pip install tensorboard`) to run the
//! TensorBoard cross-checks; without it they print why they are skipped — unless
//! `GLASSBOX_REQUIRE_CROSS_CHECKS=1` (set by `make test`, so CI), where a skip is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use glassbox::{
    read_event_file,
    track::{TensorBoardValue, TensorBoardWriter},
    ErrorKind, Figure, Run,
};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("glassbox-track-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `read_events.py` with `$GLASSBOX_PYTHON`, or returns `None` (and says so) without it.
fn tensorboard_reads(args: &[&Path]) -> Option<serde_json::Value> {
    let Some(python) = std::env::var_os("GLASSBOX_PYTHON") else {
        assert!(
            std::env::var_os("GLASSBOX_REQUIRE_CROSS_CHECKS").is_none(),
            "GLASSBOX_REQUIRE_CROSS_CHECKS is set but GLASSBOX_PYTHON is not: the TensorBoard \
             cross-check cannot run (set GLASSBOX_PYTHON to a python with `tensorboard`)"
        );
        eprintln!("skipped the TensorBoard cross-check: set GLASSBOX_PYTHON to a python with `tensorboard` installed");
        return None;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/track/read_events.py");
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .expect("GLASSBOX_PYTHON must be runnable");
    assert!(
        out.status.success(),
        "read_events.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("read_events.py prints JSON"))
}

fn checker_figure() -> Figure {
    let rgb = (0..4 * 3)
        .flat_map(|i| [(i * 20) as u8, 255 - (i * 20) as u8, 7])
        .collect();
    Figure::from_rgb(4, 3, rgb, "gradient").unwrap()
}

#[test]
fn event_files_read_back_with_the_same_values() {
    let dir = temp_dir("events");
    let figure = checker_figure();
    let mut tb = TensorBoardWriter::create(&dir).unwrap();
    let losses = [2.5f32, 1.25, 0.625, f32::NAN, 0.1];
    for (step, &loss) in losses.iter().enumerate() {
        tb.scalar("train/loss", step as i64 * 10, loss).unwrap();
    }
    tb.scalar("accuracy", 3, 0.875).unwrap();
    tb.image("digits", 7, &figure).unwrap();
    tb.text("notes", 2, "lr **0.01**, naïve ✓").unwrap();

    let name = tb
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("events.out.tfevents."), "{name}");

    // Our reader: every CRC checked, values exact.
    let events = read_event_file(tb.path()).unwrap();
    assert_eq!(events[0].file_version.as_deref(), Some("brain.Event:2"));
    assert_eq!(events.len(), 1 + losses.len() + 3);
    for (i, &loss) in losses.iter().enumerate() {
        let e = &events[1 + i];
        assert_eq!(e.step, i as i64 * 10);
        let TensorBoardValue::Scalar(v) = e.values[0].1 else {
            panic!("scalar expected")
        };
        assert_eq!(e.values[0].0, "train/loss");
        assert!(v == loss || (v.is_nan() && loss.is_nan()));
    }
    let png = figure.to_png().unwrap();
    assert_eq!(
        events[7].values[0].1,
        TensorBoardValue::Image {
            width: 4,
            height: 3,
            encoded: png.clone()
        }
    );
    assert_eq!(
        events[8].values[0].1,
        TensorBoardValue::Text("lr **0.01**, naïve ✓".into())
    );

    // TensorBoard's own reader.
    let Some(json) = tensorboard_reads(&[&dir]) else {
        return;
    };
    let ev = &json["events"];
    let loss = ev["scalars"]["train/loss"].as_array().unwrap();
    assert_eq!(loss.len(), losses.len());
    for (i, point) in loss.iter().enumerate() {
        assert_eq!(point[0], i as i64 * 10);
        if losses[i].is_nan() {
            assert_eq!(point[1], "NaN");
        } else {
            assert_eq!(point[1].as_f64().unwrap() as f32, losses[i]);
        }
    }
    assert_eq!(ev["scalars"]["accuracy"][0], serde_json::json!([3, 0.875]));
    let image = &ev["images"]["digits"][0];
    assert_eq!(
        (
            image["step"].as_i64(),
            image["width"].as_i64(),
            image["height"].as_i64()
        ),
        (Some(7), Some(4), Some(3))
    );
    let b64 = image["png_base64"].as_str().unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
        png
    );
    assert_eq!(
        ev["texts"]["notes"],
        serde_json::json!([[2, "lr **0.01**, naïve ✓"]])
    );
    assert_eq!(ev["text_plugin_tags"], serde_json::json!(["notes"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn our_reader_rejects_corrupted_records() {
    let dir = temp_dir("corrupt");
    let mut tb = TensorBoardWriter::create(&dir).unwrap();
    tb.scalar("loss", 1, 0.5).unwrap();
    let path = tb.path().to_path_buf();
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 6;
    bytes[last] ^= 0x01; // flip one bit of the float
    std::fs::write(&path, &bytes).unwrap();
    let e = read_event_file(&path).unwrap_err();
    assert!(e.to_string().contains("data CRC mismatch"), "{e}");
    std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
    let e = read_event_file(&path).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn projector_files_parse_in_tensorboard() {
    let dir = temp_dir("projector");
    let tb_dir = dir.join("events");
    TensorBoardWriter::create(&tb_dir).unwrap();
    let points = [0.5f32, -1.0, 2.0, 3.25, 1e-3, 4.0];
    glassbox::write_projector(&dir, "mnist/gap", &points, 3, &["7", "2"]).unwrap();
    let Some(json) = tensorboard_reads(&[&tb_dir, &dir]) else {
        return;
    };
    let p = &json["projector"];
    assert_eq!(p["tensor_name"], "mnist/gap");
    assert_eq!(p["shape"], serde_json::json!([2, 3]));
    let values: Vec<f32> = p["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    assert_eq!(values, points);
    assert_eq!(p["labels"], serde_json::json!(["7", "2"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_reloads_everything_it_logged() {
    let dir = temp_dir("reload");
    let mut run = Run::create(&dir).unwrap().print_every(0);
    run.hparam("lr", 0.01).unwrap();
    run.hparam("optimizer", "adam").unwrap();
    run.hparam("epochs", 3).unwrap();
    for step in 0..20 {
        run.log("loss", step, 1.0 / (1.0 + step as f64)).unwrap();
        run.log("accuracy", step, step as f32 / 20.0).unwrap();
    }
    run.log("loss", 20, f64::NAN).unwrap();
    run.text("notes", 5, "diverged at the end").unwrap();
    run.image("sample", 3, &checker_figure()).unwrap();
    assert_eq!(run.warnings().len(), 1, "the first NaN of a tag warns");

    let again = Run::open(&dir).unwrap();
    assert_eq!(again.name(), dir.file_name().unwrap().to_str().unwrap());
    assert_eq!(again.tags(), ["loss", "accuracy"]);
    assert_eq!(again.scalars("loss")[..20], run.scalars("loss")[..20]);
    assert!(
        again.last("loss").unwrap().is_nan(),
        "NaN is recorded, not dropped"
    );
    assert_eq!(again.scalars("accuracy")[10], (10, 0.5));
    assert_eq!(
        again.texts("notes"),
        [(5, "diverged at the end".to_string())]
    );
    let hp = again.hparams();
    assert_eq!(hp["lr"], glassbox::track::Hparam::Float(0.01));
    assert_eq!(
        hp["optimizer"],
        glassbox::track::Hparam::Text("adam".into())
    );
    assert_eq!(hp["epochs"], glassbox::track::Hparam::Int(3));
    let images = again.images("sample").unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].1.rgb(), checker_figure().rgb());
    assert!(again.warnings().is_empty());
    assert!(again.to_string().contains("loss NaN @ 20"), "{again}");

    // Run::create refuses to mix two runs; Run::replace starts over.
    let e = Run::create(&dir).unwrap_err();
    assert!(e.to_string().contains("Run::open"), "{e}");
    let fresh = Run::replace(&dir).unwrap();
    assert!(fresh.tags().is_empty());
    assert!(Run::open(&dir).unwrap().tags().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_line_cut_off_mid_write_is_skipped_and_logging_continues() {
    let dir = temp_dir("truncated");
    let mut run = Run::create(&dir).unwrap().print_every(0);
    for step in 0..5 {
        run.log("loss", step, step as f64).unwrap();
    }
    drop(run);
    // Simulate a crash inside the last write: cut the file in the middle of its last line.
    let path = dir.join("run.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.len() - 20;
    std::fs::write(&path, &text[..cut]).unwrap();

    let mut run = Run::open(&dir).unwrap().print_every(0);
    assert_eq!(
        run.scalars("loss").len(),
        4,
        "only the partial line is lost"
    );
    assert_eq!(run.warnings().len(), 1);
    assert!(
        run.warnings()[0].contains("cut off mid-write"),
        "{:?}",
        run.warnings()
    );
    run.log("loss", 5, 5.0).unwrap();

    let again = Run::open(&dir).unwrap();
    let steps: Vec<i64> = again.scalars("loss").iter().map(|p| p.0).collect();
    assert_eq!(steps, [0, 1, 2, 3, 5]);
    assert_eq!(
        again.warnings().len(),
        1,
        "the old partial line stays skipped"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The child side of `a_killed_process_loses_at_most_one_line`: logs until killed. Ignored, so
/// it never counts as a passing test on its own; the parent runs it with `--ignored`.
#[test]
#[ignore = "the child process of a_killed_process_loses_at_most_one_line"]
fn child_writer_logs_until_killed() {
    let dir = std::env::var_os("GLASSBOX_TRACK_CHILD_DIR").expect(
        "run by a_killed_process_loses_at_most_one_line, which sets GLASSBOX_TRACK_CHILD_DIR",
    );
    let mut run = Run::create(dir).unwrap().print_every(0);
    for step in 0.. {
        run.log("loss", step, (step as f64).sqrt()).unwrap();
        run.text("note", step, &"x".repeat(4000)).unwrap();
    }
}

#[test]
fn a_killed_process_loses_at_most_one_line() {
    let dir = temp_dir("killed");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_writer_logs_until_killed",
            "--ignored",
            "--nocapture",
        ])
        .env("GLASSBOX_TRACK_CHILD_DIR", &dir)
        .spawn()
        .unwrap();
    let path = dir.join("run.jsonl");
    let start = std::time::Instant::now();
    while std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < 2_000_000 {
        assert!(start.elapsed().as_secs() < 60, "the child wrote too little");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Read while the child is still writing, then kill it.
    let live = Run::open(&dir).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let run = Run::open(&dir).unwrap();
    let steps: Vec<i64> = run.scalars("loss").iter().map(|p| p.0).collect();
    assert!(steps.len() >= live.scalars("loss").len() && steps.len() > 100);
    assert!(
        steps.iter().enumerate().all(|(i, &s)| s == i as i64),
        "no step lost before the end"
    );
    assert!(run.warnings().len() <= 1, "{:?}", run.warnings());
    assert!(run.texts("note").len() + 1 >= steps.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unwritable_directory_is_a_clear_error() {
    let dir = temp_dir("unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let e = Run::create(file.join("run")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Io { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("a-file/run") && msg.contains("a run needs a directory it can write to"),
        "{msg}"
    );
    assert!(TensorBoardWriter::create(file.join("tb")).is_err());
    let e = Run::open(&dir).unwrap_err();
    assert!(e.to_string().contains("holds no run"), "{e}");
    let mut run = Run::in_memory("x");
    assert!(run.log("", 0, 1.0).is_err(), "an empty tag is rejected");
    assert!(Run::in_memory("x").with_tensorboard().is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_exports_and_mirrors_to_tensorboard() {
    let dir = temp_dir("export");
    let mut run = Run::create(&dir)
        .unwrap()
        .print_every(0)
        .with_tensorboard()
        .unwrap();
    run.hparam("lr", 0.1).unwrap();
    for step in 0..4 {
        run.log("loss", step, 4.0 - step as f64).unwrap();
    }
    run.image("picture", 1, &checker_figure()).unwrap();
    let exported = run.export_tensorboard(dir.join("exported")).unwrap();
    for path in [
        exported,
        std::fs::read_dir(dir.join("tensorboard"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    ] {
        let events = read_event_file(&path).unwrap();
        let losses: Vec<(i64, f32)> = events
            .iter()
            .flat_map(|e| e.values.iter().map(move |(t, v)| (e.step, t, v)))
            .filter_map(|(s, t, v)| match v {
                TensorBoardValue::Scalar(x) if t == "loss" => Some((s, *x)),
                _ => None,
            })
            .collect();
        assert_eq!(losses, [(0, 4.0), (1, 3.0), (2, 2.0), (3, 1.0)]);
        assert!(events.iter().any(|e| matches!(e.values.first(), Some((t, TensorBoardValue::Image { .. })) if t == "picture")));
    }
    let Some(json) = tensorboard_reads(&[&dir.join("exported")]) else {
        return;
    };
    assert_eq!(
        json["events"]["scalars"]["loss"],
        serde_json::json!([[0, 4.0], [1, 3.0], [2, 2.0], [3, 1.0]])
    );
    assert!(json["events"]["texts"]["hparams"][0][1]
        .as_str()
        .unwrap()
        .contains("| lr | 0.1 |"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn decaying(name: &str, rate: f64, nan_at: Option<i64>) -> Run {
    let mut run = Run::in_memory(name).print_every(0);
    run.hparam("lr", rate).unwrap();
    for step in 0..100 {
        let noise = ((step * 7919) % 13) as f64 / 40.0;
        let loss = if Some(step) == nan_at {
            f64::NAN
        } else {
            (-(step as f64) * rate).exp() + noise
        };
        run.log("loss", step, loss).unwrap();
        run.log("accuracy", step, 1.0 - (-(step as f64) * rate).exp())
            .unwrap();
    }
    run
}

#[test]
fn curves_compare_runs_and_show_nan() {
    let slow = decaying("lr-0.01", 0.01, None);
    let fast = decaying("lr-0.05", 0.05, Some(50));
    let one = slow.curves().tags(["loss"]).figure().unwrap();
    assert_eq!((one.width(), one.height()), (640, 400));
    let both = Run::compare(&[&slow, &fast]).figure().unwrap();
    assert!(both.width() > 640, "two tags side by side: {both:?}");
    let fast_loss = fast.curves().tags(["loss"]).figure().unwrap();
    assert!(
        fast_loss.summary().contains("NaN"),
        "{}",
        fast_loss.summary()
    );
    if std::env::var_os("GLASSBOX_SAVE").is_some() {
        both.save("/tmp/glassbox-compare.png").unwrap();
        fast_loss.save("/tmp/glassbox-curves.png").unwrap();
    }
    let table = Run::hparams_table(&[&slow, &fast]);
    assert_eq!(table.headers(), ["run", "lr", "loss", "accuracy"]);
    assert_eq!(
        table.rows()[0][..2],
        ["lr-0.01".to_string(), "0.01".to_string()]
    );
    assert_eq!(
        table.rows()[1][3],
        glassbox_format(1.0 - (-99.0f64 * 0.05).exp())
    );
}

fn glassbox_format(v: f64) -> String {
    format!("{v:.4}")
}

#[test]
fn a_training_history_and_its_settings_fill_a_run() {
    use glassbox::{
        models::{EpochSummary, TrainHistory, TrainStep},
        Fit,
    };
    let steps = (0..6)
        .map(|step| TrainStep {
            step,
            epoch: step / 3,
            loss: 1.0 / (step + 1) as f32,
            accuracy: step as f32 / 6.0,
            lr: 0.01,
        })
        .collect();
    let epochs = (0..2)
        .map(|epoch| EpochSummary {
            epoch,
            loss: 0.5,
            train_accuracy: 0.5,
            test_accuracy: 0.9 + epoch as f32 / 20.0,
            seconds: 1.0,
        })
        .collect();
    let history = TrainHistory { steps, epochs };
    let mut run = Run::in_memory("mnist").print_every(0);
    run.hparams_of(&Fit {
        limit: Some(100),
        ..Fit::default()
    })
    .unwrap();
    run.log_history(&history).unwrap();
    assert_eq!(
        run.tags(),
        ["train/loss", "train/accuracy", "lr", "test/accuracy"]
    );
    assert_eq!(run.scalars("train/loss")[2], (2, f64::from(1.0f32 / 3.0)));
    assert_eq!(
        run.scalars("test/accuracy"),
        [(2, 0.9f32 as f64), (5, 0.95f32 as f64)]
    );
    let hp = run.hparams();
    assert_eq!(hp["limit"], glassbox::track::Hparam::Int(100));
    assert_eq!(hp["lr"], glassbox::track::Hparam::Float(5e-3));
    assert_eq!(hp["verbose"], glassbox::track::Hparam::Bool(true));
    assert!(run.hparams_of(&3).is_err());
}
