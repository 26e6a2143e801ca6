use glassbox::models::Linear;

#[derive(glassbox::Explain, Clone, Debug)]
#[explain(input = [4, 1, 1], classes = 2)]
struct Net {
    #[explain(activation = "relu")]
    fc: Linear<4, 2>,
}

fn main() {}
