//! The indicator CSV loader must never panic, whatever bytes arrive.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = equimap_atlas::IndicatorTable::from_reader(
        equimap_atlas::Geography::Lsoa21,
        data,
        std::path::Path::new("fuzz.csv"),
    );
});
