// The hostile-input corpus (tests/hostile/): each file through `hotspot geocode` (and the analysis
// reader where it matters), with the exit code, the message and the row accounting it must give.
// Runs in CI under AddressSanitizer and UndefinedBehaviorSanitizer like every test.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

std::string corpus(const std::string& name) { return test::sourceDir() + "/tests/hostile/" + name; }

struct Case {
    std::string file;
    std::vector<std::string> extra;  // more arguments
    int exitCode;
    std::string says;  // in stderr
    int rejects = -1;  // rows in rejects.csv (-1: not checked)
};

}  // namespace

TEST(HostileInputs, EveryCorpusFileEndsInAClearErrorOrAnAccountedReject) {
    const std::vector<Case> cases = {
        {"stray_quote.csv", {}, 0, "40 rows = 38 accepted + 2 rejected", 2},
        {"stray_quote.csv", {}, 0, "42 lines = 1 header + 40 rows + 1 more lines of quoted fields + 0 blank"},
        {"utf16le_bom.csv", {}, 3, "UTF-16 little-endian"},
        {"utf16be_bom.csv", {}, 3, "UTF-16 big-endian"},
        {"semicolon.csv", {}, 0, "fields separated by semicolons", 0},
        {"semicolon.csv", {"--delimiter", "comma"}, 3, "the header has: Crime ID;Month"},
        {"tab.csv", {}, 0, "fields separated by tabs", 0},
        {"cr_only.csv", {}, 0, "6 rows = 6 accepted + 0 rejected", 0},
        {"nul_lines.csv", {}, 0, "8 rows = 6 accepted + 2 rejected", 2},
        {"long_header.csv", {}, 0, "4 rows = 4 accepted + 0 rejected", 0},
        {"repeated_rows.csv", {}, 0, "2 rows repeat an earlier row byte for byte", 0},
        {"swapped_lonlat.csv", {"--columns", "id=id,date=date,lon=lon,lat=lat,category=type"}, 0, "warning: 6 rows have longitude and latitude the wrong way round"},
        {"header_only.csv", {}, 5, "no data rows"},
        {"all_rejected.csv", {}, 5, "all 3 rows were rejected"},
        {"binary.csv", {}, 3, "binary content"},
        {"empty.csv", {}, 3, "file is empty"},
        {"crlf_mixed_blank.csv", {}, 0, "6 lines = 1 header + 3 rows + 0 more lines of quoted fields + 2 blank", 0},
        {"header_only.csv", {"-g", corpus("gazetteer_header_only.csv")}, 3, "empty gazetteer"},
    };
    test::TempDir dir;
    int n = 0;
    for (const auto& c : cases) {
        const std::string out = dir.file("out" + std::to_string(n++));
        std::vector<std::string> args = {"geocode", corpus(c.file), "-o", out};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, c.exitCode) << c.file << ": " << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << c.file << " should say '" << c.says << "': " << r.err;
        if (c.rejects >= 0) { EXPECT_EQ(test::readCsvRows(out + "/rejects.csv").size(), static_cast<size_t>(c.rejects)) << c.file; }
        if (c.exitCode != 0) { EXPECT_FALSE(fs::exists(out + "/incidents.csv")) << c.file << ": a failed run wrote outputs"; }
    }
}

