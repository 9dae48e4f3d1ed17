// ONS geography across the 2011/2021 change and census denominators, on the Trafford reference
// files: the rows' own LSOA codes against their points (with and without the ONS lookup), the
// attribute join, and residents/households per area by code, through a lookup and apportioned.
// Incidents and the 2011 -> 2021 lookup are made here at run time from the reference boundaries
// (nothing cut from ../shared is stored in the project).

#include <gtest/gtest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/ons_geography.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

struct Polygon {
    std::string code;
    double lon, lat;  // a point on its surface
};

std::vector<Polygon> pointsOnSurface(const std::string& path) {
    std::vector<Polygon> out;
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    if (!ds) return out;
    OGRLayer* layer = ds->GetLayer(0);
    for (auto& f : *layer) {
        OGRGeometryH p = OGR_G_PointOnSurface(OGRGeometry::ToHandle(f->GetGeometryRef()));
        out.push_back({f->GetFieldAsString("area_code"), OGR_G_GetX(p, 0), OGR_G_GetY(p, 0)});
        OGR_G_DestroyGeometry(p);
    }
    return out;
}

// Code of the polygon of `path` that contains (lon, lat), "" if none.
std::string containing(const std::string& path, double lon, double lat) {
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    OGRLayer* layer = ds->GetLayer(0);
    OGRPoint p(lon, lat);
    for (auto& f : *layer)
        if (f->GetGeometryRef()->Contains(&p)) return f->GetFieldAsString(0);
    return "";
}

struct Trafford {
    std::string dir, lsoa11, lsoa21, ward22, wards23, residents, households, bestFit;
};

std::optional<Trafford> trafford() {
    auto shared = test::sharedDir();
    if (!shared) return std::nullopt;
    Trafford t;
    t.dir = *shared + "/reference/census2021-trafford-lsoa-ward-and-lookups";
    t.lsoa11 = t.dir + "/boundaries/trafford_lsoa_2011_generalised.geojson";
    t.lsoa21 = t.dir + "/boundaries/trafford_lsoa_2021_generalised.geojson";
    t.ward22 = t.dir + "/boundaries/trafford_ward_2022_generalised.geojson";
    t.wards23 = *shared + "/reference/trafford-council-open-data/boundaries/electoral_ward.geojson";
    t.residents = t.dir + "/census2021/2021_population_by_sex_lsoa_trafford.csv";
    t.households = t.dir + "/census2021/2021_household_size_lsoa_trafford.csv";
    t.bestFit = t.dir + "/lookups/lsoa_to_ward_best-fit_lookup.csv";
    return t;
}

// SOURCE.md: 2011 LSOA E01006185 was split into E01034000 and E01034001; the others are unchanged.
const std::set<std::string> kSplitParts = {"E01034000", "E01034001"};
const char* kSplitParent = "E01006185";

// One incident at a point inside each 2021 LSOA, carrying the 2011 code of that place (as
// police.uk files before 2022 do), plus rows that disagree on purpose.
std::string incidentsWith2011Codes(const std::vector<Polygon>& lsoas) {
    std::string csv = "id,lon,lat,month,category,LSOA code\n";
    int id = 0;
    for (const auto& p : lsoas)
        csv += fmt::format("{},{:.7f},{:.7f},2021-06,Burglary,{}\n", ++id, p.lon, p.lat, kSplitParts.count(p.code) ? kSplitParent : p.code);
    // A point coded with a far-away LSOA, a point with no code, and a point outside Trafford
    // (Manchester city centre) coded with a Trafford LSOA.
    csv += fmt::format("{},{:.7f},{:.7f},2021-06,Burglary,{}\n", ++id, lsoas.front().lon, lsoas.front().lat, lsoas.back().code);
    csv += fmt::format("{},{:.7f},{:.7f},2021-06,Burglary,\n", ++id, lsoas[1].lon, lsoas[1].lat);
    csv += fmt::format("{},-2.2426,53.4808,2021-06,Burglary,{}\n", ++id, lsoas[2].code);
    return csv;
}

std::string lookup2011to2021(const std::vector<Polygon>& lsoa21) {
    std::string csv = "LSOA11CD,LSOA21CD,CHGIND\n";
    for (const auto& p : lsoa21)
        csv += kSplitParts.count(p.code) ? fmt::format("{},{},S\n", kSplitParent, p.code) : fmt::format("{},{},U\n", p.code, p.code);
    return csv;
}

