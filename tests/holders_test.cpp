// One test per lock-holder kind, showing what each blocks and what it does not: holders built by
// the factory act on a real kernel and VFS, another actor probes them with opens, deletes and
// renames, and the tests assert on VFS results, the access log and the trace records.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/kernel.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs.h"
#include "sim/holders/holder.h"
#include "sim/holders/holder_factory.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

namespace bits = model::access_bits;
namespace share = model::share_bits;
using model::CreateDisposition;

constexpr TimeUs kMs = model::kMicrosecondsPerMillisecond;
constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
constexpr uint64_t kMb = 1024 * 1024;

constexpr AccessMask kRead{bits::kGenericRead};
constexpr AccessMask kWrite{bits::kGenericWrite};
constexpr ShareMode kShareNone{0};
constexpr ShareMode kShareRead{share::kRead};
constexpr ShareMode kShareReadWrite{share::kRead | share::kWrite};

DurationSpec constant(TimeUs value_us) { return {DurationSpec::Kind::constant, value_us, 0}; }

// A kernel, a VFS, holders made by the factory and fed the VFS events they ask for, and a
// second actor, "probe", that does what the manager or an administrator would.
class HolderBench final : public VfsObserver {
 public:
  HolderBench() : vfs_(kernel_, VfsOptions{}), probe_(vfs_.register_actor("probe")) {
    vfs_.set_observer(this);
  }
  HolderBench(const HolderBench&) = delete;
  HolderBench& operator=(const HolderBench&) = delete;

  // Each holder is shown only the events it asks for (Holder::vfs_interest), as World does, so
  // a holder that reacts to an event it did not ask for fails here.
  void on_vfs_event(const VfsEvent& event) override {
    for (auto& holder : holders_) {
      if (holder->vfs_interest().wants(event)) holder->on_vfs_event(event);
    }
  }

  void file(const std::string& path, uint64_t size_bytes) {
    REQUIRE(vfs_.make_file(path, {size_bytes, vfs_.new_content_version()}) == Win32Error::ok);
  }

  Holder& add(HolderSpec spec) {
    const HolderContext context{kernel_, vfs_, trace_, findings_, kHorizonUs, 0};
    holders_.push_back(make_holder(context, spec));
    holders_.back()->start();
    return *holders_.back();
  }

  // Runs every event up to and including t_us; probes then act at t_us.
  void run_to(TimeUs t_us) {
    const RunOutcome outcome = kernel_.run_until(t_us, kEventsPerRunDefault);
    REQUIRE(outcome != RunOutcome::budget_exhausted);
    REQUIRE(outcome != RunOutcome::pending_limit_hit);
  }

  Win32Error open_close(const std::string& path, AccessMask access, ShareMode share,
                        CreateDisposition disposition = CreateDisposition::open_existing) {
    auto opened = vfs_.open(probe_, {path, access, share, disposition});
    if (!opened.ok()) return opened.error();
    vfs_.close(probe_, opened.value());
    return Win32Error::ok;
  }

  // A writer that rewrites a file and closes it at once (an administrator's copy).
  void rewrite(const std::string& path) {
    auto opened = vfs_.open(probe_, {path, kWrite, kShareNone, CreateDisposition::open_existing});
    REQUIRE(opened.ok());
    const uint64_t size_bytes = vfs_.file_content(path)->size_bytes;
    REQUIRE(vfs_.write(probe_, opened.value(), {size_bytes, vfs_.new_content_version()}) ==
            Win32Error::ok);
    vfs_.close(probe_, opened.value());
  }

  // Opens by the holder named `actor` in the access log, in order.
  std::vector<VfsEvent> opens_by(const std::string& actor) const {
    std::vector<VfsEvent> opens;
    for (const VfsEvent& event : vfs_.access_log()) {
      if (event.operation == VfsOperation::open && vfs_.actor_name(event.actor) == actor) {
        opens.push_back(event);
      }
    }
    return opens;
  }

  size_t trace_count(std::string_view event_name) const {
    return static_cast<size_t>(std::count_if(
        trace_.records().begin(), trace_.records().end(),
        [event_name](const TraceRecord& record) { return record.event == event_name; }));
  }

  static constexpr TimeUs kHorizonUs = model::kMicrosecondsPerDay;
  Kernel kernel_;
  VirtualFileSystem vfs_;
  Trace trace_{true};
  std::vector<HolderFinding> findings_;
  std::vector<std::unique_ptr<Holder>> holders_;
  ActorId probe_;
};

