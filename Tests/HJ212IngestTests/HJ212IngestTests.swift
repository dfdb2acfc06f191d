import HJ212Ingest
import Testing