std::map<std::string, std::map<std::string, std::string>> agreementByClass(const std::string& path, const std::string& layer) {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (auto& row : test::readCsvRows(path))
        if (row["layer"] == layer) out[row["class"]] = row;
    return out;
}

// `hotspot COMMAND INCIDENTS --columns ...` for the incidents CSVs these tests write.
std::vector<std::string> incidentCommand(const std::string& command, const std::string& incidents) {
    return {command, incidents, "--columns", "id=id,lon=lon,lat=lat,month=month,category=category"};
}

}  // namespace

TEST(OnsGeography, FieldNamesAndCodePrefixes) {
    EXPECT_EQ(onsGeographyOfField("LSOA21CD").describe(), "LSOA 2021");
    EXPECT_EQ(onsGeographyOfField("lsoa11cd").year, 2011);
    EXPECT_EQ(onsGeographyOfField("WD22CD").describe(), "ward 2022");
    EXPECT_EQ(onsGeographyOfField("LAD23NM", false).entity, "LAD");
    EXPECT_FALSE(onsGeographyOfField("LSOA21NMW", false).known());  // the Welsh name is not the name field
    EXPECT_FALSE(onsGeographyOfField("area_code").known());
    EXPECT_FALSE(onsGeographyOfField("LSOA21NM").known());  // a name, not a code
    EXPECT_EQ(onsGeographyOfCodes({"E01006109", "E01006110", "x"}).entity, "LSOA");
    EXPECT_EQ(onsGeographyOfCodes({"E05000819", "E05000820"}).entity, "WD");
    EXPECT_FALSE(onsGeographyOfCodes({"E05000819", "A1", "B2"}).known());
    EXPECT_TRUE(isOnsCode("W01000001"));
    EXPECT_FALSE(isOnsCode("E0100000"));
    EXPECT_FALSE(isOnsCode("E01O00001"));
}

TEST(OnsGeography, LookupErrorsNameFileLineAndField) {
    test::TempDir dir;
    auto expectError = [&](const std::string& content, int64_t line, const std::string& field, const std::string& words) {
        const std::string path = dir.file("lookup.csv");
        test::writeFile(path, content);
        try {
            CodeLookup::load(path);
            ADD_FAILURE() << "accepted: " << content;
        } catch (const Error& e) {
            EXPECT_EQ(e.context().line, line) << e.what();
            EXPECT_EQ(e.context().field, field) << e.what();
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    expectError("LSOA11CD,LSOA21CD,CHGIND\nE01000001,E01000001,U\nE01000002,Camden 001B,U\n", 3, "LSOA21CD", "not an ONS (GSS) code");
    expectError("LSOA11CD,LSOA21CD,CHGIND\nE01000001,E01000001,Q\n", 2, "CHGIND", "S (split), M (merged)");
    expectError("LSOA11CD,name\nE01000001,x\n", 1, "", "two code columns");
    const std::string path = dir.file("ok.csv");
    test::writeFile(path, "lsoa11cd,lsoa21cd,chgind\nE01000001,E01000010,S\nE01000001,E01000011,S\nE01000002,E01000010,M\n");
    CodeLookup lookup = CodeLookup::load(path);
    EXPECT_EQ(lookup.translate("E01000001", 0, 1), (std::vector<std::string>{"E01000010", "E01000011"}));
    EXPECT_EQ(lookup.translate("E01000010", 1, 0), (std::vector<std::string>{"E01000001", "E01000002"}));
    EXPECT_EQ(lookup.change("E01000002", 0), 'M');
    EXPECT_EQ(lookup.columnFor(OnsGeography{"LSOA", 2021}), 1);
}

// 2011 codes on 2021 polygons: the split LSOA's two parts are "code not in layer" without the
// lookup and "same via lookup" (change S) with it; every other class is the planted row.
TEST(AreaCodes, TraffordSplitLsoaThroughTheOnsLookup) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    const auto lsoa21 = pointsOnSurface(t->lsoa21);
    ASSERT_EQ(lsoa21.size(), 139u);
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), incidentsWith2011Codes(lsoa21));
    test::writeFile(dir.file("lookup.csv"), lookup2011to2021(lsoa21));
    const int64_t rows = 139 + 3;

    auto run = [&](std::vector<std::string> extra, const std::string& out) {
        std::vector<std::string> args = incidentCommand("geocode", dir.file("incidents.csv"));
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--no-gpkg", "-o", dir.file(out)});
        return test::runCli(args);
    };
    auto r = run({"-a", "lsoa=" + t->lsoa21}, "plain");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto plain = agreementByClass(dir.file("plain/area_agreement.csv"), "lsoa");
    EXPECT_EQ(plain["same"]["rows"], "137");  // 139 polygons less the 2 parts of the split LSOA
    EXPECT_EQ(plain["code not in layer"]["rows"], "2");
    EXPECT_EQ(plain["no code"]["rows"], "1");
    EXPECT_EQ(plain["out of area"]["rows"], "1");
    EXPECT_EQ(plain["same"]["geography"], "LSOA");  // area_code fields: the geography comes from the codes

    r = run({"-a", "lsoa=" + t->lsoa21, "--lookup", dir.file("lookup.csv")}, "lookup");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto viaLookup = agreementByClass(dir.file("lookup/area_agreement.csv"), "lsoa");
    EXPECT_EQ(viaLookup["same via lookup"]["rows"], "2");
    EXPECT_EQ(viaLookup["code not in layer"]["rows"], "0");
    EXPECT_NE(r.err.find("converted codes by change indicator: 2 split, 0 merged, 0 complex, 0 unchanged"), std::string::npos) << r.err;
    int64_t sum = 0;
    for (auto& [cls, row] : viaLookup) sum += std::stoll(row["rows"]);
    EXPECT_EQ(sum, rows);  // every row in exactly one class
    // The planted far-away code: its polygon is more than the edge distance away.
    EXPECT_EQ(std::stoll(viaLookup["edge"]["rows"]) + std::stoll(viaLookup["elsewhere"]["rows"]), 1);
}

