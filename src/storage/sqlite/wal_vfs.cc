#include "storage/sqlite/wal_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace ordo::storage::sqlite {

namespace {

// Above this the buffer is written out at once (a huge transaction spilling pages).
constexpr size_t kMaxBuffered = size_t{8} << 20;
constexpr size_t kWriteChunk = size_t{64} << 10;

sqlite3_vfs* g_base = nullptr;

// Our file: the wrapped file's state follows this struct in the same allocation
// (szOsFile = sizeof(File) + base's szOsFile).
struct File {
  sqlite3_file base;    // base.pMethods = our methods
  sqlite3_file* real;   // the wrapped file, right after this struct
  std::string* buffer;  // bytes not yet written, from `start` (WAL and database files)
  sqlite3_int64 start;
  bool wal;           // the write-ahead log
  bool commit_frame;  // WAL: the last write was the header of a commit frame
};

// A WAL frame header is 24 bytes; bytes 4-7 hold the database size after a commit, and
// are zero in every frame but a transaction's last (sqlite/src/wal.c, "frame header").
bool IsCommitFrameHeader(const void* data, int amt) {
  if (amt != 24) return false;
  const auto* b = static_cast<const unsigned char*>(data);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

// The unix VFS masks a write's size to 17 bits: a single write of 128 KiB or more (an
// in-memory statement journal spilling to its temporary file in one piece) comes out
// short, as "disk full". Every write goes down in pieces of at most 64 KiB.
int WriteChunked(sqlite3_file* real, const char* data, size_t n, sqlite3_int64 off) {
  int rc = SQLITE_OK;
  for (size_t at = 0; at < n && rc == SQLITE_OK; at += kWriteChunk) {
    const size_t len = std::min(kWriteChunk, n - at);
    rc = real->pMethods->xWrite(real, data + at, static_cast<int>(len),
                                off + static_cast<sqlite3_int64>(at));
  }
  return rc;
}

int Flush(File* f) {
  if (f->buffer == nullptr || f->buffer->empty()) return SQLITE_OK;
  // In 64 KiB pieces (see WriteChunked): sixteen pages a system call, not half a page.
  const int rc = WriteChunked(f->real, f->buffer->data(), f->buffer->size(), f->start);
  f->buffer->clear();
  return rc;
}

int FlushThen(sqlite3_file* p) { return Flush(reinterpret_cast<File*>(p)); }

int Close(sqlite3_file* p) {
  File* f = reinterpret_cast<File*>(p);
  int rc = Flush(f);
  const int closed = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  delete f->buffer;
  f->buffer = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int Read(sqlite3_file* p, void* out, int amt, sqlite3_int64 off) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xRead(Real(p), out, amt, off);
}

int Write(sqlite3_file* p, const void* data, int amt, sqlite3_int64 off) {
  File* f = reinterpret_cast<File*>(p);
  if (f->buffer == nullptr) {
    return WriteChunked(f->real, static_cast<const char*>(data), static_cast<size_t>(amt), off);
  }
  const auto end = f->start + static_cast<sqlite3_int64>(f->buffer->size());
  if (!f->buffer->empty() && off != end) {
    const int rc = Flush(f);
    if (rc != SQLITE_OK) return rc;
  }
  if (f->buffer->empty()) f->start = off;
  f->buffer->append(static_cast<const char*>(data), static_cast<size_t>(amt));
  // A commit is published to other connections through the WAL index, with a barrier
  // on the *database* file's handle, not this one; with synchronous=FULL the WAL's own
  // sync comes first and flushes, but not with NORMAL. So a commit frame is written out
  // as soon as its page follows its header: no reader can learn of a frame whose bytes
  // are still here, whatever the synchronous setting.
  if (f->wal) {
    const bool page_of_commit = f->commit_frame;
    f->commit_frame = IsCommitFrameHeader(data, amt);
    if (page_of_commit) return Flush(f);
  }
  return f->buffer->size() >= kMaxBuffered ? Flush(f) : SQLITE_OK;
}

int Truncate(sqlite3_file* p, sqlite3_int64 size) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xTruncate(Real(p), size);
}

int Sync(sqlite3_file* p, int flags) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xSync(Real(p), flags);
}

int FileSize(sqlite3_file* p, sqlite3_int64* size) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xFileSize(Real(p), size);
}

int Lock(sqlite3_file* p, int level) { return Real(p)->pMethods->xLock(Real(p), level); }

int Unlock(sqlite3_file* p, int level) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xUnlock(Real(p), level);
}

int CheckReservedLock(sqlite3_file* p, int* out) {
  return Real(p)->pMethods->xCheckReservedLock(Real(p), out);
}

int FileControl(sqlite3_file* p, int op, void* arg) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xFileControl(Real(p), op, arg);
}

int SectorSize(sqlite3_file* p) { return Real(p)->pMethods->xSectorSize(Real(p)); }

