// End-to-end tests of `hotspot roads` on the bundled road sample, and its errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_support.hpp"

using namespace hotspot;

namespace {

std::vector<std::string> sampleArgs(const std::string& out) {
    const std::string s = test::sourceDir();
    return {"roads",
            "--network", s + "/shapes/roads.geojson",
            "--collisions", s + "/data/roads/stats19_collisions_2019_legacy.csv", s + "/data/roads/stats19_collisions_2020_2021.csv",
            "--complaints", s + "/data/roads/road_complaints_2019_2021.csv",
            "--complaint-columns", "id=ref,date=date,category=issue,lon=lon,lat=lat",
            "--previous", s + "/data/roads/register_2020.csv",
            "-o", out};
}

// The sample run once for the tests of this file.
const std::string& sampleRun() {
    GDALAllRegister();
    static test::TempDir dir;
    static std::string err;
    static bool ran = false;
    if (!ran) {
        auto r = test::runCli(sampleArgs(dir.path()));
        EXPECT_EQ(r.exitCode, 0) << r.err;
        err = r.err;
        ran = true;
    }
    return dir.path();
}

int64_t csvRows(const std::string& path) { return static_cast<int64_t>(test::readCsvRows(path).size()); }

}  // namespace

TEST(RoadsCli, SampleGivesARankedRegisterWithTheDesignedClustersAndPreviousMatches) {
    const std::string out = sampleRun();
    const auto reg = test::readCsvRows(out + "/road_register.csv");
    ASSERT_GE(reg.size(), 5u);
    double lastScore = 1e300;
    for (size_t r = 0; r < reg.size(); ++r) {
        EXPECT_EQ(reg[r].at("rank"), std::to_string(r + 1));
        const double score = std::stod(reg[r].at("score"));
        EXPECT_LE(score, lastScore);  // ranked by score
        lastScore = score;
        // The score is the documented weighted sum of the counts.
        const double expected = 10 * std::stod(reg[r].at("fatal")) + 5 * std::stod(reg[r].at("serious")) + std::stod(reg[r].at("slight")) +
                                std::stod(reg[r].at("severity_unknown")) + 0.5 * std::stod(reg[r].at("complaints"));
        EXPECT_NEAR(score, expected, 0.051) << reg[r].at("locality_id");
        EXPECT_EQ(std::stoi(reg[r].at("collisions")), std::stoi(reg[r].at("fatal")) + std::stoi(reg[r].at("serious")) +
                                                          std::stoi(reg[r].at("slight")) + std::stoi(reg[r].at("severity_unknown")));
    }
    // The generator's clusters: the Weedon Road / ring junction (on the 2020 register as 2020-03),
    // the A5 bend (2020-11); Bedford Road (2020-17) has gone quiet and matches nothing.
    auto find = [&](const std::string& previousId) -> const std::map<std::string, std::string>* {
        for (const auto& row : reg)
            if (row.at("previous_id") == previousId) return &row;
        return nullptr;
    };
    const auto* weedon = find("2020-03");
    ASSERT_NE(weedon, nullptr);
    EXPECT_NE(weedon->at("road_names").find("Weedon Road"), std::string::npos);
    EXPECT_NE(weedon->at("source").find("cluster"), std::string::npos);
    EXPECT_GE(std::stoi(weedon->at("rule_collisions")), 4);
    EXPECT_LE(std::stod(weedon->at("previous_distance_m")), 100);
    ASSERT_NE(find("2020-11"), nullptr);
    EXPECT_EQ(find("2020-17"), nullptr);
    int onPrevious = 0;
    for (const auto& row : reg) onPrevious += row.at("on_previous_register") == "yes";
    EXPECT_EQ(onPrevious, 2);
    // Speeding complaints on Harlestone Road are a locality whose dominant issue is speeding.
    bool speeding = false;
    for (const auto& row : reg) speeding |= row.at("dominant_issue") == "speeding" && row.at("road_names").find("Harlestone Road") != std::string::npos;
    EXPECT_TRUE(speeding);
    const std::string md = test::readFile(out + "/road_register.md");
    EXPECT_NE(md.find("| 1 | RL001 |"), std::string::npos);
    EXPECT_NE(md.find("at least 4 injury collisions within 50 m of network distance over 36 months"), std::string::npos);
}

