// Reliability end to end: a run killed with SIGKILL at many points, a disk that fills up, Latin-1
// bytes and 10,000-character fields. The previous outputs must stay intact and readable.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

// Starts the CLI with stdout/stderr discarded; optionally with a file size limit (a "full disk").
pid_t startCli(const std::vector<std::string>& args, rlim_t fileSizeLimit = RLIM_INFINITY, const std::string& errPath = "/dev/null") {
    const std::string program = test::cliPath();
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(null, 1);
        ::dup2(err, 2);
        if (fileSizeLimit != RLIM_INFINITY) {
            ::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG, as on a full disk
            rlimit limit{fileSizeLimit, fileSizeLimit};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        std::vector<char*> argv{const_cast<char*>(program.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

int wait(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename() != ".hotspot.lock") files[e.path().filename().string()] = test::readFile(e.path().string());
    return files;
}

std::vector<std::string> geocodeArgs(const std::string& out) {
    const std::string s = test::sourceDir();
    return {"geocode", "-q", s + "/data/police", "-g", s + "/shapes/street_gazetteer.csv", "-a", "priority=" + s + "/shapes/priority_areas.geojson",
            "-o", out};
}

}  // namespace

TEST(Reliability, KillingARunAtAnyPointLeavesThePreviousOutputsIntactAndReadable) {
    test::TempDir dir;
    const std::string out = dir.file("out");
    ASSERT_EQ(wait(startCli(geocodeArgs(out))), 0);
    const auto before = snapshot(out);
    ASSERT_GE(before.size(), 4u);
    const int64_t features = test::featureCount(out + "/incidents.gpkg", "incidents");
    ASSERT_GT(features, 50000);
    // How long a run takes here, then kills spread over it (reading, geocoding, writing, renaming).
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(wait(startCli(geocodeArgs(dir.file("timing")))), 0);
    const auto runMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    int killed = 0;
    for (int k = 1; k <= 8; ++k) {
        const pid_t pid = startCli(geocodeArgs(out));
        std::this_thread::sleep_for(std::chrono::milliseconds(runMs * k / 9));
        ::kill(pid, SIGKILL);
        killed += wait(pid) == 128 + SIGKILL;
        // Every previous file is there with its previous content (or, if the run got as far as the
        // renames, the new complete file); the GeoPackage opens with all its features.
        for (const auto& [name, content] : before) {
            ASSERT_TRUE(fs::exists(out + "/" + name)) << name << " after a kill at " << k << "/9";
            const std::string now = test::readFile(out + "/" + name);
            if (name != "incidents.gpkg") { EXPECT_TRUE(now == content || now.size() == content.size()) << name << " at " << k << "/9"; }
        }
        EXPECT_EQ(test::featureCount(out + "/incidents.gpkg", "incidents"), features) << "kill at " << k << "/9";
    }
    EXPECT_GE(killed, 5);  // most kills landed while the run was still going
    // The next run cleans the dead runs' staging folders and succeeds.
    ASSERT_EQ(wait(startCli(geocodeArgs(out))), 0);
    for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().filename().string().rfind(".staging-", 0), 0u) << e.path();
}

TEST(Reliability, AFullDiskIsAnOutputErrorAndThePreviousOutputsStay) {
    test::TempDir dir;
    const std::string out = dir.file("out");
    ASSERT_EQ(wait(startCli(geocodeArgs(out))), 0);
    const auto before = snapshot(out);
    // 2 MB is less than the outputs need: a write fails midway.
    const int code = wait(startCli(geocodeArgs(out), 2 * 1024 * 1024, dir.file("err.txt")));
    EXPECT_EQ(code, 4);
    const std::string err = test::readFile(dir.file("err.txt"));
    EXPECT_NE(err.find("error"), std::string::npos) << err;
    EXPECT_EQ(snapshot(out), before);
    for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().filename().string().rfind(".staging-", 0), 0u);
}

