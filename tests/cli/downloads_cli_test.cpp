// police.uk downloads as delivered: zips (custom download and monthly archive layouts), unzipped
// download folders holding all three series, several forces, the same month in two downloads.

#include <gtest/gtest.h>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "hotspot/ingest.hpp"
#include "test_support.hpp"

using namespace hotspot;

namespace {

const char* kStreetHeader =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\r\n";
const char* kOutcomesHeader = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\r\n";
const char* kSearchHeader =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,"
    "Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing\r\n";

// A street file of `n` located crimes (ids <prefix>1..n) and `unlocated` rows without a location.
std::string streetFile(const std::string& month, const std::string& force, const std::string& prefix, int n, int unlocated) {
    std::string out = kStreetHeader;
    for (int i = 1; i <= n; ++i)
        out += fmt::format("{}{},{},{},{},{:.4f},52.24,On or near A,E01027132,Northampton 022A,Burglary,Under investigation,\r\n", prefix, i, month,
                           force, force, -0.90 + 0.001 * i);
    for (int i = 1; i <= unlocated; ++i)
        out += fmt::format("{}u{},{},{},{},,,No Location,,,Vehicle crime,Under investigation,\r\n", prefix, i, month, force, force);
    return out;
}

// A zip written with GDAL's zip writer (members in the order given, closed before returning).
void writeZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& members) {
    void* zip = CPLCreateZip(path.c_str(), nullptr);
    ASSERT_NE(zip, nullptr) << path;
    for (const auto& [name, content] : members) {
        ASSERT_EQ(CPLCreateFileInZip(zip, name.c_str(), nullptr), CE_None) << name;
        ASSERT_EQ(CPLWriteFileInZip(zip, content.data(), static_cast<int>(content.size())), CE_None) << name;
        ASSERT_EQ(CPLCloseFileInZip(zip), CE_None) << name;
    }
    ASSERT_EQ(CPLCloseZip(zip), CE_None) << path;
}

int64_t total(const std::string& summary, const char* what) {
    std::smatch m;
    if (!std::regex_search(summary, m, std::regex(R"(total: (\d+) rows = (\d+) accepted \+ (\d+) rejected \+ (\d+) superseded)"))) return -1;
    const std::string w = what;
    return std::stoll(m[w == "rows" ? 1 : w == "accepted" ? 2
                                      : w == "rejected"   ? 3
                                                          : 4]);
}

}  // namespace

// The reference zip exactly as police.uk delivered it: street + outcomes + stop-and-search, CRLF.
TEST(Downloads, ThamesValleyZipAsDeliveredIsReadInPlace) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const std::string folder = *shared + "/reference/police-uk-thames-valley-2022-01-download-zip";
    test::TempDir dir;
    for (const std::string& input : {folder + "/thames-valley-2022-01.zip", folder}) {  // the zip, and the folder holding it
        auto r = test::runCli({"geocode", input, "--no-gpkg", "-o", dir.file("out")});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        // SOURCE.md: 15,691 street rows, 750 of them without coordinates.
        EXPECT_EQ(total(r.err, "rows"), 15691) << r.err;
        EXPECT_EQ(total(r.err, "rejected"), 750);
        // The outcomes joined by Crime ID; the figures recomputed independently (Python csv over the
        // zip): 5,333 crimes loaded get their outcome, 8 repeated outcomes, 280 outcomes of crimes
        // without a location, 9,486 of crimes from earlier months.
        EXPECT_NE(r.err.find("outcomes: 15107 rows in 1 file(s) = 5333 latest outcome of a loaded crime + 8 earlier or repeated outcomes of "
                             "the same crime + 280 for crimes rejected from the street files (no location) + 9486 for crimes not in the "
                             "loaded street files (other months or forces) + 0 rejected"),
                  std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("1 file(s), police.uk stop and search"), std::string::npos) << r.err;
        EXPECT_EQ(test::readCsvRows(dir.file("out/incidents.csv")).size(), 15691u - 750u);
        const auto rejects = test::readCsvRows(dir.file("out/rejects.csv"));
        ASSERT_EQ(rejects.size(), 750u);
        EXPECT_NE(rejects[0].at("file").find("thames-valley-2022-01.zip/2022-01/2022-01-thames-valley-street.csv"), std::string::npos);
        EXPECT_NE(rejects[0].at("record").find("No Location"), std::string::npos);  // the raw record, read back from the zip
    }
}

