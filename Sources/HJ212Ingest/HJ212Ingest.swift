import HJ212
