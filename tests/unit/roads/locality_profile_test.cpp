// The road locality profile: the trend test, the cost and issue-rule tables, the STATS19 groups,
// the casualty/vehicle file names beside a collision file, and a hand-made locality.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hotspot/error.hpp"
#include "roads/locality_profile.hpp"
#include "test_support.hpp"

using namespace hotspot;

TEST(PoissonChange, EqualsTheExactBinomialTailsComputedByHand) {
    // after | n ~ Binomial(n, 1/2); p = 2 * the smaller tail.
    EXPECT_DOUBLE_EQ(poissonChangePValue(0, 5), 2.0 / 32);  // P(X >= 5) = 1/32
    EXPECT_DOUBLE_EQ(poissonChangePValue(5, 0), 2.0 / 32);
    EXPECT_NEAR(poissonChangePValue(2, 9), 2.0 * (55 + 11 + 1) / 2048, 1e-12);  // C(11,9)+C(11,10)+C(11,11)
    EXPECT_NEAR(poissonChangePValue(1, 12), 2.0 * (13 + 1) / 8192, 1e-12);
    EXPECT_DOUBLE_EQ(poissonChangePValue(4, 4), 1.0);
    EXPECT_DOUBLE_EQ(poissonChangePValue(0, 0), 1.0);
    // "0 -> 2" is not evidence of a rise.
    EXPECT_GT(poissonChangePValue(0, 2), 0.05);
    EXPECT_LT(poissonChangePValue(10, 30), 0.05);
}

TEST(CollisionCosts, TheBuiltInTableIsDftRas60001At2014Prices) {
    const CollisionCosts c = CollisionCosts::builtinDefault();
    EXPECT_EQ(c.priceYear, "2014");
    EXPECT_NE(c.source.find("RAS60001"), std::string::npos);
    EXPECT_NE(c.source.find("Department for Transport"), std::string::npos);
    EXPECT_EQ(c.bySeverity[Fatal], 2066732);
    EXPECT_EQ(c.bySeverity[Serious], 235791);
    EXPECT_EQ(c.bySeverity[Slight], 24887);
    EXPECT_EQ(c.bySeverity[Unknown], 0);  // not costed
    EXPECT_EQ(c.damageOnly, 2204);
}

