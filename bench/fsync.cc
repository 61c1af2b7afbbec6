// ordo_bench_fsync: how long the disk takes to make a small write durable — the floor
// under every group commit. Appends 4 KiB blocks to a file in --dir (the data
// directory's file system) and fdatasync()s (or fsync()s) after each, like SQLite's
// WAL commit, for --count rounds.
//
//   ordo_bench_fsync --dir /path/on/the/data/disk [--count 2000] [--sync fdatasync|fsync]

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "bench_util.h"

using namespace ordo::bench;

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"dir", "count", "sync", "out"}, "ordo_bench_fsync --dir DIR [--count 2000]");
  const std::string path = flags.Str("dir", ".") + "/fsync-probe.tmp";
  const int count = static_cast<int>(flags.Int("count", 2000));
  const bool full = flags.Str("sync", "fdatasync") == "fsync";
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  char block[4096];
  std::memset(block, 'x', sizeof block);
  Histogram hist;
  const int64_t t0 = NowMicros();
  for (int i = 0; i < count; ++i) {
    // Wrap at 16 MiB, like a WAL that is reset after a checkpoint.
    const off_t at = static_cast<off_t>(i % 4096) * static_cast<off_t>(sizeof block);
    const int64_t start = NowMicros();
    if (::pwrite(fd, block, sizeof block, at) != static_cast<ssize_t>(sizeof block) ||
        (full ? ::fsync(fd) : ::fdatasync(fd)) != 0) {
      std::perror("write/sync");
      return 1;
    }
    hist.Record(NowMicros() - start);
  }
  const double seconds = (NowMicros() - t0) / 1e6;
  ::close(fd);
  ::unlink(path.c_str());
  Emit(flags.Str("out"), "fsync",
       {{"call", full ? "fsync" : "fdatasync"},
        {"block_bytes", sizeof block},
        {"syncs_per_s", count / seconds},
        {"latency", hist.Summary()}});
  return 0;
}
