//! Web Mercator, CRS naming, detection, errors and geometry helpers.

use equimap_crs::{
    Crs, CrsError, Direction, HALF_WORLD_M, Transformer, area_m2_wgs84, detect_crs, distance_m_bng,
    from_wgs84, geometry_to_bng, to_wgs84, transform_geometry_to_wgs84,
};
use geo::{Coord, Geometry, LineString, Point, Polygon, coord};

const BNG: Crs = Crs::BritishNationalGrid;

#[test]
fn web_mercator_known_values() {
    let (x, y) = from_wgs84(&Crs::WebMercator, 0.0, 0.0).expect("valid");
    assert!(x.abs() < 1e-9 && y.abs() < 1e-9, "({x}, {y})");

    // π × 6378137, the published EPSG:3857 bound.
    let (x, _) = from_wgs84(&Crs::WebMercator, 180.0, 0.0).expect("valid");
    assert!((x - 20_037_508.342_789_244).abs() < 1e-6, "x {x}");
    assert!((HALF_WORLD_M - 20_037_508.342_789_244).abs() < 1e-6);
    let (x, _) = from_wgs84(&Crs::WebMercator, -180.0, 0.0).expect("valid");
    assert!((x + 20_037_508.342_789_244).abs() < 1e-6, "x {x}");

    // The clamping latitude maps to the top edge of the square world.
    let (_, y) = from_wgs84(&Crs::WebMercator, 0.0, 85.051_128_779_8).expect("valid");
    assert!((y - 20_037_508.342_789_244).abs() < 0.01, "y {y}");
    let (_, y) = from_wgs84(&Crs::WebMercator, 0.0, -90.0).expect("clamped");
    assert!((y + 20_037_508.342_789_244).abs() < 0.01, "y {y}");

    // The south-west corner of slippy-map tile z=6 x=31 y=21 is -5.625° E
    // and x = -π·R/32, y = π·R·11/32; lonlat_bng's own test gives the same
    // corner as (-5.625, 52.48278022732355) (with a rounded π·R).
    let (lon, lat) = to_wgs84(
        &Crs::WebMercator,
        -HALF_WORLD_M / 32.0,
        HALF_WORLD_M * 11.0 / 32.0,
    )
    .expect("valid");
    assert!((lon + 5.625).abs() < 1e-12, "lon {lon}");
    assert!((lat - 52.482_780_227_323_55).abs() < 1e-7, "lat {lat}");
}

#[test]
fn web_mercator_round_trip_in_leeds() {
    // LS11 8LH's NSPL position.
    let (x, y) = from_wgs84(&Crs::WebMercator, -1.55587, 53.77832).expect("valid");
    let (lon, lat) = to_wgs84(&Crs::WebMercator, x, y).expect("valid");
    assert!((lon + 1.55587).abs() < 1e-10 && (lat - 53.77832).abs() < 1e-10);
}

#[test]
fn from_epsg_maps_known_codes() {
    assert_eq!(Crs::from_epsg(4326).expect("known"), Crs::Wgs84);
    assert_eq!(Crs::from_epsg(4258).expect("known"), Crs::Wgs84);
    assert_eq!(Crs::from_epsg(27700).expect("known"), BNG);
    assert_eq!(Crs::from_epsg(3857).expect("known"), Crs::WebMercator);
    assert_eq!(Crs::from_epsg(900_913).expect("known"), Crs::WebMercator);
    assert_eq!(Crs::Wgs84.epsg(), 4326);
    assert_eq!(BNG.epsg(), 27700);
    assert_eq!(Crs::WebMercator.epsg(), 3857);
    assert_eq!(BNG.to_string(), "EPSG:27700 (British National Grid)");
}

