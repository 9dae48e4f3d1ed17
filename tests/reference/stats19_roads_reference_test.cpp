// `hotspot roads` on real STATS19 tables: West Yorkshire 2024 (2024 schema, intact keys) and York
// 2005-2014 (legacy schema, indexes mangled by a spreadsheet). The casualty, vehicle and
// circumstance counts the command writes are checked against a computation in the test straight
// from the files.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_support.hpp"

using namespace hotspot;

namespace {

// Sums of integer/real fields of a layer, and counts of a text field's values.
struct LayerTotals {
    std::map<std::string, double> sums;
    std::map<std::string, int64_t> nonNull;
    std::map<std::string, std::map<std::string, int64_t>> values;
    int64_t features = 0;
};

LayerTotals totalsOf(const std::string& path, const std::string& layerName, const std::vector<std::string>& numeric,
                     const std::vector<std::string>& text) {
    GDALAllRegister();
    LayerTotals t;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    EXPECT_TRUE(ds) << path;
    if (!ds) return t;
    OGRLayer* layer = ds->GetLayerByName(layerName.c_str());
    EXPECT_NE(layer, nullptr) << layerName;
    if (!layer) return t;
    for (auto& f : *layer) {
        ++t.features;
        for (const auto& name : numeric) {
            const int i = f->GetFieldIndex(name.c_str());
            EXPECT_GE(i, 0) << name;
            if (i >= 0 && f->IsFieldSetAndNotNull(i)) t.sums[name] += f->GetFieldAsDouble(i), ++t.nonNull[name];
        }
        for (const auto& name : text) ++t.values[name][f->GetFieldAsString(name.c_str())];
    }
    return t;
}

std::string network(const std::string& shared) { return shared + "/reference/osm-leeds-its-example/its-example-lines.geojson"; }

}  // namespace

