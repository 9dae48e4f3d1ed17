// Every number and choice option of every command, fed values outside its declared range: the
// command must stop with exit 2 and name the option as it was written. The table is built from the
// engine's declarations, and a second test checks that every number option `--help` lists is in the
// table, so an option added without a declaration fails here.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "hotspot/crs.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/error.hpp"
#include "hotspot/geocode_run.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/report.hpp"
#include "hotspot/concentration.hpp"
#include "hotspot/near_repeat.hpp"
#include "hotspot/forecast.hpp"
#include "hotspot/roads_run.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

// Arguments that get each command past its required options (parsing stops before any file is read).
std::vector<std::string> requiredArgs(const std::string& command) {
    if (command == "change") return {"change", "in.csv", "--before", "2020", "--after", "2021"};
    if (command == "evaluate") return {"evaluate", "in.csv", "--fit", "2020", "--test", "2021"};
    if (command == "roads") return {"roads", "--network", "roads.gpkg"};
    if (command == "evaluate-interventions") return {"evaluate-interventions", "in.csv", "--interventions", "p.csv"};
    return {command, "in.csv"};
}

struct Declared {
    std::string command;
    NumberOption spec;
};

std::vector<Declared> numberOptions() {
    std::vector<Declared> out;
    auto add = [&](std::initializer_list<const char*> commands, const NumberOption& spec) {
        for (const char* c : commands) out.push_back({c, spec});
    };
    const auto analysis = {"density", "gistar", "moran", "concentrate", "forecast-evaluate", "change", "emerging", "evaluate", "report", "coverage", "evaluate-interventions", "sites"};
    add(analysis, GridChoice::kCell);
    add(analysis, GridChoice::kMaxCells);
    add({"density", "evaluate", "coverage", "sites"}, KdeOptions::kBandwidth);
    add({"density"}, KdeOptions::kDecay);
    add({"density"}, DensityOptions::kRatePer);
    add({"density"}, DensityOptions::kMinDenominator);
    add({"gistar", "moran", "emerging"}, kRingsOption);
    add({"gistar", "moran"}, GiStarRunOptions::kPermutations);
    add({"moran"}, LocalMoranRunOptions::kAlpha);
    add({"concentrate"}, ConcentrateOptions::kTop);
    add({"near-repeat"}, NearRepeatOptions::kPermutations);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kBandwidth);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kHistory);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kProspectiveRadius);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kProspectiveWeeks);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kGiStarMonths);
    add({"forecast-evaluate"}, ForecastEvaluateOptions::kStudyBuffer);
    add({"concentrate"}, ConcentrateOptions::kSnap);
    add({"concentrate"}, ConcentrateOptions::kStableShare);
    add({"gistar"}, GiStarRunOptions::kZoneLevel);
    add({"emerging"}, EmergingRunOptions::kAlpha);
    add({"evaluate"}, EvaluateOptions::kTop);
    add({"report"}, PerformanceReportOptions::kYears);
    add({"coverage"}, CoverageOptions::kCameraRange);
    add({"coverage"}, CoverageOptions::kLightRadius);
    add({"coverage"}, CoverageOptions::kHotspotShare);
    add({"coverage"}, CoverageOptions::kDarkDistance);
    add({"evaluate-interventions"}, InterventionEvaluationOptions::kTreatedRadius);
    add({"evaluate-interventions"}, InterventionEvaluationOptions::kBuffer);
    add({"evaluate-interventions"}, InterventionEvaluationOptions::kPeriodMonths);
    add({"sites"}, SitesOptions::kSites);
    add({"sites"}, SitesOptions::kRadius);
    add({"sites"}, SitesOptions::kSpacing);
    add({"sites"}, SitesOptions::kCost);
    add({"sites"}, SitesOptions::kBudget);
    add({"sites"}, SitesOptions::kExistingRange);
    add({"roads"}, RoadsOptions::kNodeTolerance);
    add({"roads"}, RoadsOptions::kSnapTolerance);
    add({"roads"}, RoadsOptions::kLixel);
    add({"roads"}, RoadsOptions::kBandwidth);
    add({"roads"}, RoadsOptions::kClusterMin);
    add({"roads"}, RoadsOptions::kClusterRadius);
    add({"roads"}, RoadsOptions::kClusterMonths);
    add({"roads"}, RoadsOptions::kPeakThreshold);
    add({"roads"}, RoadsOptions::kTrendMonths);
    add({"roads"}, RoadsOptions::kMatchDistance);
    add({"geocode"}, GeocodeOptions::kMinScore);
    add({"geocode"}, GeocodeOptions::kEdgeDistance);
    return out;
}

