// Density benchmarks (issue: hotspot densities). Figures and peers in docs/benchmarks.md.
//   build/tests/bench/hotspot_bench --benchmark_filter='Kde|GiStar'

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "hotspot/gistar.hpp"
#include "hotspot/kde.hpp"

#include "bench_random.hpp"

using namespace hotspot;

namespace {

// 1,000,000 incidents clustered around 200 centres in a 50 x 50 km square (deterministic).
void clusteredPoints(size_t n, std::vector<double>& x, std::vector<double>& y) {
    BenchRandom next(42);
    std::vector<std::pair<double, double>> centres;
    for (int k = 0; k < 200; ++k) centres.emplace_back(450000 + 50000 * next(), 250000 + 50000 * next());
    x.resize(n);
    y.resize(n);
    for (size_t i = 0; i < n; ++i) {
        auto [cx, cy] = centres[static_cast<size_t>(next() * 200) % 200];
        double r = 600 * std::sqrt(-2 * std::log(std::max(next(), 1e-12))), a = 2 * M_PI * next();
        x[i] = std::clamp(cx + r * std::cos(a), 450000.0, 499999.0);
        y[i] = std::clamp(cy + r * std::sin(a), 250000.0, 299999.0);
    }
}

void BM_Kde1MQuartic1000x1000(benchmark::State& state) {
    std::vector<double> x, y;
    clusteredPoints(1'000'000, x, y);
    Grid grid = Grid::covering({450000, 250000, 499999, 299999}, 50, GridShape::Square, 2'000'000);
    KdeOptions o;
    o.bandwidth = 250;
    for (auto _ : state) {
        auto d = kernelDensity(grid, x, y, {}, o);
        benchmark::DoNotOptimize(d.data());
    }
    state.counters["cells"] = static_cast<double>(grid.cellCount());
}
BENCHMARK(BM_Kde1MQuartic1000x1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_GiStarQueen(benchmark::State& state) {
    const int64_t side = state.range(0);
    Grid grid;
    grid.cellSize = 50;
    grid.rows = side;
    grid.cols = side;
    std::vector<double> counts(static_cast<size_t>(side * side));
    BenchRandom random(7);
    for (double& c : counts) c = static_cast<double>((random.bits() >> 33) % 7);
    for (auto _ : state) {
        GiStarResult r = giStarGrid(grid, counts, 1, {});
        benchmark::DoNotOptimize(r.z.data());
    }
    state.counters["cells"] = static_cast<double>(counts.size());
}
BENCHMARK(BM_GiStarQueen)->Arg(316)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
