package io.mcst.replication;

/**
 * What a read found, with its timestamp: the register's value, a tombstone, or nothing ({@link Timestamp#ZERO},
 * never written). Tests record the timestamp to check regularity and atomicity.
 *
 * @param value the bytes, or null for a tombstone or a register never written
 */
record Versioned(Timestamp ts, Kind kind, byte[] value) {
    static final Versioned NEVER_WRITTEN = new Versioned(Timestamp.ZERO, Kind.TOMBSTONE, null);
}
