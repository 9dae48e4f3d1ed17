// Viewer benchmarks (issue: the Qt 6 viewer): recomputing the surface for 100,000 incidents when the
// group or period changes, and drawing 100,000 incidents and a 1,000,000-cell raster.
//   QT_QPA_PLATFORM=offscreen build/tests/bench/viewer_bench

#include <benchmark/benchmark.h>

#include <cmath>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include "analysis.hpp"
#include "map_layers.hpp"
#include "renderer.hpp"

#include "bench_random.hpp"

using namespace hotspot;
using namespace hotspot::viewer;

namespace {

// 100,000 incidents around 60 centres in a 30 x 25 km county, 13 groups, 36 months (deterministic).
const IncidentSet& incidents() {
    static IncidentSet in;
    if (!in.x.empty()) return in;
    BenchRandom next(11);
    std::vector<std::pair<double, double>> centres;
    for (int k = 0; k < 60; ++k) centres.emplace_back(455000 + 30000 * next(), 240000 + 25000 * next());
    for (int i = 0; i < 100000; ++i) {
        auto [cx, cy] = centres[static_cast<size_t>(next() * 60) % 60];
        const double r = 500 * std::sqrt(-2 * std::log(std::max(next(), 1e-12))), a = 2 * M_PI * next();
        in.x.push_back(cx + r * std::cos(a));
        in.y.push_back(cy + r * std::sin(a));
        in.group.push_back(static_cast<uint16_t>(next() * 13));
        in.month.push_back(makeMonth(2019, 1) + static_cast<int32_t>(next() * 36));
    }
    for (int g = 0; g < 13; ++g) in.groups.push_back("g" + std::to_string(g));
    in.firstMonth = makeMonth(2019, 1), in.lastMonth = makeMonth(2021, 12);
    in.extent = {455000, 240000, 485000, 265000};
    for (size_t i = 0; i < in.x.size(); ++i) in.extent = in.extent.united({in.x[i], in.y[i], in.x[i], in.y[i]});
    return in;
}

void BM_ViewerRecomputeKde100kIncidents(benchmark::State& state) {
    AnalysisRequest r;
    r.group = -1;  // all 100,000 (the heaviest case)
    r.from = makeMonth(2019, 1), r.to = makeMonth(2021, 12);
    r.cell = 50, r.bandwidth = 300;
    for (auto _ : state) {
        Surface s = computeSurface(incidents(), r);
        auto layer = surfaceLayer(s, incidents().groups);  // the colour-mapped image too
        benchmark::DoNotOptimize(layer.get());
    }
}
BENCHMARK(BM_ViewerRecomputeKde100kIncidents)->Unit(benchmark::kMillisecond);

void BM_ViewerRecomputeGiStar100kIncidents(benchmark::State& state) {
    AnalysisRequest r;
    r.group = -1;
    r.from = makeMonth(2019, 1), r.to = makeMonth(2021, 12);
    r.method = SurfaceMethod::GiStar;
    r.cell = 100;
    for (auto _ : state) {
        Surface s = computeSurface(incidents(), r);
        auto layer = surfaceLayer(s, incidents().groups);
        benchmark::DoNotOptimize(layer.get());
    }
}
BENCHMARK(BM_ViewerRecomputeGiStar100kIncidents)->Unit(benchmark::kMillisecond);

void BM_ViewerDraw100kPointsAnd1MCellRaster(benchmark::State& state) {
    const IncidentSet& in = incidents();
    PointLayer points(in.x, in.y, QColor(60, 30, 30));
    QImage image(1000, 1000, QImage::Format_ARGB32);
    for (int y = 0; y < 1000; ++y)
        for (int x = 0; x < 1000; ++x) image.setPixelColor(x, y, densityRamp()[static_cast<size_t>((x + y) % 5)]);
    RasterLayer raster(image, {455000, 240000, 485000, 270000}, {}, std::vector<double>(1'000'000, 1.0), 1000, 1000, "v");
    MapView view;
    view.width = 1600, view.height = 1000;
    view.zoomTo(in.extent);
    QImage target(view.width, view.height, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        QPainter p(&target);
        raster.paint(p, view);
        points.paint(p, view);
        p.end();
        benchmark::DoNotOptimize(target.bits());
    }
}
BENCHMARK(BM_ViewerDraw100kPointsAnd1MCellRaster)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