HolderSpec antivirus(std::string name, std::optional<ShareMode> share) {
  HolderSpec spec;
  spec.kind = HolderKind::antivirus;
  spec.name = std::move(name);
  spec.scope = {"C:\\Src"};
  spec.share = share;
  return spec;
}

TEST_CASE("an exclusive antivirus scan refuses a reader with 32 while it scans and not after",
          "[holders][antivirus]") {
  // Goal: `share: []` models the old exclusive scanners. Method: write-close a 10 MB file, probe
  // with the manager's open (GENERIC_READ, share read) during and after the 500 ms scan.
  HolderBench bench;
  bench.file("C:\\Src\\data1.cab", 10 * kMb);
  bench.add(antivirus("av", ShareMode{0}));
  bench.rewrite("C:\\Src\\data1.cab");
  bench.run_to(0);
  CHECK(bench.open_close("C:\\Src\\data1.cab", kRead, kShareRead) == Win32Error::sharing_violation);
  bench.run_to(499 * kMs);
  CHECK(bench.open_close("C:\\Src\\data1.cab", kRead, kShareRead) == Win32Error::sharing_violation);
  bench.run_to(500 * kMs);  // 10 MB x 50 ms
  CHECK(bench.open_close("C:\\Src\\data1.cab", kRead, kShareRead) == Win32Error::ok);
  const auto opens = bench.opens_by("av");
  REQUIRE(opens.size() == 1);
  CHECK(opens[0].access == kRead);
  CHECK(opens[0].share == ShareMode{0});
  CHECK(opens[0].t_us == 0);
}

TEST_CASE("an antivirus with a list of scopes scans in each folder and nowhere else",
          "[holders][antivirus][scope]") {
  // Goal: `scope` as a list watches every folder of it. Method: write-close a file in each of
  // the two folders and one outside them; count the scanner's opens.
  HolderBench bench;
  bench.file("C:\\Src\\a.exe", kMb);
  bench.file("D:\\Tools\\b.exe", kMb);
  bench.file("E:\\Elsewhere\\c.exe", kMb);
  HolderSpec spec = antivirus("av", std::nullopt);
  spec.scope = {"C:\\Src", "D:\\Tools"};
  bench.add(spec);
  bench.rewrite("C:\\Src\\a.exe");
  bench.rewrite("D:\\Tools\\b.exe");
  bench.rewrite("E:\\Elsewhere\\c.exe");
  bench.run_to(model::kMicrosecondsPerSecond);
  const auto opens = bench.opens_by("av");
  REQUIRE(opens.size() == 2);
  CHECK(opens[0].path() == "C:\\Src\\a.exe");
  CHECK(opens[1].path() == "D:\\Tools\\b.exe");
}

TEST_CASE("a share-read antivirus scan lets a reader in but refuses delete with 32 until it ends",
          "[holders][antivirus]") {
  // Goal: the default scanner blocks delete/rename of a just-written file, not reads
  // (sim/fs/README.md). Method: write-close a 2 MB file; probe a read and a delete during the 100
  // ms scan and after.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", 2 * kMb);
  bench.add(antivirus("av", std::nullopt));
  bench.rewrite("C:\\Src\\setup.exe");
  bench.run_to(50 * kMs);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kRead, kShareRead) == Win32Error::ok);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\setup.exe") ==
        Win32Error::sharing_violation);
  CHECK(bench.vfs_.rename(bench.probe_, "C:\\Src\\setup.exe", "C:\\Src\\old.exe") ==
        Win32Error::sharing_violation);
  bench.run_to(100 * kMs);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\setup.exe") == Win32Error::ok);
  CHECK(bench.opens_by("av").at(0).share == kShareRead);
}

