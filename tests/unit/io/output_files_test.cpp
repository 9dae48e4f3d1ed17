#include <gtest/gtest.h>

#include <filesystem>

#include "hotspot/error.hpp"
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
    for (const auto& e : fs::directory_iterator(dir.file("out"))) EXPECT_EQ(e.path().filename(), "result.csv");
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
