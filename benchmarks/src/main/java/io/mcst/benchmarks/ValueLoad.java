package io.mcst.benchmarks;

/** A value size and the load that suits it: how many callers, each cycling over how many keys of its own. */
record ValueLoad(String label, int bytes, int callers, int keysPerCaller) {
    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;

    static final ValueLoad SMALL = new ValueLoad("1 KiB", KIB, 16, 8);
    static final ValueLoad MEDIUM = new ValueLoad("1 MiB", MIB, 8, 2);
    static final ValueLoad LARGE = new ValueLoad("16 MiB", 16 * MIB, 2, 2);
}
