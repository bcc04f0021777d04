package io.mcst.replication;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The right to write as the only writer: epoch {@link #epoch()} of one key, taken by
 * {@link ReplicatedStore#takeover} and held by that one {@link ReplicatedStore} instance (docs/algorithm.md,
 * Fencing). Pass it to {@link ReplicatedStore#putFenced} and {@link ReplicatedStore#removeFenced}, for that key
 * or the other keys its owner writes (a partition's segments beside its index); once another writer takes the
 * key over with a higher epoch and writes a key, fenced writes of that key with this fence abort with a
 * {@link FencedException}.
 */
public final class Fence {
    private final String key;
    private final long epoch;
    private final String clientId;
    private final byte[] value;
    /**
     * The highest counter a write with this fence took, shared by the copies {@link #withValue} makes: fenced
     * writes of one holder run concurrently (a partition's segments), and two writes with one timestamp would
     * share a temporary key, also when the first of them failed at a minority and the second's collect missed it.
     */
    private final AtomicLong lastCounter;

    Fence(String key, long epoch, String clientId, byte[] value) {
        this(key, epoch, clientId, value, new AtomicLong(epoch << Timestamp.EPOCH_SHIFT)); // the takeover's own write
    }

    private Fence(String key, long epoch, String clientId, byte[] value, AtomicLong lastCounter) {
        this.key = key;
        this.epoch = epoch;
        this.clientId = clientId;
        this.value = value == null ? null : value.clone();
        this.lastCounter = lastCounter;
    }

    /** The key whose takeover gave this fence. */
    public String key() {
        return key;
    }

    /** The epoch held: the high 32 bits of every timestamp this holder writes the key with. */
    public long epoch() {
        return epoch;
    }

    /**
     * The key's value when the takeover read it, which the takeover wrote again under the new epoch: the
     * holder resumes from it (a zombie write concurrent with the takeover may have been acknowledged and is now
     * superseded). Empty if the key was absent or removed.
     */
    public Optional<byte[]> value() {
        return Optional.ofNullable(value).map(byte[]::clone);
    }

    /** This fence as a layer above the replicated store sees it: the same key and epoch, the value it decodes. */
    public Fence withValue(Optional<byte[]> decoded) {
        return new Fence(key, epoch, clientId, decoded.orElse(null), lastCounter);
    }

    String clientId() {
        return clientId;
    }

    /**
     * A counter of this epoch above {@code seen} and above every counter this fence gave before, or -1 when the
     * epoch's 2^32 - 1 sequence numbers are used up.
     */
    long nextCounter(long seen) {
        long next = lastCounter.updateAndGet(last -> last < 0 ? last : Math.max(last, seen) + 1);
        if (next >>> Timestamp.EPOCH_SHIFT != epoch) {
            lastCounter.set(-1);
            return -1;
        }
        return next;
    }

    @Override
    public String toString() {
        return "Fence[" + key + ", epoch " + epoch + "]";
    }
}
