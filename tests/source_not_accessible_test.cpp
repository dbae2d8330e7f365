// pass_messages and 2306 (source directory not accessible): none under sms2; on the ConfigMgr
// profiles one in each pass whose listing of its source the file system refused, carrying that
// refusal's code, and none elsewhere unless distsim's listing bounds (206, 8) ended the pass.
// Hand-written traces, one change each; tests/fault_injection_test.cpp shows a manager that omits
// the message caught.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100031";
const std::string kSource = "D:\\Src\\Gone";

struct Pass {
  model::Profile profile = model::Profile::configmgr2007;
  int64_t listing_error = 3;                   // 0: the listing succeeds
  int64_t end_error = 3;                       // the 2302's and the pass end's
  std::vector<std::string> raised_codes{"3"};  // the %3 of each 2306 raised
  bool raised_after_2302 = false;
};

std::vector<std::string> pass_message_findings(const Pass& pass) {
  HistoryBuilder history;
  history.run.site = model::profile_defaults(pass.profile);
  history.notify(0, "create", kPackage, kSource);
  history.pass_start(kMinute, kPackage, 1);
  history.status(kMinute, model::status_id::kPackageProcessingStarted, kPackage,
                 {"Gone", kPackage});
  history.add_record(kMinute + kSecond, "distmgr", "list_directory",
                     {{"path", kSource},
                      {"win32", pass.listing_error},
                      {"result", std::string(pass.listing_error == 0 ? "ok" : "error")},
                      {"files", int64_t{0}},
                      {"folders", int64_t{0}}});
  const auto raise_2306 = [&] {
    for (const std::string& code : pass.raised_codes) {
      history.status(kMinute + kSecond, model::status_id::kSourceNotAccessible, kPackage,
                     {kPackage, kSource, code}, {}, 'E');
    }
  };
  if (!pass.raised_after_2302) raise_2306();
  history.status(kMinute + kSecond, model::status_id::kPackageFailed, kPackage,
                 {"Gone", kPackage, std::to_string(pass.end_error)}, {}, 'E');
  if (pass.raised_after_2302) raise_2306();
  history.pass_end(kMinute + kSecond, kPackage, 1, "retry", pass.end_error);
  std::vector<std::string> found;
  for (const sim::InvariantViolation& violation : sim::check_invariants(history.run)) {
    if (violation.invariant == "pass_messages") found.push_back(violation.detail);
  }
  return found;
}

TEST_CASE("pass_messages accepts one 2306 with the refusal's code where a listing was refused",
          "[invariants][pass_messages]") {
  CHECK(pass_message_findings({}).empty());
  Pass bounds;  // a tree past distsim's depth bound: the listing succeeded, the pass ends with 206
  bounds.listing_error = 0;
  bounds.end_error = 206;
  bounds.raised_codes = {"206"};
  CHECK(pass_message_findings(bounds).empty());
}

TEST_CASE(
    "pass_messages catches 2306 under sms2, twice in a pass, with the wrong code or with no "
    "refusal",
    "[invariants][pass_messages]") {
  Pass sms2;
  sms2.profile = model::Profile::sms2;
  CHECK(pass_message_findings(sms2) ==
        std::vector<std::string>{
            "the pass of S0100031 that began at 00:01:00 raised 2306, which SMS 2.0 does not "
            "raise"});
  Pass twice;
  twice.raised_codes = {"3", "3"};
  CHECK(pass_message_findings(twice) ==
        std::vector<std::string>{
            "the pass of S0100031 that began at 00:01:00 had its listing of D:\\Src\\Gone refused "
            "with 3 at 00:01:01 and raised 2 2306 messages instead of one"});
  Pass wrong_code;
  wrong_code.raised_codes = {"5"};
  CHECK(pass_message_findings(wrong_code) ==
        std::vector<std::string>{"the pass of S0100031 that began at 00:01:00 raised 2306 with "
                                 "Win32 error 5 for a listing refused with 3"});
  Pass late;
  late.raised_after_2302 = true;
  CHECK(pass_message_findings(late) ==
        std::vector<std::string>{
            "the pass of S0100031 that began at 00:01:00 raised 2306 after its 2302"});
  Pass no_refusal;  // the listing succeeded and a file open failed with 32
  no_refusal.listing_error = 0;
  no_refusal.end_error = 32;
  CHECK(pass_message_findings(no_refusal) ==
        std::vector<std::string>{"the pass of S0100031 that began at 00:01:00 raised 1 2306 "
                                 "messages, but no listing of its source was refused"});
}

}  // namespace
}  // namespace distsim::testing
