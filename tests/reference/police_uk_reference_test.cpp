// Validation on real data in ../shared/reference (skips cleanly when it is absent).

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "hotspot/ingest.hpp"
#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lsoaArgs(const std::string& shared) {
    std::vector<std::string> args;
    for (const auto& e : fs::directory_iterator(shared + "/reference/uk-geojson-martinjc/lsoa_by_lad")) {
        std::string name = e.path().filename().string();
        if (name.rfind("E070001", 0) == 0) {  // the 7 Northamptonshire districts
            args.push_back("-a");
            args.push_back("lsoa=" + e.path().string());
        }
    }
    return args;
}

}  // namespace

// police.uk assigns each crime to a 2011 LSOA using full-resolution boundaries; the reference
// polygons are generalised, so a few points near boundaries land next door. GeoPandas sjoin on
// the same files agrees for 96.8 %; the issue asks for at least 96.5 %.
TEST(ReferencePoliceUk, NorthamptonshireRowsAgreeWithTheirOwnLsoaCode) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    std::vector<std::string> args = {"geocode", "-q", *shared + "/reference/police-uk-northamptonshire-2018-10_2019-02", "--no-gpkg", "-o", dir.path()};
    auto lsoa = lsoaArgs(*shared);
    args.insert(args.end(), lsoa.begin(), lsoa.end());
    auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    long inCounty = 0, agree = 0, flaggedOutside = 0, total = 0;
    for (const auto& row : test::readCsvRows(dir.file("incidents.csv"))) {
        ++total;
        if (row.at("outside_areas") == "1") ++flaggedOutside;
        if (row.at("lsoa_code").empty()) continue;
        ++inCounty;
        agree += row.at("lsoa_code") == row.at("attr_lsoa_code");
    }
    EXPECT_EQ(total, 32207);  // every row kept (SOURCE.md row count)
    double rate = double(agree) / double(inCounty);
    std::printf("LSOA agreement: %ld of %ld in-county rows = %.2f %%; %ld out-of-county rows flagged\n", agree, inCounty, 100 * rate,
                flaggedOutside);
    EXPECT_GE(rate, 0.965);
    EXPECT_EQ(flaggedOutside, 126);  // SOURCE.md: 126 rows located outside the 7 districts

    // The engine's own agreement table says the same, with every disagreement classed: points
    // near a boundary (within 100 m of their code's polygon) and crimes outside the force area.
    std::map<std::string, long> byClass;
    long classified = 0;
    for (const auto& row : test::readCsvRows(dir.file("area_agreement.csv"))) {
        byClass[row.at("class")] = std::stol(row.at("rows"));
        classified += std::stol(row.at("rows"));
    }
    EXPECT_EQ(classified, total);
    EXPECT_EQ(byClass["same"], agree);
    EXPECT_EQ(byClass["out of area"], flaggedOutside);
    EXPECT_EQ(byClass["edge"] + byClass["elsewhere"], inCounty - agree);
    EXPECT_EQ(byClass["elsewhere"], 0);  // generalised boundaries move no point more than 100 m
    EXPECT_EQ(byClass["code not in layer"], 0);
    // Listed differences: every in-county disagreement, and out-of-area rows whose code is a
    // Northamptonshire LSOA (the others have no area either way).
    const auto differences = static_cast<long>(test::readCsvRows(dir.file("area_differences.csv")).size());
    EXPECT_GE(differences, inCounty - agree);
    EXPECT_LE(differences, total - agree);
}

