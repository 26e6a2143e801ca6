//! Rendering, checked on decoded PNG pixels: colormap ends, orientation, blending, text, scaling
//! against Captum, degenerate maps and the exact evcxr bundles.

use glassbox::{
    normalize_attribution, BarChart, Colormap, Figure, HeatMap, ImageGrid, LineChart, Picture,
    Scaling, Scatter, Sign, Table,
};

/// The outer margin every glassbox figure leaves (theme::MARGIN).
const M: u32 = 12;

/// Encodes to PNG and decodes again, so tests see exactly what a viewer sees.
fn decoded(fig: &Figure) -> image::RgbImage {
    let png = fig.to_png().unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (fig.width(), fig.height()));
    img
}

fn px(img: &image::RgbImage, x: u32, y: u32) -> [u8; 3] {
    img.get_pixel(x, y).0
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(&x, y)| (x as i32 - y as i32).abs() <= tol)
}

#[test]
fn viridis_ends_are_dark_purple_and_yellow_in_rgb_order() {
    let fig = HeatMap::new(1, 2, vec![0.0, 1.0])
        .unwrap()
        .scaling(Scaling::MinMax)
        .colorbar(false)
        .figure()
        .unwrap();
    let img = decoded(&fig);
    // 1×2 upscaled by 112 → 112×224.
    assert_eq!((fig.width(), fig.height()), (2 * M + 224, 2 * M + 112));
    let low = px(&img, M + 50, M + 50);
    let high = px(&img, M + 170, M + 50);
    assert!(
        close(low, [0x44, 0x01, 0x54], 1),
        "low end {low:?} is not #440154"
    );
    assert!(
        close(high, [0xfd, 0xe7, 0x25], 1),
        "high end {high:?} is not #fde725"
    );
    // Red and blue are not swapped: purple has more blue than red, yellow more red than blue.
    assert!(low[2] > low[0] && high[0] > high[2]);
}

#[test]
fn colormaps_match_matplotlib_probes() {
    let text = include_str!("fixtures/colormap_probes.json");
    let probes: serde_json::Value = serde_json::from_str(text).unwrap();
    for map in Colormap::ALL {
        let cases = probes[map.name()].as_array().unwrap();
        for case in cases {
            let t = case[0].as_f64().unwrap() as f32;
            let rgb: Vec<u8> = case[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(map.rgb(t).to_vec(), rgb, "{} at {t}", map.name());
        }
    }
}

#[test]
fn non_square_map_keeps_height_and_width_with_the_hot_spot_top_right() {
    // [H, W] = [3, 5], hot at row 0, column 4.
    let mut values = vec![0.0f32; 15];
    values[4] = 1.0;
    let fig = HeatMap::new(3, 5, values)
        .unwrap()
        .scaling(Scaling::MinMax)
        .colorbar(false)
        .figure()
        .unwrap();
    // Upscaled ×45 (5·45 = 225 ≥ 224): 135 rows × 225 columns.
    assert_eq!((fig.width(), fig.height()), (2 * M + 225, 2 * M + 135));
    let img = decoded(&fig);
    let hot = Colormap::Viridis.rgb(1.0);
    let cold = Colormap::Viridis.rgb(0.0);
    assert_eq!(
        px(&img, M + 224 - 10, M + 10),
        hot,
        "top-right corner is hot"
    );
    assert_eq!(px(&img, M + 10, M + 10), cold, "top-left is cold");
    assert_eq!(
        px(&img, M + 224 - 10, M + 134 - 10),
        cold,
        "bottom-right is cold"
    );
}

#[test]
fn blended_pixel_is_the_average_of_gray_and_colour() {
    // RGB image: pure red everywhere → gray = 0.299. Map: hot right half.
    let image = Picture::from_chw(3, 2, 2, [vec![1.0; 4], vec![0.0; 8]].concat()).unwrap();
    let fig = HeatMap::new(2, 2, vec![0.0, 1.0, 0.0, 1.0])
        .unwrap()
        .scaling(Scaling::MinMax)
        .colorbar(false)
        .blended(&image)
        .figure()
        .unwrap();
    let img = decoded(&fig);
    let probe = px(&img, M + 200, M + 20); // right half → colour(1)
    let top = Colormap::Viridis.rgb(1.0);
    for c in 0..3 {
        let expected = (0.5 * 0.299 + 0.5 * top[c] as f32 / 255.0) * 255.0;
        assert!(
            (probe[c] as f32 - expected).abs() <= 0.6,
            "channel {c}: {} vs {expected}",
            probe[c]
        );
    }
    let left = px(&img, M + 20, M + 20); // colour(0) blended
    let bottom = Colormap::Viridis.rgb(0.0);
    let expected = (0.5 * 0.299 + 0.5 * bottom[0] as f32 / 255.0) * 255.0;
    assert!((left[0] as f32 - expected).abs() <= 0.6);
}

/// Pixels that are not white inside a rectangle.
fn ink(img: &image::RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| px(img, x, y) != [255, 255, 255])
        .count()
}

