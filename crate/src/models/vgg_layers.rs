//! The layer table shared by the VGG family: names, checkpoint keys, kinds and shapes derived
//! from a configuration (channels per block), in torchvision's `features` / `classifier` order.

use crate::models::LayerInfo;

/// One step of a VGG forward pass.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// 3×3 conv, pad 1, then ReLU; `index` is the torchvision `features` index.
    Conv {
        name: String,
        index: usize,
        cin: usize,
        cout: usize,
        block: usize,
    },
    /// 2×2 max-pool, stride 2.
    Pool {
        name: String,
        index: usize,
        block: usize,
        channels: usize,
    },
    /// Adaptive average pool to 7×7 (`avgpool`).
    AvgPool,
    /// Linear (+ ReLU for fc6, fc7); `index` is the torchvision `classifier` index.
    Fc {
        name: &'static str,
        index: usize,
        fin: usize,
        fout: usize,
    },
}

/// Where a layer name taps a step: its output (after the ReLU where it has one; the short
/// names and torchvision's ReLU names), or between its linear part and its ReLU
/// (torchvision's conv / linear names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tap {
    /// The step's output.
    Output,
    /// The convolution's (or linear layer's) output, before the step's ReLU.
    BeforeRelu,
}

/// The steps of a VGG with `blocks[b]` = output channels of the convs of block `b + 1`.
pub(crate) fn steps(blocks: &[&[usize]]) -> Vec<Step> {
    let mut out = Vec::new();
    let (mut index, mut cin) = (0, 3);
    for (b, convs) in blocks.iter().enumerate() {
        for (j, &cout) in convs.iter().enumerate() {
            out.push(Step::Conv {
                name: format!("conv{}_{}", b + 1, j + 1),
                index,
                cin,
                cout,
                block: b + 1,
            });
            index += 2; // conv, ReLU
            cin = cout;
        }
        out.push(Step::Pool {
            name: format!("pool{}", b + 1),
            index,
            block: b + 1,
            channels: cin,
        });
        index += 1;
    }
    out.push(Step::AvgPool);
    out.push(Step::Fc {
        name: "fc6",
        index: 0,
        fin: 512 * 7 * 7,
        fout: 4096,
    });
    out.push(Step::Fc {
        name: "fc7",
        index: 3,
        fin: 4096,
        fout: 4096,
    });
    out.push(Step::Fc {
        name: "fc8",
        index: 6,
        fin: 4096,
        fout: 1000,
    });
    out
}

impl Step {
    pub(crate) fn name(&self) -> &str {
        match self {
            Step::Conv { name, .. } | Step::Pool { name, .. } => name,
            Step::AvgPool => "avgpool",
            Step::Fc { name, .. } => name,
        }
    }

    /// What torchvision module name `key` means at this step, as in torchvision: for a conv,
    /// `features.N` is the convolution *before* its ReLU and `features.N+1` the ReLU (this
    /// step's fused output); for a pool `features.N`; for fc6 / fc7 `classifier.N` is the
    /// linear layer before its ReLU, `classifier.N+1` the ReLU and `classifier.N+2` the dropout
    /// (the identity here); fc8 is `classifier.6`. `None` if `key` is not this step's.
    pub(crate) fn tap_for_key(&self, key: &str) -> Option<Tap> {
        let parse = |prefix: &str| {
            key.strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
        };
        let (n, index, has_relu) = match *self {
            Step::Conv { index, .. } => (parse("features.")?, index, true),
            Step::Pool { index, .. } => (parse("features.")?, index, false),
            Step::AvgPool => return None,
            Step::Fc { index, name, .. } => (parse("classifier.")?, index, name != "fc8"),
        };
        let last = if has_relu && matches!(self, Step::Fc { .. }) {
            index + 2
        } else {
            index + usize::from(has_relu)
        };
        if n < index || n > last {
            return None;
        }
        Some(if has_relu && n == index {
            Tap::BeforeRelu
        } else {
            Tap::Output
        })
    }

    /// Describes the step for [`crate::Explain::layers`] at a 224×224 input.
    pub(crate) fn info(&self) -> LayerInfo {
        let side = |block: usize, pooled: bool| 224 >> (block - 1 + usize::from(pooled));
        let (key, kind, group, out_shape, params) = match *self {
            Step::Conv {
                index,
                cin,
                cout,
                block,
                ..
            } => (
                Some(format!("features.{index}")),
                format!("Conv2d 3×3, {cin}→{cout}, pad 1 + ReLU"),
                format!("block{block}"),
                [cout, side(block, false), side(block, false)],
                cout * cin * 9 + cout,
            ),
            Step::Pool {
                index,
                block,
                channels,
                ..
            } => (
                Some(format!("features.{index}")),
                "MaxPool 2×2".to_string(),
                format!("block{block}"),
                [channels, side(block, true), side(block, true)],
                0,
            ),
            Step::AvgPool => (
                None,
                "AdaptiveAvgPool 7×7".into(),
                "classifier".into(),
                [512, 7, 7],
                0,
            ),
            Step::Fc {
                name,
                index,
                fin,
                fout,
            } => (
                Some(format!("classifier.{index}")),
                format!(
                    "Linear {fin}→{fout}{}",
                    if name == "fc8" {
                        ""
                    } else {
                        " + ReLU (+ Dropout)"
                    }
                ),
                "classifier".into(),
                [fout, 1, 1],
                fin * fout + fout,
            ),
        };
        LayerInfo {
            name: self.name().into(),
            key,
            kind,
            group: Some(group),
            out_shape,
            params,
        }
    }
}

