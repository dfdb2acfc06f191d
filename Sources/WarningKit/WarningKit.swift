public enum WarningKit {}