TEST(CollisionCosts, RefusesMixedPriceYearsMissingSeveritiesAndUnsourcedTables) {
    const std::string header = "price_year,basis,severity,value_gbp,source\n";
    try {
        CollisionCosts::fromText(header + "2014,b,Fatal,1,s\n2023,b,Serious,1,s\n2014,b,Slight,1,s\n", "costs.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().line, 3);
        EXPECT_EQ(e.context().field, "price_year");
    }
    EXPECT_THROW(CollisionCosts::fromText(header + "2014,b,Fatal,1,s\n2014,b,Slight,1,s\n", "costs.csv"), Error);  // no Serious
    EXPECT_THROW(CollisionCosts::fromText(header + "2014,b,Fatal,-1,s\n2014,b,Serious,1,s\n2014,b,Slight,1,s\n", "c"), Error);
    EXPECT_THROW(CollisionCosts::fromText("price_year,basis,severity,value_gbp\n2014,b,Fatal,1\n", "c"), Error);  // no source column
    const CollisionCosts ok = CollisionCosts::fromText(header + "2023,per collision,Fatal,10,x\n2023,per collision,Serious,5,x\n2023,per collision,Slight,1,x\n", "c");
    EXPECT_EQ(ok.bySeverity[Serious], 5);
}

TEST(IssuePatternRules, ParsesConjunctionsMatchesInTableOrderAndNamesBadLines) {
    const IssuePatternRules rules = IssuePatternRules::fromText(
        "pattern,when\nwalkers,pedestrians >= 2\ndark junction,junction_share>=0.5 & dark_share > 0.4\nnever,collisions < 0\n", "rules.csv");
    ASSERT_EQ(rules.rules.size(), 3u);
    EXPECT_EQ(rules.rules[1].conditions.size(), 2u);
    EXPECT_EQ(rules.match({{"pedestrians", 3}, {"junction_share", 0.5}, {"dark_share", 0.5}, {"collisions", 4}}), "walkers; dark junction");
    EXPECT_EQ(rules.match({{"pedestrians", 1}, {"junction_share", 0.5}, {"dark_share", 0.4}, {"collisions", 4}}), "");
    // A variable this run does not know (no casualty table) makes its rule fail, not match.
    EXPECT_EQ(rules.match({{"junction_share", 1}, {"dark_share", 1}}), "dark junction");
    EXPECT_EQ(rules.match({{"pedestrians", 9}, {"junction_share", 1}, {"dark_share", 1}}, 1), "walkers");
    try {
        IssuePatternRules::fromText("pattern,when\nok,ksi >= 1\nbad,kangaroos >= 1\n", "rules.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().line, 3);
        EXPECT_NE(std::string(e.what()).find("kangaroos"), std::string::npos);
    }
    EXPECT_THROW(IssuePatternRules::fromText("pattern,when\nbad,ksi about 1\n", "r"), Error);
    EXPECT_NO_THROW(IssuePatternRules::builtinDefault());
}

TEST(Stats19Groups, CasualtyAndVehicleCodesGroupAsDocumented) {
    EXPECT_EQ(roadUserGroupOf(0, 3), RoadUserGroup::Pedestrian);
    EXPECT_EQ(roadUserGroupOf(-1, 3), RoadUserGroup::Pedestrian);  // class 3 is a pedestrian whatever the type
    EXPECT_EQ(roadUserGroupOf(1, 1), RoadUserGroup::PedalCycle);
    for (int t : {2, 3, 4, 5, 23, 97}) EXPECT_EQ(roadUserGroupOf(t, 1), RoadUserGroup::Motorcycle) << t;
    for (int t : {8, 9}) EXPECT_EQ(roadUserGroupOf(t, 2), RoadUserGroup::CarOccupant) << t;
    for (int t : {19, 20, 21, 98}) EXPECT_EQ(roadUserGroupOf(t, 1), RoadUserGroup::GoodsVehicle) << t;
    for (int t : {10, 11}) EXPECT_EQ(roadUserGroupOf(t, 2), RoadUserGroup::Bus) << t;
    for (int t : {16, 17, 18, 22, 90, -1}) EXPECT_EQ(roadUserGroupOf(t, 1), RoadUserGroup::Other) << t;
    EXPECT_EQ(vehicleGroupOf(20), VehicleGroup::Hgv);
    EXPECT_EQ(vehicleGroupOf(21), VehicleGroup::Hgv);
    EXPECT_EQ(vehicleGroupOf(98), VehicleGroup::Other);  // goods of unknown weight: not counted as an HGV
    EXPECT_EQ(vehicleGroupOf(19), VehicleGroup::Van);
}

TEST(Stats19Tables, CasualtyAndVehicleFilesAreFoundUnderDftNames) {
    namespace fs = std::filesystem;
    test::TempDir dir;
    auto touch = [&](const std::string& name) { std::ofstream(fs::path(dir.path()) / name) << "x\n"; };
    touch("dft-road-casualty-statistics-collision-2024.csv");
    touch("dft-road-casualty-statistics-casualty-2024.csv");
    touch("dft-road-casualty-statistics-vehicle-2024.csv");
    touch("Accidents0514.csv");
    touch("Casualties0514.csv");
    touch("accidents.csv");
    touch("vehicles.csv");
    const std::string d = dir.path() + "/";
    EXPECT_EQ(tableBesideCollisions(d + "dft-road-casualty-statistics-collision-2024.csv", true), d + "dft-road-casualty-statistics-casualty-2024.csv");
    EXPECT_EQ(tableBesideCollisions(d + "dft-road-casualty-statistics-collision-2024.csv", false), d + "dft-road-casualty-statistics-vehicle-2024.csv");
    EXPECT_EQ(tableBesideCollisions(d + "Accidents0514.csv", true), d + "Casualties0514.csv");
    EXPECT_EQ(tableBesideCollisions(d + "Accidents0514.csv", false), "");  // no Vehicles0514.csv here
    EXPECT_EQ(tableBesideCollisions(d + "accidents.csv", false), d + "vehicles.csv");
    EXPECT_EQ(tableBesideCollisions(d + "incidents.csv", true), "");
}

TEST(LocalityProfile, AddsUpAHandMadeLocality) {
    RoadIncidents inc;
    auto add = [&](bool collision, uint8_t severity, CollisionCircumstances c, uint8_t urbanRural) {
        inc.x.push_back(0), inc.y.push_back(0), inc.month.push_back(0);
        inc.isCollision.push_back(collision), inc.issue.push_back(collision ? 0 : 1), inc.severity.push_back(severity);
        inc.urbanRural.push_back(urbanRural), inc.files.assign(1, "f"), inc.fileOf.push_back(0), inc.id.push_back("i"), inc.time.push_back(""), inc.line.push_back(0);
        inc.circumstances.push_back(c);
    };
    CollisionCircumstances darkJunction;
    darkJunction.dark = Known::Yes, darkJunction.junction = Known::Yes, darkJunction.speedLimit = 30, darkJunction.roadClass = 3, darkJunction.roadNumber = 45;
    CollisionCircumstances dayLink;
    dayLink.dark = Known::No, dayLink.junction = Known::No, dayLink.speedLimit = 40, dayLink.roadClass = 3, dayLink.roadNumber = 45;
    add(true, Fatal, darkJunction, 1);
    add(true, Slight, darkJunction, 1);
    add(true, Serious, dayLink, 2);
    add(false, Unknown, {}, 0);  // a speeding complaint
    std::vector<LinkedCasualty> casualties = {{0, Fatal, RoadUserGroup::Pedestrian, 9, 1, std::nan(""), 2},
                                              {1, Slight, RoadUserGroup::Pedestrian, 40, 0, 0.25, 3},
                                              {2, Serious, RoadUserGroup::Motorcycle, 30, 0, 1.0, 4},
                                              {2, Slight, RoadUserGroup::CarOccupant, -1, -1, 0.1, 5}};
    std::vector<std::vector<uint32_t>> byIncident = {{0}, {1}, {2, 3}, {}};
    std::vector<CollisionVehicles> vehicles(4);
    vehicles[2].count = 2, vehicles[2].byGroup[static_cast<size_t>(VehicleGroup::Hgv)] = 1, vehicles[2].byGroup[static_cast<size_t>(VehicleGroup::Motorcycle)] = 1;
    const std::vector<uint8_t> nearJunction = {1, 1, 2, 2};
    const CollisionCosts costs = CollisionCosts::builtinDefault();
    const IssuePatternRules rules = IssuePatternRules::fromText("pattern,when\nwalkers in the dark,pedestrians >= 2 & dark_share >= 0.6\n", "r");
    const ProfileInputs in{inc, byIncident, casualties, vehicles, nearJunction, costs, rules, true, true};
    std::array<int64_t, static_cast<size_t>(Issue::Count)> issues{};
    issues[0] = 3, issues[1] = 1;
    const LocalityProfile p = profileLocality({0, 1, 2, 3}, issues, in);
    EXPECT_EQ(p.casualtyTotal, 4);
    EXPECT_EQ(p.ksi, 2);
    EXPECT_DOUBLE_EQ(p.ksiAdjusted, 1 + 0.25 + 1.0 + 0.1);  // fatal 1, then the adjusted serious probabilities
    EXPECT_EQ(p.byGroup[static_cast<size_t>(RoadUserGroup::Pedestrian)], 2);
    EXPECT_EQ(p.children, 1);
    EXPECT_EQ(p.hgvCollisions, 1);
    EXPECT_EQ(p.dark[0], 2);
    EXPECT_EQ(p.dark[1], 3);
    EXPECT_EQ(p.junction[0], 2);
    EXPECT_EQ(p.siteType, "junction");  // 2 of 3 collisions at a junction
    EXPECT_EQ(p.networkJunction, 2);
    EXPECT_EQ(p.speedLimits, "30 (2); 40 (1)");
    EXPECT_EQ(p.roadNumbers, "A45 (3)");
    EXPECT_EQ(p.urbanRural, "mixed (urban 2, rural 1)");
    EXPECT_DOUBLE_EQ(p.cost, 2066732.0 + 24887 + 235791);
    EXPECT_EQ(p.pattern, "walkers in the dark");
    EXPECT_DOUBLE_EQ(p.variables.at("speeding"), 1);
    EXPECT_DOUBLE_EQ(p.variables.at("complaints"), 1);
}
