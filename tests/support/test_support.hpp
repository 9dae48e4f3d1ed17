#pragma once
// Helpers shared by the tests: temporary folders, files, running the CLI, the ../shared data.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hotspot/category_map.hpp"

namespace hotspot::test {

std::string sourceDir();
std::string cliPath();         // the built `hotspot` program
std::string makeSamplePath();  // the built sample generator
// ../shared, or HOTSPOT_SHARED_DIR; nullopt when absent (a user's clone): tests then skip.
std::optional<std::string> sharedDir();

// A fresh folder removed at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);

struct CommandResult {
    int exitCode = -1;
    std::string out, err;
};
// Runs the CLI with the given arguments (no shell: arguments are passed as they are).
CommandResult runCli(const std::vector<std::string>& args, const std::string& workingDir = {});
CommandResult runProgram(const std::string& program, const std::vector<std::string>& args, const std::string& workingDir = {});

// A small CSV reader for checking outputs: rows as column-name -> value maps.
std::vector<std::map<std::string, std::string>> readCsvRows(const std::string& path);

// Number of features in a layer of a vector dataset, via GDAL; -1 if it cannot be opened.
int64_t featureCount(const std::string& path, const std::string& layer);

const CategoryMap& defaultCategories();

}  // namespace hotspot::test
