// A dependency-free bar chart renderer: pixels into a buffer, a 5x7 bitmap font, PNG via GDAL.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include <cpl_string.h>
#include <gdal_priv.h>

#include "hotspot/error.hpp"
#include "hotspot/report.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

namespace {

// 5 x 7 glyphs, one byte per row, bit 4 = leftmost pixel. Lower case is drawn as upper case.
const std::map<char, std::array<uint8_t, 7>>& font() {
    static const std::map<char, std::array<uint8_t, 7>> glyphs = {
        {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
        {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
        {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
        {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
        {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
        {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
        {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
        {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
        {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
        {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
        {'A', {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11}},
        {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
        {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
        {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
        {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
        {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
        {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
        {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
        {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
        {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
        {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
        {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
        {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
        {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
        {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
        {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
        {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
        {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
        {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
        {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
        {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
        {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
        {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
        {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
        {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}},
        {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
        {' ', {0, 0, 0, 0, 0, 0, 0}},
        {'.', {0, 0, 0, 0, 0, 0x0C, 0x0C}},
        {',', {0, 0, 0, 0, 0x0C, 0x04, 0x08}},
        {'-', {0, 0, 0, 0x1F, 0, 0, 0}},
        {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
        {'&', {0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D}},
        {'/', {0, 0x01, 0x02, 0x04, 0x08, 0x10, 0}},
        {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
        {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
        {'+', {0, 0x04, 0x04, 0x1F, 0x04, 0x04, 0}},
        {':', {0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0}},
        {'\'', {0x0C, 0x04, 0x08, 0, 0, 0, 0}},
    };
    return glyphs;
}

struct Canvas {
    int width, height;
    std::vector<unsigned char> r, g, b;
    Canvas(int w, int h) : width(w), height(h), r(size_t(w) * h, 255), g(size_t(w) * h, 255), b(size_t(w) * h, 255) {}
    void rect(int x0, int y0, int x1, int y1, unsigned char cr, unsigned char cg, unsigned char cb) {
        for (int y = std::max(0, y0); y < std::min(height, y1); ++y)
            for (int x = std::max(0, x0); x < std::min(width, x1); ++x) {
                size_t k = size_t(y) * width + x;
                r[k] = cr, g[k] = cg, b[k] = cb;
            }
    }
    // Text at (x, y) top-left with pixel scale s; returns the width drawn.
    int text(int x, int y, const std::string& s, int scale, unsigned char c = 30) {
        int cx = x;
        for (char ch : s) {
            auto it = font().find(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
            if (it != font().end())
                for (int row = 0; row < 7; ++row)
                    for (int col = 0; col < 5; ++col)
                        if (it->second[row] & (0x10 >> col)) rect(cx + col * scale, y + row * scale, cx + (col + 1) * scale, y + (row + 1) * scale, c, c, c);
            cx += 6 * scale;
        }
        return cx - x;
    }
};

}  // namespace

void writeBarChartPng(const std::string& path, const std::string& title, const std::vector<std::string>& categories,
                      const std::vector<BarSeries>& series, const std::vector<std::vector<double>>& values) {
    const int scale = 2, charW = 6 * scale, lineH = 9 * scale;
    size_t longest = 0;
    for (const auto& c : categories) longest = std::max(longest, c.size());
    const int labelW = static_cast<int>(std::min<size_t>(longest, 38)) * charW + 20;
    const int barH = 10, groupGap = 12, plotW = 640, top = 3 * lineH + 20;
    const int groupH = static_cast<int>(series.size()) * barH + groupGap;
    const int width = labelW + plotW + 120, height = top + static_cast<int>(categories.size()) * groupH + 40;
    Canvas canvas(width, height);
    canvas.text(10, 10, title, scale);
    int lx = 10;
    for (const auto& s : series) {
        canvas.rect(lx, 10 + lineH + 6, lx + 18, 10 + lineH + 18, s.r, s.g, s.b);
        lx += 26 + canvas.text(lx + 24, 10 + lineH + 6, s.label, scale) + 20;
    }
    double maxValue = 0;
    for (const auto& row : values)
        for (double v : row)
            if (std::isfinite(v)) maxValue = std::max(maxValue, v);
    if (maxValue <= 0) maxValue = 1;
    canvas.rect(labelW - 1, top - 4, labelW, height - 30, 120, 120, 120);  // axis
    for (size_t c = 0; c < categories.size(); ++c) {
        const int y0 = top + static_cast<int>(c) * groupH;
        std::string label = categories[c].size() > 38 ? categories[c].substr(0, 37) + "." : categories[c];
        canvas.text(10, y0 + (groupH - groupGap) / 2 - 7, label, scale);
        for (size_t s = 0; s < series.size(); ++s) {
            const double v = values[c][s];
            const int len = std::isfinite(v) ? static_cast<int>(std::lround(v / maxValue * plotW)) : 0;
            const int y = y0 + static_cast<int>(s) * barH;
            canvas.rect(labelW, y, labelW + len, y + barH - 1, series[s].r, series[s].g, series[s].b);
            if (std::isfinite(v)) canvas.text(labelW + len + 4, y + 1, std::to_string(static_cast<long long>(std::llround(v))), 1, 60);
        }
    }
    ensureGdalRegistered();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDataset* ds = mem->Create("", width, height, 3, GDT_Byte, nullptr);
    std::vector<unsigned char>* bands[3] = {&canvas.r, &canvas.g, &canvas.b};
    for (int k = 0; k < 3; ++k)
        if (ds->GetRasterBand(k + 1)->RasterIO(GF_Write, 0, 0, width, height, bands[k]->data(), width, height, GDT_Byte, 0, 0, nullptr) != CE_None)
            throwOutput("cannot draw the chart", {path});
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    GDALDataset* out = png->CreateCopy(path.c_str(), ds, FALSE, nullptr, nullptr, nullptr);
    GDALClose(ds);
    if (!out) throwOutput("cannot write PNG: " + lastGdalError(), {path});
    GDALClose(out);
}

}  // namespace hotspot
