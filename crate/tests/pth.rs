//! PyTorch `.pth` state dicts: fixtures written by `torch.save` (see
//! `fixtures/models/gen_pth.py`) read exactly like their safetensors twins, hostile pickles are
//! refused, and damaged files are errors, never panics.

use glassbox::{models::Checkpoint, ErrorKind, Explain, MnistNet};
use rand::{Rng, SeedableRng};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/models/pth");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

fn open(name: &str) -> Checkpoint {
    Checkpoint::open(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_reads_bit_exact_like_its_safetensors_twin() {
    for dtype in ["f32", "f16", "bf16"] {
        let twin = open(&format!("tiny_{dtype}.safetensors"));
        for format in ["", "_legacy"] {
            let name = format!("tiny_{dtype}{format}.pth");
            let pth = open(&name);
            assert_eq!(pth.keys(), twin.keys(), "{name}");
            assert_eq!(pth.keys().len(), 13, "{name}");
            for key in twin.keys() {
                assert_eq!(pth.shape(key), twin.shape(key), "{name} {key}");
                match (pth.tensor(key), twin.tensor(key)) {
                    (Ok(a), Ok(b)) => {
                        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&a), bits(&b), "{name} {key}");
                    }
                    // BatchNorm's int64 step counter is listed but not a weight.
                    (Err(a), Err(b)) => {
                        assert_eq!(key, "features.2.num_batches_tracked");
                        for e in [a, b] {
                            assert!(e.to_string().contains("has dtype I64"), "{e}");
                        }
                    }
                    (a, b) => panic!("{name} {key}: {a:?} vs {b:?}"),
                }
            }
            // The views gen_pth.py made on purpose: a transpose, an offset slice, a shared storage.
            assert_eq!(pth.shape("classifier.0.weight"), Some(&[5, 8][..]));
            assert_eq!(pth.shape("classifier.2.bias"), Some(&[2][..]));
        }
    }
}

#[test]
fn a_pth_loads_into_a_model_like_the_shipped_safetensors() {
    let from_pth = MnistNet::load(format!("{DIR}/mnist_net.pth")).unwrap();
    let shipped = MnistNet::pretrained().unwrap();
    let x = glassbox::data::mnist().unwrap().test.images(0..3).unwrap();
    let a = from_pth.forward(x.clone()).unwrap().as_vec();
    let b = shipped.forward(x).unwrap().as_vec();
    assert_eq!(a, b);
}

#[test]
fn pickles_naming_foreign_globals_are_refused_without_running_them() {
    // gen_pth.py pickled `os.system("touch …")` and `eval("open(…, 'w')")` creating this file.
    let marker = std::path::Path::new("/tmp/glassbox-pwned");
    std::fs::remove_file(marker).ok();
    for (name, global) in [
        ("malicious.pth", "`posix.system`"),
        ("malicious_legacy.pth", "`__builtin__.eval`"),
    ] {
        let e = Checkpoint::open(format!("{DIR}/{name}")).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Format { .. }), "{e}");
        let message = e.to_string();
        assert!(message.contains(global), "{message}");
        assert!(message.contains("does not run code"), "{message}");
        assert!(message.contains(name), "{message}");
    }
    assert!(!marker.exists());
}

#[test]
fn truncated_and_garbage_files_are_clear_errors() {
    for name in ["tiny_f32.pth", "tiny_f32_legacy.pth", "mnist_net.pth"] {
        let bytes = fixture(name);
        for keep in [10, 100, bytes.len() / 2, bytes.len() - 1] {
            let e = Checkpoint::from_bytes(bytes[..keep].to_vec(), name).unwrap_err();
            let message = e.to_string();
            assert!(matches!(e.kind(), ErrorKind::Format { .. }), "{message}");
            assert!(
                message.starts_with(&format!("`{name}` is not usable")),
                "{message}"
            );
            assert!(
                message.contains("truncated") || message.contains("damaged"),
                "{name} cut to {keep}: {message}"
            );
        }
    }
    let e = Checkpoint::from_bytes(b"PK\x03\x04 not really a zip".to_vec(), "x.pth").unwrap_err();
    assert!(e.to_string().contains("not a readable zip archive"), "{e}");
    let e = Checkpoint::from_bytes(vec![0xAB; 64], "noise.bin").unwrap_err();
    assert!(
        e.to_string()
            .contains("neither a safetensors file nor a PyTorch .pth"),
        "{e}"
    );
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(18);
    let mut loaded = 0;
    for name in [
        "tiny_f16_legacy.pth",
        "tiny_bf16.pth",
        "malicious_legacy.pth",
    ] {
        let original = fixture(name);
        for _ in 0..2000 {
            let mut bytes = original.clone();
            for _ in 0..rng.gen_range(1..=4) {
                let at = rng.gen_range(0..bytes.len());
                bytes[at] = match rng.gen_range(0..3) {
                    0 => rng.gen(),
                    1 => bytes[at] ^ (1 << rng.gen_range(0..8)),
                    _ => [0, 0xff, b'(', b'.', b'R', b'h'][rng.gen_range(0..6)],
                };
            }
            if rng.gen_bool(0.1) {
                bytes.truncate(rng.gen_range(0..bytes.len()));
            }
            if let Ok(checkpoint) = Checkpoint::from_bytes(bytes, name) {
                loaded += 1;
                for key in checkpoint.keys() {
                    let _ = checkpoint.tensor(key);
                }
            }
        }
    }
    // Mutations in tensor data still load; the count pins that the loop reached the parser.
    assert!(loaded > 100, "{loaded}");
}
