//! PROJ-backed EPSG codes (feature `proj`).
//!
//! The bundled PROJ has no transformation grids and no network access, so
//! for EPSG:27700 it falls back to a Helmert-type OSGB36 -> WGS84 shift,
//! documented by EPSG as good to a few metres. That is why the comparison
//! with OSTN15 below allows 5 m, and why `Crs::BritishNationalGrid` never
//! uses PROJ.
#![cfg(feature = "proj")]

use equimap_crs::{Crs, CrsError, Direction, Transformer, distance_m_bng, from_wgs84, to_wgs84};

/// (postcode, Code-Point Open easting, northing, NSPL lat, lon) from
/// `shared/data/postcodes_leeds/leeds_postcodes_live.csv`.
const ROWS: [(&str, f64, f64, f64, f64); 3] = [
    ("BD10 0FE", 419_653.0, 437_767.0, 53.8358, -1.70285),
    ("LS11 8LH", 429_365.0, 431_422.0, 53.77832, -1.55587),
    ("LS22 6AA", 439_159.0, 448_157.0, 53.92808, -1.40513),
];

#[test]
fn proj_epsg_27700_is_within_5_m_of_ostn15_and_lon_lat_ordered() {
    let via_proj =
        Transformer::new(&Crs::Epsg(27700), Direction::ToWgs84).expect("PROJ knows 27700");
    for (postcode, e, n, _, _) in ROWS {
        let (lon, lat) = via_proj.convert(e, n).expect("PROJ converts");
        // new_known_crs normalises axis order: longitude first, even though
        // EPSG:4326 is officially latitude first.
        assert!((-2.0..-1.0).contains(&lon), "{postcode}: lon {lon}");
        assert!((53.0..55.0).contains(&lat), "{postcode}: lat {lat}");

        let (ostn_lon, ostn_lat) = to_wgs84(&Crs::BritishNationalGrid, e, n).expect("in grid");
        let a = from_wgs84(&Crs::BritishNationalGrid, lon, lat).expect("in grid");
        let b = from_wgs84(&Crs::BritishNationalGrid, ostn_lon, ostn_lat).expect("in grid");
        let gap = distance_m_bng(a, b);
        assert!(
            gap < 5.0,
            "{postcode}: PROJ (Helmert) is {gap} m from OSTN15"
        );
    }
}

#[test]
fn proj_epsg_27700_inverse_direction() {
    let (postcode, e, n, lat, lon) = ROWS[0];
    let (pe, pn) = from_wgs84(&Crs::Epsg(27700), lon, lat).expect("PROJ converts");
    let (oe, on) = from_wgs84(&Crs::BritishNationalGrid, lon, lat).expect("in grid");
    assert!(
        distance_m_bng((pe, pn), (oe, on)) < 5.0,
        "{postcode}: ({pe}, {pn})"
    );
    // And both within a few metres of Code-Point Open (5 dp NSPL + Helmert).
    assert!(distance_m_bng((pe, pn), (e, n)) < 6.0, "{postcode}");
}

/// Transverse Mercator forward projection by Krüger's series to n^4
/// (Karney 2011, eqs. 7-11), an independent check on PROJ's UTM. Accurate to
/// well under a millimetre within a few degrees of the central meridian.
fn utm_north(lon_deg: f64, lat_deg: f64, zone: u32) -> (f64, f64) {
    // WGS84 ellipsoid and the UTM scale factor.
    let semi_major = 6_378_137.0_f64;
    let flattening: f64 = 1.0 / 298.257_223_563;
    let k0 = 0.9996;
    let lon0 = (f64::from(zone) * 6.0 - 183.0).to_radians();
    let n = flattening / (2.0 - flattening);
    let ecc = (flattening * (2.0 - flattening)).sqrt();
    let rectifying_radius = semi_major / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
    let alpha = [
        n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0 + 41.0 * n.powi(4) / 180.0,
        13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0 + 557.0 * n.powi(4) / 1440.0,
        61.0 * n.powi(3) / 240.0 - 103.0 * n.powi(4) / 140.0,
        49_561.0 * n.powi(4) / 161_280.0,
    ];
    let lambda = lon_deg.to_radians() - lon0;
    let tau: f64 = lat_deg.to_radians().tan();
    let sigma: f64 = (ecc * (ecc * tau / (1.0 + tau * tau).sqrt()).atanh()).sinh();
    let tau_p = tau * (1.0 + sigma * sigma).sqrt() - sigma * (1.0 + tau * tau).sqrt();
    let xi_p = tau_p.atan2(lambda.cos());
    let eta_p = (lambda.sin() / (tau_p * tau_p + lambda.cos().powi(2)).sqrt()).asinh();
    let mut xi = xi_p;
    let mut eta = eta_p;
    for (j, alpha_j) in alpha.iter().enumerate() {
        let mult = 2.0 * (j as f64 + 1.0);
        xi += alpha_j * (mult * xi_p).sin() * (mult * eta_p).cosh();
        eta += alpha_j * (mult * xi_p).cos() * (mult * eta_p).sinh();
    }
    (
        500_000.0 + k0 * rectifying_radius * eta,
        k0 * rectifying_radius * xi,
    )
}

#[test]
fn proj_epsg_32630_utm_30n() {
    let utm = Crs::from_epsg(32630).expect("proj feature");
    assert_eq!(utm, Crs::Epsg(32630));

    // On the zone's central meridian (3° W) at the equator: the false origin.
    let (x, y) = from_wgs84(&utm, -3.0, 0.0).expect("PROJ converts");
    assert!((x - 500_000.0).abs() < 1e-6 && y.abs() < 1e-6, "({x}, {y})");

    // LS11 8LH (NSPL lat/lon) against the independent Krüger series.
    let (lon, lat) = (-1.55587, 53.77832);
    let (x, y) = from_wgs84(&utm, lon, lat).expect("PROJ converts");
    let (ex, ey) = utm_north(lon, lat, 30);
    assert!(
        (x - ex).abs() < 0.001 && (y - ey).abs() < 0.001,
        "PROJ ({x}, {y}) vs ({ex}, {ey})"
    );
    // East of the central meridian and about 5 960 km north of the equator.
    assert!(
        x > 500_000.0 && (5_900_000.0..6_000_000.0).contains(&y),
        "({x}, {y})"
    );

    // And back.
    let (lon2, lat2) = to_wgs84(&utm, x, y).expect("PROJ converts");
    assert!(
        (lon2 - lon).abs() < 1e-9 && (lat2 - lat).abs() < 1e-9,
        "({lon2}, {lat2})"
    );
}

#[test]
fn unknown_code_is_a_proj_error_not_a_panic() {
    let err = to_wgs84(&Crs::Epsg(999_999), 1.0, 2.0).expect_err("no such CRS");
    assert!(
        matches!(err, CrsError::Proj { code: 999_999, .. }),
        "{err:?}"
    );
}
