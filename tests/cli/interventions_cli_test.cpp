// End-to-end tests of `hotspot coverage`, `evaluate-interventions` and `sites`: constructed layouts
// with hand-counted answers, and the bundled sample.

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

using namespace hotspot;

namespace {

const char* kColumns = "id=id,date=date,category=category,x=x,y=y";

std::string incidentRow(int id, const char* date, const char* category, double x, double y) {
    return std::to_string(id) + "," + date + "," + category + "," + std::to_string(x) + "," + std::to_string(y) + "\n";
}

std::map<std::string, std::string> findRow(const std::vector<std::map<std::string, std::string>>& rows, const std::string& key,
                                           const std::string& value, const std::string& key2 = "", const std::string& value2 = "") {
    for (const auto& r : rows)
        if (r.at(key) == value && (key2.empty() || r.at(key2) == value2)) return r;
    ADD_FAILURE() << "no row with " << key << " = " << value;
    return {};
}

}  // namespace

TEST(CoverageCli, SharesInsideCircleAndWedgeCamerasCountFromTheInstallMonth) {
    test::TempDir dir;
    std::string incidents = "id,date,category,x,y\n";
    int id = 0;
    for (double dx : {-20.0, 0.0, 20.0, 40.0}) incidents += incidentRow(++id, "2021-02-01", "Burglary", 470000 + dx, 260000);  // in C1's circle
    incidents += incidentRow(++id, "2021-02-01", "Burglary", 470100, 260000);                                                  // 100 m from C1: outside
    incidents += incidentRow(++id, "2021-03-10", "Burglary", 471050, 260000);                                                  // in C2's wedge, before it was installed
    incidents += incidentRow(++id, "2021-08-10", "Burglary", 471050, 260000);                                                  // in C2's wedge, after
    incidents += incidentRow(++id, "2021-08-10", "Burglary", 471000, 260050);                                                  // north of C2: outside its wedge
    incidents += incidentRow(++id, "2021-05-01", "Anti-social behaviour", 470010, 260010);                                     // in C1's circle
    test::writeFile(dir.file("incidents.csv"), incidents);
    test::writeFile(dir.file("cams.csv"), "camera_id,x,y,bearing,fov,range,installed\nC1,470000,260000,,,50,\nC2,471000,260000,90,60,100,2021-06-01\n");
    test::writeFile(dir.file("lights.csv"), "light_id,lamp_type,x,y\nL1,LED,470000,260000\n");
    auto r = test::runCli({"coverage", "-q", dir.file("incidents.csv"), "--columns", kColumns, "--srs", "EPSG:27700", "--cameras", dir.file("cams.csv"),
                           "--lights", dir.file("lights.csv"), "--cell", "20", "--bandwidth", "100", "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("out/coverage_by_group.csv"));
    const auto burglary = findRow(rows, "group", "burglary", "period", "2021");
    EXPECT_EQ(burglary.at("incidents"), "8");
    EXPECT_EQ(burglary.at("in_cctv_coverage"), "5");
    EXPECT_EQ(burglary.at("share_pct"), "62.5");
    EXPECT_EQ(findRow(rows, "group", "asb", "period", "2021").at("in_cctv_coverage"), "1");
    const auto all = findRow(rows, "group", "all groups", "period", "2021");
    EXPECT_EQ(all.at("incidents"), "9");
    EXPECT_EQ(all.at("in_cctv_coverage"), "6");
    // The wedge and the circle are in the GeoPackage with their areas.
    EXPECT_EQ(test::featureCount(dir.file("out/coverage.gpkg"), "camera_coverage"), 2);
    EXPECT_GT(test::featureCount(dir.file("out/coverage.gpkg"), "hotspot_cells"), 0);
}

TEST(EvaluateInterventionsCli, HandCountedTreatedBufferAndControlGiveTheWdq) {
    test::TempDir dir;
    std::string incidents = "id,date,category,x,y\n";
    int id = 0;
    auto add = [&](int n, const char* date, double x, double y) {
        for (int k = 0; k < n; ++k) incidents += incidentRow(++id, date, "Burglary", x + k * 0.1, y);
    };
    add(10, "2021-05-10", 480000, 250000);   // treated, before (Apr-Jun)
    add(4, "2021-09-10", 480000, 250000);    // treated, after (Aug-Oct)
    add(5, "2021-04-10", 480200, 250000);    // buffer (100-300 m), before
    add(6, "2021-10-10", 480200, 250000);    // buffer, after
    add(100, "2021-06-10", 482000, 250000);  // control, before
    add(100, "2021-08-10", 482000, 250000);  // control, after
    add(7, "2021-07-20", 480000, 250000);    // the start month: left out
    add(3, "2021-01-10", 480000, 250000);    // outside both periods
    add(1, "2021-12-10", 482000, 250000);    // the data run to December
    test::writeFile(dir.file("incidents.csv"), incidents);
    test::writeFile(dir.file("projects.csv"), "id,name,category,round,budget,start,x,y\nP1,Alley gates,Alley gates,PSPO,3000,2021-07-15,480000,250000\n");
    auto r = test::runCli({"evaluate-interventions", "-q", dir.file("incidents.csv"), "--columns", kColumns, "--srs", "EPSG:27700", "--interventions",
                           dir.file("projects.csv"), "--period-months", "3", "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("out/intervention_evaluation.csv"));
    ASSERT_EQ(rows.size(), 1u);
    const auto& row = rows[0];
    EXPECT_EQ(row.at("before"), "2021-04:2021-06");
    EXPECT_EQ(row.at("after"), "2021-08:2021-10");
    EXPECT_EQ(row.at("treated_before"), "10");
    EXPECT_EQ(row.at("treated_after"), "4");
    EXPECT_EQ(row.at("buffer_before"), "5");
    EXPECT_EQ(row.at("buffer_after"), "6");
    EXPECT_EQ(row.at("control_before"), "100");
    EXPECT_EQ(row.at("control_after"), "100");
    EXPECT_EQ(row.at("prevented"), "6.0");                 // 10 x 100/100 - 4
    EXPECT_EQ(row.at("prevented_per_1000_gbp"), "2.000");  // 6 per GBP 3,000
    EXPECT_EQ(row.at("wdq"), "-0.167");                    // (6/100 - 5/100) / (4/100 - 10/100)
    EXPECT_NE(row.at("interpretation").find("some displacement"), std::string::npos);
    const std::string md = test::readFile(dir.file("out/intervention_evaluation.md"));
    EXPECT_NE(md.find("regression to the mean"), std::string::npos);
    // A layer without a start date is refused, naming the field.
    test::writeFile(dir.file("bad.csv"), "name,x,y\nGates,1,1\n");
    r = test::runCli({"evaluate-interventions", "-q", dir.file("incidents.csv"), "--columns", kColumns, "--srs", "EPSG:27700", "--interventions",
                      dir.file("bad.csv"), "-o", dir.file("out2")});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("start"), std::string::npos) << r.err;
}

TEST(InterventionsCli, SampleCoverageEvaluationAndSitesWithinBudget) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"coverage", "-q", s + "/data/police", "--months", "2021", "--cameras", s + "/data/interventions/cctv_cameras.csv", "--lights",
                           s + "/data/interventions/street_lights.csv", "-a", "priority=" + s + "/shapes/priority_areas.geojson", "-o", dir.file("cov")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto groups = test::readCsvRows(dir.file("cov/coverage_by_group.csv"));
    int64_t sum = 0, all = 0;
    for (const auto& g : groups) (g.at("group") == "all groups" ? all : sum) += std::stoll(g.at("incidents"));
    EXPECT_EQ(sum, all);
    EXPECT_GT(all, 10000);
    EXPECT_EQ(test::readCsvRows(dir.file("cov/coverage_by_area.csv")).size(), 11u);  // the 11 priority areas

    r = test::runCli({"evaluate-interventions", "-q", s + "/data/police", "--interventions", s + "/data/interventions/interventions.geojson", "--control",
                      "district=" + s + "/shapes/districts.geojson", "-o", dir.file("ev")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto ev = test::readCsvRows(dir.file("ev/intervention_evaluation.csv"));
    EXPECT_EQ(ev.size(), 9u);  // the seed's interventions
    for (const auto& row : ev) {
        if (row.at("wdq").empty()) continue;
        // The WDQ column is the formula applied to the counts in the same row.
        auto v = [&](const char* k) { return std::stod(row.at(k)); };
        const double wdq = (v("buffer_after") / v("control_after") - v("buffer_before") / v("control_before")) /
                           (v("treated_after") / v("control_after") - v("treated_before") / v("control_before"));
        EXPECT_NEAR(std::stod(row.at("wdq")), wdq, 5e-4) << row.at("name");
    }

    r = test::runCli({"sites", "-q", s + "/data/police", "--group", "asb,violence", "--months", "2021", "--existing",
                      s + "/data/interventions/cctv_cameras.csv", "--candidates", s + "/data/interventions/candidate_sites.csv", "--budget", "50000",
                      "-n", "10", "-o", dir.file("sites")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto picks = test::readCsvRows(dir.file("sites/sites.csv"));
    ASSERT_FALSE(picks.empty());
    double previous = 0;
    for (const auto& p : picks) {
        EXPECT_LE(std::stod(p.at("cumulative_cost")), 50000);
        EXPECT_GT(std::stod(p.at("cumulative")), previous);
        previous = std::stod(p.at("cumulative"));
    }
    EXPECT_EQ(test::featureCount(dir.file("sites/sites.gpkg"), "recommended_sites"), static_cast<int64_t>(picks.size()));
}

TEST(SitesCli, EachSiteNamesItsNearestStreetAndTheAreasItFallsIn) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"sites", "-q", s + "/data/police", "--group", "asb,violence", "--months", "2021", "--candidates",
                           s + "/data/interventions/candidate_sites.csv", "-n", "8", "--streets", s + "/shapes/street_gazetteer.csv", "-a",
                           "priority=" + s + "/shapes/priority_areas.geojson", "-a", "district=" + s + "/shapes/districts.geojson", "-o", dir.file("g")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // The nearest gazetteer point, found here by brute force over the CSV.
    const auto streets = test::readCsvRows(s + "/shapes/street_gazetteer.csv");
    const auto picks = test::readCsvRows(dir.file("g/sites.csv"));
    ASSERT_EQ(picks.size(), 8u);
    for (const auto& p : picks) {
        const double x = std::stod(p.at("x")), y = std::stod(p.at("y"));
        double best = INFINITY;
        std::string name;
        for (const auto& st : streets) {
            const double d = std::hypot(std::stod(st.at("easting")) - x, std::stod(st.at("northing")) - y);
            if (d < best) best = d, name = st.at("name");
        }
        EXPECT_EQ(p.at("street"), name) << p.at("candidate_id");
        EXPECT_NEAR(std::stod(p.at("street_distance_m")), best, 0.05);
        // Every sample candidate is in Northampton; the priority area is named (or "(outside)").
        EXPECT_EQ(p.at("district_name"), "Northampton");
        EXPECT_FALSE(p.at("priority_name").empty());
        EXPECT_EQ(p.at("priority_code").empty(), p.at("priority_name") == "(outside)");
    }
    // On a road network: the nearest named road line, with its number.
    r = test::runCli({"sites", "-q", s + "/data/police", "--group", "asb,violence", "--months", "2021", "--candidates",
                      s + "/data/interventions/candidate_sites.csv", "-n", "3", "--streets", s + "/shapes/roads.geojson", "-o", dir.file("n")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto onRoads = test::readCsvRows(dir.file("n/sites.csv"));
    ASSERT_EQ(onRoads.size(), 3u);
    for (const auto& p : onRoads) EXPECT_FALSE(p.at("street").empty());
    EXPECT_EQ(test::featureCount(dir.file("n/sites.gpkg"), "recommended_sites"), 3);
    // A file with no named street is an input error naming it.
    const std::string unnamed = dir.file("unnamed.csv");
    test::writeFile(unnamed, "x,y\n478000,263000\n");
    r = test::runCli({"sites", "-q", s + "/data/police", "--group", "asb", "--months", "2021", "--candidates", s + "/data/interventions/candidate_sites.csv",
                      "-n", "2", "--streets", unnamed, "-o", dir.file("u")});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("unnamed.csv"), std::string::npos) << r.err;
}
