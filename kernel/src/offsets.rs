//! Jupyter counts cursor positions in Unicode code points (protocol 5.2+); evcxr in bytes.

/// The byte offset of code point `n` (the end of `code` past the last one).
pub fn byte_offset(code: &str, n: usize) -> usize {
    code.char_indices().nth(n).map_or(code.len(), |(i, _)| i)
}

/// The code point index of byte offset `byte` (rounded down to a character boundary).
pub fn char_offset(code: &str, byte: usize) -> usize {
    code.char_indices().take_while(|(i, _)| *i < byte).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_over_multibyte_text() {
        let code = "let é = \"→\";";
        for n in 0..=code.chars().count() {
            assert_eq!(char_offset(code, byte_offset(code, n)), n);
        }
        assert_eq!(byte_offset(code, 5), 6);
        assert_eq!(byte_offset(code, 999), code.len());
    }
}
