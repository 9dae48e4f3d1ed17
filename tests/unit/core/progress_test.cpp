// Progress to a callback: the stages, whole percents and the end reach it once each; returning
// false cancels with Error(Cancelled).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"

using namespace hotspot;

TEST(ProgressCallback, StagesAndWholePercentsReachTheCallbackOnce) {
    std::vector<std::pair<std::string, double>> seen;
    Progress p(Progress::Callback([&](const std::string& stage, double fraction) {
        seen.emplace_back(stage, fraction);
        return true;
    }));
    p.begin("Reading");
    for (int k = 1; k <= 1000; ++k) p.update(k / 1000.0);  // 1000 updates, 100 whole percents
    p.end();
    ASSERT_EQ(seen.size(), 101u);
    EXPECT_EQ(seen.front(), std::make_pair(std::string("Reading"), 0.0));
    EXPECT_EQ(seen.back(), std::make_pair(std::string("Reading"), 1.0));
    for (size_t k = 1; k < seen.size(); ++k) EXPECT_GT(seen[k].second, seen[k - 1].second);
}

TEST(ProgressCallback, ReturningFalseCancelsWithACancelledError) {
    Progress p(Progress::Callback([](const std::string&, double fraction) { return fraction < 0.5; }));
    p.begin("Gi*");
    p.update(0.25);
    try {
        p.update(0.6);
        FAIL() << "not cancelled";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
        EXPECT_EQ(exitCodeFor(e.kind()), 130);
        EXPECT_NE(std::string(e.what()).find("Gi*"), std::string::npos);
    }
}