TEST_CASE("an antivirus that keeps a section blocks deletes and truncation after its scan ends",
          "[holders][antivirus]") {
  // Goal: `keeps_section` keeps a read-only view once the scan's handle is closed: deletes fail
  // with 5 and truncating opens with 1224 until it goes; readers are not refused; an empty file is
  // scanned without a view. Method: write-close a 2 MB file and an empty one, probe after the
  // 100 ms scan and after the 10 minutes.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", 2 * kMb);
  bench.file("C:\\Src\\empty.log", 0);
  HolderSpec spec = antivirus("av", std::nullopt);
  spec.keeps_section = constant(10 * kMinute);
  bench.add(spec);
  bench.rewrite("C:\\Src\\setup.exe");
  bench.rewrite("C:\\Src\\empty.log");
  bench.run_to(150 * kMs);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\setup.exe") == 0);
  CHECK(bench.vfs_.data_section_count("C:\\Src\\setup.exe") == 1);
  CHECK(bench.vfs_.data_section_count("C:\\Src\\empty.log") == 0);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\empty.log") == Win32Error::ok);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kRead, kShareRead) == Win32Error::ok);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\setup.exe") == Win32Error::access_denied);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, ShareMode{share::kAll},
                         CreateDisposition::create_always) == Win32Error::user_mapped_file);
  bench.run_to(10 * kMinute + 150 * kMs);
  CHECK(bench.vfs_.data_section_count("C:\\Src\\setup.exe") == 0);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\setup.exe") == Win32Error::ok);
}

TEST_CASE(
    "an antivirus ignores files outside its scope, reads alone, and writes outside its window",
    "[holders][antivirus]") {
  // Goal: the negative space of the triggers. Method: with `on: [write_close]` and `for: 1m`,
  // write a file outside the scope, open one inside, and write one after the window; no scan.
  HolderBench bench;
  bench.file("C:\\Other\\a.txt", kMb);
  bench.file("C:\\Src\\b.txt", kMb);
  bench.file("C:\\Src\\c.txt", kMb);
  HolderSpec spec = antivirus("av", std::nullopt);
  spec.hold_for = constant(kMinute);
  bench.add(spec);
  bench.rewrite("C:\\Other\\a.txt");
  CHECK(bench.open_close("C:\\Src\\b.txt", kRead, kShareRead) == Win32Error::ok);
  bench.run_to(kMinute);
  bench.rewrite("C:\\Src\\c.txt");  // the window is [0, 1m): now it is over
  bench.run_to(2 * kMinute);
  CHECK(bench.opens_by("av").empty());
}

TEST_CASE("an antivirus with the open trigger scans a file another process opened",
          "[holders][antivirus]") {
  // Goal: `on: [open]` reacts to other actors' opens, after them, never nested inside them.
  // Method: a probe opens and closes a file; the scanner's open follows at the same time.
  HolderBench bench;
  bench.file("C:\\Src\\app.msi", 4 * kMb);
  HolderSpec spec = antivirus("av", std::nullopt);
  spec.antivirus_on = std::vector<AntivirusTrigger>{AntivirusTrigger::open};
  bench.add(spec);
  CHECK(bench.open_close("C:\\Src\\app.msi", kRead, kShareRead) == Win32Error::ok);
  bench.run_to(0);
  CHECK(bench.opens_by("av").size() == 1);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\app.msi") == 1);
  bench.run_to(200 * kMs);  // 4 MB x 50 ms
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\app.msi") == 0);
  CHECK(bench.trace_count("scan_start") == 1);
}

TEST_CASE("an antivirus drops triggers past kAntivirusScansPendingMax and traces each drop",
          "[holders][antivirus]") {
  // Goal: the scan queue is bounded. Method: write-close one file more than the limit before the
  // kernel runs any scan; exactly one trigger is dropped and every other file is opened once.
  HolderBench bench;
  for (uint32_t index = 0; index <= kAntivirusScansPendingMax; ++index) {
    bench.file("C:\\Src\\f" + std::to_string(index) + ".dat", 1024);
  }
  bench.add(antivirus("av", std::nullopt));
  for (uint32_t index = 0; index <= kAntivirusScansPendingMax; ++index) {
    bench.rewrite("C:\\Src\\f" + std::to_string(index) + ".dat");
  }
  CHECK(bench.trace_count("scan_dropped") == 1);
  bench.run_to(kSecond);
  CHECK(bench.opens_by("av").size() == kAntivirusScansPendingMax);
  CHECK(bench.vfs_.open_handle_count() == 0);
}

HolderSpec indexer() {
  HolderSpec spec;
  spec.kind = HolderKind::indexer;
  spec.name = "indexer";
  spec.scope = {"C:\\Src"};
  return spec;
}

