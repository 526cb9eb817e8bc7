//! The planner's site parser must never panic, whatever bytes arrive.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = equimap_query::site::parse_site(data, None);
    let _ = equimap_query::site::parse_buffers(std::str::from_utf8(data).ok());
});
