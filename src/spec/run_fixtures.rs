//! Problem files shared by the tests of the `[run]` keys: a two-layer and a single-neuron
//! problem that end with their `[run]` table, so a test appends the key it checks.

use super::parse;

pub(super) const TWO_LAYER: &str = r#"
model = "two-layer"
[data]
x = [[1, 0], [1, 1], [2, 1]]
teacher = [1, "1/2"]
[init]
scale = "0.1"
z = [[1, 0], [0, 1]]
s = [1, 1]
[run]
t_end = "3/2"
arithmetic = "interval"
"#;

pub(super) const SINGLE: &str = r#"
model = "single-neuron"
[data]
x = [[3, -1], [4, 2]]
y = [16, 18]
[init]
w = [0, 0]
[run]
t_end = "inf"
arithmetic = "interval"
"#;

pub(super) fn refused(src: &str) -> String {
    parse("bad.toml", src).expect_err("should be refused").to_string()
}