TEST_CASE("the indexer reads 30 s after a change and blocks neither readers nor sharing writers",
          "[holders][indexer]") {
  // Goal: its GENERIC_READ, share read|write handle conflicts with nobody who shares read.
  // Method: change a 10 MB file, run to 30 s, probe a reader and a writer sharing read|write.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", 10 * kMb);
  bench.add(indexer());
  bench.rewrite("C:\\Src\\setup.exe");
  bench.run_to(30 * kSecond - 1);
  CHECK(bench.opens_by("indexer").empty());
  bench.run_to(30 * kSecond);
  REQUIRE(bench.opens_by("indexer").size() == 1);
  CHECK(bench.opens_by("indexer")[0].share == kShareReadWrite);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kRead, kShareRead) == Win32Error::ok);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, kShareReadWrite) == Win32Error::ok);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\setup.exe") == 1);  // the indexer still holds it
  bench.run_to(31 * kSecond);                                      // 10 MB x 100 ms
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\setup.exe") == 0);
}

TEST_CASE("the indexer closes right after an open it conflicts with was refused with 32",
          "[holders][indexer]") {
  // Goal: the modelled oplock break. Method: while the indexer holds the file, an exclusive
  // writer is refused (32); at the same virtual time the indexer closes, and the retry succeeds.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", 10 * kMb);
  bench.add(indexer());
  bench.rewrite("C:\\Src\\setup.exe");
  bench.run_to(30 * kSecond);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, kShareNone) ==
        Win32Error::sharing_violation);
  bench.run_to(30 * kSecond);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\setup.exe") == 0);
  CHECK(bench.trace_count("index_backed_off") == 1);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, kShareNone) == Win32Error::ok);
}

TEST_CASE("the indexer does not back off when another handle caused the refusal",
          "[holders][indexer]") {
  // Goal: it backs off only for a request its own handle conflicts with. Method: a third party
  // holds the file read-only without share write; a writer sharing read|write is refused by
  // that handle alone, and the indexer keeps its handle.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", 10 * kMb);
  bench.add(indexer());
  bench.rewrite("C:\\Src\\setup.exe");
  bench.run_to(30 * kSecond);
  auto reader = bench.vfs_.open(
      bench.probe_, {"C:\\Src\\setup.exe", kRead, kShareRead, CreateDisposition::open_existing});
  REQUIRE(reader.ok());
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, kShareReadWrite) ==
        Win32Error::sharing_violation);
  bench.run_to(30 * kSecond);
  CHECK(bench.trace_count("index_backed_off") == 0);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\setup.exe") == 2);
  bench.vfs_.close(bench.probe_, reader.value());
}

HolderSpec backup(BackupMode mode) {
  HolderSpec spec;
  spec.kind = HolderKind::backup;
  spec.name = "backup";
  spec.scope = {"C:\\Src"};
  spec.backup_mode = mode;
  return spec;
}

TEST_CASE("a plain backup reads files in sorted order and refuses deleting the current one with 32",
          "[holders][backup]") {
  // Goal: plain mode holds each file in turn with share read. Method: two 50 MB files (1 s each
  // at 20 ms per MB); probe a reader and a delete of the file being read, then of the next.
  HolderBench bench;
  bench.file("C:\\Src\\b.cab", 50 * kMb);
  bench.file("C:\\Src\\A.cab", 50 * kMb);
  bench.add(backup(BackupMode::plain));
  bench.run_to(500 * kMs);
  CHECK(bench.open_close("C:\\Src\\A.cab", kRead, kShareRead) == Win32Error::ok);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\A.cab") == Win32Error::sharing_violation);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\b.cab") == Win32Error::ok);  // not yet read
  bench.run_to(kSecond);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\A.cab") == Win32Error::ok);
  const auto opens = bench.opens_by("backup");
  REQUIRE(opens.size() == 2);  // A.cab read, then b.cab (deleted meanwhile: 2, skipped)
  CHECK(opens[0].path() == "C:\\Src\\A.cab");
  CHECK(opens[0].share == kShareRead);
  CHECK(opens[1].result == Win32Error::file_not_found);
  CHECK(bench.trace_count("backup_end") == 1);
}

TEST_CASE("a VSS backup opens nothing on the live files and only records its snapshot",
          "[holders][backup]") {
  // Goal: vss blocks nothing. Method: run it over a file and delete that file at once.
  HolderBench bench;
  bench.file("C:\\Src\\A.cab", 50 * kMb);
  bench.add(backup(BackupMode::vss));
  bench.run_to(0);
  CHECK(bench.trace_count("backup_snapshot") == 1);
  CHECK(bench.vfs_.delete_file(bench.probe_, "C:\\Src\\A.cab") == Win32Error::ok);
  bench.run_to(kMinute);
  CHECK(bench.opens_by("backup").empty());
}

