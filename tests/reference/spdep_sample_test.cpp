// Gi* on the sample against R spdep::localG, when R and spdep are installed (Debian r-cran-spdep;
// .ci/install-deps installs them). Skips cleanly otherwise.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include <gdal_priv.h>

#include "test_support.hpp"

using namespace hotspot;
namespace fs = std::filesystem;

namespace {
std::vector<double> band(const std::string& path, int& cols, int& rows) {
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) return {};
    cols = ds->GetRasterXSize();
    rows = ds->GetRasterYSize();
    std::vector<double> v(static_cast<size_t>(cols) * rows);
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float64, 0, 0, nullptr), CE_None);
    GDALClose(ds);
    return v;
}
}  // namespace

TEST(SpdepSample, GiStarOnSampleBurglaryCountsEqualsLocalG) {
    const std::string rscript = "/usr/bin/Rscript";
    if (!fs::exists(rscript)) GTEST_SKIP() << "R is not installed (apt-get install r-cran-spdep)";
    test::TempDir dir;
    auto probe = test::runProgram(rscript, {"-e", "suppressMessages(library(spdep)); cat('ok')"});
    if (probe.out != "ok") GTEST_SKIP() << "R package spdep is not installed";
    const std::string s = test::sourceDir();
    auto r = test::runCli({"gistar", "-q", s + "/data/police", "--group", "burglary", "--months", "2021", "--cell", "1000",
                           "-g", "unused", "-o", dir.path()});
    // (-g is not a gistar option: the command must refuse it rather than ignore it)
    EXPECT_EQ(r.exitCode, 2);
    r = test::runCli({"gistar", "-q", s + "/data/police", "--group", "burglary", "--months", "2021", "--cell", "1000", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    int cols = 0, rows = 0;
    std::vector<double> counts = band(dir.file("gistar_counts.tif"), cols, rows), z = band(dir.file("gistar_z.tif"), cols, rows);
    ASSERT_EQ(counts.size(), static_cast<size_t>(cols) * rows);
    std::ostringstream csv;
    csv << "x\n";
    csv.precision(17);
    for (double c : counts) csv << c << "\n";  // counts are whole numbers: exact in any precision
    test::writeFile(dir.file("counts.csv"), csv.str());
    const std::string script = "suppressMessages(library(spdep)); x <- read.csv('" + dir.file("counts.csv") +
                               "')$x; nb <- include.self(cell2nb(" + std::to_string(rows) + ", " + std::to_string(cols) +
                               ", type = 'queen')); g <- as.numeric(localG(x, nb2listw(nb, style = 'B'))); "
                               "write.csv(data.frame(g = g), '" +
                               dir.file("g.csv") + "', row.names = FALSE)";
    auto rr = test::runProgram(rscript, {"-e", script});
    ASSERT_EQ(rr.exitCode, 0) << rr.err;
    auto g = test::readCsvRows(dir.file("g.csv"));
    ASSERT_EQ(g.size(), counts.size());
    double worst = 0;
    for (size_t i = 0; i < g.size(); ++i) worst = std::max(worst, std::abs(std::stod(g[i].at("g")) - z[i]));
    std::printf("sample burglary 2021 on a %d x %d grid: largest |z - spdep localG| = %.3g\n", cols, rows, worst);
    EXPECT_LT(worst, 1e-9);  // gistar_z.tif is Float64
}
