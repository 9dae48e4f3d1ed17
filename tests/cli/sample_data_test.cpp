// The bundled sample: reproducible from its generator, and calibrated to the seed report's figures.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

TEST(SampleData, GeneratorReproducesTheCommittedFilesByteForByte) {
    test::TempDir dir;
    auto r = test::runProgram(test::makeSamplePath(), {dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    int compared = 0;
    for (const char* top : {"data", "shapes"})
        for (const auto& e : fs::recursive_directory_iterator(fs::path(dir.path()) / top)) {
            if (!e.is_regular_file()) continue;
            fs::path rel = fs::relative(e.path(), dir.path());
            fs::path committed = fs::path(test::sourceDir()) / rel;
            ASSERT_TRUE(fs::exists(committed)) << rel;
            EXPECT_EQ(test::readFile(e.path()), test::readFile(committed)) << rel << " differs from the generator's output";
            ++compared;
        }
    // 36 monthly police files, council cases, 3 shapes files, roads + 8 road files (collisions, casualties and vehicles in two
    // schemas, complaints, the 2020 register), 4 intervention files
    EXPECT_EQ(compared, 36 + 1 + 3 + 1 + 8 + 4);
}

// Yearly counts per district after geocoding reproduce the West Northamptonshire CSP report (Jan 2022).
TEST(SampleData, GeocodedCountsReproduceTheSeedReportFigures) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"geocode", "-q", s + "/data/police", "-g", s + "/shapes/street_gazetteer.csv", "-a",
                           "district=" + s + "/shapes/districts.geojson", "--no-gpkg", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, std::map<std::string, int>> c;  // district -> key -> count
    for (const auto& row : test::readCsvRows(dir.file("incidents.csv"))) {
        const std::string& d = row.at("district_name");
        if (d.empty()) continue;
        const std::string year = row.at("month").substr(0, 4);
        const std::string& type = row.at("category");
        if (type != "Anti-social behaviour") ++c[d]["total " + year];
        ++c[d][type + " " + year];
        ++c[d][row.at("force_category") + " " + year];
        if (type == "Violence and sexual offences" && row.at("domestic_abuse_flag") == "Y") ++c[d]["domestic " + year];
    }
    auto pct = [](double now, double before) { return std::round(1000.0 * (now / before - 1.0)) / 10.0; };
    auto share = [](double part, double whole) { return std::round(1000.0 * part / whole) / 10.0; };
    auto& dsn = c["Daventry & South Northants"];
    auto& nth = c["Northampton"];
    // Daventry & South Northants
    EXPECT_EQ(pct(dsn["total 2021"], dsn["total 2020"]), -10.2);
    EXPECT_EQ(share(dsn["Violence and sexual offences 2021"], dsn["total 2021"]), 45.4);
    EXPECT_EQ(pct(dsn["Violence and sexual offences 2021"], dsn["Violence and sexual offences 2020"]), -8.6);
    EXPECT_EQ(share(dsn["domestic 2021"], dsn["Violence and sexual offences 2021"]), 36.4);
    EXPECT_EQ(pct(dsn["domestic 2021"], dsn["domestic 2020"]), -7.8);
    EXPECT_EQ(dsn["Burglary 2021"], 444);
    EXPECT_EQ(pct(dsn["All other theft 2021"], dsn["All other theft 2020"]), -0.4);
    EXPECT_EQ(pct(dsn["Public disorder 2021"], dsn["Public disorder 2020"]), -2.6);
    EXPECT_GT(dsn["Public disorder 2021"], dsn["Public disorder 2019"]);
    EXPECT_EQ(pct(dsn["Drug possession 2021"], dsn["Drug possession 2020"]), 30.2);
    EXPECT_EQ(pct(dsn["Drug trafficking 2021"], dsn["Drug trafficking 2020"]), 28.3);
    // Northampton
    EXPECT_EQ(pct(nth["total 2021"], nth["total 2020"]), 0.5);
    EXPECT_EQ(share(nth["Violence and sexual offences 2021"], nth["total 2021"]), 42.9);
    EXPECT_EQ(pct(nth["Violence and sexual offences 2021"], nth["Violence and sexual offences 2020"]), 0.1);
    EXPECT_EQ(share(nth["domestic 2021"], nth["Violence and sexual offences 2021"]), 32.2);
    EXPECT_EQ(pct(nth["domestic 2021"], nth["domestic 2020"]), -9.9);
    EXPECT_EQ(nth["Burglary residential 2021"], 920);
    EXPECT_EQ(nth["Burglary residential 2019"], 1221);
    EXPECT_EQ(pct(nth["Burglary residential 2021"], nth["Burglary residential 2020"]), 0.2);
    EXPECT_EQ(pct(nth["Burglary business and community 2021"], nth["Burglary business and community 2020"]), -39.5);
    EXPECT_GT(nth["Public disorder 2021"], nth["Public disorder 2020"]);
    EXPECT_GT(nth["Stalking and harassment 2021"], nth["Stalking and harassment 2020"]);
}
