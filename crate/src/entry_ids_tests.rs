//! Every public entry that makes dfdx tensors goes through the id guard first
//! (`nn::tensor_ids`): with the shared mark moved as another evcxr cell would move it, the
//! tensors an entry makes — and the ones it returns — lie above the mark.

use crate::nn::tensor_ids::tests::{another_cell_used, serial};
use crate::nn::tensor_ids::{id_of, next_id};
use crate::{
    inspect::{FeatureMaps, Filters},
    testing, Explain, GradCam, MnistNet, Saliency, Target,
};

/// Runs `entry` after another cell has moved the mark; the counter must have passed the mark.
fn syncs(name: &str, entry: impl FnOnce()) {
    let mark = another_cell_used(50_000);
    entry();
    assert!(
        next_id() >= mark,
        "{name} did not sync: next id {} < mark {mark}",
        next_id()
    );
}

#[test]
fn tensors_returned_by_constructors_lie_above_the_mark() {
    let _serial = serial();
    let mark = another_cell_used(50_000);
    let net = MnistNet::new(0);
    assert!(
        id_of(&net.fc.weight) >= mark,
        "MnistNet::new made ids below the mark"
    );
    let mark = another_cell_used(50_000);
    let x = crate::data::mnist().unwrap().test.images(0..2).unwrap();
    assert!(
        id_of(&x) >= mark,
        "MnistSplit::images made ids below the mark"
    );
    let mark = another_cell_used(50_000);
    let x = testing::random_input([1, 1, 6, 6], 3);
    assert!(
        id_of(&x) >= mark,
        "testing::random_input made ids below the mark"
    );
}

#[test]
fn every_entry_syncs() {
    let _serial = serial();
    let net = testing::gap_net();
    let x = testing::random_input([1, 1, 6, 6], 1);
    syncs("MnistNet::pretrained", || {
        drop(MnistNet::pretrained().unwrap())
    });
    syncs("Explain::forward", || drop(net.forward(x.clone()).unwrap()));
    syncs("Saliency", || {
        Saliency::new(&net).explain(&x, Target::Predicted).unwrap();
    });
    syncs("GradCam", || {
        GradCam::new(&net, "relu")
            .explain(&x, Target::Predicted)
            .unwrap();
    });
    syncs("Filters::new", || drop(Filters::new(&net, "conv").unwrap()));
    syncs("FeatureMaps::new", || {
        drop(FeatureMaps::new(&net, &x, "relu").unwrap())
    });
    syncs("summary", || drop(crate::inspect::summary(&net)));
    syncs("Preprocess::apply", || {
        let img = image::RgbImage::new(40, 30);
        drop(crate::data::Preprocess::default().apply(&img).unwrap());
    });
}

#[test]
fn gradients_stay_right_when_another_cell_reused_the_ids() {
    let _serial = serial();
    // A model from "an earlier cell", then a mark far above its ids: a later cell's copy of
    // dfdx would hand out the model's ids again if the guard did not skip past them.
    let net = MnistNet::new(1);
    let x = crate::data::mnist().unwrap().test.images(0..1).unwrap();
    let before = Saliency::new(&net).explain(&x, Target::Class(3)).unwrap();
    another_cell_used(1_000_000);
    let after = Saliency::new(&net).explain(&x, Target::Class(3)).unwrap();
    assert_eq!(before.values(), after.values());
}