#[test]
fn axis_labels_and_legend_text_are_drawn() {
    let ys = [1.0f32, 2.0, 1.5, 3.0];
    let plain = decoded(&LineChart::new().series_indexed("", &ys).figure().unwrap());
    let labelled = decoded(
        &LineChart::new()
            .x_label("training step")
            .y_label("loss")
            .series_indexed("", &ys)
            .figure()
            .unwrap(),
    );
    let (w, h) = labelled.dimensions();
    // The x label sits in the bottom band, centred; the y label in the left band.
    assert!(ink(&labelled, w / 3, h - 30, 2 * w / 3, h) > 60);
    assert_eq!(ink(&plain, w / 3, h - 12, 2 * w / 3, h), 0);
    assert!(ink(&labelled, 0, h / 3, 30, 2 * h / 3) > 30);
    // A named series gets a legend: the data rises to the right, so it goes upper left.
    let legend = decoded(
        &LineChart::new()
            .series_indexed("train", &ys)
            .figure()
            .unwrap(),
    );
    let changed = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| px(&legend, x, y) != px(&plain, x, y))
        .collect::<Vec<_>>();
    assert!(changed.len() > 100, "legend adds pixels");
    assert!(
        changed.iter().all(|&(x, y)| x < w / 2 && y < h / 2),
        "legend is upper left"
    );
}

#[test]
fn scatter_legend_names_every_class() {
    let points: Vec<[f32; 2]> = (0..40).map(|i| [i as f32, (i % 7) as f32]).collect();
    let labels: Vec<usize> = (0..40).map(|i| i % 3).collect();
    let fig = Scatter::new(&points).labels(&labels).figure().unwrap();
    let named = Scatter::new(&points)
        .labels(&labels)
        .class_names(["cats", "dogs", "birds"])
        .figure()
        .unwrap();
    assert!(named.width() > fig.width() - 1);
    let img = decoded(&named);
    let (w, _) = img.dimensions();
    // The legend column right of the plot holds dark text pixels.
    let dark = (0..200)
        .flat_map(|y| (w - 50..w).map(move |x| (x, y)))
        .filter(|&(x, y)| px(&img, x, y).iter().all(|&c| c < 100))
        .count();
    assert!(dark > 40, "legend text drawn: {dark} dark pixels");
}

#[test]
fn outlier_scaling_clips_at_the_98_percent_mass() {
    // 99 ones and one 1.5: total 100.5, 98 % = 98.49, reached at the 99th one → threshold 1.
    let mut values = vec![1.0f32; 99];
    values.push(1.5);
    let n = normalize_attribution(&values, Sign::Absolute, Scaling::Outlier(2.0)).unwrap();
    assert_eq!(n.range, (0.0, 1.0));
    assert!(n.values.iter().all(|&v| v == 1.0));
    // Rendered: every pixel is the top colour, the outlier included.
    let fig = HeatMap::new(10, 10, values)
        .unwrap()
        .colorbar(false)
        .figure()
        .unwrap();
    let img = decoded(&fig);
    let top = Colormap::Viridis.rgb(1.0);
    assert_eq!(px(&img, M + 5, M + 5), top);
    assert_eq!(
        px(&img, M + 224 - 5, M + 224 - 5),
        top,
        "the 1.5 outlier is clipped"
    );
}

#[test]
fn scaling_matches_captum_normalize_attr() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/captum_scaling.json")).unwrap();
    let input: Vec<f32> = fixture["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    for case in fixture["cases"].as_array().unwrap() {
        let sign = match case["sign"].as_str().unwrap() {
            "absolute_value" => Sign::Absolute,
            "positive" => Sign::Positive,
            "negative" => Sign::Negative,
            _ => Sign::All,
        };
        let perc = case["outlier_perc"].as_f64().unwrap() as f32;
        let ours = normalize_attribution(&input, sign, Scaling::Outlier(perc)).unwrap();
        for (i, (a, e)) in ours
            .values
            .iter()
            .zip(case["expected"].as_array().unwrap())
            .enumerate()
        {
            let e = e.as_f64().unwrap() as f32;
            assert!(
                (a - e).abs() < 1e-6,
                "{sign:?} {perc}% at {i}: ours {a}, captum {e}"
            );
        }
    }
}

#[test]
fn all_zero_maps_render_flagged_and_never_nan() {
    for sign in [Sign::Absolute, Sign::Positive, Sign::Negative, Sign::All] {
        let map = HeatMap::new(4, 6, vec![0.0; 24]).unwrap().sign(sign);
        assert!(map.is_degenerate());
        let n = map.normalized().unwrap();
        assert!(n.values.iter().all(|v| *v == 0.0));
        let fig = map.figure().unwrap();
        assert!(fig.summary().contains("degenerate"), "{}", fig.summary());
        decoded(&fig);
    }
    let n = normalize_attribution(&[0.0; 4], Sign::All, Scaling::MinMax).unwrap();
    assert!(n.degenerate);
}

