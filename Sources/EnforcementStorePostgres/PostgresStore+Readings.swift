import EnforcementStore
import PostgresNIO

extension PostgresStore {
    /// Where readings are staged before they are merged into `store_readings` (a temporary table, dropped at the
    /// end of the transaction).
    private static let stagingTable = "store_readings_stage"

    public func appendReadings(_ readings: [MonitoringReading]) async throws {
        _ = try requireSchema()
        guard !readings.isEmpty else { return }
        // `ON CONFLICT DO UPDATE` may not touch a row twice in one statement: of readings for the same point,
        // pollutant and time, the last one counts, as if they were appended one by one.
        let unique = Self.lastOfEach(readings)
        try await createPartitions(for: unique)
        try await perform("appending readings") {
            try await self.inTransaction { connection in
                try await self.run(
                    connection,
                    """
                    CREATE TEMPORARY TABLE \(Self.stagingTable) (point TEXT NOT NULL, pollutant TEXT NOT NULL,
                    t TIMESTAMPTZ NOT NULL, value DOUBLE PRECISION, flag TEXT NOT NULL) ON COMMIT DROP
                    """)
                try await connection.copyFrom(
                    table: Self.stagingTable, columns: ReadingCopy.columns, logger: self.logger
                ) { writer in
                    try await ReadingCopy.write(unique, to: writer)
                }
                try await self.run(
                    connection,
                    """
                    INSERT INTO store_readings (point, pollutant, t, value, flag)
                    SELECT point, pollutant, t, value, flag FROM \(Self.stagingTable)
                    ON CONFLICT (point, pollutant, t) DO UPDATE SET value = excluded.value, flag = excluded.flag
                    """)
            }
        }
    }

    /// Copies readings straight into `store_readings` with `COPY … FROM STDIN`, creating missing monthly partitions
    /// first — the fast path for bulk loads.
    ///
    /// Unlike ``appendReadings(_:)`` it does not replace stored readings: a reading whose point, pollutant and time
    /// is already stored (or given twice) fails the whole copy with `.database`, and nothing of it is stored.
    public func copyReadings(_ readings: [MonitoringReading]) async throws {
        _ = try requireSchema()
        guard !readings.isEmpty else { return }
        try await createPartitions(for: readings)
        try await perform("copying readings") {
            try await self.client.withConnection { connection in
                try await connection.copyFrom(
                    table: "store_readings", columns: ReadingCopy.columns, logger: self.logger
                ) { writer in
                    try await ReadingCopy.write(readings, to: writer)
                }
            }
        }
    }

    public func readings(point: String, pollutant: String?, from start: Int64, to end: Int64) async throws
        -> [MonitoringReading]
    {
        _ = try requireSchema()
        guard start < end else { return [] }
        var binds = PostgresBindings()
        binds.append(point)
        binds.append(start)
        binds.append(end)
        var condition = ""
        if let pollutant {
            binds.append(pollutant)
            condition = " AND pollutant = $4"
        }
        let rows = try await perform("reading readings") {
            try await self.client.withConnection { connection in
                try await self.run(
                    connection,
                    """
                    SELECT pollutant, extract(epoch FROM t)::bigint, value, flag FROM store_readings
                    WHERE point = $1 AND t >= to_timestamp($2) AND t < to_timestamp($3)\(condition)
                    ORDER BY pollutant, t
                    """, binds)
            }
        }
        return try rows.map { row in
            let cells = row.makeRandomAccess()
            return MonitoringReading(
                point: point, pollutant: try cells[0].requiredText(), time: try cells[1].decode(Int64.self),
                value: try cells[2].decode(Double?.self), flag: try cells[3].requiredText())
        }
    }

    /// The readings with the last of each point, pollutant and time, in their order.
    static func lastOfEach(_ readings: [MonitoringReading]) -> [MonitoringReading] {
        struct Slot: Hashable {
            var point: String
            var pollutant: String
            var time: Int64
        }
        var last: [Slot: Int] = [:]
        last.reserveCapacity(readings.count)
        for (index, reading) in readings.enumerated() {
            last[Slot(point: reading.point, pollutant: reading.pollutant, time: reading.time)] = index
        }
        guard last.count < readings.count else { return readings }
        return readings.indices.filter { index in
            let reading = readings[index]
            return last[Slot(point: reading.point, pollutant: reading.pollutant, time: reading.time)] == index
        }.map { readings[$0] }
    }

    /// Creates the monthly partitions of `store_readings` (months in Beijing time) the readings fall in, unless
    /// they are known to exist.
    func createPartitions(for readings: some Collection<MonitoringReading>) async throws {
        var months = Set<Int64>()
        var previous: Int64?
        for reading in readings {
            let month = ReadingTime.beijingMonth(reading.time)
            if month != previous {
                months.insert(month)
                previous = month
            }
        }
        let missing = unknownPartitions(months)
        guard !missing.isEmpty else { return }
        try await perform("creating partitions of store_readings") {
            try await self.inTransaction { connection in
                // Two stores creating the same partition at once would collide in the catalog, IF NOT EXISTS or not.
                var binds = PostgresBindings()
                binds.append(Self.lockClass)
                binds.append(self.schemaName + "/partitions")
                try await self.run(connection, "SELECT pg_advisory_xact_lock($1, hashtext($2))", binds)
                for month in missing {
                    try await self.run(
                        connection,
                        """
                        CREATE TABLE IF NOT EXISTS \(quoted(ReadingTime.partitionName(month: month)))
                        PARTITION OF store_readings
                        FOR VALUES FROM (\(literal(ReadingTime.monthStart(month))))
                        TO (\(literal(ReadingTime.monthStart(month + 1))))
                        """)
                }
            }
        }
        knowPartitions(missing)
    }
}
