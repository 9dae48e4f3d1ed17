#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <cmath>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/output_files.hpp"
#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

TEST(OutputStaging, FilesAppearOnlyOnCommitAndAFailedRunKeepsThePreviousOutput) {
    test::TempDir dir;
    test::writeFile(dir.file("out/result.csv"), "previous,good\n");
    {
        OutputStaging staging(dir.file("out"));
        CsvWriter w(staging.stagedPath("result.csv"));
        w.row({"new", "half"});
        w.close();
        // No commit: the run "fails" here.
    }
    EXPECT_EQ(test::readFile(dir.file("out/result.csv")), "previous,good\n");
    for (const auto& e : fs::directory_iterator(dir.file("out")))
        if (e.path().filename() != ".hotspot.lock") { EXPECT_EQ(e.path().filename(), "result.csv"); }  // the lock stays, it is no output
    {
        OutputStaging staging(dir.file("out"));
        CsvWriter w(staging.stagedPath("result.csv"));
        w.row({"new", "with \"quote\", comma"});
        w.close();
        auto finals = staging.commit();
        ASSERT_EQ(finals.size(), 1u);
    }
    EXPECT_EQ(test::readFile(dir.file("out/result.csv")), "new,\"with \"\"quote\"\", comma\"\n");
}

TEST(OutputStaging, UnwritableFolderIsAnOutputError) {
    if (::geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
    test::TempDir dir;
    fs::create_directories(dir.file("ro"));
    fs::permissions(dir.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
    try {
        OutputStaging staging(dir.file("ro"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Output);
    }
}

namespace {

size_t g_killAfter = 0;
void killAfterRenames(size_t moved) {
    if (moved == g_killAfter) ::raise(SIGKILL);
}

void writeSet(const std::string& out, const std::string& tag, size_t killAfter) {
    OutputStaging staging(out);
    for (const char* name : {"incidents.gpkg", "incidents.csv", "rejects.csv", "area_summary.csv", "geocode_report.csv"})
        test::writeFile(staging.stagedPath(name), tag + " " + name);
    g_killAfter = killAfter;
    OutputStaging::setCommitStepHookForTests(killAfter ? killAfterRenames : nullptr);
    staging.commit();
}

int countTagged(const std::string& out, const std::string& tag) {
    int n = 0;
    for (const auto& e : fs::directory_iterator(out))
        if (e.is_regular_file() && test::readFile(e.path().string()).rfind(tag + " ", 0) == 0) ++n;
    return n;
}

}  // namespace

// SIGKILL between every pair of renames of a commit: the folder is then a mix, and the next run
// (or a command reading the folder) completes the dead run's commit from its manifest.
TEST(OutputStaging, AKillBetweenAnyTwoRenamesIsCompletedByTheNextRunOrAReader) {
    for (size_t k = 1; k <= 4; ++k) {
        test::TempDir dir;
        const std::string out = dir.file("out");
        writeSet(out, "old", 0);
        ASSERT_EQ(countTagged(out, "old"), 5);
        const pid_t pid = ::fork();
        if (pid == 0) {
            writeSet(out, "new", k);
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "kill after rename " << k;
        EXPECT_EQ(countTagged(out, "new"), static_cast<int>(k)) << "the kill landed between renames " << k << " and " << k + 1;
        if (k % 2) {
            EXPECT_EQ(finishInterruptedCommits(out), 1);  // what a reader of the folder does first
        } else {
            OutputStaging next(out);  // the next run
        }
        EXPECT_EQ(countTagged(out, "new"), 5) << "after the replay, kill after rename " << k;
        for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().filename().string().rfind(".staging-", 0), 0u) << e.path();
    }
    OutputStaging::setCommitStepHookForTests(nullptr);
}

TEST(OutputStaging, ASecondRunIntoTheSameFolderIsRefusedNamingTheFirst) {
    test::TempDir dir;
    OutputStaging first(dir.file("out"));
    try {
        OutputStaging second(dir.file("out"));
        FAIL() << "two runs hold the same output folder";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Output);
        EXPECT_NE(std::string(e.what()).find("in use by process " + std::to_string(::getpid())), std::string::npos) << e.what();
    }
}

TEST(OutputStaging, AnOutputThatWouldReplaceAnInputIsRefusedBeforeWriting) {
    test::TempDir dir;
    test::writeFile(dir.file("out/incidents.csv"), "the user's input\n");
    registerInputFile(dir.path() + "/out/../out/incidents.csv");
    OutputStaging staging(dir.file("out"));
    try {
        staging.stagedPath("incidents.csv");
        FAIL() << "an input would have been overwritten";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("would replace the input"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::readFile(dir.file("out/incidents.csv")), "the user's input\n");
    EXPECT_NO_THROW(staging.stagedPath("rejects.csv"));
}

// OWASP CSV injection: text a spreadsheet would run as a formula is written as text; numbers stay numbers.
TEST(CsvWriter, CellsThatWouldRunAsFormulasGetALeadingApostropheNumbersDoNot) {
    test::TempDir dir;
    {
        CsvWriter w(dir.file("x.csv"));
        w.row({"=HYPERLINK(\"http://evil\")", "+SUM(A1)", "-2+3", "@cmd", "\tx", "-0.8926", "+1", "-", "plain", "1e5"});
        w.field(-52.5).field(int64_t{-3});
        w.endRow();
        w.close();
    }
    EXPECT_EQ(test::readFile(dir.file("x.csv")),
              "\"'=HYPERLINK(\"\"http://evil\"\")\",'+SUM(A1),'-2+3,'@cmd,'\tx,-0.8926,+1,'-,plain,1e5\n-52.500,-3\n");
}

// Quoting is decided eight bytes at a time: a comma, quote, LF or CR at every position of texts
// 1 to 24 long (one, two and three words and the tails between) is found, and nothing else is quoted.
TEST(CsvWriter, ASpecialCharacterAtAnyPositionQuotesTheFieldAndOnlyThen) {
    test::TempDir dir;
    std::string expected;
    {
        CsvWriter w(dir.file("q.csv"));
        for (size_t length = 1; length <= 24; ++length) {
            const std::string plain(length, 'a');
            w.field(plain);
            expected += plain;
            for (const char special : {',', '"', '\n', '\r'})
                for (size_t at = 0; at < length; ++at) {
                    std::string text = plain;
                    text[at] = special;
                    w.field(text);
                    std::string quoted = text;
                    if (special == '"') quoted.insert(at, 1, '"');
                    if (special == '\r' && at == 0) quoted.insert(0, 1, '\'');  // a leading CR can hide a formula
                    expected += ",\"" + quoted + "\"";
                }
            w.endRow();
            expected += "\n";
        }
        w.close();
    }
    EXPECT_EQ(test::readFile(dir.file("q.csv")), expected);
}

// The one rounding rule of published figures: halves away from zero, from the decimal value
// (80 -> 85 is +6.25 %, printed 6.3; printf would print 6.2).
TEST(FormatDecimal, HalvesRoundAwayFromZeroFromTheDecimalValue) {
    EXPECT_EQ(formatDecimal(6.25, 1), "6.3");
    EXPECT_EQ(formatDecimal(-6.25, 1), "-6.3");
    EXPECT_EQ(formatDecimal(100.0 * (85 - 80) / 80, 1), "6.3");
    EXPECT_EQ(formatDecimal(0.15, 1), "0.2");  // 0.1499999... in binary
    EXPECT_EQ(formatDecimal(2.5, 0), "3");
    EXPECT_EQ(formatDecimal(6.24, 1), "6.2");
    EXPECT_EQ(formatDecimal(-0.04, 1), "0.0");  // no "-0.0"
    EXPECT_EQ(formatDecimal(1234.5678, 3), "1234.568");
    EXPECT_EQ(formatDecimal(std::nan(""), 1), "");
    EXPECT_EQ(formatDecimal(INFINITY, 1), "");
    // Extremes: a subnormal z-score (stod threw on it and `emerging` failed) and values too large to round.
    EXPECT_EQ(formatDecimal(1e-320, 6), "0.000000");
    EXPECT_EQ(formatDecimal(-4.9e-324, 6), "0.000000");
    EXPECT_EQ(formatDecimal(1e300, 1), fmt::format("{:.1f}", 1e300));
    EXPECT_EQ(formatDecimal(1.7e308, 6), fmt::format("{:.6f}", 1.7e308));
}
