package io.mcst.connector.source;

/** The plugin's version, from the jar manifest the build writes; "unknown" when run from classes (tests). */
final class Version {
    private Version() {}

    static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version != null ? version : "unknown";
    }
}
