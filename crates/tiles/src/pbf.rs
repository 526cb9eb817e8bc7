//! The few protobuf primitives MVT needs, written by hand: varints, zigzag,
//! length-delimited fields, packed `uint32` arrays and geometry commands.

use crate::PropValue;

/// Wire type of varint fields.
pub(crate) const VARINT: u32 = 0;
/// Wire type of 64-bit fields.
pub(crate) const FIXED64: u32 = 1;
/// Wire type of length-delimited fields.
pub(crate) const LEN: u32 = 2;

/// Geometry command ids (MVT 2.1 §4.3.3).
pub(crate) const MOVE_TO: u32 = 1;
pub(crate) const LINE_TO: u32 = 2;
pub(crate) const CLOSE_PATH: u32 = 7;

/// Appends `v` as a base-128 varint.
#[inline]
pub(crate) fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Number of bytes [`write_varint`] writes for `v`.
#[inline]
pub(crate) fn varint_len(v: u64) -> usize {
    // 1 byte per started group of 7 bits; v = 0 still takes one byte.
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Appends a field key.
#[inline]
pub(crate) fn write_key(out: &mut Vec<u8>, field: u32, wire: u32) {
    write_varint(out, u64::from((field << 3) | wire));
}

/// Appends a length-delimited field (string, bytes or embedded message).
pub(crate) fn write_bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    write_key(out, field, LEN);
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a varint field.
pub(crate) fn write_varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    write_key(out, field, VARINT);
    write_varint(out, v);
}

/// Encoded size of a packed `uint32` array's payload.
#[inline]
pub(crate) fn packed_len(values: &[u32]) -> usize {
    values.iter().map(|&v| varint_len(u64::from(v))).sum()
}

/// Appends a packed `repeated uint32` field whose payload size is known.
pub(crate) fn write_packed(out: &mut Vec<u8>, field: u32, values: &[u32], payload_len: usize) {
    write_key(out, field, LEN);
    write_varint(out, payload_len as u64);
    for &v in values {
        write_varint(out, u64::from(v));
    }
}

/// Zigzag-encodes a geometry parameter (MVT 2.1 §4.3.2).
#[inline]
pub(crate) fn zigzag32(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// Zigzag-encodes a 64-bit signed integer (`sint64`).
#[inline]
pub(crate) fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// A command integer: id in the low 3 bits, repeat count above.
#[inline]
pub(crate) fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// The body of a `Tile.Value` message for `value`.
pub(crate) fn encode_value(value: &PropValue) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        PropValue::String(s) => write_bytes_field(&mut out, 1, s.as_bytes()),
        PropValue::Double(d) => {
            write_key(&mut out, 3, FIXED64);
            out.extend_from_slice(&d.to_le_bytes());
        }
        PropValue::UInt(u) => write_varint_field(&mut out, 5, *u),
        PropValue::Int(i) => write_varint_field(&mut out, 6, zigzag64(*i)),
        PropValue::Bool(b) => write_varint_field(&mut out, 7, u64::from(*b)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            assert_eq!(out.len(), varint_len(v), "{v}");
        }
        let mut out = Vec::new();
        write_varint(&mut out, 300);
        assert_eq!(out, [0xAC, 0x02]);
    }

    #[test]
    fn zigzag_and_commands_match_spec_examples() {
        // MVT 2.1 §4.3.2 and §4.3.5.1: point (25, 17) is [9, 50, 34].
        assert_eq!(command(MOVE_TO, 1), 9);
        assert_eq!(zigzag32(25), 50);
        assert_eq!(zigzag32(17), 34);
        assert_eq!(zigzag32(-1), 1);
        assert_eq!(zigzag32(-3), 5);
        assert_eq!(command(CLOSE_PATH, 1), 15);
        assert_eq!(command(LINE_TO, 2), 18);
        assert_eq!(zigzag64(-87_948), 175_895);
    }
}