// The attribute join: areas by the rows' codes, through two lookups (2011 -> 2021 -> ward 2022),
// and every row where the two methods differ listed; recomputed here from both runs' outputs.
TEST(AreaCodes, AssignByCodeListsEveryDifferenceFromThePoint) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    const auto lsoa21 = pointsOnSurface(t->lsoa21);
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), incidentsWith2011Codes(lsoa21));
    test::writeFile(dir.file("lookup.csv"), lookup2011to2021(lsoa21));
    std::map<std::string, std::vector<std::map<std::string, std::string>>> incidents;
    for (const std::string method : {"point", "code"}) {
        std::vector<std::string> args = incidentCommand("geocode", dir.file("incidents.csv"));
        args.insert(args.end(), {"-a", "ward=" + t->ward22, "--lookup", dir.file("lookup.csv"), "--lookup", t->bestFit, "--assign-by", method,
                                 "--no-gpkg", "-o", dir.file(method)});
        auto r = test::runCli(args);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        incidents[method] = test::readCsvRows(dir.file(method + "/incidents.csv"));
    }
    ASSERT_EQ(incidents["point"].size(), incidents["code"].size());
    int64_t differing = 0;
    for (size_t i = 0; i < incidents["point"].size(); ++i) differing += incidents["point"][i]["ward_code"] != incidents["code"][i]["ward_code"];
    const auto differences = test::readCsvRows(dir.file("code/area_differences.csv"));
    EXPECT_EQ(static_cast<int64_t>(differences.size()), differing);
    EXPECT_GE(differing, 3);  // the planted rows at least: wrong code, no code, outside
    EXPECT_LE(differing, 20) << "best-fit wards and points should mostly agree";
    // The split 2011 LSOA reaches its ward through both lookups: no "code not in layer".
    auto ward = agreementByClass(dir.file("code/area_agreement.csv"), "ward");
    EXPECT_EQ(ward["code not in layer"]["rows"], "0");
    EXPECT_EQ(ward["same"]["rows"], "0");  // LSOA codes are never ward codes: every agreement is via a lookup
}

TEST(AreaCodes, LookupForOtherAreasAndCodeJoinWithoutCodesAreRefused) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), "id,lon,lat,month,category\n1,-2.35,53.42,2021-06,Burglary\n");
    test::writeFile(dir.file("camden.csv"), "LSOA11CD,LSOA21CD,CHGIND\nE01000907,E01000907,U\n");
    std::vector<std::string> base = incidentCommand("geocode", dir.file("incidents.csv"));
    base.insert(base.end(), {"-a", "lsoa=" + t->lsoa21, "--no-gpkg", "-o", dir.file("out")});
    auto args = base;
    args.insert(args.end(), {"--lookup", dir.file("camden.csv")});
    auto r = test::runCli(args);
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("camden.csv"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("none of the lookup's codes"), std::string::npos) << r.err;
    args = base;
    args.insert(args.end(), {"--assign-by", "code"});
    r = test::runCli(args);
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("carry no area code"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/incidents.csv")));
}

