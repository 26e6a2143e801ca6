use glassbox::models::Linear;

#[derive(glassbox::Explain, Clone, Debug)]
struct Net {
    fc: Linear<4, 2>,
}

fn main() {}
