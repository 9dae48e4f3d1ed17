#include <gtest/gtest.h>

#include "hotspot/address.hpp"
#include "hotspot/error.hpp"
#include "hotspot/gazetteer.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

Gazetteer sampleGazetteer() {
    Gazetteer g;
    auto add = [&](const char* name, const char* locality, double x, double y) {
        g.add({name, normalizeStreet(name), normalizeLocality(locality), "", x, y, false});
    };
    add("Abington Street", "Town Centre", 475700, 260700);
    add("Abington Street", "Town Centre", 475800, 260720);  // a second point of the same street
    add("High Street", "Daventry", 457500, 262600);
    add("High Street", "Brackley", 458600, 237300);
    add("Church Lane", "Roade", 475800, 251700);
    add("Kingsthorpe Grove", "Kingsthorpe", 475600, 263000);
    add("Kingsthorpe Road", "Kingsthorpe", 475650, 263300);
    g.add({"NN1 2AB", "NN1 2AB", "", "NN1", 475500, 260500, true});
    return g;
}

}  // namespace

TEST(Gazetteer, ExactMatchAfterNormalisationUsesTheStreetsMiddlePoint) {
    Gazetteer g = sampleGazetteer();
    MatchResult r = g.match("On or near Abington St", "");
    EXPECT_EQ(r.status, MatchStatus::Matched);
    EXPECT_EQ(r.method, MatchMethod::Exact);
    EXPECT_DOUBLE_EQ(r.score, 1.0);
    EXPECT_TRUE(r.x == 475700 || r.x == 475800);
}

TEST(Gazetteer, LocalityBreaksTiesOtherwiseAmbiguousWithCandidates) {
    Gazetteer g = sampleGazetteer();
    MatchResult withLocality = g.match("10 High St, Brackley", "");
    EXPECT_EQ(withLocality.status, MatchStatus::Matched);
    EXPECT_DOUBLE_EQ(withLocality.y, 237300);
    EXPECT_NE(withLocality.reason.find("locality"), std::string::npos);
    MatchResult hint = g.match("On or near High Street", "Daventry");  // locality from another column
    EXPECT_EQ(hint.status, MatchStatus::Matched);
    EXPECT_DOUBLE_EQ(hint.x, 457500);
    MatchResult none = g.match("On or near High Street", "");
    EXPECT_EQ(none.status, MatchStatus::Ambiguous);
    EXPECT_EQ(none.candidates.size(), 2u);
    EXPECT_NE(none.reason.find("2 places share the name"), std::string::npos);
}

TEST(Gazetteer, FuzzyMatchScoresAndThreshold) {
    Gazetteer g = sampleGazetteer();
    MatchResult r = g.match("5 Kingsthorpe Grvoe", "");
    EXPECT_EQ(r.status, MatchStatus::Matched);
    EXPECT_EQ(r.method, MatchMethod::Fuzzy);
    EXPECT_NEAR(r.score, 1.0 - 1.0 / 17.0, 1e-9);
    EXPECT_DOUBLE_EQ(r.y, 263000);
    MatchResult strict = g.match("5 Kingsthorpe Grvoe", "", 0.99);
    EXPECT_EQ(strict.status, MatchStatus::Unmatched);
    ASSERT_FALSE(strict.candidates.empty());
    EXPECT_EQ(strict.candidates[0].name, "Kingsthorpe Grove");  // the report shows the best candidate
    MatchResult junk = g.match("rear of the shops", "");
    EXPECT_EQ(junk.status, MatchStatus::Unmatched);
    EXPECT_FALSE(junk.reason.empty());
}

TEST(Gazetteer, PostcodeFirst) {
    Gazetteer g = sampleGazetteer();
    MatchResult r = g.match("1 Nowhere Road, nn1 2ab", "");
    EXPECT_EQ(r.status, MatchStatus::Matched);
    EXPECT_EQ(r.method, MatchMethod::Postcode);
    EXPECT_DOUBLE_EQ(r.x, 475500);
}

TEST(Gazetteer, LoadsCsvWithLonLatOrEastingNorthingAndReportsBadRows) {
    test::TempDir dir;
    test::writeFile(dir.file("streets.csv"), "name,locality,easting,northing\nGold Street,Town Centre,475600,260500\n");
    test::writeFile(dir.file("postcodes.csv"), "Postcode,Latitude,Longitude\nNN1 5AB,52.2405,-0.8926\n");
    test::writeFile(dir.file("bad.csv"), "name,locality,easting,northing\nGold Street,Town Centre,abc,260500\n");
    Gazetteer g;
    g.load(dir.file("streets.csv"), {});
    g.load(dir.file("postcodes.csv"), {});
    EXPECT_EQ(g.size(), 2u);
    EXPECT_EQ(g.postcodeCount(), 1u);
    MatchResult r = g.match("NN15AB", "");
    EXPECT_EQ(r.status, MatchStatus::Matched);
    EXPECT_NEAR(r.x, 475714, 5);
    try {
        Gazetteer b;
        b.load(dir.file("bad.csv"), {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().line, 2);
        EXPECT_EQ(e.context().field, "easting");
    }
}
