// Coverage shapes (circles and view wedges) and the before/after measures.

#include <cmath>

#include "hotspot/interventions.hpp"

namespace hotspot {

bool CoverageShape::contains(double px, double py) const {
    const double dx = px - x, dy = py - y;
    const double d = std::hypot(dx, dy);
    if (!(d <= range)) return false;
    if (!isWedge() || d == 0) return true;
    // Direction clockwise from grid north, compared with the bearing on the circle.
    const double direction = std::atan2(dx, dy) * 180.0 / M_PI;
    return std::abs(std::remainder(direction - bearing, 360.0)) <= fieldOfView / 2 + 1e-9;
}

std::vector<std::pair<double, double>> CoverageShape::ring(double arcStep) const {
    std::vector<std::pair<double, double>> out;
    auto at = [&](double degrees) {
        const double a = degrees * M_PI / 180.0;
        out.emplace_back(x + range * std::sin(a), y + range * std::cos(a));
    };
    if (isWedge()) {
        out.emplace_back(x, y);
        const double from = bearing - fieldOfView / 2, to = bearing + fieldOfView / 2;
        const int steps = std::max(1, static_cast<int>(std::ceil(fieldOfView / arcStep)));
        for (int k = 0; k <= steps; ++k) at(from + (to - from) * k / steps);
        out.emplace_back(x, y);
    } else {
        const int steps = std::max(8, static_cast<int>(std::ceil(360.0 / arcStep)));
        for (int k = 0; k < steps; ++k) at(360.0 * k / steps);
        out.push_back(out.front());
    }
    return out;
}

double CoverageShape::area() const { return M_PI * range * range * (isWedge() ? fieldOfView / 360.0 : 1.0); }

double weightedDisplacementQuotient(const DisplacementCounts& c) {
    if (c.cBefore <= 0 || c.cAfter <= 0) return std::numeric_limits<double>::quiet_NaN();
    const double success = c.rAfter / c.cAfter - c.rBefore / c.cBefore;
    if (success == 0) return std::numeric_limits<double>::quiet_NaN();
    return (c.bAfter / c.cAfter - c.bBefore / c.cBefore) / success;
}

double incidentsPrevented(const DisplacementCounts& c) {
    if (c.cBefore <= 0) return std::numeric_limits<double>::quiet_NaN();
    return c.rBefore * c.cAfter / c.cBefore - c.rAfter;
}

}  // namespace hotspot