#[cfg(not(feature = "proj"))]
#[test]
fn unknown_epsg_is_unsupported_without_proj() {
    let err = Crs::from_epsg(32630).expect_err("needs PROJ");
    assert!(
        matches!(err, CrsError::Unsupported { code: 32630 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("`proj` feature"), "{err}");
}

#[cfg(feature = "proj")]
#[test]
fn unknown_epsg_goes_to_proj_with_feature() {
    assert_eq!(Crs::from_epsg(32630).expect("any code"), Crs::Epsg(32630));
    assert_eq!(Crs::Epsg(32630).epsg(), 32630);
}

#[test]
fn from_name_parses_geojson_crs_names() {
    for (name, expected) in [
        ("EPSG:27700", BNG),
        ("epsg:27700", BNG),
        ("  EPSG:4326 ", Crs::Wgs84),
        ("27700", BNG),
        ("urn:ogc:def:crs:EPSG::27700", BNG),
        ("urn:ogc:def:crs:EPSG:6.6:27700", BNG),
        ("urn:x-ogc:def:crs:EPSG:27700", BNG),
        ("urn:ogc:def:crs:EPSG::4326", Crs::Wgs84),
        ("urn:ogc:def:crs:EPSG::3857", Crs::WebMercator),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
        ("urn:ogc:def:crs:OGC::CRS84", Crs::Wgs84),
        ("OGC:CRS84", Crs::Wgs84),
        ("CRS:84", Crs::Wgs84),
        ("CRS84", Crs::Wgs84),
        ("http://www.opengis.net/def/crs/EPSG/0/27700", BNG),
        (
            "https://www.opengis.net/def/crs/EPSG/0/3857",
            Crs::WebMercator,
        ),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", Crs::Wgs84),
    ] {
        assert_eq!(Crs::from_name(name).expect(name), expected, "{name}");
        assert_eq!(name.parse::<Crs>().expect(name), expected, "{name}");
    }
    for bad in [
        "",
        "EPSG:",
        "EPSG:abc",
        "ESRI:102100x",
        "urn:ogc:def:crs:OGC:1.3:CRS83",
        "http://www.opengis.net/def/crs/EPSG/27700",
        "WGS 84",
    ] {
        let err = Crs::from_name(bad).expect_err(bad);
        assert!(
            matches!(err, CrsError::UnrecognisedName { .. }),
            "{bad:?}: {err:?}"
        );
    }
}

#[test]
fn detects_wgs84() {
    // NSPL positions of BD10 0FE and LS22 6AA.
    let detected =
        detect_crs([(-1.70285, 53.8358), (-1.40513, 53.92808)].into_iter()).expect("degrees");
    assert_eq!(detected.crs, Crs::Wgs84);
    assert!(
        detected.reason.contains("-1.70285..-1.40513"),
        "{}",
        detected.reason
    );
}

#[test]
fn detects_bng() {
    // Code-Point Open grid references of BD10 0FE and LS22 6AA.
    let detected =
        detect_crs([(419_653.0, 437_767.0), (439_159.0, 448_157.0)].into_iter()).expect("metres");
    assert_eq!(detected.crs, BNG);
    assert!(
        detected.reason.contains("419653..439159"),
        "{}",
        detected.reason
    );
}

#[test]
fn garbage_is_undetectable_with_ranges_in_message() {
    // Web Mercator metres (y far beyond the BNG extent) and negative metres.
    for coords in [
        vec![(-173_198.0, 7_130_000.0)],
        vec![(-5_000.0, 400_000.0), (400_000.0, 400_000.0)],
        vec![(1e12, 1e12)],
    ] {
        let err = detect_crs(coords.iter().copied()).expect_err("garbage");
        assert!(matches!(err, CrsError::Undetectable { .. }), "{err:?}");
        let message = err.to_string();
        let (x, y) = coords[0];
        assert!(message.contains(&x.to_string()), "{message}");
        assert!(message.contains(&y.to_string()), "{message}");
    }
}

#[test]
fn outside_grid_is_a_clear_error() {
    let err = from_wgs84(&BNG, 10.0, 10.0).expect_err("Nigeria is not in GB");
    assert!(matches!(err, CrsError::OutsideGrid { .. }), "{err:?}");
    assert!(err.to_string().contains("outside the OSTN15 grid"), "{err}");

    // Within the WGS84 range but well outside Great Britain.
    let err = from_wgs84(&BNG, -74.0, 40.7).expect_err("New York");
    assert!(matches!(err, CrsError::OutsideGrid { .. }), "{err:?}");

    // BNG coordinates beyond the grid rectangle.
    let err = to_wgs84(&BNG, 900_000.0, 100_000.0).expect_err("east of grid");
    assert!(matches!(err, CrsError::OutsideGrid { .. }), "{err:?}");

    // Invalid degrees are reported as such, NaN as non-finite.
    assert!(matches!(
        from_wgs84(&BNG, 200.0, 53.0),
        Err(CrsError::OutOfRange { .. })
    ));
    assert!(matches!(
        to_wgs84(&Crs::Wgs84, -1.5, 95.0),
        Err(CrsError::OutOfRange { .. })
    ));
    assert!(matches!(
        to_wgs84(&BNG, f64::NAN, 430_000.0),
        Err(CrsError::NonFinite { .. })
    ));
}

/// A 1 km grid square in south Leeds, as a closed polygon in BNG metres.
fn square_km_bng() -> Geometry<f64> {
    let ring: LineString<f64> = vec![
        (429_000.0, 431_000.0),
        (430_000.0, 431_000.0),
        (430_000.0, 432_000.0),
        (429_000.0, 432_000.0),
        (429_000.0, 431_000.0),
    ]
    .into();
    Geometry::Polygon(Polygon::new(ring, vec![]))
}

#[test]
fn geometry_round_trip_and_area() {
    let mut g = square_km_bng();
    transform_geometry_to_wgs84(&BNG, &mut g).expect("inside OSTN15");
    let Geometry::Polygon(ref poly) = g else {
        panic!("still a polygon")
    };
    for c in poly.exterior().coords() {
        assert!(
            (-1.6..-1.5).contains(&c.x) && (53.7..53.8).contains(&c.y),
            "{c:?}"
        );
    }

    // Back to the grid: every vertex within a centimetre of where it was.
    let back = geometry_to_bng(&g).expect("inside OSTN15");
    let (Geometry::Polygon(before), Geometry::Polygon(after)) = (square_km_bng(), back) else {
        panic!("polygons")
    };
    for (a, b) in before.exterior().coords().zip(after.exterior().coords()) {
        assert!(distance_m_bng(a.x_y(), b.x_y()) < 0.01, "{a:?} vs {b:?}");
    }

    // OSTN15 rounds to the millimetre, so the area is 1 km² to within a few
    // square metres (a few parts per million).
    let area = area_m2_wgs84(&g).expect("inside OSTN15");
    assert!((area - 1_000_000.0).abs() < 5.0, "area {area}");
}

#[test]
fn failed_transform_leaves_geometry_untouched() {
    let mut g = Geometry::LineString(LineString::from(vec![
        coord! { x: 429_365.0, y: 431_422.0 },
        // East of the OSTN15 grid.
        coord! { x: 900_000.0, y: 431_422.0 },
    ]));
    let before = g.clone();
    let err = transform_geometry_to_wgs84(&BNG, &mut g).expect_err("second point outside");
    assert!(matches!(err, CrsError::OutsideGrid { .. }), "{err:?}");
    assert_eq!(g, before);
}

#[test]
fn transformer_reuse_and_points() {
    let t = Transformer::new(&Crs::WebMercator, Direction::FromWgs84).expect("built-in");
    assert_eq!(t.crs(), Crs::WebMercator);
    assert_eq!(t.direction(), Direction::FromWgs84);
    let p = t
        .map_geometry(&Geometry::Point(Point::new(180.0, 0.0)))
        .expect("valid");
    let Geometry::Point(p) = p else {
        panic!("point")
    };
    assert!((p.x() - HALF_WORLD_M).abs() < 1e-6);

    // Points and lines have no area.
    let line = Geometry::LineString(LineString::from(vec![
        Coord { x: -1.6, y: 53.8 },
        Coord { x: -1.5, y: 53.8 },
    ]));
    assert!(area_m2_wgs84(&line).expect("inside OSTN15").abs() < f64::EPSILON);
}

#[test]
fn bng_distance_is_euclidean() {
    assert!((distance_m_bng((0.0, 0.0), (3.0, 4.0)) - 5.0).abs() < f64::EPSILON);
    // Code-Point Open references of BD10 0FE and LS11 8LH.
    let d = distance_m_bng((419_653.0, 437_767.0), (429_365.0, 431_422.0));
    assert!((d - 9712.0_f64.hypot(6345.0)).abs() < 1e-9);
}

#[test]
fn error_and_crs_can_cross_threads() {
    // `anyhow` and async servers need errors that are Send + Sync + 'static.
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<CrsError>();
    assert_send_sync::<Crs>();
}

/// Without PROJ a `Transformer` is plain data and may be shared between
/// threads. With the `proj` feature it holds a PROJ object, which the `proj`
/// crate does not mark `Send`, so this only holds without the feature.
#[cfg(not(feature = "proj"))]
#[test]
fn transformer_is_send_and_sync_without_proj() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Transformer>();
}
