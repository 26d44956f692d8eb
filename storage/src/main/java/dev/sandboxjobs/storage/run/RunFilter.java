package dev.sandboxjobs.storage.run;

import java.util.Set;

/**
 * Which runs to list: every non-null field narrows the result. Pages go backwards from
 * {@code beforeSeq} (newest first).
 */
public record RunFilter(Set<String> states, String workflow, String labelName, String labelValue,
                        Long createdFrom, Long createdUntil, Long beforeSeq, int limit) {
}
