// The road part of the sample: a simplified Northampton road network and three years of collisions
// (STATS19, both schemas) and road complaints with clusters at a few junctions and stretches.
// Drawn from its own seeded generator, so the crime sample does not change when this does.

#include "road_sample.hpp"

#include <cstdlib>
#include <cstdio>
#include <sstream>

#include "generator_util.hpp"

namespace sample {

namespace {

constexpr Pt kCentre{475450, 260650};  // Northampton town centre (All Saints)

struct Road {
    std::string name, ref, highway;
    std::vector<Pt> points;
    bool rural = false;
};

double lengthOf(const std::vector<Pt>& p) {
    double l = 0;
    for (size_t i = 1; i < p.size(); ++i) l += std::hypot(p[i].x - p[i - 1].x, p[i].y - p[i - 1].y);
    return l;
}

// The point `s` metres along the polyline, and the unit normal there.
void along(const std::vector<Pt>& p, double s, Pt& at, Pt& normal) {
    for (size_t i = 1; i < p.size(); ++i) {
        const double seg = std::hypot(p[i].x - p[i - 1].x, p[i].y - p[i - 1].y);
        if (s <= seg || i + 1 == p.size()) {
            const double t = seg > 0 ? std::min(1.0, s / seg) : 0;
            at = {p[i - 1].x + t * (p[i].x - p[i - 1].x), p[i - 1].y + t * (p[i].y - p[i - 1].y)};
            normal = {-(p[i].y - p[i - 1].y) / seg, (p[i].x - p[i - 1].x) / seg};
            return;
        }
        s -= seg;
    }
}

// A road from `a` to `b` with vertices every ~`step` metres and a gentle wiggle (not at the ends).
std::vector<Pt> wiggly(Pt a, Pt b, double step, double amplitude, double phase) {
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    const int n = std::max(1, static_cast<int>(std::round(length / step)));
    const Pt normal{-(b.y - a.y) / length, (b.x - a.x) / length};
    std::vector<Pt> out;
    for (int k = 0; k <= n; ++k) {
        const double t = static_cast<double>(k) / n;
        const double w = amplitude * std::sin(M_PI * t) * std::sin(6.0 * t + phase);
        out.push_back({std::round(a.x + t * (b.x - a.x) + w * normal.x), std::round(a.y + t * (b.y - a.y) + w * normal.y)});
    }
    return out;
}

std::vector<Road> makeRoads() {
    std::vector<Road> roads;
    const double h = 600;  // half side of the (square) inner ring
    const double grid[] = {-400, -200, 0, 200, 400};
    // Inner ring: four sides, with a vertex wherever a town-centre street or radial meets it.
    auto side = [&](Pt from, Pt to, const char* name) {
        std::vector<Pt> pts;
        for (int k = 0; k <= 6; ++k) {
            const double t = k / 6.0;
            pts.push_back({from.x + t * (to.x - from.x), from.y + t * (to.y - from.y)});
        }
        roads.push_back({name, "A4500", "primary", pts});
    };
    const Pt sw{kCentre.x - h, kCentre.y - h}, se{kCentre.x + h, kCentre.y - h}, ne{kCentre.x + h, kCentre.y + h}, nw{kCentre.x - h, kCentre.y + h};
    side(sw, se, "Victoria Promenade");
    side(se, ne, "York Road");
    side(ne, nw, "Campbell Street");
    side(nw, sw, "St Peter's Way");
    // Town-centre streets: a 200 m grid meeting the ring at its side vertices (every 200 m).
    const char* northSouth[] = {"Horsemarket", "Sheep Street", "The Drapery", "Wood Hill", "Abington Square"};
    const char* eastWest[] = {"Bridge Street", "Gold Street", "Abington Street", "Regent Street", "Lady's Lane"};
    for (int i = 0; i < 5; ++i) {
        std::vector<Pt> ns, ew;
        for (int k = 0; k <= 6; ++k) {
            ns.push_back({kCentre.x + grid[i], kCentre.y - h + 200.0 * k});
            ew.push_back({kCentre.x - h + 200.0 * k, kCentre.y + grid[i]});
        }
        roads.push_back({northSouth[i], "", i == 2 ? "tertiary" : "residential", ns});
        roads.push_back({eastWest[i], "", i == 2 ? "tertiary" : "residential", ew});
    }
    // Footpaths across the Racecourse: not roads (left out by the default class exclusions).
    roads.push_back({"Racecourse Path", "", "footway", wiggly({kCentre.x + 200, kCentre.y + 600}, {kCentre.x + 700, kCentre.y + 1600}, 100, 20, 1)});
    roads.push_back({"", "", "footway", wiggly({kCentre.x - 200, kCentre.y + 600}, {kCentre.x - 600, kCentre.y + 1300}, 100, 15, 2)});
    // Radials from the ring (side midpoints and corners) outwards.
    struct Radial {
        const char* name;
        const char* ref;
        const char* highway;
        Pt start;
        double angle, length;
    };
    const Radial radials[] = {
        {"Weedon Road", "A45", "trunk", {kCentre.x - h, kCentre.y}, 188, 5200},
        {"Harlestone Road", "A428", "primary", nw, 140, 4200},
        {"Harborough Road", "A508", "primary", {kCentre.x, kCentre.y + h}, 88, 5000},
        {"Kettering Road", "A43", "primary", ne, 48, 4500},
        {"Wellingborough Road", "A4500", "primary", {kCentre.x + h, kCentre.y}, 5, 5000},
        {"Bedford Road", "A428", "primary", se, -35, 4000},
        {"London Road", "A508", "primary", {kCentre.x, kCentre.y - h}, -85, 4200},
        {"Towcester Road", "A43", "primary", sw, -120, 3200},
    };
    int phase = 0;
    for (const auto& r : radials) {
        const double a = r.angle * M_PI / 180;
        const Pt end{std::round(r.start.x + r.length * std::cos(a)), std::round(r.start.y + r.length * std::sin(a))};
        roads.push_back({r.name, r.ref, r.highway, wiggly(r.start, end, 100, 60, phase++)});
    }
    // Rural roads toward Daventry and Towcester (continuing the radials), and the A5 between them.
    const Pt weedonEnd = roads[roads.size() - 8].points.back();
    const Pt towcesterEnd = roads.back().points.back();
    const Pt londonEnd = roads[roads.size() - 2].points.back();
    const Pt weedonBec{463000, 259400}, daventry{457600, 262600}, towcester{469300, 248700}, roade{475800, 251700}, bugbrooke{467300, 257300};
    roads.push_back({"", "A45", "trunk", wiggly(weedonEnd, weedonBec, 150, 120, 0.5), true});
    roads.push_back({"London Road", "A45", "trunk", wiggly(weedonBec, daventry, 150, 150, 1.5), true});
    roads.push_back({"", "A43", "trunk", wiggly(towcesterEnd, towcester, 150, 200, 2.5), true});
    roads.push_back({"Watling Street", "A5", "trunk", wiggly(towcester, weedonBec, 150, 100, 3.5), true});
    roads.push_back({"", "A508", "primary", wiggly(londonEnd, roade, 150, 120, 4.5), true});
    roads.push_back({"Bugbrooke Road", "", "unclassified", wiggly(weedonBec, bugbrooke, 100, 40, 5.5), true});
    roads.push_back({"High Street", "", "residential", wiggly(bugbrooke, {bugbrooke.x + 900, bugbrooke.y + 200}, 100, 20, 6.5), true});
    return roads;
}

struct Place {
    size_t road;
    double at;  // metres along the road
};

// Picks a random road position, weighted by length and by how busy the class is.
Place randomPlace(const std::vector<Road>& roads, Rng& rng) {
    std::vector<double> weight;
    for (const auto& r : roads) {
        double w = lengthOf(r.points);
        if (r.highway == "footway") w = 0;
        else if (r.highway == "trunk" || r.highway == "primary") w *= 3;
        else if (r.highway == "unclassified") w *= 0.5;
        weight.push_back(w);
    }
    const size_t road = rng.weighted(weight);
    return {road, rng.uniform() * lengthOf(roads[road].points)};
}

struct Collision {
    Pt p;
    int year, month, day, hour, minute, severity;
    bool rural;
    size_t road = 0;
    bool junction = false;  // at (within 20 m of) a junction
};

std::string roadJson(const Road& r) {
    std::string coords = "[";
    for (size_t i = 0; i < r.points.size(); ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s[%.0f,%.0f]", i ? "," : "", r.points[i].x, r.points[i].y);
        coords += buf;
    }
    coords += "]";
    auto prop = [](const std::string& v) { return v.empty() ? std::string("null") : "\"" + v + "\""; };
    return "{ \"type\": \"Feature\", \"properties\": { \"name\": " + prop(r.name) + ", \"ref\": " + prop(r.ref) + ", \"highway\": " +
           prop(r.highway) + " }, \"geometry\": { \"type\": \"LineString\", \"coordinates\": " + coords + " } }";
}

}  // namespace

void writeRoadSample(const fs::path& root) {
    Rng rng(20210036);  // 36: the new problem localities the group reviewed in 2021
    const Wgs84 toWgs84;
    const std::vector<Road> roads = makeRoads();
    {
        std::string s =
            "{\n\"type\": \"FeatureCollection\",\n\"name\": \"roads\",\n\"crs\": { \"type\": \"name\", \"properties\": { \"name\": "
            "\"urn:ogc:def:crs:EPSG::27700\" } },\n\"features\": [\n";
        for (size_t i = 0; i < roads.size(); ++i) s += roadJson(roads[i]) + (i + 1 < roads.size() ? ",\n" : "\n");
        writeFile(root / "shapes/roads.geojson", s + "]\n}\n");
    }
    auto roadIndex = [&](const char* name) {
        for (size_t i = 0; i < roads.size(); ++i)
            if (roads[i].name == name) return i;
        throw std::runtime_error(std::string("no road ") + name);
    };
    auto near = [&](Place pl, double spreadAlong, double spreadAcross) {
        Pt at{}, n{};
        const double len = lengthOf(roads[pl.road].points);
        along(roads[pl.road].points, std::clamp(pl.at + spreadAlong * (2 * rng.uniform() - 1), 0.0, len), at, n);
        const double off = spreadAcross * rng.normal();
        return Pt{at.x + off * n.x, at.y + off * n.y};
    };
    // ---- collisions
    std::vector<Collision> collisions;
    auto addCollision = [&](Pt p, int year, bool rural, double fatalShare, double seriousShare, size_t road, bool junction) {
        Collision c{p, year, 1 + static_cast<int>(rng.index(12)), 1 + static_cast<int>(rng.index(28)), 7 + static_cast<int>(rng.index(14)),
                    static_cast<int>(rng.index(60)), 3, rural, road, junction};
        const double u = rng.uniform();
        c.severity = u < fatalShare ? 1 : u < fatalShare + seriousShare ? 2
                                                                        : 3;
        collisions.push_back(c);
    };
    struct Hotspot {
        const char* road;
        double at, spread;
        int perYear[3];
        bool rural, junction;
    };
    // Junctions and stretches with clusters (the localities the register should find).
    const Hotspot hotspots[] = {
        {"Weedon Road", 15, 25, {3, 2, 3}, false, true},        // the ring-road junction at St Peter's Way
        {"Kettering Road", 1500, 20, {1, 2, 3}, false, false},  // a stretch by the shops: rising
        {"Wellingborough Road", 800, 22, {2, 1, 2}, false, false},
        {"Abington Street", 600, 15, {2, 1, 1}, false, true},  // The Drapery junction, town centre
        {"Watling Street", 5200, 30, {2, 2, 1}, true, false},  // a rural bend on the A5
    };
    for (int year = 2019; year <= 2021; ++year) {
        const int background = year == 2020 ? 120 : 150;  // the 2020 lockdown dip
        for (int k = 0; k < background; ++k) {
            const Place pl = randomPlace(roads, rng);
            const bool rural = roads[pl.road].rural;
            addCollision(near(pl, 0, 5), year, rural, rural ? 0.03 : 0.01, rural ? 0.25 : 0.16, pl.road, false);
        }
        for (const auto& h : hotspots)
            for (int k = 0; k < h.perYear[year - 2019]; ++k)
                addCollision(near({roadIndex(h.road), h.at}, h.spread, 4), year, h.rural, h.rural ? 0.12 : 0.03, h.rural ? 0.35 : 0.22, roadIndex(h.road),
                             h.junction);
        // A few recorded in car parks, away from the road: beyond the snapping tolerance.
        for (int k = 0; k < 2; ++k) {
            Pt at{}, n{};
            const Place pl = randomPlace(roads, rng);
            along(roads[pl.road].points, pl.at, at, n);
            addCollision({at.x + 70 * n.x, at.y + 70 * n.y}, year, false, 0, 0.1, pl.road, false);
        }
    }
    // 2019 in the legacy DfT schema (as a council's archive would hold it), 2020-21 in the 2024 schema,
    // each with its casualty and vehicle tables under DfT's names. The circumstances, casualties and
    // vehicles come from their own generator, so the collisions stay as they were.
    {
        std::ostringstream legacy, current, legacyCasualties, currentCasualties, legacyVehicles, currentVehicles;
        legacy << "Accident_Index,Location_Easting_OSGR,Location_Northing_OSGR,Longitude,Latitude,Police_Force,Accident_Severity,"
                  "Number_of_Vehicles,Number_of_Casualties,Date,Day_of_Week,Time,1st_Road_Class,1st_Road_Number,Speed_limit,Junction_Detail,"
                  "Light_Conditions,Road_Surface_Conditions,Urban_or_Rural_Area\r\n";
        current << "collision_index,collision_year,collision_ref_no,location_easting_osgr,location_northing_osgr,longitude,latitude,"
                   "police_force,collision_severity,number_of_vehicles,number_of_casualties,date,day_of_week,time,first_road_class,"
                   "first_road_number,speed_limit,junction_detail,light_conditions,road_surface_conditions,urban_or_rural_area\n";
        legacyCasualties << "Accident_Index,Vehicle_Reference,Casualty_Reference,Casualty_Class,Sex_of_Casualty,Age_of_Casualty,"
                            "Age_Band_of_Casualty,Casualty_Severity,Casualty_Type\r\n";
        currentCasualties << "collision_index,collision_year,collision_ref_no,vehicle_reference,casualty_reference,casualty_class,"
                             "sex_of_casualty,age_of_casualty,age_band_of_casualty,casualty_severity,casualty_type,"
                             "casualty_adjusted_severity_serious,casualty_adjusted_severity_slight\n";
        legacyVehicles << "Accident_Index,Vehicle_Reference,Vehicle_Type\r\n";
        currentVehicles << "collision_index,collision_year,collision_ref_no,vehicle_reference,vehicle_type\n";
        Rng detail(20211130);
        const size_t kettering = roadIndex("Kettering Road"), highStreet = roadIndex("High Street"), watling = roadIndex("Watling Street");
        auto ageBand = [](int age) { return age <= 5 ? 1 : age <= 10 ? 2
                                                       : age <= 15   ? 3
                                                       : age <= 20   ? 4
                                                       : age <= 25   ? 5
                                                       : age <= 35   ? 6
                                                       : age <= 45   ? 7
                                                       : age <= 55   ? 8
                                                       : age <= 65   ? 9
                                                       : age <= 75   ? 10
                                                                     : 11; };
        int serial[3] = {0, 0, 0};
        for (size_t i = 0; i < collisions.size(); ++i) {
            const Collision& c = collisions[i];
            const int ref = 1000000 + 37 * ++serial[c.year - 2019];
            const Pt ll = toWgs84(c.p);
            const int vehicles = 1 + static_cast<int>(rng.index(3)), casualties = 1 + static_cast<int>(rng.index(2));
            const int dow = 1 + static_cast<int>(rng.index(7));
            const int speed = c.rural ? 60 : 30;
            char date[16], time[8], e[24], n[24], lon[24], lat[24];
            std::snprintf(date, sizeof date, "%02d/%02d/%04d", c.day, c.month, c.year);
            std::snprintf(time, sizeof time, "%02d:%02d", c.hour, c.minute);
            std::snprintf(e, sizeof e, "%.0f", c.p.x);
            std::snprintf(n, sizeof n, "%.0f", c.p.y);
            std::snprintf(lon, sizeof lon, "%.6f", ll.x);
            std::snprintf(lat, sizeof lat, "%.6f", ll.y);
            std::string index = std::to_string(c.year) + "34" + std::to_string(ref);
            // A spreadsheet's damage (reported, not trusted), in all three tables of the archive.
            if (c.year == 2019 && serial[0] % 97 == 5) index = "2.01934E+12";
            // Circumstances: dark after 18:00 (and after 16:00 in winter); a wet road a third of the time.
            const Road& road = roads[c.road];
            const int roadClass = road.ref.empty() ? 6 : road.ref[0] == 'A' ? 3
                                                     : road.ref[0] == 'B'   ? 4
                                                                            : 6;
            const int roadNumber = road.ref.empty() ? 0 : std::atoi(road.ref.c_str() + 1);
            const bool winter = c.month <= 2 || c.month >= 11;
            const int light = c.hour >= 18 || (winter && c.hour >= 16) ? (c.rural ? 6 : 4) : 1;
            const int surface = detail.uniform() < 0.33 ? 2 : 1;
            const int junction = c.junction ? (detail.uniform() < 0.5 ? 3 : 6) : detail.uniform() < 0.3 ? 3
                                                                                                        : 0;
            // Vehicles: HGVs on the A5 and through Bugbrooke, motorcycles on rural roads.
            const bool hgvRoute = c.road == highStreet || c.road == watling;
            std::vector<int> types;
            for (int v = 0; v < vehicles; ++v) {
                const double u = detail.uniform();
                const double hgv = hgvRoute ? 0.3 : 0.03, moto = c.rural ? 0.12 : 0.05, cycle = c.rural ? 0.01 : 0.07;
                types.push_back(u < hgv ? 21 : u < hgv + moto              ? 5
                                           : u < hgv + moto + cycle        ? 1
                                           : u < hgv + moto + cycle + 0.1  ? 19
                                           : u < hgv + moto + cycle + 0.12 ? 11
                                                                           : 9);
            }
            for (int v = 0; v < vehicles; ++v)
                if (c.year == 2019) legacyVehicles << index << ',' << v + 1 << ',' << types[static_cast<size_t>(v)] << "\r\n";
                else currentVehicles << index << ',' << c.year << ",34" << ref << ',' << v + 1 << ',' << types[static_cast<size_t>(v)] << '\n';
            // Casualties: the first as severe as the collision, the rest as severe or slight;
            // pedestrians (and children) by the shops on Kettering Road.
            const double pedestrian = c.road == kettering ? 0.55 : c.rural ? 0.03
                                                                           : 0.18;
            for (int k = 0; k < casualties; ++k) {
                const int severity = k == 0 || detail.uniform() < 0.3 ? c.severity : 3;
                const bool onFoot = detail.uniform() < pedestrian;
                const int vehicle = 1 + static_cast<int>(detail.index(static_cast<size_t>(vehicles)));
                const int vehicleType = types[static_cast<size_t>(vehicle - 1)];
                const int type = onFoot ? 0 : vehicleType;
                const int cls = onFoot ? 3 : (detail.uniform() < 0.7 ? 1 : 2);
                const bool child = detail.uniform() < (c.road == kettering ? 0.3 : 0.08);
                const int age = child ? 4 + static_cast<int>(detail.index(12)) : 17 + static_cast<int>(detail.index(70));
                const int sex = 1 + static_cast<int>(detail.index(2));
                if (c.year == 2019) {
                    legacyCasualties << index << ',' << vehicle << ',' << k + 1 << ',' << cls << ',' << sex << ',' << age << ',' << ageBand(age) << ','
                                     << severity << ',' << type << "\r\n";
                } else {
                    // Adjusted severity (forces not yet on CRaSH): serious 1, slight a small chance of serious.
                    char adjusted[48];
                    const double serious = severity == 2 ? 1.0 : severity == 3 ? std::round(1000 * (0.03 + 0.15 * detail.uniform())) / 1000
                                                                               : 0.0;
                    std::snprintf(adjusted, sizeof adjusted, "%.3f,%.3f", serious, severity == 3 ? 1 - serious : 0.0);
                    currentCasualties << index << ',' << c.year << ",34" << ref << ',' << vehicle << ',' << k + 1 << ',' << cls << ',' << sex << ','
                                      << age << ',' << ageBand(age) << ',' << severity << ',' << type << ',' << adjusted << '\n';
                }
            }
            if (c.year == 2019) {
                std::string easting = e, northing = n;
                if (serial[0] % 131 == 7) easting = northing = "NULL";  // located by lon/lat instead
                legacy << index << ',' << easting << ',' << northing << ',' << lon << ',' << lat << ",34," << c.severity << ',' << vehicles
                       << ',' << casualties << ',' << date << ',' << dow << ',' << time << ',' << roadClass << ',' << roadNumber << ',' << speed << ','
                       << junction << ',' << light << ',' << surface << ',' << (c.rural ? 2 : 1) << "\r\n";
            } else {
                current << index << ',' << c.year << ",34" << ref << ',' << e << ',' << n << ',' << lon << ',' << lat << ",34," << c.severity
                        << ',' << vehicles << ',' << casualties << ',' << date << ',' << dow << ',' << time << ',' << roadClass << ',' << roadNumber
                        << ',' << speed << ',' << junction << ',' << light << ',' << surface << ',' << (c.rural ? 2 : 1) << '\n';
            }
        }
        writeFile(root / "data/roads/stats19_collisions_2019_legacy.csv", legacy.str());
        writeFile(root / "data/roads/stats19_collisions_2020_2021.csv", current.str());
        writeFile(root / "data/roads/stats19_casualties_2019_legacy.csv", legacyCasualties.str());
        writeFile(root / "data/roads/stats19_casualties_2020_2021.csv", currentCasualties.str());
        writeFile(root / "data/roads/stats19_vehicles_2019_legacy.csv", legacyVehicles.str());
        writeFile(root / "data/roads/stats19_vehicles_2020_2021.csv", currentVehicles.str());
    }
    // ---- road complaints and police road incidents
    {
        std::ostringstream c;
        c << "ref,date,issue,lon,lat,source\n";
        const char* issues[] = {"Speeding", "HGV in restricted area", "Parking", "Road layout", "Other road issue"};
        const std::vector<double> mix = {0.35, 0.1, 0.3, 0.1, 0.15};
        int serial = 0;
        auto complaint = [&](Pt p, int year, const char* issue) {
            const Pt ll = toWgs84(p);
            char line[160];
            std::snprintf(line, sizeof line, "RC-%04d-%05d,%04d-%02d-%02d,%s,%.6f,%.6f,%s\n", year, ++serial, year, 1 + static_cast<int>(rng.index(12)),
                          1 + static_cast<int>(rng.index(28)), issue, ll.x, ll.y, rng.uniform() < 0.3 ? "police" : "council");
            c << line;
        };
        for (int year = 2019; year <= 2021; ++year) {
            for (int k = 0; k < 90; ++k) complaint(near(randomPlace(roads, rng), 0, 6), year, issues[rng.weighted(mix)]);
            // Speeding on the Harlestone Road stretch (rising), HGVs through Bugbrooke, parking at the
            // Wellingborough Road collision cluster.
            for (int k = 0; k < 4 + 4 * (year - 2019); ++k) complaint(near({roadIndex("Harlestone Road"), 2200}, 60, 5), year, "Speeding");
            for (int k = 0; k < 5; ++k) complaint(near({roadIndex("High Street"), 450}, 200, 4), year, "HGV in restricted area");
            for (int k = 0; k < 6; ++k) complaint(near({roadIndex("Wellingborough Road"), 800}, 40, 5), year, "Parking");
        }
        writeFile(root / "data/roads/road_complaints_2019_2021.csv", c.str());
    }
    // ---- the previous (2020) register: two of today's clusters and one that has gone quiet
    {
        std::ostringstream r;
        r << "locality_id,road_names,x,y\n";
        Pt at{}, n{};
        along(roads[roadIndex("Weedon Road")].points, 15, at, n);
        r << "2020-03,Weedon Road," << std::lround(at.x + 8) << ',' << std::lround(at.y - 5) << '\n';
        along(roads[roadIndex("Watling Street")].points, 5200, at, n);
        r << "2020-11,Watling Street," << std::lround(at.x - 20) << ',' << std::lround(at.y + 10) << '\n';
        along(roads[roadIndex("Bedford Road")].points, 2500, at, n);
        r << "2020-17,Bedford Road," << std::lround(at.x) << ',' << std::lround(at.y) << '\n';
        writeFile(root / "data/roads/register_2020.csv", r.str());
    }
}

}  // namespace sample