TEST(Reliability, Latin1BytesAndTenThousandCharacterFieldsAreKeptOrRejectedWithTheRecordShortened) {
    test::TempDir dir;
    const std::string header =
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
    std::string csv = header;
    // Latin-1 "é" (0xE9) in a location, as exported by an old council system.
    csv += "a1,2021-05,Force,Force,-0.8926,52.2405,On or near Caf\xE9 Street,,,Burglary,Under investigation,\n";
    // A 10,000-character location: kept.
    csv += "a2,2021-05,Force,Force,-0.8926,52.2405,On or near " + std::string(10000, 'x') + ",,,Burglary,Under investigation,\n";
    // A 10,000-character field on a row with too few fields: rejected, the record shortened.
    csv += "a3,2021-05," + std::string(10000, 'y') + "\n";
    test::writeFile(dir.file("in.csv"), csv);
    auto r = test::runCli({"geocode", "-q", dir.file("in.csv"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto rows = test::readCsvRows(dir.file("out/incidents.csv"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].at("location").size(), std::string("On or near ").size() + 10000);
    // The Latin-1 byte arrives as valid UTF-8 in the outputs (the GeoPackage and CSV are UTF-8).
    const std::string location = rows[0].at("location");
    EXPECT_NE(location.find("Caf"), std::string::npos);
    EXPECT_NE(location.find("\xC3\xA9"), std::string::npos) << location;
    EXPECT_EQ(test::featureCount(dir.file("out/incidents.gpkg"), "incidents"), 2);
    const auto rejects = test::readCsvRows(dir.file("out/rejects.csv"));
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0].at("line"), "4");
    EXPECT_LE(rejects[0].at("record").size(), 503u);
}

// Two runs into one folder at once: the folder's lock lets one write; the other stops with exit 4
// naming the process (or, if the first had finished, runs after it). Never a mix of the two.
TEST(Reliability, TwoRunsIntoTheSameFolderNeverMixTheirOutputs) {
    test::TempDir dir;
    const std::string out = dir.file("out"), s = test::sourceDir();
    const std::vector<std::string> all = {"geocode", "-q", s + "/data/police", "-o", out};
    const std::vector<std::string> oneYear = {"geocode", "-q", s + "/data/police/2021-*/*.csv", "-o", out};
    int refused = 0;
    for (int trial = 0; trial < 3; ++trial) {
        const pid_t a = startCli(trial % 2 ? all : oneYear, RLIM_INFINITY, dir.file("a.txt"));
        const pid_t b = startCli(trial % 2 ? oneYear : all, RLIM_INFINITY, dir.file("b.txt"));
        const int ca = wait(a), cb = wait(b);
        EXPECT_TRUE(ca == 0 || ca == 4) << ca;
        EXPECT_TRUE(cb == 0 || cb == 4) << cb;
        EXPECT_TRUE(ca == 0 || cb == 0);
        for (const auto& [code, err] : {std::pair{ca, dir.file("a.txt")}, std::pair{cb, dir.file("b.txt")}})
            if (code == 4) {
                ++refused;
                EXPECT_NE(test::readFile(err).find("in use by process"), std::string::npos) << test::readFile(err);
            }
        // Whatever won, its files belong together: the CSV and the GeoPackage hold the same incidents.
        EXPECT_EQ(static_cast<int64_t>(test::readCsvRows(out + "/incidents.csv").size()), test::featureCount(out + "/incidents.gpkg", "incidents"));
    }
    std::printf("refused %d of 6 runs\n", refused);
}

// Every row rejected: exit 5 with the commonest reasons, and the previous outputs stay (unless the
// user asks for empty outputs). The same for an analysis command.
TEST(Reliability, ARunWhereEveryRowIsRejectedExits5AndKeepsThePreviousOutputs) {
    test::TempDir dir;
    const std::string out = dir.file("out");
    ASSERT_EQ(wait(startCli(geocodeArgs(out))), 0);
    const auto before = snapshot(out);
    test::writeFile(dir.file("bad.csv"),
                    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
                    "a,2021-01,P,P,west,52.1,X,,,Burglary,,\n"
                    "b,2021-01,P,P,-0.9,95,X,,,Burglary,,\n"
                    "c,2021-01,P,P,east,52.2,X,,,Burglary,,\n");
    auto r = test::runCli({"geocode", "-q", dir.file("bad.csv"), "-o", out});
    EXPECT_EQ(r.exitCode, 5) << r.err;
    EXPECT_NE(r.err.find("all 3 rows were rejected"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2 x Longitude: '...' is not a number"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(out), before);
    auto d = test::runCli({"density", "-q", dir.file("bad.csv"), "-o", dir.file("density")});
    EXPECT_EQ(d.exitCode, 5) << d.err;
    EXPECT_FALSE(fs::exists(dir.file("density/density.tif")));
    auto empty = test::runCli({"geocode", "-q", dir.file("bad.csv"), "--allow-empty", "-o", dir.file("empty")});
    EXPECT_EQ(empty.exitCode, 0) << empty.err;
    EXPECT_EQ(test::readCsvRows(dir.file("empty/rejects.csv")).size(), 3u);
}

// A killed export leaves its hidden temporary beside the destination; the next export into that
// folder removes it (a live process's temporary is left alone).
TEST(Reliability, KilledExportsTemporariesAreRemovedByTheNextExport) {
    test::TempDir dir;
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    const std::string stale = dir.file("maps/.tmp-" + std::to_string(dead) + "-123-old.kml");
    const std::string live = dir.file("maps/.tmp-" + std::to_string(::getpid()) + "-456-other.kml");
    test::writeFile(stale, std::string(100000, 'x'));
    test::writeFile(live, "busy");
    const std::string s = test::sourceDir();
    auto r = test::runCli({"export", "-q", s + "/shapes/priority_areas.geojson", "-f", "kml", "--to", dir.file("maps/areas.kml")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_GT(fs::file_size(dir.file("maps/areas.kml")), 1000u);
}

// Out of memory under `ulimit -v`: said as such, never as an unknown CRS or a raw std::bad_alloc.
// (Skipped under AddressSanitizer, whose shadow memory needs far more address space.)
TEST(Reliability, OutOfMemoryIsSaidAsSuch) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "address-space limits and AddressSanitizer do not mix";
#endif
    test::TempDir dir;
    const std::string program = test::cliPath(), s = test::sourceDir();
    for (rlim_t megabytes : {185, 200, 215, 230}) {
        const std::string err = dir.file("err.txt");
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int null = ::open("/dev/null", O_WRONLY), e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(null, 1);
            ::dup2(e, 2);
            rlimit limit{megabytes << 20, megabytes << 20};
            ::setrlimit(RLIMIT_AS, &limit);
            const std::string data = s + "/data/police", out = dir.file("out");
            ::execl(program.c_str(), program.c_str(), "-q", "geocode", data.c_str(), "-o", out.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const int code = wait(pid);
        const std::string text = test::readFile(err);
        if (code == 127 && text.find("error while loading shared libraries") != std::string::npos) continue;  // too little to start
        EXPECT_LT(code, 128) << megabytes << " MB: killed by a signal";
        EXPECT_EQ(text.find("unknown or unsupported coordinate reference system"), std::string::npos) << megabytes << " MB: " << text;
        EXPECT_EQ(text.find("bad_alloc"), std::string::npos) << megabytes << " MB: " << text;
        // An internal-class exit must be the out-of-memory message; other exits are the usual clear errors.
        if (code == 1) {
            EXPECT_NE(text.find("out of memory"), std::string::npos) << megabytes << " MB: " << text;
        }
        if (code != 0) {
            EXPECT_NE(text.find("hotspot: error:"), std::string::npos) << megabytes << " MB: " << text;
        }
    }
}
