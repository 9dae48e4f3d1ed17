#include <gtest/gtest.h>

#include "hotspot/address.hpp"

using namespace hotspot;

TEST(NormalizeStreet, CasePunctuationAbbreviationsAndPoliceUkPrefix) {
    EXPECT_EQ(normalizeStreet("On or near Abington St"), "ABINGTON STREET");
    EXPECT_EQ(normalizeStreet("abington street"), "ABINGTON STREET");
    EXPECT_EQ(normalizeStreet("St. James's Rd"), "SAINT JAMESS ROAD");  // St first = Saint, Rd = Road
    EXPECT_EQ(normalizeStreet("St James Road"), "SAINT JAMES ROAD");
    EXPECT_EQ(normalizeStreet("Mercer'S Row"), "MERCERS ROW");
    EXPECT_EQ(normalizeStreet("Park Ave North"), "PARK AVENUE NORTH");
    EXPECT_EQ(normalizeStreet("Sports/Recreation Area"), "SPORTS RECREATION AREA");
    EXPECT_EQ(normalizeStreet("  Kingsthorpe   Grove "), "KINGSTHORPE GROVE");
    EXPECT_EQ(normalizeStreet("Crescent Cres"), "CRESCENT CRESCENT");
}

TEST(ParseAddress, HouseNumbersLocalitiesAndPostcodes) {
    ParsedAddress a = parseAddress("12 Abington St, Northampton, NN1 2AB");
    EXPECT_EQ(a.street, "ABINGTON STREET");
    ASSERT_EQ(a.localities.size(), 1u);
    EXPECT_EQ(a.localities[0], "NORTHAMPTON");
    EXPECT_EQ(a.postcode, "NN1 2AB");
    EXPECT_EQ(a.district, "NN1");
    ParsedAddress b = parseAddress("Flat 3, 14a Gold Street, Town Centre, Northampton NN12ED");
    EXPECT_EQ(b.street, "GOLD STREET");
    EXPECT_EQ(b.postcode, "NN1 2ED");
    ASSERT_EQ(b.localities.size(), 2u);
    EXPECT_EQ(b.localities[0], "TOWN CENTRE");
    EXPECT_EQ(parseAddress("nn4 8dp").postcode, "NN4 8DP");
    EXPECT_EQ(parseAddress("nn4 8dp").street, "");
}

TEST(NormalizePostcode, ValidAndInvalid) {
    EXPECT_EQ(normalizePostcode("nn15ab"), "NN1 5AB");
    EXPECT_EQ(normalizePostcode("EC1A 1BB"), "EC1A 1BB");
    EXPECT_EQ(normalizePostcode("W1A0AX"), "W1A 0AX");
    EXPECT_EQ(normalizePostcode("HELLO"), "");
    EXPECT_EQ(normalizePostcode("12345"), "");
}

TEST(NameSimilarity, TyposTranspositionsSpacesAndWordOrder) {
    EXPECT_DOUBLE_EQ(nameSimilarity("GOLD STREET", "GOLD STREET"), 1.0);
    // One transposition is one edit: 1 - 1/11
    EXPECT_NEAR(nameSimilarity("RIDGE GRVOE", "RIDGE GROVE"), 1.0 - 1.0 / 11.0, 1e-12);
    EXPECT_GT(nameSimilarity("CURLE WLANE", "CURLEW LANE"), 0.95);
    EXPECT_GT(nameSimilarity("ROAD WELLINGBOROUGH", "WELLINGBOROUGH ROAD"), 0.95);
    EXPECT_LT(nameSimilarity("GOLD STREET", "SILVER LANE"), 0.5);
    EXPECT_EQ(nameSimilarity("", "X"), 0.0);
}