TEST(RoadsCli, EveryInputRowIsAccountedForAndUnsnappedIncidentsAreReportedNotDropped) {
    const std::string out = sampleRun();
    const std::string s = test::sourceDir();
    const int64_t collisionRows = csvRows(s + "/data/roads/stats19_collisions_2019_legacy.csv") + csvRows(s + "/data/roads/stats19_collisions_2020_2021.csv");
    const int64_t complaintRows = csvRows(s + "/data/roads/road_complaints_2019_2021.csv");
    const int64_t rejected = csvRows(out + "/road_rejects.csv");
    const int64_t incidents = test::featureCount(out + "/roads.gpkg", "road_incidents");
    EXPECT_EQ(incidents + rejected, collisionRows + complaintRows);
    const auto unsnapped = test::readCsvRows(out + "/unsnapped.csv");
    EXPECT_EQ(unsnapped.size(), 6u);  // the generator puts 2 collisions a year in car parks, 70 m off the road
    for (const auto& u : unsnapped) EXPECT_GT(std::stod(u.at("nearest_road_m")), 30) << u.at("line");
    // The beyond-tolerance ones stay in the incidents layer, flagged.
    GDALDatasetUniquePtr ds(GDALDataset::Open((out + "/roads.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("road_incidents");
    layer->SetAttributeFilter("status = 'beyond_tolerance'");
    EXPECT_EQ(layer->GetFeatureCount(), 6);
}

TEST(RoadsCli, LixelDensityCarriesTheSnappedCollisionsMassLessWhatLeavesAtDeadEnds) {
    const std::string out = sampleRun();
    GDALDatasetUniquePtr ds(GDALDataset::Open((out + "/roads.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* lixels = ds->GetLayerByName("road_lixels");
    ASSERT_NE(lixels, nullptr);
    EXPECT_EQ(wkbFlatten(lixels->GetGeomType()), wkbLineString);
    double mass = 0, length = 0;
    int64_t collisions = 0;
    for (auto& f : *lixels) {
        const double len = f->GetFieldAsDouble("length_m");
        mass += f->GetFieldAsDouble("collision_density_per_km") * len / 1000;
        length += len;
        collisions += f->GetFieldAsInteger("collisions");
        EXPECT_NEAR(f->GetGeometryRef()->toLineString()->get_Length(), len, 1e-6);
    }
    const std::string s = test::sourceDir();
    const int64_t collisionRows = csvRows(s + "/data/roads/stats19_collisions_2019_legacy.csv") + csvRows(s + "/data/roads/stats19_collisions_2020_2021.csv");
    EXPECT_EQ(collisions, collisionRows - 6);  // every snapped collision sits on one lixel
    // Equal split conserves mass at junctions; only the kernel tails past the 7 dead ends are lost.
    EXPECT_LE(mass, collisions + 1e-6);
    EXPECT_GE(mass, 0.97 * static_cast<double>(collisions));
    EXPECT_NEAR(length / 1000, 97.0, 0.5);  // footways excluded
}

TEST(RoadsCli, BadInputsGiveClearErrors) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    // A point layer is not a road network.
    auto r = test::runCli({"roads", "-q", "--network", s + "/shapes/priority_areas.geojson", "--collisions",
                           s + "/data/roads/stats19_collisions_2020_2021.csv", "-o", dir.path()});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("priority_areas.geojson"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no line features"), std::string::npos) << r.err;
    // No incidents at all.
    r = test::runCli({"roads", "-q", "--network", s + "/shapes/roads.geojson", "-o", dir.path()});
    EXPECT_EQ(r.exitCode, 2);
    // A bad STATS19 date is rejected with file, line and field; the run goes on.
    test::writeFile(dir.file("bad.csv"),
                    "collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time\n"
                    "2021340000001,474843,260643,,,3,31/02/2021,10:00\n"
                    "2021340000002,474843,260643,,,3,01/03/2021,10:00\n");
    r = test::runCli({"roads", "-q", "--network", s + "/shapes/roads.geojson", "--collisions", dir.file("bad.csv"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rejects = test::readCsvRows(dir.file("out/road_rejects.csv"));
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0].at("line"), "2");
    EXPECT_EQ(rejects[0].at("field"), "date");
    EXPECT_NE(rejects[0].at("reason").find("31/02/2021"), std::string::npos);
    // Unknown kernel / rule: usage errors.
    r = test::runCli({"roads", "-q", "--network", s + "/shapes/roads.geojson", "--collisions", dir.file("bad.csv"), "--kernel", "gaussian"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--kernel: gaussian not in {quartic,triweight,epanechnikov,triangular,uniform}"), std::string::npos) << r.err;
    r = test::runCli({"roads", "-q", "--network", s + "/shapes/roads.geojson", "--collisions", dir.file("bad.csv"), "--cluster-rule", "x"});
    EXPECT_EQ(r.exitCode, 2);
}

TEST(RoadsCli, RegisterLayersExportToShapefile) {
    const std::string out = sampleRun();
    test::TempDir dir;
    auto r = test::runCli({"export", "-q", out + "/roads.gpkg", "-f", "shapefile", "--to", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::featureCount(dir.file("road_localities.shp"), "road_localities"), test::featureCount(out + "/roads.gpkg", "road_localities"));
    EXPECT_EQ(test::featureCount(dir.file("road_lixels.shp"), "road_lixels"), test::featureCount(out + "/roads.gpkg", "road_lixels"));
    EXPECT_EQ(test::featureCount(dir.file("road_locality_extents.shp"), "road_locality_extents"),
              test::featureCount(out + "/roads.gpkg", "road_localities"));
}

// The locality profile on the sample: the casualty and vehicle tables are found beside the
// collision files, every row is accounted for, and the register's columns add up.
TEST(RoadsCli, SampleRegisterProfilesEachLocalityFromItsCasualtiesVehiclesAndCircumstances) {
    const std::string out = sampleRun();
    const std::string s = test::sourceDir();
    const int64_t casualtyRows = csvRows(s + "/data/roads/stats19_casualties_2019_legacy.csv") + csvRows(s + "/data/roads/stats19_casualties_2020_2021.csv");
    const int64_t vehicleRows = csvRows(s + "/data/roads/stats19_vehicles_2019_legacy.csv") + csvRows(s + "/data/roads/stats19_vehicles_2020_2021.csv");
    const auto linkedRejects = test::readCsvRows(out + "/linked_rejects.csv");
    // The 2019 archive's two mangled indexes: their casualties and vehicles cannot be joined.
    for (const auto& j : linkedRejects) EXPECT_NE(j.at("reason").find("scientific notation"), std::string::npos);
    EXPECT_EQ(test::featureCount(out + "/roads.gpkg", "road_casualties") + static_cast<int64_t>(std::count_if(
                                                                               linkedRejects.begin(), linkedRejects.end(), [](const auto& j) { return j.at("file").find("casualties") != std::string::npos; })),
              casualtyRows);
    const auto reg = test::readCsvRows(out + "/road_register.csv");
    bool pedestrianPattern = false, junctionSite = false, hgvOnA5 = false;
    for (const auto& row : reg) {
        auto n = [&](const char* column) { return std::stod(row.at(column)); };
        EXPECT_EQ(n("ksi"), n("fatal_casualties") + n("serious_casualties")) << row.at("locality_id");
        EXPECT_EQ(n("casualties"), n("fatal_casualties") + n("serious_casualties") + n("slight_casualties"));
        EXPECT_EQ(n("casualties"), n("pedestrians") + n("cyclists") + n("motorcyclists") + n("car_occupants") + n("goods_vehicle_occupants") +
                                       n("bus_occupants") + n("other_casualties"));
        EXPECT_LE(n("ksi"), n("ksi_adjusted") + n("serious_casualties"));  // adjusted serious <= 1 per casualty
        // Cost: DfT's 2014 value per collision by severity.
        EXPECT_NEAR(n("cost_gbp"), 2066732 * n("fatal") + 235791 * n("serious") + 24887 * n("slight"), 0.5);
        EXPECT_EQ(row.at("cost_price_year"), "2014");
        // The trend is a test, not a comparison of two counts.
        const double p = n("trend_p");
        EXPECT_EQ(row.at("trend") == "rising" || row.at("trend") == "falling", p < 0.05) << row.at("trend") << " p=" << p;
        pedestrianPattern |= row.at("road_names").find("Kettering Road") != std::string::npos &&
                             row.at("issue_pattern").find("pedestrian casualties") != std::string::npos;
        junctionSite |= row.at("road_names").find("Weedon Road") != std::string::npos && row.at("site_type") == "junction" &&
                        row.at("on_previous_register") == "yes";
        hgvOnA5 |= row.at("road_numbers").find("A5 ") != std::string::npos && n("hgv_collisions") >= 1 && row.at("urban_rural") == "rural";
    }
    EXPECT_TRUE(pedestrianPattern);  // the generator puts pedestrians and children by the Kettering Road shops
    EXPECT_TRUE(junctionSite);       // the ring-road junction at St Peter's Way
    EXPECT_TRUE(hgvOnA5);            // HGVs on the A5
    const std::string md = test::readFile(out + "/road_register.md");
    EXPECT_NE(md.find("RAS60001"), std::string::npos);
    EXPECT_NE(md.find("| Casualties (KSI) |"), std::string::npos);
    int64_t joinedVehicles = 0;
    const std::string gpkg = out + "/roads.gpkg";
    GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    for (auto& f : *ds->GetLayerByName("road_incidents")) joinedVehicles += f->GetFieldAsInteger("vehicles");
    const int64_t vehicleRejects = static_cast<int64_t>(
        std::count_if(linkedRejects.begin(), linkedRejects.end(), [](const auto& j) { return j.at("file").find("vehicles") != std::string::npos; }));
    EXPECT_EQ(joinedVehicles + vehicleRejects, vehicleRows);
}

TEST(RoadsCli, TrendWithoutTheEarlierWindowIsInsufficientHistoryAndRankByCostOrdersByCost) {
    test::TempDir dir;
    auto args = sampleArgs(dir.path());
    args.insert(args.end(), {"--months", "2021", "--rank-by", "cost"});
    auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("every trend is 'insufficient history'"), std::string::npos) << r.err;
    const auto reg = test::readCsvRows(dir.file("road_register.csv"));
    ASSERT_FALSE(reg.empty());
    double lastCost = 1e300;
    for (const auto& row : reg) {
        EXPECT_EQ(row.at("trend"), "insufficient history");
        EXPECT_EQ(row.at("trend_p"), "");
        EXPECT_LE(std::stod(row.at("cost_gbp")), lastCost);
        lastCost = std::stod(row.at("cost_gbp"));
    }
    // A cost table and an issue-rule table of the user's own, with errors that name the line.
    test::writeFile(dir.file("rules.csv"), "pattern,when\nall of them,collisions >= 0\nbad,colisions >= 1\n");
    args = sampleArgs(dir.file("out2"));
    args.insert(args.end(), {"--issue-rules", dir.file("rules.csv")});
    r = test::runCli(args);
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("rules.csv"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("colisions"), std::string::npos) << r.err;
    r = test::runCli({"roads", "-q", "--network", test::sourceDir() + "/shapes/roads.geojson", "--collisions",
                      test::sourceDir() + "/data/roads/stats19_collisions_2020_2021.csv", "--rank-by", "beauty", "-o", dir.file("out3")});
    EXPECT_EQ(r.exitCode, 2);
}

// OS Open Roads: road_link with name_1, road_number, road_classification and node ids. A road that
// crosses another on a bridge shares a vertex position with it but not a node id, so it is not a
// junction; the topology comes from the ids.
TEST(RoadsCli, OsOpenRoadsTopologyComesFromNodeIdsAndNamesCarryTheRoadNumber) {
    GDALAllRegister();
    test::TempDir dir;
    const double x0 = 474000, y0 = 260000;
    {
        GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDatasetUniquePtr ds(gpkg->Create(dir.file("oproad.gpkg").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_TRUE(ds);
        OGRSpatialReference bng;
        bng.importFromEPSG(27700);
        OGRLayer* layer = ds->CreateLayer("road_link", &bng, wkbLineString, nullptr);
        for (const char* f : {"name_1", "road_number", "road_classification", "form_of_way", "start_node", "end_node"}) {
            OGRFieldDefn defn(f, OFTString);
            layer->CreateField(&defn);
        }
        struct Link {
            const char *name, *number, *cls, *start, *end;
            std::vector<std::pair<double, double>> points;
        };
        const std::vector<Link> links = {
            {"Weedon Road", "A45", "A Road", "n1", "n2", {{0, 0}, {100, 0}, {200, 0}}},
            {"Bridge Street", "", "Unclassified", "n3", "n4", {{100, -100}, {100, 0}, {100, 100}}},  // on a bridge over the A45
            {"Weedon Road", "A45", "A Road", "n2", "n5", {{200, 0}, {300, 0}}},
            {"", "B526", "B Road", "n2", "n6", {{200, 0}, {200, 100}}},
        };
        for (const auto& l : links) {
            OGRFeature f(layer->GetLayerDefn());
            f.SetField("name_1", l.name);
            f.SetField("road_number", l.number);
            f.SetField("road_classification", l.cls);
            f.SetField("form_of_way", "Single Carriageway");
            f.SetField("start_node", l.start);
            f.SetField("end_node", l.end);
            OGRLineString line;
            for (const auto& [x, y] : l.points) line.addPoint(x0 + x, y0 + y);
            f.SetGeometry(&line);
            ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
        }
    }
    test::writeFile(dir.file("collisions.csv"),
                    "collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time\n"
                    "2021340000001,474090,260003,,,3,01/03/2021,10:00\n"    // on the A45 by the bridge
                    "2021340000002,474196,260002,,,2,02/03/2021,10:00\n"    // 4 m from the A45 / B526 junction
                    "2021340000003,474150,260002,,,3,03/03/2021,10:00\n");  // mid-link
    auto r = test::runCli({"roads", "--network", dir.file("oproad.gpkg"), "--collisions", dir.file("collisions.csv"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("network: 4 features -> 4 edges, 6 nodes"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nodes from the ids in 'start_node' and 'end_node'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("class field 'road_classification', number field 'road_number'"), std::string::npos) << r.err;
    GDALDatasetUniquePtr out(GDALDataset::Open(dir.file("out/roads.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(out);
    std::map<std::string, std::pair<std::string, int>> byId;  // road name, network junction
    for (auto& f : *out->GetLayerByName("road_incidents"))
        byId[f->GetFieldAsString("source_id")] = {f->GetFieldAsString("road_name"), f->GetFieldAsInteger("network_junction")};
    EXPECT_EQ(byId.at("2021340000001").first, "A45 Weedon Road");
    EXPECT_EQ(byId.at("2021340000001").second, 0);  // the bridge 10 m away is not a junction
    EXPECT_EQ(byId.at("2021340000002").second, 1);  // three links meet at n2
    EXPECT_EQ(byId.at("2021340000003").second, 0);
    std::set<std::string> numbers;
    for (auto& f : *out->GetLayerByName("road_lixels")) numbers.insert(f->GetFieldAsString("road_number"));
    EXPECT_EQ(numbers, (std::set<std::string>{"", "A45", "B526"}));
    // A bad role is a usage error.
    r = test::runCli({"roads", "-q", "--network", dir.file("oproad.gpkg"), "--network-fields", "colour=red", "--collisions", dir.file("collisions.csv"),
                      "-o", dir.file("out3")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("colour"), std::string::npos) << r.err;
}

// Every roads layer opens in QGIS styled: the default style's classes cover the values the layer holds.
TEST(RoadsCli, EveryRoadsLayerCarriesAQgisStyleWhoseClassesCoverItsValues) {
    const std::string out = sampleRun();
    GDALDatasetUniquePtr ds(GDALDataset::Open((out + "/roads.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    std::map<std::string, std::string> qml;
    for (auto& f : *ds->GetLayerByName("layer_styles")) qml[f->GetFieldAsString("f_table_name")] = f->GetFieldAsString("styleQML");
    for (const char* layer : {"road_lixels", "road_localities", "road_locality_extents", "road_incidents", "road_casualties"})
        EXPECT_EQ(qml.count(layer), 1u) << layer;
    auto values = [&](const char* layer, const char* field) {
        std::set<std::string> v;
        for (auto& f : *ds->GetLayerByName(layer)) v.insert(f->GetFieldAsString(field));
        return v;
    };
    for (const auto& v : values("road_incidents", "severity")) EXPECT_NE(qml["road_incidents"].find("value=\"" + v + "\""), std::string::npos) << v;
    for (const auto& v : values("road_casualties", "road_user_group"))
        EXPECT_NE(qml["road_casualties"].find("value=\"" + v + "\""), std::string::npos) << v;
    for (const auto& v : values("road_locality_extents", "source"))
        EXPECT_NE(qml["road_locality_extents"].find("value=\"" + v + "\""), std::string::npos) << v;
    // The lixel classes run from 0 to this run's largest density.
    double largest = 0;
    for (auto& f : *ds->GetLayerByName("road_lixels")) largest = std::max(largest, f->GetFieldAsDouble("weighted_density_per_km"));
    const std::string& lixels = qml["road_lixels"];
    const size_t last = lixels.rfind("upper=\"");
    ASSERT_NE(last, std::string::npos);
    EXPECT_DOUBLE_EQ(std::stod(lixels.substr(last + 7)), largest);
    EXPECT_NE(lixels.find("attr=\"weighted_density_per_km\""), std::string::npos);
}