TEST(Downloads, CustomAndArchiveLayoutsForcesAndAMonthInTwoDownloads) {
    test::TempDir dir;
    // A custom download: <40 hex>/YYYY-MM/YYYY-MM-<force>-{street,outcomes,stop-and-search}.csv.
    const std::string hex = "3228c05a10f136b972bcc8c7a1cf333e9bf76b84";
    writeZip(dir.file("custom.zip"),
             {{hex + "/2021-01/2021-01-northamptonshire-street.csv", streetFile("2021-01", "northamptonshire", "a", 10, 2)},
              {hex + "/2021-01/2021-01-northamptonshire-outcomes.csv", std::string(kOutcomesHeader) +
                                                                           "a1,2021-01,x,x,-0.9,52.24,On or near A,E01027132,N,Suspect charged\r\n"},
              {hex + "/2021-01/2021-01-northamptonshire-stop-and-search.csv", std::string(kSearchHeader)},
              {hex + "/2021-02/2021-02-northamptonshire-street.csv", streetFile("2021-02", "northamptonshire", "b", 5, 1)}});
    auto r = test::runCli({"geocode", dir.file("custom.zip"), "--no-gpkg", "-o", dir.file("c")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 18);
    EXPECT_EQ(total(r.err, "rejected"), 3);
    EXPECT_NE(r.err.find("outcomes: 1 rows in 1 file(s) = 1 latest outcome of a loaded crime"), std::string::npos) << r.err;
    const auto rows = test::readCsvRows(dir.file("c/incidents.csv"));
    for (const auto& row : rows)
        if (row.at("source_id") == "a1") {
            EXPECT_EQ(row.at("outcome"), "Suspect charged");
            EXPECT_EQ(row.at("outcome_group"), "charged/summonsed");
            EXPECT_EQ(row.at("outcome_source"), "outcomes file");
        } else if (row.at("source_id") == "a2") {
            EXPECT_EQ(row.at("outcome_group"), "under investigation");  // the street file's own
            EXPECT_EQ(row.at("outcome_source"), "street file");
        }

    // A monthly archive: every force of each month; --force picks one, the others are set aside.
    writeZip(dir.file("archive.zip"), {{"2021-02/2021-02-northamptonshire-street.csv", streetFile("2021-02", "northamptonshire", "b", 5, 1)},
                                       {"2021-02/2021-02-thames-valley-street.csv", streetFile("2021-02", "thames-valley", "t", 7, 0)},
                                       {"2021-02/2021-02-city-of-london-street.csv", streetFile("2021-02", "city-of-london", "l", 3, 0)}});
    r = test::runCli({"geocode", dir.file("archive.zip"), "--force", "northamptonshire", "--no-gpkg", "-o", dir.file("a")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 6);
    EXPECT_NE(r.err.find("2 file(s), of other forces than --force"), std::string::npos) << r.err;
    r = test::runCli({"geocode", dir.file("archive.zip"), "--force", "thames-valley,city-of-london", "--no-gpkg", "-o", dir.file("a2")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 10);

    // 2021-02 of Northamptonshire is in both zips: the later input wins, the earlier rows are
    // superseded (the unlocated one too), and every row is accounted for.
    r = test::runCli({"geocode", dir.file("custom.zip"), dir.file("archive.zip"), "--force", "northamptonshire", "--no-gpkg", "-o", dir.file("both")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 24);
    EXPECT_EQ(total(r.err, "superseded"), 6);
    EXPECT_EQ(total(r.err, "rejected"), 3);  // a's 2 and b's 1, once
    EXPECT_EQ(total(r.err, "accepted"), 15);
    EXPECT_NE(r.err.find("custom.zip/" + hex + "/2021-02/2021-02-northamptonshire-street.csv: 6 rows = 0 accepted + 0 rejected + 6 superseded"),
              std::string::npos)
        << r.err;

    // The analyses read zips too.
    auto g = test::runCli({"gistar", dir.file("custom.zip"), "--cell", "50", "-o", dir.file("g")});
    ASSERT_EQ(g.exitCode, 0) << g.err;
    EXPECT_NE(g.err.find("18 read = 3 rejected"), std::string::npos) << g.err;
}

// An unzipped download folder holds all three series: the street files are read, the others set
// aside and said so (it used to fail the whole run with exit 2).
TEST(Downloads, UnzippedDownloadFolderWithAllThreeSeries) {
    test::TempDir dir;
    test::writeFile(dir.file("dl/2021-01/2021-01-northamptonshire-street.csv"), streetFile("2021-01", "northamptonshire", "a", 4, 1));
    test::writeFile(dir.file("dl/2021-01/2021-01-northamptonshire-outcomes.csv"),
                    std::string(kOutcomesHeader) + "a1,2021-01,x,x,-0.9,52.24,On or near A,E01027132,N,Suspect charged\r\n");
    test::writeFile(dir.file("dl/2021-01/2021-01-northamptonshire-stop-and-search.csv"),
                    std::string(kSearchHeader) +
                        "Person search,2021-01-05T10:00:00+00:00,False,,52.24,-0.9,Male,18-24,,,Misuse of Drugs Act 1971 (section 23),"
                        "Controlled drugs,A no further action disposal,False,False\r\n");
    auto r = test::runCli({"geocode", dir.file("dl"), "--no-gpkg", "-o", dir.file("o")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 5);
    EXPECT_NE(r.err.find("police.uk stop and search"), std::string::npos);
}

TEST(Downloads, BadDownloadsAreRefusedByName) {
    test::TempDir dir;
    // A corrupt zip: the first half of a real one.
    writeZip(dir.file("good.zip"), {{"2021-01/2021-01-northamptonshire-street.csv", streetFile("2021-01", "northamptonshire", "a", 400, 0)}});
    const std::string bytes = test::readFile(dir.file("good.zip"));
    test::writeFile(dir.file("truncated.zip"), bytes.substr(0, bytes.size() / 2));
    auto r = test::runCli({"geocode", dir.file("truncated.zip"), "-o", dir.file("o")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("truncated.zip"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("zip"), std::string::npos) << r.err;
    // Not a zip at all.
    test::writeFile(dir.file("text.zip"), "this is not a zip file\n");
    r = test::runCli({"geocode", dir.file("text.zip"), "-o", dir.file("o")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("cannot be opened as a zip"), std::string::npos) << r.err;
    // A zip without police.uk (or any data) files.
    writeZip(dir.file("readme.zip"), {{"README.txt", "nothing here\n"}});
    r = test::runCli({"geocode", dir.file("readme.zip"), "-o", dir.file("o")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("holds no .csv or vector files"), std::string::npos) << r.err;
    // An outcomes file alone: not incidents, and the message says what to give.
    test::writeFile(dir.file("2021-01-northamptonshire-outcomes.csv"),
                    std::string(kOutcomesHeader) + "a1,2021-01,x,x,-0.9,52.24,On or near A,E01027132,N,Suspect charged\r\n");
    r = test::runCli({"geocode", dir.file("2021-01-northamptonshire-outcomes.csv"), "-o", dir.file("o")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("police.uk outcomes"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("street files"), std::string::npos) << r.err;
    // --force naming no force of the download.
    r = test::runCli({"geocode", dir.file("good.zip"), "--force", "kent", "-o", dir.file("o")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("o/incidents.gpkg")));
}

// Outcomes in the analyses: --outcome keeps crimes of chosen outcome groups (the ledger says how many
// it left out), and the report tables outcome groups per area and crime group.
TEST(Downloads, OutcomeFilterAndReportOutcomeRates) {
    test::TempDir dir;
    // 10 burglaries in January; the outcomes file charges 3 of them and closes 2 with no suspect.
    test::writeFile(dir.file("dl/2021-01/2021-01-northamptonshire-street.csv"), streetFile("2021-01", "northamptonshire", "a", 10, 0));
    std::string outcomes = kOutcomesHeader;
    for (int i : {1, 2, 3}) outcomes += fmt::format("a{},2021-03,x,x,-0.9,52.24,On or near A,E01027132,N,Suspect charged\r\n", i);
    for (int i : {4, 5}) outcomes += fmt::format("a{},2021-04,x,x,-0.9,52.24,On or near A,E01027132,N,Investigation complete; no suspect identified\r\n", i);
    test::writeFile(dir.file("dl/2021-04/2021-04-northamptonshire-outcomes.csv"), outcomes);
    auto g = test::runCli({"gistar", dir.file("dl"), "--cell", "50", "--outcome", "charged/summonsed", "-o", dir.file("g")});
    ASSERT_EQ(g.exitCode, 0) << g.err;
    EXPECT_NE(g.err.find("10 read = 0 rejected or superseded while reading + 0 not located + 0 in other groups + 0 in other months + 7 in other "
                         "outcome groups + 3 selected"),
              std::string::npos)
        << g.err;
    auto bad = test::runCli({"gistar", dir.file("dl"), "--cell", "50", "--outcome", "charged", "-o", dir.file("g2")});
    EXPECT_EQ(bad.exitCode, 2) << bad.err;
    EXPECT_NE(bad.err.find("no incident has the outcome group 'charged'"), std::string::npos) << bad.err;

    auto r = test::runCli({"report", dir.file("dl"), "--to", "2021-12", "--years", "2", "-o", dir.file("r")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, int64_t> crimes;
    double share = 0;
    for (const auto& row : test::readCsvRows(dir.file("r/outcomes_by_area.csv")))
        if (row.at("group") == "burglary") crimes[row.at("outcome_group")] = std::stoll(row.at("crimes")), share += std::stod(row.at("share_pct"));
    EXPECT_EQ(crimes["charged/summonsed"], 3);
    EXPECT_EQ(crimes["no suspect identified"], 2);
    EXPECT_EQ(crimes["under investigation"], 5);  // the street file's own last outcome
    EXPECT_NEAR(share, 100.0, 0.11);
    EXPECT_NE(test::readFile(dir.file("r/performance_report.md")).find("## Outcomes of the year to 2021-12"), std::string::npos);
}

namespace {

// A council case list as a spreadsheet written by GDAL's XLSX or ODS driver: a date column of date
// cells, one of UK dd/mm/yyyy text, one of serial numbers, an address, optional lon/lat.
void writeCaseSheet(const std::string& path, const char* driverName, bool withLonLat) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driverName);
    ASSERT_NE(driver, nullptr) << driverName;
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->CreateLayer("cases", nullptr, wkbNone, nullptr);
    ASSERT_NE(layer, nullptr);
    for (const auto& [name, type] : std::vector<std::pair<const char*, OGRFieldType>>{
             {"case_ref", OFTString}, {"reported", OFTDate}, {"reported_text", OFTString}, {"reported_serial", OFTReal}, {"case_type", OFTString}, {"address", OFTString}, {"lon", OFTReal}, {"lat", OFTReal}}) {
        OGRFieldDefn field(name, type);
        ASSERT_EQ(layer->CreateField(&field), OGRERR_NONE);
    }
    struct Case {
        const char* ref;
        int y, m, d;
        const char* text;
        double serial;
        const char* address;
        double lon, lat;
    };
    const Case cases[] = {{"ASB-1", 2021, 4, 12, "12/04/2021", 44298, "31 Naseby Gardens, Semilong, Northampton", -0.905, 52.245},
                          {"ASB-2", 2021, 5, 23, "23/05/2021", 44339, "102 Badby Rd, Thorplands, Northampton", -0.87, 52.27},
                          {"ASB-3", 2021, 8, 14, "14/08/2021", 44422, "24 Church Crescent, Thorplands, Northampton", -0.86, 52.268}};
    for (const auto& c : cases) {
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("case_ref", c.ref);
        f.SetField("reported", c.y, c.m, c.d);
        f.SetField("reported_text", c.text);
        f.SetField("reported_serial", c.serial);
        f.SetField("case_type", "Noise");
        f.SetField("address", c.address);
        if (withLonLat) f.SetField("lon", c.lon), f.SetField("lat", c.lat);
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
}

}  // namespace

// Council spreadsheets: the first row is the header without OGR_XLSX_HEADERS, an address-only sheet
// needs no --srs, and dates are read from date cells, UK text and serial numbers alike.
TEST(Spreadsheets, XlsxAndOdsCaseListsAreReadWithTheirHeaderAndDates) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    for (const std::string ext : {"xlsx", "ods"}) {
        const std::string sheet = dir.file("cases." + ext);
        writeCaseSheet(sheet, ext == "xlsx" ? "XLSX" : "ODS", false);
        for (const std::string dateColumn : {"reported", "reported_text", "reported_serial"}) {
            const std::string out = dir.file(ext + "_" + dateColumn);
            auto r = test::runCli({"geocode", sheet, "--columns", "id=case_ref,date=" + dateColumn + ",category=case_type,address=address", "-g",
                                   s + "/shapes/street_gazetteer.csv", "--no-gpkg", "-o", out});
            ASSERT_EQ(r.exitCode, 0) << ext << " " << dateColumn << "\n"
                                     << r.err;
            const auto rows = test::readCsvRows(out + "/incidents.csv");
            ASSERT_EQ(rows.size(), 3u) << r.err;
            std::map<std::string, std::string> months;
            for (const auto& row : rows) months[row.at("source_id")] = row.at("month") + "-" + row.at("day");
            EXPECT_EQ(months["ASB-1"], "2021-04-12") << ext << " " << dateColumn;
            EXPECT_EQ(months["ASB-2"], "2021-05-23") << ext << " " << dateColumn;
            EXPECT_EQ(months["ASB-3"], "2021-08-14") << ext << " " << dateColumn;
        }
    }
    // Longitude/latitude columns: located without a gazetteer, no --srs needed either.
    writeCaseSheet(dir.file("located.xlsx"), "XLSX", true);
    auto r = test::runCli({"geocode", dir.file("located.xlsx"), "--columns", "id=case_ref,date=reported,category=case_type,lon=lon,lat=lat",
                           "--no-gpkg", "-o", dir.file("located")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("3 rows = 3 accepted"), std::string::npos) << r.err;
}

TEST(ExcelSerialDate, SerialNumbersAreDaysSince18991230) {
    EXPECT_EQ(excelSerialDate("44261")->first, makeMonth(2021, 3));
    EXPECT_EQ(excelSerialDate("44261")->second, 6);
    EXPECT_EQ(excelSerialDate("25569")->second, 1);  // 1970-01-01
    EXPECT_EQ(excelSerialDate("25569")->first, makeMonth(1970, 1));
    EXPECT_EQ(excelSerialDate("44255.75")->first, makeMonth(2021, 2));  // 2021-02-28 18:00
    EXPECT_EQ(excelSerialDate("44255.75")->second, 28);
    EXPECT_EQ(excelSerialDate("44256")->first, makeMonth(2021, 3));
    EXPECT_FALSE(excelSerialDate("abc"));
    EXPECT_FALSE(excelSerialDate("-5"));
    EXPECT_FALSE(excelSerialDate("1e9"));
}

// Stop and search as its own incident source (--series stop-and-search): the reference City files
// (SOURCE.md: 6,449 rows, 1,937 without a location, 259 identical rows of group searches, times in
// UTC with a row of 2018-08-31 23:13 UTC that is 1 September in London).
TEST(StopAndSearch, CityOfLondonSearchesAreIncidentsWithLondonDates) {
    auto shared = test::sharedDir();
    if (!shared) GTEST_SKIP() << "../shared/reference not present";
    const std::string folder = *shared + "/reference/police-uk-city-of-london-stop-and-search-2018-04_2020-11";
    test::TempDir dir;
    auto r = test::runCli({"geocode", folder, "--series", "stop-and-search", "--no-gpkg", "-o", dir.file("g")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(total(r.err, "rows"), 6449);
    EXPECT_EQ(total(r.err, "rejected"), 1937);
    int64_t repeated = 0;
    static const std::regex repeats(R"((\d+) rows repeat an earlier row byte for byte \(kept)");
    for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), repeats); it != std::sregex_iterator(); ++it) repeated += std::stoll((*it)[1]);
    EXPECT_EQ(repeated, 259);  // kept, and said so
    bool found = false;
    for (const auto& row : test::readCsvRows(dir.file("g/incidents.csv"))) {
        EXPECT_EQ(row.at("group_name"), "stop-search");
        if (row.at("date").rfind("2018-08-31T23:13", 0) == 0) {
            found = true;
            EXPECT_EQ(row.at("month"), "2018-09");
            EXPECT_EQ(row.at("day"), "1");
        }
    }
    EXPECT_TRUE(found);
    for (const auto& row : test::readCsvRows(dir.file("g/rejects.csv"))) EXPECT_EQ(row.at("reason"), "no coordinates");
    // Densities of searches, with every row in the ledger.
    auto d = test::runCli({"density", folder, "--series", "stop-and-search", "--cell", "100", "-o", dir.file("d")});
    ASSERT_EQ(d.exitCode, 0) << d.err;
    EXPECT_NE(d.err.find("6449 read = 1937 rejected"), std::string::npos) << d.err;
    // Without --series the searches are set aside, and a folder of nothing else is refused by name.
    auto streetOnly = test::runCli({"geocode", folder, "-o", dir.file("s")});
    EXPECT_EQ(streetOnly.exitCode, 3) << streetOnly.err;
    EXPECT_NE(streetOnly.err.find("--series stop-and-search"), std::string::npos) << streetOnly.err;
}

TEST(StopAndSearch, UtcTimesAreReadAsLondonDates) {
    auto date = [](const char* text) {
        auto d = parseLondonDate(text);
        return d ? fmt::format("{}-{:02d}", formatMonth(d->first), d->second) : std::string("none");
    };
    EXPECT_EQ(date("2018-08-31T23:13:35+00:00"), "2018-09-01");  // BST
    EXPECT_EQ(date("2018-12-31T23:30:00+00:00"), "2018-12-31");  // GMT
    EXPECT_EQ(date("2021-03-28T00:59:00+00:00"), "2021-03-28");  // the last minute of GMT
    EXPECT_EQ(date("2021-03-27T23:30:00Z"), "2021-03-27");       // GMT the night before the change
    EXPECT_EQ(date("2021-10-30T23:30:00+00:00"), "2021-10-31");  // still BST
    EXPECT_EQ(date("2021-10-31T23:30:00+00:00"), "2021-10-31");  // GMT again
    EXPECT_EQ(date("2021-06-30T23:30:00+01:00"), "2021-06-30");  // an offset given: 22:30 UTC, 23:30 BST
    EXPECT_EQ(date("2021-12-31T23:30:00-02:00"), "2022-01-01");  // 01:30 UTC on New Year's Day
    EXPECT_EQ(date("2021-06-30T23:30:00"), "2021-06-30");        // no offset: a local time already
    EXPECT_EQ(date("2021-06-30"), "2021-06-30");
    EXPECT_EQ(date("2021-02-30T10:00:00+00:00"), "none");
}