// Values just outside the range (and the "not given" marker, which a user may not type), NaN,
// infinities, text, and a fraction for whole-number options.
std::vector<std::string> hostileValues(const NumberOption& s) {
    // "-inf", "" and huge values go through the same checks as these (OptionsValidate covers them
    // in-process); the table keeps the CLI runs to what each option's declaration decides.
    std::vector<std::string> v = {"nan", "1e400", "abc"};
    v.push_back(fmt::format("{}", s.minIncluded ? std::nextafter(s.min, -1e300) : s.min));
    v.push_back(fmt::format("{}", s.maxIncluded ? std::nextafter(s.max, 1e300) : s.max));
    if (s.integer) v.push_back(fmt::format("{}", s.min + 0.5));
    if (s.unset && std::isfinite(*s.unset)) v.push_back(fmt::format("{}", *s.unset));
    return v;
}

std::string flagOf(const NumberOption& s) { return OptionNaming::cli()(s.key); }

}  // namespace

TEST(OptionsCli, EveryNumberOptionRefusesValuesOutsideItsDeclaredRangeNamingTheFlag) {
    test::TempDir dir;
    struct Run {
        std::string what, flag;
        std::vector<std::string> args;
        test::CommandResult result;
    };
    std::vector<Run> runs;
    for (const auto& d : numberOptions())
        for (const auto& value : hostileValues(d.spec)) {
            auto args = requiredArgs(d.command);
            args.insert(args.end(), {flagOf(d.spec), value, "-o", dir.file("out")});
            runs.push_back({d.command + " " + flagOf(d.spec) + " '" + value + "'", flagOf(d.spec), args, {}});
        }
    // Two at a time: each run is a whole process start, and nothing is written.
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t k = next++; k < runs.size(); k = next++) runs[k].result = test::runCli(runs[k].args, dir.path());
    };
    std::thread other(worker);
    worker();
    other.join();
    for (const auto& r : runs) {
        EXPECT_EQ(r.result.exitCode, 2) << r.what << ": " << r.result.err;
        EXPECT_NE(r.result.err.find(r.flag), std::string::npos) << r.what << ": " << r.result.err;
    }
    EXPECT_GT(runs.size(), 200u);
}

TEST(OptionsCli, EveryNumberOptionInHelpIsDeclaredAndShowsItsRange) {
    std::map<std::string, std::set<std::string>> declared;
    for (const auto& d : numberOptions()) declared[d.command].insert(flagOf(d.spec));
    const std::regex numberOption(R"((--[a-z-]+) (FLOAT|INT|UINT))");
    for (const std::string command : {"geocode", "density", "gistar", "change", "emerging", "evaluate", "report", "roads", "coverage",
                                      "evaluate-interventions", "sites", "export"}) {
        const auto help = test::runCli({command, "--help"});
        ASSERT_EQ(help.exitCode, 0) << command;
        for (std::sregex_iterator it(help.out.begin(), help.out.end(), numberOption), end; it != end; ++it) {
            const std::string flag = (*it)[1];
            if (flag == "--seed") continue;  // any 64-bit value is a valid seed; CLI11 refuses the rest
            EXPECT_TRUE(declared[command].count(flag)) << command << " " << flag << " has no declaration in the table";
        }
    }
    const auto help = test::runCli({"density", "--help"});
    EXPECT_NE(help.out.find("a number of metres from 0.01 to 100000"), std::string::npos) << help.out;
}

TEST(OptionsCli, ChoiceOptionsRefuseUnknownValuesListingTheChoices) {
    test::TempDir dir;
    const std::vector<std::vector<std::string>> cases = {
        {"density", "--kernel", "gausian"}, {"density", "--output", "scaledd"}, {"density", "--dual", "ratios"}, {"gistar", "--shape", "hexagonal"}, {"emerging", "--step", "week"}, {"evaluate", "--method", "gistar"}, {"coverage", "--period", "decade"}, {"sites", "--demand", "people"}, {"roads", "--kernel", "gaussian"}, {"roads", "--method", "continuous"}, {"roads", "--cluster-rule", "scotland"}, {"roads", "--rank-by", "beauty"}, {"moran", "--style", "rowish"}, {"moran", "--variance", "partial"}, {"moran", "--weights", "knn:0"}, {"moran", "--weights", "bishop"}, {"concentrate", "--unit", "street"}, {"near-repeat", "--time-unit", "week"}, {"geocode", "--period", "week"}, {"geocode", "--format", "xlsx"}};
    for (const auto& c : cases) {
        auto args = requiredArgs(c[0]);
        args.insert(args.end(), {c[1], c[2], "-o", dir.file("out")});
        const auto r = test::runCli(args, dir.path());
        EXPECT_EQ(r.exitCode, 2) << c[0] << " " << c[1] << " " << c[2] << ": " << r.err;
        EXPECT_NE(r.err.find(c[1]), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c[2]), std::string::npos) << r.err;
    }
}

