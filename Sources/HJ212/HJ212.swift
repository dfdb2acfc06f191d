public enum HJ212 {}