TEST(ReferenceStats19Roads, WestYorkshire2024CasualtiesVehiclesAndCircumstancesEqualTheFiles) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const std::string dir = *shared + "/reference/stats19-west-yorkshire-2024";
    test::TempDir out;
    // Only the collision file is named: the casualty and vehicle files are found beside it.
    auto r = test::runCli({"roads", "--network", network(*shared), "--collisions", dir + "/accidents.csv", "-o", out.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("casualties: " + dir + "/casualties.csv (2024 schema, found beside the collisions): 5240 rows = 5240 joined + 0 of "
                                                "collisions not used + 0 rejected"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("7355 rows = 7355 joined"), std::string::npos) << r.err;

    // The independent computation, straight from the CSV files.
    const auto casualties = test::readCsvRows(dir + "/casualties.csv");
    const auto vehicles = test::readCsvRows(dir + "/vehicles.csv");
    const auto collisions = test::readCsvRows(dir + "/accidents.csv");
    ASSERT_EQ(casualties.size(), 5240u);  // SOURCE.md
    std::map<std::string, int64_t> bySeverity;
    int64_t pedestrians = 0, cyclists = 0, motorcyclists = 0, children = 0;
    double ksiAdjusted = 0;
    for (const auto& c : casualties) {
        const std::string& sev = c.at("casualty_severity");
        ++bySeverity[sev == "1" ? "fatal" : sev == "2" ? "serious"
                                                       : "slight"];
        const int type = std::stoi(c.at("casualty_type"));
        pedestrians += c.at("casualty_class") == "3" || type == 0;
        cyclists += type == 1;
        motorcyclists += type == 2 || type == 3 || type == 4 || type == 5 || type == 23 || type == 97;
        const int age = std::stoi(c.at("age_of_casualty"));
        children += age >= 0 && age < 16;
        ksiAdjusted += sev == "1" ? 1.0 : std::stod(c.at("casualty_adjusted_severity_serious"));
    }
    std::set<std::string> hgvCollisions;
    for (const auto& v : vehicles)
        if (v.at("vehicle_type") == "20" || v.at("vehicle_type") == "21") hgvCollisions.insert(v.at("collision_index"));
    int64_t dark = 0, junction = 0, junctionKnown = 0, weekend = 0;
    for (const auto& a : collisions) {
        const std::string& light = a.at("light_conditions");
        dark += light == "4" || light == "5" || light == "6" || light == "7";
        const std::string& j = a.at("junction_detail");
        junctionKnown += j != "-1" && j != "99";
        junction += j != "0" && j != "-1" && j != "99";
        weekend += a.at("day_of_week") == "1" || a.at("day_of_week") == "7";
    }

    // What the command wrote, per collision (road_incidents) and per casualty (road_casualties).
    const std::string gpkg = out.path() + "/roads.gpkg";
    const LayerTotals inc = totalsOf(gpkg, "road_incidents",
                                     {"casualties", "ksi", "ksi_adjusted", "pedestrians", "cyclists", "motorcyclists", "children", "vehicles", "hgv",
                                      "dark", "junction", "weekend"},
                                     {});
    EXPECT_EQ(inc.features, 4060);
    EXPECT_EQ(inc.sums.at("casualties"), 5240);
    EXPECT_EQ(inc.sums.at("ksi"), bySeverity["fatal"] + bySeverity["serious"]);
    EXPECT_EQ(inc.sums.at("ksi"), 40 + 1278);
    EXPECT_NEAR(inc.sums.at("ksi_adjusted"), ksiAdjusted, 1e-6);
    EXPECT_EQ(inc.sums.at("pedestrians"), pedestrians);
    EXPECT_EQ(inc.sums.at("cyclists"), cyclists);
    EXPECT_EQ(inc.sums.at("motorcyclists"), motorcyclists);
    EXPECT_EQ(inc.sums.at("children"), children);
    EXPECT_EQ(inc.sums.at("vehicles"), 7355);
    EXPECT_EQ(inc.sums.at("hgv"), static_cast<double>(hgvCollisions.size()));
    EXPECT_EQ(inc.sums.at("dark"), dark);
    EXPECT_EQ(inc.sums.at("junction"), junction);
    EXPECT_EQ(inc.nonNull.at("junction"), junctionKnown);
    EXPECT_EQ(inc.sums.at("weekend"), weekend);
    const LayerTotals cas = totalsOf(gpkg, "road_casualties", {}, {"severity", "road_user_group"});
    EXPECT_EQ(cas.features, 5240);
    EXPECT_EQ(cas.values.at("severity").at("fatal"), bySeverity["fatal"]);
    EXPECT_EQ(cas.values.at("severity").at("serious"), bySeverity["serious"]);
    EXPECT_EQ(cas.values.at("severity").at("slight"), bySeverity["slight"]);
    EXPECT_EQ(cas.values.at("road_user_group").at("pedestrian"), pedestrians);
    // One year of data: every trend says so instead of "rising".
    for (const auto& row : test::readCsvRows(out.path() + "/road_register.csv")) EXPECT_EQ(row.at("trend"), "insufficient history");
}

TEST(ReferenceStats19Roads, YorkLegacyTablesCannotBeJoinedAndEveryRowIsRejectedWithTheReason) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const std::string dir = *shared + "/reference/stats19-york-2005-2014";
    test::TempDir out;
    auto r = test::runCli({"roads", "--network", network(*shared), "--collisions", dir + "/accidents.csv", "-o", out.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // The spreadsheet turned every Acc_Index into "2.00512E+12": nothing joins, every row is reported.
    const auto rejects = test::readCsvRows(out.path() + "/linked_rejects.csv");
    EXPECT_EQ(rejects.size(), 6135u + 8893u);  // SOURCE.md: casualties and vehicles rows
    for (const auto& j : rejects) {
        EXPECT_EQ(j.at("field"), "Acc_Index");
        EXPECT_NE(j.at("reason").find("scientific notation"), std::string::npos);
    }
    EXPECT_NE(r.err.find("6135 rows = 0 joined + 0 of collisions not used + 6135 rejected"), std::string::npos) << r.err;
    // The time the legacy files keep in Date ("01/01/2005 09:45") is the collision's time.
    const auto collisions = test::readCsvRows(dir + "/accidents.csv");
    std::map<std::string, int64_t> expectedTimes;
    for (const auto& a : collisions) ++expectedTimes[a.at("Date").substr(11)];
    const LayerTotals inc = totalsOf(out.path() + "/roads.gpkg", "road_incidents", {"weekend", "peak_hour"}, {"time"});
    EXPECT_EQ(inc.values.at("time"), expectedTimes);
    int64_t weekend = 0;
    for (const auto& a : collisions) weekend += a.at("Day_of_Week") == "1" || a.at("Day_of_Week") == "7";
    EXPECT_EQ(inc.sums.at("weekend"), weekend);
    EXPECT_EQ(inc.nonNull.at("peak_hour"), 4778);  // every row has a day and a time
}

// The built-in value of prevention (DfT RAS60001, 2014) against the same year's totals as
// transcribed in the reference folder from Transport Scotland's reproduction of DfT's GB table.
TEST(ReferenceStats19Roads, BuiltInCostsEqualThe2014TotalsOfTheReferenceTable) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const auto rows = test::readCsvRows(*shared + "/reference/dft-value-of-prevention-road-collisions/value_of_prevention_gb.csv");
    const auto builtin = test::readCsvRows(test::sourceDir() + "/data/roads/value_of_prevention_dft_2014.csv");
    int compared = 0;
    for (const auto& b : builtin)
        for (const auto& r : rows)
            if (r.at("price_year") == "2014" && r.at("element") == "Total" && r.at("severity") == b.at("severity")) {
                EXPECT_EQ(r.at("value_gbp"), b.at("value_gbp")) << b.at("severity");
                ++compared;
            }
    EXPECT_EQ(compared, 4);  // Fatal, Serious, Slight, Damage only
}
