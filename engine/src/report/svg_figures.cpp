#include "report/svg_figures.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hotspot/strings.hpp"

namespace hotspot::svg {

namespace {

constexpr const char* kFont = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

// Text widths are estimated (no font metrics here): 0.6 em per character is generous for
// DejaVu Sans, so labels that do fit are never judged too long by much.
double textWidth(const std::string& text, double fontSize) { return 0.6 * fontSize * static_cast<double>(text.size()); }

std::string tickLabel(double v) {
    if (v >= 1e6) return formatDecimal(v / 1e6, v >= 1e7 ? 0 : 1) + "M";
    if (std::abs(v - std::round(v)) < 1e-9) {
        // Thousands separated as the scrutiny report prints them: 1,221.
        std::string digits = fmt::format("{:.0f}", v), out;
        for (size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
            out.push_back(digits[i]);
        }
        return out;
    }
    return formatDecimal(v, 1);
}

struct Box {
    double x0, y0, x1, y1;
    bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

Extent featureExtent(const VectorFeature& f) {
    Extent e{0, 0, -1, -1};
    for (const auto& part : f.parts)
        for (const auto& [x, y] : part) e = e.united({x, y, x, y});
    return e;
}

bool intersects(const Extent& a, const Extent& b) { return !a.empty() && !b.empty() && a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY; }

std::string colourFor(const MapLayer& layer, const VectorFeature& f, int field) {
    if (field < 0 || static_cast<size_t>(field) >= f.values.size()) return layer.style.fill;
    for (const auto& [value, colour] : layer.colourByValue)
        if (f.values[static_cast<size_t>(field)] == value) return colour;
    return "";  // a value without a colour is not drawn (e.g. gi_bin 0)
}

// A round length for the scale bar, about a quarter of the map's width.
double scaleBarMetres(double mapWidthMetres) {
    const double target = mapWidthMetres / 4;
    const double power = std::pow(10.0, std::floor(std::log10(target)));
    for (double step : {5.0, 2.0, 1.0})
        if (step * power <= target) return step * power;
    return power;
}

}  // namespace

std::string escape(const std::string& text) { return xmlEscape(text); }

std::vector<double> niceTicks(double maximum, int wanted) {
    if (!(maximum > 0)) return {0, 1};
    const double rough = maximum / std::max(wanted - 1, 1);
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= rough) {
            step = m * power;
            break;
        }
    std::vector<double> ticks;
    for (double t = 0; ticks.empty() || ticks.back() < maximum - 1e-9 * step; t += step) ticks.push_back(std::round(t / step) * step);
    return ticks;
}

std::string groupedBarChart(const std::string& title, const std::vector<std::string>& categories, const std::vector<Series>& series,
                            const std::vector<std::vector<double>>& values, int width) {
    const double fontSize = 12, barHeight = 12, barGap = 2, groupGap = 12;
    double labelWidth = 80;
    for (const auto& c : categories) labelWidth = std::max(labelWidth, textWidth(c, fontSize) + 12);
    labelWidth = std::min(labelWidth, 0.4 * width);
    const double left = labelWidth, right = 56, top = 64;
    const double groupHeight = static_cast<double>(series.size()) * (barHeight + barGap) + groupGap;
    const double plotHeight = std::max(1.0, static_cast<double>(categories.size()) * groupHeight);
    const double height = top + plotHeight + 44;
    const double plotWidth = width - left - right;
    double maximum = 0;
    for (const auto& row : values)
        for (double v : row)
            if (std::isfinite(v)) maximum = std::max(maximum, v);
    const std::vector<double> ticks = niceTicks(maximum);
    const double axisMax = ticks.back() > 0 ? ticks.back() : 1;
    auto xOf = [&](double v) { return left + plotWidth * v / axisMax; };

    std::string s = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{:.0f}\" viewBox=\"0 0 {} {:.0f}\" role=\"img\" aria-label=\"{}\" {}>\n",
        width, height, width, height, escape(title), kFont);
    s += fmt::format("<rect width=\"{}\" height=\"{:.0f}\" fill=\"white\"/>\n", width, height);
    s += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">{}</text>\n", 8, escape(title));
    // Legend: one swatch per series, in order (oldest year first, as the scrutiny report's key).
    double lx = left;
    for (const auto& se : series) {
        s += fmt::format("<rect x=\"{:.1f}\" y=\"34\" width=\"14\" height=\"12\" fill=\"{}\"/>", lx, se.colour);
        s += fmt::format("<text x=\"{:.1f}\" y=\"45\" font-size=\"{}\" fill=\"#222\">{}</text>\n", lx + 18, fontSize, escape(se.label));
        lx += 18 + textWidth(se.label, fontSize) + 18;
    }
    // Grid lines and tick labels.
    for (double t : ticks) {
        const double x = xOf(t);
        s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>", x, top, x, top + plotHeight);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n", x, top + plotHeight + 16,
                         tickLabel(t));
    }
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#444\"/>", left, top + plotHeight, left + plotWidth, top + plotHeight);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#444\"/>\n", left, top, left, top + plotHeight);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">recorded incidents</text>\n", left + plotWidth / 2,
                     top + plotHeight + 34);
    for (size_t c = 0; c < categories.size(); ++c) {
        const double groupTop = top + static_cast<double>(c) * groupHeight + groupGap / 2;
        const double middle = groupTop + static_cast<double>(series.size()) * (barHeight + barGap) / 2;
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\" text-anchor=\"end\" fill=\"#222\">{}</text>\n", left - 6, middle + 4, fontSize,
                         escape(categories[c]));
        for (size_t k = 0; k < series.size(); ++k) {
            const double v = k < values[c].size() && std::isfinite(values[c][k]) ? values[c][k] : 0;
            const double y = groupTop + static_cast<double>(k) * (barHeight + barGap);
            s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>", left, y,
                             std::max(0.0, xOf(v) - left), barHeight, series[k].colour, escape(series[k].label), tickLabel(v));
            s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" fill=\"#222\">{}</text>\n", xOf(v) + 3, y + barHeight - 2, tickLabel(v));
        }
    }
    s += "</svg>\n";
    return s;
}

