package io.mcst.connector.sink;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The consumer groups the sink snapshots ({@code groups}, {@code groups.regex}): those named, and those whose
 * whole id the regex matches.
 */
public record GroupSelection(Set<String> ids, Optional<Pattern> regex) {
    public GroupSelection {
        ids = Set.copyOf(ids);
        requireNonNull(regex, "regex");
    }

    public boolean includes(String group) {
        return ids.contains(group) || regex.map(pattern -> pattern.matcher(group).matches()).orElse(false);
    }
}
