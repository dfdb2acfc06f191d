import HJ212
import Testing
