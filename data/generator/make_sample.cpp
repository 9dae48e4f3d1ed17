// Deterministic generator of the project's sample data (see data/README.md).
//
// Writes, under the given root:
//   shapes/priority_areas.geojson   simplified outlines of the 11 Northampton neighbourhood priority areas (EPSG:27700)
//   shapes/districts.geojson        Northampton; Daventry & South Northants (EPSG:27700)
//   shapes/street_gazetteer.csv     street snap points with locality (the gazetteer for address geocoding)
//   data/police/YYYY-MM/YYYY-MM-northamptonshire-street.csv   2019-2021, police.uk format + force columns
//   data/council/asb_reports_2021.csv                          council ASB cases with free-text addresses
//   shapes/roads.geojson, data/roads/*.csv                     the road sample (road_sample.cpp)
//   data/interventions/*                                       CCTV, lights, interventions, candidate sites
//
// Nothing here is cut from real data: places are placed by hand at their approximate real
// locations, streets and incidents are drawn from a seeded random generator, and yearly counts
// per crime group are fixed by the calibration table below (the figures of the seed report).
//
// The output is byte-for-byte reproducible: the random numbers come from splitmix64 and are
// turned into values by code in this file, not by <random> distributions (whose results vary
// between standard libraries).

#include <proj.h>

#include "generator_util.hpp"
#include "intervention_sample.hpp"
#include "road_sample.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace sample;

