// The intervention part of the sample: CCTV cameras and street lights around the town centre, the
// seed report's interventions at their places with its budgets, and candidate camera sites.
// Drawn from its own seeded generator, so the crime sample does not change when this does.

#include "intervention_sample.hpp"

#include <cstdio>
#include <sstream>

#include "generator_util.hpp"

namespace sample {

namespace {

std::vector<StreetPoint> in(const std::vector<StreetPoint>& all, std::initializer_list<const char*> localities) {
    std::vector<StreetPoint> out;
    for (const auto& s : all)
        for (const char* l : localities)
            if (s.locality == l) out.push_back(s);
    return out;
}

const StreetPoint& street(const std::vector<StreetPoint>& all, const char* name) {
    for (const auto& s : all)
        if (s.street == name) return s;
    throw std::runtime_error(std::string("no street ") + name);
}

std::string ring(const std::vector<Pt>& pts) {
    std::string s = "[";
    for (size_t i = 0; i < pts.size(); ++i) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%s[%.0f,%.0f]", i ? "," : "", pts[i].x, pts[i].y);
        s += buf;
    }
    return s + "]";
}

std::vector<Pt> box(Pt c, double w, double h) {
    return {{c.x - w, c.y - h}, {c.x + w, c.y - h}, {c.x + w, c.y + h}, {c.x - w, c.y + h}, {c.x - w, c.y - h}};
}

}  // namespace