// The conservation defect found on this data: at 300 m hexagons, gistar said 32,174 analysed and its
// cells summed to 32,173. Every row is now in the ledger and the cells hold exactly "counted".
TEST(ReferencePoliceUk, NorthamptonshireHexagonAndSquareCellsHoldEveryCountedIncident) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    GDALAllRegister();
    test::TempDir dir;
    for (const std::string shape : {"hexagon", "square"}) {
        const std::string out = dir.file(shape);
        auto r = test::runCli({"gistar", *shared + "/reference/police-uk-northamptonshire-2018-10_2019-02", "--cell", "300", "--shape", shape, "--all-cells", "-o", out});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(accounting, grid cells \([^)]*hotspot_cells\): (\d+) read = .* (\d+) selected; \d+ selected = (\d+) counted .*; balanced)")))
            << r.err;
        EXPECT_EQ(std::stoll(m[1]), 32207);  // SOURCE.md row count
        GDALDatasetUniquePtr ds(GDALDataset::Open((out + "/hotspots.gpkg").c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(ds);
        double held = 0;
        for (auto& f : *ds->GetLayerByName("hotspot_cells")) held += f->GetFieldAsDouble("incidents");
        EXPECT_EQ(held, std::stod(m[3])) << shape;
        EXPECT_GT(held, 32000) << shape;
    }
}