namespace {

// Census figures recomputed from the long-format files: "All persons" rows, and the sum of
// every household-size row.
std::map<std::string, double> censusByCode(const std::string& path, bool totalsOnly) {
    std::map<std::string, double> out;
    for (auto& row : test::readCsvRows(path))
        if (!totalsOnly || row["indicator"] == "All persons") out[row["area_code"]] += std::stod(row["value"]);
    return out;
}

std::map<std::string, std::map<std::string, std::string>> areaRows(const std::string& summaryCsv, const std::string& layer) {
    std::map<std::string, std::map<std::string, std::string>> out;
    for (auto& row : test::readCsvRows(summaryCsv))
        if (row["layer"] == layer && !row["area_code"].empty()) out[row["area_code"]] = row;
    return out;
}

}  // namespace

// Residents and households per LSOA by code, per 2022 ward through the best-fit lookup (sums
// equal the LSOA totals, 235,046 and 96,302, not the ward tables' 235,050 and 96,266), the
// Nomis bulk layout read like the long one, and rates per 1,000 from the written counts.
TEST(Census, TraffordResidentsAndHouseholdsByCodeAndThroughTheLookup) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    const auto lsoa21 = pointsOnSurface(t->lsoa21);
    const auto residents = censusByCode(t->residents, true), households = censusByCode(t->households, false);
    double residentsTotal = 0, householdsTotal = 0;
    for (auto& [c, v] : residents) residentsTotal += v;
    for (auto& [c, v] : households) householdsTotal += v;
    EXPECT_EQ(residentsTotal, 235046);  // SOURCE.md
    EXPECT_EQ(householdsTotal, 96302);
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), incidentsWith2011Codes(lsoa21));
    // The same residents in the Nomis bulk CSV layout (one row per area, the total column first).
    std::string nomis = "date,geography,geography code,Residence type: Total; measures: Value,Residence type: Lives in a household; measures: Value\n";
    for (auto& [code, v] : residents) nomis += fmt::format("2021,{},{},{:.0f},{:.0f}\n", code, code, v, v - 1);
    test::writeFile(dir.file("census2021-ts001-lsoa.csv"), nomis);

    for (const std::string& residentsFile : {t->residents, dir.file("census2021-ts001-lsoa.csv")}) {
        std::vector<std::string> args = incidentCommand("geocode", dir.file("incidents.csv"));
        args.insert(args.end(), {"-a", "lsoa=" + t->lsoa21, "-a", "ward=" + t->ward22, "--lookup", t->bestFit, "--census", residentsFile,
                                 "--census", t->households, "--period", "year", "--no-gpkg", "-o", dir.file("out")});
        auto r = test::runCli(args);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        auto lsoa = areaRows(dir.file("out/area_summary.csv"), "lsoa");
        ASSERT_EQ(lsoa.size(), 139u);
        for (auto& [code, row] : lsoa) {
            EXPECT_EQ(std::stod(row["residents"]), residents.at(code)) << code;
            EXPECT_EQ(std::stod(row["households"]), households.at(code)) << code;
            const double incidents = std::stod(row["incidents"]);
            EXPECT_NEAR(std::stod(row["per_1000_residents"]), 1000 * incidents / residents.at(code), 5e-4) << code;
        }
        // Wards: the sum of their LSOAs by the best-fit lookup, recomputed here.
        std::map<std::string, double> wardResidents;
        for (auto& row : test::readCsvRows(t->bestFit))
            if (residents.count(row["lsoa21cd"])) wardResidents[row["wd22cd"]] += residents.at(row["lsoa21cd"]);
        auto ward = areaRows(dir.file("out/area_summary.csv"), "ward");
        double wardTotal = 0;
        for (auto& [code, row] : ward) {
            EXPECT_EQ(std::stod(row["residents"]), wardResidents.at(code)) << code;
            wardTotal += std::stod(row["residents"]);
        }
        EXPECT_NE(r.err.find("summed through the lookup"), std::string::npos) << r.err;
        EXPECT_EQ(ward.size(), 21u);
        EXPECT_EQ(wardTotal, 235046);
    }
}