TEST(OptionsValidate, EngineMessagesNameOptionsByKeyAndEachFrontEndShowsItsOwnName) {
    const auto cli = OptionNaming::cli();
    EXPECT_EQ(nameOptions("more than the limit (`max_cells`); give a larger `cell`", cli), "more than the limit (--max-cells); give a larger --cell");
    EXPECT_EQ(nameOptions("set `analysis_crs`", OptionNaming::prefixed("analysis.")), "set analysis.analysis_crs");
    // Backquoted text that is no key stays as it is, and so does a lone backquote.
    EXPECT_EQ(nameOptions("see `hotspot geocode` and `Crime ID`", cli), "see `hotspot geocode` and `Crime ID`");
    EXPECT_EQ(nameOptions("a ` b `cell`", cli), "a ` b --cell");
    EXPECT_EQ(nameOptions("", cli), "");
    // End to end: the engine's message reaches the CLI user with the flag.
    test::TempDir dir;
    auto r = test::runCli({"coverage", test::sourceDir() + "/data/police", "-o", dir.file("c")});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("give --cameras and/or --lights"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('`'), std::string::npos) << r.err;
}

TEST(OptionsValidate, TheSameDeclarationsNameTheOptionAsEachCallerKnowsIt) {
    GridChoice grid;
    grid.cellSize = 1e-320;
    try {
        grid.validate(OptionNaming::prefixed("analysis."));
        FAIL() << "a 1e-320 m cell was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_EQ(e.context().field, "analysis.cell");
        EXPECT_NE(std::string(e.what()).find("from 0.01 to 100000"), std::string::npos) << e.what();
    }
    grid.cellSize = 0;  // "not given": the job's default rule
    EXPECT_NO_THROW(grid.validate(OptionNaming::cli()));
    EXPECT_THROW(GridChoice::kCell.checkGiven(0, OptionNaming::cli()), Error);  // but a user may not type it
    grid.maxCells = -1;
    try {
        grid.validate(OptionNaming::cli());
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().field, "--max-cells");  // not --cell
    }
    GiStarRunOptions gi;
    gi.input.ingest.categories = &test::defaultCategories();
    // Spellings that are no rule at all are refused when read; rules out of range by validate().
    for (const char* bad : {"distance:", "distance:5km", "king", "knn:", "knn:2.5"}) {
        try {
            parseNeighbourRule(bad, OptionNaming::cli());
            ADD_FAILURE() << bad << " read as a neighbour rule";
        } catch (const Error& e) {
            EXPECT_EQ(e.context().field, "--weights") << bad;
        }
    }
    for (const char* bad : {"distance:-5", "distance:nan", "distance:0", "knn:3"}) {
        gi.weights = parseNeighbourRule(bad, OptionNaming::cli());
        EXPECT_THROW(gi.validate(OptionNaming::cli()), Error) << bad;  // knn: Gi* on areas takes contiguity or a band
    }
    gi.weights = parseNeighbourRule("distance:500", OptionNaming::cli());
    EXPECT_EQ(gi.weights.kind, NeighbourRule::Kind::DistanceBand);
    EXPECT_EQ(gi.weights.bandMetres, 500);
    EXPECT_EQ(gi.weights.text(), "distance:500");
    EXPECT_NO_THROW(gi.validate(OptionNaming::cli()));
    LocalMoranRunOptions moran;
    moran.input.ingest.categories = &test::defaultCategories();
    moran.weights = parseNeighbourRule("knn:8", OptionNaming::cli());
    EXPECT_EQ(moran.weights.nearest, 8);
    EXPECT_NO_THROW(moran.validate(OptionNaming::cli()));
    moran.weights = NeighbourRule::nearestK(0);
    EXPECT_THROW(moran.validate(OptionNaming::cli()), Error);
    // Every typed choice reads its own spelling back, and refuses others naming the option.
    EXPECT_EQ(parseWeightStyle(toString(WeightStyle::Binary), OptionNaming::cli()), WeightStyle::Binary);
    EXPECT_EQ(parseRankBy(toString(RankBy::Counts), OptionNaming::cli()), RankBy::Counts);
    EXPECT_EQ(parsePlaceUnit(toString(PlaceUnit::Segment), OptionNaming::cli()), PlaceUnit::Segment);
    EXPECT_EQ(parseSharePeriod(toString(SharePeriod::All), OptionNaming::cli()), SharePeriod::All);
    EXPECT_EQ(parsePoliceUkSeries(toString(PoliceUkSeries::StopAndSearch), OptionNaming::cli()), PoliceUkSeries::StopAndSearch);
    try {
        parsePlaceUnit("street", OptionNaming::cli());
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.context().field, "--unit");
        EXPECT_NE(std::string(e.what()).find("cell, segment, location, area"), std::string::npos) << e.what();
    }
}