// Two downloads holding the same four City months: the older one's rows, with or without a
// location, are superseded by the later download; only distinct crimes are rejected (the issue
// measured 2,103 rejects covering 1,803 crimes before rows were superseded before rejection).
TEST(ReferencePoliceUk, CityOfLondonTwoDownloadsOfTheSameMonthsRejectEachCrimeOnce) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    auto r = test::runCli({"geocode", "-q", *shared + "/reference/police-uk-city-of-london-2023-05_2025-05",
                           *shared + "/reference/police-uk-2024-01_2024-04-leonard-theodorus/city-of-london", "--no-gpkg", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    int64_t superseded = 0, rejected = 0;
    for (const auto& row : test::readCsvRows(dir.file("rejects.csv"))) ++(row.at("reason").rfind("superseded", 0) == 0 ? superseded : rejected);
    EXPECT_EQ(superseded, 734 + 826 + 757 + 926);  // the older download's 2024-01..04 files, every row
    EXPECT_EQ(rejected, 1803);
}

// The City's 25 monthly police.uk files (2023-05 to 2025-05): with 12 months of history, 13
// target months, each scored on exactly its own crimes; every located crime is accounted for.
TEST(ReferencePoliceUk, CityOfLondonForecastEvaluationScoresEachTargetMonthOnItsOwnCrimes) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    const std::string folder = *shared + "/reference/police-uk-city-of-london-2023-05_2025-05";
    auto r = test::runCli({"forecast-evaluate", folder, "--cell", "50", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("13 target months (2024-05 to 2025-05)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    // Located crimes per month, counted from the files themselves (rows with a longitude).
    std::map<std::string, double> perMonth;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() != ".csv") continue;
        for (const auto& row : test::readCsvRows(entry.path().string()))
            if (!row.at("Longitude").empty()) perMonth[row.at("Month")] += 1;
    }
    const auto rows = test::readCsvRows(dir.file("forecast_scores.csv"));
    ASSERT_EQ(rows.size(), 13u * 6u * 3u);
    // The ledger's parts: "N counted", "S stray", "H in the history months".
    auto part = [&](const std::string& label) {
        const size_t at = r.err.find(label);
        EXPECT_NE(at, std::string::npos) << label;
        const size_t start = r.err.rfind(' ', at - 2) + 1;
        return std::stod(r.err.substr(start, at - start));
    };
    const double counted = part(" counted"), strays = part(" stray"), history = part(" in the history months");
    double located = 0, scored = 0;
    for (const auto& [month, n] : perMonth) located += n;
    EXPECT_EQ(counted + strays + history, located);  // every located row of the files, once
    for (const auto& row : rows) {
        const double crimes = std::stod(row.at("crimes"));
        EXPECT_LE(crimes, perMonth.at(row.at("target_month")));  // a month is scored on its own crimes only
        if (row.at("method") == "prospective" && row.at("coverage_pct") == "5") scored += crimes;
        EXPECT_LE(std::stod(row.at("pei")), 1.0 + 1e-9);
        EXPECT_GT(std::stod(row.at("pai")), 1.0) << row.at("method") << " " << row.at("target_month");  // every map beats chance here
    }
    EXPECT_EQ(scored, counted);
}

// Outcomes of February 2026 joined to the City's 2023-05..2025-05 street files: SOURCE.md counts 34
// of the 145 Crime IDs in those files; 2 of them are crimes without a location (rejected there).
TEST(ReferencePoliceUk, CityOfLondonOutcomesJoinToCrimesOfEarlierMonths) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    auto r = test::runCli({"geocode", *shared + "/reference/police-uk-city-of-london-2023-05_2025-05",
                           *shared + "/reference/police-uk-city-of-london-2026-02-outcomes-stop-and-search", "--no-gpkg", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(outcomes: (\d+) rows in 1 file\(s\) = (\d+) latest outcome of a loaded crime \+ (\d+) earlier or repeated outcomes of the same crime \+ (\d+) for crimes rejected from the street files \(no location\) \+ (\d+) for crimes not in the loaded street files \(other months or forces\) \+ (\d+) rejected)")))
        << r.err;
    EXPECT_EQ(m[1], "147");                              // the rows of the file (SOURCE.md)
    EXPECT_EQ(std::stoll(m[2]) + std::stoll(m[4]), 34);  // SOURCE.md: 34 Crime IDs occur in the street files
    EXPECT_EQ(m[4], "2");
    EXPECT_EQ(std::stoll(m[2]) + std::stoll(m[3]) + std::stoll(m[4]) + std::stoll(m[5]) + std::stoll(m[6]), 147);
    EXPECT_NE(r.err.find("police.uk stop and search"), std::string::npos);  // set aside, and said so
    int64_t fromOutcomes = 0;
    for (const auto& row : test::readCsvRows(dir.file("incidents.csv"))) fromOutcomes += row.at("outcome_source") == "outcomes file";
    EXPECT_GE(fromOutcomes, std::stoll(m[2]));  // a Crime ID repeated in a street file gets its outcome on each row
}

// Stop and search against crime hot spots: Gi* zones of drug crimes become an area layer for the
// searches, and the share of searches inside is read from geocode's area assignment. The count
// inside is recomputed here with GDAL point-in-polygon on the written zone and search points.
TEST(ReferencePoliceUk, CitySearchesInsideDrugCrimeHotSpotZones) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const std::string ref = *shared + "/reference";
    const std::string city = ref + "/uk-geojson-martinjc/lsoa_by_lad/E09000001.json";
    test::TempDir dir;
    auto r = test::runCli({"geocode", "-q", ref + "/police-uk-city-of-london-2023-05_2025-05", "--no-csv", "-o", dir.file("crimes")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runCli({"gistar", dir.file("crimes/incidents.gpkg"), "--group", "drugs", "--cell", "100", "--study-area", "city=" + city, "--clip",
                      "-o", dir.file("drugs")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string zones = dir.file("drugs/hotspots.gpkg");
    r = test::runCli({"geocode", ref + "/police-uk-city-of-london-stop-and-search-2018-04_2020-11", "--series", "stop-and-search", "-a",
                      "hotspots=" + zones + ":hotspot_zones", "--no-gpkg", "-o", dir.file("searches")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(areas 'hotspots': (\d+) polygons, (\d+) incidents assigned, (\d+) outside)"))) << r.err;
    const int64_t inside = std::stoll(m[2]), outside = std::stoll(m[3]);
    EXPECT_EQ(inside + outside, 4512);  // SOURCE.md: 6,449 searches, 1,937 without a location

    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(zones.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("hotspot_zones");
    ASSERT_NE(layer, nullptr);
    std::vector<std::unique_ptr<OGRGeometry>> hot;
    for (auto& f : *layer)
        if (std::string(f->GetFieldAsString("kind")) == "hot") hot.emplace_back(f->GetGeometryRef()->clone());
    ASSERT_FALSE(hot.empty());
    int64_t recomputed = 0;
    for (const auto& row : test::readCsvRows(dir.file("searches/incidents.csv"))) {
        OGRPoint p(std::stod(row.at("x")), std::stod(row.at("y")));
        for (const auto& g : hot)
            if (g->Intersects(&p)) {
                ++recomputed;
                break;
            }
    }
    EXPECT_EQ(recomputed, inside);
    EXPECT_GT(inside, 0);
    std::printf("searches inside drug-crime hot spot zones: %lld of %lld located\n", static_cast<long long>(inside),
                static_cast<long long>(inside + outside));
}

TEST(ReferencePoliceUk, CityOfLondonCrlfFilesWithRowsWithoutCoordinates) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    auto r = test::runCli({"geocode", *shared + "/reference/police-uk-2024-01_2024-04-leonard-theodorus/city-of-london", "--no-gpkg",
                           "-a", "lsoa=" + *shared + "/reference/uk-geojson-martinjc/lsoa_by_lad/E09000001.json", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("3243 rows = "), std::string::npos) << r.err;  // SOURCE.md: 3243 City rows
    auto rejects = test::readCsvRows(dir.file("rejects.csv"));
    EXPECT_GT(rejects.size(), 100u);  // ~9 % read "No Location" and have no coordinates
    for (const auto& j : rejects) {
        EXPECT_EQ(j.at("field"), "Longitude");
        EXPECT_NE(j.at("reason").find("no coordinates"), std::string::npos);
        EXPECT_NE(j.at("record").find("No Location"), std::string::npos);
    }
}

// Real STATS19 files of both schemas: every row is accounted for and lands where the file says.
TEST(ReferenceStats19, YorkLegacyAndWestYorkshire2024FilesAreReadRowForRow) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    IngestOptions o;
    o.categories = &test::defaultCategories();
    const std::string york = *shared + "/reference/stats19-york-2005-2014/accidents.csv";
    const std::string wy = *shared + "/reference/stats19-west-yorkshire-2024/accidents.csv";
    ASSERT_EQ(detectFormat(york), InputFormat::Stats19);
    ASSERT_EQ(detectFormat(wy), InputFormat::Stats19);
    IngestResult r = ingest({york, wy}, o);
    ASSERT_EQ(r.files.size(), 2u);
    EXPECT_EQ(r.files[0].rows, 4778);  // SOURCE.md row counts
    EXPECT_EQ(r.files[1].rows, 4060);
    for (const auto& f : r.files) EXPECT_EQ(f.rows, f.accepted + f.rejected + f.superseded) << f.path;
    EXPECT_EQ(r.files[0].accepted, 4778);
    EXPECT_EQ(r.files[1].accepted, 4060);
    // York's indexes were mangled by a spreadsheet: all reported, none trusted, none de-duplicated.
    EXPECT_EQ(r.files[0].untrustedIds, 4778);
    EXPECT_EQ(r.files[1].untrustedIds, 0);
    // Severity counts from SOURCE.md, read from each schema's own column.
    std::map<std::string, int> york19, wy24;
    for (const auto& a : r.table.attributes) {
        for (size_t i = 0; i < r.table.size(); ++i) {
            if (a.name == "Accident_Severity" && r.table.fileIndex[i] == 0) ++york19[std::string(a.values.at(i))];
            if (a.name == "collision_severity" && r.table.fileIndex[i] == 1) ++wy24[std::string(a.values.at(i))];
        }
    }
    EXPECT_EQ(york19["1"], 52);
    EXPECT_EQ(york19["2"], 650);
    EXPECT_EQ(york19["3"], 4076);
    EXPECT_EQ(wy24["1"], 35);
    EXPECT_EQ(wy24["2"], 1164);
    EXPECT_EQ(wy24["3"], 2861);
    // BNG ranges of SOURCE.md (York E 451058-470367), and years 2005-2014.
    for (size_t i = 0; i < r.table.size(); ++i) {
        if (r.table.fileIndex[i] != 0) continue;
        ASSERT_GE(r.table.x[i], 451058);
        ASSERT_LE(r.table.x[i], 470367);
        ASSERT_GE(monthYear(r.table.month[i]), 2005);
        ASSERT_LE(monthYear(r.table.month[i]), 2014);
    }
}
