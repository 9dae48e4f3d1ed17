// The selection of incidents for an analysis: when every row is kept it takes the incident
// table's columns instead of copying them (analysis_run.cpp, selectRows); both ways must give the
// same rows.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "hotspot/analysis_run.hpp"
#include "hotspot/progress.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

constexpr int kRows = 300;

// Row i: a point near Northampton, a date in 2021 (month 1 + i % 6, day 1 + i % 28), a category
// of two groups and a weight of 0.5, 1.5, 2.5 or 3.5 (exact in float and double).
std::string rowsAsCsv() {
    std::string csv = "x,y,date,category,weight\n";
    for (int i = 0; i < kRows; ++i)
        csv += fmt::format("{},{},2021-{:02d}-{:02d},{},{}\n", 475000 + 7 * (i % 40), 260000 + 11 * (i / 40), 1 + i % 6, 1 + i % 28,
                           i % 2 ? "Burglary" : "Anti-social behaviour", 0.5 + i % 4);
    return csv;
}

AnalysisInput inputFor(const std::string& path) {
    AnalysisInput input;
    input.inputs = {path};
    input.ingest.categories = &test::defaultCategories();
    input.ingest.mapping = ColumnMapping::parse("x=x,y=y,date=date,category=category,weight=weight");
    input.ingest.mapping.srs = "EPSG:27700";
    return input;
}

}  // namespace

TEST(Selection, EveryRowKeptTakesTheColumnsAndGivesTheRowsAFilteredCopyGives) {
    test::TempDir dir;
    test::writeFile(dir.file("rows.csv"), rowsAsCsv());
    Progress quiet;
    AnalysisInput input = inputFor(dir.file("rows.csv"));

    // Every row kept: the table's columns are taken.
    const SelectedIncidents all = loadIncidents(input, quiet);
    ASSERT_EQ(all.x.size(), static_cast<size_t>(kRows));
    ASSERT_EQ(all.strays, 0);
    for (int i = 0; i < kRows; ++i) {
        const auto k = static_cast<size_t>(i);
        EXPECT_EQ(all.x[k], 475000 + 7 * (i % 40)) << i;
        EXPECT_EQ(all.y[k], 260000 + 11 * (i / 40)) << i;
        EXPECT_EQ(all.weight[k], 0.5 + i % 4) << i;
        EXPECT_EQ(all.month[k], makeMonth(2021, 1 + i % 6)) << i;
        EXPECT_EQ(all.day[k], 1 + i % 28) << i;
    }
    EXPECT_NE(all.group[0], all.group[1]);  // two categories, two groups
    EXPECT_EQ(all.extent.minX, 475000);
    EXPECT_EQ(all.extent.maxY, 260000 + 11 * ((kRows - 1) / 40));

    // January left out: the kept rows are copied, and are the same rows.
    input.months = MonthRange::parse("2021-02:2021-12", "months");
    const SelectedIncidents later = loadIncidents(input, quiet);
    EXPECT_EQ(later.otherMonths, kRows / 6);
    ASSERT_EQ(later.x.size(), static_cast<size_t>(kRows - kRows / 6));
    size_t out = 0;
    for (size_t k = 0; k < all.x.size(); ++k) {
        if (all.month[k] == makeMonth(2021, 1)) continue;
        EXPECT_EQ(later.x[out], all.x[k]) << k;
        EXPECT_EQ(later.y[out], all.y[k]) << k;
        EXPECT_EQ(later.weight[out], all.weight[k]) << k;
        EXPECT_EQ(later.month[out], all.month[k]) << k;
        EXPECT_EQ(later.day[out], all.day[k]) << k;
        EXPECT_EQ(later.group[out], all.group[k]) << k;
        ++out;
    }
    EXPECT_EQ(out, later.x.size());
}
