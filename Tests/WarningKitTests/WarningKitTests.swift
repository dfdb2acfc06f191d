import Testing
import WarningKit
