//! Bad `#[derive(Explain)]` input is a compile error that says what to write instead
//! (the expected messages are the `.stderr` files beside each case).

#[test]
fn bad_derive_input_is_a_clear_compile_error() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