Extent paddedExtent(const Extent& e, double margin) {
    if (e.empty()) return e;
    const double by = margin * std::max({e.width(), e.height(), 1.0});
    return e.expanded(by);
}

std::string map(const MapFigure& figure) {
    const double width = figure.width, frameTop = figure.title.empty() ? 8 : 30, legendBand = 46;
    const double frameHeight = figure.height - frameTop - legendBand, frameWidth = width - 16, frameLeft = 8;
    Extent e = figure.extent;
    if (e.empty() || e.width() <= 0 || e.height() <= 0) e = {0, 0, 1, 1};
    // Widen the extent to the frame's aspect so metres are square on the page.
    const double scale = std::min(frameWidth / e.width(), frameHeight / e.height());
    const double cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2;
    const double halfW = frameWidth / scale / 2, halfH = frameHeight / scale / 2;
    e = {cx - halfW, cy - halfH, cx + halfW, cy + halfH};
    auto px = [&](double x) { return frameLeft + (x - e.minX) * scale; };
    auto py = [&](double y) { return frameTop + (e.maxY - y) * scale; };

    const std::string clipId = "clip-" + (figure.id.empty() ? std::string("map") : figure.id);
    std::string s = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{}\" viewBox=\"0 0 {:.0f} {}\" role=\"img\" aria-label=\"{}\" {}>\n", width,
        figure.height, width, figure.height, escape(figure.title), kFont);
    s += fmt::format("<rect width=\"{:.0f}\" height=\"{}\" fill=\"white\"/>\n", width, figure.height);
    if (!figure.title.empty()) s += fmt::format("<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">{}</text>\n", escape(figure.title));
    s += fmt::format("<defs><clipPath id=\"{}\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/></clipPath></defs>\n", clipId, frameLeft,
                     frameTop, frameWidth, frameHeight);
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f7f7f4\"/>\n", frameLeft, frameTop, frameWidth, frameHeight);
    s += fmt::format("<g clip-path=\"url(#{})\">\n", clipId);

    std::vector<Box> placed;
    std::string labels;
    for (const MapLayer& layer : figure.layers) {
        if (!layer.data) continue;
        const VectorData& d = *layer.data;
        const int colourField = layer.colourField.empty() ? -1 : d.fieldIndex(layer.colourField);
        const int labelField = layer.labelField.empty() ? -1 : d.fieldIndex(layer.labelField);
        const MapStyle& st = layer.style;
        const std::string dash = st.dash.empty() ? "" : " stroke-dasharray=\"" + st.dash + "\"";
        s += fmt::format("<g stroke=\"{}\" stroke-width=\"{}\" opacity=\"{}\"{}>\n", st.stroke, st.strokeWidth, st.opacity, dash);
        for (const VectorFeature& f : d.features) {
            const Extent fe = featureExtent(f);
            if (!intersects(fe, e)) continue;
            const std::string fill = colourFor(layer, f, colourField);
            if (fill.empty()) continue;
            if (f.kind == ShapeKind::Point) {
                for (const auto& part : f.parts)
                    for (const auto& [x, y] : part)
                        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"/>", px(x), py(y), st.pointRadius, fill);
            } else {
                std::string path;
                for (const auto& part : f.parts) {
                    for (size_t i = 0; i < part.size(); ++i) path += fmt::format("{}{:.1f} {:.1f}", i == 0 ? "M" : " L", px(part[i].first), py(part[i].second));
                    if (f.kind == ShapeKind::Polygon) path += " Z";
                }
                s += fmt::format("<path d=\"{}\" fill=\"{}\" fill-rule=\"evenodd\"/>", path, f.kind == ShapeKind::Polygon ? fill : "none");
            }
            s += "\n";
            if (labelField >= 0 && static_cast<size_t>(labelField) < f.values.size() && !f.values[static_cast<size_t>(labelField)].empty()) {
                const std::string& text = f.values[static_cast<size_t>(labelField)];
                const double ax = px((fe.minX + fe.maxX) / 2), ay = py((fe.minY + fe.maxY) / 2);
                const double w = textWidth(text, 11), h = 12;
                const double gap = f.kind == ShapeKind::Point ? st.pointRadius + 2 : 0;
                // Candidate positions: centred for areas, then right, left, above and below.
                const std::vector<std::pair<double, double>> offsets = f.kind == ShapeKind::Point
                                                                           ? std::vector<std::pair<double, double>>{{gap, -h / 2}, {-gap - w, -h / 2}, {-w / 2, -gap - h}, {-w / 2, gap}}
                                                                           : std::vector<std::pair<double, double>>{{-w / 2, -h / 2}, {-w / 2, -h / 2 - h}, {-w / 2, h / 2}};
                for (const auto& [ox, oy] : offsets) {
                    const Box b{ax + ox, ay + oy, ax + ox + w, ay + oy + h};
                    if (b.x0 < frameLeft || b.x1 > frameLeft + frameWidth || b.y0 < frameTop || b.y1 > frameTop + frameHeight) continue;
                    if (std::any_of(placed.begin(), placed.end(), [&](const Box& p) { return p.overlaps(b); })) continue;
                    placed.push_back(b);
                    labels += fmt::format(
                        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"#111\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n",
                        b.x0, b.y1 - 2, escape(text));
                    break;
                }
            }
        }
        s += "</g>\n";
    }
    s += labels;  // labels above every layer, so no later layer hides them
    s += "</g>\n";
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#666\"/>\n", frameLeft, frameTop, frameWidth,
                     frameHeight);
    // North arrow (grid north: the analysis CRS is projected) and scale bar.
    const double nx = frameLeft + frameWidth - 20, ny = frameTop + 10;
    s += fmt::format("<path d=\"M{:.1f} {:.1f} L{:.1f} {:.1f} L{:.1f} {:.1f} Z\" fill=\"#222\"/>", nx, ny, nx - 7, ny + 20, nx + 7, ny + 20);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#222\">N</text>\n", nx, ny + 32);
    const double barMetres = scaleBarMetres(e.width());
    const double barPx = barMetres * scale, bx = frameLeft + 10, by = frameTop + frameHeight - 12;
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"5\" fill=\"#222\" stroke=\"white\"/>", bx, by, barPx);
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"#111\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n", bx, by - 4,
        barMetres >= 1000 ? tickLabel(barMetres / 1000) + " km" : tickLabel(barMetres) + " m");
    // Legend and source line in the band under the frame.
    double lx = frameLeft;
    const double ly = frameTop + frameHeight + 8;
    for (const MapLayer& layer : figure.layers) {
        if (layer.legend.empty()) continue;
        const std::string swatchFill = !layer.colourByValue.empty() ? layer.colourByValue.front().second : layer.style.fill == "none" ? "white"
                                                                                                                                      : layer.style.fill;
        if (layer.data && layer.data->kind == ShapeKind::Point)
            s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\" stroke=\"{}\"/>", lx + 6, ly + 6, swatchFill, layer.style.stroke);
        else
            s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"12\" fill=\"{}\" stroke=\"{}\"/>", lx, ly, swatchFill, layer.style.stroke);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"#222\">{}</text>\n", lx + 18, ly + 10, escape(layer.legend));
        lx += 18 + textWidth(layer.legend, 11) + 14;
    }
    if (!figure.attribution.empty())
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\" fill=\"#555\">{}</text>\n", frameLeft, ly + 30, escape(figure.attribution));
    s += "</svg>\n";
    return s;
}

}  // namespace hotspot::svg
