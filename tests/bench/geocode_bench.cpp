// Component benchmarks of the geocode path (the end-to-end figure comes from geocode_benchmark.sh).
//   build/tests/bench/hotspot_bench --benchmark_filter=Geocode

#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/ingest.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

// A police.uk file of `rows` rows spread over Northampton, written once per process.
const std::string& policeFile(size_t rows) {
    static test::TempDir dir;
    static std::string path;
    if (path.empty()) {
        path = dir.file("bench-street.csv");
        std::string text =
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
        for (size_t i = 0; i < rows; ++i) {
            char line[400];
            std::snprintf(line, sizeof line,
                          "%064zx,2021-%02zu,Northamptonshire Police,Northamptonshire Police,%.6f,%.6f,On or near Street %zu,E01027%03zu,"
                          "Northampton %03zuA,%s,Under investigation,\n",
                          i * 2654435761u, i % 12 + 1, -0.95 + (i % 1000) * 0.0001, 52.20 + (i / 1000 % 1000) * 0.0001, i % 3000, i % 400,
                          i % 400, i % 4 ? "Burglary" : "Violence and sexual offences");
            text += line;
        }
        test::writeFile(path, text);
    }
    return path;
}

void BM_GeocodeIngestPoliceUk(benchmark::State& state) {
    const std::string& path = policeFile(200000);
    IngestOptions options;
    options.categories = &test::defaultCategories();
    for (auto _ : state) {
        IngestResult r = ingest({path}, options);
        benchmark::DoNotOptimize(r.table.x.data());
    }
    state.SetItemsProcessed(state.iterations() * 200000);
}
BENCHMARK(BM_GeocodeIngestPoliceUk)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GeocodeTransformWgs84ToBng(benchmark::State& state) {
    CoordinateTransformer t("EPSG:4326", "EPSG:27700");
    std::vector<double> x0(state.range(0)), y0(state.range(0));
    for (size_t i = 0; i < x0.size(); ++i) x0[i] = -1.2 + 1e-6 * i, y0[i] = 52.0 + 5e-7 * i;
    for (auto _ : state) {
        std::vector<double> x = x0, y = y0;
        t.transform(x.data(), y.data(), x.size());
        benchmark::DoNotOptimize(x.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GeocodeTransformWgs84ToBng)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GeocodeAssignToPriorityAreas(benchmark::State& state) {
    AreaLayer layer = AreaLayer::load(AreaLayerSpec::parse(test::sourceDir() + "/shapes/priority_areas.geojson"), "EPSG:27700");
    std::vector<double> x(state.range(0)), y(state.range(0));
    for (size_t i = 0; i < x.size(); ++i) x[i] = 470000 + std::fmod(i * 7.7, 13000.0), y[i] = 256000 + std::fmod(i * 3.3, 10000.0);
    std::vector<int32_t> out(x.size());
    for (auto _ : state) {
        layer.assign(x.data(), y.data(), x.size(), out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GeocodeAssignToPriorityAreas)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