TEST_CASE("a plain backup whose window ends stops reading and closes its handle",
          "[holders][backup]") {
  // Goal: `for` bounds a backup run. Method: a 100 MB file (2 s) and `for: 1s`.
  HolderBench bench;
  bench.file("C:\\Src\\A.cab", 100 * kMb);
  HolderSpec spec = backup(BackupMode::plain);
  spec.hold_for = constant(kSecond);
  bench.add(spec);
  bench.run_to(kSecond);
  CHECK(bench.vfs_.open_handle_count("C:\\Src\\A.cab") == 0);
  const auto end =
      std::find_if(bench.trace_.records().begin(), bench.trace_.records().end(),
                   [](const TraceRecord& record) { return record.event == "backup_end"; });
  REQUIRE(end != bench.trace_.records().end());
  const auto stopped = std::find_if(end->fields.begin(), end->fields.end(),
                                    [](const TraceField& field) { return field.key == "stopped"; });
  REQUIRE(stopped != end->fields.end());
  CHECK(std::get<bool>(stopped->value));
}

TEST_CASE("a client running setup from a DP refuses the manager's DP write with 32, not readers",
          "[holders][dp_client]") {
  // Goal: GENERIC_READ|GENERIC_EXECUTE, share read blocks GENERIC_WRITE share 0 CREATE_ALWAYS
  // (KB Q202063). Method: a client holds setup.exe for 1 h; probe both opens during and after.
  HolderBench bench;
  REQUIRE(bench.vfs_.add_volume({"\\\\DP01\\SMSPKGC$", 1ull << 40}) == Win32Error::ok);
  bench.file("\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe", 4 * kMb);
  HolderSpec spec;
  spec.kind = HolderKind::dp_client;
  spec.name = "client";
  spec.path = "\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe";
  spec.hold_for = constant(model::kMicrosecondsPerHour);
  bench.add(spec);
  bench.run_to(kMinute);
  CHECK(bench.open_close(spec.path, kWrite, kShareNone, CreateDisposition::create_always) ==
        Win32Error::sharing_violation);
  CHECK(bench.open_close(spec.path, kRead, kShareRead) == Win32Error::ok);
  CHECK(bench.opens_by("client").at(0).access ==
        AccessMask{bits::kGenericRead | bits::kGenericExecute});
  bench.run_to(model::kMicrosecondsPerHour);
  CHECK(bench.open_close(spec.path, kWrite, kShareNone, CreateDisposition::create_always) ==
        Win32Error::ok);
}

// An Explorer window named "window" open on C:\\Src, with the kind's defaults.
HolderSpec window_on_src() {
  HolderSpec spec;
  spec.kind = HolderKind::explorer_window;
  spec.name = "window";
  spec.path = "C:\\Src";
  return spec;
}

TEST_CASE("an Explorer window without thumbnails blocks no reader and no writer of its files",
          "[holders][explorer_window]") {
  // Goal: the folder watch (share read|write|delete) conflicts with nobody; only Thumbs.db would.
  // Method: open the window on the folder, probe its file with exclusive opens.
  HolderBench bench;
  bench.file("C:\\Src\\setup.exe", kMb);
  HolderSpec spec = window_on_src();
  spec.thumbnails = false;
  bench.add(spec);
  bench.run_to(kSecond);
  CHECK(bench.vfs_.open_handle_count("C:\\Src") == 1);
  CHECK_FALSE(bench.vfs_.exists("C:\\Src\\Thumbs.db"));
  CHECK(bench.open_close("C:\\Src\\setup.exe", kRead, kShareNone) == Win32Error::ok);
  CHECK(bench.open_close("C:\\Src\\setup.exe", kWrite, kShareNone) == Win32Error::ok);
}

