//! Interval parser: never panics; an accepted interval is non-empty, contains its inclusive
//! bounds, and its Display form (`[lo; hi)`) parses back to the same interval.
#![no_main]

use bagalau_methodology::load::parse_interval;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(i) = parse_interval(text) else {
        return;
    };
    assert!(i.lo <= i.hi, "{text:?}: lo > hi");
    assert!(
        i.lo < i.hi || (i.lo_inclusive && i.hi_inclusive),
        "{text:?}: empty interval accepted"
    );
    assert_eq!(i.contains(i.lo), i.lo_inclusive, "{text:?}: contains(lo)");
    assert_eq!(i.contains(i.hi), i.hi_inclusive, "{text:?}: contains(hi)");
    let printed = i.to_string();
    let again = parse_interval(&printed)
        .unwrap_or_else(|| panic!("{text:?} printed as {printed:?} does not parse again"));
    assert_eq!(
        again, i,
        "{text:?} printed as {printed:?} parses to a different interval"
    );
});
