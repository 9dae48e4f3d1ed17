#include "test_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "io/csv_tokenizer.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace hotspot::test {

std::string sourceDir() { return HOTSPOT_SOURCE_DIR; }
std::string cliPath() { return HOTSPOT_BINARY_DIR "/engine/hotspot"; }
std::string makeSamplePath() { return HOTSPOT_BINARY_DIR "/data/generator/make_sample"; }

std::optional<std::string> sharedDir() {
    std::string dir = HOTSPOT_SHARED_DIR_DEFAULT;
    if (const char* env = std::getenv("HOTSPOT_SHARED_DIR")) dir = env;
    if (fs::is_directory(fs::path(dir) / "reference")) return dir;
    return std::nullopt;
}

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hotspot-test-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    m_path = made;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
}

void writeFile(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream f(path, std::ios::binary);
    f << content;
}

std::string readFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

CommandResult runProgram(const std::string& program, const std::vector<std::string>& args, const std::string& workingDir) {
    TempDir capture;
    const std::string outPath = capture.file("stdout"), errPath = capture.file("stderr");
    pid_t pid = ::fork();
    if (pid == 0) {
        int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        if (!workingDir.empty() && ::chdir(workingDir.c_str()) != 0) _exit(127);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(program.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readFile(outPath);
    r.err = readFile(errPath);
    return r;
}

CommandResult runCli(const std::vector<std::string>& args, const std::string& workingDir) {
    return runProgram(cliPath(), args, workingDir);
}

std::vector<std::map<std::string, std::string>> readCsvRows(const std::string& path) {
    auto rows = parseCsvText(readFile(path));
    std::vector<std::map<std::string, std::string>> out;
    if (rows.empty()) return out;
    for (size_t r = 1; r < rows.size(); ++r) {
        std::map<std::string, std::string> m;
        for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) m[rows[0][c]] = rows[r][c];
        out.push_back(std::move(m));
    }
    return out;
}

int64_t featureCount(const std::string& path, const std::string& layer) {
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) return -1;
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    int64_t n = l ? l->GetFeatureCount(TRUE) : -1;
    GDALClose(ds);
    return n;
}

const CategoryMap& defaultCategories() {
    static const CategoryMap map = CategoryMap::builtinDefault();
    return map;
}

}  // namespace hotspot::test