#[test]
fn table_bundle_is_exact() {
    let table = Table::new(["class", "probability"])
        .row(["cat", "0.71"])
        .row(["dog & fox", "0.2"]);
    assert_eq!(
        table.evcxr_bundle(),
        "EVCXR_BEGIN_CONTENT text/html\n\
         <table>\n\
         <thead><tr><th style=\"text-align:left\">class</th><th style=\"text-align:right\">probability</th></tr></thead>\n\
         <tbody>\n\
         <tr><td style=\"text-align:left\">cat</td><td style=\"text-align:right\">0.71</td></tr>\n\
         <tr><td style=\"text-align:left\">dog &amp; fox</td><td style=\"text-align:right\">0.2</td></tr>\n\
         </tbody>\n\
         </table>\n\
         EVCXR_END_CONTENT\n\
         EVCXR_BEGIN_CONTENT text/plain\n\
         class      probability\n\
         ---------  -----------\n\
         cat               0.71\n\
         dog & fox          0.2\n\
         EVCXR_END_CONTENT\n"
    );
}

#[test]
fn figure_bundle_carries_summary_and_png() {
    use base64::Engine as _;
    let fig = HeatMap::new(2, 3, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        .unwrap()
        .title("saliency")
        .figure()
        .unwrap();
    let bundle = fig.evcxr_bundle().unwrap();
    let png = base64::engine::general_purpose::STANDARD.encode(fig.to_png().unwrap());
    assert_eq!(
        bundle,
        format!(
            "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT image/png\n{png}\nEVCXR_END_CONTENT\n",
            fig.summary()
        )
    );
    assert!(
        fig.summary().starts_with("saliency: heat map 2×3"),
        "{}",
        fig.summary()
    );
    // Deterministic: the same input gives the same bytes.
    let again = HeatMap::new(2, 3, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        .unwrap()
        .title("saliency")
        .figure()
        .unwrap();
    assert_eq!(fig.to_png().unwrap(), again.to_png().unwrap());
}

#[test]
fn tiny_digits_display_at_a_readable_size() {
    let digit = Picture::gray(28, 28, vec![0.5; 784]).unwrap();
    let fig = glassbox::render::Plot::figure(&digit).unwrap();
    assert_eq!((fig.width(), fig.height()), (224, 224));
    let grid = ImageGrid::new(vec![digit; 4]).figure().unwrap();
    assert!(grid.width() >= 2 * 96);
}

#[test]
fn bad_inputs_are_clear_errors() {
    let e = HeatMap::new(2, 2, vec![0.0; 5]).unwrap_err();
    assert!(e.to_string().contains("[2, 2]"), "{e}");
    let e = HeatMap::new(1, 1, vec![f32::INFINITY]).unwrap_err();
    assert!(e.to_string().contains("NaN or infinite"), "{e}");
    let e = HeatMap::new(1, 1, vec![1.0])
        .unwrap()
        .mode(glassbox::render::HeatMapMode::Blended)
        .figure()
        .unwrap_err();
    assert!(e.to_string().contains(".blended(&picture)"), "{e}");
    let e = BarChart::new(["a", "b"], &[1.0]).figure().unwrap_err();
    assert!(e.to_string().contains("2 labels for 1 values"), "{e}");
    let e = "parula".parse::<Colormap>().unwrap_err();
    assert!(e.to_string().contains("viridis"), "{e}");
}

#[test]
fn debug_output_is_a_short_summary() {
    let image = Picture::gray(2, 3, vec![0.0, 0.5, 1.0, 0.0, 0.5, 1.0]).unwrap();
    assert_eq!(format!("{image:?}"), "Picture(1×2×3, values [0, 1])");
    let map = HeatMap::new(2, 3, vec![0.0; 6])
        .unwrap()
        .sign(Sign::All)
        .blended(&image);
    assert_eq!(
        format!("{map:?}"),
        "HeatMap(2×3, All, Outlier(2.0), Blended, over Picture(1×2×3, values [0, 1]))"
    );
    let points = vec![[0.0f32, 0.0]; 70_000];
    let scatter = Scatter::new(&points).labels(&vec![3; 70_000]);
    assert_eq!(
        format!("{scatter:?}"),
        "Scatter(70000 points, 4 classes, 0 thumbnails)"
    );
    let chart = LineChart::new().series_indexed("loss", &[1.0f32, 0.5]);
    assert_eq!(format!("{chart:?}"), "LineChart([\"loss\": 2 points])");
}
