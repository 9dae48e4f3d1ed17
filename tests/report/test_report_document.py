"""`hotspot report` as a document: the HTML opened in a real browser (headless Chromium), the PDF
checked with poppler, and the narrative's figures against the scrutiny report's.

Runs the sample's gistar, roads, evaluate-interventions and sites, then the report with every
section. Environment: HOTSPOT_CLI (the hotspot program), HOTSPOT_SOURCE (the repository),
HOTSPOT_SCREENSHOT (optional: where to keep the browser's screenshot of the first page).
Skips (exit 77) when chromium or poppler-utils is not installed.
"""

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.environ.get("HOTSPOT_CLI", "build/engine/hotspot")
SOURCE = os.environ.get("HOTSPOT_SOURCE", ".")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Injected into a copy of the report (never into the report itself): records every error and
# failed resource, then, after load, checks that each image and SVG is rendered with a size and
# is not hidden, and writes the findings into the page as JSON for --dump-dom.
CHECK_SCRIPT = """
<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target || {};
  window.__errors.push(t.tagName ? ('failed to load ' + t.tagName + ' ' + (t.src || t.href)) : String(e.message));
}, true);
window.addEventListener('load', function () {
  function visible(el) {
    var r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0;
  }
  var svgs = Array.from(document.querySelectorAll('body svg')).filter(function (s) { return !s.parentElement.closest('svg'); });
  var imgs = Array.from(document.images);
  var out = {
    errors: window.__errors,
    svgs: svgs.length,
    svgsVisible: svgs.filter(visible).length,
    svgsWithContent: svgs.filter(function (s) { try { var b = s.getBBox(); return b.width > 0 && b.height > 0; } catch (e) { return false; } }).length,
    images: imgs.length,
    imagesLoaded: imgs.filter(function (i) { return i.complete && i.naturalWidth > 0 && visible(i); }).length,
    network: performance.getEntriesByType('resource').map(function (r) { return r.name; }).filter(function (n) { return /^https?:/.test(n); }),
    title: document.title
  };
  var pre = document.createElement('pre');
  pre.id = 'hotspot-check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def run(args, **kw):
    r = subprocess.run(args, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError("%s exited %d:\n%s\n%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


class ReportDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hotspot-report-")
        t, s = cls.tmp, SOURCE
        # The incidents as the README's main job writes them (the report's figures are documented on these).
        run([CLI, "-q", "geocode", s + "/data/police", s + "/data/council/asb_reports_2021.csv", "--columns",
             "id=case_ref,date=date_reported,category=case_type,address=address", "--gazetteer", s + "/shapes/street_gazetteer.csv",
             "--areas", "priority=" + s + "/shapes/priority_areas.geojson", "--areas", "district=" + s + "/shapes/districts.geojson",
             "--period", "month", "--out", t + "/geocoded"])
        police = t + "/geocoded/incidents.gpkg"
        run([CLI, "-q", "gistar", police, "--group", "burglary", "--months", "2021", "--cell", "250",
             "--study-area", "west=" + s + "/shapes/districts.geojson", "--clip", "--out", t + "/gistar"])
        run([CLI, "-q", "roads", "--network", s + "/shapes/roads.geojson", "--collisions",
             s + "/data/roads/stats19_collisions_2019_legacy.csv", s + "/data/roads/stats19_collisions_2020_2021.csv",
             "--out", t + "/roads"])
        run([CLI, "-q", "evaluate-interventions", police, "--interventions", s + "/data/interventions/interventions.geojson",
             "--control", "district=" + s + "/shapes/districts.geojson", "--out", t + "/interventions"])
        run([CLI, "-q", "sites", police, "--group", "asb,violence", "--months", "2021", "--existing",
             s + "/data/interventions/cctv_cameras.csv", "--candidates", s + "/data/interventions/candidate_sites.csv",
             "--budget", "90000", "-n", "10", "--out", t + "/sites"])
        cls.report = run([CLI, "report", police, "--category-field", "force_category", "--flag-field", "domestic_abuse_flag",
                          "--by", "district=" + s + "/shapes/districts.geojson", "--to", "2021-12",
                          "--priority-areas", "priority=" + s + "/shapes/priority_areas.geojson",
                          "--hotspots", t + "/gistar/hotspots.gpkg", "--roads-run", t + "/roads",
                          "--interventions-run", t + "/interventions", "--sites-run", t + "/sites", "--pdf", "--out", t + "/report"])
        cls.html_path = t + "/report/performance_report.html"
        with open(cls.html_path, encoding="utf-8") as f:
            cls.html = f.read()
        cls.text = html.unescape(re.sub(r"<[^>]+>", "", cls.html))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def section(self, heading):
        m = re.search(r"<h2>" + re.escape(heading) + r"</h2>(.*?)</section>", self.html, re.S)
        self.assertIsNotNone(m, heading)
        return html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))

    def test_the_narrative_reproduces_the_scrutiny_reports_figures(self):
        # The seed report: Daventry & South Northants -10.2 %, violence 45.4 % (-8.6 %), domestic 36.4 % (-7.8 %);
        # Northampton +0.5 %, violence 42.9 % (+0.1 %), domestic 32.2 % (-9.9 %), burglary residential 920
        # (1,221 at December 2019, +0.2 %), business and community -39.5 %.
        d = self.section("Daventry &amp; South Northants")
        self.assertIn("The total crime figure fell by 10.2% over the 12 months to December 2021", d)
        self.assertIn("Offences of violence fell by 8.6% in the year to December 2021 and now account for 45.4% of all recorded crime", d)
        self.assertIn("account for 36.4% of violence, and these offences fell by 7.8%", d)
        n = self.section("Northampton")
        self.assertIn("The total crime figure rose by 0.5%", n)
        self.assertIn("Offences of violence rose by 0.1%", n)
        self.assertIn("now account for 42.9% of all recorded crime", n)
        self.assertIn("account for 32.2% of violence, and these offences fell by 9.9%", n)
        self.assertIn("Burglary residential: 920 in the year to December 2021, which rose by 0.2% on the year before; the figure at December 2019 was 1,221", n)
        self.assertIn("Burglary business and community: 121 in the year to December 2021, which fell by 39.5%", n)

    def test_every_section_and_figure_is_there_and_self_contained(self):
        for heading in ["Northampton", "Daventry &amp; South Northants", "Neighbourhood priority areas", "Road problem localities",
                        "Interventions evaluated", "Recommended CCTV sites", "Methods and sources"]:
            self.assertIn("<h2>" + heading + "</h2>", self.html)
        # 2 district charts, the overview, 11 priority area maps, the roads, interventions and sites maps.
        self.assertEqual(self.html.count("<svg "), 2 + 1 + 11 + 3)
        # Nothing is fetched: no src, url() or stylesheet outside the file (links in the text may point out).
        self.assertEqual(re.findall(r"""(?:src=|url\()["']?(?!data:|#)[^"')\s>]+""", self.html), [])
        self.assertNotIn("<link", self.html)
        # The sample says it is the sample, and is not credited to police.uk.
        self.assertIn("Sample data generated by hotspot (no real incidents)", self.html)
        self.assertNotIn("data.police.uk", self.html)

    def test_priority_areas_account_for_every_incident_of_the_latest_year(self):
        with open(self.tmp + "/report/priority_areas.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        areas = {r["area_name"] for r in rows}
        self.assertEqual(len(areas), 11)
        latest = sum(int(r["latest_year"]) for r in rows if r["group"] != "all crime")
        m = re.search(r"accounting, priority areas of 'priority', latest year \(priority_areas.csv group rows\): .*?(\d+) selected = "
                      r"(\d+) counted \+ (\d+) not located \+ (\d+) outside every area of 'priority'; balanced", self.report.stderr)
        self.assertIsNotNone(m, self.report.stderr)
        selected, counted, not_located, outside = map(int, m.groups())
        self.assertEqual(latest, counted)
        self.assertEqual(counted + not_located + outside, selected)
        # The table in the document shows the same all-crime counts.
        s = self.section("Neighbourhood priority areas")
        for r in rows:
            if r["group"] == "all crime":
                self.assertRegex(s, re.escape(r["area_name"]) + r"\s*" + "{:,}".format(int(r["previous_year"])) + r"\s*" +
                                 "{:,}".format(int(r["latest_year"])))

    @unittest.skipUnless(CHROMIUM, "chromium is not installed")
    def test_it_renders_in_a_real_browser_without_errors(self):
        probe = self.tmp + "/probe.html"
        with open(probe, "w", encoding="utf-8") as f:
            f.write(self.html.replace("<head>", "<head>" + CHECK_SCRIPT, 1))
        base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + self.tmp + "/chromium"]
        dom = run(base + ["--virtual-time-budget=5000", "--dump-dom", "file://" + probe], timeout=120).stdout
        m = re.search(r'<pre id="hotspot-check">(.*?)</pre>', dom, re.S)
        self.assertIsNotNone(m, "the check did not run:\n" + dom[-2000:])
        found = json.loads(html.unescape(m.group(1)))
        self.assertEqual(found["errors"], [])
        self.assertEqual(found["network"], [])
        self.assertEqual(found["svgs"], 17)
        self.assertEqual(found["svgsVisible"], 17)
        self.assertEqual(found["svgsWithContent"], 17)
        self.assertEqual(found["imagesLoaded"], found["images"])
        self.assertEqual(found["title"], "Recorded crime")
        shot = os.environ.get("HOTSPOT_SCREENSHOT") or self.tmp + "/first_page.png"
        run(base + ["--hide-scrollbars", "--window-size=1000,1400", "--screenshot=" + shot, "file://" + self.html_path], timeout=120)
        with open(shot, "rb") as f:
            png = f.read()
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(int.from_bytes(png[16:20], "big"), 1000)
        self.assertGreater(len(png), 30000)  # a blank page compresses to a few kB

    @unittest.skipUnless(shutil.which("pdfinfo") and shutil.which("pdffonts") and shutil.which("pdfimages"), "poppler-utils is not installed")
    def test_the_pdf_has_its_pages_embedded_fonts_and_every_figure(self):
        pdf = self.tmp + "/report/performance_report.pdf"
        info = run(["pdfinfo", pdf]).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        self.assertGreaterEqual(pages, 7)  # a page per section at least
        fonts = run(["pdffonts", pdf]).stdout.splitlines()[2:]
        self.assertGreater(len(fonts), 0)
        for line in fonts:
            self.assertEqual(line.split()[-5], "yes", "font not embedded: " + line)
        images = run(["pdfimages", "-list", pdf]).stdout.splitlines()[2:]
        self.assertEqual(len({line.split()[10] for line in images}), 17)  # one image object per figure


if __name__ == "__main__":
    unittest.main()