int DeviceCharacteristics(sqlite3_file* p) {
  return Real(p)->pMethods->xDeviceCharacteristics(Real(p));
}

int ShmMap(sqlite3_file* p, int page, int size, int extend, void volatile** out) {
  return Real(p)->pMethods->xShmMap(Real(p), page, size, extend, out);
}

int ShmLock(sqlite3_file* p, int offset, int n, int flags) {
  return Real(p)->pMethods->xShmLock(Real(p), offset, n, flags);
}

void ShmBarrier(sqlite3_file* p) {
  (void)FlushThen(p);  // an error resurfaces at the sync that follows
  Real(p)->pMethods->xShmBarrier(Real(p));
}

int ShmUnmap(sqlite3_file* p, int delete_flag) {
  return Real(p)->pMethods->xShmUnmap(Real(p), delete_flag);
}

int Fetch(sqlite3_file* p, sqlite3_int64 off, int amt, void** out) {
  const int rc = FlushThen(p);
  if (rc != SQLITE_OK) return rc;
  return Real(p)->pMethods->xFetch(Real(p), off, amt, out);
}

int Unfetch(sqlite3_file* p, sqlite3_int64 off, void* ptr) {
  return Real(p)->pMethods->xUnfetch(Real(p), off, ptr);
}

// One table per version of the wrapped file's methods, so that SQLite never calls an
// entry the wrapped file does not have.
sqlite3_io_methods MakeMethods(int version) {
  sqlite3_io_methods m{};
  m.iVersion = version;
  m.xClose = Close;
  m.xRead = Read;
  m.xWrite = Write;
  m.xTruncate = Truncate;
  m.xSync = Sync;
  m.xFileSize = FileSize;
  m.xLock = Lock;
  m.xUnlock = Unlock;
  m.xCheckReservedLock = CheckReservedLock;
  m.xFileControl = FileControl;
  m.xSectorSize = SectorSize;
  m.xDeviceCharacteristics = DeviceCharacteristics;
  if (version >= 2) {
    m.xShmMap = ShmMap;
    m.xShmLock = ShmLock;
    m.xShmBarrier = ShmBarrier;
    m.xShmUnmap = ShmUnmap;
  }
  if (version >= 3) {
    m.xFetch = Fetch;
    m.xUnfetch = Unfetch;
  }
  return m;
}

const sqlite3_io_methods kMethods[3] = {MakeMethods(1), MakeMethods(2), MakeMethods(3)};

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* p, int flags, int* out_flags) {
  File* f = reinterpret_cast<File*>(p);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->buffer = nullptr;
  f->start = 0;
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->commit_frame = false;
  const int rc = g_base->xOpen(g_base, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
    // SQLite calls xClose only when pMethods is set; the wrapped file cleaned up itself.
    p->pMethods = nullptr;
    return rc;
  }
  // The WAL (written at every commit) and the database file (written by checkpoints,
  // in ascending page order: runs of neighbouring pages become one write).
  if ((flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_DB)) != 0) {
    f->buffer = new (std::nothrow) std::string();
  }
  int version = f->real->pMethods->iVersion;
  if (version < 1) version = 1;
  if (version > 3) version = 3;
  p->pMethods = &kMethods[version - 1];
  return SQLITE_OK;
}

// The rest of the VFS is the wrapped one's.
int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_base->xDelete(g_base, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base->xAccess(g_base, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return g_base->xDlOpen(g_base, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* sym))(void) {
  return g_base->xDlSym(g_base, handle, sym);
}
void DlClose(sqlite3_vfs*, void* handle) { g_base->xDlClose(g_base, handle); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int Sleep(sqlite3_vfs*, int micros) { return g_base->xSleep(g_base, micros); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_base->xGetLastError ? g_base->xGetLastError(g_base, n, out) : 0;
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_base->xCurrentTimeInt64(g_base, out);
}

sqlite3_vfs g_vfs;

bool Register() {
  g_base = sqlite3_vfs_find(nullptr);
  if (g_base == nullptr || g_base->iVersion < 2) return false;
  g_vfs = sqlite3_vfs{};
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_base->szOsFile;
  g_vfs.mxPathname = g_base->mxPathname;
  g_vfs.zName = "ordo";
  g_vfs.xOpen = Open;
  g_vfs.xDelete = Delete;
  g_vfs.xAccess = Access;
  g_vfs.xFullPathname = FullPathname;
  g_vfs.xDlOpen = DlOpen;
  g_vfs.xDlError = DlError;
  g_vfs.xDlSym = DlSym;
  g_vfs.xDlClose = DlClose;
  g_vfs.xRandomness = Randomness;
  g_vfs.xSleep = Sleep;
  g_vfs.xCurrentTime = CurrentTime;
  g_vfs.xGetLastError = GetLastError;
  g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  return sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0) == SQLITE_OK;
}

}  // namespace

const char* OrdoVfsName() {
  static const bool registered = Register();
  return registered ? "ordo" : nullptr;
}

}  // namespace ordo::storage::sqlite
