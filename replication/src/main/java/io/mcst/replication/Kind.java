package io.mcst.replication;

/** What a version of a register holds: a value, or a tombstone left by {@code remove} (docs/algorithm.md, Remove and list). */
enum Kind {
    VALUE('v'),
    TOMBSTONE('d');

    private final char code;

    Kind(char code) {
        this.code = code;
    }

    /** The letter that ends a temporary key's name and marks the kind in a blob header. */
    char code() {
        return code;
    }

    static Kind ofCode(char code) {
        return switch (code) {
            case 'v' -> VALUE;
            case 'd' -> TOMBSTONE;
            default -> throw new IllegalArgumentException("unknown kind '" + code + "'");
        };
    }
}
