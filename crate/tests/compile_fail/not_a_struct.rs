#[derive(glassbox::Explain)]
#[explain(input = [1, 8, 8], classes = 2)]
enum Net {
    A,
}

fn main() {}
