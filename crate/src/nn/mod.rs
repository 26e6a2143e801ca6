//! Convolution and pooling for dfdx 0.13 on stable Rust, as differentiable dfdx ops; typed layers.
