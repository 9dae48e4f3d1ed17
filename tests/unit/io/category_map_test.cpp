#include <gtest/gtest.h>

#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"

using namespace hotspot;

TEST(CategoryMap, DefaultCoversTheFourteenPoliceUkTypes) {
    CategoryMap map = CategoryMap::builtinDefault();
    const char* types[] = {"Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
                           "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
                           "Theft from the person", "Vehicle crime", "Violence and sexual offences"};
    for (const char* t : types) EXPECT_TRUE(map.groupOf(t).has_value()) << t;
    EXPECT_EQ(map.groups()[*map.groupOf("Burglary")], "burglary");
    EXPECT_EQ(map.groups()[*map.groupOf("anti-social BEHAVIOUR ")], "asb");  // case and spaces do not matter
    EXPECT_EQ(map.groups()[*map.groupOf("Violence and sexual offences")], "violence");
    // Finer force categories and the road issue types are in the same data file.
    EXPECT_EQ(map.groups()[*map.groupOf("Burglary residential")], "burglary");
    EXPECT_EQ(map.groups()[*map.groupOf("Speeding")], "road_speeding");
    EXPECT_EQ(map.groups()[*map.groupOf("HGV in restricted area")], "road_hgv");
    EXPECT_FALSE(map.groupOf("Jaywalking").has_value());
}

TEST(CategoryMap, CustomFileWithCommentsAndExtraColumns) {
    CategoryMap map = CategoryMap::fromText("# comment\nlabel,category,group\nx,Theft of pedal cycle,acquisitive\ny,Burglary,acquisitive\n", "custom.csv");
    EXPECT_EQ(map.groups().size(), 1u);
    EXPECT_EQ(map.groupOf("burglary"), map.groupOf("Theft of pedal cycle"));
}

TEST(CategoryMap, ErrorsNameFileLineAndField) {
    try {
        CategoryMap::fromText("category,group\nBurglary,burglary\nBurglary,theft\n", "m.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "m.csv:3: field 'category': category 'Burglary' is mapped twice, to 'burglary' and 'theft'");
    }
    try {
        CategoryMap::fromText("type,grp\nBurglary,burglary\n", "m.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().line, 1);
        EXPECT_EQ(e.context().field, "category");
    }
    EXPECT_THROW(CategoryMap::fromText("category,group\nBurglary\n", "m.csv"), Error);
    EXPECT_THROW(CategoryMap::fromText("category,group\n,burglary\n", "m.csv"), Error);
}
