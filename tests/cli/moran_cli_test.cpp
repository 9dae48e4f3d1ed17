// `hotspot moran` end to end on the sample: the rasters against a computation in the test, the
// classes, the global statistic, areas mode and option errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_support.hpp"

using namespace hotspot;

namespace {

std::vector<double> readBand(const std::string& path, int& cols, int& rows) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(ds) << path;
    cols = ds->GetRasterXSize(), rows = ds->GetRasterYSize();
    std::vector<double> v(static_cast<size_t>(cols) * static_cast<size_t>(rows));
    int hasNoData = 0;
    GDALRasterBand* band = ds->GetRasterBand(1);
    const double noData = band->GetNoDataValue(&hasNoData);
    EXPECT_EQ(band->RasterIO(GF_Read, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float64, 0, 0), CE_None);
    if (hasNoData)
        for (double& x : v)
            if (x == noData) x = NAN;
    return v;
}

std::map<std::string, std::string> globalStatistics(const std::string& path) {
    std::map<std::string, std::string> out;
    for (const auto& row : test::readCsvRows(path)) out[row.at("statistic")] = row.at("value");
    return out;
}

}  // namespace

TEST(MoranCli, LocalIOfEveryCellEqualsAComputationFromTheCountsRaster) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"moran", s + "/data/police", "--group", "burglary", "--months", "2021", "--cell", "250", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    int cols = 0, rows = 0;
    const std::vector<double> counts = readBand(dir.file("moran_counts.tif"), cols, rows);
    const std::vector<double> ii = readBand(dir.file("moran_i.tif"), cols, rows);
    const std::vector<double> cls = readBand(dir.file("moran_class.tif"), cols, rows);
    // Queen neighbours, row-standardised: I_i = z_i / m2 * mean of the neighbours' z.
    const double n = static_cast<double>(counts.size());
    const double mean = std::accumulate(counts.begin(), counts.end(), 0.0) / n;
    double m2 = 0;
    for (double c : counts) m2 += (c - mean) * (c - mean);
    m2 /= n;
    double worst = 0, sumI = 0;
    int hh = 0;
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) {
            double lag = 0;
            int k = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if ((dx == 0 && dy == 0) || x + dx < 0 || y + dy < 0 || x + dx >= cols || y + dy >= rows) continue;
                    lag += counts[static_cast<size_t>((y + dy) * cols + x + dx)] - mean, ++k;
                }
            const size_t i = static_cast<size_t>(y * cols + x);
            const double expected = (counts[i] - mean) / m2 * lag / k;
            worst = std::max(worst, std::abs(expected - ii[i]));
            sumI += ii[i];
            // A high-high cell is above the mean with neighbours above it on average.
            if (cls[i] == 1) {
                ++hh;
                EXPECT_GT(counts[i], mean);
                EXPECT_GT(lag, 0);
            }
        }
    EXPECT_LT(worst, 1e-9);
    EXPECT_GT(hh, 10);
    // With row-standardised weights and no isolated cell, the global I is the mean of the local ones.
    const auto g = globalStatistics(dir.file("moran_global.csv"));
    EXPECT_NEAR(std::stod(g.at("moran_i")), sumI / n, 1e-8);
    // moran_cells holds exactly the significant cells, with the class of the raster.
    GDALDatasetUniquePtr ds(GDALDataset::Open(dir.file("moran.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    int64_t significant = 0;
    for (double c : cls) significant += c > 0;
    int64_t features = 0;
    for (auto& f : *ds->GetLayerByName("moran_cells")) {
        ++features;
        const size_t i = static_cast<size_t>(f->GetFieldAsInteger("row") * cols + f->GetFieldAsInteger("col"));
        EXPECT_EQ(f->GetFieldAsInteger("class_code"), static_cast<int>(cls[i]));
        EXPECT_NEAR(f->GetFieldAsDouble("local_i"), ii[i], 1e-12);
    }
    EXPECT_EQ(features, significant);
}

TEST(MoranCli, AreasModeWritesEveryAreaAndTheGlobalIIsTheMeanOfTheLocalOnes) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"moran", s + "/data/police", "--group", "asb", "--months", "2021", "-a", "priority=" + s + "/shapes/priority_areas.geojson",
                           "--weights", "knn:3", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto areas = test::readCsvRows(dir.file("moran_areas.csv"));
    ASSERT_EQ(areas.size(), 11u);
    double sumI = 0;
    for (const auto& a : areas) {
        EXPECT_EQ(a.at("neighbours"), "3");
        sumI += std::stod(a.at("local_i"));
    }
    EXPECT_NEAR(std::stod(globalStatistics(dir.file("moran_global.csv")).at("moran_i")), sumI / 11, 1e-8);
    EXPECT_EQ(test::featureCount(dir.file("moran_areas.gpkg"), "moran_areas"), 11);
}

TEST(MoranCli, ClearErrorsForBadWeights) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"moran", "-q", s + "/data/police", "--weights", "rook", "--rings", "2", "-o", dir.path()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("one ring"), std::string::npos) << r.err;
    r = test::runCli({"moran", "-q", s + "/data/police", "--weights", "distance:-5", "-o", dir.path()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--weights"), std::string::npos) << r.err;
}

// `gistar --auto`: the cell size and the neighbourhood come from the data, the curve is written,
// and the Gi* run uses the chosen band.
TEST(GiStarAutoCli, ChoosesTheFirstSignificantPeakAndWritesTheCurve) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"gistar", s + "/data/police", "--group", "burglary", "--months", "2021", "--auto", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("--auto cell size: mean distance to the nearest other incident location"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    const auto curve = test::readCsvRows(dir.file("gistar_scale.csv"));
    ASSERT_GE(curve.size(), 3u);
    int chosen = -1;
    for (size_t k = 0; k < curve.size(); ++k)
        if (curve[k].at("chosen") == "yes") chosen = static_cast<int>(k);
    ASSERT_GE(chosen, 0);
    auto z = [&](size_t k) { return std::stod(curve[k].at("z")); };
    const auto c = static_cast<size_t>(chosen);
    EXPECT_GT(z(c), 1.96);
    if (c > 0) { EXPECT_GT(z(c), z(c - 1)); }
    if (c + 1 < curve.size()) { EXPECT_GE(z(c), z(c + 1)); }
    const std::string distance = curve[c].at("distance_m");
    EXPECT_NE(r.err.find(fmt::format("neighbours within {:g} m", std::stod(distance))), std::string::npos) << r.err;
    EXPECT_NE(test::readFile(dir.file("gistar_scale.svg")).find("<svg"), std::string::npos);
    // --auto applies to grids only.
    r = test::runCli({"gistar", "-q", s + "/data/police", "--auto", "-a", "p=" + s + "/shapes/priority_areas.geojson", "-o", dir.file("x")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--auto"), std::string::npos) << r.err;
}

// `hotspot concentrate` on the sample's burglaries at police.uk's snap points.
TEST(ConcentrateCli, LocationsAccountForEveryIncidentAndTheSummaryFollowsFromThePlaces) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"concentrate", s + "/data/police", "--group", "burglary", "--unit", "location", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    const auto places = test::readCsvRows(dir.file("concentration_places.csv"));
    std::vector<double> counts;
    double total = 0;
    for (const auto& p : places) counts.push_back(std::stod(p.at("incidents"))), total += counts.back();
    std::map<std::string, std::string> summary;
    for (const auto& row : test::readCsvRows(dir.file("concentration_summary.csv"))) summary[row.at("measure")] = row.at("value");
    EXPECT_EQ(std::stod(summary.at("crimes")), total);
    EXPECT_EQ(std::stoul(summary.at("places")), places.size());  // every location has crime
    // Gini from the counts written, computed here.
    std::vector<double> sorted = counts;
    std::sort(sorted.begin(), sorted.end());
    double weighted = 0;
    for (size_t i = 0; i < sorted.size(); ++i) weighted += static_cast<double>(i + 1) * sorted[i];
    const double n = static_cast<double>(sorted.size());
    EXPECT_NEAR(std::stod(summary.at("gini")), 2 * weighted / (n * total) - (n + 1) / n, 1e-6);
    // Places are ranked, and half the crime is in the number of places stated.
    for (size_t k = 1; k < counts.size(); ++k) EXPECT_LE(counts[k], counts[k - 1]);
    const size_t half = std::stoul(summary.at("places_holding_50pct_of_crime"));
    EXPECT_GE(std::stod(places[half - 1].at("cumulative_share")), 0.5);
    EXPECT_LT(std::stod(places[half - 2].at("cumulative_share")), 0.5);
    // Top places: trend stated only with its test; stability counts within the top.
    for (const auto& t : test::readCsvRows(dir.file("concentration_top.csv"))) {
        const double p = std::stod(t.at("trend_p"));
        EXPECT_EQ(t.at("trend") == "rising" || t.at("trend") == "falling", p < 0.05);
        EXPECT_EQ(std::stod(t.at("incidents")), std::stod(t.at("2019")) + std::stod(t.at("2020")) + std::stod(t.at("2021")));
    }
    for (const auto& y : test::readCsvRows(dir.file("concentration_stability.csv"))) EXPECT_LE(std::stoi(y.at("still_top_next_year")), std::stoi(y.at("top_places")));
    EXPECT_EQ(test::featureCount(dir.file("concentration.gpkg"), "places"), static_cast<int64_t>(places.size()));
    EXPECT_NE(test::readFile(dir.file("concentration_lorenz.svg")).find("<polyline"), std::string::npos);
}

TEST(ConcentrateCli, SegmentsReportIncidentsBeyondTheSnapDistance) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"concentrate", s + "/data/police", "--group", "asb", "--unit", "segment", "--network", s + "/shapes/roads.geojson", "-o",
                           dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("more than 50 m from any street segment; balanced"), std::string::npos) << r.err;
    r = test::runCli({"concentrate", "-q", s + "/data/police", "--unit", "segment", "-o", dir.file("x")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--network"), std::string::npos) << r.err;
}

// `hotspot near-repeat` on the sample's burglaries (police.uk: month resolution).
TEST(NearRepeatCli, MonthBandsOnPoliceDataAndClearErrorsForBandsFinerThanTheData) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"near-repeat", s + "/data/police", "--group", "burglary", "--time-unit", "month", "--permutations", "199", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    const auto table = test::readCsvRows(dir.file("near_repeat.csv"));
    ASSERT_EQ(table.size(), 5u * 4u);  // same location + 4 distance bands, 4 month bands
    EXPECT_EQ(table[0].at("distance_band"), "same location");
    EXPECT_EQ(table[0].at("time_band"), "0 months");
    for (const auto& c : table) {
        const double p = std::stod(c.at("p"));
        EXPECT_GE(p, 1.0 / 200);
        EXPECT_EQ(c.at("significant") == "yes", p < 0.05 && std::stod(c.at("knox_ratio")) > 1);
        // The permutation mean and the exact expectation agree.
        EXPECT_NEAR(std::stod(c.at("expected_pairs")), std::stod(c.at("expected_exact")), 0.05 * std::stod(c.at("expected_exact")) + 2);
    }
    EXPECT_NE(test::readFile(dir.file("near_repeat.md")).find("| same location |"), std::string::npos);
    // police.uk has months only: day bands are refused, saying why.
    r = test::runCli({"near-repeat", "-q", s + "/data/police", "--group", "burglary", "-o", dir.file("x")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--time-unit month"), std::string::npos) << r.err;
    r = test::runCli({"near-repeat", "-q", s + "/data/police", "--distance-bands", "200,100", "-o", dir.file("y")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("distance"), std::string::npos) << r.err;
}