void writeInterventionSample(const fs::path& root, const std::vector<StreetPoint>& streets) {
    Rng rng(20210513);  // Safer Streets 3: GBP 513k
    const Wgs84 toWgs84;
    // ---- CCTV: the town-centre system, a few in Castle and Daventry, Towcester's two new cameras
    // (2021, ASB hotspots) and the Racecourse cameras (Safer Streets 3).
    {
        std::ostringstream c;
        c << "camera_id,name,lon,lat,bearing,fov,range,installed\n";
        int n = 0;
        auto camera = [&](const StreetPoint& s, bool wedge, const char* installed) {
            const Pt ll = toWgs84({s.x + 8 * rng.normal(), s.y + 8 * rng.normal()});
            char line[200];
            if (wedge)
                std::snprintf(line, sizeof line, "NN%03d,%s,%.6f,%.6f,%d,%d,%d,%s\n", ++n, csvField(s.street).c_str(), ll.x, ll.y,
                              static_cast<int>(rng.index(360)), 60 + 10 * static_cast<int>(rng.index(7)), 80 + 10 * static_cast<int>(rng.index(5)), installed);
            else
                std::snprintf(line, sizeof line, "NN%03d,%s,%.6f,%.6f,,,%d,%s\n", ++n, csvField(s.street).c_str(), ll.x, ll.y,
                              60 + 10 * static_cast<int>(rng.index(5)), installed);
            c << line;
        };
        const auto centre = in(streets, {"Town Centre"});
        for (int k = 0; k < 28; ++k) camera(centre[rng.index(centre.size())], rng.uniform() < 0.7, "");
        const auto castle = in(streets, {"Castle"});
        for (int k = 0; k < 6; ++k) camera(castle[rng.index(castle.size())], true, "");
        const auto daventry = in(streets, {"Daventry"});
        for (int k = 0; k < 5; ++k) camera(daventry[rng.index(daventry.size())], rng.uniform() < 0.5, "");
        const auto towcester = in(streets, {"Towcester"});
        for (int k = 0; k < 2; ++k) camera(towcester[static_cast<size_t>(k)], false, "2021-04-12");
        for (int k = 0; k < 3; ++k) camera({"Racecourse", "Town Centre", 475800.0 + 150 * k, 261750.0 + 60 * k}, false, "2021-10-04");
        writeFile(root / "data/interventions/cctv_cameras.csv", c.str());
    }
    // ---- street lights along the streets of central Northampton (British National Grid x/y); a few
    // streets are left unlit so that some hotspots are dark.
    {
        std::ostringstream l;
        l << "light_id,lamp_type,x,y\n";
        int n = 0;
        const char* types[] = {"LED", "LED", "LED", "LED", "LED", "LED", "LED", "SON", "SON", "SOX"};
        for (const auto& s : in(streets, {"Town Centre", "Castle", "Semilong", "Portland Place", "Kingsthorpe", "Abington", "Far Cotton"})) {
            if (rng.uniform() < 0.12) continue;  // an unlit street end
            const int lamps = 2 + static_cast<int>(rng.index(3));
            for (int k = 0; k < lamps; ++k) {
                char line[96];
                std::snprintf(line, sizeof line, "SL%05d,%s,%.0f,%.0f\n", ++n, types[rng.index(10)], s.x + 25 * rng.normal(), s.y + 25 * rng.normal());
                l << line;
            }
        }
        writeFile(root / "data/interventions/street_lights.csv", l.str());
    }
    // ---- interventions from the seed report, at their places, with its budgets and plausible dates.
    {
        const Pt racecourse{475900, 261850}, becketsPark{476150, 260050}, town{475500, 260600};
        const StreetPoint& jeyes = street(streets, "Jeyes Jetty");
        const StreetPoint& dunster = street(streets, "Dunster Street");
        const StreetPoint& abington = street(streets, "Abington Street");
        const auto towcester = in(streets, {"Towcester"});
        std::vector<std::string> f;
        auto feature = [&](const std::string& id, const std::string& name, const std::string& category, const std::string& round,
                           const std::string& budget, const std::string& start, const std::string& geometry) {
            f.push_back("{ \"type\": \"Feature\", \"properties\": { \"id\": \"" + id + "\", \"name\": \"" + name + "\", \"category\": \"" + category +
                        "\", \"round\": \"" + round + "\", \"budget\": " + (budget.empty() ? "null" : budget) + ", \"start\": \"" + start +
                        "\" }, \"geometry\": " + geometry + " }");
        };
        auto polygon = [&](const std::vector<Pt>& pts) { return "{ \"type\": \"Polygon\", \"coordinates\": [" + ring(pts) + "] }"; };
        auto point = [&](Pt p) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "{ \"type\": \"Point\", \"coordinates\": [%.0f,%.0f] }", p.x, p.y);
            return std::string(buf);
        };
        // Safer Streets 3: environmental improvements GBP 291,488 (split across its schemes here),
        // capable guardianship GBP 112,000, education and awareness GBP 109,722.
        feature("SS3-01", "CCTV coverage of the Racecourse", "CCTV", "Safer Streets 3", "120000", "2021-10-04", polygon(box(racecourse, 350, 250)));
        feature("SS3-02", "ANPR in the St John's car park", "ANPR", "Safer Streets 3", "25000", "2021-10-18", point({475600, 260250}));
        feature("SS3-03", "Improved lighting, Abington Street", "Lighting", "Safer Streets 3", "60000", "2021-09-06",
                "{ \"type\": \"LineString\", \"coordinates\": " + ring({{abington.x - 200, abington.y}, {abington.x + 200, abington.y + 20}}) + " }");
        feature("SS3-04", "Fencing, shrub trimming and crown lifting, Becket's Park", "Environmental", "Safer Streets 3", "86488", "2021-09-20",
                polygon(box(becketsPark, 200, 150)));
        feature("SS3-05", "Park Safety Ranger and Park Watch (Racecourse, Becket's Park)", "Capable guardianship", "Safer Streets 3", "112000",
                "2021-11-01",
                "{ \"type\": \"MultiPolygon\", \"coordinates\": [[" + ring(box(racecourse, 350, 250)) + "], [" + ring(box(becketsPark, 200, 150)) + "]] }");
        feature("SS3-06", "Education and awareness (students and community)", "Education", "Safer Streets 3", "109722", "2021-10-01",
                polygon(box(town, 500, 400)));
        // PSPO alley gates (no budget in the report) and Towcester's two cameras at ASB hotspots.
        feature("PSPO-01", "Alley gates, Jeyes Jetty", "Alley gates", "PSPO", "", "2021-03-15", point({jeyes.x, jeyes.y}));
        feature("PSPO-02", "Alley gates, Dunster Street", "Alley gates", "PSPO", "", "2021-03-15", point({dunster.x, dunster.y}));
        feature("TOW-01", "Two CCTV cameras at Towcester ASB hotspots", "CCTV", "Daventry & South Northants CSP", "", "2021-04-12",
                "{ \"type\": \"MultiPoint\", \"coordinates\": " + ring({{towcester[0].x, towcester[0].y}, {towcester[1].x, towcester[1].y}}) + " }");
        std::string s =
            "{\n\"type\": \"FeatureCollection\",\n\"name\": \"interventions\",\n\"crs\": { \"type\": \"name\", \"properties\": { \"name\": "
            "\"urn:ogc:def:crs:EPSG::27700\" } },\n\"features\": [\n";
        for (size_t i = 0; i < f.size(); ++i) s += f[i] + (i + 1 < f.size() ? ",\n" : "\n");
        writeFile(root / "data/interventions/interventions.geojson", s + "]\n}\n");
    }
    // ---- candidate camera sites (lamp columns and buildings that can take a camera), with costs.
    {
        std::ostringstream c;
        c << "site_id,kind,cost,x,y\n";
        const auto places = in(streets, {"Town Centre", "Castle", "Semilong", "Lumbertubs", "Lings", "Blackthorn", "Kingsthorpe"});
        for (int k = 0; k < 80; ++k) {
            const StreetPoint& s = places[rng.index(places.size())];
            const bool column = rng.uniform() < 0.6;
            char line[96];
            std::snprintf(line, sizeof line, "C%03d,%s,%d,%.0f,%.0f\n", k + 1, column ? "lamp column" : "building", column ? 9000 : 14000,
                          s.x + 10 * rng.normal(), s.y + 10 * rng.normal());
            c << line;
        }
        writeFile(root / "data/interventions/candidate_sites.csv", c.str());
    }
}

}  // namespace sample
