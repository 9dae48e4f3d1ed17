// End-to-end tests of `hotspot geocode` on the bundled sample and on broken inputs.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> sampleArgs(const std::string& out) {
    const std::string s = test::sourceDir();
    return {"geocode", s + "/data/police", s + "/data/council/asb_reports_2021.csv",
            "--columns", "id=case_ref,date=date_reported,category=case_type,address=address",
            "-g", s + "/shapes/street_gazetteer.csv",
            "-a", "priority=" + s + "/shapes/priority_areas.geojson",
            "-a", "district=" + s + "/shapes/districts.geojson",
            "--period", "year", "-o", out};
}

const char* kPoliceHeader =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

}  // namespace

TEST(GeocodeCli, HelpAndVersion) {
    auto help = test::runCli({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("geocode"), std::string::npos);
    EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
    auto sub = test::runCli({"geocode", "--help"});
    EXPECT_EQ(sub.exitCode, 0);
    for (const char* option : {"--areas", "--gazetteer", "--columns", "--srs", "--categories", "--period", "--out", "--min-score"})
        EXPECT_NE(sub.out.find(option), std::string::npos) << option;
    auto version = test::runCli({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_TRUE(std::regex_search(version.out, std::regex("hotspot [0-9]+\\.[0-9]+\\.[0-9]+ \\(GDAL")));
    EXPECT_EQ(test::runCli({}).exitCode, 2);
    EXPECT_EQ(test::runCli({"geocode"}).exitCode, 2);  // inputs are required
}

TEST(GeocodeCli, SampleRunWritesEveryOutputAndAccountsForEveryRow) {
    test::TempDir dir;
    const std::string out = dir.file("out");
    auto r = test::runCli(sampleArgs(out));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // Summary: total rows = accepted + rejected + superseded, and the numbers add up.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("total: ([0-9]+) rows = ([0-9]+) accepted \\+ ([0-9]+) rejected \\+ ([0-9]+) superseded\n")))
        << r.err;
    long rows = std::stol(m[1]), accepted = std::stol(m[2]), rejected = std::stol(m[3]), superseded = std::stol(m[4]);
    EXPECT_EQ(rows, accepted + rejected + superseded);
    EXPECT_NE(r.err.find("Helmert"), std::string::npos);  // which transformation ran
    for (const char* f : {"incidents.gpkg", "incidents.csv", "area_summary.csv", "rejects.csv", "geocode_report.csv"})
        EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
    EXPECT_EQ(test::featureCount(out + "/incidents.gpkg", "incidents"), accepted);
    EXPECT_EQ(test::featureCount(out + "/incidents.gpkg", "areas_priority"), 11);
    EXPECT_EQ(test::featureCount(out + "/incidents.gpkg", "areas_district"), 2);
    EXPECT_GT(test::featureCount(out + "/incidents.gpkg", "area_summary"), 50);
    auto rejects = test::readCsvRows(out + "/rejects.csv");
    EXPECT_EQ(static_cast<long>(rejects.size()), rejected + superseded);
    for (const auto& j : rejects) {
        EXPECT_FALSE(j.at("file").empty());
        EXPECT_GT(std::stol(j.at("line")), 1);
        EXPECT_FALSE(j.at("reason").empty());
    }
    // Every incident row carries its area codes or the outside flag, never silently nothing.
    auto incidents = test::readCsvRows(out + "/incidents.csv");
    EXPECT_EQ(static_cast<long>(incidents.size()), accepted);
    long outside = 0, inPriority = 0;
    for (const auto& row : incidents) {
        bool anyArea = !row.at("priority_code").empty() || !row.at("district_code").empty();
        EXPECT_EQ(row.at("outside_areas") == "1", !anyArea);
        outside += row.at("outside_areas") == "1";
        inPriority += !row.at("priority_code").empty();
    }
    EXPECT_GT(outside, 0);  // the sample's out-of-force rows are kept and flagged
    EXPECT_GT(inPriority, 10000);
    // The area summary adds up to the incident counts per layer.
    long summed = 0;
    for (const auto& row : test::readCsvRows(out + "/area_summary.csv"))
        if (row.at("layer") == "district") summed += std::stol(row.at("incidents"));
    EXPECT_EQ(summed, accepted);
    // Address geocoding: exact, fuzzy and unmatched all appear in the report.
    auto report = test::readFile(out + "/geocode_report.csv");
    EXPECT_NE(report.find(",matched,exact,"), std::string::npos);
    EXPECT_NE(report.find(",matched,fuzzy,"), std::string::npos);
    EXPECT_NE(report.find(",unmatched,"), std::string::npos);
    EXPECT_NE(report.find(",ambiguous,"), std::string::npos);
}

TEST(GeocodeCli, BadInputsGiveClearMessagesAndExitCodes) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    const std::string areas = "priority=" + s + "/shapes/priority_areas.geojson";
    struct Case {
        const char* name;
        std::string content;
        std::vector<std::string> extra;
        int exitCode;
        std::string message;
    };
    std::string wrongHeader = "Crime ID,Month,Longitude,Latitude,Location\nx,2021-01,-0.9,52.2,Here\n";
    std::string missingColumn = std::string("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Context\n");
    std::vector<Case> cases = {
        {"wrong_header.csv", wrongHeader, {}, 2, "not a police.uk street CSV"},
        {"missing_column.csv", missingColumn, {"--format", "police"}, 3, "column 'Last outcome category'"},
        {"empty.csv", "", {}, 3, "empty.csv:1: file is empty"},
        {"junk.csv", std::string("\x7f"
                                 "ELF\x02\x01\x01\x00\x00\x00",
                                 10) +
                         std::string(3000, '\x01'),
         {},
         3,
         "binary content"},
        {"mapped.csv", "ref,E,N\n1,475000,260000\n", {"--columns", "id=ref,x=E,y=N", "--srs", "EPSG:999999"}, 2, "EPSG:999999"},
    };
    for (const auto& c : cases) {
        test::writeFile(dir.file(c.name), c.content);
        std::vector<std::string> args = {"geocode", dir.file(c.name), "-a", areas, "-o", dir.file("out")};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, c.exitCode) << c.name << ": " << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    }
    // A missing file.
    auto missing = test::runCli({"geocode", dir.file("nope.csv"), "-o", dir.file("out")});
    EXPECT_EQ(missing.exitCode, 3);
    EXPECT_NE(missing.err.find("nope.csv: no such file"), std::string::npos) << missing.err;
    // An area layer that is not polygons.
    test::writeFile(dir.file("ok.csv"), std::string(kPoliceHeader) + "a,2021-01,P,P,-0.89,52.24,On or near X,,,Burglary,,\n");
    test::writeFile(dir.file("lines.geojson"),
                    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]})");
    auto lines = test::runCli({"geocode", dir.file("ok.csv"), "-a", "x=" + dir.file("lines.geojson"), "-o", dir.file("out")});
    EXPECT_EQ(lines.exitCode, 3);
    EXPECT_NE(lines.err.find("is not a polygon layer"), std::string::npos) << lines.err;
    // Non-numeric and out-of-range coordinates do not stop the run: they go to rejects.csv.
    test::writeFile(dir.file("rows.csv"), std::string(kPoliceHeader) + "a,2021-01,P,P,-0.89,52.24,On or near X,,,Burglary,,\n" +
                                              "b,2021-01,P,P,west,52.24,On or near X,,,Burglary,,\n" +
                                              "c,2021-01,P,P,-0.89,152.24,On or near X,,,Burglary,,\n");
    auto rows = test::runCli({"geocode", dir.file("rows.csv"), "-a", areas, "-o", dir.file("out2")});
    EXPECT_EQ(rows.exitCode, 0) << rows.err;
    EXPECT_NE(rows.err.find("3 rows = 1 accepted + 2 rejected + 0 superseded"), std::string::npos) << rows.err;
    auto rejects = test::readCsvRows(dir.file("out2/rejects.csv"));
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(rejects[0].at("line"), "3");
    EXPECT_EQ(rejects[0].at("field"), "Longitude");
    EXPECT_EQ(rejects[1].at("field"), "Latitude");
}

