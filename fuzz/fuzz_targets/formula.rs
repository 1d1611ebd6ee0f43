//! Formula parser: never panics; a parsed formula prints to text that parses again and prints
//! identically (Display is a fixed point after one round).
#![no_main]

use bagalau_methodology::expr::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = parse(text) else {
        return;
    };
    let printed = expr.to_string();
    let again = match parse(&printed) {
        Ok(e) => e,
        Err(e) => panic!("printed formula does not parse again\n input:   {text:?}\n printed: {printed:?}\n error:   {e}"),
    };
    let reprinted = again.to_string();
    assert_eq!(
        printed, reprinted,
        "printing is not stable for input {text:?}"
    );
});