// Areas that do not nest (the 2023 wards against 2021 LSOAs): with population points each
// LSOA's residents go where its people are. Points at each LSOA's interior carrying its
// residents put every LSOA wholly in the ward holding its point, recomputed here with GDAL.
TEST(Census, PopulationPointsApportionLsoasToAreasThatDoNotNest) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    const auto lsoa21 = pointsOnSurface(t->lsoa21);
    const auto residents = censusByCode(t->residents, true);
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), incidentsWith2011Codes(lsoa21));
    std::string points = "lon,lat,Population\n";
    std::map<std::string, double> expected;
    for (const auto& p : lsoa21) {
        points += fmt::format("{:.7f},{:.7f},{:.0f}\n", p.lon, p.lat, residents.at(p.code));
        expected[containing(t->wards23, p.lon, p.lat)] += residents.at(p.code);
    }
    test::writeFile(dir.file("points.csv"), points);
    std::vector<std::string> args = incidentCommand("geocode", dir.file("incidents.csv"));
    args.insert(args.end(), {"-a", "lsoa=" + t->lsoa21, "-a", "wards2023=" + t->wards23, "--census", t->residents, "--census-weights",
                             dir.file("points.csv"), "--census-weights-columns", "lon=lon,lat=lat,weight=Population", "--period", "year",
                             "--no-gpkg", "-o", dir.file("out")});
    auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("apportioned from layer 'lsoa'"), std::string::npos) << r.err;
    auto wards = areaRows(dir.file("out/area_summary.csv"), "wards2023");
    ASSERT_FALSE(wards.empty());
    for (auto& [code, row] : wards) EXPECT_NEAR(std::stod(row["residents"]), expected[code], 0.05) << code;

    // Without points: split by land area; nothing is created, little is lost at the edges.
    args.erase(std::find(args.begin(), args.end(), "--census-weights"), std::find(args.begin(), args.end(), "--period"));
    r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("by the share of their land area"), std::string::npos) << r.err;
    double total = 0;
    for (auto& [code, row] : areaRows(dir.file("out/area_summary.csv"), "wards2023")) total += std::stod(row["residents"]);
    EXPECT_LE(total, 235046.5);
    EXPECT_GE(total, 235046 * 0.99);
}

TEST(Census, BadTablesAreRefusedWithFileAndLine) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), "id,lon,lat,month,category\n1,-2.35,53.42,2021-06,Burglary\n");
    test::writeFile(dir.file("bad.csv"), "area_code,indicator,unit,value\nE01006109,All persons,Persons,1149\nE01006110,All persons,Persons,n/a\n");
    test::writeFile(dir.file("camden.csv"), "area_code,indicator,unit,value\nE01000907,All persons,Persons,1500\n");
    test::writeFile(dir.file("nounit.csv"), "code,value\nE01006109,1149\n");
    auto run = [&](std::vector<std::string> census) {
        std::vector<std::string> args = incidentCommand("geocode", dir.file("incidents.csv"));
        args.insert(args.end(), {"-a", "lsoa=" + t->lsoa21, "--no-gpkg", "-o", dir.file("out")});
        for (auto& c : census) args.insert(args.end(), {"--census", c});
        return test::runCli(args);
    };
    auto r = run({dir.file("bad.csv")});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("bad.csv:3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'n/a' is not a count"), std::string::npos) << r.err;
    r = run({dir.file("camden.csv")});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("no area layer holds any of the census table's 1 area codes"), std::string::npos) << r.err;
    r = run({dir.file("nounit.csv")});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.err.find("residents=PATH or households=PATH"), std::string::npos) << r.err;
    r = run({"residents=" + dir.file("nounit.csv")});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    r = run({t->residents, "residents=" + dir.file("nounit.csv")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("two census tables of residents"), std::string::npos) << r.err;
}

