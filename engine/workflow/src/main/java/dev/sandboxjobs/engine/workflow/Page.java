package dev.sandboxjobs.engine.workflow;

import java.util.List;

/** One page of results; {@code nextPageToken} is null on the last page. */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasNext() {
        return nextPageToken != null;
    }
}
