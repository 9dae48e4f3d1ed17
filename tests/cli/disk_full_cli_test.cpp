// A real full disk (ENOSPC on a small tmpfs, not a file size limit): every command that writes
// must exit 4 saying the disk is full and leave the previous outputs as they were. Needs root
// (mount); skipped otherwise.

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

// A tmpfs of `size` mounted on a fresh folder for the test's lifetime.
class SmallDisk {
public:
    SmallDisk(const std::string& path, const std::string& size) : m_path(path) {
        fs::create_directories(path);
        m_mounted = ::getuid() == 0 && ::mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~SmallDisk() {
        if (m_mounted) ::umount2(m_path.c_str(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }

private:
    std::string m_path;
    bool m_mounted = false;
};

std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().filename() != ".hotspot.lock") files[fs::relative(e.path(), dir).string()] = test::readFile(e.path().string());
    }
    return files;
}

const std::string& geocoded() {
    static test::TempDir dir;
    static std::string gpkg;
    if (gpkg.empty()) {
        auto r = test::runCli({"geocode", "-q", test::sourceDir() + "/data/police", "--no-csv", "-o", dir.path()});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        gpkg = dir.file("incidents.gpkg");
    }
    return gpkg;
}

}  // namespace

TEST(DiskFull, DensityOnAFullDiskExits4AndKeepsThePreviousRasters) {
    test::TempDir dir;
    SmallDisk disk(dir.file("disk"), "300k");
    if (!disk.mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs";
    const std::string out = dir.file("disk/density");
    // One year fits (about 140 kB); all three years beside it do not.
    auto small = test::runCli({"density", "-q", geocoded(), "--group", "burglary", "--months", "2021", "--cell", "50", "--bandwidth", "300", "-o", out});
    ASSERT_EQ(small.exitCode, 0) << small.err;
    const auto before = snapshot(out);
    ASSERT_EQ(before.size(), 4u);  // density.tif, counts.tif and their .qml styles
    auto full = test::runCli({"density", "-q", geocoded(), "--group", "burglary", "--cell", "50", "--bandwidth", "300", "-o", out});
    EXPECT_EQ(full.exitCode, 4) << full.err;
    EXPECT_NE(full.err.find("the disk is full"), std::string::npos) << full.err;
    EXPECT_EQ(snapshot(out), before);  // byte for byte, and no staging folder left behind
}

TEST(DiskFull, GeoJsonAndKmlExportsOnAFullDiskExit4AndOverwriteKeepsTheGoodFile) {
    test::TempDir dir;
    SmallDisk disk(dir.file("disk"), "1200k");
    if (!disk.mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs";
    // A small KML that fits, then the 60,000 incidents over it with --overwrite: refused, the good one stays.
    auto hot = test::runCli({"gistar", "-q", geocoded(), "--group", "burglary", "--months", "2021", "--cell", "400", "-o", dir.file("gi")});
    ASSERT_EQ(hot.exitCode, 0) << hot.err;
    const std::string kml = dir.file("disk/map.kml");
    auto first = test::runCli({"export", "-q", dir.file("gi/hotspots.gpkg"), "-f", "kml", "--layer", "hotspot_zones", "--to", kml});
    ASSERT_EQ(first.exitCode, 0) << first.err;
    const std::string good = test::readFile(kml);
    auto over = test::runCli({"export", "-q", geocoded(), "-f", "kml", "--layer", "incidents", "--to", kml, "--overwrite"});
    EXPECT_EQ(over.exitCode, 4) << over.err;
    EXPECT_NE(over.err.find("the disk is full"), std::string::npos) << over.err;
    EXPECT_EQ(test::readFile(kml), good);
    auto geojson = test::runCli({"export", "-q", geocoded(), "-f", "geojson", "--layer", "incidents", "--to", dir.file("disk/geojson")});
    EXPECT_EQ(geojson.exitCode, 4) << geojson.err;
    EXPECT_NE(geojson.err.find("the disk is full"), std::string::npos) << geojson.err;
    EXPECT_FALSE(fs::exists(dir.file("disk/geojson/incidents.geojson")));
    // Nothing hidden is left to fill the disk further.
    for (const auto& e : fs::recursive_directory_iterator(dir.file("disk")))
        EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos) << e.path();
}
