package dev.sandboxjobs.engine.setup.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.util.Optional;

/**
 * Chooses the base image of the runtime image. With the default base: the registry image if it is
 * here, else a debootstrap base made earlier, else the registry image if it can be pulled, else a
 * new debootstrap base. A base the user named must be here or pullable.
 */
final class BaseImagePlan {
    public static final String DEFAULT_BASE = "debian:trixie-slim";
    public static final String DEBOOTSTRAP_BASE = "sandbox-jobs/debian-base:trixie";

    /** How the base was found. */
    public enum Source { LOCAL, PULLED, DEBOOTSTRAPPED }

    /** The chosen base: its reference, its image id, and how it was found. */
    public record Base(String reference, String id, Source source) {}

    /** What the plan needs from Docker and the host; the real one talks to both. */
    public interface Images {
        Optional<String> localId(String reference);

        /** Tries to pull; returns false (after saying why through progress) when it cannot. */
        boolean pull(String reference);

        /** Makes {@link #DEBOOTSTRAP_BASE} from a debootstrap root filesystem and returns its id. */
        String debootstrap();
    }

    private BaseImagePlan() {}

    /** Resolves the base for a build, pulling or making it when needed. {@code configured} null means default. */
    public static Base resolve(String configured, Images images) {
        boolean named = configured != null && !configured.isBlank();
        String wanted = named ? configured.strip() : DEFAULT_BASE;
        Optional<String> local = images.localId(wanted);
        if (local.isPresent()) {
            return new Base(wanted, local.get(), Source.LOCAL);
        }
        if (!named) {
            Optional<String> made = images.localId(DEBOOTSTRAP_BASE);
            if (made.isPresent()) {
                return new Base(DEBOOTSTRAP_BASE, made.get(), Source.LOCAL);
            }
        }
        if (images.pull(wanted)) {
            return new Base(wanted, images.localId(wanted).orElseThrow(() -> new SandboxException(ErrorCode.IMAGE_MISSING,
                    "Docker reported pulling " + wanted + " but does not list it; run setup again.")), Source.PULLED);
        }
        if (named) {
            throw new SandboxException(ErrorCode.IMAGE_MISSING, "The base image " + wanted
                    + " is not here and cannot be pulled. Load it (docker load / docker pull), or leave out --base-image"
                    + " to build on " + DEFAULT_BASE + " or, offline, on a Debian base made with debootstrap.");
        }
        return new Base(DEBOOTSTRAP_BASE, images.debootstrap(), Source.DEBOOTSTRAPPED);
    }

    /** The base a build would use right now, without pulling or making anything (for doctor). */
    public static Optional<Base> peek(String configured, Images images) {
        boolean named = configured != null && !configured.isBlank();
        String wanted = named ? configured.strip() : DEFAULT_BASE;
        Optional<String> local = images.localId(wanted);
        if (local.isPresent()) {
            return Optional.of(new Base(wanted, local.get(), Source.LOCAL));
        }
        if (!named) {
            return images.localId(DEBOOTSTRAP_BASE).map(id -> new Base(DEBOOTSTRAP_BASE, id, Source.LOCAL));
        }
        return Optional.empty();
    }
}
