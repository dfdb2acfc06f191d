/// The result of a request, `QnRtn` of a 9011 request response (HJ 212-2017 Table 7).
public struct HJ212RequestResult: RawRepresentable, Sendable, Hashable {
    /// The code.
    public let rawValue: Int

    /// Creates a result from its code.
    ///
    /// - Parameter rawValue: The code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 1: ready to execute the request.
    public static let ready = Self(rawValue: 1)
    /// 2: the request is rejected.
    public static let rejected = Self(rawValue: 2)
    /// 3: wrong password (2017; 2005: "PW error").
    public static let wrongPassword = Self(rawValue: 3)
    /// 4: wrong MN (2017).
    public static let wrongMN = Self(rawValue: 4)
    /// 5: wrong ST (2017).
    public static let wrongST = Self(rawValue: 5)
    /// 6: wrong Flag (2017).
    public static let wrongFlag = Self(rawValue: 6)
    /// 7: wrong QN (2017).
    public static let wrongQN = Self(rawValue: 7)
    /// 8: wrong CN (2017).
    public static let wrongCN = Self(rawValue: 8)
    /// 9: CRC error (2017).
    public static let crcError = Self(rawValue: 9)
    /// 100: unknown error (2017).
    public static let unknownError = Self(rawValue: 100)
}

/// The result of executing a request, `ExeRtn` of a 9012 execution result (HJ 212-2017 Table 6).
public struct HJ212ExecutionResult: RawRepresentable, Sendable, Hashable {
    /// The code.
    public let rawValue: Int

    /// Creates a result from its code.
    ///
    /// - Parameter rawValue: The code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 1: executed successfully.
    public static let succeeded = Self(rawValue: 1)
    /// 2: failed, reason unknown.
    public static let failed = Self(rawValue: 2)
    /// 3: wrong request condition (2017).
    public static let wrongCondition = Self(rawValue: 3)
    /// 4: communication timeout (2017).
    public static let timeout = Self(rawValue: 4)
    /// 5: system busy (2017).
    public static let busy = Self(rawValue: 5)
    /// 6: system fault (2017).
    public static let systemFault = Self(rawValue: 6)
    /// 100: no data.
    public static let noData = Self(rawValue: 100)
}

/// The interaction responses (ST=91), in the edition of the packet they answer.
///
/// HJ 212-2017 puts the answered QN in the header (`QN=…;ST=91;CN=9014;PW=…;MN=…;Flag=4;CP=&&&&`); HJ/T 212-2005
/// puts it in the data area (`ST=91;CN=9014;PW=…;MN=…;Flag=0;CP=&&QN=…;CN=…;PNO=…;PNUM=…&&`). A response never asks
/// for an acknowledgement itself. Packets of editions the codec does not implement are answered in the 2017 layout
/// with their own version bits.
///
/// ```swift
/// if packet.needsAcknowledgement {
///     try await channel.write(HJ212Packet.dataResponse(to: packet).encoded())
/// }
/// ```
extension HJ212Packet {
    /// The 9011 request response (`QnRtn`) to a request.
    ///
    /// - Parameters:
    ///   - request: The request answered.
    ///   - result: The result (default: ready to execute).
    /// - Returns: The response.
    public static func requestResponse(to request: HJ212Packet, result: HJ212RequestResult = .ready) -> HJ212Packet {
        response(to: request, cn: "9011", items2017: [("QnRtn", String(result.rawValue))]) { qn in
            (qn.map { [("QN", $0)] } ?? []) + [("QnRtn", String(result.rawValue))]
        }
    }

    /// The 9012 execution result (`ExeRtn`) of a request.
    ///
    /// - Parameters:
    ///   - request: The request executed.
    ///   - result: The result (default: executed successfully).
    /// - Returns: The response.
    public static func executionResult(
        for request: HJ212Packet, result: HJ212ExecutionResult = .succeeded
    ) -> HJ212Packet {
        response(to: request, cn: "9012", items2017: [("ExeRtn", String(result.rawValue))]) { qn in
            (qn.map { [("QN", $0)] } ?? []) + [("ExeRtn", String(result.rawValue))]
        }
    }

    /// The 9013 notification response to a notification.
    ///
    /// - Parameter notification: The notification answered.
    /// - Returns: The response.
    public static func notificationResponse(to notification: HJ212Packet) -> HJ212Packet {
        response(to: notification, cn: "9013", items2017: []) { qn in qn.map { [("QN", $0)] } ?? [] }
    }

    /// The 9014 data response to an upload (one per subpacket when subpackets ask for acknowledgement).
    ///
    /// In 2017 the data area is empty and the header echoes the upload's QN; in 2005 the data area carries the
    /// upload's QN (when it had one), CN, PNO and PNUM (1 and 1 for an upload that is not split).
    ///
    /// - Parameter upload: The upload answered.
    /// - Returns: The response.
    public static func dataResponse(to upload: HJ212Packet) -> HJ212Packet {
        response(to: upload, cn: "9014", items2017: []) { qn in
            var items = qn.map { [("QN", $0)] } ?? []
            items.append(("CN", upload.cn ?? ""))
            items.append(("PNO", String(upload.pno ?? 1)))
            items.append(("PNUM", String(upload.pnum ?? 1)))
            return items
        }
    }

    /// A response in the edition of `packet`.
    private static func response(
        to packet: HJ212Packet, cn: String, items2017: [(String, String)],
        items2005: (_ qn: String?) -> [(String, String)]
    ) -> HJ212Packet {
        let edition = packet.edition
        let items: [(String, String)]
        let qn: String?
        if edition == .edition2005 {
            items = items2005(packet.qn)
            qn = nil
        } else {
            items = items2017
            qn = packet.qn
        }
        let data =
            items.isEmpty
            ? HJ212DataArea()
            : HJ212DataArea(groups: items.map { HJ212DataGroup([HJ212DataItem(key: $0.0, value: $0.1)]) })
        return HJ212Packet(
            qn: qn, st: "91", cn: cn, pw: packet.pw, mn: packet.mn, flag: HJ212Flag(edition: edition), data: data)
    }
}
