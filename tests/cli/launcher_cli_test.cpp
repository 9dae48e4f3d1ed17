// The `hotspot` launcher (engine/cli/launcher.cpp): it starts the engine program with glibc's
// huge-page tunable and changes nothing else. Checked with a stand-in engine, a shell script that
// prints what it was started with, placed beside a copy of the launcher.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {

// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old) ::setenv(m_name, m_old->c_str(), 1);
        else ::unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

// A copy of the launcher at `launcher`, and a stand-in engine at `engine` that prints its
// GLIBC_TUNABLES and its arguments, and exits 7.
void install(const std::string& launcher, const std::string& engine) {
    fs::create_directories(fs::path(launcher).parent_path());
    fs::create_directories(fs::path(engine).parent_path());
    fs::copy_file(test::cliPath(), launcher, fs::copy_options::overwrite_existing);
    test::writeFile(engine,
                    "#!/bin/sh\n"
                    "echo \"tunables=${GLIBC_TUNABLES-unset}\"\n"
                    "for a in \"$@\"; do echo \"arg=$a\"; done\n"
                    "exit 7\n");
    ::chmod(engine.c_str(), 0755);
}

}  // namespace

TEST(Launcher, StartsTheEngineWithHugePagesAndTheSameArgumentsAndExitCode) {
    test::TempDir dir;
    install(dir.file("hotspot"), dir.file("hotspot-engine"));
    ScopedEnv tunables("GLIBC_TUNABLES", std::nullopt);
    ScopedEnv off("HOTSPOT_NO_HUGE_PAGES", std::nullopt);
    const auto r = test::runProgram(dir.file("hotspot"), {"density", "a b.csv", "--cell", ""});
    EXPECT_EQ(r.exitCode, 7) << r.err;  // the engine's exit code, unchanged
    EXPECT_NE(r.out.find("tunables=glibc.malloc.hugetlb=1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("arg=density\narg=a b.csv\narg=--cell\narg=\n"), std::string::npos) << r.out;
}

TEST(Launcher, KeepsTheUsersTunablesAndTheirHugePageChoice) {
    test::TempDir dir;
    install(dir.file("hotspot"), dir.file("hotspot-engine"));
    ScopedEnv off("HOTSPOT_NO_HUGE_PAGES", std::nullopt);
    {
        ScopedEnv tunables("GLIBC_TUNABLES", "glibc.malloc.arena_max=2");
        const auto r = test::runProgram(dir.file("hotspot"), {"--version"});
        EXPECT_NE(r.out.find("tunables=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1\n"), std::string::npos) << r.out;
    }
    {
        ScopedEnv tunables("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0");
        const auto r = test::runProgram(dir.file("hotspot"), {"--version"});
        EXPECT_NE(r.out.find("tunables=glibc.malloc.hugetlb=0\n"), std::string::npos) << r.out;
    }
}

TEST(Launcher, AsksForNoHugePagesWhenTurnedOff) {
    test::TempDir dir;
    install(dir.file("hotspot"), dir.file("hotspot-engine"));
    ScopedEnv tunables("GLIBC_TUNABLES", std::nullopt);
    ScopedEnv off("HOTSPOT_NO_HUGE_PAGES", "1");
    const auto r = test::runProgram(dir.file("hotspot"), {"--version"});
    EXPECT_NE(r.out.find("tunables=unset\n"), std::string::npos) << r.out;
}

TEST(Launcher, FindsTheInstalledEngineInLibexec) {
    test::TempDir dir;
    install(dir.file("prefix/bin/hotspot"), dir.file("prefix/libexec/hotspot/hotspot-engine"));
    const auto r = test::runProgram(dir.file("prefix/bin/hotspot"), {"roads"});
    EXPECT_EQ(r.exitCode, 7) << r.err;
    EXPECT_NE(r.out.find("arg=roads\n"), std::string::npos) << r.out;
}

TEST(Launcher, AMissingEngineIsAnErrorNamingWhereItLooked) {
    test::TempDir dir;
    fs::copy_file(test::cliPath(), dir.file("hotspot"));
    const auto r = test::runProgram(dir.file("hotspot"), {"--version"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("cannot start the engine program"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(dir.file("hotspot-engine")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("libexec/hotspot/hotspot-engine"), std::string::npos) << r.err;
}

TEST(Launcher, TheBuiltLauncherRunsTheRealEngine) {
    const auto r = test::runCli({"--version"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out.rfind("hotspot ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("GDAL"), std::string::npos) << r.out;
}
