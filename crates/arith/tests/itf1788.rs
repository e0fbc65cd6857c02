//! The IEEE 1788 test vectors of ITF1788 (`tests/data/itf1788/`): the `.itl` reader.

#[path = "itf1788/parse.rs"]
mod parse;

use parse::{Val, parse_file};
use reluflow_arith::{Bound, Rational};

fn q(n: i64, d: i64) -> Bound {
    Bound::Finite(Rational::from((n, d)))
}

#[test]
fn the_reader_reads_itl_syntax() {
    let text = "/* header; with { braces } */\n\
                testcase t { // comment\n\
                  add [1.0, 2.0] [-infinity, 3] = [entire];\n\
                  sqrt [empty] = [empty]\n  ;\n\
                  neg [0X1.99999A0000000P-4, 0x1921fb54442d18p-51]_com = [-0x33p-1,+8]_com;\n\
                  isEmpty [nai] = false;\n\
                  b-numsToInterval 1.0 NaN = [empty] signal UndefinedOperation;\n\
                }\n";
    let c = parse_file("t.itl", text);
    assert_eq!(c.len(), 5);
    assert_eq!((c[0].op.as_str(), c[0].line, c[0].decorated), ("add", 3, false));
    assert_eq!((c[0].file.as_str(), c[0].src.as_str()), ("t.itl", "add [1.0, 2.0] [-infinity, 3] = [entire];"));
    assert_eq!(c[0].args, [Val::Iv(Some((q(1, 1), q(2, 1)))), Val::Iv(Some((Bound::NegInf, q(3, 1))))]);
    assert_eq!(c[0].results, [Val::Iv(Some((Bound::NegInf, Bound::PosInf)))]);
    assert_eq!((c[1].line, &c[1].args[0]), (4, &Val::Iv(None)));
    let h = Rational::from(0x199999A0000000_i64) / (Rational::from(1) << 56);
    let pi = Rational::from(0x1921fb54442d18_i64) / (Rational::from(1) << 51);
    assert_eq!(c[2].args[0], Val::Iv(Some((Bound::Finite(h), Bound::Finite(pi)))));
    assert_eq!(c[2].results[0], Val::Iv(Some((q(-51, 2), q(8, 1)))));
    assert!(c[2].decorated && c[3].decorated && !c[4].decorated);
    assert_eq!(c[3].results, [Val::Bool(false)]);
    assert_eq!(c[4].args, [Val::Num(Some(q(1, 1))), Val::Num(None)]);
    assert_eq!(c[4].signal.as_deref(), Some("UndefinedOperation"));
}