TEST_CASE("an Explorer window's Thumbs.db flags can be overridden like its folder handle's",
          "[holders][explorer_window]") {
  // Goal: every access and share mode of a holder is a scenario's choice, Thumbs.db's too.
  // Method: by default Thumbs.db is open read/write sharing reads, so a writer is refused; a
  // window that opens it for reading only and shares writes lets a writer in.
  for (const bool overridden : {false, true}) {
    HolderBench bench;
    bench.file("C:\\Src\\setup.exe", kMb);
    HolderSpec spec = window_on_src();
    if (overridden) {
      spec.thumbnails_access = kRead;
      spec.thumbnails_share = kShareReadWrite;
    }
    bench.add(spec);
    bench.run_to(kSecond);
    INFO("overridden: " << overridden);
    CHECK(bench.vfs_.open_handle_count("C:\\Src\\Thumbs.db") == 1);
    CHECK(bench.open_close("C:\\Src\\Thumbs.db", kWrite, kShareReadWrite) ==
          (overridden ? Win32Error::ok : Win32Error::sharing_violation));
  }
}

// A setup program's temp file in TEMP, held by a TEMP user; each test sets when.
HolderSpec setup_temp_file() {
  HolderSpec spec;
  spec.kind = HolderKind::temp_user;
  spec.name = "setup";
  spec.path = "C:\\WINNT\\TEMP\\~setup.tmp";
  return spec;
}

TEST_CASE("a holder's until may be drawn: its hold ends at a time within the distribution",
          "[holders][temp_user]") {
  // Goal: `until: {uniform: [1h, 2h]}` ends the hold once, at a drawn time in that range.
  // Method: probe the file before 1h (held) and after 2h (free); an exclusive open in between
  // finds the hold's end once it has passed.
  HolderBench bench;
  HolderSpec spec = setup_temp_file();
  spec.until = DurationSpec{DurationSpec::Kind::uniform, 60 * kMinute, 120 * kMinute};
  bench.add(spec);
  bench.run_to(60 * kMinute - kSecond);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::sharing_violation);
  TimeUs freed_us = 0;
  for (TimeUs t_us = 60 * kMinute; t_us <= 120 * kMinute && freed_us == 0; t_us += kMinute) {
    bench.run_to(t_us);
    if (bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::ok) freed_us = t_us;
  }
  CHECK(freed_us >= 60 * kMinute);
  CHECK(freed_us <= 120 * kMinute);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::ok);
}

TEST_CASE("a TEMP user refuses every data open while it holds its file, and not after",
          "[holders][temp_user]") {
  // Goal: GENERIC_READ|GENERIC_WRITE share 0 is exclusive; `every` + `count` repeat it.
  // Method: hold for 1 min every 10 min, twice; probe a reader inside and between holds.
  HolderBench bench;
  HolderSpec spec = setup_temp_file();
  spec.hold_for = constant(kMinute);
  spec.every = constant(10 * kMinute);
  spec.count = 2;
  bench.add(spec);
  bench.run_to(0);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::sharing_violation);
  CHECK(bench.open_close(spec.path, AccessMask{bits::kFileReadAttributes}, kShareNone) ==
        Win32Error::ok);  // metadata-only opens never conflict
  bench.run_to(kMinute);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::ok);
  bench.run_to(10 * kMinute);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::sharing_violation);
  bench.run_to(11 * kMinute);
  CHECK(bench.open_close(spec.path, kRead, kShareReadWrite) == Win32Error::ok);
  CHECK(bench.opens_by("setup").size() == 2);
}

TEST_CASE("a script's delete of a directory is RemoveDirectory, refused with 32 by a cwd handle",
          "[holders][script]") {
  // Goal: a cmd.exe current directory blocks removal (sim/fs/README.md) and the step `expect`
  // reports mismatches. Method: one step opens the folder like a cwd, later steps delete it,
  // expecting 32 (matches) and ok (does not match), then close and delete it once it is empty.
  HolderBench bench;
  REQUIRE(bench.vfs_.make_directories("C:\\Src\\Empty") == Win32Error::ok);
  HolderSpec spec;
  spec.kind = HolderKind::script;
  spec.name = "cmd";
  ScriptStep open_cwd;
  open_cwd.action = ScriptStep::Action::open;
  open_cwd.path = "C:\\Src\\Empty";
  open_cwd.handle_name = "cwd";
  open_cwd.access = AccessMask{bits::kFileExecute | bits::kSynchronize};
  open_cwd.share = kShareReadWrite;
  ScriptStep remove;
  remove.action = ScriptStep::Action::delete_file;
  remove.at_us = kSecond;
  remove.path = "C:\\Src\\Empty";
  remove.expect = Win32Error::sharing_violation;
  ScriptStep wrong = remove;
  wrong.at_us = 2 * kSecond;
  wrong.expect = Win32Error::ok;
  ScriptStep close_cwd;
  close_cwd.action = ScriptStep::Action::close;
  close_cwd.at_us = 3 * kSecond;
  close_cwd.handle_name = "cwd";
  ScriptStep removed = remove;
  removed.at_us = 4 * kSecond;
  removed.expect = Win32Error::ok;
  spec.steps = {open_cwd, remove, wrong, close_cwd, removed};
  bench.add(spec);
  bench.run_to(kMinute);
  REQUIRE(bench.findings_.size() == 3);
  CHECK(bench.findings_[0].ok);
  CHECK_FALSE(bench.findings_[1].ok);
  CHECK(bench.findings_[2].ok);
  CHECK_FALSE(bench.vfs_.exists("C:\\Src\\Empty"));
}

