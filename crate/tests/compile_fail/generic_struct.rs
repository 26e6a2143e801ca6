use glassbox::models::Linear;

#[derive(glassbox::Explain, Clone, Debug)]
#[explain(input = [4, 1, 1], classes = 2)]
struct Net<E> {
    fc: Linear<4, 2>,
    marker: std::marker::PhantomData<E>,
}

fn main() {}