namespace {

std::string hex64(Rng& rng) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (int k = 0; k < 4; ++k) {
        uint64_t v = rng.next();
        for (int i = 0; i < 16; ++i) out.push_back(digits[(v >> (60 - 4 * i)) & 0xF]);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Geometry
bool inRing(const Ring& ring, Pt p) {
    bool inside = false;
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
            p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
            inside = !inside;
    }
    return inside;
}

// Irregular 12-gon around a centre: radius varies smoothly so outlines look hand-drawn.
Ring blob(Pt c, double r, uint64_t seed) {
    Rng rng(seed);
    Ring ring;
    const int n = 12;
    for (int i = 0; i < n; ++i) {
        double a = 2 * M_PI * i / n;
        double rr = r * (0.82 + 0.3 * rng.uniform());
        ring.push_back({std::round(c.x + rr * std::cos(a)), std::round(c.y + rr * std::sin(a))});
    }
    ring.push_back(ring.front());
    return ring;
}

// ---------------------------------------------------------------------------------------------
// Places
enum District { NTH = 0,
                DSN = 1 };

struct PriorityArea {
    const char* code;
    const char* name;
    Pt centre;
    double radius;
};

// The neighbourhood priority areas named in the seed report, at their approximate real places.
const std::vector<PriorityArea> kPriorityAreas = {
    {"PA01", "Bellinge & Ecton Brook", {481700, 262600}, 480},
    {"PA02", "Upton & St Crispin's", {471700, 260900}, 650},
    {"PA03", "Blackthorn & Rectory Farm", {480200, 264300}, 560},
    {"PA04", "Lings", {480800, 263250}, 430},
    {"PA05", "Lumbertubs", {479000, 263400}, 450},
    {"PA06", "Thorplands", {478100, 264500}, 450},
    {"PA07", "Southfields & Standens Barn", {480300, 261700}, 520},
    {"PA08", "St Crispin's (central) & Portland Place", {476150, 261050}, 420},
    {"PA09", "St David's & Kingsthorpe", {475700, 263200}, 600},
    {"PA10", "Briar Hill", {473800, 258900}, 450},
    {"PA11", "St James and Castle", {474550, 260550}, 480},
};

const Ring kNorthampton = {{468500, 259500}, {470000, 263500}, {473000, 266500}, {477500, 267500}, {482000, 266000}, {484500, 263000}, {484000, 259000}, {481000, 256500}, {476000, 255500}, {471000, 256500}, {468500, 259500}};
// West Northamptonshire outline; Daventry & South Northants is this minus Northampton (a hole).
const Ring kWestNorthants = {{447000, 275000}, {470000, 279000}, {478000, 270000}, {485000, 268000}, {487000, 258000}, {480000, 248000}, {478000, 238000}, {462000, 228500}, {448000, 232000}, {444000, 248000}, {446000, 262000}, {447000, 275000}};

struct Locality {
    std::string name;
    District district;
    Pt centre;
    double radius;
    int streets;
    double population;  // relative weight for background crime
    // Multipliers on the background weight for crime groups (hotspots).
    double burglary = 1, asb = 1, violence = 1, shop = 1, vehicle = 1;
};

std::vector<Locality> makeLocalities() {
    std::vector<Locality> l;
    // Northampton priority-area neighbourhoods (higher crime), then quieter suburbs and the centre.
    l.push_back({"Bellinge", NTH, {481700, 262600}, 430, 22, 1.0, 1.6, 1.5, 1.2, 0.6, 1.2});
    l.push_back({"Upton", NTH, {471700, 260900}, 560, 24, 1.0, 1.2, 1.1, 0.9, 0.6, 1.3});
    l.push_back({"Blackthorn", NTH, {480200, 264300}, 500, 24, 1.0, 2.2, 1.7, 1.3, 0.6, 1.5});
    l.push_back({"Lings", NTH, {480800, 263250}, 380, 20, 0.9, 2.6, 1.6, 1.3, 2.0, 1.4});
    l.push_back({"Lumbertubs", NTH, {479000, 263400}, 400, 20, 0.9, 1.8, 2.4, 1.5, 0.7, 1.4});
    l.push_back({"Thorplands", NTH, {478100, 264500}, 400, 20, 0.9, 2.4, 2.0, 1.4, 0.6, 1.3});
    l.push_back({"Southfields", NTH, {480300, 261700}, 460, 22, 1.0, 1.9, 1.4, 1.1, 0.6, 1.2});
    l.push_back({"Portland Place", NTH, {476150, 261050}, 370, 20, 0.9, 1.5, 2.0, 2.0, 1.0, 1.5});
    l.push_back({"Kingsthorpe", NTH, {475700, 263200}, 540, 26, 1.2, 2.1, 1.6, 1.3, 0.8, 1.2});
    l.push_back({"Briar Hill", NTH, {473800, 258900}, 400, 18, 0.8, 1.7, 1.6, 1.3, 0.6, 1.3});
    l.push_back({"Castle", NTH, {474550, 260550}, 430, 22, 1.0, 1.4, 2.6, 2.2, 1.0, 1.6});
    l.push_back({"Town Centre", NTH, {475550, 260550}, 330, 30, 0.6, 0.8, 4.5, 5.5, 9.0, 1.8});
    l.push_back({"Abington", NTH, {477600, 261300}, 600, 26, 1.4, 0.9, 1.0, 0.9, 0.8, 1.0});
    l.push_back({"Duston", NTH, {472300, 262400}, 650, 26, 1.5, 0.5, 0.6, 0.6, 0.5, 0.8});
    l.push_back({"Far Cotton", NTH, {475300, 258900}, 450, 20, 1.0, 0.9, 1.0, 1.0, 0.7, 1.0});
    l.push_back({"Hunsbury", NTH, {473900, 257100}, 650, 22, 1.4, 0.4, 0.4, 0.5, 0.4, 0.6});
    l.push_back({"Wootton", NTH, {476700, 256800}, 650, 20, 1.3, 0.4, 0.4, 0.5, 0.4, 0.6});
    l.push_back({"Weston Favell", NTH, {479300, 262300}, 380, 20, 0.9, 1.0, 1.2, 1.1, 4.0, 1.2});
    l.push_back({"Parklands", NTH, {477600, 264800}, 450, 18, 0.9, 0.7, 0.7, 0.7, 0.5, 0.8});
    l.push_back({"Sixfields", NTH, {471900, 259700}, 350, 14, 0.5, 0.6, 0.8, 0.8, 3.0, 1.6});
    l.push_back({"Semilong", NTH, {475000, 261700}, 350, 18, 0.8, 1.3, 1.5, 1.4, 0.6, 1.3});
    l.push_back({"Kingsley", NTH, {476600, 262300}, 400, 18, 0.9, 1.1, 1.1, 1.0, 0.6, 1.0});
    // Daventry & South Northants: towns and villages.
    l.push_back({"Daventry", DSN, {457600, 262600}, 1100, 60, 4.0, 1.2, 1.8, 1.3, 1.5, 1.2});
    l.push_back({"Towcester", DSN, {469300, 248700}, 700, 30, 1.6, 1.0, 1.5, 1.1, 1.3, 1.0});
    l.push_back({"Brackley", DSN, {458600, 237300}, 800, 34, 2.0, 1.0, 1.2, 1.0, 1.2, 1.0});
    l.push_back({"Brixworth", DSN, {474700, 270800}, 450, 14, 0.8, 0.8, 0.7, 0.8, 0.5, 0.9});
    l.push_back({"Long Buckby", DSN, {462700, 267500}, 450, 14, 0.7, 0.8, 0.7, 0.8, 0.4, 0.9});
    l.push_back({"Roade", DSN, {475800, 251700}, 400, 12, 0.5, 0.9, 0.6, 0.7, 0.3, 0.9});
    l.push_back({"Deanshanger", DSN, {476500, 239400}, 400, 12, 0.6, 0.9, 0.7, 0.8, 0.3, 0.9});
    l.push_back({"Middleton Cheney", DSN, {449900, 241800}, 400, 12, 0.6, 0.8, 0.6, 0.7, 0.3, 0.8});
    l.push_back({"Bugbrooke", DSN, {467300, 257300}, 350, 10, 0.4, 0.9, 0.6, 0.7, 0.3, 0.9});
    l.push_back({"Weedon Bec", DSN, {463000, 259400}, 400, 12, 0.5, 0.9, 0.7, 0.8, 0.3, 1.0});
    l.push_back({"Woodford Halse", DSN, {454600, 252700}, 350, 10, 0.4, 0.8, 0.6, 0.7, 0.3, 0.8});
    l.push_back({"Kings Sutton", DSN, {449700, 236100}, 350, 10, 0.4, 0.8, 0.5, 0.6, 0.3, 0.8});
    l.push_back({"Potterspury", DSN, {475800, 243300}, 300, 8, 0.3, 1.0, 0.5, 0.6, 0.3, 1.1});
    l.push_back({"Crick", DSN, {458800, 272400}, 350, 10, 0.4, 0.9, 0.6, 0.7, 0.3, 1.2});
    return l;
}

// Street names: a few real Northampton and Towcester streets in their places, then generated names.
const std::map<std::string, std::vector<std::string>> kKnownStreets = {
    {"Town Centre", {"Abington Street", "Gold Street", "Bridge Street", "Sheep Street", "The Drapery", "Market Square", "Mercers Row", "Fish Street", "Dychurch Lane", "Guildhall Road", "St Giles Street", "Dunster Street", "Jeyes Jetty", "College Street", "Horsemarket", "Derngate", "Wood Hill"}},
    {"Castle", {"Spring Boroughs", "Lower Harding Street", "Scarletwell Street", "Castle Street", "Black Lion Hill", "St Andrew's Road", "Grafton Street"}},
    {"Portland Place", {"Portland Place", "Kettering Road", "Clare Street", "Lower Mounts", "Great Russell Street", "Alcombe Road"}},
    {"Kingsthorpe", {"Harborough Road", "Nursery Lane", "Kingsthorpe Grove", "Welford Road", "Boughton Green Road"}},
    {"Lumbertubs", {"Lumbertubs Way", "Talavera Way", "Billing Brook Road"}},
    {"Blackthorn", {"Blackthorn Road", "Maidencastle", "Goldings Road", "Rectory Farm Road"}},
    {"Lings", {"Lings Way", "Crestwood Road"}},
    {"Thorplands", {"Thorplands Road", "Kings Heath Road", "Exeter Place"}},
    {"Abington", {"Wellingborough Road", "Abington Park Crescent", "Park Avenue North", "Billing Road", "Racecourse"}},
    {"Far Cotton", {"Towcester Road", "St Leonard's Road", "Delapre Crescent Road"}},
    {"Duston", {"Weedon Road", "Main Road", "Pendle Road"}},
    {"Towcester", {"Watling Street", "Richmond Road", "Moat Lane", "Islington Road", "Park Street"}},
    {"Daventry", {"Sheaf Street", "High Street", "London Road", "Ashby Road", "New Street", "Brook Street"}},
    {"Brackley", {"Market Place", "High Street", "Banbury Road", "Bridge Street"}},
};
const char* kNameStems[] = {"Oak", "Ash", "Elm", "Beech", "Willow", "Cedar", "Holly", "Hazel", "Rowan", "Birch", "Maple",
                            "Laburnum", "Chestnut", "Sycamore", "Poplar", "Hawthorn", "Linden", "Juniper", "Alder",
                            "Meadow", "Brook", "Mill", "Orchard", "Spring", "Church", "Manor", "Grange", "Priory",
                            "Abbey", "Forest", "Field", "Hill", "Valley", "Ridge", "Furrow", "Barley", "Wheat",
                            "Harvest", "Foxglove", "Bluebell", "Primrose", "Lavender", "Heather", "Clover", "Kestrel",
                            "Falcon", "Heron", "Swallow", "Robin", "Wren", "Linnet", "Plover", "Curlew", "Nene",
                            "Welland", "Tove", "Ouse", "Cherwell", "Spencer", "Althorp", "Delapre", "Holdenby",
                            "Fawsley", "Naseby", "Rockingham", "Salcey", "Whittlebury", "Yardley", "Hardingstone",
                            "Collingtree", "Ecton", "Moulton", "Boughton", "Pitsford", "Harlestone", "Kislingbury",
                            "Badby", "Byfield", "Charwelton", "Everdon", "Farthingstone", "Greens Norton", "Litchborough"};
const char* kSuffixes[] = {"Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Gardens", "Court",
                           "Place", "Grove", "Walk", "Rise", "View", "Mews"};
// Generic police.uk snap points that name a kind of place, not a street.
const char* kPlaceKinds[] = {"Supermarket", "Parking Area", "Shopping Area", "Petrol Station", "Sports/Recreation Area",
                             "Park/Open Space", "Nightclub"};

struct SnapPoint {
    std::string street;
    size_t locality;
    Pt p;
    bool placeKind = false;   // "Supermarket" etc.: not in the gazetteer
    bool uniqueName = false;  // street name used once in the whole gazetteer
};

// ---------------------------------------------------------------------------------------------
// Calibration: yearly counts per district and force category (see data/README.md for the seed figures).
struct ForceCategory {
    const char* name;        // force record category ("Force category" column)
    const char* policeType;  // police.uk Crime type
    const char* hotspot;     // which locality multiplier applies
};

const std::vector<ForceCategory> kCategories = {
    {"Violence with injury", "Violence and sexual offences", "violence"},
    {"Violence without injury", "Violence and sexual offences", "violence"},
    {"Stalking and harassment", "Violence and sexual offences", "violence"},
    {"Sexual offences", "Violence and sexual offences", "violence"},
    {"Burglary residential", "Burglary", "burglary"},
    {"Burglary business and community", "Burglary", "shop"},
    {"Drug possession", "Drugs", "asb"},
    {"Drug trafficking", "Drugs", "asb"},
    {"Public disorder", "Public order", "violence"},
    {"All other theft", "Other theft", "shop"},
    {"Vehicle crime", "Vehicle crime", "vehicle"},
    {"Criminal damage and arson", "Criminal damage and arson", "asb"},
    {"Shoplifting", "Shoplifting", "shop"},
    {"Robbery", "Robbery", "violence"},
    {"Bicycle theft", "Bicycle theft", "shop"},
    {"Theft from the person", "Theft from the person", "shop"},
    {"Possession of weapons", "Possession of weapons", "violence"},
    {"Miscellaneous crimes against society", "Other crime", "none"},
    {"Anti-social behaviour", "Anti-social behaviour", "asb"},
};
constexpr size_t kAsb = 18;

struct YearPlan {
    int total;               // all recorded crime (ASB excluded)
    int violence, domestic;  // violence and sexual offences; those with a domestic-abuse flag
    int stalking, sexual;
    int burglaryResidential, burglaryBusiness;
    int drugPossession, drugTrafficking;
    int publicDisorder, otherTheft;
    int asb;
};

// [district][year 2019, 2020, 2021]
const YearPlan kPlan[2][3] = {
    // Northampton: total +0.5% 2020->2021; violence 42.9% of crime, +0.1%; domestic 32.2% of violence, -9.9%;
    // residential burglary 1,221 (2019) -> 918 -> 920 (+0.2%); business burglary -39.5%; public disorder and
    // stalking & harassment the significant increases.
    {{10900, 4500, 1500, 900, 300, 1221, 260, 200, 80, 500, 1200, 2600},
     {10000, 4307, 1540, 1100, 290, 918, 200, 230, 90, 560, 1000, 3400},
     {10050, 4311, 1388, 1180, 310, 920, 121, 220, 85, 640, 1010, 2800}},
    // Daventry & South Northants: total -10.2%; violence 45.4% of crime, -8.6%; domestic 36.4% of violence,
    // -7.8%; 444 burglaries in 2021; other theft -0.4%; public disorder -2.6% (but far above 2019);
    // drug possession +30.2%, trafficking +28.3%; stalking & harassment down since 2021.
    {{5300, 2260, 780, 500, 120, 470, 150, 90, 40, 380, 800, 1300},
     {5000, 2230, 805, 600, 110, 400, 120, 96, 46, 500, 750, 1800},
     {4490, 2038, 742, 530, 115, 340, 104, 125, 59, 487, 747, 1400}},
};

// Remaining categories share what is left of the total in fixed proportions.
const std::vector<std::pair<size_t, double>> kRemainder = {{10, 0.30}, {11, 0.30}, {12, 0.18}, {13, 0.03}, {14, 0.05}, {15, 0.04}, {16, 0.03}, {17, 0.07}};

std::vector<int> countsFor(const YearPlan& p) {
    std::vector<int> c(kCategories.size(), 0);
    c[2] = p.stalking;
    c[3] = p.sexual;
    int rest = p.violence - p.stalking - p.sexual;
    c[0] = static_cast<int>(std::lround(rest * 0.45));
    c[1] = rest - c[0];
    c[4] = p.burglaryResidential;
    c[5] = p.burglaryBusiness;
    c[6] = p.drugPossession;
    c[7] = p.drugTrafficking;
    c[8] = p.publicDisorder;
    c[9] = p.otherTheft;
    int used = 0;
    for (size_t i = 0; i < 10; ++i) used += c[i];
    int remainder = p.total - used;
    if (remainder < 0) throw std::runtime_error("calibration table: categories exceed the total");
    int assigned = 0;
    for (size_t k = 0; k < kRemainder.size(); ++k) {
        int n = k + 1 == kRemainder.size() ? remainder - assigned : static_cast<int>(std::lround(remainder * kRemainder[k].second));
        c[kRemainder[k].first] = n;
        assigned += n;
    }
    c[kAsb] = p.asb;
    return c;
}

const char* kOutcomes[] = {"Investigation complete; no suspect identified", "Unable to prosecute suspect",
                           "Unable to prosecute suspect", "Investigation complete; no suspect identified",
                           "Court result unavailable", "Local resolution", "Offender given a caution",
                           "Action to be taken by another organisation", "Status update unavailable",
                           "Further investigation is not in the public interest", "Under investigation"};

// ---------------------------------------------------------------------------------------------
// Output helpers
std::string ringJson(const Ring& r) {
    std::string s = "[";
    for (size_t i = 0; i < r.size(); ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s[%.0f,%.0f]", i ? "," : "", r[i].x, r[i].y);
        s += buf;
    }
    return s + "]";
}

std::string featureCollection(const std::string& name, const std::vector<std::string>& features) {
    std::string s = "{\n\"type\": \"FeatureCollection\",\n\"name\": \"" + name +
                    "\",\n\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::27700\" } },\n\"features\": [\n";
    for (size_t i = 0; i < features.size(); ++i) s += features[i] + (i + 1 < features.size() ? ",\n" : "\n");
    return s + "]\n}\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_sample OUTPUT_ROOT   (writes OUTPUT_ROOT/shapes and OUTPUT_ROOT/data)\n");
        return 2;
    }
    const fs::path root = argv[1];
    Rng rng(20220126);  // the date of the scrutiny meeting
    const auto localities = makeLocalities();

    // Sanity: places sit in their district, priority areas in Northampton and apart from each other.
    for (const auto& l : localities) {
        bool inN = inRing(kNorthampton, l.centre), inW = inRing(kWestNorthants, l.centre);
        if ((l.district == NTH) != inN || !inW) throw std::runtime_error("locality outside its district: " + l.name);
    }
    for (size_t i = 0; i < kPriorityAreas.size(); ++i)
        for (size_t j = i + 1; j < kPriorityAreas.size(); ++j) {
            const auto &a = kPriorityAreas[i], &b = kPriorityAreas[j];
            double d = std::hypot(a.centre.x - b.centre.x, a.centre.y - b.centre.y);
            if (d < (a.radius + b.radius) * 1.12) throw std::runtime_error(std::string("priority areas overlap: ") + a.name + " / " + b.name);
        }

    // ---- shapes
    std::vector<std::string> features;
    for (size_t i = 0; i < kPriorityAreas.size(); ++i) {
        const auto& a = kPriorityAreas[i];
        Ring r = blob(a.centre, a.radius, 1000 + i);
        features.push_back(std::string("{ \"type\": \"Feature\", \"properties\": { \"code\": \"") + a.code + "\", \"name\": \"" + a.name +
                           "\", \"district\": \"Northampton\" }, \"geometry\": { \"type\": \"Polygon\", \"coordinates\": [" + ringJson(r) + "] } }");
    }
    writeFile(root / "shapes/priority_areas.geojson", featureCollection("priority_areas", features));
    features.clear();
    features.push_back(
        "{ \"type\": \"Feature\", \"properties\": { \"code\": \"E07000154\", \"name\": \"Northampton\" }, "
        "\"geometry\": { \"type\": \"Polygon\", \"coordinates\": [" +
        ringJson(kNorthampton) + "] } }");
    Ring hole(kNorthampton.rbegin(), kNorthampton.rend());  // interior rings run clockwise
    features.push_back(
        "{ \"type\": \"Feature\", \"properties\": { \"code\": \"E07000151+E07000155\", \"name\": \"Daventry & South Northants\" }, "
        "\"geometry\": { \"type\": \"Polygon\", \"coordinates\": [" +
        ringJson(kWestNorthants) + "," + ringJson(hole) + "] } }");
    writeFile(root / "shapes/districts.geojson", featureCollection("districts", features));

    // ---- streets and snap points
    std::vector<SnapPoint> snaps;
    std::map<std::string, int> nameUse;
    std::vector<std::vector<size_t>> snapsOf(localities.size());
    auto placeIn = [&](const Locality& l, double spread) {
        for (int attempt = 0; attempt < 100; ++attempt) {
            Pt p{l.centre.x + rng.normal() * l.radius * spread, l.centre.y + rng.normal() * l.radius * spread};
            p.x = std::round(p.x);
            p.y = std::round(p.y);
            bool ok = l.district == NTH ? inRing(kNorthampton, p) : (inRing(kWestNorthants, p) && !inRing(kNorthampton, p));
            if (ok) return p;
        }
        return l.centre;
    };
    for (size_t li = 0; li < localities.size(); ++li) {
        const Locality& l = localities[li];
        std::set<std::string> used;
        std::vector<std::string> names;
        if (auto it = kKnownStreets.find(l.name); it != kKnownStreets.end())
            for (const auto& s : it->second) names.push_back(s);
        if (l.district == DSN && names.empty()) {
            names.push_back("High Street");  // every village has one: ambiguous without a locality
            names.push_back("Church Lane");
        }
        while (static_cast<int>(names.size()) < l.streets) {
            std::string n = std::string(kNameStems[rng.index(std::size(kNameStems))]) + " " + kSuffixes[rng.index(std::size(kSuffixes))];
            if (used.insert(n).second) names.push_back(n);
        }
        for (const auto& name : names) {
            int points = 1 + static_cast<int>(rng.index(3));
            Pt first = placeIn(l, 0.45);
            for (int k = 0; k < points; ++k) {
                Pt p = k == 0 ? first : Pt{std::round(first.x + rng.normal() * 60), std::round(first.y + rng.normal() * 60)};
                bool ok = l.district == NTH ? inRing(kNorthampton, p) : (inRing(kWestNorthants, p) && !inRing(kNorthampton, p));
                if (!ok) p = first;
                snapsOf[li].push_back(snaps.size());
                snaps.push_back({name, li, p});
            }
            ++nameUse[name];
        }
        for (const char* kind : kPlaceKinds) {
            if (l.district == DSN && rng.uniform() < 0.5) continue;
            snapsOf[li].push_back(snaps.size());
            snaps.push_back({kind, li, placeIn(l, 0.3), true});
        }
    }
    for (auto& s : snaps) s.uniqueName = !s.placeKind && nameUse[s.street] == 1;

    {
        std::ostringstream g;
        g << "name,locality,district,easting,northing\n";
        for (const auto& s : snaps) {
            if (s.placeKind) continue;
            g << csvField(s.street) << ',' << csvField(localities[s.locality].name) << ','
              << (localities[s.locality].district == NTH ? "Northampton" : "Daventry & South Northants") << ','
              << static_cast<long>(s.p.x) << ',' << static_cast<long>(s.p.y) << '\n';
        }
        writeFile(root / "shapes/street_gazetteer.csv", g.str());
    }

    // ---- incidents
    const Wgs84 toWgs84;
    struct Row {
        int month;
        std::string line;
    };
    std::map<int, std::vector<std::string>> byMonth;  // yyyymm -> lines
    const int seasonal[12] = {95, 90, 98, 100, 104, 106, 110, 108, 102, 100, 96, 91};
    auto localityWeight = [&](const Locality& l, const char* hotspot) {
        std::string h = hotspot;
        double w = l.population;
        if (h == "burglary") w *= l.burglary;
        else if (h == "asb") w *= l.asb;
        else if (h == "violence") w *= l.violence;
        else if (h == "shop") w *= l.shop;
        else if (h == "vehicle") w *= l.vehicle;
        return w;
    };
    for (int district = 0; district < 2; ++district) {
        for (int yi = 0; yi < 3; ++yi) {
            const int year = 2019 + yi;
            const YearPlan& plan = kPlan[district][yi];
            std::vector<int> counts = countsFor(plan);
            int domesticLeft = plan.domestic;
            int violenceLeft = plan.violence;
            for (size_t ci = 0; ci < kCategories.size(); ++ci) {
                const ForceCategory& cat = kCategories[ci];
                std::vector<double> weights;
                std::vector<size_t> candidates;
                for (size_t li = 0; li < localities.size(); ++li)
                    if (localities[li].district == district) {
                        candidates.push_back(li);
                        weights.push_back(localityWeight(localities[li], cat.hotspot));
                    }
                // Spread the year's count over months by the seasonal profile (largest remainder).
                std::vector<int> perMonth(12, 0);
                int sumSeason = 0;
                for (int s : seasonal) sumSeason += s;
                int placed = 0;
                std::vector<std::pair<double, int>> remainders;
                for (int m = 0; m < 12; ++m) {
                    double exact = double(counts[ci]) * seasonal[m] / sumSeason;
                    perMonth[m] = static_cast<int>(exact);
                    placed += perMonth[m];
                    remainders.emplace_back(exact - perMonth[m], m);
                }
                std::sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
                for (int k = 0; placed < counts[ci]; ++k, ++placed) ++perMonth[remainders[k % 12].second];
                const bool isViolence = std::string(cat.policeType) == "Violence and sexual offences";
                for (int m = 0; m < 12; ++m) {
                    for (int k = 0; k < perMonth[m]; ++k) {
                        size_t li = candidates[rng.weighted(weights)];
                        const auto& pool = snapsOf[li];
                        // Hotspot focus: most incidents fall on the first few snap points of a locality.
                        size_t pick = rng.uniform() < 0.35 ? pool[rng.index(std::min<size_t>(pool.size(), 4))] : pool[rng.index(pool.size())];
                        const SnapPoint& s = snaps[pick];
                        Pt ll = toWgs84(s.p);
                        bool domestic = false;
                        if (isViolence) {
                            // Draw the domestic flag without replacement so the yearly share is exact.
                            domestic = rng.uniform() * violenceLeft < domesticLeft;
                            --violenceLeft;
                            if (domestic) --domesticLeft;
                        }
                        // About 1 % of rows come without coordinates; their street is unique so the gazetteer finds it.
                        bool blank = s.uniqueName && rng.uniform() < 0.03;
                        char coords[64];
                        if (blank) coords[0] = ',', coords[1] = 0;
                        else std::snprintf(coords, sizeof coords, "%.6f,%.6f", ll.x, ll.y);
                        const bool asb = ci == kAsb;
                        std::string id = asb ? "" : hex64(rng);
                        std::string outcome = asb ? "" : kOutcomes[rng.index(std::size(kOutcomes))];
                        char month[8];
                        std::snprintf(month, sizeof month, "%04d-%02d", year, m + 1);
                        std::string line = id + "," + month + ",Northamptonshire Police,Northamptonshire Police," + coords +
                                           "," + csvField("On or near " + s.street) + ",,," + cat.policeType + "," + csvField(outcome) +
                                           ",," + cat.name + "," + (domestic ? "Y" : "N");
                        byMonth[year * 100 + m + 1].push_back(std::move(line));
                    }
                }
            }
        }
    }
    // Rows the engine must account for without counting them in any district: out-of-force locations,
    // rows with no location at all, and a bare "High Street" that the gazetteer cannot place.
    const Pt strays[] = {{407000, 287000}, {485500, 238500}, {490500, 268200}, {505000, 249700}, {520000, 180000}};
    for (int yi = 0; yi < 3; ++yi)
        for (int m = 1; m <= 12; ++m) {
            auto& lines = byMonth[(2019 + yi) * 100 + m];
            char month[8];
            std::snprintf(month, sizeof month, "%04d-%02d", 2019 + yi, m);
            for (int k = 0; k < 2; ++k) {
                Pt ll = toWgs84(strays[rng.index(std::size(strays))]);
                char coords[64];
                std::snprintf(coords, sizeof coords, "%.6f,%.6f", ll.x, ll.y);
                lines.push_back(hex64(rng) + "," + month + ",Northamptonshire Police,Northamptonshire Police," + coords +
                                ",On or near Shopping Area,,,Other theft,Status update unavailable,,All other theft,N");
            }
            lines.push_back(hex64(rng) + "," + month +
                            ",Northamptonshire Police,Northamptonshire Police,,,No Location,,,Other crime,"
                            "Status update unavailable,,Miscellaneous crimes against society,N");
            if (m % 3 == 0)
                lines.push_back(std::string(",") + month +
                                ",Northamptonshire Police,Northamptonshire Police,,,On or near High Street,,,"
                                "Anti-social behaviour,,,Anti-social behaviour,N");
        }
    const std::string header =
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context,"
        "Force category,Domestic abuse flag\n";
    for (auto& [ym, lines] : byMonth) {
        // Shuffle within the month (police.uk files are not sorted by type).
        for (size_t i = lines.size(); i > 1; --i) std::swap(lines[i - 1], lines[rng.index(i)]);
        char folder[16], file[64];
        std::snprintf(folder, sizeof folder, "%04d-%02d", ym / 100, ym % 100);
        std::snprintf(file, sizeof file, "%s-northamptonshire-street.csv", folder);
        std::string content = header;
        for (const auto& l : lines) content += l + "\n";
        writeFile(root / "data/police" / folder / file, content);
    }

    // ---- council ASB case list with free-text addresses (2021)
    {
        std::ostringstream c;
        c << "case_ref,date_reported,case_type,address,ward_note\n";
        const char* types[] = {"Noise", "Youth nuisance", "Neighbour dispute", "Drug use or dealing", "Street drinking",
                               "Vehicle nuisance", "Fly tipping"};
        const char* abbreviate[][2] = {{" Street", " St"}, {" Road", " Rd"}, {" Avenue", " Ave"}, {" Close", " Cl"}, {" Crescent", " Cres"}, {" Drive", " Dr"}, {" Lane", " Ln"}};
        std::vector<size_t> northampton;
        for (size_t i = 0; i < snaps.size(); ++i)
            if (!snaps[i].placeKind && localities[snaps[i].locality].district == NTH) northampton.push_back(i);
        std::vector<double> w;
        for (size_t i : northampton) w.push_back(localityWeight(localities[snaps[i].locality], "asb"));
        for (int k = 0; k < 400; ++k) {
            const SnapPoint& s = snaps[northampton[rng.weighted(w)]];
            std::string street = s.street;
            double form = rng.uniform();
            if (form < 0.35)
                for (auto& ab : abbreviate)
                    if (auto pos = street.rfind(ab[0]); pos != std::string::npos && pos + std::strlen(ab[0]) == street.size()) {
                        street = street.substr(0, pos) + ab[1];
                        break;
                    }
            if (form >= 0.35 && form < 0.45 && street.size() > 6) {
                size_t at = 2 + rng.index(street.size() - 4);
                std::swap(street[at], street[at + 1]);  // a typing slip: matched by the fuzzy matcher
            }
            if (form >= 0.45 && form < 0.6) {
                for (auto& ch : street) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            }
            std::string address = std::to_string(1 + rng.index(140)) + " " + street + ", " + localities[s.locality].name + ", Northampton";
            if (k % 97 == 13) address = "rear of the shops";  // unusable: reported, not guessed
            char date[16];
            int month = 1 + static_cast<int>(rng.index(12)), day = 1 + static_cast<int>(rng.index(28));
            std::snprintf(date, sizeof date, "%02d/%02d/2021", day, month);
            char ref[16];
            std::snprintf(ref, sizeof ref, "ASB-21-%04d", k + 1);
            c << ref << ',' << date << ',' << types[rng.index(std::size(types))] << ',' << csvField(address) << ",\n";
        }
        writeFile(root / "data/council/asb_reports_2021.csv", c.str());
    }
    writeRoadSample(root);
    {
        std::vector<StreetPoint> streets;
        for (const auto& s : snaps)
            if (!s.placeKind) streets.push_back({s.street, localities[s.locality].name, s.p.x, s.p.y});
        writeInterventionSample(root, streets);
    }
    std::fprintf(stderr, "sample written under %s: %zu snap points, %zu months\n", root.string().c_str(), snaps.size(), byMonth.size());
    return 0;
}