/// timm's `vgg*.tv_in1k` names for the classifier (fc6 and fc7 stored as convolutions).
pub(crate) const TIMM_ALIASES: &[(&str, &str)] = &[
    ("classifier.0.", "pre_logits.fc1."),
    ("classifier.3.", "pre_logits.fc2."),
    ("classifier.6.", "head.fc."),
];

/// Renames a torchvision key (and shape) to timm's layout.
pub(crate) fn timm_key(key: &str, shape: &[usize]) -> (String, Vec<usize>) {
    for (from, to) in TIMM_ALIASES {
        if let Some(rest) = key.strip_prefix(from) {
            let shape = match (*from, rest) {
                ("classifier.0.", "weight") => vec![shape[0], 512, 7, 7],
                ("classifier.3.", "weight") => vec![shape[0], shape[1], 1, 1],
                _ => shape.to_vec(),
            };
            return (format!("{to}{rest}"), shape);
        }
    }
    (key.to_string(), shape.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vgg16_table_follows_torchvision() {
        let s = steps(&[
            &[64, 64],
            &[128, 128],
            &[256, 256, 256],
            &[512, 512, 512],
            &[512, 512, 512],
        ]);
        let conv_index: Vec<usize> = s
            .iter()
            .filter_map(|s| {
                if let Step::Conv { index, .. } = s {
                    Some(*index)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(conv_index, [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]);
        let pools: Vec<usize> = s
            .iter()
            .filter_map(|s| {
                if let Step::Pool { index, .. } = s {
                    Some(*index)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(pools, [4, 9, 16, 23, 30]);
        let total: usize = s.iter().map(|s| s.info().params).sum();
        assert_eq!(total, 138_357_544);
        let count =
            |blocks: &[&[usize]]| steps(blocks).iter().map(|s| s.info().params).sum::<usize>();
        assert_eq!(
            count(&[&[64], &[128], &[256, 256], &[512, 512], &[512, 512]]),
            132_863_336
        );
        assert_eq!(
            count(&[
                &[64, 64],
                &[128, 128],
                &[256, 256],
                &[512, 512],
                &[512, 512]
            ]),
            133_047_848
        );
        let e = [512usize; 4];
        assert_eq!(
            count(&[&[64, 64], &[128, 128], &[256; 4], &e, &e]),
            143_667_240
        );
        let conv5_3 = s.iter().find(|s| s.name() == "conv5_3").unwrap().info();
        assert_eq!(
            (conv5_3.out_shape, conv5_3.key.as_deref()),
            ([512, 14, 14], Some("features.28"))
        );
        let tap = |name: &str, key: &str| {
            s.iter()
                .find(|s| s.name() == name)
                .unwrap()
                .tap_for_key(key)
        };
        assert_eq!(tap("conv5_3", "features.28"), Some(Tap::BeforeRelu));
        assert_eq!(tap("conv5_3", "features.29"), Some(Tap::Output));
        assert_eq!(tap("conv5_3", "features.30"), None);
        assert_eq!(tap("pool5", "features.30"), Some(Tap::Output));
        assert_eq!(tap("pool5", "features.31"), None);
        assert_eq!(tap("fc6", "classifier.0"), Some(Tap::BeforeRelu));
        assert_eq!(tap("fc6", "classifier.1"), Some(Tap::Output));
        assert_eq!(tap("fc6", "classifier.2"), Some(Tap::Output));
        assert_eq!(tap("fc7", "classifier.2"), None);
        assert_eq!(tap("fc8", "classifier.6"), Some(Tap::Output));
        assert_eq!(tap("fc8", "classifier.7"), None);
        assert_eq!(tap("conv1_1", "features.x"), None);
        assert_eq!(
            timm_key("classifier.0.weight", &[4096, 25088]),
            ("pre_logits.fc1.weight".into(), vec![4096, 512, 7, 7])
        );
        assert_eq!(
            timm_key("classifier.6.bias", &[1000]),
            ("head.fc.bias".into(), vec![1000])
        );
        assert_eq!(
            timm_key("features.0.bias", &[64]),
            ("features.0.bias".into(), vec![64])
        );
    }
}
