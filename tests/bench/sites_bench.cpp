// Site selection benchmark (issue: interventions): 50 sites from 100,000 candidates over a
// 1,000,000-cell demand surface. Figures and the NumPy peer in docs/benchmarks.md.
//   build/tests/bench/hotspot_bench --benchmark_filter=Sites
//   HOTSPOT_SITES_DUMP=/tmp/sites build/tests/bench/hotspot_bench --benchmark_filter=Sites   (writes the instance for the peer)

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "hotspot/interventions.hpp"

#include "bench_random.hpp"

using namespace hotspot;

namespace {

struct Instance {
    Grid grid;
    std::vector<double> demand;
    std::vector<SiteCandidate> candidates;
};

// A 10 km square of 10 m cells; demand from 300 Gaussian hotspots (sigma 50-300 m); 100,000
// candidates placed uniformly. Deterministic.
const Instance& instance() {
    static Instance in;
    if (!in.demand.empty()) return in;
    BenchRandom next(7);
    in.grid.cellSize = 10;
    in.grid.cols = in.grid.rows = 1000;
    in.demand.assign(1'000'000, 0.0);
    for (int h = 0; h < 300; ++h) {
        const double cx = 10000 * next(), cy = 10000 * next(), sigma = 50 + 250 * next(), amplitude = 0.2 + next();
        const int64_t reach = static_cast<int64_t>(3 * sigma / 10) + 1;
        const int64_t col = static_cast<int64_t>(cx / 10), row = static_cast<int64_t>((10000 - cy) / 10);
        for (int64_t r = std::max<int64_t>(0, row - reach); r <= std::min<int64_t>(999, row + reach); ++r)
            for (int64_t c = std::max<int64_t>(0, col - reach); c <= std::min<int64_t>(999, col + reach); ++c) {
                const double dx = in.grid.centreX(r, c) - cx, dy = in.grid.centreY(r) - cy;
                in.demand[static_cast<size_t>(r * 1000 + c)] += amplitude * std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
    }
    in.candidates.resize(100'000);
    for (auto& c : in.candidates) c.x = 10000 * next(), c.y = 10000 * next();
    if (const char* dir = std::getenv("HOTSPOT_SITES_DUMP")) {
        std::ofstream(std::string(dir) + "/demand.f64", std::ios::binary)
            .write(reinterpret_cast<const char*>(in.demand.data()), static_cast<std::streamsize>(in.demand.size() * sizeof(double)));
        std::vector<double> xy;
        for (const auto& c : in.candidates) xy.push_back(c.x), xy.push_back(c.y);
        std::ofstream(std::string(dir) + "/candidates.f64", std::ios::binary)
            .write(reinterpret_cast<const char*>(xy.data()), static_cast<std::streamsize>(xy.size() * sizeof(double)));
    }
    return in;
}

void BM_Sites50From100kCandidatesOver1MCells(benchmark::State& state) {
    const Instance& in = instance();
    SitingOptions o;
    o.radius = 100;
    o.maxSites = 50;
    std::vector<SitePick> picks;
    for (auto _ : state) {
        picks = greedySites(in.grid, in.demand, in.candidates, o);
        benchmark::DoNotOptimize(picks.data());
    }
    state.counters["covered"] = picks.empty() ? 0 : picks.back().cumulative;
    state.counters["first_pick"] = picks.empty() ? -1 : static_cast<double>(picks.front().candidate);
    if (const char* dir = std::getenv("HOTSPOT_SITES_DUMP")) {
        std::ofstream out(std::string(dir) + "/hotspot_picks.txt");
        for (const auto& p : picks) out << p.candidate << ' ' << p.gain << '\n';
    }
}
BENCHMARK(BM_Sites50From100kCandidatesOver1MCells)->Unit(benchmark::kMillisecond);

}  // namespace