TEST(OptionsValidate, AnalysisCrsMustBeProjectedInMetres) {
    const auto naming = OptionNaming::cli();
    EXPECT_NO_THROW(requireMetricCrs("EPSG:27700", "crs", naming));
    EXPECT_NO_THROW(requireMetricCrs("EPSG:3857", "crs", naming));
    for (const char* crs : {"EPSG:4326", "EPSG:4258", "EPSG:2227" /* US survey feet */, "EPSG:999999", "not a crs"}) {
        try {
            requireMetricCrs(crs, "crs", naming);
            ADD_FAILURE() << crs << " accepted as an analysis CRS";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Usage);
            EXPECT_EQ(e.context().field, "--crs");
        }
    }
}

// The failures the hostile tester found, end to end on a real input.
TEST(OptionsCli, KnownCrashesAndSilentAcceptancesNowStopWithExit2) {
    test::TempDir dir;
    const std::string input = dir.file("crimes.csv");
    test::writeFile(input,
                    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
                    "a1,2021-01,P,P,-0.8950,52.2400,On or near X,E01,N,Burglary,,\n"
                    "a2,2021-02,P,P,-0.8900,52.2420,On or near Y,E01,N,Burglary,,\n"
                    "a3,2021-03,P,P,-0.8850,52.2380,On or near Z,E01,N,Burglary,,\n");
    const std::string out = dir.file("out");
    struct Case {
        std::vector<std::string> args;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {{"density", input, "--cell", "1e-320"}, "--cell"},
        {{"density", input, "--cell", "1e-20"}, "--cell"},
        {{"density", input, "--cell", "0"}, "--cell"},
        {{"density", input, "--bandwidth", "0"}, "--bandwidth"},
        {{"density", input, "--bandwidth", "nan"}, "--bandwidth"},
        {{"density", input, "--rate-per", "-3"}, "--rate-per"},
        {{"density", input, "--crs", "EPSG:4326"}, "geographic"},
        {{"gistar", input, "--permutations", "-5"}, "--permutations"},
        {{"gistar", input, "--permutations", "2000000000"}, "--permutations"},
        {{"gistar", input, "--weights", "distance:-5"}, "--weights"},
        {{"gistar", input, "--weights", "distance:nan"}, "--weights"},
        {{"gistar", input, "--zone-level", "7"}, "--zone-level"},
        {{"gistar", input, "--max-cells", "-1"}, "--max-cells"},
        {{"emerging", input, "--alpha", "7"}, "--alpha"},
    };
    for (const auto& c : cases) {
        auto args = c.args;
        args.insert(args.end(), {"-o", out});
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 2) << fmt::format("{}", fmt::join(c.args, " ")) << ": " << r.err;
        EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out + "/density.tif")) << fmt::format("{}", fmt::join(c.args, " "));
    }
    // A sensible run on the same input still works: the checks refuse only what is wrong.
    const auto ok = test::runCli({"density", input, "--cell", "50", "--bandwidth", "400", "-o", out});
    EXPECT_EQ(ok.exitCode, 0) << ok.err;
}

TEST(OptionsValidate, NoDeclarationAcceptsNanOrInfinity) {
    for (const auto& d : numberOptions())
        for (double v : {std::nan(""), double(INFINITY), -double(INFINITY)}) {
            EXPECT_FALSE(d.spec.problemGiven(v).empty()) << d.command << " " << d.spec.key << " accepts " << v;
            if (!(d.spec.unset && std::isinf(*d.spec.unset) && v == *d.spec.unset)) {
                EXPECT_FALSE(d.spec.problem(v).empty()) << d.command << " " << d.spec.key << " accepts " << v;
            }
        }
}