TEST(HostileInputs, AStrayQuoteRejectsItsLineWithTheRecordAndTheRowsAfterItAreRead) {
    test::TempDir dir;
    const auto r = test::runCli({"geocode", "-q", corpus("stray_quote.csv"), "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rejects = test::readCsvRows(dir.file("rejects.csv"));
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(rejects[0].at("line"), "11");  // where the quote opened
    EXPECT_EQ(rejects[1].at("line"), "32");
    EXPECT_EQ(rejects[0].at("record").rfind("id0009,", 0), 0u) << rejects[0].at("record");
    const auto rows = test::readCsvRows(dir.file("incidents.csv"));
    ASSERT_EQ(rows.size(), 38u);
    bool multiLineKept = false;
    for (const auto& row : rows) multiLineKept |= row.at("location") == "On or near Abington Street\nnear the park";
    EXPECT_TRUE(multiLineKept);  // a real line break inside quotes is still one field
}

TEST(HostileInputs, FormulaTextIsEscapedInCsvOutputsAndTheRawRecordOfAnAddressRejectIsKept) {
    test::TempDir dir;
    const auto r = test::runCli({"geocode", "-q", corpus("formula.csv"), "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("incidents.csv"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].at("location"), "'=HYPERLINK(\"http://example.invalid\";\"x\")");
    EXPECT_EQ(rows[1].at("location"), "'@SUM(A1:A9)");
    // An address that cannot be geocoded: the reject carries the line as it is in the file.
    test::writeFile(dir.file("cases.csv"), "ref,date,address,type\nc1,2021-05-03,1 Nowhere Lane,asb\n");
    const auto a = test::runCli({"geocode", "-q", dir.file("cases.csv"), "--columns", "id=ref,date=date,address=address,category=type",
                                 "--allow-empty", "-o", dir.file("a")});
    ASSERT_EQ(a.exitCode, 0) << a.err;
    const auto rejects = test::readCsvRows(dir.file("a/rejects.csv"));
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0].at("record"), "c1,2021-05-03,1 Nowhere Lane,asb");
}

TEST(HostileInputs, AnAreaLayerInBngWithoutACrsMemberWorksWithSrs) {
    test::TempDir dir;
    const std::string square = R"({"type":"Feature","properties":{"code":"A","name":"Centre"},"geometry":{"type":"Polygon","coordinates":[[[474000,259000],[477000,259000],[477000,262000],[474000,262000],[474000,259000]]]}})";
    test::writeFile(dir.file("areas.geojson"), R"({"type":"FeatureCollection","features":[)" + square + "]}");
    const auto refused = test::runCli({"geocode", "-q", corpus("cr_only.csv"), "-a", "centre=" + dir.file("areas.geojson"), "-o", dir.file("x")});
    EXPECT_EQ(refused.exitCode, 3);
    EXPECT_NE(refused.err.find("which are not degrees"), std::string::npos) << refused.err;
    const auto ok = test::runCli({"geocode", "-q", corpus("cr_only.csv"), "-a", "centre=" + dir.file("areas.geojson"), "--srs", "EPSG:27700",
                                  "-o", dir.file("y")});
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    int inside = 0;
    for (const auto& row : test::readCsvRows(dir.file("y/incidents.csv"))) inside += row.at("centre_code") == "A";
    EXPECT_EQ(inside, 6);
}

TEST(HostileInputs, AHeaderPast64KiBKeepsEveryRowOnItsPhysicalLine) {
    test::TempDir dir;
    const auto r = test::runCli({"geocode", "-q", corpus("long_header.csv"), "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("incidents.csv"));
    ASSERT_EQ(rows.size(), 4u);  // no phantom row from the header's tail
    for (size_t k = 0; k < rows.size(); ++k) EXPECT_EQ(rows[k].at("source_line"), std::to_string(k + 2));
}

// Paths that are not readable files are named for what they are, for incidents, area layers and
// gazetteers alike; a FIFO is never opened (it would wait for a writer forever).
TEST(HostileInputs, MissingFilesLinkLoopsAndFifosAreNamed) {
    test::TempDir dir;
    fs::create_symlink(dir.file("loop"), dir.file("loop"));
    ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0644), 0);
    const std::string police = corpus("cr_only.csv");
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases = {
        {{"geocode", dir.file("missing.csv")}, "no such file"},
        {{"geocode", dir.file("loop")}, "symbolic link loop"},
        {{"geocode", dir.file("fifo")}, "FIFO"},
        {{"geocode", police, "-a", "x=" + dir.file("missing.gpkg")}, "no such file"},
        {{"geocode", police, "-a", "x=" + dir.file("loop")}, "symbolic link loop"},
        {{"geocode", police, "-a", "x=" + dir.file("fifo")}, "FIFO"},
        {{"geocode", police, "-g", dir.file("fifo")}, "FIFO"},
        {{"density", dir.file("fifo")}, "FIFO"},
    };
    for (const auto& c : cases) {
        auto args = c.args;
        args.insert(args.end(), {"-o", dir.file("out")});
        const auto r = test::runCli(args);  // a hang here would time the test out
        EXPECT_EQ(r.exitCode, 3) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
}

TEST(HostileInputs, GazetteerEntriesOutsideTheCrsAreaAreLeftOutAndCounted) {
    test::TempDir dir;
    // Two streets in Northampton and one "street" at 0,0 lon/lat (Null Island): left out, counted.
    test::writeFile(dir.file("gaz.csv"),
                    "name,locality,lon,lat\nAbington Street,Northampton,-0.8926,52.2405\n"
                    "Gold Street,Northampton,-0.8990,52.2370\nNowhere Road,Nowhere,0,0\n");
    test::writeFile(dir.file("cases.csv"), "ref,date,address,type\nc1,2021-05-03,Abington Street,asb\nc2,2021-05-04,Gold Street,asb\n");
    const auto r = test::runCli({"geocode", dir.file("cases.csv"), "--columns", "id=ref,date=date,address=address,category=type", "-g",
                                 dir.file("gaz.csv"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("1 gazetteer entries lie outside the area of use of EPSG:27700 and were left out (the first on line 4)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(test::readCsvRows(dir.file("out/incidents.csv")).size(), 2u);
}
