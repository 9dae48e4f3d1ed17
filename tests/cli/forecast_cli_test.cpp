// `hotspot forecast-evaluate` end to end: a planted seasonal pattern the right method must win,
// the "same month last year" scores recomputed independently from the input rows, the measures'
// identities on every row, conservation of the target months' crimes, and clear errors.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "test_support.hpp"

using namespace hotspot;

namespace {

struct Crime {
    int month;  // 0 = 2020-01
    int col, row;
};

// 16 months (2020-01 to 2021-04) on a 20 x 20 block of 100 m cells. Each calendar month has its own
// 5 "seasonal" cells with 3 crimes each, so a month repeats the same month a year before and
// nothing else; 2 scattered crimes a month add noise.
std::vector<Crime> seasonalCrimes() {
    std::vector<Crime> crimes;
    uint64_t s = 99;
    auto next = [&]() { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    for (int m = 0; m < 16; ++m) {
        const int season = m % 12;
        for (int k = 0; k < 5; ++k)
            for (int c = 0; c < 3; ++c) crimes.push_back({m, (season * 7 + k * 3) % 20, (season * 3 + k * 5) % 20});
        for (int k = 0; k < 2; ++k) crimes.push_back({m, static_cast<int>(next() % 20), static_cast<int>(next() % 20)});
    }
    // The corners, once, in the first month: the grid covers the whole block.
    crimes.push_back({0, 0, 0});
    crimes.push_back({0, 19, 19});
    return crimes;
}

std::string csvOf(const std::vector<Crime>& crimes) {
    std::string csv = "id,date,x,y,type\n";
    for (size_t i = 0; i < crimes.size(); ++i)
        csv += fmt::format("c{},{}-{:02d}-10,{},{},Burglary\n", i, 2020 + crimes[i].month / 12, crimes[i].month % 12 + 1, 450050 + 100 * crimes[i].col,
                           250050 + 100 * crimes[i].row);
    return csv;
}

// Hits of the top `chosen` of `total` cells ranked by `score`, ties sharing the places left: the
// published definition, computed over distinct score values (cells absent from the maps score 0).
double expectedHits(const std::map<std::pair<int, int>, double>& score, const std::map<std::pair<int, int>, double>& target, int64_t chosen,
                    int64_t total) {
    std::map<double, std::pair<int64_t, double>, std::greater<>> groups;  // score -> (cells, target crimes)
    std::set<std::pair<int, int>> scored;
    for (const auto& [cell, v] : score)
        if (v != 0) groups[v].first++, groups[v].second += target.count(cell) ? target.at(cell) : 0, scored.insert(cell);
    double zeroTarget = 0;
    for (const auto& [cell, v] : target)
        if (!scored.count(cell)) zeroTarget += v;
    groups[0].first += total - static_cast<int64_t>(scored.size());
    groups[0].second += zeroTarget;
    double hits = 0;
    int64_t left = chosen;
    for (const auto& [value, group] : groups) {
        if (left <= 0) break;
        const int64_t take = std::min(left, group.first);
        hits += group.second * static_cast<double>(take) / static_cast<double>(group.first);
        left -= take;
    }
    return hits;
}

}  // namespace

TEST(ForecastEvaluateCli, SeasonalPatternIsFoundAndLastYearScoresMatchAnIndependentCount) {
    test::TempDir dir;
    const auto crimes = seasonalCrimes();
    test::writeFile(dir.file("crimes.csv"), csvOf(crimes));
    const auto r = test::runCli({"forecast-evaluate", dir.file("crimes.csv"), "--columns", "id=id,date=date,x=x,y=y,category=type", "--srs", "EPSG:27700",
                                 "--cell", "100", "--study-buffer", "0", "-o", dir.file("f")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    const auto rows = test::readCsvRows(dir.file("f/forecast_scores.csv"));
    ASSERT_EQ(rows.size(), 4u * 6u * 3u);  // 4 target months x 6 methods x 3 coverages

    // Crimes per cell and month, from the input rows.
    std::map<int, std::map<std::pair<int, int>, double>> perMonth;
    for (const Crime& c : crimes) perMonth[c.month][{c.col, c.row}] += 1;
    double targetCrimes = 0;
    for (int m = 12; m < 16; ++m)
        for (const auto& [cell, n] : perMonth[m]) targetCrimes += n;

    double scoredCrimes = 0;
    for (const auto& row : rows) {
        const int month = (std::stoi(row.at("target_month").substr(0, 4)) - 2020) * 12 + std::stoi(row.at("target_month").substr(5)) - 1;
        const int64_t chosen = std::stoll(row.at("cells_chosen")), total = std::stoll(row.at("cells_total"));
        ASSERT_EQ(total, 400);  // --study-buffer 0: the whole 20 x 20 grid
        const double crimesN = std::stod(row.at("crimes")), hits = std::stod(row.at("hits")), best = std::stod(row.at("best_hits"));
        double monthCrimes = 0;
        for (const auto& [cell, n] : perMonth[month]) monthCrimes += n;
        EXPECT_DOUBLE_EQ(crimesN, monthCrimes);
        // The identities of the measures on every row.
        EXPECT_EQ(chosen, std::llround(std::stod(row.at("coverage_pct")) / 100 * 400));
        EXPECT_NEAR(std::stod(row.at("hit_rate")), hits / crimesN, 2e-6);
        EXPECT_NEAR(std::stod(row.at("pai")), hits / crimesN / (static_cast<double>(chosen) / 400), 2e-4 * 400 / static_cast<double>(chosen));
        EXPECT_NEAR(std::stod(row.at("pei")), hits / best, 1e-3);
        EXPECT_LE(hits, best + 1e-9);
        if (row.at("method") == "kde_1m" && row.at("coverage_pct") == "5") scoredCrimes += crimesN;
        if (row.at("method") == "last_year") {
            EXPECT_NEAR(hits, expectedHits(perMonth[month - 12], perMonth[month], chosen, total), 1e-3) << row.at("target_month") << " " << chosen;
            // The best map of this many cells: the busiest cells of the target month.
            std::vector<double> counts;
            for (const auto& [cell, n] : perMonth[month]) counts.push_back(n);
            std::sort(counts.rbegin(), counts.rend());
            double top = 0;
            for (size_t k = 0; k < counts.size() && static_cast<int64_t>(k) < chosen; ++k) top += counts[k];
            EXPECT_DOUBLE_EQ(best, top);
        }
    }
    // Every crime of the target months is scored once per method and coverage; the ledger agrees.
    EXPECT_DOUBLE_EQ(scoredCrimes, targetCrimes);
    EXPECT_NE(r.err.find(fmt::format("{} counted", static_cast<int>(targetCrimes))), std::string::npos) << r.err;

    // The seasonal pattern repeats the same month a year before: that map must win.
    const std::string md = test::readFile(dir.file("f/forecast_evaluation.md"));
    EXPECT_NE(md.find("Recommended: Same month last year"), std::string::npos) << md;
    const auto summary = test::readCsvRows(dir.file("f/forecast_summary.csv"));
    ASSERT_EQ(summary.size(), 6u * 3u);
    for (const auto& row : summary)
        if (row.at("coverage_pct") == "5") { EXPECT_EQ(row.at("rank") == "1", row.at("method") == "last_year") << row.at("method"); }
    const std::string svg = test::readFile(dir.file("f/forecast_evaluation.svg"));
    EXPECT_NE(svg.find("Same month last year"), std::string::npos);
    EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n'), 1);  // one document, closed
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_GE(svg.find("<polyline"), 0u);
}

// Places that last two months: crimes in months 2p and 2p + 1 fall in the same 6 cells, chosen
// afresh for each p and never repeated a year later. The maps of the recent past must beat last
// year's month, and last month's KDE must beat the 12-month KDE that spreads over many old places.
TEST(ForecastEvaluateCli, RecentPatternFavoursRecentMaps) {
    test::TempDir dir;
    std::vector<Crime> crimes;
    uint64_t s = 5;
    auto next = [&]() { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    for (int p = 0; p < 8; ++p) {
        std::vector<std::pair<int, int>> places;
        for (int k = 0; k < 6; ++k) places.emplace_back(static_cast<int>(next() % 20), static_cast<int>(next() % 20));
        for (int m = 2 * p; m < 2 * p + 2; ++m)
            for (const auto& [col, row] : places)
                for (int c = 0; c < 4; ++c) crimes.push_back({m, col, row});
    }
    crimes.push_back({0, 0, 0});
    crimes.push_back({0, 19, 19});
    test::writeFile(dir.file("crimes.csv"), csvOf(crimes));
    const auto r = test::runCli({"forecast-evaluate", "-q", dir.file("crimes.csv"), "--columns", "id=id,date=date,x=x,y=y,category=type", "--srs",
                                 "EPSG:27700", "--cell", "100", "--coverage", "5", "-o", dir.file("f")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, double> pai;
    for (const auto& row : test::readCsvRows(dir.file("f/forecast_summary.csv"))) pai[row.at("method")] = std::stod(row.at("pai_mean"));
    EXPECT_GT(pai.at("kde_1m"), 1.5 * pai.at("last_year"));
    EXPECT_GT(pai.at("prospective"), 1.5 * pai.at("last_year"));
    EXPECT_GT(pai.at("kde_1m"), pai.at("kde_12m"));
}

TEST(ForecastEvaluateCli, ClearErrorsForTooFewMonthsAndBadCoverage) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    // The sample has 36 months: a 36-month history leaves no target month.
    auto r = test::runCli({"forecast-evaluate", "-q", s + "/data/police", "--history", "36", "-o", dir.file("a")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--history"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("36 month(s)"), std::string::npos) << r.err;
    for (const char* bad : {"0", "101", "1,abc", "5,,10"}) {
        r = test::runCli({"forecast-evaluate", "-q", s + "/data/police", "--coverage", bad, "-o", dir.file("b")});
        EXPECT_EQ(r.exitCode, 2) << bad;
        EXPECT_NE(r.err.find("--coverage"), std::string::npos) << bad << ": " << r.err;
    }
    r = test::runCli({"forecast-evaluate", "-q", s + "/data/police", "--group", "burglarly", "-o", dir.file("c")});
    EXPECT_EQ(r.exitCode, 2);
    for (const char* out : {"a", "b", "c"}) EXPECT_FALSE(std::filesystem::exists(dir.file(out))) << out;
}

// On the sample's police.uk burglaries (36 months): 24 target months, every method, a chart.
TEST(ForecastEvaluateCli, SamplePoliceDataGivesARecommendationWithItsEvidence) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    const auto r = test::runCli({"forecast-evaluate", s + "/data/police", "--group", "burglary", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("24 target months"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("balanced"), std::string::npos) << r.err;
    const std::string md = test::readFile(dir.file("forecast_evaluation.md"));
    EXPECT_NE(md.find("Recommended: "), std::string::npos);
    EXPECT_NE(md.find("sign test p = "), std::string::npos);
    EXPECT_EQ(test::readCsvRows(dir.file("forecast_scores.csv")).size(), 24u * 6u * 3u);
}

// The whole evaluation written independently in NumPy/SciPy (the benchmark's peer) gives the same
// mean PAI for every method and coverage. Skips when Debian's Python lacks NumPy, SciPy or pandas.
TEST(ForecastEvaluateCli, SameAnswersAsTheNumPyPeer) {
    if (test::runProgram("/usr/bin/python3", {"-c", "import numpy, scipy, pandas"}).exitCode != 0)
        GTEST_SKIP() << "/usr/bin/python3 has no numpy, scipy or pandas (python3-scipy python3-pandas)";
    test::TempDir dir;
    const std::string bench = test::sourceDir() + "/tests/bench/";
    auto r = test::runProgram("/usr/bin/python3", {bench + "make_forecast_input.py", dir.file("crimes.csv"), "16", "1500"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runProgram("/usr/bin/python3", {bench + "peer_forecast_numpy.py", dir.file("crimes.csv"), dir.file("peer.csv")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runCli({"forecast-evaluate", "-q", dir.file("crimes.csv"), "--columns", "id=id,x=x,y=y,date=date,category=category", "--srs", "EPSG:27700",
                      "-o", dir.file("f")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::pair<std::string, std::string>, double> ours;
    for (const auto& row : test::readCsvRows(dir.file("f/forecast_summary.csv"))) ours[{row.at("method"), row.at("coverage_pct")}] = std::stod(row.at("pai_mean"));
    const auto peer = test::readCsvRows(dir.file("peer.csv"));
    ASSERT_EQ(peer.size(), 18u);
    for (const auto& row : peer) {
        const auto key = std::make_pair(row.at("method"), row.at("coverage_pct"));
        ASSERT_TRUE(ours.count(key)) << key.first << " " << key.second;
        // To 1e-4 relative: the peer adds in another order, so cells exactly tied in one sum can
        // differ in the last bit in the other and share places differently.
        EXPECT_NEAR(ours.at(key), std::stod(row.at("pai_mean")), 1e-4 * ours.at(key) + 1e-4) << key.first << " at " << key.second << " %";
    }
}