// density --denominator with a census table: the dual KDE's denominator is the table's 139 LSOA
// counts (weight = the table's total), and area_stats.csv divides by the LSOA's own figure.
// report --census: per 1,000 residents of each ward, through the best-fit lookup.
TEST(Census, DensityAndReportRatesPer1000) {
    auto t = trafford();
    if (!t) GTEST_SKIP() << "../shared/reference not present";
    const auto lsoa21 = pointsOnSurface(t->lsoa21);
    const auto residents = censusByCode(t->residents, true);
    test::TempDir dir;
    test::writeFile(dir.file("incidents.csv"), incidentsWith2011Codes(lsoa21));
    std::vector<std::string> args = incidentCommand("density", dir.file("incidents.csv"));
    args.insert(args.end(), {"--study-area", t->ward22, "-a", "lsoa=" + t->lsoa21, "--denominator", t->residents, "--cell", "250", "--bandwidth",
                             "1000", "-o", dir.file("density")});
    auto r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("denominator 139 points, weight 235046"), std::string::npos) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir.file("density/risk.tif")));
    int checked = 0;
    for (auto& row : test::readCsvRows(dir.file("density/area_stats.csv"))) {
        EXPECT_EQ(std::stod(row["denominator"]), residents.at(row["area_code"])) << row["area_code"];
        EXPECT_NEAR(std::stod(row["rate_per_1000"]), 1000 * std::stod(row["incidents"]) / residents.at(row["area_code"]), 5e-4);
        ++checked;
    }
    EXPECT_EQ(checked, 139);

    args = incidentCommand("report", dir.file("incidents.csv"));
    args.insert(args.end(), {"--by", "ward=" + t->ward22, "--census", t->residents, "--lookup", t->bestFit, "--to", "2021-06", "-o", dir.file("report")});
    r = test::runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, double> wardResidents;  // by ward name, through the lookup
    for (auto& row : test::readCsvRows(t->bestFit))
        if (residents.count(row["lsoa21cd"])) wardResidents[row["wd22nm"]] += residents.at(row["lsoa21cd"]);
    checked = 0;
    for (auto& row : test::readCsvRows(dir.file("report/performance_report.csv"))) {
        if (row["level"] != "total") continue;
        const double latest = std::stod(row["year to 2021-06"]);
        EXPECT_NEAR(std::stod(row["per_1000_residents"]), 1000 * latest / wardResidents.at(row["area"]), 0.005) << row["area"];
        EXPECT_EQ(row["per_1000_households"], "");  // no households table given
        ++checked;
    }
    EXPECT_EQ(checked, 21);
}

// An area layer as the ONS Open Geography Portal publishes it: an object id first, the LSOA's
// code and name, the Welsh name, the parent ward's code. No --area-code-field needed.
TEST(OnsGeography, OnsFieldNamesAreRecognisedWithoutColumns) {
    test::TempDir dir;
    auto square = [](double x0, double y0) {
        return fmt::format("[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]", x0, y0, x0 + 1000, y0, x0 + 1000, y0 + 1000, x0, y0 + 1000, x0, y0);
    };
    test::writeFile(dir.file("lsoa.geojson"),
                    fmt::format(R"JSON({{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::27700"}}}},"features":[
{{"type":"Feature","properties":{{"FID":1,"WD22CD":"E05000819","LSOA21CD":"E01006109","LSOA21NM":"Trafford 001A","LSOA21NMW":"Trafford 001A (cy)"}},"geometry":{{"type":"Polygon","coordinates":{}}}}},
{{"type":"Feature","properties":{{"FID":2,"WD22CD":"E05000819","LSOA21CD":"E01006110","LSOA21NM":"Trafford 001B","LSOA21NMW":"Trafford 001B (cy)"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}]}})JSON",
                                square(380000, 390000), square(381000, 390000)));
    test::writeFile(dir.file("incidents.csv"),
                    "id,x,y,month,category,LSOA code\n1,380500,390500,2021-06,Burglary,E01006109\n"
                    "2,381500,390500,2021-06,Burglary,E01006109\n");
    auto r = test::runCli({"geocode", dir.file("incidents.csv"), "--columns", "id=id,x=x,y=y,month=month,category=category", "--srs", "EPSG:27700",
                           "-a", "lsoa=" + dir.file("lsoa.geojson"), "--no-gpkg", "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("out/incidents.csv"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].at("lsoa_code"), "E01006109");      // LSOA21CD, not FID or the ward's WD22CD
    EXPECT_EQ(rows[0].at("lsoa_name"), "Trafford 001A");  // LSOA21NM, not the Welsh LSOA21NMW
    EXPECT_EQ(rows[1].at("lsoa_code"), "E01006110");
    auto lsoa = agreementByClass(dir.file("out/area_agreement.csv"), "lsoa");
    EXPECT_EQ(lsoa["same"]["geography"], "LSOA 2021");
    EXPECT_EQ(lsoa["same"]["rows"], "1");
    EXPECT_EQ(lsoa["elsewhere"]["rows"], "1");  // 500 m inside the neighbour: beyond the 100 m edge distance
}
