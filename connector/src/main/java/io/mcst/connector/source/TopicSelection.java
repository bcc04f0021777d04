package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Which archived topics to replay: a fixed list, or every topic whose whole name matches a pattern. */
public final class TopicSelection {
    private final Set<String> named;
    private final Pattern pattern;

    private TopicSelection(Set<String> named, Pattern pattern) {
        this.named = named;
        this.pattern = pattern;
    }

    public static TopicSelection named(List<String> topics) {
        return new TopicSelection(Set.copyOf(topics), null);
    }

    public static TopicSelection matching(Pattern pattern) {
        return new TopicSelection(null, requireNonNull(pattern, "pattern"));
    }

    /** The topics to list one by one, or empty when the whole archive must be listed and filtered. */
    public Optional<Set<String>> namedTopics() {
        return Optional.ofNullable(named);
    }

    public boolean includes(String topic) {
        return named != null ? named.contains(topic) : pattern.matcher(topic).matches();
    }

    @Override
    public String toString() {
        return named != null ? "topics " + named : "topics matching " + pattern.pattern();
    }
}
