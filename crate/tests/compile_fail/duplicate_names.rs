use glassbox::models::{Linear, Relu};

#[derive(glassbox::Explain, Clone, Debug)]
#[explain(input = [4, 1, 1], classes = 2)]
struct Net {
    fc: Linear<4, 2>,
    #[explain(name = "fc")]
    relu: Relu,
}

fn main() {}
