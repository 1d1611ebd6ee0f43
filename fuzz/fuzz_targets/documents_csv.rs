//! The document inputs (facts of a reconciliation act, objections): read or refused with a
//! message naming the line — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bagalau_report::act::read_facts_from(data, "facts.csv");
    let _ = bagalau_report::disagreement::read_objections_from(data, "objections.csv");
});
