//! Data shipped inside the crate — nothing is downloaded at run time.
//!
//! - [`mnist()`]: 10,000 real MNIST digits with a fixed train/test split.
//! - [`photo()`]: CC0 photos (a cat, a coffee cup) for ImageNet model demos.
//! - [`imagenet_class`] / [`Preprocess`]: the 1000 ImageNet class names and torchvision's
//!   evaluation preprocessing (resize 256, centre crop 224, normalise).
//! - [`tabular::credit_risk`] / [`tabular::breast_cancer`]: tabular data for rule extraction (synthetic with planted
//!   rules, and scikit-learn's breast-cancer set).

mod imagenet;
mod mnist;
mod photo;
mod pictures;
pub mod tabular;

pub use imagenet::{imagenet_class, imagenet_classes, Preprocess, IMAGENET_MEAN, IMAGENET_STD};
pub use mnist::{mnist, Mnist, MnistSplit, MNIST_SIDE};
pub use photo::{photo, Photo, RgbImage};