TEST_CASE("the factory builds a holder of every kind the format names", "[holders]") {
  // Goal: no kind of scenarios/FORMAT.md lacks its class. Method: make_holder for each name.
  Kernel kernel;
  VirtualFileSystem vfs(kernel, VfsOptions{});
  Trace trace(true);
  std::vector<HolderFinding> findings;
  const HolderContext context{kernel, vfs, trace, findings, model::kMicrosecondsPerDay, 0};
  for (const auto& row : kHolderKindNames) {
    HolderSpec spec;
    spec.kind = row.value;
    spec.name = std::string(row.name);
    spec.path = "C:\\Src\\a.txt";
    spec.scope = {"C:\\Src"};
    const auto holder = make_holder(context, spec);
    REQUIRE(holder != nullptr);
    CHECK(holder->name() == row.name);
  }
}

TEST_CASE("active spans merge overlapping windows and exclude their ends", "[holders]") {
  // Goal: the reactive holders' "is it active" answer. Method: overlapping, touching, open-ended.
  const ActiveSpans spans({{10, 20}, {15, 30}, {40, 50}, {50, 60}, {100, std::nullopt}});
  CHECK_FALSE(spans.contains(9));
  CHECK(spans.contains(10));
  CHECK(spans.contains(29));
  CHECK_FALSE(spans.contains(30));
  CHECK(spans.contains(55));
  CHECK_FALSE(spans.contains(60));
  CHECK(spans.contains(100));
  CHECK(spans.contains(kRunHorizonMaxUs));
}

TEST_CASE("hold times scale with size, round up, keep their floor and saturate", "[holders]") {
  // Goal: the per-MB arithmetic never overflows. Method: exact, rounded, floor and huge cases.
  CHECK(hold_for_size_us(50 * kMs, 4 * kMb, kMs) == 200 * kMs);
  CHECK(hold_for_size_us(50 * kMs, 1, kMs) == kMs);  // 50 ms / 2^20 rounds up to 1 us; floor 1 ms
  CHECK(hold_for_size_us(kMb, kMb + 1, 0) == static_cast<TimeUs>(kMb) + 1);
  CHECK(hold_for_size_us(0, 1ull << 40, 0) == 0);
  CHECK(hold_for_size_us(kRunHorizonMaxUs, ~0ull, kMs) == kRunHorizonMaxUs);
}

TEST_CASE("an antivirus per-MB distribution is drawn from its own sub-stream, same seed same scan",
          "[holders][antivirus]") {
  // Goal: determinism of distributions. Method: two benches with the same seed and a uniform
  // per_mb give the same scan length, within the bounds.
  auto scan_us = [] {
    HolderBench bench;
    bench.file("C:\\Src\\a.cab", 10 * kMb);
    HolderSpec spec = antivirus("av", std::nullopt);
    spec.per_mb = DurationSpec{DurationSpec::Kind::uniform, 10 * kMs, 100 * kMs};
    bench.add(spec);
    bench.rewrite("C:\\Src\\a.cab");
    bench.run_to(0);
    for (const TraceRecord& record : bench.trace_.records()) {
      if (record.event != "scan_start") continue;
      for (const TraceField& field : record.fields) {
        if (field.key == "for_us") return std::get<int64_t>(field.value);
      }
    }
    return int64_t{-1};
  };
  const int64_t first = scan_us();
  CHECK(first >= 100 * kMs);
  CHECK(first <= kSecond);
  CHECK(scan_us() == first);
}

}  // namespace
}  // namespace distsim::sim