TEST(GeocodeCli, AFailingRunLeavesThePreviousOutputsIntact) {
    test::TempDir dir;
    const std::string out = dir.file("out");
    test::writeFile(dir.file("ok.csv"), std::string(kPoliceHeader) + "a,2021-01,P,P,-0.89,52.24,On or near X,,,Burglary,,\n");
    ASSERT_EQ(test::runCli({"geocode", "-q", dir.file("ok.csv"), "-o", out}).exitCode, 0);
    const std::string before = test::readFile(out + "/incidents.csv");
    ASSERT_FALSE(before.empty());
    // Second run fails after reading (bad area layer named last): nothing in out/ changes.
    test::writeFile(dir.file("ok2.csv"), std::string(kPoliceHeader) + "b,2021-02,P,P,-0.89,52.24,On or near Y,,,Robbery,,\n");
    auto r = test::runCli({"geocode", "-q", dir.file("ok2.csv"), "-a", dir.file("missing.gpkg"), "-o", out});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_EQ(test::readFile(out + "/incidents.csv"), before);
    for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().filename().string().rfind(".staging", 0), 0u);
    // -q really is quiet on success.
    auto quiet = test::runCli({"geocode", "-q", dir.file("ok2.csv"), "-o", out});
    EXPECT_EQ(quiet.exitCode, 0);
    EXPECT_EQ(quiet.err, "");
}
