import EnforcementStore

/// Group commit of monitoring readings: readings submitted by many connections while a commit is running are
/// stored together in the next one, and each submitter resumes only when its readings are durably committed.
///
/// One commit is in flight at a time; a commit holds at most ``maximumBatch`` readings (more wait for the next).
/// A failed commit fails every submitter of that commit (their packets are not acknowledged; the devices send
/// them again) and the committer goes on with the next submissions.
actor ReadingCommitter {
    private let store: any RecordStore
    private let maximumBatch: Int
    private var pending: [MonitoringReading] = []
    /// The submitters waiting, with how many of `pending` are theirs, in submission order.
    private var waiters: [(count: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var committing = false
    private(set) var commits = 0
    private(set) var committedReadings = 0

    init(store: any RecordStore, maximumBatch: Int) {
        self.store = store
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Returns when `readings` are committed; throws the store's error when their commit failed.
    func commit(_ readings: [MonitoringReading]) async throws {
        guard !readings.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append(contentsOf: readings)
            waiters.append((readings.count, continuation))
            if !committing {
                committing = true
                Task { await self.drain() }
            }
        }
    }

    /// Commits pending readings until none are left. Whole submissions only: a submission is never split across
    /// two commits, so that its submitter resumes once.
    private func drain() async {
        while !waiters.isEmpty {
            var take = 0
            var readingCount = 0
            for waiter in waiters {
                if take > 0 && readingCount + waiter.count > maximumBatch { break }
                take += 1
                readingCount += waiter.count
            }
            let batch = Array(pending.prefix(readingCount))
            let resumed = Array(waiters.prefix(take))
            pending.removeFirst(readingCount)
            waiters.removeFirst(take)
            do {
                try await store.appendReadings(batch)
                commits += 1
                committedReadings += batch.count
                for waiter in resumed { waiter.continuation.resume() }
            } catch {
                for waiter in resumed { waiter.continuation.resume(throwing: error) }
            }
        }
        committing = false
    }
}
